"""Yen amounts as printed (domain-ja.md §2): ``￥１，２３４，５６７－``, ``△1,000``, ``11,000円（税込）``.

Stripped: ``¥ ￥ 円 , ，``, spaces, a leading ``金`` and a trailing ``-``/``－``/``也`` (the "no more"
dash of ``¥11,000-``). Negative: a leading ``△``/``▲`` or minus sign, where ``−`` (U+2212), ``‐``
(U+2010) and the other dashes that survive NFKC are mapped to ``-`` here, and only here. A katakana
``ー`` (U+30FC) in an amount is an extraction error, never a minus. The 税込/税抜 (内税/外税) flag is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from robots.jp.dates import DATE_RE
from robots.jp.text import normalize_text

__all__ = ["Amount", "AmountParseError", "find_amounts", "parse_amount"]


class AmountParseError(ValueError):
    """The text is not a yen amount (金額を読み取れません)."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"not a valid amount ({reason}): {text!r}")
        self.text = text
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Amount:
    """An integer number of yen and the tax flag printed with it: True 税込/内税, False 税抜/外税,
    None when not said."""

    value: int
    tax_inclusive: bool | None = None


# Dashes and minus signs that NFKC leaves alone (U+FF0D already becomes '-').
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63", "-"))
_LONG_VOWEL = "\u30fc"  # ー: a misread dash or digit, never a minus
_INCLUSIVE = re.compile(r"\(?\s*(?:税込み?|内税|消費税込み?)(?:価格|金額)?\s*\)?")
_EXCLUSIVE = re.compile(r"\(?\s*(?:税抜き?|税別|外税)(?:価格|金額)?\s*\)?")
_NUMBER = re.compile(r"(?P<int>\d+|\d{1,3}(?:,\d{3})+)(?:\.(?P<frac>\d+))?")
_NEGATIVE = "△▲-"

# In find_amounts: things that look like numbers but are not amounts.
_NOT_AMOUNTS = re.compile(
    r"[Tt]\d{13}(?!\d)"  # registration numbers
    r"|\d+(?:\.\d+)?\s*%"  # rates
    r"|\d+(?:-\d+)+(?![\d,])"  # phone numbers, postal codes, reference numbers (03-1234-5678)
    r"|\d{1,2}:\d{2}"  # times
)
_AMOUNT_IN_TEXT = re.compile(
    r"(?P<sign>[△▲]|(?<![0-9A-Za-z\-])-)?\s*(?P<yen>¥)?\s*(?P<sign2>-)?\s*"
    r"(?<![\d,.])(?P<number>\d{1,3}(?:,\d{3})+|\d+)(?![\d,]|\.\d)\s*(?P<en>円)?"
)


def _prepare(text: str) -> str:
    return normalize_text(text).translate(_DASHES)


def parse_amount(text: str) -> Amount:
    """Parse one printed amount into an :class:`Amount`.

    Raises :class:`AmountParseError` when the text is not exactly one amount: empty, misplaced commas
    (``1,00``), non-zero fractions of a yen, a ``ー`` anywhere, both 税込 and 税抜, or other text.
    """
    s = _prepare(text)
    if _LONG_VOWEL in s:
        raise AmountParseError(text, "katakana ー in an amount: an extraction error, not a minus")
    inclusive = bool(_INCLUSIVE.search(s))
    exclusive = bool(_EXCLUSIVE.search(s))
    if inclusive and exclusive:
        raise AmountParseError(text, "both tax-inclusive and tax-exclusive")
    tax_inclusive = True if inclusive else False if exclusive else None
    s = _EXCLUSIVE.sub("", _INCLUSIVE.sub("", s))
    s = re.sub(r"\s+", "", s).replace("¥", "").replace("円", "")
    s = s.removeprefix("金")
    s = s.removesuffix("也").removesuffix("-")
    negative = False
    if s[:1] and s[0] in _NEGATIVE:
        negative, s = True, s[1:]
    s = s.replace("¥", "")  # -¥1,000
    m = _NUMBER.fullmatch(s)
    if m is None:
        raise AmountParseError(text, "not a number of yen")
    if m["frac"] and m["frac"].strip("0"):
        raise AmountParseError(text, "fractions of a yen")
    value = int(m["int"].replace(",", ""))
    return Amount(-value if negative else value, tax_inclusive)


def find_amounts(text: str, *, marked_only: bool = False) -> list[int]:
    """Every amount inside a line of text, in order: ``小計 ¥10,000`` → ``[10000]``.

    Dates, times, percentages, registration numbers and hyphenated numbers (phone numbers, postal
    codes) are skipped. With ``marked_only`` only numbers carrying ``¥``, ``円`` or thousands separators
    count (so a quantity ``3`` does not).
    """
    s = _prepare(text)
    s = DATE_RE.sub(lambda m: " " * len(m.group(0)), s)
    s = _NOT_AMOUNTS.sub(lambda m: " " * len(m.group(0)), s)
    found: list[int] = []
    for m in _AMOUNT_IN_TEXT.finditer(s):
        number = m["number"]
        if marked_only and not (m["yen"] or m["en"] or "," in number):
            continue
        value = int(number.replace(",", ""))
        found.append(-value if (m["sign"] or m["sign2"]) else value)
    return found
