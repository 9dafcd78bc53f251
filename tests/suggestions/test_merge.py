import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from amity.activities.services import create_activity
from amity.core.models import Citation, JournalNote, Membership, Source
from amity.intake.models import DocumentMention
from amity.monitor.models import Watchlist
from amity.partners.models import Country, Organisation, Person, Post
from amity.suggestions.merge import duplicate_pairs, merge_records


@pytest.fixture
def pair(db, vufo):
    jp = Country.objects.create(iso2="JP", iso3="JPN", name_en="Japan")
    keep = Organisation.objects.create(name_en="Japan-Viet Nam Friendship Association", owner=vufo,
                                       aliases=["JVFA"], kind="friendship_association")
    dup = Organisation.objects.create(name_en="Japan Vietnam Friendship Assoc.", name_vi="Hội hữu nghị Nhật-Việt",
                                      owner=vufo, home_country=jp, key="jvfa-old")
    return keep, dup


def test_merge_organisations_moves_everything_and_keeps_names(pair, editor, make_doc, vufo):
    keep, dup = pair
    child = Organisation.objects.create(name_en="JVFA Osaka branch", parent=dup, owner=vufo)
    owned = Organisation.objects.create(name_en="Owned by dup", owner=dup)  # hidden reverse FK (owner, "+")
    person = Person.objects.create(full_name="Takebe Tsutomu")
    Post.objects.create(person=person, title="President", organisation=dup, date_from=dt.date(2020, 1, 1))
    activity = create_activity(user=editor, type="meeting", title="Talks", start=dt.date(2025, 3, 1),
                               organisations=[dup])
    doc = make_doc("Text about them.")
    DocumentMention.objects.create(document=doc, organisation=dup, name="Japan Vietnam Friendship Assoc.",
                                   kind="organisation")
    Citation.objects.create(source=Source.objects.create(title="s"), target=dup)
    watchlist = Watchlist.objects.create(user=editor, name="Japan")
    watchlist.organisations.add(dup, keep)

    merge_records(keep, [dup], editor, note="Same association.")

    assert not Organisation.objects.filter(pk=dup.pk).exists()
    keep.refresh_from_db()
    assert {"JVFA", "Japan Vietnam Friendship Assoc."} <= set(keep.aliases)
    assert keep.name_vi == "Hội hữu nghị Nhật-Việt" and keep.home_country.iso2 == "JP" and keep.key == "jvfa-old"
    child.refresh_from_db()
    owned.refresh_from_db()
    assert child.parent == keep and owned.owner == keep
    assert Post.objects.get().organisation == keep
    assert list(activity.organisations.all()) == [keep]
    assert DocumentMention.objects.get().organisation == keep
    assert keep.citations.count() == 1
    assert list(watchlist.organisations.all()) == [keep]
    note = JournalNote.objects.get(object_id=keep.pk)
    assert "Japan Vietnam Friendship Assoc." in note.text and "Same association." in note.text
    assert keep.history.first().history_change_reason.startswith("Merged duplicate")
    assert dup.history.filter(history_type="-").exists()  # the duplicate's history is kept


def test_merge_people_and_memberships(db, editor, admin_user, vufo):
    keep = Person.objects.create(full_name="Nguyen Phuong Nga", owner=vufo)
    dup = Person.objects.create(full_name="Nguyễn Phương Nga", name_vi="Nguyễn Phương Nga", owner=vufo)
    Post.objects.create(person=dup, title="President", organisation=vufo, date_from=dt.date(2019, 1, 1))
    merge_records(keep, [dup], editor)
    keep.refresh_from_db()
    assert keep.posts.count() == 1 and keep.name_vi == "Nguyễn Phương Nga"
    # The folded names are equal, so no alias is added for it.
    assert keep.aliases == []
    # Organisations with members: memberships (PROTECT) move too.
    other = Organisation.objects.create(name_en="VUFO copy", owner=vufo)
    Membership.objects.filter(user=editor).update(organisation=other)
    merge_records(vufo, [other], admin_user)  # VUFO has no owner: only an Administrator may change it
    assert Membership.objects.get(user=editor).organisation == vufo


def test_merge_refuses_bad_requests(pair, other_editor, editor, analyst):
    keep, dup = pair
    with pytest.raises(PermissionDenied):
        merge_records(keep, [dup], other_editor)
    with pytest.raises(PermissionDenied):
        merge_records(keep, [dup], analyst)
    with pytest.raises(ValidationError):
        merge_records(keep, [keep], editor)
    with pytest.raises(ValidationError):
        merge_records(keep, [Person.objects.create(full_name="X", owner=keep.owner)], editor)
    assert Organisation.objects.filter(pk=dup.pk).exists()


def test_duplicate_pairs(pair):
    keep, dup = pair
    Organisation.objects.create(name_en="Something else entirely")
    pairs = duplicate_pairs(Organisation, cutoff=80)
    assert [(a.pk, b.pk) for a, b, _score in pairs] == [(keep.pk, dup.pk)]
