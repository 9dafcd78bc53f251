"""Entity matching: the best existing record for an extracted name.

Names and aliases are folded (``amity.extract.normalize.fold``) and compared with rapidfuzz; an index is built
once per batch (one document, one page) and reused for every name in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from amity.extract.normalize import fold

PROPOSE_AT = 85.0  # a match is proposed from this score (0-100)
EXACT = 100.0
_PUNCT = re.compile(r"[\W_]+")


def match_key(name: str) -> str:
    """Folded, punctuation as spaces: "Japan-Viet Nam" and "Japan Viet Nam" are the same key."""
    return _PUNCT.sub(" ", fold(name)).strip()


@dataclass
class Match:
    obj: object
    score: float
    matched: str


class NameIndex:
    """Folded names and aliases of one model's records, matched with rapidfuzz."""

    def __init__(self, model, queryset=None):
        self.model = model
        self.keys: list[str] = []
        self.ids: list[int] = []
        self.exact: dict[str, int] = {}
        self._objects: dict[int, object] = {}
        self._memo: dict[tuple[str, float], tuple | None] = {}  # (key, cutoff) -> fuzzy result: names recur
        for obj in (queryset if queryset is not None else model.objects.all()):
            for name in names_of(obj):
                key = match_key(name)
                if not key:
                    continue
                self.keys.append(key)
                self.ids.append(obj.pk)
                self.exact.setdefault(key, obj.pk)
            self._objects[obj.pk] = obj

    def get(self, pk):
        return self._objects.get(pk)

    def best(self, name: str, cutoff: float = PROPOSE_AT) -> Match | None:
        key = match_key(name)
        if not key or not self.keys:
            return None
        if key in self.exact:
            return Match(self._objects[self.exact[key]], EXACT, key)
        memo = (key, cutoff)
        if memo in self._memo:
            found = self._memo[memo]
        else:
            found = process.extractOne(key, self.keys, scorer=fuzz.token_sort_ratio, score_cutoff=cutoff)
            if len(self._memo) >= 50_000:
                self._memo.clear()
            self._memo[memo] = found
        if not found:
            return None
        matched, score, index = found
        # Short strings (acronyms) match too easily: require near-identity.
        if min(len(key), len(matched)) <= 5 and score < 95:
            return None
        return Match(self._objects[self.ids[index]], round(float(score), 1), matched)


def names_of(obj) -> list[str]:
    """Every name a partner record is known by."""
    names = []
    for attr in ("name_en", "name_vi", "full_name", "acronym", "official_name"):
        value = getattr(obj, attr, "")
        if value:
            names.append(value)
    names.extend(getattr(obj, "aliases", None) or [])
    return names


_SHARED: dict[str, tuple[tuple, object]] = {}


def _shared(model, key: str, build):
    """A process-wide value built from ``model``'s table by ``build()``, rebuilt when the table changed
    (row count, last update or highest id differ): one cheap query per batch instead of a rebuild."""
    from django.db.models import Count, Max

    state = model.objects.aggregate(n=Count("id"), last=Max("updated_at"), top=Max("id"))
    version = (state["n"], state["last"], state["top"])
    cached = _SHARED.get(key)
    if cached is None or cached[0] != version:
        cached = (version, build())
        _SHARED[key] = cached
    return cached[1]


def _shared_index(model, fields) -> NameIndex:
    return _shared(model, model._meta.label, lambda: NameIndex(model, model.objects.only("id", *fields)))


def _shared_countries() -> dict:
    """ISO2 -> Country."""
    from amity.partners.models import Country

    return _shared(Country, "countries-by-iso2", lambda: {c.iso2: c for c in Country.objects.only("id", "iso2")})


class Indexes:
    """Indexes for one batch (organisations, people, countries), shared between batches while unchanged."""

    def __init__(self):
        self._cache: dict[str, NameIndex] = {}
        self._countries = None

    def organisations(self) -> NameIndex:
        if "org" not in self._cache:
            from amity.partners.models import Organisation

            self._cache["org"] = _shared_index(Organisation, ("name_en", "name_vi", "acronym", "aliases"))
        return self._cache["org"]

    def persons(self) -> NameIndex:
        if "person" not in self._cache:
            from amity.partners.models import Person

            self._cache["person"] = _shared_index(Person, ("full_name", "name_vi", "aliases"))
        return self._cache["person"]

    def country(self, iso2: str):
        if self._countries is None:
            self._countries = _shared_countries()
        return self._countries.get((iso2 or "").upper())

