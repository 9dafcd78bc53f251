from django.contrib import admin

from amity.monitor.models import Alert, Signal, Watchlist


@admin.register(Watchlist)
class WatchlistAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "digest", "active"]
    list_filter = ["digest", "active"]
    filter_horizontal = ["countries"]
    raw_id_fields = ["organisations", "persons"]


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["watchlist", "document", "matched_on", "relevant", "created_at", "emailed_at"]
    list_filter = ["relevant"]
    raw_id_fields = ["document"]


@admin.register(Signal)
class SignalAdmin(admin.ModelAdmin):
    list_display = ["date", "label", "kind", "count", "baseline_mean", "z"]
    list_filter = ["kind"]
    raw_id_fields = ["documents"]
