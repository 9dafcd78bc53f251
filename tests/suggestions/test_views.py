import pytest
from django.urls import reverse

from amity.partners.models import Country, Organisation
from amity.suggestions import services
from amity.suggestions.models import Kind, RejectedFingerprint, Status, Suggestion

from .conftest import VISIT_TEXT, visit_extraction


@pytest.fixture
def queue(db, make_doc):
    Country.objects.create(iso2="JP", iso3="JPN", name_en="Japan")
    Country.objects.create(iso2="VN", iso3="VNM", name_en="Viet Nam")
    text = VISIT_TEXT.replace("led by", "led by <script>alert(1)</script>")
    doc = make_doc(text, visit_extraction(text))
    services.suggest_from_document(doc)
    return doc


def test_queue_lists_filters_and_escapes(editor_client, queue):
    response = editor_client.get(reverse("suggestions:queue"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<mark>Japan-Viet Nam Friendship Association</mark>" in html
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html
    assert html.count('class="suggestion ') == 4 and 'name="ids"' in html
    html = editor_client.get(reverse("suggestions:queue"), {"kind": "person"}).content.decode()
    assert html.count('class="suggestion ') == 1
    html = editor_client.get(reverse("suggestions:queue"), {"country": "JP", "kind": "organisation"}).content.decode()
    assert html.count('class="suggestion ') == 1
    html = editor_client.get(reverse("suggestions:queue"), {"document": queue.pk + 1}).content.decode()
    assert html.count('class="suggestion ') == 0
    html = editor_client.get(reverse("suggestions:queue"), {"q": "takebe", "status": "all"}).content.decode()
    assert html.count('class="suggestion ') == 3  # the person, the post and the visit


def test_analyst_reads_but_cannot_act(analyst_client, queue):
    s = Suggestion.objects.get(kind=Kind.ORGANISATION)
    html = analyst_client.get(reverse("suggestions:queue")).content.decode()
    assert "Japan-Viet Nam" in html and 'name="ids"' not in html and "hx-post" not in html
    assert analyst_client.get(reverse("suggestions:detail", args=[s.pk])).status_code == 200
    for name in ("accept", "edit_accept", "merge", "reject"):
        assert analyst_client.post(reverse(f"suggestions:{name}", args=[s.pk])).status_code == 403
    assert analyst_client.post(reverse("suggestions:bulk"), {"ids": [s.pk], "action": "accept"}).status_code == 403
    assert analyst_client.get(reverse("suggestions:merge_records", args=["organisations"])).status_code == 403
    s.refresh_from_db()
    assert s.status == Status.PENDING


def test_htmx_accept_returns_the_reviewed_card(editor_client, queue):
    s = Suggestion.objects.get(kind=Kind.ORGANISATION)
    response = editor_client.post(reverse("suggestions:accept", args=[s.pk]), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and f'id="suggestion-{s.pk}"' in html and "Accepted" in html
    org = Organisation.objects.get(name_en="Japan-Viet Nam Friendship Association")
    assert org.get_absolute_url() in html
    # Accepting twice is refused politely.
    response = editor_client.post(reverse("suggestions:accept", args=[s.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "already reviewed" in response.content.decode()  # htmx swaps 2xx only


def test_edit_then_accept_form(editor_client, queue):
    s = Suggestion.objects.get(kind=Kind.PERSON)
    form = editor_client.get(reverse("suggestions:edit", args=[s.pk]), HTTP_HX_REQUEST="true")
    assert f'name="s{s.pk}-full_name"' in form.content.decode()
    bad = editor_client.post(reverse("suggestions:edit_accept", args=[s.pk]),
                             {f"s{s.pk}-full_name": "<b>x</b>"}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 200 and "markup" in bad.content.decode()
    assert editor_client.post(reverse("suggestions:edit_accept", args=[s.pk]), {}).status_code == 422
    ok = editor_client.post(reverse("suggestions:edit_accept", args=[s.pk]),
                            {f"s{s.pk}-full_name": "Takebe Tsutomu", f"s{s.pk}-country": "jp"})
    assert ok.status_code == 302
    s.refresh_from_db()
    assert s.status == Status.ACCEPTED and s.created_record.country.iso2 == "JP"


def test_merge_into_chosen_record_and_reject(editor_client, queue, vufo):
    target = Organisation.objects.create(name_en="JVFA", owner=vufo)
    s = Suggestion.objects.get(kind=Kind.ORGANISATION)
    response = editor_client.post(reverse("suggestions:merge", args=[s.pk]), {"target": 999999}, follow=True)
    assert "There is no such record to merge into." in response.content.decode()
    response = editor_client.post(reverse("suggestions:merge", args=[s.pk]), {"target": "1", "target_id": target.pk})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.aliases == ["Japan-Viet Nam Friendship Association"]
    p = Suggestion.objects.get(kind=Kind.PERSON)
    editor_client.post(reverse("suggestions:reject", args=[p.pk]), {"comment": "duplicate"})
    p.refresh_from_db()
    assert p.status == Status.REJECTED and p.comment == "duplicate"
    html = editor_client.get(reverse("suggestions:rejections")).content.decode()
    assert "Takebe Tsutomu" in html
    rejected = RejectedFingerprint.objects.get()
    editor_client.post(reverse("suggestions:forget_rejection", args=[rejected.pk]))
    p.refresh_from_db()
    assert p.status == Status.PENDING and not RejectedFingerprint.objects.exists()


def test_bulk_accept_and_reject(editor_client, queue):
    ids = list(Suggestion.objects.filter(kind__in=["organisation", "person"]).values_list("pk", flat=True))
    response = editor_client.post(reverse("suggestions:bulk"), {"ids": ids, "action": "accept"}, follow=True)
    assert "2 suggestion(s) done." in response.content.decode()
    rest = list(Suggestion.objects.filter(status="pending").values_list("pk", flat=True))
    editor_client.post(reverse("suggestions:bulk"), {"ids": rest, "action": "reject"})
    assert Suggestion.objects.filter(status="pending").count() == 0
    response = editor_client.post(reverse("suggestions:bulk"), {"ids": ["x"], "action": "nope"}, follow=True)
    assert "Choose suggestions and an action." in response.content.decode()


def test_merge_tool_page(editor_client, vufo):
    a = Organisation.objects.create(name_en="Hội hữu nghị Việt Nam - Lào", owner=vufo)
    b = Organisation.objects.create(name_en="Hoi huu nghi Viet Nam Lao", owner=vufo)
    url = reverse("suggestions:merge_records", args=["organisations"])
    html = editor_client.get(url, {"q": "huu nghi lao", "pairs": "1"}).content.decode()
    assert html.count('name="survivor"') == 2 and "↔" in html
    response = editor_client.post(url, {"survivor": a.pk, "duplicates": [b.pk]})
    assert response.status_code == 302 and response.url == a.get_absolute_url()
    assert not Organisation.objects.filter(pk=b.pk).exists()
    assert editor_client.post(url, {"survivor": a.pk}).status_code == 200
    assert editor_client.get(reverse("suggestions:merge_records", args=["countries"])).status_code == 404


def test_queue_in_vietnamese(editor_client, queue):
    html = editor_client.get(reverse("suggestions:queue"), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Đề xuất" in html and "Chấp nhận" in html and "Tổ chức mới" in html
