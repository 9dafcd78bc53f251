"""The intake pipeline: fetch -> text -> language -> extraction -> entity linking -> post-extract hooks.

Every step is idempotent and resumable. Original bytes are stored content-addressed before the document row is
created (write to a temporary file, then rename), and each later step runs in its own transaction that also
moves the document to the next status, so a process killed at any point leaves every document at a clean
status; running the same command again finishes pending documents (``new``, ``extracted``, ``linked``) and
skips everything already done. Same bytes -> same SHA-256 -> "already ingested"; a near-duplicate (MinHash,
datasketch) becomes ``status=duplicate`` linked to the first copy, and gets no extraction or hooks.

``POST_EXTRACT_HOOKS``: callables ``hook(document)`` run after entity linking, each in its own savepoint inside
the transaction that marks the document ``done``; a hook that raises marks that document ``failed`` with the
message (its partial writes are rolled back) and the batch goes on. Hooks must be idempotent: a document whose
hook transaction was interrupted runs its hooks again. A hook may also offer ``hook.batch(documents)`` (same
effect for several documents at once); when every hook does, a batch runs them in one transaction and falls back
to the per-document form only if that fails (see ``hooks_batch``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html as html_lib
import logging
import mimetypes
import os
import re
import struct
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from amity.core.gcpause import collector_paused
from amity.core.sql import chunks, rows_where_in, update_rows
from amity.extract.normalize import fold
from amity.intake import dating, engine
from amity.intake.inputs import InputError, Item, count_files, iter_bytes, iter_path, iter_url, load_item
from amity.intake.models import (
    PENDING_STATUSES,
    Document,
    DocumentMention,
    DocumentSignature,
    DocumentStatus,
    IngestItem,
    IngestRun,
    ItemStatus,
    MentionKind,
    NearDuplicateKey,
    RunStatus,
    Source,
    SourceKind,
)
from amity.intake.search import index_body, refresh_filter_keys, tokens

log = logging.getLogger(__name__)

POST_EXTRACT_HOOKS: list[Callable[[Document], None]] = []

# Near-duplicates: 100-permutation MinHash over 3-word shingles of the folded text, LSH with 20 bands of 5
# rows (a pair at Jaccard 0.7 becomes a candidate with p = 0.97), confirmed at NEAR_DUP_THRESHOLD estimated Jaccard.
NUM_PERM = 100
BANDS, ROWS = 20, 5
SHINGLE = 3
NEAR_DUP_THRESHOLD = 0.7
MIN_SHINGLES = 20


# ---------------------------------------------------------------- storage

def store_blob(data: bytes, sha: str) -> str:
    rel = Document.blob_path_for(sha)
    path = Path(settings.VAR_DIR) / rel
    if path.is_file() and path.stat().st_size == len(data):
        return rel
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{sha}.{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)
    return rel


def sniff_format(data: bytes, name: str) -> tuple[str, str]:
    """(format, media type) from the content first, the name second."""
    head = data[:2048]
    lower = head.lstrip().lower()
    if head.startswith(b"%PDF"):
        return "pdf", "application/pdf"
    if head.startswith(b"PK\x03\x04"):
        if name.lower().endswith(".docx") or b"word/" in data[:4096]:
            return "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        return "zip", "application/zip"
    if lower.startswith((b"<!doctype html", b"<html")) or b"<body" in lower or b"<article" in lower:
        return "html", "text/html"
    if lower.startswith(b"<?xml"):
        return "xml", "application/xml"
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "binary", mimetypes.guess_type(name)[0] or "application/octet-stream"
    return "text", "text/plain"


@dataclass
class Outcome:
    status: str  # added / skipped / failed
    message: str = ""
    document: Document | None = None


def _by_sha(sha: str) -> Document | None:
    """The document stored with these bytes, if any: a plain indexed lookup first (almost always none)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(f"SELECT 1 FROM {connection.ops.quote_name(Document._meta.db_table)} WHERE sha256 = %s", [sha])
        if cur.fetchone() is None:
            return None
    return Document.objects.filter(sha256=sha).only("id", "status", "title", "original_name").order_by().first()


def _insert_document(doc: Document) -> None:
    """``doc.save()`` for a new document (same pre_save/post_save signals), as one prepared INSERT ... RETURNING
    instead of Django's per-save SQL building: one document per stored file, thousands per run."""
    from django.db import connection
    from django.db.models.signals import post_save, pre_save

    if not connection.features.can_return_columns_from_insert:
        doc.save()
        return
    pre_save.send(sender=Document, instance=doc, raw=False, using=connection.alias, update_fields=None)
    fields = [f for f in Document._meta.concrete_fields if not f.primary_key]
    qn = connection.ops.quote_name
    sql = (f"INSERT INTO {qn(Document._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {qn(Document._meta.pk.column)}")
    values = [f.get_db_prep_save(f.pre_save(doc, True), connection) for f in fields]
    with connection.cursor() as cur:
        cur.execute(sql, values)
        doc.pk = cur.fetchone()[0]
    doc._state.adding, doc._state.db = False, connection.alias
    post_save.send(sender=Document, instance=doc, created=True, update_fields=None, raw=False, using=connection.alias)


def store_item(item: Item, *, source: Source | None = None, owner=None, user=None) -> Outcome:
    """Store the bytes of ``item`` and create its document (status new). Same bytes -> skipped."""
    unstorable = _unstorable(item)
    if unstorable is not None:
        return unstorable
    sha = hashlib.sha256(item.data).hexdigest()
    existing = _by_sha(sha)
    if existing is not None:
        return Outcome(ItemStatus.SKIPPED, "", existing)  # message set by the caller (pending or not)
    doc = _new_document(item, sha, source=source, owner=owner, user=user)
    try:
        if transaction.get_connection().in_atomic_block:
            with transaction.atomic():
                _insert_document(doc)
        else:
            _insert_document(doc)  # autocommit: a failed INSERT leaves nothing behind
    except IntegrityError:  # another worker stored the same bytes a moment ago
        existing = Document.objects.filter(sha256=sha).first()
        return Outcome(ItemStatus.SKIPPED, "", existing)
    return Outcome(ItemStatus.ADDED, "", doc)


