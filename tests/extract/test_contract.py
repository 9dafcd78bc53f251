"""The output contract, on the real samples and on small hand-written texts."""

from __future__ import annotations

import json

import pytest

from amity.extract.events import EVENT_TYPES
from amity.extract.gazetteer import ORG_KINDS
from amity.extract.pipeline import extract, extract_file

from .conftest import sample_paths

KEYS = {"countries", "organizations", "persons", "events", "money", "figures"}


def check_contract(r: dict, text_len: int | None = None) -> None:
    assert KEYS <= set(r)
    assert r["language"] in ("en", "vi")
    assert r["date"] is None or len(r["date"]) == 10
    for iso in r["countries"]:
        assert isinstance(iso, str) and len(iso) == 2 and iso.isupper()
    assert len(set(r["countries"])) == len(r["countries"])
    for o in r["organizations"]:
        assert {"name", "canonical", "kind", "country"} <= set(o)
        assert o["kind"] in ORG_KINDS
        assert o["country"] is None or len(o["country"]) == 2
    names = {o["name"] for o in r["organizations"]}
    persons = {p["name"] for p in r["persons"]}
    for p in r["persons"]:
        assert {"name", "title", "org"} <= set(p)
    for e in r["events"]:
        assert {"type", "date", "location", "countries", "organizations", "persons", "summary"} <= set(e)
        assert e["type"] in EVENT_TYPES
        assert e["date"] is None or len(e["date"]) in (4, 7, 10)
        assert set(e["organizations"]) <= names
        assert set(e["persons"]) <= persons
        assert set(e["countries"]) <= set(r["countries"])
    for m in r["money"]:
        assert {"amount", "currency", "about"} <= set(m)
        assert len(m["currency"]) == 3 and m["amount"] > 0
    for f in r["figures"]:
        assert {"value", "unit", "about"} <= set(f)
    for key in KEYS - {"countries"}:
        for item in r[key]:
            ev = item["evidence"]
            assert 0 <= ev["start"] < ev["end"]
            if text_len is not None:
                assert ev["end"] <= text_len
    assert set(r["country_evidence"]) == set(r["countries"])
    json.dumps(r)


@pytest.mark.parametrize("path", sample_paths(), ids=lambda p: p.name[:3])
def test_contract_on_samples(path):
    r = extract_file(path)
    check_contract(r)
    assert "VN" in r["countries"]


def test_contract_compact_has_no_evidence():
    r = extract("VUFO President Nguyen Phuong Nga received the Japanese delegation on March 10, 2025.",
                evidence=False)
    check_contract_without_evidence(r)


def check_contract_without_evidence(r):
    assert "country_evidence" not in r
    for key in KEYS - {"countries"}:
        for item in r[key]:
            assert "evidence" not in item


def test_evidence_points_at_the_sentence():
    text = "First sentence here. VUFO signed an agreement with the Japan Foundation worth US$1.2 million."
    r = extract(text)
    ev = r["money"][0]["evidence"]
    assert text[ev["start"]:ev["end"]].startswith("VUFO signed")
    check_contract(r, len(text))


def test_empty_and_whitespace_text():
    for t in ("", "   \n\n ", "\x00\x01"):
        r = extract(t)
        check_contract(r)
        assert r["countries"] == []
