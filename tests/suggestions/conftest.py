"""Documents with hand-written extractions (the engine's output format), as the pipeline would leave them."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools

import pytest

_counter = itertools.count()


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """PBKDF2 costs ~0.3 s per test user; these tests are not about password storage."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def span(text: str, needle: str) -> dict:
    start = text.index(needle)
    return {"start": start, "end": start + len(needle)}


@pytest.fixture
def make_doc(db):
    from amity.intake.models import Document, DocumentStatus

    def make(text: str, extraction: dict | None = None, *, title: str = "", date=dt.date(2025, 3, 10),
             url: str = "", language: str = "en", duplicate_of=None, **fields) -> Document:
        n = next(_counter)
        sha = hashlib.sha256(f"{n}:{title}:{text}".encode()).hexdigest()
        return Document.objects.create(
            sha256=sha, blob_path=Document.blob_path_for(sha), title=title or f"Report {n}",
            url=url or f"https://news.example.org/{n}", date=date, language=language, text=text,
            status=DocumentStatus.DUPLICATE if duplicate_of else DocumentStatus.DONE, duplicate_of=duplicate_of,
            extraction=extraction or {}, **fields)

    return make


VISIT_TEXT = ("Ha Noi, 10 March 2025. A delegation of the Japan-Viet Nam Friendship Association led by "
              "President Takebe Tsutomu visited the Viet Nam Union of Friendship Organisations. "
              "The two sides discussed exchanges between young people.")


def visit_extraction(text: str = VISIT_TEXT, date: str | None = "2025-03-10", org="Japan-Viet Nam Friendship "
                     "Association", person="Takebe Tsutomu") -> dict:
    sentence = text.split(". ")[1]
    return {
        "countries": ["JP", "VN"],
        "organizations": [{"name": org, "canonical": org, "kind": "friendship_association", "country": "JP",
                           "evidence": span(text, org)}],
        "persons": [{"name": person, "title": "President", "org": org, "evidence": span(text, person)}],
        "events": [{"type": "visit", "date": date, "location": "Ha Noi", "countries": ["JP", "VN"],
                    "organizations": [org], "persons": [person],
                    "summary": sentence, "evidence": span(text, sentence)}],
        "money": [], "figures": [],
    }
