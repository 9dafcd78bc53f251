"""Early signals: per partner (country, organisation, person), the number of documents mentioning it each day
against a rolling baseline of the previous days. A count with a z-score above the threshold (and at least a
minimum count) is a spike; a partner never mentioned before is a first mention (once the corpus has history).

Counts are documents, not mentions, and near-duplicate copies (``duplicate_of``) are left out, so one story
republished thirty times does not look like a surge.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

WINDOW_DAYS = 28
Z_THRESHOLD = 3.0
MIN_COUNT = 3
MIN_SD = 1.0  # floor of the baseline's standard deviation: a quiet partner needs a real jump, not one article

PARTNER_FIELDS = {"country": "partners.Country", "organisation": "partners.Organisation",
                  "person": "partners.Person"}


@dataclass
class Result:
    attr: str
    partner_id: int
    kind: str
    count: int
    mean: float
    sd: float
    z: float | None
    documents: list[int]


def _mentions():
    from amity.intake.models import DocumentMention

    return DocumentMention.objects.filter(document__duplicate_of__isnull=True, document__date__isnull=False)


def evaluate(day: dt.date, partners: dict[str, set[int]] | None = None, *, window: int = WINDOW_DAYS,
             z_threshold: float = Z_THRESHOLD, min_count: int = MIN_COUNT) -> list[Result]:
    """The signals of ``day`` (for the given partners only, if given). Pure reading, no writes."""
    mentions = _mentions()
    start = day - dt.timedelta(days=window)
    has_history = mentions.filter(document__date__lt=start).exists()
    out = []
    for attr in PARTNER_FIELDS:
        qs = mentions.filter(**{f"{attr}__isnull": False, "document__date__range": (start, day)})
        if partners is not None:
            ids = partners.get(attr) or set()
            if not ids:
                continue
            qs = qs.filter(**{f"{attr}_id__in": ids})
        docs: dict[int, dict[dt.date, set[int]]] = defaultdict(lambda: defaultdict(set))
        for pid, date, doc_id in qs.values_list(f"{attr}_id", "document__date", "document_id"):
            docs[pid][date].add(doc_id)
        today_ids = [pid for pid, by_day in docs.items() if by_day.get(day)]
        if not today_ids:
            continue
        seen_before = set(mentions.filter(**{f"{attr}_id__in": today_ids, "document__date__lt": day})
                          .values_list(f"{attr}_id", flat=True).distinct())
        for pid in today_ids:
            by_day = docs[pid]
            count = len(by_day[day])
            history = [len(by_day.get(start + dt.timedelta(days=i), ())) for i in range(window)]
            mean = sum(history) / window
            sd = math.sqrt(sum((h - mean) ** 2 for h in history) / window)
            z = (count - mean) / max(sd, MIN_SD)
            documents = sorted(by_day[day])
            if pid not in seen_before and has_history:
                out.append(Result(attr, pid, "first", count, mean, sd, round(z, 2), documents))
            elif count >= min_count and z > z_threshold:
                out.append(Result(attr, pid, "spike", count, mean, sd, round(z, 2), documents))
    return out


def compute_signals(day: dt.date | None = None, partners: dict[str, set[int]] | None = None, **kwargs) -> list:
    """Evaluate ``day`` and store its signals (replacing the day's earlier ones for these partners)."""
    from django.apps import apps

    from amity.monitor.models import Signal

    day = day or timezone.localdate()
    results = evaluate(day, partners, **kwargs)
    stored = []
    with transaction.atomic():
        for attr, label in PARTNER_FIELDS.items():
            model = apps.get_model(label)
            ct = ContentType.objects.get_for_model(model)
            mine = [r for r in results if r.attr == attr]
            objects = model.objects.in_bulk([r.partner_id for r in mine])
            keep = set()
            for r in mine:
                obj = objects.get(r.partner_id)
                if obj is None:
                    continue
                signal, _created = Signal.objects.update_or_create(
                    partner_type=ct, partner_id=r.partner_id, date=day,
                    defaults={"kind": r.kind, "label": str(obj)[:300], "count": r.count,
                              "baseline_mean": round(r.mean, 3), "baseline_std": round(r.sd, 3), "z": r.z},
                )
                signal.documents.set(r.documents)
                keep.add(r.partner_id)
                stored.append(signal)
                if _created:
                    notify_watchers(attr, signal)
            # A partner no longer signalling that day (e.g. recomputed after a duplicate was found) loses it.
            stale = Signal.objects.filter(partner_type=ct, date=day).exclude(partner_id__in=keep)
            if partners is not None:
                stale = stale.filter(partner_id__in=partners.get(attr) or set())
            stale.delete()
    return stored


WATCH_FIELDS = {"country": "countries", "organisation": "organisations", "person": "persons"}


def notify_watchers(attr: str, signal) -> None:
    """Users watching the partner hear of a new signal in the app."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from amity.core.models import notify
    from amity.monitor.models import Watchlist

    users = [w.user for w in Watchlist.objects.filter(active=True, **{WATCH_FIELDS[attr]: signal.partner_id})
             .select_related("user")]
    if users:
        notify(users, _("Signal: %(partner)s — %(kind)s (%(n)d documents on %(date)s)") % {
            "partner": signal.label, "kind": signal.get_kind_display(), "n": signal.count, "date": signal.date},
            url=reverse("monitor:signal_list"), kind="signal")


def signals_for_document(document) -> list:
    """POST_EXTRACT hook: re-evaluate the document's day for the partners it mentions."""
    if not getattr(document, "date", None) or getattr(document, "duplicate_of_id", None):
        return []
    from amity.intake.models import DocumentMention

    partners: dict[str, set[int]] = {attr: set() for attr in PARTNER_FIELDS}
    for row in DocumentMention.objects.filter(document=document).values("country_id", "organisation_id",
                                                                          "person_id"):
        for attr in PARTNER_FIELDS:
            if row[f"{attr}_id"]:
                partners[attr].add(row[f"{attr}_id"])
    if not any(partners.values()):
        return []
    return compute_signals(document.date, partners)


def recent_signals(days: int = 14):
    from amity.monitor.models import Signal

    since = timezone.localdate() - dt.timedelta(days=days)
    return Signal.objects.filter(date__gte=since).select_related("partner_type").order_by("-date", "-z", "-count")
