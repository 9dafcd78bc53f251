"""Periodic jobs: digests, early signals, agreement reminders and source polling, run without a person.

Two ways to run them, both going through the same due-check, so running both (or cron firing twice, or two
servers racing) still runs each job once per period:

- in-process deployments: ``amity periodic`` every few minutes from cron or a systemd timer runs whichever jobs
  are due (``--list`` shows them, ``--job NAME [--force]`` runs one);
- with ``CELERY_BROKER_URL``: ``celery -A amity.celery beat`` sends ``amity.core.run_periodic_job`` per job on
  the schedule in ``settings.CELERY_BEAT_SCHEDULE`` (built from ``JOBS``), and a worker runs it.

A job's *period* is a key: the local date for daily jobs, the ISO week for weekly jobs, the start of the slot for
jobs every N minutes. ``PeriodicRun`` has one row per (job, period) under a unique constraint: whoever inserts
the row runs the job, everyone else skips it. A failed run is retried on later ticks of the same period, up to
``MAX_ATTEMPTS``; a run still marked running after ``STALE_AFTER`` (a killed process) may be claimed again.
This is only a due-check, not a queue: jobs run in the process that claimed them.

Jobs name their function by dotted path, so core imports no other app.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
STALE_AFTER = dt.timedelta(hours=6)
KEEP_RUNS = dt.timedelta(days=180)


@dataclass(frozen=True)
class Job:
    name: str
    func: str                      # dotted path of a callable
    kind: str                      # "daily", "weekly" or "interval"
    at: dt.time = dt.time(0, 0)    # daily/weekly: local time from which the job is due
    weekday: int = 0               # weekly: 0 = Monday
    minutes: int = 0               # interval: every N minutes (slots start at local midnight)
    kwargs: dict = field(default_factory=dict)
    description: str = ""
    unit: str = ""                 # what a number returned by the job counts ("e-mails sent")

    def period(self, now: dt.datetime | None = None) -> str:
        """The key of the period ``now`` (aware; default: now) falls in."""
        local = timezone.localtime(now or timezone.now())
        if self.kind == "daily":
            return local.date().isoformat()
        if self.kind == "weekly":
            year, week, _day = local.isocalendar()
            return f"{year}-W{week:02d}"
        minutes = max(1, self.minutes)
        slot = (local.hour * 60 + local.minute) // minutes * minutes
        return f"{local.date().isoformat()}T{slot // 60:02d}:{slot % 60:02d}"

    def is_due(self, now: dt.datetime | None = None) -> bool:
        """Has this period reached the job's start time (daily/weekly ``at``, weekly ``weekday``)?"""
        local = timezone.localtime(now or timezone.now())
        if self.kind == "daily":
            return local.time() >= self.at
        if self.kind == "weekly":
            return (local.weekday(), local.time()) >= (self.weekday, self.at)
        return True

    def schedule_text(self) -> str:
        if self.kind == "daily":
            return f"daily from {self.at:%H:%M}"
        if self.kind == "weekly":
            day = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][self.weekday]
            return f"weekly, {day} from {self.at:%H:%M}"
        return f"every {self.minutes} min"


def poll_minutes() -> int:
    return max(5, int(getattr(settings, "AMITY_SOURCE_POLL_MINUTES", 60) or 60))


def default_jobs() -> list[Job]:
    return [
        Job("digests_daily", "amity.monitor.tasks.send_digests", "daily", at=dt.time(7, 0),
            kwargs={"period": "daily"}, description="e-mail the daily watchlist digests", unit="e-mail(s) sent"),
        Job("digests_weekly", "amity.monitor.tasks.send_digests", "weekly", at=dt.time(7, 0), weekday=0,
            kwargs={"period": "weekly"}, description="e-mail the weekly watchlist digests (Mondays)",
            unit="e-mail(s) sent"),
        Job("signals", "amity.monitor.tasks.compute_recent_signals", "daily", at=dt.time(1, 0),
            description="recompute early signals of yesterday and today", unit="signal(s)"),
        Job("agreement_reminders", "amity.activities.tasks.agreement_reminders", "daily", at=dt.time(6, 0),
            description="remind owners of agreements about to expire; mark expired ones"),
        Job("poll_sources", "amity.intake.polling.poll_sources", "interval", minutes=poll_minutes(),
            description="fetch active RSS/Atom feeds and re-scan watched folders"),
        Job("optimize_database", "amity.core.periodic.optimize_database", "daily", at=dt.time(2, 0),
            description="refresh the query planner's statistics (ANALYZE; on SQLite sampled)"),
    ]


SQLITE_ANALYZED = ("intake_documentmention", "intake_nearduplicatekey")


def optimize_database() -> str:
    """Keep the planner's statistics true as the corpus grows. Stale statistics are not a small cost: a SQLite
    database analysed when its mentions were not yet linked to partners planned the signals' first-mention query
    as a scan of every document (1.6 s per batch at 1M documents, 11 ms once analysed; ingestion into that 1M
    database went from 25 to 87 docs per CPU-second). SQLite: a sampled ``ANALYZE`` (``analysis_limit``) of the
    tables those queries read, mentions and LSH keys; not ``PRAGMA optimize``, which in a fresh connection analyses
    nothing (it looks only at the tables that connection has queried), and not the document table: sampled
    statistics of its status index made the planner sort all documents for the date-ordered document list (2.4 s
    at 1M instead of 8 ms). PostgreSQL: ``ANALYZE`` (autovacuum does it too; this makes it certain once a day)."""
    from django.db import connection

    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("PRAGMA analysis_limit = 2000")
            for table in SQLITE_ANALYZED:
                cur.execute(f"ANALYZE {connection.ops.quote_name(table)}")
            return "ANALYZE (sampled) " + ", ".join(SQLITE_ANALYZED)
        if connection.vendor == "postgresql":
            cur.execute("ANALYZE")
            return "ANALYZE"
    return ""


