"""Layout of the new-employee wizard: its four steps, their fields, and the order each UI version shows."""

from __future__ import annotations

from dataclasses import dataclass, field

from sandbox.hr.master import ACCOUNT_TYPES, EMPLOYMENT_TYPES, GENDERS, PAY_TYPES, PREFECTURES

__all__ = ["FieldSpec", "STEPS", "Step", "step_by_name"]


@dataclass(frozen=True)
class FieldSpec:
    """One form field. ``name`` is the form field name, also the key of its label in `sandbox.hr.labels`."""

    name: str
    kind: str = "text"  # "text", "date" or "select"
    options: tuple[str, ...] = ()
    hint: str | None = None  # key of a hint in the label table
    inputmode: str | None = None
    maxlength: int | None = None
    autocomplete: str | None = None
    sensitive: bool = False  # personal data that robots must mask (data-sensitive="true")


@dataclass(frozen=True)
class Step:
    name: str  # URL segment; the label key of its heading is "section_<name>"
    fields: tuple[FieldSpec, ...]
    v2_order: tuple[str, ...] = field(default=())  # field names as version 2 lays them out

    def layout(self, ui_version: int) -> list[FieldSpec]:
        """The fields in the order the given UI version shows them."""
        if ui_version == 2 and self.v2_order:
            by_name = {f.name: f for f in self.fields}
            return [by_name[name] for name in self.v2_order]
        return list(self.fields)

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]


STEPS: tuple[Step, ...] = (
    Step(
        "basic",
        (
            FieldSpec("employee_no", hint="hint_employee_no", maxlength=20, autocomplete="off"),
            FieldSpec("last_name", maxlength=50, autocomplete="off"),
            FieldSpec("first_name", maxlength=50, autocomplete="off"),
            FieldSpec("last_name_kana", hint="hint_kana", maxlength=50, autocomplete="off"),
            FieldSpec("first_name_kana", hint="hint_kana", maxlength=50, autocomplete="off"),
            FieldSpec("birth_date", kind="date"),
            FieldSpec("gender", kind="select", options=tuple(GENDERS)),
            FieldSpec(
                "my_number",
                hint="hint_my_number",
                inputmode="numeric",
                maxlength=20,
                autocomplete="off",
                sensitive=True,
            ),
        ),
        v2_order=(
            "employee_no",
            "last_name_kana",
            "first_name_kana",
            "last_name",
            "first_name",
            "gender",
            "birth_date",
            "my_number",
        ),
    ),
    Step(
        "employment",
        (
            FieldSpec("entry_date", kind="date"),
            FieldSpec("employment_type", kind="select", options=tuple(EMPLOYMENT_TYPES)),
            FieldSpec("pay_type", kind="select", options=tuple(PAY_TYPES)),
            FieldSpec(
                "base_pay", hint="hint_base_pay", inputmode="numeric", maxlength=20, autocomplete="off"
            ),
        ),
        v2_order=("employment_type", "pay_type", "base_pay", "entry_date"),
    ),
    Step(
        "address",
        (
            FieldSpec("postal_code", hint="hint_postal_code", inputmode="numeric", maxlength=10),
            FieldSpec("prefecture", kind="select", options=tuple(PREFECTURES)),
            FieldSpec("address", hint="hint_address", maxlength=200),
            FieldSpec("phone", hint="hint_phone", inputmode="tel", maxlength=20),
        ),
        v2_order=("phone", "postal_code", "prefecture", "address"),
    ),
    Step(
        "bank",
        (
            FieldSpec(
                "bank_code", hint="hint_bank_code", inputmode="numeric", maxlength=10, autocomplete="off"
            ),
            FieldSpec(
                "branch_code", hint="hint_branch_code", inputmode="numeric", maxlength=10, autocomplete="off"
            ),
            FieldSpec("account_type", kind="select", options=tuple(ACCOUNT_TYPES)),
            FieldSpec(
                "account_number",
                hint="hint_account_number",
                inputmode="numeric",
                maxlength=10,
                autocomplete="off",
                sensitive=True,
            ),
            FieldSpec("account_holder", hint="hint_account_holder", maxlength=60, autocomplete="off"),
        ),
        v2_order=("account_holder", "bank_code", "branch_code", "account_type", "account_number"),
    ),
)


def step_by_name(name: str) -> Step | None:
    return next((s for s in STEPS if s.name == name), None)
