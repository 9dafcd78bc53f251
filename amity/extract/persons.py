"""Persons: a run of capitalised words next to a title ("Vice President of VUFO Dong Huy Cuong",
"Nguyen Phuong Nga, President of VUFO"), or led by a Vietnamese family name and followed by
Vietnamese syllables ("Le Thi Thanh Giang" even without a title or diacritics).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .gazetteer import COUNTRY, DEMONYM, ORG, PERSON, PLACE, REGION, Gazetteer, Hit
from .normalize import Spans, grouped_alternation
from .normalize import fold_word as fold

_TOKEN = re.compile(r"[^\W\d_][\w'’.-]*", re.UNICODE)
_VN_SYLLABLE = re.compile(r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?"
                          r"(?:[aeiouy]{1,3})(?:ng|nh|ch|[cmnpt])?")
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
    "Comprehensive Strategic Partnership Honorary Ambassadors Presidents Ministers Leaders").split())


@dataclass(slots=True)
class Person:
    start: int
    end: int
    name: str
    title: str | None
    org: str | None


@lru_cache(maxsize=32768)
def _vn_syllable(word: str) -> bool:
    return bool(_VN_SYLLABLE.fullmatch(fold(word)))


class _Tokens:
    __slots__ = ("toks", "_index")

    def __init__(self, text: str, lo: int, hi: int):
        self.toks = [m.span() for m in _TOKEN.finditer(text, lo, hi)]
        self._index: dict[int, int] | None = None

    @property
    def index(self) -> dict[int, int]:
        """Token number by start offset (built on first use: most sentences never ask)."""
        if self._index is None:
            self._index = {s: i for i, (s, _) in enumerate(self.toks)}
        return self._index


_NOT_PERSON_WORD = frozenset("""politburo member members central mass organizations organisations organization
organisation committee commission council union association party front ministry department office
national people's assembly government secretariat""".split())
_PARTY_BODY = re.compile(r"(?:Party )?Central Committee(?:['’]s [A-Z][\w]*(?: [A-Z][\w]*)* Commission)?|Politburo|"
                         r"Secretariat|Ban Chấp hành Trung ương(?: Đảng)?|Bộ Chính trị|Ban Bí thư")
_PNAME = r"[A-Z][a-z'’-]+(?: [A-Z][a-z'’-]+){1,3}"
_APPOSITION = re.compile(rf"(?P<names>{_PNAME}(?:, {_PNAME})*(?:,? and {_PNAME})?), (?:the |a |an )?"
                         r"(?:(?:[A-Z][\w.'’-]*|former|retired|renowned|famous|well-known) ){0,2}"
                         r"(?P<role>(?i:(?:co-?)?founders?|(?:deputy |vice )?(?:director|head|chairman|chairwoman|"
                         r"president|mayor|governor|secretary|representative|ambassador|consul)s?(?: general)?|"
                         r"members?|leaders?|billionaire|veteran|professor|author|artist|officer|official|volunteer|"
                         r"expert|doctor|teacher|journalist|writer|photographer|businessman|businesswoman|"
                         r"philanthropist|activist|scholar|researcher|lecturer|coordinator|manager|consultant|envoy))\b")
# the role part alone: it starts with ", " (a fast literal search); the full pattern only runs before it
_ROLE_TAIL = re.compile(r", (?:the |a |an )?(?:(?:[A-Z][\w.'’-]*|former|retired|renowned|famous|well-known) ){0,2}"
                        r"(?i:(?:co-?)?founder|deputy |vice |director|head|chairm|chairw|president|"
                        r"mayor|governor|secretary|representative|ambassador|consul|member|leader|billionaire|"
                        r"veteran|professor|author|artist|officer|official|volunteer|expert|doctor|teacher|journalist|"
                        r"writer|photographer|business|philanthropist|activist|scholar|researcher|lecturer|"
                        r"coordinator|manager|consultant|envoy)")


def _appositions(text: str, lo: int = 0, hi: int | None = None):
    """``_APPOSITION.finditer(text, lo, hi)``, run only in windows that end with a role."""
    hi = len(text) if hi is None else hi
    last = lo
    for r in _ROLE_TAIL.finditer(text, lo, hi):
        if r.start() < last:
            continue
        start = max(last, r.start() - 300)
        if start > lo:
            nl = text.rfind("\n", start, r.start())
            start = nl + 1 if nl >= 0 else start
        for m in _APPOSITION.finditer(text, start, min(hi, r.end() + 60)):
            if m.start() >= last:
                last = m.end()
                yield m


_GAP = re.compile(r"\s*(?:of the|of|to|in|at|for|tại|tai|của|cua|the)?\s*")
_COMMA_GAP = re.compile(r",?\s*")
_CAN = frozenset("giáp ất bính đinh mậu kỷ canh tân nhâm quý".split())
_CHI = frozenset("tý sửu dần mão mẹo thìn tỵ tị ngọ mùi thân dậu tuất hợi".split())