JOBS: list[Job] = default_jobs()


def get_job(name: str) -> Job:
    for job in JOBS:
        if job.name == name:
            return job
    raise KeyError(name)


@dataclass
class Outcome:
    job: str
    period: str
    status: str          # done / failed / skipped (already run or not due)
    message: str = ""


def _claim(job: Job, period: str, now: dt.datetime, force: bool):
    """The PeriodicRun this process now owns for (job, period), or None when another process has it. SQLite
    answers a write that meets another connection's open write with "database (table) is locked": wait a
    moment and try again (a few times), as its busy timeout would."""
    from django.db import OperationalError

    for attempt in range(8):
        try:
            return _claim_once(job, period, now, force)
        except OperationalError as exc:
            if "locked" not in str(exc) or attempt == 7:
                raise
            time.sleep(0.02 * (attempt + 1))


def _claim_once(job: Job, period: str, now: dt.datetime, force: bool):
    from amity.core.models import PeriodicRun

    try:
        with transaction.atomic():
            return PeriodicRun.objects.create(job=job.name, period=period, status=PeriodicRun.RUNNING,
                                              attempts=1, started_at=now)
    except IntegrityError:
        pass
    retry = Q(status=PeriodicRun.FAILED, attempts__lt=MAX_ATTEMPTS) | \
        Q(status=PeriodicRun.RUNNING, started_at__lt=now - STALE_AFTER)
    rows = PeriodicRun.objects.filter(job=job.name, period=period)
    if not force:
        rows = rows.filter(retry)
    else:
        rows = rows.exclude(status=PeriodicRun.RUNNING, started_at__gte=now - STALE_AFTER)
    claimed = rows.update(status=PeriodicRun.RUNNING, attempts=F("attempts") + 1, started_at=now,
                          finished_at=None, message="")
    if claimed != 1:
        return None
    return PeriodicRun.objects.get(job=job.name, period=period)


def run_job(job: Job | str, *, now: dt.datetime | None = None, force: bool = False) -> Outcome:
    """Run ``job`` if its current period is due and nobody ran it yet (``force``: even if it already ran, or is
    not due yet). Never raises for the job's own errors: they are recorded on the run."""
    from amity.core.models import PeriodicRun

    job = get_job(job) if isinstance(job, str) else job
    now = now or timezone.now()
    period = job.period(now)
    if not force and not job.is_due(now):
        return Outcome(job.name, period, "skipped", "not due yet")
    run = _claim(job, period, now, force)
    if run is None:
        return Outcome(job.name, period, "skipped", "already run (or running) for this period")
    started = time.monotonic()
    try:
        result = import_string(job.func)(**job.kwargs)
    except Exception as exc:  # one job's failure is recorded; the others still run
        log.exception("periodic job %s failed", job.name)
        status, message = PeriodicRun.FAILED, f"{type(exc).__name__}: {exc}"
    else:
        status, message = PeriodicRun.DONE, _summary(result, job.unit)
    message = f"{message} ({time.monotonic() - started:.1f} s)".strip()[:2000]
    PeriodicRun.objects.filter(pk=run.pk).update(status=status, finished_at=timezone.now(), message=message)
    return Outcome(job.name, period, status, message)


def _summary(result, unit: str = "") -> str:
    if result is None:
        return ""
    if isinstance(result, dict):
        return ", ".join(f"{k}: {v}" for k, v in result.items())
    return f"{result} {unit}".strip()


def run_due(*, now: dt.datetime | None = None, only: str | None = None, force: bool = False) -> list[Outcome]:
    """Every due job (or just ``only``), one after the other; run records older than ``KEEP_RUNS`` are pruned."""
    from amity.core.models import PeriodicRun

    jobs = [get_job(only)] if only else list(JOBS)
    outcomes = [run_job(job, now=now, force=force) for job in jobs]
    PeriodicRun.objects.filter(started_at__lt=(now or timezone.now()) - KEEP_RUNS).delete()
    return outcomes


def last_runs() -> dict[str, object]:
    """job name -> its latest PeriodicRun."""
    from amity.core.models import PeriodicRun

    out = {}
    for run in PeriodicRun.objects.order_by("job", "-started_at", "-id"):
        out.setdefault(run.job, run)
    return out


def beat_schedule() -> dict:
    """``CELERY_BEAT_SCHEDULE`` for ``JOBS``: each entry sends ``amity.core.run_periodic_job`` (which applies the
    same once-per-period check, so beat and cron together still run a job once)."""
    from celery.schedules import crontab

    schedule = {}
    for job in JOBS:
        if job.kind == "daily":
            when = crontab(minute=job.at.minute, hour=job.at.hour)
        elif job.kind == "weekly":
            when = crontab(minute=job.at.minute, hour=job.at.hour, day_of_week=(job.weekday + 1) % 7)
        else:
            when = float(job.minutes * 60)
        schedule[f"amity-{job.name}"] = {"task": "amity.core.run_periodic_job", "schedule": when,
                                         "args": (job.name,)}
    return schedule
