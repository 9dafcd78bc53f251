"""Gazetteer: every known name (countries, demonyms, organisations, places, titles, persons) in one
Aho-Corasick automaton over folded text, so "Ha Noi" and "Hà Nội" hit the same entry.

The packaged data lives in ``amity/extract/data/`` as plain TSV files; the database adds its own
records through a JSON snapshot (:func:`write_snapshot`, read by :func:`load_gazetteer`).  The
loaded gazetteer is a process-wide singleton (:func:`get_gazetteer`): start-up is paid once.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import ahocorasick

from .normalize import fold, fold_word

DATA = Path(__file__).parent / "data"
SNAPSHOT_VERSION = 1

COUNTRY, DEMONYM, ORG, PLACE, REGION, TITLE, PERSON = "country", "demonym", "org", "place", "region", "title", "person"

ORG_KINDS = ("friendship_union", "friendship_association", "ngo", "party", "government", "parliament",
             "international_org", "university", "business", "media", "other")


@dataclass(frozen=True, slots=True)
class Entry:
    """One name of one thing.  ``value`` is the ISO2 code, the canonical name or the title."""

    kind: str
    alias: str
    value: str
    lang: str = ""
    exact_case: bool = False   # acronyms: "WHO" is not "who"
    ambiguous: bool = False    # "Nga", "Jordan": needs a proper-noun context
    extra: tuple = ()          # org: (kind, country); person: (title, org); place: (kind, country)


@dataclass(slots=True)
class Hit:
    start: int
    end: int
    entry: Entry
    text: str


@dataclass
class Gazetteer:
    entries: list[Entry] = field(default_factory=list)
    country_names: dict[str, str] = field(default_factory=dict)       # ISO2 -> preferred English name
    country_by_fold: dict[str, str] = field(default_factory=dict)     # folded alias -> ISO2
    orgs: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # canonical -> (kind, country)
    provinces: dict[str, str] = field(default_factory=dict)           # folded alias -> main name
    surnames: frozenset = frozenset()          # folded
    surnames_exact: frozenset = frozenset()    # as written (NFC), for text with diacritics
    automaton: object = None

    # -- building ---------------------------------------------------------------------------
    def add(self, entry: Entry) -> None:
        self.entries.append(entry)

    def build(self) -> Gazetteer:
        auto = ahocorasick.Automaton()
        table: dict[str, list[int]] = {}
        for i, e in enumerate(self.entries):
            key = fold(e.alias)
            if len(key) < 2:
                continue
            table.setdefault(key, []).append(i)
        # keys padded with a space on both sides, over the text with every non-alphanumeric
        # character as a space: only whole-word hits come out (a bare automaton also reports "na",
        # "hi", "un" inside every other word, which then cost a Python-level test each)
        padded: dict[str, list[tuple[str, tuple]]] = {}
        for key, ids in table.items():
            padded.setdefault(" " + _word_norm(key) + " ", []).append((key, tuple(self.entries[i] for i in ids)))
        for pkey, group in padded.items():
            auto.add_word(pkey, (len(pkey), tuple(group)))
        auto.make_automaton()
        self.automaton = auto
        return self

    # -- matching ---------------------------------------------------------------------------
    def scan(self, text: str, folded: str, lang: str = "en") -> tuple[list[Hit], list[Hit]]:
        """Entity hits and title hits.

        Names of organisations and persons, places and countries, and titles are three layers,
        each leftmost-longest and non-overlapping within itself: "Viet Nam" inside "Viet Nam Union
        of Friendship Organisations" still names the country.
        """
        named: list[tuple[int, int, Entry]] = []
        geo: list[tuple[int, int, Entry]] = []
        titles: list[tuple[int, int, Entry]] = []
        hay = " " + _word_norm(folded) + " "
        for end_idx, (length, group) in self.automaton.iter(hay):
            start, end = end_idx - length + 1, end_idx - 1       # the key inside its two pads
            for key, entries in group:
                if folded[start:end] != key:
                    continue             # "thai-lan" is not the key "thai lan" (both pad the same)
                span = text[start:end]
                for e in entries:
                    if _accept(e, span, text, start, end, lang):
                        layer = titles if e.kind == TITLE else named if e.kind in (ORG, PERSON) else geo
                        layer.append((start, end, e))
        ents = _longest(named, text) + _longest(geo, text)
        ents.sort(key=lambda h: (h.start, _PRIORITY[h.entry.kind]))
        return ents, _longest(titles, text)


class _WordTable(dict):
    """``str.translate`` table: letters and digits stay, any other character becomes a space."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        self[code] = out = ch if ch.isalnum() else " "
        return out


