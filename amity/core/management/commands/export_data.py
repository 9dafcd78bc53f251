from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from amity.core import exchange


class Command(BaseCommand):
    help = "Export countries, partnership history, provinces, organisations, people and posts to CSV or XLSX."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=exchange.EXPORT_FORMATS, default="csv")
        parser.add_argument("--out", required=True, help="Directory to write one file per data set into.")

    def handle(self, *args, **options):
        try:
            paths = exchange.export_all(Path(options["out"]), options["format"])
        except (exchange.ExchangeError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        for path in paths:
            self.stdout.write(f"{path}  ({path.stat().st_size} bytes)")
