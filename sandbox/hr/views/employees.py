"""従業員一覧 (with the search by 従業員番号) and the page of one employee."""

from __future__ import annotations

import unicodedata

from flask import render_template, request

from sandbox.hr.views.common import bp, employee_or_404, login_required, store, today


@bp.get("/employees")
@login_required
def employees() -> str:
    employee_no = unicodedata.normalize("NFKC", request.args.get("employee_no", "")).strip()
    rows = store().find_employees(employee_no=employee_no or None)
    return render_template("employees.html", employees=rows, employee_no=employee_no)


@bp.get("/employees/<int:employee_id>")
@login_required
def employee(employee_id: int) -> str:
    return render_template(
        "employee.html",
        employee=employee_or_404(employee_id),
        created=request.args.get("created") == "1",
        this_month=today().strftime("%Y-%m"),
    )
