"""``amity gazetteer build``: export partner records (organisations, people, provinces) as the extraction
engine's gazetteer snapshot, so the pipeline finds the names the database knows. Written atomically to
``settings.VAR_DIR / "gazetteer.json"`` (or ``--output``); ``amity ingest`` loads it when present (or the file
named by $AMITY_GAZETTEER).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

ENGINE_ORG_KINDS = {"friendship_union", "friendship_association", "ngo", "party", "government", "parliament",
                    "international_org", "university", "business", "media", "other"}


def snapshot_records() -> dict:
    from amity.partners.models import Organisation, Person, Post, Province

    organizations = []
    for org in Organisation.objects.select_related("home_country").order_by("pk"):
        name = org.name_en or org.name_vi
        if not name:
            continue
        aliases = [a for a in [org.name_vi, org.acronym, *org.aliases] if a and a != name]
        organizations.append({
            "name": name, "canonical": name,
            "kind": org.kind if org.kind in ENGINE_ORG_KINDS else "other",
            "country": org.home_country.iso2 if org.home_country_id else None, "aliases": aliases,
        })
    today = timezone.localdate()
    current: dict[int, Post] = {}
    for post in Post.objects.select_related("organisation").filter(date_from__lte=today).order_by("date_from"):
        if post.date_to is None or post.date_to >= today:
            current[post.person_id] = post
    persons = []
    for person in Person.objects.order_by("pk"):
        post = current.get(person.pk)
        persons.append({
            "name": person.full_name, "title": post.title if post else None,
            "org": str(post.organisation) if post and post.organisation_id else None,
            "aliases": [a for a in [person.name_vi, *person.aliases] if a and a != person.full_name],
        })
    places = [{"name": p.name_en, "kind": p.kind, "country": "VN",
               "aliases": [a for a in [p.name_vi, *p.merged_from, *p.aliases] if a and a != p.name_en]}
              for p in Province.objects.order_by("pk")]
    return {"organizations": organizations, "persons": persons, "places": places}


def build(path: Path | None = None) -> tuple[Path, int]:
    from amity.extract.gazetteer import write_snapshot

    path = Path(path or Path(settings.VAR_DIR) / "gazetteer.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    return path, write_snapshot(path, **snapshot_records())


class Command(BaseCommand):
    help = "Gazetteer snapshot of partner records for the extraction engine (subcommand: build)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["build"])
        parser.add_argument("--output", default="", help="where to write (default: VAR_DIR/gazetteer.json)")

    def handle(self, *args, **opts):
        try:
            path, count = build(Path(opts["output"]) if opts["output"] else None)
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot write the gazetteer snapshot: {exc}") from exc
        self.stdout.write(f"Gazetteer snapshot: {count} names of partner records written to {path}")
