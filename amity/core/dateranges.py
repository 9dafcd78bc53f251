"""Date ranges shared by apps (no Django imports)."""

from __future__ import annotations

import datetime as dt


def merged_ranges(ranges) -> list[tuple[dt.date, dt.date]]:
    """Inclusive (first, last) day ranges, overlapping or adjacent ones joined: the same days in fewer ranges (the
    windows around the dates of a batch overlap almost entirely, and one condition per range is what a query gets)."""
    out: list[list] = []
    for first, last in sorted(ranges):
        if out and first <= out[-1][1] + dt.timedelta(days=1):
            out[-1][1] = max(out[-1][1], last)
        else:
            out.append([first, last])
    return [(first, last) for first, last in out]
