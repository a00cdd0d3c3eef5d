"""Checks on a read invoice or receipt (domain-ja.md §1-§3), each reported as a Finding with a stable code.

| code | severity | when |
|---|---|---|
| ``issuer.missing`` | error | no issuer name |
| ``registration_number.missing`` | warning | no 登録番号 (the caller may downgrade, e.g. for 少額特例) |
| ``registration_number.format`` | error | not ``T`` + 13 digits |
| ``registration_number.check_digit`` | warning | corporate-number check digit mismatch |
| ``tax.rate_unknown`` | error | a rate outside ``rules.tax_rates`` (10, 8, 0) in the breakdown or a line |
| ``tax.rate_duplicate`` | error | two breakdown buckets with the same rate |
| ``tax.breakdown_missing`` | warning | no totals per rate |
| ``tax.rounding`` | error | a bucket's tax is none of floor / half-up / ceil of its base |
| ``tax.rounding_method`` | info | which rounding(s) matched, per rate |
| ``lines.sum_mismatch`` | error | line amounts at a rate ≠ net (外税) or net + tax (内税) of that rate |
| ``total.missing`` | error | no total |
| ``total.mismatch`` | error | sum of net + tax over the buckets ≠ total |
| ``date.issue_missing`` | error | no issue date |
| ``date.issue_in_future`` | warning | issued after today (+ ``rules.allow_future_days``) |
| ``date.due_before_issue`` | warning | due date before the issue date |
| ``date.due_not_business_day`` | warning | due date on a bank holiday; the message names the adjusted date |

Tax rounding is checked once per rate, never per line. The base is the gross amount (net + tax) with
r/(100+r) for 内税 pricing and the net amount with r/100 for 外税 pricing; the other basis is accepted
too (a misdetected pricing flag must not fail a correct invoice) and the INFO finding says which matched.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from robots.documents.model import Finding, Invoice, Severity
from robots.jp.calendar import adjust_to_business_day, is_bank_business_day
from robots.jp.registration import check_registration_number
from robots.jp.tax import matching_roundings

__all__ = ["ValidationRules", "has_errors", "validate_invoice"]

_DIRECTION_JA = {"previous": "前営業日", "next": "翌営業日"}


class ValidationRules(BaseModel):
    """Settings of :func:`validate_invoice` (per counterparty where they differ)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    due_date_shift: Literal["previous", "next"] = "previous"
    """Where a due date on a bank holiday moves: the previous (default) or the next business day."""
    allow_future_days: int = Field(default=0, ge=0)
    """How many days after today an issue date may lie before it is reported."""
    tax_rates: tuple[int, ...] = (10, 8, 0)
    """The consumption-tax rates in force, percent."""


def _finding(code: str, severity: Severity, message: str, field: str | None = None) -> Finding:
    return Finding(code=code, severity=severity, message=message, field=field)


def _check_issuer(invoice: Invoice) -> list[Finding]:
    if invoice.issuer and invoice.issuer.strip():
        return []
    return [_finding("issuer.missing", Severity.ERROR, "発行者名がありません (no issuer name)", "issuer")]


def _check_registration(invoice: Invoice) -> list[Finding]:
    number = invoice.registration_number
    if number is None or not number.strip():
        return [
            _finding(
                "registration_number.missing",
                Severity.WARNING,
                "登録番号がありません: not a qualified invoice, input tax is only partly deductible "
                "unless an exception applies (public transport, 少額特例 …)",
                "registration_number",
            )
        ]
    return list(check_registration_number(number).findings)


def _check_dates(invoice: Invoice, today: dt.date, rules: ValidationRules) -> list[Finding]:
    findings: list[Finding] = []
    issue, due = invoice.issue_date, invoice.due_date
    if issue is None:
        findings.append(
            _finding("date.issue_missing", Severity.ERROR, "請求日がありません (no issue date)", "issue_date")
        )
    elif issue > today + dt.timedelta(days=rules.allow_future_days):
        findings.append(
            _finding(
                "date.issue_in_future",
                Severity.WARNING,
                f"請求日 {issue.isoformat()} is after today ({today.isoformat()})",
                "issue_date",
            )
        )
    if due is None:
        return findings
    if issue is not None and due < issue:
        findings.append(
            _finding(
                "date.due_before_issue",
                Severity.WARNING,
                f"支払期日 {due.isoformat()} is before 請求日 {issue.isoformat()}",
                "due_date",
            )
        )
    if not is_bank_business_day(due):
        adjusted = adjust_to_business_day(due, rules.due_date_shift)
        findings.append(
            _finding(
                "date.due_not_business_day",
                Severity.WARNING,
                f"支払期日 {due.isoformat()} is a bank holiday; {_DIRECTION_JA[rules.due_date_shift]} "
                f"({rules.due_date_shift} business day): {adjusted.isoformat()}",
                "due_date",
            )
        )
    return findings


