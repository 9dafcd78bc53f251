"""Celery tasks of core: the periodic-job entry point that celery beat sends (see ``amity.core.periodic``)."""

from celery import shared_task


@shared_task(name="amity.core.run_periodic_job")
def run_periodic_job(name: str, force: bool = False) -> dict:
    """Run the periodic job ``name`` if its period is due and nobody ran it yet (the same check as
    ``amity periodic``)."""
    from amity.core.periodic import run_job

    outcome = run_job(name, force=force)
    return {"job": outcome.job, "period": outcome.period, "status": outcome.status, "message": outcome.message}