def _unstorable(item: Item) -> Outcome | None:
    """The failure of an item that cannot be stored (an error while reading it, no content); None if it can."""
    if item.error:
        return Outcome(ItemStatus.FAILED, item.error)
    if not (item.data or b"").strip():
        return Outcome(ItemStatus.FAILED, "empty file")
    return None


STORE_BUDGET = 32 * 1024 * 1024  # bytes of loaded items held for one storage batch


def store_items(entries: list[tuple[Item, Source | None]], *, owner=None, user=None) -> list[Outcome]:
    """``store_item`` for several items (each with its source): one lookup of their SHA-256s and one INSERT for
    the new documents instead of two statements (and, outside a transaction, one commit) per item. An item
    whose bytes came earlier in the same batch is skipped with a message naming that item. If the INSERT
    conflicts (another worker stored some of the same bytes meanwhile), the items are stored one by one."""
    outcomes: list[Outcome | None] = [None] * len(entries)
    shas: dict[int, str] = {}
    for i, (item, _source) in enumerate(entries):
        outcomes[i] = _unstorable(item)
        if outcomes[i] is None:
            shas[i] = hashlib.sha256(item.data).hexdigest()
    existing: dict[str, Document] = {}
    for chunk in chunks(set(shas.values()), 500):
        existing.update((d.sha256, d) for d in Document.objects.filter(sha256__in=chunk)
                        .only("id", "sha256", "status", "title", "original_name").order_by())
    first: dict[str, int] = {}  # sha -> the batch's item that stores it
    new: list[tuple[int, Document]] = []
    for i, sha in shas.items():
        item, source = entries[i]
        if sha in existing:
            outcomes[i] = Outcome(ItemStatus.SKIPPED, "", existing[sha])
        elif sha in first:
            outcomes[i] = Outcome(ItemStatus.SKIPPED, f"same bytes as {entries[first[sha]][0].name}")
        else:
            first[sha] = i
            new.append((i, _new_document(item, sha, source=source, owner=owner, user=user)))
    try:
        with transaction.atomic():
            Document.objects.bulk_create([doc for _i, doc in new], batch_size=200)
    except IntegrityError:
        for i, _doc in new:
            item, source = entries[i]
            outcomes[i] = store_item(item, source=source, owner=owner, user=user)
        return outcomes
    for i, doc in new:
        outcomes[i] = Outcome(ItemStatus.ADDED, "", doc)
    return outcomes


def _new_document(item: Item, sha: str, *, source=None, owner=None, user=None) -> Document:
    """The unsaved document of ``item`` (status new), its bytes written to content-addressed storage."""
    data = item.data
    fmt, mime = sniff_format(data, item.name)
    rel = store_blob(data, sha)
    doc = Document(
        source=source, owner=owner, created_by=user, updated_by=user, sha256=sha, blob_path=rel,
        original_name=item.name[:500], mime=mime[:100], format=item.meta.get("format", fmt)[:20], size=len(data),
        title=(item.title or "")[:500], url=(item.url or "")[:1000], date=item.date,
        extraction={"warnings": [item.meta["warning"]]} if item.meta.get("warning") else {},
    )
    doc.skip_history_when_saving = True
    return doc


# ---------------------------------------------------------------- steps

def _set(doc: Document, **fields) -> None:
    fields["updated_at"] = timezone.now()
    Document.objects.filter(pk=doc.pk).update(**fields)
    for key, value in fields.items():
        setattr(doc, key, value)


def fail(doc: Document, message: str) -> None:
    _set(doc, status=DocumentStatus.FAILED, error=message[:5000])


_TITLE_RE = re.compile(rb"<title[^>]*>(.*?)</title>", re.I | re.S)
_H1_RE = re.compile(rb"<h1[^>]*>(.*?)</h1>", re.I | re.S)


def guess_title(data: bytes, text: str, fmt: str, name: str) -> str:
    if fmt == "html":
        for pattern in (_H1_RE, _TITLE_RE):
            match = pattern.search(data[:200_000])
            if match:
                raw = re.sub(r"<[^>]+>", " ", match.group(1).decode("utf-8", "replace"))
                title = " ".join(html_lib.unescape(raw).split())
                if title:
                    return title[:300]
    for line in text.splitlines():
        line = line.strip(" #|*-=\t")
        if len(line) >= 3:
            return (line[:297] + "…") if len(line) > 300 else line
    return Path(name).stem[:300]


def step_text(doc: Document) -> None:
    """new -> extracted (or duplicate): text, title, language, near-duplicate check, extraction, search index."""
    data = doc.blob.read_bytes()
    if hashlib.sha256(data).hexdigest() != doc.sha256:
        raise engine.ReadError("stored file does not match its SHA-256 (damaged storage)")
    text, warnings, _kind = engine.read_bytes(data, doc.original_name or "document")
    title = doc.title or guess_title(data, text, doc.format, doc.original_name)
    signature = minhash(text)
    keys = band_keys(signature) if signature is not None else None
    with transaction.atomic():
        original = find_near_duplicate(doc, signature, keys) if signature is not None else None
        if original is not None:
            language = _detect(text)
            _set(doc, text=text, title=title[:500], language=language, status=DocumentStatus.DUPLICATE,
                 duplicate_of=original, error="")
            index(doc)
            return
        result = engine.extract(text, date=doc.date)
        language = result.get("language") or _detect(text)
        date = dating.document_date(doc, result, text)
        if warnings or doc.extraction.get("warnings"):
            result["warnings"] = [*doc.extraction.get("warnings", []), *warnings]
        _set(doc, text=text, title=title[:500], language=language if language in ("en", "vi") else "",
             date=date, extraction=result, status=DocumentStatus.EXTRACTED, error="")
        if signature is not None:
            save_signature(doc, signature, keys)
        index(doc)


