"""Validation of the new-deal form: the submitted fields in, a `NewDeal` or every error (in Japanese) out."""

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
    "MAX_LINES",
    "MAX_RECEIPT_BYTES",
    "FieldError",
    "LineValues",
    "Upload",
    "ValidationResult",
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
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_AMOUNT = re.compile(r"^(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)$")
# Receipt kinds: extension → (content type, magic bytes at the start of the file).
_RECEIPT_KINDS: dict[str, tuple[str, bytes]] = {
    ".pdf": ("application/pdf", b"%PDF-"),
    ".png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    ".jpg": ("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff"),
}
_RECEIPT_TYPE_ERROR = "証憑はPDF・PNG・JPEGのみ添付できます"


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
    raw: str, label: str, name: str, errors: list[FieldError], *, required: bool
) -> dt.date | None:
    raw = raw.strip()
    if not raw:
        if required:
            errors.append(FieldError(name, f"{label}を入力してください"))
        return None
    try:
        if not _ISO_DATE.match(raw):
            raise ValueError(raw)
        value = dt.date.fromisoformat(raw)
    except ValueError:
        errors.append(FieldError(name, f"{label}は正しい日付（YYYY-MM-DD）で入力してください"))
        return None
    if not MIN_DATE <= value <= MAX_DATE:
        errors.append(
            FieldError(
                name, f"{label}は{MIN_DATE.isoformat()}から{MAX_DATE.isoformat()}までの日付で入力してください"
            )
        )
        return None
    return value


def _clean_filename(raw: str, extension: str) -> str:
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize(
        "NFC", "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    ).strip()
    if len(name) > MAX_TEXT:
        name = name[: MAX_TEXT - len(extension)] + extension
    return name or f"receipt{extension}"


def _receipt(upload: Upload | None, errors: list[FieldError]) -> tuple[str, str, bytes, str] | None:
    """(filename, content type, data, sha256) of a valid receipt; None when absent or invalid."""
    if upload is None or not upload.filename:
        return None
    data = upload.stream.read(MAX_RECEIPT_BYTES + 1)
    if len(data) > MAX_RECEIPT_BYTES:
        errors.append(FieldError("receipt", "証憑のファイルサイズは10MB以下にしてください"))
        return None
    base = upload.filename.replace("\\", "/").rsplit("/", 1)[-1]
    extension = ("." + base.rsplit(".", 1)[-1].lower()) if "." in base else ""
    kind = _RECEIPT_KINDS.get(extension)
    if kind is None or not data.startswith(kind[1]):
        errors.append(FieldError("receipt", _RECEIPT_TYPE_ERROR))
        return None
    return _clean_filename(upload.filename, extension), kind[0], data, hashlib.sha256(data).hexdigest()


def _line(n: int, values: LineValues, errors: list[FieldError]) -> DealLine | None:
    prefix, context = f"lines-{n - 1}", f"明細{n}"
    before = len(errors)
    if values.account not in ACCOUNTS:
        errors.append(FieldError(f"{prefix}-account", "勘定科目を選択してください", context))
    if values.tax not in TAX_CATEGORIES:
        errors.append(FieldError(f"{prefix}-tax", "税区分を選択してください", context))
    raw_amount = values.amount.strip()
    amount = 0
    if not raw_amount:
        errors.append(FieldError(f"{prefix}-amount", "金額を入力してください", context))
    elif not _AMOUNT.match(raw_amount):
        errors.append(FieldError(f"{prefix}-amount", "金額は半角数字で入力してください", context))
    else:
        amount = int(raw_amount.replace(",", ""))
        if not 1 <= amount <= MAX_AMOUNT:
            errors.append(
                FieldError(f"{prefix}-amount", f"金額は1以上{MAX_AMOUNT:,}以下で入力してください", context)
            )
    memo = values.memo.strip()
    if len(memo) > MAX_TEXT:
        errors.append(FieldError(f"{prefix}-memo", f"備考は{MAX_TEXT}文字以内で入力してください", context))
    if len(errors) > before:
        return None
    return DealLine(account=values.account, tax_category=values.tax, amount=amount, memo=memo or None)


def validate_deal(
    form: Mapping[str, str], upload: Upload | None, partner_name_of: Callable[[int], str | None]
) -> ValidationResult:
    """Check every field of a submitted new-deal form; `partner_name_of` looks a partner's name up by id."""
    errors: list[FieldError] = []
    deal_type = form.get("type", "")
    if deal_type not in DEAL_TYPES:
        errors.append(FieldError("type", "収支区分を選択してください"))
    issue_date = _parse_date(form.get("issue_date", ""), "発生日", "issue_date", errors, required=True)
    due_date = _parse_date(form.get("due_date", ""), "支払期日", "due_date", errors, required=False)
    if issue_date and due_date and due_date < issue_date:
        errors.append(FieldError("due_date", "支払期日は発生日以降の日付にしてください"))

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
        errors.append(FieldError("partner_name", "取引先を候補から選択してください"))

    ref_number = form.get("ref_number", "").strip()
    if len(ref_number) > MAX_TEXT:
        errors.append(FieldError("ref_number", f"管理番号は{MAX_TEXT}文字以内で入力してください"))

    submitted = line_values(form)
    lines: list[DealLine] = []
    if len(submitted) > MAX_LINES:
        errors.append(FieldError("lines", f"明細は{MAX_LINES}行以内で入力してください"))
    else:
        for n, values in enumerate(submitted, start=1):
            if not values.empty:
                line = _line(n, values, errors)
                if line:
                    lines.append(line)
        if all(values.empty for values in submitted):
            errors.append(FieldError("lines", "明細を1行以上入力してください"))

    receipt = _receipt(upload, errors)
    if errors:
        return ValidationResult(None, errors)
    assert issue_date is not None and partner_id is not None
    return ValidationResult(
        NewDeal(
            type=deal_type,
            issue_date=issue_date,
            due_date=due_date,
            partner_id=partner_id,
            ref_number=ref_number or None,
            lines=tuple(lines),
            receipt_filename=receipt[0] if receipt else None,
            receipt_content_type=receipt[1] if receipt else None,
            receipt_data=receipt[2] if receipt else None,
            receipt_sha256=receipt[3] if receipt else None,
        )
    )
