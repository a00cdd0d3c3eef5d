"""Deals for accounting targets: a :class:`~robots.bookkeeping.Deal` as the ``create_deal`` input of a recipe.

Everything else (finding, typing, saving, reading back, comparing) is in the target's recipe."""

from __future__ import annotations

from typing import Any

from robots.bookkeeping import Deal

__all__ = ["CREATE_DEAL", "deal_input"]

CREATE_DEAL = "create_deal"


def deal_input(deal: Deal) -> dict[str, Any]:
    """The fields the ``create_deal`` operation takes, compared after saving as the robot always did:
    kind, dates, partner, reference, total, each line's account, tax, amount, memo, attachment SHA-256."""
    return {
        "kind": deal.kind,
        "issue_date": deal.issue_date,
        "due_date": deal.due_date,
        "partner": deal.partner,
        "ref_number": deal.reference,
        "total": deal.total,
        "lines": [
            {"account": x.account, "tax_category": x.tax_category, "amount": x.amount, "memo": x.memo}
            for x in deal.lines
        ],
        "attachment": str(deal.attachment) if deal.attachment else None,
        "attachment_sha256": deal.attachment_sha256,
    }
