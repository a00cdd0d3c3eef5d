"""Bad input never raises: each case gets its stable error code and a message naming the file and the
reason."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook

from robots.documents.excel import ERROR_CODES, MAX_FILE_BYTES, read_form
from sandbox.samples.forms import write_broken_forms

CASES = [
    # (case from write_broken_forms, code, words the message must contain)
    ("zip_renamed", "xlsx.not_a_workbook", "ZIP archive"),
    ("text_renamed", "xlsx.not_a_workbook", "text file"),
    ("empty", "file.empty", "empty"),
    ("no_labels", "xlsx.no_matching_labels", "no labels"),
    ("encrypted", "xlsx.encrypted", "password"),
    ("old_xls", "file.unsupported_type", ".xlsx"),
    ("too_large", "xlsx.too_large", "5,000 rows"),
    ("missing", "file.not_found", "no such file"),
]


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_broken_forms(tmp_path_factory.mktemp("broken"))


@pytest.mark.parametrize(("case", "code", "words"), CASES)
def test_broken_file_gets_a_clear_error(broken: dict[str, Path], case: str, code: str, words: str) -> None:
    path = broken[case]
    result = read_form(path)
    assert result.error is not None, case
    assert result.error["code"] == code
    assert code in ERROR_CODES
    assert path.name in result.error["message"]
    assert words in result.error["message"]
    assert result.document_type is None and result.fields is None
    data = result.to_json_dict()
    assert data["fields"] is None and data["error"] == result.error
    if case != "missing":
        assert result.sha256 is not None


def test_every_broken_case_is_covered(broken: dict[str, Path]) -> None:
    assert set(broken) == {case for case, _, _ in CASES}


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.xlsx"
    with path.open("wb") as fh:
        fh.seek(MAX_FILE_BYTES + 1)
        fh.write(b"\0")
    result = read_form(path)
    assert result.error is not None and result.error["code"] == "xlsx.too_large"
    assert "MB" in result.error["message"]


def test_a_folder_is_not_a_form(tmp_path: Path) -> None:
    result = read_form(tmp_path)
    assert result.error is not None and result.error["code"] == "file.unsupported_type"


def test_a_pdf_is_not_an_excel_form(tmp_path: Path) -> None:
    path = tmp_path / "請求書.pdf"
    path.write_bytes(b"%PDF-1.7\n%...\n")
    result = read_form(path)
    assert result.error is not None and result.error["code"] == "file.unsupported_type"
    assert ".pdf" in result.error["message"]


def test_a_word_document_renamed_xlsx_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "memo.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
    result = read_form(path)
    assert result.error is not None and result.error["code"] == "xlsx.not_a_workbook"


def test_a_damaged_workbook_is_reported_not_raised(tmp_path: Path) -> None:
    good = tmp_path / "good.xlsx"
    Workbook().save(good)
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(damaged, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/workbook.xml":
                data = data[: len(data) // 2]  # truncated XML
            dst.writestr(info, data)
    result = read_form(damaged)
    assert result.error is not None and result.error["code"] == "xlsx.corrupt"
    assert "damaged.xlsx" in result.error["message"]


def test_a_sheet_too_wide_is_refused(make_book: Callable[..., Path]) -> None:
    result = read_form(make_book({"A1": "経費精算書", "CZ1": "x"}))  # column 104
    assert result.error is not None and result.error["code"] == "xlsx.too_large"


def test_an_xlsx_renamed_xls_is_still_read(make_book: Callable[..., Path]) -> None:
    path = make_book(
        {
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
        },
        name="勤怠表.xls",
    )
    result = read_form(path)
    assert result.error is None
    assert result.to_json_dict()["fields"]["days"] == [
        {"date": "2024-04-01", "clock_in": "09:00", "clock_out": "18:00", "break_minutes": 60, "leave": None}
    ]


def test_a_pipe_is_refused_without_hanging(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "form.xlsx"
    os.mkfifo(fifo)
    result = read_form(fifo)
    assert result.error is not None and result.error["code"] == "file.unsupported_type"


def test_an_unreadable_file(tmp_path: Path, make_book: Callable[..., Path]) -> None:
    import os

    path = make_book({"A1": "経費精算書"})
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):  # root reads anything
            pytest.skip("running as root: permissions do not stop reads")
        result = read_form(path)
        assert result.error is not None and result.error["code"] == "file.unreadable"
    finally:
        path.chmod(0o644)
