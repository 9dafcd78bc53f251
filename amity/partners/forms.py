from django import forms
from django.utils.translation import gettext_lazy as _

from amity.core.forms import AliasesField, OwnedModelForm
from amity.partners.models import Country, Organisation, Partnership, Person, Post, Province

DATE = forms.DateInput(attrs={"type": "date"})


class CountryForm(OwnedModelForm):
    aliases = AliasesField(label=_("Aliases"), required=False, max_length=5000)

    class Meta:
        model = Country
        fields = ["iso2", "iso3", "name_en", "name_vi", "official_name", "aliases", "region", "subregion",
                  "description", "owner", "tags"]

    def clean_iso2(self):
        return (self.cleaned_data.get("iso2") or "").strip().upper()

    def clean_iso3(self):
        return (self.cleaned_data.get("iso3") or "").strip().upper()


class PartnershipForm(forms.ModelForm):
    class Meta:
        model = Partnership
        fields = ["level", "date_from", "note", "source_url"]
        widgets = {"date_from": DATE}


class ProvinceForm(OwnedModelForm):
    merged_from = AliasesField(label=_("Former provinces merged into it"), required=False, max_length=5000)
    aliases = AliasesField(label=_("Aliases"), required=False, max_length=5000)

    class Meta:
        model = Province
        fields = ["code", "name_vi", "name_en", "kind", "capital", "merged_from", "aliases", "owner", "tags"]


class OrganisationForm(OwnedModelForm):
    aliases = AliasesField(label=_("Aliases"), required=False, max_length=5000)

    class Meta:
        model = Organisation
        fields = ["name_en", "name_vi", "acronym", "aliases", "kind", "home_country", "partner_country",
                  "province", "parent", "website", "description", "owner", "tags"]


class PersonForm(OwnedModelForm):
    aliases = AliasesField(label=_("Aliases"), required=False, max_length=5000)

    class Meta:
        model = Person
        fields = ["full_name", "name_vi", "aliases", "country", "description", "owner", "tags"]


class PostForm(forms.ModelForm):
    class Meta:
        model = Post
        fields = ["title", "organisation", "date_from", "date_to"]
        widgets = {"date_from": DATE, "date_to": DATE}
