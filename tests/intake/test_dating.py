"""Document dates: the item's own date, then the engine's, then a dateline, then the file's modification time;
never after tomorrow; where the date came from is kept in ``extraction["date_source"]``."""

from __future__ import annotations

import datetime as dt
import io
import os
from types import SimpleNamespace

import pytest
from django.utils import timezone

from amity.intake import dating, pipeline
from amity.intake.inputs import Item, embedded_date, iter_bytes, parse_feed
from amity.intake.models import Document, DocumentStatus

BODY = (
    " The Viet Nam Union of Friendship Organisations welcomed a delegation of the Japan-Viet Nam Friendship "
    "Association on a working visit. The two sides reviewed people-to-people exchanges in education, culture "
    "and humanitarian aid, and agreed to organise a youth exchange in Da Nang in the summer. The association "
    "presented scholarships for students in the central provinces and proposed closer cooperation between "
    "localities of the two countries on heritage conservation and tourism promotion in the coming years."
)
BODY2 = (
    " The provincial friendship union handed over two hundred bicycles to pupils of mountain schools, funded by a "
    "charity fund from Korea. Teachers said the gifts would help children from remote villages reach classes "
    "during the rainy season, and local leaders thanked the donors for their generosity and lasting commitment."
)
BODY3 = (
    " A photo exhibition on the history of relations between the two nations opened at the cultural centre, "
    "showing archive pictures of state visits, student exchanges and joint rescue missions, and visitors were "
    "invited to share memories of friends met over five decades of cooperation in science and the arts."
)


@pytest.mark.parametrize("text, expected", [
    ("Hà Nội, 12/3/2025\nVUFO welcomed friends.", dt.date(2025, 3, 12)),
    ("HANOI, March 12, 2025 — The two sides met.", dt.date(2025, 3, 12)),
    ("Ngày 12 tháng 3 năm 2025, tại Hà Nội, hai bên đã gặp nhau.", dt.date(2025, 3, 12)),
    ("A headline\nHANOI (VNA) – 12/03/2025 08:00\nBody.", dt.date(2025, 3, 12)),
    ("Cập nhật: 12/03/2025\nNội dung.", dt.date(2025, 3, 12)),
    ("Thứ Tư, 12/3/2025 - 10:05", dt.date(2025, 3, 12)),
    ("Hanoi, 2025-03-12: talks", dt.date(2025, 3, 12)),
    # not datelines: a date deep in a sentence, a date without its year, no date at all
    ("The ministry announced that the delegation will arrive in Tokyo on March 12, 2025.", None),
    ("Hà Nội, ngày 12/3 — hai bên gặp nhau.", None),
    ("No date here.", None),
    ("", None),
])
def test_dateline(text, expected):
    assert dating.dateline_date(text) == expected


def test_dateline_reads_only_the_first_characters():
    assert dating.dateline_date("x" * 400 + "\nHà Nội, 12/3/2025") is None
    assert dating.dateline_date("Hà Nội, 12/3/2999 — future") is None


def test_plausible_never_after_tomorrow():
    today = timezone.localdate()
    assert dating.plausible(today + dt.timedelta(days=1)) == today + dt.timedelta(days=1)
    assert dating.plausible(today + dt.timedelta(days=2)) is None
    assert dating.plausible(dt.date(1899, 12, 31)) is None
    assert dating.plausible(None) is None


def _doc(date=None, **kw):
    return SimpleNamespace(date=date, source_id=None, original_name="x.txt", **kw)


def test_order_of_sources_and_marker():
    result = {"date": "2025-03-01"}
    assert dating.document_date(_doc(dt.date(2025, 2, 1)), result, "Hà Nội, 12/3/2025") == dt.date(2025, 2, 1)
    assert result["date_source"] == "item"
    result = {"date": "2025-03-01"}
    assert dating.document_date(_doc(), result, "Hà Nội, 12/3/2025") == dt.date(2025, 3, 1)
    assert result["date_source"] == "extraction"
    result = {"date": None}
    assert dating.document_date(_doc(), result, "Hà Nội, 12/3/2025\nBody") == dt.date(2025, 3, 12)
    assert result["date_source"] == "dateline"
    result = {"date": None, "date_source": "stale"}
    assert dating.document_date(_doc(), result, "Nothing") is None
    assert "date_source" not in result


