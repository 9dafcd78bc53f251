"""The bad-input checklist of the intake issue, beyond tests/intake/test_pipeline.py and test_feeds.py:
a 200 MB upload refused before its body is read, files whose content is not what their name says, forged zip
sizes and unsafe paths, a feed that trickles forever, an empty or binary "feed", an encrypted PDF uploaded through
the web page. Each gets a clear message, the batch goes on and nothing else is lost."""

from __future__ import annotations

import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from amity.intake import inputs, pipeline
from amity.intake.models import Document, IngestRun, Source
from tests.intake.helpers import encrypted_pdf, make_zip

pytestmark = pytest.mark.django_db

ARTICLE = ("Hà Nội, 12/3/2025 — Liên hiệp các tổ chức hữu nghị Việt Nam tiếp đoàn đại biểu Hội hữu nghị Nhật Bản - "
           "Việt Nam. Hai bên trao đổi về hợp tác giáo dục, văn hóa và nhân đạo, thống nhất tổ chức giao lưu "
           "thanh niên tại Đà Nẵng vào mùa hè năm nay.")
ARTICLE2 = ("Can Tho, 20 June 2025 — The Viet Nam - Cambodia Friendship Association of Can Tho city awarded 200 "
            "scholarships to Cambodian students at local universities, and the two sides agreed on new exchanges "
            "of teachers and young volunteers between the Mekong provinces.")


_zip, _encrypted_pdf = make_zip, encrypted_pdf


def _xlsx() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.active["A1"] = "figures"
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


# ---------------------------------------------------------------- uploads

