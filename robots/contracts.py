"""The contract list (契約送付リスト) of the contract_dispatch flow: one Excel sheet, one contract per row,
read into requests for the e-contract tool (upload the PDF, add the signers, send).

The sheet has a header row, found by its labels wherever it is (a title or notes may sit above it; a
``署名者1`` cell merged over ``氏名`` / ``メールアドレス`` makes a two-row header). Columns:

- ファイル / 契約書ファイル / ファイル名: the PDF, relative to the list's folder or absolute
- タイトル / 件名 / 契約書名: the document's title
- 管理番号 (optional): the reference number, unique within the list
- signers as numbered groups: ``署名者1 氏名`` + ``署名者1 メールアドレス``, ``署名者2 氏名`` …, or
  ``署名者名1`` + ``メール1`` …; a group's number is the signer's order.

Blank rows, and rows holding only a note (``※…``), are skipped. Each bad row gives one
:class:`RowError` per problem, one line naming the row and the column (``行 5: 署名者2 メールアドレス
'foo@' is not a valid email``); the other rows are still read. A list that cannot be read at all (no such
file, not a workbook, no header row) raises :class:`robots.errors.BusinessError`.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from pydantic import BaseModel, ConfigDict

from robots.errors import BusinessError
from robots.jp import collapse_spaces, normalize_text

__all__ = [
    "ERROR_CODES",
    "ContractListResult",
    "ContractRequest",
    "RowError",
    "Signer",
    "read_contract_list",
]

ERROR_CODES: tuple[str, ...] = (
    "contracts.list_not_found",
    "contracts.list_unreadable",
    "contracts.list_too_large",
    "contracts.no_header",
    "contracts.no_signer_columns",
)
"""Codes of the :class:`BusinessError` raised for a list that cannot be read at all."""

MAX_ROWS = 10_000
_HEADER_ROWS = 20  # the header is looked for in the first rows only
_PDF_MAGIC = b"%PDF-"
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_DOMAIN_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_EMAIL = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@{_DOMAIN_LABEL}(?:\.{_DOMAIN_LABEL})+")
_MAX_EMAIL = 254
_EXCEL_ERRORS = frozenset(("#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NULL!", "#NUM!", "#SPILL!"))


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Signer(_Record):
    """One signer of a contract."""

    name: str  # NFKC, spaces collapsed
    email: str  # NFKC, stripped
    order: int  # the group number in the list (署名者2 → 2): the signing order


class ContractRequest(_Record):
    """One contract to send: a row of the list that passed every check."""

    row: int  # the row number in the sheet, as Excel shows it
    file: Path  # the PDF, absolute
    title: str
    reference: str | None  # 管理番号
    signers: list[Signer]  # by order


class RowError(_Record):
    """One problem of one row: ``message`` is a single line naming the row and the column."""

    row: int
    message: str


class ContractListResult(_Record):
    """Every good row as a request and every problem of the bad rows, both in row order."""

    requests: list[ContractRequest]
    errors: list[RowError]


# -- the header ------------------------------------------------------------------------------------
_FILE_KEYS = frozenset(
    (
        "ファイル",
        "契約書ファイル",
        "ファイル名",
        "ファイルパス",
        "契約書ファイル名",
        "pdf",
        "pdfファイル",
        "契約書pdf",
    )
)
_TITLE_KEYS = frozenset(
    ("タイトル", "件名", "契約書名", "文書名", "契約名", "書類名", "契約件名", "文書タイトル")
)
_REFERENCE_KEYS = frozenset(("管理番号", "契約管理番号", "文書管理番号", "参照番号"))
_NAME = r"(?P<what>氏名|名前|お名前|名)"
_MAIL = r"(?P<what>メールアドレス|メール|eメール|email|mail|アドレス)"
_SIGNER_PATTERNS = tuple(
    re.compile(pattern)
    for words in (_NAME, _MAIL)
    for pattern in (
        rf"^署名者(?P<n>\d{{1,2}})の?{words}$",  # 署名者1 氏名, 署名者1（メールアドレス）
        rf"^第(?P<n>\d{{1,2}})署名者の?{words}$",  # 第1署名者 氏名
        rf"^署名者{words}(?P<n>\d{{1,2}})$",  # 署名者名1, 署名者メール1
        rf"^{words}(?P<n>\d{{1,2}})$",  # 氏名1, メール1
        rf"^署名者の?{words}$",  # 署名者氏名: a single signer, number 1
    )
)
_NAME_WORDS = frozenset(("氏名", "名前", "お名前", "名"))
_GROUP = re.compile(r"^(?:署名者(?P<n>\d{1,2})|第(?P<m>\d{1,2})署名者)$")  # a group header over two columns
_KEY_DROP = re.compile(r"[\s()\[\]【】「」『』<>〈〉:_\-・*※]")
_KEY_SUFFIX = re.compile(r"(?:必須|任意|半角|全角|英数)+$")


def _key(text: str) -> str:
    """The matching key of a header cell: ``署名者1（メールアドレス）※必須`` → ``署名者1メールアドレス``."""
    key = _KEY_DROP.sub("", normalize_text(text)).lower()
    return _KEY_SUFFIX.sub("", key) or key


@dataclass(frozen=True)
class _Column:
    index: int  # 0-based
    label: str  # as printed, for messages


@dataclass
class _Header:
    row: int  # the (last) header row, 1-based
    file: _Column | None = None
    title: _Column | None = None
    reference: _Column | None = None
    names: dict[int, _Column] = field(default_factory=dict)
    emails: dict[int, _Column] = field(default_factory=dict)

    @property
    def size(self) -> int:
        fixed = sum(c is not None for c in (self.file, self.title, self.reference))
        return fixed + len(self.names) + len(self.emails)

    @property
    def complete(self) -> bool:
        return self.file is not None and self.title is not None

    def columns(self) -> list[int]:
        fixed = [c.index for c in (self.file, self.title, self.reference) if c is not None]
        return fixed + [c.index for c in (*self.names.values(), *self.emails.values())]

    def add(self, index: int, label: str, key: str) -> None:
        column = _Column(index, label)
        if key in _FILE_KEYS:
            self.file = self.file or column
        elif key in _TITLE_KEYS:
            self.title = self.title or column
        elif key in _REFERENCE_KEYS:
            self.reference = self.reference or column
        else:
            for pattern in _SIGNER_PATTERNS:
                m = pattern.match(key)
                if m:
                    group = self.names if m["what"] in _NAME_WORDS else self.emails
                    group.setdefault(int(m.groupdict().get("n") or 1), column)
                    return


def _label(value: Any) -> str:
    return collapse_spaces(normalize_text(value)).strip() if isinstance(value, str) else ""


def _cell(row: Sequence[Any], index: int) -> Any:
    return row[index] if index < len(row) else None


def _single_header(rows: list[Sequence[Any]], r: int) -> _Header:
    header = _Header(row=r + 1)
    for i, value in enumerate(rows[r]):
        text = _label(value)
        if text:
            header.add(i, text, _key(text))
    return header


def _two_row_header(rows: list[Sequence[Any]], r: int) -> _Header:
    """``署名者1`` (merged over two columns) above ``氏名`` | ``メールアドレス``; other headers may span both
    rows (their lower cell is then empty)."""
    header = _Header(row=r + 2)
    upper, lower = rows[r], rows[r + 1]
    group: str | None = None
    for i in range(max(len(upper), len(lower))):
        top, bottom = _label(_cell(upper, i)), _label(_cell(lower, i))
        if top:
            group = top if _GROUP.match(_key(top)) else None
        if bottom and group is not None:
            header.add(i, f"{group} {bottom}", _key(group) + _key(bottom))
        elif bottom:
            header.add(i, bottom, _key(bottom))
        elif top:
            header.add(i, top, _key(top))
    return header


def _find_header(rows: list[Sequence[Any]]) -> _Header | None:
    """The first row naming the file and title columns (with the row below it when that names more)."""
    for r in range(min(len(rows), _HEADER_ROWS)):
        single = _single_header(rows, r)
        if not single.complete:
            continue
        if r + 1 < len(rows):
            double = _two_row_header(rows, r)
            if double.complete and double.size > single.size:
                return double
        return single
    return None


# -- values ----------------------------------------------------------------------------------------
def _text(value: Any) -> str:
    """A cell as text: numbers without a spurious ``.0``, dates as ISO, text NFKC with spaces collapsed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date | dt.time):
        value = value.isoformat() if isinstance(value, dt.date) else value.strftime("%H:%M")
    return collapse_spaces(normalize_text(str(value))).strip()


