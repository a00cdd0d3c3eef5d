"""Typed records the document readers return (the shape of ../shared/document-schema.md)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "DocumentResult",
    "DocumentType",
    "ExtractResult",
    "Finding",
    "Invoice",
    "InvoiceLine",
    "Severity",
    "TaxBucket",
]


class DocumentType(StrEnum):
    INVOICE = "invoice"  # 請求書 / 適格請求書
    RECEIPT = "receipt"  # 領収書 / 適格簡易請求書


class Severity(StrEnum):
    ERROR = "error"  # the document cannot be entered as it is
    WARNING = "warning"  # a person should look, the data may still be right
    INFO = "info"  # recorded for the audit trail only


class Finding(BaseModel):
    """One observation of a validator or reader, with a stable dotted code."""

    model_config = ConfigDict(frozen=True)

    code: str
    severity: Severity
    message: str
    field: str | None = None


class InvoiceLine(BaseModel):
    description: str
    quantity: float | None = None
    unit_price: int | None = None
    amount: int  # as printed on the line (net for 外税, gross for 内税)
    rate: int  # 10, 8 or 0


class TaxBucket(BaseModel):
    rate: int
    net: int  # excludes tax
    tax: int


class Invoice(BaseModel):
    """Fields of an invoice or receipt, normalized (domain-ja.md §2)."""

    issuer: str | None = None
    registration_number: str | None = None
    registration_number_valid: bool | None = None
    invoice_number: str | None = None
    issue_date: dt.date | None = None
    due_date: dt.date | None = None
    recipient: str | None = None
    total: int | None = None
    tax_inclusive_pricing: bool = False
    tax_breakdown: list[TaxBucket] = Field(default_factory=list)
    lines: list[InvoiceLine] = Field(default_factory=list)
    needs_ocr: bool = False


TypeT = TypeVar("TypeT")
FieldsT = TypeVar("FieldsT")


class DocumentResult(BaseModel, Generic[TypeT, FieldsT]):
    """What a reader returns for one file, whatever its kind: the object `kuroko extract --json` prints."""

    path: str
    sha256: str | None = None
    document_type: TypeT | None = None
    fields: FieldsT | None = None
    confidence: dict[str, float] = Field(default_factory=dict)
    findings: list[Finding] = Field(default_factory=list)
    error: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_json_dict(self) -> dict[str, Any]:
        """JSON-ready dict in the schema's shape (dates ISO, every field present)."""
        return self.model_dump(mode="json")


class ExtractResult(DocumentResult[DocumentType, Invoice]):
    """An invoice or receipt read from a PDF, a scan or an image."""


InvoiceKind = Literal["invoice", "receipt"]
