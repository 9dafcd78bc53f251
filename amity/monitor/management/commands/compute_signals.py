import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from amity.monitor.signals import MIN_COUNT, WINDOW_DAYS, Z_THRESHOLD, compute_signals


class Command(BaseCommand):
    help = "Compute early signals (mention spikes, first mentions) for a day or the last few days."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--days", type=int, default=1, help="Also the N-1 days before it")
        parser.add_argument("--window", type=int, default=WINDOW_DAYS)
        parser.add_argument("--z", type=float, default=Z_THRESHOLD)
        parser.add_argument("--min-count", type=int, default=MIN_COUNT)

    def handle(self, *args, date=None, days=1, window=WINDOW_DAYS, z=Z_THRESHOLD, min_count=MIN_COUNT, **opts):
        try:
            day = dt.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--date must be YYYY-MM-DD, not {date!r}") from exc
        if not 1 <= days <= 3660 or window < 2:
            raise CommandError("--days must be 1..3660 and --window at least 2")
        total = 0
        for i in range(days - 1, -1, -1):
            total += len(compute_signals(day - dt.timedelta(days=i), window=window, z_threshold=z,
                                         min_count=min_count))
        self.stdout.write(f"{total} signal(s).")
