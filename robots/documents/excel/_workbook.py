"""Opening a workbook safely and giving the readers a grid of cells: merged ranges resolved, cached values,
and uncached formulas computed on demand.

The bytes are checked before openpyxl sees them (old ``.xls`` and encrypted workbooks are OLE/CFB files, a
workbook is a ZIP with a spreadsheet content type, limits on size), then the workbook is loaded with
formulas (``data_only=False``) and, when it has any, a second time for the cached values
(``data_only=True``). A formula whose cached value is missing is computed by :mod:`._formula` when a reader
asks for that cell; :meth:`Book.note` tells whether a value was computed or could not be.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from openpyxl import load_workbook
from openpyxl.styles.numbers import is_date_format
from openpyxl.utils.cell import get_column_letter, range_boundaries

from robots.documents.excel._formula import ExcelError, UnsupportedFormula, evaluate_formula
from robots.jp import normalize_text, redact_my_numbers

__all__ = [
    "MAX_COLUMNS",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "MAX_XML_BYTES",
    "Book",
    "Cell",
    "Sheet",
    "WorkbookError",
    "open_book",
]

MAX_FILE_BYTES = 20 * 1024 * 1024
"""Larger files are refused (``xlsx.too_large``): a form is a few tens of KB."""
MAX_ROWS = 5_000
MAX_COLUMNS = 100
"""A sheet whose used range goes beyond this many rows or columns is refused (``xlsx.too_large``)."""
MAX_XML_BYTES = 64 * 1024 * 1024
"""Uncompressed worksheet XML, all sheets together (a ZIP bomb guard; 500,000 cells are about 25 MB)."""

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SPREADSHEET_TYPES = (
    b"spreadsheetml.sheet.main+xml",
    b"spreadsheetml.template.main+xml",
    b"ms-excel.sheet.macroEnabled.main+xml",
    b"ms-excel.template.macroEnabled.main+xml",
)
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]+\d+(?::[A-Z]+\d+)?)\"")
# Japanese-locale built-in number formats that openpyxl does not know (it reads them as "General"):
# 27-31, 34-36 and 50-58 are dates (era dates such as [$-411]ggge"年"m"月"d"日" among them), 32-33 times.
JA_BUILTIN_DATE_FORMATS = frozenset({27, 28, 29, 30, 31, 34, 35, 36, *range(50, 59)})
JA_BUILTIN_TIME_FORMATS = frozenset({32, 33})
_MAX_FORMULA_DEPTH = 40


class WorkbookError(Exception):
    """The file cannot be read as a workbook: a stable ``code`` and a plain ``message``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass(slots=True)
class Cell:
    """One cell with a value or a formula (merged ranges: the top-left cell only)."""

    row: int
    col: int
    value: Any  # the constant, or the formula's cached value (None when never calculated)
    formula: str | None
    number_format: str
    num_fmt_id: int

    @property
    def coordinate(self) -> str:
        return f"{get_column_letter(self.col)}{self.row}"

    @property
    def is_date_formatted(self) -> bool:
        return self.num_fmt_id in JA_BUILTIN_DATE_FORMATS or (
            self.number_format != "General" and is_date_format(self.number_format)
        )


