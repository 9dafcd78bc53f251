"""Data exchange: CSV/XLSX export and import of partner records, and whole-database backups.

Export (``export_rows`` / ``render_csv`` / ``render_xlsx``): countries (with the current partnership level),
the partnership history, provinces, organisations, people (with their posts) and posts. Every text cell that
a spreadsheet would read as a formula (starting with = + - @ tab or CR) is prefixed with ``'``.

Import (``read_table`` + ``import_rows``): organisations and people from CSV (UTF-8, UTF-8 with BOM or
UTF-16; other encodings are refused with a clear message) or XLSX, at most 10 MB. Every row is validated
exactly like the forms (``full_clean``); rows whose folded name matches an existing record are reported as
"exists" and left alone; markup is refused. The import is all-or-nothing: one bad row and nothing is
written. A dry run does all the work inside a transaction and rolls it back, so the preview is exact.

Backups (``create_backup`` / ``restore_backup``): one .zip with ``data.json`` (dumpdata of users, groups,
tokens and every amity app, natural foreign keys), the stored document blobs (``documents/``) and
``manifest.json`` (object counts per model, sha256 of every member). Restore refuses a non-empty database
unless forced, checks every checksum and path (no zip-slip) before touching anything, and loads the data in
one transaction. Apps that keep derived tables outside the ORM (e.g. a full-text index) append a callable
to ``AFTER_RESTORE`` to rebuild them.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import tempfile
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amity.extract.normalize import fold

MAX_IMPORT_BYTES = 10 * 1024 * 1024
MAX_IMPORT_ROWS = 20000
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class ExchangeError(Exception):
    """A problem with a whole file or backup (as opposed to one row): shown to the user as is."""


# ---- export ------------------------------------------------------------------------------------------------


def safe_cell(value):
    """A cell value safe for spreadsheets: text that looks like a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        value = "; ".join(str(v) for v in value)
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, dt.date | int | float):
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def _iso(country) -> str:
    return country.iso2 if country is not None else ""


def _posts_label(person) -> str:
    parts = []
    for post in person.posts.all():
        org = f" @ {post.organisation.name_en or post.organisation.name_vi}" if post.organisation_id else ""
        term = f"{post.date_from:%Y-%m-%d}–{post.date_to:%Y-%m-%d}" if post.date_to else f"{post.date_from:%Y-%m-%d}–"
        parts.append(f"{post.title}{org} ({term})")
    return "; ".join(parts)


def _owner(obj) -> str:
    owner = obj.owner
    if owner is None:
        return ""
    return owner.key or owner.name_en or owner.name_vi


@dataclass
class Dataset:
    name: str
    columns: list[tuple[str, object]]  # (header, attribute name or callable(obj))
    queryset: object  # callable returning the base queryset
    filterset: object = None  # callable returning the FilterSet class (imported lazily)

    def rows(self, queryset):
        for obj in queryset:
            row = []
            for _header, getter in self.columns:
                value = getter(obj) if callable(getter) else getattr(obj, getter, "")
                row.append(value)
            yield row


