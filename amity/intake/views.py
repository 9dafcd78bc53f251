"""Documents (search with facets), the ingest page (upload, paste, feed), runs with live progress, sources."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from amity.core import permissions
from amity.intake import search as search_mod
from amity.intake.inputs import MAX_FILE_BYTES, is_url
from amity.intake.models import (
    Document,
    DocumentStatus,
    IngestRun,
    Language,
    MentionKind,
    Source,
    SourceKind,
)

PAGE = 20
# A request body larger than this is refused before it is read (a 200 MB upload gets a message, not a timeout).
MAX_UPLOAD_REQUEST = 120 * 1024 * 1024


# ---------------------------------------------------------------- documents

class SearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=500)
    country = forms.CharField(label=gettext_lazy("Country (ISO code)"), required=False, max_length=2)
    organisation = forms.IntegerField(label=gettext_lazy("Organisation"), required=False, widget=forms.HiddenInput)
    person = forms.IntegerField(label=gettext_lazy("Person"), required=False, widget=forms.HiddenInput)
    event = forms.CharField(label=gettext_lazy("Event type"), required=False, max_length=40)
    language = forms.ChoiceField(label=gettext_lazy("Language"), required=False,
                                 choices=[("", "—"), *Language.choices])
    source = forms.IntegerField(label=gettext_lazy("Source"), required=False, widget=forms.HiddenInput)
    date_from = forms.DateField(label=gettext_lazy("From"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    sort = forms.ChoiceField(label=gettext_lazy("Sort"), required=False,
                             choices=[("relevance", gettext_lazy("Relevance")), ("date", gettext_lazy("Date"))])
    duplicates = forms.BooleanField(label=gettext_lazy("Show near-duplicates"), required=False)


def document_list(request):
    form = SearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = search_mod.Filters(
        country=(data.get("country") or "").upper(), organisation=data.get("organisation"),
        person=data.get("person"), event=data.get("event") or "", language=data.get("language") or "",
        source=data.get("source"), date_from=data.get("date_from"), date_to=data.get("date_to"),
        include_duplicates=bool(data.get("duplicates")),
    )
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    query = (data.get("q") or "").strip()
    result = search_mod.search(query, filters, sort=data.get("sort") or ("relevance" if query else "date"),
                               limit=PAGE, offset=(page - 1) * PAGE)
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "form": form, "query": query, "result": result, "facets": _facet_links(result.facets, params),
        "page": page, "has_next": page * PAGE < result.total, "querystring": params.urlencode(),
        "statuses": DocumentStatus,
    }
    template = "intake/_document_results.html" if getattr(request, "htmx", False) and \
        request.htmx.target == "document-results" else "intake/document_list.html"
    return render(request, template, context)


def _facet_links(facets: dict, params) -> list[tuple[str, list[tuple[str, int, str, bool]]]]:
    """[(group title, [(label, count, url querystring, active)])] for the sidebar."""
    from amity.partners.models import Country

    groups = []
    names = {}
    if facets.get("country"):
        names = {c.iso2: c.name for c in Country.objects.filter(iso2__in=[r["name"] for r in facets["country"]])}

    def link(key, value, label, count):
        p = params.copy()
        active = p.get(key) == str(value)
        if active:
            p.pop(key)
        else:
            p[key] = value
        return (label, count, p.urlencode(), active)

    spec = [
        (_("Country"), "country", lambda r: (r["name"], names.get(r["name"], r["name"]))),
        (_("Organisation"), "organisation", lambda r: (r["organisation_id"], r["name"])),
        (_("Person"), "person", lambda r: (r["person_id"], r["name"])),
        (_("Event type"), "event", lambda r: (r["name"], r["name"].replace("_", " "))),
        (_("Language"), "language", lambda r: (r["language"], dict(Language.choices).get(r["language"], "?"))),
        (_("Source"), "source", lambda r: (r["source_id"], r["source__name"])),
    ]
    for title, key, value_label in spec:
        rows = []
        for row in facets.get(key, []):
            value, label = value_label(row)
            if value in (None, ""):
                continue
            rows.append(link(key, value, label, row["n"]))
        if rows:
            groups.append((title, rows))
    return groups


def document_detail(request, pk: int):
    doc = get_object_or_404(Document.objects.select_related("source", "duplicate_of", "owner"), pk=pk)
    mentions = {kind: [] for kind in MentionKind.values}
    for m in doc.mentions.select_related("country", "organisation", "person"):
        mentions[m.kind].append(m)
    terms = search_mod.parse_query(request.GET.get("q", ""))
    return render(request, "intake/document_detail.html", {
        "doc": doc, "mentions": mentions, "duplicates": doc.duplicates.all()[:100],
        "text_html": search_mod.highlight(doc.text, terms) if terms else None,
        "can_edit": permissions.can_edit(request.user, doc),
        "extraction": doc.extraction or {},
    })


def document_original(request, pk: int):
    """The original bytes, always as a download (an HTML original never runs in our origin)."""
    doc = get_object_or_404(Document, pk=pk)
    path = doc.blob
    if not path.is_file():
        raise Http404(_("The original file is missing from storage."))
    name = Path(doc.original_name or doc.sha256).name or doc.sha256
    response = FileResponse(path.open("rb"), as_attachment=True, filename=name,
                            content_type="application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response


# ---------------------------------------------------------------- ingest

class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class UploadForm(forms.Form):
    files = MultipleFileField(label=gettext_lazy("Files or a zip archive"), required=True,
                              help_text=gettext_lazy("Text, HTML, PDF, Word (.docx), RSS/Atom files or a .zip."))


class PasteForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), required=False, max_length=300)
    text = forms.CharField(label=gettext_lazy("Text"), widget=forms.Textarea(attrs={"rows": 8}), max_length=2_000_000)


class FeedForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200, required=False)
    url = forms.URLField(label=gettext_lazy("Feed address (RSS/Atom)"), max_length=1000, assume_scheme="https")

    def clean_url(self):
        url = self.cleaned_data["url"]
        if not is_url(url):
            raise forms.ValidationError(_("Only http:// and https:// addresses can be fetched."))
        return url


def _require_create(request):
    if not permissions.can_create(request.user):
        raise PermissionDenied(_("Your role cannot add documents."))


def _start(request, run: IngestRun) -> HttpResponseRedirect:
    from amity.intake.tasks import enqueue_run

    enqueue_run(run)
    return HttpResponseRedirect(run.get_absolute_url())


@csrf_exempt  # the CSRF check reads the body: it runs in _ingest, after the size check below
def ingest(request):
    """The ingest page. A POST over MAX_UPLOAD_REQUEST is refused from its Content-Length alone, before a byte of
    its body is read (a 200 MB upload gets a message at once, and is never spooled to disk)."""
    if request.method == "POST":
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_UPLOAD_REQUEST:
            _require_create(request)
            messages.error(request, _("The upload is too large (%(size)s MB; at most %(max)s MB at once, "
                                      "%(file)s MB per file). Split it or use the watched folder.")
                           % {"size": length // 1048576, "max": MAX_UPLOAD_REQUEST // 1048576,
                              "file": MAX_FILE_BYTES // 1048576})
            return HttpResponseRedirect(reverse("intake:ingest"))
    return _ingest(request)


@csrf_protect
def _ingest(request):
    upload_form, paste_form, feed_form = UploadForm(), PasteForm(), FeedForm()
    if request.method == "POST":
        _require_create(request)
        action = request.POST.get("action", "")
        org = permissions.user_organisation(request.user)
        from amity.intake import pipeline

        if action == "upload":
            upload_form = UploadForm(request.POST, request.FILES)
            if upload_form.is_valid():
                blobs = _save_uploads(upload_form.cleaned_data["files"])
                run = pipeline.create_run(blobs=blobs, user=request.user, owner=org, kind=SourceKind.UPLOAD)
                return _start(request, run)
        elif action == "paste":
            paste_form = PasteForm(request.POST)
            if paste_form.is_valid():
                run = pipeline.create_run(texts=[paste_form.cleaned_data["text"]], user=request.user, owner=org,
                                          title=paste_form.cleaned_data["title"],
                                          label=paste_form.cleaned_data["title"] or _("pasted text"))
                return _start(request, run)
        elif action == "feed":
            feed_form = FeedForm(request.POST)
            if feed_form.is_valid():
                url = feed_form.cleaned_data["url"]
                source, _created = Source.objects.get_or_create(
                    kind=SourceKind.FEED, location=url,
                    defaults={"name": feed_form.cleaned_data["name"] or url[:200], "owner": org,
                              "created_by": request.user})
                run = pipeline.create_run(urls=[url], user=request.user, owner=org, source=source,
                                          expect_feed=True)
                return _start(request, run)
        else:
            messages.error(request, _("Unknown action."))
    return render(request, "intake/ingest.html", {
        "upload_form": upload_form, "paste_form": paste_form, "feed_form": feed_form,
        "can_create": permissions.can_create(request.user),
        "runs": IngestRun.objects.select_related("created_by")[:10],
        "max_file_mb": MAX_FILE_BYTES // 1048576,
    })


def _save_uploads(files) -> list[dict]:
    """Uploaded files are parked under VAR_DIR/incoming until the run (here or in a worker) reads them."""
    folder = Path(settings.VAR_DIR) / "incoming"
    folder.mkdir(parents=True, exist_ok=True)
    blobs = []
    for upload in files:
        name = Path(upload.name or "upload").name[:200] or "upload"
        path = folder / f"{uuid.uuid4().hex}"
        if upload.size > MAX_FILE_BYTES:
            path.write_bytes(b"")
            blobs.append({"name": name, "path": str(path), "too_large": upload.size})
            continue
        with open(path, "wb") as fh:
            for chunk in upload.chunks():
                fh.write(chunk)
        blobs.append({"name": name, "path": str(path)})
    return blobs


def run_list(request):
    runs = IngestRun.objects.select_related("created_by", "source")[:100]
    return render(request, "intake/run_list.html", {"runs": runs})


def _run_context(run: IngestRun) -> dict:
    return {
        "run": run,
        "failed_items": run.items.filter(status="failed").select_related("document")[:200],
        "items": run.items.select_related("document").order_by("-id")[:50],
    }


def run_detail(request, pk: int):
    run = get_object_or_404(IngestRun, pk=pk)
    return render(request, "intake/run_detail.html", _run_context(run))


def run_progress(request, pk: int):
    run = get_object_or_404(IngestRun, pk=pk)
    response = render(request, "intake/_run_progress.html", _run_context(run))
    if not run.is_running:
        response["HX-Trigger"] = "run-finished"
    return response


# ---------------------------------------------------------------- sources

def source_list(request):
    sources = Source.objects.all()
    return render(request, "intake/source_list.html", {"sources": sources, "feed_form": FeedForm(),
                                                       "can_create": permissions.can_create(request.user)})


def source_detail(request, pk: int):
    source = get_object_or_404(Source, pk=pk)
    return render(request, "intake/source_detail.html", {
        "source": source, "documents": source.documents.defer("text", "extraction")[:50],
        "runs": source.runs.all()[:10], "can_edit": permissions.can_edit(request.user, source) or
        permissions.can_create(request.user),
    })


@require_POST
def source_check(request, pk: int):
    """Fetch a feed source now (or re-scan a folder source)."""
    _require_create(request)
    source = get_object_or_404(Source, pk=pk)
    from amity.intake import pipeline

    org = permissions.user_organisation(request.user)
    if source.kind == SourceKind.FEED:
        run = pipeline.create_run(urls=[source.location], source=source, user=request.user, owner=org,
                                  expect_feed=True)
    elif source.kind == SourceKind.FOLDER and Path(source.location).is_dir():
        run = pipeline.create_run(paths=[source.location], source=source, user=request.user, owner=org)
    else:
        messages.error(request, _("This source cannot be checked again."))
        return HttpResponseRedirect(source.get_absolute_url())
    return _start(request, run)


def parse_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None
