"""robots.validation.accounts: 勘定科目 and 税区分 from config/rules/accounts.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest

from robots.documents.model import Invoice, InvoiceLine, TaxBucket
from robots.errors import BusinessError
from robots.settings import PROJECT_ROOT
from robots.validation import AccountRules, IssuerRule, KeywordRule, load_account_rules, suggest_account

RULES_FILE = PROJECT_ROOT / "config" / "rules" / "accounts.yaml"


@pytest.fixture(scope="module")
def rules() -> AccountRules:
    return load_account_rules(RULES_FILE)


def _line(description: str, rate: int = 10) -> InvoiceLine:
    return InvoiceLine(description=description, amount=1_000, rate=rate)


@pytest.mark.parametrize(
    ("description", "rate", "account", "category"),
    [
        ("日経新聞 4月分", 8, "新聞図書費", "課対仕入8%（軽）"),
        ("交通費", 10, "旅費交通費", "課対仕入10%"),
        ("タクシー代", 10, "旅費交通費", "課対仕入10%"),
        ("ﾀｸｼｰ", 10, "旅費交通費", "課対仕入10%"),  # half-width kana
        ("食品", 8, "会議費", "課対仕入8%（軽）"),
        ("※弁当", 8, "会議費", "課対仕入8%（軽）"),
        ("コーヒー豆", 8, "会議費", "課対仕入8%（軽）"),
        ("通信料", 10, "通信費", "課対仕入10%"),
        ("インターネット接続料", 10, "通信費", "課対仕入10%"),
        ("事務用品", 10, "消耗品費", "課対仕入10%"),
        ("コピー用紙 A4", 10, "消耗品費", "課対仕入10%"),
        ("トナーカートリッジ", 10, "消耗品費", "課対仕入10%"),
        ("外注費", 10, "外注費", "課対仕入10%"),
        ("システム開発", 10, "外注費", "課対仕入10%"),
        ("ロゴデザイン", 10, "外注費", "課対仕入10%"),
        ("5月分家賃", 10, "地代家賃", "課対仕入10%"),
        ("電気料金", 10, "水道光熱費", "課対仕入10%"),
        ("ガス料金", 10, "水道光熱費", "課対仕入10%"),
        ("水道料金", 10, "水道光熱費", "課対仕入10%"),
        ("Web広告", 10, "広告宣伝費", "課対仕入10%"),
        ("送料", 10, "荷造運賃", "課対仕入10%"),
        ("配送料", 10, "荷造運賃", "課対仕入10%"),
        ("収入印紙", 0, "雑費", "対象外"),
        ("諸経費", 10, "雑費", "課対仕入10%"),  # nothing matches: the default account
    ],
)
def test_keyword_in_the_line(
    rules: AccountRules, description: str, rate: int, account: str, category: str
) -> None:
    invoice = Invoice(issuer="株式会社サンプル", lines=[_line(description, rate)])
    assert suggest_account(invoice, invoice.lines[0], rules) == (account, category)


def test_rules_file_matches_the_defaults(rules: AccountRules) -> None:
    assert rules.default_account == "雑費"
    assert rules.tax_categories == {10: "課対仕入10%", 8: "課対仕入8%（軽）", 0: "対象外"}
    assert rules.tax_categories == AccountRules().tax_categories


def test_issuer_rule_wins_and_matches_by_match_key() -> None:
    rules = AccountRules(
        issuers=[IssuerRule(issuer="株式会社サンプル電力", account="水道光熱費")],
        keywords=[KeywordRule(account="通信費", keywords=["通信"])],
    )
    invoice = Invoice(issuer="サンプル電力(株) 御中", lines=[_line("通信サービス")])
    assert suggest_account(invoice, invoice.lines[0], rules) == ("水道光熱費", "課対仕入10%")


def test_issuer_name_keywords_when_the_line_says_nothing(rules: AccountRules) -> None:
    invoice = Invoice(issuer="株式会社東都新聞販売店", lines=[_line("購読料 4月分", 8)])
    assert suggest_account(invoice, invoice.lines[0], rules) == ("新聞図書費", "課対仕入8%（軽）")


def test_first_matching_keyword_rule_wins() -> None:
    rules = AccountRules(
        keywords=[KeywordRule(account="A", keywords=["x"]), KeywordRule(account="B", keywords=["x", "y"])]
    )
    invoice = Invoice(issuer="S", lines=[_line("xy")])
    assert suggest_account(invoice, invoice.lines[0], rules)[0] == "A"


def test_keyword_rule_limited_to_rates() -> None:
    rules = AccountRules(keywords=[KeywordRule(account="会議費", keywords=["コーヒー"], rates=[8])])
    invoice = Invoice(issuer="S", lines=[_line("コーヒー", 8), _line("コーヒー", 10)])
    assert suggest_account(invoice, invoice.lines[0], rules) == ("会議費", "課対仕入8%（軽）")
    assert suggest_account(invoice, invoice.lines[1], rules) == ("雑費", "課対仕入10%")


@pytest.mark.parametrize(
    ("invoice", "rate", "expected"),
    [
        (
            Invoice(issuer="S", tax_breakdown=[TaxBucket(rate=8, net=100, tax=8)]),
            None,
            ("雑費", "課対仕入8%（軽）"),
        ),
        (Invoice(issuer="S", lines=[_line("x", 0)]), None, ("雑費", "対象外")),
        (Invoice(issuer="S"), None, ("雑費", "課対仕入10%")),
        (Invoice(issuer="S", tax_breakdown=[TaxBucket(rate=8, net=100, tax=8)]), 10, ("雑費", "課対仕入10%")),
        (Invoice(issuer="タクシー株式会社"), 10, ("旅費交通費", "課対仕入10%")),
    ],
)
def test_without_a_line(
    rules: AccountRules, invoice: Invoice, rate: int | None, expected: tuple[str, str]
) -> None:
    assert suggest_account(invoice, None, rules, rate=rate) == expected


def test_explicit_rate_overrides_the_line(rules: AccountRules) -> None:
    invoice = Invoice(issuer="S", lines=[_line("弁当", 10)])
    assert suggest_account(invoice, invoice.lines[0], rules, rate=8) == ("会議費", "課対仕入8%（軽）")


def test_unknown_rate_is_a_business_error(rules: AccountRules) -> None:
    invoice = Invoice(issuer="S", lines=[_line("x", 5)])
    with pytest.raises(BusinessError) as info:
        suggest_account(invoice, invoice.lines[0], rules)
    assert info.value.code == "account.tax_category_unknown"


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("default_acount: 雑費\n", ["default_acount"]),
        (
            "keywords:\n  - account: 通信費\n    keyword: [通信]\n",
            ["keywords.0.keyword", "keywords.0.keywords"],
        ),
        ("issuers:\n  - issuer: A\n    account: B\n    memo: x\n", ["issuers.0.memo"]),
    ],
)
def test_unknown_keys_are_an_error_naming_the_key_and_file(
    tmp_path: Path, text: str, names: list[str]
) -> None:
    path = tmp_path / "accounts.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BusinessError) as info:
        load_account_rules(path)
    assert info.value.code == "config.invalid"
    assert str(path) in info.value.message
    for name in names:
        assert name in info.value.message


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(BusinessError) as info:
        load_account_rules(tmp_path / "nope.yaml")
    assert info.value.code == "config.not_found"
