"""robots.jp.registration: 登録番号 format and check digit (domain-ja.md §1)."""

from __future__ import annotations

import pytest

from robots.documents.model import Severity
from robots.jp.registration import (
    REGISTRATION_RE,
    RegistrationNumberError,
    check_registration_number,
    normalize_registration_number,
)
from robots.jp.text import normalize_text


@pytest.mark.parametrize(
    ("text", "normalized", "check_digit_ok"),
    [
        # domain-ja §1 cases
        ("T7000012050002", "T7000012050002", True),
        ("T1180301018771", "T1180301018771", True),
        ("T7010705000725", "T7010705000725", True),
        ("T8000012050002", "T8000012050002", False),
        ("T1180301018772", "T1180301018772", False),
        ("T7900012050002", "T7900012050002", True),  # a 0/9 swap is undetectable
        ("Ｔ７０００－０１２０５－０００２", "T7000012050002", True),
        ("t7000012050002", "T7000012050002", True),
        ("T1234567890123", "T1234567890123", False),
        # own edge cases
        ("T 7000 0120 50002", "T7000012050002", True),
        ("T-7000-01205-0002", "T7000012050002", True),
        ("T7000‐01205−0002", "T7000012050002", True),  # U+2010, U+2212
        ("T0000000000000", "T0000000000000", False),
    ],
)
def test_check_registration_number(text: str, normalized: str, check_digit_ok: bool) -> None:
    check = check_registration_number(text)
    assert check.normalized == normalized
    assert check.format_ok is True
    assert check.check_digit_ok is check_digit_ok
    if check_digit_ok:
        assert check.findings == []
    else:
        assert [(f.code, f.severity, f.field) for f in check.findings] == [
            ("registration_number.check_digit", Severity.WARNING, "registration_number")
        ]
        assert normalized in check.findings[0].message


@pytest.mark.parametrize(
    "text",
    ["T700001205000", "T70000120500021", "7000012050002", "X7000012050002", "T700001205000A", "", "T"],
)
def test_format_errors(text: str) -> None:
    check = check_registration_number(text)
    assert (check.normalized, check.format_ok, check.check_digit_ok) == (None, False, None)
    assert [(f.code, f.severity) for f in check.findings] == [("registration_number.format", Severity.ERROR)]
    with pytest.raises(RegistrationNumberError):
        normalize_registration_number(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Ｔ７０００－０１２０５－０００２", "T7000012050002"), ("t7000012050002", "T7000012050002")],
)
def test_normalize_registration_number(text: str, expected: str) -> None:
    assert normalize_registration_number(text) == expected


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("登録番号：Ｔ７０００－０１２０５－０００２ TEL", "7000-01205-0002"),
        ("登録番号 T7000012050002", "7000012050002"),
        ("ABCT7000012050002", None),
        ("T70000120500021", None),
        ("T700001205000", None),
    ],
)
def test_registration_re_finds_numbers_in_normalized_text(text: str, digits: str | None) -> None:
    m = REGISTRATION_RE.search(normalize_text(text))
    assert (m["digits"] if m else None) == digits
