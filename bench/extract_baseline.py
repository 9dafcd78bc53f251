"""The simple baseline the engine is compared with: one regular expression over pycountry's
English country names (name, common name, official name), case-sensitive, whole words.

It finds countries only; every other field stays empty.
"""

from __future__ import annotations

import re


def build():
    import pycountry

    names: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            val = getattr(c, attr, None)
            if val:
                names[val] = c.alpha_2
    rx = re.compile(r"\b(" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")\b")

    def extract(text: str, *, date=None, lang=None) -> dict:
        found = sorted({names[m.group(1)] for m in rx.finditer(text)})
        return {"countries": found, "organizations": [], "persons": [], "events": [], "money": [], "figures": []}

    return extract
