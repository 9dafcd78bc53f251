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
import time
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
FETCH_DEADLINE = 60.0  # a whole response, however slowly it trickles in (FETCH_TIMEOUT is per network read)
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
        for child, rel in _folder_files(path):
            yield from _iter_file(child, rel)
    elif path.is_file():
        yield from _iter_file(path, path.name)
    else:
        yield Item(name=str(path), error="no such file or folder")


def _folder_files(folder: Path) -> list[tuple[Path, str]]:
    """(file, name relative to the folder) of every file ``iter_path`` reads in ``folder``, sorted."""
    out = []
    for child in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = child.relative_to(folder)
        if not (any(part.startswith(".") for part in rel.parts) or child.name in SKIP_NAMES):
            out.append((child, str(rel)))
    return out


def count_files(path: Path) -> int:
    """How many files ``iter_path(path)`` reads (a zip or a feed counts as one): the expected total of a run,
    known before any file is read, so a folder is never held in memory whole."""
    path = Path(path)
    return len(_folder_files(path)) if path.is_dir() else 1


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
        unsupported = unsupported_format(name, data)
        if unsupported:
            yield Item(name=name, error=unsupported)
        else:
            yield Item(name=name, data=data, date=embedded_date(name, data))


def _is_office(name: str, data: bytes) -> bool:
    return name.lower().endswith((".docx", ".docm", ".xlsx", ".pptx", ".odt")) or b"word/" in data[:4096]


