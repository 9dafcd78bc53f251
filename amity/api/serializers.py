"""Serializers of the partner database, on a base that validates exactly like the forms.

``FullCleanSerializer`` runs the model's ``full_clean()`` on the would-be instance (fields the serializer does
not write are excluded, as a ModelForm excludes fields it does not show), so duplicate names, bad ISO codes,
partnership steps dated in the future or markup in names are refused with 400 and the model's own message.
``OwnedModelSerializer`` adds the ownership and audit fields every ``OwnedModel`` has; only Administrators
may choose the owner organisation (Editors always own what they create).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import get_error_detail

from amity.core import permissions
from amity.core.models import Tag
from amity.core.validators import validate_plain_name
from amity.partners.choices import PartnershipLevel
from amity.partners.models import Country, Organisation, Partnership, Person, Post, Province


def AliasesField(**kwargs):  # noqa: N802 (reads like a field class)
    kwargs.setdefault("required", False)
    return serializers.ListField(
        child=serializers.CharField(max_length=300, validators=[validate_plain_name]), max_length=200, **kwargs
    )


@extend_schema_field({"anyOf": [{"type": "string", "format": "uri", "maxLength": 1000},
                           {"type": "string", "maxLength": 0}]})
class BlankableURLField(serializers.URLField):
    """A URL or an empty string (the schema says so: "" is not a valid "uri")."""


class AmityModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {**serializers.ModelSerializer.serializer_field_mapping,
                                models.URLField: BlankableURLField}


class FullCleanSerializer(AmityModelSerializer):
    """Validates with the model's ``full_clean()``, like the forms; normalised values are kept."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        many = {f.name for f in model._meta.many_to_many}
        plain = {key: value for key, value in attrs.items() if key not in many}
        instance = copy.copy(self.instance) if self.instance is not None else model()
        for key, value in plain.items():
            setattr(instance, key, value)
        for key, value in self.get_implied_values().items():
            setattr(instance, key, value)
        writable = {field.source for field in self.fields.values() if not field.read_only}
        writable |= set(self.get_implied_values())
        exclude = [f.name for f in model._meta.fields if f.name not in writable]
        try:
            instance.full_clean(exclude=exclude, validate_unique=True)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(_error_detail(exc)) from None
        for key in plain:
            attrs[key] = getattr(instance, key)
        return attrs

    def get_implied_values(self) -> dict:
        """Values the view sets on save (e.g. the parent record from the URL) that validation must see."""
        return self.context.get("implied_values", {})


def _error_detail(exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        detail = {}
        for name, errors in exc.error_dict.items():
            key = "non_field_errors" if name == "__all__" else name
            detail[key] = get_error_detail(DjangoValidationError(errors))
        return detail
    return {"non_field_errors": get_error_detail(exc)}


class OwnedModelSerializer(FullCleanSerializer):
    """Base for ``OwnedModel`` records: owner (Administrators only), tags, audit fields."""

    owner = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True,
        help_text="Owner organisation (id). Only Administrators choose it; Editors own what they create.",
    )
    tags = serializers.SlugRelatedField(many=True, slug_field="slug", queryset=Tag.objects.all(), required=False)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    updated_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    display = serializers.SerializerMethodField()

    AUDIT_FIELDS = ["owner", "tags", "created_by", "created_at", "updated_by", "updated_at"]

    def validate(self, attrs):
        request = self.context.get("request")
        if request is not None and not permissions.is_admin(request.user):
            attrs.pop("owner", None)
        return super().validate(attrs)

    @extend_schema_field(OpenApiTypes.STR)
    def get_display(self, obj) -> str:
        return str(obj)


class PartnershipStepSerializer(AmityModelSerializer):
    """One step of a country's partnership history, nested read-only in the country."""

    class Meta:
        model = Partnership
        fields = ["id", "level", "date_from", "note", "source_url"]
        read_only_fields = fields


