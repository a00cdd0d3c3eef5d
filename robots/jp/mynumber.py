"""Personal numbers (マイナンバー, domain-ja.md §6): 12 digits with a check digit.

Never log, print or store any part of one: :func:`mask_my_number` and :func:`redact_my_numbers` reveal
no digit, not even how many there were.
"""

from __future__ import annotations

import re

from stdnum.jp import in_

from robots.jp.text import normalize_text

__all__ = ["REDACTED", "is_valid_my_number", "mask_my_number", "redact_my_numbers"]

REDACTED = "<redacted>"

_SEPARATORS = re.compile(r"[\s\-\u2010\u2011\u2012\u2013\u2014\u2015\u2212]+")
# 12 digits, optionally grouped 4-4-4 with spaces or hyphens, not part of a longer digit run.
_MY_NUMBER_IN_TEXT = re.compile(r"(?<!\d)\d{4}[\s\-]?\d{4}[\s\-]?\d{4}(?!\d)")


def is_valid_my_number(text: str) -> bool:
    """Whether ``text`` is 12 digits (full-width, spaces and hyphens allowed) with a valid check digit."""
    digits = _SEPARATORS.sub("", normalize_text(text))
    return len(digits) == 12 and digits.isascii() and digits.isdigit() and in_.is_valid(digits)


def mask_my_number(text: str) -> str:
    """The masked form of a personal number: always ``<redacted>``, whatever was given."""
    del text  # never inspected: nothing of it may leak, not even its length
    return REDACTED


def redact_my_numbers(text: str) -> str:
    """``text`` with every 12-digit run (also 4-4-4 grouped) replaced by ``<redacted>``, check digit
    valid or not (a mistyped personal number is still personal). Full-width digits are caught too; if
    NFKC changes the text's length, the NFKC-normalized text is returned."""
    normalized = normalize_text(text)
    if len(normalized) != len(text):  # NFKC changed lengths: redact in the normalized text
        return _MY_NUMBER_IN_TEXT.sub(REDACTED, normalized)
    # Same length: find in the normalized text, cut from the original so the rest stays as written.
    out, last = [], 0
    for m in _MY_NUMBER_IN_TEXT.finditer(normalized):
        out.append(text[last : m.start()])
        out.append(REDACTED)
        last = m.end()
    out.append(text[last:])
    return "".join(out)
