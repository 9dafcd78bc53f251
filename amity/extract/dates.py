"""Dates at the precision the text gives: "2025-03-10", "2025-03" or "2025".

Partial dates ("on March 10", "ngày 10/3") take their year from the document date when known;
a result more than a month after the document date is moved to the previous year (a retrospective
written in January about "December 20").  Patterns run over the folded text, so Vietnamese with or
without diacritics reads the same.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass

from .normalize import Spans

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
_MON = "|".join(sorted(MONTHS, key=len, reverse=True))
_Y = r"(?P<y>(?:19|20)\d\d)"
_D = r"(?P<d>[0-3]?\d)(?:st|nd|rd|th)?"

_TIME_OF_DAY = ("sang", "chieu", "toi", "trua", "dem", "toi", "hom")
_DAY_LEAD = ("ngay", "on", "from", "to", "den", "tu")
_YEAR_LEAD = ("nam", "in", "year", "since", "by", "until", "of", "during", "early", "late", "mid", "throughout")
_DIGIT_LED = ("",)     # the match starts at a digit run

# (the words a match can start with, the pattern); every match has a digit run within _LEAD characters
# of its start, so the patterns are tried only there (see _starts) instead of at every offset
_PATTERNS: list[tuple[tuple[str, ...], re.Pattern]] = [
    # 2025-03-10
    (_DIGIT_LED, re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b")),
    # March 10, 2025 / March 10 / March 10th
    (tuple(MONTHS), re.compile(rf"\b(?P<mn>{_MON})\.? {_D}\b(?:,? {_Y}\b)?")),
    # 10 March 2025 / 10 March
    (_DIGIT_LED, re.compile(rf"\b{_D} (?:of )?(?P<mn>{_MON})\b\.?(?:,? {_Y}\b)?")),
    # March 2025 / in March
    (tuple(MONTHS), re.compile(rf"\b(?P<mn>{_MON}) (?:of )?{_Y}\b")),
    # ngay 10 thang 3 nam 2025 / ngay 10 thang 3
    (("ngay",), re.compile(rf"\bngay {_D} thang (?P<m>[01]?\d)\b(?: nam {_Y}\b)?")),
    # 10/3/2025, 10-3-2025, 10.3.2025 (day first, the Vietnamese and British order)
    (_DIGIT_LED, re.compile(r"\b(?P<d>[0-3]?\d)([/.-])(?P<m>[01]?\d)\2(?P<y>(?:19|20)\d\d)\b")),
    # sang 04/12, chieu 17-1 (time of day + day-month, Vietnamese)
    (_TIME_OF_DAY, re.compile(rf"\b(?:{'|'.join(_TIME_OF_DAY)}) (?:ngay )?(?P<d>[0-3]?\d)[/-](?P<m>[01]?\d)\b(?![/-]\d)")),
    # ngay 10/3 (only after "ngay"/"on"/"from"/"to": a bare 10/3 may be a ratio)
    (_DAY_LEAD, re.compile(rf"\b(?:{'|'.join(_DAY_LEAD)}) (?P<d>[0-3]?\d)/(?P<m>[01]?\d)\b(?!/)")),
    # thang 3/2025, thang 3 nam 2025
    (("thang",), re.compile(rf"\bthang (?P<m>[01]?\d)(?:/| nam ){_Y}\b")),
    # nam 2025 / in 2025 / year 2025 / bare 2025 in a few safe contexts
    (_YEAR_LEAD, re.compile(rf"\b(?:{'|'.join(_YEAR_LEAD)}) {_Y}\b(?![-/.]\d)")),
]
# the longest text a pattern has before its first digit ("september of ", "throughout ", "chieu ngay "), with room
_LEAD = 16
_LEAD_WORD = re.compile(r"\b[a-z]+")


def _patterns_by_word() -> dict[str, tuple[int, ...]]:
    """First word -> the numbers of the patterns that can start with it ("" -> the digit-led ones)."""
    out: dict[str, tuple[int, ...]] = {}
    for i, (words, _) in enumerate(_PATTERNS):
        for w in dict.fromkeys(words):
            out[w] = (*out.get(w, ()), i)
    return out


_BY_WORD = _patterns_by_word()
_VI_ONLY = frozenset((4, 6, 8))      # "ngay", "sang", "thang": not tried on English text


@dataclass(slots=True)
class DateHit:
    start: int
    end: int
    value: str          # "YYYY-MM-DD" | "YYYY-MM" | "YYYY"


def find(folded: str, doc_date: dt.date | None = None, ref_year: int | None = None,
         lang: str | None = None) -> list[DateHit]:
    """Every date in ``folded``.  Partial dates need ``doc_date`` (exact resolution) or, failing
    that, ``ref_year`` (the year the document talks about most).  ``lang="en"`` skips the patterns
    made of Vietnamese words ("ngày 10 tháng 3", "sáng 04/12", "tháng 3/2025")."""
    hits: list[DateHit] = []
    pending: list[tuple[int, int, int, int]] = []      # day-month without a year: (start, end, m, d)
    taken = Spans()
    starts = _starts(folded)
    for i, (_, rx) in enumerate(_PATTERNS):
        if lang == "en" and i in _VI_ONLY:
            continue
        for m in _matches(rx, folded, starts[i]):
            s, e = m.span()
            if taken.overlaps(s, e):
                continue
            gd = m.groupdict()
            if doc_date is None and ref_year is None and gd.get("d") and not gd.get("y"):
                month = MONTHS.get(gd.get("mn") or "") or (int(gd["m"]) if gd.get("m") else 0)
                if 1 <= month <= 12:
                    taken.add(s, e)
                    pending.append((s, e, month, int(gd["d"])))
                continue
            value = _value(gd, doc_date, ref_year)
            if value:
                taken.add(s, e)
                hits.append(DateHit(s, e, value))
    if doc_date is not None:
        for rx, kind, names in ((_WEEKDAY, "wd", _WEEKDAY_NAMES), (_MONTH_ONLY, "mo", _MONTH_PREFIXES)):
            for m in _matches(rx, folded, [(p, len(folded)) for p in _word_before(folded, names)]):
                if taken.overlaps(*m.span()):
                    continue
                value = _relative(m, kind, doc_date)
                if value:
                    taken.add(*m.span())
                    hits.append(DateHit(m.start(), m.end(), value))
    hits.sort(key=lambda h: h.start)
    if pending:
        # "ngày 06/5" with no document date: the year of the nearest earlier dated mention
        # ("tháng 4/2023", "April 19, 2024"); bare years ("the 2023-2028 tenure") do not count
        # (or, failing that, the one year the headline names)
        explicit = [h for h in hits if len(h.value) >= 7]
        starts = [h.start for h in explicit]
        title_years = set(_YEAR.findall(folded.split("\n", 1)[0]))
        title_year = int(title_years.pop()) if len(title_years) == 1 else None
        for s, e, month, day in pending:
            i = bisect.bisect_left(starts, s)
            year = int(explicit[i - 1].value[:4]) if i else title_year
            if year is not None:
                try:
                    hits.append(DateHit(s, e, dt.date(year, month, day).isoformat()))
                except ValueError:
                    pass
        hits.sort(key=lambda h: h.start)
    return hits


def _starts(folded: str) -> list[list[tuple[int, int]]]:
    """Per pattern, where a match can start, in text order: (offset, end of its digit window).
    A date has a digit run, and its start is that run or a word of :data:`_PATTERNS` at most
    ``_LEAD`` characters before it; a few dictionary tests instead of ten scans of every window."""
    out: list[list[tuple[int, int]]] = [[] for _ in _PATTERNS]
    windows = digit_windows(folded)
    wi = 0
    last = -1
    for s, _ in _digit_runs(folded):
        while windows[wi][1] <= s:
            wi += 1
        hi = windows[wi][1]
        if s and folded[s - 1] == " ":   # the words of every pattern end with a space before the digits
            for m in _LEAD_WORD.finditer(folded, max(0, s - _LEAD), s):
                p = m.start()
                if p > last:             # words before the run before are listed already
                    for i in _BY_WORD.get(m.group(), ()):
                        out[i].append((p, hi))
            last = s
        for i in _BY_WORD[""]:
            out[i].append((s, hi))
    return out


def _matches(rx: re.Pattern, folded: str, starts: list[tuple[int, int]]):
    """``rx.finditer`` restricted to the given (start, endpos) pairs: the same matches when every
    match starts at one of them (non-overlapping, in text order)."""
    last = -1
    for p, hi in starts:
        if p >= last:
            m = rx.match(folded, p, hi)
            if m is not None:
                last = m.end()
                yield m


_WORD_BEFORE = re.compile(r"[a-z]+ $")


def _word_before(folded: str, names: tuple[str, ...], reach: int = 12) -> list[int]:
    """Starts of the words just before each of ``names`` ("on" of "on monday"): where the
    relative-date patterns, which start with such a word, can match."""
    out = set()
    for name in names:
        q = folded.find(name)
        while q >= 0:
            if q and folded[q - 1] == " ":
                m = _WORD_BEFORE.search(folded, max(0, q - reach), q)
                if m is not None:
                    out.add(m.start())
            q = folded.find(name, q + 1)
    return sorted(out)


_WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
             "thu hai": 0, "thu ba": 1, "thu tu": 2, "thu nam": 3, "thu sau": 4, "thu bay": 5, "chu nhat": 6}
_WEEKDAY = re.compile(r"\b(?:on|last|this|vao|hom|sang|chieu|toi) (monday|tuesday|wednesday|thursday|friday|saturday|"
                      r"sunday|thu hai|thu ba|thu tu|thu nam|thu sau|thu bay|chu nhat)\b")
_MONTH_ONLY = re.compile(rf"\b(?:in|since|from|during|early|late|mid|last|this|until|by) (?P<mn>{_MON})\b(?! \d)")
_WEEKDAY_NAMES = tuple(_WEEKDAYS)
_MONTH_PREFIXES = tuple({m[:3]: None for m in MONTHS})   # every month name starts with one of these


def _relative(m: re.Match, kind: str, doc_date: dt.date) -> str | None:
    """"on Monday" -> the last Monday on or before the document date; "in April" -> that month of
    the document's year (the year before when April is still to come)."""
    if kind == "wd":
        back = (doc_date.weekday() - _WEEKDAYS[m.group(1)]) % 7
        return (doc_date - dt.timedelta(days=back)).isoformat()
    mn = m.group("mn")
    if mn in ("may", "mar", "jan", "jun", "jul", "aug", "sep", "oct", "nov", "dec", "feb", "apr", "sept"):
        return None                      # "in may" / "last mar..." are not dates often enough
    month = MONTHS[mn]
    year = doc_date.year - (1 if month > doc_date.month + 1 else 0)
    return f"{year:04d}-{month:02d}"


