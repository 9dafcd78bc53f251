import datetime as dt

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amity.activities.choices import ActivityType, AgreementKind, AgreementStatus, Pillar, Priority, Status
from amity.activities.models import Activity, Agreement
from amity.partners.models import Country, Organisation, Person, Province


class ActivityFilterSet(django_filters.FilterSet):
    pillar = django_filters.ChoiceFilter(label=_("Pillar"), choices=Pillar.choices)
    type = django_filters.ChoiceFilter(label=_("Type"), choices=ActivityType.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Status.choices)
    country = django_filters.ModelChoiceFilter(label=_("Partner country"), queryset=Country.objects.all(),
                                               to_field_name="iso2", method="filter_country")
    organisation = django_filters.ModelChoiceFilter(label=_("Organisation"), queryset=Organisation.objects.all(),
                                                    method="filter_organisation")
    person = django_filters.ModelChoiceFilter(label=_("Person"), queryset=Person.objects.all(), field_name="persons",
                                              distinct=True)
    province = django_filters.ModelChoiceFilter(label=_("Province"), queryset=Province.objects.all(),
                                                to_field_name="code")
    priority = django_filters.ChoiceFilter(label=_("Priority"), choices=Priority.choices, method="filter_priority")
    date_from = django_filters.DateFilter(label=_("From"), field_name="span_end", lookup_expr="gte",
                                          widget=forms.DateInput(attrs={"type": "date"}))
    date_to = django_filters.DateFilter(label=_("Until"), field_name="start", lookup_expr="lte",
                                        widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = Activity
        fields = ["pillar", "type", "status", "country", "organisation", "province"]

    def filter_country(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Q(countries=value) | Q(location_country=value)).distinct()

    def filter_organisation(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Q(organisations=value) | Q(lead_organisation=value) | Q(owner=value)).distinct()

    def filter_priority(self, queryset, name, value):
        if not value:
            return queryset
        # JSON list membership, portable across SQLite and PostgreSQL: match the quoted value in the text.
        return queryset.filter(priorities__icontains=f'"{value}"')


class AgreementFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=AgreementStatus.choices)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=AgreementKind.choices)
    country = django_filters.ModelChoiceFilter(label=_("Country"), queryset=Country.objects.all(),
                                               to_field_name="iso2", field_name="countries", distinct=True)
    organisation = django_filters.ModelChoiceFilter(label=_("Organisation"), queryset=Organisation.objects.all(),
                                                    field_name="organisations", distinct=True)
    expiring_within = django_filters.NumberFilter(label=_("Expiring within (days)"), method="filter_expiring",
                                                  min_value=0, max_value=36500)

    class Meta:
        model = Agreement
        fields = ["status", "kind", "country", "organisation"]

    def filter_expiring(self, queryset, name, value):
        if value is None:
            return queryset
        today = timezone.localdate()
        return queryset.filter(in_force_until__gte=today, in_force_until__lte=today + dt.timedelta(days=int(value)))
