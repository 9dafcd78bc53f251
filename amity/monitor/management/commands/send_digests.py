from django.core.management.base import BaseCommand

from amity.monitor.digest import send_digests


class Command(BaseCommand):
    help = "E-mail each user the unsent alerts of their daily or weekly watchlists."

    def add_arguments(self, parser):
        parser.add_argument("--period", choices=["daily", "weekly"], default="daily")
        parser.add_argument("--site-url", default="", help="Base URL for links, e.g. https://amity.example.org")

    def handle(self, *args, period, site_url, **options):
        n = send_digests(period, site_url=site_url)
        self.stdout.write(f"{n} digest e-mail(s) sent ({period}).")
