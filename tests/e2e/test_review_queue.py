"""A reviewer works through the suggestions queue in the browser and ends with linked, cited records:
accept (HTMX, in place), edit then accept, merge into the proposed match, reject, and bulk accept."""

import pytest

from amity.activities.models import Activity
from amity.partners.models import Country, Organisation, Person, Post
from amity.suggestions.models import Kind, RejectedFingerprint, Status, Suggestion
from amity.suggestions.services import suggest_from_document
from tests.e2e.conftest import login
from tests.suggestions.conftest import VISIT_TEXT, fast_passwords, make_doc, span, visit_extraction  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def card(page, kind, label=None):
    cards = page.locator(f"article.suggestion[data-kind={kind}]")
    return cards.filter(has=page.locator("strong.label", has_text=label)) if label else cards


def test_review_queue_end_to_end(page, editor, analyst, vufo, make_doc):  # noqa: F811
    Country.objects.create(iso2="JP", iso3="JPN", name_en="Japan")
    Country.objects.create(iso2="VN", iso3="VNM", name_en="Viet Nam")
    known = Organisation.objects.create(name_en="The Japan Foundation Center", owner=vufo)
    for i in range(3):  # three outlets report the same visit
        text = VISIT_TEXT.replace("young people", f"young people ({i})")
        suggest_from_document(make_doc(text, visit_extraction(text), title=f"Outlet {i}"))
    text = "Later, the Japan Foundation Centre hosted a reception. Figures: 3."
    extra = {"organizations": [{"name": "Japan Foundation Centre", "country": "JP",
                                "evidence": span(text, "Japan Foundation Centre")}],
             "figures": [{"value": 3, "unit": "", "about": "figures", "evidence": span(text, "3")}]}
    suggest_from_document(make_doc(text, extra, title="Speech"))

    login(page, "editor1")
    page.click("nav >> text=Suggestions")
    page.wait_for_url("**/suggestions/")
    assert card(page, "activity").count() == 1
    assert "3 sources" in card(page, "activity").inner_text()
    assert card(page, "organisation").first.locator("mark").count() == 1

    # 1. Accept the new association in place (HTMX swaps the card).
    org_card = card(page, "organisation", "Japan-Viet Nam Friendship Association")
    org_card.get_by_role("button", name="Accept").click()
    org_card.get_by_text("Accepted: Japan-Viet Nam Friendship Association").wait_for()
    assert org_card.get_by_role("button", name="Accept").count() == 0

    # 2. Edit the person, then accept.
    person_card = card(page, "person")
    person_card.get_by_role("button", name="Edit…").click()
    page.locator("input[name$='-full_name']").fill("Takebe Tsutomu")
    page.locator("input[name$='-name_vi']").fill("Takebe Tsutomu")
    page.locator("input[name$='-country']").fill("JP")
    page.get_by_role("button", name="Save and accept").click()
    page.get_by_text("Accepted: Takebe Tsutomu").wait_for()

    # 3. Merge the other spelling into the proposed match.
    vufo_card = card(page, "organisation", "Japan Foundation Centre")
    assert "Proposed match" in vufo_card.inner_text()
    vufo_card.get_by_role("button", name="Merge into match").click()
    page.get_by_text("Merged into").wait_for()

    # 4. Reject the figure (confirm dialog).
    page.once("dialog", lambda dialog: dialog.accept())
    card(page, "figure").get_by_role("button", name="Reject").click()
    page.get_by_text("Rejected; it will not be suggested again.").wait_for()

    # 5. Bulk-accept the rest (the post and the visit) from a fresh queue.
    page.goto("/suggestions/")
    assert page.locator("article.suggestion").count() == 2
    page.check("#select-all")
    page.select_option("#bulk-action", "accept")
    page.click("#bulk-submit")
    page.get_by_text("2 suggestion(s) done.").wait_for()
    assert page.get_by_text("No suggestions match.").is_visible()

    # Linked records, each citing its documents.
    assert not Suggestion.objects.filter(status=Status.PENDING).exists()
    org = Organisation.objects.get(name_en="Japan-Viet Nam Friendship Association")
    person = Person.objects.get(full_name="Takebe Tsutomu")
    assert person.country.iso2 == "JP" and person.citations.count() == 3
    post = Post.objects.get(person=person)
    assert post.organisation == org
    activity = Activity.objects.get()
    assert org in activity.organisations.all() and person in activity.persons.all()
    assert activity.citations.count() == 3
    known.refresh_from_db()
    assert "Japan Foundation Centre" in known.aliases and known.citations.count() == 1
    assert RejectedFingerprint.objects.filter(kind=Kind.FIGURE).exists()

    # The accepted record's page is one click away from the reviewed card.
    page.goto("/suggestions/?status=accepted&kind=activity")
    page.locator("article.suggestion .record a").click()
    page.wait_for_url(f"**/activities/{activity.pk}/")

    # An Analyst sees the queue but no actions.
    page.click("text=Log out")
    login(page, "analyst1")
    page.goto("/suggestions/?status=all")
    assert page.locator("article.suggestion").count() == 6
    assert page.get_by_role("button", name="Accept").count() == 0
