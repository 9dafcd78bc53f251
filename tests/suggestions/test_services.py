import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from amity.core.models import Citation
from amity.partners.models import Country, Organisation, Person, Post
from amity.suggestions import services
from amity.suggestions.models import Kind, RejectedFingerprint, Status, Suggestion

from .conftest import VISIT_TEXT, span, visit_extraction


@pytest.fixture
def countries(db):
    jp = Country.objects.create(iso2="JP", iso3="JPN", name_en="Japan", name_vi="Nhật Bản")
    vn = Country.objects.create(iso2="VN", iso3="VNM", name_en="Viet Nam", name_vi="Việt Nam")
    return jp, vn


def kinds(qs=None):
    return sorted((qs or Suggestion.objects.all()).values_list("kind", flat=True))


def test_one_suggestion_per_fact_with_highlighted_sentence(make_doc, countries, vufo):
    doc = make_doc(VISIT_TEXT, visit_extraction())
    services.suggest_from_document(doc)
    # VUFO is not in the extraction; the Japanese association, its president, his post and the visit are new.
    assert kinds() == ["activity", "organisation", "person", "post"]
    org = Suggestion.objects.get(kind=Kind.ORGANISATION)
    ev = org.evidence.get()
    before, mark, after = ev.parts()
    assert mark == "Japan-Viet Nam Friendship Association"
    assert before.startswith("A delegation of the") and after.startswith(" led by")
    assert org.payload["home_country"] == "JP" and org.countries.get().iso2 == "JP"
    visit = Suggestion.objects.get(kind=Kind.ACTIVITY)
    assert visit.date == dt.date(2025, 3, 10) and visit.payload["type"] == "visit"
    assert set(visit.countries.values_list("iso2", flat=True)) == {"JP", "VN"}


def test_thirty_reports_of_one_visit_are_one_suggestion_with_thirty_sources(make_doc, countries):
    for i in range(30):
        text = VISIT_TEXT.replace("young people", f"young people ({i})")
        # Outlets date the visit differently (report day, day after) and some name only the person.
        date = "2025-03-10" if i % 3 else "2025-03-11"
        ex = visit_extraction(text, date=date)
        if i % 2:
            ex["events"][0]["organizations"] = []
        make_doc(text, ex, title=f"Outlet {i}")
    from amity.intake.models import Document

    for doc in Document.objects.order_by("id"):
        services.suggest_from_document(doc)
    visits = Suggestion.objects.filter(kind=Kind.ACTIVITY)
    assert visits.count() == 1
    assert visits.get().source_count == 30
    assert Suggestion.objects.get(kind=Kind.ORGANISATION).source_count == 30
    # Re-running the hook (the pipeline may) adds nothing.
    services.suggest_from_document(Document.objects.first())
    assert Suggestion.objects.count() == 4 and visits.get().evidence.count() == 30


def test_later_reports_add_their_participants_to_the_stored_event(make_doc, countries):
    """A report naming only the person, then (later batches) reports naming the association too: one event whose
    participants grow; the grown payload is written with the batch."""
    from amity.intake.models import Document

    for i in range(3):
        text = VISIT_TEXT.replace("young people", f"young people ({i})")
        ex = visit_extraction(text)
        if i == 0:
            ex["events"][0]["organizations"] = []
        if i == 2:
            ex["events"][0]["persons"].append("Nguyen Phuong Nga")
        make_doc(text, ex, title=f"Outlet {i}")
    first, *later = Document.objects.order_by("id")
    services.suggest_from_document(first)
    visit = Suggestion.objects.get(kind=Kind.ACTIVITY)
    assert visit.payload["organisations"] == []
    services.suggest_from_documents(later)
    visit.refresh_from_db()
    assert visit.payload["organisations"] == ["Japan-Viet Nam Friendship Association"]
    assert visit.payload["persons"] == ["Takebe Tsutomu", "Nguyen Phuong Nga"]
    assert visit.source_count == 3 and Suggestion.objects.filter(kind=Kind.ACTIVITY).count() == 1


