"""The new-employee wizard: four steps, each its own POST validated on the server, kept in a draft row
(its token in the session) until the last step saves the employee. 「戻る」 keeps what was typed."""

from __future__ import annotations

from typing import Any

from flask import Response, redirect, render_template, request, session, url_for
from werkzeug.exceptions import NotFound

from sandbox import chaos as _chaos
from sandbox.hr.forms import STEPS, Step, step_by_name
from sandbox.hr.store import EmployeeNoTakenError
from sandbox.hr.validation import FieldError, build_employee, validate_step
from sandbox.hr.views.common import bp, labels, login_required, require_csrf, store, today

_DRAFT_KEY = "draft"


def _step_or_404(name: str) -> Step:
    step = step_by_name(name)
    if step is None:
        raise NotFound(description="このページは見つかりませんでした。")
    return step


def _draft() -> tuple[str, dict[str, Any]] | None:
    token = session.get(_DRAFT_KEY)
    data = store().draft(token) if token else None
    return (token, data) if token and data is not None else None


def _start_over(restarted: bool) -> Response:
    target = url_for("hr.new_employee", restarted=1) if restarted else url_for("hr.new_employee")
    return redirect(target)


def _first_open_step(data: dict[str, Any]) -> Step:
    return next((s for s in STEPS if s.name not in data["done"]), STEPS[-1])


def _render(step: Step, values: dict[str, str], errors: list[FieldError], *, restarted: bool = False) -> str:
    texts = labels()
    return render_template(
        "wizard.html",
        step=step,
        steps=STEPS,
        index=STEPS.index(step),
        fields=step.layout(_chaos.ui_version()),
        values=values,
        errors=[e.render(texts) for e in errors],
        field_errors={e.field: e.render(texts) for e in reversed(errors)},
        restarted=restarted,
    )


@bp.get("/employees/new")
@login_required
def new_employee() -> Response:
    """Start a new registration (a draft left by an earlier one is dropped)."""
    old = session.get(_DRAFT_KEY)
    if old:
        store().delete_draft(old)
    session[_DRAFT_KEY] = store().new_draft()
    restarted = request.args.get("restarted") == "1"
    return redirect(url_for("hr.wizard_step", step=STEPS[0].name, restarted=1 if restarted else None))


@bp.get("/employees/new/<step>")
@login_required
def wizard_step(step: str) -> Any:
    current = _step_or_404(step)
    found = _draft()
    if found is None:
        return _start_over(restarted=True)
    _, data = found
    open_step = _first_open_step(data)
    if STEPS.index(current) > STEPS.index(open_step):
        return redirect(url_for("hr.wizard_step", step=open_step.name))
    return _render(current, data["values"], [], restarted=request.args.get("restarted") == "1")


def _validate(
    step: Step, form: dict[str, str], values: dict[str, str]
) -> tuple[dict[str, str], list[FieldError]]:
    result = validate_step(
        step.name, form, today=today(), employee_no_taken=store().employee_no_taken, draft=values
    )
    return result.values, result.errors


@bp.post("/employees/new/<step>")
@login_required
def submit_step(step: str) -> Any:
    current = _step_or_404(step)
    require_csrf()
    found = _draft()
    if found is None:
        return _start_over(restarted=True)
    token, data = found
    index = STEPS.index(current)
    form = {name: request.form.get(name, "") for name in current.field_names}

    if request.form.get("action") == "back" and index > 0:
        data["values"].update(form)  # as typed: checked again when the step is sent forward
        data["done"] = [s for s in data["done"] if s != current.name]
        store().save_draft(token, data)
        return redirect(url_for("hr.wizard_step", step=STEPS[index - 1].name), code=303)

    values, errors = _validate(current, form, data["values"])
    if errors:
        return _render(current, {**data["values"], **form}, errors), 422
    data["values"].update(values)
    if current.name not in data["done"]:
        data["done"].append(current.name)
    store().save_draft(token, data)
    if index + 1 < len(STEPS):
        return redirect(url_for("hr.wizard_step", step=STEPS[index + 1].name), code=303)
    return _finish(token, data)


def _finish(token: str, data: dict[str, Any]) -> Any:
    """Check every step again (another registration may have taken the 従業員番号), then save."""
    values: dict[str, str] = data["values"]
    for step in STEPS:
        checked, errors = _validate(step, values, values)
        if errors:
            data["done"] = [s.name for s in STEPS[: STEPS.index(step)]]
            store().save_draft(token, data)
            return _render(step, values, errors), 422
        values.update(checked)
    try:
        employee_id = store().create_employee(build_employee(values))
    except EmployeeNoTakenError:
        error = FieldError(
            "employee_no", f"{{employee_no}}「{values['employee_no']}」はすでに登録されています"
        )
        data["done"] = []
        store().save_draft(token, data)
        return _render(STEPS[0], values, [error]), 422
    store().delete_draft(token)
    session.pop(_DRAFT_KEY, None)
    return redirect(url_for("hr.employee", employee_id=employee_id, created=1), code=303)
