"""Other numeric facts: percentages, ratios ("1.5 times", "2.5-fold", "gấp 2 lần") and counts
("75 high-level activities", "17 partners").  Years, dates, ordinals, money and numbers inside
names ("Resolution 57", "G20") are not figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .numbers import NUMBER, as_number, parse_number

_WORDNUM = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
            "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "thirty": 30, "fifty": 50, "hundred": 100,
            "hai": 2, "ba": 3, "bon": 4, "nam": 5, "sau": 6, "bay": 7, "tam": 8, "chin": 9, "muoi": 10}
_SCALE = r"(?: ?(?P<scale>thousand|million|billion|nghin|ngan|trieu|ty)\b)?"
_PCT = re.compile(rf"(?<![\w.,])(?P<num>{NUMBER}) ?(?P<unit>%|percent\b|per cent\b|phan tram\b)(?:\+)?")
_TIMES = re.compile(rf"(?<![\w.,])(?:gap )?(?P<num>{NUMBER})(?: |-)?(?P<unit>times\b|-fold\b|fold\b|lan\b)")
_COUNT = re.compile(rf"(?<![\w.,$€£¥/-])(?P<num>{NUMBER}){_SCALE}(?:\+)? (?P<unit>(?:[a-z][a-z'-]+ ){{0,2}}[a-z][a-z'-]+)")
_STOP_UNIT = frozenset(
    "years year yrs months month days day hours hour minutes am pm th st nd rd and or to of in on at the a an "
    "percent per times fold lan nam thang ngay gio phut va den tu - usd vnd eur dong ty trieu million billion "
    "thousand trillion bn m k km2 is are was were has have".split())
# Nouns that make a count worth reporting even when the sentence has no trigger
_NOT_HEAD = frozenset("the a an of and in on at to for with by from as that this these those its their our "
                      "new more most high higher other key major strategic".split())
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
    taken = list(exclude)

    def free(s: int, e: int) -> bool:
        return not any(s < te and ts < e for ts, te in taken)

    for rx, unit_of in ((_PCT, lambda m: "%"), (_TIMES, lambda m: "times")):
        for m in rx.finditer(folded):
            s, e = m.span()
            if not free(s, e):
                continue
            v = parse_number(m.group("num"), lang)
            if v is None:
                continue
            taken.append((s, e))
            out.append(Figure(s, e, as_number(v), unit_of(m), _about(text, folded, s, e)))
    for m in _COUNT.finditer(folded):
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
        if words[0] in _STOP_UNIT or words[0] in _MONTHS:
            continue
        if 1900 <= v <= 2100 and "." not in num and "," not in num:
            continue           # a year
        if _inside_name(text, s):
            continue
        # keep the head noun: drop trailing function words
        while words and words[-1] in _NOT_HEAD:
            words.pop()
        if not words:
            continue
        unit = " ".join(words[-1:]) if lang == "en" else " ".join(words[:1])
        orig = text[m.start("unit"):m.start("unit") + len(m.group("unit"))]
        taken.append((s, e))
        out.append(Figure(s, e, as_number(v), unit, orig))
    out.sort(key=lambda f: f.start)
    return out


def _inside_name(text: str, s: int) -> bool:
    """"Resolution 57", "No. 59", "G20", "Decree 123", "top 15": a label, not a quantity."""
    before = text[max(0, s - 14):s].rstrip()
    last = before.split()[-1] if before.split() else ""
    return (last[:1].isupper() and last.isalpha() and last not in ("The", "Over", "Nearly", "About", "Some",
                                                                     "More", "Around", "Almost", "Only", "Hơn",
                                                                     "Gần", "Khoảng", "Trên", "Với", "Có"))\
        or last.lower() in ("no.", "no", "number", "top", "số", "khóa", "khoá", "lần", "thứ")


def _about(text: str, folded: str, s: int, e: int) -> str:
    m = re.match(r"\s*(?:of|in|on|for|increase|growth|cua|trong)?\s*([^.;:,()\n]{3,60})", text[e:e + 80])
    return m.group(1).strip() if m else ""
