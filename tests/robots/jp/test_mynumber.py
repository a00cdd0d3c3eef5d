"""robots.jp.mynumber: check digit and masking (domain-ja.md §6)."""

from __future__ import annotations

import re

import pytest

from robots.jp.mynumber import REDACTED, is_valid_my_number, mask_my_number, redact_my_numbers


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("123456789018", True),  # domain-ja §6
        ("123456789019", False),  # domain-ja §6
        ("１２３４５６７８９０１８", True),
        ("1234 5678 9018", True),
        ("1234-5678-9018", True),
        ("12345678901", False),
        ("1234567890180", False),
        ("12345678901a", False),
        ("", False),
    ],
)
def test_is_valid_my_number(text: str, valid: bool) -> None:
    assert is_valid_my_number(text) is valid


@pytest.mark.parametrize("text", ["123456789018", "123456789019", "1234-5678-9018", "", "x"])
def test_mask_reveals_no_digit_nor_length(text: str) -> None:
    masked = mask_my_number(text)
    assert masked == REDACTED == "<redacted>"
    assert not re.search(r"\d", masked)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("番号: 123456789018 です", "番号: <redacted> です"),
        ("1234-5678-9019 and 1234 5678 9018", "<redacted> and <redacted>"),
        ("全角 １２３４５６７８９０１８", "全角 <redacted>"),
        ("TEL 03-1234-5678, 法人番号 7000012050002", "TEL 03-1234-5678, 法人番号 7000012050002"),
    ],
)
def test_redact_my_numbers(text: str, expected: str) -> None:
    assert redact_my_numbers(text) == expected
