"""robots.jp.calendar: bank business days (domain-ja.md §3)."""

from __future__ import annotations

import datetime as dt

import pytest

from robots.jp.calendar import adjust_to_business_day, is_bank_business_day

D = dt.date


@pytest.mark.parametrize(
    ("day", "previous", "next_"),
    [
        # domain-ja §3 cases
        (D(2024, 8, 31), D(2024, 8, 30), D(2024, 9, 2)),  # Saturday
        (D(2024, 12, 31), D(2024, 12, 30), D(2025, 1, 6)),  # bank closing days, then a weekend
        (D(2025, 5, 3), D(2025, 5, 2), D(2025, 5, 7)),  # Golden Week incl. the substitute 05-06
        (D(2024, 9, 23), D(2024, 9, 20), D(2024, 9, 24)),  # substitute holiday
        (D(2024, 4, 30), D(2024, 4, 30), D(2024, 4, 30)),  # a business day: unchanged
        # own edge cases
        (D(2025, 1, 1), D(2024, 12, 30), D(2025, 1, 6)),
        (D(2025, 1, 3), D(2024, 12, 30), D(2025, 1, 6)),
        (D(2024, 9, 1), D(2024, 8, 30), D(2024, 9, 2)),  # Sunday
        (D(2024, 2, 11), D(2024, 2, 9), D(2024, 2, 13)),  # Sunday holiday, Monday substitute
    ],
)
def test_adjust_to_business_day(day: dt.date, previous: dt.date, next_: dt.date) -> None:
    assert adjust_to_business_day(day) == previous
    assert adjust_to_business_day(day, "previous") == previous
    assert adjust_to_business_day(day, "next") == next_


@pytest.mark.parametrize(
    ("day", "open_"),
    [
        (D(2024, 4, 30), True),
        (D(2024, 8, 30), True),
        (D(2024, 8, 31), False),
        (D(2024, 9, 1), False),
        (D(2024, 9, 23), False),
        (D(2024, 12, 30), True),
        (D(2024, 12, 31), False),
        (D(2025, 1, 2), False),
        (D(2025, 1, 3), False),
        (D(2025, 1, 6), True),
        (D(2025, 5, 6), False),
        (D(2023, 12, 29), True),
    ],
)
def test_is_bank_business_day(day: dt.date, open_: bool) -> None:
    assert is_bank_business_day(day) is open_


def test_unknown_direction_is_rejected() -> None:
    with pytest.raises(ValueError, match="direction"):
        adjust_to_business_day(D(2024, 8, 31), "later")  # type: ignore[arg-type]
