from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from amity.core import exchange


class Command(BaseCommand):
    help = ("Write one .zip with all Amity data (JSON), the stored documents and a manifest (counts, sha256). "
            "It contains password hashes and API tokens: keep it safe.")

    def add_arguments(self, parser):
        parser.add_argument("--out", help="Zip file to write (default: VAR_DIR/backups/amity-<time>.zip).")

    def handle(self, *args, **options):
        out = options["out"] or Path(settings.VAR_DIR) / "backups" / f"amity-{timezone.now():%Y%m%d-%H%M%S}.zip"
        manifest = exchange.create_backup(Path(out))
        total = sum(manifest["counts"].values())
        documents = len(manifest["files"]) - 1
        self.stdout.write(self.style.SUCCESS(f"Backup written to {out}: {total} records, {documents} documents."))
