"""Validation findings: what a person must look at, each with a stable code and the cell it is about."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from robots.documents.excel import read_form
from robots.documents.forms_model import ExpenseReport, Onboarding, Timesheet

EXPENSE = {
    "A1": "経費精算書",
    "A2": "申請日",
    "B2": "2024/4/15",
    "A3": "氏名",
    "B3": "山田 太郎",
    "A4": "所属",
    "B4": "総務部",
    "A5": "日付",
    "B5": "支払先",
    "C5": "内容",
    "D5": "金額",
    "E5": "登録番号",
    "A6": "2024/4/1",
    "B6": "JR東日本",
    "C6": "電車",
    "D6": 1200,
    "E6": "T7000012050002",
    "A7": "2024/4/2",
    "B7": "(株)サンプル",
    "C7": "文具",
    "D7": 800,
    "E7": "",
    "A8": "合計",
    "D8": 2000,
}


def _codes(path: Path) -> dict[str, list[str]]:
    result = read_form(path)
    assert result.error is None, result.error
    out: dict[str, list[str]] = {}
    for f in result.findings:
        out.setdefault(f.code, []).append(f.field or "")
    return out


def test_a_consistent_expense_report_has_no_findings(make_book: Callable[..., Path]) -> None:
    result = read_form(make_book(EXPENSE))
    assert result.findings == []
    assert isinstance(result.fields, ExpenseReport)
    assert result.fields.lines[1].payee == "株式会社サンプル"


def test_total_not_matching_the_lines(make_book: Callable[..., Path]) -> None:
    codes = _codes(make_book({**EXPENSE, "D8": 2100}))
    assert codes == {"expense.total_mismatch": ["total"]}


def test_an_unreadable_amount(make_book: Callable[..., Path]) -> None:
    path = make_book({**EXPENSE, "D7": "8ー00"})
    result = read_form(path)
    codes = {f.code: f for f in result.findings}
    assert codes["form.amount_unreadable"].field == "lines[1].amount"
    assert "Sheet1!D7" in codes["form.amount_unreadable"].message
    assert len(result.fields.lines) == 1  # type: ignore[union-attr]
    assert "expense.total_mismatch" in codes


def test_registration_numbers_are_checked(make_book: Callable[..., Path]) -> None:
    path = make_book({**EXPENSE, "E6": "T8000012050002", "E7": "T700001205000"})
    result = read_form(path)
    findings = {f.code: f for f in result.findings}
    assert findings["registration_number.check_digit"].severity == "warning"
    assert findings["registration_number.check_digit"].field == "lines[0].registration_number"
    assert findings["registration_number.format"].severity == "error"
    assert findings["registration_number.format"].field == "lines[1].registration_number"
    lines = result.fields.lines  # type: ignore[union-attr]
    assert lines[0].registration_number == "T8000012050002" and lines[1].registration_number is None


def test_required_fields_missing(make_book: Callable[..., Path]) -> None:
    cells = {k: v for k, v in EXPENSE.items() if k not in ("A2", "B2", "A3", "B3")}
    result = read_form(make_book(cells))
    missing = {f.field: f.severity for f in result.findings if f.code == "form.field_missing"}
    assert missing == {"employee": "error", "applied_on": "error"}
    assert result.to_json_dict()["fields"]["employee"] is None
    assert result.confidence["employee"] == 0.0


def test_an_expense_report_without_lines(make_book: Callable[..., Path]) -> None:
    cells = {
        "A1": "経費精算書",
        "A2": "申請日",
        "B2": "2024/4/15",
        "A3": "氏名",
        "B3": "山田 太郎",
        "A4": "所属",
        "B4": "総務部",
        "A6": "合計",
        "B6": 0,
    }
    codes = _codes(make_book(cells))
    assert codes["form.field_missing"] == ["lines"]


TIMESHEET = {
    "A1": "勤怠表",
    "A2": "氏名",
    "B2": "山田 太郎",
    "A3": "対象年月",
    "B3": "2024年4月",
    "A4": "社員番号",
    "B4": "E0001",
    "A5": "日付",
    "B5": "出勤",
    "C5": "退勤",
    "D5": "休憩",
    "E5": "備考",
    "A6": 1,
    "B6": "9:00",
    "C6": "18:00",
    "D6": 60,
    "A7": 2,
    "B7": "9:00",
    "C7": "18:00",
    "D7": 60,
}


def test_clock_out_before_clock_in(make_book: Callable[..., Path]) -> None:
    result = read_form(make_book({**TIMESHEET, "C7": "8:00"}))
    (finding,) = [f for f in result.findings if f.code == "timesheet.clock_out_before_clock_in"]
    assert finding.severity == "error" and "2024-04-02" in finding.message
    assert isinstance(result.fields, Timesheet)
    assert result.fields.days[1].clock_out == "08:00"


def test_unreadable_time_and_missing_clock_out(make_book: Callable[..., Path]) -> None:
    codes = _codes(make_book({**TIMESHEET, "B6": "朝", "C7": None}))
    assert codes["form.time_unreadable"] == ["days.clock_in"]
    assert "timesheet.clock_missing" in codes


def test_leave_written_in_the_time_column(make_book: Callable[..., Path]) -> None:
    result = read_form(make_book({**TIMESHEET, "B7": "有給", "C7": None, "D7": None}))
    assert result.findings == []
    assert result.to_json_dict()["fields"]["days"][1] == {
        "date": "2024-04-02",
        "clock_in": None,
        "clock_out": None,
        "break_minutes": 0,
        "leave": "paid_full",
    }


def test_month_from_the_dates_when_the_form_has_none(make_book: Callable[..., Path]) -> None:
    cells = {k: v for k, v in TIMESHEET.items() if k not in ("A3", "B3")}
    cells.update({"A6": "2024/4/1", "A7": "2024/4/2"})
    result = read_form(make_book(cells))
    assert result.fields.month == "2024-04"  # type: ignore[union-attr]
    assert result.confidence["month"] == 0.7


def test_a_16th_to_15th_cycle_rolls_into_the_next_month(make_book: Callable[..., Path]) -> None:
    cells = {**TIMESHEET, "A6": 30, "A7": 1}
    result = read_form(make_book(cells))
    assert [d.date.isoformat() for d in result.fields.days] == ["2024-04-30", "2024-05-01"]  # type: ignore[union-attr]
    assert "timesheet.date_outside_month" not in {f.code for f in result.findings}


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


def test_kanji_in_a_kana_field(make_book: Callable[..., Path]) -> None:
    result = read_form(make_book({**ONBOARDING, "B4": "山田 太郎"}))
    codes = {f.code for f in result.findings}
    assert "form.value_unreadable" in codes
    assert result.fields.last_name_kana is None  # type: ignore[union-attr]


def test_a_name_without_a_space_is_not_guessed(make_book: Callable[..., Path]) -> None:
    result = read_form(make_book({**ONBOARDING, "B3": "山田太郎"}))
    assert isinstance(result.fields, Onboarding)
    assert (result.fields.last_name, result.fields.first_name) == ("山田太郎", None)
    assert "onboarding.name_not_split" in {f.code for f in result.findings}


def test_pay_type_conflicting_with_the_pay_label(make_book: Callable[..., Path]) -> None:
    cells = {**ONBOARDING, "A8": "給与形態", "B8": "月給", "A9": "時給", "B9": 1200}
    result = read_form(make_book(cells))
    assert result.fields.pay_type == "monthly" and result.fields.base_pay == 1200  # type: ignore[union-attr]
    assert "onboarding.pay_type_conflict" in {f.code for f in result.findings}
