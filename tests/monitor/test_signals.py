import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse

from amity.intake.models import DocumentMention
from amity.monitor.models import Signal
from amity.monitor.signals import compute_signals, evaluate, signals_for_document
from amity.partners.models import Country, Organisation

DAY = dt.date(2025, 6, 30)


@pytest.fixture
def corpus(db, make_doc):
    """Japan: 1 document a day for 40 days, then 9 on DAY. Laos: 2-3 a day, 4 on DAY. Korea first seen on DAY."""
    jp = Country.objects.create(iso2="JP", iso3="JPN", name_en="Japan")
    la = Country.objects.create(iso2="LA", iso3="LAO", name_en="Laos")
    kr = Country.objects.create(iso2="KR", iso3="KOR", name_en="Korea")
    old = make_doc("Old news.", date=DAY - dt.timedelta(days=90))
    DocumentMention.objects.create(document=old, country=la, name="Laos", kind="country")

    def docs(country, day, n):
        out = []
        for i in range(n):
            d = make_doc(f"{country} {day} {i}", date=day)
            DocumentMention.objects.create(document=d, country=country, name=country.name_en, kind="country", count=5)
            out.append(d)
        return out

    for back in range(1, 41):
        day = DAY - dt.timedelta(days=back)
        docs(jp, day, 1)
        docs(la, day, 2 + back % 2)
    spike = docs(jp, DAY, 9)
    docs(la, DAY, 4)
    first = docs(kr, DAY, 1)
    # A republished copy of a Japan story does not count.
    copy = make_doc("copy", date=DAY, duplicate_of=spike[0])
    DocumentMention.objects.create(document=copy, country=jp, name="Japan", kind="country")
    return jp, la, kr, spike, first


def test_spikes_and_first_mentions(corpus, editor):
    from amity.core.models import Notification
    from amity.monitor.models import Watchlist

    jp, la, kr, spike, first = corpus
    Watchlist.objects.create(user=editor, name="Japan").countries.add(jp)
    results = {r.partner_id: r for r in evaluate(DAY)}
    assert set(results) == {jp.pk, kr.pk}  # Laos at 4 against 2.5 +- 0.5 (sd floor 1) is no spike
    assert results[jp.pk].kind == "spike" and results[jp.pk].count == 9 and results[jp.pk].z == pytest.approx(8.0)
    assert sorted(results[jp.pk].documents) == sorted(d.pk for d in spike)
    assert results[kr.pk].kind == "first" and results[kr.pk].count == 1

    stored = compute_signals(DAY)
    assert len(stored) == 2
    signal = Signal.objects.get(partner_id=jp.pk, partner_type__model="country")
    assert signal.label == "Japan" and signal.baseline_mean == 1.0 and signal.documents.count() == 9
    assert Notification.objects.get(user=editor, kind="signal").text.startswith("Signal: Japan")
    compute_signals(DAY)  # idempotent
    assert Signal.objects.count() == 2 and Notification.objects.count() == 1
    assert evaluate(DAY, min_count=10) and all(r.kind == "first" for r in evaluate(DAY, min_count=10))


def test_hook_command_and_pages(corpus, editor_client, make_doc):
    jp, la, kr, spike, first = corpus
    assert {s.partner_id for s in signals_for_document(spike[0])} == {jp.pk}
    call_command("compute_signals", "--date", DAY.isoformat(), "--days", "3")
    assert Signal.objects.count() == 2
    html = editor_client.get(reverse("monitor:signal_list")).content.decode()
    assert "Japan" in html and "Korea" in html and "First-ever mention" in html
    html = editor_client.get(reverse("monitor:signal_list"), {"kind": "spike", "since": "2025-01-01"}).content.decode()
    assert "Japan" in html and "Korea" not in html
    assert editor_client.get(reverse("monitor:signal_list"), {"since": "yesterday"}).status_code == 200
    # The home page widget shows recent signals only.
    Signal.objects.update(date=dt.date.today())
    home = editor_client.get(reverse("home")).content.decode()
    assert "Early signals" in home and "Japan" in home and "Suggestions to review" in home


