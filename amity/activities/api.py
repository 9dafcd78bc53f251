"""Read-only API of the activity register and the agreement register.

Writes stay in the web workflow (proposal, approval, optimistic locking) until the API carries the same rules.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from amity.activities.filtersets import ActivityFilterSet, AgreementFilterSet
from amity.activities.models import Activity, Agreement
from amity.api.routers import router
from amity.api.serializers import OwnedModelSerializer
from amity.api.viewsets import OwnedModelViewSet

READ_ONLY = ["get", "head", "options"]


class ApiActivityFilterSet(ActivityFilterSet):
    """The register's filters, typed for the schema: country by ISO alpha-2, organisation by id."""

    @extend_schema_field(OpenApiTypes.STR)
    def filter_country(self, queryset, name, value):
        return super().filter_country(queryset, name, value)

    @extend_schema_field(OpenApiTypes.INT)
    def filter_organisation(self, queryset, name, value):
        return super().filter_organisation(queryset, name, value)


class ActivitySerializer(OwnedModelSerializer):
    countries = serializers.SlugRelatedField(many=True, slug_field="iso2", read_only=True)
    province = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Activity
        fields = ["id", "display", "type", "title", "pillar", "level", "start", "precision", "end", "end_precision",
                  "location_country", "province", "city", "countries", "organisations", "persons",
                  "lead_organisation", "priorities", "money_amount", "money_currency", "money_kind", "summary",
                  "outcomes", "status", "status_changed_at", "version", *OwnedModelSerializer.AUDIT_FIELDS]
        read_only_fields = fields


class ActivityViewSet(OwnedModelViewSet):
    """Activities (visits, meetings, agreements signed, aid...), filtered like the register's list page."""

    queryset = (Activity.objects.select_related("owner", "created_by", "updated_by", "province")
                .prefetch_related("countries", "organisations", "persons", "tags").order_by("-start", "-id"))
    serializer_class = ActivitySerializer
    filterset_class = ApiActivityFilterSet
    http_method_names = READ_ONLY


class AgreementSerializer(OwnedModelSerializer):
    countries = serializers.SlugRelatedField(many=True, slug_field="iso2", read_only=True)

    class Meta:
        model = Agreement
        fields = ["id", "display", "title", "kind", "countries", "organisations", "parties_text", "signed_on",
                  "in_force_from", "in_force_until", "renewal_terms", "implementation_notes", "status",
                  *OwnedModelSerializer.AUDIT_FIELDS]
        read_only_fields = fields


class AgreementViewSet(OwnedModelViewSet):
    """Agreements and MoUs with their lifecycle."""

    queryset = (Agreement.objects.select_related("owner", "created_by", "updated_by")
                .prefetch_related("countries", "organisations", "tags").order_by("-signed_on", "-id"))
    serializer_class = AgreementSerializer
    filterset_class = AgreementFilterSet
    http_method_names = READ_ONLY


router.register("activities", ActivityViewSet, basename="activity")
router.register("agreements", AgreementViewSet, basename="agreement")
