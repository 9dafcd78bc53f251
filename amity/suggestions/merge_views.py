"""The merge tool page for duplicate organisations and people."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _

from amity.core import permissions
from amity.core.views import apply_search
from amity.suggestions.merge import duplicate_pairs, merge_records


def _model(name):
    from amity.partners.models import Organisation, Person

    models = {"organisations": Organisation, "people": Person}
    if name not in models:
        raise Http404
    return models[name]


def _ids(values) -> list[int]:
    return [int(v) for v in values if str(v).isdigit()][:50]


def merge_records_view(request, model):
    if not permissions.can_create(request.user):
        raise PermissionDenied(_("Only editors and administrators merge records."))
    Model = _model(model)
    if request.method == "POST":
        survivor_id = request.POST.get("survivor", "")
        duplicate_ids = [i for i in _ids(request.POST.getlist("duplicates")) if str(i) != survivor_id]
        survivor = Model.objects.filter(pk=survivor_id).first() if survivor_id.isdigit() else None
        duplicates = list(Model.objects.filter(pk__in=duplicate_ids))
        if survivor is None or not duplicates:
            messages.error(request, _("Choose the record that stays and at least one duplicate."))
        else:
            try:
                merge_records(survivor, duplicates, request.user, note=request.POST.get("note", "")[:2000])
            except (ValidationError, PermissionDenied) as exc:
                text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                messages.error(request, text)
            else:
                messages.success(request, _("Merged %(n)d record(s) into %(record)s.")
                                 % {"n": len(duplicates), "record": survivor})
                return HttpResponseRedirect(survivor.get_absolute_url())
    query = request.GET.get("q", "").strip()[:200]
    chosen = _ids(request.GET.getlist("id"))
    results = list(apply_search(Model.objects.all(), query)[:30]) if query else []
    results += [r for r in Model.objects.filter(pk__in=chosen) if r not in results]
    pairs = duplicate_pairs(Model, limit=20) if request.GET.get("pairs") else []
    return render(request, "suggestions/merge_records.html", {
        "model": model, "verbose": Model._meta.verbose_name_plural, "query": query, "results": results,
        "pairs": pairs, "show_pairs": bool(request.GET.get("pairs")),
    })
