from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from amity.reviews.models import Review


@admin.register(Review)
class ReviewAdmin(SimpleHistoryAdmin):
    list_display = ["title", "period_kind", "start", "end", "language", "scope", "owner", "frozen_at"]
    list_filter = ["period_kind", "language", "scope"]
    search_fields = ["title"]
    date_hierarchy = "end"
    readonly_fields = ["figures", "frozen_at", "frozen_by"]
