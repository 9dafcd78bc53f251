import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from amity.activities.services import can_approve, create_activity, transition
from amity.core.models import Notification
from amity.core.permissions import EDITOR

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(editor, japan):
    return create_activity(user=editor, type="visit_out", title="Visit to Japan", start="2030-06-10",
                           countries=["JP"])


@pytest.fixture
def approver(make_user, vufo):
    return make_user("approver1", EDITOR, vufo)


def test_full_workflow_with_history_and_notifications(activity, editor, approver):
    transition(activity, "propose", editor)
    assert activity.status == "proposed"
    assert Notification.objects.filter(user=approver, kind="activity_propose").exists()
    assert not Notification.objects.filter(user=editor, kind="activity_propose").exists()
    transition(activity, "return", approver, comment="Add the programme, please")
    assert activity.status == "draft"
    returned = Notification.objects.get(user=editor, kind="activity_return")
    assert "Add the programme" in returned.text
    transition(activity, "propose", editor)
    transition(activity, "approve", approver)
    assert Notification.objects.filter(user=editor, kind="activity_approve").exists()
    transition(activity, "done", editor)
    with pytest.raises(ValidationError, match="outcomes"):
        transition(activity, "report", editor)
    activity.outcomes = "MoU on youth exchange"
    activity.save()
    transition(activity, "report", editor)
    activity.refresh_from_db()
    assert activity.status == "reported" and activity.status_changed_by == editor
    steps = [(s.from_status, s.to_status, s.by.username) for s in activity.status_changes.all()]
    assert steps == [("", "draft", "editor1"), ("draft", "proposed", "editor1"), ("proposed", "draft", "approver1"),
                     ("draft", "proposed", "editor1"), ("proposed", "approved", "approver1"),
                     ("approved", "done", "editor1"), ("done", "reported", "editor1")]


def test_return_needs_a_comment(activity, editor, approver):
    transition(activity, "propose", editor)
    with pytest.raises(ValidationError, match="why"):
        transition(activity, "return", approver, comment="  ")
    assert activity.status == "proposed"


def test_editor_of_other_organisation_cannot_approve_even_by_url(client, activity, editor, other_editor, analyst):
    transition(activity, "propose", editor)
    assert not can_approve(other_editor, activity)
    with pytest.raises(PermissionDenied):
        transition(activity, "approve", other_editor)
    url = reverse("activities:activity_transition", args=[activity.pk, "approve"])
    client.force_login(other_editor)
    assert client.post(url).status_code == 403
    client.force_login(analyst)
    assert client.post(url).status_code == 403
    assert client.get(url).status_code == 405
    activity.refresh_from_db()
    assert activity.status == "proposed"


def test_lead_organisation_approves_not_the_owner(activity, editor, other_editor, other_org):
    activity.lead_organisation = other_org
    activity.save()
    transition(activity, "propose", editor)
    with pytest.raises(PermissionDenied):
        transition(activity, "approve", editor)
    transition(activity, "approve", other_editor)
    assert activity.status == "approved"


def test_impossible_step_and_stale_status(activity, editor, approver):
    with pytest.raises(ValidationError, match="not possible"):
        transition(activity, "approve", approver)
    stale = type(activity).objects.get(pk=activity.pk)
    transition(activity, "propose", editor)
    with pytest.raises(ValidationError):
        transition(stale, "propose", editor)  # the copy still thinks it is a draft
    assert activity.status_changes.filter(to_status="proposed").count() == 1


def test_workflow_through_the_web(client, activity, editor, approver):
    client.force_login(editor)
    client.post(reverse("activities:activity_transition", args=[activity.pk, "propose"]))
    client.force_login(approver)
    page = client.get(activity.get_absolute_url()).content.decode()
    assert 'id="step-approve"' in page and 'id="step-return"' in page
    response = client.post(reverse("activities:activity_transition", args=[activity.pk, "return"]), {"comment": ""})
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.status == "proposed"
    assert "Visit to Japan" in client.get("/").content.decode()  # in "My pending approvals"
    client.post(reverse("activities:activity_transition", args=[activity.pk, "return"]), {"comment": "Add a budget"})
    client.force_login(editor)
    page = client.get(activity.get_absolute_url()).content.decode()
    assert "returned-comment" in page and "Add a budget" in page
    client.post(reverse("activities:activity_transition", args=[activity.pk, "propose"]))
    client.force_login(approver)
    client.post(reverse("activities:activity_transition", args=[activity.pk, "approve"]))
    activity.refresh_from_db()
    assert activity.status == "approved"


def test_proposal_without_approvers_goes_to_administrators(activity, editor, admin_user, mofa):
    activity.lead_organisation = mofa  # nobody works for MOFA in Amity
    activity.save()
    transition(activity, "propose", editor)
    assert Notification.objects.filter(user=admin_user, kind="activity_propose").exists()
    transition(activity, "approve", admin_user)
    assert activity.status == "approved"


def test_four_eyes_rule_stops_the_proposer_approving(settings, activity, editor, approver):
    settings.AMITY_APPROVAL_FOUR_EYES = True
    transition(activity, "propose", approver)  # the approver proposes (they may edit: same organisation)
    assert not can_approve_now(approver, activity)
    with pytest.raises(PermissionDenied, match="four-eyes"):
        transition(activity, "approve", approver)
    assert activity.status == "proposed"
    transition(activity, "approve", editor)  # a second person of the lead organisation approves
    assert activity.status == "approved"


def test_without_four_eyes_the_proposer_may_approve(settings, activity, approver):
    settings.AMITY_APPROVAL_FOUR_EYES = False
    transition(activity, "propose", approver)
    transition(activity, "approve", approver)
    assert activity.status == "approved"


def can_approve_now(user, activity) -> bool:
    from amity.activities.services import available_actions

    return "approve" in dict(available_actions(user, activity))