def test_different_events_stay_apart(make_doc, countries):
    make_doc(VISIT_TEXT, visit_extraction(date="2025-03-10"))
    make_doc(VISIT_TEXT + " x", visit_extraction(VISIT_TEXT + " x", date="2025-05-20"))  # weeks later
    korea = VISIT_TEXT.replace("Japan", "Korea").replace("Takebe Tsutomu", "Kim Min")
    other = visit_extraction(korea, date="2025-03-10", org="Korea-Viet Nam Friendship Association",
                             person="Kim Min")
    other["events"][0]["countries"] = ["KR", "VN"]
    make_doc(korea, other)  # same day, no shared participant (VN is everyone's)
    from amity.intake.models import Document

    for doc in Document.objects.all():
        services.suggest_from_document(doc)
    assert Suggestion.objects.filter(kind=Kind.ACTIVITY).count() == 3


def test_known_records_are_not_suggested_and_near_names_propose_a_match(make_doc, countries, vufo):
    Organisation.objects.create(name_en="Japan-Viet Nam Friendship Association", kind="friendship_association")
    takebe = Person.objects.create(full_name="Takebe Tsutomu")
    Post.objects.create(person=takebe, title="President", date_from=dt.date(2020, 1, 1))
    services.suggest_from_document(make_doc(VISIT_TEXT, visit_extraction()))
    assert kinds() == ["activity"]

    text = "Mr Takebe Tsutomo met the Japan Viet Nam Friendship Asociation."
    ex = {"organizations": [{"name": "Japan Viet Nam Friendship Asociation", "evidence": span(text, "Japan")}],
          "persons": [{"name": "Takebe Tsutomo", "evidence": span(text, "Takebe Tsutomo")}]}
    services.suggest_from_document(make_doc(text, ex))
    org = Suggestion.objects.get(kind=Kind.ORGANISATION)
    assert org.best_match.name_en == "Japan-Viet Nam Friendship Association" and org.match_score >= 85
    person = Suggestion.objects.get(kind=Kind.PERSON)
    assert person.best_match == takebe and 85 <= person.match_score < 100


def test_accept_creates_records_that_cite_their_documents(make_doc, countries, editor, vufo):
    doc = make_doc(VISIT_TEXT, visit_extraction(), url="https://vufo.example/visit", title="Japanese visit")
    services.suggest_from_document(doc)
    org_s = Suggestion.objects.get(kind=Kind.ORGANISATION)
    org = services.accept(org_s, editor)
    assert isinstance(org, Organisation) and org.owner == vufo and org.home_country.iso2 == "JP"
    cit = Citation.objects.get(object_id=org.pk, content_type__model="organisation")
    assert cit.source.url == "https://vufo.example/visit" and "delegation" in cit.source.quote
    org_s.refresh_from_db()
    assert org_s.status == Status.ACCEPTED and org_s.created_record == org and org_s.reviewed_by == editor

    person = services.accept(Suggestion.objects.get(kind=Kind.PERSON), editor)
    post = services.accept(Suggestion.objects.get(kind=Kind.POST), editor)
    assert post.person == person and post.organisation == org and post.title == "President"
    activity = services.accept(Suggestion.objects.get(kind=Kind.ACTIVITY), editor)
    assert activity.type == "visit_in" and activity.start == dt.date(2025, 3, 10)
    assert list(activity.organisations.all()) == [org] and list(activity.persons.all()) == [person]
    assert {c.iso2 for c in activity.countries.all()} == {"JP", "VN"}
    assert activity.citations.get().source.title == "Japanese visit"
    # A later report of the accepted visit is cited on the activity too.
    later = make_doc(VISIT_TEXT + " z", visit_extraction(VISIT_TEXT + " z"), title="Second outlet")
    services.suggest_from_document(later)
    assert activity.citations.count() == 2
    with pytest.raises(services.ReviewError):
        services.accept(Suggestion.objects.get(kind=Kind.ACTIVITY), editor)


