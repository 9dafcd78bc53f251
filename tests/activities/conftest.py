import datetime as dt

import pytest

from amity.partners.models import Country, Organisation, Person


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Users are created in almost every test here; PBKDF2 would dominate the run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def japan(db):
    return Country.objects.create(iso2="JP", iso3="JPN", name_en="Japan", name_vi="Nhật Bản")


@pytest.fixture
def china(db):
    return Country.objects.create(iso2="CN", iso3="CHN", name_en="China", name_vi="Trung Quốc")


@pytest.fixture
def viet_nam(db):
    return Country.objects.create(iso2="VN", iso3="VNM", name_en="Viet Nam", name_vi="Việt Nam")


@pytest.fixture
def mofa(db):
    return Organisation.objects.create(name_en="Ministry of Foreign Affairs", acronym="MOFA")


@pytest.fixture
def person(db, japan):
    return Person.objects.create(full_name="Tanaka Hiroshi", country=japan)


@pytest.fixture
def day():
    return dt.date(2030, 6, 10)
