import datetime as dt
import json

import pytest
from django.utils import translation

from amity.activities.choices import Status
from amity.activities.models import Activity
from amity.reviews import metrics, report
from amity.reviews.metrics import Period, PeriodKind

D = dt.date
Y2025 = Period.of(PeriodKind.YEAR, 2025)
H1_2025 = Period.of(PeriodKind.H1, 2025)


# ---- periods (no database) ----------------------------------------------------------------------------------


@pytest.mark.parametrize("text,kind,start,end", [
    ("2025", "year", D(2025, 1, 1), D(2025, 12, 31)),
    ("H1 2025", "h1", D(2025, 1, 1), D(2025, 6, 30)),
    ("h2/2025", "h2", D(2025, 7, 1), D(2025, 12, 31)),
    ("2025 H2", "h2", D(2025, 7, 1), D(2025, 12, 31)),
    ("Q1 2024", "q1", D(2024, 1, 1), D(2024, 3, 31)),
    ("6 tháng đầu năm 2025", "h1", D(2025, 1, 1), D(2025, 6, 30)),
    ("năm 2025", "year", D(2025, 1, 1), D(2025, 12, 31)),
    ("2025-01-01..2025-03-15", "custom", D(2025, 1, 1), D(2025, 3, 15)),
])
def test_period_parse(text, kind, start, end):
    period = Period.parse(text)
    assert (period.kind, period.start, period.end) == (kind, start, end)
    assert Period.parse(period.code) == period


@pytest.mark.parametrize("text", ["", "H3 2025", "early 2025", "2025-03-15..2025-01-01", "Q5 2025"])
def test_period_parse_refuses(text):
    with pytest.raises(ValueError):
        Period.parse(text)


def test_previous_year_and_labels():
    assert H1_2025.previous_year() == Period.of(PeriodKind.H1, 2024)
    leap = Period.custom(D(2024, 2, 1), D(2024, 2, 29))
    assert leap.previous_year() == Period.custom(D(2023, 2, 1), D(2023, 2, 28))
    assert H1_2025.label("vi") == "6 tháng đầu năm 2025"
    assert H1_2025.label("en") == "First half of 2025"
    assert Period.of("q3", 2025).label("vi") == "Quý 3/2025"
    assert H1_2025.months() == ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"]
    assert metrics.last_complete_period(D(2025, 11, 2)) == H1_2025
    assert metrics.last_complete_period(D(2026, 3, 1)) == Period.of(PeriodKind.H2, 2025)


def test_compare_and_ratio_labels_handle_zero():
    assert metrics.compare(6, 4) == {"current": 6, "previous": 4, "diff": 2, "ratio": 1.5, "pct": 50.0}
    assert metrics.compare(3, 0)["ratio"] is None and metrics.compare(3, 0)["pct"] is None
    assert metrics.compare(0, 0)["ratio"] is None
    with translation.override("en"):
        assert report.ratio_label(6, 4) == "1.5 times (+50%)"
        assert report.ratio_label(350, 140) == "2.5 times (+150%)"
        assert report.ratio_label(11, 10) == "+10%"
        assert report.ratio_label(3, 4) == "−25%"
        assert report.ratio_label(4, 4) == "unchanged"
        assert report.ratio_label(3, 0) == "new (none a year earlier)"
        assert report.ratio_label(0, 0) == "—"
        assert report.ratio_label(0, 5) == "−100%"
        assert report.ratio_label("1000500.50", "1000") == "1,000.5 times (+99,950%)"
    with translation.override("vi"):
        assert report.fmt_number(1234567) == "1.234.567"
        assert report.fmt_number(1.5) == "1,5"


# ---- figures ------------------------------------------------------------------------------------------------