def _detect(text: str) -> str:
    from amity.extract.lang import detect

    return detect(text)


def _parse_date(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def index(doc: Document) -> None:
    from amity.intake.search import get_backend

    get_backend().index(doc)


def step_link(doc: Document) -> None:
    """extracted -> linked: one DocumentMention per distinct name, linked to partner records when known."""
    linker = Linker.current()
    rows = linker.mentions(doc)
    with transaction.atomic():
        DocumentMention.objects.filter(document=doc).delete()
        DocumentMention.objects.bulk_create(rows)
        refresh_filter_keys([doc.pk])
        _set(doc, status=DocumentStatus.LINKED)


def step_hooks(doc: Document) -> None:
    """linked -> done, after every post-extract hook; a failing hook marks the document failed."""
    with transaction.atomic():
        for hook in list(POST_EXTRACT_HOOKS):
            try:
                with transaction.atomic():
                    hook(doc)
            except Exception as exc:  # a hook's bug must not stop the batch
                log.exception("post-extract hook %r failed on document %s", hook, doc.pk)
                name = getattr(hook, "__qualname__", repr(hook))
                fail(doc, f"post-extract step {name} failed: {type(exc).__name__}: {exc}")
                return
        _set(doc, status=DocumentStatus.DONE)


_STEP_COUNTS: Counter = Counter()


def _fault_point(step: str) -> None:
    """Crash injection for the resumption tests: AMITY_INTAKE_KILL_AT="link:3" SIGKILLs this process when it
    is about to run the link step for the third time (a real kill between two committed steps)."""
    spec = os.environ.get("AMITY_INTAKE_KILL_AT")
    if not spec:
        return
    _STEP_COUNTS[step] += 1
    name, _, nth = spec.partition(":")
    if name == step and str(_STEP_COUNTS[step]) == nth:
        import signal

        os.kill(os.getpid(), signal.SIGKILL)


def process_document(doc: Document) -> Document:
    """Run the remaining steps of ``doc``; failures land on the document, never raise."""
    try:
        if doc.status == DocumentStatus.NEW:
            _fault_point("text")
            step_text(doc)
        if doc.status == DocumentStatus.EXTRACTED:
            _fault_point("link")
            step_link(doc)
        if doc.status == DocumentStatus.LINKED:
            _fault_point("hooks")
            step_hooks(doc)
    except engine.ReadError as exc:
        fail(doc, str(exc))
    except (OSError, InputError) as exc:
        fail(doc, f"cannot read the stored file: {exc}")
    except Exception as exc:  # bad input is normal input: one document fails, the batch goes on
        log.exception("document %s failed", doc.pk)
        fail(doc, f"{type(exc).__name__}: {exc}")
    return doc


# ---------------------------------------------------------------- batches

BATCH_SIZE = 100


def _prepare_text(doc: Document) -> dict:
    """The CPU part of the text step (no database writes): text, title, MinHash signature and LSH keys."""
    data = doc.blob.read_bytes()
    if hashlib.sha256(data).hexdigest() != doc.sha256:
        raise engine.ReadError("stored file does not match its SHA-256 (damaged storage)")
    text, warnings, _kind = engine.read_bytes(data, doc.original_name or "document")
    words = tokens(text)  # the search index's words: shingled here, indexed as they are (index_body)
    signature = minhash(text, words)
    return {"text": text, "warnings": warnings, "title": doc.title or guess_title(data, text, doc.format,
                                                                                  doc.original_name),
            "signature": signature, "keys": band_keys(signature) if signature is not None else None,
            "index_body": index_body(text, words)}


def _fail_quietly(doc: Document, exc: Exception) -> None:
    if isinstance(exc, engine.ReadError):
        fail(doc, str(exc))
    elif isinstance(exc, OSError | InputError):
        fail(doc, f"cannot read the stored file: {exc}")
    else:
        log.exception("document %s failed", doc.pk)
        fail(doc, f"{type(exc).__name__}: {exc}")


def text_batch(docs: list[Document]) -> None:
    """new -> extracted/duplicate for several documents: the same work as ``step_text``, with one query for
    near-duplicate candidates, bulk writes and one transaction. Documents earlier in the batch count as
    originals for later ones."""
    import numpy as np

    prepared: dict[int, dict] = {}
    for doc in docs:
        _fault_point("text")
        try:
            prepared[doc.pk] = _prepare_text(doc)
        except Exception as exc:
            _fail_quietly(doc, exc)
    all_keys = sorted({k for p in prepared.values() if p["keys"] for k in p["keys"]})
    key_docs: dict[int, set[int]] = {}
    for key, doc_id in rows_where_in(NearDuplicateKey, ("key", "document_id"), "key", all_keys):
        key_docs.setdefault(key, set()).add(doc_id)
    db_ids = sorted({i for ids in key_docs.values() for i in ids})
    signatures = {  # raw bytes from the database, arrays for documents of this batch
        doc_id: bytes(blob)
        for doc_id, blob in DocumentSignature.objects.filter(document_id__in=db_ids).values_list("document_id",
                                                                                                 "minhash")
    } if db_ids else {}
    now = timezone.now()
    ready, new_sigs, new_keys = [], [], []
    for doc in docs:
        p = prepared.get(doc.pk)
        if p is None:
            continue
        m = p["signature"]
        original_id = None
        if m is not None:
            candidates = sorted({i for k in p["keys"] for i in key_docs.get(k, ())} - {doc.pk})[:50]
            for cid in candidates:
                other = signatures.get(cid)
                if isinstance(other, bytes):
                    other = np.frombuffer(other, dtype=m.hashvalues.dtype)
                if other is not None and len(other) == len(m.hashvalues) and \
                        float(np.mean(other == m.hashvalues)) >= NEAR_DUP_THRESHOLD:
                    original_id = cid
                    break
        doc.text, doc.title, doc.updated_at, doc.error = p["text"], p["title"][:500], now, ""
        doc.index_body = p["index_body"]  # read by the search back end's index_many
        if original_id is not None:
            doc.language = _detect(p["text"])
            doc.status, doc.duplicate_of_id = DocumentStatus.DUPLICATE, original_id
            ready.append(doc)
            continue
        try:
            result = engine.extract(p["text"], date=doc.date)
        except Exception as exc:
            _fail_quietly(doc, exc)
            continue
        language = result.get("language") or _detect(p["text"])
        doc.language = language if language in ("en", "vi") else ""
        doc.date = dating.document_date(doc, result, p["text"])
        if p["warnings"] or doc.extraction.get("warnings"):
            result["warnings"] = [*doc.extraction.get("warnings", []), *p["warnings"]]
        doc.extraction, doc.status = result, DocumentStatus.EXTRACTED
        ready.append(doc)
        if m is not None:
            signatures[doc.pk] = m.hashvalues
            for k in set(p["keys"]):
                key_docs.setdefault(k, set()).add(doc.pk)
                new_keys.append(_Row(document_id=doc.pk, key=k))
            new_sigs.append(DocumentSignature(document_id=doc.pk, minhash=m.hashvalues.tobytes()))
    if not ready:
        return
    from amity.intake.search import get_backend

    ids = [d.pk for d in ready]
    with transaction.atomic():
        update_rows(Document, ready, ["text", "title", "language", "date", "extraction", "status", "duplicate_of", "error",
                             "updated_at"])
        DocumentSignature.objects.filter(document_id__in=ids)._raw_delete(DocumentSignature.objects.db)
        NearDuplicateKey.objects.filter(document_id__in=ids)._raw_delete(NearDuplicateKey.objects.db)
        insert_rows(DocumentSignature, new_sigs)
        insert_rows(NearDuplicateKey, new_keys)
        get_backend().index_many(ready)


_PLAIN_TYPES = {"CharField", "TextField", "IntegerField", "BigIntegerField", "SmallIntegerField",
                "PositiveIntegerField", "PositiveBigIntegerField", "PositiveSmallIntegerField", "ForeignKey"}


class _Row(SimpleNamespace):
    """A row for ``insert_rows`` without a model instance: attributes named like the model's fields' attnames."""


def insert_rows(model, objs: list, batch_size: int = 500, ignore_conflicts: bool = False) -> None:
    """INSERT unsaved ``objs`` through one prepared statement (executemany): what ``bulk_create`` writes (field
    defaults, auto_now), without compiling each row into SQL; ids are not read back. For the many small rows of
    a batch (mentions, LSH keys, evidence), where Django's per-row SQL building costs more than the database."""
    if not objs:
        return
    from django.db import connections, router
    from django.db.models import DateField, Field
    from django.db.models.constants import OnConflict

    connection = connections[router.db_for_write(model)]
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and f.get_internal_type()
                                                                 in ("AutoField", "BigAutoField"))]
    # auto_now columns last: a row of plain values is then the attribute tuple plus one timestamp (fast path below)
    fields = ([f for f in fields if not (isinstance(f, DateField) and (f.auto_now or f.auto_now_add))]
              + [f for f in fields if isinstance(f, DateField) and (f.auto_now or f.auto_now_add)])
    qn = connection.ops.quote_name
    on_conflict = OnConflict.IGNORE if ignore_conflicts else None
    sql = (f"{connection.ops.insert_statement(on_conflict=on_conflict)} {qn(model._meta.db_table)} "
           f"({', '.join(qn(f.column) for f in fields)}) VALUES ({', '.join(['%s'] * len(fields))})")
    suffix = connection.ops.on_conflict_suffix_sql(fields, on_conflict, None, None)
    if suffix:
        sql += " " + suffix
    # How each column's value is read: auto_now dates are one timestamp for the batch (set on the objects as
    # pre_save would); plain str/int values of text, integer and foreign-key columns go as they are (what
    # get_db_prep_save returns for them); anything else (dates, JSON, bytes, booleans, lazy strings) through
    # the field.
    columns = []
    for f in fields:
        if isinstance(f, DateField) and (f.auto_now or f.auto_now_add):
            value = f.pre_save(objs[0], True)  # now (or today), set on the first object
            columns.append(("auto", f, value, f.get_db_prep_save(value, connection)))
        elif type(f).pre_save is Field.pre_save:
            columns.append(("plain" if f.get_internal_type() in _PLAIN_TYPES else "attr", f, None, None))
        else:
            columns.append(("field", f, None, None))
    from operator import attrgetter

    rows = []
    read = [f.attname for how, f, _v, _p in columns if how != "auto"]
    autos = [(f.attname, value) for how, f, value, _p in columns if how == "auto"]
    tail = [prepared for how, _f, _v, prepared in columns if how == "auto"]
    if read and all(how in ("plain", "auto", "attr") for how, _f, _v, _p in columns):
        # Every column an attribute (or a batch timestamp): one C-level attribute read per row, then the few
        # non-plain columns (JSON, dates, numbers) prepared by their field; a row whose plain columns hold
        # something other than a str, int or None goes the general way below.
        get = attrgetter(*read) if len(read) > 1 else (lambda obj, _get=attrgetter(read[0]): (_get(obj),))
        kept = [(how, f) for how, f, _v, _p in columns if how != "auto"]
        prepare = [(i, f) for i, (how, f) in enumerate(kept) if how == "attr"]
        plain = [i for i, (how, _f) in enumerate(kept) if how == "plain"]
        for obj in objs:
            for name, value in autos:
                setattr(obj, name, value)
            values = get(obj)
            if not prepare:
                if _PLAIN_VALUES.issuperset(map(type, values)):
                    rows.append([*values, *tail])
                else:
                    rows.append(_general_row(obj, columns, connection))
                continue
            if not _PLAIN_VALUES.issuperset([type(values[i]) for i in plain]):
                rows.append(_general_row(obj, columns, connection))
                continue
            values = list(values)
            for i, f in prepare:
                if values[i] is not None:
                    values[i] = f.get_db_prep_save(values[i], connection)
            rows.append([*values, *tail])
    else:
        rows = [_general_row(obj, columns, connection) for obj in objs]
    _execute_rows(connection, model, fields, sql, rows, batch_size, ignore_conflicts)
    for obj in objs:
        state = getattr(obj, "_state", None)  # plain row objects (attributes named like the columns) have none
        if state is not None:
            state.adding, state.db = False, connection.alias


