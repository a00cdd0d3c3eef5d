"""robots.jp.amounts: yen amounts as printed (domain-ja.md §2)."""

from __future__ import annotations

import pytest

from robots.jp.amounts import Amount, AmountParseError, find_amounts, parse_amount


@pytest.mark.parametrize(
    ("text", "value", "tax_inclusive"),
    [
        # domain-ja §2 cases
        ("￥１，２３４，５６７－", 1234567, None),
        ("△1,000", -1000, None),
        ("−1,000", -1000, None),  # U+2212 survives NFKC
        ("11,000円（税込）", 11000, True),
        # domain-ja §2 rules
        ("¥11,000-", 11000, None),
        ("¥11,000也", 11000, None),
        ("金11,000円也", 11000, None),
        ("‐1,000", -1000, None),  # U+2010
        ("－1,000", -1000, None),  # U+FF0D
        ("–1,000", -1000, None),  # U+2013
        ("▲1,000", -1000, None),
        ("▲ 1,000円", -1000, None),
        ("△¥1,000", -1000, None),
        ("-¥1,000", -1000, None),
        ("¥ 1,000", 1000, None),
        ("1，000円", 1000, None),
        ("11,000円(税込)", 11000, True),
        ("税込 11,000円", 11000, True),
        ("内税 11,000", 11000, True),
        ("10,000円(税抜)", 10000, False),
        ("10,000円（税別）", 10000, False),
        ("外税 10,000円", 10000, False),
        ("10,000円（税抜き）", 10000, False),
        # own edge cases
        ("0", 0, None),
        ("1000", 1000, None),
        ("1,000.00", 1000, None),
        ("1 000", 1000, None),  # spaces are stripped
    ],
)
def test_parse_amount(text: str, value: int, tax_inclusive: bool | None) -> None:
    assert parse_amount(text) == Amount(value, tax_inclusive)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("1ー000", "katakana ー"),  # domain-ja §2: U+30FC is an extraction error, not a minus
        ("ー1,000", "katakana ー"),
        ("¥11,000ー", "katakana ー"),
        ("", "not a number of yen"),
        ("¥", "not a number of yen"),
        ("円", "not a number of yen"),
        ("1,00", "not a number of yen"),
        ("10,0000", "not a number of yen"),
        ("abc", "not a number of yen"),
        ("1,000.50", "fractions of a yen"),
        ("10,000円(税込)(税抜)", "both tax-inclusive and tax-exclusive"),
        ("一万円", "not a number of yen"),
        ("1,000 2,000", "not a number of yen"),
    ],
)
def test_parse_amount_rejects(text: str, reason: str) -> None:
    with pytest.raises(AmountParseError) as info:
        parse_amount(text)
    assert reason in info.value.reason
    assert isinstance(info.value, ValueError)


def test_amount_is_frozen() -> None:
    amount = parse_amount("1,000")
    with pytest.raises(AttributeError):
        amount.value = 2  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("小計 ¥10,000", [10000]),
        ("10%対象 ¥10,000 消費税 ¥1,000", [10000, 1000]),
        ("８％対象　￥３，３３３　消費税　￥２６６", [3333, 266]),
        ("2024/04/01 ¥1,000", [1000]),
        ("令和6年4月1日 合計 11,000円", [11000]),
        ("TEL 03-1234-5678 〒100-0001", []),
        ("登録番号 T7000012050002 合計 11,000円", [11000]),
        ("値引 -500 △1,000 ▲2,000 −300", [-500, -1000, -2000, -300]),
        ("数量 3 単価 1,000 金額 3,000", [3, 1000, 3000]),
        ("9:00 1.5", []),
        ("¥11,000- 消費税 ¥1,000", [11000, 1000]),
        ("ご請求金額 ¥110,000-(税込)", [110000]),
        ("", []),
    ],
)
def test_find_amounts(text: str, expected: list[int]) -> None:
    assert find_amounts(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("数量 3 単価 1,000 金額 3,000", [1000, 3000]),
        ("No 12 ¥500 300円", [500, 300]),
    ],
)
def test_find_amounts_marked_only(text: str, expected: list[int]) -> None:
    assert find_amounts(text, marked_only=True) == expected
