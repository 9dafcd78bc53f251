"""A periodic review (half-year, year...): its period, scope, the narrative the user writes, and the frozen
snapshot of its figures once published."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from amity.core.models import OwnedModel
from amity.core.validators import validate_no_control
from amity.reviews import metrics


class PeriodKind(models.TextChoices):
    YEAR = metrics.PeriodKind.YEAR, _("Year")
    H1 = metrics.PeriodKind.H1, _("First half (H1)")
    H2 = metrics.PeriodKind.H2, _("Second half (H2)")
    Q1 = metrics.PeriodKind.Q1, _("Quarter 1")
    Q2 = metrics.PeriodKind.Q2, _("Quarter 2")
    Q3 = metrics.PeriodKind.Q3, _("Quarter 3")
    Q4 = metrics.PeriodKind.Q4, _("Quarter 4")
    CUSTOM = metrics.PeriodKind.CUSTOM, _("Custom range")


class Scope(models.TextChoices):
    ALL = "all", _("All organisations")
    OWNER = "owner", _("Owner organisation only")


class ReviewLanguage(models.TextChoices):
    EN = "en", _("English")
    VI = "vi", _("Vietnamese")


class Review(OwnedModel):
    title = models.CharField(_("title"), max_length=300, validators=[validate_no_control])
    period_kind = models.CharField(_("period"), max_length=8, choices=PeriodKind.choices, default=PeriodKind.YEAR)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    language = models.CharField(_("language"), max_length=2, choices=ReviewLanguage.choices,
                                default=ReviewLanguage.VI)
    scope = models.CharField(_("scope"), max_length=8, choices=Scope.choices, default=Scope.ALL,
                             help_text=_("A provincial union reviews its own activities; VUFO may review all."))
    include_all_statuses = models.BooleanField(
        _("count activities of every status"), default=False,
        help_text=_("By default only approved, done and reported activities count (cancelled ones never do)."))
    introduction = models.TextField(_("introduction"), blank=True, max_length=50000, validators=[validate_no_control])
    highlights = models.TextField(_("highlights"), blank=True, max_length=50000, validators=[validate_no_control])
    outlook = models.TextField(_("outlook and tasks ahead"), blank=True, max_length=50000,
                               validators=[validate_no_control])
    figures = models.JSONField(_("frozen figures"), null=True, blank=True, editable=False)
    frozen_at = models.DateTimeField(_("frozen at"), null=True, blank=True, editable=False)
    frozen_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, editable=False,
                                  on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-end", "-id"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("reviews:review_detail", args=[self.pk])

    def clean(self):
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The period cannot end before it starts.")})

    @property
    def period(self) -> metrics.Period:
        return metrics.Period(self.period_kind, self.start, self.end)

    @property
    def is_frozen(self) -> bool:
        return self.figures is not None

    @property
    def scope_owner(self):
        return self.owner if self.scope == Scope.OWNER else None

    def live_figures(self) -> dict:
        return metrics.compute_figures(self.period, include_all=self.include_all_statuses, owner=self.scope_owner)

    def current_figures(self) -> dict:
        """The frozen snapshot when there is one, else figures computed now from the live data."""
        return self.figures if self.figures is not None else self.live_figures()