_PLAIN_VALUES = frozenset({str, int, type(None)})


def _general_row(obj, columns, connection) -> list:
    row = []
    for how, f, value, prepared in columns:
        if how == "auto":
            setattr(obj, f.attname, value)
            row.append(prepared)
            continue
        value = getattr(obj, f.attname) if how != "field" else f.pre_save(obj, True)
        row.append(value if value is None or (how == "plain" and type(value) in (str, int))
                   else f.get_db_prep_save(value, connection))
    return row


def _execute_rows(connection, model, fields, sql, rows, batch_size, ignore_conflicts) -> None:
    qn = connection.ops.quote_name
    with connection.cursor() as cur:
        if connection.vendor == "postgresql" and not ignore_conflicts and not any(
                f.get_internal_type() == "BinaryField" for f in fields):
            # COPY: psycopg's executemany sends (and formats) one statement per row
            copy_sql = (f"COPY {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
                        "FROM STDIN")
            with connection.wrap_database_errors, cur.cursor.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)
        elif connection.vendor == "postgresql":  # ON CONFLICT: one multi-row INSERT per chunk, not one per row
            head, _values, tail = sql.partition(f"VALUES ({', '.join(['%s'] * len(fields))})")
            one = f"({', '.join(['%s'] * len(fields))})"
            for start in range(0, len(rows), batch_size):
                chunk = rows[start:start + batch_size]
                cur.execute(f"{head}VALUES {', '.join([one] * len(chunk))}{tail}",
                            [value for row in chunk for value in row])
        else:
            for start in range(0, len(rows), batch_size):
                cur.executemany(sql, rows[start:start + batch_size])


