import datetime as dt

import pytest
from django.urls import reverse
from icalendar import Calendar

from amity.activities.models import CalendarToken
from amity.activities.services import create_activity, transition

pytestmark = pytest.mark.django_db


@pytest.fixture
def activities(editor, other_editor, japan, china):
    a = create_activity(user=editor, type="visit_in", title="Japanese delegation", start="2030-06-10",
                        end="2030-06-12", countries=[japan])
    b = create_activity(user=other_editor, type="meeting", title="Party talks with China", start="2030-06-20",
                        countries=[china], pillar="party")
    c = create_activity(user=editor, type="training", title="Approximate training", start="June 2030",
                        countries=[japan])
    return a, b, c


def test_month_week_and_list_views(editor_client, activities):
    url = reverse("activities:calendar")
    month = editor_client.get(url, {"date": "2030-06-01"}).content.decode()
    assert "Japanese delegation" in month and "Party talks with China" in month
    assert "date approximate" in month and "Approximate training" in month
    assert month.count("Japanese delegation</a>") == 3  # spans three days of the grid
    filtered = editor_client.get(url, {"date": "2030-06-01", "pillar": "party"}).content.decode()
    assert "Party talks with China" in filtered and "Japanese delegation" not in filtered
    by_country = editor_client.get(url, {"date": "2030-06-01", "country": "JP"}).content.decode()
    assert "Japanese delegation" in by_country and "Party talks" not in by_country
    week = editor_client.get(url, {"view": "week", "date": "2030-06-11"}).content.decode()
    assert "Japanese delegation" in week and "Party talks" not in week
    listing = editor_client.get(url, {"view": "list", "date": "2030-06-01"}).content.decode()
    assert all(t in listing for t in ("Japanese delegation", "Party talks with China", "Approximate training"))
    partial = editor_client.get(url, {"date": "2030-07-01"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="calendar")
    assert "<html" not in partial.content.decode() and "month-grid" in partial.content.decode()


def test_ical_feed_is_parsed_back_and_respects_filters(client, editor, activities):
    a, b, c = activities
    transition(b, "cancel", b.created_by)
    token = CalendarToken.for_user(editor).token
    url = reverse("activities:calendar_feed", args=[token])
    assert url.startswith("/activities/calendar/feed/")
    response = client.get(url)  # no session: the token authenticates
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    events = {str(e["summary"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {"Japanese delegation", "Party talks with China", "≈ Approximate training"}
    delegation = events["Japanese delegation"]
    assert delegation.decoded("dtstart") == dt.date(2030, 6, 10)
    assert delegation.decoded("dtend") == dt.date(2030, 6, 13)  # exclusive end
    assert str(delegation["uid"]) == f"activity-{a.pk}@amity"
    assert str(events["Party talks with China"]["status"]) == "CANCELLED"
    only_party = Calendar.from_ical(client.get(url, {"pillar": "party"}).content)
    assert [str(e["summary"]) for e in only_party.walk("VEVENT")] == ["Party talks with China"]
    assert client.get(reverse("activities:calendar_feed", args=["wrong-token"])).status_code == 404


def test_regenerating_the_token_revokes_the_old_feed(editor_client, editor):
    old = CalendarToken.for_user(editor).token
    editor_client.post(reverse("activities:calendar_token"))
    new = CalendarToken.for_user(editor).token
    assert new != old
    assert editor_client.get(reverse("activities:calendar_feed", args=[old])).status_code == 404
    page = editor_client.get(reverse("activities:calendar"), {"pillar": "state"}).content.decode()
    assert f"/activities/calendar/feed/{new}.ics?pillar=state" in page


def test_calendar_needs_login(client):
    response = client.get(reverse("activities:calendar"))
    assert response.status_code == 302 and "/accounts/login" in response["Location"]


def test_quick_edit_of_dates_from_the_list(client, editor, other_editor, activities):
    a = activities[0]
    url = reverse("activities:quick_edit", args=[a.pk])
    client.force_login(other_editor)
    assert client.post(url, {"start": "2030-07-01", "version": a.version}).status_code == 403
    client.force_login(editor)
    response = client.post(url, {"start": "2030-07-01", "end": "2030-07-02", "version": a.version})
    assert "Saved." in response.content.decode()
    a.refresh_from_db()
    assert a.start == dt.date(2030, 7, 1) and a.span_end == dt.date(2030, 7, 2) and a.version == 2
    response = client.post(url, {"start": "early July", "version": a.version})
    assert "Give a day" in response.content.decode()
    response = client.post(url, {"start": "2030-08-01", "version": 1})  # stale
    assert "changed by someone else" in response.content.decode()
    a.refresh_from_db()
    assert a.start == dt.date(2030, 7, 1)


def test_analyst_reads_calendar_and_feed_but_cannot_quick_edit(client, analyst, activities):
    client.force_login(analyst)
    listing = client.get(reverse("activities:calendar"), {"view": "list", "date": "2030-06-01"}).content.decode()
    assert "Japanese delegation" in listing and "quick-edit" not in listing
    token = CalendarToken.for_user(analyst).token
    cal = Calendar.from_ical(client.get(reverse("activities:calendar_feed", args=[token])).content)
    assert len(cal.walk("VEVENT")) == 3
    response = client.post(reverse("activities:quick_edit", args=[activities[0].pk]), {"start": "2030-01-01",
                                                                                        "version": "x"})
    assert response.status_code == 403
