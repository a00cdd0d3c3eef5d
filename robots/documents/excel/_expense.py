"""経費精算書: employee, department, date of application, the table of expenses and the total."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from openpyxl.utils.cell import column_index_from_string

from robots.documents.excel._context import Context
from robots.documents.excel._labels import Table, find_table, label_key
from robots.documents.excel._values import (
    ValueProblem,
    is_blank,
    to_amount,
    to_date,
    to_party,
    to_rate,
    to_text,
)
from robots.documents.excel._vocabulary import EXPENSE_COLUMNS, EXPENSE_FIELDS, TABLE_END_KEYS
from robots.documents.forms_model import ExpenseLine, ExpenseReport
from robots.documents.model import Severity
from robots.jp import check_registration_number

__all__ = ["read_expense_report"]

_VALID_RATES = (10, 8, 0)
_LABELS = {
    "date": "日付",
    "payee": "支払先",
    "description": "内容",
    "account": "勘定科目",
    "amount": "金額",
    "rate": "税率",
    "registration_number": "登録番号",
}
_NO_NUMBER = {"-", "なし", "無", "無し", "n/a", "対象外", "未登録"}


def _looks_like_department(text: str) -> bool:
    """A department name that is also an approval-box heading (経理, 総務 …) is still a value here."""
    return text.endswith(("部", "課", "室", "グループ", "チーム", "センター", "本部", "事業部", "係"))


def _table(ctx: Context) -> Table | None:
    if ctx.template is not None and ctx.template.table is not None:
        spec = ctx.template.table
        columns = {name: column_index_from_string(letter) for name, letter in spec.columns.items()}
        last = spec.last_row or ctx.sheet.max_row
        return Table(columns, {}, spec.first_row, last)
    table = find_table(
        ctx.sheet, EXPENSE_COLUMNS, required=[{"amount"}, {"date", "payee", "description"}], min_fields=3
    )
    if table is not None:
        for col in range(1, ctx.sheet.max_col + 1):
            ctx.excluded.add(ctx.sheet.anchor(table.header_row, col))
    return table


def _ends_table(ctx: Context, row: int, table: Table) -> bool:
    first = max(1, min(table.columns.values()) - 2)
    last = max(table.columns.values())
    ends = TABLE_END_KEYS
    return any(label_key(ctx.sheet.text(row, col)) in ends for col in range(first, last + 1))


def _line_date(value: Any, cell: Any, applied_on: dt.date | None) -> dt.date:
    """A line's date; ``4/3`` (no year) is the last April 3rd on or before the application date."""
    date = to_date(value, cell, year_hint=applied_on.year if applied_on else None)
    if (
        applied_on is not None
        and date > applied_on
        and isinstance(value, str)
        and not re.search(r"\d{4}|[令平RH]", value)
    ):
        try:
            date = date.replace(year=date.year - 1)
        except ValueError:  # February 29th
            pass
    return date


def _lines(ctx: Context, table: Table, applied_on: dt.date | None) -> list[ExpenseLine]:
    lines: list[ExpenseLine] = []
    empty_run = 0
    problems = 0
    fixed = ctx.template is not None and ctx.template.table is not None
    for row in range(table.first_row, table.last_row + 1):
        if not fixed and _ends_table(ctx, row, table):
            break
        present = {name: col for name, col in table.columns.items() if not ctx.is_empty(row, col)}
        raw: dict[str, Any] = {name: ctx.value(row, col) for name, col in present.items()}
        raw = {name: value for name, value in raw.items() if not is_blank(value)}
        if not raw or (set(raw) == {"amount"} and raw["amount"] == 0):
            empty_run += 1
            if empty_run >= 10 and not fixed:
                break
            continue
        empty_run = 0
        n = len(lines)
        where = f"lines[{n}]"
        if "amount" not in raw:
            if len(raw) >= 2 and raw.keys() & {"date", "payee", "description"}:
                ctx.add(
                    "expense.line_amount_missing",
                    Severity.ERROR,
                    f"{ctx.where(row, table.columns['amount'])}: 金額がありません (a line without an amount)",
                    f"{where}.amount",
                )
                problems += 1
                continue
            break  # another block begins (notes, approvals)
        values: dict[str, Any] = {}
        parsers = {
            "date": lambda v, c: _line_date(v, c, applied_on),
            "payee": to_party,
            "description": to_text,
            "account": to_text,
            "amount": to_amount,
            "rate": to_rate,
        }
        for name, parse in parsers.items():
            if name not in raw:
                continue
            col = table.columns[name]
            try:
                values[name] = parse(raw[name], ctx.cell(row, col))
            except ValueProblem as exc:
                ctx.problem(f"{where}.{name}", _LABELS[name], exc, row, col)
                problems += 1
        if "amount" not in values:
            continue
        if "rate" in values and values["rate"] not in _VALID_RATES:
            ctx.add(
                "expense.rate_unusual",
                Severity.WARNING,
                f"{ctx.where(row, table.columns['rate'])}: 税率 {values['rate']}% is not 10%, 8% or 0%",
                f"{where}.rate",
            )
        number = raw.get("registration_number")
        if number is not None:
            text = to_text(number)
            if text.lower() not in _NO_NUMBER:
                check = check_registration_number(text)
                values["registration_number"] = check.normalized
                for finding in check.findings:
                    ctx.add(
                        finding.code,
                        finding.severity,
                        f"{ctx.where(row, table.columns['registration_number'])}: {finding.message}",
                        f"{where}.registration_number",
                    )
        lines.append(ExpenseLine(**values))
    ctx.confidence["lines"] = (1.0 if fixed else 0.9) if lines and not problems else (0.6 if lines else 0.0)
    return lines


def read_expense_report(ctx: Context) -> ExpenseReport:
    """Read an expense report from ``ctx``'s sheet."""
    table = _table(ctx)
    employee = ctx.field(
        "employee", EXPENSE_FIELDS["employee"], to_text, label="氏名", missing=Severity.ERROR
    )
    department = ctx.field(
        "department", EXPENSE_FIELDS["department"], to_text, label="所属", accepts=_looks_like_department
    )
    applied = ctx.field(
        "applied_on", EXPENSE_FIELDS["applied_on"], to_date, label="申請日", missing=Severity.ERROR
    )
    applied_on = applied.value if applied else None
    lines = _lines(ctx, table, applied_on) if table is not None else []
    if not lines:
        ctx.missing("lines", "明細", Severity.ERROR)
        ctx.confidence["lines"] = 0.0
    total = ctx.field("total", EXPENSE_FIELDS["total"], to_amount, label="合計")
    if total is not None and lines:
        line_sum = sum(line.amount for line in lines)
        if line_sum != total.value:
            ctx.add(
                "expense.total_mismatch",
                Severity.ERROR,
                f"合計 {total.value:,}円 ({ctx.where(total.row, total.col)}) is not the sum of the lines, "
                f"{line_sum:,}円 ({len(lines)} lines)",
                "total",
            )
            ctx.confidence["total"] = 0.5
    return ExpenseReport(
        employee=employee.value if employee else None,
        department=department.value if department else None,
        applied_on=applied_on,
        lines=lines,
        total=total.value if total else None,
    )
