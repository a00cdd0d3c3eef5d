"""Fixed cell maps (templates/forms/*.yaml) for forms whose labels are not enough."""

from __future__ import annotations

from pathlib import Path

import pytest

from robots.documents.excel import FormTemplate, load_form_templates, read_form
from robots.errors import BusinessError
from robots.settings import PROJECT_ROOT
from sandbox.samples.forms import write_fixed_layout_expense_report

TEMPLATES = PROJECT_ROOT / "templates" / "forms"


@pytest.fixture(scope="module")
def templates() -> list[FormTemplate]:
    return load_form_templates(TEMPLATES)


def test_the_example_template_loads(templates: list[FormTemplate]) -> None:
    assert [t.document_type for t in templates] == ["expense_report"]
    assert templates[0].match.cells == {"A1": "様式E-3"}


def test_a_numbered_box_form_needs_its_template(tmp_path: Path, templates: list[FormTemplate]) -> None:
    sample = write_fixed_layout_expense_report(tmp_path)
    without = read_form(sample.path)
    assert without.error is not None and without.error["code"] == "xlsx.no_matching_labels"
    result = read_form(sample.path, templates=templates)
    assert result.error is None
    data = result.to_json_dict()
    assert data["document_type"] == "expense_report"
    assert data["fields"] == sample.expected
    assert tuple(sorted({f["code"] for f in data["findings"]})) == sample.findings
    assert data["confidence"]["employee"] == 1.0 and data["confidence"]["lines"] == 1.0


def test_a_template_does_not_apply_to_other_forms(tmp_path: Path, templates: list[FormTemplate]) -> None:
    from sandbox.samples.forms import generate_timesheets

    sample = generate_timesheets(tmp_path)[0]
    assert read_form(sample.path, templates=templates).to_json_dict()["fields"] == sample.expected


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        (
            "name: x\ndocument_type: expense_report\nmatch: {cells: {A1: x}}\nfields: {employe: C3}\n",
            "employe",
        ),
        ("name: x\ndocument_type: expense_report\nmatch: {cells: {A1: x}}\ncolour: red\n", "colour"),
        ("name: x\ndocument_type: expense_report\nmatch: {cells: {A1: x}}\nfields: {employee: 3C}\n", "3C"),
        (
            "name: x\ndocument_type: onboarding\nmatch: {cells: {A1: x}}\n"
            "table: {first_row: 2, columns: {}}\n",
            "no table",
        ),
        ("name: x\ndocument_type: timesheet\nmatch: {}\n", "match"),
    ],
)
def test_a_bad_template_is_an_error_naming_file_and_key(tmp_path: Path, text: str, complaint: str) -> None:
    (tmp_path / "bad.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(BusinessError) as info:
        load_form_templates(tmp_path)
    assert info.value.code == "config.invalid"
    assert "bad.yaml" in info.value.message and complaint in info.value.message


def test_no_template_folder_means_no_templates(tmp_path: Path) -> None:
    assert load_form_templates(tmp_path / "absent") == []
