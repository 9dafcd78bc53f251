import datetime as dt

import pytest
from django.test import override_settings
from django.urls import reverse

from amity.activities.holidays import holidays_overlapping
from amity.activities.models import Activity
from amity.activities.services import create_activity, find_conflicts

pytestmark = pytest.mark.django_db


def kinds(activity):
    return sorted(c.kind for c in find_conflicts(activity))


def test_same_partner_other_organisation_within_window(editor, other_editor, japan, china):
    ours = create_activity(user=editor, type="visit_in", title="Youth delegation from Japan", start="2030-06-10",
                           countries=[japan])
    theirs = create_activity(user=other_editor, type="meeting", title="Provincial investment talks",
                             start="2030-06-14", countries=[japan])
    create_activity(user=other_editor, type="meeting", title="Unrelated talks", start="2030-06-14", countries=[china])
    conflicts = find_conflicts(ours)
    assert [c.kind for c in conflicts] == ["partner"]
    assert conflicts[0].other == theirs and "Japan" in conflicts[0].message
    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert ours.conflict_count == 1 and theirs.conflict_count == 1  # stored both ways for the board
    with override_settings(AMITY_CONFLICT_WINDOW_DAYS=2):
        assert find_conflicts(ours) == []


def test_same_pillar_and_organisation_is_not_a_conflict_but_other_pillar_is(editor, japan):
    first = create_activity(user=editor, type="meeting", title="Friendship meeting", start="2030-06-10",
                            countries=[japan])
    create_activity(user=editor, type="training", title="Language course", start="2030-06-12", countries=[japan])
    assert kinds(first) == []
    create_activity(user=editor, type="meeting", title="Party delegation talks", start="2030-06-12",
                    countries=[japan], pillar="party")
    assert kinds(first) == ["partner"]


def test_cancelled_activities_do_not_count(editor, other_editor, japan):
    from amity.activities.services import transition

    ours = create_activity(user=editor, type="meeting", title="A", start="2030-06-10", countries=[japan])
    theirs = create_activity(user=other_editor, type="meeting", title="B", start="2030-06-11", countries=[japan])
    transition(theirs, "cancel", other_editor)
    assert kinds(ours) == []


def test_same_person_in_two_places(editor, other_editor, japan, china, person):
    hanoi = create_activity(user=editor, type="meeting", title="Talks in Hanoi", start="2030-06-10",
                            end="2030-06-11", persons=[person])
    hanoi.city = "Hanoi"
    hanoi.save()
    beijing = create_activity(user=other_editor, type="conference", title="Forum", start="2030-06-11",
                              persons=[person], countries=[china])
    beijing.location_country = china
    beijing.save()
    assert "person" in kinds(hanoi)
    later = create_activity(user=other_editor, type="conference", title="Later forum", start="2030-06-20",
                            persons=[person])
    assert "person" not in kinds(later)


def test_visit_during_holiday_or_election(editor, china, viet_nam):
    tet = create_activity(user=editor, type="visit_out", title="Visit to China", start="2026-02-16",
                          countries=[china])
    messages = [c.message for c in find_conflicts(tet) if c.kind == "holiday"]
    assert messages and "Spring Festival" in messages[0] and "source" in messages[0]
    incoming = create_activity(user=editor, type="visit_in", title="Delegation to Viet Nam", start="2026-03-15",
                               countries=[china])
    assert any("National Assembly" in c.message for c in find_conflicts(incoming))
    ok = create_activity(user=editor, type="visit_out", title="Visit to China", start="2026-06-16", countries=[china])
    assert "holiday" not in kinds(ok)
    assert holidays_overlapping(["vn"], dt.date(2025, 1, 28), dt.date(2025, 1, 28))[0].kind == "holiday"


def test_duplicate_proposal(editor, other_editor, japan):
    first = create_activity(user=editor, type="conference", title="Viet Nam - Japan Friendship Forum 2030",
                            start="2030-09-10", countries=[japan])
    second = create_activity(user=editor, type="conference", title="Vietnam Japan friendship forum 2030",
                             start="2030-09-12", organisations=[], countries=[japan])
    assert "duplicate" in kinds(second)
    assert "duplicate" in kinds(first)


def test_warnings_never_block_saving_and_show_on_form_and_board(editor_client, other_editor, japan):
    theirs = create_activity(user=other_editor, type="meeting", title="Their talks", start="2030-06-11",
                             countries=[japan])
    data = {"type": "visit_in", "title": "Our delegation", "pillar": "people", "start": "2030-06-10",
            "countries": [japan.pk]}
    check = editor_client.post(reverse("activities:conflict_check"), data)
    assert "Their talks" in check.content.decode()
    response = editor_client.post(reverse("activities:activity_add"), data, follow=True)
    page = response.content.decode()
    assert Activity.objects.filter(title="Our delegation").exists()
    assert "coordination warning" in page and "Their talks" in page
    board = editor_client.get(reverse("activities:coordination")).content.decode()
    assert "Our delegation" in board and "Their talks" in board
    assert theirs.title in board
    assert "Alignment with the national priorities" in board


def test_priority_alignment_counts(editor, japan):
    from amity.activities.views import priority_alignment

    a = create_activity(user=editor, type="training", title="AI course", start="2030-03", countries=[japan])
    a.priorities = ["digital_transformation", "human_resources"]
    a.save()
    create_activity(user=editor, type="meeting", title="Talks", start="2030-04-02", countries=[japan])
    counts = dict(priority_alignment(2030))
    assert counts["Digital transformation"] == 1 and counts["High-quality human resources"] == 1
    assert counts["Green transition"] == 0 and counts["none of them"] == 1


def test_foreign_organisation_engages_its_home_country(editor, other_editor, japan, viet_nam):
    from amity.partners.models import Organisation

    jica = Organisation.objects.create(name_en="Japan International Cooperation Agency", acronym="JICA",
                                       home_country=japan)
    vjfa = Organisation.objects.create(name_en="Viet Nam - Japan Friendship Association", home_country=viet_nam,
                                       partner_country=japan)
    ours = create_activity(user=editor, type="meeting", title="Talks with JICA", start="2030-06-10",
                           organisations=[jica])
    theirs = create_activity(user=other_editor, type="visit_out", title="Provincial visit to Japan",
                             start="2030-06-12", countries=[japan])
    assert [c.other for c in find_conflicts(ours)] == [theirs]
    assert "Japan International Cooperation Agency" in find_conflicts(theirs)[0].message
    local = create_activity(user=other_editor, type="meeting", title="Association congress", start="2030-06-11",
                            organisations=[vjfa])
    assert all(c.other != local for c in find_conflicts(ours))  # a Vietnamese association is not "Japan"