def _datasets() -> dict[str, Dataset]:
    from amity.partners import filtersets
    from amity.partners.models import Country, Organisation, Partnership, Person, Post, Province

    return {
        "countries": Dataset(
            "countries",
            [("iso2", "iso2"), ("iso3", "iso3"), ("name_en", "name_en"), ("name_vi", "name_vi"),
             ("official_name", "official_name"), ("aliases", "aliases"), ("region", "region"),
             ("subregion", "subregion"), ("current_level", lambda c: c.current_level or ""),
             ("current_level_since", lambda c: c.current_level_since), ("owner", _owner)],
            lambda: Country.objects.with_current_level().select_related("owner").order_by("name_en"),
            lambda: filtersets.CountryFilterSet,
        ),
        "partnerships": Dataset(
            "partnerships",
            [("country", lambda p: p.country.iso2), ("country_name", lambda p: p.country.name_en),
             ("level", "level"), ("date_from", "date_from"), ("note", "note"), ("source_url", "source_url")],
            lambda: Partnership.objects.select_related("country").order_by("country__name_en", "date_from", "id"),
        ),
        "provinces": Dataset(
            "provinces",
            [("code", "code"), ("name_vi", "name_vi"), ("name_en", "name_en"), ("kind", "kind"),
             ("capital", "capital"), ("merged_from", "merged_from"), ("aliases", "aliases"), ("owner", _owner)],
            lambda: Province.objects.select_related("owner").order_by("name_en"),
            lambda: filtersets.ProvinceFilterSet,
        ),
        "organisations": Dataset(
            "organisations",
            [("id", "pk"), ("key", lambda o: o.key or ""), ("name_en", "name_en"), ("name_vi", "name_vi"),
             ("acronym", "acronym"), ("aliases", "aliases"), ("kind", "kind"),
             ("home_country", lambda o: _iso(o.home_country)), ("partner_country", lambda o: _iso(o.partner_country)),
             ("province", lambda o: o.province.code if o.province_id else ""),
             ("parent", lambda o: (o.parent.name_en or o.parent.name_vi) if o.parent_id else ""),
             ("website", "website"), ("description", "description"), ("owner", _owner)],
            lambda: Organisation.objects.select_related(
                "home_country", "partner_country", "province", "parent", "owner").order_by("name_en", "name_vi", "id"),
            lambda: filtersets.OrganisationFilterSet,
        ),
        "people": Dataset(
            "people",
            [("id", "pk"), ("full_name", "full_name"), ("name_vi", "name_vi"), ("aliases", "aliases"),
             ("country", lambda p: _iso(p.country)), ("description", "description"), ("posts", _posts_label),
             ("owner", _owner)],
            lambda: Person.objects.select_related("country", "owner").prefetch_related("posts__organisation")
            .order_by("full_name", "id"),
            lambda: filtersets.PersonFilterSet,
        ),
        "posts": Dataset(
            "posts",
            [("person_id", "person_id"), ("person", lambda p: p.person.full_name), ("title", "title"),
             ("organisation", lambda p: (p.organisation.name_en or p.organisation.name_vi) if p.organisation_id
              else ""),
             ("date_from", "date_from"), ("date_to", "date_to")],
            lambda: Post.objects.select_related("person", "organisation").order_by("person__full_name", "date_from"),
        ),
    }


EXPORT_NAMES = ("countries", "partnerships", "provinces", "organisations", "people", "posts")
EXPORT_FORMATS = ("csv", "xlsx")


def get_dataset(name: str) -> Dataset:
    datasets = _datasets()
    if name not in datasets:
        raise ExchangeError(_("Unknown data set %(name)s.") % {"name": name})
    return datasets[name]


def export_queryset(name: str, params=None, request=None):
    """The data set's queryset, filtered with the same ``q`` search and filterset as its list page."""
    from amity.core.views import apply_search

    dataset = get_dataset(name)
    queryset = dataset.queryset()
    params = params if params is not None else {}
    query = str(params.get("q", "") or "").replace("\x00", "").strip()[:200]
    if query and hasattr(queryset.model, "search_key"):
        queryset = apply_search(queryset, query)
    if dataset.filterset is not None and params:
        filterset = dataset.filterset()(params, queryset=queryset, request=request)
        if not filterset.is_valid():
            raise ExchangeError("; ".join(f"{k}: {' '.join(v)}" for k, v in filterset.errors.items()))
        queryset = filterset.qs
    return queryset


def render_csv(name: str, queryset) -> bytes:
    dataset = get_dataset(name)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([h for h, _g in dataset.columns])
    for row in dataset.rows(queryset):
        writer.writerow([_csv_text(safe_cell(v)) for v in row])
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")


def _csv_text(value) -> str:
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def render_xlsx(name: str, queryset) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    dataset = get_dataset(name)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=name[:31])
    header = []
    for title, _getter in dataset.columns:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in dataset.rows(queryset):
        cells = []
        for value in row:
            value = safe_cell(value)
            if isinstance(value, str):
                value = _XLSX_ILLEGAL.sub("", value)
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text
            elif isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd" if not isinstance(value, dt.datetime) else "yyyy-mm-dd hh:mm"
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def render(name: str, fmt: str, queryset) -> tuple[bytes, str]:
    """Return (content, content type) of a data set in ``fmt`` (csv or xlsx)."""
    if fmt == "csv":
        return render_csv(name, queryset), "text/csv; charset=utf-8"
    if fmt == "xlsx":
        return render_xlsx(name, queryset), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    raise ExchangeError(_("Unknown format %(fmt)s: use csv or xlsx.") % {"fmt": fmt})


