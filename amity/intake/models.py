"""Sources and documents: what came in, its original bytes, its text, and how far the pipeline got.

- ``Source``: a watched folder, an upload, an RSS/Atom feed or pasted text.
- ``Document``: one item of a source. Original bytes are stored content-addressed (SHA-256) under
  ``settings.VAR_DIR / "documents" / sha[:2] / sha``; re-ingesting the same bytes changes nothing.
  Near-duplicates (same story republished) get ``status=duplicate`` and ``duplicate_of`` the first copy.
- ``DocumentMention``: names found in a document, linked to partner records when they match one
  (filled at the entity-linking step; watchlists, signals and search facets read it).
- ``IngestRun`` / ``IngestItem``: one ingestion batch and its per-item outcome (summary, live progress page).

Pipeline statuses: new (bytes stored) -> extracted (text, language, engine output, search index)
-> linked (mentions) -> done (post-extract hooks ran). ``failed`` carries ``error``; ``suggested`` is
free for the suggestions stage to use.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from amity.core.models import OwnedModel


class SourceKind(models.TextChoices):
    FOLDER = "folder", _("Watched folder")
    UPLOAD = "upload", _("Upload")
    FEED = "feed", _("RSS/Atom feed")
    PASTE = "paste", _("Pasted text")


class Source(OwnedModel):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=SourceKind.choices)
    location = models.CharField(_("location"), max_length=1000, blank=True, help_text=_("Folder path or URL."))
    active = models.BooleanField(_("active"), default=True)
    last_checked_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [models.UniqueConstraint(fields=["kind", "location"], name="intake_unique_source_location",
                                               condition=~models.Q(location=""))]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("intake:source_detail", args=[self.pk])


class DocumentStatus(models.TextChoices):
    NEW = "new", _("New")
    EXTRACTED = "extracted", _("Extracted")
    LINKED = "linked", _("Linked")
    SUGGESTED = "suggested", _("Suggested")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    DUPLICATE = "duplicate", _("Duplicate")


PENDING_STATUSES = (DocumentStatus.NEW, DocumentStatus.EXTRACTED, DocumentStatus.LINKED)


class Language(models.TextChoices):
    EN = "en", _("English")
    VI = "vi", _("Vietnamese")


class Document(OwnedModel):
    source = models.ForeignKey(Source, verbose_name=_("source"), null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="documents")
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True, editable=False)
    blob_path = models.CharField(_("stored file"), max_length=300, editable=False,
                                 help_text=_("Relative to the data folder: documents/ab/abcdef..."))
    original_name = models.CharField(_("original name"), max_length=500, blank=True)
    mime = models.CharField(_("media type"), max_length=100, blank=True)
    format = models.CharField(_("format"), max_length=20, blank=True)
    size = models.BigIntegerField(_("size (bytes)"), default=0)
    title = models.CharField(_("title"), max_length=500, blank=True)
    url = models.CharField(_("URL"), max_length=1000, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, blank=True)
    text = models.TextField(_("text"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=DocumentStatus.choices,
                              default=DocumentStatus.NEW, db_index=True)
    error = models.TextField(_("error"), blank=True)
    duplicate_of = models.ForeignKey("self", verbose_name=_("duplicate of"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="duplicates")
    extraction = models.JSONField(_("extraction"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        indexes = [models.Index(fields=["date"]), models.Index(fields=["language"])]

    def __str__(self):
        return self.title or self.original_name or f"Document {self.pk}"

    def get_absolute_url(self):
        return reverse("intake:document_detail", args=[self.pk])

    @property
    def blob(self) -> Path:
        return Path(settings.VAR_DIR) / self.blob_path

    @staticmethod
    def blob_path_for(sha256: str) -> str:
        return f"documents/{sha256[:2]}/{sha256}"


class MentionKind(models.TextChoices):
    COUNTRY = "country", _("Country")
    ORGANISATION = "organisation", _("Organisation")
    PERSON = "person", _("Person")
    EVENT = "event", _("Event type")


class DocumentMention(models.Model):
    """A name found in a document, linked to a partner record when one matches (folded names/aliases).

    ``kind=event`` rows carry the event types the engine found (``name`` = type) so search can facet on them.
    """

    # No index of its own on document: the unique (document, kind, name) serves it; nor on (kind, name): the
    # covering (kind, name, document_id) of migration 0005 does. Ingestion inserts ~30 mentions a document.
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="mentions", db_index=False)
    country = models.ForeignKey("partners.Country", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="document_mentions")
    organisation = models.ForeignKey("partners.Organisation", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="document_mentions")
    person = models.ForeignKey("partners.Person", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="document_mentions")
    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=16, choices=MentionKind.choices)
    count = models.PositiveIntegerField(_("count"), default=1)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["document", "kind", "name"], name="intake_unique_mention")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.name}"


class NearDuplicateKey(models.Model):
    """MinHash LSH band keys of a document (datasketch signature, 20 bands x 5 rows).

    Two documents sharing a key are candidates; the stored signature decides (Jaccard >= threshold).
    """

    # the unique (document, key) serves lookups by document: no index of its own (20 keys a document)
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="near_keys", db_index=False)
    key = models.BigIntegerField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["document", "key"], name="intake_unique_near_key")]

    def __str__(self):
        return f"{self.document_id}:{self.key}"


class DocumentSignature(models.Model):
    document = models.OneToOneField(Document, on_delete=models.CASCADE, primary_key=True, related_name="signature")
    minhash = models.BinaryField()

    def __str__(self):
        return f"MinHash of document {self.document_id}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class IngestRun(models.Model):
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="runs")
    owner = models.ForeignKey("partners.Organisation", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    label = models.CharField(_("what"), max_length=500, blank=True)
    params = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=RunStatus.choices, default=RunStatus.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    added = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    celery_task_id = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("ingestion run")
        verbose_name_plural = _("ingestion runs")

    def __str__(self):
        return f"#{self.pk} {self.label}"

    def get_absolute_url(self):
        return reverse("intake:run_detail", args=[self.pk])

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else (100 if self.finished_at else 0)

    @property
    def is_running(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)


class ItemStatus(models.TextChoices):
    ADDED = "added", _("Added")
    SKIPPED = "skipped", _("Skipped")
    FAILED = "failed", _("Failed")


class IngestItem(models.Model):
    run = models.ForeignKey(IngestRun, on_delete=models.CASCADE, related_name="items")
    name = models.CharField(_("name"), max_length=1000)
    status = models.CharField(_("status"), max_length=12, choices=ItemStatus.choices)
    message = models.TextField(_("message"), blank=True)
    document = models.ForeignKey(Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.name}: {self.status}"
