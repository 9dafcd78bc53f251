"""Watchlists (personal: each user sees and changes only their own), their alerts, and early signals."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from amity.monitor.forms import WatchlistForm
from amity.monitor.models import Alert, Signal, SignalKind, Watchlist


def _own(request, pk) -> Watchlist:
    watchlist = get_object_or_404(Watchlist, pk=pk)
    if watchlist.user_id != request.user.pk:
        raise PermissionDenied(_("This is another user's watchlist."))
    return watchlist


def watchlist_list(request):
    watchlists = Watchlist.objects.filter(user=request.user).annotate(
        n_alerts=Count("alerts"), n_relevant=Count("alerts", filter=Q(alerts__relevant=True)),
        n_irrelevant=Count("alerts", filter=Q(alerts__relevant=False)),
        n_unmarked=Count("alerts", filter=Q(alerts__relevant__isnull=True)))
    for w in watchlists:
        marked = w.n_relevant + w.n_irrelevant
        w.precision_value = w.n_relevant / marked if marked else None
    return render(request, "monitor/watchlist_list.html", {"watchlists": watchlists})


def _save(request, form, instance=None):
    with transaction.atomic():
        watchlist = form.save(commit=False)
        if instance is None:
            watchlist.user = request.user
        watchlist.save()
        form.save_m2m()
    messages.success(request, _("Saved watchlist %(name)s.") % {"name": watchlist})
    return HttpResponseRedirect(watchlist.get_absolute_url())


def watchlist_create(request):
    form = WatchlistForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return _save(request, form)
    return render(request, "monitor/watchlist_form.html", {"form": form})


def watchlist_edit(request, pk):
    watchlist = _own(request, pk)
    form = WatchlistForm(request.POST or None, instance=watchlist)
    if request.method == "POST" and form.is_valid():
        return _save(request, form, watchlist)
    return render(request, "monitor/watchlist_form.html", {"form": form, "object": watchlist})


@require_POST
def watchlist_delete(request, pk):
    watchlist = _own(request, pk)
    watchlist.delete()
    messages.success(request, _("Deleted watchlist %(name)s.") % {"name": watchlist})
    return HttpResponseRedirect(reverse("monitor:watchlist_list"))


def watchlist_detail(request, pk):
    watchlist = _own(request, pk)
    alerts = watchlist.alerts.select_related("document")
    show = request.GET.get("show", "")
    if show == "unmarked":
        alerts = alerts.filter(relevant__isnull=True)
    elif show in ("relevant", "irrelevant"):
        alerts = alerts.filter(relevant=(show == "relevant"))
    page = Paginator(alerts, 50).get_page(request.GET.get("page"))
    relevant, irrelevant = watchlist.marks()
    return render(request, "monitor/watchlist_detail.html", {
        "watchlist": watchlist, "page_obj": page, "relevant": relevant, "irrelevant": irrelevant,
        "precision": watchlist.precision, "show": show})


@require_POST
def alert_mark(request, pk):
    alert = get_object_or_404(Alert.objects.select_related("watchlist", "document"), pk=pk)
    if alert.watchlist.user_id != request.user.pk:
        raise PermissionDenied(_("This is another user's watchlist."))
    value = request.POST.get("relevant", "")
    alert.relevant = {"yes": True, "no": False}.get(value)
    alert.save(update_fields=["relevant"])
    if request.htmx:
        response = render(request, "monitor/_alert_row.html", {"alert": alert})
        response["HX-Trigger"] = "precision-changed"
        return response
    return HttpResponseRedirect(alert.watchlist.get_absolute_url())


def watchlist_precision(request, pk):
    watchlist = _own(request, pk)
    relevant, irrelevant = watchlist.marks()
    return render(request, "monitor/_precision.html", {"watchlist": watchlist, "relevant": relevant,
                                                       "irrelevant": irrelevant, "precision": watchlist.precision})


def signal_list(request):
    signals = Signal.objects.select_related("partner_type").prefetch_related("documents")
    kind = request.GET.get("kind", "")
    if kind in SignalKind.values:
        signals = signals.filter(kind=kind)
    partner = request.GET.get("partner", "")
    if partner in ("country", "organisation", "person"):
        signals = signals.filter(partner_type__app_label="partners", partner_type__model=partner)
    since = request.GET.get("since", "")
    try:
        since_date = dt.date.fromisoformat(since) if since else None
    except ValueError:
        since_date = None
        messages.error(request, _("Dates are written YYYY-MM-DD."))
    if since_date:
        signals = signals.filter(date__gte=since_date)
    page = Paginator(signals, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "monitor/signal_list.html", {
        "page_obj": page, "kinds": SignalKind.choices, "kind": kind, "partner": partner, "since": since,
        "querystring": params.urlencode()})
