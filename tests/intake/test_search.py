"""Document search: the same tests run on SQLite FTS5 and on PostgreSQL full-text (whichever DATABASE_URL is)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from django.db import connection
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from amity.intake import pipeline
from amity.intake.models import Document, DocumentMention, DocumentStatus
from amity.intake.search import Filters, get_backend, highlight, parse_query, refresh_filter_keys, search, snippet

pytestmark = pytest.mark.django_db


def make_doc(title: str, text: str, *, date=None, language="en", status=DocumentStatus.DONE, mentions=()):
    import hashlib

    sha = hashlib.sha256((title + text).encode()).hexdigest()
    doc = Document.objects.create(sha256=sha, blob_path=Document.blob_path_for(sha), title=title, text=text,
                                  date=date, language=language, status=status)
    get_backend().index(doc)
    for kind, name, links in mentions:
        DocumentMention.objects.create(document=doc, kind=kind, name=name, **links)
    if mentions:
        refresh_filter_keys([doc.pk])  # as linking does after writing the mentions
    return doc


@pytest.fixture
def corpus(db):
    from amity.partners.models import Country, Organisation

    jp = Country.objects.create(iso2="JP", iso3="JPN", name_en="Japan", name_vi="Nhật Bản")
    fr = Country.objects.create(iso2="FR", iso3="FRA", name_en="France", name_vi="Pháp")
    vufo = Organisation.objects.create(key="vufo", name_en="Viet Nam Union of Friendship Organisations")
    docs = {
        "danang_vi": make_doc("Giao lưu hữu nghị tại Đà Nẵng",
                              "Đoàn đại biểu Hội hữu nghị Pháp - Việt Nam thăm thành phố Đà Nẵng và gặp gỡ thanh niên.",
                              date=dt.date(2025, 4, 5), language="vi",
                              mentions=[("country", "FR", {"country": fr}), ("event", "visit", {})]),
        "danang_en": make_doc("Youth exchange in Da Nang",
                              "A Japanese youth delegation visited Da Nang city for a friendship exchange with VUFO.",
                              date=dt.date(2025, 6, 1),
                              mentions=[("country", "JP", {"country": jp}), ("event", "exchange", {}),
                                        ("organisation", "VUFO", {"organisation": vufo})]),
        "scholar": make_doc("Scholarships for students",
                            "The association presented scholarships to students of Hue. Friendship scholarship fund.",
                            date=dt.date(2024, 1, 10),
                            mentions=[("country", "JP", {"country": jp})]),
        "xss": make_doc("<script>alert(1)</script> Report",
                        "Delegates said <img src=x onerror=alert(1)> friendship & cooperation matter.",
                        date=None),
    }
    docs["copy"] = make_doc("Youth exchange in Da Nang (copy)", "A Japanese youth delegation visited Da Nang city.",
                            status=DocumentStatus.DUPLICATE)
    Document.objects.filter(pk=docs["copy"].pk).update(duplicate_of=docs["danang_en"])
    return docs


def ids(result):
    return {h.document.pk for h in result.hits}


def test_backend_matches_database():
    assert get_backend().vendor == connection.vendor


def test_diacritic_insensitive_both_ways(corpus):
    both = {corpus["danang_vi"].pk, corpus["danang_en"].pk}
    assert ids(search("da nang")) == both
    assert ids(search("Đà Nẵng")) == both
    assert ids(search("ĐÀ NẴNG")) == both
    assert ids(search("hữu nghị")) == {corpus["danang_vi"].pk}
    assert ids(search("huu nghi")) == {corpus["danang_vi"].pk}


def test_phrase_and_prefix(corpus):
    assert ids(search('"youth delegation"')) == {corpus["danang_en"].pk}
    assert ids(search('"delegation youth"')) == set()
    assert ids(search("scholar*")) == {corpus["scholar"].pk}
    assert ids(search("scholar")) == set()
    assert ids(search('"thanh ni*"')) == {corpus["danang_vi"].pk}
    assert ids(search("friendship japanese")) == {corpus["danang_en"].pk}


def test_filters_and_facets(corpus):
    r = search("friendship")
    assert ids(r) == {corpus["danang_en"].pk, corpus["scholar"].pk, corpus["xss"].pk}
    countries = {row["name"]: row["n"] for row in r.facets["country"]}
    assert countries == {"JP": 2}
    assert ids(search("friendship", Filters(country="jp"))) == {corpus["danang_en"].pk, corpus["scholar"].pk}
    assert ids(search("", Filters(country="FR"))) == {corpus["danang_vi"].pk}
    assert ids(search("", Filters(language="vi"))) == {corpus["danang_vi"].pk}
    assert ids(search("da nang", Filters(event="exchange"))) == {corpus["danang_en"].pk}
    org = corpus["danang_en"].mentions.get(kind="organisation").organisation_id
    assert ids(search("friendship", Filters(organisation=org))) == {corpus["danang_en"].pk}
    assert ids(search("friendship", Filters(date_from=dt.date(2025, 1, 1)))) == {corpus["danang_en"].pk}
    assert ids(search("friendship", Filters(date_to=dt.date(2024, 12, 31)))) == {corpus["scholar"].pk}
    assert corpus["copy"].pk in ids(search("youth", Filters(include_duplicates=True)))
    assert corpus["copy"].pk not in ids(search("youth"))


def test_sort_by_relevance_and_date(corpus):
    by_date = [h.document.pk for h in search("friendship", sort="date").hits]
    assert by_date == [corpus["danang_en"].pk, corpus["scholar"].pk, corpus["xss"].pk]  # undated last
    by_rank = search("scholarship*").hits
    assert by_rank[0].document == corpus["scholar"]
    assert search("friendship", limit=1, offset=1).total == 3
    assert len(search("friendship", limit=1, offset=1).hits) == 1


def test_snippets_highlight_and_escape(corpus):
    hit = search("friendship").hits
    xss = next(h for h in hit if h.document == corpus["xss"])
    assert "<img" not in xss.snippet and "&lt;img" in xss.snippet
    assert "<script>" not in xss.title_html and "&lt;script&gt;" in xss.title_html
    assert "<mark>friendship</mark>" in xss.snippet
    vi = search('"da nang"').hits
    vi_hit = next(h for h in vi if h.document == corpus["danang_vi"])
    assert "<mark>Đà Nẵng</mark>" in vi_hit.snippet
    assert highlight("Hà Nội & Huế", parse_query('"ha noi"')) == "<mark>Hà Nội</mark> &amp; Huế"
    assert snippet("x" * 1000 + " target word " + "y" * 1000, parse_query("target")).startswith("… ")


@pytest.mark.parametrize("query", [
    '"', '""', '"unbalanced', "a*", "*", "**", "NEAR(a b)", "NEAR", "(", ")", "((da nang", "a OR b", "NOT",
    "AND", "-da", "title:da", "col:", "^start", "a + b", "'", "\\", "\x00", "da nang)", "{x}", "[y]", ":*", "&|!",
    "<->", "da <-> nang", "Đ*", "%", "_", "x" * 600,
])
def test_fts_syntax_never_errors(corpus, query):
    search(query)
    search(query, sort="date")


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=80))
def test_any_input_is_safe(corpus, query):
    result = search(query)
    assert result.total >= 0


def test_delete_and_edit_keep_index_in_step(corpus):
    doc = corpus["scholar"]
    doc.title = "Học bổng cho sinh viên"
    doc.save()
    assert ids(search("hoc bong")) == {doc.pk}
    assert ids(search("scholarships students")) == {doc.pk}  # still in the body
    doc.delete()
    assert ids(search("scholar*")) == set()
    assert search("hoc bong").total == 0


def test_global_search_shows_documents(corpus, editor_client):
    response = editor_client.get("/search/", {"q": "Da Nang"})
    assert response.status_code == 200
    assert "Youth exchange in Da Nang" in response.content.decode()


def test_index_size_is_reported(corpus):
    size = get_backend().size_bytes()
    assert size is None or size > 0


def test_pipeline_indexes_once(var_dir):
    run = pipeline.execute_run(pipeline.create_run(texts=["Hội hữu nghị Việt Nam - Lào tổ chức gặp mặt " * 5]))
    assert run.added == 1
    assert search("viet nam lao").total == 1


def test_rows_left_by_a_bulk_truncate_are_pruned(corpus):
    from amity.intake.signals import prune_index

    doc = corpus["scholar"]
    doc.mentions.all().delete()
    Document.objects.filter(pk=doc.pk)._raw_delete(Document.objects.db)  # as TRUNCATE would: no signals
    assert search("scholar*").total <= 1
    prune_index(sender=None)
    assert search("scholar*").total == 0
    assert search("friendship").total == 2


def test_rank_window_keeps_total_exact(corpus, monkeypatch):
    from amity.intake import search as search_mod

    monkeypatch.setattr(search_mod, "RANK_WINDOW", 2)
    result = search("friendship", limit=2)
    assert result.total == 3
    assert {h.document.pk for h in result.hits} == {corpus["scholar"].pk, corpus["xss"].pk}  # the 2 newest
    assert len(search("friendship", limit=2, offset=2).hits) == 1  # beyond the window: everything ranked


@pytest.mark.parametrize("query", ["friendship", '"da nang"', "scholar*", "youth", '"union of friendship"'])
def test_total_above_the_exact_limit_is_estimated(corpus, monkeypatch, query):
    """Above COUNT_EXACT_LIMIT both back ends estimate the total (``total_exact`` False, never below the matches
    seen) and count facets on the newest matches (``facets_exact`` False); the rank window still holds the newest
    matches, filters and phrases included."""
    from amity.intake import search as search_mod

    full = search(query, limit=50)
    assert full.total_exact and full.total == len(full.hits)
    monkeypatch.setattr(search_mod, "COUNT_EXACT_LIMIT", 1)
    monkeypatch.setattr(search_mod, "RANK_WINDOW", 1)
    small = search(query, limit=1)
    if full.total > 1:
        assert [h.document.pk for h in small.hits] == [max(h.document.pk for h in full.hits)]
        assert small.total >= 2
        assert not small.total_exact and not small.facets_exact
        assert full.facets_exact
    else:
        assert (small.total, small.total_exact, small.facets_exact) == (full.total, True, True)
        assert [h.document.pk for h in small.hits] == [h.document.pk for h in full.hits]
    later = search(query, limit=1, offset=1)  # beyond the window: everything ranked
    assert len(later.hits) == min(1, max(0, full.total - 1))


def test_date_cover_is_exact():
    from amity.intake.search import date_cover, date_keys

    assert date_cover(dt.date(2024, 1, 1), dt.date(2024, 12, 31)) == ["zy2024"]
    assert date_cover(dt.date(2024, 2, 1), dt.date(2024, 2, 29)) == ["zm202402"]
    assert date_cover(dt.date(2023, 12, 30), dt.date(2025, 2, 2)) == [
        "zd20231230", "zd20231231", "zy2024", "zm202501", "zd20250201", "zd20250202"]
    assert date_cover(dt.date(2024, 3, 5), dt.date(2024, 3, 4)) == []
    assert date_cover(dt.date(9999, 12, 31), dt.date.max) == ["zd99991231"]
    day = dt.date(2023, 11, 20)
    for _ in range(60):  # every day of a cover is in exactly one of its keys
        cover = set(date_cover(dt.date(2023, 12, 15), dt.date(2024, 2, 10)))
        inside = dt.date(2023, 12, 15) <= day <= dt.date(2024, 2, 10)
        assert len(cover & set(date_keys(day))) == (1 if inside else 0)
        day += dt.timedelta(days=1)


def test_date_sort_walks_the_date_keys(db, monkeypatch):
    """Date sorting walks the date keys down a few days at a time; the order is the database's (date, then id,
    undated last), with filters, duplicates, pages and documents whose date changed."""
    import random

    rng = random.Random(5)
    docs = []
    for i in range(120):
        date = None if i % 17 == 0 else dt.date(2019, 1, 1) + dt.timedelta(days=rng.randint(0, 2000))
        docs.append(make_doc(f"Report {i}", f"friendship {'cooperation' if i % 3 else 'water'} {i}", date=date,
                             language="vi" if i % 4 == 0 else "en",
                             status=DocumentStatus.DUPLICATE if i % 11 == 0 else DocumentStatus.DONE))
    moved = docs[5]
    moved.date = dt.date(2030, 1, 1)
    moved.save()  # re-indexed with its new date keys by the signal

    def expected(qs):
        dated = sorted((d for d in qs if d.date), key=lambda d: (d.date, d.pk), reverse=True)
        return [d.pk for d in dated] + sorted((d.pk for d in qs if not d.date), reverse=True)

    every = [d for d in Document.objects.all() if d.status != DocumentStatus.DUPLICATE]
    cases = [
        ("friendship", Filters(), every),
        ("water", Filters(), [d for d in every if "water" in d.text]),
        ("friendship", Filters(language="vi"), [d for d in every if d.language == "vi"]),
        ("friendship", Filters(date_from=dt.date(2020, 3, 1), date_to=dt.date(2021, 6, 30)),
         [d for d in every if d.date and dt.date(2020, 3, 1) <= d.date <= dt.date(2021, 6, 30)]),
        ("friendship", Filters(include_duplicates=True), list(Document.objects.all())),
    ]
    for query, filters, docs_in in cases:
        want = expected(docs_in)
        got = []
        for page in range(0, len(want) + 10, 10):
            got += [h.document.pk for h in search(query, filters, sort="date", limit=10, offset=page).hits]
        assert got == want, (query, filters)
    assert search("friendship", sort="date", limit=1).hits[0].document.pk == moved.pk
    vi = [d for d in Document.objects.all() if d.language == "vi" and d.status != DocumentStatus.DUPLICATE]
    browsed = []
    for page in range(0, 40, 10):  # browsing with a filter walks the date index the same way
        browsed += [h.document.pk for h in search("", Filters(language="vi"), limit=10, offset=page).hits]
    assert browsed == expected(vi)


def test_facets_above_the_limit_are_sampled_and_scaled(corpus, monkeypatch):
    from amity.intake import search as search_mod

    exact = search("friendship")
    assert exact.facets_exact and {r["name"]: r["n"] for r in exact.facets["country"]} == {"JP": 2}
    assert search("").total == 4 and search("").total_exact and search("").facets_exact
    monkeypatch.setattr(search_mod, "COUNT_EXACT_LIMIT", 1)
    monkeypatch.setattr(search_mod, "RANK_WINDOW", 1)
    approx = search("friendship")
    assert not approx.facets_exact and not approx.total_exact
    assert all(r["n"] >= 1 for rows in approx.facets.values() for r in rows)
    browse = search("")  # no words: total and facets from the newest documents too
    assert not browse.facets_exact and not browse.total_exact and browse.total >= 2


def test_approximate_facets_are_marked_in_the_page(corpus, editor_client, monkeypatch):
    from django.urls import reverse

    from amity.intake import search as search_mod

    page = editor_client.get(reverse("intake:document_list") + "?q=friendship").content.decode()
    assert "facets-approximate" not in page
    monkeypatch.setattr(search_mod, "COUNT_EXACT_LIMIT", 1)
    monkeypatch.setattr(search_mod, "RANK_WINDOW", 1)
    page = editor_client.get(reverse("intake:document_list") + "?q=friendship").content.decode()
    assert "facets-approximate" in page


def test_facets_of_ids_equal_the_queryset_facets(corpus):
    from amity.intake.models import Source, SourceKind

    source = Source.objects.create(name="Feed", kind=SourceKind.FOLDER if hasattr(SourceKind, "FOLDER")
                                   else SourceKind.values[0])
    Document.objects.filter(pk__in=[corpus["scholar"].pk, corpus["xss"].pk]).update(source=source)
    backend = get_backend()
    every = list(Document.objects.values_list("pk", flat=True))
    for chosen in (every, every[:3], every[2:]):
        assert backend.facets_of(chosen) == backend.facets(Document.objects.filter(pk__in=chosen)), chosen
    assert all(rows == [] for rows in backend.facets_of([]).values())


def test_python_window_ranking_matches_bm25(corpus, monkeypatch):
    """SQLite scores a large rank window in Python (bm25's formula) instead of FTS5's bm25(): same order."""
    from amity.intake import search as search_mod

    for i in range(8):
        make_doc(f"Friendship note {i}", "friendship " * (i + 1) + "cooperation water " * (8 - i),
                 date=dt.date(2024, 2, i + 1))
    monkeypatch.setattr(search_mod, "COUNT_EXACT_LIMIT", 6)
    monkeypatch.setattr(search_mod, "RANK_WINDOW", 6)
    for query in ("friendship", "friendship water", '"cooperation water"', "friend*"):
        monkeypatch.setattr(search_mod, "BM25_BUDGET", 10**9)
        builtin = [h.document.pk for h in search(query, limit=6).hits]
        monkeypatch.setattr(search_mod, "BM25_BUDGET", 0)
        python = [h.document.pk for h in search(query, limit=6).hits]
        assert python == builtin, query


def test_date_filters_inside_the_index_follow_date_changes(corpus):
    """Date filters are applied with the index's date keys; a changed date re-indexes the document."""
    doc = corpus["scholar"]
    june = Filters(date_from=dt.date(2025, 6, 1), date_to=dt.date(2025, 6, 30))
    assert ids(search("friendship", june)) == {corpus["danang_en"].pk}
    doc.date = dt.date(2025, 6, 15)
    doc.save()
    assert ids(search("friendship", june)) == {corpus["danang_en"].pk, doc.pk}
    assert ids(search("friendship", Filters(date_from=dt.date(2030, 1, 1)))) == set()
    assert ids(search("friendship", Filters(date_from=dt.date(2025, 7, 1), date_to=dt.date(2025, 1, 1)))) == set()
    assert ids(search("friendship", Filters(date_to=dt.date(1990, 1, 1)))) == set()
    assert ids(search("friendship", Filters(country="JP", date_from=dt.date(2025, 6, 2)))) == {doc.pk}


def test_filtered_walk_by_id_ranges(db, monkeypatch):
    """With filters, the walk down the newest matches goes by id ranges, checking the filters narrowed to each
    range: the same newest matches, ranking and totals (exact up to the limit, estimated above it)."""
    from amity.intake import search as search_mod

    for i in range(90):
        make_doc(f"Note {i}", f"friendship {'water' if i % 2 else 'school'} {i}",
                 date=dt.date(2020, 1, 1) + dt.timedelta(days=i * 7),
                 mentions=[("country", "JP" if i % 3 == 0 else "FR", {})],
                 status=DocumentStatus.DUPLICATE if i == 87 else DocumentStatus.DONE)
    expected = [d.pk for d in Document.objects.order_by("-pk")
                if d.status != DocumentStatus.DUPLICATE and d.mentions.filter(name="JP").exists()]
    filters = Filters(country="JP")
    full = search("friendship", filters, limit=50)
    assert full.total == len(expected) == 29 and full.total_exact
    assert {h.document.pk for h in full.hits} == set(expected)
    monkeypatch.setattr(search_mod, "COUNT_EXACT_LIMIT", 4)
    monkeypatch.setattr(search_mod, "RANK_WINDOW", 4)
    small = search("friendship", filters, limit=4)
    assert {h.document.pk for h in small.hits} == set(expected[:4])
    assert not small.total_exact and small.total >= 5 and not small.facets_exact
    water = search("water", Filters(country="JP", date_from=dt.date(2020, 6, 1)), limit=4)
    want = [d.pk for d in Document.objects.order_by("-pk") if "water" in d.text and d.date >= dt.date(2020, 6, 1)
            and d.status != DocumentStatus.DUPLICATE and d.mentions.filter(name="JP").exists()]
    assert {h.document.pk for h in water.hits} == set(want[:4])
    by_date = search("water", Filters(country="JP"), sort="date", limit=3)
    assert [h.document.pk for h in by_date.hits] == [
        d.pk for d in Document.objects.order_by("-date", "-pk") if "water" in d.text
        and d.status != DocumentStatus.DUPLICATE and d.mentions.filter(name="JP").exists()][:3]


def test_filter_keys_follow_relinking(db, monkeypatch):
    """Country and event filters are checked on the index row's filter keys (PostgreSQL), which the link step
    rewrites with the mentions: a re-linked document moves between filters; organisation filters stay exact."""
    from amity.intake import pipeline
    from amity.partners.models import Organisation

    doc = make_doc("Friendship visit", "friendship visit in Hue", date=dt.date(2024, 5, 1),
                   mentions=[("country", "JP", {}), ("event", "visit", {})])
    other = make_doc("Friendship note", "friendship note", date=dt.date(2023, 5, 1))
    assert ids(search("friendship", Filters(country="JP"))) == {doc.pk}
    assert ids(search("friendship", Filters(country="JP", event="visit", date_from=dt.date(2024, 1, 1)))) == {doc.pk}
    assert ids(search("", Filters(country="JP"))) == {doc.pk}
    rows = [DocumentMention(document=doc, kind="country", name="FR")]
    linker = type("L", (), {"mentions": lambda self, d, rows_only=False: list(rows) if d.pk == doc.pk else []})()
    monkeypatch.setattr(pipeline.Linker, "current", classmethod(lambda cls: linker))
    pipeline.link_batch([doc, other])
    assert ids(search("friendship", Filters(country="JP"))) == set()
    assert ids(search("friendship", Filters(country="fr"))) == {doc.pk}
    assert ids(search("friendship", Filters(event="visit"))) == set()
    assert ids(search("", Filters(country="FR"), sort="date")) == {doc.pk}
    doc.date = dt.date(2025, 1, 1)
    doc.save()  # re-indexed (date changed): the filter keys stay
    assert ids(search("friendship", Filters(country="FR", date_from=dt.date(2024, 12, 1)))) == {doc.pk}
    org = Organisation.objects.create(key="jvfa", name_en="Japan Vietnam Friendship Association")
    DocumentMention.objects.create(document=other, kind="organisation", name="JVFA", organisation=org)
    assert ids(search("friendship", Filters(organisation=org.pk))) == {other.pk}


def test_filtered_walk_leaves_duplicates_to_the_filter_subquery(db, monkeypatch):
    """The filtered walk checks near-duplicates with the filters (document status), not inside the full-text
    index: left out by default, kept with ``include_duplicates``, in both the walk and its few-matches path."""
    from amity.intake import search as search_mod

    docs = [make_doc(f"Note {i}", f"friendship school {i}", date=dt.date(2021, 1, 1) + dt.timedelta(days=i),
                     mentions=[("country", "JP", {})],
                     status=DocumentStatus.DUPLICATE if i % 4 == 3 else DocumentStatus.DONE) for i in range(24)]
    kept = {d.pk for d in docs if d.status != DocumentStatus.DUPLICATE}
    filters = Filters(country="JP", date_from=dt.date(2021, 1, 2))
    dated = {d.pk for d in docs if d.date >= dt.date(2021, 1, 2)}
    with_dups = replace(filters, include_duplicates=True)
    for cap in (50, 3):  # 50: every match seen at once; 3: the walk by id ranges
        monkeypatch.setattr(search_mod, "COUNT_EXACT_LIMIT", cap)
        monkeypatch.setattr(search_mod, "RANK_WINDOW", cap)
        if cap == 3:  # the rank window: the 3 newest filtered matches
            assert ids(search("friendship", filters, limit=3)) == set(sorted(kept & dated, reverse=True)[:3])
            assert ids(search("friendship", with_dups, limit=3)) == set(sorted(dated, reverse=True)[:3])
        assert ids(search("friendship", filters, limit=50)) == kept & dated
        assert ids(search("friendship", with_dups, limit=50)) == dated
    monkeypatch.setattr(search_mod, "COUNT_EXACT_LIMIT", 50)
    assert search("friendship", filters).total == len(kept & dated)


def test_range_filter_is_built_once_and_narrowed_per_range(db):
    """The filters' id subquery of a walk is built once per search; each range gets its own bounds, the filter's
    own values (a source id, dates) untouched."""
    backend = get_backend()
    spec = (None, [], False, None, Filters(country="JP", source=7, date_from=dt.date(2020, 1, 1)))
    first_sql, first_params = backend.range_filter(spec, 100, 200)
    second_sql, second_params = backend.range_filter(spec, 5, 99)
    assert first_sql == second_sql and len(backend._range_sql) == 1
    assert first_params.count(100) == first_params.count(200) == 2  # documents and mentions
    assert second_params.count(5) == second_params.count(99) == 2 and 7 in second_params
    assert not [p for p in second_params if isinstance(p, int) and p < 0]  # no placeholder left
    assert backend.range_filter((None, [], False, None, None), 1, 2) == (None, [])


def test_filters_on_many_ids_pass_them_as_one_parameter(corpus):
    """``filter_ids`` and the few-matches path pass the ids as one parameter (JSON / array): same documents."""
    backend = get_backend()
    every = list(Document.objects.values_list("pk", flat=True)) + list(range(10**6, 10**6 + 2000))
    assert set(backend.filter_ids(Filters(country="JP"), every)) == {corpus["danang_en"].pk, corpus["scholar"].pk}
    spec = (None, [], False, None, Filters(language="vi"))
    assert backend.keep_filtered(spec, every) == [corpus["danang_vi"].pk]
    assert backend.filter_ids(Filters(country="JP"), []) == []


def test_id_and_date_spans_are_read_once_per_search(corpus, django_assert_max_num_queries):
    backend = get_backend()
    assert backend.id_span() == (min(d.pk for d in corpus.values()), max(d.pk for d in corpus.values()))
    assert backend.date_span() == (dt.date(2024, 1, 10), dt.date(2025, 6, 1))
    with django_assert_max_num_queries(0):
        backend.id_span()
        backend.date_span()
    newer = make_doc("Later note", "friendship", date=dt.date(2026, 1, 1))
    result = backend.search("friendship", Filters(date_from=dt.date(2025, 12, 1)))  # a new search reads them again
    assert ids(result) == {newer.pk}


def test_document_filter_index_on_sqlite_only():
    """Migration 0007: SQLite gets the covering index on the filtered document columns; PostgreSQL nothing."""
    with connection.cursor() as cur:
        names = {index for index in connection.introspection.get_constraints(cur, "intake_document")}
    assert ("intake_document_filter_cols" in names) == (connection.vendor == "sqlite")


@pytest.mark.parametrize(("size", "matches", "narrow"), [
    (1_000, 0, True),          # an eighth of the ids or less: always
    (16_000, 75_000, True),    # a sixth, a common word
    (16_000, 5_000, False),    # a sixth, a rare word
    (32_000, 75_000, True),    # a third, a common word
    (50_000, 100_000, False),  # half: never
    (200_000, 10**6, False),   # more than 64 buckets
])
def test_postgres_narrows_wide_ranges_for_common_words(size, matches, narrow):
    from amity.intake.search import ID_BUCKET, PostgresBackend

    span = 100_000 if size < 100_000 else 10**7
    assert PostgresBackend.narrow(size, span, matches, size // ID_BUCKET + 1) is narrow


def test_filtered_walk_over_wide_ranges(db, monkeypatch):
    """A filtered walk whose ranges are a third of the ids or less (PostgreSQL: the words' matches are estimated
    from the newest ids to choose whether to narrow them by id buckets): the same newest filtered matches."""
    from amity.intake import search as search_mod

    docs = [make_doc(f"Note {i}", f"friendship {'water' if i % 5 else 'school'} {i}", date=dt.date(2022, 1, 1),
                     mentions=[("country", "JP" if i % 7 == 0 else "FR", {})]) for i in range(130)]
    monkeypatch.setattr(search_mod, "COUNT_EXACT_LIMIT", 1)
    monkeypatch.setattr(search_mod, "RANK_WINDOW", 1)
    estimate, calls = search_mod.PostgresBackend.words_estimate, []
    monkeypatch.setattr(search_mod.PostgresBackend, "words_estimate",
                        staticmethod(lambda *args: calls.append(args) or estimate(*args)))
    for query, wanted in (("friendship", lambda d: True), ("water", lambda d: "water" in d.text)):
        expected = [d.pk for d in reversed(docs) if wanted(d) and d.mentions.filter(name="JP").exists()]
        result = search(query, Filters(country="JP", date_from=dt.date(2021, 1, 1)), limit=1)
        assert [h.document.pk for h in result.hits] == expected[:1], query
        assert result.total >= 2 and not result.total_exact
    assert bool(calls) == (connection.vendor == "postgresql")  # ranges of 32 ids among 130
    if connection.vendor == "postgresql":
        low, high = docs[0].pk, docs[-1].pk
        assert estimate("friendship", low, high, 40) == 130
        assert estimate("school", low, high, 40) == 8 * 130 // 40  # 8 of the newest 40


def test_filter_keys_are_in_the_full_text_index_too(db):
    """PostgreSQL: a document's filter keys are in ``tsv`` as well as ``fkeys`` (a filtered query requires them
    inside the GIN index), replaced there when linking changes them; migration 0008 adds them to existing rows."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL index rows")
    import importlib

    doc = make_doc("Friendship visit", "friendship visit", mentions=[("country", "JP", {}), ("event", "visit", {})])
    event_key = get_backend().filter_keys(Filters(event="visit"))[0]

    def keys():
        with connection.cursor() as cur:
            cur.execute("SELECT tsvector_to_array(tsv), tsvector_to_array(fkeys) FROM intake_document_fts "
                        "WHERE document_id = %s", [doc.pk])
            words, fkeys = cur.fetchone()
        return {w for w in words if w.startswith(("zc", "ze"))}, set(fkeys)

    assert keys() == ({"zcjp", event_key}, {"zcjp", event_key})
    DocumentMention.objects.filter(document=doc, kind="country").update(name="FR")
    refresh_filter_keys([doc.pk])
    assert keys() == ({"zcfr", event_key}, {"zcfr", event_key})
    assert ids(search("visit", Filters(country="FR"))) == {doc.pk} and not search("visit", Filters(country="JP")).hits
    with connection.cursor() as cur:  # a row written before 0008: keys in ``fkeys`` only
        cur.execute("UPDATE intake_document_fts SET tsv = ts_delete(tsv, tsvector_to_array(fkeys))")
    assert keys() == (set(), {"zcfr", event_key})
    migration = importlib.import_module("amity.intake.migrations.0008_fts_filter_keys_in_tsv")
    with connection.schema_editor() as editor:
        migration.forwards(None, editor)
    assert keys() == ({"zcfr", event_key}, {"zcfr", event_key})


@pytest.mark.parametrize("cap", [50, 2])
def test_walk_scores_rank_as_a_ranking_query(corpus, monkeypatch, cap):
    """PostgreSQL scores the rows of the walk in its own queries (``_scores``): the same hits, order and scores as
    ranking the window in a query of its own (both back ends: SQLite never scores in the walk)."""
    from amity.intake import search as search_mod

    monkeypatch.setattr(search_mod, "COUNT_EXACT_LIMIT", cap)
    monkeypatch.setattr(search_mod, "RANK_WINDOW", cap)
    queries = ["friendship", '"da nang"', "youth exchange", "scholar*"]
    scored = [[(h.document.pk, h.score) for h in search(q, limit=2).hits] for q in queries]
    walk = type(get_backend()).newest

    def unscored(self, *args, **kwargs):
        self._scores = None
        return walk(self, *args, **kwargs)

    monkeypatch.setattr(type(get_backend()), "newest", unscored)
    assert [[(h.document.pk, h.score) for h in search(q, limit=2).hits] for q in queries] == scored
    assert all(scored)


def test_index_body_made_by_the_pipeline_is_used_only_for_its_own_text():
    from types import SimpleNamespace

    from amity.intake.search import _body, index_body, index_text, tokens

    text = "Hội hữu nghị Việt Nam – Nhật Bản"
    doc = SimpleNamespace(text=text, index_body=index_body(text, tokens(text)))
    assert _body(doc) == index_text(text) == "hoi huu nghi viet nam nhat ban"
    doc.text = "Edited afterwards"  # a stale index_body is not used
    assert _body(doc) == "edited afterwards"


@given(st.lists(st.sampled_from(["w", "wa", "aw", "a", "b", "w w"]), max_size=30),
       st.sampled_from([(("w",), False), (("w",), True), (("a", "w"), False), (("w", "w"), False)]))
def test_term_counts_are_the_rank_windows_pattern_counts(words, spec):
    """``_term_counter`` (str.count where it gives the same number) against the pattern it stands for."""
    import re

    from amity.intake.search import Term, _term_counter

    tokens, prefix = spec
    term = Term(tokens, prefix)
    pattern = re.compile(" " + re.escape(" ".join(tokens)) + ("" if prefix else "(?= )"))
    text = " " + " ".join(words) + " "
    assert _term_counter(term, pattern)(text) == len(pattern.findall(text))
