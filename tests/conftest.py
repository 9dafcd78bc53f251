"""Shared fixtures: organisations, users in each role, logged-in clients, the loaded reference data."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User

from amity.core.models import Membership
from amity.core.permissions import ADMINISTRATOR, ANALYST, EDITOR
from amity.partners.choices import OrganisationKind
from amity.partners.models import Organisation

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "tests" / "data" / "samples"  # copies of shared/samples: the suite is self-contained

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run inside one unless told.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """PBKDF2 costs ~2 s per user on a busy 2-core machine; tests need no strong hashes."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def vufo(db):
    org = Organisation.objects.get_or_create(
        key="vufo",
        defaults={"name_en": "Viet Nam Union of Friendship Organisations", "acronym": "VUFO",
                  "name_vi": "Liên hiệp các tổ chức hữu nghị Việt Nam", "kind": OrganisationKind.FRIENDSHIP_UNION},
    )[0]
    if org.owner_id is None:
        org.owner = org
        org.save()
    return org


@pytest.fixture
def other_org(db):
    return Organisation.objects.create(
        key="pufo-can-tho", name_en="Can Tho City Union of Friendship Organisations",
        name_vi="Liên hiệp các tổ chức hữu nghị thành phố Cần Thơ", kind=OrganisationKind.FRIENDSHIP_UNION,
    )


@pytest.fixture
def make_user(db):
    def make(username: str, role: str, organisation=None, password: str = "pw-for-tests-1") -> User:
        user = User.objects.create_user(username=username, password=password)
        user.groups.add(Group.objects.get_or_create(name=role)[0])
        if organisation is not None:
            Membership.objects.create(user=user, organisation=organisation)
        return user

    return make


@pytest.fixture
def admin_user(make_user, vufo):
    return make_user("admin1", ADMINISTRATOR, vufo)


@pytest.fixture
def editor(make_user, vufo):
    return make_user("editor1", EDITOR, vufo)


@pytest.fixture
def other_editor(make_user, other_org):
    return make_user("editor2", EDITOR, other_org)


@pytest.fixture
def analyst(make_user, vufo):
    return make_user("analyst1", ANALYST, vufo)


def _client_for(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def admin_client_(client, admin_user):
    return _client_for(client, admin_user)


@pytest.fixture
def editor_client(client, editor):
    return _client_for(client, editor)


@pytest.fixture
def analyst_client(client, analyst):
    return _client_for(client, analyst)


@pytest.fixture
def reference(db):
    """The full shipped reference data (countries, partnerships, provinces, organisations, people)."""
    from amity.partners.reference import load_reference

    return load_reference()


# ---- browser tests: Playwright (Python) driving Debian's chromium against pytest-django's live server ----------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    context.close()
