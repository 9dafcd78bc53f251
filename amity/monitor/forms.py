from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from amity.monitor.models import Watchlist
from amity.suggestions.forms import ListField
from amity.suggestions.matching import NameIndex


class RecordNamesField(ListField):
    """Names of existing records, one per line or separated by semicolons; resolved to records."""

    def __init__(self, model, *args, **kwargs):
        self.model = model
        super().__init__(*args, **kwargs)
        self.help_text = _("Names or aliases, separated by semicolons; with or without diacritics.")

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "; ".join(str(v) for v in value)
        return value

    def clean(self, value):
        names = super().clean(value)
        if not names:
            return []
        index = NameIndex(self.model)
        found, unknown = [], []
        for name in names:
            match = index.best(name, cutoff=90)
            if match is None:
                unknown.append(name)
            elif match.obj not in found:
                found.append(match.obj)
        if unknown:
            raise forms.ValidationError(_("Not found: %(names)s.") % {"names": "; ".join(unknown)})
        return found


class WatchlistForm(forms.ModelForm):
    organisations = forms.CharField(required=False)  # replaced in __init__
    persons = forms.CharField(required=False)
    keywords = ListField(label=_("keywords"), help_text=_("Words or phrases, separated by semicolons."))
    negative_keywords = ListField(label=_("negative keywords"),
                                  help_text=_("Documents containing any of these never alert."))

    class Meta:
        model = Watchlist
        fields = ["name", "countries", "organisations", "persons", "keywords", "negative_keywords", "digest",
                  "active"]
        widgets = {"countries": forms.SelectMultiple(attrs={"size": 6})}

    def __init__(self, *args, **kwargs):
        from amity.partners.models import Organisation, Person

        super().__init__(*args, **kwargs)
        self.fields["organisations"] = RecordNamesField(Organisation, label=_("organisations"))
        self.fields["persons"] = RecordNamesField(Person, label=_("people"))
        if self.instance.pk:
            self.initial["organisations"] = [str(o) for o in self.instance.organisations.all()]
            self.initial["persons"] = [str(p) for p in self.instance.persons.all()]

    def clean(self):
        data = super().clean()
        if not (data.get("countries") or data.get("organisations") or data.get("persons") or data.get("keywords")):
            raise forms.ValidationError(_("Watch at least one country, organisation, person or keyword."))
        return data
