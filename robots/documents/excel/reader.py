"""The one entry point :func:`read_form`: an Excel form file in, a :class:`FormResult` out.

Bad input never raises: the result carries ``error = {"code", "message"}`` with ``document_type`` and
``fields`` left ``None``. Codes (:data:`ERROR_CODES`): ``file.not_found``, ``file.unreadable`` (permission
denied), ``file.empty``, ``file.unsupported_type`` (not Excel, the old ``.xls`` format, a folder or a pipe),
``xlsx.not_a_workbook`` (a renamed ZIP or text file), ``xlsx.encrypted`` (password-protected),
``xlsx.corrupt``, ``xlsx.too_large`` (file, unpacked size or used range), ``xlsx.no_matching_labels`` (a
workbook, but no form this reader knows), ``xlsx.reader_failed`` (a bug here; the message names no cell
content).
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from robots.documents.excel._context import Context
from robots.documents.excel._expense import read_expense_report
from robots.documents.excel._labels import LabelIndex, label_key
from robots.documents.excel._onboarding import read_onboarding
from robots.documents.excel._template import FormTemplate, match_template
from robots.documents.excel._timesheet import read_timesheet
from robots.documents.excel._vocabulary import STOP_KEYS, TITLE_WORDS, kind_label_keys
from robots.documents.excel._workbook import CFB_MAGIC, MAX_FILE_BYTES, Book, Sheet, WorkbookError, open_book
from robots.documents.forms_model import FormFields, FormResult, FormType
from robots.documents.model import Severity
from robots.jp import redact_my_numbers

__all__ = ["ERROR_CODES", "EXCEL_SUFFIXES", "read_form"]

ERROR_CODES: tuple[str, ...] = (
    "file.not_found",
    "file.unreadable",
    "file.empty",
    "file.unsupported_type",
    "xlsx.not_a_workbook",
    "xlsx.encrypted",
    "xlsx.corrupt",
    "xlsx.too_large",
    "xlsx.no_matching_labels",
    "xlsx.reader_failed",
)
EXCEL_SUFFIXES: tuple[str, ...] = (".xlsx", ".xlsm", ".xltx", ".xltm", ".xls")

_READERS = {
    FormType.EXPENSE_REPORT: read_expense_report,
    FormType.ONBOARDING: read_onboarding,
    FormType.TIMESHEET: read_timesheet,
}
_TITLE_ROWS = 8
_MIN_LABELS = 3  # distinct labels of one kind that make a sheet that kind of form, without a title


def _failed(path: Path, code: str, message: str, sha256: str | None = None) -> FormResult:
    return FormResult(
        path=str(path), sha256=sha256, error={"code": code, "message": redact_my_numbers(message)}
    )


def _has_title(sheet: Sheet, kind: FormType) -> bool:
    words = TITLE_WORDS[kind]
    texts = [label_key(sheet.title)]
    for cell in sheet.anchors():
        if cell.row > _TITLE_ROWS:
            break
        if isinstance(cell.value, str):
            texts.append(label_key(sheet.text(cell.row, cell.col)))
    return any(word in text for text in texts for word in words)


def _score(index: LabelIndex, kind: FormType) -> int:
    return sum(1 for synonyms in kind_label_keys(kind).values() if index.present(synonyms))


def _detect(
    book: Book, indexes: dict[str, LabelIndex], kind: FormType | None
) -> tuple[FormType, Sheet] | None:
    best: tuple[tuple[int, int, int], FormType, Sheet] | None = None
    kinds = [kind] if kind is not None else list(FormType)
    for order, sheet in enumerate(book.sheets):
        for k in kinds:
            labels = _score(indexes[sheet.title], k)
            titled = _has_title(sheet, k)
            if labels == 0 or (not titled and labels < (2 if kind is not None else _MIN_LABELS)):
                continue
            rank = (labels + (10 if titled else 0), 0 if sheet.hidden else 1, -order)
            if best is None or rank > best[0]:
                best = (rank, k, sheet)
    return (best[1], best[2]) if best else None


def _redact_fields(fields: BaseModel, ctx: Context, prefix: str = "") -> None:
    """Remove anything that looks like a personal number from every text field (a 12-digit run typed into
    an address or a description is treated as one)."""
    for name, value in list(fields.__dict__.items()):
        if isinstance(value, str):
            redacted = redact_my_numbers(value)
            if redacted != value:
                setattr(fields, name, redacted)
                ctx.add(
                    "form.personal_number_redacted",
                    Severity.WARNING,
                    f"{prefix}{name}: a 12-digit number that may be a personal number was replaced by "
                    "<redacted>",
                    f"{prefix}{name}",
                )
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    _redact_fields(item, ctx, f"{prefix}{name}[{i}].")


def _too_large(path: Path, size: int) -> FormResult:
    return _failed(
        path,
        "xlsx.too_large",
        f"{path.name}: the file is {size / 1_048_576:.1f} MB; forms larger than "
        f"{MAX_FILE_BYTES // 1_048_576} MB are not read automatically.",
    )


def _read_bytes(path: Path) -> tuple[bytes | None, FormResult | None]:
    """The file's bytes, at most :data:`MAX_FILE_BYTES`. Only a regular file is opened (checked again on
    the open descriptor, opened non-blocking), so a pipe or a device never hangs a batch."""
    name = path.name
    try:
        info = path.stat()
    except FileNotFoundError:
        return None, _failed(path, "file.not_found", f"{name}: there is no such file ({path}).")
    except OSError as exc:
        return None, _failed(
            path, "file.unreadable", f"{name}: the file cannot be opened ({exc.strerror or exc})."
        )
    if not stat.S_ISREG(info.st_mode):
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file (a pipe or a device)"
        return None, _failed(path, "file.unsupported_type", f"{name}: this is {kind}, not a form file.")
    if info.st_size > MAX_FILE_BYTES:
        return None, _too_large(path, info.st_size)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        return None, _failed(
            path, "file.unreadable", f"{name}: the file cannot be opened ({exc.strerror or exc})."
        )
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None, _failed(path, "file.unsupported_type", f"{name}: this is not a regular file.")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return None, _failed(
            path, "file.unreadable", f"{name}: the file cannot be read ({exc.strerror or exc})."
        )
    finally:
        os.close(fd)
    if len(data) > MAX_FILE_BYTES:
        return None, _too_large(path, len(data))
    return data, None


def read_form(path: Path, *, kind: str | None = None, templates: Sequence[FormTemplate] = ()) -> FormResult:
    """Read an Excel form (.xlsx or .xlsm): an expense report, an onboarding form or a monthly timesheet.

    ``kind`` (``"expense_report"``, ``"onboarding"``, ``"timesheet"``) skips detection, which otherwise
    goes by the title (経費精算書, 入社手続き, 勤怠表 …) and the labels found. ``templates`` are fixed cell
    maps (:func:`robots.documents.excel.load_form_templates`); the first one matching a sheet is used.

    Never raises for bad input (see :data:`ERROR_CODES`); raises ``ValueError`` for an unknown ``kind``.
    """
    wanted = FormType(kind) if kind is not None else None
    path = Path(path)
    name = path.name
    data, failure = _read_bytes(path)
    if failure is not None or data is None:
        return failure  # type: ignore[return-value]
    digest = hashlib.sha256(data).hexdigest()
    if not data:
        return _failed(
            path,
            "file.empty",
            f"{name}: the file is empty (0 bytes); it was probably not saved or downloaded completely.",
            digest,
        )
    suffix = path.suffix.lower()
    if suffix not in EXCEL_SUFFIXES and not data.startswith((b"PK\x03\x04", CFB_MAGIC)):
        return _failed(
            path,
            "file.unsupported_type",
            f"{name}: only Excel workbooks (.xlsx, .xlsm) are read as forms, and this is "
            f"{'a ' + suffix if suffix else 'a file without extension'}.",
            digest,
        )
    try:
        book = open_book(data, name, suffix)
    except WorkbookError as exc:
        return _failed(path, exc.code, exc.message, digest)
    try:
        return _extract(path, digest, book, wanted, list(templates))
    except Exception as exc:  # the contract: bad input never raises; the message names no cell content
        return _failed(
            path,
            "xlsx.reader_failed",
            f"{name}: the form could not be read because of an internal error ({exc.__class__.__name__}); "
            "please report it with the file.",
            digest,
        )


def _extract(
    path: Path, digest: str, book: Book, wanted: FormType | None, templates: list[FormTemplate]
) -> FormResult:
    name = path.name
    indexes = {sheet.title: LabelIndex(sheet, STOP_KEYS) for sheet in book.sheets}
    template: FormTemplate | None = None
    matched = match_template(book, templates)
    if matched is not None and (wanted is None or matched[0].document_type == wanted.value):
        template, sheet = matched
        kind = FormType(template.document_type)
    else:
        detected = _detect(book, indexes, wanted)
        if detected is None:
            looked_for = wanted.value if wanted else "an expense report, onboarding form or timesheet"
            return _failed(
                path,
                "xlsx.no_matching_labels",
                f"{name}: no labels of {looked_for} were found on its {len(book.sheets)} sheet(s) "
                "(looked for 氏名, 申請日, 入社日, 出勤 ... and titles such as 経費精算書, 勤怠表). "
                "If this is a form with an unusual layout, give it a fixed cell map in templates/forms/.",
                digest,
            )
        kind, sheet = detected
    ctx = Context(book, sheet, indexes[sheet.title], template)
    fields: FormFields = _READERS[kind](ctx)
    _redact_fields(fields, ctx)
    ctx.finish()
    confidence: dict[str, Any] = {f: round(ctx.confidence.get(f, 0.0), 2) for f in type(fields).model_fields}
    if "my_number_present" in confidence:
        confidence["my_number_present"] = 1.0
    return FormResult(
        path=str(path),
        sha256=digest,
        document_type=kind,
        fields=fields,
        confidence=confidence,
        findings=ctx.findings,
    )
