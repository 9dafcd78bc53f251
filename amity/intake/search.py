"""Full-text search over documents, one interface over two back ends (chosen by ``connection.vendor``).

- SQLite: FTS5 table ``intake_document_fts(title, body, meta)``, bm25 ranking (title weighs 5x; ``meta`` holds
  the bucket keys and ``xdup``, weight 0).
- PostgreSQL: ``intake_document_fts(document_id, tsv, fdate, fkeys)`` with a GIN index on tsv;
  ``to_tsvector('simple', ...)`` over the same tokens, ``ts_rank_cd`` ranking (title weight A, body B, bucket keys
  D); country and event-type filters are filter keys in ``fkeys`` (checked on the candidate rows, inline, no TOAST;
  rewritten when linking changes the mentions: ``refresh_filter_keys``) and in ``tsv`` (required inside the GIN
  index), date filters check ``fdate``.

On both, one walk down the newest matches (ids grow with time) gives the rank window and the total: exact up to
COUNT_EXACT_LIMIT, an estimate above it (``SearchResult.total_exact`` False); facets are exact when the total is,
else counted on those newest matches and scaled (``facets_exact`` False); date sorting walks the date keys.

Both index diacritic-folded, pre-tokenised text (``amity.extract.normalize.fold``: "Đà Nẵng" -> "da nang"),
so queries with or without diacritics find the same documents in Vietnamese and English. User input is never
passed as query syntax: it is parsed here into words, "quoted phrases" and prefix* words, folded, reduced to
letters and digits, and rebuilt as quoted FTS5 tokens / tsquery lexemes; quotes, ``*``, ``NEAR``, ``-`` or
unbalanced parentheses are plain text and never raise. Snippets are cut from the original text and HTML-escaped
except for the ``<mark>`` tags around matches.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field, replace

from django.db import connection, transaction
from django.db.models import Count
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import mark_safe

from amity.extract.normalize import fold_aligned
from amity.intake.models import Document, DocumentMention, DocumentStatus, MentionKind

TOKEN = re.compile(r"[^\W_]+")
MAX_TERMS = 16
MAX_INDEX_CHARS = 400_000  # PostgreSQL tsvector is limited to 1 MB; the same cap on both keeps them equal
SNIPPET_CHARS = 260
# Relevance over a very common query ranks the RANK_WINDOW newest matching documents (the total stays exact, date
# sorting and pages beyond the window rank everything): ranking 75,000 matches costs 0.3-2 s, 1,000 a few ms
# (2,000 until the PostgreSQL tuning of 2026-11-23: on PostgreSQL every ranked row reads its tsvector from TOAST).
RANK_WINDOW = 1000
# SQLite: the rank window is scored in Python (``SQLiteBackend._rank_window``, ~10 ms for 1,000 rows) rather than by
# FTS5's bm25(), whose IDF pass reads every match of every term in the whole table (a word in 75,000 documents:
# ~4 ms; a 4-word phrase: ~30 ms), except for one unfiltered term whose matches x cost (a phrase counting twice its
# words, a prefix 2) stay under BM25_BUDGET.
BM25_BUDGET = 300_000
# Both back ends count matches exactly up to COUNT_EXACT_LIMIT; above it ``total`` is an estimate (``total_exact``
# False) extrapolated from the id span of the newest matches: an exact count re-checks every match (PostgreSQL:
# 0.2-0.7 s for 75,000 matches at 100k documents; SQLite FTS5 0.05-0.1 s, ten times that at 1M).
COUNT_EXACT_LIMIT = 1000
# Facets (countries, organisations, ... over the matches) are exact whenever the total is; above COUNT_EXACT_LIMIT
# they are counted on the newest COUNT_EXACT_LIMIT + 1 matches and scaled to the estimated total (``facets_exact``
# False, shown as "about"): exact facets over 75,000 matches cost 0.5-3 s at 100k documents.
# Bucket keys indexed with every document (SQLite: FTS column ``meta``; PostgreSQL: extra lexemes in ``tsv``), so a
# query can be narrowed inside the full-text index itself: by date (``zy2024``, ``zm202403``, ``zd20240315``,
# ``znodate``) for date sorting and date filters, and on PostgreSQL by id (``zi<id // ID_BUCKET>``) for the walk
# down the newest matches. User words are letters and digits too, but these keys are not words of any language.
ID_BUCKET = 2000
# Date filters go into the full-text query as date keys when their range is at most this share of all dates:
# a wide range's keys together hold most postings, which the index would merge (PostgreSQL GIN: 90 ms at 100k for
# "from 2020"); the SQL filter checks only the candidates.
DATE_KEYS_MAX_SHARE = 0.1
# Placeholder id bounds in a filter subquery built once and narrowed to each range of a walk (no document id is
# negative): ``Backend.range_filter``.
RANGE_LOW, RANGE_HIGH = -(2**62) + 1, -(2**62) + 2


@dataclass(frozen=True)
class Term:
    tokens: tuple[str, ...]
    prefix: bool = False

    @property
    def phrase(self) -> bool:
        return len(self.tokens) > 1


def search_fold(text: str) -> str:
    """The folding used for the index, queries and snippets alike: ``fold_aligned`` (one C-level translate; same
    keys as ``fold`` for Vietnamese and Latin text) on NFC text."""
    if not text:
        return ""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return fold_aligned(text)


def tokens(text: str) -> list[str]:
    return TOKEN.findall(search_fold(text or ""))


def index_text(text: str) -> str:
    return " ".join(tokens((text or "")[:MAX_INDEX_CHARS]))


def index_body(text: str, words: list[str]) -> tuple[str, str]:
    """(text, ``index_text(text)``) from the text's ``tokens``, already computed by the pipeline (near-duplicate
    shingles): set as ``document.index_body``, it spares the back end folding the text again."""
    return text, (" ".join(words) if len(text) <= MAX_INDEX_CHARS else index_text(text))


def _body(doc) -> str:
    """The document's indexed words: its ``index_body`` if made from its current text, else folded now."""
    made = getattr(doc, "index_body", None)
    return made[1] if made is not None and made[0] is doc.text else index_text(doc.text)


def date_keys(date: dt.date | None) -> list[str]:
    if date is None:
        return ["znodate"]
    return [f"zy{date:%Y}", f"zm{date:%Y%m}", f"zd{date:%Y%m%d}"]


def date_cover(low: dt.date, high: dt.date) -> list[str]:
    """The fewest year/month/day keys covering exactly the days ``low`` .. ``high``."""
    out, day, one = [], low, dt.timedelta(days=1)
    while day <= high:
        if day.month == 1 and day.day == 1 and day.year < 9999 and dt.date(day.year, 12, 31) <= high:
            out.append(f"zy{day:%Y}")
            day = dt.date(day.year + 1, 1, 1)
            continue
        if day.day == 1 and day < dt.date(9999, 12, 1):
            following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            if following - one <= high:
                out.append(f"zm{day:%Y%m}")
                day = following
                continue
        out.append(f"zd{day:%Y%m%d}")
        if day == dt.date.max:
            break
        day += one
    return out


def parse_query(query: str) -> list[Term]:
    """Words, "quoted phrases" and prefix* words; everything else in the input is ignored, never an error."""
    query = (query or "")[:500]
    terms: list[Term] = []
    parts = query.split('"')
    for i, part in enumerate(parts):
        inside = i % 2 == 1 and i < len(parts) - 1  # an unbalanced last quote opens nothing
        if inside:
            toks = tokens(part)
            prefix = part.rstrip().endswith("*") or parts[i + 1].startswith("*")
            if toks:
                terms.append(Term(tuple(toks[:12]), prefix=prefix and len(toks[-1]) >= 2))
            continue
        for word in part.split():
            prefix = word.endswith("*")
            toks = tokens(word)
            if not toks:
                continue
            terms.append(Term(tuple(toks[:12]), prefix=prefix and len(toks[-1]) >= 2))
    seen, out = set(), []
    for term in terms:
        if term not in seen:
            seen.add(term)
            out.append(term)
    return out[:MAX_TERMS]


@dataclass
class SearchHit:
    document: Document
    score: float
    snippet: str = ""
    title_html: str = ""


