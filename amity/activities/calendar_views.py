"""Calendar of activities (month grid, week, list) and the private iCalendar feed."""

from __future__ import annotations

import calendar as pycal
import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from amity.activities.choices import Precision, Status
from amity.activities.filtersets import ActivityFilterSet
from amity.activities.models import Activity, CalendarToken
from amity.core import permissions

VIEWS = ("month", "week", "list")
VIEW_LABELS = {"month": gettext_lazy("Month"), "week": gettext_lazy("Week"), "list": gettext_lazy("List")}
FILTER_KEYS = ("pillar", "type", "status", "country", "organisation", "person", "province", "priority")
MAX_FEED_EVENTS = 3000


def _anchor(request) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("date", "")[:10])
    except ValueError:
        return timezone.localdate()


def _filter_params(request) -> str:
    params = request.GET.copy()
    for key in list(params):
        if key not in FILTER_KEYS or not params.get(key):
            params.pop(key)
    return params.urlencode()


def filtered(request):
    filterset = ActivityFilterSet(request.GET or None, queryset=Activity.objects.all(), request=request)
    return filterset, filterset.qs.select_related("lead_organisation", "owner", "location_country")


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    return dt.date(day.year + month // 12, month % 12 + 1, 1)


def calendar_view(request):
    view = request.GET.get("view", "month")
    view = view if view in VIEWS else "month"
    anchor = _anchor(request)
    filterset, activities = filtered(request)
    today = timezone.localdate()
    context = {"view": view, "anchor": anchor, "filterset": filterset, "today": today,
               "filter_params": _filter_params(request), "views": [(v, VIEW_LABELS[v]) for v in VIEWS]}
    if view == "month":
        weeks = pycal.Calendar(firstweekday=0).monthdatescalendar(anchor.year, anchor.month)
        first, last = weeks[0][0], weeks[-1][-1]
        items = list(activities.filter(start__lte=last, span_end__gte=first).order_by("start", "id")[:1000])
        exact = [a for a in items if a.precision == Precision.DAY]
        context.update(
            weeks=[[(d, [a for a in exact if a.start <= d <= a.span_end]) for d in week] for week in weeks],
            approximate=[a for a in items if a.precision == Precision.MONTH and a.start.month == anchor.month
                         and a.start.year == anchor.year],
            title=anchor.strftime("%m/%Y"), prev=_add_months(anchor, -1), next=_add_months(anchor, 1),
        )
    elif view == "week":
        monday = anchor - dt.timedelta(days=anchor.weekday())
        days = [monday + dt.timedelta(days=i) for i in range(7)]
        items = list(activities.filter(start__lte=days[-1], span_end__gte=monday, precision=Precision.DAY)
                     .order_by("start", "id")[:500])
        context.update(days=[(d, [a for a in items if a.start <= d <= a.span_end]) for d in days],
                       title=f"{days[0].isoformat()} – {days[-1].isoformat()}",
                       prev=monday - dt.timedelta(days=7), next=monday + dt.timedelta(days=7))
    else:
        until = anchor + dt.timedelta(days=92)
        items = list(activities.filter(start__lte=until, span_end__gte=anchor).order_by("start", "id")[:500])
        for item in items:
            item.can_quick_edit = permissions.can_edit(request.user, item)
        context.update(items=items, title=f"{anchor.isoformat()} – {until.isoformat()}",
                       prev=anchor - dt.timedelta(days=92), next=until + dt.timedelta(days=1))
    token = CalendarToken.for_user(request.user)
    feed = reverse("activities:calendar_feed", args=[token.token])
    context["feed_url"] = request.build_absolute_uri(feed + (f"?{context['filter_params']}"
                                                             if context["filter_params"] else ""))
    if getattr(request, "htmx", False) and request.htmx.target == "calendar":
        return render(request, "activities/_calendar_body.html", context)
    return render(request, "activities/calendar.html", context)


def quick_edit(request, pk: int):
    """HTMX: change the dates of one activity from the calendar list (no drag and drop needed)."""
    from django.core.exceptions import ValidationError
    from django.db import transaction
    from django.shortcuts import get_object_or_404

    from amity.activities import dates, services

    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    activity = get_object_or_404(Activity, pk=pk)
    if not permissions.can_edit(request.user, activity):
        raise PermissionDenied(_("Only editors of the owner organisation can change this record."))
    error = ""
    try:
        start, precision = dates.parse_approx_date(request.POST.get("start", "")[:40])
        end_text = request.POST.get("end", "").strip()[:40]
        end, end_precision = dates.parse_approx_date(end_text) if end_text else (None, Precision.DAY)
        activity.start, activity.precision, activity.end, activity.end_precision = start, precision, end, end_precision
        activity.full_clean()
        expected = int(request.POST.get("version") or -1)
    except ValidationError as err:
        error = " ".join(err.messages)
    except ValueError:
        error = _("Reload the page and try again.")
    if not error:
        with transaction.atomic():
            if Activity.objects.filter(pk=pk, version=expected).update(version=expected + 1):
                activity.version = expected + 1
                activity.updated_by = request.user
                activity.save()
                services.refresh_conflicts(activity)
            else:
                error = _("This activity was changed by someone else meanwhile; reload to see their changes.")
    if error:
        activity.refresh_from_db()
    activity.can_quick_edit = True
    return render(request, "activities/_calendar_row.html", {"a": activity, "error": error, "saved": not error})


def regenerate_token(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.is_authenticated:
        raise PermissionDenied
    CalendarToken.for_user(request.user).regenerate()
    return redirect(reverse("activities:calendar") + "?view=list")


def calendar_feed(request, token: str):
    """iCalendar feed for calendar clients; authenticated by the secret token in the URL, not by a session."""
    from icalendar import Calendar, Event

    entry = CalendarToken.objects.select_related("user").filter(token=token[:64]).first()
    if entry is None or not entry.user.is_active:
        raise Http404
    _filterset, activities = filtered(request)
    since = timezone.localdate() - dt.timedelta(days=400)
    activities = activities.filter(span_end__gte=since).order_by("start", "id")[:MAX_FEED_EVENTS]
    cal = Calendar()
    cal.add("prodid", "-//Amity//activities//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "Amity")
    cal.add("x-published-ttl", "PT1H")  # how often subscribing clients should refresh
    base = request.build_absolute_uri("/").rstrip("/")
    for activity in activities:
        event = Event()
        event.add("uid", f"activity-{activity.pk}@amity")
        prefix = "" if activity.precision == Precision.DAY else "≈ "
        event.add("summary", f"{prefix}{activity.title}")
        event.add("dtstamp", activity.updated_at)
        event.add("last-modified", activity.updated_at)
        event.add("sequence", activity.version)
        event.add("dtstart", activity.start)
        if activity.precision == Precision.DAY:
            event.add("dtend", activity.span_end + dt.timedelta(days=1))
        else:
            event.add("dtend", activity.start + dt.timedelta(days=1))
        description = [f"{activity.get_type_display()} · {activity.get_pillar_display()} · "
                       f"{activity.get_status_display()}"]
        if activity.precision != Precision.DAY:
            description.append(_("Date approximate: %(when)s") % {"when": activity.when})
        if activity.summary:
            description.append(activity.summary)
        event.add("description", "\n".join(description))
        if activity.location_label:
            event.add("location", activity.location_label)
        event.add("url", base + activity.get_absolute_url())
        event.add("status", {Status.CANCELLED: "CANCELLED", Status.DRAFT: "TENTATIVE",
                             Status.PROPOSED: "TENTATIVE"}.get(activity.status, "CONFIRMED"))
        event.add("categories", [activity.get_pillar_display()])
        cal.add_component(event)
    response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="amity.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response
