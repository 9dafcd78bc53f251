"""Panels on partner pages: pending suggestions proposing this record as their match, and the merge tool."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from amity.core import permissions
from amity.suggestions.models import Status, Suggestion


def record_panel(request, obj):
    ct = ContentType.objects.get_for_model(obj)
    pending = list(Suggestion.objects.filter(match_type=ct, match_id=obj.pk, status=Status.PENDING)[:10])
    model = "organisations" if obj._meta.model_name == "organisation" else "people"
    can_merge = permissions.can_edit(request.user, obj)
    if not pending and not can_merge:
        return None
    return {"template": "suggestions/_record_panel.html", "pending": pending, "merge_model": model,
            "can_merge": can_merge, "record": obj}


def home_widget(request):
    """Home page, for reviewers: what waits in the suggestions queue."""
    from django.db.models import Count

    from amity.suggestions.models import Kind

    if not permissions.can_create(getattr(request, "user", None)):
        return None
    counts = dict(Suggestion.objects.filter(status=Status.PENDING).values_list("kind").annotate(n=Count("id")))
    rows = [(value, label, counts[value]) for value, label in Kind.choices if counts.get(value)]
    return {"template": "suggestions/_home_widget.html", "rows": rows, "total": sum(counts.values())}