@dataclass
class SearchResult:
    total: int
    hits: list[SearchHit]
    facets: dict = field(default_factory=dict)
    terms: list[Term] = field(default_factory=list)
    total_exact: bool = True  # False: ``total`` is an estimate ("about N"), always more than COUNT_EXACT_LIMIT
    facets_exact: bool = True  # False: facet counts come from the newest matches, scaled ("about N")


@dataclass
class Filters:
    country: str = ""        # ISO2
    organisation: int | None = None
    person: int | None = None
    event: str = ""
    language: str = ""
    source: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    include_duplicates: bool = False

    def apply(self, qs, duplicates: bool | None = None, ids=None, id_range: tuple[int, int] | None = None):
        """Filter ``qs``; ``duplicates=True`` leaves near-duplicates in (the search back end drops them). ``ids``
        (a list, or ``Backend.id_list``: one parameter) or ``id_range`` (low, high) narrow the documents and each
        mention subquery alike, so the database reads only the mentions of those documents."""
        mentions = DocumentMention.objects.all()
        if ids is not None:
            qs, mentions = qs.filter(id__in=ids), mentions.filter(document_id__in=ids)
        if id_range is not None:
            qs, mentions = qs.filter(id__range=id_range), mentions.filter(document_id__gte=id_range[0], document_id__lte=id_range[1])
        if self.language:
            qs = qs.filter(language=self.language)
        if self.source:
            qs = qs.filter(source_id=self.source)
        if self.date_from:
            qs = qs.filter(date__gte=self.date_from)
        if self.date_to:
            qs = qs.filter(date__lte=self.date_to)
        if not (self.include_duplicates if duplicates is None else duplicates):
            # IN rather than <>: the status index answers it without reading rows (SQLite reads past ``text``)
            qs = qs.filter(status__in=[s for s in DocumentStatus.values if s != DocumentStatus.DUPLICATE])
        if self.country:
            qs = qs.filter(id__in=mentions.filter(kind=MentionKind.COUNTRY, name=self.country.upper())
                           .values("document_id"))
        if self.organisation:
            qs = qs.filter(id__in=mentions.filter(organisation_id=self.organisation).values("document_id"))
        if self.person:
            qs = qs.filter(id__in=mentions.filter(person_id=self.person).values("document_id"))
        if self.event:
            qs = qs.filter(id__in=mentions.filter(kind=MentionKind.EVENT, name=self.event).values("document_id"))
        return qs

    @property
    def active(self) -> bool:
        return any([self.country, self.organisation, self.person, self.event, self.language, self.source,
                    self.date_from, self.date_to])


