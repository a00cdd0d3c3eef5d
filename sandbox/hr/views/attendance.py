"""The monthly attendance grid of one employee: one row per day, one 「保存」 for the whole month."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import jpholiday
from flask import abort, redirect, render_template, request, url_for

from sandbox.hr.store import AttendanceDay, Employee
from sandbox.hr.validation import (
    DayValues,
    FieldError,
    day_field,
    month_days,
    parse_break,
    parse_clock,
    parse_month,
    validate_month,
)
from sandbox.hr.views.common import bp, employee_or_404, labels, login_required, require_csrf, store

_WEEKDAYS = "月火水木金土日"


@dataclass(frozen=True)
class Row:
    """One day of the grid as rendered."""

    date: dt.date
    weekday: str  # 月..日
    holiday: str | None  # the national holiday's name
    values: DayValues
    worked_minutes: int | None

    @property
    def day_off(self) -> bool:
        return self.date.weekday() >= 5 or self.holiday is not None


def hours(minutes: int | None) -> str:
    """510 → ``8:30``; empty for None."""
    if minutes is None:
        return ""
    return f"{minutes // 60}:{minutes % 60:02d}"


def _worked(values: DayValues) -> int | None:
    start = parse_clock(values.clock_in) if values.clock_in else None
    end = parse_clock(values.clock_out) if values.clock_out else None
    rest = parse_break(values.break_)
    if start is None or end is None or rest is None or end <= start or rest > end - start:
        return None
    return end - start - rest


def _stored_values(day: AttendanceDay | None) -> DayValues:
    if day is None:
        return DayValues()
    return DayValues(
        clock_in=day.clock_in or "",
        clock_out=day.clock_out or "",
        break_="" if day.break_minutes is None else str(day.break_minutes),
        leave=day.leave,
    )


def _month_or_404(month: str) -> list[dt.date]:
    parsed = parse_month(month)
    if parsed is None:
        abort(404, description=f"月の指定が正しくありません（{month}）。YYYY-MM の形式で指定してください。")
    return month_days(*parsed)


def _shift(first: dt.date, months: int) -> str:
    index = first.year * 12 + first.month - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _render(
    employee: Employee,
    days: list[dt.date],
    values: dict[dt.date, DayValues],
    errors: list[FieldError],
    *,
    saved: bool,
) -> str:
    texts = labels()
    rows = [
        Row(
            date=d,
            weekday=_WEEKDAYS[d.weekday()],
            holiday=jpholiday.is_holiday_name(d),
            values=values[d],
            worked_minutes=_worked(values[d]),
        )
        for d in days
    ]
    first = days[0]
    return render_template(
        "attendance.html",
        employee=employee,
        month=f"{first.year:04d}-{first.month:02d}",
        title_month=f"{first.year}年{first.month}月",
        prev_month=_shift(first, -1),
        next_month=_shift(first, 1),
        rows=rows,
        total=hours(sum(r.worked_minutes or 0 for r in rows)),
        errors=[e.render(texts) for e in errors],
        field_errors={e.field: e.render(texts) for e in reversed(errors)},
        saved=saved,
        day_field=day_field,
        hours=hours,
    )


@bp.get("/employees/<int:employee_id>/attendance/<month>")
@login_required
def attendance(employee_id: int, month: str) -> str:
    employee = employee_or_404(employee_id)
    days = _month_or_404(month)
    stored = store().attendance(employee_id, days[0], days[-1])
    values = {d: _stored_values(stored.get(d.isoformat())) for d in days}
    return _render(employee, days, values, [], saved=request.args.get("saved") == "1")


@bp.post("/employees/<int:employee_id>/attendance/<month>")
@login_required
def save_attendance(employee_id: int, month: str) -> Any:
    employee = employee_or_404(employee_id)
    days = _month_or_404(month)
    require_csrf()
    result = validate_month(days, request.form)
    if result.errors:
        return _render(employee, days, result.typed, result.errors, saved=False), 422
    store().replace_attendance(employee_id, days[0], days[-1], result.entries)
    return redirect(url_for("hr.attendance", employee_id=employee_id, month=month, saved=1), code=303)
