"""Agreement lifecycle housekeeping: reminders before expiry, and in-force agreements past their end expire.

Run daily: ``amity agreement_reminders`` (cron) or the Celery task ``amity.activities.tasks.agreement_reminders``.
Each threshold (days before the end) is notified once per agreement: ``Agreement.reminders_sent`` remembers.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amity.activities.choices import AgreementStatus
from amity.activities.models import Agreement
from amity.core import permissions
from amity.core.models import notify

THRESHOLDS = (180, 90, 30, 7)


def recipients(agreement: Agreement):
    users = []
    if agreement.owner_id:
        users += list(get_user_model().objects.filter(
            is_active=True, membership__organisation_id=agreement.owner_id,
            groups__name__in=[permissions.EDITOR, permissions.ADMINISTRATOR]).distinct())
    if agreement.created_by_id and agreement.created_by.is_active:
        users.append(agreement.created_by)
    return users


def send_expiry_reminders(today: dt.date | None = None, thresholds=THRESHOLDS) -> dict:
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=max(thresholds))
    sent = expired = 0
    live = [AgreementStatus.IN_FORCE, AgreementStatus.SIGNED]
    for agreement in Agreement.objects.filter(status__in=live, in_force_until__lt=today):
        with transaction.atomic():
            agreement.status = AgreementStatus.EXPIRED
            agreement.save(update_fields=["status", "updated_at"])
            notify(recipients(agreement), _("The agreement “%(title)s” expired on %(date)s.") % {
                "title": agreement.title, "date": agreement.in_force_until.isoformat()},
                url=agreement.get_absolute_url(), kind="agreement_expired")
        expired += 1
    for agreement in Agreement.objects.filter(status__in=live, in_force_until__gte=today,
                                              in_force_until__lte=horizon).select_related("created_by"):
        days_left = (agreement.in_force_until - today).days
        due = [t for t in thresholds if days_left <= t and t not in (agreement.reminders_sent or [])]
        if not due:
            continue
        with transaction.atomic():
            agreement.reminders_sent = sorted({*(agreement.reminders_sent or []), *due}, reverse=True)
            Agreement.objects.filter(pk=agreement.pk).update(reminders_sent=agreement.reminders_sent)
            text = _("The agreement “%(title)s” expires on %(date)s (in %(days)s days). Renewal terms: %(terms)s") % {
                "title": agreement.title, "date": agreement.in_force_until.isoformat(), "days": days_left,
                "terms": agreement.renewal_terms or _("not recorded")}
            notify(recipients(agreement), text, url=agreement.get_absolute_url(), kind="agreement_expiry")
        sent += 1
    return {"reminded": sent, "expired": expired}
