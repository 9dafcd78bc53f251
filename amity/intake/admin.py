from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from amity.intake.models import Document, DocumentMention, IngestItem, IngestRun, Source


@admin.register(Source)
class SourceAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "location", "active", "last_checked_at")
    list_filter = ("kind", "active")
    search_fields = ("name", "location")


class MentionInline(admin.TabularInline):
    model = DocumentMention
    extra = 0
    raw_id_fields = ("country", "organisation", "person")


@admin.register(Document)
class DocumentAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "date", "language", "status", "source", "created_at")
    list_filter = ("status", "language", "source")
    search_fields = ("title", "original_name", "sha256", "url")
    raw_id_fields = ("duplicate_of", "source", "owner")
    readonly_fields = ("sha256", "blob_path", "size", "mime", "format", "created_at", "updated_at")
    inlines = [MentionInline]


class ItemInline(admin.TabularInline):
    model = IngestItem
    extra = 0
    raw_id_fields = ("document",)


@admin.register(IngestRun)
class IngestRunAdmin(admin.ModelAdmin):
    list_display = ("id", "label", "status", "started_at", "finished_at", "added", "skipped", "failed")
    list_filter = ("status",)
    inlines = [ItemInline]
