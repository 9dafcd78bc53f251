import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from amity.partners.choices import OrganisationKind, PartnershipLevel, ProvinceKind
from amity.partners.models import Country, Organisation, Person, Province


def _regions():
    return [(r, r) for r in Country.objects.exclude(region="").values_list("region", flat=True).distinct().order_by("region")]


class CountryFilterSet(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(label=_("Partnership level"), choices=PartnershipLevel.choices,
                                        method="filter_level")
    region = django_filters.ChoiceFilter(label=_("Region"), choices=_regions)
    partners_only = django_filters.BooleanFilter(label=_("Partners at comprehensive level or higher"),
                                                 method="filter_partners")

    class Meta:
        model = Country
        fields = ["level", "region"]

    def filter_level(self, queryset, name, value):
        if value == PartnershipLevel.NONE:
            return queryset.filter(Q(current_level__isnull=True) | Q(current_level=value))
        return queryset.filter(current_level=value)

    def filter_partners(self, queryset, name, value):
        if value:
            return queryset.filter(current_level__isnull=False).exclude(current_level=PartnershipLevel.NONE)
        return queryset


class ProvinceFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ProvinceKind.choices)

    class Meta:
        model = Province
        fields = ["kind"]


class OrganisationFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=OrganisationKind.choices)
    country = django_filters.ModelChoiceFilter(label=_("Country"), queryset=Country.objects.all(),
                                               method="filter_country", to_field_name="iso2")
    province = django_filters.ModelChoiceFilter(label=_("Province"), queryset=Province.objects.all(),
                                                to_field_name="code")

    class Meta:
        model = Organisation
        fields = ["kind", "country", "province"]

    def filter_country(self, queryset, name, value):
        return queryset.filter(Q(home_country=value) | Q(partner_country=value)) if value else queryset


class PersonFilterSet(django_filters.FilterSet):
    country = django_filters.ModelChoiceFilter(label=_("Country"), queryset=Country.objects.all(), to_field_name="iso2")
    organisation = django_filters.ModelChoiceFilter(label=_("Organisation"), queryset=Organisation.objects.all(),
                                                    field_name="posts__organisation", distinct=True)

    class Meta:
        model = Person
        fields = ["country", "organisation"]