def _raw(value: Any) -> str:
    """A path as typed: no normalization (file names may hold full-width characters)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def _shown(text: str) -> str:
    """A cell's text quoted for a message: as typed (``contracts\\a.pdf`` stays so), shortened."""
    text = text if len(text) <= 80 else text[:77] + "..."
    return f"'{text}'" if text.isprintable() else repr(text)


def _is_note(texts: list[str]) -> bool:
    filled = [t for t in texts if t]
    return len(filled) == 1 and filled[0].startswith(("※", "*"))


def _resolve(typed: str, base: Path) -> Path | None:
    """The existing path a cell names: as typed, with Windows separators, or NFKC/NFC-normalized."""
    text = typed.strip().strip("\"'“”")
    variants = [text, text.replace("\\", "/")]
    for form in ("NFKC", "NFC"):
        variants += [unicodedata.normalize(form, v) for v in variants[:2]]
    for variant in dict.fromkeys(variants):
        path = Path(variant)
        path = path if path.is_absolute() else base / path
        if path.exists():
            return path.resolve()
    return None


# -- rows ------------------------------------------------------------------------------------------
@dataclass
class _Row:
    number: int
    errors: list[str] = field(default_factory=list)

    def error(self, column: str, problem: str) -> None:
        self.errors.append(f"行 {self.number}: {column} {problem}")


