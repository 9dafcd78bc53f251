from django.urls import NoReverseMatch, reverse

from amity.core import permissions
from amity.core.registry import NAV_ITEMS


def amity(request):
    user = getattr(request, "user", None)
    nav = []
    for item in NAV_ITEMS:
        try:
            nav.append({"label": item.label, "url": reverse(item.url_name)})
        except NoReverseMatch:
            continue
    unread = 0
    if getattr(user, "is_authenticated", False):
        from amity.core.models import Notification

        unread = Notification.objects.filter(user=user, read_at__isnull=True).count()
    return {
        "amity_unread": unread,
        "amity_can_create": permissions.can_create(user),
        "amity_is_admin": permissions.is_admin(user),
        "amity_organisation": permissions.user_organisation(user),
        "amity_nav": nav,
    }
