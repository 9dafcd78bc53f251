"""Create a visit in the browser, see the coordination warning (live on the form and after saving), propose it,
and approve it as another Editor of the lead organisation."""

import pytest

from amity.activities.models import Activity
from amity.activities.services import create_activity
from amity.core.permissions import EDITOR
from amity.partners.models import Country
from tests.e2e.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_create_visit_see_conflict_and_approve(page, editor, other_editor, make_user, vufo):
    japan = Country.objects.create(iso2="JP", iso3="JPN", name_en="Japan", name_vi="Nhật Bản")
    create_activity(user=other_editor, type="meeting", title="Can Tho investment talks with Japan",
                    start="2030-06-12", countries=[japan])
    make_user("approver1", EDITOR, vufo)

    login(page, "editor1")
    page.goto("/activities/add/")
    page.select_option("#id_type", "visit_in")
    page.fill("#id_title", "Japan-Viet Nam Friendship Association delegation")
    page.fill("#id_start", "2030-06-10")
    page.fill("#id_end", "2030-06-13")
    page.select_option("#id_countries", label="Japan")
    page.check("input[name=priorities][value=digital_transformation]")
    # the warning appears while typing, before saving
    page.locator("#conflicts").get_by_text("Can Tho investment talks with Japan").wait_for()
    page.click("#save-activity")
    page.wait_for_url("**/activities/*/")
    assert "Can Tho investment talks with Japan" in page.locator("#conflicts").inner_text()
    assert "within 7 days" in page.locator("#conflicts").inner_text()
    page.click("#step-propose")
    page.wait_for_load_state()
    assert page.locator("#activity-status").inner_text() == "Proposed"

    page.click("text=Log out")
    login(page, "approver1")
    assert "Japan-Viet Nam Friendship Association delegation" in page.locator("#widget-approvals").inner_text()
    page.locator("#widget-approvals").get_by_role("link", name="Japan-Viet Nam Friendship Association delegation").click()
    page.click("#step-approve")
    page.wait_for_load_state()
    assert page.locator("#activity-status").inner_text() == "Approved"
    assert "approver1" in page.locator("#status-history").inner_text()
    activity = Activity.objects.get(title="Japan-Viet Nam Friendship Association delegation")
    assert activity.status == "approved" and activity.priorities == ["digital_transformation"]

    # the calendar shows it; HTMX month navigation and the week view work
    page.goto("/activities/calendar/?date=2030-06-01")
    assert "Japan-Viet Nam Friendship Association delegation" in page.locator("#month-grid").inner_text()
    page.click("#cal-next")
    page.wait_for_url("**date=2030-07-01**")
    assert page.locator("#cal-title").inner_text() == "July 2030"
    page.click("#cal-prev")
    page.wait_for_url("**date=2030-06-01**")
    page.get_by_role("link", name="Week").click()
    page.wait_for_url("**view=week**")
    assert page.locator("#week-grid").is_visible()
