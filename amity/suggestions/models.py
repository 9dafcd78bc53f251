"""The suggestions queue: facts the extraction engine found in documents, waiting for a reviewer.

One fact reported by thirty outlets is ONE suggestion with thirty ``SuggestionEvidence`` rows: suggestions are
keyed by a ``fingerprint`` (kind + folded key fields), and activities also absorb near-identical events
(same type, dates a few days apart, a shared participant). A rejected fingerprint is remembered in
``RejectedFingerprint`` so the same suggestion does not come back from later documents.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from amity.extract.normalize import fold


class Kind(models.TextChoices):
    ORGANISATION = "organisation", _("New organisation")
    PERSON = "person", _("New person")
    POST = "post", _("Post")
    ACTIVITY = "activity", _("Activity")
    PARTNERSHIP_CHANGE = "partnership_change", _("Partnership change")
    AID_COMMITMENT = "aid_commitment", _("Aid commitment")
    FIGURE = "figure", _("Figure")


class Status(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    MERGED = "merged", _("Merged")
    REJECTED = "rejected", _("Rejected")


class Suggestion(models.Model):
    # Indexes: see Meta (ingestion inserts thousands of rows a minute: no index that another one covers, and
    # no PostgreSQL "_like" copy of the text ones, which no query uses).
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    label = models.CharField(_("suggestion"), max_length=500)
    search_key = models.TextField(editable=False, blank=True)
    payload = models.JSONField(_("fields"), default=dict, blank=True)
    fingerprint = models.CharField(max_length=64)
    date = models.DateField(_("date"), null=True, blank=True, help_text=_("Event date, for grouping reports."))
    countries = models.ManyToManyField("partners.Country", blank=True, related_name="+",
                                       verbose_name=_("countries"))

    match_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   db_index=False)
    match_id = models.PositiveBigIntegerField(null=True, blank=True)
    best_match = GenericForeignKey("match_type", "match_id")
    match_score = models.FloatField(_("match score"), null=True, blank=True)

    record_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    db_index=False)
    record_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_record = GenericForeignKey("record_type", "record_id")

    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    comment = models.CharField(_("comment"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        constraints = [models.UniqueConstraint(fields=["fingerprint"], name="suggestion_fingerprint_unique")]
        indexes = [models.Index(fields=["kind", "status", "date"]),
                   models.Index(fields=["status"], name="suggestion_status_idx"),
                   models.Index(fields=["match_type", "match_id"]),
                   models.Index(fields=["record_type", "record_id"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.label}"

    def save(self, *args, **kwargs):
        self.search_key = fold(self.label)
        if kwargs.get("update_fields") is not None and "label" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("suggestions:detail", args=[self.pk])

    @property
    def type_label(self) -> str:
        """The activity type of an activity or aid suggestion, in the reader's language."""
        if self.kind not in (Kind.ACTIVITY, Kind.AID_COMMITMENT) or not self.payload.get("type"):
            return ""
        try:
            from amity.activities.choices import ActivityType
            from amity.suggestions.services import activity_type

            return str(ActivityType(activity_type(self.payload["type"], self.payload.get("location"))).label)
        except (ImportError, ValueError):
            return self.payload["type"]

    @property
    def date_label(self) -> str:
        if not self.date:
            return ""
        precision = (self.payload or {}).get("precision")
        if precision == "year":
            return str(self.date.year)
        if precision == "month":
            return f"{self.date.month:02d}/{self.date.year}"
        return self.date.isoformat()

    @property
    def is_pending(self) -> bool:
        return self.status == Status.PENDING

    @property
    def source_count(self) -> int:
        """Documents reporting it, near-duplicate copies included (the pipeline gives copies no hooks)."""
        reports, copies = getattr(self, "n_reports", None), getattr(self, "n_copies", None)
        if reports is None or copies is None:
            from amity.intake.models import Document

            docs = self.evidence.values("document")
            reports = docs.distinct().count()
            copies = Document.objects.filter(duplicate_of__in=docs).count()
        return reports + copies

    def copies(self):
        """Near-duplicate copies of the documents behind it."""
        from amity.intake.models import Document

        return Document.objects.filter(duplicate_of__in=self.evidence.values("document")).order_by("date", "id")


class SuggestionEvidence(models.Model):
    """One document (and sentence) behind a suggestion."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="evidence",
                                   db_index=False)  # the unique (suggestion, document) index serves it
    document = models.ForeignKey("intake.Document", on_delete=models.CASCADE, related_name="suggestion_evidence")
    sentence = models.TextField(_("sentence"), max_length=5000)
    start = models.PositiveIntegerField(default=0, help_text=_("Highlight start, relative to the sentence."))
    end = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["suggestion", "document"], name="one_evidence_per_document")]

    def __str__(self):
        return f"{self.suggestion_id} <- {self.document_id}"

    def parts(self) -> tuple[str, str, str]:
        """(before, highlighted, after): the template escapes each part."""
        s = self.sentence
        start, end = max(0, min(self.start, len(s))), max(0, min(self.end, len(s)))
        if end <= start:
            return s, "", ""
        return s[:start], s[start:end], s[end:]


class RejectedFingerprint(models.Model):
    fingerprint = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=24, choices=Kind.choices)
    label = models.CharField(max_length=500, blank=True)
    rejected_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("remembered rejection")
        verbose_name_plural = _("remembered rejections")

    def __str__(self):
        return self.label or self.fingerprint
