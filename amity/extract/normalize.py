"""Text folding shared by the extraction engine and the database layer.

``fold`` is the one key used everywhere names are compared: diacritics removed,
Vietnamese "đ" mapped to "d", case folded, Unicode normalised (NFC and NFD input
give the same key) and white space collapsed.  It must stay cheap and pure.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from functools import lru_cache

_SPACE = re.compile(r"\s+")
_SPECIAL = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "ł": "l", "Ł": "l", "ø": "o", "Ø": "o",
                          "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ß": "ss", "ı": "i",
                          "\u2019": "'", "\u2018": "'", "\u2013": "-", "\u2014": "-"})


def fold(text: str) -> str:
    """Return the comparison key of ``text``: no accents, lower case, single spaces."""
    if not text:
        return ""
    if text.isascii():  # nothing to decompose or translate: the same key, without the per-character pass
        if text.isprintable() and "  " not in text:  # white space is single spaces already
            return text.lower().strip()
        return _SPACE.sub(" ", text.lower()).strip()
    if len(text) <= 200:  # names, mostly: the same few come back again and again
        return _fold_short(text)
    return _fold(text)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _SPACE.sub(" ", text.casefold().translate(_SPECIAL)).strip()


_fold_short = lru_cache(maxsize=1 << 16)(_fold)


class _FoldTable(dict):
    """``str.translate`` table folding one character to exactly one character.

    Keeping the length fixed means an offset in the folded text is the same offset in the
    original text, so gazetteer hits need no back-mapping table.  Characters whose fold would be
    longer (``æ`` -> ``ae``) keep their first folded character; those that fold to nothing
    (stray combining marks) become ``"\\x00"``, which never occurs in a gazetteer key.
    """

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        if ch.isspace():
            out = " "
        else:
            folded = fold(ch)
            out = folded[0] if folded else "\x00"
        self[code] = out
        return out


_TABLE = _FoldTable()
_TABLE.update({c: chr(c).lower() for c in range(128)})
for _c in "\t\n\r\x0b\x0c":
    _TABLE[ord(_c)] = " "


_ASCII_TABLE = bytes(ord(_TABLE[c]) for c in range(128)) + bytes(range(128, 256))


def fold_aligned(text: str) -> str:
    """Fold ``text`` character by character, keeping its length (offsets stay valid).

    Unlike :func:`fold` it does not collapse white space; each space-like character becomes one
    ASCII space.  Expects NFC text (see :func:`normalize_text`).
    """
    if text.isascii():                   # fast path: a byte table
        return text.encode("ascii").translate(_ASCII_TABLE).decode("ascii")
    if len(text.encode("utf-8", "surrogatepass")) - len(text) < len(text) >> 5:
        return _fold_sparse(text)        # English with a few dashes and quotes
    if not _BEYOND_LIST.search(text):     # Latin, Vietnamese, punctuation: a list is the fastest table
        return text.translate(_list_table())
    return text.translate(_TABLE)


_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")


def _fold_sparse(text: str) -> str:
    """:func:`fold_aligned` of a text with few non-ASCII characters: the ASCII stretches through the
    byte table, the rest through the character table (a whole-text ``str.translate`` goes character by
    character from the first non-ASCII character on)."""
    parts = []
    pos = 0
    for m in _NON_ASCII_RUN.finditer(text):
        s, e = m.span()
        parts.append(text[pos:s].encode("ascii").translate(_ASCII_TABLE).decode("ascii"))
        parts.append(text[s:e].translate(_TABLE))
        pos = e
    parts.append(text[pos:].encode("ascii").translate(_ASCII_TABLE).decode("ascii"))
    return "".join(parts)


_LIST_LIMIT = "\u2100"
_BEYOND_LIST = re.compile("[\u2100-\U0010ffff]")
_LIST: list[str] = []


def _list_table() -> list[str]:
    if not _LIST:
        _LIST.extend(_TABLE[c] for c in range(ord(_LIST_LIMIT)))
    return _LIST


_HSPACE = re.compile(r"[^\S\n]{2,}|[^\S\n ]")   # runs, or one odd space (tab, NBSP); not each " "
# the characters _CONTROL or _HSPACE would change (besides a double space): usually none, and a few
# substring tests are much cheaper than two regex scans
_ODD_CHARS = tuple(sorted({chr(c) for c in range(0x3001) if chr(c).isspace() and chr(c) not in " \n"} |
                          {chr(c) for c in [*range(0x00, 0x09), 0x0b, 0x0c, *range(0x0e, 0x20), 0x7f,
                                            0x200b, 0x200c, 0x200d, 0x2060, 0xfeff]}))
_ODD_ASCII = tuple(c for c in _ODD_CHARS if c.isascii())
_MANY_NL = re.compile(r"\n{3,}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u200c\u200d\u2060\ufeff]")


def normalize_text(text: str) -> str:
    """The first pipeline stage: NFC, no control characters, one space between words.

    Every offset the engine reports points into the string this returns.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if "  " in text or any(c in text for c in (_ODD_ASCII if text.isascii() else _ODD_CHARS)):
        if _CONTROL.search(text):
            text = _CONTROL.sub("", text)
        text = _HSPACE.sub(" ", text)
    if "\n\n\n" in text:
        text = _MANY_NL.sub("\n\n", text)
    return text.strip()



@lru_cache(maxsize=65536)
def fold_word(word: str) -> str:
    """:func:`fold` for the short strings the engine compares again and again (cached)."""
    return fold(word)


def grouped_alternation(words, guard: str = "") -> str:
    """``words`` as one regex alternation, tried in the given order, grouped by first character
    ("N(?:guyen|go)|T(?:ran)"): the same matches as the flat "Nguyen|Go|Tran" (the words that can
    match at an offset keep their order), but the regex skips to the first characters and tries one
    group there instead of every word.  ``guard`` (a character class, e.g. ``r"\\w"``): no such
    character before the word, checked after its first character (a leading look-behind would stop
    the skipping)."""
    groups: dict[str, list[str]] = {}
    for w in words:
        groups.setdefault(w[0], []).append(re.escape(w[1:]))
    return "|".join(re.escape(c) + (f"(?<!{guard}{re.escape(c)})" if guard else "") + "(?:" + "|".join(rests) + ")"
                    for c, rests in groups.items())


class Spans:
    """Non-overlapping ``[start, end)`` intervals with O(log n) overlap tests (no quadratic scans
    on megabyte documents)."""

    __slots__ = ("starts", "ends")

    def __init__(self, spans=()):
        self.starts: list[int] = []
        self.ends: list[int] = []
        for s, e in sorted(spans):
            self.add(s, e)

    def overlaps(self, s: int, e: int) -> bool:
        i = bisect_left(self.starts, e)      # intervals starting before e
        return i > 0 and self.ends[i - 1] > s

    def add(self, s: int, e: int) -> bool:
        """Add the interval unless it overlaps one already there; True when added."""
        i = bisect_left(self.starts, e)          # overlaps(), inlined: the engine adds thousands
        if i > 0 and self.ends[i - 1] > s:
            return False
        i = bisect_left(self.starts, s)
        self.starts.insert(i, s)
        self.ends.insert(i, e)
        return True

    def remove(self, s: int, e: int) -> None:
        i = bisect_left(self.starts, s)
        if i < len(self.starts) and self.starts[i] == s and self.ends[i] == e:
            del self.starts[i]
            del self.ends[i]
