import pytest

from tests.e2e.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_switch_to_vietnamese_search_ha_giang_open_tuyen_quang(page, reference, editor):
    login(page, "editor1")
    with page.expect_navigation():
        page.select_option("#language-select", "vi")
    assert page.locator("html").get_attribute("lang") == "vi"
    page.fill("#global-search", "ha giang")
    page.press("#global-search", "Enter")
    page.get_by_role("link", name="Tuyên Quang").first.click()
    page.wait_for_url("**/provinces/tuyen-quang/")
    assert "Tuyên Quang" in page.locator("h1").inner_text()
    assert "Hà Giang" in page.locator("#merged-from").inner_text()
