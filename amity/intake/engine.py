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
from amity.extract.reader import ReadError, read_file

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
    suffix = Path(name).suffix.lower()[:10]
    if not suffix.isascii() or any(c in suffix for c in "/\\"):
        suffix = ""
    with tempfile.TemporaryDirectory(prefix="amity-read-") as tmp:
        path = Path(tmp) / f"document{suffix}"
        path.write_bytes(data)
        doc = read_file(path)
    return normalize_text(doc.text), list(doc.warnings), doc.kind
