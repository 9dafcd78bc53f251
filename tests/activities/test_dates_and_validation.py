import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from amity.activities.dates import parse_approx_date, period_end
from amity.activities.models import Activity
from amity.activities.services import create_activity


@pytest.mark.parametrize("text,expected,precision", [
    ("2025-03-14", dt.date(2025, 3, 14), "day"),
    ("14/3/2025", dt.date(2025, 3, 14), "day"),
    ("ngày 14 tháng 3 năm 2025", dt.date(2025, 3, 14), "day"),
    ("14 March 2025", dt.date(2025, 3, 14), "day"),
    ("March 14, 2025", dt.date(2025, 3, 14), "day"),
    ("2025-03", dt.date(2025, 3, 1), "month"),
    ("03/2025", dt.date(2025, 3, 1), "month"),
    ("March 2025", dt.date(2025, 3, 1), "month"),
    ("Mar 2025", dt.date(2025, 3, 1), "month"),
    ("tháng 3/2025", dt.date(2025, 3, 1), "month"),
    ("Tháng 3 năm 2025", dt.date(2025, 3, 1), "month"),
    ("T3/2025", dt.date(2025, 3, 1), "month"),
    ("2025", dt.date(2025, 1, 1), "year"),
    ("năm 2025", dt.date(2025, 1, 1), "year"),
])
def test_approximate_dates_are_parsed_and_normalised(text, expected, precision):
    assert parse_approx_date(text) == (expected, precision)


@pytest.mark.parametrize("text", ["early 2025", "Q2 2025", "spring 2025", "soon", "2025-13", "31/02/2025"])
def test_vague_or_impossible_dates_are_refused_with_a_suggestion(text):
    with pytest.raises(ValidationError) as err:
        parse_approx_date(text)
    message = " ".join(err.value.messages)
    if text.startswith(("early", "Q2", "spring")):
        assert "2025-03" in message and "2025" in message


def test_period_end():
    assert period_end(dt.date(2024, 2, 1), "month") == dt.date(2024, 2, 29)
    assert period_end(dt.date(2025, 1, 1), "year") == dt.date(2025, 12, 31)


def test_service_rejects_bad_input_and_writes_nothing(editor, japan):
    base = dict(user=editor, type="meeting", title="Talks", countries=["JP"])
    with pytest.raises(ValidationError) as err:
        create_activity(**base, start="2030-05-10", end="2030-05-01")
    assert "end" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        create_activity(**base, start="2030-05-10", money_amount=1000)
    assert "currency" in " ".join(err.value.message_dict["money_currency"])
    with pytest.raises(ValidationError) as err:
        create_activity(user=editor, type="meeting", title="Talks", start="2030-05-10")
    assert "partner" in " ".join(err.value.message_dict["countries"])
    with pytest.raises(ValidationError):
        create_activity(**base, start="early 2025")
    with pytest.raises(ValidationError):
        create_activity(user=editor, type="meeting", title="Talks", start="2030-05-10", countries=["XX"])
    assert Activity.objects.count() == 0


def test_service_creates_activity_with_partners_and_sources(editor, japan, vufo):
    from amity.core.models import Source

    source = Source.objects.create(url="https://example.org/a", title="Article")
    activity = create_activity(user=editor, type="visit_in", title="Japanese youth delegation", start="tháng 3/2030",
                               countries=[japan], money_amount=5000, money_currency="usd", money_kind="aid_pledge",
                               sources=[source])
    activity.refresh_from_db()
    assert activity.start == dt.date(2030, 3, 1) and activity.precision == "month"
    assert activity.span_end == dt.date(2030, 3, 31)
    assert activity.owner == vufo and activity.lead_organisation == vufo and activity.status == "draft"
    assert activity.money_currency == "USD"
    assert list(activity.countries.all()) == [japan]
    assert activity.citations.get().source == source
    assert activity.status_changes.count() == 1


def test_analyst_cannot_use_the_service(analyst, japan):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        create_activity(user=analyst, type="meeting", title="x", start="2030", countries=["JP"])


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_any_text_gives_a_date_or_a_clear_message(text):
    try:
        value, precision = parse_approx_date(text)
    except ValidationError as err:
        assert err.messages and all(m for m in err.messages)
    else:
        assert precision in ("day", "month", "year") and 1900 <= value.year <= 2100
        if precision != "day":
            assert value.day == 1