def test_edit_then_accept_and_validation(make_doc, countries, editor):
    services.suggest_from_document(make_doc(VISIT_TEXT, visit_extraction()))
    s = Suggestion.objects.get(kind=Kind.ORGANISATION)
    org = services.accept(s, editor, payload={"name_en": "Japan–Vietnam Friendship Association", "acronym": "JVFA"})
    assert org.acronym == "JVFA" and org.name_en == "Japan–Vietnam Friendship Association"
    bad = Suggestion.objects.get(kind=Kind.PERSON)
    with pytest.raises(services.ReviewError):
        services.accept(bad, editor, payload={"full_name": "<script>x</script>"})
    bad.refresh_from_db()
    assert bad.status == Status.PENDING and not Person.objects.exists()


def test_merge_into_existing_record_keeps_the_name_as_alias(make_doc, countries, editor, vufo):
    existing = Organisation.objects.create(name_en="Japan-Vietnam Friendship Assn", owner=vufo)
    services.suggest_from_document(make_doc(VISIT_TEXT, visit_extraction()))
    s = Suggestion.objects.get(kind=Kind.ORGANISATION)
    services.merge_into(s, existing, editor)
    existing.refresh_from_db()
    assert "Japan-Viet Nam Friendship Association" in existing.aliases
    assert existing.citations.count() == 1
    s.refresh_from_db()
    assert s.status == Status.MERGED and s.created_record == existing
    with pytest.raises(services.ReviewError):
        services.merge_into(Suggestion.objects.get(kind=Kind.PERSON), existing, editor)  # wrong kind


def test_rejections_are_remembered(make_doc, countries, editor):
    services.suggest_from_document(make_doc(VISIT_TEXT, visit_extraction()))
    s = Suggestion.objects.get(kind=Kind.PERSON)
    services.reject(s, editor, comment="not a person")
    assert RejectedFingerprint.objects.filter(fingerprint=s.fingerprint).exists()
    s.delete()  # even if the suggestion row is gone, the fingerprint keeps it from coming back
    services.suggest_from_document(make_doc(VISIT_TEXT + " again", visit_extraction(VISIT_TEXT + " again")))
    assert not Suggestion.objects.filter(kind=Kind.PERSON).exists()


def test_bulk_and_permissions(make_doc, countries, editor, analyst):
    services.suggest_from_document(make_doc(VISIT_TEXT, visit_extraction()))
    ids = list(Suggestion.objects.filter(kind__in=[Kind.ORGANISATION, Kind.PERSON]).values_list("id", flat=True))
    with pytest.raises(PermissionDenied):
        services.bulk(ids, "accept", analyst)
    with pytest.raises(PermissionDenied):
        services.accept(Suggestion.objects.first(), analyst)
    done, errors = services.bulk(ids, "accept", editor)
    assert (done, errors) == (2, [])
    done, errors = services.bulk(Suggestion.objects.filter(status="pending").values_list("id", flat=True),
                                 "reject", editor)
    assert done == 2 and RejectedFingerprint.objects.count() == 2


def test_partnership_aid_and_figures(make_doc, countries, admin_user):
    text = ("Viet Nam and Japan elevated their relations to a Comprehensive Strategic Partnership on 27 November "
            "2023. The Japanese side donated USD 50,000 for flood relief in Yen Bai. "
            "Japan has 12,000 Vietnamese students.")
    s1, s2, _s3 = text.split(". ")
    ex = {
        "countries": ["VN", "JP"],
        "events": [
            {"type": "partnership_upgrade", "date": "2023-11-27", "countries": ["VN", "JP"], "summary": s1,
             "evidence": span(text, s1)},
            {"type": "aid_commitment", "date": None, "countries": ["JP"], "organizations": [], "persons": [],
             "summary": s2, "evidence": span(text, s2)},
        ],
        "money": [{"amount": 50000, "currency": "USD", "about": "flood relief", "evidence": span(text, "USD 50,000")}],
        "figures": [{"value": 12000, "unit": "students", "about": "Vietnamese students in Japan",
                     "evidence": span(text, "12,000")}],
    }
    services.suggest_from_document(make_doc(text, ex, date=dt.date(2023, 11, 28)))
    assert kinds() == ["aid_commitment", "figure", "partnership_change"]  # money was used by the aid event
    p = Suggestion.objects.get(kind=Kind.PARTNERSHIP_CHANGE)
    assert p.payload == {"country": "JP", "level": "comprehensive_strategic", "date_from": "2023-11-27"}
    partnership = services.accept(p, admin_user)
    assert partnership.country.iso2 == "JP" and partnership.level == "comprehensive_strategic"
    aid = services.accept(Suggestion.objects.get(kind=Kind.AID_COMMITMENT), admin_user)
    assert aid.type == "aid_commitment" and aid.money_amount == 50000 and aid.money_currency == "USD"
    assert aid.start == dt.date(2023, 11, 28)  # no date in the sentence: the report's date
    note = services.accept(Suggestion.objects.get(kind=Kind.FIGURE), admin_user)
    assert note.target.iso2 == "JP" and "12000 students" in note.text


