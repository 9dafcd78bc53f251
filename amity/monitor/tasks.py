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
