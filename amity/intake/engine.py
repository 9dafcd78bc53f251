"""Thin adapter over the pure-Python extraction engine (amity.extract), so the intake pipeline has one
place to change if the engine's module names move.

The gazetteer snapshot written by ``amity gazetteer build`` (``settings.VAR_DIR / "gazetteer.json"``, or
``$AMITY_GAZETTEER``) is loaded when present, so names of partner records in the database are found too.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

from amity.extract.normalize import normalize_text
from amity.extract.reader import MAX_BYTES, ReadError, read_file

__all__ = ["ReadError", "extract", "gazetteer_path", "normalize_text", "read_bytes"]


def gazetteer_path() -> Path | None:
    from django.conf import settings

    env = os.environ.get("AMITY_GAZETTEER")
    path = Path(env) if env else Path(settings.VAR_DIR) / "gazetteer.json"
    return path if path.is_file() else None


_GAZ_STATE: dict = {}


def _gazetteer():
    """The engine's gazetteer with the database snapshot; reloaded when the snapshot file changes."""
    from amity.extract.gazetteer import get_gazetteer

    path = gazetteer_path()
    stamp = (str(path), path.stat().st_mtime_ns) if path else None
    if _GAZ_STATE.get("stamp") != stamp or "g" not in _GAZ_STATE:
        if path and _GAZ_STATE.get("stamp") is not None:
            from amity.extract.gazetteer import clear_cache

            clear_cache()
        _GAZ_STATE["g"] = get_gazetteer(path)
        _GAZ_STATE["stamp"] = stamp
    return _GAZ_STATE["g"]


def extract(text: str, *, date: dt.date | None = None, lang: str | None = None) -> dict:
    from amity.extract.pipeline import extract as engine_extract

    return engine_extract(text, date=date, lang=lang or None, gazetteer=_gazetteer())


def read_bytes(data: bytes, name: str) -> tuple[str, list[str], str]:
    """Original bytes -> (normalised text, warnings, kind). The file name's extension is only a hint: the
    reader sniffs PDF/DOCX/HTML by content. Raises ReadError with a one-line reason."""
    from amity.intake.pipeline import sniff_format

    suffix = Path(name).suffix.lower()[:10]
    if not suffix.isascii() or any(c in suffix for c in "/\\"):
        suffix = ""
    fmt, _mime = sniff_format(data, name)
    by_content = {"pdf": ".pdf", "docx": ".docx", "html": ".html", "text": ".txt", "xml": ".txt"}.get(fmt)
    extra: list[str] = []
    if by_content and suffix in {".pdf", ".docx", ".doc", ".html", ".htm", ".txt", ".md"} and suffix != by_content \
            and not (fmt == "text" and suffix == ".md"):
        extra.append(f"the name ends in {suffix} but the content is {fmt.upper()}; read as {fmt.upper()}")
        suffix = by_content
    if fmt == "text" and suffix in {".txt", ".text", ".md", ""} | ({by_content} if extra else set()):
        from amity.extract.reader import decode_bytes

        if len(data) > MAX_BYTES:
            raise ReadError(f"file too large ({len(data) / 1048576:.1f} MB > {MAX_BYTES // 1048576} MB limit)")
        doc = decode_bytes(data)  # plain text: no temporary file needed
        if not doc.text.strip():
            raise ReadError("no text found")
        return normalize_text(doc.text), extra + list(doc.warnings), doc.kind
    with tempfile.TemporaryDirectory(prefix="amity-read-") as tmp:
        path = Path(tmp) / f"document{suffix}"
        path.write_bytes(data)
        try:
            doc = read_file(path)
        except ReadError as exc:
            # pypdf's decrypt("") can "succeed" without the key; the page read then fails. Say what it is.
            if "NotDecrypted" in str(exc) or "encrypt" in str(exc).lower():
                raise ReadError("encrypted PDF") from None
            raise
    return normalize_text(doc.text), extra + list(doc.warnings), doc.kind