def link_batch(docs: list[Document]) -> None:
    """extracted -> linked for several documents in one transaction."""
    linker = Linker.current()
    rows = []
    for doc in docs:
        _fault_point("link")
        rows.extend(linker.mentions(doc, rows_only=True))
    ids = [d.pk for d in docs]
    with transaction.atomic():
        DocumentMention.objects.filter(document_id__in=ids).delete()
        insert_rows(DocumentMention, rows)
        refresh_filter_keys(ids)
        Document.objects.filter(pk__in=ids).update(status=DocumentStatus.LINKED, updated_at=timezone.now())
    for doc in docs:
        doc.status = DocumentStatus.LINKED


def hooks_batch(docs: list[Document]) -> None:
    """linked -> done. With no hooks registered: one UPDATE. When every hook has a batch form
    (``hook.batch(documents)``): all of them on the whole batch in one transaction with one UPDATE; if that
    raises, the transaction is rolled back and the documents go one by one (``step_hooks``), so a failing hook
    still marks only the document it failed on. Otherwise each document in its own transaction."""
    for _doc in docs:
        _fault_point("hooks")
    hooks = list(POST_EXTRACT_HOOKS)
    if hooks and all(callable(getattr(hook, "batch", None)) for hook in hooks):
        try:
            with transaction.atomic():
                for hook in hooks:
                    hook.batch(list(docs))
                _mark_done(docs)
            return
        except Exception:  # one document's bad data or a hook's bug: find which, one by one
            log.warning("batch post-extract hooks failed; running them document by document", exc_info=True)
    if hooks:
        for doc in docs:
            step_hooks(doc)
        return
    _mark_done(docs)


def _mark_done(docs: list[Document]) -> None:
    now = timezone.now()
    Document.objects.filter(pk__in=[d.pk for d in docs]).update(status=DocumentStatus.DONE, updated_at=now)
    for doc in docs:
        doc.status, doc.updated_at = DocumentStatus.DONE, now


def process_batch(docs: list[Document]) -> list[Document]:
    """Run the remaining steps of several documents; failures land on the documents, never raise (except a
    KeyboardInterrupt/SystemExit, which leaves every document at a clean, resumable status)."""
    with collector_paused():  # the batch's objects live until it is written: see core.gcpause
        _process_batch(docs)
    return docs


def _process_batch(docs: list[Document]) -> None:
    for step, status in ((text_batch, DocumentStatus.NEW), (link_batch, DocumentStatus.EXTRACTED),
                         (hooks_batch, DocumentStatus.LINKED)):
        todo = [d for d in docs if d.status == status]
        if not todo:
            continue
        try:
            step(todo)
        except Exception:  # an unexpected database error in the batch: redo these documents one by one
            log.exception("batch step %s failed; processing its documents one by one", step.__name__)
            for doc in todo:
                fresh = Document.objects.filter(pk=doc.pk).first()
                if fresh is not None:
                    process_document(fresh)
                    doc.__dict__.update({k: v for k, v in fresh.__dict__.items() if not k.startswith("_")})


# ---------------------------------------------------------------- near-duplicates

def shingles(text: str, words: list[str] | None = None) -> set[bytes]:
    """The 3-word shingles of ``text`` (its search index words, given or computed)."""
    words = words if words is not None else tokens(text)
    if SHINGLE == 3:  # the same shingles, built without slicing and joining lists
        return {f"{a} {b} {c}".encode() for a, b, c in zip(words, words[1:], words[2:], strict=False)}
    return {" ".join(words[i:i + SHINGLE]).encode() for i in range(max(0, len(words) - SHINGLE + 1))}


_PERMUTATIONS: list = []


