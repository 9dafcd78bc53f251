import datetime as dt

import pytest
from django.urls import reverse

from amity.activities.choices import Status
from amity.activities.models import Activity
from amity.reviews.models import Review, Scope


def make_review(owner, **kwargs):
    defaults = {"title": "Review 2025", "period_kind": "year", "start": dt.date(2025, 1, 1),
                "end": dt.date(2025, 12, 31), "language": "en", "owner": owner}
    defaults.update(kwargs)
    return Review.objects.create(**defaults)


def test_editor_creates_review_for_a_half_year(editor_client, vufo, world):
    response = editor_client.post(reverse("reviews:review_add"),
                                  {"period": "H1 2025", "language": "vi", "scope": Scope.ALL})
    assert response.status_code == 302, response.content.decode()[:2000]
    review = Review.objects.get()
    assert (review.period_kind, review.start, review.end) == ("h1", dt.date(2025, 1, 1), dt.date(2025, 6, 30))
    assert review.owner == vufo
    assert review.title == "Tổng kết công tác đối ngoại nhân dân 6 tháng đầu năm 2025"
    assert not review.is_frozen
    page = editor_client.get(review.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="freeze"' in html and 'id="world-map"' in html and "<svg" in html
    assert "Indonesia" in html


def test_create_form_suggests_the_last_half_year_and_refuses_nonsense(editor_client, world):
    page = editor_client.get(reverse("reviews:review_add") + "?period=H2+2025")
    assert page.status_code == 200 and 'value="H2 2025"' in page.content.decode()
    response = editor_client.post(reverse("reviews:review_add"), {"period": "early 2025", "language": "en",
                                                                   "scope": Scope.ALL})
    assert response.status_code == 200
    assert "does not understand the period" in response.content.decode()
    assert not Review.objects.exists()


def test_freeze_keeps_figures_until_unfrozen(editor_client, vufo, world):
    review = make_review(vufo)
    assert editor_client.post(reverse("reviews:review_freeze", args=[review.pk])).status_code == 302
    review.refresh_from_db()
    assert review.is_frozen and review.frozen_at and review.figures["totals"]["activities"]["current"] == 6
    Activity.objects.filter(title="Draft 2025").update(status=Status.DONE)
    review.refresh_from_db()
    assert review.current_figures()["totals"]["activities"]["current"] == 6  # frozen
    assert review.live_figures()["totals"]["activities"]["current"] == 7
    html = editor_client.get(review.get_absolute_url()).content.decode()
    assert 'id="unfreeze"' in html and "frozen" in html
    editor_client.post(reverse("reviews:review_unfreeze", args=[review.pk]))
    review.refresh_from_db()
    assert not review.is_frozen and review.current_figures()["totals"]["activities"]["current"] == 7


def test_owner_scope_counts_only_own_activities(editor_client, other_editor, client, other_org, world):
    review = make_review(other_org, scope=Scope.OWNER)
    assert review.current_figures()["totals"]["activities"]["current"] == 1


def test_edit_narrative(editor_client, vufo, world):
    review = make_review(vufo)
    response = editor_client.post(reverse("reviews:review_edit", args=[review.pk]), {
        "title": "Review 2025", "language": "en", "scope": Scope.ALL, "introduction": "A year of <b>upgrades</b>.",
        "highlights": "Indonesia and France.", "outlook": "More twinning."})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.introduction == "A year of <b>upgrades</b>."
    html = editor_client.get(review.get_absolute_url()).content.decode()
    assert "A year of &lt;b&gt;upgrades&lt;/b&gt;." in html


def test_analyst_reads_but_cannot_change(analyst_client, vufo, world):
    review = make_review(vufo)
    assert analyst_client.get(reverse("reviews:review_list")).status_code == 200
    assert analyst_client.get(review.get_absolute_url()).status_code == 200
    assert 'id="freeze"' not in analyst_client.get(review.get_absolute_url()).content.decode()
    assert analyst_client.get(reverse("reviews:review_export", args=[review.pk, "xlsx"])).status_code == 200
    assert analyst_client.get(reverse("reviews:review_add")).status_code == 403
    assert analyst_client.post(reverse("reviews:review_add"), {"period": "2025", "language": "en",
                                                               "scope": "all"}).status_code == 403
    assert analyst_client.get(reverse("reviews:review_edit", args=[review.pk])).status_code == 403
    assert analyst_client.post(reverse("reviews:review_freeze", args=[review.pk])).status_code == 403
    review.refresh_from_db()
    assert not review.is_frozen and Review.objects.count() == 1


def test_editor_of_another_organisation_cannot_edit(client, other_editor, vufo, world):
    review = make_review(vufo)
    client.force_login(other_editor)
    assert client.get(reverse("reviews:review_edit", args=[review.pk])).status_code == 403
    assert client.post(reverse("reviews:review_edit", args=[review.pk]), {
        "title": "Hijacked", "language": "en", "scope": "all"}).status_code == 403
    assert client.post(reverse("reviews:review_freeze", args=[review.pk])).status_code == 403
    assert client.post(reverse("reviews:review_unfreeze", args=[review.pk])).status_code == 403
    assert client.post(reverse("reviews:review_delete", args=[review.pk])).status_code == 403
    review.refresh_from_db()
    assert review.title == "Review 2025" and not review.is_frozen
    assert client.get(review.get_absolute_url()).status_code == 200


def test_freeze_needs_post(editor_client, vufo, db):
    review = make_review(vufo)
    assert editor_client.get(reverse("reviews:review_freeze", args=[review.pk])).status_code == 405


def test_login_required(client, vufo, db):
    review = make_review(vufo)
    for url in (reverse("reviews:review_list"), review.get_absolute_url(),
                reverse("reviews:review_export", args=[review.pk, "pdf"])):
        assert client.get(url).status_code in (302, 401, 403)


def test_unknown_export_format_is_404(editor_client, vufo, db):
    review = make_review(vufo)
    assert editor_client.get(reverse("reviews:review_export", args=[review.pk, "odt"])).status_code == 404


def test_nav_and_home_widget(editor_client, vufo, db):
    html = editor_client.get(reverse("home")).content.decode()
    assert reverse("reviews:review_list") in html
    assert 'id="widget-reviews"' in html and 'id="start-review"' in html
    make_review(vufo, title="Latest review title")
    html = editor_client.get(reverse("home")).content.decode()
    assert "Latest review title" in html


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_detail_page_in_both_languages(editor_client, vufo, world, lang):
    review = make_review(vufo)
    editor_client.cookies["django_language"] = lang
    html = editor_client.get(review.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert ("Nhật Bản" in html) == (lang == "vi")
    assert "Năm 2025" in html if lang == "vi" else "2025" in html


def test_owner_editor_deletes(editor_client, vufo, db):
    review = make_review(vufo)
    assert editor_client.get(reverse("reviews:review_delete", args=[review.pk])).status_code == 200
    response = editor_client.post(reverse("reviews:review_delete", args=[review.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("reviews:review_list")
    assert not Review.objects.exists()


def test_frozen_review_edit_form_hides_scope(editor_client, vufo, db):
    review = make_review(vufo)
    editor_client.post(reverse("reviews:review_freeze", args=[review.pk]))
    html = editor_client.get(reverse("reviews:review_edit", args=[review.pk])).content.decode()
    assert 'name="scope"' not in html and 'name="introduction"' in html
    response = editor_client.post(reverse("reviews:review_edit", args=[review.pk]), {
        "title": "Review 2025", "language": "en", "introduction": "Published.", "scope": "owner"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.introduction == "Published." and review.scope == "all" and review.is_frozen


def test_long_narrative_exports_to_xlsx(editor_client, vufo, db):
    import io

    from openpyxl import load_workbook

    review = make_review(vufo, introduction="\n\n".join(["=x " + "y" * 20000] * 2))
    response = editor_client.get(reverse("reviews:review_export", args=[review.pk, "xlsx"]) + "?lang=en")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    values = [c.value for row in sheet.iter_rows() for c in row if c.value]
    assert sum(1 for v in values if str(v).startswith("'=x ")) == 2


def test_figures_page_for_analyst_without_saving(analyst_client, other_org, world):
    html = analyst_client.get(reverse("reviews:figures") + "?period=H1+2025").content.decode()
    assert "First half of 2025" in html and 'id="world-map"' in html and "Indonesia" in html
    assert not Review.objects.exists()
    html = analyst_client.get(reverse("reviews:figures") + "?period=nonsense").content.decode()
    assert "does not understand the period" in html
    response = analyst_client.get(reverse("reviews:figures_export", args=["xlsx"]) + "?period=2025&lang=en")
    assert response.status_code == 200 and response["Content-Disposition"].endswith('-en.xlsx"')
    response = analyst_client.get(reverse("reviews:figures_export", args=["pdf"]) + "?period=nonsense")
    assert response.status_code == 404


def test_figures_page_owner_scope(analyst_client, other_org, world):
    import io

    from openpyxl import load_workbook

    response = analyst_client.get(reverse("reviews:figures_export", args=["xlsx"])
                                  + f"?period=2025&owner={other_org.pk}&lang=en")
    rows = [[c.value for c in r] for r in load_workbook(io.BytesIO(response.content))["Key figures"].iter_rows()]
    assert rows[1][:3] == ["Activities", 1, 0]


def test_global_search_finds_reviews(editor_client, vufo, db):
    make_review(vufo, title="Tổng kết công tác đối ngoại nhân dân năm 2025")
    html = editor_client.get(reverse("search") + "?q=doi+ngoai+nhan+dan").content.decode()
    assert "Tổng kết công tác đối ngoại nhân dân năm 2025" in html
