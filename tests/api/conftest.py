import datetime as dt

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from amity.partners.choices import PartnershipLevel
from amity.partners.models import Country, Organisation, Partnership, Person, Post, Province


def token_client(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def api_editor(editor):
    return token_client(editor)


@pytest.fixture
def api_other_editor(other_editor):
    return token_client(other_editor)


@pytest.fixture
def api_analyst(analyst):
    return token_client(analyst)


@pytest.fixture
def api_admin(admin_user):
    return token_client(admin_user)


@pytest.fixture
def api_anon():
    return APIClient()


@pytest.fixture
def partners(vufo):
    """A small partner database owned by VUFO."""
    indonesia = Country.objects.create(iso2="ID", iso3="IDN", name_en="Indonesia", name_vi="In-đô-nê-xi-a",
                                       region="Asia", owner=vufo)
    france = Country.objects.create(iso2="FR", iso3="FRA", name_en="France", name_vi="Pháp", region="Europe",
                                    owner=vufo)
    Partnership.objects.create(country=indonesia, level=PartnershipLevel.STRATEGIC, date_from=dt.date(2013, 6, 27))
    Partnership.objects.create(country=indonesia, level=PartnershipLevel.COMPREHENSIVE_STRATEGIC,
                               date_from=dt.date(2025, 3, 10))
    Partnership.objects.create(country=france, level=PartnershipLevel.STRATEGIC, date_from=dt.date(2013, 9, 25))
    hanoi = Province.objects.create(code="ha-noi", name_vi="Hà Nội", name_en="Hanoi", kind="city", owner=vufo)
    association = Organisation.objects.create(
        name_en="Viet Nam - Indonesia Friendship Association", name_vi="Hội hữu nghị Việt Nam - Indonesia",
        kind="friendship_association", partner_country=indonesia, home_country=None, province=hanoi, owner=vufo,
    )
    person = Person.objects.create(full_name="Nguyễn Phương Nga", country=None, owner=vufo)
    Post.objects.create(person=person, title="President", organisation=vufo, date_from=dt.date(2017, 1, 1))
    return {"ID": indonesia, "FR": france, "hanoi": hanoi, "association": association, "person": person}
