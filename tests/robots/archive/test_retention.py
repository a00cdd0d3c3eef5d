"""Retention periods (domain-ja.md §4): 7 years from the day after the filing deadline, 10 with loss
carry-forward; the deadline is the end of the month two months after the fiscal year end."""

from __future__ import annotations

import datetime as dt

import pytest

from robots.archive import filing_deadline, fiscal_year_end_for, retention_until

D = dt.date


@pytest.mark.parametrize(
    ("year_end", "deadline", "seven_years", "ten_years"),
    [
        # the domain reference's case
        (D(2025, 2, 28), D(2025, 4, 30), D(2032, 4, 30), D(2035, 4, 30)),
        # March year end, the most common
        (D(2024, 3, 31), D(2024, 5, 31), D(2031, 5, 31), D(2034, 5, 31)),
        # December: deadline 2025-02-28, seven years end 2032-02-29 (a leap year), ten 2035-02-28
        (D(2024, 12, 31), D(2025, 2, 28), D(2032, 2, 29), D(2035, 2, 28)),
        # December before a leap year: deadline 2024-02-29, periods end on the 28th
        (D(2023, 12, 31), D(2024, 2, 29), D(2031, 2, 28), D(2034, 2, 28)),
        # a year ending on a leap day
        (D(2024, 2, 29), D(2024, 4, 30), D(2031, 4, 30), D(2034, 4, 30)),
        # deadline in the next calendar year
        (D(2025, 11, 30), D(2026, 1, 31), D(2033, 1, 31), D(2036, 1, 31)),
        (D(2025, 10, 31), D(2025, 12, 31), D(2032, 12, 31), D(2035, 12, 31)),
        # mid-month year end: the month's end, never earlier than the statutory date (10-20)
        (D(2024, 8, 20), D(2024, 10, 31), D(2031, 10, 31), D(2034, 10, 31)),
    ],
)
def test_retention_ends_seven_or_ten_years_after_the_filing_deadline(
    year_end: dt.date, deadline: dt.date, seven_years: dt.date, ten_years: dt.date
) -> None:
    assert filing_deadline(year_end) == deadline
    assert retention_until(year_end, False) == seven_years
    assert retention_until(year_end, loss_carryforward=True) == ten_years


@pytest.mark.parametrize(
    ("transaction_date", "year_end_month", "expected"),
    [
        (D(2024, 4, 1), 3, D(2025, 3, 31)),
        (D(2024, 3, 31), 3, D(2024, 3, 31)),
        (D(2024, 1, 15), 3, D(2024, 3, 31)),
        (D(2024, 12, 31), 12, D(2024, 12, 31)),
        (D(2024, 3, 1), 2, D(2025, 2, 28)),
        (D(2024, 2, 10), 2, D(2024, 2, 29)),
    ],
)
def test_fiscal_year_end_for_a_transaction(
    transaction_date: dt.date, year_end_month: int, expected: dt.date
) -> None:
    assert fiscal_year_end_for(transaction_date, year_end_month) == expected


def test_fiscal_year_end_month_out_of_range_is_an_error() -> None:
    with pytest.raises(ValueError, match="1..12"):
        fiscal_year_end_for(D(2024, 4, 1), 13)