def minhash(text: str, words: list[str] | None = None):
    from datasketch import MinHash

    grams = shingles(text, words)
    if len(grams) < MIN_SHINGLES:
        return None
    if not _PERMUTATIONS:  # the seeded permutations are the same every time: draw them once per process
        first = MinHash(num_perm=NUM_PERM, hashfunc=zlib.crc32)
        _PERMUTATIONS.append((first.permutations, first.scheme))
    permutations, scheme = _PERMUTATIONS[0]
    # crc32: stable across processes, C-fast
    m = MinHash(num_perm=NUM_PERM, hashfunc=zlib.crc32, permutations=permutations, scheme=scheme)
    m.update_batch(list(grams))
    return m


def band_keys(m) -> list[int]:
    values = m.hashvalues
    keys = []
    for band in range(BANDS):
        chunk = values[band * ROWS:(band + 1) * ROWS].tobytes()
        digest = hashlib.blake2b(bytes([band]) + chunk, digest_size=8).digest()
        keys.append(struct.unpack(">q", digest)[0])
    return keys


def save_signature(doc: Document, m, keys: list[int] | None = None) -> None:
    """Replace the document's signature and LSH keys (plain DELETE + INSERT: nothing depends on them)."""
    DocumentSignature.objects.filter(document_id=doc.pk)._raw_delete(DocumentSignature.objects.db)
    NearDuplicateKey.objects.filter(document_id=doc.pk)._raw_delete(NearDuplicateKey.objects.db)
    DocumentSignature.objects.bulk_create([DocumentSignature(document_id=doc.pk, minhash=m.hashvalues.tobytes())])
    NearDuplicateKey.objects.bulk_create([NearDuplicateKey(document_id=doc.pk, key=k)
                                          for k in sorted(set(keys or band_keys(m)))])


def find_near_duplicate(doc: Document, m, keys: list[int] | None = None) -> Document | None:
    """The first (lowest id) earlier document whose estimated Jaccard similarity reaches the threshold."""
    import numpy as np

    candidates = list(
        NearDuplicateKey.objects.filter(key__in=keys or band_keys(m)).exclude(document_id=doc.pk)
        .values_list("document_id", flat=True).distinct()[:50]
    )
    if not candidates:
        return None
    best = None
    rows = DocumentSignature.objects.filter(document_id__in=candidates).order_by("document_id")
    for document_id, minhash_bytes in rows.values_list("document_id", "minhash"):
        other = np.frombuffer(bytes(minhash_bytes), dtype=m.hashvalues.dtype)
        if len(other) == len(m.hashvalues) and float(np.mean(other == m.hashvalues)) >= NEAR_DUP_THRESHOLD:
            best = document_id
            break
    if best is None:
        return None
    original = Document.objects.filter(pk=best).first()
    if original is not None and original.duplicate_of_id:
        original = Document.objects.filter(pk=original.duplicate_of_id).first() or original
    return original


# ---------------------------------------------------------------- entity linking

class Linker:
    """Folded names and aliases of partner records -> ids, loaded once per run (``Linker.reset()``)."""

    _current: Linker | None = None

    def __init__(self):
        from amity.partners.models import Country, Organisation, Person

        self.countries = dict(Country.objects.values_list("iso2", "id"))
        self.orgs: dict[str, int] = {}
        for pk, name_key, search_key in Organisation.objects.values_list("id", "name_key", "search_key"):
            for key in [name_key, *search_key.split(" | ")]:
                if key:
                    self.orgs.setdefault(key, pk)
        self.persons: dict[str, int] = {}
        for pk, name_key, search_key in Person.objects.values_list("id", "name_key", "search_key"):
            for key in [name_key, *search_key.split(" | ")]:
                if key:
                    self.persons.setdefault(key, pk)

    @classmethod
    def current(cls) -> Linker:
        if cls._current is None:
            cls._current = cls()
        return cls._current

    @classmethod
    def reset(cls) -> None:
        cls._current = None

    def org_id(self, *names) -> int | None:
        for name in names:
            if name:
                key = fold(name).replace("\u2013", "-")
                pk = self.orgs.get(key) or self.orgs.get(key.replace("-", " - ")) or self.orgs.get(
                    key.replace(" - ", "-"))
                if pk:
                    return pk
        return None

    def mentions(self, doc: Document, rows_only: bool = False) -> list[DocumentMention]:
        """The document's mentions (``rows_only``: as plain rows for ``insert_rows``, not model instances)."""
        data = doc.extraction or {}
        rows: dict[tuple[str, str], DocumentMention] = {}

        def add(kind: str, name: str, **links):
            name = " ".join(str(name or "").split())[:300]
            if not name:
                return
            key = (kind, fold(name))
            if key in rows:
                rows[key].count += 1
                return
            if rows_only:
                rows[key] = _Row(document_id=doc.pk, kind=kind, name=name, count=1,
                                 **{"country_id": None, "organisation_id": None, "person_id": None, **links})
            else:
                rows[key] = DocumentMention(document=doc, kind=kind, name=name, count=1, **links)

        for iso in data.get("countries") or []:
            if isinstance(iso, str):
                add(MentionKind.COUNTRY, iso.upper(), country_id=self.countries.get(iso.upper()))
        for org in data.get("organizations") or []:
            if isinstance(org, dict):
                name = org.get("canonical") or org.get("name")
                add(MentionKind.ORGANISATION, name, organisation_id=self.org_id(org.get("canonical"), org.get("name")))
        for person in data.get("persons") or []:
            if isinstance(person, dict) and person.get("name"):
                add(MentionKind.PERSON, person["name"], person_id=self.persons.get(fold(person["name"])))
        for event in data.get("events") or []:
            if isinstance(event, dict) and event.get("type"):
                add(MentionKind.EVENT, event["type"])
        return list(rows.values())


# ---------------------------------------------------------------- runs

@dataclass
class Summary:
    added: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