_SURNAME_CACHE: dict[int, dict[str, bool]] = {}


def is_surname(word: str, g: Gazetteer) -> bool:
    """"Nguyễn"/"Nguyen": exact when the word carries diacritics ("Tổng" is not "Tống")."""
    cache = _SURNAME_CACHE.get(id(g))
    if cache is None:
        cache = _SURNAME_CACHE[id(g)] = {}
    r = cache.get(word)
    if r is None:
        r = _is_surname(word, g)
        if len(cache) < 100_000:
            cache[word] = r
    return r


def _is_surname(word: str, g: Gazetteer) -> bool:
    if not word[:1].isupper() or (len(word) > 1 and word.isupper()):
        return False
    if word.isascii():
        return word.lower() in g.surnames
    return word in g.surnames_exact


_SURNAME_FORMS: dict[int, frozenset] = {}
_CAP_WORD = re.compile(r"[A-ZÀ-ỸĐ][^\W\d_]*")    # (no look-behind: the regex can skip to capitals fast)


def _surname_forms(g: Gazetteer) -> frozenset:
    """The capitalised spellings :func:`is_surname` accepts ("Nguyen", "Nguyễn")."""
    forms = _SURNAME_FORMS.get(id(g))
    if forms is None:
        alts = {s[:1].upper() + s[1:] for s in g.surnames if s.isascii() and s}
        alts |= {s for s in g.surnames_exact if s and not s.isascii()}
        forms = _SURNAME_FORMS[id(g)] = frozenset(a for a in alts if _is_surname(a, g))
    return forms


_SURNAME_RX: dict[int, re.Pattern] = {}


def _surname_rx(g: Gazetteer) -> re.Pattern:
    """The capitalised family names as one alternation (the regex skips to their first letters);
    the character before a match is checked by the caller."""
    rx = _SURNAME_RX.get(id(g))
    if rx is None:
        forms = sorted(_surname_forms(g), key=lambda f: len(re.escape(f)), reverse=True)
        rx = _SURNAME_RX[id(g)] = re.compile("(?:" + grouped_alternation(forms) + r")(?![^\W\d_])")
    return rx


def name_hints(text: str, g: Gazetteer) -> list[int]:
    """Offsets where a person may be named without a title: capitalised Vietnamese family names and
    names in apposition ("Ben Chapman, the co-founder").  One pass over the document; sentences
    with neither hint nor title are skipped."""
    out = [m.start() for m in _surname_rx(g).finditer(text)
           if not (m.start() and (text[m.start() - 1].isalnum() or text[m.start() - 1] == "_"))]
    if ", " in text:
        out += [m.start() for m in _appositions(text)]
    out.sort()
    return out


