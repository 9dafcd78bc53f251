from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from amity.core import exchange
from amity.partners.models import Organisation


class Command(BaseCommand):
    help = ("Import organisations or people from a CSV (UTF-8/UTF-16) or XLSX file. All-or-nothing: one bad row "
            "and nothing is written. Records whose folded name already exists are reported, not duplicated.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--model", required=True, choices=sorted(exchange.IMPORTERS))
        parser.add_argument("--dry-run", action="store_true", help="Check every row, write nothing.")
        parser.add_argument("--user", help="Username recorded as creator (its organisation owns the records).")
        parser.add_argument("--owner", help="Key of the owner organisation (default: the user's, or none).")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        if path.stat().st_size > exchange.MAX_IMPORT_BYTES:
            raise CommandError("The file is larger than 10 MB.")
        user = owner = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"Unknown user {options['user']}")
        if options["owner"]:
            owner = Organisation.objects.filter(key=options["owner"]).first()
            if owner is None:
                raise CommandError(f"Unknown organisation key {options['owner']}")
        try:
            table = exchange.read_table(path.read_bytes(), path.name)
            report = exchange.import_rows(options["model"], table, user=user, owner=owner,
                                          dry_run=options["dry_run"])
        except exchange.ExchangeError as exc:
            raise CommandError(str(exc)) from exc
        for message in report.file_errors:
            self.stderr.write(message)
        for message in report.warnings:
            self.stdout.write(self.style.WARNING(message))
        for row in report.rows:
            line = f"row {row.row}: {row.status:9} {row.label}"
            if row.messages:
                line += " — " + "; ".join(row.messages)
            self.stdout.write(self.style.ERROR(line) if row.status == "error" else line)
        counts = ", ".join(f"{k} {v}" for k, v in sorted(report.counts.items())) or "no rows"
        if not report.ok:
            raise CommandError(f"Nothing imported ({counts}): correct the rows marked error.")
        verb = "Would import" if report.dry_run else "Imported"
        self.stdout.write(self.style.SUCCESS(f"{verb}: {counts}."))
