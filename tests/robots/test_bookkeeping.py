from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from robots.bookkeeping import PaymentRules, deal_from_invoice, load_payment_rules, reference_for
from robots.documents.model import Invoice, InvoiceLine, TaxBucket
from robots.errors import BusinessError
from robots.settings import PROJECT_ROOT
from robots.validation.accounts import load_account_rules

RULES = load_account_rules(PROJECT_ROOT / "config" / "rules" / "accounts.yaml")
SHA = "f" * 64


def _invoice(**kw: object) -> Invoice:
    base = dict(
        issuer="株式会社サンプル商事",
        issue_date=dt.date(2024, 8, 1),
        due_date=dt.date(2024, 8, 30),
        invoice_number="INV-1",
        total=12_080,
        tax_breakdown=[TaxBucket(rate=10, net=10_000, tax=1_000), TaxBucket(rate=8, net=1_000, tax=80)],
        lines=[
            InvoiceLine(description="コピー用紙", amount=10_000, rate=10),
            InvoiceLine(description="弁当", amount=1_000, rate=8),
        ],
    )
    return Invoice(**{**base, **kw})


def test_one_deal_line_per_rate_tax_included_with_accounts_from_the_rules() -> None:
    deal = deal_from_invoice(_invoice(), path=Path("a.pdf"), sha256=SHA, rules=RULES)
    assert [(ln.account, ln.tax_category, ln.amount) for ln in deal.lines] == [
        ("消耗品費", "課対仕入10%", 11_000),
        ("会議費", "課対仕入8%（軽）", 1_080),
    ]
    assert deal.total == 12_080 and deal.reference == reference_for(SHA) == "KRK-ffffffffffffffff"
    assert deal.lines[0].memo == "INV-1 コピー用紙"


@pytest.mark.parametrize(
    ("due", "payment", "booked"),
    [
        (dt.date(2024, 8, 30), PaymentRules(), dt.date(2024, 8, 30)),  # a Friday: unchanged
        (dt.date(2024, 8, 31), PaymentRules(), dt.date(2024, 8, 30)),  # Saturday → previous
        (dt.date(2024, 8, 31), PaymentRules(due_date_shift="next"), dt.date(2024, 9, 2)),
        (
            dt.date(2024, 12, 31),
            PaymentRules(counterparties=[{"issuer": "(株)サンプル商事", "due_date_shift": "next"}]),
            dt.date(2025, 1, 6),
        ),
    ],
)
def test_due_dates_on_bank_holidays_move_as_the_payment_rules_say(
    due: dt.date, payment: PaymentRules, booked: dt.date
) -> None:
    invoice = _invoice(due_date=due)
    deal = deal_from_invoice(invoice, path=Path("a.pdf"), sha256=SHA, rules=RULES, payment=payment)
    assert deal.due_date == booked


def test_breakdown_not_adding_up_to_the_total_is_refused() -> None:
    with pytest.raises(BusinessError) as err:
        deal_from_invoice(_invoice(total=99_999), path=Path("a.pdf"), sha256=SHA, rules=RULES)
    assert err.value.code == "deal.total_mismatch" and "a.pdf" in err.value.message


def test_shipped_payment_rules_load() -> None:
    rules = load_payment_rules(PROJECT_ROOT / "config" / "rules" / "payment.yaml")
    assert rules.due_date_shift == "previous"
    assert load_payment_rules(Path("/nonexistent.yaml")) == PaymentRules()
