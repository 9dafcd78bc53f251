"""Celery tasks (used when CELERY_BROKER_URL is set; otherwise ingestion runs in-process)."""

from __future__ import annotations

from celery import shared_task

from amity.intake.models import IngestRun, RunStatus


@shared_task(name="amity.intake.run_ingest", acks_late=True)
def run_ingest(run_id: int) -> dict:
    """Execute one ingestion run. Safe to run twice (a redelivered task finishes what is pending)."""
    from amity.intake.pipeline import execute_run

    run = IngestRun.objects.filter(pk=run_id).first()
    if run is None:
        return {"run": run_id, "status": "missing"}
    if run.status == RunStatus.DONE:
        return {"run": run_id, "status": run.status}
    run = execute_run(run)
    return {"run": run.pk, "status": run.status, "added": run.added, "skipped": run.skipped, "failed": run.failed}


def enqueue_run(run: IngestRun) -> IngestRun:
    """Queue ``run`` on the Celery broker (CELERY_BROKER_URL); without a broker it runs here and now."""
    from django.conf import settings

    if not settings.CELERY_BROKER_URL:
        from amity.intake.pipeline import execute_run

        return execute_run(run)
    import os

    import amity.celery  # noqa: F401  (binds shared tasks to the configured app)

    # AMITY_INTAKE_QUEUE: a private queue name (tests give each worker its own, so parallel runs never mix).
    queue = os.environ.get("AMITY_INTAKE_QUEUE") or None
    result = run_ingest.apply_async((run.pk,), queue=queue)
    IngestRun.objects.filter(pk=run.pk).update(celery_task_id=result.id or "")
    run.celery_task_id = result.id or ""
    return run
