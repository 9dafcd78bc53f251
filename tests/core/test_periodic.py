"""Periodic jobs: once per period however often cron fires, failures recorded without stopping the others,
retries, --force, --list, the Celery beat schedule and the real jobs."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from amity.core import periodic
from amity.core.models import PeriodicRun

pytestmark = pytest.mark.django_db

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
CALLS: list[str] = []


def job_ok(label="ok"):
    CALLS.append(label)
    return {"n": 1}


def job_boom():
    CALLS.append("boom")
    raise RuntimeError("smtp server down")


def at(y, m, d, hh=12, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=LOCAL)


@pytest.fixture
def jobs(monkeypatch):
    CALLS.clear()
    here = f"{__name__}"
    fake = [
        periodic.Job("daily_a", f"{here}.job_ok", "daily", at=dt.time(7, 0), kwargs={"label": "a"}),
        periodic.Job("failing", f"{here}.job_boom", "daily"),
        periodic.Job("weekly_b", f"{here}.job_ok", "weekly", at=dt.time(7, 0), kwargs={"label": "b"}),
        periodic.Job("every_15", f"{here}.job_ok", "interval", minutes=15, kwargs={"label": "c"}),
    ]
    monkeypatch.setattr(periodic, "JOBS", fake)
    return fake


def test_periods():
    daily = periodic.Job("d", "x", "daily", at=dt.time(7, 0))
    weekly = periodic.Job("w", "x", "weekly", at=dt.time(7, 0), weekday=0)
    every = periodic.Job("i", "x", "interval", minutes=15)
    assert daily.period(at(2026, 11, 23, 23, 59)) == "2026-11-23"
    assert not daily.is_due(at(2026, 11, 23, 6, 59)) and daily.is_due(at(2026, 11, 23, 7, 0))
    assert weekly.period(at(2026, 11, 23)) == weekly.period(at(2026, 11, 29, 23)) == "2026-W48"
    assert not weekly.is_due(at(2026, 11, 23, 6)) and weekly.is_due(at(2026, 11, 25, 3))
    assert every.period(at(2026, 11, 23, 10, 14)) == "2026-11-23T10:00"
    assert every.period(at(2026, 11, 23, 10, 15)) == "2026-11-23T10:15"
    # the local date decides, not UTC: 01:00 in Hanoi is the previous day in UTC
    assert daily.period(dt.datetime(2026, 11, 22, 18, 30, tzinfo=dt.UTC)) == "2026-11-23"


def test_twice_in_the_same_period_runs_each_job_once(jobs):
    now = at(2026, 11, 23, 8, 0)
    first = {o.job: o.status for o in periodic.run_due(now=now)}
    assert first == {"daily_a": "done", "failing": "failed", "weekly_b": "done", "every_15": "done"}
    second = {o.job: o.status for o in periodic.run_due(now=now + dt.timedelta(minutes=5))}
    assert second["daily_a"] == second["weekly_b"] == second["every_15"] == "skipped"
    assert CALLS.count("a") == 1 and CALLS.count("b") == 1 and CALLS.count("c") == 1
    # the next slot / day / week runs them again
    periodic.run_due(now=now + dt.timedelta(minutes=15))
    assert CALLS.count("c") == 2 and CALLS.count("a") == 1
    periodic.run_due(now=now + dt.timedelta(days=1))
    assert CALLS.count("a") == 2 and CALLS.count("b") == 1
    periodic.run_due(now=now + dt.timedelta(days=7))
    assert CALLS.count("b") == 2
    # old records are pruned
    periodic.run_due(now=now + periodic.KEEP_RUNS + dt.timedelta(days=8))
    assert not PeriodicRun.objects.filter(period="2026-11-23").exists()


def test_failing_job_is_recorded_and_the_others_still_run(jobs):
    now = at(2026, 11, 23, 8, 0)
    outcomes = periodic.run_due(now=now)
    assert [o.status for o in outcomes] == ["done", "failed", "done", "done"]
    run = PeriodicRun.objects.get(job="failing")
    assert run.status == "failed" and "RuntimeError: smtp server down" in run.message and run.finished_at
    assert PeriodicRun.objects.get(job="daily_a").status == "done"
    # retried on later ticks of the same period, up to MAX_ATTEMPTS
    for minute in range(1, 10):
        periodic.run_due(now=now + dt.timedelta(minutes=minute))
    assert CALLS.count("boom") == periodic.MAX_ATTEMPTS
    assert PeriodicRun.objects.get(job="failing").attempts == periodic.MAX_ATTEMPTS


def test_not_due_before_its_time(jobs):
    outcomes = {o.job: o for o in periodic.run_due(now=at(2026, 11, 23, 6, 0))}
    assert outcomes["daily_a"].status == "skipped" and outcomes["daily_a"].message == "not due yet"
    assert not PeriodicRun.objects.filter(job="daily_a").exists()


def test_another_process_holds_the_period(jobs):
    now = at(2026, 11, 23, 8, 0)
    PeriodicRun.objects.create(job="daily_a", period="2026-11-23", started_at=now - dt.timedelta(minutes=1))
    assert periodic.run_job("daily_a", now=now).status == "skipped"
    assert "a" not in CALLS
    # ... unless it was killed long ago (still "running" after STALE_AFTER)
    later = now + periodic.STALE_AFTER + dt.timedelta(minutes=5)
    assert periodic.run_job("daily_a", now=later).status == "done"
    assert CALLS == ["a"]


def test_command_list_job_force(jobs):
    out = StringIO()
    call_command("periodic", "--list", stdout=out)
    text = out.getvalue()
    assert "daily_a" in text and "never run" in text and "every 15 min" in text
    out = StringIO()
    call_command("periodic", "--job", "daily_a", "--force", stdout=out)
    call_command("periodic", "--job", "daily_a", "--force", stdout=out)
    assert CALLS == ["a", "a"] and PeriodicRun.objects.get(job="daily_a").attempts == 2
    assert "daily_a" in out.getvalue() and "done" in out.getvalue()
    with pytest.raises(CommandError, match="No periodic job"):
        call_command("periodic", "--job", "nope")
    with pytest.raises(CommandError, match="--force needs --job"):
        call_command("periodic", "--force")
    out = StringIO()
    call_command("periodic", "--list", stdout=out)
    assert "last:" in out.getvalue()


def test_command_reports_failure_after_running_the_rest(jobs, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: at(2026, 11, 23, 9, 0))
    err = StringIO()
    with pytest.raises(CommandError, match="1 periodic job"):
        call_command("periodic", stdout=StringIO(), stderr=err)
    assert "failing" in err.getvalue() and "smtp server down" in err.getvalue()
    assert sorted(CALLS) == ["a", "b", "boom", "c"]


def test_beat_schedule_matches_the_jobs():
    assert settings.CELERY_BEAT_SCHEDULE == periodic.beat_schedule()
    assert set(settings.CELERY_BEAT_SCHEDULE) == {f"amity-{j.name}" for j in periodic.JOBS}
    assert settings.CELERY_TIMEZONE == settings.TIME_ZONE


def test_celery_task_uses_the_same_check(jobs):
    from amity.core.tasks import run_periodic_job

    first = run_periodic_job.apply(args=("every_15",)).get()
    second = run_periodic_job.apply(args=("every_15",)).get()
    assert first["status"] == "done" and second["status"] == "skipped" and CALLS == ["c"]


def test_the_real_jobs_run(settings, tmp_path):
    """Every shipped job runs against an empty database without error (digests, signals, reminders, polling)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.VAR_DIR = tmp_path
    outcomes = [periodic.run_job(job, force=True) for job in periodic.JOBS]
    assert [(o.job, o.status) for o in outcomes] == [(j.name, "done") for j in periodic.JOBS], outcomes


