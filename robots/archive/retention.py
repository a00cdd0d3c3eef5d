"""How long an original must be kept (電子帳簿保存法 / 法人税法, domain-ja.md §4).

Seven years from the day after the filing deadline (ten for a year with a loss carried forward), the
deadline being taken as the end of the month two months after the fiscal year ends. For the usual
month-end year ends that is the statutory deadline; for a mid-month year end it is a few days later,
so the period is never shorter than the law asks. Extensions of the filing deadline are not modelled.
"""

from __future__ import annotations

import calendar
import datetime as dt

__all__ = [
    "RETENTION_YEARS",
    "RETENTION_YEARS_LOSS_CARRYFORWARD",
    "filing_deadline",
    "fiscal_year_end_for",
    "retention_until",
]

RETENTION_YEARS = 7
RETENTION_YEARS_LOSS_CARRYFORWARD = 10


def _month_end(year: int, month: int) -> dt.date:
    """Last day of ``month`` (which may run past 12) of ``year``."""
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def filing_deadline(fiscal_year_end: dt.date) -> dt.date:
    """End of the month two months after the fiscal year end: 2025-02-28 → 2025-04-30."""
    return _month_end(fiscal_year_end.year, fiscal_year_end.month + 2)


def retention_until(fiscal_year_end: dt.date, loss_carryforward: bool = False) -> dt.date:
    """The last day (inclusive) the originals of a fiscal year must be kept.

    ``2025-02-28`` → ``2032-04-30`` (``2035-04-30`` with loss carry-forward); ``2024-12-31`` →
    ``2032-02-29``: seven years from the day after the deadline 2025-02-28 end the day before 2032-03-01.
    """
    deadline = filing_deadline(fiscal_year_end)
    years = RETENTION_YEARS_LOSS_CARRYFORWARD if loss_carryforward else RETENTION_YEARS
    # deadline is a month end: (deadline + 1 day) + N years - 1 day is the same month's end N years on.
    return _month_end(deadline.year + years, deadline.month)


def fiscal_year_end_for(transaction_date: dt.date, year_end_month: int = 3) -> dt.date:
    """The end of the fiscal year a transaction falls in, for a business whose year ends on the last day
    of ``year_end_month`` (3 = March, the most common in Japan; 12 for individuals)."""
    if not 1 <= year_end_month <= 12:
        raise ValueError(f"year_end_month must be 1..12, got {year_end_month}")
    end = _month_end(transaction_date.year, year_end_month)
    return end if transaction_date <= end else _month_end(transaction_date.year + 1, year_end_month)
