"""Consumption tax per rate, rounded once per invoice per rate (domain-ja.md §1).

- exclusive pricing: ``tax = round(net × r / 100)``
- inclusive pricing: ``tax = round(gross × r / (100 + r))``

The issuer picks the rounding. Rounding is symmetric around zero so a credit note (negative amounts)
gets the same tax, negated, as the invoice it reverses: ``floor`` is 切り捨て (toward zero), ``ceil``
切り上げ (away from zero), ``half_up`` 四捨五入.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal
from enum import StrEnum

__all__ = ["Rounding", "matching_roundings", "tax_for"]


class Rounding(StrEnum):
    FLOOR = "floor"  # 切り捨て: toward zero
    HALF_UP = "half_up"  # 四捨五入: halves away from zero
    CEIL = "ceil"  # 切り上げ: away from zero


_DECIMAL_ROUNDING = {Rounding.FLOOR: ROUND_DOWN, Rounding.HALF_UP: ROUND_HALF_UP, Rounding.CEIL: ROUND_UP}
_ONE = Decimal(1)


def tax_for(amount: int, rate: int, *, inclusive: bool, rounding: Rounding) -> int:
    """The tax on ``amount`` yen at ``rate`` percent: on the net amount when not ``inclusive``, the tax
    contained in a gross amount when ``inclusive``; rounded once with ``rounding``.

    >>> tax_for(10_000, 10, inclusive=True, rounding=Rounding.CEIL)
    910
    """
    if rate < 0:
        raise ValueError(f"a tax rate cannot be negative, got {rate}")
    divisor = Decimal(100 + rate) if inclusive else Decimal(100)
    exact = Decimal(amount) * Decimal(rate) / divisor
    return int(exact.quantize(_ONE, rounding=_DECIMAL_ROUNDING[Rounding(rounding)]))


def matching_roundings(amount: int, rate: int, *, inclusive: bool, tax: int) -> list[Rounding]:
    """The rounding methods under which ``tax`` is the tax on ``amount`` at ``rate`` (empty if none)."""
    return [r for r in Rounding if tax_for(amount, rate, inclusive=inclusive, rounding=r) == tax]