def export_all(directory: Path, fmt: str = "csv") -> list[Path]:
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name in EXPORT_NAMES:
        content, _type = render(name, fmt, get_dataset(name).queryset())
        path = directory / f"{name}.{fmt}"
        path.write_bytes(content)
        written.append(path)
    return written


# ---- reading uploaded tables -------------------------------------------------------------------------------


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, dict[str, object]]]  # (row number as a spreadsheet shows it, values by header)
    unknown_headers: list[str] = field(default_factory=list)


def _header_key(value) -> str:
    return re.sub(r"[^a-z0-9]+", "_", fold(str(value or ""))).strip("_")


def decode_csv_bytes(data: bytes) -> str:
    """Decode an uploaded CSV: UTF-8 (with or without BOM) or UTF-16; anything else is refused clearly."""
    if data.startswith(codecs.BOM_UTF8):
        encoding, data = "utf-8", data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif len(data) >= 4 and data[1:4:2] == b"\x00\x00" and data[0:4:2] != b"\x00\x00":
        encoding = "utf-16-le"
    elif len(data) >= 4 and data[0:4:2] == b"\x00\x00" and data[1:4:2] != b"\x00\x00":
        encoding = "utf-16-be"
    else:
        encoding = "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        if encoding.startswith("utf-16"):
            raise ExchangeError(_("The file looks like UTF-16 but cannot be decoded (line %(line)s).")
                                % {"line": line}) from None
        raise ExchangeError(
            _("The file is not UTF-8 text (byte 0x%(byte)02X on line %(line)s). It was probably saved in a Windows "
              "code page such as cp1252 or cp1258: save it again as \"CSV UTF-8\" (or as XLSX) and upload it again.")
            % {"byte": data[exc.start], "line": line}
        ) from None
    if "\x00" in text:
        raise ExchangeError(_("The file contains NUL characters: it is not a text CSV file."))
    return text


