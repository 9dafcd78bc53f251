"""Inputs -> items: files, folders (recursive), zip archives (safely), RSS/Atom feeds (URL or file), web pages,
pasted text. Each item carries its bytes (or the reason it has none); nothing here touches the database.

Limits (bad input is normal input): a file over ``MAX_FILE_BYTES`` is refused; a zip with absolute or ``..``
member paths, too many members, a total uncompressed size over ``MAX_ZIP_TOTAL`` or a member compression
ratio over ``MAX_ZIP_RATIO`` (a zip bomb) is refused as a whole; URLs are fetched with a timeout and a size
cap, http(s) only; feeds with DTDs/entities are refused (no entity-expansion bombs).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
import socket
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ZIP_TOTAL = 200 * 1024 * 1024
MAX_ZIP_MEMBERS = 5000
MAX_ZIP_RATIO = 100
MAX_FETCH_BYTES = 10 * 1024 * 1024
FETCH_TIMEOUT = 10.0
USER_AGENT = "Amity/0.1 (people-to-people diplomacy workbench)"
FEED_ARTICLE_MIN_CHARS = 400
SKIP_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}


class InputError(Exception):
    """An input that cannot be read at all; ``str(err)`` is the one-line reason."""


@dataclass
class Item:
    name: str
    data: bytes | None = None
    error: str = ""
    url: str = ""
    title: str = ""
    date: dt.date | None = None
    meta: dict = field(default_factory=dict)


def is_url(value: str) -> bool:
    return bool(re.match(r"^https?://", value or "", re.I))


# ---------------------------------------------------------------- files, folders, zips

def iter_path(path: Path) -> Iterator[Item]:
    """A file, a folder (recursive, sorted, hidden files skipped), a zip, or a local RSS/Atom file."""
    path = Path(path)
    if path.is_dir():
        for child in sorted(p for p in path.rglob("*") if p.is_file()):
            rel = child.relative_to(path)
            if any(part.startswith(".") for part in rel.parts) or child.name in SKIP_NAMES:
                continue
            yield from _iter_file(child, str(rel))
    elif path.is_file():
        yield from _iter_file(path, path.name)
    else:
        yield Item(name=str(path), error="no such file or folder")


def _iter_file(path: Path, name: str) -> Iterator[Item]:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            yield Item(name=name, error=file_too_large(size))
            return
        data = path.read_bytes()
    except OSError as exc:
        yield Item(name=name, error=f"cannot read: {exc.strerror or exc}")
        return
    yield from iter_bytes(name, data)


def file_too_large(size: int) -> str:
    return f"file too large ({size / 1048576:.1f} MB; the limit is {MAX_FILE_BYTES // 1048576} MB)"


def iter_bytes(name: str, data: bytes) -> Iterator[Item]:
    """Bytes of one upload or file: expand zips and feeds, pass everything else through."""
    if len(data) > MAX_FILE_BYTES:
        yield Item(name=name, error=file_too_large(len(data)))
    elif data[:4] == b"PK\x03\x04" and not _is_office(name, data):
        yield from iter_zip(name, data)
    elif looks_like_feed(data):
        try:
            yield from parse_feed(data, base_name=name)
        except InputError as exc:
            yield Item(name=name, error=str(exc))
    else:
        yield Item(name=name, data=data)


def _is_office(name: str, data: bytes) -> bool:
    return name.lower().endswith((".docx", ".docm", ".xlsx", ".pptx", ".odt")) or b"word/" in data[:4096]


def iter_zip(name: str, data: bytes) -> Iterator[Item]:
    import io

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [m for m in archive.infolist() if not m.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        yield Item(name=name, error=f"not a readable zip archive ({exc})")
        return
    problem = check_zip(members)
    if problem:
        yield Item(name=name, error=problem)
        return
    for member in members:
        member_name = f"{name}/{member.filename}"
        base = PurePosixPath(member.filename).name
        if base.startswith(".") or base in SKIP_NAMES or member.filename.startswith("__MACOSX/"):
            continue
        if member.flag_bits & 0x1:
            yield Item(name=member_name, error="encrypted zip member")
            continue
        try:
            with archive.open(member) as fh:
                content = fh.read(MAX_FILE_BYTES + 1)
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError) as exc:
            yield Item(name=member_name, error=f"unreadable zip member ({exc})")
            continue
        if len(content) > MAX_FILE_BYTES:
            yield Item(name=member_name, error=file_too_large(member.file_size))
        elif content[:4] == b"PK\x03\x04" and not _is_office(member_name, content):
            yield Item(name=member_name, error="nested archive skipped (unpack it first)")
        else:
            yield from iter_bytes(member_name, content)


def check_zip(members: list[zipfile.ZipInfo]) -> str:
    """Why this archive is refused as a whole (unsafe paths, too big, a zip bomb), or ""."""
    if len(members) > MAX_ZIP_MEMBERS:
        return f"zip archive refused: {len(members)} files (the limit is {MAX_ZIP_MEMBERS})"
    total = 0
    for m in members:
        fname = m.filename.replace("\\", "/")
        parts = PurePosixPath(fname).parts
        if fname.startswith("/") or re.match(r"^[A-Za-z]:", fname) or ".." in parts:
            return f"zip archive refused: unsafe path {m.filename!r} (absolute or containing '..')"
        total += m.file_size
        if m.compress_size and m.file_size / max(m.compress_size, 1) > MAX_ZIP_RATIO and m.file_size > 1024 * 1024:
            return (f"zip archive refused: {m.filename!r} expands {m.file_size // max(m.compress_size, 1)}-fold "
                    f"(a zip bomb?)")
    if total > MAX_ZIP_TOTAL:
        return (f"zip archive refused: {total / 1048576:.0f} MB uncompressed "
                f"(the limit is {MAX_ZIP_TOTAL // 1048576} MB)")
    return ""


# ---------------------------------------------------------------- feeds

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
DC_DATE = "{http://purl.org/dc/elements/1.1/}date"


def looks_like_feed(data: bytes) -> bool:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not head.startswith(b"<"):
        return False
    return head.startswith(b"<?xml") and (b"<rss" in data[:4096].lower() or b"<feed" in data[:4096].lower()
                                          or b"<rdf:rdf" in data[:4096].lower()) \
        or head.startswith((b"<rss", b"<feed"))


def parse_feed(data: bytes, base_name: str = "feed", fetch_articles: bool = True) -> list[Item]:
    """RSS 2.0 / RSS 1.0 / Atom -> one item per entry. Raises InputError when it is not a feed."""
    head = data[:65536]
    if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper():
        raise InputError("feed refused: XML document type declarations and entities are not accepted")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise InputError(f"not an RSS/Atom feed: the XML is malformed ({exc})") from None
    tag = root.tag.lower()
    entries = []
    if tag == "rss" or tag.endswith("rdf"):
        for node in root.iter():
            if node.tag in ("item", "{http://purl.org/rss/1.0/}item"):
                entries.append(_rss_entry(node))
    elif tag == f"{ATOM}feed".lower() or tag == "feed":
        for node in root.iter(f"{ATOM}entry"):
            entries.append(_atom_entry(node))
    else:
        raise InputError(f"not an RSS/Atom feed (root element <{root.tag}>)")
    items = []
    for i, entry in enumerate(entries, 1):
        title, link, date, body = entry
        name = title or link or f"{base_name} entry {i}"
        text_len = len(re.sub(r"<[^>]+>", " ", body or "").strip())
        if link and is_url(link) and fetch_articles and text_len < FEED_ARTICLE_MIN_CHARS:
            items.append(Item(name=name, url=link, title=title, date=date, meta={"fetch": True, "summary": body}))
        elif body:
            html = f"<html><head><title>{_esc(title)}</title></head><body><article><h1>{_esc(title)}</h1>" \
                   f"{body}</article></body></html>"
            items.append(Item(name=name, data=html.encode("utf-8"), url=link, title=title, date=date,
                              meta={"format": "html"}))
        else:
            items.append(Item(name=name, url=link, title=title, date=date, error="feed entry without text or link"))
    return items


def _esc(text: str) -> str:
    import html

    return html.escape(text or "")


def _text(node, path: str) -> str:
    found = node.find(path)
    return (found.text or "").strip() if found is not None and found.text else ""


def _rss_entry(node):
    ns1 = "{http://purl.org/rss/1.0/}"
    title = _text(node, "title") or _text(node, f"{ns1}title")
    link = _text(node, "link") or _text(node, f"{ns1}link") or _text(node, "guid")
    body = _text(node, CONTENT) or _text(node, "description") or _text(node, f"{ns1}description")
    date = parse_date(_text(node, "pubDate") or _text(node, DC_DATE))
    return title, link, date, body


def _atom_entry(node):
    title = _text(node, f"{ATOM}title")
    link = ""
    for lnk in node.findall(f"{ATOM}link"):
        if lnk.get("rel", "alternate") == "alternate" and lnk.get("href"):
            link = lnk.get("href")
            break
    body = _text(node, f"{ATOM}content") or _text(node, f"{ATOM}summary")
    date = parse_date(_text(node, f"{ATOM}published") or _text(node, f"{ATOM}updated"))
    return title, link, date, body


def parse_date(value: str) -> dt.date | None:
    if not value:
        return None
    try:
        return email.utils.parsedate_to_datetime(value).date()
    except (TypeError, ValueError, IndexError):
        pass
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", value)
    if match:
        try:
            return dt.date(*map(int, match.groups()))
        except ValueError:
            return None
    return None


# ---------------------------------------------------------------- URLs

class _NoFileRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if not is_url(newurl):
            raise InputError(f"redirect to a non-web address refused: {newurl}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch(url: str, *, timeout: float = FETCH_TIMEOUT, max_bytes: int = MAX_FETCH_BYTES) -> tuple[bytes, str]:
    """GET ``url`` -> (body, content type). http(s) only, bounded in time and size; InputError says why not."""
    if not is_url(url):
        raise InputError("only http:// and https:// addresses can be fetched")
    opener = urllib.request.build_opener(_NoFileRedirects)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
    try:
        with opener.open(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise InputError(f"response too large ({int(length) / 1048576:.1f} MB; the limit is "
                                 f"{max_bytes // 1048576} MB)")
            body = response.read(max_bytes + 1)
            if len(body) > max_bytes:
                raise InputError(f"response too large (over {max_bytes // 1048576} MB)")
            return body, response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        raise InputError(f"the server answered HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, socket.timeout | TimeoutError):
            raise InputError(f"no answer within {timeout:g} s (timed out)") from None
        raise InputError(f"unreachable: {getattr(reason, 'strerror', None) or reason}") from None
    except TimeoutError:
        raise InputError(f"no answer within {timeout:g} s (timed out)") from None
    except (OSError, ValueError) as exc:
        raise InputError(f"fetch failed: {exc}") from None


def iter_url(url: str, *, expect_feed: bool = False, timeout: float = FETCH_TIMEOUT) -> Iterator[Item]:
    """A feed URL -> its entries; a page URL -> one item. Raises InputError for the URL as a whole."""
    body, content_type = fetch(url, timeout=timeout)
    if looks_like_feed(body):
        yield from parse_feed(body, base_name=url)
        return
    if expect_feed:
        kind = content_type.split(";")[0].strip() or "unknown content"
        raise InputError(f"not an RSS/Atom feed (the address returned {kind})")
    yield Item(name=url, data=body, url=url)


def load_item(item: Item, timeout: float = FETCH_TIMEOUT) -> Item:
    """Fetch the article of a feed entry whose text is only a summary (falls back to the summary)."""
    if item.data is not None or item.error or not item.meta.get("fetch"):
        return item
    try:
        item.data, _ = fetch(item.url, timeout=timeout)
    except InputError as exc:
        summary = item.meta.get("summary") or ""
        if summary:
            item.data = f"<html><body><h1>{_esc(item.title)}</h1>{summary}</body></html>".encode()
            item.meta["warning"] = f"article not fetched ({exc}); used the feed summary"
        else:
            item.error = f"article not fetched: {exc}"
    return item
