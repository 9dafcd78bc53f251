import datetime as dt

import pytest
from django.urls import reverse

from amity.activities.models import Activity
from amity.activities.services import create_activity

pytestmark = pytest.mark.django_db


def form_data(**over):
    data = {"type": "visit_in", "title": "Delegation of the Japan-Viet Nam Friendship Association",
            "pillar": "people", "start": "2030-06-10", "end": "2030-06-12", "countries": [], "priorities": [],
            "money_currency": "", "money_amount": "", "summary": "", "outcomes": "", "sources": ""}
    data.update(over)
    return data


def test_create_edit_and_detail(editor_client, japan, vufo):
    response = editor_client.post(reverse("activities:activity_add"), form_data(
        countries=[japan.pk], priorities=["digital_transformation", "green_transition"],
        sources="https://vufo.org.vn/news-1"))
    assert response.status_code == 302, response.content.decode()[:3000]
    activity = Activity.objects.get()
    assert activity.owner == vufo and activity.priorities == ["digital_transformation", "green_transition"]
    assert activity.citations.count() == 1
    page = editor_client.get(activity.get_absolute_url()).content.decode()
    assert "Digital transformation" in page and "Propose for approval" in page
    edit = editor_client.get(reverse("activities:activity_edit", args=[activity.pk])).content.decode()
    assert 'value="2030-06-10"' in edit
    response = editor_client.post(reverse("activities:activity_edit", args=[activity.pk]), form_data(
        countries=[japan.pk], start="June 2030", end="", version=activity.version,
        priorities=["digital_transformation"]))
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.precision == "month" and activity.version == 2
    listing = editor_client.get(reverse("activities:activity_list"), {"pillar": "people", "q": "japan viet"})
    assert activity.title in listing.content.decode()
    by_priority = editor_client.get(reverse("activities:activity_list"), {"priority": "digital_transformation"})
    assert "1 record" in by_priority.content.decode()
    by_priority = editor_client.get(reverse("activities:activity_list"), {"priority": "innovation"})
    assert "0 records" in by_priority.content.decode()


def test_form_shows_clear_validation_messages(editor_client, japan):
    response = editor_client.post(reverse("activities:activity_add"), form_data(
        start="early 2025", money_amount="100"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Give a day" in page and "2025-03" in page
    assert "Name at least one partner" in page
    assert "currency" in page
    response = editor_client.post(reverse("activities:activity_add"), form_data(
        countries=[japan.pk], start="2030-06-10", end="2030-06-01"))
    assert "is before the start" in response.content.decode()
    assert Activity.objects.count() == 0


def test_stale_edit_is_refused_and_keeps_input(client, editor, make_user, vufo, japan):
    from amity.core.permissions import EDITOR

    colleague = make_user("colleague", EDITOR, vufo)
    activity = create_activity(user=editor, type="meeting", title="Talks", start="2030-06-10", countries=["JP"])
    url = reverse("activities:activity_edit", args=[activity.pk])
    client.force_login(colleague)
    assert client.post(url, form_data(title="Colleague's title", countries=[japan.pk], version=1)).status_code == 302
    client.force_login(editor)
    response = client.post(url, form_data(title="My stale title", countries=[japan.pk], version=1))
    assert response.status_code == 200
    page = response.content.decode()
    assert "was changed by colleague" in page and "reload" in page
    assert "My stale title" in page  # the user's input is kept
    activity.refresh_from_db()
    assert activity.title == "Colleague's title" and activity.version == 2


def test_other_organisation_cannot_edit_and_analyst_cannot_create(client, editor, other_editor, analyst, japan):
    activity = create_activity(user=editor, type="meeting", title="Talks", start="2030-06-10", countries=["JP"])
    client.force_login(other_editor)
    assert client.get(reverse("activities:activity_edit", args=[activity.pk])).status_code == 403
    assert client.post(reverse("activities:activity_edit", args=[activity.pk]), form_data(
        countries=[japan.pk], version=1)).status_code == 403
    client.force_login(analyst)
    assert client.get(reverse("activities:activity_add")).status_code == 403
    assert client.get(activity.get_absolute_url()).status_code == 200


def test_home_widget_and_nav(editor_client, editor, japan):
    create_activity(user=editor, type="meeting", title="Soon meeting", countries=["JP"],
                    start=dt.date.today() + dt.timedelta(days=3))
    page = editor_client.get("/").content.decode()
    assert "Soon meeting" in page and "Agreements expiring in the next 6 months" in page
    assert reverse("activities:activity_list") in page and reverse("activities:coordination") in page


def test_vietnamese_interface(editor_client, editor, japan):
    from django.utils import translation

    create_activity(user=editor, type="visit_in", title="Đoàn Nhật Bản", start="2030-06-10", countries=["JP"])
    editor_client.cookies["django_language"] = "vi"
    with translation.override("en"):  # the request activates Vietnamese; restore English for the next tests
        page = editor_client.get(reverse("activities:activity_list"), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
        form = editor_client.get(reverse("activities:activity_add"), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Đoàn vào" in page and "Đối ngoại nhân dân" in page
    assert "Ưu tiên quốc gia phục vụ" in form and "Chuyển đổi số" in form


def test_global_search_and_admin_pages(editor_client, editor, japan):
    from django.contrib.auth.models import User
    from django.test import Client

    admin_client = Client()
    admin_client.force_login(User.objects.create_superuser("root", "root@example.org", "pw-for-tests-1"))
    activity = create_activity(user=editor, type="meeting", title="Hội đàm với Hiệp hội Hữu nghị Nhật – Việt",
                               start="2030-06-10", countries=["JP"])
    page = editor_client.get(reverse("search"), {"q": "hoi dam nhat"}).content.decode()
    assert activity.get_absolute_url() in page
    for url in ("/admin/activities/activity/", f"/admin/activities/activity/{activity.pk}/change/",
                "/admin/activities/agreement/add/", "/admin/activities/calendartoken/"):
        assert admin_client.get(url).status_code == 200, url
