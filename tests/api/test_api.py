import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from amity.core.registry import NAV_ITEMS
from amity.partners.models import Country, Organisation, Partnership, Person, Post

pytestmark = pytest.mark.django_db


# ---- reading -----------------------------------------------------------------------------------------------


def test_anonymous_requests_are_refused(api_anon, partners):
    for url in ["/api/countries/", "/api/organisations/", "/api/people/", f"/api/people/{partners['person'].pk}/"]:
        assert api_anon.get(url).status_code in (401, 403)
    response = api_anon.post("/api/organisations/", {"name_en": "X"}, format="json")
    assert response.status_code in (401, 403)


def test_root_schema_and_docs_are_public(api_anon, client):
    root = api_anon.get("/api/")
    assert root.status_code == 200 and "countries" in root.json() and "schema" in root.json()
    schema = api_anon.get("/api/schema/")
    assert schema.status_code == 200 and b"openapi: 3" in schema.content and b"/api/countries/{iso2}/" in schema.content
    as_json = api_anon.get("/api/schema/?format=json")
    assert as_json.status_code == 200 and as_json.json()["info"]["title"] == "Amity API"
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    body = docs.content.decode()
    assert "/api/organisations/{id}/" in body and "/api/export/people.xlsx" in body
    assert "cdn" not in body.lower() and "unpkg" not in body.lower()


def test_api_nav_link_is_registered():
    assert any(item.url_name == "api:docs" for item in NAV_ITEMS)


def test_country_by_iso2_with_current_level_and_history(api_analyst, partners):
    response = api_analyst.get("/api/countries/id/")
    assert response.status_code == 200
    data = response.json()
    assert data["iso2"] == "ID" and data["current_level"] == "comprehensive_strategic"
    assert data["current_level_since"] == "2025-03-10"
    assert [step["level"] for step in data["partnerships"]] == ["strategic", "comprehensive_strategic"]


def test_country_filters_mirror_the_list_page(api_analyst, partners):
    def names(query):
        response = api_analyst.get("/api/countries/" + query)
        assert response.status_code == 200, response.content
        return [row["iso2"] for row in response.json()["results"]]

    assert names("?level=comprehensive_strategic") == ["ID"]
    assert names("?level=strategic") == ["FR"]
    assert names("?region=Europe") == ["FR"]
    assert names("?q=phap") == ["FR"]  # diacritic-insensitive: "Pháp"
    assert api_analyst.get("/api/countries/?level=nonsense").status_code == 400


def test_organisation_and_person_filters_and_search(api_analyst, partners):
    rows = api_analyst.get("/api/organisations/?country=ID").json()["results"]
    assert [r["id"] for r in rows] == [partners["association"].pk]
    assert rows[0]["partner_country"] == "ID" and rows[0]["province"] == "ha-noi"
    assert api_analyst.get("/api/organisations/?q=hoi+huu+nghi").json()["count"] == 1
    assert api_analyst.get("/api/organisations/?province=ha-noi&kind=friendship_association").json()["count"] == 1
    people = api_analyst.get("/api/people/?q=nguyen+phuong+nga").json()
    assert people["count"] == 1 and people["results"][0]["posts"][0]["title"] == "President"
    vufo_id = partners["person"].posts.get().organisation_id
    assert api_analyst.get(f"/api/people/?organisation={vufo_id}").json()["count"] == 1
    assert api_analyst.get("/api/provinces/ha-noi/").json()["name_vi"] == "Hà Nội"
    assert api_analyst.get("/api/provinces/?kind=city").json()["count"] == 1


def test_pagination_is_bounded(api_analyst, partners):
    response = api_analyst.get("/api/countries/?limit=100000&offset=99999999999999999999999")
    assert response.status_code == 200 and response.json()["results"] == []


# ---- writing -----------------------------------------------------------------------------------------------


def test_editor_creates_organisation_owned_by_their_organisation(api_editor, vufo, other_org, partners):
    response = api_editor.post("/api/organisations/", {
        "name_en": "Viet Nam - France Friendship Association", "kind": "friendship_association",
        "partner_country": "FR", "aliases": ["AAVF"], "owner": other_org.pk,
    }, format="json")
    assert response.status_code == 201, response.content
    org = Organisation.objects.get(pk=response.json()["id"])
    assert org.owner == vufo  # forced to the editor's organisation
    assert org.created_by.username == "editor1" and response.json()["created_by"] == "editor1"
    assert org.partner_country.iso2 == "FR" and org.aliases == ["AAVF"]
    patch = api_editor.patch(f"/api/organisations/{org.pk}/", {"acronym": "VFFA"}, format="json")
    assert patch.status_code == 200 and patch.json()["acronym"] == "VFFA"
    assert api_editor.delete(f"/api/organisations/{org.pk}/").status_code == 204
    assert not Organisation.objects.filter(pk=org.pk).exists()


