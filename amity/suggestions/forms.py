"""Edit-then-accept forms: one per suggestion kind, their fields are the suggestion's payload keys."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from amity.core.validators import validate_plain_name
from amity.partners.choices import OrganisationKind, PartnershipLevel
from amity.suggestions.models import Kind


def _choices_activity_type():
    try:
        from amity.activities.choices import ActivityType

        return ActivityType.choices
    except ImportError:  # pragma: no cover
        return [("other", _("Other"))]


class ListField(forms.CharField):
    """A list typed as ``a; b; c`` (or one per line)."""

    def __init__(self, *args, upper=False, **kwargs):
        self.upper = upper
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        return "; ".join(str(v) for v in value) if isinstance(value, list | tuple) else value

    def to_python(self, value):
        value = super().to_python(value) or ""
        items = [" ".join(v.split()) for v in value.replace("\n", ";").split(";")]
        items = [v.upper() if self.upper else v for v in items if v]
        for item in items:
            validate_plain_name(item)
        return items


class IsoField(forms.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 2)
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        return (super().to_python(value) or "").strip().upper()

    def validate(self, value):
        super().validate(value)
        if value:
            from amity.partners.models import Country

            if not Country.objects.filter(iso2=value).exists():
                raise forms.ValidationError(_("Unknown country code %(code)s.") % {"code": value})


class PayloadForm(forms.Form):
    """Turns cleaned data back into JSON-safe payload values."""

    def payload(self) -> dict:
        out = {}
        for key, value in self.cleaned_data.items():
            if isinstance(value, dt.date):
                value = value.isoformat()
            elif isinstance(value, Decimal):
                value = float(value)
            elif value is None:
                value = ""
            out[key] = value
        return out


NAME = {"max_length": 300, "validators": [validate_plain_name]}


class OrganisationForm(PayloadForm):
    name_en = forms.CharField(label=_("name (English)"), required=False, **NAME)
    name_vi = forms.CharField(label=_("name (Vietnamese)"), required=False, **NAME)
    acronym = forms.CharField(label=_("acronym"), required=False, max_length=40, validators=[validate_plain_name])
    kind = forms.ChoiceField(label=_("kind"), choices=OrganisationKind.choices)
    home_country = IsoField(label=_("home country (ISO code)"))

    def clean(self):
        data = super().clean()
        if not (data.get("name_en") or data.get("name_vi")):
            raise forms.ValidationError(_("Give the organisation a name in English or Vietnamese."))
        return data


class PersonForm(PayloadForm):
    full_name = forms.CharField(label=_("full name"), **NAME)
    name_vi = forms.CharField(label=_("name in Vietnamese"), required=False, **NAME)
    country = IsoField(label=_("country (ISO code)"))


class PostForm(PayloadForm):
    person = forms.CharField(label=_("person"), **NAME)
    title = forms.CharField(label=_("title"), max_length=200, validators=[validate_plain_name])
    organisation = forms.CharField(label=_("organisation"), required=False, **NAME)
    date_from = forms.DateField(label=_("from"), widget=forms.DateInput(attrs={"type": "date"}))


class ActivityForm(PayloadForm):
    type = forms.ChoiceField(label=_("type"), choices=_choices_activity_type)
    title = forms.CharField(label=_("title"), **NAME)
    start = forms.DateField(label=_("start"), widget=forms.DateInput(attrs={"type": "date"}))
    precision = forms.ChoiceField(label=_("date precision"),
                                  choices=[("day", _("Day")), ("month", _("Month")), ("year", _("Year"))])
    end = forms.DateField(label=_("end"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    location = forms.CharField(label=_("location"), required=False, max_length=200,
                               validators=[validate_plain_name])
    countries = ListField(label=_("countries (ISO codes)"), upper=True)
    organisations = ListField(label=_("organisations"))
    persons = ListField(label=_("people"))
    summary = forms.CharField(label=_("summary"), required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        initial = kwargs.get("initial") or {}
        if initial.get("type"):
            from amity.suggestions.services import activity_type

            initial = {**initial, "type": activity_type(initial["type"], initial.get("location"))}
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)

    def clean_countries(self):
        from amity.partners.models import Country

        codes = self.cleaned_data["countries"]
        unknown = set(codes) - set(Country.objects.filter(iso2__in=codes).values_list("iso2", flat=True))
        if unknown:
            raise forms.ValidationError(_("Unknown country code %(code)s.") % {"code": ", ".join(sorted(unknown))})
        return codes

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end is before the start."))
        return data


class AidForm(ActivityForm):
    amount = forms.DecimalField(label=_("amount"), required=False, min_value=0, max_digits=18, decimal_places=2)
    currency = forms.RegexField(label=_("currency"), required=False, regex=r"^[A-Z]{3}$",
                                error_messages={"invalid": _("Three capital letters, e.g. USD or VND.")})
    about = forms.CharField(label=_("about"), required=False, max_length=500)

    def clean(self):
        data = super().clean()
        if (data.get("amount") is None) != (not data.get("currency")):
            raise forms.ValidationError(_("Give both the amount and its currency, or neither."))
        return data


class PartnershipForm(PayloadForm):
    country = IsoField(label=_("country (ISO code)"), required=True)
    level = forms.ChoiceField(label=_("new level"), choices=PartnershipLevel.choices)
    date_from = forms.DateField(label=_("from"), widget=forms.DateInput(attrs={"type": "date"}))


class FigureForm(PayloadForm):
    value = forms.DecimalField(label=_("value"), max_digits=24, decimal_places=4)
    unit = forms.CharField(label=_("unit"), required=False, max_length=40)
    about = forms.CharField(label=_("about"), required=False, max_length=500)
    country = IsoField(label=_("country it describes (ISO code)"), required=True)
    date = forms.DateField(label=_("date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


FORMS = {
    Kind.ORGANISATION: OrganisationForm,
    Kind.PERSON: PersonForm,
    Kind.POST: PostForm,
    Kind.ACTIVITY: ActivityForm,
    Kind.AID_COMMITMENT: AidForm,
    Kind.PARTNERSHIP_CHANGE: PartnershipForm,
    Kind.FIGURE: FigureForm,
}


def form_for(suggestion, data=None):
    return FORMS[suggestion.kind](data=data, initial=suggestion.payload, prefix=f"s{suggestion.pk}")


class MergeForm(forms.Form):
    target = forms.IntegerField(label=_("record number"), min_value=1)


class BulkForm(forms.Form):
    action = forms.ChoiceField(choices=[("accept", _("Accept")), ("reject", _("Reject")),
                                        ("merge", _("Merge into proposed match"))])
    ids = forms.TypedMultipleChoiceField(coerce=int, choices=(), required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ids"].choices = [(v, v) for v in (self.data.getlist("ids") if hasattr(self.data, "getlist")
                                                       else [])]

    def clean_ids(self):
        ids = self.cleaned_data["ids"]
        if len(ids) > 500:
            raise forms.ValidationError(_("Choose at most 500 suggestions at a time."))
        return ids