def _check_file(row: _Row, header: _Header, values: Sequence[Any], base: Path) -> Path | None:
    column = header.file
    assert column is not None
    typed = _raw(_cell(values, column.index))
    if not typed:
        row.error(column.label, "is empty (no PDF given)")
        return None
    if typed in _EXCEL_ERRORS:
        row.error(column.label, f"holds the Excel error {typed}")
        return None
    path = _resolve(typed, base)
    if path is None:
        where = "" if Path(typed).is_absolute() else f" (looked in {base})"
        row.error(column.label, f"{_shown(typed)} not found{where}")
        return None
    if not path.is_file():
        row.error(column.label, f"{_shown(typed)} is a folder, not a PDF")
        return None
    try:
        with path.open("rb") as fh:
            head = fh.read(len(_PDF_MAGIC))
    except OSError as exc:
        row.error(column.label, f"{_shown(typed)} cannot be read ({exc.strerror or exc.__class__.__name__})")
        return None
    if not head:
        row.error(column.label, f"{_shown(typed)} is empty (0 bytes)")
        return None
    if head != _PDF_MAGIC:
        row.error(column.label, f"{_shown(typed)} is not a PDF (it does not start with %PDF-)")
        return None
    return path


def _required_text(row: _Row, column: _Column, values: Sequence[Any]) -> str | None:
    text = _text(_cell(values, column.index))
    if not text:
        row.error(column.label, "is empty")
        return None
    if text in _EXCEL_ERRORS:
        row.error(column.label, f"holds the Excel error {text}")
        return None
    return text


def _email(text: str) -> str:
    text = text.strip()
    return text[len("mailto:") :].strip() if text.lower().startswith("mailto:") else text


def _signers(row: _Row, header: _Header, values: Sequence[Any]) -> list[Signer]:
    signers: list[Signer] = []
    seen: dict[str, int] = {}
    for n in sorted(header.names.keys() | header.emails.keys()):
        name_column = header.names.get(n)
        email_column = header.emails.get(n)
        name = _text(_cell(values, name_column.index)) if name_column else ""
        email = _email(_text(_cell(values, email_column.index))) if email_column else ""
        if not name and not email:
            continue
        name_label = name_column.label if name_column else f"署名者{n} 氏名"
        email_label = email_column.label if email_column else f"署名者{n} メールアドレス"
        ok = True
        if not name:
            row.error(name_label, f"is empty (署名者{n} has the email {_shown(email)} but no name)")
            ok = False
        if not email:
            row.error(email_label, f"is empty (署名者{n} {_shown(name)} has no email)")
            continue
        if len(email) > _MAX_EMAIL or not _EMAIL.fullmatch(email):
            row.error(email_label, f"{_shown(email)} is not a valid email")
            continue
        if email.casefold() in seen:
            row.error(email_label, f"{_shown(email)} is the same as 署名者{seen[email.casefold()]}'s")
            continue
        seen[email.casefold()] = n
        if ok:
            signers.append(Signer(name=name, email=email, order=n))
    return signers