_MAGIC = (  # content signature -> what it is; these are never read as documents, whatever the file is called
    (b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"), (b"II*\x00", "a TIFF image"), (b"MM\x00*", "a TIFF image"), (b"BM", None),
    (b"ID3\x03", "an MP3 audio file"), (b"ID3\x04", "an MP3 audio file"),
    (b"OggS", "an Ogg audio/video file"), (b"fLaC", "a FLAC audio file"), (b"\x1aE\xdf\xa3", "a video (WebM/MKV)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office file (.doc/.xls/.ppt): save it as .docx or PDF"),
    (b"\x1f\x8b", "a gzip archive: unpack it first"), (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive: unpack it first"),
    (b"Rar!\x1a\x07", "a RAR archive: unpack it first"), (b"\x7fELF", "a program (ELF)"), (b"MZ", None),
    (b"{\\rtf", "an RTF file: save it as .docx or PDF"),
)


def unsupported_format(name: str, data: bytes) -> str:
    """Why the content is not a readable document (an image, audio, an old Office file, an archive other than
    zip, a program, a spreadsheet), named by its content so a wrong extension does not hide it; or ""."""
    head = data[:16]
    what = None
    for magic, label in _MAGIC:
        if head.startswith(magic):
            what = label
            if label is None and magic == b"MZ" and b"PE\x00\x00" in data[:1024]:
                what = "a Windows program"
            elif label is None and magic == b"BM" and len(data) > 26 and b"\x00" in data[2:14]:
                what = "a BMP image"
            break
    if what is None and head[4:8] == b"ftyp":
        what = "an MP4/MOV video or audio file"
    if what is None and head.startswith(b"RIFF") and data[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        what = {b"WEBP": "a WebP image", b"WAVE": "a WAV audio file", b"AVI ": "an AVI video"}[data[8:12]]
    if what is None and head.startswith(b"PK\x03\x04") and b"word/" not in data[:4096]:
        if b"xl/" in data[:4096]:
            what = "an Excel workbook (.xlsx): spreadsheets are not read as documents"
        elif b"ppt/" in data[:4096]:
            what = "a PowerPoint file (.pptx): save it as PDF"
    if what is None:
        return ""
    suffix = PurePosixPath(name).suffix.lower()
    named = f" (named {suffix})" if suffix else ""
    return f"not a document: the content is {what}{named}"


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


# ---------------------------------------------------------------- a file's own date

_META_TAG = re.compile(rb"<meta\s[^>]{0,600}>", re.I)
_ATTR = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_META_DATE_NAMES = (  # best first
    b"article:published_time", b"og:published_time", b"datepublished", b"date", b"pubdate", b"publishdate",
    b"publish-date", b"publication_date", b"dc.date", b"dc.date.issued", b"dcterms.date", b"dcterms.created",
    b"sailthru.date", b"parsely-pub-date", b"citation_publication_date", b"article.published",
)
_JSONLD_DATE = re.compile(rb'"datePublished"\s*:\s*"([^"]{8,40})"')
_TIME_TAG = re.compile(rb"<time\b[^>]{0,300}?\bdatetime\s*=\s*[\"']?([^\"'>\s]{8,40})", re.I)
_PDF_DATE = re.compile(rb"/CreationDate\s*\(\s*D(?::|\\072)((?:19|20)\d{6})")
_CORE_DATE = re.compile(rb"<dcterms:(created|modified)[^>]*>\s*((?:19|20)\d\d-\d\d-\d\d)")
HTML_DATE_BYTES = 128 * 1024


def embedded_date(name: str, data: bytes) -> dt.date | None:
    """The date a file carries itself, when cheap to read: HTML meta (``article:published_time``, ``date``,
    JSON-LD ``datePublished``, else the first ``<time datetime>``), DOCX core properties (created, else
    modified), PDF ``/CreationDate`` when the info dictionary is not compressed. None when there is none;
    plausibility (not in the future) is checked by :mod:`amity.intake.dating`."""
    try:
        head = data[:8]
        if head.startswith(b"%PDF"):
            match = _PDF_DATE.search(data, max(0, len(data) - 65536)) or _PDF_DATE.search(data, 0, 65536)
            return _ymd(match.group(1)) if match else None
        if head.startswith(b"PK\x03\x04"):
            return _docx_date(data) if _is_office(name, data) else None
        start = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
        if start == b"<" or b"<html" in data[:2048].lower():
            return _html_date(data[:HTML_DATE_BYTES])
    except Exception:  # a date is a bonus: never fail an item over it
        return None
    return None


def _ymd(raw: bytes) -> dt.date | None:
    try:
        return dt.date(int(raw[:4]), int(raw[4:6]), int(raw[6:8]))
    except ValueError:
        return None


def _html_date(head: bytes) -> dt.date | None:
    end = head.lower().find(b"</head>")
    meta_zone = head[:end] if end > 0 else head
    best: tuple[int, dt.date] | None = None
    if b"<meta" in meta_zone or b"<META" in meta_zone:
        for tag in _META_TAG.finditer(meta_zone):
            attrs = {m.group(1).lower(): (m.group(2) or m.group(3) or m.group(4) or b"")
                     for m in _ATTR.finditer(tag.group(0))}
            key = (attrs.get(b"property") or attrs.get(b"name") or attrs.get(b"itemprop") or b"").lower()
            if key in _META_DATE_NAMES and attrs.get(b"content"):
                rank = _META_DATE_NAMES.index(key)
                value = parse_date(attrs[b"content"].decode("ascii", "replace").strip())
                if value is not None and (best is None or rank < best[0]):
                    best = (rank, value)
    if best is not None:
        return best[1]
    match = _JSONLD_DATE.search(head)
    if match:
        value = parse_date(match.group(1).decode("ascii", "replace"))
        if value is not None:
            return value
    match = _TIME_TAG.search(head)
    return parse_date(match.group(1).decode("ascii", "replace")) if match else None


def _docx_date(data: bytes) -> dt.date | None:
    import io

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        try:
            info = archive.getinfo("docProps/core.xml")
        except KeyError:
            return None
        if info.file_size > 256 * 1024:
            return None
        core = archive.read(info)
    found = dict((kind, value) for kind, value in _CORE_DATE.findall(core))
    raw = found.get(b"created") or found.get(b"modified")
    return parse_date(raw.decode("ascii")) if raw else None


# ---------------------------------------------------------------- URLs

def _read_until(response, limit: int, end: float, deadline: float) -> bytes:
    """Read at most ``limit`` bytes in chunks; a server trickling its answer past ``end`` is given up on."""
    chunks, size = [], 0
    read = getattr(response, "read1", response.read)
    while size < limit:
        chunk = read(min(65536, limit - size))  # one network read: the deadline is checked often
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        if time.monotonic() > end:
            raise InputError(f"too slow: the answer did not arrive within {deadline:g} s")
    return b"".join(chunks)


class _NoFileRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if not is_url(newurl):
            raise InputError(f"redirect to a non-web address refused: {newurl}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch(url: str, *, timeout: float = FETCH_TIMEOUT, max_bytes: int = MAX_FETCH_BYTES,
          deadline: float | None = None) -> tuple[bytes, str]:
    """GET ``url`` -> (body, content type). http(s) only, bounded in time (``timeout`` per read, ``deadline`` for
    the whole body: default FETCH_DEADLINE, at least the timeout) and size; InputError says why not."""
    deadline = max(deadline if deadline is not None else FETCH_DEADLINE, timeout)
    end = time.monotonic() + deadline
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
            body = _read_until(response, max_bytes + 1, end, deadline)
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
    yield Item(name=url, data=body, url=url, date=embedded_date(url, body))


def load_item(item: Item, timeout: float = FETCH_TIMEOUT) -> Item:
    """Fetch the article of a feed entry whose text is only a summary (falls back to the summary)."""
    if item.data is not None or item.error or not item.meta.get("fetch"):
        return item
    try:
        item.data, _ = fetch(item.url, timeout=timeout)
        if item.date is None:  # the feed gave no date: the article page may
            item.date = embedded_date(item.url, item.data)
    except InputError as exc:
        summary = item.meta.get("summary") or ""
        if summary:
            item.data = f"<html><body><h1>{_esc(item.title)}</h1>{summary}</body></html>".encode()
            item.meta["warning"] = f"article not fetched ({exc}); used the feed summary"
        else:
            item.error = f"article not fetched: {exc}"
    return item
