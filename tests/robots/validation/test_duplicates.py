"""robots.validation.duplicate_key."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from robots.documents.model import Invoice
from robots.validation import duplicate_key


def _invoice(**fields: Any) -> Invoice:
    base: dict[str, Any] = {
        "issuer": "㈱ABC商事",
        "invoice_number": "INV-001",
        "issue_date": dt.date(2024, 4, 1),
        "total": 11_000,
    }
    base.update(fields)
    return Invoice(**base)


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({}, "ABC商事|INV-001|11000"),
        ({"issuer": "ABC商事株式会社"}, "ABC商事|INV-001|11000"),
        ({"issuer": "ＡＢＣ商事（株） 御中"}, "ABC商事|INV-001|11000"),
        ({"invoice_number": "No. inv-001"}, "ABC商事|INV-001|11000"),
        ({"invoice_number": "ＩＮＶ－００１"}, "ABC商事|INV-001|11000"),
        ({"invoice_number": "請求番号: INV‐001"}, "ABC商事|INV-001|11000"),
        ({"invoice_number": "INV-002"}, "ABC商事|INV-002|11000"),
        ({"total": 11_001}, "ABC商事|INV-001|11001"),
        ({"issuer": "髙島屋"}, "高島屋|INV-001|11000"),
        ({"invoice_number": None}, "ABC商事|date:2024-04-01|11000"),
        ({"invoice_number": "  "}, "ABC商事|date:2024-04-01|11000"),
        ({"invoice_number": None, "issue_date": None}, None),
        ({"issuer": None}, None),
        ({"issuer": "御中"}, None),
        ({"total": None}, None),
    ],
)
def test_duplicate_key(fields: dict[str, Any], key: str | None) -> None:
    assert duplicate_key(_invoice(**fields)) == key
