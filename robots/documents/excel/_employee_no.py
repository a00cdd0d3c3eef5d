"""The employee number (社員番号 / 従業員番号) of onboarding forms and timesheets: optional, since a flow
can ask a person for it, but its absence is recorded."""

from __future__ import annotations

from robots.documents.excel._context import Context
from robots.documents.excel._values import to_employee_no
from robots.documents.excel._vocabulary import EMPLOYEE_NO_LABELS
from robots.documents.model import Severity

__all__ = ["read_employee_no"]

MISSING_CODE = "form.employee_no_missing"


def read_employee_no(ctx: Context) -> str | None:
    """The normalized employee number, or None: with an INFO finding when the form has none, a WARNING
    (``form.value_unreadable``) when its cell holds something else."""
    found = ctx.field("employee_no", EMPLOYEE_NO_LABELS, to_employee_no, label="社員番号", missing=None)
    if found is not None:
        return found.value
    if not any(f.field == "employee_no" for f in ctx.findings):
        ctx.add(
            MISSING_CODE,
            Severity.INFO,
            f"社員番号がありません (no employee number on sheet {ctx.sheet.title!r}; ask the employee or "
            "look it up in the HR tool)",
            "employee_no",
        )
    return None