@pytest.mark.parametrize("extraction", [
    {"organizations": "nonsense"}, {"events": [None, 3, {"type": None}]}, {"persons": [{"name": "<b>x</b>"}]},
    {"organizations": [{"name": "Some Association", "evidence": {"start": 10**9, "end": -4}}]},
    {"events": [{"type": "visit", "date": "2025-02-31", "countries": ["JP"], "evidence": "x"}]},
    {"money": [{"amount": "lots", "currency": None}], "figures": [{"value": None}]},
])
def test_bad_extractions_never_crash(make_doc, countries, extraction):
    services.suggest_from_document(make_doc("Some text.", extraction))
    for s in Suggestion.objects.all():
        assert s.label


def test_near_duplicate_copies_count_as_sources_and_are_cited(make_doc, countries, editor):
    original = make_doc(VISIT_TEXT, visit_extraction())
    for i in range(3):
        make_doc(VISIT_TEXT, {}, duplicate_of=original, title=f"Copy {i}")
    services.suggest_from_document(original)
    s = Suggestion.objects.get(kind=Kind.ORGANISATION)
    assert s.source_count == 4
    org = services.accept(s, editor)
    assert org.citations.count() == 4


def test_whole_sentence_evidence_is_narrowed_to_the_name(make_doc, countries):
    text = "Chiều 17-1, Tổng Lãnh sự quán Lào tại Đà Nẵng đã tiếp ông Trần Văn Miên."
    whole = {"start": 0, "end": len(text)}
    ex = {"organizations": [{"name": "Tổng Lãnh sự quán Lào", "canonical": "Consulate General of Laos",
                             "evidence": whole}],
          "persons": [{"name": "Tran Van Mien", "evidence": whole}]}
    services.suggest_from_document(make_doc(text, ex, language="vi"))
    assert Suggestion.objects.get(kind=Kind.ORGANISATION).evidence.get().parts()[1] == "Tổng Lãnh sự quán Lào"
    assert Suggestion.objects.get(kind=Kind.PERSON).evidence.get().parts()[1] == "Trần Văn Miên"


def test_report_of_a_registered_activity_proposes_it(make_doc, countries, editor):
    from amity.activities.services import create_activity

    existing = create_activity(user=editor, type="visit_in", title="JVFA delegation", start=dt.date(2025, 3, 9),
                               countries=[countries[0]])
    services.suggest_from_document(make_doc(VISIT_TEXT, visit_extraction()))
    visit = Suggestion.objects.get(kind=Kind.ACTIVITY)
    assert visit.best_match == existing
    services.merge_into(visit, existing, editor)
    assert existing.citations.count() == 1


