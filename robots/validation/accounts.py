"""Which account (勘定科目) and tax category (税区分) a purchase is booked under, from
``config/rules/accounts.yaml``.

The account: the first issuer rule whose name matches the issuer (by match key, so ``㈱ABC`` matches
``ABC株式会社``), else the first keyword rule with a keyword in the line's description, else the first
keyword rule with a keyword in the issuer's name, else the default account. Keywords compare after NFKC
and case folding. The tax category comes from the rate.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from robots.documents.model import Invoice, InvoiceLine
from robots.errors import BusinessError
from robots.jp.names import party_match_key
from robots.jp.text import normalize_text
from robots.settings import load_yaml_model

__all__ = ["AccountRules", "IssuerRule", "KeywordRule", "load_account_rules", "suggest_account"]

_STANDARD_RATE = 10


class IssuerRule(BaseModel):
    """Everything from this issuer goes to ``account``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    issuer: str
    account: str


class KeywordRule(BaseModel):
    """A line (or issuer) whose text contains any of ``keywords`` goes to ``account``; with ``rates``,
    only lines at those rates."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    account: str
    keywords: list[str] = Field(min_length=1)
    rates: list[int] | None = None


class AccountRules(BaseModel):
    """The contents of ``config/rules/accounts.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    default_account: str = "雑費"
    tax_categories: dict[int, str] = Field(
        default_factory=lambda: {10: "課対仕入10%", 8: "課対仕入8%（軽）", 0: "対象外"}
    )
    issuers: list[IssuerRule] = Field(default_factory=list)
    keywords: list[KeywordRule] = Field(default_factory=list)


def load_account_rules(path: Path) -> AccountRules:
    """Read the account rules; unknown keys and bad values raise BusinessError ``config.invalid`` naming
    the key and the file."""
    return load_yaml_model(path, AccountRules)


def _fold(text: str) -> str:
    return normalize_text(text).casefold()


def _keyword_account(text: str, rate: int, rules: AccountRules) -> str | None:
    folded = _fold(text)
    for rule in rules.keywords:
        if rule.rates is not None and rate not in rule.rates:
            continue
        if any(_fold(word) in folded for word in rule.keywords):
            return rule.account
    return None


def account_for_text(texts: list[str | None], rate: int, rules: AccountRules) -> str:
    """The account for a purchase described by ``texts`` (description first, then the payee): the first
    keyword rule that matches any of them, in that order, else the default account."""
    for text in texts:
        if text and (account := _keyword_account(text, rate, rules)):
            return account
    return rules.default_account


def _rate_of(invoice: Invoice, line: InvoiceLine | None) -> int:
    if line is not None:
        return line.rate
    rates = {b.rate for b in invoice.tax_breakdown} or {ln.rate for ln in invoice.lines}
    return rates.pop() if len(rates) == 1 else _STANDARD_RATE


def suggest_account(
    invoice: Invoice, line: InvoiceLine | None, rules: AccountRules, *, rate: int | None = None
) -> tuple[str, str]:
    """``(勘定科目, 税区分)`` for ``line`` of ``invoice`` (or for the invoice as a whole when ``line`` is
    None). ``rate`` defaults to the line's rate, else the invoice's only rate, else 10.

    Raises BusinessError ``account.tax_category_unknown`` for a rate with no tax category in the rules.
    """
    if rate is None:
        rate = _rate_of(invoice, line)
    try:
        tax_category = rules.tax_categories[rate]
    except KeyError as exc:
        raise BusinessError(
            "account.tax_category_unknown",
            f"no tax category (税区分) for the rate {rate}% in the account rules",
        ) from exc
    issuer_key = party_match_key(invoice.issuer)
    if issuer_key is not None:
        for rule in rules.issuers:
            if party_match_key(rule.issuer) == issuer_key:
                return rule.account, tax_category
    account: str | None = None
    if line is not None:
        account = _keyword_account(line.description, rate, rules)
    if account is None and invoice.issuer:
        account = _keyword_account(invoice.issuer, rate, rules)
    return account or rules.default_account, tax_category