class PartnershipSerializer(FullCleanSerializer):
    country = serializers.SlugRelatedField(slug_field="iso2", queryset=Country.objects.all(),
                                           help_text="ISO alpha-2 code of the country.")
    url = serializers.HyperlinkedIdentityField(view_name="api:partnership-detail")

    class Meta:
        model = Partnership
        fields = ["id", "url", "country", "level", "date_from", "note", "source_url"]


class CountrySerializer(OwnedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:country-detail", lookup_field="iso2")
    aliases = AliasesField()
    current_level = serializers.SerializerMethodField()
    current_level_since = serializers.SerializerMethodField()
    partnerships = PartnershipStepSerializer(many=True, read_only=True)

    class Meta:
        model = Country
        fields = ["id", "url", "display", "iso2", "iso3", "name_en", "name_vi", "official_name", "aliases", "region",
                  "subregion", "description", "current_level", "current_level_since", "partnerships",
                  *OwnedModelSerializer.AUDIT_FIELDS]

    def _current(self, obj):
        if hasattr(obj, "current_level"):
            return obj.current_level, getattr(obj, "current_level_since", None)
        step = obj.current_partnership
        return (step.level, step.date_from) if step else (None, None)

    @extend_schema_field(serializers.ChoiceField(choices=PartnershipLevel.choices, allow_null=True))
    def get_current_level(self, obj):
        return self._current(obj)[0]

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_current_level_since(self, obj):
        since = self._current(obj)[1]
        return since.isoformat() if since else None

    def to_internal_value(self, data):
        # ISO codes are accepted in any case, as in the form (which upper-cases them before validating).
        if isinstance(data, Mapping) and any(isinstance(data.get(k), str) for k in ("iso2", "iso3")):
            data = data.copy()
            for key in ("iso2", "iso3"):
                if isinstance(data.get(key), str):
                    data[key] = data[key].strip().upper()
        return super().to_internal_value(data)


class ProvinceSerializer(OwnedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:province-detail", lookup_field="code")
    merged_from = AliasesField()
    aliases = AliasesField()

    class Meta:
        model = Province
        fields = ["id", "url", "display", "code", "name_vi", "name_en", "kind", "capital", "merged_from", "aliases",
                  *OwnedModelSerializer.AUDIT_FIELDS]


class OrganisationSerializer(OwnedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:organisation-detail")
    aliases = AliasesField()
    home_country = serializers.SlugRelatedField(slug_field="iso2", queryset=Country.objects.all(), required=False,
                                                allow_null=True)
    partner_country = serializers.SlugRelatedField(slug_field="iso2", queryset=Country.objects.all(),
                                                   required=False, allow_null=True)
    province = serializers.SlugRelatedField(slug_field="code", queryset=Province.objects.all(), required=False,
                                            allow_null=True)

    class Meta:
        model = Organisation
        fields = ["id", "url", "display", "key", "name_en", "name_vi", "acronym", "aliases", "kind", "home_country",
                  "partner_country", "province", "parent", "website", "description",
                  *OwnedModelSerializer.AUDIT_FIELDS]
        read_only_fields = ["key"]


class PostNestedSerializer(AmityModelSerializer):
    organisation_name = serializers.SerializerMethodField()

    class Meta:
        model = Post
        fields = ["id", "title", "organisation", "organisation_name", "date_from", "date_to"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_organisation_name(self, obj) -> str:
        return str(obj.organisation) if obj.organisation_id else ""


class PersonSerializer(OwnedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:person-detail")
    aliases = AliasesField()
    country = serializers.SlugRelatedField(slug_field="iso2", queryset=Country.objects.all(), required=False,
                                           allow_null=True)
    posts = PostNestedSerializer(many=True, read_only=True)

    class Meta:
        model = Person
        fields = ["id", "url", "display", "full_name", "name_vi", "aliases", "country", "description", "posts",
                  *OwnedModelSerializer.AUDIT_FIELDS]


class PostSerializer(FullCleanSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:post-detail")

    class Meta:
        model = Post
        fields = ["id", "url", "person", "title", "organisation", "date_from", "date_to"]
