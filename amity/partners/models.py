"""The partner database: countries and their partnership history, provinces, organisations, people.

Every model keeps a ``search_key``: the diacritic-folded names and aliases (see ``amity.extract.normalize``),
so "nguyen phuong nga" finds "Nguyễn Phương Nga" and "Ha Giang" finds the province it was merged into,
on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from amity.core.models import OwnedModel, OwnedQuerySet
from amity.core.text import search_words
from amity.core.validators import validate_no_control, validate_plain_name
from amity.extract.normalize import fold
from amity.partners.choices import LEVEL_RANK, OrganisationKind, PartnershipLevel, ProvinceKind

iso2_validator = RegexValidator(r"^[A-Z]{2}$", _("Enter a two-letter ISO 3166-1 code in capitals, e.g. VN."))
iso3_validator = RegexValidator(r"^[A-Z]{3}$", _("Enter a three-letter ISO 3166-1 code in capitals, e.g. VNM."))


def build_search_key(*values) -> str:
    """Folded names and aliases, punctuation removed, each name framed by spaces and separated by "|" so
    that a phrase query cannot run from one name into the next (see ``amity.core.views.apply_search``)."""
    parts: list[str] = []
    for value in values:
        if not value:
            continue
        for item in value if isinstance(value, list | tuple) else [value]:
            words = search_words(str(item))
            if words:
                parts.append(" ".join(words))
    return " " + " | ".join(dict.fromkeys(parts)) + " " if parts else ""


def clean_aliases(values) -> list[str]:
    if not values:
        return []
    if isinstance(values, str):
        values = values.replace("\n", ";").split(";")
    out, seen = [], set()
    for value in values:
        value = " ".join(str(value).split())
        if value and fold(value) not in seen:
            validate_plain_name(value)
            seen.add(fold(value))
            out.append(value)
    return out


class Localised:
    """``name`` follows the active language (Vietnamese name when the UI is in Vietnamese)."""

    @property
    def name(self) -> str:
        if (get_language() or "en").startswith("vi") and getattr(self, "name_vi", ""):
            return self.name_vi
        return self.name_en or getattr(self, "name_vi", "")

    def __str__(self):
        return self.name


class CountryQuerySet(OwnedQuerySet):
    def with_current_level(self, on: dt.date | None = None):
        """Annotate ``current_level`` from the partnership history: it is never stored twice."""
        on = on or timezone.localdate()
        latest = (
            Partnership.objects.filter(country=OuterRef("pk"), date_from__lte=on)
            .order_by("-date_from", "-id")
            .values("level")[:1]
        )
        latest_date = (
            Partnership.objects.filter(country=OuterRef("pk"), date_from__lte=on)
            .order_by("-date_from", "-id")
            .values("date_from")[:1]
        )
        return self.annotate(current_level=Subquery(latest), current_level_since=Subquery(latest_date))


class Country(Localised, OwnedModel):
    iso2 = models.CharField(_("ISO alpha-2"), max_length=2, unique=True, validators=[iso2_validator])
    iso3 = models.CharField(_("ISO alpha-3"), max_length=3, unique=True, validators=[iso3_validator])
    name_en = models.CharField(_("name (English)"), max_length=200, validators=[validate_plain_name])
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200, blank=True, validators=[validate_plain_name])
    official_name = models.CharField(_("official name"), max_length=300, blank=True, validators=[validate_plain_name])
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    region = models.CharField(_("region"), max_length=80, blank=True)
    subregion = models.CharField(_("sub-region"), max_length=80, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=20000, validators=[validate_no_control])
    search_key = models.TextField(editable=False, blank=True, db_index=False)

    objects = CountryQuerySet.as_manager()

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def clean(self):
        self.iso2 = (self.iso2 or "").upper()
        self.iso3 = (self.iso3 or "").upper()
        self.aliases = clean_aliases(self.aliases)

    def prepare(self):
        """Fill the derived fields (also called before bulk creation, which skips ``save``)."""
        self.aliases = clean_aliases(self.aliases)
        self.search_key = build_search_key(
            self.name_en, self.name_vi, self.official_name, self.iso2, self.iso3, self.aliases
        )

    def save(self, *args, **kwargs):
        self.prepare()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("partners:country_detail", args=[self.iso2])

    def level_on(self, on: dt.date | None = None):
        on = on or timezone.localdate()
        return self.partnerships.filter(date_from__lte=on).order_by("-date_from", "-id").first()

    @property
    def current_partnership(self):
        return self.level_on()

    @property
    def level_label(self) -> str:
        level = getattr(self, "current_level", None)
        if level is None:
            current = self.current_partnership
            level = current.level if current else None
        return PartnershipLevel(level).label if level else ""


class Partnership(models.Model):
    """One step in the history of a country's partnership framework with Viet Nam."""

    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="partnerships")
    level = models.CharField(_("level"), max_length=32, choices=PartnershipLevel.choices)
    date_from = models.DateField(_("from"))
    note = models.CharField(_("note"), max_length=500, blank=True, validators=[validate_no_control])
    source_url = models.URLField(_("source URL"), max_length=1000, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["country", "date_from"]
        verbose_name = _("partnership level")
        verbose_name_plural = _("partnership history")
        constraints = [models.UniqueConstraint(fields=["country", "date_from"], name="one_level_per_country_day")]

    def clean(self):
        if self.date_from and self.date_from > timezone.localdate():
            raise ValidationError({"date_from": _("A partnership level cannot be dated in the future.")})

    @property
    def rank(self) -> int:
        return LEVEL_RANK.get(self.level, 0)

    def __str__(self):
        return f"{self.country.iso2} {self.get_level_display()} ({self.date_from})"


class Province(Localised, OwnedModel):
    """One of the 34 provincial-level units since 1 July 2025; former provinces are aliases."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=120, validators=[validate_plain_name])
    name_en = models.CharField(_("name (English)"), max_length=120, validators=[validate_plain_name])
    kind = models.CharField(_("kind"), max_length=16, choices=ProvinceKind.choices, default=ProvinceKind.PROVINCE)
    capital = models.CharField(_("administrative centre"), max_length=120, blank=True)
    merged_from = models.JSONField(_("former provinces merged into it"), default=list, blank=True)
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    search_key = models.TextField(editable=False, blank=True)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def prepare(self):
        self.merged_from = clean_aliases(self.merged_from)
        self.aliases = clean_aliases(self.aliases)
        self.search_key = build_search_key(self.name_vi, self.name_en, self.code, self.merged_from, self.aliases)

    def save(self, *args, **kwargs):
        self.prepare()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("partners:province_detail", args=[self.code])

    @property
    def merged_label(self) -> str:
        return ", ".join(self.merged_from)


class Organisation(Localised, OwnedModel):
    key = models.SlugField(_("key"), max_length=120, unique=True, null=True, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True, validators=[validate_plain_name])
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=300, blank=True, validators=[validate_plain_name])
    acronym = models.CharField(_("acronym"), max_length=40, blank=True, validators=[validate_plain_name])
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices, default=OrganisationKind.OTHER)
    home_country = models.ForeignKey(
        Country, verbose_name=_("home country"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    partner_country = models.ForeignKey(
        Country,
        verbose_name=_("partner country"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="friendship_organisations",
        help_text=_("For a friendship association: the country it builds friendship with."),
    )
    province = models.ForeignKey(
        Province, verbose_name=_("province"), null=True, blank=True, on_delete=models.SET_NULL, related_name="organisations"
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    website = models.URLField(_("website"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=20000, validators=[validate_no_control])
    name_key = models.CharField(max_length=300, editable=False, db_index=True)
    search_key = models.TextField(editable=False, blank=True)

    class Meta:
        ordering = ["name_en", "name_vi"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [models.UniqueConstraint(fields=["name_key"], name="unique_organisation_name")]

    def clean(self):
        if not (self.name_en or self.name_vi):
            raise ValidationError(_("Give the organisation a name in English or Vietnamese."))
        self.aliases = clean_aliases(self.aliases)
        key = fold(self.name_en or self.name_vi)
        clash = Organisation.objects.filter(name_key=key).exclude(pk=self.pk).first()
        if clash:
            raise ValidationError(
                {"name_en" if self.name_en else "name_vi": _("An organisation with this name already exists: %(name)s.")
                 % {"name": clash}}
            )
        if self.parent_id and self.pk and self.parent_id == self.pk:
            raise ValidationError({"parent": _("An organisation cannot be its own parent.")})

    def prepare(self):
        self.aliases = clean_aliases(self.aliases)
        self.name_key = fold(self.name_en or self.name_vi)
        self.search_key = build_search_key(self.name_en, self.name_vi, self.acronym, self.aliases)

    def save(self, *args, **kwargs):
        self.prepare()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("partners:organisation_detail", args=[self.pk])


class Person(OwnedModel):
    full_name = models.CharField(_("full name"), max_length=200, validators=[validate_plain_name])
    name_vi = models.CharField(
        _("name in Vietnamese"), max_length=200, blank=True, validators=[validate_plain_name],
        help_text=_("With diacritics, family name first (Nguyễn Phương Nga)."),
    )
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    country = models.ForeignKey(Country, verbose_name=_("country"), null=True, blank=True, on_delete=models.SET_NULL)
    description = models.TextField(_("description"), blank=True, max_length=20000, validators=[validate_no_control])
    name_key = models.CharField(max_length=200, editable=False, db_index=True)
    search_key = models.TextField(editable=False, blank=True)

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def prepare(self):
        self.aliases = clean_aliases(self.aliases)
        self.name_key = fold(self.full_name)
        self.search_key = build_search_key(self.full_name, self.name_vi, self.aliases)

    def save(self, *args, **kwargs):
        self.prepare()
        super().save(*args, **kwargs)

    @property
    def name(self):
        if (get_language() or "en").startswith("vi") and self.name_vi:
            return self.name_vi
        return self.full_name

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("partners:person_detail", args=[self.pk])

    @property
    def posts_label(self) -> str:
        today = timezone.localdate()
        return "; ".join(str(p) for p in self.posts.all() if p.date_from <= today and (not p.date_to or p.date_to >= today))

    def current_posts(self, on: dt.date | None = None):
        on = on or timezone.localdate()
        return self.posts.filter(models.Q(date_to__isnull=True) | models.Q(date_to__gte=on), date_from__lte=on)


class Post(models.Model):
    """A title a person holds in an organisation over a term."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="posts")
    title = models.CharField(_("title"), max_length=200, validators=[validate_plain_name])
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="posts",
    )
    date_from = models.DateField(_("from"))
    date_to = models.DateField(_("to"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date_from"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")

    def __str__(self):
        org = f", {self.organisation}" if self.organisation_id else ""
        return f"{self.title}{org}"

    def clean(self):
        if self.date_to and self.date_from and self.date_to < self.date_from:
            raise ValidationError({"date_to": _("A term cannot end before it starts.")})
        if not (self.person_id and self.date_from):
            return
        same = Post.objects.filter(person_id=self.person_id, organisation_id=self.organisation_id,
                                   title__iexact=self.title).exclude(pk=self.pk)
        end = self.date_to or dt.date.max
        for other in same:
            other_end = other.date_to or dt.date.max
            if other.date_from <= end and self.date_from <= other_end:
                raise ValidationError(
                    _("This post overlaps an existing term of the same title (%(from)s – %(to)s).")
                    % {"from": other.date_from, "to": other.date_to or _("present")}
                )
