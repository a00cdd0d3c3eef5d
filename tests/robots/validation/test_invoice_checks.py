"""robots.validation.validate_invoice: codes, severities and messages on exact cases (domain-ja.md §1-§3)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from robots.documents.model import Finding, Invoice, InvoiceLine, Severity, TaxBucket
from robots.validation import ValidationRules, has_errors, validate_invoice

TODAY = dt.date(2024, 4, 10)
E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


def _exclusive(**overrides: Any) -> Invoice:
    """A correct 外税 invoice: domain-ja §1's 10% and 8% line cases, floor rounding."""
    fields: dict[str, Any] = {
        "issuer": "株式会社サンプル商事",
        "registration_number": "T7000012050002",
        "invoice_number": "INV-2024-001",
        "issue_date": dt.date(2024, 4, 1),
        "due_date": dt.date(2024, 4, 30),
        "recipient": "株式会社クロコ",
        "total": 7_035 + 703 + 3_333 + 266,
        "tax_inclusive_pricing": False,
        "tax_breakdown": [TaxBucket(rate=10, net=7_035, tax=703), TaxBucket(rate=8, net=3_333, tax=266)],
        "lines": [
            InvoiceLine(description="コピー用紙", quantity=1, unit_price=1_234, amount=1_234, rate=10),
            InvoiceLine(description="トナー", quantity=1, unit_price=2_345, amount=2_345, rate=10),
            InvoiceLine(description="ファイル", quantity=2, unit_price=1_728, amount=3_456, rate=10),
            InvoiceLine(description="※弁当", amount=1_111, rate=8),
            InvoiceLine(description="※コーヒー", amount=2_222, rate=8),
        ],
    }
    fields.update(overrides)
    return Invoice(**fields)


def _inclusive(**overrides: Any) -> Invoice:
    """A correct 内税 invoice: 3,980 yen at 10% with floor rounding (tax 361), 1,000 yen at 8% (tax 74)."""
    fields: dict[str, Any] = {
        "issuer": "ABC商事(株)",
        "registration_number": "T1180301018771",
        "issue_date": dt.date(2024, 4, 1),
        "total": 3_980 + 1_000,
        "tax_inclusive_pricing": True,
        "tax_breakdown": [TaxBucket(rate=10, net=3_619, tax=361), TaxBucket(rate=8, net=926, tax=74)],
        "lines": [
            InvoiceLine(description="文具", amount=3_980, rate=10),
            InvoiceLine(description="※お茶", amount=1_000, rate=8),
        ],
    }
    fields.update(overrides)
    return Invoice(**fields)


def _problems(findings: list[Finding]) -> list[tuple[str, Severity]]:
    return [(f.code, f.severity) for f in findings if f.severity != Severity.INFO]


def test_a_correct_exclusive_invoice_has_only_info_findings() -> None:
    findings = validate_invoice(_exclusive(), today=TODAY)
    assert [(f.code, f.severity, f.message) for f in findings] == [
        ("tax.rounding_method", INFO, "10%: tax 703 = floor of 7,035 × 10/100 (外税)"),
        ("tax.rounding_method", INFO, "8%: tax 266 = floor of 3,333 × 8/100 (外税)"),
    ]
    assert not has_errors(findings)


def test_a_correct_inclusive_invoice_has_only_info_findings() -> None:
    findings = validate_invoice(_inclusive(), today=TODAY)
    assert [(f.code, f.message) for f in findings] == [
        ("tax.rounding_method", "10%: tax 361 = floor of 3,980 × 10/110 (内税)"),
        ("tax.rounding_method", "8%: tax 74 = floor, half_up of 1,000 × 8/108 (内税)"),
    ]