_WORD_TABLE = _WordTable()
_WORD_BYTES = bytes(c if chr(c).isalnum() else 32 for c in range(128)) + bytes(range(128, 256))


def _word_norm(folded: str) -> str:
    """``folded`` with every non-alphanumeric character as a space (same length)."""
    if not folded.isascii():
        folded = folded.replace("“", " ").replace("”", " ")
        if not folded.isascii():
            return folded.translate(_WORD_TABLE)
    return folded.encode("ascii").translate(_WORD_BYTES).decode("ascii")


_PRIORITY = {ORG: 0, PERSON: 1, PLACE: 2, REGION: 2, COUNTRY: 3, DEMONYM: 4, TITLE: 5}


def _longest(hits: list[tuple[int, int, Entry]], text: str) -> list[Hit]:
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0]), _PRIORITY[h[2].kind]))
    out: list[Hit] = []
    last = -1
    for s, e, entry in hits:
        if s >= last:
            out.append(Hit(s, e, entry, text[s:e]))
            last = e
    return out


_WORD_BEFORE = re.compile(r"(\S+)\s$")
_WORD_AFTER = re.compile(r"^\s(\S+)")


def _accept(e: Entry, span: str, text: str, start: int, end: int, lang: str) -> bool:
    if e.exact_case:
        return span == e.alias and not _shouting(text, start, end)
    if e.alias[:1].isupper() and not span[:1].isupper():
        return False
    if not e.ambiguous:
        return True
    if e.lang == "vi" and lang != "vi":
        return False
    if e.lang == "vi" and span != e.alias and _has_diacritics(text, start):
        return False   # "Lao" in a text with diacritics is not "Lào"
    before = _WORD_BEFORE.search(text[max(0, start - 30):start])
    after = _WORD_AFTER.search(text[end:end + 30])
    if before and before.group(1)[:1].isupper() and fold_word(before.group(1)) not in ("nam", "-", "the", "va", "and"):
        if not before.group(1).endswith((".", ":", ",")):
            return False
    exact_vi = e.lang == "vi" and span == e.alias and not e.alias.isascii()
    if after and after.group(1)[:1].isupper() and after.group(1)[:1].isalpha() and not exact_vi:
        return False
    return True


def _shouting(text: str, start: int, end: int) -> bool:
    """An all-capitals line ("HỘI HỮU NGHỊ VIỆT NAM"): acronyms there are just words."""
    lo = max(text.rfind("\n", 0, start) + 1, start - 40)
    hi = text.find("\n", end)
    hi = min(hi if hi >= 0 else len(text), end + 40)
    window = text[lo:hi]
    if len(window) < 16:
        return False
    encoded = window.encode()
    if 5 * (len(encoded) - len(encoded.translate(None, _ASCII_LOWER))) >= len(window):
        return False                     # a fifth lower-case a-z: not 80 % capitals (prose; no per-letter pass)
    letters = sum(map(str.isalpha, window))
    return letters > 0 and sum(map(str.isupper, window)) > 0.8 * letters


_ASCII_LOWER = bytes(range(ord("a"), ord("z") + 1))


def _has_diacritics(text: str, pos: int) -> bool:
    window = text[max(0, pos - 400):pos + 400]
    if window.isascii():
        return False
    return sum(map(str.isalpha, _NON_ASCII.findall(window))) > 8


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


# -- loading --------------------------------------------------------------------------------

