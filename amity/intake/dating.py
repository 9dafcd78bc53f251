"""Which date a document gets, and where it came from.

``Document.date`` is what search filters, timelines and early signals count by, so it is set in this order,
the first plausible date winning:

1. ``item``: the document's own date, given by its input (the feed entry's date; the HTML page's
   ``article:published_time`` / ``date`` meta / JSON-LD ``datePublished`` / ``<time datetime>``; the
   DOCX core properties; the PDF ``/CreationDate``), read in :mod:`amity.intake.inputs` and stored with the
   document before extraction (the extraction engine then resolves "on March 10" against it);
2. ``extraction``: the engine's document date (``amity.extract``: a date next to a clock time near the top);
3. ``dateline``: a dateline in the first lines ("Hà Nội, 12/3/2025", "HANOI, March 12, 2025",
   "Ngày 12 tháng 3 năm 2025"), read with the engine's own date patterns (``amity.extract.dates.find``) over
   the first ``DATELINE_CHARS`` characters only;
4. ``file_mtime``: for documents of a watched folder (or a file given to ``amity ingest``), the file's
   modification time (a zip member: the archive's).

A date after tomorrow (local time) or before 1900 is never used (a wrong clock, a typo, a scheduled post).
Where the date came from is recorded in ``Document.extraction["date_source"]`` (one of ``DATE_SOURCES``);
no key means the document has no date, and consumers such as early signals fall back to the ingestion date
(``created_at``).

Called once per document inside the speed-critical text step: a few string operations on ~300 characters,
and at most a couple of ``stat`` calls for folder documents that have no other date.
"""

from __future__ import annotations

import datetime as dt
import re
import stat
from pathlib import Path, PurePosixPath

from django.utils import timezone

DATE_SOURCES = ("item", "extraction", "dateline", "file_mtime")
DATELINE_CHARS = 300
DATELINE_LINES = 6
MIN_DATE = dt.date(1900, 1, 1)
MIN_MTIME_DATE = dt.date(1981, 1, 1)  # zip archives and broken copies give 1970/1980 timestamps: not a date
_PREFIX_MAX_CHARS = 40
_PREFIX_MAX_WORDS = 5
_DATE_WITHIN_CHARS = _PREFIX_MAX_CHARS + 60  # the prefix, its separator and the longest written date
_DIGIT = re.compile(r"\d")


def latest_allowed() -> dt.date:
    """Tomorrow, local time: a later date is a mistake (time zones can make today's news look like tomorrow's)."""
    return timezone.localdate() + dt.timedelta(days=1)


def plausible(value: dt.date | None, latest: dt.date | None = None) -> dt.date | None:
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        return None
    if value < MIN_DATE or value > (latest or latest_allowed()):
        return None
    return value


def _as_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def document_date(doc, result: dict | None, text: str) -> dt.date | None:
    """The date of ``doc`` (see the module docstring); records ``result["date_source"]`` when there is one.

    ``doc.date`` holds the item's own date (set when the document was stored), ``result`` is the extraction
    engine's output for ``text`` (computed with ``date=doc.date``)."""
    latest = latest_allowed()
    date, source = None, ""
    item_date = plausible(_as_date(doc.date), latest)
    if item_date is not None:
        date, source = item_date, "item"
    else:
        engine_date = _as_date((result or {}).get("date"))
        if doc.date is not None and engine_date == _as_date(doc.date):
            # The engine was handed the rejected item date and echoed it: ask for its own reading.
            engine_date = _engine_document_date(text)
        engine_date = plausible(engine_date, latest)
        if engine_date is not None:
            date, source = engine_date, "extraction"
        else:
            date = dateline_date(text, latest)
            if date is not None:
                source = "dateline"
            else:
                date = file_date(doc, latest)
                source = "file_mtime" if date is not None else ""
    if result is not None:
        if source:
            result["date_source"] = source
        else:
            result.pop("date_source", None)
    return date


def _engine_document_date(text: str) -> dt.date | None:
    from amity.extract.dates import document_date as engine_document_date
    from amity.extract.normalize import fold

    return engine_document_date(fold(text[:1500]))


def dateline_date(text: str, latest: dt.date | None = None) -> dt.date | None:
    """A full date (with its year) that opens one of the first lines, after at most a short place name or label:
    "Hà Nội, 12/3/2025", "HANOI (VNA) – March 12, 2025", "Ngày 12 tháng 3 năm 2025", "Cập nhật: 12/03/2025".
    A date deep inside a sentence is not a dateline."""
    if not text:
        return None
    from amity.extract.dates import find
    from amity.extract.normalize import fold

    for line in text[:DATELINE_CHARS].splitlines()[:DATELINE_LINES]:
        # A dateline's date starts within the short prefix: the rest of a long first paragraph is not read.
        line = line[:_DATE_WITHIN_CHARS]
        if not _DIGIT.search(line):
            continue
        folded = fold(line)
        for hit in find(folded):
            if len(hit.value) != 10 or hit.value[:4] not in folded[hit.start:hit.end]:
                continue  # a partial date completed from elsewhere is not a dateline
            prefix = folded[:hit.start].strip()
            if len(prefix) > _PREFIX_MAX_CHARS or len(prefix.split()) > _PREFIX_MAX_WORDS or \
                    _DIGIT.search(prefix):
                break  # only the first date of a line can be its dateline
            value = plausible(_as_date(hit.value), latest)
            if value is not None:
                return value
            break
    return None


def _source_of(doc) -> tuple[str, str] | None:
    """(kind, location) of the document's source: no query when the source is loaded (new documents), else one
    (resumed documents without any other date: rare)."""
    if not getattr(doc, "source_id", None):
        return None
    cached = doc._state.fields_cache.get("source") if hasattr(doc, "_state") else None
    if cached is not None:
        return cached.kind, cached.location
    from amity.intake.models import Source

    return Source.objects.filter(pk=doc.source_id).values_list("kind", "location").first()


def file_date(doc, latest: dt.date | None = None) -> dt.date | None:
    """The modification date of a folder document's file (a zip member: its archive's), or None."""
    from amity.intake.models import SourceKind

    source = _source_of(doc)
    name = getattr(doc, "original_name", "") or ""
    if source is None or source[0] != SourceKind.FOLDER or not source[1] or not name:
        return None
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if not parts or ".." in parts or name.startswith("/"):
        return None
    base = Path(source[1])
    for depth in range(len(parts), 0, -1):  # "folder/a.zip/inner/b.txt": b.txt, inner, then a.zip
        try:
            st = base.joinpath(*parts[:depth]).stat()
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode):
            return None
        stamp = dt.datetime.fromtimestamp(st.st_mtime, tz=timezone.get_current_timezone()).date()
        if stamp < MIN_MTIME_DATE:
            return None
        return plausible(stamp, latest)
    return None
