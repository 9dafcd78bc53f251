"""Generic, declarative views in the NetBox manner: a list view names its queryset, filterset and columns;
an edit view names its queryset and form. Permissions are checked here, for pages reached by URL too."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import ProtectedError, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView
from django.views.generic.edit import CreateView, DeleteView, UpdateView

from amity.core import permissions
from amity.core.forms import JournalNoteForm
from amity.core.models import Citation, JournalNote
from amity.core.registry import panels_for
from amity.core.text import search_words


def search_terms(query: str) -> list[str]:
    return search_words(query)[:12]


def apply_search(queryset, query: str, field: str = "search_key"):
    """Diacritic-insensitive name search on the folded ``search_key`` (see ``build_search_key``).

    A record matches when one of its names starts a word with the whole query ("tuyen qu" finds Tuyên Quang),
    or when every query word is a whole word of its names, in any order ("nga nguyen phuong"). So "ha giang"
    finds the province Hà Giang was merged into, but not Hậu Giang.
    """
    words = search_terms(query)
    if not words:
        return queryset
    phrase = Q(**{f"{field}__contains": " " + " ".join(words)})
    every_word = Q()
    for word in words:
        every_word &= Q(**{f"{field}__contains": f" {word} "})
    return queryset.filter(phrase | every_word)


class ObjectListView(ListView):
    template_name = "core/object_list.html"
    paginate_by = 50
    filterset_class = None
    columns: list[tuple[str, str]] = []  # (label, attribute or callable name)
    title = ""
    add_url_name = ""
    export_name = ""  # name of the CSV/XLSX export in amity.api (same filters as the page)

    def get_queryset(self):
        queryset = super().get_queryset()
        self.query = self.request.GET.get("q", "").strip()[:200]
        if self.query:
            queryset = apply_search(queryset, self.query)
        self.filterset = None
        if self.filterset_class:
            self.filterset = self.filterset_class(self.request.GET or None, queryset=queryset, request=self.request)
            queryset = self.filterset.qs
        return queryset

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and self.request.htmx.target == "object-table":
            return ["core/object_table.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("page", None)
        context.update(
            title=self.title or self.object_list.model._meta.verbose_name_plural.capitalize(),
            columns=self.columns,
            filterset=self.filterset,
            query=self.query,
            add_url_name=self.add_url_name,
            export_name=self.export_name,
            querystring=params.urlencode(),
        )
        return context


class ObjectDetailView(DetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj = self.object
        context["can_edit"] = permissions.can_edit(self.request.user, obj)
        context["content_type"] = ContentType.objects.get_for_model(obj)
        context["journal"] = JournalNote.objects.filter(
            content_type=context["content_type"], object_id=obj.pk
        ).select_related("author")
        context["note_form"] = JournalNoteForm()
        history = getattr(obj, "history", None)
        context["history"] = history.all().select_related("history_user")[:20] if history is not None else []
        context["panels"] = panels_for(self.request, obj)
        context["citations"] = Citation.objects.filter(
            content_type=context["content_type"], object_id=obj.pk
        ).select_related("source")
        return context


class OwnedEditMixin:
    """Create/update with ownership: Editors create for their own organisation and change only its records."""

    template_name = "core/object_form.html"

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not permissions.can_edit(self.request.user, obj):
            raise PermissionDenied(_("Only editors of the owner organisation can change this record."))
        return obj

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        if isinstance(self, CreateView) and not permissions.can_create(request.user):
            raise PermissionDenied(_("Your role cannot create records."))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def form_valid(self, form):
        obj = form.instance
        user = self.request.user
        if obj.pk is None:
            obj.created_by = user
            if not permissions.is_admin(user) or not obj.owner_id:
                obj.owner = permissions.user_organisation(user) or obj.owner
        obj.updated_by = user
        with transaction.atomic():
            response = super().form_valid(form)
        messages.success(self.request, _("Saved %(object)s.") % {"object": self.object})
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["verbose_name"] = self.model._meta.verbose_name
        return context


class ObjectCreateView(OwnedEditMixin, CreateView):
    pass


class ObjectUpdateView(OwnedEditMixin, UpdateView):
    pass


class ObjectDeleteView(DeleteView):
    template_name = "core/object_confirm_delete.html"

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not permissions.can_edit(self.request.user, obj):
            raise PermissionDenied(_("Only editors of the owner organisation can delete this record."))
        return obj

    def form_valid(self, form):
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except ProtectedError as exc:
            used_by = sorted({obj._meta.verbose_name for obj in exc.protected_objects})
            messages.error(self.request, _("%(object)s is still in use (%(used_by)s) and was not deleted.")
                           % {"object": self.object, "used_by": ", ".join(str(u) for u in used_by)})
            return HttpResponseRedirect(self.object.get_absolute_url())


class JournalNoteCreateView(View):
    """Add a dated note to any record the user may edit."""

    def post(self, request, ct_id: int, object_id: int):
        content_type = get_object_or_404(ContentType, pk=ct_id)
        model = content_type.model_class()
        if model is None or not hasattr(model, "notes"):
            raise Http404
        obj = get_object_or_404(model, pk=object_id)
        if not permissions.can_edit(request.user, obj):
            raise PermissionDenied(_("Only editors of the owner organisation can add notes."))
        form = JournalNoteForm(request.POST)
        if form.is_valid():
            note = form.save(commit=False)
            note.content_type, note.object_id, note.author = content_type, obj.pk, request.user
            note.save()
            messages.success(request, _("Note added."))
        else:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
        return HttpResponseRedirect(obj.get_absolute_url())


class HomeView(TemplateView):
    template_name = "core/home.html"

    def get_context_data(self, **kwargs):
        from amity.partners.models import Country, Organisation, Person, Province

        context = super().get_context_data(**kwargs)
        context["counts"] = {
            "countries": Country.objects.count(),
            "partners": Country.objects.with_current_level().filter(current_level__isnull=False)
            .exclude(current_level="none").count(),
            "provinces": Province.objects.count(),
            "organisations": Organisation.objects.count(),
            "people": Person.objects.count(),
        }
        context["widgets"] = [w(self.request) for w in HOME_WIDGETS]
        return context


# Other apps append callables (request -> {"title", "template", ...}) to show panels on the home page.
HOME_WIDGETS: list = []


def search_view(request):
    """Global diacritic-insensitive search over partner records (documents join in the intake app)."""
    from amity.core.search import global_search

    query = request.GET.get("q", "").strip()[:200]
    results = global_search(query) if query else []
    template = "core/search_results.html" if getattr(request, "htmx", False) else "core/search.html"
    return render(request, template, {"query": query, "results": results})


def healthz(request):
    from django.http import JsonResponse

    return JsonResponse({"status": "ok"})


def notifications_view(request):
    """The user's in-app notifications; opening the page marks them read."""
    from django.utils import timezone

    from amity.core.models import Notification

    items = list(Notification.objects.filter(user=request.user)[:200])
    if request.method == "POST":
        Notification.objects.filter(user=request.user, read_at__isnull=True).update(read_at=timezone.now())
        return HttpResponseRedirect(request.path)
    return render(request, "core/notifications.html", {"items": items})
