"""The e-mail digest goes through Django's SMTP backend to a real SMTP server (aiosmtpd) on a free local port."""

import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command

from amity.monitor.alerts import match_document
from amity.monitor.models import Alert, Watchlist


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    controller.stop()


def test_daily_and_weekly_digests(smtp, make_doc, editor, analyst, capsys):
    editor.email, analyst.email = "editor@example.org", "analyst@example.org"
    editor.save()
    analyst.save()
    daily = Watchlist.objects.create(user=editor, name="Friendship <daily>", keywords=["friendship"], digest="daily")
    Watchlist.objects.create(user=analyst, name="Weekly", keywords=["friendship"], digest="weekly")
    quiet = Watchlist.objects.create(user=editor, name="No mail", keywords=["friendship"])
    docs = [make_doc(f"Friendship exchange number {i}.", title=f"Exchange {i}") for i in range(3)]
    for d in docs:
        match_document(d)
    Alert.objects.filter(watchlist=daily, document=docs[2]).update(relevant=False)  # marked irrelevant: not mailed

    call_command("send_digests", "--period", "daily", "--site-url", "https://amity.example.org")
    assert "1 digest e-mail(s) sent (daily)." in capsys.readouterr().out
    assert len(smtp.messages) == 1
    rcpt, message = smtp.messages[0]
    assert rcpt == ["editor@example.org"] and "2 new document" in message["subject"]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Exchange 0" in text and "Exchange 1" in text and "Exchange 2" not in text
    assert "https://amity.example.org/intake/documents/" in text
    assert "Friendship &lt;daily&gt;" in html  # escaped in HTML
    assert "No mail" not in text

    call_command("send_digests", "--period", "daily")  # nothing new: nothing sent
    assert len(smtp.messages) == 1
    call_command("send_digests", "--period", "weekly")
    assert len(smtp.messages) == 2 and smtp.messages[1][0] == ["analyst@example.org"]
    assert Alert.objects.filter(watchlist=quiet, emailed_at__isnull=False).count() == 0
    assert Alert.objects.filter(watchlist=daily, emailed_at__isnull=False).count() == 2


def test_users_without_address_get_no_mail(smtp, make_doc, editor):
    Watchlist.objects.create(user=editor, name="x", keywords=["friendship"], digest="daily")
    match_document(make_doc("Friendship."))
    call_command("send_digests", "--period", "daily")
    assert smtp.messages == [] and Alert.objects.get().emailed_at is None