def test_future_item_date_is_replaced():
    future = timezone.localdate() + dt.timedelta(days=30)
    result = {"date": future.isoformat()}  # the engine echoes the date it was given
    assert dating.document_date(_doc(future), result, "HANOI, March 12, 2025 — talks") == dt.date(2025, 3, 12)
    assert result["date_source"] == "dateline"
    result = {"date": future.isoformat()}
    assert dating.document_date(_doc(future), result, "Thursday 17/02/2026 | 07:05\nBody") == dt.date(2026, 2, 17)
    assert result["date_source"] == "extraction"


# ---------------------------------------------------------------- a file's own date

def test_html_meta_dates():
    page = (b'<html><head><meta name="date" content="2024-01-01">'
            b'<meta property="article:published_time" content="2025-03-12T08:00:00+07:00"></head><body></body></html>')
    assert embedded_date("a.html", page) == dt.date(2025, 3, 12)
    assert embedded_date("a.html", b"<html><head><meta name='pubdate' content='2024-02-03'></head></html>") == \
        dt.date(2024, 2, 3)
    assert embedded_date("a.html", b'<html><script>{"datePublished": "2023-02-03T00:00"}</script></html>') == \
        dt.date(2023, 2, 3)
    assert embedded_date("a.html", b'<html><body><time class="d" datetime="2024-05-06">6 May</time></html>') == \
        dt.date(2024, 5, 6)
    assert embedded_date("a.html", b'<html><head><meta name="date" content="soon"></head></html>') is None
    assert embedded_date("a.txt", b"Plain text 2025-03-12") is None
    [item] = iter_bytes("page.html", page)
    assert item.date == dt.date(2025, 3, 12)


def test_docx_and_pdf_properties():
    import docx
    from pypdf import PdfWriter

    document = docx.Document()
    document.add_paragraph("Hello")
    document.core_properties.created = dt.datetime(2022, 4, 5, 1, 2, 3)
    buf = io.BytesIO()
    document.save(buf)
    assert embedded_date("a.docx", buf.getvalue()) == dt.date(2022, 4, 5)
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.add_metadata({"/CreationDate": "D:20210304120000+07'00'"})
    buf = io.BytesIO()
    writer.write(buf)
    assert embedded_date("a.pdf", buf.getvalue()) == dt.date(2021, 3, 4)
    assert embedded_date("b.pdf", b"%PDF-1.4 /CreationDate (D:20219999)") is None
    assert embedded_date("c.pdf", b"%PDF-1.4 garbage") is None


# ---------------------------------------------------------------- through the pipeline

def _run(**params):
    return pipeline.execute_run(pipeline.create_run(**params))


@pytest.mark.django_db
def test_folder_documents_get_dated_and_marked(var_dir, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "dateline.txt").write_text("Friends meet\nHà Nội, 12/3/2025 —" + BODY, encoding="utf-8")
    (folder / "undated.txt").write_text("Friends meet again\n" + BODY2, encoding="utf-8")
    stamp = dt.datetime(2024, 7, 8, 12, 0, tzinfo=dt.UTC).timestamp()
    os.utime(folder / "undated.txt", (stamp, stamp))
    (folder / "page.html").write_text(
        '<html><head><meta property="article:published_time" content="2023-01-02T10:00:00+07:00"></head>'
        f"<body><article><h1>Friends</h1><p>{BODY3}</p></article></body></html>",
        encoding="utf-8")
    run = _run(paths=[folder])
    assert run.failed == 0, list(run.items.values_list("name", "message"))
    docs = {d.original_name: d for d in Document.objects.all()}
    assert docs["dateline.txt"].date == dt.date(2025, 3, 12)
    assert docs["dateline.txt"].extraction["date_source"] == "dateline"
    assert docs["undated.txt"].date == dt.date(2024, 7, 8)
    assert docs["undated.txt"].extraction["date_source"] == "file_mtime"
    assert docs["page.html"].date == dt.date(2023, 1, 2)
    assert docs["page.html"].extraction["date_source"] == "item"


@pytest.mark.django_db
def test_pasted_text_without_any_date_stays_undated(var_dir):
    _run(texts=["Friends meet\n" + BODY])
    doc = Document.objects.get()
    assert doc.status == DocumentStatus.DONE and doc.date is None and "date_source" not in doc.extraction


@pytest.mark.django_db
def test_single_document_step_uses_the_same_rules(var_dir):
    """``step_text`` (resumption, fallback path) dates documents like the batch path."""
    future = timezone.localdate() + dt.timedelta(days=40)
    doc = pipeline.store_item(Item(name="a.txt", data=("Hà Nội, 12/3/2025 —" + BODY).encode(), date=future)).document
    pipeline.process_document(doc)
    doc.refresh_from_db()
    assert doc.date == dt.date(2025, 3, 12) and doc.extraction["date_source"] == "dateline"


