"""Validation of deals: the new-deal form's fields in, a `NewDeal` or every error (in Japanese) out.

The checks are shared with the CSV import (`deal_import`), which words its messages with the CSV's column
names and its own date format: see `Wording`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import IO

from sandbox.accounting.master import ACCOUNTS, DEAL_TYPES, TAX_CATEGORIES
from sandbox.accounting.store import DealLine, NewDeal

__all__ = [
    "CSV_DATES",
    "FORM_DATES",
    "FORM_WORDING",
    "MAX_LINES",
    "MAX_RECEIPT_BYTES",
    "MAX_TEXT",
    "DateRule",
    "FieldError",
    "LineValues",
    "Upload",
    "ValidationResult",
    "Wording",
    "check_dates",
    "check_line",
    "check_lines",
    "check_ref_number",
    "line_values",
    "validate_deal",
]

MAX_RECEIPT_BYTES = 10 * 1024 * 1024
MAX_LINES = 100
MAX_TEXT = 255
MAX_AMOUNT = 999_999_999
MIN_DATE = dt.date(1990, 1, 1)
MAX_DATE = dt.date(2099, 12, 31)

_LINE_FIELD = re.compile(r"^lines-([0-9]{1,4})-(account|tax|amount|memo)$")
_AMOUNT = re.compile(r"^(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)$")
# Receipt kinds: extension → (content type, magic bytes at the start of the file).
_RECEIPT_KINDS: dict[str, tuple[str, bytes]] = {
    ".pdf": ("application/pdf", b"%PDF-"),
    ".png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    ".jpg": ("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff"),
}


@dataclass(frozen=True)
class DateRule:
    """A date format: the pattern (year, month, day groups) and how messages spell it."""

    pattern: re.Pattern[str]
    hint: str
    style: str  # strftime format, for dates in messages

    def parse(self, raw: str) -> dt.date:
        """The date; ValueError when the text does not match or is no calendar date."""
        match = self.pattern.match(raw)
        if not match:
            raise ValueError(raw)
        year, month, day = (int(part) for part in match.groups())
        return dt.date(year, month, day)


FORM_DATES = DateRule(re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$"), "YYYY-MM-DD", "%Y-%m-%d")
# freee's CSV writes 2024/04/01; Excel saves such cells as 2024/4/1: both are read.
CSV_DATES = DateRule(re.compile(r"^([0-9]{4})/([0-9]{1,2})/([0-9]{1,2})$"), "YYYY/MM/DD", "%Y/%m/%d")


@dataclass(frozen=True)
class Wording:
    """How messages name the fields (the screen's labels or a CSV's columns), and the date format."""

    type: str = "収支区分"
    issue_date: str = "発生日"
    due_date: str = "支払期日"
    partner: str = "取引先"
    ref_number: str = "管理番号"
    lines: str = "明細"
    account: str = "勘定科目"
    tax: str = "税区分"
    amount: str = "金額"
    memo: str = "備考"
    receipt: str = "証憑"
    dates: DateRule = FORM_DATES
    typed: bool = False  # values typed as text (a CSV), not chosen from a list: messages say so


FORM_WORDING = Wording()


@dataclass(frozen=True)
class FieldError:
    """One error: the field it belongs to (a form field name, or ``lines``), and its message."""

    field: str
    message: str
    context: str = ""  # prefix for the summary list, e.g. "明細2"

    @property
    def summary(self) -> str:
        return f"{self.context}: {self.message}" if self.context else self.message


@dataclass(frozen=True)
class LineValues:
    """One line as typed (for re-rendering the form)."""

    account: str = ""
    tax: str = ""
    amount: str = ""
    memo: str = ""

    @property
    def empty(self) -> bool:
        return not (self.account or self.tax or self.amount.strip() or self.memo.strip())


@dataclass(frozen=True)
class Upload:
    """A file as received: its name as the browser sent it, and a stream positioned at the start."""

    filename: str
    stream: IO[bytes]


@dataclass
class ValidationResult:
    deal: NewDeal | None
    errors: list[FieldError] = field(default_factory=list)

    def by_field(self) -> dict[str, str]:
        """The first error of each field."""
        out: dict[str, str] = {}
        for error in self.errors:
            out.setdefault(error.field, error.message)
        return out


def line_values(form: Mapping[str, str]) -> list[LineValues]:
    """The lines as submitted, in index order (gaps in the numbering closed); at least one line."""
    fields: dict[int, dict[str, str]] = {}
    for key, value in form.items():
        match = _LINE_FIELD.match(key)
        if match:
            fields.setdefault(int(match.group(1)), {})[match.group(2)] = value
    lines = [LineValues(**fields[i]) for i in sorted(fields)]
    return lines or [LineValues()]


def _parse_date(
    raw: str, label: str, name: str, errors: list[FieldError], *, required: bool, rule: DateRule
) -> dt.date | None:
    raw = raw.strip()
    if not raw:
        if required:
            errors.append(FieldError(name, f"{label}を入力してください"))
        return None
    try:
        value = rule.parse(raw)
    except ValueError:
        errors.append(FieldError(name, f"{label}は正しい日付（{rule.hint}）で入力してください"))
        return None
    if not MIN_DATE <= value <= MAX_DATE:
        errors.append(
            FieldError(
                name,
                f"{label}は{MIN_DATE.strftime(rule.style)}から{MAX_DATE.strftime(rule.style)}"
                "までの日付で入力してください",
            )
        )
        return None
    return value


def check_dates(
    issue_raw: str, due_raw: str, errors: list[FieldError], wording: Wording = FORM_WORDING
) -> tuple[dt.date | None, dt.date | None]:
    """発生日 (required) and 支払期日 (optional, not before 発生日); None for what is missing or wrong."""
    issue_date = _parse_date(
        issue_raw, wording.issue_date, "issue_date", errors, required=True, rule=wording.dates
    )
    due_date = _parse_date(due_raw, wording.due_date, "due_date", errors, required=False, rule=wording.dates)
    if issue_date and due_date and due_date < issue_date:
        errors.append(
            FieldError("due_date", f"{wording.due_date}は{wording.issue_date}以降の日付にしてください")
        )
    return issue_date, due_date


def check_ref_number(raw: str, errors: list[FieldError], wording: Wording = FORM_WORDING) -> str | None:
    """管理番号, stripped; None when empty (it is optional)."""
    ref_number = raw.strip()
    if len(ref_number) > MAX_TEXT:
        errors.append(FieldError("ref_number", f"{wording.ref_number}は{MAX_TEXT}文字以内で入力してください"))
    return ref_number or None


def _clean_filename(raw: str, extension: str) -> str:
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize(
        "NFC", "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    ).strip()
    if len(name) > MAX_TEXT:
        name = name[: MAX_TEXT - len(extension)] + extension
    return name or f"receipt{extension}"


def _receipt(
    upload: Upload | None, errors: list[FieldError], wording: Wording
) -> tuple[str, str, bytes, str] | None:
    """(filename, content type, data, sha256) of a valid receipt; None when absent or invalid."""
    if upload is None or not upload.filename:
        return None
    data = upload.stream.read(MAX_RECEIPT_BYTES + 1)
    if len(data) > MAX_RECEIPT_BYTES:
        errors.append(FieldError("receipt", f"{wording.receipt}のファイルサイズは10MB以下にしてください"))
        return None
    base = upload.filename.replace("\\", "/").rsplit("/", 1)[-1]
    extension = ("." + base.rsplit(".", 1)[-1].lower()) if "." in base else ""
    kind = _RECEIPT_KINDS.get(extension)
    if kind is None or not data.startswith(kind[1]):
        errors.append(FieldError("receipt", f"{wording.receipt}はPDF・PNG・JPEGのみ添付できます"))
        return None
    return _clean_filename(upload.filename, extension), kind[0], data, hashlib.sha256(data).hexdigest()


def _choice_error(label: str, value: str, wording: Wording) -> str:
    if not wording.typed:
        return f"{label}を選択してください"
    return f"{label}「{value}」は使用できません" if value else f"{label}を入力してください"


def check_line(
    values: LineValues,
    errors: list[FieldError],
    *,
    prefix: str,
    context: str,
    wording: Wording = FORM_WORDING,
) -> DealLine | None:
    """One non-empty line; None when it has errors. ``prefix`` names its fields (``lines-0``), ``context``
    starts its messages in the summary (``明細1``, ``3行目``)."""
    before = len(errors)
    if values.account not in ACCOUNTS:
        errors.append(
            FieldError(f"{prefix}-account", _choice_error(wording.account, values.account, wording), context)
        )
    if values.tax not in TAX_CATEGORIES:
        errors.append(FieldError(f"{prefix}-tax", _choice_error(wording.tax, values.tax, wording), context))
    raw_amount = values.amount.strip()
    amount = 0
    if not raw_amount:
        errors.append(FieldError(f"{prefix}-amount", f"{wording.amount}を入力してください", context))
    elif not _AMOUNT.match(raw_amount):
        errors.append(
            FieldError(f"{prefix}-amount", f"{wording.amount}は半角数字で入力してください", context)
        )
    else:
        amount = int(raw_amount.replace(",", ""))
        if not 1 <= amount <= MAX_AMOUNT:
            errors.append(
                FieldError(
                    f"{prefix}-amount",
                    f"{wording.amount}は1以上{MAX_AMOUNT:,}以下で入力してください",
                    context,
                )
            )
    memo = values.memo.strip()
    if len(memo) > MAX_TEXT:
        errors.append(
            FieldError(f"{prefix}-memo", f"{wording.memo}は{MAX_TEXT}文字以内で入力してください", context)
        )
    if len(errors) > before:
        return None
    return DealLine(account=values.account, tax_category=values.tax, amount=amount, memo=memo or None)


def check_lines(
    submitted: list[LineValues],
    errors: list[FieldError],
    *,
    contexts: list[str] | None = None,
    skip_empty: bool = True,
    wording: Wording = FORM_WORDING,
) -> list[DealLine]:
    """The lines (at least one, at most MAX_LINES). A form skips its empty rows; a CSV (``skip_empty=False``)
    checks every one. ``contexts`` names each line in messages (default ``明細1``, ``明細2`` …)."""
    if len(submitted) > MAX_LINES:
        errors.append(FieldError("lines", f"{wording.lines}は{MAX_LINES}行以内で入力してください"))
        return []
    lines: list[DealLine] = []
    for n, values in enumerate(submitted, start=1):
        if not (skip_empty and values.empty):
            context = contexts[n - 1] if contexts else f"{wording.lines}{n}"
            line = check_line(values, errors, prefix=f"lines-{n - 1}", context=context, wording=wording)
            if line:
                lines.append(line)
    if not submitted or (skip_empty and all(values.empty for values in submitted)):
        errors.append(FieldError("lines", f"{wording.lines}を1行以上入力してください"))
    return lines


def validate_deal(
    form: Mapping[str, str],
    upload: Upload | None,
    partner_name_of: Callable[[int], str | None],
    wording: Wording = FORM_WORDING,
) -> ValidationResult:
    """Check every field of a submitted new-deal form; `partner_name_of` looks a partner's name up by id."""
    errors: list[FieldError] = []
    deal_type = form.get("type", "")
    if deal_type not in DEAL_TYPES:
        errors.append(FieldError("type", f"{wording.type}を選択してください"))
    issue_date, due_date = check_dates(form.get("issue_date", ""), form.get("due_date", ""), errors, wording)

    partner_id: int | None = None
    raw_id, partner_name = form.get("partner_id", "").strip(), form.get("partner_name", "").strip()
    if (
        raw_id.isascii()
        and raw_id.isdigit()
        and partner_name
        and partner_name_of(int(raw_id)) == partner_name
    ):
        partner_id = int(raw_id)
    else:
        errors.append(FieldError("partner_name", f"{wording.partner}を候補から選択してください"))

    ref_number = check_ref_number(form.get("ref_number", ""), errors, wording)
    lines = check_lines(line_values(form), errors, wording=wording)
    receipt = _receipt(upload, errors, wording)
    if errors:
        return ValidationResult(None, errors)
    assert issue_date is not None and partner_id is not None
    return ValidationResult(
        NewDeal(
            type=deal_type,
            issue_date=issue_date,
            due_date=due_date,
            partner_id=partner_id,
            ref_number=ref_number,
            lines=tuple(lines),
            receipt_filename=receipt[0] if receipt else None,
            receipt_content_type=receipt[1] if receipt else None,
            receipt_data=receipt[2] if receipt else None,
            receipt_sha256=receipt[3] if receipt else None,
        )
    )
