"""robots.jp.tax: tax per rate, rounded once (domain-ja.md §1)."""

from __future__ import annotations

import pytest

from robots.jp.tax import Rounding, matching_roundings, tax_for

F, H, C = Rounding.FLOOR, Rounding.HALF_UP, Rounding.CEIL


@pytest.mark.parametrize(
    ("amount", "rate", "inclusive", "floor", "half_up", "ceil"),
    [
        # domain-ja §1 cases
        (1_234 + 2_345 + 3_456, 10, False, 703, 704, 704),
        (1_111 + 2_222, 8, False, 266, 267, 267),
        (10_000, 10, True, 909, 909, 910),
        (3_980, 10, True, 361, 362, 362),
        (1_000, 8, True, 74, 74, 75),
        # own edge cases
        (10_000, 10, False, 1000, 1000, 1000),
        (105, 10, False, 10, 11, 11),  # exactly .5
        (0, 10, False, 0, 0, 0),
        (1_000, 0, False, 0, 0, 0),
        (1_000, 0, True, 0, 0, 0),
        (-3_980, 10, True, -361, -362, -362),  # a credit note: symmetric around zero
        (999_999_999_999, 10, True, 90_909_090_909, 90_909_090_909, 90_909_090_909),  # exact: 11 × …
        (999_999_999_998, 10, True, 90_909_090_908, 90_909_090_909, 90_909_090_909),
    ],
)
def test_tax_for(amount: int, rate: int, inclusive: bool, floor: int, half_up: int, ceil: int) -> None:
    got = [tax_for(amount, rate, inclusive=inclusive, rounding=r) for r in (F, H, C)]
    assert got == [floor, half_up, ceil]


def test_rounding_once_per_rate_differs_from_rounding_per_line() -> None:
    lines = [1_234, 2_345, 3_456]
    per_line = sum(tax_for(x, 10, inclusive=False, rounding=F) for x in lines)
    assert per_line == 702  # wrong
    assert tax_for(sum(lines), 10, inclusive=False, rounding=F) == 703  # right


@pytest.mark.parametrize(
    ("amount", "rate", "inclusive", "tax", "expected"),
    [
        (7_035, 10, False, 703, [F]),
        (7_035, 10, False, 702, []),
        (7_035, 10, False, 704, [H, C]),
        (3_333, 8, False, 266, [F]),
        (3_333, 8, False, 267, [H, C]),
        (10_000, 10, True, 909, [F, H]),
        (10_000, 10, True, 910, [C]),
        (3_980, 10, True, 361, [F]),
        (3_980, 10, True, 362, [H, C]),
        (1_000, 8, True, 74, [F, H]),
        (1_000, 8, True, 75, [C]),
        (10_000, 10, False, 1_000, [F, H, C]),
    ],
)
def test_matching_roundings(
    amount: int, rate: int, inclusive: bool, tax: int, expected: list[Rounding]
) -> None:
    assert matching_roundings(amount, rate, inclusive=inclusive, tax=tax) == expected


def test_rounding_values_are_stable_strings() -> None:
    assert [r.value for r in Rounding] == ["floor", "half_up", "ceil"]
    assert tax_for(3_980, 10, inclusive=True, rounding="ceil") == 362  # type: ignore[arg-type]


def test_negative_rate_is_rejected() -> None:
    with pytest.raises(ValueError, match="negative"):
        tax_for(1_000, -8, inclusive=False, rounding=F)
