from django.core.management.base import BaseCommand

from amity.activities.reminders import send_expiry_reminders


class Command(BaseCommand):
    help = "Notify owners of agreements that expire soon (180/90/30/7 days) and mark past ones as expired."

    def handle(self, *args, **options):
        result = send_expiry_reminders()
        self.stdout.write(f"reminded: {result['reminded']}, expired: {result['expired']}")
