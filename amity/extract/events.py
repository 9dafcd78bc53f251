"""Events: a sentence with a trigger word and at least one participant becomes one event.

The type is the first type in ``data/triggers.tsv`` whose trigger fires (signing beats visiting);
participants are the countries, organisations and persons named in the sentence; the date is the
first date in it (else null); the location a Vietnamese place or a foreign country after "in"/"tại".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .gazetteer import DATA

EVENT_TYPES = ("visit", "meeting", "conference", "agreement_signed", "partnership_upgrade", "aid_commitment",
               "training", "cultural_exchange", "award", "election_appointment", "anniversary_celebration",
               "other")


@dataclass
class Event:
    start: int
    end: int
    type: str
    date: str | None
    location: str | None
    countries: list[str] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)
    persons: list[str] = field(default_factory=list)
    summary: str = ""


@lru_cache(maxsize=1)
def _triggers() -> list[tuple[str, re.Pattern, re.Pattern | None]]:
    """[(type, case-insensitive regex, case-sensitive regex)] in priority order."""
    out = []
    with (DATA / "triggers.tsv").open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            typ, words = line.rstrip("\n").split("\t")
            words = [w for w in words.split("|") if w]
            lower = [re.escape(w) for w in words if not w[:1].isupper()]
            upper = [re.escape(w) for w in words if w[:1].isupper()]
            rx_i = re.compile(r"(?<![\w-])(?:" + "|".join(sorted(lower, key=len, reverse=True)) + r")(?!\w)",
                              re.IGNORECASE) if lower else None
            rx_c = re.compile(r"(?<![\w-])(?:" + "|".join(sorted(upper, key=len, reverse=True)) + r")(?!\w)") \
                if upper else None
            out.append((typ, rx_i, rx_c))
    return out


def event_type(sentence: str) -> str | None:
    for typ, rx_i, rx_c in _triggers():
        if (rx_i and rx_i.search(sentence)) or (rx_c and rx_c.search(sentence)):
            return typ
    return None


def summarize(sentence: str, limit: int = 240) -> str:
    s = sentence.strip(" |")
    if len(s) <= limit:
        return s
    cut = s.rfind(" ", 0, limit)
    return s[:cut if cut > 0 else limit] + "…"
