"""Pipeline hooks and the home-page widget (filled in below)."""


def alerts_for_document(document):
    from amity.monitor.alerts import match_document

    return match_document(document)


def signals_for_document(document):
    from amity.monitor.signals import signals_for_document as compute

    return compute(document)


def alerts_for_documents(documents):
    from amity.monitor.alerts import match_documents

    return match_documents(documents)


def signals_for_documents(documents):
    from amity.monitor.signals import signals_for_documents as compute

    return compute(documents)


alerts_for_document.batch = alerts_for_documents  # the pipeline's batch form (hooks_batch)
signals_for_document.batch = signals_for_documents


def signals_widget(request):
    """Home page: recent early signals, and the user's watchlists with unmarked alerts."""
    from django.db.models import Count, Q

    from amity.monitor.models import Watchlist
    from amity.monitor.signals import recent_signals

    signals = list(recent_signals()[:8])
    watchlists = []
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        watchlists = list(Watchlist.objects.filter(user=request.user, active=True).annotate(
            unmarked=Count("alerts", filter=Q(alerts__relevant__isnull=True)))[:8])
    return {"template": "monitor/_signals_widget.html", "signals": signals, "watchlists": watchlists}


def partner_signals_panel(request, obj):
    from django.contrib.contenttypes.models import ContentType

    from amity.monitor.models import Signal

    signals = list(Signal.objects.filter(partner_type=ContentType.objects.get_for_model(obj), partner_id=obj.pk)
                   .prefetch_related("documents")[:5])
    if not signals:
        return None
    return {"template": "monitor/_partner_signals_panel.html", "signals": signals}
