"""API of the partner database: countries, partnership history, provinces, organisations, people, posts."""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from amity.api import serializers
from amity.api.viewsets import ChildModelViewSet, OwnedModelViewSet
from amity.partners import filtersets
from amity.partners.choices import PartnershipLevel
from amity.partners.models import Country, Organisation, Partnership, Person, Post, Province


class PartnershipFilterSet(django_filters.FilterSet):
    country = django_filters.ModelChoiceFilter(queryset=Country.objects.all(), to_field_name="iso2",
                                               label="Country (ISO alpha-2)")
    level = django_filters.ChoiceFilter(choices=PartnershipLevel.choices)
    date_from_after = django_filters.DateFilter(field_name="date_from", lookup_expr="gte")
    date_from_before = django_filters.DateFilter(field_name="date_from", lookup_expr="lte")

    class Meta:
        model = Partnership
        fields = ["country", "level"]


class PostFilterSet(django_filters.FilterSet):
    class Meta:
        model = Post
        fields = ["person", "organisation"]


class OrganisationFilterSet(filtersets.OrganisationFilterSet):
    """The list page's filters; ``country`` (ISO alpha-2, home or partner country) typed for the schema."""

    @extend_schema_field(OpenApiTypes.STR)
    def filter_country(self, queryset, name, value):
        return super().filter_country(queryset, name, value)


class CountryViewSet(OwnedModelViewSet):
    """Countries with their current partnership level and history (history steps: /api/partnerships/)."""

    queryset = (Country.objects.with_current_level().select_related("owner", "created_by", "updated_by")
                .prefetch_related(Prefetch("partnerships", queryset=Partnership.objects.order_by("date_from", "id")),
                                  "tags"))
    serializer_class = serializers.CountrySerializer
    filterset_class = filtersets.CountryFilterSet
    lookup_field = "iso2"
    lookup_value_regex = "[A-Za-z]{2}"

    def get_object(self):
        self.kwargs[self.lookup_field] = self.kwargs[self.lookup_field].upper()
        return super().get_object()


class PartnershipViewSet(ChildModelViewSet):
    """Steps in the partnership history; an Editor may add steps to countries their organisation owns."""

    queryset = Partnership.objects.select_related("country").order_by("country__name_en", "date_from", "id")
    serializer_class = serializers.PartnershipSerializer
    filterset_class = PartnershipFilterSet
    parent_field = "country"


class ProvinceViewSet(OwnedModelViewSet):
    queryset = Province.objects.select_related("owner", "created_by", "updated_by").prefetch_related("tags")
    serializer_class = serializers.ProvinceSerializer
    filterset_class = filtersets.ProvinceFilterSet
    lookup_field = "code"
    lookup_value_regex = "[-a-zA-Z0-9_]+"


class OrganisationViewSet(OwnedModelViewSet):
    queryset = (Organisation.objects.select_related("home_country", "partner_country", "province", "owner",
                                                     "created_by", "updated_by").prefetch_related("tags"))
    serializer_class = serializers.OrganisationSerializer
    filterset_class = OrganisationFilterSet


class PersonViewSet(OwnedModelViewSet):
    queryset = (Person.objects.select_related("country", "owner", "created_by", "updated_by")
                .prefetch_related(Prefetch("posts", queryset=Post.objects.select_related("organisation")), "tags"))
    serializer_class = serializers.PersonSerializer
    filterset_class = filtersets.PersonFilterSet


class PostViewSet(ChildModelViewSet):
    """Posts people hold; an Editor may change posts of people their organisation owns."""

    queryset = Post.objects.select_related("person", "organisation").order_by("person__full_name", "-date_from", "id")
    serializer_class = serializers.PostSerializer
    filterset_class = PostFilterSet
    parent_field = "person"


def register(router) -> None:
    router.register("countries", CountryViewSet, basename="country")
    router.register("partnerships", PartnershipViewSet, basename="partnership")
    router.register("provinces", ProvinceViewSet, basename="province")
    router.register("organisations", OrganisationViewSet, basename="organisation")
    router.register("people", PersonViewSet, basename="person")
    router.register("posts", PostViewSet, basename="post")
