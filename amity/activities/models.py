"""The activity register (visits, meetings, signings... of all three pillars), its approval history, the
agreement register and the private calendar-feed tokens."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from amity.activities import dates
from amity.activities.choices import (
    HIGH_LEVELS,
    ActivityType,
    AgreementKind,
    AgreementStatus,
    Level,
    MoneyKind,
    Pillar,
    Precision,
    Priority,
    Status,
)
from amity.core.models import OwnedModel
from amity.core.validators import validate_no_control, validate_plain_name
from amity.partners.models import build_search_key

currency_validator = RegexValidator(r"^[A-Z]{3}$", _("Enter a three-letter ISO 4217 currency code, e.g. USD or VND."))


class Activity(OwnedModel):
    type = models.CharField(_("type"), max_length=24, choices=ActivityType.choices, default=ActivityType.MEETING)
    title = models.CharField(_("title"), max_length=300, validators=[validate_plain_name])
    pillar = models.CharField(_("pillar"), max_length=8, choices=Pillar.choices, default=Pillar.PEOPLE)
    level = models.CharField(_("level"), max_length=24, choices=Level.choices, blank=True)
    start = models.DateField(_("start"), help_text=_("First day of the month or year when the date is approximate."))
    precision = models.CharField(_("date precision"), max_length=5, choices=Precision.choices, default=Precision.DAY)
    end = models.DateField(_("end"), null=True, blank=True)
    end_precision = models.CharField(max_length=5, choices=Precision.choices, default=Precision.DAY)
    location_country = models.ForeignKey(
        "partners.Country", verbose_name=_("country (location)"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="hosted_activities",
    )
    province = models.ForeignKey(
        "partners.Province", verbose_name=_("province"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="activities",
    )
    city = models.CharField(_("city"), max_length=120, blank=True, validators=[validate_plain_name])
    countries = models.ManyToManyField("partners.Country", verbose_name=_("partner countries"), blank=True,
                                       related_name="activities")
    organisations = models.ManyToManyField("partners.Organisation", verbose_name=_("partner organisations"),
                                           blank=True, related_name="activities")
    persons = models.ManyToManyField("partners.Person", verbose_name=_("people"), blank=True,
                                     related_name="activities")
    lead_organisation = models.ForeignKey(
        "partners.Organisation", verbose_name=_("lead organisation"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="led_activities",
        help_text=_("Its Editors approve the activity."),
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner (person responsible)"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    priorities = models.JSONField(_("national priorities served"), default=list, blank=True)
    money_amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=2, null=True, blank=True,
                                       validators=[MinValueValidator(0)])
    money_currency = models.CharField(_("currency"), max_length=3, blank=True, validators=[currency_validator])
    money_kind = models.CharField(_("kind of money"), max_length=16, choices=MoneyKind.choices, blank=True)
    agreements = models.ManyToManyField("activities.Agreement", verbose_name=_("agreements signed"), blank=True,
                                        related_name="activities")
    summary = models.TextField(_("summary"), blank=True, max_length=20000, validators=[validate_no_control])
    outcomes = models.TextField(_("outcomes"), blank=True, max_length=20000, validators=[validate_no_control])
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT,
                              editable=False, db_index=True)
    status_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    status_changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, editable=False,
                                          on_delete=models.SET_NULL, related_name="+")
    span_end = models.DateField(editable=False, null=True, db_index=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    conflict_count = models.PositiveSmallIntegerField(default=0, editable=False)
    search_key = models.TextField(editable=False, blank=True)

    class Meta:
        ordering = ["-start", "-id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [models.Index(fields=["start", "end"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("activities:activity_detail", args=[self.pk])

    # ---- dates -----------------------------------------------------------------------------------------
    @property
    def last_day(self) -> dt.date:
        """Last day the activity may cover (end of the month/year when the date is approximate)."""
        if self.end:
            return dates.period_end(self.end, self.end_precision)
        return dates.period_end(self.start, self.precision)

    @property
    def when(self) -> str:
        lang = get_language() or "en"
        first = dates.format_approx(self.start, self.precision, lang)
        if self.end and self.end != self.start:
            return f"{first} – {dates.format_approx(self.end, self.end_precision, lang)}"
        return first

    @property
    def is_high_level(self) -> bool:
        return self.level in HIGH_LEVELS

    @property
    def approving_organisation(self):
        return self.lead_organisation or self.owner

    @property
    def priority_labels(self) -> list[str]:
        labels = dict(Priority.choices)
        return [str(labels.get(p, p)) for p in self.priorities or []]

    @property
    def money_label(self) -> str:
        if self.money_amount is None:
            return ""
        amount = f"{self.money_amount:,.0f}" if self.money_amount == int(self.money_amount) else f"{self.money_amount:,}"
        kind = f" ({self.get_money_kind_display()})" if self.money_kind else ""
        return f"{amount} {self.money_currency}{kind}"

    @property
    def location_label(self) -> str:
        parts = [self.city, str(self.province) if self.province_id else "",
                 str(self.location_country) if self.location_country_id else ""]
        return ", ".join(p for p in parts if p)

    def save(self, *args, **kwargs):
        self.normalise_start()
        if self.start:
            self.span_end = max(self.last_day, self.start)
        self.search_key = build_search_key(self.title, self.city)
        super().save(*args, **kwargs)

    def normalise_start(self):
        if self.start and self.precision == Precision.MONTH:
            self.start = self.start.replace(day=1)
        elif self.start and self.precision == Precision.YEAR:
            self.start = self.start.replace(month=1, day=1)
        if self.end and self.end_precision == Precision.MONTH:
            self.end = self.end.replace(day=1)
        elif self.end and self.end_precision == Precision.YEAR:
            self.end = self.end.replace(month=1, day=1)

    def clean(self):
        errors = {}
        self.normalise_start()
        if self.start and self.end and dates.period_end(self.end, self.end_precision) < self.start:
            errors["end"] = _("The end (%(end)s) is before the start (%(start)s).") % {
                "end": dates.format_approx(self.end, self.end_precision), "start": dates.format_approx(
                    self.start, self.precision)}
        if self.money_amount is not None and not self.money_currency:
            errors["money_currency"] = _("Give the currency of the amount (e.g. USD, EUR or VND).")
        if self.money_currency and self.money_amount is None:
            errors["money_amount"] = _("Give the amount, or clear the currency.")
        if self.money_kind and self.money_amount is None:
            errors["money_amount"] = _("Give the amount of the %(kind)s.") % {"kind": self.get_money_kind_display()}
        bad = [p for p in self.priorities or [] if p not in Priority.values]
        if bad:
            errors["priorities"] = _("Unknown priority: %(p)s.") % {"p": ", ".join(map(str, bad))}
        if errors:
            raise ValidationError(errors)


class StatusChange(models.Model):
    """One step of an activity's approval workflow: who moved it, when, from what to what, and why."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=10, choices=Status.choices)
    to_status = models.CharField(_("to"), max_length=10, choices=Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    comment = models.TextField(_("comment"), blank=True, max_length=5000, validators=[validate_no_control])
    returned = models.BooleanField(default=False)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self):
        return f"{self.activity_id}: {self.from_status} -> {self.to_status}"


