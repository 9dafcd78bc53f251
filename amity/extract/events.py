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


class _Lower(dict):
    """Length-keeping lower-casing for ``str.translate`` ("İ".lower() is two characters)."""

    def __missing__(self, code: int) -> str:
        low = chr(code).lower()
        self[code] = out = low if len(low) == 1 else chr(code)
        return out


_LOWER = _Lower()


@lru_cache(maxsize=1)
def _compiled() -> tuple[object, object, list, list[str]]:
    """Trigger words in two Aho-Corasick automata (lower-cased text / text as written) plus the
    few regular-expression triggers in one regex; one pass over the text finds them all."""
    import ahocorasick

    auto_i, auto_c = ahocorasick.Automaton(), ahocorasick.Automaton()
    regexes: list[tuple[str, re.Pattern, int]] = []
    types: list[str] = []
    table: dict[str, list[tuple[int, str | None]]] = {}
    with (DATA / "triggers.tsv").open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            typ, words = line.rstrip("\n").split("\t")
            n = len(types)
            types.append(typ)
            for w in re.split(r"\|(?![^()]*\))", words):       # no split inside (...)
                if not w:
                    continue
                if w.startswith("re:"):
                    regexes.append((_anchor(w[3:]), re.compile(w[3:], re.IGNORECASE), n))
                    continue
                # one automaton over the lower-cased text; a capitalised trigger keeps its spelling
                # to be checked against the text as written
                key = w.translate(_LOWER)
                exact = w if w[:1].isupper() else None
                entries = table.setdefault(key, [])
                if not any(x == exact for _, x in entries):   # the first (strongest) line keeps a word
                    entries.append((n, exact))
    for key, entries in table.items():
        auto_i.add_word(key, (len(key), tuple(entries)))
    if len(auto_i):
        auto_i.make_automaton()
    return auto_i, auto_c, regexes, types


def _anchor(pattern: str) -> str:
    """A word every match of ``pattern`` contains (the first one outside a group), lower-cased:
    the regex only runs on texts that contain it."""
    depth, out, word = 0, [], ""
    escaped = False
    for ch in pattern:
        if escaped:                      # "\b", "\d", "\w": not letters of a word
            escaped = False
            if len(word) >= 3:
                out.append(word)
            word = ""
            continue
        if ch == "\\":
            escaped = True
            if len(word) >= 3:
                out.append(word)
            word = ""
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if depth == 0 and (ch.isalpha()):
            word += ch
        else:
            if len(word) >= 3:
                out.append(word)
            word = ""
    if len(word) >= 3:
        out.append(word)
    return out[0].lower() if out else ""


def _boundary_ok(text: str, s: int, e: int) -> bool:
    return (s == 0 or not (text[s - 1].isalnum() or text[s - 1] in "-_")) and \
        (e >= len(text) or not (text[e].isalnum() or text[e] == "_"))


def trigger_hits(text: str) -> list[tuple[int, int]]:
    """(offset, trigger line number) of every trigger in ``text``."""
    auto_i, auto_c, regexes, _ = _compiled()
    out: list[tuple[int, int]] = []
    lower = text.lower()
    if len(lower) != len(text):          # "İ" lower-cases to two characters: keep offsets
        lower = text.translate(_LOWER)
    if len(auto_i):
        for end, (length, entries) in auto_i.iter(lower):
            s = end - length + 1
            if _boundary_ok(text, s, end + 1):
                for n, exact in entries:
                    if exact is None or text.startswith(exact, s):
                        out.append((s, n))
    for anchor, rx, n in regexes:
        i = lower.find(anchor)
        if i < 0:
            continue
        # every match holds the anchor word: the regex runs in windows around it only
        last = 0
        while i >= 0:
            lo, hi = max(last, i - _REGEX_REACH), min(len(text), i + len(anchor) + _REGEX_REACH)
            j = lower.find(anchor, i + 1)
            while j >= 0 and j - _REGEX_REACH <= hi:        # merge close anchors into one window
                hi = min(len(text), j + len(anchor) + _REGEX_REACH)
                j = lower.find(anchor, j + 1)
            for m in rx.finditer(text, lo, hi):
                out.append((m.start(), n))
                last = m.end()
            last = max(last, hi)
            i = j
    out.sort()
    return out


_REGEX_REACH = 120   # the regex triggers are short phrases around their anchor word


def types_of(lines: list[int], limit: int = 2) -> list[str]:
    """Event types for the trigger lines that fired in one sentence: strongest first."""
    types = _compiled()[3]
    out: list[str] = []
    for n in sorted(set(lines)):
        if types[n] not in out:
            out.append(types[n])
            if len(out) >= limit:
                break
    return out


def event_types(sentence: str, limit: int = 2) -> list[str]:
    """The types whose triggers fire in ``sentence``, strongest first, at most ``limit``."""
    return types_of([n for _, n in trigger_hits(sentence)], limit)


def summarize(sentence: str, limit: int = 240) -> str:
    s = sentence.strip(" |")
    if len(s) <= limit:
        return s
    cut = s.rfind(" ", 0, limit)
    return s[:cut if cut > 0 else limit] + "…"
