"""Load the reference data shipped in ``amity/partners/data/`` (see its README for sources).

Idempotent: records are matched on natural keys (ISO code, province code, organisation key) and updated,
so running it again after the CSV files change brings the database up to date without duplicates.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from pathlib import Path

import pycountry
from babel import Locale
from django.db import transaction

from amity.partners.choices import OrganisationKind, PartnershipLevel, ProvinceKind
from amity.partners.models import Country, Organisation, Partnership, Person, Post, Province

DATA_DIR = Path(__file__).resolve().parent / "data"
# English names as the users write them (babel/CLDR gives the rest).
NAME_OVERRIDES = {"VN": "Viet Nam", "KR": "Republic of Korea", "KP": "Democratic People's Republic of Korea",
                  "CZ": "Czechia", "TR": "Türkiye", "PS": "Palestine"}


def read_csv(name: str) -> list[dict[str, str]]:
    path = DATA_DIR / name
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [{k.strip(): (v or "").strip() for k, v in row.items() if k} for row in csv.DictReader(handle)]


def split_list(value: str) -> list[str]:
    return [v.strip() for v in (value or "").split(";") if v.strip()]


def parse_date(value: str) -> dt.date | None:
    value = (value or "").strip()
    for fmt, size in (("%Y-%m-%d", 10), ("%Y-%m", 7), ("%Y", 4)):
        try:
            return dt.datetime.strptime(value[:size], fmt).date()
        except ValueError:
            continue
    return None


@transaction.atomic
def load_reference(stdout=None) -> Counter:
    counts: Counter = Counter()
    vufo, _ = Organisation.objects.get_or_create(
        key="vufo",
        defaults={"name_en": "Viet Nam Union of Friendship Organisations",
                  "name_vi": "Liên hiệp các tổ chức hữu nghị Việt Nam", "acronym": "VUFO",
                  "kind": OrganisationKind.FRIENDSHIP_UNION},
    )
    countries = load_countries(vufo, counts)
    if vufo.home_country_id is None or vufo.owner_id is None:
        vufo.home_country = vufo.home_country or countries.get("VN")
        vufo.owner = vufo  # VUFO's Editors maintain the reference data, VUFO's own record included
        vufo.save()
    load_partnerships(countries, counts)
    provinces = load_provinces(vufo, counts)
    orgs = load_organisations(vufo, countries, provinces, counts)
    load_people(vufo, countries, orgs, counts)
    create_groups()
    return counts


def load_countries(owner, counts) -> dict[str, Country]:
    en, vi = Locale("en").territories, Locale("vi").territories
    aliases: dict[str, list[str]] = {}
    for row in read_csv("country_aliases.csv"):
        aliases.setdefault(row["iso2"].upper(), []).append(row["alias"])
    regions = {row["iso2"].upper(): row for row in read_csv("country_regions.csv")}
    existing = {c.iso2: c for c in Country.objects.all()}
    result = {}
    for entry in pycountry.countries:
        iso2 = entry.alpha_2
        name_en = NAME_OVERRIDES.get(iso2) or en.get(iso2) or getattr(entry, "common_name", None) or entry.name
        names = [entry.name, getattr(entry, "official_name", ""), getattr(entry, "common_name", ""), en.get(iso2, "")]
        country_aliases = [n for n in names + aliases.get(iso2, []) if n and n != name_en]
        values = {
            "iso3": entry.alpha_3,
            "name_en": name_en,
            "name_vi": vi.get(iso2, ""),
            "official_name": getattr(entry, "official_name", "") or "",
            "aliases": country_aliases,
            "region": regions.get(iso2, {}).get("region", ""),
            "subregion": regions.get(iso2, {}).get("subregion", ""),
        }
        country = existing.get(iso2)
        if country is None:
            country = Country(iso2=iso2, owner=owner, **values)
            country.save()
            counts["countries created"] += 1
        elif any(getattr(country, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(country, key, value)
            country.save()
            counts["countries updated"] += 1
        result[iso2] = country
    return result


def load_partnerships(countries, counts):
    levels = set(PartnershipLevel.values)
    for row in read_csv("partnerships.csv"):
        country = countries.get(row["iso2"].upper())
        date_from = parse_date(row["date_from"])
        if country is None or row["level"] not in levels or date_from is None:
            counts["partnership rows skipped"] += 1
            continue
        _, created = Partnership.objects.update_or_create(
            country=country, date_from=date_from,
            defaults={"level": row["level"], "note": row.get("note", "")[:500],
                      "source_url": row.get("source_url", "")[:1000]},
        )
        counts["partnership steps created" if created else "partnership steps checked"] += 1


def load_provinces(owner, counts) -> dict[str, Province]:
    result = {}
    for row in read_csv("provinces.csv"):
        merged = split_list(row.get("merged_from_vi", "")) + split_list(row.get("merged_from_en", ""))
        kind = row.get("kind") if row.get("kind") in ProvinceKind.values else ProvinceKind.PROVINCE
        province, created = Province.objects.update_or_create(
            code=row["code"],
            defaults={"name_vi": row["name_vi"], "name_en": row["name_en"], "kind": kind,
                      "capital": row.get("capital_vi", ""), "merged_from": merged, "owner": owner},
        )
        counts["provinces created" if created else "provinces checked"] += 1
        result[province.code] = province
    return result


def load_organisations(owner, countries, provinces, counts) -> dict[str, Organisation]:
    rows = read_csv("organisations.csv")
    kinds = set(OrganisationKind.values)
    result = {o.key: o for o in Organisation.objects.exclude(key=None)}
    for row in rows:
        key = row["key"]
        if not key or not (row.get("name_en") or row.get("name_vi")):
            counts["organisation rows skipped"] += 1
            continue
        province = None
        if key.startswith("pufo-"):
            province = provinces.get(key.removeprefix("pufo-"))
        values = {
            "name_en": row.get("name_en", ""), "name_vi": row.get("name_vi", ""),
            "acronym": row.get("acronym", "")[:40],
            "kind": row.get("kind") if row.get("kind") in kinds else OrganisationKind.OTHER,
            "home_country": countries.get(row.get("home_country", "").upper()),
            "partner_country": countries.get(row.get("partner_country", "").upper()),
            "website": row.get("website", "")[:500], "aliases": split_list(row.get("aliases", "")),
            "province": province, "owner": owner,
        }
        org = result.get(key)
        if org is None:
            from amity.extract.normalize import fold

            org = Organisation.objects.filter(name_key=fold(values["name_en"] or values["name_vi"])).first()
        if org is None:
            org = Organisation(key=key, **values)
            counts["organisations created"] += 1
        else:
            for k, v in values.items():
                setattr(org, k, v)
            org.key = key
            counts["organisations checked"] += 1
        org.save()
        result[key] = org
    for row in rows:  # second pass: parents exist now
        org, parent = result.get(row["key"]), result.get(row.get("parent_key", ""))
        if org and parent and org.parent_id != parent.pk and org.pk != parent.pk:
            org.parent = parent
            org.save(update_fields=["parent"])
    return result


def load_people(owner, countries, orgs, counts):
    for row in read_csv("people.csv"):
        name = row.get("name_en") or row.get("name_vi")
        date_from = parse_date(row.get("date_from", ""))
        if not name:
            continue
        person, created = Person.objects.get_or_create(
            full_name=name,
            defaults={"name_vi": row.get("name_vi", ""), "country": countries.get(row.get("country", "").upper()),
                      "owner": owner},
        )
        counts["people created" if created else "people checked"] += 1
        if row.get("title") and date_from:
            Post.objects.get_or_create(
                person=person, title=row["title"], organisation=orgs.get(row.get("org_key", "")),
                date_from=date_from, defaults={"date_to": parse_date(row.get("date_to", ""))},
            )


def create_groups():
    from django.contrib.auth.models import Group

    from amity.core.permissions import ROLES

    for name in ROLES:
        Group.objects.get_or_create(name=name)
