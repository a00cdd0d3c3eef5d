"""The JSON read API (bearer token or a logged-in session): employees and their attendance.

口座番号 and マイナンバー come masked (all but the last 4 digits) unless ``?reveal=1`` is asked for. In the
attendance of a month, a day with nothing entered has every value null.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from flask import jsonify, request

from sandbox.hr.store import Employee
from sandbox.hr.validation import month_days, parse_clock, parse_month
from sandbox.hr.views.common import api_auth, bp, mask, store


def _employee_json(e: Employee, *, reveal: bool) -> dict[str, Any]:
    def secret(value: str | None) -> str | None:
        if value is None:
            return None
        return value if reveal else mask(value)

    return {
        "id": e.id,
        "employee_no": e.employee_no,
        "last_name": e.last_name,
        "first_name": e.first_name,
        "last_name_kana": e.last_name_kana,
        "first_name_kana": e.first_name_kana,
        "birth_date": e.birth_date,
        "gender": e.gender,
        "my_number": secret(e.my_number),
        "entry_date": e.entry_date,
        "employment_type": e.employment_type,
        "pay_type": e.pay_type,
        "base_pay": e.base_pay,
        "postal_code": e.postal_code,
        "prefecture": e.prefecture,
        "address": e.address,
        "phone": e.phone,
        "bank_account": {
            "bank_code": e.bank_code,
            "branch_code": e.branch_code,
            "account_type": e.account_type,
            "account_number": secret(e.account_number),
            "account_holder": e.account_holder,
        },
        "revealed": reveal,
        "created_at": e.created_at,
    }


@bp.get("/api/employees")
@api_auth
def api_employees() -> Any:
    employee_no = unicodedata.normalize("NFKC", request.args.get("employee_no", "")).strip()
    rows = store().find_employees(employee_no=employee_no or None)
    return jsonify(employees=[_employee_json(e, reveal=False) for e in rows], total=len(rows))


@bp.get("/api/employees/<int:employee_id>")
@api_auth
def api_employee(employee_id: int) -> Any:
    employee = store().employee(employee_id)
    if employee is None:
        return jsonify(error="not_found"), 404
    return jsonify(_employee_json(employee, reveal=request.args.get("reveal") == "1"))


@bp.get("/api/employees/<int:employee_id>/attendance/<month>")
@api_auth
def api_attendance(employee_id: int, month: str) -> Any:
    parsed = parse_month(month)
    if parsed is None:
        return jsonify(error="bad_request", message="月は YYYY-MM の形式で指定してください"), 400
    if store().employee(employee_id) is None:
        return jsonify(error="not_found"), 404
    days = month_days(*parsed)
    stored = store().attendance(employee_id, days[0], days[-1])
    out = []
    total = 0
    for d in days:
        day = stored.get(d.isoformat())
        worked = None
        if day is not None and day.clock_in and day.clock_out:
            start, end = parse_clock(day.clock_in), parse_clock(day.clock_out)
            assert start is not None and end is not None
            worked = end - start - (day.break_minutes or 0)
            total += worked
        out.append(
            {
                "date": d.isoformat(),
                "clock_in": day.clock_in if day else None,
                "clock_out": day.clock_out if day else None,
                "break_minutes": day.break_minutes if day else None,
                "leave": day.leave if day else None,
                "worked_minutes": worked,
            }
        )
    return jsonify(employee_id=employee_id, month=month, days=out, total_worked_minutes=total)
