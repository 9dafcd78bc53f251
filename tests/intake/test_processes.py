"""Real processes: `amity ingest` killed with SIGKILL mid-batch then re-run, and a real Celery worker on Redis.

The killed run uses a private SQLite file (a subprocess cannot see pytest's in-memory test database). The Celery
test shares a database with a worker subprocess: a private SQLite file on SQLite runs, pytest's PostgreSQL test
database (committed with transaction=True) on PostgreSQL runs. Each worker listens on its own queue on a private
Redis database, so parallel test runs never take each other's tasks.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import REPO

DEMO = REPO / "amity" / "intake" / "demo"
SMALL = ["en-01-vufo-japan-youth.txt", "en-03-cuba-solidarity-rice.txt", "vi-01-huu-nghi-viet-phap.txt",
         "vi-02-da-nang-han-quoc.txt"]


def small_folder(tmp_path: Path) -> Path:
    """Four short demo articles (the suggestion hooks run for real in the subprocesses: keep them small)."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name in SMALL:
        shutil.copy(DEMO / name, folder / name)
    return folder

BIN = Path(sys.executable).parent
AMITY = str(BIN / "amity")
CELERY = str(BIN / "celery")
REDIS_URL = os.environ.get("AMITY_TEST_REDIS", "redis://127.0.0.1:6379/13")


def base_env(var: Path, database_url: str | None = None) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "DATABASE_TEST_NAME", "CELERY_BROKER_URL", "AMITY_INTAKE_KILL_AT")}
    env.update(AMITY_VAR_DIR=str(var), PYTHONUNBUFFERED="1", DJANGO_SETTINGS_MODULE="amity.settings")
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    """One migrated SQLite file per test session, copied by each test that needs one."""
    var = tmp_path_factory.mktemp("intake-template")
    subprocess.run([AMITY, "migrate", "--noinput", "-v0"], env=base_env(var), check=True, cwd=REPO, timeout=180)
    return var / "amity.sqlite3"


def fresh_var(tmp_path: Path, template: Path) -> Path:
    var = tmp_path / "var"
    var.mkdir()
    shutil.copy(template, var / "amity.sqlite3")
    return var


def counts(db: Path) -> dict:
    with sqlite3.connect(db) as conn:
        statuses = dict(conn.execute("SELECT status, count(*) FROM intake_document GROUP BY status").fetchall())
        fts = conn.execute("SELECT count(*) FROM intake_document_fts").fetchone()[0]
        shas = conn.execute("SELECT count(DISTINCT sha256), count(*) FROM intake_document").fetchone()
        mentions = conn.execute("SELECT count(*), count(DISTINCT document_id || kind || name) "
                                "FROM intake_documentmention").fetchone()
    return {"statuses": statuses, "fts": fts, "shas": shas, "mentions": mentions}


