"""The document archive (電子帳簿保存法, domain-ja.md §4): originals stored once and never changed,
searchable by transaction date, amount and counterparty, corrections as versions, an append-only audit
log, export with a CSV index, and retention periods that refuse early deletion."""

from robots.archive.export import INDEX_COLUMNS, INDEX_NAME, export_file_name
from robots.archive.models import AuditAction, DocumentType
from robots.archive.retention import filing_deadline, fiscal_year_end_for, retention_until
from robots.archive.store import (
    CORRECTABLE_FIELDS,
    Archive,
    ArchivedDocument,
    ArchivedVersion,
    AuditEvent,
    SearchCriteria,
    VerifyReport,
    counterparty_key,
)

__all__ = [
    "CORRECTABLE_FIELDS",
    "INDEX_COLUMNS",
    "INDEX_NAME",
    "Archive",
    "ArchivedDocument",
    "ArchivedVersion",
    "AuditAction",
    "AuditEvent",
    "DocumentType",
    "SearchCriteria",
    "VerifyReport",
    "counterparty_key",
    "export_file_name",
    "filing_deadline",
    "fiscal_year_end_for",
    "retention_until",
]
