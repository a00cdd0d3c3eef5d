"""Bank business days in Japan (domain-ja.md §3): closed on Saturdays, Sundays, national holidays
(``jpholiday``, substitute holidays included) and from December 31 to January 3."""

from __future__ import annotations

import datetime as dt
from typing import Literal

import jpholiday

__all__ = ["adjust_to_business_day", "is_bank_business_day"]

_ONE_DAY = dt.timedelta(days=1)


def is_bank_business_day(d: dt.date) -> bool:
    """Whether banks are open on ``d``."""
    if d.weekday() >= 5:
        return False
    if (d.month == 12 and d.day == 31) or (d.month == 1 and d.day <= 3):
        return False
    return not jpholiday.is_holiday(d)


def adjust_to_business_day(d: dt.date, direction: Literal["previous", "next"] = "previous") -> dt.date:
    """``d`` itself when banks are open, else the previous (default) or next bank business day: how a
    due date falling on a bank holiday moves, per counterparty."""
    if direction not in ("previous", "next"):
        raise ValueError(f"direction must be 'previous' or 'next', got {direction!r}")
    step = -_ONE_DAY if direction == "previous" else _ONE_DAY
    while not is_bank_business_day(d):
        d += step
    return d
