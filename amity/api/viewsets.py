"""Generic API viewsets in the NetBox manner: a viewset names its queryset, serializer and filterset.

``OwnedModelViewSet`` is the base for every ``OwnedModel``: reads for every authenticated user, writes for
Editors of the owner organisation (``amity.api.permissions.OwnerEditPermission``), the owner forced to the
Editor's organisation on create, audit fields filled in, ``?q=`` diacritic-insensitive search on
``search_key`` and the filterset's filters. ``ChildModelViewSet`` is the base for records that belong to an
owned parent (a partnership step to its country, a post to its person): permission follows the parent.
See amity/api/README-for-apps.md.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import viewsets
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.filters import BaseFilterBackend
from rest_framework.pagination import LimitOffsetPagination

from amity.core import permissions
from amity.core.views import apply_search


class Conflict(APIException):
    status_code = 409
    default_detail = "This record is still in use."
    default_code = "conflict"


class AmityPagination(LimitOffsetPagination):
    """Limit/offset pages, at most 1000 rows; absurd offsets are clamped instead of overflowing the database."""

    default_limit = 50
    max_limit = 1000
    max_offset = 10**9

    def get_offset(self, request):
        return min(super().get_offset(request), self.max_offset)


class SearchFilterBackend(BaseFilterBackend):
    """``?q=``: every folded word of the query must occur in the record's folded names (``search_key``)."""

    param = "q"

    def filter_queryset(self, request, queryset, view):
        field = getattr(view, "search_field", "search_key")
        query = request.query_params.get(self.param, "")
        query = "".join(ch for ch in query if ch >= " ").strip()[:200]
        if not query or not field:
            return queryset
        return apply_search(queryset, query, field=field)

    def get_schema_operation_parameters(self, view):
        if not getattr(view, "search_field", "search_key"):
            return []
        return [{
            "name": self.param, "required": False, "in": "query",
            "description": "Search names and aliases, with or without diacritics (\"ha noi\" finds \"Hà Nội\").",
            "schema": {"type": "string"},
        }]


class AmityModelViewSet(viewsets.ModelViewSet):
    """Base of every Amity API viewset."""

    pagination_class = AmityPagination
    filter_backends = [DjangoFilterBackend, SearchFilterBackend]
    search_field = "search_key"  # "" for models without one

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["implied_values"] = self.get_implied_values()
        return context

    def get_implied_values(self) -> dict:
        return {}

    def perform_create(self, serializer):
        with transaction.atomic():
            serializer.save(**self.get_save_kwargs(created=True))

    def perform_update(self, serializer):
        with transaction.atomic():
            serializer.save(**self.get_save_kwargs(created=False))

    def perform_destroy(self, instance):
        try:
            with transaction.atomic():
                instance.delete()
        except (ProtectedError, RestrictedError) as exc:
            used_by = sorted({obj._meta.verbose_name for obj in exc.protected_objects
                              if hasattr(obj, "_meta")}) if hasattr(exc, "protected_objects") else []
            raise Conflict(
                f"{instance} cannot be deleted: other records refer to it ({', '.join(map(str, used_by))})."
            ) from None

    def get_save_kwargs(self, created: bool) -> dict:
        return {}


class OwnedModelViewSet(AmityModelViewSet):
    """Base for ``OwnedModel`` records: ownership and audit fields are set here, not by the client."""

    def get_save_kwargs(self, created: bool) -> dict:
        user = self.request.user
        kwargs = {"updated_by": user}
        if created:
            kwargs["created_by"] = user
            chosen = self.request.data.get("owner") if hasattr(self.request.data, "get") else None
            if not permissions.is_admin(user) or not chosen:
                kwargs["owner"] = permissions.user_organisation(user)
        return kwargs


class ChildModelViewSet(AmityModelViewSet):
    """Base for records owned through a parent (``parent_field``): edit rights follow the parent record."""

    parent_field = ""
    search_field = ""

    def get_permission_object(self, obj):
        return getattr(obj, self.parent_field)

    def check_parent(self, serializer):
        parent = serializer.validated_data.get(self.parent_field)
        if parent is None and serializer.instance is not None:
            parent = getattr(serializer.instance, self.parent_field)
        if not permissions.can_edit(self.request.user, parent):
            raise PermissionDenied(f"Only editors of the owner organisation of the {self.parent_field} "
                                   "can change this record.")

    def perform_create(self, serializer):
        self.check_parent(serializer)
        super().perform_create(serializer)

    def perform_update(self, serializer):
        self.check_parent(serializer)
        super().perform_update(serializer)
