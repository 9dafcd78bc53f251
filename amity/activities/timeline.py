"""One chronological timeline per partner (country, organisation, person).

``TIMELINE_SOURCES`` is a list of provider callables ``provider(obj) -> iterable of Entry``; other apps append
theirs (the intake app will add news mentions with ``kind="news"``). Built-in providers: activities (with
money), partnership changes, agreements, posts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _


@dataclass
class Entry:
    date: dt.date
    kind: str  # activity | partnership | agreement | post | news | ...
    title: str
    url: str = ""
    detail: str = ""
    money: str = ""
    when: str = ""  # display of an approximate date ("June 2025"); empty means the exact date
    upcoming: bool = False


def _partner_q(obj, prefix: str = ""):
    from amity.partners.models import Country, Organisation, Person

    if isinstance(obj, Country):
        return Q(**{f"{prefix}countries": obj}) | Q(**{f"{prefix}location_country": obj})
    if isinstance(obj, Organisation):
        return Q(**{f"{prefix}organisations": obj}) | Q(**{f"{prefix}lead_organisation": obj})
    if isinstance(obj, Person):
        return Q(**{f"{prefix}persons": obj})
    return None


def activities_for(obj):
    from amity.activities.models import Activity

    q = _partner_q(obj)
    if q is None:
        return Activity.objects.none()
    ids = Activity.objects.filter(q).values("pk")
    return Activity.objects.filter(pk__in=ids).select_related("lead_organisation", "owner", "location_country")


def agreements_for(obj):
    from amity.activities.models import Agreement
    from amity.partners.models import Country, Organisation

    if isinstance(obj, Country):
        return Agreement.objects.filter(countries=obj).distinct()
    if isinstance(obj, Organisation):
        return Agreement.objects.filter(organisations=obj).distinct()
    return Agreement.objects.none()


def activity_entries(obj):
    today = timezone.localdate()
    for a in activities_for(obj).order_by("-start")[:300]:
        detail = " · ".join(x for x in (a.get_type_display(), a.get_pillar_display(), a.get_level_display(),
                                        a.get_status_display()) if x)
        yield Entry(a.start, "activity", a.title, a.get_absolute_url(), detail, a.money_label,
                    a.when if a.precision != "day" else "", a.start > today)


def partnership_entries(obj):
    from amity.partners.models import Country

    if isinstance(obj, Country):
        for step in obj.partnerships.order_by("date_from"):
            yield Entry(step.date_from, "partnership", step.get_level_display(), "", step.note)


def agreement_entries(obj):
    today = timezone.localdate()
    for ag in agreements_for(obj):
        if ag.signed_on:
            yield Entry(ag.signed_on, "agreement", _("Signed: %(title)s") % {"title": ag.title}, ag.get_absolute_url(),
                        ag.get_kind_display())
        if ag.in_force_until:
            yield Entry(ag.in_force_until, "agreement", _("In force until: %(title)s") % {"title": ag.title},
                        ag.get_absolute_url(), ag.get_status_display(), upcoming=ag.in_force_until > today)


def post_entries(obj):
    from amity.partners.models import Person

    if isinstance(obj, Person):
        for post in obj.posts.select_related("organisation"):
            yield Entry(post.date_from, "post", str(post), "", _("from %(d)s") % {"d": post.date_from})


TIMELINE_SOURCES: list = [activity_entries, partnership_entries, agreement_entries, post_entries]


def timeline_for(obj, limit: int = 150) -> list[Entry]:
    entries: list[Entry] = []
    for provider in TIMELINE_SOURCES:
        try:
            entries.extend(provider(obj) or [])
        except Exception:  # noqa: BLE001 - one broken provider must not break the partner page
            import logging

            logging.getLogger(__name__).exception("timeline provider %r failed", provider)
    entries.sort(key=lambda e: (e.date, e.kind), reverse=True)
    return entries[:limit]


def timeline_panel(request, obj):
    from amity.partners.models import Country

    kind = type(obj).__name__.lower()
    key = obj.iso2 if isinstance(obj, Country) else obj.pk
    add = reverse("activities:activity_add")
    if isinstance(obj, Country):
        add += f"?country={obj.iso2}"
    return {
        "template": "activities/_timeline_panel.html",
        "entries": timeline_for(obj),
        "brief": {fmt: {lang: reverse("activities:brief", args=[kind, key, fmt]) + f"?lang={lang}"
                        for lang in ("en", "vi")} for fmt in ("pdf", "docx")},
        "add_url": add,
    }


def register_panels():
    from amity.core.registry import register_panel
    from amity.partners.models import Country, Organisation, Person

    for model in (Country, Organisation, Person):
        register_panel(model, timeline_panel)
