"""A small world for the review figures: activities across 2024 and 2025, partnership history, agreements.

2025 (counted statuses): 6 activities (3 high-level) vs 4 (2 high-level) in 2024 -> 1.5 times.
Agreements signed: 5 in 2025 vs 2 in 2024 -> 2.5 times. Upgrades in 2025: Indonesia and France (upgrades,
H1) and Chile (a new framework, H2). Partners at comprehensive level or higher: 5 at the end of 2024
(Japan, Indonesia, France, Korea, Laos), 6 at the end of 2025 (+ Chile).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from amity.activities.choices import (
    ActivityType,
    AgreementKind,
    AgreementStatus,
    Level,
    MoneyKind,
    Pillar,
    Precision,
    Status,
)
from amity.activities.models import Activity, Agreement
from amity.partners.models import Country, Organisation, Partnership, Province

D = dt.date


@pytest.fixture
def world(db, vufo, other_org):
    c = {}
    for iso2, iso3, en, vi in [("JP", "JPN", "Japan", "Nhật Bản"), ("ID", "IDN", "Indonesia", "In-đô-nê-xi-a"),
                               ("FR", "FRA", "France", "Pháp"), ("KR", "KOR", "Republic of Korea", "Hàn Quốc"),
                               ("CL", "CHL", "Chile", "Chi-lê"), ("LA", "LAO", "Laos", "Lào")]:
        c[iso2] = Country.objects.create(iso2=iso2, iso3=iso3, name_en=en, name_vi=vi)
    steps = [("JP", "strategic", D(2009, 4, 20)), ("JP", "comprehensive_strategic", D(2023, 11, 27)),
             ("ID", "strategic", D(2013, 6, 27)), ("ID", "comprehensive_strategic", D(2025, 3, 10)),
             ("FR", "strategic", D(2013, 9, 25)), ("FR", "comprehensive_strategic", D(2025, 5, 26)),
             ("KR", "comprehensive_strategic", D(2022, 12, 5)), ("KR", "strategic", D(2025, 2, 1)),  # a downgrade
             ("CL", "comprehensive", D(2025, 8, 1)), ("LA", "special", D(1962, 9, 5))]
    for iso2, level, day in steps:
        Partnership.objects.create(country=c[iso2], level=level, date_from=day)
    hanoi = Province.objects.create(code="ha-noi", name_vi="Hà Nội", name_en="Ha Noi")
    hue = Province.objects.create(code="hue", name_vi="Huế", name_en="Hue")
    jfa = Organisation.objects.create(name_en="Japan-Viet Nam Friendship Association", name_vi="Hội hữu nghị Nhật-Việt")

    def act(title, start, status=Status.DONE, owner=vufo, countries=(), level="", pillar=Pillar.PEOPLE,
            type=ActivityType.MEETING, province=None, precision=Precision.DAY, money=None, orgs=()):
        a = Activity.objects.create(title=title, start=start, status=status, owner=owner, level=level, pillar=pillar,
                                    type=type, province=province, precision=precision)
        if money:
            a.money_amount, a.money_currency, a.money_kind = Decimal(money[0]), money[1], money[2]
            a.save()
        a.countries.set([c[i] for i in countries])
        a.organisations.set(orgs)
        return a

    # 2024: 4 counted, 2 high-level.
    act("GS visit to Laos 2024", D(2024, 2, 10), countries=["LA"], level=Level.GENERAL_SECRETARY, pillar=Pillar.PARTY,
        type=ActivityType.VISIT_OUT)
    act("PM meets Japan 2024", D(2024, 5, 3), countries=["JP"], level=Level.PRIME_MINISTER, pillar=Pillar.STATE)
    act("Friendship week Hue 2024", D(2024, 9, 1), countries=["JP"], province=hue, orgs=[jfa],
        money=("1000", "USD", MoneyKind.PLEDGE))
    act("Cultural exchange Korea 2024", D(2024, 11, 20), countries=["KR"], status=Status.REPORTED,
        type=ActivityType.CULTURAL)
    act("Draft 2024", D(2024, 3, 1), status=Status.DRAFT)
    act("Cancelled 2024", D(2024, 4, 1), status=Status.CANCELLED)
    # 2025: 6 counted (one of them dated only by year, one by month), 3 high-level.
    act("President visits Indonesia", D(2025, 3, 10), countries=["ID"], level=Level.PRESIDENT, pillar=Pillar.STATE,
        type=ActivityType.VISIT_OUT)
    act("GS visits France", D(2025, 5, 26), countries=["FR"], level=Level.GENERAL_SECRETARY, pillar=Pillar.PARTY,
        type=ActivityType.VISIT_OUT)
    act("NA Chairman receives Japanese delegation", D(2025, 3, 1), countries=["JP"], level=Level.NA_CHAIRMAN,
        pillar=Pillar.STATE, precision=Precision.MONTH, type=ActivityType.VISIT_IN)
    act("Japan friendship festival", D(2025, 9, 14), countries=["JP"], province=hanoi, orgs=[jfa],
        money=("1000000", "USD", MoneyKind.PLEDGE), status=Status.APPROVED)
    act("Aid from Korea", D(2025, 10, 2), countries=["KR", "JP"], province=hanoi,
        money=("500000.50", "USD", MoneyKind.PLEDGE), type=ActivityType.AID)
    act("Year-round exchange with Chile", D(2025, 1, 1), countries=["CL"], precision=Precision.YEAR,
        owner=other_org, province=hue, money=("2000000000", "VND", MoneyKind.DISBURSEMENT))
    act("Draft 2025", D(2025, 6, 1), status=Status.DRAFT, countries=["LA"])
    act("Cancelled 2025", D(2025, 6, 2), status=Status.CANCELLED)
    # Agreements: 2 signed in 2024, 5 in 2025 (+ a draft that does not count).
    for i, day in enumerate([D(2024, 5, 3), D(2024, 9, 1)]):
        Agreement.objects.create(title=f"MoU 2024 #{i}", signed_on=day, status=AgreementStatus.SIGNED, owner=vufo)
    for i, day in enumerate([D(2025, 3, 10), D(2025, 3, 10), D(2025, 5, 26), D(2025, 9, 14), D(2025, 12, 31)]):
        Agreement.objects.create(title=f"MoU 2025 #{i}", signed_on=day, status=AgreementStatus.IN_FORCE,
                                 in_force_from=day, owner=vufo if i < 4 else other_org,
                                 kind=AgreementKind.TWINNING if i == 4 else AgreementKind.MOU)
    Agreement.objects.create(title="Draft agreement", signed_on=D(2025, 4, 1), status=AgreementStatus.DRAFT)
    return {"countries": c, "hanoi": hanoi, "hue": hue, "jfa": jfa}


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """The shared user fixtures hash passwords; the default PBKDF2 costs ~0.5 s per user."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
