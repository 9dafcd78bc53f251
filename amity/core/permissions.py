"""Who may change what. Enforced in querysets and views, not only hidden in templates.

Groups: Administrator (everything), Editor (records owned by their own organisation), Analyst (reads
everything, changes nothing). A user's organisation comes from ``core.Membership``.
"""

from __future__ import annotations

ADMINISTRATOR = "Administrator"
EDITOR = "Editor"
ANALYST = "Analyst"
ROLES = (ADMINISTRATOR, EDITOR, ANALYST)


def _groups(user) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    cache = getattr(user, "_amity_groups", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user._amity_groups = cache
    return cache


def is_admin(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or ADMINISTRATOR in _groups(user)


def is_editor(user) -> bool:
    return is_admin(user) or EDITOR in _groups(user)


def user_organisation(user):
    membership = getattr(user, "membership", None) if getattr(user, "is_authenticated", False) else None
    return membership.organisation if membership else None


def editable_owner_ids(user) -> set[int]:
    if not is_editor(user):
        return set()
    org = user_organisation(user)
    return {org.pk} if org else set()


def can_create(user) -> bool:
    return is_admin(user) or (is_editor(user) and user_organisation(user) is not None)


def can_edit(user, obj) -> bool:
    if is_admin(user):
        return True
    if obj is None or not is_editor(user):
        return False
    owner_id = getattr(obj, "owner_id", None)
    return owner_id is not None and owner_id in editable_owner_ids(user)
