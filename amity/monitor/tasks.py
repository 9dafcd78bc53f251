"""Celery tasks for periodic monitoring work (schedule them with celery beat, or run the commands from cron)."""

from celery import shared_task


@shared_task
def send_digests(period: str = "daily") -> int:
    from amity.monitor.digest import send_digests as send

    return send(period)


@shared_task
def compute_signals(date: str | None = None) -> int:
    import datetime as dt

    from amity.monitor.signals import compute_signals as compute

    return len(compute(dt.date.fromisoformat(date) if date else None))


@shared_task
def compute_recent_signals(days: int = 2) -> int:
    """Recompute the signals of the last ``days`` days ending today (periodic job ``signals``: yesterday is
    complete only after midnight, and documents ingested late may date from it)."""
    import datetime as dt

    from django.utils import timezone

    from amity.monitor.signals import compute_signals as compute

    today = timezone.localdate()
    return sum(len(compute(today - dt.timedelta(days=i))) for i in range(days - 1, -1, -1))