class Backend:
    vendor = ""

    def index(self, doc: Document) -> None:
        raise NotImplementedError

    def unindex(self, doc_id: int) -> None:
        raise NotImplementedError

    def index_many(self, docs) -> None:
        for doc in docs:
            self.index(doc)

    def reindex_all(self, documents, batch: int = 1000) -> None:
        """Write the index rows of every document of ``documents`` (a queryset; migrations pass their historical
        model's) again, ``batch`` at a time: after a change of what an index row holds."""
        rows = []
        for doc in documents.exclude(status="new").only("pk", "title", "text", "status", "date").iterator(batch):
            rows.append(doc)
            if len(rows) >= batch:
                self.index_many(rows)
                rows = []
        if rows:
            self.index_many(rows)

    def prune(self) -> None:
        """Forget index rows whose document is gone (after a bulk TRUNCATE, e.g. a test database flush)."""

    def refresh_filter_keys(self, ids: list[int] | None = None) -> None:
        """Rewrite the filter keys of the documents ``ids`` (None: all) after their mentions changed (linking)."""

    def split_filters(self, filters: Filters) -> tuple[Filters, str | None, list]:
        """(the filters left to the SQL id subquery, a condition on the index row ``f`` for the others, its
        parameters). Base: everything in SQL."""
        return filters, None, []

    def filter_keys(self, filters: Filters) -> list[str]:
        """The filter keys of ``filters`` that the full-text index holds too (the query requires them inside the
        index). Base: none."""
        return []

    def match_sql(self, terms: list[Term], include_duplicates: bool = True) -> tuple[str, list]:
        """SQL selecting the ids of matching documents (for facets and filters)."""
        raise NotImplementedError

    def ranked(self, terms, spec, sort, limit, offset, min_id=None) -> list[tuple[int, float]]:
        raise NotImplementedError

    _window: list[int] | None = None  # the RANK_WINDOW newest matches of the last total_and_window
    # relevance scores of matches, when the walk computed them on its way (PostgreSQL: ``newest``); None: not asked
    _scores: dict[int, float] | None = None
    _newest: list[int] | None = None  # up to COUNT_EXACT_LIMIT + 1 newest matches (ids, descending)
    _total = 0

    def newest(self, terms, spec, cap: int) -> list[int]:
        """The ids of the ``cap`` + 1 newest matching documents (ids grow with time), descending; all if fewer."""
        raise NotImplementedError

    def match_keys(self, terms, spec, keys: list[str] | None) -> list[int]:
        """The ids of the matches indexed with one of the bucket ``keys`` (None: all matches)."""
        raise NotImplementedError

    _spans: dict | None = None  # id_span and date_span, read once per search (``search`` resets them)

    def id_span(self) -> tuple[int | None, int | None]:
        """(lowest, highest) document id: several steps of a search need it, one query reads it."""
        if self._spans is None:
            self._spans = {}
        if "id" not in self._spans:
            with connection.cursor() as cur:  # two subqueries: SQLite reads min() or max() from an index, not both
                cur.execute("SELECT (SELECT min(id) FROM intake_document), (SELECT max(id) FROM intake_document)")
                self._spans["id"] = tuple(cur.fetchone())
        return self._spans["id"]

    def date_span(self) -> tuple[dt.date | None, dt.date | None]:
        """(first, last) document date, read once per search as ``id_span``."""
        if self._spans is None:
            self._spans = {}
        if "date" not in self._spans:
            with connection.cursor() as cur:
                cur.execute("SELECT (SELECT min(date) FROM intake_document), (SELECT max(date) FROM intake_document)")
                self._spans["date"] = tuple(dt.date.fromisoformat(str(v)) if v is not None else None
                                            for v in cur.fetchone())
        return self._spans["date"]

    def total_and_window(self, terms, spec, sort, limit, offset) -> tuple[int, bool, int | None]:
        """(total, whether it is exact, the lowest id ranked by relevance or None for all). One walk down the
        newest matches gives the rank window and the total: exact up to COUNT_EXACT_LIMIT, above it extrapolated
        from the id span those matches cover (never below the matches seen)."""
        cap = max(COUNT_EXACT_LIMIT, RANK_WINDOW)
        self._scores = {} if sort != "date" else None  # a relevance search: the walk may score what it reads
        ids = self.newest(terms, spec, cap)
        self._newest, self._window, self._total = ids, None, len(ids)
        min_id = None
        if sort != "date" and len(ids) > RANK_WINDOW and offset + limit <= RANK_WINDOW:
            min_id = ids[RANK_WINDOW - 1]
            self._window = ids[:RANK_WINDOW]
        if len(ids) <= cap:  # every match was seen: rank those ids, no second search
            if sort != "date" and ids:
                min_id, self._window = ids[-1], ids
            return len(ids), True, min_id
        low, high = self.id_span()
        estimate = round(len(ids) * (high - low + 1) / max(1, high - ids[-1] + 1))
        self._total = max(estimate, len(ids))
        return self._total, False, min_id

    def by_date(self, terms, spec, filters: Filters, need: int, total: int) -> list[int]:
        """The ``need`` newest matches by date (then id), found by walking the date bucket keys down from the
        newest date, a few days at a time (sized from the total, then from the density seen), so a common query
        reads a few hundred matches instead of all of them; undated documents come last."""
        first, last = self.date_span()
        found: dict[int, None] = {}
        everything = False
        # the matches of each date step, then the filters on those (not the whole filtered set at each step)
        unfiltered = (None, [], *spec[2:4], None, *spec[5:]) if spec and len(spec) > 4 and spec[4] is not None \
            else spec

        def step(keys, lower=None, upper=None):
            if terms:
                return self.keep_filtered(spec, self.match_keys(terms, unfiltered, keys))
            # browsing: the documents of those days (from the date index alone), then the filters on those
            days = Document.objects.order_by()
            days = days.filter(date=None) if lower is None else days.filter(
                date__gte=dt.date.fromordinal(lower), date__lte=dt.date.fromordinal(upper))
            return self.filter_ids(filters, list(days.values_list("id", flat=True)))

        if first is not None:
            low = max(first, filters.date_from or first).toordinal()
            high = min(last, filters.date_to or last).toordinal()
            upper = high
            span = max(1, int(need * 1.5 * (high - low + 1) / max(total, 1)) + 1)
            while upper >= low:
                lower = max(low, upper - span + 1)
                if lower <= low + span // 4:  # the rest is not much more: take it all
                    lower = low
                keys = date_cover(dt.date.fromordinal(lower), dt.date.fromordinal(upper))
                if len(keys) > 300:  # odd dates far apart: take every match and sort them
                    keys, everything = None, True
                found.update(dict.fromkeys(step(keys, lower, upper)))
                if len(found) >= need or lower <= low or everything:
                    break
                upper = lower - 1
                density = max(len(found), 1) / (high - upper)
                span = max(span * 2, int((need - len(found)) / density * 1.3) + 1)
        if len(found) < need and not everything and not (filters.date_from or filters.date_to):
            found.update(dict.fromkeys(step(["znodate"])))
        dates = dict(Document.objects.filter(id__in=list(found)).values_list("id", "date"))
        order = sorted(found, key=lambda i: (dates.get(i) is None, -(dates[i] or dt.date.min).toordinal()
                                             if dates.get(i) else 0, -i))
        return order[:need]

    def filter_ids(self, filters: Filters, ids: list[int]) -> list[int]:
        """The documents ``ids`` that pass ``filters`` (the mentions read are those of ``ids`` only)."""
        if not ids:
            return []
        return list(filters.apply(Document.objects.order_by(), ids=self.id_list(ids)).values_list("id", flat=True))

    def id_list(self, ids: list[int]) -> RawSQL:
        """``ids`` as one query parameter for ``id__in`` (``id_list_sql``): Django would prepare and bind a
        parameter per id, twice per filter query (documents and mentions): 10 ms for 900 ids."""
        sql, params = self.id_list_sql(ids)
        return RawSQL(sql[1:-1], params)  # RawSQL adds the parentheses

    _range_sql: dict | None = None  # (filters, duplicates) -> the range subquery with RANGE_LOW/RANGE_HIGH

    def range_filter(self, spec, low: int, high: int, duplicates: bool = True) -> tuple[str | None, list]:
        """The filters' id subquery narrowed to the ids ``low`` .. ``high`` (None: no filter); ``duplicates=False``
        leaves near-duplicates out in it too. Built by Django once per search, with placeholder bounds that each
        range of the walk replaces (building it is 1-3 ms of Python)."""
        if len(spec) < 5 or spec[4] is None:
            return None, []
        if self._range_sql is None:
            self._range_sql = {}
        key = (id(spec[4]), duplicates)
        if key not in self._range_sql:
            sql, params = spec[4].apply(Document.objects.order_by(), duplicates=duplicates,
                                        id_range=(RANGE_LOW, RANGE_HIGH)).values("id").query.sql_with_params()
            self._range_sql[key] = (sql, list(params))
        sql, params = self._range_sql[key]
        bounds = {RANGE_LOW: low, RANGE_HIGH: high}
        return sql, [bounds.get(p, p) if type(p) is int else p for p in params]

    def keep_filtered(self, spec, ids: list[int]) -> list[int]:
        """``ids`` that pass the filters (the mentions read are those of ``ids`` only)."""
        if not ids or len(spec) < 5 or spec[4] is None:
            return ids
        kept = set(spec[4].apply(Document.objects.order_by(), duplicates=True, ids=self.id_list(ids))
                   .values_list("id", flat=True))
        return [i for i in ids if i in kept]

    def date_filter_keys(self, filters: Filters) -> tuple[str, ...] | None:
        """The date keys covering the filter's date range (None: no date filter, or one better left to SQL)."""
        if not (filters.date_from or filters.date_to):
            return None
        first, last = self.date_span()
        if first is None:
            return None
        low, high = max(first, filters.date_from or first), min(last, filters.date_to or last)
        if (high - low).days + 1 > DATE_KEYS_MAX_SHARE * ((last - first).days + 1):
            return None  # a wide range: its keys together are most postings, the SQL filter is cheaper
        keys = date_cover(low, high)
        return tuple(keys) if 0 < len(keys) <= 300 else None

    @staticmethod
    def _where(spec, first: str, params: list) -> tuple[str, list]:
        """The join condition on the document table: filters (as an id subquery) and near-duplicates."""
        filtered_sql, filtered_params, include_duplicates = spec[:3]
        where = first
        if not include_duplicates:
            where += " AND d.status <> 'duplicate'"
        if filtered_sql:
            where += f" AND d.id IN ({filtered_sql})"
            params = [*params, *filtered_params]
        return where, params

    def size_bytes(self) -> int | None:
        return None

    def browse_page(self, filters: Filters, offset: int, limit: int) -> list[int] | None:
        """The ids of one page of the unfiltered document list (newest first), where the back end needs its own
        query for it; None: the ORM's."""
        return None

    # shared -------------------------------------------------------------
    def search(self, query: str, filters: Filters | None = None, *, sort: str = "relevance", limit: int = 20,
               offset: int = 0, facets: bool = True) -> SearchResult:
        filters = filters or Filters()
        terms = parse_query(query)
        self._spans = {}
        base = filters.apply(Document.objects.all())
        if not terms:  # browsing: newest documents first; total and facets as for a search (newest by id)
            sample = list(base.order_by("-id").values_list("id", flat=True)[:COUNT_EXACT_LIMIT + 1])
            exact = len(sample) <= COUNT_EXACT_LIMIT
            total = len(sample)
            if not exact:
                low, high = self.id_span()
                total = max(total, round(total * (high - low + 1) / max(1, high - sample[-1] + 1)))
            if filters.active and total:
                # by date steps (the date index, a few days at a time): the database would otherwise take every
                # document of the filters (say a country: 5% of all) and sort them
                page = self.by_date([], None, filters, offset + limit, total)[offset:]
                found = Document.objects.defer("extraction").in_bulk(page)
                docs = [found[i] for i in page if i in found]
            else:
                page = self.browse_page(filters, offset, limit)
                if page is None:
                    docs = list(base.order_by("-date", "-id").defer("extraction")[offset:offset + limit])
                else:
                    found = Document.objects.defer("extraction").in_bulk(page)
                    docs = [found[i] for i in page if i in found]
            hits = [SearchHit(d, 0.0, escape(d.text[:SNIPPET_CHARS]), escape(str(d))) for d in docs]
            facet_data = {}
            if facets:
                facet_data = self.facets_of(sample) if exact else self.sampled_facets(sample, total)
            return SearchResult(total, hits, facet_data, terms, exact, facets_exact=exact)
        # a narrow date range is filtered inside the full-text index by its bucket keys (see DATE_KEYS_MAX_SHARE);
        # the keys follow the document's date (indexed with it, re-indexed when it changes)
        date_filter = self.date_filter_keys(filters)
        sql_filters = replace(filters, date_from=None, date_to=None) if date_filter else filters
        filtered_sql, filtered_params = (None, [])
        index_keys = tuple(self.filter_keys(sql_filters))
        sql_filters, row_cond, row_params = self.split_filters(sql_filters)
        if sql_filters.active:
            # order_by(): without it the model's default ordering rides along into the subquery, and PostgreSQL
            # runs it again for every candidate instead of hashing it once
            filtered_sql, filtered_params = sql_filters.apply(Document.objects.order_by(), duplicates=True).values(
                "id").query.sql_with_params()
        spec = (filtered_sql, list(filtered_params), filters.include_duplicates, date_filter,
                sql_filters if sql_filters.active else None, row_cond, row_params, index_keys)
        total, total_exact, min_id = self.total_and_window(terms, spec, sort, limit, offset)
        if not total:
            rows = []
        elif sort == "date":
            rows = [(i, 0.0) for i in self.by_date(terms, spec, filters, offset + limit, total)[offset:]]
        else:
            rows = self.ranked(terms, spec, sort, limit, offset, min_id=min_id)
        docs = Document.objects.defer("extraction").in_bulk([r[0] for r in rows])
        hits = []
        for doc_id, score in rows:
            doc = docs.get(doc_id)
            if doc is not None:
                hits.append(SearchHit(doc, score, snippet(doc.text, terms), highlight(str(doc), terms)))
        facet_data = {}
        if facets:
            # the walk saw every match when the total is exact, else the newest ones: a sample, scaled
            sample = self._newest or []
            if not sample:
                facet_data = {key: [] for key in ("language", "source", "country", "organisation", "person", "event")}
            elif total_exact:
                facet_data = self.facets_of(sample)
            else:
                facet_data = self.sampled_facets(sample, total)
        return SearchResult(total, hits, facet_data, terms, total_exact, facets_exact=total_exact)

    def sampled_facets(self, sample: list[int], total: int) -> dict:
        """Facets counted on ``sample`` (the newest matches) and scaled to ``total``."""
        data = self.facets_of(sample)
        scale = total / max(1, len(sample))
        for rows in data.values():
            for row in rows:
                row["n"] = max(1, round(row["n"] * scale))
        return data

    def facets(self, qs, limit: int = 10) -> dict:
        ids = qs.order_by().values("id")
        mentions = DocumentMention.objects.filter(document_id__in=ids)
        out = {
            "language": list(qs.order_by().values("language").annotate(n=Count("id")).order_by("-n")),
            "source": self.source_facet(ids, limit),
        }
        for kind, key in ((MentionKind.COUNTRY, "country"), (MentionKind.ORGANISATION, "organisation"),
                          (MentionKind.PERSON, "person"), (MentionKind.EVENT, "event")):
            values = ["name"] + ([f"{key}_id"] if key in ("organisation", "person") else [])
            rows = mentions.filter(kind=kind)
            if key in ("organisation", "person"):
                rows = rows.exclude(**{f"{key}_id": None})
            out[key] = list(rows.values(*values).annotate(n=Count("document_id")).order_by("-n", "name")[:limit])
        return out

    no_index = ""  # SQLite: "+", so that the mention facets look the ids up rather than scan the kind index

    def id_list_sql(self, ids: list[int]) -> tuple[str, list]:
        """SQL for ``col IN <this>`` over a list of ids passed as one parameter."""
        raise NotImplementedError

    def facets_of(self, ids: list[int], limit: int = 10) -> dict:
        """``facets`` of the documents ``ids`` (at most a few thousand), in two queries with the ids as one
        parameter: the same rows and order as ``facets``."""
        from amity.intake.models import Source

        in_sql, in_params = self.id_list_sql(ids)
        with connection.cursor() as cur:
            cur.execute(f"SELECT language, source_id, count(*) FROM intake_document WHERE id IN {in_sql} "
                        "GROUP BY language, source_id", in_params)
            doc_rows = cur.fetchall()
            cur.execute("SELECT kind, name, organisation_id, person_id, count(document_id) FROM intake_documentmention "
                        f"WHERE document_id IN {in_sql} AND {self.no_index}kind IN (%s, %s, %s, %s) "
                        "GROUP BY kind, name, organisation_id, person_id",
                        [*in_params, MentionKind.COUNTRY, MentionKind.ORGANISATION, MentionKind.PERSON,
                         MentionKind.EVENT])
            mention_rows = cur.fetchall()
        languages, sources = {}, {}
        for language, source_id, n in doc_rows:
            languages[language] = languages.get(language, 0) + n
            if source_id is not None:
                sources[source_id] = sources.get(source_id, 0) + n
        out = {"language": [{"language": k, "n": n} for k, n in sorted(languages.items(), key=lambda kv: -kv[1])]}
        top = sorted(sources.items(), key=lambda kv: -kv[1])[:limit]
        names = dict(Source.objects.filter(pk__in=[k for k, _n in top]).values_list("pk", "name"))
        out["source"] = [{"source_id": k, "source__name": names.get(k, ""), "n": n} for k, n in top]
        groups: dict[str, dict] = {"country": {}, "organisation": {}, "person": {}, "event": {}}
        for kind, name, org, person, n in mention_rows:
            if kind in (MentionKind.COUNTRY, MentionKind.EVENT):
                key = (name,)
            elif kind == MentionKind.ORGANISATION:
                if org is None:
                    continue
                key = (name, org)
            else:
                if person is None:
                    continue
                key = (name, person)
            group = groups[str(kind)]
            group[key] = group.get(key, 0) + n
        for kind, group in groups.items():
            field_names = ["name"] + ([f"{kind}_id"] if kind in ("organisation", "person") else [])
            rows = sorted(group.items(), key=lambda kv: (-kv[1], kv[0][0]))[:limit]
            out[kind] = [dict(zip(field_names, key, strict=True), n=n) for key, n in rows]
        return out

    def source_facet(self, ids, limit: int) -> list[dict]:
        from amity.intake.models import Source

        counts = list(Document.objects.filter(id__in=ids).exclude(source=None).order_by().values("source_id")
                      .annotate(n=Count("id")).order_by("-n")[:limit])
        names = dict(Source.objects.filter(pk__in=[r["source_id"] for r in counts]).values_list("pk", "name"))
        return [dict(r, source__name=names.get(r["source_id"], "")) for r in counts]


