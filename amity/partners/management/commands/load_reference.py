from django.core.management.base import BaseCommand

from amity.partners.reference import load_reference


class Command(BaseCommand):
    help = "Load or refresh countries, partnership history, provinces, organisations and people from amity/partners/data."

    def handle(self, *args, **options):
        counts = load_reference()
        for key, value in sorted(counts.items()):
            self.stdout.write(f"{key}: {value}")
