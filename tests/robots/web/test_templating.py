"""Templates and filters of recipes: paths, dates, amounts, kana, tables, conditions (pure, no browser)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from robots.web.templating import Condition, Scope, TemplateError, hankaku_kana, parse_template, zenkaku_kana

RECORD = {
    "issue_date": dt.date(2024, 4, 1),
    "iso": "2019-05-01",
    "total": 1_234_567,
    "text_amount": "￥１，２３４－",
    "name": "ﾔﾏﾀﾞ ﾀﾛｳ",
    "kana": "やまだ　たろう",
    "code": "abc",
    "kind": "expense",
    "memo": None,
    "lines": [{"amount": 11_000, "memo": "コピー用紙"}, {"amount": 1_080, "memo": None}],
    "account": "１２３－４５",
    "path": "/employees/42",
    "flag": False,
}
TABLES = {"kind": {"expense": "支出", "income": "収入"}}


def _render(template: str, **more: Any) -> str:
    return parse_template(template).render(Scope(more, RECORD, tables=TABLES))


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{issue_date}", "2024-04-01"),
        ("{issue_date|date:%Y/%m/%d}", "2024/04/01"),
        ("{iso|date:%Y年%m月%d日}", "2019年05月01日"),
        ("{issue_date|wareki}", "令和6年4月1日"),
        ("{iso|wareki}", "令和元年5月1日"),
        ("{total|yen}", "1234567"),
        ("{total|comma}", "1,234,567"),
        ("{text_amount|yen}", "1234"),
        ("{name|zenkaku_kana}", "ヤマダ タロウ"),
        ("{kana|katakana}", "ヤマダ\u3000タロウ"),
        ("{kana|hankaku_kana}", "ﾔﾏﾀﾞ ﾀﾛｳ"),
        ("{name|hiragana}", "やまだ たろう"),
        ("{code|upper}", "ABC"),
        ("{account|digits}", "12345"),
        ("{account|digits|zfill:7}", "0012345"),
        ("{kind|table:kind}", "支出"),
        ("{memo}", ""),
        ("{memo|default:なし}", "なし"),
        ("{memo|upper|default:-}", "-"),
        ("{lines[0].amount|comma}円", "11,000円"),
        ("{lines[1].memo}", ""),
        ("明細{n}: {item.memo}", "明細2: コピー用紙"),
        ("{path|match:/employees/([0-9]+)}", "42"),
        ("{flag}", "false"),
        ("{{literal}} {code}", "{literal} abc"),
        ("no braces at all", "no braces at all"),
    ],
)
def test_templates_render_fields_with_filters(template: str, expected: str) -> None:
    assert _render(template, n=2, item=RECORD["lines"][0]) == expected


@pytest.mark.parametrize(
    ("text", "half"),
    [
        ("ガギグゲゴ", "ｶﾞｷﾞｸﾞｹﾞｺﾞ"),
        ("パピプペポ", "ﾊﾟﾋﾟﾌﾟﾍﾟﾎﾟ"),
        ("ヴァイオリン", "ｳﾞｧｲｵﾘﾝ"),
        ("キャッシュ・カード", "ｷｬｯｼｭ･ｶｰﾄﾞ"),
        ("ヵヶ", "ヵヶ"),  # no half-width form: unchanged
        ("ＡＢＣ１２３", "ABC123"),
    ],
)
def test_kana_width_round_trips(text: str, half: str) -> None:
    assert hankaku_kana(text) == half
    if text not in ("ＡＢＣ１２３",):
        assert zenkaku_kana(half) == text


def test_a_single_expression_keeps_the_value_type() -> None:
    scope = Scope(RECORD)
    assert parse_template("{lines}").value(scope) == RECORD["lines"]
    assert parse_template("{total}").value(scope) == 1_234_567
    assert parse_template("{total} yen").value(scope) == "1234567 yen"
    assert parse_template("{issue_date}").names() == {"issue_date"}
    assert parse_template("{item.bank_account|digits}").names() == {"item", "bank_account"}


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{missing}", "nothing named 'missing'"),
        ("{lines[5].amount}", r"lines has 2 item\(s\), no \[5\]"),
        ("{lines[0].nope}", r"lines\[0\] has no 'nope'"),
        ("{kind|table:other}", "no table 'other'"),
        ("{code|table:kind}", "no entry for 'abc'"),
        ("{code|date}", r"\|date: expects a date"),
        ("{code|yen}", r"\|yen: expects an amount"),
        ("{path|match:/deals/(\\d+)}", "does not match"),
        ("{code|zfill}", "needs an argument"),
    ],
)
def test_rendering_problems_name_the_template_not_the_value(template: str, message: str) -> None:
    with pytest.raises(TemplateError, match=message):
        _render(template)


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("{a", "without a closing"),
        ("a}", "without an opening"),
        ("{a b}", "not a field path"),
        ("{a|bad}", "unknown"),
    ],
)
def test_bad_templates_are_refused_when_parsed(source: str, problem: str) -> None:
    with pytest.raises(TemplateError, match=problem):
        parse_template(source)


@pytest.mark.parametrize(
    ("condition", "holds"),
    [
        ("memo", False),
        ("not memo", True),
        ("code", True),
        ("flag", False),
        ("lines", True),
        ("kind == expense", True),
        ("kind == 'income'", False),
        ("kind != income", True),
        ("index != 0", True),
        ("lines[0].memo", True),
        ("lines[1].memo", False),
        ("code|upper == ABC", True),
    ],
)
def test_conditions(condition: str, holds: bool) -> None:
    assert Condition.parse(condition).holds(Scope({"index": 1}, RECORD)) is holds
