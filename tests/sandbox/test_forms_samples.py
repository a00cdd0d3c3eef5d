"""The sample Excel forms: at least three distinct layouts per kind, expected values in the schema's shape,
byte-identical for a seed, and independent of the reader (sandbox never imports robots)."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sandbox.samples.forms import (
    FormSample,
    employee_numbers,
    generate_expense_reports,
    generate_onboarding_forms,
    generate_timesheets,
    write_broken_forms,
    write_fixed_layout_expense_report,
)

GENERATORS = {
    "expense_report": generate_expense_reports,
    "onboarding": generate_onboarding_forms,
    "timesheet": generate_timesheets,
}
SCHEMA_FIELDS = {  # document-schema.md
    "expense_report": {"employee", "department", "applied_on", "lines", "total"},
    "onboarding": {
        "last_name",
        "first_name",
        "last_name_kana",
        "first_name_kana",
        "birth_date",
        "hire_date",
        "gender",
        "employment_type",
        "pay_type",
        "base_pay",
        "postal_code",
        "address",
        "phone",
        "bank_code",
        "branch_code",
        "account_type",
        "account_number",
        "account_holder_kana",
        "my_number",
        "my_number_present",
        "employee_no",  # an addition to the schema (forms_model.py)
    },
    "timesheet": {"employee", "month", "days", "employee_no"},
}
LINE_FIELDS = {"date", "payee", "description", "account", "amount", "rate", "registration_number"}
DAY_FIELDS = {"date", "clock_in", "clock_out", "break_minutes", "leave"}


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[FormSample]]:
    out = tmp_path_factory.mktemp("samples")
    return {kind: generate(out) for kind, generate in GENERATORS.items()}


def _strings(path: Path) -> set[tuple[str, str]]:
    ws = load_workbook(path).worksheets[0]
    return {(c.coordinate, c.value) for row in ws.iter_rows() for c in row if isinstance(c.value, str)}


@pytest.mark.parametrize("kind", list(GENERATORS))
def test_at_least_three_distinct_layouts(samples: dict[str, list[FormSample]], kind: str) -> None:
    found = samples[kind]
    assert len(found) >= 3
    assert len({s.layout for s in found}) == len(found)
    assert all(s.kind == kind for s in found)
    layouts = [_strings(s.path) for s in found]
    for i, a in enumerate(layouts):
        for b in layouts[i + 1 :]:
            assert len(a & b) < min(len(a), len(b)) / 2  # labels in other words and other places
    assert any(s.path.suffix == ".xlsm" for s in found)
    assert any(s.path.suffix == ".xlsx" for s in found)


@pytest.mark.parametrize("kind", list(GENERATORS))
def test_expected_values_have_the_schema_shape(samples: dict[str, list[FormSample]], kind: str) -> None:
    for sample in samples[kind]:
        assert set(sample.expected) == SCHEMA_FIELDS[kind]
        if kind == "expense_report":
            assert all(set(line) == LINE_FIELDS for line in sample.expected["lines"])
            assert sample.expected["total"] == sum(line["amount"] for line in sample.expected["lines"])
        if kind == "timesheet":
            assert all(set(day) == DAY_FIELDS for day in sample.expected["days"])
            dates = [day["date"] for day in sample.expected["days"]]
            assert dates == sorted(dates) and len(set(dates)) == len(dates)
            assert {day["leave"] for day in sample.expected["days"]} == {None, "paid_full", "paid_half"}
        if kind == "onboarding":
            assert sample.expected["my_number"] in (None, "<redacted>")


EMPLOYEE_NO_LABELS = {"社員番号", "従業員番号", "社員No", "社員No.", "社員コード"}


@pytest.mark.parametrize("kind", ["onboarding", "timesheet"])
def test_most_layouts_carry_an_employee_number(samples: dict[str, list[FormSample]], kind: str) -> None:
    carrying = [s for s in samples[kind] if s.expected["employee_no"] is not None]
    assert len(carrying) >= 2
    for sample in samples[kind]:
        labels = {text for _, text in _strings(sample.path)} & EMPLOYEE_NO_LABELS
        assert bool(labels) == (sample.expected["employee_no"] is not None), sample.layout
        if sample.expected["employee_no"] is None:
            assert "form.employee_no_missing" in sample.findings
        else:
            assert re.fullmatch(r"E\d{4}", sample.expected["employee_no"])
            assert sample.expected["employee_no"] != "E0000"


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_a_person_has_one_employee_number_across_forms(tmp_path: Path, seed: int) -> None:
    numbers = employee_numbers(seed)
    assert len(set(numbers.values())) == len(numbers)
    seen = 0
    for generate in (generate_onboarding_forms, generate_timesheets):
        for sample in generate(tmp_path / generate.__name__, seed=seed):
            if sample.expected["employee_no"] is None:
                continue
            if sample.kind == "onboarding":
                name = f"{sample.expected['last_name']} {sample.expected['first_name']}"
            else:
                name = sample.expected["employee"]
            assert sample.expected["employee_no"] == numbers[name]
            seen += 1
    assert seen >= 4
    assert employee_numbers(seed) == numbers  # deterministic
    assert employee_numbers(seed + 1) != numbers


def test_xlsm_files_are_macro_enabled_workbooks(samples: dict[str, list[FormSample]]) -> None:
    for sample in (s for found in samples.values() for s in found if s.path.suffix == ".xlsm"):
        with zipfile.ZipFile(sample.path) as archive:
            assert b"macroEnabled.main+xml" in archive.read("[Content_Types].xml")


def test_totals_are_uncached_formulas(samples: dict[str, list[FormSample]]) -> None:
    formulas = 0
    for sample in samples["expense_report"]:
        values = load_workbook(sample.path, data_only=True).worksheets[0]
        cells = load_workbook(sample.path).worksheets[0]
        for row in cells.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("=SUM("):
                    formulas += 1
                    assert values[cell.coordinate].value is None
    assert formulas >= 2


def test_an_era_date_uses_the_builtin_japanese_format(samples: dict[str, list[FormSample]]) -> None:
    e3 = next(s for s in samples["expense_report"] if s.layout == "E3")
    with zipfile.ZipFile(e3.path) as archive:
        assert b'numFmtId="58"' in archive.read("xl/styles.xml")
    assert isinstance(load_workbook(e3.path).worksheets[0]["G4"].value, int)  # openpyxl sees a plain number


def test_same_seed_same_bytes_other_seed_other_data(tmp_path: Path) -> None:
    def digests(out: Path, seed: int) -> list[str]:
        found = [s for generate in GENERATORS.values() for s in generate(out, seed=seed)]
        return [hashlib.sha256(s.path.read_bytes()).hexdigest() for s in found]

    assert digests(tmp_path / "a", 3) == digests(tmp_path / "b", 3)
    first = generate_expense_reports(tmp_path / "c", seed=3)[0].expected
    other = generate_expense_reports(tmp_path / "d", seed=4)[0].expected
    assert first != other


def test_fixed_layout_form_has_no_labels_to_read(tmp_path: Path) -> None:
    sample = write_fixed_layout_expense_report(tmp_path)
    texts = {text for _, text in _strings(sample.path)}
    assert "氏名" not in texts and "申請日" not in texts
    assert set(sample.expected) == SCHEMA_FIELDS["expense_report"]


def test_broken_forms(tmp_path: Path) -> None:
    paths = write_broken_forms(tmp_path)
    assert {"zip_renamed", "text_renamed", "empty", "no_labels", "encrypted"} <= set(paths)
    assert paths["empty"].stat().st_size == 0
    assert paths["encrypted"].read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    assert "EncryptionInfo".encode("utf-16-le") in paths["encrypted"].read_bytes()
    assert zipfile.is_zipfile(paths["zip_renamed"]) and paths["zip_renamed"].suffix == ".xlsx"
    assert not paths["missing"].exists()


def test_sandbox_samples_do_not_import_robots() -> None:
    code = (
        "import sys, sandbox.samples.forms\n"
        "bad = [m for m in sys.modules if m == 'robots' or m.startswith('robots.')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[2])
