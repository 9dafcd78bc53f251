import pytest
from django.urls import reverse

from amity.core.models import Notification
from amity.intake.models import DocumentMention
from amity.monitor.alerts import match_document
from amity.monitor.models import Alert, Watchlist
from amity.partners.models import Country, Organisation


@pytest.fixture
def japan(db):
    return Country.objects.create(iso2="JP", iso3="JPN", name_en="Japan")


def mention(doc, **kw):
    name = str(next(iter(kw.values())))
    return DocumentMention.objects.create(document=doc, name=name, kind=next(iter(kw)), **kw)


def test_partner_and_keyword_alerts_with_negative_keywords(make_doc, japan, editor, analyst):
    jvfa = Organisation.objects.create(name_en="Japan-Viet Nam Friendship Association")
    by_country = Watchlist.objects.create(user=editor, name="Japan")
    by_country.countries.add(japan)
    by_org = Watchlist.objects.create(user=analyst, name="JVFA", negative_keywords=["football"])
    by_org.organisations.add(jvfa)
    by_word = Watchlist.objects.create(user=editor, name="Agent Orange", keywords=["chất độc da cam", "agent orange"])

    doc = make_doc("Delegation from Japan supports victims of Chat doc da cam in Quang Tri.", title="Support")
    mention(doc, country=japan)
    mention(doc, organisation=jvfa)
    alerts = match_document(doc)
    assert {a.watchlist.name for a in alerts} == {"Japan", "JVFA", "Agent Orange"}
    assert Alert.objects.get(watchlist=by_word).matched_on == "“chất độc da cam”"
    assert Alert.objects.get(watchlist=by_country).matched_on == "Japan"
    assert Notification.objects.filter(user=editor, kind="alert").count() == 2
    assert match_document(doc) == []  # re-processing the document does not alert twice

    sport = make_doc("The JVFA football match.", title="Football")
    mention(sport, organisation=jvfa)
    assert match_document(sport) == []  # negative keyword
    # Words, not substrings: "organge" is not "orange", "agent oranges" is not a match either.
    assert match_document(make_doc("An agent oranges seller.")) == []
    copy = make_doc("Delegation from Japan.", duplicate_of=doc)
    mention(copy, country=japan)
    assert match_document(copy) == []  # near-duplicates do not alert again


def test_precision_marks_and_page(make_doc, japan, editor, editor_client, client, analyst):
    w = Watchlist.objects.create(user=editor, name="Mentions of Viet Nam", keywords=["friendship"])
    docs = [make_doc(f"Friendship story {i}.", title=f"Story {i}") for i in range(20)]
    for d in docs:
        match_document(d)
    alerts = list(w.alerts.order_by("id"))
    assert len(alerts) == 20 and w.precision is None
    for a in alerts[:3]:
        editor_client.post(reverse("monitor:alert_mark", args=[a.pk]), {"relevant": "yes"})
    for a in alerts[3:20]:
        editor_client.post(reverse("monitor:alert_mark", args=[a.pk]), {"relevant": "no"})
    assert w.precision == pytest.approx(0.15)
    html = editor_client.get(reverse("monitor:watchlist_list")).content.decode()
    assert "15%" in html
    html = editor_client.get(reverse("monitor:watchlist_detail", args=[w.pk])).content.decode()
    assert "15%" in html and "3 relevant, 17 irrelevant" in html
    # HTMX mark returns the row and asks the precision box to refresh.
    response = editor_client.post(reverse("monitor:alert_mark", args=[alerts[3].pk]), {"relevant": "yes"},
                                  HTTP_HX_REQUEST="true")
    assert response["HX-Trigger"] == "precision-changed" and f'id="alert-{alerts[3].pk}"' in response.content.decode()
    assert w.precision == pytest.approx(0.2)
    # Watchlists are personal.
    client.force_login(analyst)
    assert client.get(reverse("monitor:watchlist_detail", args=[w.pk])).status_code == 403
    assert client.post(reverse("monitor:alert_mark", args=[alerts[0].pk]), {"relevant": "no"}).status_code == 403


def test_watchlist_form(editor_client, editor, japan):
    Organisation.objects.create(name_en="Liên hiệp các tổ chức hữu nghị Việt Nam", acronym="VUFO")
    url = reverse("monitor:watchlist_add")
    assert editor_client.get(url).status_code == 200
    response = editor_client.post(url, {"name": "Empty", "digest": "none"})
    assert "Watch at least one" in response.content.decode()
    response = editor_client.post(url, {"name": "Nobody", "organisations": "Unknown Society", "digest": "none"})
    assert "Not found: Unknown Society" in response.content.decode()
    response = editor_client.post(url, {"name": "Japan and VUFO", "countries": [japan.pk],
                                        "organisations": "lien hiep cac to chuc huu nghi viet nam",
                                        "keywords": "friendship; exchange", "negative_keywords": "football",
                                        "digest": "daily", "active": "on"})
    assert response.status_code == 302
    w = Watchlist.objects.get(name="Japan and VUFO")
    assert w.user == editor and w.keywords == ["friendship", "exchange"] and w.organisations.get().acronym == "VUFO"
    edit = editor_client.get(reverse("monitor:watchlist_edit", args=[w.pk])).content.decode()
    assert "Liên hiệp các tổ chức hữu nghị Việt Nam" in edit
    editor_client.post(reverse("monitor:watchlist_delete", args=[w.pk]))
    assert not Watchlist.objects.exists()