class Ingestor:
    """Runs one batch: stores and processes each item, records IngestItems and keeps the run's counters."""

    def __init__(self, run: IngestRun, *, source: Source | None = None, owner=None, user=None,
                 progress: Callable[[IngestRun, str], None] | None = None, timeout: float | None = None):
        self.run = run
        self.source = source if source is not None else run.source
        self.owner = owner if owner is not None else run.owner
        self.user = user if user is not None else run.created_by
        self.progress = progress
        self.timeout = timeout
        self._last_save = 0.0
        self.summary = Summary()
        self._items: list[IngestItem] = []
        self._pending: list[tuple[str, Document, bool]] = []
        self._to_store: list[tuple[Item, Source | None]] = []  # loaded items, stored together (store_items)
        self._to_store_bytes = 0
        self._to_store_urls: set[str] = set()
        Linker.reset()

    def start(self, total: int = 0) -> None:
        IngestRun.objects.filter(pk=self.run.pk).update(status=RunStatus.RUNNING, total=total)
        self.run.status, self.run.total = RunStatus.RUNNING, total

    def add_total(self, n: int) -> None:
        self.run.total += n
        self._save_counters(force=False)

    def _save_counters(self, force: bool = True) -> None:
        now = time.monotonic()
        if force or now - self._last_save > 0.5:
            self._last_save = now
            if self._items:
                IngestItem.objects.bulk_create(self._items, batch_size=500)
                self._items = []
            r = self.run
            IngestRun.objects.filter(pk=r.pk).update(total=max(r.total, r.done), done=r.done, added=r.added,
                                                     skipped=r.skipped, failed=r.failed)

    def record(self, name: str, status: str, message: str = "", document: Document | None = None) -> None:
        self._items.append(IngestItem(run=self.run, name=name[:1000], status=status, message=message[:5000],
                                      document=document))
        self.run.done += 1
        if status == ItemStatus.ADDED:
            self.run.added += 1
            self.summary.added.append((name, message))
        elif status == ItemStatus.SKIPPED:
            self.run.skipped += 1
            self.summary.skipped.append((name, message))
        else:
            self.run.failed += 1
            self.summary.failed.append((name, message))
        if self.run.total < self.run.done:
            self.run.total = self.run.done
        self._save_counters(force=False)
        if self.progress:
            self.progress(self.run, name)

    def ingest_item(self, item: Item) -> None:
        """Load the item and queue it for storage; a full queue is stored and processed (``flush``)."""
        if item.meta.get("fetch") and item.url and (item.url in self._to_store_urls
                                                    or Document.objects.filter(url=item.url).exists()):
            self.record(item.name, ItemStatus.SKIPPED, "already ingested (same address)")
            return
        item = load_item(item, **({"timeout": self.timeout} if self.timeout else {}))
        self._to_store.append((item, self.source))
        self._to_store_bytes += len(item.data or b"")
        if item.url:
            self._to_store_urls.add(item.url)
        if len(self._to_store) + len(self._pending) >= BATCH_SIZE or self._to_store_bytes >= STORE_BUDGET:
            self.flush()

    def _store_queued(self) -> None:
        entries, self._to_store, self._to_store_bytes, self._to_store_urls = self._to_store, [], 0, set()
        if not entries:
            return
        try:
            outcomes = store_items(entries, owner=self.owner, user=self.user)
        except Exception:  # noqa: BLE001 - e.g. storage full: each item on its own, so one failure stays its own
            log.exception("storing a batch failed; storing its items one by one")
            outcomes = []
            for item, source in entries:
                try:
                    outcomes.append(store_item(item, source=source, owner=self.owner, user=self.user))
                except Exception as exc:  # noqa: BLE001
                    outcomes.append(Outcome(ItemStatus.FAILED, f"{type(exc).__name__}: {exc}"))
        for (item, _source), outcome in zip(entries, outcomes, strict=True):
            self._stored(item, outcome)

    def _stored(self, item: Item, outcome: Outcome) -> None:
        """Record a failed or skipped item; queue a new (or interrupted) document for processing."""
        doc = outcome.document
        if outcome.status == ItemStatus.FAILED:
            self.record(item.name, ItemStatus.FAILED, outcome.message)
            return
        if doc is None:  # the same bytes as an earlier item of this batch
            self.record(item.name, ItemStatus.SKIPPED, outcome.message)
            return
        resumed = outcome.status == ItemStatus.SKIPPED and doc.status in PENDING_STATUSES
        if outcome.status == ItemStatus.SKIPPED and not resumed:
            self.record(item.name, ItemStatus.SKIPPED, f"already ingested as #{doc.pk} ({doc.get_status_display()})",
                        doc)
            return
        if resumed:
            doc = Document.objects.get(pk=doc.pk)
        self._pending.append((item.name, doc, resumed))

    def flush(self) -> None:
        """Store the queued items, process the new documents as one batch and record their outcome."""
        self._store_queued()
        pending, self._pending = self._pending, []
        if not pending:
            return
        process_batch([doc for _name, doc, _resumed in pending])
        for name, doc, resumed in pending:
            self.record_document(name, doc, resumed=resumed)

    def record_document(self, name: str, doc: Document, resumed: bool = False) -> None:
        if doc.status == DocumentStatus.FAILED:
            self.record(name, ItemStatus.FAILED, doc.error, doc)
        elif doc.status == DocumentStatus.DUPLICATE:
            original = doc.duplicate_of
            self.record(name, ItemStatus.SKIPPED,
                        f"near-duplicate of #{original.pk if original else '?'} ({original or ''}); linked to it",
                        doc)
        else:
            self.record(name, ItemStatus.ADDED, "resumed an interrupted run" if resumed else "", doc)

    def ingest_items(self, items: Iterable[Item]) -> None:
        for item in items:
            try:
                self.ingest_item(item)
            except Exception as exc:  # never lose the batch to one item
                log.exception("item %s failed", item.name)
                self.record(item.name, ItemStatus.FAILED, f"{type(exc).__name__}: {exc}")
        self.flush()

    def resume_pending(self) -> None:
        """Finish documents left pending by an interrupted run (any run)."""
        self.flush()
        ids = list(Document.objects.filter(status__in=PENDING_STATUSES).values_list("pk", flat=True).order_by("pk"))
        for start in range(0, len(ids), BATCH_SIZE):
            docs = list(Document.objects.filter(pk__in=ids[start:start + BATCH_SIZE], status__in=PENDING_STATUSES)
                        .order_by("pk"))
            process_batch(docs)
            for doc in docs:
                self.record_document(doc.original_name or str(doc), doc, resumed=True)

    def finish(self, message: str = "", status: str = RunStatus.DONE) -> IngestRun:
        self.run.finished_at = timezone.now()
        self.run.status = status
        parts = [f"{self.run.added} added", f"{self.run.skipped} skipped", f"{self.run.failed} failed"]
        self.run.message = "; ".join(p for p in [message, ", ".join(parts)] if p)[:5000]
        self._save_counters()
        IngestRun.objects.filter(pk=self.run.pk).update(finished_at=self.run.finished_at, status=status,
                                                        message=self.run.message)
        return self.run


