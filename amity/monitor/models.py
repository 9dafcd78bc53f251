"""Watchlists and their alerts, and early signals (unusual surges of mentions of a partner).

- ``Watchlist``: what a user follows (countries, organisations, people, keywords), what to leave out
  (negative keywords) and whether to receive a daily or weekly e-mail digest.
- ``Alert``: one new document matching a watchlist; the user marks it relevant or not, which gives the
  watchlist's precision (untuned keyword alerts run at about 15%).
- ``Signal``: a partner's daily mention count far above its rolling baseline, or its first-ever mention.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Digest(models.TextChoices):
    NONE = "none", _("No e-mail")
    DAILY = "daily", _("Daily e-mail digest")
    WEEKLY = "weekly", _("Weekly e-mail digest")


class Watchlist(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watchlists")
    name = models.CharField(_("name"), max_length=200)
    countries = models.ManyToManyField("partners.Country", verbose_name=_("countries"), blank=True,
                                       related_name="watchlists")
    organisations = models.ManyToManyField("partners.Organisation", verbose_name=_("organisations"), blank=True,
                                           related_name="watchlists")
    persons = models.ManyToManyField("partners.Person", verbose_name=_("people"), blank=True,
                                     related_name="watchlists")
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    negative_keywords = models.JSONField(_("negative keywords"), default=list, blank=True)
    digest = models.CharField(_("e-mail digest"), max_length=8, choices=Digest.choices, default=Digest.NONE)
    active = models.BooleanField(_("active"), default=True)
    last_digest_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("watchlist")
        verbose_name_plural = _("watchlists")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("monitor:watchlist_detail", args=[self.pk])

    def marks(self) -> tuple[int, int]:
        """(relevant, irrelevant) marks on this watchlist's alerts."""
        counts = dict(self.alerts.exclude(relevant=None).values_list("relevant").annotate(n=models.Count("id")))
        return counts.get(True, 0), counts.get(False, 0)

    @property
    def precision(self) -> float | None:
        relevant, irrelevant = self.marks()
        return relevant / (relevant + irrelevant) if relevant + irrelevant else None


class Alert(models.Model):
    watchlist = models.ForeignKey(Watchlist, on_delete=models.CASCADE, related_name="alerts")
    document = models.ForeignKey("intake.Document", on_delete=models.CASCADE, related_name="alerts")
    matched_on = models.CharField(_("matched on"), max_length=500)
    relevant = models.BooleanField(_("relevant"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [models.UniqueConstraint(fields=["watchlist", "document"], name="monitor_one_alert_per_doc")]

    def __str__(self):
        return f"{self.watchlist}: {self.document}"


class SignalKind(models.TextChoices):
    SPIKE = "spike", _("Spike in mentions")
    FIRST = "first", _("First-ever mention")


class Signal(models.Model):
    kind = models.CharField(_("kind"), max_length=8, choices=SignalKind.choices)
    partner_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    partner_id = models.PositiveBigIntegerField()
    partner = GenericForeignKey("partner_type", "partner_id")
    label = models.CharField(_("partner"), max_length=300)
    date = models.DateField(_("date"), db_index=True)
    count = models.PositiveIntegerField(_("documents"))
    baseline_mean = models.FloatField(_("baseline (mean per day)"), default=0)
    baseline_std = models.FloatField(default=0)
    z = models.FloatField(_("z-score"), null=True, blank=True)
    documents = models.ManyToManyField("intake.Document", blank=True, related_name="signals")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-z", "-count", "id"]
        verbose_name = _("signal")
        verbose_name_plural = _("signals")
        constraints = [models.UniqueConstraint(fields=["partner_type", "partner_id", "date"],
                                               name="monitor_one_signal_per_partner_day")]
        indexes = [models.Index(fields=["partner_type", "partner_id"])]

    def __str__(self):
        return f"{self.date} {self.label}: {self.get_kind_display()}"
