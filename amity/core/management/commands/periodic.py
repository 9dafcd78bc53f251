"""``amity periodic``: run the periodic jobs that are due (digests, early signals, agreement reminders, source
polling). Meant for cron or a systemd timer every few minutes; each job runs once per period however often this
is called, even from two processes at once (see ``amity.core.periodic``)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from amity.core import periodic


class Command(BaseCommand):
    help = "Run the periodic jobs that are due (once per period each). --list shows them."

    def add_arguments(self, parser):
        parser.add_argument("--list", action="store_true", help="list the jobs, their schedule and last run")
        parser.add_argument("--job", default="", help="run only this job (if due, unless --force)")
        parser.add_argument("--force", action="store_true",
                            help="with --job: run it now even if it already ran in this period or is not due yet")

    def handle(self, *args, list=False, job="", force=False, **opts):  # noqa: A002
        names = [j.name for j in periodic.JOBS]
        if job and job not in names:
            raise CommandError(f"No periodic job {job!r}; the jobs are: {', '.join(names)}.")
        if force and not job:
            raise CommandError("--force needs --job NAME.")
        if list:
            self._list()
            return
        outcomes = periodic.run_due(only=job or None, force=force)
        failed = 0
        for o in outcomes:
            if o.status == "failed":
                failed += 1
                self.stderr.write(f"{o.job} [{o.period}]: FAILED: {o.message}")
            elif o.status == "done":
                self.stdout.write(f"{o.job} [{o.period}]: done {o.message}".rstrip())
            elif opts.get("verbosity", 1) > 1 or job:
                self.stdout.write(f"{o.job} [{o.period}]: skipped ({o.message})")
        if failed:
            raise CommandError(f"{failed} periodic job(s) failed (recorded; they are retried on the next run).")

    def _list(self):
        now = timezone.now()
        last = periodic.last_runs()
        for j in periodic.JOBS:
            run = last.get(j.name)
            if run is None:
                seen = "never run"
            else:
                seen = (f"last: {run.period} {run.status} at {timezone.localtime(run.started_at):%Y-%m-%d %H:%M}"
                        f"{' - ' + run.message if run.message else ''}")
            if run is not None and run.period == j.period(now) and run.status != "failed":
                due = f"{run.status} for this period"
            else:
                due = "due now" if j.is_due(now) else "not due yet"
            self.stdout.write(f"{j.name:22} {j.schedule_text():28} period {j.period(now)} ({due}); {seen}")
            if j.description:
                self.stdout.write(f"{'':22} {j.description}")
