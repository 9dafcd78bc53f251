"""RSS/Atom feeds and web pages from a local HTTP server (never the external network)."""

from __future__ import annotations

import pytest

from amity.intake import inputs, pipeline
from amity.intake.models import Document, Source

pytestmark = pytest.mark.django_db

LONG = ("The Viet Nam - Laos Friendship Association of Nghe An province held a meeting with Lao students "
        "studying in the province to celebrate the traditional Bunpimay new year. ") * 5

RSS = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Friendship news</title>
<item><title>Lao students celebrate Bunpimay</title><link>https://news.example/a1</link>
<pubDate>Mon, 14 Apr 2025 08:00:00 +0700</pubDate><content:encoded><![CDATA[<p>{LONG}</p>]]></content:encoded></item>
<item><title>Short item</title><link>{{base}}/article</link><description>Short summary.</description>
<pubDate>Tue, 15 Apr 2025 08:00:00 +0700</pubDate></item>
<item><title>Broken link</title><link>{{base}}/missing</link><description></description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Hội hữu nghị</title>
<entry><title>Gặp mặt hữu nghị Việt Nam - Cu Ba</title><link href="https://news.example/vi1"/>
<updated>2025-07-26T00:00:00Z</updated><content type="html">&lt;p&gt;{body}&lt;/p&gt;</content></entry>
</feed>"""

ARTICLE_HTML = ("<html><head><title>Hue and Kyoto deepen ties</title></head><body><article><h1>Hue and Kyoto "
                "deepen ties</h1><p>" + ("Delegates from Kyoto visited Hue to discuss heritage conservation. " * 12)
                + "</p></article></body></html>")


def run_urls(*urls, **params):
    return pipeline.execute_run(pipeline.create_run(urls=urls, **params), timeout=2)


def test_rss_feed_entries_and_linked_articles(var_dir, http_server):
    http_server.routes["/feed.xml"] = (200, "application/rss+xml",
                                       RSS.replace("{base}", http_server.base).encode())
    http_server.routes["/article"] = (200, "text/html; charset=utf-8", ARTICLE_HTML.encode())
    run = run_urls(f"{http_server.base}/feed.xml")
    items = {i.name: i for i in run.items.all()}
    assert items["Lao students celebrate Bunpimay"].status == "added"
    assert items["Short item"].status == "added"  # summary only: the article page was fetched
    assert items["Broken link"].status == "failed" and "404" in items["Broken link"].message
    doc = Document.objects.get(title="Lao students celebrate Bunpimay")
    assert str(doc.date) == "2025-04-14" and doc.url == "https://news.example/a1"
    kyoto = Document.objects.get(url=f"{http_server.base}/article")
    assert "heritage conservation" in kyoto.text and kyoto.format == "html"
    source = Source.objects.get(kind="feed")
    assert source.last_error == "" and source.last_checked_at
    again = run_urls(f"{http_server.base}/feed.xml")
    assert again.added == 0 and again.skipped == 2


def test_atom_feed_file(var_dir, tmp_path):
    path = tmp_path / "news.atom"
    path.write_text(ATOM.replace("{body}", "Hội hữu nghị Việt Nam - Cu Ba tổ chức gặp mặt kỷ niệm. " * 12),
                    encoding="utf-8")
    run = pipeline.execute_run(pipeline.create_run(paths=[path]))
    assert run.added == 1
    doc = Document.objects.get()
    assert doc.language == "vi" and str(doc.date) == "2025-07-26" and doc.title.startswith("Gặp mặt")


@pytest.mark.parametrize("route,expected", [
    ((500, "text/plain", b"oops"), "HTTP 500"),
    ((200, "application/rss+xml", b"<rss><channel><item><title>x</title></channel>"), "malformed"),
    ((200, "text/html", b"<html><body>Not a feed</body></html>"), "not an RSS/Atom feed"),
    ((200, "application/xml", b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaa">]><rss>&a;</rss>'),
     "entities"),
])
def test_bad_feeds_get_a_clear_message_on_the_source(var_dir, http_server, route, expected):
    http_server.routes["/feed"] = route
    url = f"{http_server.base}/feed"
    source = Source.objects.create(name="Feed", kind="feed", location=url)
    run = pipeline.execute_run(pipeline.create_run(urls=[url], source=source, expect_feed=True), timeout=2)
    source.refresh_from_db()
    assert expected in (source.last_error or run.items.get().message)
    assert run.failed == 1 and run.status == "done"


def test_unreachable_and_slow_feeds(var_dir, silent_port, closed_port):
    run = run_urls(f"http://127.0.0.1:{closed_port}/feed", f"http://127.0.0.1:{silent_port}/feed")
    errors = [s.last_error for s in Source.objects.order_by("pk")]
    assert "unreachable" in errors[0]
    assert "timed out" in errors[1]
    assert run.failed == 2 and run.status == "done"


def test_fetch_limits(http_server, monkeypatch):
    http_server.routes["/big"] = (200, "text/html", b"x" * 5000)
    with pytest.raises(inputs.InputError, match="too large"):
        inputs.fetch(f"{http_server.base}/big", max_bytes=1000)
    with pytest.raises(inputs.InputError, match="only http"):
        inputs.fetch("file:///etc/passwd")


def test_web_page_url(var_dir, http_server):
    http_server.routes["/page"] = (200, "text/html", ARTICLE_HTML.encode())
    run = run_urls(f"{http_server.base}/page")
    assert run.added == 1
    assert Document.objects.get().title == "Hue and Kyoto deepen ties"
