"""A personal number (マイナンバー) never appears in any returned field, finding message, error message or
exception text: only whether the form carried one, and ``"<redacted>"`` (domain-ja.md §6)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from robots.documents.excel import read_form
from robots.documents.excel import reader as reader_module
from sandbox.samples.forms import FormSample

VALID = "123456789018"  # domain-ja.md §6
INVALID = "123456789019"


def _forms_of(number: str) -> list[str]:
    return [number, f"{number[:4]} {number[4:8]} {number[8:]}", f"{number[:4]}-{number[4:8]}-{number[8:]}"]


def _assert_nowhere(number: str, *texts: str) -> None:
    spaced = re.compile(r"[\s\-]?".join(number))  # also 1234 5678 9018, 1234-5678-9018 …
    for text in texts:
        for form in _forms_of(number):
            assert form not in text
        assert spaced.search(text) is None


def _number_on_form(path: Path) -> str:
    """The personal number as the generator wrote it (read here with openpyxl, not with the reader)."""
    ws = load_workbook(path).worksheets[0]
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and re.sub(r"\s", "", cell.value) in ("マイナンバー", "個人番号"):
                digits = "".join(
                    re.sub(r"\D", "", str(c.value)) for c in row[cell.column :] if c.value is not None
                )
                return digits
    raise AssertionError("no personal number on the sample")


@pytest.mark.parametrize("case", ["O1-0", "O3-0", "O1-1", "O3-1"])
def test_sample_personal_numbers_are_never_returned(form_samples: dict[str, FormSample], case: str) -> None:
    sample = form_samples[case]
    number = _number_on_form(sample.path)
    assert len(number) == 12
    result = read_form(sample.path)
    data = result.to_json_dict()
    assert data["fields"]["my_number"] == "<redacted>"
    assert data["fields"]["my_number_present"] is True
    _assert_nowhere(number, json.dumps(data, ensure_ascii=False), repr(result), str(result))


def test_a_wrong_check_digit_is_reported_without_the_digits(form_samples: dict[str, FormSample]) -> None:
    result = read_form(form_samples["O3-0"].path)
    (finding,) = [f for f in result.findings if f.code == "onboarding.my_number_invalid"]
    assert finding.field == "my_number"
    assert not re.search(r"\d{4}", finding.message)


def test_a_form_without_a_personal_number_says_so(form_samples: dict[str, FormSample]) -> None:
    fields = read_form(form_samples["O2-0"].path).to_json_dict()["fields"]
    assert fields["my_number"] is None and fields["my_number_present"] is False


def _onboarding(make_book: Callable[..., Path], **overrides: object) -> Path:
    cells: dict[str, object] = {
        "A1": "入社手続き書類",
        "A3": "氏名",
        "B3": "山田 太郎",
        "A4": "フリガナ",
        "B4": "ヤマダ タロウ",
        "A5": "生年月日",
        "B5": "1990/5/12",
        "A6": "入社日",
        "B6": "2024/4/1",
        "A7": "住所",
        "B7": "東京都千代田区1-1",
        "A8": "マイナンバー",
        "B8": VALID,
    }
    cells.update(overrides)
    return make_book(cells, name="入社.xlsx")


def test_a_personal_number_typed_into_another_field_is_redacted(make_book: Callable[..., Path]) -> None:
    path = _onboarding(
        make_book, B7=f"東京都千代田区1-1 {INVALID}", B5=f"{VALID[:4]}-{VALID[4:8]}-{VALID[8:]}"
    )
    result = read_form(path)
    data = result.to_json_dict()
    assert data["fields"]["address"] == "東京都千代田区1-1 <redacted>"
    assert data["fields"]["birth_date"] is None  # the personal number in the date cell is not a date
    codes = {f.code for f in result.findings}
    assert {"form.personal_number_redacted", "form.date_unreadable"} <= codes
    text = json.dumps(data, ensure_ascii=False)
    _assert_nowhere(VALID, text, repr(result))
    _assert_nowhere(INVALID, text, repr(result))


def test_a_personal_number_as_an_excel_number_is_read_and_hidden(make_book: Callable[..., Path]) -> None:
    path = _onboarding(make_book, B8=int(VALID))
    result = read_form(path)
    data = result.to_json_dict()
    assert data["fields"]["my_number_present"] is True
    assert not [f for f in result.findings if f.code.startswith("onboarding.my_number")]
    _assert_nowhere(VALID, json.dumps(data, ensure_ascii=False), repr(result))


def test_an_internal_error_names_no_cell_content(
    make_book: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from robots.documents.forms_model import FormType

    def explode(ctx: object) -> None:
        raise ValueError(f"cannot handle {VALID}")

    monkeypatch.setitem(reader_module._READERS, FormType.ONBOARDING, explode)
    result = read_form(_onboarding(make_book))
    assert result.error is not None and result.error["code"] == "xlsx.reader_failed"
    _assert_nowhere(VALID, json.dumps(result.to_json_dict(), ensure_ascii=False), repr(result))