@pytest.mark.django_db
def test_feed_entry_date_wins_and_future_feed_dates_are_refused(var_dir):
    future = (timezone.localdate() + dt.timedelta(days=10)).strftime("%a, %d %b %Y 08:00:00 +0700")
    feed = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><title>One</title><pubDate>Wed, 05 Mar 2025 08:00:00 +0700</pubDate>
<description>HANOI, March 12, 2025 — {BODY}</description></item>
<item><title>Two</title><pubDate>{future}</pubDate>
<description>HANOI, March 14, 2025 — {BODY2}</description></item>
</channel></rss>""".encode()
    items = parse_feed(feed, fetch_articles=False)
    run = pipeline.execute_run(pipeline.create_run())
    ingestor = pipeline.Ingestor(run)
    ingestor.ingest_items(items)
    one, two = Document.objects.get(title="One"), Document.objects.get(title="Two")
    assert one.date == dt.date(2025, 3, 5) and one.extraction["date_source"] == "item"
    assert two.date == dt.date(2025, 3, 14) and two.extraction["date_source"] == "dateline"


@pytest.mark.django_db
def test_zip_members_in_a_folder_take_the_archive_date(var_dir, tmp_path):
    import zipfile

    folder = tmp_path / "in"
    folder.mkdir()
    with zipfile.ZipFile(folder / "bundle.zip", "w") as zf:
        zf.writestr("inner/undated.txt", "Friends meet\n" + BODY2)
    stamp = dt.datetime(2024, 2, 3, 12, 0, tzinfo=dt.UTC).timestamp()
    os.utime(folder / "bundle.zip", (stamp, stamp))
    _run(paths=[folder])
    doc = Document.objects.get()
    assert doc.original_name == "bundle.zip/inner/undated.txt"
    assert doc.date == dt.date(2024, 2, 3) and doc.extraction["date_source"] == "file_mtime"


def test_file_date_ignores_unusable_paths(tmp_path):
    source = SimpleNamespace(kind="folder", location=str(tmp_path))
    (tmp_path / "old.txt").write_text("x")
    os.utime(tmp_path / "old.txt", (0, 0))  # 1970: a broken copy, not a date

    def doc(name):
        d = SimpleNamespace(date=None, source_id=1, original_name=name, _state=SimpleNamespace(fields_cache={}))
        d._state.fields_cache["source"] = source
        return d

    assert dating.file_date(doc("old.txt")) is None
    assert dating.file_date(doc("../outside.txt")) is None
    assert dating.file_date(doc("missing.txt")) is None
    source.kind = "upload"
    (tmp_path / "new.txt").write_text("x")
    assert dating.file_date(doc("new.txt")) is None


@pytest.mark.django_db
def test_feed_entry_without_date_takes_the_article_page_date(var_dir, http_server):
    http_server.routes["/a"] = (200, "text/html", (
        '<html><head><meta property="article:published_time" content="2025-05-06T09:00:00+07:00"></head>'
        f"<body><article><h1>Exhibition</h1><p>{BODY3}</p></article></body></html>").encode())
    http_server.routes["/feed"] = (200, "application/rss+xml", (
        f"<rss version='2.0'><channel><item><title>Exhibition</title><link>{http_server.base}/a</link>"
        "<description>Short.</description></item></channel></rss>").encode())
    run = pipeline.execute_run(pipeline.create_run(urls=[f"{http_server.base}/feed"]), timeout=2)
    assert run.added == 1
    doc = Document.objects.get()
    assert doc.date == dt.date(2025, 5, 6) and doc.extraction["date_source"] == "item"


@pytest.mark.django_db
def test_resumed_folder_document_reads_its_source(var_dir, tmp_path):
    from amity.intake.models import Source

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "undated.txt").write_text("Friends meet\n" + BODY2, encoding="utf-8")
    stamp = dt.datetime(2024, 9, 1, 12, 0, tzinfo=dt.UTC).timestamp()
    os.utime(folder / "undated.txt", (stamp, stamp))
    source = Source.objects.create(name="in", kind="folder", location=str(folder))
    stored = pipeline.store_item(Item(name="undated.txt", data=(folder / "undated.txt").read_bytes()), source=source)
    fresh = Document.objects.get(pk=stored.document.pk)  # as a resumed run loads it: source not loaded
    pipeline.process_batch([fresh])
    fresh.refresh_from_db()
    assert fresh.date == dt.date(2024, 9, 1) and fresh.extraction["date_source"] == "file_mtime"