@dataclass
class Sheet:
    """A worksheet as a sparse grid; every lookup resolves merged cells to their top-left anchor."""

    book: Book
    title: str
    cells: dict[tuple[int, int], Cell]
    merged: dict[tuple[int, int], tuple[int, int, int, int]]  # any cell of a merged range -> its bounds
    max_row: int
    max_col: int
    hidden: bool = False
    _texts: dict[tuple[int, int], str] = field(default_factory=dict)
    _order: list[tuple[int, int]] | None = None

    def anchor(self, row: int, col: int) -> tuple[int, int]:
        bounds = self.merged.get((row, col))
        return (bounds[0], bounds[1]) if bounds else (row, col)

    def extent(self, row: int, col: int) -> tuple[int, int, int, int]:
        """``(min_row, min_col, max_row, max_col)`` of the merged range holding the cell, or the cell."""
        return self.merged.get((row, col), (row, col, row, col))

    def cell(self, row: int, col: int) -> Cell | None:
        return self.cells.get(self.anchor(row, col))

    def is_empty(self, row: int, col: int) -> bool:
        cell = self.cell(row, col)
        if cell is None:
            return True
        if cell.formula is not None:
            return False
        return cell.value is None or (isinstance(cell.value, str) and not cell.value.strip())

    def text(self, row: int, col: int) -> str:
        """The NFKC-normalized, stripped text of a string cell ("" for numbers, dates, formulas)."""
        key = self.anchor(row, col)
        cached = self._texts.get(key)
        if cached is None:
            cell = self.cells.get(key)
            raw = cell.value if cell is not None and isinstance(cell.value, str) else ""
            cached = normalize_text(raw).strip()
            self._texts[key] = cached
        return cached

    def value(self, row: int, col: int) -> Any:
        """The cell's value; an uncached formula is computed (None when it cannot be)."""
        return self.book.value(self.title, *self.anchor(row, col))

    def anchors(self) -> Iterator[Cell]:
        """Every non-empty cell in reading order (row by row, left to right)."""
        if self._order is None:
            self._order = sorted(self.cells)
        for key in self._order:
            yield self.cells[key]


@dataclass
class Note:
    """What happened to an uncached formula: computed (``value``) or not (``reason``)."""

    formula: str
    value: Any = None
    reason: str | None = None


class Book:
    """The loaded workbook: sheets and formula evaluation."""

    def __init__(self, sheets: list[Sheet] | None = None) -> None:
        self.sheets: list[Sheet] = sheets or []
        self.notes: dict[tuple[str, int, int], Note] = {}
        self._evaluating: list[tuple[str, int, int]] = []

    def sheet(self, title: str) -> Sheet | None:
        for sheet in self.sheets:
            if sheet.title == title:
                return sheet
        return None

    def note(self, sheet: Sheet, row: int, col: int) -> Note | None:
        return self.notes.get((sheet.title, *sheet.anchor(row, col)))

    def _bounds(self, title: str) -> tuple[int, int]:
        sheet = self.sheet(title)
        if sheet is None:
            raise UnsupportedFormula("a reference to a sheet that does not exist")
        return sheet.max_row, sheet.max_col

    def _resolve(self, title: str, row: int, col: int) -> Any:
        sheet = self.sheet(title)
        if sheet is None:
            raise UnsupportedFormula("a reference to a sheet that does not exist")
        row, col = sheet.anchor(row, col)
        cell = sheet.cells.get((row, col))
        if cell is None:
            return None
        if cell.formula is None or cell.value is not None:
            return cell.value
        key = (title, row, col)
        if key in self._evaluating:
            return ExcelError("#CIRCULAR!")
        if len(self._evaluating) >= _MAX_FORMULA_DEPTH:
            raise UnsupportedFormula("formulas refer to formulas too deeply")
        note = self.notes.get(key)
        if note is None:
            self._evaluating.append(key)
            try:
                result = evaluate_formula(
                    cell.formula, sheet=title, resolve=self._resolve, bounds=self._bounds
                )
            finally:
                self._evaluating.pop()
            note = Note(cell.formula, value=result)
            if isinstance(result, ExcelError):
                note = Note(cell.formula, reason=f"it gives the error {result.code}")
            self.notes[key] = note
        if note.reason is not None:
            return ExcelError("#VALUE!")
        return note.value

    def value(self, title: str, row: int, col: int) -> Any:
        """A cell's value; an uncached formula is computed and the outcome kept in :attr:`notes`."""
        key = (title, row, col)
        try:
            value = self._resolve(title, row, col)
        except UnsupportedFormula as exc:
            self._evaluating.clear()
            sheet = self.sheet(title)
            cell = sheet.cells.get((row, col)) if sheet else None
            self.notes[key] = Note(cell.formula if cell and cell.formula else "", reason=str(exc))
            return None
        except RecursionError:
            self._evaluating.clear()
            self.notes[key] = Note("", reason="the formula is nested too deeply")
            return None
        if isinstance(value, ExcelError):
            return None
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value