def test_merged_partner_keeps_its_signals(corpus, editor, vufo):
    from amity.suggestions.merge import merge_records

    a = Organisation.objects.create(name_en="A", owner=vufo)
    b = Organisation.objects.create(name_en="B", owner=vufo)
    d = corpus[3][0]
    DocumentMention.objects.create(document=d, organisation=b, name="B", kind="organisation")
    compute_signals(DAY)
    assert Signal.objects.filter(partner_type__model="organisation", partner_id=b.pk).exists()
    merge_records(a, [b], editor)
    assert Signal.objects.filter(partner_type__model="organisation", partner_id=a.pk).exists()


def test_first_mentions_wait_for_history(db, make_doc):
    vn = Country.objects.create(iso2="VN", iso3="VNM", name_en="Viet Nam")
    d = make_doc("x", date=DAY)
    DocumentMention.objects.create(document=d, country=vn, name="Viet Nam", kind="country")
    assert evaluate(DAY) == []  # a brand-new corpus: everything would be "first", so nothing is


def test_partner_page_panels(corpus, editor_client, vufo):
    jp = corpus[0]
    compute_signals(DAY)
    html = editor_client.get(jp.get_absolute_url()).content.decode()
    assert "Early signals" in html and "Spike in mentions" in html
    org = Organisation.objects.create(name_en="Japan Foundation", owner=vufo)
    html = editor_client.get(org.get_absolute_url()).content.decode()
    assert "Merge duplicates of this record" in html


def test_batch_evaluation_equals_day_by_day(corpus):
    """The pipeline's batch form evaluates several days at once: the same results as one day at a time."""
    from amity.monitor.signals import evaluate_many

    jp, la, kr, spike, first = corpus
    days = {DAY: {"country": {jp.pk, la.pk, kr.pk}, "organisation": set(), "person": set()},
            DAY - dt.timedelta(days=1): {"country": {jp.pk, la.pk}, "organisation": set(), "person": set()},
            DAY - dt.timedelta(days=39): {"country": {la.pk}, "organisation": set(), "person": set()}}
    many = evaluate_many(days)
    for day, partners in days.items():
        assert sorted(vars(r).items() for r in many[day]) == sorted(vars(r).items() for r in evaluate(day, partners))
    assert {r.partner_id for r in many[DAY]} == {jp.pk, kr.pk}
    assert evaluate_many(days, min_count=10)[DAY] and all(r.kind == "first"
                                                          for r in evaluate_many(days, min_count=10)[DAY])


def test_batch_hook_stores_the_same_signals(corpus, make_doc):
    from amity.monitor.signals import signals_for_documents

    jp, la, kr, spike, first = corpus
    stored = signals_for_documents([spike[0], first[0], spike[1]])
    assert {(s.partner_id, s.kind) for s in stored} == {(jp.pk, "spike"), (kr.pk, "first")}
    assert Signal.objects.get(partner_id=jp.pk).documents.count() == 9
    signals_for_documents([spike[0], first[0]])  # again: updated, not duplicated
    assert Signal.objects.count() == 2
    before = Signal.objects.get(partner_id=jp.pk)
    late = make_doc("Japan, one more report", date=DAY)
    DocumentMention.objects.create(document=late, country=jp, name="Japan", kind="country")
    signals_for_documents([late])  # a later batch of the same day: the stored signal grows in place
    after = Signal.objects.get(partner_id=jp.pk)
    assert after.pk == before.pk and after.count == 10 and after.z > before.z
    assert set(after.documents.values_list("pk", flat=True)) == {d.pk for d in spike} | {late.pk}