def test_admin_may_choose_the_owner(api_admin, other_org):
    response = api_admin.post("/api/people/", {"full_name": "Jane Doe", "owner": other_org.pk}, format="json")
    assert response.status_code == 201 and Person.objects.get(full_name="Jane Doe").owner == other_org


def test_editor_of_another_organisation_gets_403(api_other_editor, partners):
    org = partners["association"]
    response = api_other_editor.patch(f"/api/organisations/{org.pk}/", {"acronym": "X"}, format="json")
    assert response.status_code == 403
    assert api_other_editor.delete(f"/api/people/{partners['person'].pk}/").status_code == 403
    assert api_other_editor.patch("/api/countries/ID/", {"region": "X"}, format="json").status_code == 403
    step = api_other_editor.post("/api/partnerships/", {"country": "FR", "level": "comprehensive_strategic",
                                                        "date_from": "2024-01-01"}, format="json")
    assert step.status_code == 403
    post = api_other_editor.post("/api/posts/", {"person": partners["person"].pk, "title": "Member",
                                                 "date_from": "2020-01-01"}, format="json")
    assert post.status_code == 403
    org.refresh_from_db()
    assert org.acronym == ""


def test_analyst_cannot_write(api_analyst, partners):
    assert api_analyst.post("/api/organisations/", {"name_en": "New"}, format="json").status_code == 403
    assert api_analyst.patch("/api/countries/ID/", {"region": "X"}, format="json").status_code == 403
    assert api_analyst.delete(f"/api/people/{partners['person'].pk}/").status_code == 403


def test_partnership_steps_are_written_through_their_own_endpoint(api_editor, partners):
    response = api_editor.post("/api/partnerships/", {"country": "FR", "level": "comprehensive_strategic",
                                                      "date_from": "2024-10-07"}, format="json")
    assert response.status_code == 201, response.content
    country = api_editor.get("/api/countries/FR/").json()
    assert country["current_level"] == "comprehensive_strategic"
    assert len(country["partnerships"]) == 2
    # The history is read-only inside the country.
    api_editor.patch("/api/countries/FR/", {"partnerships": []}, format="json")
    assert Partnership.objects.filter(country__iso2="FR").count() == 2
    listed = api_editor.get("/api/partnerships/?country=FR&level=comprehensive_strategic").json()
    assert listed["count"] == 1


def test_posts_endpoint(api_editor, partners, vufo):
    person = partners["person"]
    response = api_editor.post("/api/posts/", {"person": person.pk, "title": "Vice President",
                                               "organisation": vufo.pk, "date_from": "2012-01-01",
                                               "date_to": "2016-12-31"}, format="json")
    assert response.status_code == 201, response.content
    assert Post.objects.filter(person=person).count() == 2
    overlap = api_editor.post("/api/posts/", {"person": person.pk, "title": "President", "organisation": vufo.pk,
                                              "date_from": "2020-01-01"}, format="json")
    assert overlap.status_code == 400 and "overlaps" in str(overlap.json())


# ---- validation identical to the forms ---------------------------------------------------------------------


def test_duplicate_organisation_name_is_refused(api_editor, vufo):
    response = api_editor.post("/api/organisations/", {"name_en": "viet nam union of friendship ORGANISATIONS"},
                               format="json")
    assert response.status_code == 400
    assert "already exists" in response.json()["name_en"][0]


def test_bad_iso_codes_and_duplicates_are_refused(api_admin, partners):
    response = api_admin.post("/api/countries/", {"iso2": "V1", "iso3": "VNMX", "name_en": "X"}, format="json")
    assert response.status_code == 400
    assert "iso2" in response.json() and "iso3" in response.json()
    lower = api_admin.post("/api/countries/", {"iso2": "vn", "iso3": "vnm", "name_en": "Viet Nam"}, format="json")
    assert lower.status_code == 201 and lower.json()["iso2"] == "VN"
    dup = api_admin.post("/api/countries/", {"iso2": "ID", "iso3": "IDX", "name_en": "Indonesia 2"}, format="json")
    assert dup.status_code == 400 and "iso2" in dup.json()


