from django.contrib import admin

from amity.suggestions.models import RejectedFingerprint, Suggestion, SuggestionEvidence


class EvidenceInline(admin.TabularInline):
    model = SuggestionEvidence
    extra = 0
    raw_id_fields = ["document"]


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = ["label", "kind", "status", "date", "match_score", "created_at"]
    list_filter = ["kind", "status"]
    search_fields = ["label", "fingerprint"]
    inlines = [EvidenceInline]
    raw_id_fields = ["reviewed_by"]


@admin.register(RejectedFingerprint)
class RejectedFingerprintAdmin(admin.ModelAdmin):
    list_display = ["label", "kind", "rejected_by", "at"]
    list_filter = ["kind"]
    search_fields = ["label", "fingerprint"]
