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
from simple_history.utils import bulk_create_with_history

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


def sync(model, key_field: str, wanted: dict, counts: Counter, label: str, existing: dict | None = None) -> dict:
    """Create missing records in bulk (with their history rows), update changed ones, return all by key.

    ``wanted`` maps a natural key to the field values a record should have.
    """
    if existing is None:
        existing = {getattr(o, key_field): o for o in model.objects.filter(**{f"{key_field}__in": list(wanted)})}
    new = []
    for key, values in wanted.items():
        obj = existing.get(key)
        if obj is None:
            obj = model(**{key_field: key}, **values)
            if hasattr(obj, "prepare"):
                obj.prepare()
            new.append(obj)
            existing[key] = obj
        elif any(getattr(obj, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(obj, k, v)
            obj.save()
            counts[f"{label} updated"] += 1
        else:
            counts[f"{label} checked"] += 1
    if new:
        bulk_create_with_history(new, model, batch_size=500)
        counts[f"{label} created"] += len(new)
        # bulk_create does not return primary keys on every backend: read them back.
        ids = dict(model.objects.filter(**{f"{key_field}__in": [getattr(o, key_field) for o in new]})
                   .values_list(key_field, "pk"))
        for obj in new:
            obj.pk = ids[getattr(obj, key_field)]
    return existing


def load_countries(owner, counts) -> dict[str, Country]:
    en, vi = Locale("en").territories, Locale("vi").territories
    aliases: dict[str, list[str]] = {}
    for row in read_csv("country_aliases.csv"):
        aliases.setdefault(row["iso2"].upper(), []).append(row["alias"])
    regions = {row["iso2"].upper(): row for row in read_csv("country_regions.csv")}
    wanted = {}
    for entry in pycountry.countries:
        iso2 = entry.alpha_2
        name_en = NAME_OVERRIDES.get(iso2) or en.get(iso2) or getattr(entry, "common_name", None) or entry.name
        names = [entry.name, getattr(entry, "official_name", ""), getattr(entry, "common_name", ""), en.get(iso2, "")]
        candidate = Country(aliases=[n for n in names + aliases.get(iso2, []) if n and n != name_en])
        candidate.prepare()  # normalised aliases, so an unchanged country compares equal
        wanted[iso2] = {
            "iso3": entry.alpha_3,
            "name_en": name_en,
            "name_vi": vi.get(iso2, ""),
            "official_name": getattr(entry, "official_name", "") or "",
            "aliases": candidate.aliases,
            "region": regions.get(iso2, {}).get("region", ""),
            "subregion": regions.get(iso2, {}).get("subregion", ""),
        }
    countries = sync(Country, "iso2", wanted, counts, "countries")
    for country in countries.values():
        if country.owner_id is None:
            country.owner = owner
    Country.objects.filter(owner__isnull=True).update(owner=owner)
    return countries


def load_partnerships(countries, counts):
    levels = set(PartnershipLevel.values)
    existing = {(p.country_id, p.date_from): p for p in Partnership.objects.all()}
    new = []
    for row in read_csv("partnerships.csv"):
        country = countries.get(row["iso2"].upper())
        date_from = parse_date(row["date_from"])
        if country is None or row["level"] not in levels or date_from is None:
            counts["partnership rows skipped"] += 1
            continue
        values = {"level": row["level"], "note": row.get("note", "")[:500], "source_url": row.get("source_url", "")[:1000]}
        step = existing.get((country.pk, date_from))
        if step is None:
            step = Partnership(country=country, date_from=date_from, **values)
            existing[(country.pk, date_from)] = step
            new.append(step)
        elif any(getattr(step, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(step, k, v)
            step.save()
            counts["partnership steps updated"] += 1
        else:
            counts["partnership steps checked"] += 1
    if new:
        bulk_create_with_history(new, Partnership)
        counts["partnership steps created"] += len(new)


def load_provinces(owner, counts) -> dict[str, Province]:
    wanted = {}
    for row in read_csv("provinces.csv"):
        merged = split_list(row.get("merged_from_vi", "")) + split_list(row.get("merged_from_en", ""))
        candidate = Province(merged_from=merged)
        candidate.prepare()
        wanted[row["code"]] = {
            "name_vi": row["name_vi"], "name_en": row["name_en"],
            "kind": row.get("kind") if row.get("kind") in ProvinceKind.values else ProvinceKind.PROVINCE,
            "capital": row.get("capital_vi", ""), "merged_from": candidate.merged_from, "owner": owner,
        }
    return sync(Province, "code", wanted, counts, "provinces")


def load_organisations(owner, countries, provinces, counts) -> dict[str, Organisation]:
    from amity.extract.normalize import fold

    kinds = set(OrganisationKind.values)
    rows = [r for r in read_csv("organisations.csv") if r.get("key") and (r.get("name_en") or r.get("name_vi"))]
    existing = {o.key: o for o in Organisation.objects.exclude(key=None)}
    by_name = {o.name_key: o for o in Organisation.objects.filter(key=None)}
    wanted = {}
    for row in rows:
        key = row["key"]
        candidate = Organisation(name_en=row.get("name_en", ""), name_vi=row.get("name_vi", ""),
                                 aliases=split_list(row.get("aliases", "")))
        candidate.prepare()
        wanted[key] = {
            "name_en": row.get("name_en", ""), "name_vi": row.get("name_vi", ""),
            "acronym": row.get("acronym", "")[:40],
            "kind": row.get("kind") if row.get("kind") in kinds else OrganisationKind.OTHER,
            "home_country": countries.get(row.get("home_country", "").upper()),
            "partner_country": countries.get(row.get("partner_country", "").upper()),
            "website": row.get("website", "")[:500], "aliases": candidate.aliases,
            "province": provinces.get(key.removeprefix("pufo-")) if key.startswith("pufo-") else None,
            "owner": owner,
        }
        match = by_name.get(fold(row.get("name_en") or row.get("name_vi")))
        if key not in existing and match is not None:  # adopt a record someone created by hand
            match.key = key
            existing[key] = match
    parents = {row["key"]: row.get("parent_key", "") for row in rows}
    # Create parents before children so that every record is born with its parent (and its history says so).
    result = existing
    pending = dict(wanted)
    while pending:
        ready = {k: v for k, v in pending.items() if not parents.get(k) or parents[k] in result or parents[k] not in pending}
        if not ready:  # a cycle in the data: create the rest without parents
            ready = pending
        for key, values in ready.items():
            parent = result.get(parents.get(key, ""))
            values["parent"] = parent if parent is not None and parent.key != key else None
        result = sync(Organisation, "key", ready, counts, "organisations", existing=result)
        for key in ready:
            pending.pop(key)
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
