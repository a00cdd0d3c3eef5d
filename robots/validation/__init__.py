"""Validation of read documents, duplicate keys and account suggestions.

``validate_invoice`` reports findings with stable codes (see :mod:`robots.validation.invoice`);
``duplicate_key`` keys an invoice for ledger look-ups; ``suggest_account`` picks 勘定科目 and 税区分 from
``config/rules/accounts.yaml``.
"""

from robots.validation.accounts import (
    AccountRules,
    IssuerRule,
    KeywordRule,
    load_account_rules,
    suggest_account,
)
from robots.validation.duplicates import duplicate_key
from robots.validation.invoice import ValidationRules, has_errors, validate_invoice

__all__ = [
    "AccountRules",
    "IssuerRule",
    "KeywordRule",
    "ValidationRules",
    "duplicate_key",
    "has_errors",
    "load_account_rules",
    "suggest_account",
    "validate_invoice",
]
