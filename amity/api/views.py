"""API pages that are not viewsets: documentation, tokens, CSV/XLSX export and import.

Everything under /api/ is exempt from the login middleware (token authentication), so the HTML pages here
check the login themselves.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from drf_spectacular.utils import extend_schema
from rest_framework.authtoken.models import Token
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from amity.core import exchange, permissions

# ---- documentation -----------------------------------------------------------------------------------------

_METHOD_ORDER = ["get", "post", "put", "patch", "delete"]


_PATHS_CACHE: list = []


def _schema_paths(request) -> list[dict]:
    """Paths and query parameters of the OpenAPI schema (built once per process)."""
    if not _PATHS_CACHE:
        _PATHS_CACHE.append(_build_schema_paths())
    return _PATHS_CACHE[0]


def _build_schema_paths() -> list[dict]:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    out = []
    for path, operations in schema.get("paths", {}).items():
        ops = []
        for method in _METHOD_ORDER:
            operation = operations.get(method)
            if operation is None:
                continue
            params = [p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"]
            ops.append({"method": method.upper(), "summary": (operation.get("description") or "").strip()
                        .split("\n")[0][:160], "params": params})
        out.append({"path": path, "operations": ops})
    return out


def docs_view(request):
    """A server-rendered list of endpoints (no CDN-hosted Swagger UI: the deployment has no internet)."""
    context = {
        "paths": _schema_paths(request),
        "exports": [(name, fmt) for name in exchange.EXPORT_NAMES for fmt in exchange.EXPORT_FORMATS],
    }
    return render(request, "api/docs.html", context)


# ---- tokens ------------------------------------------------------------------------------------------------


@login_required
def tokens_view(request):
    """The logged-in user's API token: see it, create it, regenerate it (the old one stops working)."""
    token = Token.objects.filter(user=request.user).first()
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "delete":
            Token.objects.filter(user=request.user).delete()
            messages.success(request, _("Your API token was deleted."))
        else:
            Token.objects.filter(user=request.user).delete()
            Token.objects.create(user=request.user)
            messages.success(request, _("A new API token was created; the old one no longer works."))
        return redirect("api:tokens")
    return render(request, "api/tokens.html", {"token": token})


# ---- export ------------------------------------------------------------------------------------------------


class AnyContent(BaseContentNegotiation):
    """The export views answer with a file, whatever the Accept header says."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


@extend_schema(exclude=True)
class ExportView(APIView):
    """``/api/export/<name>.<csv|xlsx>``: a data set filtered like its list page (``?q=`` and the filters)."""

    content_negotiation_class = AnyContent
    permission_classes = [IsAuthenticated]

    def get(self, request, name: str, fmt: str):
        if name not in exchange.EXPORT_NAMES or fmt not in exchange.EXPORT_FORMATS:
            raise Http404
        try:
            queryset = exchange.export_queryset(name, request.GET, request=request)
            content, content_type = exchange.render(name, fmt, queryset)
        except exchange.ExchangeError as exc:
            return HttpResponseBadRequest(str(exc), content_type="text/plain; charset=utf-8")
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="amity-{name}.{fmt}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response


@login_required
def export_index(request):
    return render(request, "exchange/export.html", {
        "exports": [(name, exchange.get_dataset(name)) for name in exchange.EXPORT_NAMES],
    })


# ---- import ------------------------------------------------------------------------------------------------


STAGED_MAX_AGE = 24 * 3600


def _staging_dir() -> Path:
    path = Path(settings.VAR_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _prune_staged() -> None:
    """Uploads previewed but never confirmed are deleted after a day."""
    limit = time.time() - STAGED_MAX_AGE
    for path in _staging_dir().glob("*"):
        try:
            if path.is_file() and path.stat().st_mtime < limit:
                path.unlink()
        except OSError:
            continue


def _staged_path(user, token: str, suffix: str) -> Path:
    token = uuid.UUID(token).hex  # raises ValueError on anything else
    if suffix not in (".csv", ".xlsx"):
        raise ValueError(suffix)
    return _staging_dir() / f"{user.pk}-{token}{suffix}"


def _read_upload(upload) -> bytes:
    if upload.size > exchange.MAX_IMPORT_BYTES:
        raise exchange.ExchangeError(_("The file is larger than 10 MB."))
    return upload.read(exchange.MAX_IMPORT_BYTES + 1)


@method_decorator(login_required, name="dispatch")
class ImportView(View):
    """Upload a CSV/XLSX file, see a dry-run preview row by row, then confirm to import it for real."""

    template_name = "exchange/import.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.can_create(request.user):
            raise PermissionDenied(_("Your role cannot create records."))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(request, self.template_name, {"models": exchange.IMPORTERS, "columns": exchange.IMPORT_COLUMNS})

    def post(self, request):
        model = request.POST.get("model", "")
        context = {"models": exchange.IMPORTERS, "columns": exchange.IMPORT_COLUMNS, "model": model}
        if model not in exchange.IMPORTERS:
            context["error"] = _("Choose what to import: organisations or people.")
            return render(request, self.template_name, context, status=400)
        staged = request.POST.get("staged", "")
        try:
            if staged:
                token, _sep, suffix = staged.partition(".")
                path = _staged_path(request.user, token, "." + suffix)
                if not path.exists():
                    raise exchange.ExchangeError(_("The uploaded file has expired: upload it again."))
                data, filename, dry_run = path.read_bytes(), path.name, False
            else:
                upload = request.FILES.get("file")
                if upload is None:
                    raise exchange.ExchangeError(_("Choose a CSV or XLSX file."))
                data, filename, dry_run = _read_upload(upload), upload.name, True
            table = exchange.read_table(data, filename)
            report = exchange.import_rows(model, table, user=request.user, dry_run=dry_run)
        except (exchange.ExchangeError, ValueError) as exc:
            context["error"] = str(exc)
            return render(request, self.template_name, context, status=400)
        context["report"] = report
        if dry_run and report.ok and any(r.status == "new" for r in report.rows):
            suffix = ".xlsx" if data[:4] == b"PK\x03\x04" else ".csv"
            token = uuid.uuid4().hex
            _prune_staged()
            _staged_path(request.user, token, suffix).write_bytes(data)
            context["staged"] = f"{token}{suffix}"
        elif not dry_run:
            path.unlink(missing_ok=True)
            if report.committed:
                messages.success(request, _("Imported %(n)s new records.") % {"n": report.counts.get("new", 0)})
        return render(request, self.template_name, context, status=200 if report.ok else 400)


@extend_schema(exclude=True)
class ImportAPIView(APIView):
    """``POST /api/import/<organisations|people>/`` with a multipart ``file``; ``?dry_run=1`` to preview."""

    parser_classes = [MultiPartParser, FormParser]

    def post(self, request, model: str):
        if model not in exchange.IMPORTERS:
            raise Http404
        dry_run = request.query_params.get("dry_run", request.data.get("dry_run", "")) in ("1", "true", "yes")
        upload = request.FILES.get("file")
        if upload is None:
            return Response({"file_errors": [_("Send the file as multipart field 'file'.")]}, status=400)
        try:
            data = _read_upload(upload)
            table = exchange.read_table(data, upload.name)
            report = exchange.import_rows(model, table, user=request.user, dry_run=dry_run)
        except exchange.ExchangeError as exc:
            return Response({"ok": False, "file_errors": [str(exc)]}, status=400)
        return Response(report.as_dict(), status=200 if report.ok else 400)


__all__ = ["docs_view", "tokens_view", "ExportView", "export_index", "ImportView", "ImportAPIView"]
