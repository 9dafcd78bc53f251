"""Periodic reviews: list, create (pick a period), detail (tables, charts, world map), narrative, freeze, export."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from amity.core import permissions
from amity.core.views import ObjectCreateView, ObjectDeleteView, ObjectDetailView, ObjectUpdateView
from amity.extract.normalize import fold
from amity.reviews import charts, exports, metrics, report
from amity.reviews.forms import ReviewCreateForm, ReviewNarrativeForm
from amity.reviews.models import Review

LANGS = ("en", "vi")

def period_suggestions() -> list[tuple[str, str]]:
    year = metrics.last_complete_period().end.year
    lang = translation.get_language() or "en"
    periods = [metrics.Period.of(kind, y) for y in (year, year - 1, year - 2) for kind in ("h2", "h1", "year")]
    return [(p.code, p.label(lang)) for p in periods]


class ReviewListView(ListView):
    model = Review
    template_name = "reviews/review_list.html"
    paginate_by = 50

    def get_queryset(self):
        return Review.objects.select_related("owner")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_create"] = permissions.can_create(self.request.user)
        context["suggested"] = metrics.last_complete_period()
        return context

class ReviewCreateView(ObjectCreateView):
    model = Review
    form_class = ReviewCreateForm
    template_name = "reviews/review_form.html"

    def get_initial(self):
        initial = super().get_initial()
        if self.request.GET.get("period"):
            initial["period"] = self.request.GET["period"][:40]
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["period_suggestions"] = period_suggestions()
        return context

class ReviewUpdateView(ObjectUpdateView):
    model = Review
    form_class = ReviewNarrativeForm
    template_name = "reviews/review_form.html"

class ReviewDeleteView(ObjectDeleteView):
    model = Review
    success_url = reverse_lazy("reviews:review_list")

def figures_context(figures: dict) -> dict:
    """Tables, SVG charts and the SVG world map for the active language (all labels escaped in charts.py)."""
    chart_list = report.charts(figures)
    return {
        "tables": report.tables(figures),
        "charts": [(c, mark_safe(charts.bar_chart_svg(c))) for c in chart_list if c.items],  # noqa: S308
        "world_map": mark_safe(charts.world_map_svg(report.map_counts(figures), _("Activities by partner country"),
                                                 _("Viet Nam"))),  # noqa: S308
        "period_label": report.period_label(figures["period"]),
        "previous_label": report.period_label(figures["previous_period"]),
        "scope_label": report.scope_label(figures),
        "statuses_label": report.statuses_label(figures),
    }

class ReviewDetailView(ObjectDetailView):
    model = Review
    template_name = "reviews/review_detail.html"

    def get_queryset(self):
        return Review.objects.select_related("owner", "frozen_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        figures = self.object.current_figures()
        context["figures"] = figures
        context.update(figures_context(figures))
        context["formats"] = [("docx", "DOCX"), ("xlsx", "XLSX"), ("pdf", "PDF")]
        context["langs"] = [("vi", "Tiếng Việt"), ("en", "English")]
        return context

def _editable_review(request, pk: int) -> Review:
    review = get_object_or_404(Review, pk=pk)
    if not permissions.can_edit(request.user, review):
        raise PermissionDenied(_("Only editors of the owner organisation can change this review."))
    return review

@require_POST
def freeze(request, pk: int):
    """Take the snapshot: from now on the review shows these figures whatever happens to the records."""
    with transaction.atomic():
        review = _editable_review(request, pk)
        review = Review.objects.select_for_update().get(pk=review.pk)
        review.figures = review.live_figures()
        review.frozen_at = timezone.now()
        review.frozen_by = request.user
        review.updated_by = request.user
        review.save()
    messages.success(request, _("Figures frozen: the review will no longer change when records change."))
    return redirect(review)

@require_POST
def unfreeze(request, pk: int):
    with transaction.atomic():
        review = _editable_review(request, pk)
        review.figures = None
        review.frozen_at = None
        review.frozen_by = None
        review.updated_by = request.user
        review.save()
    messages.info(request, _("Figures unfrozen: the review shows live figures again."))
    return redirect(review)

def export(request, pk: int, fmt: str):
    review = get_object_or_404(Review.objects.select_related("owner"), pk=pk)
    if fmt not in exports.EXPORTERS:
        raise Http404
    lang = request.GET.get("lang") or review.language
    if lang not in LANGS:
        lang = review.language if review.language in LANGS else "en"
    func, content_type = exports.EXPORTERS[fmt]
    with translation.override(lang):
        figures = review.current_figures()
        data = func(review, figures)
    name = slugify(fold(review.title))[:80] or f"review-{review.pk}"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}-{lang}.{fmt}"'
    return response

def _adhoc_review(request) -> tuple[Review | None, str]:
    """An unsaved review built from ?period=&owner=&all= (for the figures page and its exports)."""
    text = request.GET.get("period", "").strip()[:40]
    if not text:
        text = metrics.last_complete_period().code
    try:
        period = metrics.Period.parse(text)
    except ValueError:
        return None, _("Amity does not understand the period “%(text)s”. Type H1 2025, H2 2025, 2025, Q3 2025 or "
                       "2025-01-01..2025-03-15.") % {"text": text}
    owner = None
    if request.GET.get("owner", "").isdigit():
        from amity.partners.models import Organisation

        owner = Organisation.objects.filter(pk=int(request.GET["owner"])).first()
    lang = translation.get_language() or "en"
    review = Review(title=ReviewCreateForm._default_title(period, "vi" if lang.startswith("vi") else "en"),
                    period_kind=period.kind, start=period.start, end=period.end, language=lang[:2],
                    scope="owner" if owner else "all", owner=owner,
                    include_all_statuses=request.GET.get("all") in ("1", "on", "true"))
    return review, ""


def figures_page(request):
    """Figures for any period without saving a review: every role may look (Analysts included)."""
    from amity.partners.models import Organisation

    review, error = _adhoc_review(request)
    context = {"error": error, "review": review, "period_code": "", "formats": [("docx", "DOCX"), ("xlsx", "XLSX"), ("pdf", "PDF")],
               "owners": Organisation.objects.filter(members__isnull=False).distinct().order_by("name_en"),
               "query": request.GET.urlencode(), "can_create": permissions.can_create(request.user),
               "period_suggestions": period_suggestions()}
    if review is not None:
        figures = review.live_figures()
        context["figures"] = figures
        context["period_code"] = review.period.code
        context.update(figures_context(figures))
    return render(request, "reviews/figures.html", context)


def figures_export(request, fmt: str):
    if fmt not in exports.EXPORTERS:
        raise Http404
    lang = request.GET.get("lang") if request.GET.get("lang") in LANGS else (translation.get_language() or "en")[:2]
    with translation.override(lang):
        review, error = _adhoc_review(request)
        if review is None:
            raise Http404(error)
        func, content_type = exports.EXPORTERS[fmt]
        data = func(review, review.live_figures())
    response = HttpResponse(data, content_type=content_type)
    name = slugify(fold(review.title))[:80] or "figures"
    response["Content-Disposition"] = f'attachment; filename="{name}-{lang}.{fmt}"'
    return response


def home_widget(request):
    latest = Review.objects.select_related("owner").first()
    suggested = metrics.last_complete_period()
    exists = Review.objects.filter(start=suggested.start, end=suggested.end).exists()
    return {
        "template": "reviews/_home_widget.html",
        "latest": latest,
        "suggested": suggested,
        "suggested_label": suggested.label(translation.get_language() or "en"),
        "suggested_exists": exists,
        "can_create": permissions.can_create(request.user),
        "add_url": reverse("reviews:review_add") + "?period=" + suggested.code.replace(" ", "+"),
    }


def search_provider(query: str, limit: int):
    """Reviews whose title contains every query word (diacritic-insensitive; reviews are few)."""
    from amity.core.search import Hit
    from amity.core.views import search_terms

    words = search_terms(query)
    hits = []
    if words:
        for review in Review.objects.only("pk", "title", "start", "end", "period_kind").iterator():
            title = fold(review.title)
            if all(word in title for word in words):
                hits.append(Hit(review.title, review.get_absolute_url(), _("review"),
                                review.period.label(translation.get_language() or "en")))
                if len(hits) >= limit:
                    break
    return _("Reviews"), hits
