import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from amity.activities.models import Agreement
from amity.activities.reminders import send_expiry_reminders
from amity.core.models import Notification

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 1, 1)


def make(owner, until, status="in_force", **kw):
    return Agreement.objects.create(title=kw.pop("title", "MoU"), kind="mou", status=status,
                                    signed_on=dt.date(2021, 1, 1), in_force_from=dt.date(2021, 1, 1),
                                    in_force_until=until, owner=owner, **kw)


def test_reminders_once_per_threshold_and_expiry(editor, other_editor, vufo):
    soon = make(vufo, TODAY + dt.timedelta(days=25), title="Twinning with Kyoto")
    later = make(vufo, TODAY + dt.timedelta(days=170), title="MoU on youth")
    make(vufo, TODAY + dt.timedelta(days=400), title="Far away")
    past = make(vufo, TODAY - dt.timedelta(days=1), title="Old MoU")
    draft = make(vufo, TODAY + dt.timedelta(days=10), status="draft", title="Draft")
    assert send_expiry_reminders(TODAY) == {"reminded": 2, "expired": 1}
    texts = list(Notification.objects.filter(user=editor).values_list("text", flat=True))
    assert any("Twinning with Kyoto" in t and "25 days" in t for t in texts)
    assert any("MoU on youth" in t for t in texts) and any("Old MoU" in t and "expired" in t for t in texts)
    assert not any("Far away" in t or "Draft" in t for t in texts)
    assert not Notification.objects.filter(user=other_editor).exists()  # only the owner organisation
    soon.refresh_from_db()
    past.refresh_from_db()
    draft.refresh_from_db()
    assert soon.reminders_sent == [180, 90, 30] and past.status == "expired" and draft.status == "draft"
    count = Notification.objects.count()
    assert send_expiry_reminders(TODAY) == {"reminded": 0, "expired": 0}  # idempotent
    assert Notification.objects.count() == count
    assert send_expiry_reminders(TODAY + dt.timedelta(days=20))["reminded"] == 1  # the 7-day reminder
    later.refresh_from_db()
    assert later.reminders_sent == [180]


def test_management_command_runs(editor, vufo, capsys):
    make(vufo, timezone.localdate() + dt.timedelta(days=5))
    call_command("agreement_reminders")
    assert "reminded: 1" in capsys.readouterr().out


def test_agreement_validation(vufo):
    bad = Agreement(title="X", status="in_force", in_force_from=dt.date(2025, 5, 1), in_force_until=dt.date(2025, 1, 1))
    with pytest.raises(ValidationError) as err:
        bad.full_clean()
    assert {"in_force_until", "signed_on"} <= set(err.value.message_dict)
    with pytest.raises(ValidationError) as err:
        Agreement(title="X", status="renewed").full_clean()
    assert "renewed_by" in err.value.message_dict


def test_register_views_lifecycle_and_dashboard(editor_client, editor, japan, vufo):
    data = {"title": "MoU with the Japan-Viet Nam Friendship Association", "kind": "mou", "status": "draft",
            "countries": [japan.pk]}
    response = editor_client.post(reverse("activities:agreement_add"), data)
    assert response.status_code == 302
    agreement = Agreement.objects.get()
    assert agreement.owner == vufo
    today = timezone.localdate()
    edit = reverse("activities:agreement_edit", args=[agreement.pk])
    response = editor_client.post(edit, {**data, "status": "in_force"})
    assert "signing date" in response.content.decode()
    response = editor_client.post(edit, {**data, "status": "in_force", "signed_on": today.isoformat(),
                                         "in_force_from": today.isoformat(),
                                         "in_force_until": (today + dt.timedelta(days=60)).isoformat()})
    assert response.status_code == 302
    response = editor_client.post(edit, {**data, "status": "draft", "signed_on": today.isoformat()})
    assert "cannot go back" in response.content.decode()
    assert editor_client.post(reverse("activities:agreement_add"), {**data, "countries": []}).status_code == 200
    home = editor_client.get("/").content.decode()
    assert "Agreements expiring in the next 6 months" in home and "MoU with the Japan" in home
    listing = editor_client.get(reverse("activities:agreement_list"), {"expiring_within": 183}).content.decode()
    assert "MoU with the Japan" in listing
    assert "Japan" in editor_client.get(agreement.get_absolute_url()).content.decode()
    response = editor_client.post(reverse("activities:agreement_renew", args=[agreement.pk]))
    agreement.refresh_from_db()
    assert agreement.status == "renewed" and agreement.renewed_by.status == "draft"
    assert list(agreement.renewed_by.countries.all()) == [japan]


def test_other_organisation_cannot_edit_agreement(client, other_editor, vufo):
    agreement = make(vufo, dt.date(2030, 1, 1))
    client.force_login(other_editor)
    assert client.get(reverse("activities:agreement_edit", args=[agreement.pk])).status_code == 403
    assert client.post(reverse("activities:agreement_renew", args=[agreement.pk])).status_code == 403


def test_scan_upload_is_checked_and_served_to_logged_in_users(editor_client, client, japan, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    data = {"title": "Scanned MoU", "kind": "mou", "status": "draft", "countries": [japan.pk]}
    bad = SimpleUploadedFile("mou.exe", b"MZ...", content_type="application/octet-stream")
    response = editor_client.post(reverse("activities:agreement_add"), {**data, "scan": bad})
    assert response.status_code == 200 and "PDF or an image" in response.content.decode()
    good = SimpleUploadedFile("mou.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    assert editor_client.post(reverse("activities:agreement_add"), {**data, "scan": good}).status_code == 302
    agreement = Agreement.objects.get()
    url = reverse("activities:agreement_scan", args=[agreement.pk])
    assert b"".join(editor_client.get(url).streaming_content).startswith(b"%PDF")
    client.logout()
    assert client.get(url).status_code == 302  # login required
