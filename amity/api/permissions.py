from rest_framework.permissions import SAFE_METHODS, BasePermission

from amity.core import permissions


class OwnerEditPermission(BasePermission):
    """Authenticated users read; Editors change their own organisation's records; Administrators all.

    Records without an owner of their own (a partnership step, a post) are checked against the record that
    owns them: a view names it with ``get_permission_object(obj)`` (see ``amity.api.viewsets``).
    """

    message = "Only editors of the owner organisation can change this record."

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method in SAFE_METHODS:
            return True
        return permissions.can_create(request.user)

    def has_object_permission(self, request, view, obj):
        if request.method in SAFE_METHODS:
            return True
        getter = getattr(view, "get_permission_object", None)
        target = getter(obj) if getter is not None else obj
        return permissions.can_edit(request.user, target)