def _read_row(
    number: int, values: Sequence[Any], header: _Header, base: Path, references: dict[str, int]
) -> tuple[ContractRequest | None, list[str]]:
    row = _Row(number)
    file = _check_file(row, header, values, base)
    assert header.title is not None
    title = _required_text(row, header.title, values)
    reference: str | None = None
    if header.reference is not None:
        reference = _text(_cell(values, header.reference.index)) or None
        if reference in _EXCEL_ERRORS:
            row.error(header.reference.label, f"holds the Excel error {reference}")
            reference = None
        elif reference is not None and reference in references:
            row.error(
                header.reference.label, f"{_shown(reference)} is already used on 行 {references[reference]}"
            )
        elif reference is not None:
            references[reference] = number
    before = len(row.errors)
    signers = _signers(row, header, values)
    if not signers and len(row.errors) == before:
        row.error("署名者", "no signer given (fill in at least one signer's 氏名 and メールアドレス)")
    if row.errors or file is None or title is None:
        return None, row.errors
    request = ContractRequest(row=number, file=file, title=title, reference=reference, signers=signers)
    return request, []


# -- the workbook ----------------------------------------------------------------------------------
@contextmanager
def _open(path: Path) -> Iterator[Any]:
    name = path.name
    if not path.exists():
        raise BusinessError("contracts.list_not_found", f"{name}: there is no such file ({path}).")
    if not path.is_file():
        kind = "a folder" if path.is_dir() else "not a regular file"
        raise BusinessError("contracts.list_unreadable", f"{name}: this is {kind}, not an Excel file.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds of exceptions on what is not a workbook
        try:
            with path.open("rb") as fh:
                head = fh.read(8)
        except OSError:
            head = b""
        reason = (
            "it is password-protected or an old .xls file: save it as .xlsx without a password"
            if head.startswith(b"\xd0\xcf\x11\xe0")
            else f"{exc.__class__.__name__}: {str(exc)[:120]}"
        )
        raise BusinessError(
            "contracts.list_unreadable", f"{name}: not a readable Excel workbook (.xlsx) ({reason})."
        ) from exc
    try:
        yield book
    finally:
        book.close()


def _table(path: Path) -> tuple[_Header, list[tuple[Any, ...]]]:
    """The header and every row of the first sheet that has one (visible sheets first)."""
    with _open(path) as book:
        sheets = sorted(book.worksheets, key=lambda ws: getattr(ws, "sheet_state", "visible") != "visible")
        for ws in sheets:
            ws.reset_dimensions()  # do not trust the stored used range
            rows_iter = ws.iter_rows(values_only=True)
            rows = list(islice(rows_iter, _HEADER_ROWS + 1))
            header = _find_header(rows)
            if header is None:
                continue
            for values in rows_iter:
                rows.append(values)
                if len(rows) > MAX_ROWS:
                    raise BusinessError(
                        "contracts.list_too_large",
                        f"{path.name}: sheet {ws.title!r} has more than {MAX_ROWS:,} rows; split the list.",
                    )
            return header, rows
    raise BusinessError(
        "contracts.no_header",
        f"{path.name}: no header row found in the first {_HEADER_ROWS} rows (it needs a ファイル / "
        "契約書ファイル column and a タイトル / 件名 / 契約書名 column).",
    )


def read_contract_list(path: Path) -> ContractListResult:
    """Read a contract list (.xlsx): a request per good row, every problem of the bad rows as a
    :class:`RowError`. Raises :class:`BusinessError` (:data:`ERROR_CODES`) when the list cannot be read."""
    path = Path(path)
    header, rows = _table(path)
    if not header.names and not header.emails:
        raise BusinessError(
            "contracts.no_signer_columns",
            f"{path.name}: the header (行 {header.row}) has no signer columns (署名者1 氏名, 署名者1 "
            "メールアドレス … or 署名者名1, メール1 …).",
        )
    base = path.resolve().parent
    requests: list[ContractRequest] = []
    errors: list[RowError] = []
    references: dict[str, int] = {}
    columns = header.columns()
    for index in range(header.row, len(rows)):
        values = rows[index]
        texts = [_text(_cell(values, c)) for c in columns]
        if not any(texts) or _is_note(texts):
            continue
        request, messages = _read_row(index + 1, values, header, base, references)
        if request is not None:
            requests.append(request)
        errors.extend(RowError(row=index + 1, message=m) for m in messages)
    return ContractListResult(requests=requests, errors=errors)
