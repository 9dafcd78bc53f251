"""Files -> text.  Every refusal is a :class:`ReadError` whose message fits on one line.

Limits: files over ``MAX_BYTES`` (50 MB) are refused rather than streamed — a friendship-work
document that large is a data dump, not an article, and refusing keeps memory bounded.
"""

from __future__ import annotations

import codecs
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

MAX_BYTES = 50 * 1024 * 1024
TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}


class ReadError(Exception):
    """The file cannot be turned into text; ``str(err)`` is the one-line reason."""


@dataclass
class Document:
    text: str
    warnings: list[str] = field(default_factory=list)
    kind: str = "text"


def read_file(path: str | os.PathLike, *, max_bytes: int = MAX_BYTES) -> Document:
    p = Path(path)
    try:
        size = p.stat().st_size
    except FileNotFoundError:
        raise ReadError("no such file") from None
    except OSError as exc:
        raise ReadError(exc.strerror or str(exc)) from None
    if p.is_dir():
        raise ReadError("is a directory")
    if size == 0:
        raise ReadError("empty file")
    if size > max_bytes:
        raise ReadError(f"file too large ({size / 1048576:.1f} MB > {max_bytes // 1048576} MB limit)")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise ReadError(exc.strerror or str(exc)) from None
    suffix = p.suffix.lower()
    if data.startswith(b"%PDF") or suffix == ".pdf":
        doc = _pdf(data)
    elif data.startswith(b"PK\x03\x04") and suffix in (".docx", ".docm") or suffix == ".docx":
        doc = _docx(data)
    elif suffix in HTML_SUFFIXES or _looks_html(data):
        doc = _html(data)
    else:
        doc = decode_bytes(data)
    if not doc.text.strip():
        raise ReadError("no text found" + (" (scanned PDF?)" if doc.kind == "pdf" else ""))
    return doc


_CONTROL_BYTES = bytes([*range(9), *range(14, 32)])


def decode_bytes(data: bytes) -> Document:
    """Bytes -> text: BOMs honoured (UTF-8/16/32), UTF-8, then cp1258 with a warning; NUL bytes
    without a BOM mean binary and are refused."""
    for bom, enc in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                     (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return Document(data.decode(enc))
            except UnicodeDecodeError:
                raise ReadError(f"invalid {enc.upper()} despite its byte-order mark") from None
    sample = data[:65536]
    if b"\x00" in sample:
        # UTF-16 without a BOM: every other byte NUL in ASCII-heavy text
        if sample[1::2].count(0) > len(sample) * 0.4 and sample[0::2].count(0) < len(sample) * 0.05:
            try:
                return Document(data.decode("utf-16-le"), ["decoded as UTF-16-LE (no byte-order mark)"])
            except UnicodeDecodeError:
                pass
        raise ReadError("binary file (NUL bytes), not text")
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))  # bytes < 9 or 13 < b < 32, counted in C
    if controls > len(sample) * 0.05:
        raise ReadError("binary file (control bytes), not text")
    try:
        return Document(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        pos = exc.start
    repaired = data.decode("utf-8", errors="replace")
    bad = repaired.count("\ufffd")
    if bad <= max(3, len(repaired) // 200) and _has_utf8_multibyte(data):
        return Document(repaired, [f"invalid UTF-8 at byte {pos}; {bad} bad sequence(s) replaced"])
    try:
        text = data.decode("cp1258")
        return Document(text, [f"invalid UTF-8 at byte {pos}; decoded as cp1258"])
    except UnicodeDecodeError:
        return Document(data.decode("latin-1"), [f"invalid UTF-8 at byte {pos}; decoded as latin-1"])


def _has_utf8_multibyte(data: bytes) -> bool:
    """Some valid multi-byte UTF-8 sequences: the file is UTF-8 with a few bad bytes."""
    import re

    return re.search(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}", data[:65536]) is not None


def _looks_html(data: bytes) -> bool:
    head = data[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<body" in head


def _html(data: bytes) -> Document:
    doc = decode_bytes(data)
    import trafilatura  # imported lazily: start-up of plain-text runs stays small

    try:
        text = trafilatura.extract(doc.text, include_comments=False, include_tables=True, favor_recall=True)
    except Exception as exc:  # trafilatura raises many things on broken markup
        text = None
        doc.warnings.append(f"HTML parser failed ({type(exc).__name__}); tags stripped instead")
    if not text:
        import html
        import re

        stripped = re.sub(r"(?is)<(script|style|noscript)\b.*?(</\1>|$)", " ", doc.text)
        stripped = html.unescape(re.sub(r"(?s)<[^>]*>?", " ", stripped))
        text = stripped if stripped.strip() else ""
        if text:
            doc.warnings.append("no main text found by trafilatura; used all visible text")
    if not text:
        raise ReadError("HTML without readable text")
    return Document(text, doc.warnings, "html")


def _pdf(data: bytes) -> Document:
    import logging

    import pypdf

    logging.getLogger("pypdf").setLevel(logging.CRITICAL)   # its warnings would break the one-line rule

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception:
                raise ReadError("encrypted PDF") from None
        pages = [page.extract_text() or "" for page in reader.pages]
    except ReadError:
        raise
    except Exception as exc:
        raise ReadError(f"unreadable PDF ({type(exc).__name__})") from None
    text = "\n\n".join(pages)
    if not text.strip():
        raise ReadError("PDF has no text layer (scanned image?)")
    return Document(text, [], "pdf")


def _docx(data: bytes) -> Document:
    import docx

    try:
        d = docx.Document(io.BytesIO(data))
    except Exception as exc:
        raise ReadError(f"unreadable DOCX ({type(exc).__name__})") from None
    parts = [p.text for p in d.paragraphs]
    for table in d.tables:
        for row in table.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    return Document("\n".join(parts), [], "docx")
