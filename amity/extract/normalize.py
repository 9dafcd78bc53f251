"""Text folding shared by the extraction engine and the database layer.

``fold`` is the one key used everywhere names are compared: diacritics removed,
Vietnamese "đ" mapped to "d", case folded, Unicode normalised (NFC and NFD input
give the same key) and white space collapsed.  It must stay cheap and pure.
"""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")
_SPECIAL = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "ł": "l", "Ł": "l", "ø": "o", "Ø": "o",
                          "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ß": "ss", "ı": "i",
                          "\u2019": "'", "\u2018": "'", "\u2013": "-", "\u2014": "-"})


def fold(text: str) -> str:
    """Return the comparison key of ``text``: no accents, lower case, single spaces."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _SPACE.sub(" ", text.casefold().translate(_SPECIAL)).strip()


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


def fold_aligned(text: str) -> str:
    """Fold ``text`` character by character, keeping its length (offsets stay valid).

    Unlike :func:`fold` it does not collapse white space; each space-like character becomes one
    ASCII space.  Expects NFC text (see :func:`normalize_text`).
    """
    return text.translate(_TABLE)


_HSPACE = re.compile(r"[^\S\n]+")
_MANY_NL = re.compile(r"\n{3,}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u200c\u200d\u2060\ufeff]")


def normalize_text(text: str) -> str:
    """The first pipeline stage: NFC, no control characters, one space between words.

    Every offset the engine reports points into the string this returns.
    """
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROL.sub("", text)
    text = _HSPACE.sub(" ", text)
    return _MANY_NL.sub("\n\n", text).strip()