def _rows(name: str) -> Iterable[list[str]]:
    with (DATA / name).open(encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                yield line.split("\t")


def _is_acronym(alias: str) -> bool:
    letters = [c for c in alias if c.isalpha()]
    return 2 <= len(alias) <= 8 and bool(letters) and all(c.isupper() for c in letters) and " " not in alias


def _add_org(g: Gazetteer, canonical: str, kind: str, country: str | None, aliases: Iterable[str]) -> None:
    kind = kind if kind in ORG_KINDS else "other"
    country = (country or "").upper() or None
    g.orgs[canonical] = (kind, country)
    for alias in {canonical, *aliases}:
        if alias:
            g.add(Entry(ORG, alias, canonical, exact_case=_is_acronym(alias), extra=(kind, country)))


def _load_packaged(g: Gazetteer) -> None:
    for row in _rows("countries.tsv"):
        iso, alias, lang, flags = (row + ["", "", ""])[:4]
        if "pref" in flags:
            g.country_names[iso] = alias
        g.country_by_fold.setdefault(fold(alias), iso)
        g.add(Entry(COUNTRY, alias, iso, lang, exact_case="case" in flags or _is_acronym(alias),
                    ambiguous="amb" in flags))
    for row in _rows("demonyms.tsv"):
        for word in row[1].split("|"):
            g.add(Entry(DEMONYM, word, row[0], "en", exact_case=True))
    for row in _rows("regions.tsv"):
        for name in row[0].split("|"):
            g.add(Entry(REGION, name, name))
    for row in _rows("vn_places.tsv"):
        names = row[0].split("|")
        for name in names:
            g.provinces[fold(name)] = names[0]
            g.add(Entry(PLACE, name, names[0], extra=("province", "VN")))
    for row in _rows("organizations.tsv"):
        canonical, kind, country, aliases = (row + ["", "", ""])[:4]
        _add_org(g, canonical, kind, country, aliases.split("|") if aliases else [])
    for row in _rows("titles.tsv"):
        for title in row[1].split("|"):
            g.add(Entry(TITLE, title, title, row[0], exact_case=_is_acronym(title)))
    with (DATA / "vn_surnames.txt").open(encoding="utf-8") as fh:
        names = [x.strip() for x in fh.read().split("\n") if x.strip() and not x.startswith("#")]
        g.surnames = frozenset(fold(x) for x in names)
        g.surnames_exact = frozenset(names)


def _load_snapshot(g: Gazetteer, path: str | os.PathLike) -> None:
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    for o in data.get("organizations", []):
        name = o.get("canonical") or o["name"]
        _add_org(g, name, o.get("kind") or "other", o.get("country"), [o["name"], *o.get("aliases", [])])
    for p in data.get("persons", []):
        for alias in {p["name"], *p.get("aliases", [])}:
            g.add(Entry(PERSON, alias, p["name"], extra=(p.get("title"), p.get("org"))))
    for pl in data.get("places", []):
        for alias in {pl["name"], *pl.get("aliases", [])}:
            g.add(Entry(PLACE, alias, pl["name"], extra=(pl.get("kind"), pl.get("country"))))


REFERENCE = Path(__file__).resolve().parents[1] / "partners" / "data"
_REF_KINDS = {"mass_org": "other", "overseas_vietnamese": "other"}
_GENERIC_WORDS = frozenset(("Đảng", "Dang", "Party", "Government", "Chính phủ", "Congress"))


def _load_reference(g: Gazetteer, ref: Path = REFERENCE) -> None:
    """The reference tables of ``amity/partners/data`` (plain CSV, read without Django) when they
    are there: organisations, people, provinces and extra country names.  Optional: the engine
    works without them, and the database snapshot supersedes them in a deployment."""
    import csv

    def rows(name: str):
        f = ref / name
        if not f.is_file():
            return []
        with f.open(encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))

    known = {(e.value, e.alias) for e in g.entries if e.kind == COUNTRY}
    for r in rows("country_aliases.csv"):
        iso, alias = (r.get("iso2") or "").upper(), (r.get("alias") or "").strip()
        if len(iso) != 2 or not alias or (iso, alias) in known:
            continue
        short = len(alias) <= 4 and not alias.isupper()
        g.country_by_fold.setdefault(fold(alias), iso)
        g.add(Entry(COUNTRY, alias, iso, r.get("lang") or "", exact_case=_is_acronym(alias), ambiguous=short))
    org_names: dict[str, str] = {}
    for r in rows("organisations.csv"):
        canonical = (r.get("name_en") or "").strip()
        if not canonical:
            continue
        org_names[r.get("key") or canonical] = canonical
        if canonical in g.orgs:
            kind, country = g.orgs[canonical]
        else:
            kind = _REF_KINDS.get(r.get("kind") or "", r.get("kind") or "other")
            country = (r.get("home_country") or "").upper() or None
        aliases = [r.get("name_vi") or "", r.get("acronym") or ""] + (r.get("aliases") or "").split(";")
        aliases = [a.strip() for a in aliases if a.strip() and a.strip() not in _GENERIC_WORDS
                   and not (a.strip().startswith("The ") and a.strip().count(" ") < 2)
                   and "." not in a.strip(".") and (" " in a.strip() or _is_acronym(a.strip()) or len(a.strip()) > 5)]
        _add_org(g, canonical, kind, country, aliases)
    for r in rows("people.csv"):
        names = {n.strip() for n in (r.get("name_en"), r.get("name_vi")) if n and n.strip()}
        if not names:
            continue
        main = (r.get("name_en") or r.get("name_vi")).strip()
        org = org_names.get(r.get("org_key") or "")
        for alias in names:
            if not any(e.kind == PERSON and e.alias == alias for e in g.entries[-4:]):
                g.add(Entry(PERSON, alias, main, extra=(r.get("title") or None, org)))
    for r in rows("provinces.csv"):
        names = [n.strip() for n in (r.get("name_vi"), r.get("name_en")) if n and n.strip()]
        if not names:
            continue
        main = names[0]
        for name in names:
            if fold(name) not in g.provinces:
                g.provinces[fold(name)] = main
                g.add(Entry(PLACE, name, main, extra=("province", "VN")))