def _read_csv(data: bytes) -> list[list[object]]:
    text = decode_csv_bytes(data)
    sample = text[:20000]
    try:
        dialect = csv.Sniffer().sniff(sample.split("\n", 1)[0] if sample else ",", delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return [row for row in csv.reader(io.StringIO(text, newline=""), dialect)]
    except csv.Error as exc:
        raise ExchangeError(_("The CSV file cannot be read: %(error)s.") % {"error": exc}) from None


def _read_xlsx(data: bytes) -> list[list[object]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise ExchangeError(_("The XLSX file cannot be read (%(error)s).") % {"error": exc.__class__.__name__}) from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            return []
        rows = []
        for values in sheet.iter_rows(values_only=True):
            rows.append(list(values))
            if len(rows) > MAX_IMPORT_ROWS + 1:
                break
        return rows
    finally:
        workbook.close()


def read_table(data: bytes, filename: str = "") -> Table:
    """Parse an uploaded CSV or XLSX file into numbered rows keyed by normalised header names."""
    if len(data) > MAX_IMPORT_BYTES:
        raise ExchangeError(_("The file is larger than 10 MB."))
    if not data.strip():
        raise ExchangeError(_("The file is empty."))
    is_xlsx = data[:4] == b"PK\x03\x04" or filename.lower().endswith((".xlsx", ".xlsm"))
    raw = _read_xlsx(data) if is_xlsx else _read_csv(data)
    # The header is the first row that is not empty.
    start = 0
    while start < len(raw) and not any(str(v or "").strip() for v in raw[start]):
        start += 1
    if start >= len(raw):
        raise ExchangeError(_("The file has no header row."))
    headers = [_header_key(h) for h in raw[start]]
    if len(raw) - start - 1 > MAX_IMPORT_ROWS:
        raise ExchangeError(_("The file has more than %(n)s rows: split it.") % {"n": MAX_IMPORT_ROWS})
    rows = []
    for index, values in enumerate(raw[start + 1:], start=start + 2):
        if not any(str(v if v is not None else "").strip() for v in values):
            continue
        rows.append((index, {h: v for h, v in zip(headers, values, strict=False) if h}))
    return Table(headers=[h for h in headers if h], rows=rows)


# ---- import ------------------------------------------------------------------------------------------------


@dataclass
class RowResult:
    row: int
    status: str  # new | exists | duplicate | error
    label: str = ""
    messages: list[str] = field(default_factory=list)
    url: str = ""


@dataclass
class ImportReport:
    model: str
    dry_run: bool
    rows: list[RowResult] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    committed: bool = False

    @property
    def counts(self) -> Counter:
        return Counter(r.status for r in self.rows)

    @property
    def count_list(self) -> list[tuple[str, int]]:
        return sorted(self.counts.items())

    @property
    def ok(self) -> bool:
        return not self.file_errors and not any(r.status == "error" for r in self.rows)

    def as_dict(self) -> dict:
        return {
            "model": self.model, "dry_run": self.dry_run, "committed": self.committed, "ok": self.ok,
            "counts": dict(self.counts), "file_errors": self.file_errors, "warnings": self.warnings,
            "rows": [{"row": r.row, "status": r.status, "label": r.label, "messages": r.messages} for r in self.rows],
        }


IMPORT_COLUMNS = {
    "organisations": ["name_en", "name_vi", "acronym", "aliases", "kind", "home_country", "partner_country",
                      "province", "parent", "website", "description"],
    "people": ["full_name", "name_vi", "aliases", "country", "description", "post_title", "post_organisation",
               "post_from", "post_to"],
}
IGNORED_COLUMNS = {"id", "key", "owner", "posts", "created_at", "updated_at"}
HEADER_ALIASES = {
    "name": "name_en", "name_english": "name_en", "english_name": "name_en", "ten_tieng_anh": "name_en",
    "name_vietnamese": "name_vi", "vietnamese_name": "name_vi", "ten": "name_vi", "ten_tieng_viet": "name_vi",
    "ho_ten": "full_name", "ho_va_ten": "full_name", "person": "full_name", "title": "post_title",
    "organisation": "post_organisation", "organization": "post_organisation", "from": "post_from",
    "to": "post_to", "quoc_gia": "country",
}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if text.startswith("'") and text[1:2] and text[1] in FORMULA_PREFIXES:
        text = text[1:]  # undo the export's formula guard, so an export imports back unchanged
    return text.strip()


def _date(value, column: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    if not text:
        return None
    for fmt, size in (("%Y-%m-%d", 10), ("%d/%m/%Y", 10), ("%Y-%m", 7), ("%Y", 4)):
        try:
            if len(text) == size:
                return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValidationError({column: _("Enter a date as YYYY-MM-DD (or YYYY-MM, YYYY, DD/MM/YYYY): %(value)s.")
                           % {"value": text[:40]}})


class _Resolver:
    """Look up countries, provinces and organisations by code or folded name, with a cache."""

    def __init__(self):
        self.cache: dict[tuple[str, str], object] = {}

    def country(self, value, column):
        from django.db.models import Q

        from amity.partners.models import Country

        text = _text(value)
        if not text:
            return None
        key = ("country", fold(text))
        if key not in self.cache:
            upper = text.upper()
            found = Country.objects.filter(Q(iso2=upper) | Q(iso3=upper)).first() if len(text) in (2, 3) else None
            if found is None:
                folded = fold(text)
                found = next((c for c in Country.objects.all() if folded in {fold(c.name_en), fold(c.name_vi),
                              fold(c.official_name), *(fold(a) for a in c.aliases)}), None)
            self.cache[key] = found
        if self.cache[key] is None:
            raise ValidationError({column: _("Unknown country %(value)s: give its ISO code (e.g. FR) or English name.")
                                   % {"value": text[:80]}})
        return self.cache[key]

    def province(self, value, column):
        from amity.partners.models import Province

        text = _text(value)
        if not text:
            return None
        folded = fold(text)
        found = Province.objects.filter(code=text.lower()).first()
        if found is None:
            found = next((p for p in Province.objects.all()
                          if folded in {fold(p.name_vi), fold(p.name_en), *(fold(a) for a in p.merged_from),
                                        *(fold(a) for a in p.aliases)}), None)
        if found is None:
            raise ValidationError({column: _("Unknown province %(value)s.") % {"value": text[:80]}})
        return found

    def organisation(self, value, column):
        from django.db.models import Q

        from amity.partners.models import Organisation

        text = _text(value)
        if not text:
            return None
        folded = fold(text)
        found = (Organisation.objects.filter(name_key=folded).first()
                 or Organisation.objects.filter(Q(key=text) | Q(acronym__iexact=text)).order_by("id").first())
        if found is None:
            raise ValidationError({column: _("Unknown organisation %(value)s: import or create it first.")
                                   % {"value": text[:80]}})
        return found


def _kind(value, column):
    from amity.partners.choices import OrganisationKind

    text = _text(value)
    if not text:
        return OrganisationKind.OTHER
    folded = fold(text)
    for choice in OrganisationKind:
        if folded in {choice.value, fold(str(choice.label)), choice.value.replace("_", " ")}:
            return choice.value
    raise ValidationError({column: _("Unknown kind %(value)s; use one of: %(choices)s.")
                           % {"value": text[:40], "choices": ", ".join(OrganisationKind.values)}})


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        out = []
        for name, errors in error.message_dict.items():
            for message in errors:
                out.append(message if name == "__all__" else f"{name}: {message}")
        return out
    return list(error.messages)


def _aliases(value) -> list[str]:
    from amity.partners.models import clean_aliases

    text = _text(value)
    try:
        return clean_aliases(text)
    except ValidationError as exc:
        raise ValidationError({"aliases": exc.messages}) from None


def _import_organisation(values, resolver, context) -> RowResult:
    from amity.partners.models import Organisation

    name_en, name_vi = _text(values.get("name_en")), _text(values.get("name_vi"))
    label = name_en or name_vi
    if not label:
        return RowResult(0, "error", "", [_("The row has no name (name_en or name_vi).")])
    key = fold(label)
    if key in context["seen"]:
        return RowResult(0, "duplicate", label, [_("Same name as row %(row)s.") % {"row": context["seen"][key]}])
    existing = Organisation.objects.filter(name_key=key).first()
    if existing is not None:
        return RowResult(0, "exists", label, [_("Already in the database: %(name)s.") % {"name": existing}],
                         url=existing.get_absolute_url())
    errors: dict[str, list[str]] = {}
    obj = Organisation(name_en=name_en, name_vi=name_vi, acronym=_text(values.get("acronym")),
                       website=_text(values.get("website")), description=_text(values.get("description")))
    for attr, func in (("aliases", lambda v, c: _aliases(v)), ("kind", _kind), ("home_country", resolver.country),
                       ("partner_country", resolver.country), ("province", resolver.province),
                       ("parent", resolver.organisation)):
        try:
            setattr(obj, attr, func(values.get(attr), attr))
        except ValidationError as exc:
            for message in _messages(exc):
                errors.setdefault(attr, []).append(message.split(": ", 1)[-1])
    return _save(obj, errors, label, key, context)


def _save(obj, errors, label, key, context, after=None) -> RowResult:
    fields_with_errors = set(errors)
    try:
        obj.full_clean(exclude=["owner", "name_key", "search_key", *fields_with_errors])
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    extra: list[str] = []
    if not errors and after is not None:
        try:
            extra = after(obj, dry=True) or []
        except ValidationError as exc:
            errors.setdefault("post", []).extend(_messages(exc))
    if errors:
        return RowResult(0, "error", label, [m if n == "__all__" else f"{n}: {m}" for n, ms in errors.items()
                                             for m in ms])
    obj.owner = context["owner"]
    obj.created_by = obj.updated_by = context["user"]
    with transaction.atomic():
        obj.save()
        if after is not None:
            after(obj, dry=False)
    context["seen"][key] = context["row"]
    return RowResult(0, "new", label, extra, url=obj.get_absolute_url())


def _post_builder(values, resolver):
    """Returns a callable validating (dry=True) or saving (dry=False) the row's post, or None."""
    from amity.partners.models import Post

    title = _text(values.get("post_title"))
    if not title and not any(_text(values.get(c)) for c in ("post_organisation", "post_from", "post_to")):
        return None

    def build(person):
        errors: dict[str, list[str]] = {}
        post = Post(person=person, title=title)
        for attr, column, func in (("organisation", "post_organisation", resolver.organisation),
                                   ("date_from", "post_from", _date), ("date_to", "post_to", _date)):
            try:
                setattr(post, attr, func(values.get(column), column))
            except ValidationError as exc:
                errors.setdefault(column, []).extend(m.split(": ", 1)[-1] for m in _messages(exc))
        if not title:
            errors.setdefault("post_title", []).append(_("A post needs a title."))
        if post.date_from is None and "post_from" not in errors:
            errors.setdefault("post_from", []).append(_("A post needs a start date."))
        if errors:
            raise ValidationError(errors)
        return post

    def run(person, dry: bool):
        post = build(person)
        if person.pk is None:
            # The person is not saved yet: check the post's own fields only.
            post.clean_fields(exclude=["person"])
            return []
        post.full_clean()
        if not dry:
            post.save()
        return [_("Post: %(post)s") % {"post": post}]

    return run


def _import_person(values, resolver, context) -> RowResult:
    from amity.partners.models import Person

    full_name, name_vi = _text(values.get("full_name")), _text(values.get("name_vi"))
    label = full_name or name_vi
    if not label:
        return RowResult(0, "error", "", [_("The row has no name (full_name).")])
    key = fold(label)
    post = _post_builder(values, resolver)
    if key in context["seen"]:
        first_row = context["seen"][key]
        person = context["people"].get(key)
        if post is not None and person is not None:
            # Another post for a person created earlier in this file.
            try:
                messages = post(person, dry=False)
            except ValidationError as exc:
                return RowResult(0, "error", label, _messages(exc))
            return RowResult(0, "new", label, [_("Added to the person of row %(row)s.") % {"row": first_row},
                                               *messages], url=person.get_absolute_url())
        return RowResult(0, "duplicate", label, [_("Same name as row %(row)s.") % {"row": first_row}])
    existing = Person.objects.filter(name_key=key).first()
    if existing is not None:
        return RowResult(0, "exists", label, [_("Already in the database: %(name)s.") % {"name": existing}],
                         url=existing.get_absolute_url())
    errors: dict[str, list[str]] = {}
    obj = Person(full_name=full_name or name_vi, name_vi=name_vi, description=_text(values.get("description")))
    for attr, func in (("aliases", lambda v, c: _aliases(v)), ("country", resolver.country)):
        try:
            setattr(obj, attr, func(values.get(attr), attr))
        except ValidationError as exc:
            for message in _messages(exc):
                errors.setdefault(attr, []).append(message.split(": ", 1)[-1])
    result = _save(obj, errors, label, key, context, after=post)
    if result.status == "new":
        context["people"][key] = obj
    return result


IMPORTERS = {"organisations": _import_organisation, "people": _import_person}


def import_rows(model: str, table: Table, user=None, owner=None, dry_run: bool = True) -> ImportReport:
    """Import ``table`` as ``model`` (organisations or people); all-or-nothing; dry runs roll back."""
    from amity.core import permissions

    if model not in IMPORTERS:
        raise ExchangeError(_("Only organisations and people can be imported."))
    report = ImportReport(model=model, dry_run=dry_run)
    known = set(IMPORT_COLUMNS[model])
    renamed = {h: (h if h in known else HEADER_ALIASES.get(h, h)) for h in table.headers}
    used = {renamed[h] for h in table.headers}
    required = {"organisations": ({"name_en", "name_vi"}, "name_en / name_vi"), "people": ({"full_name"}, "full_name")}
    columns, label = required[model]
    if not used & columns:
        report.file_errors.append(_("The file needs a column %(columns)s (first row = column names).")
                                  % {"columns": label})
        return report
    unknown = sorted(h for h in table.headers if renamed[h] not in known and h not in IGNORED_COLUMNS)
    if unknown:
        report.warnings.append(_("Columns ignored: %(columns)s.") % {"columns": ", ".join(unknown)})
    if owner is None and user is not None:
        owner = permissions.user_organisation(user)
    context = {"seen": {}, "people": {}, "owner": owner, "user": user, "row": 0}
    resolver = _Resolver()
    importer = IMPORTERS[model]
    with transaction.atomic():
        for number, raw in table.rows:
            values = {renamed.get(k, k): v for k, v in raw.items()}
            context["row"] = number
            try:
                result = importer(values, resolver, context)
            except ValidationError as exc:
                result = RowResult(0, "error", "", _messages(exc))
            except IntegrityError as exc:  # a clash the validation could not foresee: still a row error
                result = RowResult(0, "error", "", [_("The database refused this row: %(error)s")
                                                    % {"error": str(exc).splitlines()[0][:200]}])
            result.row = number
            report.rows.append(result)
        if dry_run or not report.ok:
            transaction.set_rollback(True)
        else:
            report.committed = True
    if not report.committed:
        for result in report.rows:
            result.url = result.url if result.status == "exists" else ""
    return report


# ---- backups -----------------------------------------------------------------------------------------------

BACKUP_FORMAT = "amity-backup"
BACKUP_VERSION = 1
EXTRA_LABELS = ["auth.group", "auth.user", "authtoken.token"]
AFTER_RESTORE: list = []  # callables run after a restore (e.g. rebuild a full-text index)


def backup_labels() -> list[str]:
    labels = list(EXTRA_LABELS)
    labels += [config.label for config in apps.get_app_configs()
               if config.name.startswith("amity.") and list(config.get_models())]
    return labels


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def documents_dir() -> Path:
    return Path(settings.VAR_DIR) / "documents"


def create_backup(out: Path) -> dict:
    """Write a backup zip to ``out``; returns its manifest."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="amity-backup-") as tmp:
        data_path = Path(tmp) / "data.json"
        call_command("dumpdata", *backup_labels(), natural_foreign=True, output=str(data_path), verbosity=0)
        with data_path.open(encoding="utf-8") as handle:
            objects = json.load(handle)
        counts = Counter(obj["model"] for obj in objects)
        del objects
        files = {"data.json": _sha256_file(data_path)}
        blobs: list[tuple[Path, str]] = []
        docs = documents_dir()
        if docs.is_dir():
            for path in sorted(docs.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    arcname = "documents/" + path.relative_to(docs).as_posix()
                    files[arcname] = _sha256_file(path)
                    blobs.append((path, arcname))
        manifest = {
            "format": BACKUP_FORMAT, "version": BACKUP_VERSION,
            "created_at": timezone.now().isoformat(), "database": _vendor(),
            "counts": dict(sorted(counts.items())), "files": files,
        }
        partial = out.with_name(out.name + ".part")
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            archive.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
            archive.write(data_path, "data.json")
            for path, arcname in blobs:
                archive.write(path, arcname)
        os.replace(partial, out)
    return manifest


def _vendor() -> str:
    from django.db import connection

    return connection.vendor


def _safe_member(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if (not name or name.startswith(("/", "\\")) or "\\" in name or path.is_absolute() or ".." in path.parts
            or ":" in name or any(ord(c) < 32 for c in name)):
        raise ExchangeError(_("Unsafe path in the backup: %(name)s.") % {"name": name[:200]})
    return path


def read_manifest(archive: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except KeyError:
        raise ExchangeError(_("This is not an Amity backup: manifest.json is missing.")) from None
    except (ValueError, UnicodeDecodeError):
        raise ExchangeError(_("The backup manifest is not valid JSON.")) from None
    if not isinstance(manifest, dict) or manifest.get("format") != BACKUP_FORMAT:
        raise ExchangeError(_("This is not an Amity backup (unknown manifest format)."))
    if manifest.get("version") != BACKUP_VERSION:
        raise ExchangeError(_("Unsupported backup version %(v)s.") % {"v": manifest.get("version")})
    if not isinstance(manifest.get("files"), dict) or "data.json" not in manifest["files"]:
        raise ExchangeError(_("The backup manifest lists no data."))
    return manifest


def verify_backup(path: Path) -> dict:
    """Check the manifest, every member's path and checksum; returns the manifest."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ExchangeError(_("The backup cannot be opened: %(error)s.") % {"error": exc}) from None
    with archive:
        manifest = read_manifest(archive)
        members = {}
        for info in archive.infolist():
            if info.is_dir():
                continue
            _safe_member(info.filename)
            if (info.external_attr >> 16) & 0o170000 == 0o120000:
                raise ExchangeError(_("The backup contains a symbolic link: %(name)s.") % {"name": info.filename})
            members[info.filename] = info
        for name in manifest["files"]:
            _safe_member(name)
            if name != "data.json" and not name.startswith("documents/"):
                raise ExchangeError(_("Unexpected file in the backup manifest: %(name)s.") % {"name": name})
        extra = set(members) - set(manifest["files"]) - {"manifest.json"}
        if extra:
            raise ExchangeError(_("The backup contains files missing from its manifest: %(names)s.")
                                % {"names": ", ".join(sorted(extra)[:5])})
        for name, expected in manifest["files"].items():
            if name not in members:
                raise ExchangeError(_("The backup is incomplete: %(name)s is missing.") % {"name": name})
            digest = hashlib.sha256()
            with archive.open(members[name]) as handle:
                for chunk in iter(lambda h=handle: h.read(1 << 20), b""):
                    digest.update(chunk)
            if digest.hexdigest() != expected:
                raise ExchangeError(_("Checksum mismatch for %(name)s: the backup is damaged.") % {"name": name})
    return manifest


def database_counts(labels: list[str] | None = None) -> dict[str, int]:
    counts = {}
    for label in labels or backup_labels():
        if "." in label:
            models = [apps.get_model(label)]
        else:
            models = list(apps.get_app_config(label).get_models())
        for model in models:
            counts[model._meta.label_lower] = model._default_manager.count()
    return counts


def database_is_empty() -> bool:
    return not any(database_counts().values())


def restore_backup(path: Path, force: bool = False) -> dict:
    """Load a backup into this database (empty unless ``force``); returns the manifest."""
    manifest = verify_backup(path)
    if not force and not database_is_empty():
        raise ExchangeError(_("The database is not empty: restore into a freshly migrated database, or use --force "
                              "to load the backup over the existing records."))
    docs = documents_dir()
    with tempfile.TemporaryDirectory(prefix="amity-restore-") as tmp, zipfile.ZipFile(path) as archive:
        data_path = Path(tmp) / "data.json"
        with archive.open("data.json") as src, data_path.open("wb") as dst:
            shutil.copyfileobj(src, dst)
        with transaction.atomic():
            call_command("loaddata", str(data_path), verbosity=0)
            counts = database_counts()
            wrong = {label: (n, counts.get(label, 0)) for label, n in manifest.get("counts", {}).items()
                     if counts.get(label, 0) < n or (not force and counts.get(label, 0) != n)}
            if wrong:
                raise ExchangeError(_("Restored counts differ from the manifest: %(wrong)s.")
                                    % {"wrong": ", ".join(f"{k} {a}≠{b}" for k, (a, b) in sorted(wrong.items()))})
        base = docs.resolve()
        for name in manifest["files"]:
            if not name.startswith("documents/"):
                continue
            target = (docs / _safe_member(name).relative_to("documents")).resolve()
            if base not in target.parents:
                raise ExchangeError(_("Unsafe path in the backup: %(name)s.") % {"name": name})
            if target.exists() and _sha256_file(target) == manifest["files"][name]:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + ".part")
            with archive.open(name) as src, partial.open("wb") as dst:
                shutil.copyfileobj(src, dst)
            os.replace(partial, target)
    for hook in AFTER_RESTORE:
        hook()
    return manifest
