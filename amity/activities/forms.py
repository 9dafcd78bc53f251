from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from amity.activities import dates
from amity.activities.choices import Precision, Priority
from amity.activities.models import Activity, Agreement
from amity.core import permissions
from amity.core.forms import OwnedModelForm
from amity.partners.models import Country, Organisation, Person, Province

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
APPROX_HELP = _("A day (2025-03-14 or 14/3/2025), a month (2025-03, March 2025, tháng 3/2025) or a year (2025).")


def approx_input(value, precision: str) -> str:
    if not value:
        return ""
    if precision == Precision.YEAR:
        return str(value.year)
    if precision == Precision.MONTH:
        return value.strftime("%Y-%m")
    return value.isoformat()


class ActivityForm(OwnedModelForm):
    start = forms.CharField(label=_("Start"), max_length=40, help_text=APPROX_HELP,
                            widget=forms.TextInput(attrs={"placeholder": "2025-03-14"}))
    end = forms.CharField(label=_("End"), max_length=40, required=False,
                          help_text=_("Leave empty for a one-day activity (or one covering the month or year given)."))
    priorities = forms.MultipleChoiceField(
        label=_("National priorities served"), choices=Priority.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Every programme should align with the priorities of the 14th Party Congress."))
    sources = forms.CharField(label=_("Sources (one URL per line)"), required=False, max_length=10000,
                              widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Activity
        fields = ["type", "title", "pillar", "level", "start", "end", "location_country", "province", "city",
                  "countries", "organisations", "persons", "lead_organisation", "responsible", "priorities",
                  "money_amount", "money_currency", "money_kind", "agreements", "summary", "outcomes", "owner",
                  "tags"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3}), "outcomes": forms.Textarea(attrs={"rows": 3}),
                   "money_currency": forms.TextInput(attrs={"placeholder": "USD", "maxlength": 3, "size": 4}),
                   "countries": forms.SelectMultiple(attrs={"size": 6}),
                   "organisations": forms.SelectMultiple(attrs={"size": 6}),
                   "persons": forms.SelectMultiple(attrs={"size": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        self.fields["responsible"].queryset = get_user_model().objects.filter(is_active=True).order_by("username")
        self.fields["location_country"].queryset = Country.objects.all()
        self.fields["province"].queryset = Province.objects.all()
        self.fields["lead_organisation"].queryset = Organisation.objects.all()
        self.fields["organisations"].queryset = Organisation.objects.all()
        self.fields["persons"].queryset = Person.objects.all()
        if instance.pk:
            self.initial["start"] = approx_input(instance.start, instance.precision)
            self.initial["end"] = approx_input(instance.end, instance.end_precision)
            self.initial["version"] = instance.version
        else:
            org = permissions.user_organisation(self.user)
            self.initial.setdefault("lead_organisation", org.pk if org else None)
            self.initial.setdefault("responsible", self.user.pk if self.user else None)
        self.fields["lead_organisation"].help_text = _("Its Editors approve the activity.")

    def _approx(self, name):
        value = (self.cleaned_data.get(name) or "").strip()
        if not value:
            return None, Precision.DAY
        return dates.parse_approx_date(value)

    def clean_start(self):
        value, self._start_precision = self._approx("start")
        return value

    def clean_end(self):
        value, self._end_precision = self._approx("end")
        return value

    def clean_money_currency(self):
        return (self.cleaned_data.get("money_currency") or "").strip().upper()

    def clean_title(self):
        return " ".join((self.cleaned_data.get("title") or "").split())

    def clean_sources(self):
        urls = [u.strip() for u in (self.cleaned_data.get("sources") or "").splitlines() if u.strip()]
        validate = URLValidator(schemes=["http", "https"])
        for url in urls:
            try:
                validate(url)
            except ValidationError:
                raise ValidationError(_("“%(url)s” is not a web address (http:// or https://).") % {
                    "url": url[:80]}) from None
        return urls

    def clean(self):
        cleaned = super().clean()
        self.instance.precision = getattr(self, "_start_precision", Precision.DAY)
        self.instance.end_precision = getattr(self, "_end_precision", Precision.DAY)
        partners = [cleaned.get(k) for k in ("countries", "organisations", "persons")]
        if not any(p is not None and p.exists() for p in partners) and not any(
                k in self.errors for k in ("countries", "organisations", "persons")):
            self.add_error("countries", _("Name at least one partner: a country, an organisation or a person."))
        return cleaned


class TransitionForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 2}))


class AgreementForm(OwnedModelForm):
    class Meta:
        model = Agreement
        fields = ["title", "kind", "status", "countries", "organisations", "parties_text", "signed_on",
                  "in_force_from", "in_force_until", "renewal_terms", "renewed_by", "scan", "implementation_notes",
                  "owner", "tags"]
        widgets = {"signed_on": DATE, "in_force_from": DATE, "in_force_until": DATE,
                   "renewal_terms": forms.Textarea(attrs={"rows": 2}),
                   "implementation_notes": forms.Textarea(attrs={"rows": 4}),
                   "countries": forms.SelectMultiple(attrs={"size": 6}),
                   "organisations": forms.SelectMultiple(attrs={"size": 6})}

    MAX_SCAN = 20 * 1024 * 1024

    def clean_scan(self):
        scan = self.cleaned_data.get("scan")
        if scan and getattr(scan, "size", 0) > self.MAX_SCAN:
            raise ValidationError(_("The scan is larger than 20 MB."))
        if scan and hasattr(scan, "content_type"):
            name = scan.name.lower()
            if not name.endswith((".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff")):
                raise ValidationError(_("Upload the scan as PDF or an image (PNG, JPEG, TIFF)."))
        return scan

    # The lifecycle only moves forward: draft -> signed -> in force -> expired / renewed.
    NEXT = {"draft": {"draft", "signed", "in_force"}, "signed": {"signed", "in_force", "expired", "renewed"},
            "in_force": {"in_force", "expired", "renewed"}, "expired": {"expired", "renewed"},
            "renewed": {"renewed"}}

    def clean_status(self):
        status = self.cleaned_data.get("status")
        if self.instance.pk:
            before = type(self.instance).objects.filter(pk=self.instance.pk).values_list("status", flat=True).first()
            if before and status not in self.NEXT.get(before, {status}):
                raise ValidationError(_("An agreement cannot go back from “%(a)s” to “%(b)s”.") % {
                    "a": dict(self.fields["status"].choices).get(before, before),
                    "b": dict(self.fields["status"].choices).get(status, status)})
        return status

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("countries") or cleaned.get("organisations") or cleaned.get("parties_text")):
            if not any(k in self.errors for k in ("countries", "organisations", "parties_text")):
                self.add_error("countries", _("Name the parties: countries, organisations or other parties."))
        return cleaned
