"""In the browser: start the H1 2025 review from the form, see tables, charts and the world map, freeze it."""

import pytest

from amity.reviews.models import Review
from tests.e2e.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_create_review_see_map_and_freeze(page, editor, world):
    login(page, "editor1")
    page.goto("/reviews/")
    page.click("#review-add")
    page.fill("#id_period", "H1 2025")
    page.select_option("#id_language", "en")
    page.click("form.object-form button[type=submit]")
    page.wait_for_url("**/reviews/*/")
    assert page.locator("#figures-state").inner_text() == "live"
    assert page.locator("#world-map svg path").count() > 150
    assert page.locator('#world-map path[data-iso2="ID"]').get_attribute("fill") != "#f1f1f1"
    assert "Indonesia" in page.locator("#table-country").inner_text()
    assert page.locator("#chart-pillar svg").is_visible()
    page.screenshot(path="/tmp/reviews-detail.png", full_page=True)
    page.click("#freeze")
    page.wait_for_load_state()
    assert page.locator("#figures-state").inner_text() == "frozen"
    assert Review.objects.get().is_frozen
