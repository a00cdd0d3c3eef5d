"""勤怠表: the employee, the month, and each working or leave day (clock in/out, break, paid leave)."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from typing import Any

from openpyxl.utils.cell import column_index_from_string

from robots.documents.excel._context import Context
from robots.documents.excel._employee_no import read_employee_no
from robots.documents.excel._labels import Table, find_table, label_key
from robots.documents.excel._values import (
    ValueProblem,
    is_blank,
    to_day,
    to_minutes,
    to_month,
    to_text,
    to_time,
)
from robots.documents.excel._vocabulary import TABLE_END_KEYS, TIMESHEET_COLUMNS, TIMESHEET_FIELDS
from robots.documents.forms_model import Timesheet, TimesheetDay
from robots.documents.model import Severity
from robots.jp import DateParseError, normalize_text, parse_period

__all__ = ["read_timesheet"]

_PERIOD_IN_TEXT = re.compile(r"(?:(?:令和|平成|R|H)\s*(?:元|\d{1,2})|\d{4})\s*年\s*\d{1,2}\s*月")
_HALF = ("半休", "半日", "午前休", "午後休", "am休", "pm休", "半有")
_PAID = ("有給", "有休", "年休", "年次有給", "有給休暇", "年次休暇")


def _leave(text: str) -> str | None:
    key = re.sub(r"\s+", "", normalize_text(text)).lower()
    if not key:
        return None
    if any(word in key for word in _HALF):
        return "paid_half"
    if any(word in key for word in _PAID):
        return "paid_full"
    return None


def _table(ctx: Context) -> Table | None:
    if ctx.template is not None and ctx.template.table is not None:
        spec = ctx.template.table
        columns = {name: column_index_from_string(letter) for name, letter in spec.columns.items()}
        return Table(columns, {}, spec.first_row, spec.last_row or ctx.sheet.max_row)
    table = find_table(
        ctx.sheet, TIMESHEET_COLUMNS, required=[{"date"}, {"clock_in", "clock_out"}], min_fields=3
    )
    if table is not None:
        for col in range(1, ctx.sheet.max_col + 1):
            ctx.excluded.add(ctx.sheet.anchor(table.header_row, col))
    return table


def _month_from_title(ctx: Context, last_row: int) -> str | None:
    for cell in ctx.sheet.anchors():
        if cell.row > last_row:
            break
        text = ctx.sheet.text(cell.row, cell.col)
        m = _PERIOD_IN_TEXT.search(re.sub(r"\s+", "", text)) if text else None
        if m:
            try:
                year, month = parse_period(m.group(0))
            except DateParseError:
                continue
            if year is not None:
                return f"{year:04d}-{month:02d}"
    return None


def _ends_table(ctx: Context, row: int, table: Table) -> bool:
    first = max(1, min(table.columns.values()) - 1)
    last = max(table.columns.values())
    ends = TABLE_END_KEYS
    return any(label_key(ctx.sheet.text(row, col)) in ends for col in range(first, last + 1))


def _days(ctx: Context, table: Table, month: str | None) -> list[TimesheetDay]:
    year_month = (int(month[:4]), int(month[5:])) if month else None
    days: list[TimesheetDay] = []
    previous: dt.date | None = None
    problems = 0
    empty_run = 0
    fixed = ctx.template is not None and ctx.template.table is not None
    hours = "時間" in table.header_keys.get("break_minutes", "") or "(h)" in table.header_keys.get(
        "break_minutes", ""
    )
    for row in range(table.first_row, table.last_row + 1):
        if not fixed and _ends_table(ctx, row, table):
            break
        raw: dict[str, Any] = {}
        for name, col in table.columns.items():
            if not ctx.is_empty(row, col):
                value = ctx.value(row, col)
                if not is_blank(value):
                    raw[name] = value
        if not raw:
            empty_run += 1
            if empty_run >= 10 and not fixed:
                break
            continue
        empty_run = 0
        if "date" not in raw:
            if raw.keys() & {"clock_in", "clock_out"}:
                ctx.add(
                    "timesheet.date_missing",
                    Severity.WARNING,
                    f"{ctx.where(row, table.columns['date'])}: times without a date",
                    "days",
                )
                problems += 1
                continue
            break
        date_col = table.columns["date"]
        try:
            year, mon = year_month if year_month is not None else (None, None)
            date, day_only = to_day(raw["date"], ctx.cell(row, date_col), year=year, month=mon)
            if day_only and previous is not None and date < previous:
                # a cycle such as the 16th to the 15th: the days after the wrap are in the next month
                y, m = (date.year + 1, 1) if date.month == 12 else (date.year, date.month + 1)
                date = date.replace(year=y, month=m)
        except ValueProblem as exc:
            if not raw.keys() & {"clock_in", "clock_out", "leave", "break_minutes"}:
                continue  # a label row or a note, not a day
            ctx.problem("days", "日付", exc, row, date_col)
            problems += 1
            continue
        except ValueError:
            continue
        previous = date
        leave = None
        for name in ("leave", "remarks"):
            if name in raw and isinstance(raw[name], str):
                leave = leave or _leave(raw[name])
        times: dict[str, str | None] = {"clock_in": None, "clock_out": None}
        for name in ("clock_in", "clock_out"):
            if name not in raw:
                continue
            try:
                times[name] = to_time(raw[name], ctx.cell(row, table.columns[name]))
            except ValueProblem as exc:
                as_leave = _leave(raw[name]) if isinstance(raw[name], str) else None
                if as_leave is not None:
                    leave = leave or as_leave
                    continue
                ctx.problem(f"days.{name}", "出勤・退勤時刻", exc, row, table.columns[name])
                problems += 1
        if times["clock_in"] is None and times["clock_out"] is None and leave is None:
            continue  # a day off
        break_minutes = 0
        if "break_minutes" in raw and leave != "paid_full":
            try:
                break_minutes = to_minutes(
                    raw["break_minutes"], ctx.cell(row, table.columns["break_minutes"]), hours=hours
                )
            except ValueProblem as exc:
                ctx.problem("days.break_minutes", "休憩", exc, row, table.columns["break_minutes"])
                problems += 1
        if leave == "paid_full":
            times = {"clock_in": None, "clock_out": None}
        clock_in, clock_out = times["clock_in"], times["clock_out"]
        if (clock_in is None) != (clock_out is None) and leave != "paid_full":
            missing = "退勤" if clock_out is None else "出勤"
            ctx.add(
                "timesheet.clock_missing",
                Severity.WARNING,
                f"{ctx.where(row, date_col)} ({date.isoformat()}): {missing}時刻がありません",
                "days",
            )
        if clock_in is not None and clock_out is not None:
            if clock_out <= clock_in:
                ctx.add(
                    "timesheet.clock_out_before_clock_in",
                    Severity.ERROR,
                    f"{ctx.where(row, date_col)} ({date.isoformat()}): 退勤 {clock_out} is not after "
                    f"出勤 {clock_in} (an overnight shift must be entered as two days, or with times past "
                    "24:00 in the payroll system)",
                    "days",
                )
            else:
                worked = _minutes(clock_out) - _minutes(clock_in)
                if break_minutes >= worked:
                    ctx.add(
                        "timesheet.break_too_long",
                        Severity.WARNING,
                        f"{ctx.where(row, date_col)} ({date.isoformat()}): 休憩 {break_minutes} min is not "
                        f"shorter than the time at work ({worked} min)",
                        "days",
                    )
        days.append(
            TimesheetDay(
                date=date, clock_in=clock_in, clock_out=clock_out, break_minutes=break_minutes, leave=leave
            )
        )
    days.sort(key=lambda d: d.date)
    seen = Counter(d.date for d in days)
    for date, count in seen.items():
        if count > 1:
            ctx.add(
                "timesheet.duplicate_day",
                Severity.WARNING,
                f"{date.isoformat()} appears {count} times",
                "days",
            )
    ctx.confidence["days"] = (1.0 if fixed else 0.9) if days and not problems else (0.6 if days else 0.0)
    return days


def _minutes(hhmm: str) -> int:
    return int(hhmm[:2]) * 60 + int(hhmm[3:])


def read_timesheet(ctx: Context) -> Timesheet:
    """Read a monthly timesheet from ``ctx``'s sheet."""
    table = _table(ctx)
    employee = ctx.field(
        "employee", TIMESHEET_FIELDS["employee"], to_text, label="氏名", missing=Severity.ERROR
    )
    found = ctx.field("month", TIMESHEET_FIELDS["month"], to_month, label="対象年月", missing=None)
    month = found.value if found else None
    employee_no = read_employee_no(ctx)
    if month is None:
        month = _month_from_title(ctx, table.first_row if table else ctx.sheet.max_row)
        ctx.confidence["month"] = 0.85 if month else 0.0
    days = _days(ctx, table, month) if table is not None else []
    if month is None and days:
        month_counts = Counter(f"{d.date.year:04d}-{d.date.month:02d}" for d in days)
        month = month_counts.most_common(1)[0][0]
        ctx.confidence["month"] = 0.7
    if month is None:
        ctx.missing("month", "対象年月", Severity.ERROR)
    if not days:
        ctx.missing("days", "勤務日", Severity.ERROR)
        ctx.confidence["days"] = 0.0
    elif month is not None:
        outside = [d.date.isoformat() for d in days if f"{d.date.year:04d}-{d.date.month:02d}" != month]
        if outside and not _is_cycle(days, month):
            ctx.add(
                "timesheet.date_outside_month",
                Severity.WARNING,
                f"{len(outside)} day(s) are not in {month}: {', '.join(outside[:5])}",
                "days",
            )
    return Timesheet(
        employee=employee.value if employee else None, month=month, days=days, employee_no=employee_no
    )


def _is_cycle(days: list[TimesheetDay], month: str) -> bool:
    """A closing-date cycle (16th to 15th): every day is in the month or the next one."""
    year, mon = int(month[:4]), int(month[5:])
    nxt = f"{year + 1:04d}-01" if mon == 12 else f"{year:04d}-{mon + 1:02d}"
    return all(f"{d.date.year:04d}-{d.date.month:02d}" in (month, nxt) for d in days)
