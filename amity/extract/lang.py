"""Language of a text: "vi" or "en" (the two languages of the corpus).

Vietnamese is recognised by its letters (ơ, ư, ạ, ế...) or, when diacritics were dropped, by its
very frequent syllables ("cua", "va", "cac", "nguoi").  Anything else is reported as "en".
"""

from __future__ import annotations

import re

_VI_ONLY = set("ăơưđạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỷỹỵĂƠƯĐ")
_VI_WORDS = frozenset("cua va cac nhung duoc trong voi nguoi cho la mot nay da se tai khong hoi chu tich "
                      "viet nam thanh pho tinh huu nghi doan ong ba nhan dan ngay thang nam hop tac quan he".split())
_EN_WORDS = frozenset("the of and to in a is that for on with as was by at from are this be it an has have "
                      "were which their its".split())


_DROP_VI = {ord(c): None for c in _VI_ONLY}
_VI_ONLY_RX = re.compile("[" + "".join(sorted(_VI_ONLY)) + "]")


def detect(text: str, sample: int = 3000) -> str:
    head = text[:sample]
    if not head.isascii():
        non_ascii = len(head.encode("utf-8")) - len(head)       # cheap: Vietnamese is full of them
        if non_ascii > 0.02 * len(head):
            vi_only = len(_VI_ONLY_RX.findall(head))
            letters = (len(head) - head.count(" ")) or 1
            if vi_only / letters > 0.01:
                return "vi"
    words = head.lower().split()
    if not words:
        return "en"
    vi = sum(map(_VI_WORDS.__contains__, words))
    en = sum(map(_EN_WORDS.__contains__, words))
    return "vi" if vi > 2 * en and vi >= 3 else "en"