@pytest.mark.parametrize(
    ("net", "tax", "inclusive", "method"),
    [
        # domain-ja §1 table, as one bucket each
        (7_035, 703, False, "floor"),
        (7_035, 704, False, "half_up, ceil"),
        (3_333, 266, False, "floor"),
        (3_333, 267, False, "half_up, ceil"),
        (10_000 - 909, 909, True, "floor, half_up"),
        (10_000 - 910, 910, True, "ceil"),
        (3_980 - 361, 361, True, "floor"),
        (3_980 - 362, 362, True, "half_up, ceil"),
        (1_000 - 74, 74, True, "floor, half_up"),
        (1_000 - 75, 75, True, "ceil"),
    ],
)
def test_rounding_method_is_recorded(net: int, tax: int, inclusive: bool, method: str) -> None:
    rate = 10 if tax not in (266, 267, 74, 75) else 8
    invoice = _exclusive(
        tax_inclusive_pricing=inclusive,
        tax_breakdown=[TaxBucket(rate=rate, net=net, tax=tax)],
        lines=[],
        total=net + tax,
    )
    findings = validate_invoice(invoice, today=TODAY)
    assert _problems(findings) == []
    [info] = [f for f in findings if f.code == "tax.rounding_method"]
    assert f"= {method} of " in info.message


