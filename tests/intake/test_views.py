"""Web pages: document search, detail, original download, ingest (upload, zip, paste, feed), run progress."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from amity.intake import pipeline, views
from amity.intake.models import Document, IngestRun, RunStatus, Source

pytestmark = pytest.mark.django_db

TEXT = ("Ha Noi, 3 March 2025 — The Viet Nam - Cuba Friendship Association met a delegation of the Cuban Institute "
        "of Friendship with the Peoples (ICAP). The two sides discussed solidarity activities and a shipment of "
        "rice donated by Vietnamese localities. <script>alert('x')</script> ") * 3


def test_pages_need_login(client):
    assert client.get(reverse("intake:document_list")).status_code == 302


def test_nav_has_documents_and_ingest(analyst_client):
    html = analyst_client.get("/").content.decode()
    assert reverse("intake:document_list") in html and reverse("intake:ingest") in html


def test_search_page_results_facets_and_escaping(var_dir, analyst_client):
    pipeline.execute_run(pipeline.create_run(texts=[TEXT], title="Cuba <b>solidarity</b>"))
    response = analyst_client.get(reverse("intake:document_list"), {"q": 'cuba "friendship association"'})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<mark>Cuba</mark>" in html and "<mark>Friendship Association</mark>" in html
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "<mark>Cuba</mark> &lt;b&gt;solidarity&lt;/b&gt;" in html
    partial = analyst_client.get(reverse("intake:document_list"), {"q": "cuba", "sort": "date"},
                                 HTTP_HX_REQUEST="true", HTTP_HX_TARGET="document-results")
    assert "<html" not in partial.content.decode() and "1 document" in partial.content.decode()
    for q in ['"', "NEAR(", "*", "a AND (b"]:
        assert analyst_client.get(reverse("intake:document_list"), {"q": q}).status_code == 200
    bad_dates = analyst_client.get(reverse("intake:document_list"), {"q": "cuba", "date_from": "not a date"})
    assert bad_dates.status_code == 200


def test_detail_and_original_download(var_dir, analyst_client):
    pipeline.execute_run(pipeline.create_run(texts=[TEXT]))
    doc = Document.objects.get()
    html = analyst_client.get(doc.get_absolute_url(), {"q": "cuba"}).content.decode()
    assert "<mark>Cuba</mark>" in html and "<script>alert" not in html
    response = analyst_client.get(reverse("intake:document_original", args=[doc.pk]))
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/octet-stream"
    assert b"".join(response.streaming_content) == TEXT.encode()


def test_analyst_cannot_ingest(analyst_client):
    response = analyst_client.post(reverse("intake:ingest"), {"action": "paste", "text": TEXT})
    assert response.status_code == 403
    assert not IngestRun.objects.exists()


def _zip(entries):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_upload_several_files_and_a_zip(var_dir, editor_client, vufo):
    files = [
        SimpleUploadedFile("one.txt", TEXT.encode(), content_type="text/plain"),
        SimpleUploadedFile("two.html", b"<html><body><article><h1>Lao New Year</h1><p>"
                           + b"Lao students in Can Tho celebrated Bunpimay with friends. " * 10
                           + b"</p></article></body></html>", content_type="text/html"),
        SimpleUploadedFile("bundle.zip", _zip({"a/three.txt": "Hội hữu nghị Việt Nam - Ấn Độ tổ chức lễ kỷ niệm "
                                               "ngày Quốc khánh Ấn Độ tại Hà Nội với sự tham dự của đông đảo bạn bè. "
                                               .encode() * 4, "../evil.txt": b"x"}),
                           content_type="application/zip"),
        SimpleUploadedFile("good.zip", _zip({"four.txt": ("Quỹ hòa bình và phát triển Việt Nam trao học bổng "
                                                          "cho học sinh nghèo vượt khó. ").encode() * 5}),
                           content_type="application/zip"),
    ]
    response = editor_client.post(reverse("intake:ingest"), {"action": "upload", "files": files})
    run = IngestRun.objects.get()
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
    assert run.status == RunStatus.DONE
    items = {i.name: i for i in run.items.all()}
    assert items["one.txt"].status == "added"
    assert items["two.html"].status == "added"
    assert "unsafe path" in items["bundle.zip"].message
    assert items["good.zip/four.txt"].status == "added"
    assert set(Document.objects.values_list("owner", flat=True)) == {vufo.pk}
    assert Source.objects.get(kind="upload").name == "Uploads"
    assert not list((var_dir / "incoming").iterdir())  # parked uploads removed after the run
    page = editor_client.get(run.get_absolute_url()).content.decode()
    assert "unsafe path" in page and 'hx-trigger="every 1s"' not in page


def test_too_large_upload_is_refused_with_a_message(var_dir, editor_client, monkeypatch):
    monkeypatch.setattr(views, "MAX_UPLOAD_REQUEST", 1000)
    response = editor_client.post(reverse("intake:ingest"), {
        "action": "upload", "files": [SimpleUploadedFile("big.txt", b"x" * 5000)]}, follow=True)
    assert "too large" in response.content.decode()
    assert not IngestRun.objects.exists()
    monkeypatch.setattr(views, "MAX_UPLOAD_REQUEST", 10**9)
    monkeypatch.setattr(views, "MAX_FILE_BYTES", 1000)
    editor_client.post(reverse("intake:ingest"), {"action": "upload", "files": [SimpleUploadedFile("big.txt",
                                                                                                   b"x" * 5000)]})
    assert "too large" in IngestRun.objects.get().items.get().message


def test_paste_and_feed(var_dir, editor_client, http_server):
    editor_client.post(reverse("intake:ingest"), {"action": "paste", "title": "Cuba", "text": TEXT})
    assert Document.objects.get().title == "Cuba"
    http_server.routes["/bad"] = (500, "text/plain", b"")
    url = f"{http_server.base}/bad"
    response = editor_client.post(reverse("intake:ingest"), {"action": "feed", "name": "Broken", "url": url})
    assert response.status_code == 302
    source = Source.objects.get(kind="feed")
    assert "HTTP 500" in source.last_error
    html = editor_client.get(source.get_absolute_url()).content.decode()
    assert "HTTP 500" in html
    check = editor_client.post(reverse("intake:source_check", args=[source.pk]))
    assert check.status_code == 302 and IngestRun.objects.filter(source=source).count() == 2
    assert editor_client.get(reverse("intake:source_list")).status_code == 200


def test_progress_polls_while_running(var_dir, editor_client):
    run = IngestRun.objects.create(label="x", status=RunStatus.RUNNING, total=10, done=3)
    html = editor_client.get(run.get_absolute_url()).content.decode()
    assert 'hx-trigger="every 1s"' in html and reverse("intake:run_progress", args=[run.pk]) in html
    partial = editor_client.get(reverse("intake:run_progress", args=[run.pk]))
    assert "3 of 10" in partial.content.decode() and "HX-Trigger" not in partial
    IngestRun.objects.filter(pk=run.pk).update(status=RunStatus.DONE, done=10)
    partial = editor_client.get(reverse("intake:run_progress", args=[run.pk]))
    assert 'hx-trigger="every 1s"' not in partial.content.decode() and partial["HX-Trigger"] == "run-finished"
    assert editor_client.get(reverse("intake:run_list")).status_code == 200
