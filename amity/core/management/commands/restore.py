from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from amity.core import exchange


class Command(BaseCommand):
    help = "Restore a backup made by `amity backup` into an empty, migrated database."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--force", action="store_true",
                            help="Load even if the database is not empty (records with the same ids are replaced).")
        parser.add_argument("--check", action="store_true", help="Only verify the backup's manifest and checksums.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            if options["check"]:
                manifest = exchange.verify_backup(path)
                self.stdout.write(self.style.SUCCESS(f"Backup is intact: {sum(manifest['counts'].values())} records."))
                return
            manifest = exchange.restore_backup(path, force=options["force"])
        except exchange.ExchangeError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"Restored {sum(manifest['counts'].values())} records and {len(manifest['files']) - 1} documents."))