def test_undated_documents_count_on_their_ingestion_day(corpus, make_doc):
    """A document without a date counts on the local day it was ingested (created_at), in every path."""
    from zoneinfo import ZoneInfo

    from amity.intake.models import Document
    from amity.monitor.signals import document_day, evaluate_many, signals_for_documents

    jp, la, kr, spike, first = corpus
    hcm = ZoneInfo("Asia/Ho_Chi_Minh")
    late = dt.datetime.combine(DAY, dt.time(23, 30), tzinfo=hcm)  # 16:30 UTC: still DAY locally
    next_day = dt.datetime.combine(DAY + dt.timedelta(days=1), dt.time(0, 30), tzinfo=hcm)  # 17:30 UTC on DAY
    undated = []
    for i, created in enumerate([late, late, next_day]):
        d = make_doc(f"undated {i}", date=None)
        Document.objects.filter(pk=d.pk).update(date=None, created_at=created)
        d.refresh_from_db()
        DocumentMention.objects.create(document=d, country=la, name="Laos", kind="country")
        undated.append(d)
    assert [document_day(d) for d in undated] == [DAY, DAY, DAY + dt.timedelta(days=1)]
    by_partner = {r.partner_id: r for r in evaluate(DAY)}
    assert by_partner[la.pk].count == 6 and by_partner[la.pk].kind == "spike"  # 4 dated + 2 undated
    assert set(by_partner[la.pk].documents) >= {undated[0].pk, undated[1].pk}
    assert undated[2].pk not in by_partner[la.pk].documents
    days = {DAY: {"country": {jp.pk, la.pk}, "organisation": set(), "person": set()},
            DAY + dt.timedelta(days=1): {"country": {la.pk}, "organisation": set(), "person": set()}}
    many = evaluate_many(days)
    for day, partners in days.items():
        assert sorted(vars(r).items() for r in many[day]) == sorted(vars(r).items() for r in evaluate(day, partners))
    stored = signals_for_document(undated[0])
    assert {(s.partner_id, s.date) for s in stored} == {(la.pk, DAY)}
    assert set(Signal.objects.get(partner_id=la.pk).documents.values_list("id", flat=True)) >= {undated[1].pk}
    Signal.objects.all().delete()
    stored = signals_for_documents([undated[0], spike[0]])
    assert {(s.partner_id, s.date) for s in stored} == {(la.pk, DAY), (jp.pk, DAY)}
    # A partner first seen in an undated document: first mention on its ingestion day.
    cu = Country.objects.create(iso2="CU", iso3="CUB", name_en="Cuba")
    d = make_doc("undated Cuba", date=None)
    Document.objects.filter(pk=d.pk).update(date=None, created_at=late)
    DocumentMention.objects.create(document=d, country=cu, name="Cuba", kind="country")
    assert {(r.partner_id, r.kind) for r in evaluate(DAY, {"country": {cu.pk}})} == {(cu.pk, "first")}
    assert evaluate(DAY - dt.timedelta(days=1), {"country": {cu.pk}}) == []


def test_hooks_evaluate_recent_days_only(corpus, settings):
    """An archive import raises no signals about past years: the hooks evaluate days within
    AMITY_SIGNAL_RECENT_DAYS of today; compute_signals still evaluates any day asked for."""
    from amity.monitor.signals import recent_enough, signals_for_documents

    jp, la, kr, spike, first = corpus
    settings.AMITY_SIGNAL_RECENT_DAYS = 30
    assert signals_for_document(spike[0]) == [] and signals_for_documents([spike[0], first[0]]) == []
    assert not Signal.objects.exists()
    today = dt.date.today()
    assert recent_enough(today) and recent_enough(today - dt.timedelta(days=29))
    assert not recent_enough(today - dt.timedelta(days=400)) and not recent_enough(None)
    assert {(s.partner_id, s.kind) for s in compute_signals(DAY)} >= {(jp.pk, "spike"), (kr.pk, "first")}
    settings.AMITY_SIGNAL_RECENT_DAYS = 0  # 0: no limit
    assert signals_for_document(spike[0])