def test_inclusive_tax_is_checked_on_the_gross_amount() -> None:
    # 10 yen incl. 10%: tax floor(0.909) = 0; on the net (10 × 10/100 = 1) no rounding gives 0.
    invoice = _inclusive(
        tax_breakdown=[TaxBucket(rate=10, net=10, tax=0)],
        lines=[InvoiceLine(description="x", amount=10, rate=10)],
        total=10,
    )
    findings = validate_invoice(invoice, today=TODAY)
    assert _problems(findings) == []
    assert [f.message for f in findings if f.code == "tax.rounding_method"] == [
        "10%: tax 0 = floor of 10 × 10/110 (内税)"
    ]


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        # registration number (domain-ja §1)
        ({"registration_number": None}, [("registration_number.missing", W)]),
        ({"registration_number": "  "}, [("registration_number.missing", W)]),
        ({"registration_number": "T700001205000"}, [("registration_number.format", E)]),
        ({"registration_number": "T1234567890123"}, [("registration_number.check_digit", W)]),
        ({"registration_number": "T8000012050002"}, [("registration_number.check_digit", W)]),
        ({"registration_number": "Ｔ７０００－０１２０５－０００２"}, []),
        ({"registration_number": "T7900012050002"}, []),
        # issuer
        ({"issuer": None}, [("issuer.missing", E)]),
        # tax per rate, rounded once (domain-ja §1): per-line rounding would give 702
        (
            {
                "tax_breakdown": [
                    TaxBucket(rate=10, net=7_035, tax=702),
                    TaxBucket(rate=8, net=3_333, tax=266),
                ],
                "total": 7_035 + 702 + 3_333 + 266,
            },
            [("tax.rounding", E)],
        ),
        (
            {
                "tax_breakdown": [
                    TaxBucket(rate=10, net=7_035, tax=703),
                    TaxBucket(rate=8, net=3_333, tax=268),
                ],
                "total": 7_035 + 703 + 3_333 + 268,
            },
            [("tax.rounding", E)],
        ),
        # rates
        (
            {
                "tax_breakdown": [TaxBucket(rate=5, net=10_368, tax=518)],
                "lines": [InvoiceLine(description="x", amount=10_368, rate=5)],
                "total": 10_886,
            },
            [("tax.rate_unknown", E)],
        ),
        (
            {"lines": [InvoiceLine(description="x", amount=10_368, rate=5)]},
            [
                ("tax.rate_unknown", E),
                ("lines.sum_mismatch", E),
                ("lines.sum_mismatch", E),
                ("lines.sum_mismatch", E),
            ],
        ),
        (
            {
                "tax_breakdown": [
                    TaxBucket(rate=10, net=7_035, tax=703),
                    TaxBucket(rate=8, net=3_333, tax=266),
                    TaxBucket(rate=0, net=500, tax=0),
                ],
                "lines": [*_exclusive().lines, InvoiceLine(description="収入印紙", amount=500, rate=0)],
                "total": 7_035 + 703 + 3_333 + 266 + 500,
            },
            [],
        ),
        (
            {
                "tax_breakdown": [
                    TaxBucket(rate=10, net=7_035, tax=703),
                    TaxBucket(rate=8, net=3_333, tax=266),
                    TaxBucket(rate=0, net=500, tax=40),
                ],
                "lines": [*_exclusive().lines, InvoiceLine(description="収入印紙", amount=500, rate=0)],
                "total": 7_035 + 703 + 3_333 + 266 + 540,
            },
            [("tax.rounding", E)],
        ),
        (
            {
                "tax_breakdown": [
                    TaxBucket(rate=10, net=7_035, tax=703),
                    TaxBucket(rate=10, net=0, tax=0),
                    TaxBucket(rate=8, net=3_333, tax=266),
                ]
            },
            [("tax.rate_duplicate", E)],
        ),
        ({"tax_breakdown": [], "lines": []}, [("tax.breakdown_missing", W)]),
        # lines vs breakdown
        (
            {"lines": _exclusive().lines[:-1]},
            [("lines.sum_mismatch", E)],
        ),
        (
            {"lines": [*_exclusive().lines, InvoiceLine(description="送料", amount=500, rate=10)]},
            [("lines.sum_mismatch", E)],
        ),
        ({"lines": []}, []),  # a receipt without lines is not a mismatch
        # total
        ({"total": None}, [("total.missing", E)]),
        ({"total": 11_336}, [("total.mismatch", E)]),
        # dates (domain-ja §3 for the business-day rows)
        ({"issue_date": None}, [("date.issue_missing", E)]),
        ({"issue_date": dt.date(2024, 4, 11)}, [("date.issue_in_future", W)]),
        ({"issue_date": TODAY}, []),
        ({"due_date": dt.date(2024, 3, 29)}, [("date.due_before_issue", W)]),
        ({"due_date": dt.date(2024, 4, 1)}, []),
        ({"due_date": None}, []),
        ({"due_date": dt.date(2024, 8, 31)}, [("date.due_not_business_day", W)]),
        ({"due_date": dt.date(2024, 12, 31)}, [("date.due_not_business_day", W)]),
        ({"due_date": dt.date(2025, 5, 3)}, [("date.due_not_business_day", W)]),
        ({"due_date": dt.date(2024, 9, 23)}, [("date.due_not_business_day", W)]),
        ({"due_date": dt.date(2024, 4, 30)}, []),
        # a simplified invoice (適格簡易請求書) may omit the recipient
        ({"recipient": None}, []),
    ],
)
def test_exclusive_invoice_problems(overrides: dict[str, Any], expected: list[tuple[str, Severity]]) -> None:
    assert _problems(validate_invoice(_exclusive(**overrides), today=TODAY)) == expected


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({}, []),
        # 内税: lines are gross, compared with net + tax
        (
            {
                "lines": [
                    InvoiceLine(description="文具", amount=3_619, rate=10),
                    InvoiceLine(description="※お茶", amount=1_000, rate=8),
                ]
            },
            [("lines.sum_mismatch", E)],
        ),
        (
            {"tax_breakdown": [TaxBucket(rate=10, net=3_618, tax=362), TaxBucket(rate=8, net=926, tax=74)]},
            [],  # half-up / ceil on the same gross
        ),
        (
            {"tax_breakdown": [TaxBucket(rate=10, net=3_617, tax=363), TaxBucket(rate=8, net=926, tax=74)]},
            [("tax.rounding", E)],
        ),
        ({"total": 4_979}, [("total.mismatch", E)]),
        # no breakdown: the total is compared with the tax-inclusive lines
        ({"tax_breakdown": []}, [("tax.breakdown_missing", W)]),
        ({"tax_breakdown": [], "total": 5_000}, [("tax.breakdown_missing", W), ("total.mismatch", E)]),
    ],
)
def test_inclusive_invoice_problems(overrides: dict[str, Any], expected: list[tuple[str, Severity]]) -> None:
    assert _problems(validate_invoice(_inclusive(**overrides), today=TODAY)) == expected


