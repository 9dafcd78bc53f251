"""From figures (``metrics.compute_figures``) to what every output shows: labelled tables and chart series.

One place decides the labels, so the web page, DOCX, XLSX and PDF say the same thing. Call inside
``translation.override(lang)``; labels follow the active language (names use ``name_vi`` in Vietnamese).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from amity.activities.choices import ActivityType, AgreementKind, Level, MoneyKind, Pillar
from amity.partners.choices import PartnershipLevel
from amity.reviews.metrics import Period


@dataclass
class Table:
    slug: str
    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    numeric: set[int] = field(default_factory=set)  # column indexes holding numbers (right-aligned)
    sheet: str = ""  # short name (spreadsheet tab)


@dataclass
class Chart:
    slug: str
    title: str
    items: list[tuple[str, float, float]]  # (label, current, previous)
    legend: tuple[str, str] = ("", "")
    vertical: bool = False


def is_vi() -> bool:
    return (get_language() or "en").startswith("vi")


def fmt_number(value, digits: int = 1) -> str:
    """1.5 / 1,5 (Vietnamese decimal comma); whole numbers without decimals; thousands separated."""
    if isinstance(value, float):
        text = f"{value:,.{digits}f}"
        if digits:
            text = text.rstrip("0").rstrip(".")
    elif isinstance(value, Decimal):
        text = f"{value:,.2f}".removesuffix(".00")
    else:
        text = f"{value:,}"
    if is_vi():
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def ratio_label(current, previous) -> str:
    """"×1.5 (+50%)", "−20%", "unchanged", "new" — never a division by zero."""
    current = Decimal(str(current or 0))
    previous = Decimal(str(previous or 0))
    if previous == 0:
        return "—" if current == 0 else _("new (none a year earlier)")
    if current == previous:
        return _("unchanged")
    ratio = current / previous
    pct = (ratio - 1) * 100
    pct_text = fmt_number(float(abs(pct)), 0 if abs(pct) >= 10 else 1) + "%"
    if current > previous:
        if ratio >= Decimal("1.5"):
            return _("%(ratio)s times (+%(pct)s)") % {"ratio": fmt_number(float(ratio), 1), "pct": pct_text}
        return "+" + pct_text
    return "−" + pct_text


def name_of(row: dict) -> str:
    if is_vi() and row.get("name_vi"):
        return row["name_vi"]
    return row.get("name_en") or row.get("name_vi") or row.get("acronym") or str(row.get("key", ""))


def _label(choices, key) -> str:
    if not key:
        return _("(not given)")
    labels = dict(choices)
    return str(labels.get(key, key))


def period_label(data: dict) -> str:
    return Period.from_dict(data).label(get_language() or "en")


def month_label(key: str) -> str:
    if not key:
        return ""
    year, month = key.split("-")
    return f"{int(month):02d}/{year}" if is_vi() else dt.date(int(year), int(month), 1).strftime("%b %Y")


def short_month_label(key: str, one_year: bool) -> str:
    """Axis label: "Jan" / "T1" within one calendar year, else "01/25"."""
    year, month = key.split("-")
    if not one_year:
        return f"{int(month):02d}/{year[2:]}"
    return f"T{int(month)}" if is_vi() else dt.date(2000, int(month), 1).strftime("%b")


def _simple(slug, title, head, rows_in, labeller) -> Table:
    rows = [[labeller(r), r["count"], r["previous"], ratio_label(r["count"], r["previous"])] for r in rows_in]
    return Table(slug, title, [head, _("This period"), _("A year earlier"), _("Change")], rows, {1, 2})


SUMMARY = [
    ("activities", lambda: _("Activities")),
    ("high_level", lambda: _("High-level activities")),
    ("agreements", lambda: _("Agreements signed")),
    ("upgrades", lambda: _("Partnership upgrades and new frameworks")),
    ("partners_comprehensive", lambda: _("Partners at comprehensive level or higher (at period end)")),
    ("countries_engaged", lambda: _("Partner countries engaged")),
    ("provinces_engaged", lambda: _("Provinces involved")),
]


def summary_table(figures: dict) -> Table:
    totals = figures["totals"]
    rows = []
    for key, label in SUMMARY:
        if key in totals:
            cur, prev = totals[key]["current"], totals[key]["previous"]
            rows.append([label(), cur, prev, ratio_label(cur, prev)])
    return Table("summary", _("Key figures"), [_("Indicator"), _("This period"), _("A year earlier"), _("Change")],
                 rows, {1, 2})


SHEETS = {
    "summary": lambda: _("Key figures"), "pillar": lambda: _("By pillar"), "type": lambda: _("By type"),
    "level": lambda: _("By level"), "month": lambda: _("By month"), "country": lambda: _("By country"),
    "organisation": lambda: _("By organisation"), "province": lambda: _("By province"), "money": lambda: _("Money"),
    "agreements": lambda: _("Agreements"), "upgrades": lambda: _("Upgrades"), "partners": lambda: _("Partners"),
}


def tables(figures: dict) -> list[Table]:
    out = _tables(figures)
    for table in out:
        table.sheet = SHEETS[table.slug]() if table.slug in SHEETS else table.title
    return out


def _tables(figures: dict) -> list[Table]:
    out = [summary_table(figures)]
    out.append(_simple("pillar", _("Activities by pillar"), _("Pillar"), figures["by_pillar"],
                       lambda r: _label(Pillar.choices, r["key"])))
    out.append(_simple("type", _("Activities by type"), _("Type"), figures["by_type"],
                       lambda r: _label(ActivityType.choices, r["key"])))
    out.append(_simple("level", _("Activities by level"), _("Level"), figures["by_level"],
                       lambda r: _label(Level.choices, r["key"])))
    out.append(Table("month", _("Activities by month"), [_("Month"), _("This period"), _("Same month a year earlier")],
                     [[month_label(r["key"]), r["count"], r["previous"]] for r in figures["by_month"]], {1, 2}))
    out.append(_simple("country", _("Activities by partner country"), _("Country"), figures["by_country"], name_of))
    out.append(_simple("organisation", _("Activities by partner organisation"), _("Organisation"),
                       figures["by_organisation"], name_of))
    out.append(_simple("province", _("Activities by province"), _("Province"), figures["by_province"], name_of))
    money = Table("money", _("Money"), [_("Currency"), _("Kind"), _("Total"), _("Activities"), _("A year earlier"),
                                        _("Change")], numeric={2, 3, 4})
    for r in figures["money"]:
        money.rows.append([r["currency"], _label(MoneyKind.choices, r["kind"]), Decimal(r["total"]), r["count"],
                           Decimal(r["previous_total"]), ratio_label(r["total"], r["previous_total"])])
    out.append(money)
    out.append(_simple("agreements", _("Agreements signed, by kind"), _("Kind"), figures["agreements_by_kind"],
                       lambda r: _label(AgreementKind.choices, r["key"])))
    upgrades = Table("upgrades", _("Partnership upgrades and new frameworks"),
                     [_("Country"), _("Date"), _("From"), _("To"), _("Step")])
    for u in figures["upgrades"]:
        upgrades.rows.append([name_of(u), dt.date.fromisoformat(u["date"]),
                              _label(PartnershipLevel.choices, u["from_level"]) if u["from_level"] else "—",
                              _label(PartnershipLevel.choices, u["to_level"]),
                              _("upgrade") if u["kind"] == "upgrade" else _("establishment")])
    out.append(upgrades)
    out.append(_simple("partners", _("Partners by level at period end"), _("Level"), figures["partners_by_level"],
                       lambda r: _label(PartnershipLevel.choices, r["key"])))
    return out


def charts(figures: dict) -> list[Chart]:
    legend = (period_label(figures["period"]), period_label(figures["previous_period"]))
    one_year = figures["period"]["start"][:4] == figures["period"]["end"][:4]

    def items(rows, labeller, limit=None):
        rows = [r for r in rows if r["count"] or r["previous"]]
        return [(labeller(r), r["count"], r["previous"]) for r in rows[:limit]]

    return [
        Chart("pillar", _("Activities by pillar"), items(figures["by_pillar"], lambda r: _label(Pillar.choices, r["key"])),
              legend),
        Chart("type", _("Activities by type"), items(figures["by_type"], lambda r: _label(ActivityType.choices, r["key"])),
              legend),
        Chart("month", _("Activities by month"),
              [(short_month_label(r["key"], one_year), r["count"], r["previous"]) for r in figures["by_month"]], legend,
              vertical=True),
        Chart("country", _("Top partner countries"), items([r for r in figures["by_country"] if r["count"]], name_of, 10),
              legend),
    ]


def map_counts(figures: dict) -> dict[str, tuple[str, int]]:
    return {r["key"]: (name_of(r), r["count"]) for r in figures["by_country"] if r["count"]}


def scope_label(figures: dict) -> str:
    owner = figures.get("options", {}).get("owner_name")
    if owner:
        return name_of(owner)
    return _("All organisations")


def statuses_label(figures: dict) -> str:
    if figures.get("options", {}).get("include_all"):
        return _("activities of every status except cancelled")
    return _("approved, done and reported activities")