def test_year_figures(world):
    figures = metrics.compute_figures(Y2025)
    json.dumps(figures)  # a snapshot must be JSON
    totals = figures["totals"]
    assert totals["activities"] == {"current": 6, "previous": 4}
    assert totals["high_level"] == {"current": 3, "previous": 2}
    assert totals["agreements"] == {"current": 5, "previous": 2}
    assert totals["upgrades"] == {"current": 3, "previous": 0}
    assert totals["partners_comprehensive"] == {"current": 6, "previous": 5}
    with translation.override("en"):
        assert report.ratio_label(**{"current": 6, "previous": 4}) == "1.5 times (+50%)"
        assert report.ratio_label(5, 2) == "2.5 times (+150%)"
        summary = report.summary_table(figures)
    assert summary.rows[0] == ["Activities", 6, 4, "1.5 times (+50%)"]
    assert summary.rows[3][-1] == "new (none a year earlier)"

    pillars = {r["key"]: (r["count"], r["previous"]) for r in figures["by_pillar"]}
    assert pillars == {"state": (2, 1), "party": (1, 1), "people": (3, 2)}
    countries = {r["key"]: (r["count"], r["previous"]) for r in figures["by_country"]}
    assert countries["JP"] == (3, 2)  # the NA Chairman's reception, the festival, the aid
    assert countries["LA"] == (0, 1)  # the 2025 visit to Laos is a draft
    assert figures["by_country"][0]["key"] == "JP" and figures["by_country"][0]["name_vi"] == "Nhật Bản"
    provinces = {r["key"]: (r["count"], r["previous"]) for r in figures["by_province"]}
    assert provinces == {"ha-noi": (2, 0), "hue": (1, 1)}
    months = {r["key"]: (r["count"], r["previous"]) for r in figures["by_month"]}
    assert months["2025-03"] == (2, 0) and months["2025-05"] == (1, 1) and len(months) == 12
    money = {(r["currency"], r["kind"]): (r["total"], r["count"], r["previous_total"]) for r in figures["money"]}
    assert money[("USD", "aid_pledge")] == ("1500000.50", 2, "1000")
    assert money[("VND", "disbursement")] == ("2000000000", 1, "0")
    kinds = {r["key"]: r["count"] for r in figures["agreements_by_kind"]}
    assert kinds == {"mou": 4, "twinning": 1}


def test_half_year_places_only_precise_dates(world):
    figures = metrics.compute_figures(H1_2025)
    assert figures["totals"]["activities"] == {"current": 3, "previous": 2}  # the year-only activity is left out
    assert figures["totals"]["high_level"] == {"current": 3, "previous": 2}
    assert figures["totals"]["agreements"] == {"current": 3, "previous": 1}
    titles = set(metrics.activities_in(H1_2025).values_list("title", flat=True))
    assert "NA Chairman receives Japanese delegation" in titles  # dated "March 2025"
    assert "Year-round exchange with Chile" not in titles
    # A custom range that ends mid-March cannot place an activity dated only "March 2025".
    march = Period.custom(D(2025, 3, 1), D(2025, 3, 15))
    assert set(metrics.activities_in(march).values_list("title", flat=True)) == {"President visits Indonesia"}


def test_upgrades_from_partnership_history(world):
    upgrades = metrics.upgrades_in(Y2025)
    assert [(u["iso2"], u["kind"], u["from_level"], u["to_level"]) for u in upgrades] == [
        ("ID", "upgrade", "strategic", "comprehensive_strategic"),
        ("FR", "upgrade", "strategic", "comprehensive_strategic"),
        ("CL", "establishment", "", "comprehensive"),
    ]
    assert [u["iso2"] for u in metrics.upgrades_in(H1_2025)] == ["ID", "FR"]  # Korea's step down is no upgrade
    assert metrics.upgrades_in(Period.of("year", 2024)) == []
    assert metrics.comprehensive_or_higher(D(2024, 12, 31)) == 5  # JP, ID, FR, KR, LA
    assert metrics.comprehensive_or_higher(D(2025, 12, 31)) == 6  # + CL
    assert metrics.comprehensive_or_higher(D(1970, 1, 1)) == 1  # only Laos
    assert metrics.partners_by_level(D(2025, 12, 31)) == {
        "comprehensive_strategic": 3, "strategic": 1, "comprehensive": 1, "special": 1}


def test_include_all_and_owner_scope(world, vufo, other_org):
    assert metrics.compute_figures(Y2025, include_all=True)["totals"]["activities"]["current"] == 7  # + the draft
    own = metrics.compute_figures(Y2025, owner=other_org)
    assert own["totals"]["activities"] == {"current": 1, "previous": 0}
    assert own["totals"]["agreements"] == {"current": 1, "previous": 0}
    assert own["options"]["owner"] == other_org.pk
    assert metrics.compute_figures(Y2025, owner=vufo)["totals"]["activities"]["current"] == 5


def test_empty_database_gives_zeros(db):
    figures = metrics.compute_figures(H1_2025)
    assert figures["totals"]["activities"] == {"current": 0, "previous": 0}
    with translation.override("en"):
        tables = report.tables(figures)
    assert tables[0].rows[0][-1] == "—"
    assert [t.rows for t in tables[1:] if t.slug != "month"] == [[]] * (len(tables) - 2)


def test_figures_follow_record_changes(world):
    before = metrics.compute_figures(Y2025)["totals"]["activities"]["current"]
    Activity.objects.filter(title="Draft 2025").update(status=Status.APPROVED)
    assert metrics.compute_figures(Y2025)["totals"]["activities"]["current"] == before + 1
