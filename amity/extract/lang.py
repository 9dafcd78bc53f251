"""Language of a text: "vi" or "en" (the two languages of the corpus).

Vietnamese is recognised by its letters (ơ, ư, ạ, ế...) or, when diacritics were dropped, by its
very frequent syllables ("cua", "va", "cac", "nguoi").  Anything else is reported as "en".
"""

from __future__ import annotations

import re

_VI_LETTERS = set("ăâđêôơưĂÂĐÊÔƠƯ"
                  "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
                  "ÀÁẢÃẠẰẮẲẴẶẦẤẨẪẬÈÉẺẼẸỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌỒỐỔỖỘỜỚỞỠỢÙÚỦŨỤỪỨỬỮỰỲÝỶỸỴ")
_VI_ONLY = set("ăơưđạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỷỹỵĂƠƯĐ")
_WORD = re.compile(r"[a-z]+")
_VI_WORDS = frozenset("cua va cac nhung duoc trong voi nguoi cho la mot nay da se tai khong hoi chu tich "
                      "viet nam thanh pho tinh huu nghi doan ong ba nhan dan ngay thang nam hop tac quan he".split())
_EN_WORDS = frozenset("the of and to in a is that for on with as was by at from are this be it an has have "
                      "were which their its".split())


def detect(text: str, sample: int = 6000) -> str:
    head = text[:sample]
    vi_only = sum(1 for ch in head if ch in _VI_ONLY)
    letters = sum(1 for ch in head if ch.isalpha()) or 1
    if vi_only / letters > 0.01:
        return "vi"
    words = _WORD.findall(head.lower())
    if not words:
        return "en"
    vi = sum(1 for w in words if w in _VI_WORDS)
    en = sum(1 for w in words if w in _EN_WORDS)
    return "vi" if vi > 2 * en and vi >= 3 else "en"


def has_diacritics(text: str, sample: int = 6000) -> bool:
    return any(ch in _VI_LETTERS for ch in text[:sample])
