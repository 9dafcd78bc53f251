"""Plug the activity register into shared pages: navigation, home widget, global search, partner panels."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

_done = False


def search_provider(query: str, limit: int):
    from amity.activities.models import Activity, Agreement
    from amity.core.search import Hit
    from amity.core.views import apply_search

    hits = [Hit(a.title, a.get_absolute_url(), str(_("activity")), a.when)
            for a in apply_search(Activity.objects.all(), query)[:limit]]
    hits += [Hit(a.title, a.get_absolute_url(), str(_("agreement")), a.get_status_display())
             for a in apply_search(Agreement.objects.all(), query)[:limit]]
    return str(_("Activities and agreements")), hits


def register_all() -> None:
    global _done
    if _done:
        return
    _done = True
    from amity.activities import views
    from amity.core import search
    from amity.core.registry import register_nav
    from amity.core.views import HOME_WIDGETS

    register_nav(_("Activities"), "activities:activity_list", 20)
    register_nav(_("Calendar"), "activities:calendar", 21)
    register_nav(_("Agreements"), "activities:agreement_list", 22)
    register_nav(_("Coordination"), "activities:coordination", 23)
    HOME_WIDGETS.append(views.home_widget)
    search.register(search_provider)
    from amity.activities import timeline

    timeline.register_panels()
