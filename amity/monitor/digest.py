"""Daily or weekly e-mail digests of unsent alerts, one message per user (Django's e-mail backend)."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from amity.monitor.models import Alert, Digest, Watchlist

MAX_ALERTS_PER_WATCHLIST = 50


def send_digests(period: str, *, site_url: str = "", connection=None, language: str | None = None) -> int:
    """Send every user whose watchlists use ``period`` their unsent alerts. Returns the number of e-mails."""
    if period not in (Digest.DAILY, Digest.WEEKLY):
        raise ValueError(f"unknown digest period {period!r}")
    now = timezone.now()
    by_user = defaultdict(list)
    for watchlist in Watchlist.objects.filter(digest=period, active=True).select_related("user").order_by("id"):
        alerts = list(watchlist.alerts.filter(emailed_at__isnull=True).exclude(relevant=False)
                      .select_related("document").order_by("-created_at")[:MAX_ALERTS_PER_WATCHLIST + 1])
        if alerts:
            by_user[watchlist.user].append((watchlist, alerts))
    messages, sent_alerts, sent_lists = [], [], []
    site_url = (site_url or getattr(settings, "AMITY_SITE_URL", "")).rstrip("/")
    with translation.override(language or settings.LANGUAGE_CODE):
        for user, items in by_user.items():
            if not user.email or not user.is_active:
                continue
            context = {"user": user, "items": [(w, a[:MAX_ALERTS_PER_WATCHLIST], len(a) > MAX_ALERTS_PER_WATCHLIST)
                                               for w, a in items],
                       "period": period, "site_url": site_url}
            total = sum(len(a) for _w, a in items)
            if period == Digest.DAILY:
                subject = _("Amity daily digest: %(n)d new document(s)") % {"n": total}
            else:
                subject = _("Amity weekly digest: %(n)d new document(s)") % {"n": total}
            text = render_to_string("monitor/digest_email.txt", context)
            html = render_to_string("monitor/digest_email.html", context)
            message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [user.email])
            message.attach_alternative(html, "text/html")
            messages.append(message)
            sent_alerts.extend(a.pk for _w, alerts in items for a in alerts)
            sent_lists.extend(w.pk for w, _a in items)
    if not messages:
        return 0
    connection = connection or get_connection()
    sent = connection.send_messages(messages) or 0
    if sent:
        Alert.objects.filter(pk__in=sent_alerts).update(emailed_at=now)
        Watchlist.objects.filter(pk__in=sent_lists).update(last_digest_at=now)
    return sent
