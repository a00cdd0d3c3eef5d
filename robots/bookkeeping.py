"""From a read invoice to the deal an accountant would book, target-neutral.

A deal books the invoice's total with one line per tax rate (net + tax of that rate, tax included, as
freee-style deals take it): per-rate totals are exact because tax is rounded once per rate, whereas
per-line gross amounts are not. The account comes from the rules in `config/rules/accounts.yaml`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from robots.documents.forms_model import ExpenseReport
from robots.documents.model import Invoice, InvoiceLine
from robots.errors import BusinessError
from robots.jp import adjust_to_business_day, party_match_key
from robots.settings import load_yaml_model
from robots.validation.accounts import AccountRules, account_for_text, suggest_account

__all__ = [
    "MEMO_LIMIT",
    "Deal",
    "DealLine",
    "PaymentRules",
    "deal_from_expense_report",
    "deal_from_invoice",
    "load_payment_rules",
    "reference_for",
]

Shift = Literal["previous", "next"]


class CounterpartyPayment(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    issuer: str
    due_date_shift: Shift


class PaymentRules(BaseModel):
    """`config/rules/payment.yaml`: where a due date on a bank holiday moves, per counterparty."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    due_date_shift: Shift = "previous"
    counterparties: list[CounterpartyPayment] = []

    def shift_for(self, issuer: str | None) -> Shift:
        key = party_match_key(issuer)
        for rule in self.counterparties:
            if key is not None and party_match_key(rule.issuer) == key:
                return rule.due_date_shift
        return self.due_date_shift


def load_payment_rules(path: Path) -> PaymentRules:
    """Read the payment rules; a missing file means the defaults (previous business day)."""
    return load_yaml_model(path, PaymentRules) if path.exists() else PaymentRules()


MEMO_LIMIT = 120


class DealLine(BaseModel):
    model_config = ConfigDict(frozen=True)

    account: str  # 勘定科目
    tax_category: str  # 税区分, as the target writes it (課対仕入10%, 課対仕入8%（軽）…)
    amount: int  # tax included
    memo: str | None = None  # 備考


class Deal(BaseModel):
    """A deal (取引) to enter: what the robot types and what the read-back must show."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["expense", "income"] = "expense"
    issue_date: dt.date
    due_date: dt.date | None = None
    partner: str
    reference: str  # 管理番号: the key that makes entering idempotent
    lines: list[DealLine]
    attachment: Path | None = None
    attachment_sha256: str | None = None

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)


def reference_for(sha256: str) -> str:
    """The reference key written into 管理番号: derived from the file's SHA-256, so it is the same on
    every run and for every copy of the same file."""
    return f"KRK-{sha256[:16]}"


def _memo(invoice: Invoice, lines: list[InvoiceLine]) -> str:
    head = f"{invoice.invoice_number} " if invoice.invoice_number else ""
    text = head + "、".join(line.description for line in lines)
    return text if len(text) <= MEMO_LIMIT else text[: MEMO_LIMIT - 1] + "…"


def deal_from_invoice(
    invoice: Invoice, *, path: Path, sha256: str, rules: AccountRules, payment: PaymentRules | None = None
) -> Deal:
    """The expense deal for a received invoice: one line per tax rate, the PDF attached, the due date
    moved off bank holidays as the payment rules say."""
    if invoice.issue_date is None or invoice.issuer is None or invoice.total is None:
        raise BusinessError(
            "deal.incomplete", f"{path.name}: issuer, issue date and total are needed for a deal"
        )
    by_rate: dict[int, list[InvoiceLine]] = defaultdict(list)
    for line in invoice.lines:
        by_rate[line.rate].append(line)
    buckets = {b.rate: b.net + b.tax for b in invoice.tax_breakdown}
    if not buckets:  # no breakdown printed: book the total at the lines' rate
        rates = sorted(by_rate) or [10]
        if len(rates) > 1:
            raise BusinessError(
                "deal.no_breakdown", f"{path.name}: several tax rates but no breakdown per rate"
            )
        buckets = {rates[0]: invoice.total}
    deal_lines = []
    for rate in sorted(buckets, reverse=True):
        lines = by_rate.get(rate, [])
        main = max(lines, key=lambda ln: abs(ln.amount)) if lines else None
        account, tax_category = suggest_account(invoice, main, rules, rate=rate)
        deal_lines.append(
            DealLine(
                account=account, tax_category=tax_category, amount=buckets[rate], memo=_memo(invoice, lines)
            )
        )
    deal = Deal(
        issue_date=invoice.issue_date,
        due_date=(
            adjust_to_business_day(invoice.due_date, (payment or PaymentRules()).shift_for(invoice.issuer))
            if invoice.due_date
            else None
        ),
        partner=invoice.issuer,
        reference=reference_for(sha256),
        lines=deal_lines,
        attachment=path,
        attachment_sha256=sha256,
    )
    if deal.total != invoice.total:
        raise BusinessError(
            "deal.total_mismatch",
            f"{path.name}: the per-rate amounts add up to {deal.total:,} yen, "
            f"the invoice says {invoice.total:,} yen",
        )
    return deal


def deal_from_expense_report(
    report: ExpenseReport, *, path: Path, sha256: str, rules: AccountRules, standard_rate: int = 10
) -> Deal:
    """The expense deal for a 経費精算書: the employee as 取引先, one deal line per expense line (tax incl.,
    the account from the form when it names one, else from the account rules), dated the day it was applied
    for (else the last expense's date). A line without a rate is booked at ``standard_rate``."""
    if not report.employee or not report.lines:
        raise BusinessError("deal.incomplete", f"{path.name}: an employee and at least one line are needed")
    issue_date = report.applied_on or max((ln.date for ln in report.lines if ln.date), default=None)
    if issue_date is None:
        raise BusinessError("deal.incomplete", f"{path.name}: no application date and no dated line")
    lines = []
    for line in report.lines:
        rate = standard_rate if line.rate is None else line.rate
        try:
            tax_category = rules.tax_categories[rate]
        except KeyError as exc:
            raise BusinessError(
                "account.tax_category_unknown",
                f"{path.name}: no tax category (税区分) for the rate {rate}% in the account rules",
            ) from exc
        account = line.account or account_for_text([line.description, line.payee], rate, rules)
        memo = " ".join(
            part
            for part in (line.date.strftime("%m/%d") if line.date else None, line.payee, line.description)
            if part
        )
        lines.append(
            DealLine(
                account=account,
                tax_category=tax_category,
                amount=line.amount,
                memo=memo[:MEMO_LIMIT] or None,
            )
        )
    deal = Deal(issue_date=issue_date, partner=report.employee, reference=reference_for(sha256), lines=lines)
    if report.total is not None and deal.total != report.total:
        raise BusinessError(
            "deal.total_mismatch",
            f"{path.name}: the lines add up to {deal.total:,} yen, the form's total is {report.total:,} yen",
        )
    return deal