_DIGITS = re.compile(r"\d\d*")   # (not \d+: a leading repeat stops the regex from skipping to digits)
_DIGIT_MASK = bytes(48 if 48 <= c <= 57 else 32 for c in range(256))    # "0" for a digit, " " for the rest
_ZEROS = re.compile(rb"00*")                                            # (a literal first: found by a fast search)


_LAST_DIGITS: tuple = ("", [])


def _digit_runs(folded: str) -> list[tuple[int, int]]:
    """Spans of the digit runs of ``folded`` (the last text's runs are kept: dates, money and
    figures all ask for the same document)."""
    global _LAST_DIGITS
    last = _LAST_DIGITS
    if last[0] is folded:
        return last[1]
    if folded.isascii():                 # digits are 0-9: mark them with a byte table, jump between the marks
        runs = [m.span() for m in _ZEROS.finditer(folded.encode("ascii").translate(_DIGIT_MASK))]
    else:
        runs = [m.span() for m in _DIGITS.finditer(folded)]
    _LAST_DIGITS = (folded, runs)
    return runs


def at_digit_runs(rx: re.Pattern, folded: str, windows: list[tuple[int, int]], prefix: str = ""):
    """``rx.finditer`` over ``windows`` for a pattern whose matches start at a digit run (a number,
    or ``prefix`` just before one): ``rx.match`` at each run instead of a try at every offset."""
    last = -1
    wi = 0
    nw = len(windows)
    for s, _ in _digit_runs(folded):
        if s < last:
            continue
        while wi < nw and windows[wi][1] <= s:
            wi += 1
        if wi == nw:
            break
        lo, hi = windows[wi]
        if s < lo:
            continue
        m = None
        if prefix and s - len(prefix) >= lo and folded.startswith(prefix, s - len(prefix)) and s - len(prefix) >= last:
            m = rx.match(folded, s - len(prefix), hi)
        if m is None:
            m = rx.match(folded, s, hi)
        if m is not None:
            last = m.end()
            yield m


