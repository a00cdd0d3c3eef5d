"""A key under which the same invoice read twice (a re-sent PDF, a scan of the paper copy) looks the same."""

from __future__ import annotations

import re

from robots.documents.model import Invoice
from robots.jp.names import PartyNameError, normalize_party
from robots.jp.text import normalize_text

__all__ = ["duplicate_key"]

_NUMBER_LABEL = re.compile(r"^(?:請求書?番号|伝票番号|NO\.?|#)\s*:?\s*")
_DASHES = re.compile(r"[\u2010-\u2015\u2212\u30fc]")


def _invoice_number_key(number: str) -> str:
    s = re.sub(r"\s+", "", normalize_text(number)).upper()
    return _DASHES.sub("-", _NUMBER_LABEL.sub("", s))


def duplicate_key(invoice: Invoice) -> str | None:
    """``<issuer match key>|<invoice number>|<total>`` for ledger look-ups, or None when the invoice lacks
    what the key needs (issuer and total).

    The invoice number is compared without spaces, case or a ``No.`` label; an invoice without one is
    keyed by its issue date instead (``date:YYYY-MM-DD``), and gets no key if it has neither.
    """
    if not invoice.issuer or invoice.total is None:
        return None
    try:
        issuer = normalize_party(invoice.issuer).match_key
    except PartyNameError:
        return None
    number = _invoice_number_key(invoice.invoice_number) if invoice.invoice_number else ""
    if not number:
        if invoice.issue_date is None:
            return None
        number = f"date:{invoice.issue_date.isoformat()}"
    return f"{issuer}|{number}|{invoice.total}"
