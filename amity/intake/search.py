"""Full-text search over documents, one interface over two back ends (chosen by ``connection.vendor``).

- SQLite: FTS5 table ``intake_document_fts(title, body)``, bm25 ranking (title weighs 5x).
- PostgreSQL: ``intake_document_fts(document_id, tsv)`` with a GIN index; ``to_tsvector('simple', ...)`` over
  the same tokens, ``ts_rank_cd`` ranking (title weight A, body B). The newest matches are found by id ranges
  (GIN answers the words; phrase positions are checked only inside the range), which gives the rank window and
  the total: exact up to COUNT_EXACT_LIMIT, an estimate above it (``SearchResult.total_exact`` False).

Both index diacritic-folded, pre-tokenised text (``amity.extract.normalize.fold``: "Đà Nẵng" -> "da nang"),
so queries with or without diacritics find the same documents in Vietnamese and English. User input is never
passed as query syntax: it is parsed here into words, "quoted phrases" and prefix* words, folded, reduced to
letters and digits, and rebuilt as quoted FTS5 tokens / tsquery lexemes; quotes, ``*``, ``NEAR``, ``-`` or
unbalanced parentheses are plain text and never raise. Snippets are cut from the original text and HTML-escaped
except for the ``<mark>`` tags around matches.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Count
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
# PostgreSQL counts matches exactly up to COUNT_EXACT_LIMIT; above it ``total`` is an estimate (``total_exact`` False)
# extrapolated from the id span of the newest matches: an exact count(*) re-checks every match's tsvector
# (0.2-0.7 s for 75,000 matches at 100k documents). SQLite FTS5 counts from its own index and stays exact.
COUNT_EXACT_LIMIT = 1000


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

    def apply(self, qs, duplicates: bool | None = None):
        """Filter ``qs``; ``duplicates=True`` leaves near-duplicates in (the search back end drops them)."""
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
            qs = qs.filter(id__in=DocumentMention.objects.filter(kind=MentionKind.COUNTRY, name=self.country.upper())
                           .values("document_id"))
        if self.organisation:
            qs = qs.filter(id__in=DocumentMention.objects.filter(organisation_id=self.organisation)
                           .values("document_id"))
        if self.person:
            qs = qs.filter(id__in=DocumentMention.objects.filter(person_id=self.person).values("document_id"))
        if self.event:
            qs = qs.filter(id__in=DocumentMention.objects.filter(kind=MentionKind.EVENT, name=self.event)
                           .values("document_id"))
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

    def prune(self) -> None:
        """Forget index rows whose document is gone (after a bulk TRUNCATE, e.g. a test database flush)."""

    def match_sql(self, terms: list[Term], include_duplicates: bool = True) -> tuple[str, list]:
        """SQL selecting the ids of matching documents (for facets and filters)."""
        raise NotImplementedError

    def ranked(self, terms, spec, sort, limit, offset, min_id=None) -> list[tuple[int, float]]:
        raise NotImplementedError

    def threshold(self, terms, spec, window: int) -> int | None:
        """The id of the ``window``-th newest matching document (ids grow with time)."""
        raise NotImplementedError

    def count(self, terms, spec) -> int:
        raise NotImplementedError

    def total_and_window(self, terms, spec, sort, limit, offset) -> tuple[int, bool, int | None]:
        """(total, whether it is exact, the lowest id ranked by relevance or None for all)."""
        total = self.count(terms, spec)
        min_id = None
        if sort != "date" and total > RANK_WINDOW and offset + limit <= RANK_WINDOW:
            min_id = self.threshold(terms, spec, RANK_WINDOW)
        return total, True, min_id

    @staticmethod
    def _where(spec, first: str, params: list) -> tuple[str, list]:
        """The join condition on the document table: filters (as an id subquery) and near-duplicates."""
        filtered_sql, filtered_params, include_duplicates = spec
        where = first
        if not include_duplicates:
            where += " AND d.status <> 'duplicate'"
        if filtered_sql:
            where += f" AND d.id IN ({filtered_sql})"
            params = [*params, *filtered_params]
        return where, params

    def size_bytes(self) -> int | None:
        return None

    # shared -------------------------------------------------------------
    def search(self, query: str, filters: Filters | None = None, *, sort: str = "relevance", limit: int = 20,
               offset: int = 0, facets: bool = True) -> SearchResult:
        filters = filters or Filters()
        terms = parse_query(query)
        base = filters.apply(Document.objects.all())
        if not terms:
            qs = base.order_by("-date", "-id") if sort == "date" or not query else base.order_by("-date", "-id")
            total = qs.count()
            docs = list(qs.defer("extraction")[offset:offset + limit])
            hits = [SearchHit(d, 0.0, escape(d.text[:SNIPPET_CHARS]), escape(str(d))) for d in docs]
            return SearchResult(total, hits, self.facets(base) if facets else {}, terms)
        filtered_sql, filtered_params = (None, [])
        if filters.active:
            filtered_sql, filtered_params = filters.apply(Document.objects.all(), duplicates=True).values(
                "id").query.sql_with_params()
        spec = (filtered_sql, list(filtered_params), filters.include_duplicates)
        total, total_exact, min_id = self.total_and_window(terms, spec, sort, limit, offset)
        rows = self.ranked(terms, spec, sort, limit, offset, min_id=min_id) if total else []
        docs = Document.objects.defer("extraction").in_bulk([r[0] for r in rows])
        hits = []
        for doc_id, score in rows:
            doc = docs.get(doc_id)
            if doc is not None:
                hits.append(SearchHit(doc, score, snippet(doc.text, terms), highlight(str(doc), terms)))
        facet_data = {}
        if facets:
            from django.db.models.expressions import RawSQL

            match_sql, match_params = self.match_sql(terms, filters.include_duplicates)
            matching = filters.apply(Document.objects.all(), duplicates=True)
            facet_data = self.facets(matching.filter(id__in=RawSQL(match_sql, match_params)))
        return SearchResult(total, hits, facet_data, terms, total_exact)

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

    def source_facet(self, ids, limit: int) -> list[dict]:
        from amity.intake.models import Source

        counts = list(Document.objects.filter(id__in=ids).exclude(source=None).order_by().values("source_id")
                      .annotate(n=Count("id")).order_by("-n")[:limit])
        names = dict(Source.objects.filter(pk__in=[r["source_id"] for r in counts]).values_list("pk", "name"))
        return [dict(r, source__name=names.get(r["source_id"], "")) for r in counts]


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
        return (doc.pk, index_text(doc.title), index_text(doc.text),
                "xdup" if doc.status == DocumentStatus.DUPLICATE else "")

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

    def prune(self) -> None:
        with connection.cursor() as cur:
            cur.execute("DELETE FROM intake_document_fts WHERE rowid NOT IN (SELECT id FROM intake_document)")

    def match_sql(self, terms, include_duplicates: bool = True):
        expr = _fts5_expr(terms) if include_duplicates else f"({_fts5_expr(terms)}) NOT meta:xdup"
        return "SELECT rowid FROM intake_document_fts WHERE intake_document_fts MATCH %s", [expr]

    @staticmethod
    def _fts_where(terms, spec) -> tuple[str, list]:
        filtered_sql, filtered_params, include_duplicates = spec
        expr = _fts5_expr(terms)
        if not include_duplicates:
            expr = f"({expr}) NOT meta:xdup"
        where, params = "intake_document_fts MATCH %s", [expr]
        if filtered_sql:
            where += f" AND +f.rowid IN ({filtered_sql})"  # unary +: no per-row MATCH inside the vtab
            params += filtered_params
        return where, params

    def threshold(self, terms, spec, window):
        where, params = self._fts_where(terms, spec)
        with connection.cursor() as cur:
            cur.execute(f"SELECT f.rowid FROM intake_document_fts f WHERE {where} ORDER BY f.rowid DESC "
                        f"LIMIT 1 OFFSET %s", [*params, window - 1])
            row = cur.fetchone()
        return row[0] if row else None

    def ranked(self, terms, spec, sort, limit, offset, min_id=None):
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

    def count(self, terms, spec):
        where, params = self._fts_where(terms, spec)
        with connection.cursor() as cur:
            cur.execute(f"SELECT count(*) FROM intake_document_fts f WHERE {where}", params)
            return cur.fetchone()[0]

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


def _tsquery(terms: list[Term], phrases: bool = True) -> str:
    """The tsquery of ``terms``; ``phrases=False``: every word of them, in any order (what GIN answers exactly)."""
    parts = []
    for term in terms:
        lexemes = list(term.tokens)
        if term.prefix:
            lexemes[-1] += ":*"
        op = " <-> " if phrases else " & "
        parts.append("(" + op.join(lexemes) + ")" if len(lexemes) > 1 else lexemes[0])
    return " & ".join(parts)


class PostgresBackend(Backend):
    vendor = "postgresql"

    def index(self, doc: Document) -> None:
        with connection.cursor() as cur:
            cur.execute(
                "INSERT INTO intake_document_fts(document_id, tsv) VALUES (%s, "
                "setweight(to_tsvector('simple', %s), 'A') || setweight(to_tsvector('simple', %s), 'B')) "
                "ON CONFLICT (document_id) DO UPDATE SET tsv = EXCLUDED.tsv",
                [doc.pk, index_text(doc.title), index_text(doc.text)],
            )

    def unindex(self, doc_id: int) -> None:
        with connection.cursor() as cur:
            cur.execute("DELETE FROM intake_document_fts WHERE document_id = %s", [doc_id])

    def index_many(self, docs) -> None:
        rows = [(d.pk, index_text(d.title), index_text(d.text)) for d in docs]
        with connection.cursor() as cur:
            cur.executemany(
                "INSERT INTO intake_document_fts(document_id, tsv) VALUES (%s, "
                "setweight(to_tsvector('simple', %s), 'A') || setweight(to_tsvector('simple', %s), 'B')) "
                "ON CONFLICT (document_id) DO UPDATE SET tsv = EXCLUDED.tsv", rows)

    def prune(self) -> None:
        with connection.cursor() as cur:
            cur.execute("DELETE FROM intake_document_fts f WHERE NOT EXISTS "
                        "(SELECT 1 FROM intake_document d WHERE d.id = f.document_id)")

    def match_sql(self, terms, include_duplicates: bool = True):
        sql = "SELECT document_id FROM intake_document_fts WHERE tsv @@ to_tsquery('simple', %s)"
        if not include_duplicates:
            sql = ("SELECT f.document_id FROM intake_document_fts f JOIN intake_document d ON d.id = f.document_id "
                   "WHERE f.tsv @@ to_tsquery('simple', %s) AND d.status <> 'duplicate'")
        return sql, [_tsquery(terms)]

    def threshold(self, terms, spec, window):
        where, params = self._where(spec, "f.tsv @@ to_tsquery('simple', %s)", [_tsquery(terms)])
        with connection.cursor() as cur:
            cur.execute("SELECT f.document_id FROM intake_document_fts f JOIN intake_document d "
                        f"ON d.id = f.document_id WHERE {where} ORDER BY f.document_id DESC LIMIT 1 OFFSET %s",
                        [*params, window - 1])
            row = cur.fetchone()
        return row[0] if row else None

    _window: list[int] | None = None

    def ranked(self, terms, spec, sort, limit, offset, min_id=None):
        if min_id is not None and sort != "date" and self._window and self._window[-1] == min_id:
            # the window's ids are known (filters applied): rank them without re-checking the match
            with connection.cursor() as cur:
                cur.execute("SELECT document_id, ts_rank_cd(tsv, to_tsquery('simple', %s)) AS score "
                            "FROM intake_document_fts WHERE document_id = ANY(%s) "
                            "ORDER BY score DESC, document_id DESC LIMIT %s OFFSET %s",
                            [_tsquery(terms), self._window, limit, offset])
                return [(row[0], float(row[1] or 0)) for row in cur.fetchall()]
        where, params = self._where(spec, "f.tsv @@ q", [])
        if min_id is not None:
            where += " AND f.document_id >= %s"
            params = [*params, min_id]
        if sort == "date":
            sql = (f"SELECT f.document_id, 0.0 FROM to_tsquery('simple', %s) q, intake_document_fts f "
                   f"JOIN intake_document d ON d.id = f.document_id "
                   f"WHERE {where} ORDER BY d.date DESC NULLS LAST, d.id DESC LIMIT %s OFFSET %s")
        else:
            sql = (f"SELECT f.document_id, ts_rank_cd(f.tsv, q) AS score FROM to_tsquery('simple', %s) q, "
                   f"intake_document_fts f JOIN intake_document d ON d.id = f.document_id "
                   f"WHERE {where} ORDER BY score DESC, f.document_id DESC LIMIT %s OFFSET %s")
        with connection.cursor() as cur:
            cur.execute(sql, [_tsquery(terms), *params, limit, offset])
            return [(row[0], float(row[1] or 0)) for row in cur.fetchall()]

    def count(self, terms, spec):
        where, params = self._where(spec, "f.tsv @@ to_tsquery('simple', %s)", [_tsquery(terms)])
        with connection.cursor() as cur:
            cur.execute("SELECT count(*) FROM intake_document_fts f JOIN intake_document d ON d.id = f.document_id "
                        f"WHERE {where}", params)
            return cur.fetchone()[0]

    def total_and_window(self, terms, spec, sort, limit, offset):
        """One walk down the newest matches (ids grow with time) gives both the rank window and the total: exact
        up to COUNT_EXACT_LIMIT, above it extrapolated from the id span those matches cover. The walk goes by id
        ranges (the first one a few times the window, later ones sized from the density seen so far, the last one
        unbounded), so a common query re-checks a few thousand rows instead of all its matches, and a rare one ends
        in one GIN bitmap scan."""
        cap = max(COUNT_EXACT_LIMIT, RANK_WINDOW)
        words, full = _tsquery(terms, phrases=False), _tsquery(terms)
        # The GIN index answers the words (exactly: no re-check); the id range is written ``+ 0`` so the planner
        # cannot walk the primary key instead, checking every row's tsvector. Phrases (positions: the costly
        # part, each tsvector is read from TOAST) are checked only inside the range.
        if any(term.phrase for term in terms):
            cond = ("CASE WHEN f.document_id + 0 BETWEEN %s AND %s THEN f.tsv @@ to_tsquery('simple', %s) "
                    "ELSE false END")
        else:
            cond = "f.document_id + 0 BETWEEN %s AND %s"
        ids: list[int] = []
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("SELECT min(id), max(id) FROM intake_document")
            low, high = cur.fetchone()
            if low is None:
                return 0, True, None
            cur.execute("SET LOCAL enable_seqscan = off")  # a seq scan would read every tsvector
            try:
                upper, span = high, 2 * (cap + 1)
                while True:
                    lower = upper - span + 1
                    if lower <= low + span // 4:  # the rest is not much more: take it all
                        lower = low
                    cond_params = [lower, upper, full] if "CASE" in cond else [lower, upper]
                    where, params = self._where(
                        spec, f"f.tsv @@ to_tsquery('simple', %s) AND {cond} AND d.id BETWEEN %s AND %s",
                        [words, *cond_params, lower, upper])
                    cur.execute("SELECT f.document_id FROM intake_document_fts f JOIN intake_document d "
                                f"ON d.id = f.document_id WHERE {where} ORDER BY f.document_id DESC LIMIT %s",
                                [*params, cap + 1 - len(ids)])
                    ids += [row[0] for row in cur.fetchall()]
                    if len(ids) > cap or lower <= low:
                        break
                    upper = lower - 1
                    density = max(len(ids), 1) / (high - upper)
                    span = max(span * 2, int((cap + 1 - len(ids)) / density * 1.3))
            finally:
                cur.execute("SET LOCAL enable_seqscan = on")
        min_id = None
        if sort != "date" and len(ids) > RANK_WINDOW and offset + limit <= RANK_WINDOW:
            min_id = ids[RANK_WINDOW - 1]
            self._window = ids[:RANK_WINDOW]
        if len(ids) <= cap:  # every match was seen
            return len(ids), True, min_id
        estimate = round(len(ids) * (high - low + 1) / max(1, high - ids[-1] + 1))
        return max(estimate, len(ids)), False, min_id

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