def _varints(data: bytes) -> list[int]:
    """SQLite varints (big-endian, 7 bits a byte, the 9th byte whole) as FTS5 writes its records."""
    out, i = [], 0
    while i < len(data):
        value = 0
        for n in range(9):
            if i >= len(data):
                return out
            byte = data[i]
            i += 1
            if n == 8:
                value = (value << 8) | byte
                break
            value = (value << 7) | (byte & 0x7F)
            if byte < 0x80:
                break
        out.append(value)
    return out


def _fts5_expr(terms: list[Term]) -> str:
    parts = []
    for term in terms:
        quoted = '"' + " ".join(term.tokens) + '"'
        parts.append(quoted + ("*" if term.prefix else ""))
    return " AND ".join(parts)


class SQLiteBackend(Backend):
    """Near-duplicates carry the token ``xdup`` in the third FTS column ``meta`` and the default query excludes
    them inside FTS5 (``... NOT meta:xdup``): no document row is read to rank or count. (SQLite reads a row's
    columns in order, and the large ``text`` comes before ``status``; ``date`` comes before it, so date sorting
    joins the document table cheaply.)"""

    vendor = "sqlite"

    @staticmethod
    def _row(doc):
        meta = date_keys(doc.date) + (["xdup"] if doc.status == DocumentStatus.DUPLICATE else [])
        return (doc.pk, index_text(doc.title), _body(doc), " ".join(meta))

    def index(self, doc: Document) -> None:
        self.index_many([doc])

    def index_many(self, docs) -> None:
        rows = [self._row(d) for d in docs]
        with connection.cursor() as cur:
            cur.executemany("DELETE FROM intake_document_fts WHERE rowid = %s", [(r[0],) for r in rows])
            cur.executemany("INSERT INTO intake_document_fts(rowid, title, body, meta) VALUES (%s, %s, %s, %s)",
                            rows)

    def unindex(self, doc_id: int) -> None:
        with connection.cursor() as cur:
            cur.execute("DELETE FROM intake_document_fts WHERE rowid = %s", [doc_id])

    def browse_page(self, filters, offset, limit):
        """Down the date index, checking each row's status (``+status``): left to itself, SQLite answers "status
        IN (every status but duplicate)" from the status index and sorts every document (1M: 2.4-7.9 s instead
        of 8 ms) whenever its statistics are missing or sampled."""
        if filters.active:
            return None
        where, params = ("", []) if filters.include_duplicates else (" WHERE +status <> %s", [DocumentStatus.DUPLICATE])
        with connection.cursor() as cur:
            cur.execute(f"SELECT id FROM intake_document{where} ORDER BY date DESC, id DESC LIMIT %s OFFSET %s",
                        [*params, limit, offset])
            return [row[0] for row in cur.fetchall()]

    def prune(self) -> None:
        with connection.cursor() as cur:
            cur.execute("DELETE FROM intake_document_fts WHERE rowid NOT IN (SELECT id FROM intake_document)")

    def match_sql(self, terms, include_duplicates: bool = True):
        expr = _fts5_expr(terms) if include_duplicates else f"({_fts5_expr(terms)}) NOT meta:xdup"
        return "SELECT rowid FROM intake_document_fts WHERE intake_document_fts MATCH %s", [expr]

    @staticmethod
    def _fts_where(terms, spec, keys: list[str] | None = None) -> tuple[str, list]:
        filtered_sql, filtered_params, include_duplicates = spec[:3]
        expr = _fts5_expr(terms)
        for restriction in (spec[3] if len(spec) > 3 else None, keys):  # date filter, walk keys
            if restriction:
                expr = f"({expr}) AND (" + " OR ".join(f'"{k}"' for k in restriction) + ")"
        if not include_duplicates:
            expr = f"({expr}) NOT meta:xdup"
        where, params = "intake_document_fts MATCH %s", [expr]
        if filtered_sql:
            where += f" AND +f.rowid IN ({filtered_sql})"  # unary +: no per-row MATCH inside the vtab
            params += filtered_params
        return where, params

    def newest(self, terms, spec, cap):
        """FTS5 walks its doclists by rowid, newest first, and stops. With filters, the walk goes by id ranges
        (sized from the density seen, as on PostgreSQL) and each range checks the filters' id subquery narrowed
        to it: the whole filtered set (every document of a country, say) would cost more than the search."""
        if len(spec) < 5 or spec[4] is None:
            where, params = self._fts_where(terms, spec)
            with connection.cursor() as cur:
                cur.execute(f"SELECT f.rowid FROM intake_document_fts f WHERE {where} ORDER BY f.rowid DESC "
                            "LIMIT %s", [*params, cap + 1])
                return [row[0] for row in cur.fetchall()]
        unfiltered = (None, [], *spec[2:4])
        every = self.newest(terms, unfiltered, cap)
        if len(every) <= cap:  # few matches: check the filters on them only
            return self.keep_filtered(spec, every)
        low, high = self.id_span()
        ids: list[int] = []
        upper, span = high, 8 * (cap + 1)
        # near-duplicates are left out by the range's id subquery (the status, from the covering index of
        # migration 0007, as the date): ``NOT meta:xdup`` in FTS5 would check every match of the range
        where, params = self._fts_where(terms, (None, [], True, *spec[3:4]))
        with connection.cursor() as cur:
            while True:
                lower = upper - span + 1
                if lower <= low + span // 4:  # the rest is not much more: take it all
                    lower = low
                filtered_sql, filtered_params = self.range_filter(spec, lower, upper, duplicates=spec[2])
                cur.execute(f"SELECT f.rowid FROM intake_document_fts f WHERE {where} AND f.rowid BETWEEN %s AND %s "
                            f"AND +f.rowid IN ({filtered_sql}) ORDER BY f.rowid DESC LIMIT %s",
                            [*params, lower, upper, *filtered_params, cap + 1 - len(ids)])
                ids += [row[0] for row in cur.fetchall()]
                if len(ids) > cap or lower <= low:
                    return ids
                upper = lower - 1
                density = max(len(ids), 1) / (high - upper)
                span = max(span * 2, int((cap + 1 - len(ids)) / density * 1.3))

    def _rank_window(self, terms, ids: list[int]) -> list[tuple[int, float]]:
        """FTS5's bm25 formula (k1 1.2, b 0.75, title 5x), computed here over the window's rows, for queries whose
        matches are too many for the built-in ``bm25()``: it first reads every match of each term in the whole
        table for its IDF (as long as a full count: 40 ms for a phrase in 75,000 of 100k documents, ten times
        that at 1M). Frequencies are counted in the indexed text (folded tokens joined by single spaces, read back
        by rowid); IDF from each term's total estimated from its newest matches (one term: a constant factor,
        skipped); document length in tokens, its average over the window. Same top 20 as ``bm25()`` on the
        benchmark queries but for an occasional 20th place."""
        import json
        import math

        with connection.cursor() as cur:
            # The rows from the FTS5 table's content shadow table (``%_content``: id, then the columns in their
            # declared order: title, body, meta), read by primary key: a third of the time of the same rows
            # through the virtual table (1,000 rows: 5 against 15 ms at 100k).
            cur.execute("SELECT id, c0, c1, c2 FROM intake_document_fts_content WHERE id IN "
                        "(SELECT value FROM json_each(%s))", [json.dumps(ids)])
            rows = cur.fetchall()
            # FTS5's own averages record (rows, then tokens per column, as varints): bm25's average length
            cur.execute("SELECT block FROM intake_document_fts_data WHERE id = 1")
            record = cur.fetchone()
        totals = _varints(bytes(record[0])) if record else []
        # " w" followed by a space (a lookahead, so adjacent repeats each count); a prefix: " w" alone
        patterns = [re.compile(" " + re.escape(" ".join(t.tokens)) + ("" if t.prefix else "(?= )")) for t in terms]
        counters = [_term_counter(t, p) for t, p in zip(terms, patterns, strict=True)]
        idf = [1.0] * len(terms)
        if len(terms) > 1:
            low, high = self.id_span()
            n_docs = max(1, (high or 0) - (low or 0) + 1)
            cap = 200
            for i, term in enumerate(terms):
                seen = self.newest([term], (None, [], True), cap)
                hits = len(seen) if len(seen) <= cap else len(seen) * n_docs / max(1, (high - seen[-1] + 1))
                idf[i] = max(1e-6, math.log((n_docs - hits + 0.5) / (hits + 0.5)))
        parsed = []
        for doc_id, title, body, meta in rows:
            title, body = f" {title or ''} ", f" {body or ''} "
            length = title.count(" ") + body.count(" ") - 2 + len((meta or "").split())
            parsed.append((doc_id, [5 * count(title) + count(body) for count in counters], length))
        if len(totals) > 1 and totals[0]:
            average = sum(totals[1:]) / totals[0]
        else:
            average = sum(p[2] for p in parsed) / max(1, len(parsed)) or 1.0
        scored = []
        for doc_id, freqs, length in parsed:
            norm = 1.2 * (0.25 + 0.75 * length / average)
            scored.append((doc_id, sum(w * f * 2.2 / (f + norm) for w, f in zip(idf, freqs, strict=True))))
        scored.sort(key=lambda r: (-r[1], -r[0]))
        return scored

    def match_keys(self, terms, spec, keys):
        where, params = self._fts_where(terms, spec, keys)
        with connection.cursor() as cur:
            cur.execute(f"SELECT f.rowid FROM intake_document_fts f WHERE {where}", params)
            return [row[0] for row in cur.fetchall()]

    def ranked(self, terms, spec, sort, limit, offset, min_id=None):
        if min_id is not None and sort != "date" and self._window and self._window[-1] == min_id:
            # the window's ids are known (filters applied)
            if spec[0] or (len(spec) > 3 and spec[3]) or len(terms) > 1 or self._total * (
                    2 * len(terms[0].tokens) if terms[0].phrase else 2 if terms[0].prefix else 1) > BM25_BUDGET:
                # bm25() reads every match of every term in the whole table: only a single unfiltered term has
                # that many matches (the total), fewer than BM25_BUDGET
                return self._rank_window(terms, self._window)[offset:offset + limit]
            import json

            with connection.cursor() as cur:
                cur.execute("SELECT f.rowid, bm25(intake_document_fts, 5.0, 1.0, 0.0) AS score "
                            "FROM intake_document_fts f WHERE intake_document_fts MATCH %s AND f.rowid >= %s "
                            "AND +f.rowid IN (SELECT value FROM json_each(%s)) ORDER BY score LIMIT %s OFFSET %s",
                            [_fts5_expr(terms), min_id, json.dumps(self._window), limit, offset])
                return [(row[0], -float(row[1] or 0)) for row in cur.fetchall()]
        where, params = self._fts_where(terms, spec)
        if min_id is not None:
            where += " AND f.rowid >= %s"
            params = [*params, min_id]
        if sort == "date":
            sql = (f"SELECT f.rowid, 0.0 FROM intake_document_fts f JOIN intake_document d ON d.id = f.rowid "
                   f"WHERE {where} ORDER BY d.date IS NULL, d.date DESC, d.id DESC LIMIT %s OFFSET %s")
        else:
            sql = (f"SELECT f.rowid, bm25(intake_document_fts, 5.0, 1.0, 0.0) AS score FROM intake_document_fts f "
                   f"WHERE {where} ORDER BY score LIMIT %s OFFSET %s")
        with connection.cursor() as cur:
            cur.execute(sql, [*params, limit, offset])
            return [(row[0], -float(row[1] or 0)) for row in cur.fetchall()]

    no_index = "+"

    def id_list_sql(self, ids):
        import json

        return "(SELECT value FROM json_each(%s))", [json.dumps(list(ids))]

    def source_facet(self, ids, limit: int) -> list[dict]:
        """Counted from the covering index on source_id: reading ``source_id`` from the rows would read past
        ``text`` (SQLite reads columns in order)."""
        from amity.intake.models import Source

        with connection.cursor() as cur:
            cur.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'intake_document' "
                        "AND sql LIKE '%%(\"source_id\")'")
            index = cur.fetchone()
            if index is None:
                return super().source_facet(ids, limit)
            sql, params = ids.query.sql_with_params()
            cur.execute(f'SELECT source_id, count(*) AS n FROM intake_document INDEXED BY "{index[0]}" '
                        f"WHERE source_id IS NOT NULL AND id IN ({sql}) GROUP BY source_id ORDER BY n DESC LIMIT %s",
                        [*params, limit])
            counts = cur.fetchall()
        names = dict(Source.objects.filter(pk__in=[c[0] for c in counts]).values_list("pk", "name"))
        return [{"source_id": sid, "source__name": names.get(sid, ""), "n": n} for sid, n in counts]

    def size_bytes(self):
        with connection.cursor() as cur:
            try:
                cur.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'intake_document_fts%%'")
                return cur.fetchone()[0]
            except Exception:
                return None