def source_for(target: str, *, kind: str | None = None, owner=None, user=None) -> Source | None:
    """The Source a command-line target belongs to (created on first use)."""
    if target == "-text-":
        source, _ = Source.objects.get_or_create(kind=SourceKind.PASTE, name="Pasted text", location="",
                                                 defaults={"owner": owner, "created_by": user})
        return source
    if kind == SourceKind.UPLOAD:
        source, _ = Source.objects.get_or_create(kind=SourceKind.UPLOAD, name="Uploads", location="",
                                                 defaults={"owner": owner, "created_by": user})
        return source
    from amity.intake.inputs import is_url

    if is_url(target):
        location, skind, name = target, SourceKind.FEED, target[:200]
    else:
        path = Path(target).resolve()
        location = str(path if path.is_dir() else path.parent)
        skind, name = SourceKind.FOLDER, (path.name if path.is_dir() else path.parent.name) or location
    source = Source.objects.filter(kind=skind, location=location).first()
    if source is None:
        try:
            with transaction.atomic():
                source = Source.objects.create(kind=skind, location=location[:1000], name=name[:200] or location[:200],
                                               owner=owner, created_by=user)
        except IntegrityError:
            source = Source.objects.get(kind=skind, location=location)
    return source


def execute_run(run: IngestRun, *, progress=None, timeout: float | None = None) -> IngestRun:
    """Run the batch described by ``run.params``: {"paths": [...], "urls": [...], "texts": [...],
    "feed_source": id, "resume": bool}. Used in-process by ``amity ingest`` and by the Celery task."""
    params = run.params or {}
    ingestor = Ingestor(run, progress=progress, timeout=timeout)
    ingestor.start()
    notes = []
    try:
        for path in params.get("paths", []):
            ingestor.source = run.source or source_for(path, kind=params.get("kind"), owner=run.owner,
                                                       user=run.created_by)
            ingestor.add_total(count_files(Path(path)))
            ingestor.ingest_items(iter_path(Path(path)))  # read file by file: a folder may be larger than memory
        for url in params.get("urls", []):
            source = run.source or source_for(url, owner=run.owner, user=run.created_by)
            ingestor.source = source
            try:
                items = list(iter_url(url, expect_feed=source is not None and source.kind == SourceKind.FEED
                                      and params.get("expect_feed", False),
                                      **({"timeout": timeout} if timeout else {})))
            except InputError as exc:
                Source.objects.filter(pk=source.pk).update(last_checked_at=timezone.now(), last_error=str(exc))
                ingestor.add_total(1)
                ingestor.record(url, ItemStatus.FAILED, str(exc))
                notes.append(f"{url}: {exc}")
                continue
            Source.objects.filter(pk=source.pk).update(last_checked_at=timezone.now(), last_error="")
            ingestor.add_total(len(items))
            ingestor.ingest_items(items)
        for i, text in enumerate(params.get("texts", []), 1):
            ingestor.source = run.source or source_for("-text-", owner=run.owner, user=run.created_by)
            ingestor.add_total(1)
            title = params.get("title", "") if i == 1 else ""
            ingestor.ingest_items([Item(name=title or f"pasted text {i}", data=text.encode("utf-8"), title=title)])
        for blob in params.get("blobs", []):  # uploaded files saved by the web view: {"name", "path"}
            ingestor.source = run.source or source_for("", kind=SourceKind.UPLOAD, owner=run.owner,
                                                       user=run.created_by)
            if blob.get("too_large"):
                from amity.intake.inputs import file_too_large

                ingestor.add_total(1)
                ingestor.record(blob["name"], ItemStatus.FAILED, file_too_large(blob["too_large"]))
                Path(blob["path"]).unlink(missing_ok=True)
                continue
            try:
                data = Path(blob["path"]).read_bytes()
            except OSError as exc:
                ingestor.add_total(1)
                ingestor.record(blob["name"], ItemStatus.FAILED, f"upload lost: {exc}")
                continue
            items = list(iter_bytes(blob["name"], data))
            ingestor.add_total(len(items))
            ingestor.ingest_items(items)
            Path(blob["path"]).unlink(missing_ok=True)
        if params.get("resume", True):
            ingestor.resume_pending()
    except BaseException as exc:
        ingestor.finish(f"interrupted: {type(exc).__name__}: {exc}", status=RunStatus.FAILED)
        raise
    return ingestor.finish("; ".join(notes))


def create_run(*, paths=(), urls=(), texts=(), blobs=(), user=None, owner=None, source=None, label="",
               **extra) -> IngestRun:
    params = {"paths": [str(p) for p in paths], "urls": list(urls), "texts": list(texts), "blobs": list(blobs),
              **extra}
    label = label or ", ".join([*params["paths"], *params["urls"], *(["pasted text"] if texts else []),
                                *[b["name"] for b in blobs]])[:500]
    return IngestRun.objects.create(created_by=user, owner=owner, source=source, label=label, params=params)
