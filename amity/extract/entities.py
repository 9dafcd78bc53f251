"""Resolve gazetteer hits and name patterns into organisations and countries.

Patterns cover the families of names no list can hold: "Viet Nam–X Friendship Association" /
"Hội hữu nghị Việt Nam – X" for any country X, provincial unions "X Provincial Union of
Friendship Organisations" / "Liên hiệp các tổ chức hữu nghị tỉnh X", embassies and provincial
People's Committees.  A pattern organisation shadows the shorter list names inside it.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from itertools import islice

from . import orgphrases
from .gazetteer import COUNTRY, DEMONYM, ORG, PLACE, Gazetteer, Hit
from .normalize import Spans

_VN = r"(?:viet ?nam|vn)"
_DASH = r"\s?[-/]\s?"
_FA_EN = re.compile(rf"\b{_VN}{_DASH}(?P<x>[a-z][a-z .'&-]{{1,40}}?)\s(?:people's\s)?friendship\s(?:association|society)\b")
# "X–Viet Nam Friendship Association": matched from the dash on (only where the X words end matters;
# a pattern starting at the X words would be tried at every letter of the window)
_FA_EN_REV = re.compile(rf"(?<=[a-z.'&]){_DASH}{_VN}\s(?:people's\s)?friendship\s(?:association|society)\b")
_FA_VI = re.compile(rf"\bhoi huu nghi (?:{_VN}|viet){_DASH}")
_SHORT = {"trung": "CN", "han": "KR", "nhat": "JP", "lao": "LA", "nga": "RU", "my": "US", "phap": "FR",
          "duc": "DE", "anh": "GB", "xo": "SU", "cu ba": "CU", "cuba": "CU", "ba lan": "PL", "sec": "CZ",
          "uc": "AU", "y": "IT", "bi": "BE", "ao": "AT", "an": "IN", "thai": "TH", "mong": "MN",
          "campuchia": "KH", "singapore": "SG", "xingapo": "SG"}
_FA_KW = ("friendship association", "friendship society", "people's friendship")
_ORG_LOC_VI = re.compile(r" (?:(?:tinh|thanh pho|tp\.?) ?)")
_ORG_LOC_EN = re.compile(r" (?:of|in) (?:the )?")
_CREDIT = re.compile(r"(?:\(|photo:?|source:?|anh:?|nguon:?|theo|\| |[-–—/.]|\n)\s*$")
_FA_VI_REV = re.compile(rf"\bhoi huu nghi (?P<x>[a-z][a-z .'-]{{1,30}}?){_DASH}{_VN}\b")
_PU_EN = re.compile(r"(?<=[a-z.'-]) (?:(?P<kind>provincial|city|municipal) )?union of friendship organi[sz]ations?\b")
_PU_EN2 = re.compile(r"\bunion of friendship organi[sz]ations? of (?P<x>[a-z][a-z .'-]{1,30}?) (?:province|city)\b")
_PU_VI = re.compile(r"\blien hiep cac to chuc huu nghi ")
_PU_VI_SHORT = re.compile(r"\blien hiep huu nghi ")
_EMB_EN = re.compile(r"\bembassy of (?:the )?(?P<x>[a-z][a-z .'-]{1,40}?)(?: (?:in|to) (?:the )?(?P<y>[a-z][a-z .'-]{1,30}?))?(?=[^a-z .'-]|$| (?:and|on|has|had|was|is|held|hosted|organi|said|to|in|at|with)\b)")
_EMB_EN2 = re.compile(r"(?P<x>[a-z][a-z'-]*(?: [a-z][a-z'-]*){0,2}) embassy\b")
_EMB_VI = re.compile(r"\b(?:dai su quan|tong lanh su quan|lanh su quan) ")
_CONS_EN = re.compile(r"\b(?:consulate general|consulate) of (?:the )?")
_PC_EN = re.compile(r"(?P<x>[a-z][a-z.'-]*(?: [a-z][a-z.'-]*){0,3}?) (?:provincial|city|municipal) people's committee\b")
_PC_VI = re.compile(r"\b(?:uy ban nhan dan|ubnd) ")
_IN_CITY = re.compile(r" in ((?:[A-Z][\w'’.-]*)(?: [A-Z][\w'’.-]*){0,2})")
_WORD = re.compile(r"[a-z](?:[a-z'-]|\.(?=[a-z]))*")
_ACRONYM_COUNTRY = re.compile(r"([A-Z][A-Z0-9&]{1,9})\s?(?:/\s?|\()")   # not after a word or "/" (checked)
_VI_LETTER = re.compile("[ăâđêôơưĂÂĐÊÔƠƯạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỷỹỵ]")
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
    words = list(re.finditer(_WORD, folded[pos:pos + 80]))
    for n in range(min(max_words, len(words)), 0, -1):
        end = pos + words[n - 1].end()
        iso = g.country_by_fold.get(folded[pos:end])
        if iso and words[0].start() == 0:
            return iso, end
    return None


def _province_at(g: Gazetteer, folded: str, pos: int) -> tuple[str, int] | None:
    words = list(re.finditer(_WORD, folded[pos:pos + 60]))
    for n in range(min(5, len(words)), 0, -1):
        end = pos + words[n - 1].end()
        name = g.provinces.get(folded[pos:end])
        if name and words[0].start() == 0:
            return name, end
    return None


_BARE_PLACE = re.compile(r"(?:tinh|thanh pho)\b")
_PLACE_WORD = re.compile(r"(?:tinh|thanh pho|tp\.?) ?")


def _place_after(g: Gazetteer, folded: str, pos: int) -> tuple[str, int] | None:
    """A province at ``pos``, with or without "tỉnh"/"thành phố" before it."""
    found = _province_at(g, folded, pos)
    if not found:
        loc = _PLACE_WORD.match(folded, pos)
        if loc:
            found = _province_at(g, folded, loc.end())
    return found


def _province_before(g: Gazetteer, folded: str, end: int) -> tuple[str, int] | None:
    head = folded[max(0, end - 50):end]
    words = list(re.finditer(_WORD, head))
    for n in range(min(5, len(words)), 0, -1):
        start = max(0, end - 50) + words[-n].start()
        name = g.provinces.get(folded[start:end])
        if name:
            return name, start
    return None


def _country_before(g: Gazetteer, folded: str, end: int) -> tuple[str, int] | None:
    head = folded[max(0, end - 60):end]
    words = list(re.finditer(_WORD, head))
    for n in range(min(5, len(words)), 0, -1):
        start = max(0, end - 60) + words[-n].start()
        iso = g.country_by_fold.get(folded[start:end])
        if iso:
            return iso, start
    return None


def _en_place(name: str) -> str:
    return _CITIES.get(name) or strip_accents(name)


def _near(rx: re.Pattern, folded: str, keyword: str, before: int = 70, after: int = 90):
    """Matches of ``rx`` only in windows around ``keyword``: the patterns that scan backwards
    from a keyword would otherwise be tried at every offset (slow on megabytes)."""
    return _near2(rx, folded, (keyword,), before, after)


def _near2(rx: re.Pattern, folded: str, keywords: tuple[str, ...], before: int = 70, after: int = 90):
    spans: list[list[int]] = []
    for kw in keywords:
        i = folded.find(kw)
        while i >= 0:
            spans.append([max(0, i - before), min(len(folded), i + len(kw) + after)])
            i = folded.find(kw, i + 1)
    if not spans:
        return
    spans.sort()
    merged = [spans[0]]
    for lo, hi in spans[1:]:
        if lo <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    last = -1
    for lo, hi in merged:
        for m in rx.finditer(folded, lo, hi):
            if m.start() >= last:
                last = m.end()
                yield m


def _pattern_orgs(text: str, folded: str, g: Gazetteer) -> list[Org]:
    out: list[Org] = []
    cname = g.country_names

    def fa(start: int, end: int, iso: str, reverse: bool) -> None:
        x = cname.get(iso, "Soviet Union" if iso == "SU" else iso)
        canonical = f"{x}–Viet Nam Friendship Association" if reverse else f"Viet Nam–{x} Friendship Association"
        # "... of Ho Chi Minh City" / "... Thành phố Hồ Chí Minh": the local chapter
        loc = _ORG_LOC_EN.match(folded, end) or _ORG_LOC_VI.match(folded, end) or re.compile(" ").match(folded, end)
        if loc and "\n" not in text[end:loc.end() + 1]:
            found = _province_at(g, folded, loc.end()) or _province_at(g, folded, end + 1)
            if found and (text[end + 1:end + 2].isupper() or loc.end() > end + 1):
                canonical += f" of {_en_place(found[0])}"
                end = found[1]
        partner = None if iso == "SU" else iso
        out.append(Org(start, end, text[start:end], canonical, "friendship_association",
                       iso if reverse and partner else "VN", partner))

    for m in _near2(_FA_EN, folded, _FA_KW, 60, 30):
        iso = g.country_by_fold.get(m.group("x").strip())
        if iso and iso != "VN":
            fa(m.start(), m.end(), iso, False)
    for m in _near2(_FA_EN_REV, folded, _FA_KW, 30, 30):
        found = _country_before(g, folded, m.start())
        if found and found[0] != "VN":
            fa(found[1], m.end(), found[0], True)
    for m in _near(_FA_VI, folded, "hoi huu nghi", 1, 60):
        found = _country_suffix(g, folded, m.end())
        if not found:
            w = re.match(r"[a-z]+(?: [a-z]+)?", folded[m.end():m.end() + 20])
            if w:
                for cand in (w.group(0), w.group(0).split(" ")[0]):
                    if cand in _SHORT and text[m.end():m.end() + 1].isupper():
                        found = (_SHORT[cand], m.end() + len(cand))
                        break
        if found and found[0] != "VN":
            fa(m.start(), found[1], found[0], False)
    for m in _near(_FA_VI_REV, folded, "hoi huu nghi", 1, 60):
        iso = g.country_by_fold.get(m.group("x").strip())
        if iso and iso != "VN":
            fa(m.start(), m.end(), iso, True)

    def pu(start: int, end: int, province: str) -> None:
        en = _en_place(province)
        level = "City" if province in _CITIES else "Provincial"
        canonical = (f"{en} Union of Friendship Organisations" if level == "City"
                     else f"{en} Provincial Union of Friendship Organisations")
        out.append(Org(start, end, text[start:end], canonical, "friendship_union", "VN"))

    for m in _near(_PU_EN, folded, "union of friendship", 30, 40):
        found = _province_before(g, folded, m.start())
        if found:
            pu(found[1], m.end(), found[0])
    for m in _near(_PU_EN2, folded, "union of friendship", 1, 80):
        found = _province_at(g, folded, m.start("x"))
        if found:
            pu(m.start(), m.end(), found[0])
    for rx in (_PU_VI, _PU_VI_SHORT):
        for m in _near(rx, folded, "lien hiep", 1, 40):
            found = _place_after(g, folded, m.end())
            if found:
                pu(m.start(), found[1], found[0])
                continue
            bare = _BARE_PLACE.match(folded, m.end())
            nxt = text[bare.end():bare.end() + 2].strip() if bare else ""
            if bare and not nxt[:1].isupper():   # "Liên hiệp các tổ chức hữu nghị tỉnh" (the article's province)
                end = bare.end()
                out.append(Org(m.start(), end, text[m.start():end], text[m.start():end], "friendship_union", "VN"))

    def emb(start: int, end: int, iso: str, host: str | None, what: str = "Embassy") -> None:
        x = cname.get(iso, iso)
        in_city = _IN_CITY.match(text, end)
        if in_city and host is None:
            end = in_city.end()          # "Vietnam Embassy in Berlin"
        host_name = cname.get(host or "VN", host or "Viet Nam") if host or iso != "VN" else None
        canonical = f"{what} of {x} in {host_name}" if host_name else f"{what} of {x}"
        if in_city and host is None:
            canonical = f"{what} of {x} in {in_city.group(1)}"
        out.append(Org(start, end, text[start:end], canonical, "government", iso))

    for m in _near(_EMB_EN, folded, "embassy", 1, 80):
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
    for m in _near(_EMB_EN2, folded, "embassy", 40, 10):
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
    for m in _near(_CONS_EN, folded, "consulate", 1, 40):
        found = _country_suffix(g, folded, m.end())
        if found:
            emb(m.start(), found[1], found[0], None, "Consulate General")
    for m in _near(_EMB_VI, folded, "su quan", 12, 40):
        found = _country_suffix(g, folded, m.end())
        if found:
            end = found[1]
            host = None
            hm = re.match(r" tai ", folded[end:end + 5])
            if hm:
                h = _country_suffix(g, folded, end + hm.end())
                if h:
                    host, end = h
            emb(m.start(), end, found[0], host, "Embassy" if folded.startswith("dai", m.start()) else "Consulate General")

    def pc(start: int, end: int, province: str) -> None:
        en = _en_place(province)
        level = "City" if province in _CITIES else "Provincial"
        label = en if en.endswith(" City") else f"{en} {level}"
        out.append(Org(start, end, text[start:end], f"{label} People's Committee", "government", "VN"))

    for m in _near(_PC_EN, folded, "people's committee", 50, 20):
        found = _province_before(g, folded, m.start("x") + len(m.group("x")))
        if found:
            pc(found[1], m.end(), found[0])
    for m in _near2(_PC_VI, folded, ("uy ban nhan dan", "ubnd"), 1, 40):
        found = _place_after(g, folded, m.end())
        if found:
            pc(m.start(), found[1], found[0])
    # "WWO/Hoa Kỳ", "ACEF/Hàn Quốc", "GPI (Korea)": an acronym labelled with its country
    for m in (_ACRONYM_COUNTRY.finditer(text) if "/" in text or "(" in text else ()):
        if m.start() and (text[m.start() - 1].isalnum() or text[m.start() - 1] in "_/"):
            continue
        found = _country_suffix(g, folded, m.end())
        if found:
            end = found[1]
            if text[m.start():m.end()].rstrip().endswith("(") and text[end:end + 1] == ")":
                end += 1
            out.append(Org(m.start(), m.start() + len(m.group(1)), m.group(1), m.group(1), "ngo", found[0]))
    return out


_DEM_CACHE: dict[int, dict[str, str]] = {}


def _DEMONYMS(g: Gazetteer) -> dict[str, str]:
    d = _DEM_CACHE.get(id(g))
    if d is None:
        d = {e.alias: e.value for e in g.entries if e.kind == DEMONYM}
        _DEM_CACHE[id(g)] = d
    return d


def organizations(text: str, folded: str, ents: list[Hit], g: Gazetteer,
                  sents: list[tuple[int, int]] = (), lang: str = "en") -> list[Org]:
    """Pattern organisations first, then list organisations not inside one, then organisations
    found by their shape (:mod:`.orgphrases`) where nothing else is; in text order."""
    pats = _pattern_orgs(text, folded, g)
    pats.sort(key=lambda o: (o.start, -(o.end - o.start)))
    chosen: list[Org] = []
    taken = Spans()
    for o in pats:
        if taken.add(o.start, o.end):
            chosen.append(o)
    pattern_spans = Spans((o.start, o.end) for o in chosen)
    credits: list[tuple[int, int]] = []
    for h in ents:
        if h.entry.kind != ORG:
            continue
        if pattern_spans.overlaps(h.start, h.end):
            continue
        kind, country = h.entry.extra
        if kind == "media" and _CREDIT.search(folded[max(0, h.start - 12):h.start]):
            credits.append((h.start, h.end))
            continue                     # "(VNA)", "Photo: VNA": a credit line, not an actor
        start = h.start
        lead = re.search(r"\b(?:municipal|provincial|city|district) $", text[max(0, start - 12):start])
        if lead and not h.entry.exact_case:
            start -= len(lead.group(0))  # "municipal Vietnam Fatherland Front": the local chapter
        chosen.append(Org(start, h.end, text[start:h.end], h.entry.value, kind, country))
        taken.add(start, h.end)
    geo = [h for h in ents if h.entry.kind in (COUNTRY, DEMONYM, PLACE)]
    geo_starts = [h.start for h in geo]
    credit_spans = Spans(credits)
    demonym_starts = {h.start for h in ents if h.entry.kind in (DEMONYM, COUNTRY)}
    head_pos = orgphrases.head_positions(folded, lang)
    listed = sorted(chosen, key=lambda o: o.start)     # pattern and list organisations
    listed_starts = [o.start for o in listed]
    removed: set[int] = set()
    # Vietnamese written without diacritics ("Hoi huu nghi Viet Nam"): the shapes in folded words
    nodiac = lang == "vi" and len(list(islice(_VI_LETTER.finditer(text, 0, 3000), 3))) < 3
    for s, e in sents:
        k = bisect.bisect_left(head_pos, s)
        if k >= len(head_pos) or head_pos[k] >= e:
            continue                     # no head noun in the sentence: no organisation by shape
        if lang == "vi":
            found = orgphrases.vietnamese(text, s, e, lambda pos: (_province_at(g, folded, pos) or (None, None))[1],
                                          nodiac)
        else:
            # only the stretch around the head nouns: long sentences are not tokenised whole
            last = head_pos[bisect.bisect_left(head_pos, e) - 1]
            lo = max(s, head_pos[k] - 160)
            if lo > s:                   # start at a word (no space in reach: where we are)
                sp = text.rfind(" ", s, lo)
                lo = sp + 1 if sp >= 0 else lo
            found = orgphrases.english(text, lo, min(e, last + 200), demonym_starts, s)
        for ph in found:
            if credit_spans.overlaps(ph.start, ph.end):
                continue
            if taken.overlaps(ph.start, ph.end):
                # the listed organisations overlapping the phrase (chosen so far is non-overlapping)
                i = bisect.bisect_left(listed_starts, ph.end)
                j = i
                while j > 0 and listed[j - 1].end > ph.start:
                    j -= 1
                touching = [o for o in listed[j:i] if id(o) not in removed]
                if not (touching and all(ph.start <= o.start and o.end <= ph.end for o in touching)
                        and all((o.name.isupper() and (lang == "vi" or o.kind == "international_org"))
                                or _generic_tail(o, ph) for o in touching)):
                    continue                 # "Uỷ ban MTTQ tỉnh", "ASEAN People Forum" name more
                for o in touching:           # than the acronym inside them
                    removed.add(id(o))
                    taken.remove(o.start, o.end)
            inside = geo[bisect.bisect_left(geo_starts, ph.start):bisect.bisect_left(geo_starts, ph.end)]
            country = next((h.entry.value for h in inside if h.entry.kind != PLACE and h.entry.value != "VN"), None)
            if country is None and inside:
                country = "VN"
            chosen.append(Org(ph.start, ph.end, ph.name, ph.name, ph.kind, country))
            taken.add(ph.start, ph.end)
    chosen = [o for o in chosen if id(o) not in removed]
    chosen.sort(key=lambda o: o.start)
    return _acronyms(text, chosen)


def _generic_tail(o: Org, ph) -> bool:
    """"HCM City Union of Friendship Organisations": the listed name is a generic one (it starts
    with a head noun) that the phrase makes specific by the words before it."""
    first = o.name.split(" ", 1)[0]
    return (o.end == ph.end and ph.start < o.start and " " in o.name
            and orgphrases._head_of(first) is not None and first[:1].isupper())


_PAREN_ACR = re.compile(r" \(([A-Z][A-Za-z0-9&]{1,9})\)")
_CAP_RUN = re.compile(r"((?:[A-Z][\w'’&.]*|of|for|and|the|on|in|-|–)(?:[ -]|$))+$")
_MEDIA_OR_PLACE_ACR = frozenset(("VNA", "VOV", "VTV", "TTXVN", "VNS", "AFP", "AP", "REUTERS", "AO"))


def _initials(phrase: str) -> str:
    words = [w for w in re.split(r"[\s\-–]+", phrase) if w and w[0].isupper()]
    return "".join(w[0] for w in words)


def _is_subseq(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def _acronyms(text: str, orgs: list[Org]) -> list[Org]:
    """"Vietnam-UK Network (VUKN)": the acronym becomes an alias of the organisation before it
    (found already, or now from the capitalised words whose initials spell it), and later bare
    mentions of the acronym are that organisation (same canonical name)."""
    if "(" not in text:
        return orgs
    by_end = {o.end: o for o in orgs}
    by_start = {o.start: o for o in orgs}
    alias: dict[str, Org] = {}
    added: list[Org] = []
    same: dict[str, str] = {}            # canonical -> canonical: "Name (ACR)" are one organisation
    for m in _PAREN_ACR.finditer(text):
        acr = m.group(1)
        if acr in _MEDIA_OR_PLACE_ACR or acr in alias:
            continue
        o = by_end.get(m.start())
        if o is None:                    # "... of Agent Orange/Dioxin (VAVA)"
            slash = text.rfind("/", max(0, m.start() - 12), m.start())
            if slash > 0 and text[slash + 1:m.start()].isalpha():
                o = by_end.get(slash)
        listed = by_start.get(m.start(1))
        if listed is not None and (listed.end != m.end(1) or listed.name.lower() != acr.lower()):
            listed = None
        if o is None:
            line_start = text.rfind("\n", 0, m.start()) + 1
            run = _CAP_RUN.search(text[max(line_start, m.start() - 120):m.start()])
            if not run:
                continue
            phrase = run.group(0).strip(" -–")
            words = phrase.split()
            while words and not words[0][:1].isupper():
                words.pop(0)
            phrase = " ".join(words)
            ini = _initials(phrase).upper()
            if len(words) < 2 or not ini or ini[0] != acr[0].upper() or not _is_subseq(acr.upper(), ini):
                continue
            # trim leading words the acronym does not cover ("The Vietnam-China ..." -> from "Vietnam")
            while len(words) > 1 and words[0][0].upper() != acr[0].upper():
                words.pop(0)
            phrase = " ".join(words)
            heads = [orgphrases.EN_HEADS.get(w.lower().rstrip("s")) for w in words]
            if not any(heads) and (len(acr) < 3 or len(words) < 3):
                continue                 # "Agent Orange (AO)" is not an organisation
            start = m.start() - len(phrase)
            if text[start:m.start()] != phrase:
                continue
            kind = next((h for h in reversed(heads) if h), "other")
            o = Org(start, m.start(), phrase, phrase, "friendship_association"
                    if "friendship" in phrase.lower() else kind, None)
            added.append(o)
        if listed is not None and listed.canonical != o.canonical:
            # the acronym is a listed organisation: the name before it is that organisation, and
            # the list's canonical name, kind and country are the better ones
            if o.canonical not in same:
                same[o.canonical] = listed.canonical
            o.canonical, o.kind, o.country = listed.canonical, listed.kind, listed.country or o.country
        alias[acr] = o
    if same:
        for x in orgs:
            if x.canonical in same:
                x.canonical = same[x.canonical]
    if not alias:
        return orgs
    spans = Spans((o.start, o.end) for o in orgs + added)
    rx = re.compile(r"(?<![\w(])(" + "|".join(map(re.escape, alias)) + r")(?![\w)])")
    for m in rx.finditer(text):
        if spans.add(m.start(), m.end()):
            main = alias[m.group(1)]
            added.append(Org(m.start(), m.end(), m.group(1), main.canonical, main.kind, main.country))
    out = orgs + added
    out.sort(key=lambda o: o.start)
    return out


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
