"""Early signals: per partner (country, organisation, person), the number of documents mentioning it each day
against a rolling baseline of the previous days. A count with a z-score above the threshold (and at least a
minimum count) is a spike; a partner never mentioned before is a first mention (once the corpus has history).

Counts are documents, not mentions, and near-duplicate copies (``duplicate_of``) are left out, so one story
republished thirty times does not look like a surge. A document counts on its date; one without a date on the local
day it was ingested (``created_at``).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from amity.core.dateranges import merged_ranges
from amity.core.sql import chunks, update_rows

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

    return DocumentMention.objects.filter(document__duplicate_of__isnull=True)


def document_day(document) -> dt.date | None:
    """The day a document counts on: its date, else the local day it was ingested (``created_at``)."""
    date = getattr(document, "date", None)
    if date:
        return date
    created = getattr(document, "created_at", None)
    return timezone.localdate(created) if created else None


# A document's day is its date, else the local day of its created_at. Each read below is two queries, dated
# documents by date (indexed) and undated ones by created_at range: a COALESCE of the two would defeat the
# date index on a large corpus.


def _dated(qs):
    return qs.filter(document__date__isnull=False)


def _undated(qs):
    return qs.filter(document__date__isnull=True)


def _midnight(day: dt.date) -> dt.datetime:
    """Local midnight at the start of ``day``, as an aware datetime."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _created_in(first: dt.date, last: dt.date) -> Q:
    """Undated documents ingested on a local day from ``first`` to ``last`` (inclusive)."""
    return Q(document__created_at__gte=_midnight(first), document__created_at__lt=_midnight(last + dt.timedelta(days=1)))


def _oldest(undated: bool):
    """The date (``undated``: the created_at) of the oldest non-duplicate document with a mention. Documents are
    read in date order through the date index until one is not a copy, instead of every mention sorted by its
    document's date (which scans the whole corpus, once per batch)."""
    from django.db.models import Exists, OuterRef

    from amity.intake.models import Document, DocumentMention

    field = "created_at" if undated else "date"
    mentioning = Document.objects.filter(Exists(DocumentMention.objects.filter(document=OuterRef("pk"))),
                                         date__isnull=undated).order_by(field)
    for value, duplicate_of in mentioning.values_list(field, "duplicate_of_id")[:50]:
        if duplicate_of is None:
            return value
    return mentioning.filter(duplicate_of__isnull=True).values_list(field, flat=True).first()


def _day_rows(qs, attr: str, ranges, undated: bool = True) -> list[tuple[int, dt.date, int]]:
    """(partner id, day, document id) of the mentions in ``qs`` whose document's day is within one of
    ``ranges`` ((first, last) days). ``undated=False``: the caller knows there are no undated documents."""
    by_date, by_created = Q(), Q()
    for first, last in merged_ranges(ranges):
        by_date |= Q(document__date__range=(first, last))
        by_created |= _created_in(first, last)
    rows = list(_dated(qs).filter(by_date).values_list(f"{attr}_id", "document__date", "document_id"))
    if not undated:
        return rows
    rows.extend((pid, timezone.localdate(created), doc_id) for pid, created, doc_id in
                _undated(qs).filter(by_created).values_list(f"{attr}_id", "document__created_at", "document_id"))
    return rows


