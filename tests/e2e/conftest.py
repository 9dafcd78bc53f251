"""Browser-test helpers. The `browser` and `page` fixtures live in tests/conftest.py so that every test module
shares one Playwright session (a second sync_playwright() in the same process fails)."""

from __future__ import annotations


def login(page, username: str, password: str = "pw-for-tests-1") -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login" not in url)