def test_sigkill_mid_batch_then_rerun_finishes_it(tmp_path, migrated_sqlite):
    var = fresh_var(tmp_path, migrated_sqlite)
    folder = small_folder(tmp_path)
    env = dict(base_env(var), AMITY_INTAKE_KILL_AT="link:3")
    killed = subprocess.run([AMITY, "ingest", str(folder)], env=env, cwd=REPO, capture_output=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()[-2000:]
    before = counts(var / "amity.sqlite3")
    assert before["statuses"] == {"extracted": 4}  # one batch: text committed, killed before linking
    rerun = subprocess.run([AMITY, "ingest", str(folder)], env=base_env(var), cwd=REPO, capture_output=True,
                           timeout=120, text=True)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert "4 added, 0 skipped, 0 failed" in rerun.stdout  # all 4 resumed
    after = counts(var / "amity.sqlite3")
    assert after["statuses"] == {"done": 4}
    assert after["fts"] == 4 and after["shas"] == (4, 4)
    assert after["mentions"][0] == after["mentions"][1] > 0
    blobs = list((var / "documents").rglob("*"))
    assert len([b for b in blobs if b.is_file()]) == 4  # no temporary files left behind


def suggestion_counts(db: Path) -> tuple:
    with sqlite3.connect(db) as conn:
        return (conn.execute("SELECT count(*), count(DISTINCT fingerprint) FROM suggestions_suggestion").fetchone(),
                conn.execute("SELECT count(*), count(DISTINCT suggestion_id || '-' || document_id) "
                             "FROM suggestions_suggestionevidence").fetchone())


def test_sigkill_before_the_batch_hooks_then_rerun_gives_the_same_suggestions(tmp_path, migrated_sqlite):
    """The post-extract hooks of a batch (suggestions, alerts, signals) run in one transaction: killed before it,
    the re-run makes exactly the suggestions and evidence an uninterrupted run makes, none twice."""
    folder = small_folder(tmp_path)
    (tmp_path / "clean").mkdir()
    clean = fresh_var(tmp_path / "clean", migrated_sqlite)
    done = subprocess.run([AMITY, "ingest", str(folder)], env=base_env(clean), cwd=REPO, capture_output=True,
                          timeout=120, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    expected = suggestion_counts(clean / "amity.sqlite3")
    assert expected[0][0] > 0 and expected[1][0] > 0

    var = fresh_var(tmp_path, migrated_sqlite)
    env = dict(base_env(var), AMITY_INTAKE_KILL_AT="hooks:3")
    killed = subprocess.run([AMITY, "ingest", str(folder)], env=env, cwd=REPO, capture_output=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()[-2000:]
    assert counts(var / "amity.sqlite3")["statuses"] == {"linked": 4}
    assert suggestion_counts(var / "amity.sqlite3") == ((0, 0), (0, 0))
    rerun = subprocess.run([AMITY, "ingest", str(folder)], env=base_env(var), cwd=REPO, capture_output=True,
                           timeout=120, text=True)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert counts(var / "amity.sqlite3")["statuses"] == {"done": 4}
    assert suggestion_counts(var / "amity.sqlite3") == expected
    again = subprocess.run([AMITY, "ingest", str(folder)], env=base_env(var), cwd=REPO, capture_output=True,
                           timeout=120, text=True)
    assert again.returncode == 0 and "0 added, 4 skipped" in again.stdout
    assert suggestion_counts(var / "amity.sqlite3") == expected


def _redis_available() -> bool:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
        return True
    except Exception:
        return False


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_celery_worker_processes_a_real_batch(tmp_path, request):
    if not _redis_available():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis at {REDIS_URL} is required on CI")
        pytest.skip(f"Redis not reachable at {REDIS_URL}")
    if connection.vendor == "sqlite":
        template = request.getfixturevalue("migrated_sqlite")
        var = fresh_var(tmp_path, template)
        database_url = None
    else:
        var = tmp_path / "var"
        var.mkdir()
        s = connection.settings_dict
        database_url = (f"postgresql://{s['USER']}{':' + s['PASSWORD'] if s['PASSWORD'] else ''}@{s['HOST']}:"
                        f"{s['PORT'] or 5432}/{s['NAME']}")
    queue = f"amity-test-{uuid.uuid4().hex[:12]}"
    env = dict(base_env(var, database_url), CELERY_BROKER_URL=REDIS_URL, AMITY_INTAKE_QUEUE=queue)
    log = open(tmp_path / "worker.log", "w")
    worker = subprocess.Popen(
        [CELERY, "-A", "amity.celery", "worker", "-P", "solo", "-c", "1", "-Q", queue, "--without-gossip",
         "--without-mingle", "--without-heartbeat", "-l", "info", "-n", f"{queue}@%h"],
        env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        folder = small_folder(tmp_path)
        done = subprocess.run([AMITY, "ingest", str(folder)], env=env, cwd=REPO, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stderr[-2000:] + (tmp_path / "worker.log").read_text()[-3000:]
        assert "Queued ingestion run" in done.stdout
        assert "4 added, 0 skipped, 0 failed" in done.stdout
        if connection.vendor == "sqlite":
            result = counts(var / "amity.sqlite3")
            assert result["statuses"] == {"done": 4} and result["fts"] == 4
        else:
            from amity.intake.models import Document, IngestRun
            from amity.intake.search import search

            run = IngestRun.objects.get()
            assert run.celery_task_id and run.status == "done" and run.added == 4
            assert Document.objects.filter(status="done").count() == 4
            assert search("viet*").total == 4
        worker_log = (tmp_path / "worker.log").read_text()
        assert "amity.intake.run_ingest" in worker_log and "succeeded" in worker_log
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=15)
        log.close()
