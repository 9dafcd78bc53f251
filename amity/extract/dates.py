"""Dates at the precision the text gives: "2025-03-10", "2025-03" or "2025".

Partial dates ("on March 10", "ngày 10/3") take their year from the document date when known;
a result more than a month after the document date is moved to the previous year (a retrospective
written in January about "December 20").  Patterns run over the folded text, so Vietnamese with or
without diacritics reads the same.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
_MON = "|".join(sorted(MONTHS, key=len, reverse=True))
_Y = r"(?P<y>(?:19|20)\d\d)"
_D = r"(?P<d>[0-3]?\d)(?:st|nd|rd|th)?"

_PATTERNS = [
    # 2025-03-10
    re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b"),
    # March 10, 2025 / March 10 / March 10th
    re.compile(rf"\b(?P<mn>{_MON})\.? {_D}\b(?:,? {_Y}\b)?"),
    # 10 March 2025 / 10 March
    re.compile(rf"\b{_D} (?:of )?(?P<mn>{_MON})\b\.?(?:,? {_Y}\b)?"),
    # March 2025 / in March
    re.compile(rf"\b(?P<mn>{_MON}) (?:of )?{_Y}\b"),
    # ngay 10 thang 3 nam 2025 / ngay 10 thang 3
    re.compile(rf"\bngay {_D} thang (?P<m>[01]?\d)\b(?: nam {_Y}\b)?"),
    # 10/3/2025, 10-3-2025, 10.3.2025 (day first, the Vietnamese and British order)
    re.compile(r"\b(?P<d>[0-3]?\d)([/.-])(?P<m>[01]?\d)\2(?P<y>(?:19|20)\d\d)\b"),
    # ngay 10/3 (only after "ngay"/"on"/"from"/"to": a bare 10/3 may be a ratio)
    re.compile(r"\b(?:ngay|on|from|to|den|tu) (?P<d>[0-3]?\d)/(?P<m>[01]?\d)\b(?!/)"),
    # thang 3/2025, thang 3 nam 2025
    re.compile(rf"\bthang (?P<m>[01]?\d)(?:/| nam ){_Y}\b"),
    # nam 2025 / in 2025 / year 2025 / bare 2025 in a few safe contexts
    re.compile(rf"\b(?:nam|in|year|since|by|until|of|during|early|late|mid|throughout) {_Y}\b(?![-/.]\d)"),
]


@dataclass(slots=True)
class DateHit:
    start: int
    end: int
    value: str          # "YYYY-MM-DD" | "YYYY-MM" | "YYYY"


def find(folded: str, doc_date: dt.date | None = None) -> list[DateHit]:
    hits: list[DateHit] = []
    taken: list[tuple[int, int]] = []
    for rx in _PATTERNS:
        for m in rx.finditer(folded):
            s, e = m.span()
            if any(s < te and ts < e for ts, te in taken):
                continue
            value = _value(m.groupdict(), doc_date)
            if value:
                taken.append((s, e))
                hits.append(DateHit(s, e, value))
    hits.sort(key=lambda h: h.start)
    return hits


def _value(g: dict, doc_date: dt.date | None) -> str | None:
    month = MONTHS.get(g.get("mn") or "") or (int(g["m"]) if g.get("m") else None)
    day = int(g["d"]) if g.get("d") else None
    year = int(g["y"]) if g.get("y") else None
    if g.get("mn") == "may" and day is None and year is None:
        return None
    if month is not None and not 1 <= month <= 12:
        return None
    if day is not None:
        if month is None:
            return None
        if year is None:
            if doc_date is None:
                return None
            year = doc_date.year
            try:
                cand = dt.date(year, month, day)
            except ValueError:
                return None
            if (cand - doc_date).days > 31:
                year -= 1
        try:
            return dt.date(year, month, day).isoformat()
        except ValueError:
            return None
    if month is not None:
        if year is None:
            return None
        return f"{year:04d}-{month:02d}"
    if year is not None:
        return f"{year:04d}"
    return None


_HEAD_TIME = re.compile(r"\d{1,2}:\d\d")


def document_date(folded: str) -> dt.date | None:
    """A publication date near the top (a full date, preferring one next to a clock time)."""
    head = folded[:1500]
    full = [h for h in find(head) if len(h.value) == 10]
    if not full:
        return None
    for h in full:
        if _HEAD_TIME.search(head[h.end:h.end + 12]) or _HEAD_TIME.search(head[max(0, h.start - 12):h.start]):
            return dt.date.fromisoformat(h.value)
    return dt.date.fromisoformat(full[0].value)


def parse_iso(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
