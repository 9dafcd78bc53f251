"""Persons: a run of capitalised words next to a title ("Vice President of VUFO Dong Huy Cuong",
"Nguyen Phuong Nga, President of VUFO"), or led by a Vietnamese family name and followed by
Vietnamese syllables ("Le Thi Thanh Giang" even without a title or diacritics).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .gazetteer import COUNTRY, DEMONYM, ORG, PERSON, PLACE, REGION, Gazetteer, Hit
from .normalize import fold

_TOKEN = re.compile(r"[^\W\d_][\w'’.-]*", re.UNICODE)
_VN_SYLLABLE = re.compile(r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?"
                          r"(?:[aeiouy]{1,3})(?:ng|nh|ch|[cmnpt])?")
_SKIP_BETWEEN = re.compile(r"^(?:\s*(?:of|of the|to|in|at|for|tại|tai|của|cua|the|,)\s*)$")
_NOT_NAME = frozenset(fold(w) for w in (
    "The And Of In On At To For With By From As This That These Those It Its Their Our We He She They "
    "His Her A An Also But Or Nor So Yet Photo Source Mr Ms Mrs Dr Prof Madam Vice Deputy Party State "
    "Government People People's Union Association Committee Province City Ministry Embassy Delegation "
    "Viet Vietnam Vietnamese January February March April May June July August September October "
    "November December Monday Tuesday Wednesday Thursday Friday Saturday Sunday Day Week Year New "
    "Friendship President Chairman Secretary General Minister Ambassador Director Head Hội Đoàn "
    "Ông Bà Theo Tại Trong Với Các Những Đây Sau Khi Chủ Phó Bộ Thủ Sứ Ủy "
    "Ương Hội Đảng Ban Nước Tỉnh Phố Online Magazine News Report Times "
    "Conference Forum Summit Program Programme Resolution Decree Plan Fund Foundation Office Centre Center "
    "Comprehensive Strategic Partnership").split())


@dataclass(slots=True)
class Person:
    start: int
    end: int
    name: str
    title: str | None
    org: str | None


def _vn_syllable(word: str) -> bool:
    return bool(_VN_SYLLABLE.fullmatch(fold(word)))


class _Tokens:
    def __init__(self, text: str, lo: int, hi: int):
        self.toks = [(m.start(), m.end()) for m in _TOKEN.finditer(text, lo, hi)]
        self.index = {s: i for i, (s, _) in enumerate(self.toks)}


def find(text: str, sent: tuple[int, int], ents: list[Hit], titles: list[Hit], g: Gazetteer) -> list[Person]:
    lo, hi = sent
    toks = _Tokens(text, lo, hi)
    hit_at: dict[int, Hit] = {}
    for h in ents:
        hit_at.setdefault(h.start, h)
    covered = [(h.start, h.end) for h in ents if h.entry.kind != PERSON]
    out: list[Person] = []
    used: list[tuple[int, int]] = []

    def blocked(s: int, e: int) -> bool:
        return any(s < ce and cs < e for cs, ce in covered + used)

    def run(i: int, max_len: int = 5) -> tuple[int, int] | None:
        """Capitalised tokens from token ``i`` on, contiguous (single spaces), not entities."""
        toks_ = toks.toks
        if i >= len(toks_):
            return None
        j = i
        while j < len(toks_) and j - i < max_len:
            s, e = toks_[j]
            w = text[s:e].rstrip(".,'’")
            if not w[:1].isupper() or fold(w) in _NOT_NAME or s in hit_at and hit_at[s].entry.kind != PERSON:
                break
            if j > i and text[toks_[j - 1][1]:s] not in (" ", "-"):
                break
            j += 1
        if j - i >= 2:
            return toks_[i][0], toks_[j - 1][1]
        return None

    def add(span: tuple[int, int], title: str | None, org: str | None) -> None:
        s, e = span
        name = text[s:e].rstrip(".,'’")
        e = s + len(name)
        if blocked(s, e):
            return
        used.append((s, e))
        out.append(Person(s, e, name, title, org))

    # 0. known persons from the database snapshot
    for h in ents:
        if h.entry.kind == PERSON and lo <= h.start < hi:
            title, org = h.entry.extra if h.entry.extra else (None, None)
            used.append((h.start, h.end))
            out.append(Person(h.start, h.end, h.entry.value, title, org))

    # 1. title then (of ORG | ORG | demonym/country)* then the name
    for t in titles:
        if not lo <= t.start < hi:
            continue
        pos = t.end
        org = None
        title = t.text
        while True:
            gap_m = re.match(r"\s*(?:of the|of|to|in|at|for|tại|tai|của|cua|the)?\s*", text[pos:pos + 12])
            nxt = pos + gap_m.end()
            h = hit_at.get(nxt)
            if h is None or h.entry.kind not in (ORG, COUNTRY, DEMONYM, PLACE, REGION):
                break
            if h.entry.kind == ORG and org is None:
                org = h.entry.value
                title = text[t.start:h.end]
            pos = h.end
        m = re.match(r",?\s*", text[pos:pos + 4])
        start = pos + m.end()
        i = toks.index.get(start)
        if i is not None:
            span = run(i)
            if span:
                add(span, title.strip(), org)
                continue
        # apposition: "Nguyen Phuong Nga, President of VUFO" / "Nguyen Phuong Nga - Chủ tịch"
        before = text[max(lo, t.start - 3):t.start]
        if before.endswith((", ", " - ", " – ", "(")):
            k = len([1 for s, _ in toks.toks if s < t.start])
            for back in (4, 3, 2):
                i = k - back
                if i >= 0:
                    span = run(i, back)
                    if span and span[1] == t.start - len(before) + len(before.rstrip(", -–(")):
                        add(span, title.strip(), org)
                        break

    # 2. a Vietnamese family name + 1-3 Vietnamese syllables, all capitalised
    for i, (s, e) in enumerate(toks.toks):
        if fold(text[s:e]) not in g.surnames or not text[s].isupper():
            continue
        if s in hit_at:
            continue
        j = i + 1
        while j < len(toks.toks) and j - i <= 3:
            ts, te = toks.toks[j]
            w = text[ts:te]
            if text[toks.toks[j - 1][1]:ts] != " " or not w[:1].isupper() or not _vn_syllable(w) \
                    or ts in hit_at or fold(w) in _NOT_NAME:
                break
            j += 1
        if j - i >= 2 and (j - i >= 3 or _has_vn_marks(text[s:toks.toks[j - 1][1]]) or _lone_name_ok(text, s)):
            add((s, toks.toks[j - 1][1]), None, None)
    return out


def _has_vn_marks(name: str) -> bool:
    return any(ord(c) > 0x7F for c in name)


def _lone_name_ok(text: str, s: int) -> bool:
    """Two-syllable names without diacritics ("To Lam") only after a lower-case word or a comma."""
    before = text[max(0, s - 20):s].rstrip()
    return bool(before) and (before[-1] in ",(" or before.split()[-1][:1].islower())
