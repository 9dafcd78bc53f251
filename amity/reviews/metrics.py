"""The figures of a periodic review: pure functions over querysets.

``Period`` names a reporting period (a year, a half, a quarter or a custom range) and the same period a year
earlier. ``compute_figures(period, ...)`` returns one JSON-serialisable dict: counts of activities by type,
pillar, level, partner country, organisation, province and month; money totals by currency and kind;
agreements signed; partnership upgrades; partners at comprehensive level or higher at the period's end; each
with the figure for the same period of the previous year. Labels are *not* stored: they are looked up when the
figures are shown (see ``amity.reviews.report``), so a frozen snapshot renders in English and in Vietnamese.

Which activities count: those whose status is approved, done or reported (``include_all=True`` counts every
status except cancelled), whose start falls in the period, and whose date is
precise enough to place them in it (an activity dated only "2025" counts in the 2025 review, not in H1 2025;
one dated "March 2025" counts in Q1 and H1 but not in a custom range ending on 15 March).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from amity.activities.choices import HIGH_LEVELS, AgreementStatus, Precision, Status
from amity.partners.choices import LEVEL_RANK

COUNTED_STATUSES = (Status.APPROVED, Status.DONE, Status.REPORTED)
FIGURES_VERSION = 1
TOP_N = 10


class PeriodKind:
    YEAR = "year"
    H1 = "h1"
    H2 = "h2"
    Q1, Q2, Q3, Q4 = "q1", "q2", "q3", "q4"
    CUSTOM = "custom"
    ALL = (YEAR, H1, H2, Q1, Q2, Q3, Q4, CUSTOM)


_BOUNDS = {  # kind -> (first month, last month)
    PeriodKind.YEAR: (1, 12), PeriodKind.H1: (1, 6), PeriodKind.H2: (7, 12),
    PeriodKind.Q1: (1, 3), PeriodKind.Q2: (4, 6), PeriodKind.Q3: (7, 9), PeriodKind.Q4: (10, 12),
}


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def shift_year(day: dt.date, years: int = -1) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date
    end: dt.date

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("A period cannot end before it starts.")

    @classmethod
    def of(cls, kind: str, year: int) -> Period:
        first, last = _BOUNDS[kind]
        start = dt.date(year, first, 1)
        return cls(kind, start, month_end(dt.date(year, last, 1)))

    @classmethod
    def custom(cls, start: dt.date, end: dt.date) -> Period:
        return cls(PeriodKind.CUSTOM, start, end)

    @classmethod
    def parse(cls, text: str) -> Period:
        """"2025", "H1 2025", "2025 H2", "6T 2025" (6 tháng đầu năm), "Q3 2025", "2025-01-01..2025-03-15"."""
        raw = " ".join(str(text or "").split()).lower()
        match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})\s*(?:\.\.|–|—|to|-)\s*(\d{4})-(\d{2})-(\d{2})", raw)
        if match:
            n = [int(g) for g in match.groups()]
            return cls.custom(dt.date(n[0], n[1], n[2]), dt.date(n[3], n[4], n[5]))
        match = re.fullmatch(r"(?:năm\s+|nam\s+)?(\d{4})", raw)
        if match:
            return cls.of(PeriodKind.YEAR, int(match[1]))
        match = re.fullmatch(r"([hq][1-4])\s*[/ ]?\s*(\d{4})|(\d{4})\s*[/ ]?\s*([hq][1-4])", raw)
        if match:
            kind = (match[1] or match[4])
            year = int(match[2] or match[3])
            if kind in _BOUNDS:
                return cls.of(kind, year)
        match = re.fullmatch(r"6\s*(?:t|tháng|thang)\s*(?:đầu năm|dau nam)?\s*(\d{4})", raw)
        if match:
            return cls.of(PeriodKind.H1, int(match[1]))
        raise ValueError(text)

    @property
    def code(self) -> str:
        """Round-trips through ``parse``."""
        if self.kind == PeriodKind.YEAR:
            return str(self.start.year)
        if self.kind in _BOUNDS:
            return f"{self.kind.upper()} {self.start.year}"
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    def label(self, lang: str = "en") -> str:
        vi = (lang or "en").startswith("vi")
        year = self.start.year
        if self.kind == PeriodKind.YEAR:
            return f"Năm {year}" if vi else str(year)
        if self.kind in (PeriodKind.H1, PeriodKind.H2):
            if vi:
                return f"6 tháng {'đầu' if self.kind == PeriodKind.H1 else 'cuối'} năm {year}"
            return f"{'First' if self.kind == PeriodKind.H1 else 'Second'} half of {year}"
        if self.kind in _BOUNDS:
            return f"Quý {self.kind[1]}/{year}" if vi else f"Q{self.kind[1]} {year}"
        if vi:
            return f"{self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"
        return f"{self.start:%d %b %Y} – {self.end:%d %b %Y}"

    def previous_year(self) -> Period:
        if self.kind in _BOUNDS:
            return Period.of(self.kind, self.start.year - 1)
        end = shift_year(self.end)
        if self.end == month_end(self.end):
            end = month_end(end)
        return Period(self.kind, shift_year(self.start), end)

    def months(self) -> list[str]:
        out, day = [], self.start.replace(day=1)
        while day <= self.end:
            out.append(f"{day:%Y-%m}")
            day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return out

    def as_dict(self) -> dict:
        return {"kind": self.kind, "start": self.start.isoformat(), "end": self.end.isoformat(), "code": self.code}

    @classmethod
    def from_dict(cls, data: dict) -> Period:
        return cls(data["kind"], dt.date.fromisoformat(data["start"]), dt.date.fromisoformat(data["end"]))


def last_complete_period(today: dt.date | None = None) -> Period:
    """The half-year that ended last (what a review written today would most likely cover)."""
    today = today or timezone.localdate()
    if today.month >= 7:
        return Period.of(PeriodKind.H1, today.year)
    return Period.of(PeriodKind.H2, today.year - 1)


# ---- activity selection -------------------------------------------------------------------------------------


def activities_in(period: Period, queryset=None, include_all: bool = False, owner=None):
    """Activities that took place in ``period`` (dated precisely enough to be placed in it)."""
    from amity.activities.models import Activity

    qs = Activity.objects.all() if queryset is None else queryset
    if not include_all:
        qs = qs.filter(status__in=COUNTED_STATUSES)
    else:
        qs = qs.exclude(status=Status.CANCELLED)
    if owner is not None:
        qs = qs.filter(owner=owner)
    # Last first-of-month whose whole month lies in the period, and the same for years.
    last_month = period.end.replace(day=1) if period.end == month_end(period.end) else (
        (period.end.replace(day=1) - dt.timedelta(days=1)).replace(day=1))
    last_year = dt.date(period.end.year if period.end.month == 12 and period.end.day == 31 else period.end.year - 1, 1, 1)
    in_range = Q(start__gte=period.start, start__lte=period.end)
    placed = (
        Q(precision=Precision.DAY)
        | Q(precision=Precision.MONTH, start__lte=last_month)
        | Q(precision=Precision.YEAR, start__lte=last_year)
    )
    return qs.filter(in_range & placed)


def agreements_in(period: Period, owner=None):
    from amity.activities.models import Agreement

    qs = Agreement.objects.filter(signed_on__gte=period.start, signed_on__lte=period.end).exclude(
        status=AgreementStatus.DRAFT)
    if owner is not None:
        qs = qs.filter(owner=owner)
    return qs


# ---- comparison ---------------------------------------------------------------------------------------------


def compare(current, previous) -> dict:
    """Year-on-year comparison with care for zero: ratio and percentage are None when previous is 0."""
    current = current or 0
    previous = previous or 0
    out = {"current": current, "previous": previous, "diff": current - previous, "ratio": None, "pct": None}
    if previous:
        ratio = float(Decimal(str(current)) / Decimal(str(previous)))
        out["ratio"] = round(ratio, 4)
        out["pct"] = round((ratio - 1) * 100, 1)
    return out


def _merge(current: dict, previous: dict, extra: dict | None = None, limit: int | None = None) -> list[dict]:
    """Rows {key, count, previous, **extra[key]} sorted by count (then previous), current keys first."""
    keys = list(dict.fromkeys([*current, *previous]))
    rows = [{"key": k, "count": current.get(k, 0), "previous": previous.get(k, 0), **((extra or {}).get(k, {}))}
            for k in keys]
    rows.sort(key=lambda r: (-r["count"], -r["previous"], str(r["key"])))
    if limit:
        rows = rows[:limit]
    return rows


def _count_by(qs, field: str) -> dict:
    return {row[field] or "": row["n"] for row in qs.order_by().values(field).annotate(n=Count("id"))}


def _count_m2m(qs, through, fk: str, fields: list[str]) -> tuple[dict, dict]:
    rows = (through.objects.filter(activity__in=qs.values("pk")).order_by()
            .values(f"{fk}_id", *[f"{fk}__{f}" for f in fields])
            .annotate(n=Count("activity_id", distinct=True)))
    counts, extra = {}, {}
    for row in rows:
        key = row[f"{fk}_id"]
        counts[key] = row["n"]
        extra[key] = {f: row[f"{fk}__{f}"] or "" for f in fields}
    return counts, extra


def _by_country(qs):
    from amity.activities.models import Activity

    counts, extra = _count_m2m(qs, Activity.countries.through, "country", ["iso2", "name_en", "name_vi"])
    return ({extra[k]["iso2"]: n for k, n in counts.items()},
            {e["iso2"]: {"name_en": e["name_en"], "name_vi": e["name_vi"]} for e in extra.values()})


def _by_organisation(qs):
    from amity.activities.models import Activity

    counts, extra = _count_m2m(qs, Activity.organisations.through, "organisation", ["name_en", "name_vi", "acronym"])
    return counts, extra


def _by_province(qs):
    rows = qs.filter(province__isnull=False).order_by().values(
        "province__code", "province__name_en", "province__name_vi").annotate(n=Count("id"))
    counts = {r["province__code"]: r["n"] for r in rows}
    extra = {r["province__code"]: {"name_en": r["province__name_en"], "name_vi": r["province__name_vi"]}
             for r in rows}
    return counts, extra


def _by_month(qs) -> Counter:
    return Counter(f"{d:%Y-%m}" for d in qs.values_list("start", flat=True))


def _money(qs) -> dict:
    rows = (qs.filter(money_amount__isnull=False).exclude(money_currency="").order_by()
            .values("money_currency", "money_kind").annotate(total=Sum("money_amount"), n=Count("id")))
    return {(r["money_currency"], r["money_kind"] or ""): (r["total"] or Decimal(0), r["n"]) for r in rows}


def _dec(value) -> str:
    value = Decimal(value or 0).quantize(Decimal("0.01"))
    return format(value.normalize() if value == value.to_integral() else value, "f")


# ---- partnerships -------------------------------------------------------------------------------------------


def upgrades_in(period: Period) -> list[dict]:
    """Partnership steps dated in the period that raise a country's level (or establish a framework)."""
    from amity.partners.models import Partnership

    steps = list(Partnership.objects.filter(date_from__lte=period.end).select_related("country")
                 .order_by("country_id", "date_from", "id"))
    out, previous_rank, previous_level = [], {}, {}
    for step in steps:
        rank = LEVEL_RANK.get(step.level, 0)
        before = previous_rank.get(step.country_id)
        if step.date_from >= period.start and rank > (before or 0):
            out.append({
                "iso2": step.country.iso2, "name_en": step.country.name_en, "name_vi": step.country.name_vi,
                "date": step.date_from.isoformat(), "from_level": previous_level.get(step.country_id, ""),
                "to_level": step.level, "kind": "upgrade" if before else "establishment",
            })
        previous_rank[step.country_id] = rank
        previous_level[step.country_id] = step.level
    out.sort(key=lambda u: (u["date"], u["name_en"]))
    return out


