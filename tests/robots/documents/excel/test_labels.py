"""Values are found by their labels whatever the layout: right of the label (empty cells skipped), below it,
in the same cell (``氏名：…``), through merged cells; a blank field never borrows its neighbour's value."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from robots.documents.excel import read_form
from robots.documents.excel._labels import label_key

BASE = {
    "A1": "経費精算書",
    "A8": "日付",
    "B8": "支払先",
    "C8": "内容",
    "D8": "金額",
    "A9": "2024/4/1",
    "B9": "JR東日本",
    "C9": "電車",
    "D9": 1200,
}


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("氏　名", "氏名"),
        ("【申請日】", "申請日"),
        ("所属：", "所属"),
        ("※ 氏名（必須）", "氏名"),
        ("ＴＥＬ", "tel"),
        ("口座名義（カナ）", "口座名義(カナ)"),
    ],
)
def test_label_key(text: str, key: str) -> None:
    assert label_key(text) == key


@pytest.mark.parametrize(
    ("cells", "merged"),
    [
        ({"A3": "氏名", "D3": "山田 太郎"}, ()),  # two empty cells skipped
        ({"A3": "氏名", "B3": "山田 太郎"}, ("B3:D3",)),  # merged value
        ({"A3": "氏　名", "C3": "山田 太郎"}, ("A3:B3",)),  # merged, spaced label
        ({"A3": "氏名", "A4": "山田 太郎"}, ()),  # value below
        ({"A3": "氏名", "A4": "山田 太郎"}, ("A3:B3", "A4:B4")),  # merged label and value below
        ({"A3": "氏名：山田 太郎"}, ()),  # inline
        ({"A3": "申請者", "B3": "山田　太郎"}, ()),  # a synonym; full-width space
    ],
)
def test_employee_found_by_label(
    make_book: Callable[..., Path], cells: dict, merged: tuple[str, ...]
) -> None:
    result = read_form(make_book({**BASE, **cells}, merged=merged))
    assert result.fields is not None and result.fields.employee == "山田 太郎"  # type: ignore[union-attr]


def test_a_blank_field_does_not_borrow_the_next_value(make_book: Callable[..., Path]) -> None:
    cells = {**BASE, "A3": "氏名", "C3": "所属", "D3": "総務部", "A4": "申請日", "B4": "2024/4/15"}
    result = read_form(make_book(cells))
    assert result.fields.employee is None  # type: ignore[union-attr]
    assert result.fields.department == "総務部"  # type: ignore[union-attr]


def test_detected_by_labels_alone_without_a_title(make_book: Callable[..., Path]) -> None:
    cells = {k: v for k, v in BASE.items() if k != "A1"}
    cells.update({"A3": "氏名", "B3": "山田 太郎", "A4": "申請日", "B4": "2024/4/15"})
    result = read_form(make_book(cells))
    assert result.document_type == "expense_report"


def test_the_sheet_with_the_form_is_chosen(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "表紙"
    wb.active["A1"] = "提出書類一式"
    ws = wb.create_sheet("勤怠")
    for ref, value in {
        "A1": "出勤簿",
        "A2": "氏名",
        "B2": "山田 太郎",
        "A3": "対象月",
        "B3": "2024/04",
        "A5": "日",
        "B5": "始業",
        "C5": "終業",
        "A6": 1,
        "B6": "9:00",
        "C6": "18:00",
    }.items():
        ws[ref] = value
    path = tmp_path / "book.xlsx"
    wb.save(path)
    result = read_form(path)
    assert result.document_type == "timesheet"
    assert result.to_json_dict()["fields"]["days"][0]["date"] == "2024-04-01"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("■男 □女", "male"), ("□男性 ☑女性", "female"), ("女", "female"), ("男性", "male")],
)
def test_gender_by_mark_or_word(make_book: Callable[..., Path], text: str, expected: str) -> None:
    cells = {
        "A1": "入社手続き",
        "A3": "氏名",
        "B3": "山田 太郎",
        "A4": "生年月日",
        "B4": "1990/5/12",
        "A5": "性別",
        "B5": text,
    }
    assert read_form(make_book(cells)).fields.gender == expected  # type: ignore[union-attr]


def test_two_marked_options_are_not_guessed(make_book: Callable[..., Path]) -> None:
    cells = {"A1": "入社手続き", "A3": "氏名", "B3": "山田 太郎", "A4": "雇用形態", "B4": "■正社員 ■パート"}
    result = read_form(make_book(cells))
    assert result.fields.employment_type is None  # type: ignore[union-attr]
    assert any(f.code == "form.value_unreadable" and f.field == "employment_type" for f in result.findings)
