"""Documents that mention a partner appear on its timeline and in its brief's latest news."""

import datetime as dt

import pytest

from amity.activities.timeline import timeline_for
from amity.intake.models import Document, DocumentMention
from amity.partners.models import Country

pytestmark = pytest.mark.django_db


def test_news_mentions_on_the_partner_timeline():
    cuba = Country.objects.create(iso2="CU", iso3="CUB", name_en="Cuba")
    first = Document.objects.create(sha256="a" * 64, title="Solidarity rice for Cuba", date=dt.date(2025, 5, 2))
    copy = Document.objects.create(sha256="b" * 64, title="Solidarity rice (republished)", duplicate_of=first)
    for doc in (first, copy):
        DocumentMention.objects.create(document=doc, country=cuba, name="Cuba", kind="country")
    news = [e for e in timeline_for(cuba) if e.kind == "news"]
    assert [e.title for e in news] == ["Solidarity rice for Cuba"]
    assert news[0].date == dt.date(2025, 5, 2) and news[0].url == first.get_absolute_url()
