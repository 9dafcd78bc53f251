"""National holidays and elections that make a visit a bad idea, from ``data/holidays.csv``.

Columns: iso2, date_from, date_to, name, kind (holiday | election | event), source. Other apps (or a later
admin screen) may extend ``EXTRA`` at run time.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "holidays.csv"


@dataclass(frozen=True)
class Holiday:
    iso2: str
    date_from: dt.date
    date_to: dt.date
    name: str
    kind: str
    source: str


EXTRA: list[Holiday] = []


@lru_cache(maxsize=1)
def _load() -> tuple[Holiday, ...]:
    out = []
    with DATA.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            out.append(Holiday(row["iso2"].strip().upper(), dt.date.fromisoformat(row["date_from"]),
                               dt.date.fromisoformat(row["date_to"]), row["name"].strip(), row["kind"].strip(),
                               row["source"].strip()))
    return tuple(out)


def holidays_overlapping(iso2_codes, first: dt.date, last: dt.date) -> list[Holiday]:
    codes = {c.upper() for c in iso2_codes if c}
    return [h for h in (*_load(), *EXTRA) if h.iso2 in codes and h.date_from <= last and first <= h.date_to]
