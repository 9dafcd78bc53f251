"""Periodic job ``poll_sources``: active feeds fetched and watched folders re-scanned; a failing source gets its
message and the others go on; nothing new -> nothing added."""

from __future__ import annotations

import pytest

from amity.core import periodic
from amity.intake.models import Document, IngestRun, Source
from amity.intake.polling import poll_sources

pytestmark = pytest.mark.django_db

BODY = ("The Viet Nam - Laos Friendship Association of Nghe An province held a meeting with Lao students "
        "studying in the province to celebrate the traditional Bunpimay new year. ") * 5
RSS = f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>News</title>
<item><title>Bunpimay in Nghe An</title><link>https://news.example/b1</link>
<pubDate>Mon, 14 Apr 2025 08:00:00 +0700</pubDate><description><![CDATA[<p>{BODY}</p>]]></description></item>
</channel></rss>"""


def test_poll_sources(var_dir, http_server, tmp_path):
    http_server.routes["/feed.xml"] = (200, "application/rss+xml", RSS.encode())
    http_server.routes["/broken.xml"] = (500, "text/plain", b"oops")
    folder = tmp_path / "watched"
    folder.mkdir()
    (folder / "a.txt").write_text("Hà Nội, 12/3/2025 — Liên hiệp các tổ chức hữu nghị tiếp đoàn đại biểu Hội hữu "
                                  "nghị Pháp - Việt Nam. Hai bên trao đổi về hợp tác giáo dục và văn hóa.",
                                  encoding="utf-8")
    good = Source.objects.create(name="good", kind="feed", location=f"{http_server.base}/feed.xml")
    bad = Source.objects.create(name="bad", kind="feed", location=f"{http_server.base}/broken.xml")
    watched = Source.objects.create(name="watched", kind="folder", location=str(folder))
    gone = Source.objects.create(name="gone", kind="folder", location=str(tmp_path / "missing"))
    Source.objects.create(name="off", kind="feed", location=f"{http_server.base}/off.xml", active=False)

    result = poll_sources()
    assert result["feeds"] == 2 and result["folders"] == 1 and result["missing folders"] == 1
    assert result["added"] == 2 and result["failed"] == 1
    assert set(Document.objects.values_list("source__name", flat=True)) == {"good", "watched"}
    for source in (good, bad, watched, gone):
        source.refresh_from_db()
    assert "HTTP 500" in bad.last_error and good.last_error == ""
    assert "folder not found" in gone.last_error
    again = poll_sources()
    assert again["added"] == 0 and Document.objects.count() == 2
    assert IngestRun.objects.filter(label__startswith="periodic poll").count() == 2


def test_poll_sources_without_sources(var_dir):
    assert poll_sources() == {"sources": 0, "missing folders": 0}
    assert periodic.run_job("poll_sources", force=True).status == "done"