def slow_job(label="race"):
    CALLS.append(label)
    RACE_GATE.wait(5)  # hold the period while the other process tries
    return 1


RACE_GATE = __import__("threading").Event()


@pytest.mark.django_db(transaction=True)
def test_two_processes_racing_run_the_job_once(monkeypatch):
    """Two schedulers fire at the same moment, each with its own database connection: one runs the job."""
    import threading

    CALLS.clear()
    RACE_GATE.clear()
    monkeypatch.setattr(periodic, "JOBS", [periodic.Job("race", f"{__name__}.slow_job", "daily")])
    now = at(2026, 11, 23, 8, 0)
    results, start, first_back = [], threading.Barrier(2), threading.Event()

    def fire():
        from django.db import connections

        try:
            start.wait(5)
            results.append(periodic.run_job("race", now=now).status)
            first_back.set()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=fire) for _ in range(2)]
    for t in threads:
        t.start()
    first_back.wait(10)  # the loser has given up while the winner is still held in the job
    RACE_GATE.set()
    for t in threads:
        t.join(10)
    assert sorted(results) == ["done", "skipped"] and CALLS == ["race"]
    assert PeriodicRun.objects.get(job="race").status == "done"


@pytest.mark.django_db
def test_optimize_database_refreshes_the_planner_statistics():
    """A fresh connection's PRAGMA optimize analyses nothing: the job runs ANALYZE (sampled on SQLite)."""
    from django.db import connection

    from amity.core.periodic import optimize_database
    from amity.intake.models import Document, DocumentMention

    doc = Document.objects.create(sha256="a" * 64, text="Japan and Viet Nam.", status="done")
    DocumentMention.objects.create(document=doc, name="Japan", kind="country")
    assert optimize_database().startswith("ANALYZE")
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'intake_documentmention'")
            assert cur.fetchone()[0] >= 1
            cur.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'intake_document'")
            assert cur.fetchone()[0] == 0  # sampled statistics there mislead the date-ordered list