class Agreement(OwnedModel):
    title = models.CharField(_("title"), max_length=300, validators=[validate_plain_name])
    kind = models.CharField(_("kind"), max_length=16, choices=AgreementKind.choices, default=AgreementKind.MOU)
    countries = models.ManyToManyField("partners.Country", verbose_name=_("party countries"), blank=True,
                                       related_name="agreements")
    organisations = models.ManyToManyField("partners.Organisation", verbose_name=_("party organisations"),
                                           blank=True, related_name="agreements")
    parties_text = models.CharField(_("other parties"), max_length=500, blank=True, validators=[validate_no_control])
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    in_force_from = models.DateField(_("in force from"), null=True, blank=True)
    in_force_until = models.DateField(_("in force until"), null=True, blank=True)
    renewal_terms = models.TextField(_("renewal terms"), blank=True, max_length=5000, validators=[validate_no_control])
    scan = models.FileField(_("scan of the signed text"), upload_to="agreements/%Y/", blank=True, max_length=300)
    implementation_notes = models.TextField(_("implementation notes"), blank=True, max_length=20000,
                                            validators=[validate_no_control])
    status = models.CharField(_("status"), max_length=10, choices=AgreementStatus.choices,
                              default=AgreementStatus.DRAFT, db_index=True)
    renewed_by = models.ForeignKey("self", verbose_name=_("renewed by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="renews")
    reminders_sent = models.JSONField(default=list, blank=True, editable=False)
    search_key = models.TextField(editable=False, blank=True)

    class Meta:
        ordering = ["-signed_on", "-id"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("activities:agreement_detail", args=[self.pk])

    def save(self, *args, **kwargs):
        self.search_key = build_search_key(self.title, self.parties_text)
        super().save(*args, **kwargs)

    @property
    def parties_label(self) -> str:
        names = [str(c) for c in self.countries.all()] + [str(o) for o in self.organisations.all()]
        if self.parties_text:
            names.append(self.parties_text)
        return "; ".join(names)

    def days_left(self, today: dt.date | None = None) -> int | None:
        if not self.in_force_until:
            return None
        return (self.in_force_until - (today or timezone.localdate())).days

    def clean(self):
        errors = {}
        if self.in_force_from and self.in_force_until and self.in_force_until < self.in_force_from:
            errors["in_force_until"] = _("An agreement cannot end before it enters into force.")
        if self.signed_on and self.signed_on > timezone.localdate() + dt.timedelta(days=1):
            errors["signed_on"] = _("The signing date is in the future; leave it empty until the text is signed.")
        if self.status in (AgreementStatus.SIGNED, AgreementStatus.IN_FORCE) and not self.signed_on:
            errors["signed_on"] = _("A signed agreement needs its signing date.")
        if self.status == AgreementStatus.IN_FORCE and not self.in_force_from:
            errors["in_force_from"] = _("Give the date the agreement entered into force.")
        if self.status == AgreementStatus.RENEWED and not self.renewed_by_id:
            errors["renewed_by"] = _("Name the agreement that renews it.")
        if self.renewed_by_id and self.pk and self.renewed_by_id == self.pk:
            errors["renewed_by"] = _("An agreement cannot renew itself.")
        if errors:
            raise ValidationError(errors)


def _new_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarToken(models.Model):
    """The secret in a user's private iCalendar feed URL; regenerate it to revoke old subscriptions."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_token")
    token = models.CharField(max_length=64, unique=True, default=_new_token)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"calendar token of {self.user}"

    def regenerate(self):
        self.token = _new_token()
        self.save(update_fields=["token"])

    @classmethod
    def for_user(cls, user) -> CalendarToken:
        return cls.objects.get_or_create(user=user)[0]