class NeverRead(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def readable(self):
        return True

    def read(self, *args):
        raise AssertionError("the request body was read")

    readinto = readline = read


def test_200_mb_upload_is_refused_before_its_body_is_read(var_dir, editor):
    client = Client(enforce_csrf_checks=True)  # the CSRF middleware must not parse the body first either
    client.force_login(editor)
    response = client.post(reverse("intake:ingest"), data=b"", content_type="multipart/form-data; boundary=x",
                           CONTENT_LENGTH=str(200 * 1024 * 1024), **{"wsgi.input": NeverRead()})
    assert response.status_code == 302 and response["Location"] == reverse("intake:ingest")
    page = client.get(response["Location"]).content.decode()
    assert "The upload is too large (200 MB" in page
    assert not IngestRun.objects.exists()
    assert not (var_dir / "incoming").exists() or not list((var_dir / "incoming").iterdir())


def test_oversized_request_refusal_needs_the_right_to_ingest(analyst_client):
    response = analyst_client.post(reverse("intake:ingest"), data=b"", content_type="application/octet-stream",
                                   CONTENT_LENGTH=str(200 * 1024 * 1024), **{"wsgi.input": NeverRead()})
    assert response.status_code == 403


def test_uploads_still_need_the_csrf_token(var_dir, editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post(reverse("intake:ingest"), {"action": "upload",
                                                      "files": [SimpleUploadedFile("a.txt", ARTICLE.encode())]})
    assert response.status_code == 403 and not IngestRun.objects.exists()


def test_mixed_upload_each_bad_file_has_its_message_and_the_rest_is_added(var_dir, editor_client):
    files = [
        SimpleUploadedFile("good.txt", ARTICLE.encode()),
        SimpleUploadedFile("secret.pdf", _encrypted_pdf(), content_type="application/pdf"),
        SimpleUploadedFile("photo.pdf", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4),
        SimpleUploadedFile("report.docx", _xlsx()),
        SimpleUploadedFile("bundle.zip", _zip({"inner/two.txt": ARTICLE2.encode(), "/abs.txt": b"x"})),
        SimpleUploadedFile("ok.zip", _zip({"inner/two.txt": ARTICLE2.encode()})),
    ]
    response = editor_client.post(reverse("intake:ingest"), {"action": "upload", "files": files})
    run = IngestRun.objects.get()
    assert response.status_code == 302 and run.status == "done"
    items = {i.name: i for i in run.items.all()}
    assert items["good.txt"].status == "added" and items["ok.zip/inner/two.txt"].status == "added"
    assert items["secret.pdf"].status == "failed" and items["secret.pdf"].message == "encrypted PDF"
    assert Document.objects.get(original_name="secret.pdf").error == "encrypted PDF"  # on the document too
    assert items["photo.pdf"].message == "not a document: the content is a PNG image (named .pdf)"
    assert "Excel workbook" in items["report.docx"].message
    assert "unsafe path '/abs.txt'" in items["bundle.zip"].message
    assert run.added == 2 and run.failed == 4
    page = editor_client.get(run.get_absolute_url()).content.decode()
    assert "encrypted PDF" in page and "PNG image" in page


# ---------------------------------------------------------------- files whose content is not what the name says

@pytest.mark.parametrize("name, data, expected", [
    ("photo.txt", b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(256), "a JPEG image (named .txt)"),
    ("notes.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "an old Office file"),
    ("feed.xml", b"\x1f\x8b\x08\x00" + bytes(64), "a gzip archive"),
    ("song.html", b"ID3\x04\x00" + bytes(64), "an MP3 audio file"),
    ("clip.pdf", b"\x00\x00\x00\x18ftypmp42" + bytes(64), "MP4/MOV"),
    ("setup.txt", b"MZ" + bytes(60) + b"PE\x00\x00" + bytes(64), "a Windows program"),
])
def test_content_decides_not_the_name(name, data, expected):
    [item] = inputs.iter_bytes(name, data)
    assert item.data is None and expected in item.error and item.error.startswith("not a document")


@pytest.mark.parametrize("text", ["BMW and Vietnamese partners opened a plant.", "MZ and friends met.",
                                  "ID3 is a tag format.", "GIF8 is not an image here."])
def test_text_that_starts_like_a_signature_is_still_text(text):
    [item] = inputs.iter_bytes("note.txt", text.encode())
    assert item.data == text.encode() and not item.error


def test_wrong_extensions_that_are_readable_are_read(var_dir, tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph(ARTICLE2)
    buf = io.BytesIO()
    document.save(buf)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "letter.pdf").write_bytes(buf.getvalue())      # a Word file called .pdf
    (folder / "article.docx").write_text(ARTICLE, encoding="utf-8")  # text called .docx
    run = pipeline.execute_run(pipeline.create_run(paths=[folder]))
    items = {i.name: i for i in run.items.all()}
    assert run.added == 2, items
    assert "Mekong" in Document.objects.get(original_name="letter.pdf").text


# ---------------------------------------------------------------- zips

def test_zip_with_forged_sizes_is_stopped(tmp_path):
    import struct

    data = bytearray(_zip({"bomb.txt": b"0" * (5 * 1024 * 1024), "fine.txt": ARTICLE.encode()}))
    pos = data.find(b"PK\x01\x02")  # central directory entry of bomb.txt: claim it is 1000 bytes
    struct.pack_into("<I", data, pos + 24, 1000)
    items = {i.name: i for i in inputs.iter_bytes("forged.zip", bytes(data))}
    assert items["forged.zip/bomb.txt"].data is None and "Bad CRC" in items["forged.zip/bomb.txt"].error
    assert items["forged.zip/fine.txt"].data == ARTICLE.encode()


@pytest.mark.parametrize("member", ["../up.txt", "a/../../up.txt", "/etc/up.txt", "C:/up.txt", "a\\..\\..\\up.txt"])
def test_zip_with_unsafe_paths_is_refused_whole(member):
    [item] = inputs.iter_bytes("evil.zip", _zip({"fine.txt": ARTICLE.encode(), member: b"x"}))
    assert item.data is None and "unsafe path" in item.error


# ---------------------------------------------------------------- feeds

@pytest.fixture
def trickle_server():
    """Answers 200 with headers at once, then one byte at a time, until the test ends."""
    stop = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.end_headers()
            self.wfile.write(b"<?xml version='1.0'?><rss><channel>")
            self.wfile.flush()
            while not stop.wait(0.02):
                try:
                    self.wfile.write(b" ")
                    self.wfile.flush()
                except OSError:
                    return

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    stop.set()
    server.shutdown()
    server.server_close()


def test_feed_that_trickles_forever_is_given_up(trickle_server):
    with pytest.raises(inputs.InputError, match="too slow"):
        inputs.fetch(f"{trickle_server}/feed", timeout=1, deadline=0.3)


def test_trickling_feed_in_a_run_fails_its_source_only(var_dir, trickle_server, http_server, monkeypatch):
    monkeypatch.setattr(inputs, "FETCH_DEADLINE", 0.3)
    http_server.routes["/page"] = (200, "application/rss+xml", (
        f"<rss version='2.0'><channel><item><title>Can Tho</title><description>{ARTICLE2}</description></item>"
        "</channel></rss>").encode())
    slow = Source.objects.create(name="slow", kind="feed", location=f"{trickle_server}/feed")
    run = pipeline.execute_run(pipeline.create_run(urls=[slow.location, f"{http_server.base}/page"],
                                                   expect_feed=True), timeout=1)
    slow.refresh_from_db()
    assert "too slow" in slow.last_error
    assert run.failed == 1 and run.added == 1 and run.status == "done"


@pytest.mark.parametrize("route, expected", [
    ((200, "application/rss+xml", b""), "not an RSS/Atom feed"),
    ((200, "application/json", b'{"items": []}'), "not an RSS/Atom feed (the address returned application/json)"),
    ((200, "application/octet-stream", b"\x89PNG\r\n\x1a\n" + bytes(64)), "not an RSS/Atom feed"),
    ((503, "text/html", b"busy"), "HTTP 503"),
])
def test_more_feeds_that_are_not_feeds(var_dir, http_server, route, expected):
    http_server.routes["/feed"] = route
    source = Source.objects.create(name="f", kind="feed", location=f"{http_server.base}/feed")
    run = pipeline.execute_run(pipeline.create_run(urls=[source.location], source=source, expect_feed=True),
                               timeout=2)
    source.refresh_from_db()
    assert expected in source.last_error and run.failed == 1 and run.status == "done"