def evaluate(day: dt.date, partners: dict[str, set[int]] | None = None, *, window: int = WINDOW_DAYS,
             z_threshold: float = Z_THRESHOLD, min_count: int = MIN_COUNT) -> list[Result]:
    """The signals of ``day`` (for the given partners only, if given). Pure reading, no writes."""
    mentions = _mentions()
    start = day - dt.timedelta(days=window)
    has_history = (_dated(mentions).filter(document__date__lt=start).exists()
                   or _undated(mentions).filter(document__created_at__lt=_midnight(start)).exists())
    out = []
    for attr in PARTNER_FIELDS:
        qs = mentions.filter(**{f"{attr}__isnull": False})
        if partners is not None:
            ids = partners.get(attr) or set()
            if not ids:
                continue
            qs = qs.filter(**{f"{attr}_id__in": ids})
        docs: dict[int, dict[dt.date, set[int]]] = defaultdict(lambda: defaultdict(set))
        for pid, date, doc_id in _day_rows(qs, attr, [(start, day)]):
            docs[pid][date].add(doc_id)
        today_ids = [pid for pid, by_day in docs.items() if by_day.get(day)]
        if not today_ids:
            continue
        before = mentions.filter(**{f"{attr}_id__in": today_ids})
        seen_before = set(_dated(before).filter(document__date__lt=day).values_list(f"{attr}_id", flat=True)
                          .distinct())
        seen_before.update(_undated(before).filter(document__created_at__lt=_midnight(day))
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


def partners_mentioned(document_ids) -> dict[int, dict[str, set[int]]]:
    """document id -> the partner records it mentions ({"country": ids, "organisation": ids, "person": ids}),
    for every id asked (empty sets when none), in one query."""
    from amity.intake.models import DocumentMention

    out = {pk: {attr: set() for attr in PARTNER_FIELDS} for pk in document_ids}
    if not out:
        return out
    for row in DocumentMention.objects.filter(document_id__in=list(out)).values(
            "document_id", *(f"{attr}_id" for attr in PARTNER_FIELDS)):
        for attr in PARTNER_FIELDS:
            if row[f"{attr}_id"]:
                out[row["document_id"]][attr].add(row[f"{attr}_id"])
    return out


def recent_enough(day: dt.date | None) -> bool:
    """Signals are news: the ingestion hooks evaluate only days within ``AMITY_SIGNAL_RECENT_DAYS`` (30) of
    today. An archive import (documents of past years) raises no alerts about spikes long gone and costs no
    baseline queries for hundreds of past days; ``amity compute_signals --date D`` evaluates any past day."""
    if day is None:
        return False
    from django.conf import settings

    recent = getattr(settings, "AMITY_SIGNAL_RECENT_DAYS", 30)
    return not recent or day >= timezone.localdate() - dt.timedelta(days=recent)


def signals_for_document(document) -> list:
    """POST_EXTRACT hook: re-evaluate the document's day (its date, else its ingestion day) for the partners it
    mentions, if that day is recent (``recent_enough``)."""
    day = document_day(document)
    if not recent_enough(day) or getattr(document, "duplicate_of_id", None):
        return []
    partners = partners_mentioned([document.pk])[document.pk]
    if not any(partners.values()):
        return []
    return compute_signals(day, partners)


def evaluate_many(days: dict[dt.date, dict[str, set[int]]], *, window: int = WINDOW_DAYS,
                  z_threshold: float = Z_THRESHOLD, min_count: int = MIN_COUNT) -> dict[dt.date, list[Result]]:
    """``evaluate(day, partners)`` for several days at once (day -> partners), in a few queries for all of
    them: the same results as evaluating each day on its own."""
    from django.db.models import Count, Min

    days = {day: partners for day, partners in days.items() if any(partners.values())}
    out: dict[dt.date, list[Result]] = {day: [] for day in days}
    if not days:
        return out
    mentions = _mentions()
    oldest = _oldest(False)
    oldest_undated = _oldest(True)
    any_undated = oldest_undated is not None  # usually none: their queries are skipped
    if any_undated:
        oldest = min(filter(None, (oldest, timezone.localdate(oldest_undated))))
    starts = {day: day - dt.timedelta(days=window) for day in days}
    in_windows, created_in_windows = Q(), Q()
    for first, last in merged_ranges((starts[day], day) for day in days):
        in_windows |= Q(document__date__range=(first, last))
        created_in_windows |= _created_in(first, last)
    for attr in PARTNER_FIELDS:
        ids = set().union(*(partners.get(attr) or set() for partners in days.values()))
        if not ids:
            continue
        counts: dict[int, dict[dt.date, int]] = defaultdict(dict)  # documents per partner and day
        for chunk in chunks(ids):
            of_chunk = mentions.filter(**{f"{attr}_id__in": chunk})  # the IN list resolved once per chunk
            for pid, date, n in (_dated(of_chunk).filter(in_windows).order_by()
                                 .values_list(f"{attr}_id", "document__date")
                                 .annotate(n=Count("document_id", distinct=True))):
                counts[pid][date] = n
            if not any_undated:
                continue
            undated: dict[tuple[int, dt.date], set[int]] = defaultdict(set)  # few: counted here
            for pid, created, doc_id in (_undated(of_chunk).filter(created_in_windows)
                                         .values_list(f"{attr}_id", "document__created_at", "document_id")):
                undated[pid, timezone.localdate(created)].add(doc_id)
            for (pid, date), doc_ids in undated.items():
                counts[pid][date] = counts[pid].get(date, 0) + len(doc_ids)
        found: list[Result] = []
        # Mentioned before the day? Yes if within the window already read; else ask (rare partners only).
        unknown = {pid for day in days for pid in days[day].get(attr) or ()
                   if counts.get(pid, {}).get(day) and not any(d < day for d in counts[pid])}
        first_seen = {}
        for chunk in chunks(unknown):
            of_chunk = mentions.filter(**{f"{attr}_id__in": chunk})
            first_seen.update(_dated(of_chunk).order_by()
                              .values_list(f"{attr}_id").annotate(first=Min("document__date"))
                              .values_list(f"{attr}_id", "first"))
            if not any_undated:
                continue
            for pid, created in (_undated(of_chunk).order_by()
                                 .values_list(f"{attr}_id").annotate(first=Min("document__created_at"))
                                 .values_list(f"{attr}_id", "first")):
                day = timezone.localdate(created)
                if first_seen.get(pid) is None or day < first_seen[pid]:
                    first_seen[pid] = day
        for day in sorted(days):
            start = starts[day]
            has_history = oldest is not None and oldest < start
            for pid in sorted(days[day].get(attr) or ()):
                by_day = counts.get(pid)
                if not by_day or not by_day.get(day):
                    continue
                count = by_day[day]
                history = [by_day.get(start + dt.timedelta(days=i), 0) for i in range(window)]
                mean = sum(history) / window
                sd = math.sqrt(sum((h - mean) ** 2 for h in history) / window)
                z = (count - mean) / max(sd, MIN_SD)
                documents = [day]  # replaced below by the day's documents (read for the signals found only)
                if pid not in unknown or first_seen.get(pid) is None:
                    seen_before = pid not in unknown
                else:
                    seen_before = first_seen[pid] < day
                if not seen_before and has_history:
                    found.append(Result(attr, pid, "first", count, mean, sd, round(z, 2), documents))
                elif count >= min_count and z > z_threshold:
                    found.append(Result(attr, pid, "spike", count, mean, sd, round(z, 2), documents))
        if found:
            today: dict[tuple[int, dt.date], set[int]] = defaultdict(set)
            found_days = sorted({r.documents[0] for r in found})
            for chunk in chunks({r.partner_id for r in found}):
                for pid, date, doc_id in _day_rows(mentions.filter(**{f"{attr}_id__in": chunk}), attr,
                                                   [(d, d) for d in found_days], undated=any_undated):
                    today[pid, date].add(doc_id)
            for r in found:
                day = r.documents[0]
                r.documents = sorted(today[r.partner_id, day])
                out[day].append(r)
    return out


def store_many(days: dict[dt.date, dict[str, set[int]]], results: dict[dt.date, list[Result]]) -> list:
    """Store the signals of several days (``compute_signals(day, partners)`` for each): the day's earlier
    signals of these partners are replaced."""
    from django.apps import apps

    from amity.monitor.models import Signal

    stored = []
    with transaction.atomic():
        for attr, label in PARTNER_FIELDS.items():
            ids = set().union(*(partners.get(attr) or set() for partners in days.values()))
            if not ids:
                continue
            model = apps.get_model(label)
            ct = ContentType.objects.get_for_model(model)
            mine = {day: [r for r in results.get(day, ()) if r.attr == attr] for day in days}
            objects = model.objects.in_bulk({r.partner_id for rs in mine.values() for r in rs})
            existing = []
            for chunk in chunks(ids):
                existing.extend(Signal.objects.filter(partner_type=ct, date__in=list(days), partner_id__in=chunk)
                                .values_list("id", "date", "partner_id"))
            keep: dict[dt.date, set[int]] = defaultdict(set)
            have = {(day, pid): pk for pk, day, pid in existing}
            fresh = []  # signals of partner-days without one yet: written together
            changed = []  # signals of partner-days with one already: updated together
            for day in sorted(days):
                for r in mine[day]:
                    obj = objects.get(r.partner_id)
                    if obj is None:
                        continue
                    keep[day].add(r.partner_id)
                    fields = {"kind": r.kind, "label": str(obj)[:300], "count": r.count,
                              "baseline_mean": round(r.mean, 3), "baseline_std": round(r.sd, 3), "z": r.z}
                    if (day, r.partner_id) not in have:
                        fresh.append((Signal(partner_type=ct, partner_id=r.partner_id, date=day, **fields), r))
                        continue
                    changed.append((Signal(pk=have[day, r.partner_id], partner_type=ct, partner_id=r.partner_id,
                                           date=day, **fields), r))
            stored.extend(_update_signals(attr, changed))
            stored.extend(_create_signals(attr, fresh))
            stale = [pk for pk, day, pid in existing
                     if pid in (days[day].get(attr) or ()) and pid not in keep[day]]
            if stale:
                Signal.objects.filter(pk__in=stale).delete()
    return stored


_SIGNAL_FIELDS = ("kind", "label", "count", "baseline_mean", "baseline_std", "z")


def _update_signals(attr: str, changed: list) -> list:
    """Rewrite existing signals (their figures and documents) in a few statements; one by one
    (update_or_create) if one of them was deleted meanwhile."""
    from amity.intake.pipeline import _Row, insert_rows
    from amity.monitor.models import Signal

    if not changed:
        return []
    through = Signal.documents.through
    with transaction.atomic():
        if update_rows(Signal, [s for s, _r in changed], list(_SIGNAL_FIELDS)) == len(changed):
            through.objects.filter(signal_id__in=[s.pk for s, _r in changed])._raw_delete(through.objects.db)
            insert_rows(through, [_Row(signal_id=s.pk, document_id=doc_id)
                                  for s, r in changed for doc_id in r.documents])
            for signal, _r in changed:
                signal._state.adding = False
            return [s for s, _r in changed]
    return _store_one_by_one(attr, changed)  # some deleted meanwhile


def _store_one_by_one(attr: str, signals: list) -> list:
    """The batch writers' fallback when another process wrote or deleted one of their signals meanwhile: each
    (signal, result) through update_or_create, its documents set, watchers told of the ones created."""
    from amity.monitor.models import Signal

    stored = []
    for signal, r in signals:
        fields = {f: getattr(signal, f) for f in _SIGNAL_FIELDS}
        found, created = Signal.objects.update_or_create(
            partner_type_id=signal.partner_type_id, partner_id=signal.partner_id, date=signal.date, defaults=fields)
        found.documents.set(r.documents)
        stored.append(found)
        if created:
            notify_watchers(attr, found)
    return stored


def _create_signals(attr: str, fresh: list) -> list:
    """Insert new signals (and their documents) in a few statements; one by one (update_or_create) if another
    process wrote one of them meanwhile."""
    from amity.monitor.models import Signal

    if not fresh:
        return []
    try:
        with transaction.atomic():
            created = Signal.objects.bulk_create([signal for signal, _r in fresh])
            through = Signal.documents.through
            through.objects.bulk_create([through(signal_id=signal.pk, document_id=doc_id)
                                         for signal, r in zip(created, (r for _s, r in fresh), strict=True)
                                         for doc_id in r.documents])
    except IntegrityError:
        return _store_one_by_one(attr, fresh)
    from amity.monitor.models import Watchlist

    field = WATCH_FIELDS[attr]
    watched = set(Watchlist.objects.filter(active=True, **{f"{field}__in": {s.partner_id for s in created}})
                  .values_list(field, flat=True))
    for signal in created:
        if signal.partner_id in watched:  # nobody watches the others: no need to ask for each
            notify_watchers(attr, signal)
    return created


def signals_for_documents(documents) -> list:
    """The batch form of ``signals_for_document``: each document's day re-evaluated for the partners it
    mentions, with the days of the batch evaluated together."""
    by_id = {d.pk: document_day(d) for d in documents if not getattr(d, "duplicate_of_id", None)}
    by_id = {pk: day for pk, day in by_id.items() if recent_enough(day)}
    if not by_id:
        return []
    days: dict[dt.date, dict[str, set[int]]] = {}
    for pk, partners in partners_mentioned(by_id).items():
        if any(partners.values()):
            day = days.setdefault(by_id[pk], {attr: set() for attr in PARTNER_FIELDS})
            for attr, ids in partners.items():
                day[attr] |= ids
    if not days:
        return []
    return store_many(days, evaluate_many(days))


def recent_signals(days: int = 14):
    from amity.monitor.models import Signal

    since = timezone.localdate() - dt.timedelta(days=days)
    return Signal.objects.filter(date__gte=since).select_related("partner_type").order_by("-date", "-z", "-count")