def test_rejected_event_stays_rejected_when_reported_a_day_off_and_orphans_go(make_doc, countries, editor):
    doc = make_doc(VISIT_TEXT, visit_extraction())
    services.suggest_from_document(doc)
    services.reject(Suggestion.objects.get(kind=Kind.ACTIVITY), editor)
    later = VISIT_TEXT + " Later report."
    services.suggest_from_document(make_doc(later, visit_extraction(later, date="2025-03-11")))
    assert Suggestion.objects.filter(kind=Kind.ACTIVITY).count() == 1
    assert Suggestion.objects.get(kind=Kind.ACTIVITY).status == Status.REJECTED
    # Deleting every document behind a pending suggestion removes it; reviewed ones stay.
    from amity.intake.models import Document

    Document.objects.all().delete()
    assert list(Suggestion.objects.values_list("status", flat=True)) == ["rejected"]


def test_accepted_figure_is_a_note_on_the_country(make_doc, countries, admin_client_):
    from django.urls import reverse

    text = "Japan has 12,000 Vietnamese students."
    ex = {"countries": ["JP"], "figures": [{"value": 12000, "unit": "students", "about": "Vietnamese students",
                                            "evidence": span(text, "12,000")}]}
    services.suggest_from_document(make_doc(text, ex))
    s = Suggestion.objects.get()
    html = admin_client_.post(reverse("suggestions:accept", args=[s.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "Accepted: Japan — Figure: 12000 students" in html and 'href="/countries/JP/"' in html


def test_a_suggestion_created_meanwhile_by_a_parallel_ingestion_gets_the_evidence(make_doc, countries, monkeypatch):
    """The new suggestions of a document are written together; one created in between (another process
    ingesting a report of the same fact) makes the writes fall back to one at a time, onto the existing row."""
    doc = make_doc(VISIT_TEXT, visit_extraction())
    write = services._write

    def parallel_then_write(w, builders):
        org = next(s for s in w.new if s.kind == Kind.ORGANISATION)
        Suggestion.objects.create(kind=Kind.ORGANISATION, fingerprint=org.fingerprint, label="Made in parallel",
                                  payload={})
        return write(w, builders)

    monkeypatch.setattr(services, "_write", parallel_then_write)
    touched = services.suggest_from_document(doc)
    assert kinds() == ["activity", "organisation", "person", "post"]
    org = Suggestion.objects.get(kind=Kind.ORGANISATION)
    assert org.label == "Made in parallel" and org.evidence.get().document == doc
    assert org.countries.get().iso2 == "JP"
    assert {s.pk for s in touched} == set(Suggestion.objects.values_list("pk", flat=True))
    assert all(s.evidence.filter(document=doc).count() == 1 for s in Suggestion.objects.all())


def test_queries_per_document_do_not_grow_with_its_facts(make_doc, countries, django_assert_max_num_queries):
    text = " ".join(f"The Friendship Association number {i} of Japan sent a letter." for i in range(20))
    ex = {"countries": ["JP"], "organizations": [
        {"name": f"Friendship Association number {i} of Japan", "kind": "friendship_association",
         "country": "JP", "evidence": span(text, f"Friendship Association number {i} of Japan")}
        for i in range(20)]}
    doc = make_doc(text, ex)
    with django_assert_max_num_queries(20):
        services.suggest_from_document(doc)
    assert Suggestion.objects.filter(kind=Kind.ORGANISATION).count() == 20
    assert Suggestion.countries.through.objects.count() == 20
    with django_assert_max_num_queries(20):  # the same document again: nothing new
        services.suggest_from_document(doc)
    assert Suggestion.objects.count() == 20


@pytest.mark.parametrize("enabled", [True, False])
def test_a_batch_pauses_the_garbage_collector_and_leaves_it_as_it_was(make_doc, countries, monkeypatch, enabled):
    import gc

    seen = []
    flush = services._flush_many
    monkeypatch.setattr(services, "_flush_many", lambda builders: (seen.append(gc.isenabled()), flush(builders)))
    doc = make_doc(VISIT_TEXT, visit_extraction())
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        services.suggest_from_documents([doc])
        assert seen == [False] and gc.isenabled() is enabled
        monkeypatch.setattr(services, "_flush_many", lambda builders: 1 / 0)
        with pytest.raises(ZeroDivisionError):
            services.suggest_from_documents([doc])
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()
    assert Suggestion.objects.filter(kind=Kind.ACTIVITY).count() == 1