def partners_by_level(day: dt.date) -> dict:
    from amity.partners.models import Country

    levels = Country.objects.with_current_level(day).values_list("current_level", flat=True)
    return dict(Counter(level for level in levels if level and LEVEL_RANK.get(level, 0) > 0))


def comprehensive_or_higher(day: dt.date) -> int:
    """Countries whose framework on ``day`` is comprehensive partnership or higher."""
    return sum(partners_by_level(day).values())


# ---- everything ---------------------------------------------------------------------------------------------


def compute_figures(period: Period, include_all: bool = False, owner=None) -> dict:
    previous = period.previous_year()
    cur = activities_in(period, include_all=include_all, owner=owner)
    prev = activities_in(previous, include_all=include_all, owner=owner)

    def pair(func, *args):
        return func(cur, *args), func(prev, *args)

    type_c, type_p = pair(_count_by, "type")
    pillar_c, pillar_p = pair(_count_by, "pillar")
    level_c, level_p = pair(_count_by, "level")
    (country_c, country_x), (country_p, country_xp) = pair(_by_country)
    (org_c, org_x), (org_p, org_xp) = pair(_by_organisation)
    (prov_c, prov_x), (prov_p, prov_xp) = pair(_by_province)
    month_c, month_p = pair(_by_month)
    money_c, money_p = pair(_money)
    agreements_c = agreements_in(period, owner)
    agreements_p = agreements_in(previous, owner)
    upgrades_c, upgrades_p = upgrades_in(period), upgrades_in(previous)
    partners_c, partners_p = partners_by_level(period.end), partners_by_level(previous.end)

    def high(counts):
        return sum(n for level, n in counts.items() if level in HIGH_LEVELS)

    months = period.months()
    prev_months = previous.months()
    by_month = [{"key": m, "count": month_c.get(m, 0), "previous": month_p.get(pm, 0)}
                for m, pm in zip(months, prev_months + [""] * (len(months) - len(prev_months)), strict=False)]
    money = []
    for currency, kind in sorted(set(money_c) | set(money_p)):
        total, n = money_c.get((currency, kind), (0, 0))
        ptotal, pn = money_p.get((currency, kind), (0, 0))
        money.append({"currency": currency, "kind": kind, "total": _dec(total), "count": n,
                      "previous_total": _dec(ptotal), "previous_count": pn})

    def tally(rows):
        return {"current": rows[0], "previous": rows[1]}

    totals = {
        "activities": tally((cur.count(), prev.count())),
        "high_level": tally((high(level_c), high(level_p))),
        "agreements": tally((agreements_c.count(), agreements_p.count())),
        "upgrades": tally((len(upgrades_c), len(upgrades_p))),
        "partners_comprehensive": tally((sum(partners_c.values()), sum(partners_p.values()))),
        "countries_engaged": tally((len(country_c), len(country_p))),
        "provinces_engaged": tally((len(prov_c), len(prov_p))),
    }
    owner_label = ""
    if owner is not None:
        owner_label = {"name_en": owner.name_en, "name_vi": owner.name_vi}
    return {
        "version": FIGURES_VERSION,
        "computed_at": timezone.now().isoformat(timespec="seconds"),
        "period": period.as_dict(),
        "previous_period": previous.as_dict(),
        "options": {"include_all": bool(include_all), "owner": owner.pk if owner is not None else None,
                    "owner_name": owner_label},
        "totals": totals,
        "by_type": _merge(type_c, type_p),
        "by_pillar": _merge(pillar_c, pillar_p),
        "by_level": _merge(level_c, level_p),
        "by_month": by_month,
        "by_country": _merge(country_c, country_p, {**country_xp, **country_x}),
        "by_organisation": _merge(org_c, org_p, {**org_xp, **org_x}, limit=50),
        "by_province": _merge(prov_c, prov_p, {**prov_xp, **prov_x}),
        "money": money,
        "agreements_by_kind": _merge(_count_by(agreements_c, "kind"), _count_by(agreements_p, "kind")),
        "upgrades": upgrades_c,
        "partners_by_level": _merge(partners_c, partners_p),
    }


def top(rows: list[dict], n: int = TOP_N) -> list[dict]:
    return [r for r in rows if r.get("count")][:n]
