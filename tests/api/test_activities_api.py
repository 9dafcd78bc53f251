"""The read-only activity and agreement endpoints."""

import pytest

from amity.activities.services import create_activity
from amity.partners.models import Country

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(editor, vufo):
    Country.objects.create(iso2="JP", iso3="JPN", name_en="Japan")
    return create_activity(user=editor, type="visit_in", title="Japanese youth delegation visits Ha Noi",
                           start="2025-03", countries=["JP"], summary="Youth exchange")


def test_list_filter_and_detail(api_analyst, visit):
    data = api_analyst.get("/api/activities/", {"country": "JP"}).json()
    assert data["count"] == 1 and data["results"][0]["countries"] == ["JP"]
    assert data["results"][0]["precision"] == "month" and data["results"][0]["start"] == "2025-03-01"
    assert api_analyst.get("/api/activities/", {"country": "XX"}).status_code == 400  # unknown country
    assert api_analyst.get(f"/api/activities/{visit.pk}/").json()["title"].startswith("Japanese youth")
    assert api_analyst.get("/api/agreements/").status_code == 200


def test_writes_are_not_offered(api_admin, visit):
    assert api_admin.post("/api/activities/", {"title": "x"}, format="json").status_code == 405
    assert api_admin.patch(f"/api/activities/{visit.pk}/", {"title": "x"}, format="json").status_code == 405
    assert api_admin.delete(f"/api/activities/{visit.pk}/").status_code == 405


def test_anonymous_is_refused(api_anon, visit):
    assert api_anon.get("/api/activities/").status_code in (401, 403)


def test_absurd_expiry_window_is_a_400_not_a_crash(api_analyst):
    # found by schemathesis: 10,000,000 days overflowed the date arithmetic
    assert api_analyst.get("/api/agreements/", {"expiring_within": "10000000"}).status_code == 400
    assert api_analyst.get("/api/agreements/", {"expiring_within": "180"}).status_code == 200
