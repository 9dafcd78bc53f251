"""Resolve gazetteer hits and name patterns into organisations and countries.

Patterns cover the families of names no list can hold: "Viet Nam–X Friendship Association" /
"Hội hữu nghị Việt Nam – X" for any country X, provincial unions "X Provincial Union of
Friendship Organisations" / "Liên hiệp các tổ chức hữu nghị tỉnh X", embassies and provincial
People's Committees.  A pattern organisation shadows the shorter list names inside it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .gazetteer import COUNTRY, DEMONYM, ORG, PLACE, Gazetteer, Hit

_VN = r"(?:viet ?nam|vn)"
_DASH = r"\s?[-/]\s?"
_FA_EN = re.compile(rf"\b{_VN}{_DASH}(?P<x>[a-z][a-z .'&-]{{1,40}}?)\s(?:people's\s)?friendship\s(?:association|society)\b")
_FA_EN_REV = re.compile(rf"(?P<x>[a-z][a-z.'&]*(?: [a-z][a-z.'&]*){{0,3}}){_DASH}{_VN}\s(?:people's\s)?friendship\s(?:association|society)\b")
_FA_VI = re.compile(rf"\bhoi huu nghi {_VN}{_DASH}")
_FA_VI_REV = re.compile(rf"\bhoi huu nghi (?P<x>[a-z][a-z .'-]{{1,30}}?){_DASH}{_VN}\b")
_PU_EN = re.compile(r"(?P<x>[a-z][a-z.'-]*(?: [a-z][a-z.'-]*){0,3}?) (?:(?P<kind>provincial|city|municipal) )?union of friendship organi[sz]ations?\b")
_PU_EN2 = re.compile(r"\bunion of friendship organi[sz]ations? of (?P<x>[a-z][a-z .'-]{1,30}?) (?:province|city)\b")
_PU_VI = re.compile(r"\blien hiep cac to chuc huu nghi (?:(?:tinh|thanh pho|tp\.?) ?)")
_PU_VI_SHORT = re.compile(r"\blien hiep huu nghi (?:(?:tinh|thanh pho|tp\.?) ?)")
_EMB_EN = re.compile(r"\bembassy of (?:the )?(?P<x>[a-z][a-z .'-]{1,40}?)(?: (?:in|to) (?:the )?(?P<y>[a-z][a-z .'-]{1,30}?))?(?=[^a-z .'-]|$| (?:and|on|has|had|was|is|held|hosted|organi|said|to|in|at|with)\b)")
_EMB_EN2 = re.compile(r"(?P<x>[a-z][a-z'-]*(?: [a-z][a-z'-]*){0,2}) embassy\b")
_EMB_VI = re.compile(r"\bdai su quan ")
_PC_EN = re.compile(r"(?P<x>[a-z][a-z.'-]*(?: [a-z][a-z.'-]*){0,3}?) (?:provincial|city|municipal) people's committee\b")
_PC_VI = re.compile(r"\b(?:uy ban nhan dan|ubnd) (?:tinh|thanh pho|tp\.?) ")
_CITIES = {"Hà Nội": "Hanoi", "Thành phố Hồ Chí Minh": "Ho Chi Minh City", "Hải Phòng": "Hai Phong",
           "Đà Nẵng": "Da Nang", "Cần Thơ": "Can Tho", "Huế": "Hue"}


@dataclass(slots=True)
class Org:
    start: int
    end: int
    name: str
    canonical: str
    kind: str
    country: str | None
    partner: str | None = None   # the X of a friendship association


def strip_accents(s: str) -> str:
    s = s.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def _country_suffix(g: Gazetteer, folded: str, pos: int, max_words: int = 5) -> tuple[str, int] | None:
    """Longest country alias starting at ``pos`` in the folded text: (iso2, end)."""
    words = list(re.finditer(r"[a-z][a-z.'-]*", folded[pos:pos + 80]))
    for n in range(min(max_words, len(words)), 0, -1):
        end = pos + words[n - 1].end()
        iso = g.country_by_fold.get(folded[pos:end])
        if iso and words[0].start() == 0:
            return iso, end
    return None


def _province_at(g: Gazetteer, folded: str, pos: int) -> tuple[str, int] | None:
    words = list(re.finditer(r"[a-z][a-z.'-]*", folded[pos:pos + 60]))
    for n in range(min(5, len(words)), 0, -1):
        end = pos + words[n - 1].end()
        name = g.provinces.get(folded[pos:end])
        if name and words[0].start() == 0:
            return name, end
    return None


def _province_before(g: Gazetteer, folded: str, end: int) -> tuple[str, int] | None:
    head = folded[max(0, end - 50):end]
    words = list(re.finditer(r"[a-z][a-z.'-]*", head))
    for n in range(min(5, len(words)), 0, -1):
        start = max(0, end - 50) + words[-n].start()
        name = g.provinces.get(folded[start:end])
        if name:
            return name, start
    return None


def _country_before(g: Gazetteer, folded: str, end: int) -> tuple[str, int] | None:
    head = folded[max(0, end - 60):end]
    words = list(re.finditer(r"[a-z][a-z.'-]*", head))
    for n in range(min(5, len(words)), 0, -1):
        start = max(0, end - 60) + words[-n].start()
        iso = g.country_by_fold.get(folded[start:end])
        if iso:
            return iso, start
    return None


def _en_place(name: str) -> str:
    return _CITIES.get(name) or strip_accents(name)


def _pattern_orgs(text: str, folded: str, g: Gazetteer) -> list[Org]:
    out: list[Org] = []
    cname = g.country_names

    def fa(start: int, end: int, iso: str, reverse: bool) -> None:
        x = cname.get(iso, iso)
        canonical = f"{x}–Viet Nam Friendship Association" if reverse else f"Viet Nam–{x} Friendship Association"
        out.append(Org(start, end, text[start:end], canonical, "friendship_association",
                       iso if reverse else "VN", iso))

    for m in _FA_EN.finditer(folded):
        iso = g.country_by_fold.get(m.group("x").strip())
        if iso and iso != "VN":
            fa(m.start(), m.end(), iso, False)
    for m in _FA_EN_REV.finditer(folded):
        x = m.group("x")
        found = _country_before(g, folded, m.start("x") + len(x))
        if found and found[0] != "VN":
            fa(found[1], m.end(), found[0], True)
    for m in _FA_VI.finditer(folded):
        found = _country_suffix(g, folded, m.end())
        if found and found[0] != "VN":
            fa(m.start(), found[1], found[0], False)
    for m in _FA_VI_REV.finditer(folded):
        iso = g.country_by_fold.get(m.group("x").strip())
        if iso and iso != "VN":
            fa(m.start(), m.end(), iso, True)

    def pu(start: int, end: int, province: str) -> None:
        en = _en_place(province)
        level = "City" if province in _CITIES else "Provincial"
        canonical = (f"{en} Union of Friendship Organisations" if level == "City"
                     else f"{en} Provincial Union of Friendship Organisations")
        out.append(Org(start, end, text[start:end], canonical, "friendship_union", "VN"))

    for m in _PU_EN.finditer(folded):
        found = _province_before(g, folded, m.start("x") + len(m.group("x")))
        if found:
            pu(found[1], m.end(), found[0])
    for m in _PU_EN2.finditer(folded):
        found = _province_at(g, folded, m.start("x"))
        if found:
            pu(m.start(), m.end(), found[0])
    for rx in (_PU_VI, _PU_VI_SHORT):
        for m in rx.finditer(folded):
            found = _province_at(g, folded, m.end())
            if found:
                pu(m.start(), found[1], found[0])

    def emb(start: int, end: int, iso: str, host: str | None) -> None:
        x = cname.get(iso, iso)
        host_name = cname.get(host or "VN", host or "Viet Nam") if host or iso != "VN" else None
        canonical = f"Embassy of {x} in {host_name}" if host_name else f"Embassy of {x}"
        out.append(Org(start, end, text[start:end], canonical, "government", iso))

    for m in _EMB_EN.finditer(folded):
        found = _country_suffix(g, folded, m.start("x"))
        if not found:
            continue
        end = found[1]
        host = None
        hm = re.match(r" (?:in|to) (?:the )?", folded[end:end + 8])
        if hm:
            h = _country_suffix(g, folded, end + hm.end())
            if h:
                host, end = h
        emb(m.start(), end, found[0], host)
    for m in _EMB_EN2.finditer(folded):
        x_end = m.start("x") + len(m.group("x"))
        found = _country_before(g, folded, x_end)
        iso = found[0] if found else None
        start = found[1] if found else None
        if not found:
            w = re.search(r"([a-z]+)$", m.group("x"))
            dem = text[m.start("x") + w.start(1):x_end] if w else ""
            iso = _DEMONYMS(g).get(dem)
            start = m.start("x") + w.start(1) if w else None
        if iso:
            emb(start, m.end(), iso, None)
    for m in _EMB_VI.finditer(folded):
        found = _country_suffix(g, folded, m.end())
        if found:
            end = found[1]
            host = None
            hm = re.match(r" tai ", folded[end:end + 5])
            if hm:
                h = _country_suffix(g, folded, end + hm.end())
                if h:
                    host, end = h
            emb(m.start(), end, found[0], host)

    def pc(start: int, end: int, province: str) -> None:
        en = _en_place(province)
        level = "City" if province in _CITIES else "Provincial"
        out.append(Org(start, end, text[start:end], f"{en} {level} People's Committee", "government", "VN"))

    for m in _PC_EN.finditer(folded):
        found = _province_before(g, folded, m.start("x") + len(m.group("x")))
        if found:
            pc(found[1], m.end(), found[0])
    for m in _PC_VI.finditer(folded):
        found = _province_at(g, folded, m.end())
        if found:
            pc(m.start(), found[1], found[0])
    return out


_DEM_CACHE: dict[int, dict[str, str]] = {}


def _DEMONYMS(g: Gazetteer) -> dict[str, str]:
    d = _DEM_CACHE.get(id(g))
    if d is None:
        d = {e.alias: e.value for e in g.entries if e.kind == DEMONYM}
        _DEM_CACHE[id(g)] = d
    return d


def organizations(text: str, folded: str, ents: list[Hit], g: Gazetteer) -> list[Org]:
    """Pattern organisations first, then list organisations not inside one; in text order."""
    pats = _pattern_orgs(text, folded, g)
    pats.sort(key=lambda o: (o.start, -(o.end - o.start)))
    chosen: list[Org] = []
    last = -1
    for o in pats:
        if o.start >= last:
            chosen.append(o)
            last = o.end
    for h in ents:
        if h.entry.kind != ORG:
            continue
        if any(h.start < o.end and o.start < h.end for o in chosen):
            continue
        kind, country = h.entry.extra
        chosen.append(Org(h.start, h.end, h.text, h.entry.value, kind, country))
    chosen.sort(key=lambda o: o.start)
    return chosen


def countries(ents: list[Hit], orgs: list[Org]) -> list[tuple[int, str]]:
    """(offset, ISO2) of every country named: names, demonyms, places, friendship partners."""
    out: list[tuple[int, str]] = []
    for h in ents:
        k = h.entry.kind
        if k in (COUNTRY, DEMONYM):
            out.append((h.start, h.entry.value))
        elif k == PLACE and h.entry.extra and len(h.entry.extra) > 1 and h.entry.extra[1]:
            out.append((h.start, h.entry.extra[1]))
    for o in orgs:
        if o.partner:
            out.append((o.start, o.partner))
    return out