# -- checks and loading --------------------------------------------------------------------------
def _cfb_kind(data: bytes) -> str:
    """What an OLE/CFB file holds: ``encrypted`` (an OOXML workbook with a password), ``xls`` (the old
    binary format) or ``other``."""
    if "EncryptionInfo".encode("utf-16-le") in data or "EncryptedPackage".encode("utf-16-le") in data:
        return "encrypted"
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return "xls"
    return "other"


def _describe(data: bytes) -> str:
    """A few words on what a file that is not a workbook seems to be."""
    head = data[:1024]
    if head.startswith(b"%PDF-"):
        return "a PDF document"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        return "an image"
    if head.lstrip().lower().startswith((b"<!doctype html", b"<html")):
        return "a web page (HTML)"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        try:
            head.decode("cp932")
        except UnicodeDecodeError:
            return "a file of an unknown binary format"
    return "a text file"


def check_bytes(data: bytes, name: str, suffix: str) -> None:
    """Refuse what is not an .xlsx/.xlsm workbook, with the reason in plain words."""
    if len(data) > MAX_FILE_BYTES:
        raise WorkbookError(
            "xlsx.too_large",
            f"{name}: the file is {len(data) / 1_048_576:.1f} MB; forms larger than "
            f"{MAX_FILE_BYTES // 1_048_576} MB are not read automatically.",
        )
    if data.startswith(CFB_MAGIC):
        kind = _cfb_kind(data)
        if kind == "encrypted" or (kind == "other" and suffix in (".xlsx", ".xlsm")):
            raise WorkbookError(
                "xlsx.encrypted",
                f"{name}: the workbook is protected with a password (Excel stores encrypted workbooks "
                "in a different container). Remove the password in Excel and save it again.",
            )
        raise WorkbookError(
            "file.unsupported_type",
            f"{name}: this is an old-format Excel file (.xls, Excel 97-2003). Open it in Excel or "
            "LibreOffice and save it as .xlsx, then read that file.",
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        if suffix == ".xls":
            raise WorkbookError(
                "file.unsupported_type",
                f"{name}: .xls files (Excel 97-2003) are not read, and this one is not even in that format "
                f"({_describe(data)}). Save the form as .xlsx.",
            )
        raise WorkbookError(
            "xlsx.not_a_workbook",
            f"{name}: this is not an Excel workbook but {_describe(data)}; an .xlsx file is a ZIP package.",
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            try:
                content_types = archive.read("[Content_Types].xml")
            except KeyError:
                content_types = b""
            if not any(t in content_types for t in _SPREADSHEET_TYPES):
                raise WorkbookError(
                    "xlsx.not_a_workbook",
                    f"{name}: this is a ZIP archive, but not an Excel workbook (it has no workbook part; "
                    "perhaps a renamed .zip or another Office document).",
                )
            sheets = [
                i for i in infos if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml")
            ]
            xml_bytes = sum(i.file_size for i in sheets)
            if xml_bytes > MAX_XML_BYTES:
                raise WorkbookError(
                    "xlsx.too_large",
                    f"{name}: the sheets hold {xml_bytes / 1_048_576:.0f} MB of cell data once unpacked; "
                    f"forms larger than {MAX_XML_BYTES // 1_048_576} MB are not read automatically.",
                )
            for info in sheets:
                with archive.open(info) as fh:
                    head = fh.read(4096)
                m = _DIMENSION.search(head)
                if m:
                    _check_extent(name, m.group(1).decode(), None)
    except zipfile.BadZipFile as exc:
        raise WorkbookError(
            "xlsx.corrupt", f"{name}: the workbook's ZIP package is damaged ({exc})."
        ) from exc


def _check_extent(name: str, ref: str, sheet: str | None) -> None:
    if ":" not in ref:
        ref = f"{ref}:{ref}"
    min_col, min_row, max_col, max_row = range_boundaries(ref)
    if (max_row or 0) > MAX_ROWS or (max_col or 0) > MAX_COLUMNS:
        where = f"sheet {sheet!r} uses" if sheet else "a sheet uses"
        raise WorkbookError(
            "xlsx.too_large",
            f"{name}: {where} the range {ref}, beyond the {MAX_ROWS:,} rows × {MAX_COLUMNS} columns a form "
            "may have; this is not read automatically.",
        )


def _num_fmt_id(cell: Any) -> int:
    style = getattr(cell, "_style", None)
    return int(getattr(style, "numFmtId", 0) or 0)


def _load(data: bytes, *, data_only: bool, read_only: bool = False) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "extension is not supported" and the like
        return load_workbook(
            io.BytesIO(data), data_only=data_only, read_only=read_only, keep_links=False, rich_text=False
        )


def _read_cached_values(data: bytes, book: Book) -> None:
    """The second load (``data_only=True``): the results Excel saved for the formula cells. Read-only mode,
    and only the rows holding formulas: the first load already has everything else."""
    try:
        values = _load(data, data_only=True, read_only=True)
    except Exception:  # the first load worked: treat every formula as uncached
        return
    try:
        for sheet in book.sheets:
            formulas = {key: cell for key, cell in sheet.cells.items() if cell.formula is not None}
            if not formulas or sheet.title not in values.sheetnames:
                continue
            rows = [row for row, _ in formulas]
            ws = values[sheet.title]
            for row_cells in ws.iter_rows(min_row=min(rows), max_row=max(rows)):
                for cached in row_cells:
                    cell = formulas.get((getattr(cached, "row", 0), getattr(cached, "column", 0)))
                    if cell is not None:
                        cell.value = cached.value
    except Exception:  # a damaged cache: every formula counts as uncached and is computed
        for sheet in book.sheets:
            for cell in sheet.cells.values():
                if cell.formula is not None:
                    cell.value = None
    finally:
        values.close()


def open_book(data: bytes, name: str, suffix: str) -> Book:
    """Check and load a workbook from its bytes. Raises :class:`WorkbookError`."""
    check_bytes(data, name, suffix)
    try:
        formulas = _load(data, data_only=False)
    except WorkbookError:
        raise
    except Exception as exc:  # openpyxl raises many kinds of exceptions on damaged files
        reason = redact_my_numbers(str(exc))[:160] or exc.__class__.__name__
        raise WorkbookError(
            "xlsx.corrupt", f"{name}: the workbook is damaged and cannot be read ({reason})."
        ) from exc
    book = Book()
    has_formulas = False
    worksheets = list(formulas.worksheets)
    for ws in worksheets:
        cells: dict[tuple[int, int], Cell] = {}
        store = getattr(ws, "_cells", None)
        source = store.values() if isinstance(store, dict) else (c for row in ws.iter_rows() for c in row)
        max_row = max_col = 0
        for c in source:
            value = c.value
            if value is None or getattr(c, "data_type", None) is None:
                continue
            formula: str | None = None
            if c.data_type == "f":
                formula = value if isinstance(value, str) else str(getattr(value, "text", "") or "")
                formula = formula if formula.startswith("=") else f"={formula}"
                value = None
                has_formulas = True
            elif isinstance(value, str) and not value.strip():
                continue
            cells[(c.row, c.column)] = Cell(c.row, c.column, value, formula, c.number_format, _num_fmt_id(c))
            max_row, max_col = max(max_row, c.row), max(max_col, c.column)
        if max_row > MAX_ROWS or max_col > MAX_COLUMNS:
            _check_extent(name, f"A1:{get_column_letter(max_col)}{max_row}", ws.title)
        merged: dict[tuple[int, int], tuple[int, int, int, int]] = {}
        for rng in ws.merged_cells.ranges:
            bounds = (rng.min_row, rng.min_col, rng.max_row, rng.max_col)
            if (rng.max_row - rng.min_row + 1) * (rng.max_col - rng.min_col + 1) > MAX_ROWS * 4:
                continue  # a whole-column merge: keep only the anchor
            for r in range(rng.min_row, rng.max_row + 1):
                for col in range(rng.min_col, rng.max_col + 1):
                    merged[(r, col)] = bounds
        sheet = Sheet(book, ws.title, cells, merged, max_row, max_col, hidden=ws.sheet_state != "visible")
        book.sheets.append(sheet)
    if has_formulas:
        _read_cached_values(data, book)
    return book
