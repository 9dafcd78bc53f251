"""Amounts of money, normalised: "VND 393 billion" and "393 tỷ đồng" -> 393000000000 VND.

Matched over the folded text (so "ty dong" without diacritics works); offsets are shared with
the original text because folding keeps the length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .dates import at_digit_runs, digit_windows
from .normalize import Spans
from .numbers import MULTIPLIERS, NUMBER, as_number, parse_number

# folded spellings -> ISO 4217
PREFIX = {
    "us$": "USD", "usd": "USD", "$": "USD", "us $": "USD", "vnd": "VND", "vnđ": "VND", "vnd$": "VND",
    "€": "EUR", "eur": "EUR", "euro": "EUR", "£": "GBP", "gbp": "GBP", "¥": "JPY", "jpy": "JPY",
    "krw": "KRW", "₩": "KRW", "a$": "AUD", "aud": "AUD", "s$": "SGD", "sgd": "SGD", "cny": "CNY",
    "rmb": "CNY", "thb": "THB", "chf": "CHF", "cad": "CAD", "c$": "CAD", "nzd": "NZD", "nz$": "NZD",
    "hk$": "HKD", "hkd": "HKD", "inr": "INR", "rub": "RUB", "lak": "LAK", "khr": "KHR", "₫": "VND",
    "twd": "TWD", "nt$": "TWD",
}
SUFFIX = {
    "usd": "USD", "us dollars": "USD", "us dollar": "USD", "u.s. dollars": "USD", "dollars": "USD",
    "dollar": "USD", "do la my": "USD", "do-la my": "USD", "do la": "USD", "do-la": "USD", "usd/nam": "USD",
    "vnd": "VND", "dong": "VND", "vn dong": "VND", "vietnamese dong": "VND", "₫": "VND", "d": "VND",
    "eur": "EUR", "euro": "EUR", "euros": "EUR", "€": "EUR", "yen": "JPY", "japanese yen": "JPY",
    "jpy": "JPY", "won": "KRW", "krw": "KRW", "yuan": "CNY", "nhan dan te": "CNY", "cny": "CNY",
    "baht": "THB", "thb": "THB", "kip": "LAK", "riel": "KHR", "rubles": "RUB", "roubles": "RUB",
    "rub": "RUB", "pounds": "GBP", "pound sterling": "GBP", "gbp": "GBP", "swiss francs": "CHF",
    "chf": "CHF", "australian dollars": "AUD", "aud": "AUD", "singapore dollars": "SGD", "sgd": "SGD",
    "canadian dollars": "CAD", "cad": "CAD", "new zealand dollars": "NZD", "nzd": "NZD",
    "hong kong dollars": "HKD", "hkd": "HKD", "rupees": "INR", "inr": "INR",
}
_MULT = "|".join(sorted((re.escape(k) for k in MULTIPLIERS), key=len, reverse=True))
_PRE = "|".join(sorted((re.escape(k) for k in PREFIX), key=len, reverse=True))
_SUF = "|".join(sorted((re.escape(k) for k in SUFFIX), key=len, reverse=True))

_A = re.compile(rf"(?<![\w$€£¥₩])(?P<cur>{_PRE})\s?(?P<num>{NUMBER})(?:\s?(?P<mult>{_MULT})\b)?")
_B = re.compile(rf"(?<![\w.,])(?P<num>{NUMBER})(?:\s?(?P<mult>{_MULT}))?\s?(?P<cur>{_SUF})(?!\w)")
_ABOUT_PREP = re.compile(r"\s*(?:in|of|for|worth|from|to|on|cho|của|về|để|từ|nhằm|hỗ trợ|viện trợ|tài trợ)\s+"
                         r"([^.;:,()\n]{3,80})", re.IGNORECASE)
_ABOUT_AFTER = re.compile(r"^\s*(?:(?:in|of|for|worth|from|to|on|cho|cua|ve|de|tu)\b\s*)?([^.;:,()\n]{3,80})")


@dataclass(slots=True)
class Money:
    start: int
    end: int
    amount: int | float
    currency: str
    about: str


def find(text: str, folded: str, lang: str = "en") -> list[Money]:
    out: list[Money] = []
    taken = Spans()
    windows = digit_windows(folded, 16, 48)
    for rx in (_A, _B):
        # _B starts with the number: matched at the digit runs only
        for m in (at_digit_runs(rx, folded, windows) if rx is _B else
                  (m for lo, hi in windows for m in rx.finditer(folded, lo, hi))):
            s, e = m.span()
            if taken.overlaps(s, e):
                continue
            cur = (PREFIX if rx is _A else SUFFIX).get(m.group("cur"))
            if cur is None:
                continue
            if m.group("cur") == "d" and not _dong_sign(text, m.start("cur")):
                continue
            mult = m.group("mult")
            if mult in ("m", "b", "k") and rx is _B:
                continue   # "5 m dollars" is too odd; avoid "5 m" (metres)
            value = parse_number(m.group("num"), lang, has_multiplier=bool(mult))
            if value is None:
                continue
            value *= MULTIPLIERS.get(mult or "", 1)
            if value <= 0:
                continue
            taken.add(s, e)
            out.append(Money(s, e, as_number(value), cur, _about(text, s, e)))
    out.sort(key=lambda x: x.start)
    return out


def _dong_sign(text: str, pos: int) -> bool:
    return text[pos:pos + 1] in ("đ", "₫")


def _about(text: str, start: int, end: int) -> str:
    """What the amount is about: the phrase after it when it starts with a preposition ("in
    international aid", "cho các trường"), else the words before it ("Total import-export turnover
    surpassed")."""
    m = _ABOUT_PREP.match(text, end)
    if m:
        return m.group(1).strip()
    before = text[max(0, start - 90):start]
    cut = max(before.rfind(c) for c in ".;:(\n,")
    phrase = before[cut + 1:].strip()
    words = phrase.split()
    if len(words) > 8:
        phrase = " ".join(words[-8:])
    if phrase:
        return phrase
    m = _ABOUT_AFTER.match(text[end:end + 120])
    return m.group(1).strip() if m else ""