def load_gazetteer(path: str | os.PathLike | None = None) -> Gazetteer:
    """Packaged data (plus the reference tables of ``amity/partners/data`` when present) plus the
    snapshot at ``path`` (or ``$AMITY_GAZETTEER``) when there is one."""
    g = Gazetteer()
    _load_packaged(g)
    if os.environ.get("AMITY_EXTRACT_NO_REFERENCE") != "1":
        _load_reference(g)
    path = path or os.environ.get("AMITY_GAZETTEER")
    if path and Path(path).is_file():
        _load_snapshot(g, path)
    return g.build()


_LOCK = threading.Lock()
_CACHE: dict[str, Gazetteer] = {}


def get_gazetteer(path: str | os.PathLike | None = None) -> Gazetteer:
    """The cached gazetteer for ``path`` (default: the packaged data plus ``$AMITY_GAZETTEER``)."""
    key = str(path or os.environ.get("AMITY_GAZETTEER") or "")
    with _LOCK:
        if key not in _CACHE:
            _CACHE[key] = load_gazetteer(path)
        return _CACHE[key]


def clear_cache() -> None:
    with _LOCK:
        _CACHE.clear()


def write_snapshot(path: str | os.PathLike, *, organizations: Iterable[dict] = (),
                   persons: Iterable[dict] = (), places: Iterable[dict] = ()) -> int:
    """Write the database's names as a gazetteer snapshot; returns the number of records.

    organizations: ``{name, canonical, kind, country, aliases: [...]}``;
    persons: ``{name, title, org, aliases: [...]}``; places: ``{name, kind, aliases: [...]}``.
    Missing keys default to empty; the file is written atomically.
    """
    def clean(rec: dict, keys: tuple[str, ...]) -> dict:
        out = {k: rec.get(k) for k in keys}
        out["aliases"] = sorted({a for a in (rec.get("aliases") or []) if a})
        if not out.get("name"):
            raise ValueError(f"snapshot record without a name: {rec!r}")
        return out

    data = {
        "version": SNAPSHOT_VERSION,
        "organizations": [clean(o, ("name", "canonical", "kind", "country")) for o in organizations],
        "persons": [clean(p, ("name", "title", "org")) for p in persons],
        "places": [clean(p, ("name", "kind", "country")) for p in places],
    }
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(path)
    return sum(len(data[k]) for k in ("organizations", "persons", "places"))