def test_future_partnership_is_refused(api_editor, partners):
    future = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    response = api_editor.post("/api/partnerships/", {"country": "FR", "level": "special", "date_from": future},
                               format="json")
    assert response.status_code == 400 and "future" in str(response.json()["date_from"])
    same_day = api_editor.post("/api/partnerships/", {"country": "FR", "level": "special",
                                                      "date_from": "2013-09-25"}, format="json")
    assert same_day.status_code == 400


@pytest.mark.parametrize("payload", [
    {"name_en": "<script>alert(1)</script>"},
    {"name_en": "Fine", "acronym": "<b>"},
    {"name_en": "Fine name", "aliases": ["javascript:alert(1)"]},
])
def test_markup_in_names_is_refused(api_editor, vufo, payload):
    response = api_editor.post("/api/organisations/", payload, format="json")
    assert response.status_code == 400
    assert "markup" in str(response.json())


def test_markup_in_person_aliases_is_a_400_not_a_500(api_editor, vufo):
    response = api_editor.post("/api/people/", {"full_name": "A B", "aliases": ["<i>x</i>"]}, format="json")
    assert response.status_code == 400


def test_organisation_without_a_name_is_refused(api_editor, vufo):
    response = api_editor.post("/api/organisations/", {"acronym": "X"}, format="json")
    assert response.status_code == 400 and "name" in str(response.json()).lower()


# ---- tokens ------------------------------------------------------------------------------------------------


def test_obtain_token_with_username_and_password(api_anon, editor):
    response = api_anon.post("/api/token/", {"username": "editor1", "password": "pw-for-tests-1"}, format="json")
    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user=editor).key
    wrong = api_anon.post("/api/token/", {"username": "editor1", "password": "nope"}, format="json")
    assert wrong.status_code == 400


def test_token_page_shows_and_regenerates(editor_client, editor, client):
    page = editor_client.get("/api/tokens/")
    assert page.status_code == 200 and not Token.objects.filter(user=editor).exists()
    editor_client.post("/api/tokens/", {"action": "regenerate"})
    first = Token.objects.get(user=editor).key
    assert first in editor_client.get("/api/tokens/").content.decode()
    editor_client.post("/api/tokens/", {"action": "regenerate"})
    assert Token.objects.get(user=editor).key != first
    editor_client.post("/api/tokens/", {"action": "delete"})
    assert not Token.objects.filter(user=editor).exists()


def test_token_page_needs_login(client):
    response = client.get("/api/tokens/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_session_login_works_for_reads(analyst_client, partners):
    assert analyst_client.get("/api/countries/", HTTP_ACCEPT="application/json").status_code == 200


def test_country_updates_keep_history(api_editor, partners):
    response = api_editor.patch("/api/countries/ID/", {"name_vi": "Indonesia"}, format="json")
    assert response.status_code == 200
    country = Country.objects.get(iso2="ID")
    assert country.history.count() >= 2 and country.updated_by.username == "editor1"


def test_browsable_api_renders_for_logged_in_users(editor_client, partners):
    for url in ["/api/", "/api/countries/", "/api/countries/ID/", "/api/organisations/", "/api/partnerships/",
                "/api/posts/", "/api/provinces/ha-noi/", f"/api/people/{partners['person'].pk}/"]:
        assert editor_client.get(url, HTTP_ACCEPT="text/html").status_code == 200, url


def test_deleting_a_record_in_use_is_a_conflict(api_admin, vufo):
    response = api_admin.delete(f"/api/organisations/{vufo.pk}/")  # the admin's membership protects it
    assert response.status_code == 409 and "cannot be deleted" in response.json()["detail"]
    assert Organisation.objects.filter(pk=vufo.pk).exists()


def test_token_endpoint_is_throttled(api_anon, editor, monkeypatch):
    from django.core.cache import cache

    from amity.api.urls import LoginRateThrottle

    monkeypatch.setattr(LoginRateThrottle, "rate", "2/min")  # 20/min in production; each try hashes a password
    cache.clear()
    try:
        codes = [api_anon.post("/api/token/", {"username": "nobody", "password": "x"}).status_code for _ in range(3)]
        assert codes == [400, 400, 429]
    finally:
        cache.clear()