def digit_windows(folded: str, before: int = 32, after: int = 24) -> list[tuple[int, int]]:
    """Every date has a digit: patterns only run in windows around digit runs (fast on big texts)."""
    out: list[list[int]] = []
    n = len(folded)
    for s, e in _digit_runs(folded):
        lo, hi = max(0, s - before), min(n, e + after)
        if out and lo <= out[-1][1] + 48:   # few, larger windows: fewer regex calls
            out[-1][1] = hi
        else:
            out.append([lo, hi])
    return [(lo, hi) for lo, hi in out]


def _value(g: dict, doc_date: dt.date | None, ref_year: int | None = None) -> str | None:
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
        if year is None and doc_date is None:
            if ref_year is None:
                return None
            year = ref_year
        elif year is None:
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


_YEAR = re.compile(r"(?:19|20)\d\d")


def document_date(folded: str) -> dt.date | None:
    """A publication date near the top: a full date next to a clock time ("17/02/2026 | 07:05")."""
    head = folded[:1500]
    if not _HEAD_TIME.search(head):
        return None                      # no clock time, no publication line
    for h in find(head):
        if len(h.value) == 10 and (_HEAD_TIME.search(head[h.end:h.end + 12])
                                   or _HEAD_TIME.search(head[max(0, h.start - 12):h.start])):
            return dt.date.fromisoformat(h.value)
    return None


def reference_year(folded: str) -> int | None:
    """The year a document talks about most (ties: the latest), for "ngày 10/3" without a date."""
    counts: dict[int, int] = {}
    n = len(folded)
    # a year is a digit run of its own (a _YEAR match inside a longer run has a digit beside it)
    for s, e in _digit_runs(folded):
        if e - s != 4 or not folded.startswith(("19", "20"), s):
            continue
        if (s and (folded[s - 1].isdigit() or folded[s - 1] in "/.-")) or (e < n and (folded[e].isdigit() or folded[e] == "/")):
            continue
        y = int(folded[s:e])
        counts[y] = counts.get(y, 0) + 1
    if not counts:
        return None
    return max(counts, key=lambda y: (counts[y], y))


def parse_iso(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
