"""Uncached formulas (a file written by openpyxl or another program that does not calculate) are computed,
not read as empty; cached results are used as Excel saved them."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from robots.documents.excel import read_form
from robots.documents.excel._formula import ExcelError, UnsupportedFormula, evaluate_formula
from sandbox.samples.forms import FormSample

GRID = {
    ("S", 1, 1): 100.0,
    ("S", 2, 1): 200.0,
    ("S", 3, 1): "text",
    ("S", 4, 1): None,
    ("S", 5, 1): 0.0,
    ("S", 1, 2): "1,000",
    ("S", 2, 2): True,
    ("明細 1", 1, 1): 5.0,
    ("明細 1", 2, 1): 7.0,
}


def _eval(formula: str) -> object:
    return evaluate_formula(
        formula,
        sheet="S",
        resolve=lambda s, r, c: GRID.get((s, r, c)),
        bounds=lambda s: (5, 2),
    )


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("=SUM(A1:A5)", 300.0),  # text and empty cells in a range are ignored
        ("=SUM(A1,A2,10)", 310.0),
        ("=A1+A2*2", 500.0),
        ("=(A1+A2)*2", 600.0),
        ("=-2^2", 4.0),  # Excel: negation binds tighter than ^
        ("=2^3^2", 64.0),  # Excel: ^ is left-associative
        ("=A1*10%", 10.0),
        ("=A4+1", 1.0),  # an empty cell is 0
        ("=ROUNDDOWN(A1*1.08,0)+ROUND(2.5,0)+ROUNDUP(0.1,0)", 108.0 + 3 + 1),
        ("=ROUND(-2.5,0)", -3.0),  # half away from zero
        ("=INT(-1.5)", -2.0),
        ("=IF(A5=0,0,A1/A5)", 0.0),  # the branch not taken may divide by zero
        ('=IF(A4="","空","x")', "空"),
        ("=IFERROR(A1/A5,-1)", -1.0),
        ("=A1/A5", ExcelError("#DIV/0!")),
        ('=A1&"円"', "100円"),
        ("=SUM(A:A)", 300.0),  # whole column, clipped to the used range
        ("=SUM('明細 1'!A1:A2)", 12.0),
        ("=MAX(A1:A2)-MIN(A1:A2)+AVERAGE(A1:A2)+COUNT(A1:A5)", 100.0 + 150 + 3),
        ("=AND(A1>50,NOT(A5))", True),
        ("=B1+1", 1001.0),  # numeric text converts in arithmetic
        ("=A3+1", ExcelError("#VALUE!")),
        ("=SUM(A1:A2)*B2", 300.0),
    ],
)
def test_evaluator_follows_excel(formula: str, expected: object) -> None:
    assert _eval(formula) == expected


@pytest.mark.parametrize(
    "formula", ["=VLOOKUP(A1,A1:B5,2,FALSE)", "=SUM(Prices)", "=[1]Sheet1!A1", "=A1:A2*2"]
)
def test_evaluator_refuses_what_it_does_not_do(formula: str) -> None:
    with pytest.raises(UnsupportedFormula):
        _eval(formula)


def test_evaluator_never_runs_python_from_a_formula() -> None:
    # the string trick that makes pycel compile Python (a string ending in a backslash) is only text here
    formula = '=CONCATENATE("x\\", " )+str(__import__(\'os\').getpid())#", "\n)#")'
    with pytest.raises(UnsupportedFormula):
        _eval(formula)


def test_sample_total_was_never_cached_and_is_computed(form_samples: dict[str, FormSample]) -> None:
    sample = form_samples["E1-0"]
    assert load_workbook(sample.path, data_only=True).active["E19"].value is None  # nothing cached
    result = read_form(sample.path)
    assert result.fields is not None
    assert result.fields.total == sum(line["amount"] for line in sample.expected["lines"])  # type: ignore[union-attr]
    (note,) = [f for f in result.findings if f.code == "xlsx.formula_computed"]
    assert note.severity == "info" and "E19" in note.message


def _with_cached_value(path: Path, cell: str, value: str) -> Path:
    """The workbook as Excel would save it: the formula cell carries its last result (<v>)."""
    out = path.with_name("cached_" + path.name)
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                text, n = re.subn(
                    rf'(<c r="{cell}"[^>]*>\s*<f>[^<]*</f>)\s*(<v\s*/>|<v></v>)?', rf"\1<v>{value}</v>", text
                )
                assert n == 1
                data = text.encode()
            dst.writestr(info, data)
    return out


def test_a_cached_result_is_used_as_saved(form_samples: dict[str, FormSample]) -> None:
    cached = _with_cached_value(form_samples["E1-0"].path, "E19", "999")
    result = read_form(cached)
    assert result.fields is not None and result.fields.total == 999  # type: ignore[union-attr]
    codes = {f.code for f in result.findings}
    assert "xlsx.formula_computed" not in codes
    assert "expense.total_mismatch" in codes


def _expense(make_book: Callable[..., Path], total: object, **extra: object) -> Path:
    cells: dict[str, object] = {
        "A1": "経費精算書",
        "A2": "申請日",
        "B2": "2024/4/15",
        "A3": "氏名",
        "B3": "山田 太郎",
        "A5": "日付",
        "B5": "支払先",
        "C5": "内容",
        "D5": "金額",
        "A6": "2024/4/1",
        "B6": "JR東日本",
        "C6": "電車",
        "D6": 1200,
        "A7": "2024/4/2",
        "B7": "JR東日本",
        "C7": "電車",
        "D7": "=D6*2",
        "A8": "合計",
        "D8": total,
    }
    cells.update(extra)
    return make_book(cells)


def test_chained_and_cross_sheet_formulas_are_computed(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    for ref, value in {
        "A1": "経費精算書",
        "A2": "申請日",
        "B2": "2024/4/15",
        "A3": "氏名",
        "B3": "山田 太郎",
        "A5": "日付",
        "B5": "支払先",
        "C5": "内容",
        "D5": "金額",
        "A6": "2024/4/1",
        "B6": "JR東日本",
        "C6": "電車",
        "D6": "=明細!B1",
        "A8": "合計",
        "D8": "=SUM(D6:D7)",
    }.items():
        ws[ref] = value
    detail = wb.create_sheet("明細")
    detail["A1"], detail["B1"] = 1000, "=ROUNDDOWN(A1*1.1,0)"
    path = tmp_path / "chain.xlsx"
    wb.save(path)
    result = read_form(path)
    assert result.fields is not None
    assert [line.amount for line in result.fields.lines] == [1100]  # type: ignore[union-attr]
    assert result.fields.total == 1100  # type: ignore[union-attr]


def test_a_formula_that_cannot_be_computed_is_a_finding(make_book: Callable[..., Path]) -> None:
    result = read_form(_expense(make_book, "=VLOOKUP(D6,D6:D7,1,FALSE)"))
    assert result.error is None and result.fields is not None
    assert result.fields.total is None  # type: ignore[union-attr]
    (finding,) = [f for f in result.findings if f.code == "xlsx.formula_not_evaluated"]
    assert "D8" in finding.message and "VLOOKUP" in finding.message
    assert result.fields.lines[1].amount == 2400  # type: ignore[union-attr]


def test_a_circular_formula_is_a_finding_not_a_hang(make_book: Callable[..., Path]) -> None:
    result = read_form(_expense(make_book, "=D8+1"))
    assert result.fields is not None and result.fields.total is None  # type: ignore[union-attr]
    assert "xlsx.formula_not_evaluated" in {f.code for f in result.findings}
