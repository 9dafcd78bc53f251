from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from amity.activities.models import Activity, Agreement, CalendarToken, StatusChange


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    readonly_fields = ["from_status", "to_status", "by", "at", "comment", "returned"]


@admin.register(Activity)
class ActivityAdmin(SimpleHistoryAdmin):
    list_display = ["title", "type", "pillar", "start", "precision", "status", "lead_organisation", "conflict_count"]
    list_filter = ["type", "pillar", "status", "level"]
    search_fields = ["search_key"]
    date_hierarchy = "start"
    filter_horizontal = ["countries", "organisations", "persons", "agreements"]
    inlines = [StatusChangeInline]
    readonly_fields = ["status", "version", "conflict_count"]

    def save_model(self, request, obj, form, change):
        if change:
            obj.version += 1  # a form opened before this admin save must be told it is stale
        super().save_model(request, obj, form, change)


@admin.register(Agreement)
class AgreementAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "status", "signed_on", "in_force_until"]
    list_filter = ["kind", "status"]
    search_fields = ["search_key"]
    filter_horizontal = ["countries", "organisations"]


@admin.register(CalendarToken)
class CalendarTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at"]
    readonly_fields = ["token"]
