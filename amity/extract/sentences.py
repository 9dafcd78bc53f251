"""Sentence spans: ``[(start, end), ...]`` over the normalised text.

A line break always ends a sentence (headlines, captions and table cells are lines of their own);
inside a line, ., ! or ? followed by a space and a capital, digit or quote ends one unless the word
before is a known abbreviation ("Mr.", "U.S.", "TP.") or an initial.
"""

from __future__ import annotations

import re
from functools import lru_cache

# ("[.!?…][.!?…]*", not "[.!?…]+": a leading repeat stops the regex from skipping to the punctuation)
_BOUNDARY = re.compile(r"[.!?…][.!?…]*[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-ZÀ-ỸĐ0-9])")
_ABBREV = frozenset("mr mrs ms dr prof st no nos vs etc jr sr gen col lt maj capt sen rep gov assoc dept "
                    "inc ltd co corp u.s u.k u.n tp gs ts pgs ths ks bs mt p ph.d e.g i.e".split())
_INITIALS = re.compile(r"(?:[a-z]\.)+[a-z]")
_LINE = re.compile(r"[^\n]+")


def split(text: str) -> list[tuple[int, int]]:
    # The same text is split twice in a row by the pipeline (extraction, then the suggestions' evidence):
    # remembered for the last few texts of a batch, handed out as a new list each time.
    return list(_split_cached(text)) if 200 <= len(text) <= 50_000 else _split(text)


def _split(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for line in _LINE.finditer(text):
        ls, le = line.span()
        start = ls
        for m in _BOUNDARY.finditer(text, ls, le):
            word_start = text.rfind(" ", start, m.start()) + 1
            word = text[word_start:m.start()].lower().lstrip("(\"'“")
            if word in _ABBREV or (len(word) == 1 and word.isalpha()) or _INITIALS.fullmatch(word):
                continue
            spans.append(_trim(text, start, m.end()))
            start = m.end()
        if start < le:
            spans.append(_trim(text, start, le))
    return [s for s in spans if s[1] > s[0]]


_split_cached = lru_cache(maxsize=128)(lambda text: tuple(_split(text)))


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e
