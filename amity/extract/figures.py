"""Other numeric facts: percentages, ratios ("1.5 times", "2.5-fold", "gấp 2 lần") and counts
("75 high-level activities", "17 partners").  Years, dates, ordinals, money and numbers inside
names ("Resolution 57", "G20") are not figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .dates import at_digit_runs, digit_windows
from .normalize import Spans
from .numbers import NUMBER, as_number, parse_number

_SCALE = r"(?: ?(?P<scale>thousand|million|billion|nghin|ngan|trieu|ty)\b)?"
_PCT = re.compile(rf"(?<![\w.,])(?P<num>{NUMBER}) ?(?P<unit>%|percent\b|per cent\b|phan tram\b)(?:\+)?")
_TIMES = re.compile(rf"(?<![\w.,])(?:gap )?(?P<num>{NUMBER})(?: |-)?(?P<unit>times\b|-fold\b|fold\b|lan\b)")
_COUNT = re.compile(rf"(?<![\w.,$€£¥/-])(?P<num>{NUMBER}){_SCALE}(?:\+)? (?P<unit>(?:[a-z][a-z'-]* ){{0,5}}[a-z][a-z'-]*)")
_STOP_UNIT = {
    "en": frozenset("years year yrs months month days day hours hour minutes am pm th st nd rd and or to of in on at "
                    "the a an percent per times fold - usd vnd eur million billion thousand trillion bn m k km2 is "
                    "are was were has have".split()),
    "vi": frozenset("nam thang ngay gio phut va den tu lan usd vnd eur dong ty trieu nghin ngan ben chu tot "
                    "giai doan nhiem ky khoa".split()),
}
# Nouns that make a count worth reporting even when the sentence has no trigger
_NOT_HEAD = frozenset("the a an of and in on at to for with by from as that this these those its their our "
                      "new more most high higher other key major strategic".split())
_ANY_DIGIT = re.compile(r"\d")
_STRONG = re.compile(r"(?<![\w.,])(?P<num>\d{1,4})[- ](?:strong|member)\b")
_RANGE = re.compile(r"(?<![\w.,/-])(?P<a>\d{1,4})(?:\s?[-–]\s?| of the | of | out of )(?P<b>\d{1,4})(?![\w/-])"
                    r"(?: more)? (?P<unit>[a-z][\w'-]*(?: [a-z][a-z'-]*)?)")
_UNIT_STOP = frozenset("""the a an of and in on at to for with by from as that this these those its their our were was
is are be been has have had will would can could which who signed held than more over compared under across between
including such into per each while whose cua va cac nhung duoc da dang se tai trong voi cho la co nay do tu den tren
duoi theo ve de khi nam thang ngay nham gom hon nhu""".split())
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december")


@dataclass(slots=True)
class Figure:
    start: int
    end: int
    value: int | float
    unit: str
    about: str


def find(text: str, folded: str, lang: str, exclude: list[tuple[int, int]]) -> list[Figure]:
    out: list[Figure] = []
    taken = Spans(exclude)

    def free(s: int, e: int) -> bool:
        return not taken.overlaps(s, e)

    windows = digit_windows(folded, 8, 80)
    if not windows:
        return out

    def scan(rx):
        # every pattern starts with a number ("gap " before one for ratios): matched at digit runs
        return at_digit_runs(rx, folded, windows, "gap " if rx is _TIMES else "")

    for rx, unit_of in ((_PCT, lambda m: "%"), (_TIMES, lambda m: "times")):
        for m in scan(rx):
            s, e = m.span()
            if not free(s, e):
                continue
            v = parse_number(m.group("num"), lang)
            if v is None:
                continue
            taken.add(s, e)
            out.append(Figure(s, e, as_number(v), unit_of(m), _context(text, s, _about(text, folded, s, e))))
    # "a 29-strong executive board", "27-member board": the size of a body
    for m in scan(_STRONG):
        s, e = m.span()
        v = parse_number(m.group("num"), lang)
        if v is not None and free(s, e):
            taken.add(s, e)
            out.append(Figure(s, e, as_number(v), "members", text[m.end():m.end() + 40].split(".")[0].strip()))
    # "4-6 more chapters", "18 of the 21 G20 economies": both numbers count
    for m in scan(_RANGE):
        s, e = m.span()
        if not free(s, m.end("b")):
            continue
        a, b = parse_number(m.group("a"), lang), parse_number(m.group("b"), lang)
        if a is None or b is None or 1900 <= a <= 2100 or 1900 <= b <= 2100:
            continue
        unit = text[m.start("unit"):m.end("unit")]
        taken.add(s, e)
        about = _context(text, s, unit)
        out.append(Figure(s, m.end("a"), as_number(a), unit, about))
        out.append(Figure(m.start("b"), e, as_number(b), unit, about))
    for m in scan(_COUNT):
        s, e = m.span()
        if not free(s, m.end("num")):
            continue
        num = m.group("num")
        v = parse_number(num, lang)
        if v is None:
            continue
        if m.group("scale"):
            v *= {"thousand": 1e3, "nghin": 1e3, "ngan": 1e3, "million": 1e6, "trieu": 1e6,
                  "billion": 1e9, "ty": 1e9}[m.group("scale")]
        words = m.group("unit").split()
        if words[0] in _STOP_UNIT.get(lang, _STOP_UNIT["en"]) or words[0] in _MONTHS:
            continue
        if 1900 <= v <= 2100 and "." not in num and "," not in num:
            continue           # a year
        if _inside_name(text, s):
            continue
        # the counted noun phrase: words up to the first function word or verb
        kept = 0
        for w in words[:3 if lang == "en" else 6]:
            if w in _UNIT_STOP:
                break
            kept += 1
        while kept and words[kept - 1] in _NOT_HEAD:
            kept -= 1
        if not kept or (kept == 1 and len(words[0]) < 2):
            continue
        ustart = m.start("unit")
        uend = ustart + len(" ".join(words[:kept]))
        unit = text[ustart:uend]
        orig = unit
        taken.add(s, e)
        out.append(Figure(s, e, as_number(v), unit, _context(text, s, orig)))
    out.sort(key=lambda f: f.start)
    return out


def _context(text: str, start: int, tail: str) -> str:
    """A short "about": up to six words before the number (back to the last punctuation) + ``tail``."""
    before = text[max(0, start - 70):start]
    cut = max(before.rfind(c) for c in ".;:(\n,")
    words = before[cut + 1:].split()[-6:]
    if not tail:
        return " ".join(words)
    return " ".join(words + ["…", tail] if words else [tail]).strip()


def _inside_name(text: str, s: int) -> bool:
    """"Resolution 57", "No. 59", "G20", "Decree 123", "top 15": a label, not a quantity."""
    before = text[max(0, s - 14):s].rstrip()
    last = before.split()[-1] if before.split() else ""
    return (last[:1].isupper() and last.isalpha() and last not in ("The", "Over", "Nearly", "About", "Some",
                                                                     "More", "Around", "Almost", "Only", "Hơn",
                                                                     "Gần", "Khoảng", "Trên", "Với", "Có"))\
        or last.lower() in ("no.", "no", "number", "số", "khóa", "khoá", "lần", "thứ")


def _about(text: str, folded: str, s: int, e: int) -> str:
    m = re.match(r"\s*(?:(?:of|in|on|for|increase|growth|của|trong)\b)?\s*([^.;:,()\n]{3,60})", text[e:e + 80])
    return m.group(1).strip() if m else ""