def _tsquery(terms: list[Term], phrases: bool = True, spec=None) -> str:
    """The tsquery of ``terms``; ``phrases=False``: every word of them, in any order (what GIN answers exactly);
    with the date filter keys and the filter keys (country, event type) of ``spec``."""
    parts = []
    for term in terms:
        lexemes = list(term.tokens)
        if term.prefix:
            lexemes[-1] += ":*"
        op = " <-> " if phrases else " & "
        parts.append("(" + op.join(lexemes) + ")" if len(lexemes) > 1 else lexemes[0])
    query = " & ".join(parts)
    if spec is not None and len(spec) > 3 and spec[3]:
        query = f"({query}) & (" + " | ".join(spec[3]) + ")"
    if spec is not None and len(spec) > 7 and spec[7]:
        query = f"({query}) & " + " & ".join(spec[7])
    return query


def _pg_ids(ids) -> str:
    """Document ids (integers) as one PostgreSQL array literal, for ``%s::bigint[]``: psycopg would adapt a list
    of 1,000 ids element by element, about a millisecond per query."""
    return "{" + ",".join(map(str, map(int, ids))) + "}"


def _term_counter(term, pattern):
    """How often ``term`` occurs in an indexed text (" " + tokens joined by single spaces + " "): what
    ``len(pattern.findall(text))`` gives, with ``str.count`` where that is the same number (10x faster over the
    rank window's 3 MB). A prefix " w" cannot overlap itself (one space, at its start); a word " w " can only with
    a repeat (" w w "), left to the pattern."""
    key = " " + " ".join(term.tokens)
    if term.prefix and len(term.tokens) == 1:
        return lambda text: text.count(key)
    if not term.prefix and len(term.tokens) == 1:
        whole, repeat = key + " ", key + key + " "
        return lambda text: len(pattern.findall(text)) if repeat in text else text.count(whole)
    return lambda text: len(pattern.findall(text))


