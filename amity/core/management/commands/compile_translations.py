"""Compile every ``amity/**/locale/*/LC_MESSAGES/django.po`` to ``.mo`` with Babel (no GNU gettext needed)."""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.core.management.base import BaseCommand

ROOT = Path(__file__).resolve().parents[3]


def compile_all() -> list[Path]:
    written = []
    for po_path in sorted(ROOT.glob("**/locale/*/LC_MESSAGES/django.po")):
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=po_path.parts[-3])
        mo_path = po_path.with_suffix(".mo")
        with mo_path.open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        written.append(mo_path)
    return written


class Command(BaseCommand):
    help = "Compile the Vietnamese (and any other) translation catalogues to .mo files."

    def handle(self, *args, **options):
        for path in compile_all():
            self.stdout.write(str(path.relative_to(ROOT.parent)))