def find(text: str, sent: tuple[int, int], ents: list[Hit], titles: list[Hit], g: Gazetteer,
         blocked_spans: list[tuple[int, int]] = (), orgs_at: dict | None = None) -> list[Person]:
    """Persons in one sentence.  ``orgs_at`` maps the start of each organisation found so far to
    ``(end, canonical)``: a title may run over one ("Secretary of Thu Duc City's Party Committee X")."""
    orgs_at = orgs_at or {}
    lo, hi = sent
    toks = _Tokens(text, lo, hi)
    hit_at: dict[int, Hit] = {}
    for h in ents:
        hit_at.setdefault(h.start, h)
    covered = Spans([(h.start, h.end) for h in ents if h.entry.kind != PERSON and not _single_place(h, text)])
    blocked_by = blocked_spans if isinstance(blocked_spans, Spans) else Spans(blocked_spans)
    out: list[Person] = []
    used: list[tuple[int, int]] = []
    title_starts = {t.start for t in titles}

    def blocked(s: int, e: int) -> bool:
        return covered.overlaps(s, e) or blocked_by.overlaps(s, e) or any(s < ue and us < e for us, ue in used)

    def run(i: int, max_len: int = 5) -> tuple[int, int] | None:
        """Capitalised tokens from token ``i`` on, contiguous (single spaces), not entities."""
        toks_ = toks.toks
        if i >= len(toks_):
            return None
        j = i
        vn = is_surname(text[toks_[i][0]:toks_[i][1]], g)
        while j < len(toks_) and j - i < max_len:
            s, e = toks_[j]
            w = text[s:e].rstrip(".,'’")
            if not w[:1].isupper() or (len(w) > 1 and w.isupper()):
                break
            nxt_cap = j + 1 < len(toks_) and text[toks_[j + 1][0]].isupper() and \
                _vn_syllable(text[toks_[j + 1][0]:toks_[j + 1][1]])
            inner_ok = vn and _vn_syllable(w) and (j > i or nxt_cap)   # "Nguyen Phu Trong", "To Lam"
            if not inner_ok and (fold(w) in _NOT_NAME or s in hit_at and hit_at[s].entry.kind != PERSON):
                break
            if j > i and text[toks_[j - 1][1]:s] not in (" ", "-"):
                break
            j += 1
        if j - i >= 2:
            return toks_[i][0], toks_[j - 1][1]
        return None

    def add(span: tuple[int, int], title: str | None, org: str | None) -> None:
        s, e = span
        name = re.sub(r"['’]s$", "", text[s:e]).rstrip(".,'’")
        if any(fold(w) in _NOT_PERSON_WORD for w in name.split()):
            return                       # "Politburo Member", "Central Mass Organizations"
        e = s + len(name)
        if blocked(s, e):
            return
        used.append((s, e))
        out.append(Person(s, e, name, title, org))


    # 1. title then (of ORG | ORG | demonym/country)* then the name
    for t in titles:
        if not lo <= t.start < hi:
            continue
        pos = t.end
        org = None
        title = t.text
        while True:
            gap_m = _GAP.match(text[pos:pos + 12])
            nxt = pos + gap_m.end()
            body = _PARTY_BODY.match(text, nxt)
            if body:                     # "Secretary of the Party Central Committee To Lam"
                if org is None:
                    title = text[t.start:body.end()]
                pos = body.end()
                continue
            h = hit_at.get(nxt)
            if nxt in orgs_at and (h is None or orgs_at[nxt][0] >= h.end):
                end_, canonical = orgs_at[nxt]
                if org is None:
                    org = canonical
                    title = text[t.start:end_]
                pos = end_
                continue
            if h is None or h.entry.kind not in (ORG, COUNTRY, DEMONYM, PLACE, REGION):
                break
            if h.entry.kind == ORG and org is None:
                org = h.entry.value
                title = text[t.start:h.end]
            pos = h.end
        m = _COMMA_GAP.match(text[pos:pos + 4])
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
    forms = _surname_forms(g)
    for i, (s, e) in enumerate(toks.toks):
        if text[s:e] not in forms or s in title_starts:
            continue                     # "Tong Lanh su" (Tổng Lãnh sự) is a title, not Mr Tống Lãnh
        if s in hit_at and not _single_place(hit_at[s], text):
            continue
        j = i + 1
        while j < len(toks.toks) and j - i <= 3:
            ts, te = toks.toks[j]
            w = text[ts:te]
            if ts in title_starts:
                break                    # "Đoàn Chủ tịch": the Presidium, not Mr Đoàn Chủ
            if text[toks.toks[j - 1][1]:ts] != " " or not w[:1].isupper() or not _vn_syllable(w) \
                    or (len(w) > 1 and w.isupper()) or (ts in hit_at and not _single_place(hit_at[ts], text)):
                break
            j += 1
        if j - i == 2 and text[toks.toks[i][0]:toks.toks[i][1]].lower() in _CAN \
                and text[toks.toks[i + 1][0]:toks.toks[i + 1][1]].lower() in _CHI:
            continue                     # "Đinh Dậu": a lunar year, not a person
        end = toks.toks[j - 1][1]
        if text[lo:hi].strip() == text[s:end]:
            continue                     # a line holding only a name: the byline
        if j - i >= 2 and (j - i >= 3 or _has_vn_marks(text[s:end]) or _lone_name_ok(text, s)):
            add((s, end), None, None)
    # 3. "Ben Chapman, Warwick Morris and Paul Smith, the co-founders of ...": names before a
    #    lower-case role in apposition
    for m in _appositions(text, lo, hi):
        names = re.split(r",\s+|,?\s+and\s+", m.group("names"))
        pos = m.start("names")
        for nm in names:
            at = text.find(nm, pos, m.end("names"))
            if at < 0:
                continue
            pos = at + len(nm)
            if not any(fold(w) in _NOT_NAME for w in nm.split()):
                add((at, at + len(nm)), m.group("role"), None)
    # 4. known persons (reference data, database snapshot) not found above: the name as written,
    #    the title and organisation on record
    for h in ents:
        if h.entry.kind == PERSON and lo <= h.start < hi and not any(h.start < ue and us < h.end for us, ue in used):
            title, org = h.entry.extra if h.entry.extra else (None, None)
            used.append((h.start, h.end))
            out.append(Person(h.start, h.end, h.text, title, org))
    return out


def _single_place(h: Hit, text: str) -> bool:
    """A one-word place ("Hue", "Hà") can also be a given name."""
    return h.entry.kind == PLACE and " " not in h.text


def _has_vn_marks(name: str) -> bool:
    return any(ord(c) > 0x7F for c in name)


def _lone_name_ok(text: str, s: int) -> bool:
    """Two-syllable names without diacritics ("To Lam") only after a lower-case word or a comma."""
    before = text[max(0, s - 20):s].rstrip()
    return bool(before) and (before[-1] in ",(" or before.split()[-1][:1].islower())
