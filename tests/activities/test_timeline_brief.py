import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from amity.activities import timeline
from amity.activities.brief import build_brief
from amity.activities.models import Agreement
from amity.activities.services import create_activity
from amity.partners.models import Partnership, Post

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(editor, japan, person, vufo):
    Partnership.objects.create(country=japan, level="comprehensive_strategic", date_from=dt.date(2023, 11, 27))
    Post.objects.create(person=person, title="Chairman", organisation=None, date_from=dt.date(2020, 1, 1))
    today = timezone.localdate()
    past = create_activity(user=editor, type="visit_out", title="President's state visit to Japan",
                           start=today - dt.timedelta(days=40), countries=[japan], pillar="state",
                           money_amount=2500000, money_currency="USD", money_kind="aid_pledge")
    past.level = "president"
    past.save()
    create_activity(user=editor, type="cultural_exchange", title="Lễ hội văn hoá Việt Nam – Nhật Bản",
                    start=today + dt.timedelta(days=20), countries=[japan], persons=[person])
    agreement = Agreement.objects.create(title="MoU on youth exchange", kind="mou", status="in_force",
                                         signed_on=today - dt.timedelta(days=400),
                                         in_force_from=today - dt.timedelta(days=400),
                                         in_force_until=today + dt.timedelta(days=100), owner=vufo)
    agreement.countries.add(japan)
    return japan


def test_timeline_merges_sources_and_accepts_plugins(partner, monkeypatch):
    news = timeline.Entry(timezone.localdate(), "news", "Japan pledges support for Hue festival", "https://x.example")
    monkeypatch.setattr(timeline, "TIMELINE_SOURCES", [*timeline.TIMELINE_SOURCES, lambda obj: [news]])
    entries = timeline.timeline_for(partner)
    kinds = {e.kind for e in entries}
    assert {"activity", "partnership", "agreement", "news"} <= kinds
    assert [e.date for e in entries] == sorted((e.date for e in entries), reverse=True)
    assert any(e.money.startswith("2,500,000 USD") for e in entries)


def test_timeline_panel_on_country_organisation_and_person_pages(editor_client, partner, person, vufo):
    page = editor_client.get(partner.get_absolute_url()).content.decode()
    assert "activity-timeline" in page and "President&#x27;s state visit to Japan" in page
    assert reverse("activities:brief", args=["country", "JP", "pdf"]) in page
    assert "Lễ hội văn hoá" in editor_client.get(person.get_absolute_url()).content.decode()
    assert "activity-timeline" in editor_client.get(vufo.get_absolute_url()).content.decode()


def test_brief_content_in_both_languages(partner):
    en = build_brief(partner, "en")
    text = "\n".join(line for _h, lines in en.sections for line in lines)
    assert en.title == "Partner brief: Japan"
    assert "Comprehensive strategic partnership (since 2023-11-27)" in text
    assert "President's state visit to Japan" in text and "MoU on youth exchange" in text
    assert "Lễ hội văn hoá" in text and "Tanaka Hiroshi" in text
    vi = build_brief(partner, "vi")
    assert vi.title == "Thông tin tóm tắt về đối tác: Nhật Bản"
    assert vi.sections[0][0].startswith("Khuôn khổ quan hệ")


def test_brief_docx_and_pdf_are_readable(editor_client, partner):
    from docx import Document
    from pypdf import PdfReader

    url = reverse("activities:brief", args=["country", "JP", "docx"])
    response = editor_client.get(url, {"lang": "vi"})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Thông tin tóm tắt về đối tác: Nhật Bản" in text and "Tiếp xúc cấp cao gần đây" in text
    assert "President's state visit to Japan" in text and "MoU on youth exchange" in text
    response = editor_client.get(reverse("activities:brief", args=["country", "JP", "pdf"]), {"lang": "vi"})
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1  # a one-page brief
    pdf_text = reader.pages[0].extract_text()
    assert "Nhật Bản" in pdf_text and "Tiếp xúc cấp cao" in pdf_text and "Lễ hội văn hoá" in pdf_text
    en_text = PdfReader(io.BytesIO(editor_client.get(
        reverse("activities:brief", args=["country", "JP", "pdf"]), {"lang": "en"}).content)).pages[0].extract_text()
    assert "Partner brief: Japan" in en_text and "Agreements in force" in en_text


def test_brief_for_person_and_organisation_and_bad_urls(editor_client, partner, person, vufo):
    from docx import Document

    for kind, key in (("person", person.pk), ("organisation", vufo.pk)):
        response = editor_client.get(reverse("activities:brief", args=[kind, key, "docx"]))
        assert response.status_code == 200
        assert Document(io.BytesIO(response.content)).paragraphs[0].text.startswith("Partner brief")
    assert editor_client.get(reverse("activities:brief", args=["planet", "1", "pdf"])).status_code == 404
    assert editor_client.get(reverse("activities:brief", args=["person", "abc", "pdf"])).status_code == 404
    assert editor_client.get(reverse("activities:brief", args=["country", "JP", "exe"])).status_code == 404