def _check_rates(invoice: Invoice, rules: ValidationRules) -> list[Finding]:
    findings: list[Finding] = []
    reported: set[int] = set()
    places = [(b.rate, f"tax_breakdown[{i}].rate") for i, b in enumerate(invoice.tax_breakdown)]
    places += [(ln.rate, f"lines[{i}].rate") for i, ln in enumerate(invoice.lines)]
    for rate, field in places:
        if rate not in rules.tax_rates and rate not in reported:
            reported.add(rate)
            known = "/".join(f"{r}%" for r in rules.tax_rates)
            findings.append(
                _finding("tax.rate_unknown", Severity.ERROR, f"税率 {rate}% is not one of {known}", field)
            )
    seen: set[int] = set()
    for i, bucket in enumerate(invoice.tax_breakdown):
        if bucket.rate in seen:
            findings.append(
                _finding(
                    "tax.rate_duplicate",
                    Severity.ERROR,
                    f"税率 {bucket.rate}% appears twice in the breakdown",
                    f"tax_breakdown[{i}].rate",
                )
            )
        seen.add(bucket.rate)
    if not invoice.tax_breakdown:
        findings.append(
            _finding(
                "tax.breakdown_missing",
                Severity.WARNING,
                "税率ごとの合計がありません (no totals per tax rate)",
                "tax_breakdown",
            )
        )
    return findings


def _check_rounding(invoice: Invoice, rules: ValidationRules) -> list[Finding]:
    findings: list[Finding] = []
    for i, bucket in enumerate(invoice.tax_breakdown):
        rate, net, tax = bucket.rate, bucket.net, bucket.tax
        field = f"tax_breakdown[{i}].tax"
        if rate not in rules.tax_rates:
            continue
        if rate == 0:
            if tax != 0:
                findings.append(
                    _finding("tax.rounding", Severity.ERROR, f"0% bucket carries tax {tax:,} yen", field)
                )
            continue
        bases = [(True, net + tax), (False, net)]
        if not invoice.tax_inclusive_pricing:
            bases.reverse()
        for inclusive, base in bases:
            methods = matching_roundings(base, rate, inclusive=inclusive, tax=tax)
            if methods:
                formula = f"{base:,} × {rate}/{100 + rate}" if inclusive else f"{base:,} × {rate}/100"
                names = ", ".join(m.value for m in methods)
                findings.append(
                    _finding(
                        "tax.rounding_method",
                        Severity.INFO,
                        f"{rate}%: tax {tax:,} = {names} of {formula} ({'内税' if inclusive else '外税'})",
                        field,
                    )
                )
                break
        else:
            inclusive, base = bases[0]
            formula = f"{base:,} × {rate}/{100 + rate}" if inclusive else f"{base:,} × {rate}/100"
            findings.append(
                _finding(
                    "tax.rounding",
                    Severity.ERROR,
                    f"{rate}%: 消費税 {tax:,} is not floor, half-up or ceil of {formula}",
                    field,
                )
            )
    return findings


def _check_lines(invoice: Invoice) -> list[Finding]:
    if not invoice.lines or not invoice.tax_breakdown:
        return []
    line_sums: dict[int, int] = defaultdict(int)
    for line in invoice.lines:
        line_sums[line.rate] += line.amount
    expected: dict[int, int] = defaultdict(int)
    for bucket in invoice.tax_breakdown:
        expected[bucket.rate] += bucket.net + bucket.tax if invoice.tax_inclusive_pricing else bucket.net
    what = "net + tax (内税)" if invoice.tax_inclusive_pricing else "net (外税)"
    findings: list[Finding] = []
    for rate in sorted(set(line_sums) | set(expected), reverse=True):
        got, want = line_sums.get(rate, 0), expected.get(rate)
        if want is None:
            message = f"{rate}%: lines sum to {got:,} yen but the breakdown has no {rate}% bucket"
        elif got != want:
            message = f"{rate}%: lines sum to {got:,} yen, the breakdown's {what} is {want:,} yen"
        else:
            continue
        findings.append(_finding("lines.sum_mismatch", Severity.ERROR, message, "lines"))
    return findings


def _check_total(invoice: Invoice) -> list[Finding]:
    if invoice.total is None:
        return [_finding("total.missing", Severity.ERROR, "合計金額がありません (no total)", "total")]
    if invoice.tax_breakdown:
        computed, basis = sum(b.net + b.tax for b in invoice.tax_breakdown), "net + tax over the rates"
    elif invoice.lines and invoice.tax_inclusive_pricing:
        computed, basis = sum(ln.amount for ln in invoice.lines), "the tax-inclusive lines"
    else:
        return []
    if computed == invoice.total:
        return []
    return [
        _finding(
            "total.mismatch",
            Severity.ERROR,
            f"合計 {invoice.total:,} yen, but {basis} add up to {computed:,} yen",
            "total",
        )
    ]


def validate_invoice(
    invoice: Invoice, *, today: dt.date | None = None, rules: ValidationRules | None = None
) -> list[Finding]:
    """Check a read invoice or receipt; an empty list means nothing to report.

    ``today`` defaults to the current date (pass it in tests); ``rules`` to :class:`ValidationRules`
    defaults. See the module docstring for the codes and their severities.
    """
    today = today or dt.date.today()
    rules = rules or ValidationRules()
    return [
        *_check_issuer(invoice),
        *_check_registration(invoice),
        *_check_dates(invoice, today, rules),
        *_check_rates(invoice, rules),
        *_check_rounding(invoice, rules),
        *_check_lines(invoice),
        *_check_total(invoice),
    ]


def has_errors(findings: Iterable[Finding]) -> bool:
    """Whether any finding is an error (the document cannot be entered as it is)."""
    return any(f.severity == Severity.ERROR for f in findings)
