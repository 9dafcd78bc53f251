"""Polling of sources (periodic job ``poll_sources``, see ``amity.core.periodic``): every active RSS/Atom feed is
fetched again and every active watched folder re-scanned, in one ingestion run (queued to Celery when a broker is
configured). Same bytes are skipped, so a poll that finds nothing new adds nothing; a feed that fails gets its
``last_error`` and the other sources go on. The interval is ``AMITY_SOURCE_POLL_MINUTES`` (default 60)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.db.models import Q
from django.utils import timezone


def poll_sources() -> dict:
    from amity.intake import pipeline
    from amity.intake.models import IngestRun, Source, SourceKind
    from amity.intake.tasks import enqueue_run

    urls, paths, missing = [], [], []
    for source in Source.objects.filter(active=True).filter(Q(kind=SourceKind.FEED) | Q(kind=SourceKind.FOLDER)) \
            .exclude(location="").order_by("pk"):
        if source.kind == SourceKind.FEED:
            urls.append(source.location)
        elif Path(source.location).is_dir():
            paths.append(source.location)
        else:
            missing.append(source.pk)
            Source.objects.filter(pk=source.pk).update(last_checked_at=timezone.now(),
                                                       last_error=f"folder not found: {source.location}")
    if not urls and not paths:
        return {"sources": 0, "missing folders": len(missing)}
    if IngestRun.objects.filter(label__startswith="periodic poll", status__in=["queued", "running"],
                                started_at__gte=timezone.now() - dt.timedelta(hours=6)).exists():
        return {"sources": len(urls) + len(paths), "skipped": "the previous poll is still running"}
    run = pipeline.create_run(paths=paths, urls=urls, label=f"periodic poll: {len(urls)} feed(s), "
                                                            f"{len(paths)} folder(s)", expect_feed=True)
    run = enqueue_run(run)
    return {"run": run.pk, "feeds": len(urls), "folders": len(paths), "missing folders": len(missing),
            "added": run.added, "failed": run.failed}
