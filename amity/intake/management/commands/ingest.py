"""``amity ingest PATH|URL ...``: files, folders (recursive), zips, RSS/Atom feeds (URL or file), web pages, or
``--text`` for pasted text. In-process with a progress bar by default; queued to Celery workers when
CELERY_BROKER_URL is set (the command then follows the run's progress unless ``--no-wait``).

Running the same command again after an interruption finishes the interrupted documents and skips the rest.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from amity.intake.inputs import is_url
from amity.intake.models import IngestRun, RunStatus


class Command(BaseCommand):
    help = "Ingest documents from files, folders, zips, feeds, web pages or pasted text."

    def add_arguments(self, parser):
        parser.add_argument("targets", nargs="*", help="files, folders, zip archives, feed files or http(s) URLs")
        parser.add_argument("--text", action="append", default=[], help="pasted text to ingest (repeatable)")
        parser.add_argument("--title", default="", help="title of the pasted text")
        parser.add_argument("--owner", default="", help="key of the owner organisation (default: none)")
        parser.add_argument("--user", default="", help="username recorded as creator")
        parser.add_argument("--feed", action="store_true", help="URLs must be RSS/Atom feeds")
        parser.add_argument("--sources", action="store_true",
                            help="re-check every active folder and feed source (for cron or a scheduler)")
        parser.add_argument("--no-resume", action="store_true",
                            help="do not finish documents left pending by earlier interrupted runs")
        parser.add_argument("--no-wait", action="store_true", help="with Celery: queue the run and return")
        parser.add_argument("--timeout", type=float, default=None, help="network timeout in seconds (default 10)")

    def handle(self, *args, **opts):
        from django.contrib.auth import get_user_model

        from amity.intake import pipeline
        from amity.partners.models import Organisation

        targets = list(opts["targets"])
        if opts["sources"]:
            from amity.intake.models import Source, SourceKind

            for source in Source.objects.filter(active=True, kind__in=[SourceKind.FOLDER, SourceKind.FEED]):
                if source.kind == SourceKind.FEED or Path(source.location).is_dir():
                    targets.append(source.location)
                else:
                    self.stderr.write(f"Folder of source {source.name!r} is missing: {source.location}")
            if not targets and not opts["text"]:
                self.stdout.write("No active folder or feed sources.")
                return
        if not targets and not opts["text"]:
            raise CommandError("Give at least one file, folder, zip or URL, or --text.")
        paths, urls = [], []
        for target in targets:
            if is_url(target):
                urls.append(target)
            elif Path(target).exists():
                paths.append(str(Path(target).resolve()))
            else:
                raise CommandError(f"No such file or folder: {target}")
        owner = user = None
        if opts["owner"]:
            owner = Organisation.objects.filter(key=opts["owner"]).first()
            if owner is None:
                raise CommandError(f"No organisation with key {opts['owner']!r}.")
        if opts["user"]:
            user = get_user_model().objects.filter(username=opts["user"]).first()
            if user is None:
                raise CommandError(f"No user {opts['user']!r}.")
        run = pipeline.create_run(paths=paths, urls=urls, texts=opts["text"], user=user, owner=owner,
                                  title=opts["title"], resume=not opts["no_resume"], expect_feed=opts["feed"])
        if settings.CELERY_BROKER_URL:
            from amity.intake.tasks import enqueue_run

            enqueue_run(run)
            self.stdout.write(f"Queued ingestion run #{run.pk} (task {run.celery_task_id}).")
            if opts["no_wait"]:
                return
            run = self._follow(run)
        else:
            run = self._run_here(run, opts["timeout"])
        self._summary(run)
        if run.status == RunStatus.FAILED:
            raise CommandError(run.message)

    def _progress(self):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        console = Console(file=self.stdout._out if hasattr(self.stdout, "_out") else sys.stdout,
                          force_terminal=None)
        return Progress(TextColumn("[bold]Ingesting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        TextColumn("{task.description}", style="dim"), console=console, transient=False,
                        disable=not console.is_terminal)

    def _run_here(self, run: IngestRun, timeout):
        from amity.intake.pipeline import execute_run

        with self._progress() as progress:
            task = progress.add_task("", total=None)

            def update(r, name):
                progress.update(task, total=r.total or None, completed=r.done, description=name[-60:])

            run = execute_run(run, progress=update, timeout=timeout)
            progress.update(task, total=run.total, completed=run.done, description="")
        return run

    def _follow(self, run: IngestRun):
        with self._progress() as progress:
            task = progress.add_task("", total=None)
            while True:
                run.refresh_from_db()
                progress.update(task, total=run.total or None, completed=run.done)
                if run.status in (RunStatus.DONE, RunStatus.FAILED):
                    return run
                time.sleep(0.5)

    def _summary(self, run: IngestRun):
        from rich.console import Console
        from rich.table import Table

        console = Console(file=self.stdout._out if hasattr(self.stdout, "_out") else sys.stdout, width=120)
        table = Table(title=f"Ingestion run #{run.pk}", show_lines=False)
        table.add_column("Result")
        table.add_column("Count", justify="right")
        table.add_row("[green]added", str(run.added))
        table.add_row("[yellow]skipped", str(run.skipped))
        table.add_row("[red]failed", str(run.failed))
        console.print(table)
        for status, colour, limit in (("failed", "red", 200), ("skipped", "yellow", 30)):
            items = list(run.items.filter(status=status).order_by("id")[:limit + 1])
            for item in items[:limit]:
                console.print(f"[{colour}]{status}[/] {item.name}: {item.message}", markup=True, highlight=False)
            if len(items) > limit:
                more = run.items.filter(status=status).count() - limit
                console.print(f"[{colour}]… and {more} more {status}[/]")
        console.print(run.message, highlight=False, markup=False)
