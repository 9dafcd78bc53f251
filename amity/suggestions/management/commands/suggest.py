from django.core.management.base import BaseCommand

from amity.suggestions.matching import Indexes
from amity.suggestions.services import suggest_from_document


class Command(BaseCommand):
    help = "(Re)build suggestions from the stored extraction of documents (all, or the given ids)."

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int)

    def handle(self, *args, ids, **options):
        from amity.intake.models import Document

        docs = Document.objects.exclude(extraction={}).order_by("id")
        if ids:
            docs = docs.filter(pk__in=ids)
        indexes = Indexes()
        n = 0
        for document in docs.iterator(chunk_size=200):
            n += len(suggest_from_document(document, indexes))
        self.stdout.write(f"{n} suggestion(s) created or given another source.")
