"""Name-search helpers shared by models and views (pure Python, built on the extraction engine's ``fold``)."""

from __future__ import annotations

import re

from amity.extract.normalize import fold

_NON_WORD = re.compile(r"[^\w]+")


def search_words(text: str) -> list[str]:
    """Folded words of ``text`` with punctuation removed: the unit of name search."""
    return [w for w in _NON_WORD.sub(" ", fold(text)).replace("_", " ").split() if w]
