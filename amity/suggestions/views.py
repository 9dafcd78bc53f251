"""The review queue: filter, read the source sentence, accept / edit / merge / reject, one by one or in bulk.

Editors and Administrators review; Analysts see the queue read-only (and get 403 on every action URL).
Single actions answer HTMX requests with the re-rendered card, other requests with a redirect.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rapidfuzz import fuzz, process

from amity.core import permissions
from amity.extract.normalize import fold
from amity.suggestions import services
from amity.suggestions.forms import BulkForm, MergeForm, form_for
from amity.suggestions.matching import Indexes, match_key
from amity.suggestions.models import Kind, RejectedFingerprint, Status, Suggestion, SuggestionEvidence


def _reviewer(request) -> bool:
    return permissions.can_create(request.user)


def _require_reviewer(request):
    if not _reviewer(request):
        raise PermissionDenied(_("Only editors and administrators review suggestions."))


def _queryset():
    return Suggestion.objects.annotate(
        n_reports=Count("evidence__document", distinct=True),
        n_copies=Count("evidence__document__duplicates", distinct=True),
    ).prefetch_related(
        Prefetch("evidence", queryset=SuggestionEvidence.objects.select_related("document").order_by("id")),
        "countries",
    ).select_related("match_type", "record_type", "reviewed_by")


def filter_queryset(request):
    qs = _queryset()
    params = request.GET
    kind = params.get("kind", "")
    status = params.get("status", Status.PENDING)
    if kind in Kind.values:
        qs = qs.filter(kind=kind)
    if status in Status.values:
        qs = qs.filter(status=status)
    document = params.get("document", "")
    if document.isdigit():
        qs = qs.filter(evidence__document_id=int(document))
    country = params.get("country", "").strip().upper()[:2]
    if country:
        qs = qs.filter(countries__iso2=country)
    query = params.get("q", "").strip()[:200]
    if query:
        for word in fold(query).split()[:8]:
            qs = qs.filter(search_key__contains=word)
    order = "-n_reports" if params.get("order") == "sources" else "-created_at"
    return qs.distinct().order_by(order, "-id"), {"kind": kind, "status": status, "document": document,
                                                   "country": country, "q": query, "order": params.get("order", "")}


def queue(request):
    qs, filters = filter_queryset(request)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    counts = dict(Suggestion.objects.filter(status=Status.PENDING).values_list("kind").annotate(n=Count("id")))
    context = {
        "page_obj": page, "suggestions": page.object_list, "filters": filters, "kinds": Kind.choices,
        "statuses": Status.choices, "can_review": _reviewer(request), "querystring": params.urlencode(),
        "pending_counts": [(value, label, counts.get(value, 0)) for value, label in Kind.choices],
        "back": request.get_full_path(),
    }
    return render(request, "suggestions/queue.html", context)


def detail(request, pk):
    suggestion = get_object_or_404(_queryset(), pk=pk)
    context = {"s": suggestion, "can_review": _reviewer(request), "back": request.get_full_path(),
               "sources": services.all_sources(suggestion),
               "form": form_for(suggestion) if suggestion.is_pending else None,
               "candidates": candidates(suggestion) if suggestion.is_pending else []}
    return render(request, "suggestions/detail.html", context)


def candidates(suggestion, limit: int = 6) -> list[tuple[object, float]]:
    """Existing records the suggestion could be merged into, best first."""
    kind = suggestion.kind
    if kind in (Kind.ORGANISATION, Kind.PERSON):
        index = Indexes().organisations() if kind == Kind.ORGANISATION else Indexes().persons()
        found = process.extract(match_key(suggestion.label), index.keys, scorer=fuzz.token_sort_ratio, limit=limit * 3,
                                score_cutoff=70)
        out, seen = [], set()
        for _key, score, i in found:
            pk = index.ids[i]
            if pk not in seen:
                seen.add(pk)
                out.append((index.get(pk), round(score, 1)))
        return out[:limit]
    if kind in (Kind.ACTIVITY, Kind.AID_COMMITMENT) and suggestion.date:
        try:
            from amity.activities.models import Activity
        except ImportError:
            return []
        import datetime as dt

        window = dt.timedelta(days=7)
        return [(a, None) for a in Activity.objects.filter(start__range=(suggestion.date - window,
                                                                         suggestion.date + window))[:limit]]
    if kind == Kind.POST:
        from amity.partners.models import Post

        person = services._find_person(suggestion.payload.get("person"))
        return [(p, None) for p in Post.objects.filter(person=person)[:limit]] if person else []
    if kind == Kind.PARTNERSHIP_CHANGE:
        from amity.partners.models import Partnership

        return [(p, None) for p in Partnership.objects.filter(
            country__iso2=suggestion.payload.get("country", "")).order_by("-date_from")[:limit]]
    return []


def _respond(request, suggestion, message=None, error=None, status=200):
    if getattr(request, "htmx", False):
        suggestion = _queryset().get(pk=suggestion.pk)
        return render(request, "suggestions/_card.html",
                      {"s": suggestion, "can_review": True, "flash": message, "error": error}, status=status)
    if error:
        messages.error(request, error)
    elif message:
        messages.success(request, message)
    return HttpResponseRedirect(_back(request))


def _back(request):
    back = request.POST.get("back") or request.GET.get("back") or ""
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return back
    return reverse("suggestions:queue")


def _record_link(record) -> str:
    from amity.suggestions.templatetags.suggestion_tags import record_label

    return record_label(record)


@require_POST
def accept(request, pk):
    _require_reviewer(request)
    suggestion = get_object_or_404(Suggestion, pk=pk)
    try:
        record = services.accept(suggestion, request.user)
    except services.ReviewError as exc:
        return _respond(request, suggestion, error=str(exc))
    return _respond(request, suggestion, message=_("Accepted: %(record)s.") % {"record": _record_link(record)})


@require_POST
def edit_accept(request, pk):
    _require_reviewer(request)
    suggestion = get_object_or_404(_queryset(), pk=pk)
    form = form_for(suggestion, data=request.POST)
    if not form.is_valid():
        context = {"s": suggestion, "form": form, "can_review": True, "back": _back(request),
                   "candidates": []}
        if request.htmx:  # htmx swaps only 2xx answers: the form with its errors comes back as 200
            return render(request, "suggestions/_edit.html", context)
        return render(request, "suggestions/detail.html", context, status=422)
    try:
        record = services.accept(suggestion, request.user, payload=form.payload())
    except services.ReviewError as exc:
        return _respond(request, suggestion, error=str(exc))
    return _respond(request, suggestion, message=_("Accepted: %(record)s.") % {"record": _record_link(record)})


def edit_form(request, pk):
    _require_reviewer(request)
    suggestion = get_object_or_404(_queryset(), pk=pk)
    if not suggestion.is_pending:
        return _respond(request, suggestion, error=_("This suggestion was already reviewed."))
    return render(request, "suggestions/_edit.html", {"s": suggestion, "form": form_for(suggestion),
                                                      "can_review": True, "candidates": candidates(suggestion)})


@require_POST
def merge(request, pk):
    _require_reviewer(request)
    suggestion = get_object_or_404(Suggestion, pk=pk)
    chosen = request.POST.get("target_id", "").strip() or request.POST.get("target", "").strip()
    if chosen:
        form = MergeForm({"target": chosen})
        if not form.is_valid():
            return _respond(request, suggestion, error=_("Give the number of the record to merge into."))
        model = _merge_model(suggestion)
        target = model.objects.filter(pk=form.cleaned_data["target"]).first() if model else None
        if target is None:
            return _respond(request, suggestion, error=_("There is no such record to merge into."))
    else:
        target = suggestion.best_match
        if target is None:
            return _respond(request, suggestion, error=_("This suggestion has no proposed match."))
    try:
        services.merge_into(suggestion, target, request.user)
    except services.ReviewError as exc:
        return _respond(request, suggestion, error=str(exc))
    return _respond(request, suggestion, message=_("Merged into %(record)s.") % {"record": target})


def _merge_model(suggestion):
    from django.apps import apps

    labels = services.MERGE_TARGETS.get(suggestion.kind) or set()
    for label in labels:
        try:
            return apps.get_model(label)
        except LookupError:
            return None
    return None


@require_POST
def reject(request, pk):
    _require_reviewer(request)
    suggestion = get_object_or_404(Suggestion, pk=pk)
    try:
        services.reject(suggestion, request.user, comment=request.POST.get("comment", "")[:1000])
    except services.ReviewError as exc:
        return _respond(request, suggestion, error=str(exc))
    return _respond(request, suggestion, message=_("Rejected; it will not be suggested again."))


@require_POST
def bulk(request):
    _require_reviewer(request)
    form = BulkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose suggestions and an action."))
        return HttpResponseRedirect(_back(request))
    done, errors = services.bulk(form.cleaned_data["ids"], form.cleaned_data["action"], request.user)
    if done:
        messages.success(request, _("%(n)d suggestion(s) done.") % {"n": done})
    for error in errors[:20]:
        messages.error(request, error)
    if len(errors) > 20:
        messages.error(request, _("… and %(n)d more.") % {"n": len(errors) - 20})
    return HttpResponseRedirect(_back(request))


def rejections(request):
    page = Paginator(RejectedFingerprint.objects.select_related("rejected_by"), 50).get_page(request.GET.get("page"))
    return render(request, "suggestions/rejections.html", {"page_obj": page, "can_review": _reviewer(request)})


@require_POST
def forget_rejection(request, pk):
    """Let a rejected suggestion come back (e.g. rejected by mistake)."""
    _require_reviewer(request)
    rejected = get_object_or_404(RejectedFingerprint, pk=pk)
    rejected.delete()
    Suggestion.objects.filter(fingerprint=rejected.fingerprint, status=Status.REJECTED).update(
        status=Status.PENDING, reviewed_by=None, reviewed_at=None)
    messages.success(request, _("The suggestion is back in the queue."))
    return HttpResponseRedirect(reverse("suggestions:rejections"))


def record_url(record) -> str:
    try:
        return record.get_absolute_url()
    except Exception:  # noqa: BLE001 - records without a page (a post, a note) link to their parent
        target = getattr(record, "person", None) or getattr(record, "country", None) or getattr(record, "target", None)
        return target.get_absolute_url() if target is not None and hasattr(target, "get_absolute_url") else ""

