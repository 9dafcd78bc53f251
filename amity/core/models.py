"""Shared base models: ownership and audit fields, sources and citations, journal notes, tags.

Every partner, activity or document record derives from ``OwnedModel``: it has an owner organisation
(whose Editors may change it), who created and last changed it, tags, and a full change history
(django-simple-history, via ``HistoricalRecords(inherit=True)``).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from amity.core.validators import validate_no_control, validate_plain_name
from amity.extract.normalize import fold


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True, validators=[validate_plain_name])
    slug = models.SlugField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name, allow_unicode=False) or fold(self.name).replace(" ", "-")
        super().save(*args, **kwargs)

    def __str__(self):
        return self.name


class Source(models.Model):
    """Where a fact comes from: a URL and/or a stored document, with the quoted sentence."""

    url = models.URLField(_("URL"), max_length=1000, blank=True)
    title = models.CharField(_("title"), max_length=500, blank=True, validators=[validate_no_control])
    date = models.DateField(_("date"), null=True, blank=True)
    quote = models.TextField(_("quote"), blank=True, max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self):
        return self.title or self.url or f"Source {self.pk}"


class Citation(models.Model):
    """Links any record to a Source."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="citations")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.UniqueConstraint(fields=["source", "content_type", "object_id"], name="unique_citation")
        ]

    def __str__(self):
        return f"{self.source} -> {self.content_type.model} {self.object_id}"


class JournalNote(models.Model):
    """Dated, authored notes on any record: the institutional memory that outlives staff turnover."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    date = models.DateField(_("date"), default=timezone.localdate)
    text = models.TextField(_("note"), max_length=20000, validators=[validate_no_control])
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.date}: {self.text[:60]}"


class Membership(models.Model):
    """Which organisation a user works for: Editors may change that organisation's records."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    organisation = models.ForeignKey("partners.Organisation", on_delete=models.PROTECT, related_name="members")

    def __str__(self):
        return f"{self.user} @ {self.organisation}"


class OwnedQuerySet(models.QuerySet):
    def editable_by(self, user):
        """Records ``user`` may change: all for Administrators, their organisation's for Editors."""
        from amity.core.permissions import editable_owner_ids, is_admin

        if is_admin(user):
            return self
        owners = editable_owner_ids(user)
        if not owners:
            return self.none()
        return self.filter(owner_id__in=owners)


class OwnedModel(models.Model):
    owner = models.ForeignKey(
        "partners.Organisation",
        verbose_name=_("owner organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="+")
    notes = GenericRelation(JournalNote)
    citations = GenericRelation(Citation)
    history = HistoricalRecords(inherit=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        abstract = True


class Notification(models.Model):
    """An in-app notification (approval steps, watchlist alerts, signals...)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40, default="info")
    text = models.CharField(max_length=500)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return self.text


def notify(users, text: str, url: str = "", kind: str = "info") -> list[Notification]:
    """Create one notification per user (duplicates in ``users`` are ignored)."""
    seen, out = set(), []
    for user in users:
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        out.append(Notification(user=user, text=text[:500], url=url[:500], kind=kind))
    return Notification.objects.bulk_create(out)


class PeriodicRun(models.Model):
    """One run of a periodic job for one period (``amity.core.periodic``): the unique (job, period) row is the
    lock that makes a job run once per period, however many cron ticks, beat schedulers or servers ask."""

    RUNNING, DONE, FAILED = "running", "done", "failed"
    STATUSES = [(RUNNING, _("Running")), (DONE, _("Done")), (FAILED, _("Failed"))]

    job = models.CharField(_("job"), max_length=60)
    period = models.CharField(_("period"), max_length=40)
    status = models.CharField(_("status"), max_length=10, choices=STATUSES, default=RUNNING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=1)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["job", "period"], name="core_unique_periodic_run")]

    def __str__(self):
        return f"{self.job} {self.period}: {self.status}"
