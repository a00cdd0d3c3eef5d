"""Validation of the send flow's forms: submitted fields in, clean values or every error (in Japanese) out.

Messages name fields by the labels of the UI version on screen, so a v2 screen never speaks of a v1 label.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import IO

from sandbox.esign.labels import Labels
from sandbox.esign.store import NewFile, Signer

__all__ = [
    "MAX_PDF_BYTES",
    "MAX_SIGNERS",
    "DocumentResult",
    "FieldError",
    "SignerValues",
    "SignersResult",
    "Upload",
    "ref_number_taken",
    "signer_values",
    "validate_document",
    "validate_signers",
]

MAX_PDF_BYTES = 10 * 1024 * 1024
MAX_TITLE = 255
MAX_REF_NUMBER = 100
MAX_NAME = 100
MAX_EMAIL = 254
MAX_SIGNERS = 20
PDF_MAGIC = b"%PDF-"

_SIGNER_FIELD = re.compile(r"^signers-([0-9]{1,4})-(name|email|order)$")
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_EMAIL = re.compile(rf"^{_ATOM}(?:\.{_ATOM})*@{_LABEL}(?:\.{_LABEL})+$")
_ORDER = re.compile(r"^[0-9]{1,3}$")


@dataclass(frozen=True)
class FieldError:
    """One error: the form field it belongs to, its message, and the row it is about (e.g. "署名者2")."""

    field: str
    message: str
    context: str = ""

    @property
    def summary(self) -> str:
        return f"{self.context}: {self.message}" if self.context else self.message


@dataclass(frozen=True)
class Upload:
    """A file as received: its name as the browser sent it, and a stream positioned at the start."""

    filename: str
    stream: IO[bytes]


@dataclass
class DocumentResult:
    """Step 1: the clean title, 管理番号 and PDF (None when none was uploaded), or the errors."""

    title: str = ""
    ref_number: str | None = None
    file: NewFile | None = None
    errors: list[FieldError] = field(default_factory=list)


@dataclass(frozen=True)
class SignerValues:
    """One signer row as typed (for re-rendering the form)."""

    name: str = ""
    email: str = ""
    order: str = ""


@dataclass
class SignersResult:
    """Step 2: the signers in row order, or the errors."""

    signers: list[Signer] = field(default_factory=list)
    errors: list[FieldError] = field(default_factory=list)


def _clean_filename(raw: str) -> str:
    """The last path part, without control characters, NFC, at most 255 characters (keeping .pdf)."""
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFC", "".join(ch for ch in name if unicodedata.category(ch)[0] != "C"))
    name = name.strip()
    if len(name) > 255:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 250 - len(ext)] + dot + ext) if dot and len(ext) <= 5 else name[:255]
    return name or "document.pdf"


def _pdf(
    upload: Upload | None, labels: Labels, errors: list[FieldError], *, required: bool
) -> NewFile | None:
    if upload is None or not upload.filename:
        if required:
            errors.append(FieldError("file", f"{labels.file}を選択してください"))
        return None
    name = _clean_filename(upload.filename)
    data = upload.stream.read(MAX_PDF_BYTES + 1)
    if len(data) > MAX_PDF_BYTES:
        errors.append(FieldError("file", f"{labels.file}「{name}」は10MBを超えています（10MBまで）"))
        return None
    if not data.startswith(PDF_MAGIC):
        errors.append(FieldError("file", f"{labels.file}「{name}」はPDFファイルではありません"))
        return None
    return NewFile(name=name, data=data, sha256=hashlib.sha256(data).hexdigest())


def validate_document(
    form: Mapping[str, str],
    upload: Upload | None,
    labels: Labels,
    *,
    ref_owner: Callable[[str], int | None],
    document_id: int | None = None,
) -> DocumentResult:
    """Step 1 (契約書PDF, タイトル, 管理番号). A new document needs a PDF; a draft being edited keeps its own
    unless a new one is uploaded. `ref_owner` tells which document uses a 管理番号 already."""
    result = DocumentResult()
    errors = result.errors
    result.file = _pdf(upload, labels, errors, required=document_id is None)

    result.title = form.get("title", "").strip()
    if not result.title:
        errors.append(FieldError("title", f"{labels.title}を入力してください"))
    elif len(result.title) > MAX_TITLE:
        errors.append(FieldError("title", f"{labels.title}は{MAX_TITLE}文字以内で入力してください"))

    ref_number = form.get("ref_number", "").strip()
    if len(ref_number) > MAX_REF_NUMBER:
        errors.append(
            FieldError("ref_number", f"{labels.ref_number}は{MAX_REF_NUMBER}文字以内で入力してください")
        )
    elif ref_number:
        owner = ref_owner(ref_number)
        if owner is not None and owner != document_id:
            errors.append(ref_number_taken(labels, ref_number, owner))
    result.ref_number = ref_number or None
    return result


def ref_number_taken(labels: Labels, ref_number: str, owner: int) -> FieldError:
    """The error for a 管理番号 another document uses (also raised by the store on a race)."""
    return FieldError(
        "ref_number", f"{labels.ref_number}「{ref_number}」は既に使われています（文書ID: {owner}）"
    )


def signer_values(form: Mapping[str, str]) -> list[SignerValues]:
    """The signer rows as submitted, in index order (gaps in the numbering closed)."""
    rows: dict[int, dict[str, str]] = {}
    for key, value in form.items():
        match = _SIGNER_FIELD.match(key)
        if match:
            rows.setdefault(int(match.group(1)), {})[match.group(2)] = value
    return [SignerValues(**rows[i]) for i in sorted(rows)]


def validate_signers(form: Mapping[str, str], labels: Labels) -> SignersResult:
    """Step 2: every row needs 氏名, a well-formed メールアドレス not used by another row, and a 署名順; the
    署名順 of all rows together are 1..n, each once (so no gaps)."""
    result = SignersResult()
    errors = result.errors
    rows = signer_values(form)
    if not rows:
        errors.append(FieldError("signers", f"{labels.signer}を1人以上入力してください"))
        return result
    if len(rows) > MAX_SIGNERS:
        errors.append(FieldError("signers", f"{labels.signer}は{MAX_SIGNERS}人までです"))
        return result

    count = len(rows)
    email_row: dict[str, int] = {}  # lower-cased email → row number that has it first
    order_row: dict[int, int] = {}  # 署名順 → row number that has it first
    for n, values in enumerate(rows, start=1):
        prefix, context = f"signers-{n - 1}-", f"{labels.signer}{n}"
        before = len(errors)

        name = values.name.strip()
        if not name:
            errors.append(FieldError(prefix + "name", f"{labels.signer_name}を入力してください", context))
        elif len(name) > MAX_NAME:
            errors.append(
                FieldError(
                    prefix + "name", f"{labels.signer_name}は{MAX_NAME}文字以内で入力してください", context
                )
            )

        email = values.email.strip()
        if not email:
            errors.append(FieldError(prefix + "email", f"{labels.signer_email}を入力してください", context))
        elif len(email) > MAX_EMAIL or not _EMAIL.match(email):
            errors.append(
                FieldError(prefix + "email", f"{labels.signer_email}の形式が正しくありません", context)
            )
        elif (first := email_row.setdefault(email.lower(), n)) != n:
            errors.append(
                FieldError(
                    prefix + "email",
                    f"{labels.signer_email}が{labels.signer}{first}と重複しています",
                    context,
                )
            )

        raw_order = values.order.strip()
        order = 0
        if not raw_order:
            errors.append(FieldError(prefix + "order", f"{labels.signer_order}を入力してください", context))
        elif not _ORDER.match(raw_order):
            errors.append(
                FieldError(prefix + "order", f"{labels.signer_order}は半角数字で入力してください", context)
            )
        elif not 1 <= (order := int(raw_order)) <= count:
            errors.append(
                FieldError(
                    prefix + "order",
                    f"{labels.signer_order}は1から{count}までの番号を欠番なく指定してください",
                    context,
                )
            )
        elif (first := order_row.setdefault(order, n)) != n:
            errors.append(
                FieldError(
                    prefix + "order",
                    f"{labels.signer_order}{order}が{labels.signer}{first}と重複しています",
                    context,
                )
            )

        if len(errors) == before:
            result.signers.append(Signer(name=name, email=email, order=order))
    if errors:
        result.signers = []
    return result