@pytest.mark.parametrize(
    ("due", "shift", "adjusted"),
    [
        # domain-ja §3 cases
        (dt.date(2024, 8, 31), "previous", "2024-08-30"),
        (dt.date(2024, 8, 31), "next", "2024-09-02"),
        (dt.date(2024, 12, 31), "previous", "2024-12-30"),
        (dt.date(2024, 12, 31), "next", "2025-01-06"),
        (dt.date(2025, 5, 3), "previous", "2025-05-02"),
        (dt.date(2025, 5, 3), "next", "2025-05-07"),
        (dt.date(2024, 9, 23), "previous", "2024-09-20"),
        (dt.date(2024, 9, 23), "next", "2024-09-24"),
    ],
)
def test_due_date_message_names_the_adjusted_date(due: dt.date, shift: str, adjusted: str) -> None:
    rules = ValidationRules(due_date_shift=shift)  # type: ignore[arg-type]
    findings = validate_invoice(_exclusive(due_date=due), today=TODAY, rules=rules)
    [finding] = [f for f in findings if f.code == "date.due_not_business_day"]
    assert finding.severity == W
    assert finding.field == "due_date"
    assert finding.message.endswith(f"({shift} business day): {adjusted}")
    assert due.isoformat() in finding.message


def test_default_shift_is_previous() -> None:
    [finding] = [
        f
        for f in validate_invoice(_exclusive(due_date=dt.date(2024, 8, 31)), today=TODAY)
        if f.code == "date.due_not_business_day"
    ]
    assert (
        finding.message
        == "支払期日 2024-08-31 is a bank holiday; 前営業日 (previous business day): 2024-08-30"
    )


def test_allow_future_days() -> None:
    invoice = _exclusive(issue_date=dt.date(2024, 4, 13), due_date=dt.date(2024, 4, 30))
    assert _problems(validate_invoice(invoice, today=TODAY, rules=ValidationRules(allow_future_days=3))) == []
    assert _problems(validate_invoice(invoice, today=TODAY, rules=ValidationRules(allow_future_days=2))) == [
        ("date.issue_in_future", W)
    ]


def test_rates_in_force_are_configurable() -> None:
    invoice = _exclusive(
        tax_breakdown=[TaxBucket(rate=5, net=10_368, tax=518)],
        lines=[InvoiceLine(description="x", amount=10_368, rate=5)],
        total=10_886,
    )
    findings = validate_invoice(invoice, today=TODAY, rules=ValidationRules(tax_rates=(10, 8, 5, 0)))
    assert _problems(findings) == []


def test_findings_name_their_field() -> None:
    invoice = _exclusive(
        registration_number="T700001205000",
        tax_breakdown=[TaxBucket(rate=10, net=7_035, tax=702), TaxBucket(rate=8, net=3_333, tax=266)],
        total=1,
    )
    fields = {f.code: f.field for f in validate_invoice(invoice, today=TODAY)}
    assert fields["registration_number.format"] == "registration_number"
    assert fields["tax.rounding"] == "tax_breakdown[0].tax"
    assert fields["total.mismatch"] == "total"


def test_rounding_error_message() -> None:
    invoice = _exclusive(
        tax_breakdown=[TaxBucket(rate=10, net=7_035, tax=702), TaxBucket(rate=8, net=3_333, tax=266)],
        total=7_035 + 702 + 3_333 + 266,
    )
    [finding] = [f for f in validate_invoice(invoice, today=TODAY) if f.code == "tax.rounding"]
    assert finding.message == "10%: 消費税 702 is not floor, half-up or ceil of 7,035 × 10/100"


def test_lines_mismatch_message() -> None:
    invoice = _exclusive(lines=_exclusive().lines[:-1])
    [finding] = [f for f in validate_invoice(invoice, today=TODAY) if f.code == "lines.sum_mismatch"]
    assert finding.message == "8%: lines sum to 1,111 yen, the breakdown's net (外税) is 3,333 yen"


def test_today_defaults_to_the_current_date() -> None:
    invoice = _exclusive(issue_date=dt.date.today() + dt.timedelta(days=30), due_date=None)
    assert ("date.issue_in_future", W) in _problems(validate_invoice(invoice))


def test_has_errors() -> None:
    info = Finding(code="a", severity=INFO, message="")
    warning = Finding(code="b", severity=W, message="")
    error = Finding(code="c", severity=E, message="")
    assert has_errors([info, warning, error]) is True
    assert has_errors([info, warning]) is False
    assert has_errors([]) is False
    assert has_errors(iter([error])) is True


def test_rules_reject_unknown_keys() -> None:
    with pytest.raises(ValueError, match="due_shift"):
        ValidationRules.model_validate({"due_shift": "next"})
