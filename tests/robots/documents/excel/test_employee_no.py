"""The employee number (社員番号 / 従業員番号) of onboarding forms and timesheets: normalized as the HR
tool keys it, found under any of its labels, and its absence an INFO finding, never an error."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from robots.documents.excel import read_form
from robots.documents.excel._values import ValueProblem, to_employee_no
from robots.documents.forms_model import ExpenseReport, Onboarding, Timesheet


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("E0001", "E0001"),
        ("ｅ０００１", "E0001"),  # full-width, lower case
        ("  e0001\u3000", "E0001"),  # spaces around, an ideographic one too
        ("Ｅ０１２３", "E0123"),
        ("emp-0042", "EMP-0042"),
        ("EMP−0042", "EMP-0042"),  # U+2212 minus typed for a hyphen
        ("A12_b", "A12_B"),
        ("12345", "12345"),
        (12345, "12345"),  # a number cell
        (12345.0, "12345"),
        (7, "7"),  # leading zeros already lost in Excel: not guessed back
    ],
)
def test_employee_number_is_normalized(value: object, expected: str) -> None:
    assert to_employee_no(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "E 0001",  # a space inside
        "山田",
        "E0001/E0002",
        "-E0001",
        "E" + "0" * 20,  # longer than the HR tool takes
        12.5,
        dt.date(2024, 4, 1),
        True,
    ],
)
def test_what_is_not_an_employee_number(value: object) -> None:
    with pytest.raises(ValueProblem):
        to_employee_no(value)


TIMESHEET = {
    "A1": "勤怠表",
    "A2": "氏名",
    "B2": "山田 太郎",
    "A3": "対象年月",
    "B3": "2024年4月",
    "A5": "日付",
    "B5": "出勤",
    "C5": "退勤",
    "D5": "休憩",
    "A6": 1,
    "B6": "9:00",
    "C6": "18:00",
    "D6": 60,
}
ONBOARDING = {
    "A1": "入社手続き",
    "A3": "氏名",
    "B3": "山田 太郎",
    "A4": "フリガナ",
    "B4": "ヤマダ タロウ",
    "A5": "生年月日",
    "B5": "1990/5/12",
    "A6": "入社日",
    "B6": "2024/4/1",
    "A7": "雇用形態",
    "B7": "正社員",
}


@pytest.mark.parametrize(
    "cells",
    [
        {"D2": "社員番号", "E2": "E0042"},
        {"D2": "従業員番号", "F2": "ｅ００４２"},  # an empty cell skipped
        {"D2": "社員No", "E2": "e0042"},
        {"D2": "社員Ｎｏ．", "E2": "E0042"},
        {"D2": "社員コード", "D3": "E0042"},  # below the label
        {"D2": "【従業員番号】", "E2": " E0042 "},
        {"D2": "社員番号：E0042"},  # inline
    ],
)
@pytest.mark.parametrize(("base", "model"), [(TIMESHEET, Timesheet), (ONBOARDING, Onboarding)])
def test_employee_number_found_by_its_labels(
    make_book: Callable[..., Path], cells: dict, base: dict, model: type
) -> None:
    result = read_form(make_book({**base, **cells}))
    assert isinstance(result.fields, model)
    assert result.fields.employee_no == "E0042"
    assert result.confidence["employee_no"] >= 0.85
    assert not [f for f in result.findings if f.field == "employee_no"]


@pytest.mark.parametrize("base", [TIMESHEET, ONBOARDING])
def test_a_missing_employee_number_is_an_info_finding(make_book: Callable[..., Path], base: dict) -> None:
    result = read_form(make_book(base))
    assert result.error is None
    assert result.fields.employee_no is None  # type: ignore[union-attr]
    (finding,) = [f for f in result.findings if f.field == "employee_no"]
    assert (finding.code, finding.severity) == ("form.employee_no_missing", "info")
    assert "no employee number" in finding.message and "社員番号" in finding.message
    assert result.to_json_dict()["fields"]["employee_no"] is None


def test_an_unreadable_employee_number_is_a_warning(make_book: Callable[..., Path]) -> None:
    result = read_form(make_book({**TIMESHEET, "D2": "社員番号", "E2": "山田の番号"}))
    assert result.fields.employee_no is None  # type: ignore[union-attr]
    (finding,) = [f for f in result.findings if f.field == "employee_no"]
    assert (finding.code, finding.severity) == ("form.value_unreadable", "warning")
    assert "Sheet1!E2" in finding.message


def test_a_blank_employee_number_does_not_borrow_the_next_value(make_book: Callable[..., Path]) -> None:
    cells = {**ONBOARDING, "A2": "社員番号", "A3": "氏名"}  # 社員番号 left blank, 氏名 below it
    result = read_form(make_book(cells))
    assert result.fields.employee_no is None  # type: ignore[union-attr]
    assert [f.code for f in result.findings if f.field == "employee_no"] == ["form.employee_no_missing"]
    assert result.fields.last_name == "山田"  # type: ignore[union-attr]


def test_employee_number_does_not_make_an_expense_report_another_kind(
    make_book: Callable[..., Path],
) -> None:
    cells = {
        "A2": "社員番号",
        "B2": "E0042",
        "A3": "氏名",
        "B3": "山田 太郎",
        "A4": "申請日",
        "B4": "2024/4/15",
        "A6": "日付",
        "B6": "支払先",
        "C6": "金額",
        "A7": "2024/4/1",
        "B7": "JR東日本",
        "C7": 1200,
    }
    result = read_form(make_book(cells))
    assert isinstance(result.fields, ExpenseReport)
    assert "employee_no" not in result.to_json_dict()["fields"]


def test_a_timesheet_table_ends_at_an_employee_number_label(make_book: Callable[..., Path]) -> None:
    cells = {**TIMESHEET, "A8": "社員番号", "B8": "E0042", "A9": 2, "B9": "9:00", "C9": "18:00"}
    result = read_form(make_book(cells))
    assert [d.date.day for d in result.fields.days] == [1]  # type: ignore[union-attr]
    assert result.fields.employee_no == "E0042"  # type: ignore[union-attr]
