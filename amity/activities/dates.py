"""Approximate dates: "2025-03-14", "2025-03", "2025", "March 2025", "tháng 3/2025", "14/3/2025".

``parse_approx_date(text) -> (date, precision)``; the date is the first day of the month or year when the
precision is coarser than a day. Vague phrases ("early 2025", "Q2", "spring") are refused with a message
that suggests what to type instead. Pure Python: no Django model imports.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from amity.extract.normalize import fold

DAY, MONTH, YEAR = "day", "month", "year"

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10,
    "nov": 11, "dec": 12,
}
_VI_MONTH_WORDS = {"gieng": 1, "mot": 1, "hai": 2, "ba": 3, "tu": 4, "bon": 4, "nam": 5, "sau": 6, "bay": 7,
                   "tam": 8, "chin": 9, "muoi": 10, "muoi mot": 11, "muoi hai": 12, "chap": 12}
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))

_PATTERNS = [
    # day precision
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), lambda m: (int(m[1]), int(m[2]), int(m[3])), DAY),
    (re.compile(r"^(?:ngay\s+)?(\d{1,2})[/.](\d{1,2})[/.](\d{4})$"), lambda m: (int(m[3]), int(m[2]), int(m[1])), DAY),
    (re.compile(r"^ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+(?:nam\s+)?(\d{4})$"),
     lambda m: (int(m[3]), int(m[2]), int(m[1])), DAY),
    (re.compile(rf"^(\d{{1,2}})\s+({_MONTH_NAMES})\.?,?\s+(\d{{4}})$"),
     lambda m: (int(m[3]), _MONTHS[m[2]], int(m[1])), DAY),
    (re.compile(rf"^({_MONTH_NAMES})\.?\s+(\d{{1,2}}),?\s+(\d{{4}})$"),
     lambda m: (int(m[3]), _MONTHS[m[1]], int(m[2])), DAY),
    # month precision
    (re.compile(r"^(\d{4})-(\d{1,2})$"), lambda m: (int(m[1]), int(m[2]), 1), MONTH),
    (re.compile(r"^(\d{1,2})[/.-](\d{4})$"), lambda m: (int(m[2]), int(m[1]), 1), MONTH),
    (re.compile(r"^(?:thang|t)\s*(\d{1,2})\s*(?:/|-|\s+nam\s+|\s+)\s*(\d{4})$"), lambda m: (int(m[2]), int(m[1]), 1), MONTH),
    (re.compile(r"^thang\s+([a-z ]+?)\s+(?:nam\s+)?(\d{4})$"), lambda m: (int(m[2]), _VI_MONTH_WORDS.get(m[1], 0), 1),
     MONTH),
    (re.compile(rf"^({_MONTH_NAMES})\.?,?\s+(\d{{4}})$"), lambda m: (int(m[2]), _MONTHS[m[1]], 1), MONTH),
    # year precision
    (re.compile(r"^(?:nam\s+)?(\d{4})$"), lambda m: (int(m[1]), 1, 1), YEAR),
]


def _suggestion(text: str) -> str:
    year = re.search(r"(19|20)\d{2}", text)
    y = year.group(0) if year else str(dt.date.today().year)
    return _("Amity cannot place “%(text)s” on a calendar. Give a day (%(y)s-03-14), a month (%(y)s-03, "
             "March %(y)s, tháng 3/%(y)s) or just the year (%(y)s).") % {"text": text[:60], "y": y}


def parse_approx_date(text) -> tuple[dt.date, str]:
    """Parse ``text`` into (date, precision) or raise ValidationError with a helpful message."""
    if isinstance(text, dt.datetime):
        return text.date(), DAY
    if isinstance(text, dt.date):
        return text, DAY
    raw = " ".join(str(text or "").split())
    if not raw:
        raise ValidationError(_("Enter a date."), code="required")
    key = fold(raw).replace(",", " ").strip()
    key = " ".join(key.split())
    for pattern, parts, precision in _PATTERNS:
        match = pattern.match(key)
        if not match:
            continue
        year, month, day = parts(match)
        try:
            value = dt.date(year, month, day)
        except ValueError:
            raise ValidationError(
                _("“%(text)s” is not a real date (check the day and the month).") % {"text": raw[:60]},
                code="invalid_date") from None
        if not 1900 <= value.year <= 2100:
            raise ValidationError(_("Give a year between 1900 and 2100."), code="year_range")
        return value, precision
    raise ValidationError(_suggestion(raw), code="vague_date")


def period_end(start: dt.date, precision: str) -> dt.date:
    """Last day covered by ``start`` at ``precision`` (the day itself, the month's or the year's end)."""
    if precision == MONTH:
        return start.replace(day=calendar.monthrange(start.year, start.month)[1])
    if precision == YEAR:
        return start.replace(month=12, day=31)
    return start


def format_approx(value: dt.date | None, precision: str, lang: str = "en") -> str:
    if value is None:
        return ""
    if precision == YEAR:
        return str(value.year)
    if precision == MONTH:
        return f"tháng {value.month}/{value.year}" if lang.startswith("vi") else value.strftime("%B %Y")
    return value.strftime("%d/%m/%Y") if lang.startswith("vi") else value.isoformat()
