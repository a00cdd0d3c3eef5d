"""What the ledger never keeps in clear: credentials, bank account numbers, personal numbers.

Structured data (extracted fields, review fields, corrections, event data) is masked by *key*: a key
that names a secret, a bank account number or a personal number (マイナンバー) has its value masked,
however deeply it is nested, and everything under such a key is masked too. Free text (event and review
messages, comments) is scanned for 12-digit runs, which are masked as personal numbers.

- credentials (password, TOTP seed, secret, token, API key …): ``<redacted>``
- personal numbers (my_number, マイナンバー, 個人番号, individual number): ``<redacted>``; no digit of one
  may be kept (domain-ja.md §6), so not even the last four
- bank account numbers (bank_account, account_number, 口座番号 …): the last four digits stay
  (``****4567``) so a person can tell accounts apart; four characters or fewer: ``<redacted>``

Only strings and numbers are masked: ``None``, booleans (``my_number_present``) and empty strings tell
nothing and stay. A key named just ``account`` is a 勘定科目 (ledger account), not a bank account: it stays.
"""

from __future__ import annotations

import unicodedata
from enum import Enum
from typing import Any

from robots.jp.mynumber import REDACTED, redact_my_numbers

__all__ = ["REDACTED", "redact", "redact_text"]


class _Kind(Enum):
    SECRET = "secret"  # masked whole
    MY_NUMBER = "my_number"  # masked whole
    BANK_ACCOUNT = "bank_account"  # last four kept


# Substrings of a key after NFKC, lower-casing and dropping "_", "-", " ", ".".
_KEY_PARTS: tuple[tuple[str, _Kind], ...] = (
    ("password", _Kind.SECRET),
    ("passwd", _Kind.SECRET),
    ("passphrase", _Kind.SECRET),
    ("パスワード", _Kind.SECRET),
    ("暗証番号", _Kind.SECRET),
    ("totp", _Kind.SECRET),
    ("otpseed", _Kind.SECRET),
    ("otpsecret", _Kind.SECRET),
    ("secret", _Kind.SECRET),
    ("token", _Kind.SECRET),
    ("apikey", _Kind.SECRET),
    ("credential", _Kind.SECRET),
    ("privatekey", _Kind.SECRET),
    ("mynumber", _Kind.MY_NUMBER),
    ("マイナンバー", _Kind.MY_NUMBER),
    ("個人番号", _Kind.MY_NUMBER),
    ("individualnumber", _Kind.MY_NUMBER),
    ("bankaccount", _Kind.BANK_ACCOUNT),
    ("accountnumber", _Kind.BANK_ACCOUNT),
    ("accountno", _Kind.BANK_ACCOUNT),
    ("acctno", _Kind.BANK_ACCOUNT),
    ("口座番号", _Kind.BANK_ACCOUNT),
)
_STRIP = str.maketrans("", "", "_- .")


def _kind_of(key: object) -> _Kind | None:
    norm = unicodedata.normalize("NFKC", str(key)).lower().translate(_STRIP)
    for part, kind in _KEY_PARTS:
        if part in norm:
            return kind
    return None


def _mask(value: Any, kind: _Kind) -> Any:
    if value is None or isinstance(value, bool) or value == "":
        return value
    if isinstance(value, dict):
        return {k: _mask(v, kind) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_mask(v, kind) for v in value]
    if kind is _Kind.BANK_ACCOUNT:
        text = str(value).strip()
        return "****" + text[-4:] if len(text) > 4 else REDACTED
    return REDACTED


def _walk(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: (_mask(v, kind) if (kind := _kind_of(k)) else _walk(v)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_walk(v) for v in value]
    return value


def redact(fields: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``fields`` with every sensitive value masked (see the module docstring); the input is
    left untouched.

    >>> redact({"password": "hunter2", "account_number": "1234567", "account": "旅費交通費"})
    {'password': '<redacted>', 'account_number': '****4567', 'account': '旅費交通費'}
    """
    return _walk(fields)


def redact_field(name: str, value: Any) -> Any:
    """``value`` as :func:`redact` would store it under the key ``name``."""
    return redact({name: value})[name]


def redact_text(text: str) -> str:
    """Free text with every 12-digit run (a personal number, or what could be one) masked."""
    return redact_my_numbers(text) if text else text
