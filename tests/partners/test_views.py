import datetime as dt

import pytest
from django.urls import reverse

from amity.partners.choices import OrganisationKind
from amity.partners.models import Country, Organisation, Partnership, Person, Province

pytestmark = pytest.mark.django_db


@pytest.fixture
def country(vufo):
    viet_nam = Country.objects.create(iso2="VN", iso3="VNM", name_en="Viet Nam", name_vi="Việt Nam", owner=vufo)
    cuba = Country.objects.create(iso2="CU", iso3="CUB", name_en="Cuba", name_vi="Cu Ba", owner=vufo,
                                  region="Americas")
    Partnership.objects.create(country=cuba, level="special", date_from=dt.date(1960, 12, 2))
    return viet_nam


def test_pages_require_login(client):
    response = client.get(reverse("partners:country_list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_list_detail_and_search_pages(editor_client, country):
    Province.objects.create(code="tuyen-quang", name_vi="Tuyên Quang", name_en="Tuyen Quang",
                            merged_from=["Hà Giang", "Ha Giang"])
    Person.objects.create(full_name="Nguyễn Phương Nga")
    assert editor_client.get(reverse("home")).status_code == 200
    page = editor_client.get(reverse("partners:country_list"), {"q": "cu ba"}).content.decode()
    assert ">Cuba</a>" in page and ">Viet Nam</a>" not in page
    assert "Special relationship" in editor_client.get(reverse("partners:country_list"), {"level": "special"}).content.decode()
    detail = editor_client.get(reverse("partners:country_detail", args=["CU"])).content.decode()
    assert "partnership-timeline" in detail and "1960" in detail
    found = editor_client.get(reverse("search"), {"q": "ha giang"}).content.decode()
    assert "Tuyên Quang" in found or "Tuyen Quang" in found
    found = editor_client.get(reverse("search"), {"q": "nguyen phuong nga"}).content.decode()
    assert "Nguyễn Phương Nga" in found
    # HTMX partial of the list table
    partial = editor_client.get(reverse("partners:province_list"), {"q": "HA GIANG"}, HTTP_HX_REQUEST="true",
                                HTTP_HX_TARGET="object-table").content.decode()
    assert "<html" not in partial and "Tuyen Quang" in partial


def test_editor_creates_record_owned_by_own_organisation(editor_client, editor, vufo):
    response = editor_client.post(reverse("partners:organisation_add"), {
        "name_en": "Viet Nam - Cuba Friendship Association", "name_vi": "Hội hữu nghị Việt Nam – Cu Ba",
        "kind": OrganisationKind.FRIENDSHIP_ASSOCIATION, "aliases": "VCFA; Hoi huu nghi Viet Nam Cuba",
    })
    assert response.status_code == 302
    org = Organisation.objects.get(name_en="Viet Nam - Cuba Friendship Association")
    assert org.owner == vufo and org.created_by == editor
    assert org.aliases == ["VCFA", "Hoi huu nghi Viet Nam Cuba"]


def test_editor_of_another_organisation_cannot_edit_by_url(client, other_editor, vufo):
    org = Organisation.objects.create(name_en="Viet Nam - Laos Friendship Association", owner=vufo,
                                      kind=OrganisationKind.FRIENDSHIP_ASSOCIATION)
    client.force_login(other_editor)
    url = reverse("partners:organisation_edit", args=[org.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"name_en": "Hijacked", "kind": "other"}).status_code == 403
    assert client.post(reverse("partners:organisation_delete", args=[org.pk])).status_code == 403
    org.refresh_from_db()
    assert org.name_en == "Viet Nam - Laos Friendship Association"
    # the detail page shows no edit button either
    assert url not in client.get(org.get_absolute_url()).content.decode()


def test_analyst_reads_but_cannot_create_or_edit(analyst_client, vufo):
    org = Organisation.objects.create(name_en="Oxfam", owner=vufo, kind=OrganisationKind.NGO)
    assert analyst_client.get(org.get_absolute_url()).status_code == 200
    assert analyst_client.get(reverse("partners:organisation_add")).status_code == 403
    assert analyst_client.post(reverse("partners:organisation_edit", args=[org.pk]), {"name_en": "X"}).status_code == 403


def test_bad_input_is_refused_on_the_form_and_nothing_changes(editor_client, vufo):
    before = Organisation.objects.count()
    for data, message in (
        ({"name_en": "<script>alert(1)</script>", "kind": "ngo"}, "markup"),
        ({"name_en": "VIET NAM UNION OF FRIENDSHIP ORGANISATIONS", "kind": "ngo"}, "already exists"),
        ({"name_en": "", "name_vi": "", "kind": "ngo"}, "name in English or Vietnamese"),
        ({"name_en": "x" * (10 * 1024 * 1024), "kind": "ngo"}, "at most 300 characters"),
    ):
        response = editor_client.post(reverse("partners:organisation_add"), data)
        assert response.status_code == 200, message
        assert message in response.content.decode()
    assert Organisation.objects.count() == before


def test_partnership_in_future_refused_on_form(admin_client_, country):
    url = reverse("partners:partnership_add", args=["VN"])
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    response = admin_client_.post(url, {"level": "strategic", "date_from": future})
    assert response.status_code == 200 and "future" in response.content.decode()
    assert not Partnership.objects.filter(country__iso2="VN").exists()
    response = admin_client_.post(url, {"level": "strategic", "date_from": "2013-06-27"})
    assert response.status_code == 302


def test_invalid_iso_code_on_form(admin_client_):
    response = admin_client_.post(reverse("partners:country_add"), {"iso2": "V1", "iso3": "VNMX", "name_en": "X"})
    assert response.status_code == 200 and "two-letter ISO" in response.content.decode()


def test_journal_note_on_record(editor_client, vufo):
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(Organisation)
    response = editor_client.post(reverse("note_add", args=[ct.pk, vufo.pk]),
                                  {"date": "2025-06-30", "text": "Agreed informally to co-host the 2026 festival."})
    assert response.status_code == 302
    assert "co-host the 2026 festival" in editor_client.get(vufo.get_absolute_url()).content.decode()


def test_language_switch_shows_vietnamese_names(editor_client, country):
    editor_client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    page = editor_client.get(reverse("partners:country_detail", args=["CU"]), HTTP_ACCEPT_LANGUAGE="vi")
    assert "Cu Ba" in page.content.decode()


def test_deleting_an_organisation_still_in_use_says_so(admin_client_, vufo, editor):
    response = admin_client_.post(reverse("partners:organisation_delete", args=[vufo.pk]), follow=True)
    assert response.status_code == 200 and "still in use" in response.content.decode()
    assert Organisation.objects.filter(pk=vufo.pk).exists()


def test_list_pages_link_exports_with_the_same_filters(editor_client, country):
    page = editor_client.get(reverse("partners:country_list"), {"q": "cuba"}).content.decode()
    assert "/api/export/countries.csv?q=cuba" in page and "/api/export/countries.xlsx?q=cuba" in page


def test_notifications_page_lists_and_marks_read(editor_client, editor):
    from amity.core.models import Notification, notify

    notify([editor, editor], "Activity “Visit of the Cuban delegation” was approved", url="/activities/")
    assert Notification.objects.filter(user=editor).count() == 1
    home = editor_client.get(reverse("home")).content.decode()
    assert 'id="unread-count">1<' in home
    page = editor_client.get(reverse("notifications")).content.decode()
    assert "Cuban delegation" in page
    editor_client.post(reverse("notifications"))
    assert not Notification.objects.filter(user=editor, read_at__isnull=True).exists()


def test_post_add_form_refuses_overlapping_terms(editor_client, vufo):
    person = Person.objects.create(full_name="Phan Anh Son", owner=vufo)
    url = reverse("partners:post_add", args=[person.pk])
    data = {"title": "President", "organisation": vufo.pk, "date_from": "2022-01-01"}
    assert editor_client.post(url, data).status_code == 302
    response = editor_client.post(url, {**data, "date_from": "2023-05-01"})
    assert response.status_code == 200 and "overlaps" in response.content.decode()
    assert person.posts.count() == 1
