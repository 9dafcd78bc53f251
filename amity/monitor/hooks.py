"""Pipeline hooks and the home-page widget (filled in below)."""


def alerts_for_document(document):
    from amity.monitor.alerts import match_document

    return match_document(document)


def signals_for_document(document):
    from amity.monitor.signals import signals_for_document as compute

    return compute(document)


def signals_widget(request):
    from amity.monitor.signals import recent_signals

    signals = list(recent_signals()[:8])
    if not signals:
        return None
    return {"template": "monitor/_signals_widget.html", "signals": signals}
