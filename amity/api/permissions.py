from rest_framework.permissions import SAFE_METHODS, BasePermission

from amity.core import permissions


class OwnerEditPermission(BasePermission):
    """Authenticated users read; Editors change their own organisation's records; Administrators all."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method in SAFE_METHODS:
            return True
        return permissions.can_create(request.user)

    def has_object_permission(self, request, view, obj):
        if request.method in SAFE_METHODS:
            return True
        return permissions.can_edit(request.user, obj)
