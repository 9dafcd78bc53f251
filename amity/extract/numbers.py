"""Numbers as written in English ("1,200.5") and Vietnamese ("1.200,5", "1,2 triệu") text."""

from __future__ import annotations

import re

# a number token: digits with , . or thin-space groups; the caller decides its meaning
NUMBER = r"\d{1,3}(?:[.,\u202f\u00a0]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"

MULTIPLIERS = {
    "thousand": 1e3, "k": 1e3, "million": 1e6, "millions": 1e6, "mln": 1e6, "m": 1e6, "mn": 1e6,
    "billion": 1e9, "billions": 1e9, "bln": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12,
    "nghin": 1e3, "ngan": 1e3, "trieu": 1e6, "ty": 1e9, "ti": 1e9, "nghin ty": 1e12, "ngan ty": 1e12,
}


def parse_number(token: str, lang: str = "en", has_multiplier: bool = False) -> float | None:
    """Value of a number token; ``None`` when it is not a number.

    Both separators present: the last is the decimal mark.  One separator once, followed by
    exactly three digits: a thousands separator ("1,200", "1.200"), except "x,yyy" before a
    multiplier in English is still thousands.  Otherwise the single separator is decimal
    ("1,2 triệu" -> 1.2, "1.5 times" -> 1.5).
    """
    t = token.replace("\u202f", " ").replace("\u00a0", " ")
    t = t.replace(" ", "") if re.fullmatch(r"\d{1,3}( \d{3})+([.,]\d+)?", t) else t
    if " " in t:
        return None
    has_dot, has_comma = "." in t, "," in t
    try:
        if has_dot and has_comma:
            dec = "." if t.rfind(".") > t.rfind(",") else ","
            thou = "," if dec == "." else "."
            return float(t.replace(thou, "").replace(dec, "."))
        sep = "." if has_dot else "," if has_comma else None
        if sep is None:
            return float(t)
        parts = t.split(sep)
        if len(parts) > 2:
            return float(t.replace(sep, ""))
        if len(parts[1]) == 3 and parts[0] != "0":
            # "1,200" / "1.200": thousands, except Vietnamese "1,500 tỷ" style is rare enough to ignore
            if sep == "." and lang == "en" and has_multiplier:
                return float(t)          # "US$1.200 million" is never written; "1.200" before bn = 1.2
            return float(t.replace(sep, ""))
        return float(t.replace(sep, "."))
    except ValueError:
        return None


def as_number(value: float) -> int | float:
    r = round(value)
    return int(r) if abs(value - r) < 1e-6 * max(1.0, abs(value)) else round(value, 6)