class PostgresBackend(Backend):
    vendor = "postgresql"

    # The filter keys of a document (``fkeys``, a small tsvector stored inline, never in TOAST): its countries
    # ``zc<iso2>`` and event types ``ze<md5 of the name, 16 hex>``, from its mentions (rewritten by
    # ``refresh_filter_keys`` when they change: linking); ``fdate`` is the document's date. These filters are
    # checked on the candidate index rows (before any phrase check); organisation and person links also
    # change when partner records are merged, so those filters stay a subquery (migration 0006). The same keys
    # are in ``tsv`` (no position, so no rank) and a filtered query requires them inside the GIN index, which
    # then skips through a common word's postings to the few of the country (migration 0008): a filtered walk
    # otherwise read every match of the words in its id ranges (25,000 for a common word under a country filter at
    # 100k documents, 20-40 ms) to keep the 4% that pass.
    KEYS_OF = (
        "(SELECT COALESCE(array_to_tsvector(array_agg(DISTINCT s.k)), ''::tsvector) FROM ("
        "SELECT CASE WHEN m.kind = 'country' THEN 'zc' || lower(m.name) ELSE 'ze' || left(md5(m.name), 16) END "
        "AS k FROM intake_documentmention m WHERE m.document_id = {id} AND m.kind IN ('country', 'event')) s)")
    # new filter keys replace the old ones in ``tsv`` too; rows whose keys are unchanged are left alone (rewriting
    # ``tsv`` rewrites its TOAST value and its GIN entries)
    REFRESH = ("UPDATE intake_document_fts f SET fkeys = k.keys, tsv = ts_delete(f.tsv, tsvector_to_array(f.fkeys)) "
               "|| k.keys FROM (SELECT g.document_id, " + KEYS_OF.format(id="g.document_id")
               + " AS keys FROM intake_document_fts g{where}) k WHERE f.document_id = k.document_id "
               "AND f.fkeys <> k.keys")

    @staticmethod
    def _row(doc):
        """Title (weight A), body (B) and the bucket keys (D: date, id bucket, ``xdup`` for near-duplicates),
        which no query ranks on."""
        keys = [*date_keys(doc.date), f"zi{doc.pk // ID_BUCKET}"]
        if doc.status == DocumentStatus.DUPLICATE:
            keys.append("xdup")
        return (doc.pk, index_text(doc.title), _body(doc), " ".join(keys), doc.pk, doc.date, doc.pk)

    def refresh_filter_keys(self, ids=None) -> None:
        with connection.cursor() as cur:
            if ids is None:
                cur.execute(self.REFRESH.format(where=""))
            elif ids:
                cur.execute(self.REFRESH.format(where=" WHERE g.document_id = ANY(%s::bigint[])"), [_pg_ids(ids)])

    def filter_ids(self, filters, ids):
        """The filter keys on the index rows of ``ids`` first (primary key lookups), then the rest in SQL."""
        rest, cond, params = self.split_filters(filters)
        if cond and ids:
            with connection.cursor() as cur:
                cur.execute(f"SELECT f.document_id FROM intake_document_fts f WHERE f.document_id = ANY(%s::bigint[]) "
                            f"AND {cond}", [_pg_ids(ids), *params])
                ids = [row[0] for row in cur.fetchall()]
        return super().filter_ids(rest, ids)

    def filter_keys(self, filters):
        """Country ``zc<iso2>`` and event type ``ze<md5, 16 hex>``: lower-case letters and digits only, safe as
        tsquery input; in ``fkeys`` and in ``tsv`` alike (``KEYS_OF``)."""
        keys = []
        if filters.country and re.fullmatch(r"[A-Za-z]{2,3}", filters.country):
            keys.append("zc" + filters.country.lower())
        if filters.event:
            keys.append("ze" + hashlib.md5(filters.event.encode(), usedforsecurity=False).hexdigest()[:16])
        return keys

    def split_filters(self, filters):
        keys, rest = self.filter_keys(filters), filters
        if filters.country and re.fullmatch(r"[A-Za-z]{2,3}", filters.country):
            rest = replace(rest, country="")
        if filters.event:
            rest = replace(rest, event="")
        conds, params = [], []
        if keys:  # lower-case letters and digits only: safe as tsquery input
            conds.append("f.fkeys @@ %s::tsquery")
            params.append(" & ".join(keys))
        for value, op, name in ((filters.date_from, ">=", "date_from"), (filters.date_to, "<=", "date_to")):
            if value:
                conds.append(f"f.fdate {op} %s")
                params.append(value)
                rest = replace(rest, **{name: None})
        return rest, (" AND ".join(conds) or None), params

    def index(self, doc: Document) -> None:
        self.index_many([doc])

    def unindex(self, doc_id: int) -> None:
        with connection.cursor() as cur:
            cur.execute("DELETE FROM intake_document_fts WHERE document_id = %s", [doc_id])

    # the index rows of many documents in one statement (a batch of the pipeline: parsed and planned once)
    INSERT_MANY = ("INSERT INTO intake_document_fts(document_id, tsv, fdate, fkeys) SELECT v.id, "
                   "setweight(to_tsvector('simple', v.title), 'A') || setweight(to_tsvector('simple', v.body), 'B') "
                   "|| to_tsvector('simple', v.keys) || " + KEYS_OF.format(id="v.id") + ", v.fdate, "
                   + KEYS_OF.format(id="v.id") + " FROM (SELECT id::bigint, title::text, body::text, keys::text, "
                   "fdate::date FROM (VALUES {values}) AS r(id, title, body, keys, fdate)) v "
                   "ON CONFLICT (document_id) DO UPDATE SET tsv = EXCLUDED.tsv, fdate = EXCLUDED.fdate, "
                   "fkeys = EXCLUDED.fkeys")

    def index_many(self, docs) -> None:
        rows = [self._row(d) for d in docs]
        with connection.cursor() as cur:
            for start in range(0, len(rows), 200):
                chunk = rows[start:start + 200]
                cur.execute(self.INSERT_MANY.format(values=", ".join(["(%s, %s, %s, %s, %s)"] * len(chunk))),
                            [value for pk, title, body, keys, _pk, date, _pk2 in chunk
                             for value in (pk, title, body, keys, date)])

    def prune(self) -> None:
        with connection.cursor() as cur:
            cur.execute("DELETE FROM intake_document_fts f WHERE NOT EXISTS "
                        "(SELECT 1 FROM intake_document d WHERE d.id = f.document_id)")

    def id_list_sql(self, ids):
        return "(SELECT unnest(%s::bigint[]))", [_pg_ids(ids)]

    def match_sql(self, terms, include_duplicates: bool = True):
        sql = "SELECT document_id FROM intake_document_fts WHERE tsv @@ to_tsquery('simple', %s)"
        if not include_duplicates:
            sql = ("SELECT f.document_id FROM intake_document_fts f JOIN intake_document d ON d.id = f.document_id "
                   "WHERE f.tsv @@ to_tsquery('simple', %s) AND d.status <> 'duplicate'")
        return sql, [_tsquery(terms)]

    def ranked(self, terms, spec, sort, limit, offset, min_id=None):
        if min_id is not None and sort != "date" and self._window and self._window[-1] == min_id:
            scores = self._scores or {}
            if all(i in scores for i in self._window):  # scored by the walk: the same order as the query below
                order = sorted(self._window, key=lambda i: (-scores[i], -i))[offset:offset + limit]
                return [(i, scores[i]) for i in order]
            # the window's ids are known (filters applied): rank them without re-checking the match
            with connection.cursor() as cur:
                cur.execute("SELECT document_id, ts_rank_cd(tsv, to_tsquery('simple', %s)) AS score "
                            "FROM intake_document_fts WHERE document_id = ANY(%s::bigint[]) "
                            "ORDER BY score DESC, document_id DESC LIMIT %s OFFSET %s",
                            [_tsquery(terms), _pg_ids(self._window), limit, offset])
                return [(row[0], float(row[1] or 0)) for row in cur.fetchall()]
        where, params = self._where(spec, "f.tsv @@ m", [])
        if len(spec) > 6 and spec[5]:
            where += f" AND {spec[5]}"
            params = [*params, *spec[6]]
        if min_id is not None:
            where += " AND f.document_id >= %s"
            params = [*params, min_id]
        if sort == "date":
            sql = (f"SELECT f.document_id, 0.0 FROM to_tsquery('simple', %s) q, to_tsquery('simple', %s) m, "
                   f"intake_document_fts f JOIN intake_document d ON d.id = f.document_id "
                   f"WHERE {where} ORDER BY d.date DESC NULLS LAST, d.id DESC LIMIT %s OFFSET %s")
        else:
            sql = (f"SELECT f.document_id, ts_rank_cd(f.tsv, q) AS score FROM to_tsquery('simple', %s) q, "
                   f"to_tsquery('simple', %s) m, intake_document_fts f JOIN intake_document d ON d.id = f.document_id "
                   f"WHERE {where} ORDER BY score DESC, f.document_id DESC LIMIT %s OFFSET %s")
        with connection.cursor() as cur:
            cur.execute(sql, [_tsquery(terms), _tsquery(terms, spec=spec), *params, limit, offset])
            return [(row[0], float(row[1] or 0)) for row in cur.fetchall()]

    def newest(self, terms, spec, cap):
        """The walk goes by id ranges (the first one a few times the window, later ones sized from the density
        seen so far, the last one unbounded), each one narrowed inside the GIN index by its id bucket keys (GIN
        skips through a common word's postings to the few in the bucket), so a common query reads a few thousand
        postings instead of all of them, and a rare one ends in one GIN bitmap scan."""
        words, full = _tsquery(terms, phrases=False, spec=spec), _tsquery(terms, spec=spec)
        # a relevance search scores the rows each range returns, in the same query, after its LIMIT (``_scores``,
        # for ``ranked``): a ranking query of its own looks the window's 1,000 rows up again (2-3 ms). The walk
        # without the SQL filters below (its matches are filtered afterwards) scores nothing.
        scores, self._scores = self._scores, None
        # The GIN index answers the words (exactly: no re-check); the id range is written ``+ 0`` so the planner
        # cannot walk the primary key instead, checking every row's tsvector. Phrases (positions: the costly
        # part, each tsvector is read from TOAST) are checked outside the range's query (``OFFSET 0`` keeps the
        # planner from moving the check into it), on its candidates newest first, until the LIMIT is reached.
        phrases = any(term.phrase for term in terms)
        cond = "f.document_id + 0 BETWEEN %s AND %s"
        if not spec[2]:  # near-duplicates are left out inside the index (key ``xdup``)
            words, full = f"({words}) & !xdup", f"({full}) & !xdup"
        row_cond, row_params = (spec[5], spec[6]) if len(spec) > 6 else (None, [])
        if len(spec) > 4 and spec[4] is not None:
            every = self.newest(terms, (None, [], *spec[2:4], None, *spec[5:]), cap)
            if len(every) <= cap:  # few matches: check the filters on them only
                return self.keep_filtered(spec, every)
        self._scores = scores
        filtered = (len(spec) > 4 and spec[4] is not None) or bool(row_cond)
        low, high = self.id_span()
        if low is None:
            return []
        matches = None  # the words' matches, estimated when a range's narrowing depends on it (``narrow``)
        if row_cond:  # filter keys and date on the candidate rows (inline), the phrases (TOAST) after them
            cond = f"{row_cond} AND {cond}"
        score = ", ts_rank_cd(s.tsv, to_tsquery('simple', %s))" if scores is not None else ""
        score_params = [_tsquery(terms)] if scores is not None else []
        ids: list[int] = []
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("SET LOCAL enable_seqscan = off")  # a seq scan would read every tsvector
            try:
                upper, span = high, 2 * (cap + 1) * (8 if filtered else 1)
                while True:
                    lower = upper - span + 1
                    if lower <= low + span // 4:  # the rest is not much more: take it all
                        lower = low
                    buckets = range(lower // ID_BUCKET, upper // ID_BUCKET + 1)
                    size, id_count = upper - lower + 1, high - low + 1
                    if filtered and matches is None and size * 8 > id_count and size * 3 <= id_count:
                        # a filtered walk's ranges are wide (a sixth of the ids at 100k documents)
                        matches = self.words_estimate(words, low, high, 2 * (cap + 1))
                    narrowed = f"({words}) & (" + " | ".join(f"zi{b}" for b in buckets) + ")" \
                        if self.narrow(size, id_count, matches or 0, len(buckets)) else words
                    if narrowed == words and not (len(spec) > 4 and spec[4] is not None):
                        # GIN hands over every candidate of the whole id span anyway (a rare word, or words with
                        # the filter keys): one range down to the oldest costs no more, the LIMIT ends it
                        lower = low
                    cond_params = [*row_params, lower, upper]
                    where = f"f.tsv @@ to_tsquery('simple', %s) AND {cond}"
                    params = [narrowed, *cond_params]
                    filtered_sql, filtered_params = self.range_filter(spec, lower, upper)
                    if filtered_sql:  # in a CASE: one hashed subplan, not a join probed per candidate
                        where += f" AND CASE WHEN f.document_id IN ({filtered_sql}) THEN true ELSE false END"
                        params += filtered_params
                    # ``+ 0``: walking the primary key backwards would read every row's tsvector
                    sql = (f"SELECT f.document_id, f.tsv FROM intake_document_fts f WHERE {where} "
                           "ORDER BY f.document_id + 0 DESC")
                    if phrases:
                        sql = (f"SELECT s.document_id{score} FROM ({sql} OFFSET 0) s "
                               "WHERE s.tsv @@ to_tsquery('simple', %s) LIMIT %s")
                        params = [*score_params, *params, full, cap + 1 - len(ids)]
                    else:
                        sql = f"SELECT s.document_id{score} FROM ({sql} LIMIT %s) s"
                        params = [*score_params, *params, cap + 1 - len(ids)]
                    cur.execute(sql, params)
                    rows = sorted(cur.fetchall(), key=lambda row: -row[0])
                    ids += [row[0] for row in rows]
                    if scores is not None:
                        scores.update((row[0], float(row[1] or 0)) for row in rows)
                    if len(ids) > cap or lower <= low:
                        break
                    upper = lower - 1
                    density = max(len(ids), 1) / (high - upper)
                    span = max(span * 2, int((cap + 1 - len(ids)) / density * 1.3))
            finally:
                cur.execute("SET LOCAL enable_seqscan = on")
        return ids

    @staticmethod
    def narrow(size: int, span: int, matches: int, buckets: int) -> bool:
        """Whether a range of ``size`` ids (of ``span``) is better narrowed inside GIN by its id bucket keys: their
        postings together are the range's documents, a common word's are most of the table. At 100k documents,
        narrowed, a sixth of the ids costs a third of the plain scan for a word in 75% of them and a third of the
        ids two thirds, half of them twice as much; for a word in 5% of them (5,000 matches) narrowing gains little
        under an eighth of the ids and costs twice as much from a third. ``matches``: the words' matches (0:
        unknown)."""
        if buckets > 64:
            return False
        return size * 8 <= span or (size * 3 <= span and matches >= 2 * size)

    @staticmethod
    def words_estimate(words: str, low: int, high: int, size: int) -> int:
        """The matches of the tsquery ``words`` among the ids ``low`` .. ``high``, extrapolated from those among the
        newest ``size`` ids (one GIN scan narrowed to their id buckets: a millisecond or two)."""
        lower = max(low, high - size + 1)
        buckets = " | ".join(f"zi{b}" for b in range(lower // ID_BUCKET, high // ID_BUCKET + 1))
        with connection.cursor() as cur:
            cur.execute("SELECT count(*) FROM intake_document_fts f WHERE f.tsv @@ to_tsquery('simple', %s) "
                        "AND f.document_id + 0 BETWEEN %s AND %s", [f"({words}) & ({buckets})", lower, high])
            seen = cur.fetchone()[0]
        return seen * (high - low + 1) // (high - lower + 1)

    def match_keys(self, terms, spec, keys):
        row_cond, row_params = (spec[5], spec[6]) if len(spec) > 6 else (None, [])
        query = _tsquery(terms, phrases=not row_cond, spec=spec)
        if not spec[2]:
            query = f"({query}) & !xdup"
        if keys:
            query = f"({query}) & (" + " | ".join(keys) + ")"
        where, params = "f.tsv @@ to_tsquery('simple', %s)", [query]
        if row_cond:  # words in the index, then the filters on the row, then the phrases (TOAST) on the rest
            where += f" AND {row_cond}"
            params += row_params
            if any(term.phrase for term in terms):
                where += " AND (f.tsv @@ to_tsquery('simple', %s)) IS TRUE"
                params.append(_tsquery(terms))
        if spec[0]:
            where += f" AND f.document_id IN ({spec[0]})"
            params += spec[1]
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("SET LOCAL enable_seqscan = off")
            try:
                cur.execute(f"SELECT f.document_id FROM intake_document_fts f WHERE {where}", params)
                return [row[0] for row in cur.fetchall()]
            finally:
                cur.execute("SET LOCAL enable_seqscan = on")

    def size_bytes(self):
        with connection.cursor() as cur:
            cur.execute("SELECT pg_total_relation_size('intake_document_fts')")
            return cur.fetchone()[0]


def get_backend() -> Backend:
    if connection.vendor == "postgresql":
        return PostgresBackend()
    if connection.vendor == "sqlite":
        return SQLiteBackend()
    raise NotImplementedError(f"no document search for {connection.vendor}")


def search(query: str, filters: Filters | None = None, **kwargs) -> SearchResult:
    return get_backend().search(query, filters, **kwargs)


def refresh_filter_keys(ids: list[int]) -> None:
    """After the mentions of the documents ``ids`` changed (linking): their index rows' filter keys follow."""
    get_backend().refresh_filter_keys(ids)


# ---------------------------------------------------------------- snippets

def _pattern(terms: list[Term]) -> re.Pattern | None:
    alts = []
    for term in terms:
        body = r"[\W_]+".join(re.escape(t) for t in term.tokens)
        tail = r"[^\W_]*" if term.prefix else r"(?![^\W_])"
        alts.append(rf"(?<![^\W_]){body}{tail}")
    return re.compile("|".join(alts)) if alts else None


def highlight(text: str, terms: list[Term]) -> str:
    """``text`` HTML-escaped, with matches of ``terms`` (diacritic-insensitive) in <mark>."""
    pattern = _pattern(terms)
    if not text or pattern is None:
        return escape(text or "")
    folded = search_fold(text)
    out, pos = [], 0
    for match in pattern.finditer(folded):
        out.append(escape(text[pos:match.start()]))
        out.append("<mark>" + escape(text[match.start():match.end()]) + "</mark>")
        pos = match.end()
    out.append(escape(text[pos:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece of document text above is escaped


def snippet(text: str, terms: list[Term], size: int = SNIPPET_CHARS) -> str:
    text = text or ""
    pattern = _pattern(terms)
    head = text[:200_000]
    start = 0
    if pattern is not None:
        match = pattern.search(search_fold(head))
        if match:
            start = max(0, match.start() - size // 3)
            space = head.rfind(" ", 0, start)
            start = space + 1 if space >= 0 and start - space < 30 else start
    piece = " ".join(head[start:start + size].split())
    prefix = "… " if start > 0 else ""
    suffix = " …" if start + size < len(head) else ""
    return mark_safe(escape(prefix) + highlight(piece, terms) + escape(suffix))  # noqa: S308


# ---------------------------------------------------------------- global search provider

def global_provider(query: str, limit: int):
    from django.utils.translation import gettext as _

    from amity.core.search import Hit

    try:
        result = search(query, limit=limit, facets=False)
    except Exception:  # the global page must not fail because of documents
        return _("Documents"), []
    hits = []
    for hit in result.hits:
        doc = hit.document
        plain = " ".join(doc.text[:160].split())
        hits.append(Hit(label=str(doc)[:200], url=doc.get_absolute_url(), kind=_("document"),
                        detail=(f"{doc.date} · " if doc.date else "") + plain))
    return _("Documents"), hits
