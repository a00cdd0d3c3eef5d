"""Tables of the document archive (電子帳簿保存法, domain-ja.md §4), in the ledger's database and chain.

``archive_documents`` holds one row per original (unique by SHA-256); the searchable facts live in
``archive_versions`` (version 1 as received, every correction a new version); ``archive_audit`` records who
did what. The tables share the ledger's declarative ``Base`` so that one ``MetaData`` describes the whole
database (Alembic revision 0004 creates them).

What keeps history from being rewritten:

- in code: :class:`robots.archive.Archive` has no API that updates or deletes versions or audit rows, and
  only ever sets ``deleted_at``/``deleted_by`` on a document;
- in the database, on SQLite and PostgreSQL alike: triggers (revision 0004) abort any UPDATE or DELETE of
  ``archive_versions`` and ``archive_audit`` (and TRUNCATE on PostgreSQL), any DELETE of
  ``archive_documents``, any UPDATE of a document's columns other than ``deleted_at``/``deleted_by``, and
  any un-deletion. Someone with write access to the database file (SQLite) or superuser rights
  (PostgreSQL) can still drop the triggers: the audit log is tamper-evident together with ``verify()``
  and the object hashes, not tamper-proof.

A later migration that batch-alters one of these tables on SQLite recreates the table and so drops its
triggers: it must create them again (see ``robots/ledger/migrations/versions/0004_archive.py``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from robots.ledger.models import Base

__all__ = ["ArchiveAudit", "ArchiveDocument", "ArchiveVersion", "AuditAction", "DocumentType"]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _uuid() -> str:
    return uuid.uuid4().hex


class DocumentType(StrEnum):
    INVOICE = "invoice"  # 請求書
    RECEIPT = "receipt"  # 領収書
    QUOTATION = "quotation"  # 見積書
    CONTRACT = "contract"  # 契約書
    OTHER = "other"  # その他 (注文書, 納品書 …)


class AuditAction(StrEnum):
    ADD = "add"  # an original was stored and its first version recorded
    DUPLICATE_RECEIVED = "duplicate_received"  # the same bytes arrived again: nothing stored
    CORRECT = "correct"  # a new version of the searchable facts
    EXPORT = "export"  # a copy was written for someone (tax office, auditor)
    DELETE_REFUSED = "delete_refused"  # deletion asked for before the retention period ended
    DELETE = "delete"  # the original removed after its retention period; metadata kept
    VERIFY = "verify"  # every object re-hashed; detail says what was missing or altered


class ArchiveDocument(Base):
    """One original file, stored once under its SHA-256."""

    __tablename__ = "archive_documents"
    __table_args__ = (Index("ux_archive_documents_sha256", "sha256", unique=True),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_uuid)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    suffix: Mapped[str] = mapped_column(String(20))
    """The original's file-name suffix, lower case (``.pdf``); objects are stored without one."""
    original_name: Mapped[str] = mapped_column(String(500))
    document_type: Mapped[str] = mapped_column(String(20))
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    source: Mapped[str] = mapped_column(String(500))
    """Where it came from: ``mail:<message id or sender>``, ``inbox:<file name>``, ``cli:<file name>`` …"""
    fiscal_year_end: Mapped[dt.date] = mapped_column(Date)
    loss_carryforward: Mapped[bool] = mapped_column(Boolean)
    retention_until: Mapped[dt.date] = mapped_column(Date)
    """Last day the original must be kept (inclusive); deletion is refused up to and including it."""
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    created_by: Mapped[str] = mapped_column(String(100))
    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    deleted_by: Mapped[str | None] = mapped_column(String(100))

    versions: Mapped[list[ArchiveVersion]] = relationship(
        back_populates="document", order_by="ArchiveVersion.version"
    )


class ArchiveVersion(Base):
    """The searchable facts of a document as of one version; never updated."""

    __tablename__ = "archive_versions"
    __table_args__ = (
        Index("ux_archive_versions_document_version", "document_id", "version", unique=True),
        Index("ix_archive_versions_transaction_date", "transaction_date"),
        Index("ix_archive_versions_amount", "amount"),
        Index("ix_archive_versions_counterparty_key", "counterparty_key"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_uuid)
    document_id: Mapped[str] = mapped_column(ForeignKey("archive_documents.id"))
    version: Mapped[int] = mapped_column(Integer)
    transaction_date: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(BigInteger)
    """Yen, as printed on the document (tax included when it says so)."""
    counterparty: Mapped[str] = mapped_column(String(200))
    counterparty_key: Mapped[str] = mapped_column(String(200))
    """``party_match_key`` of the name, case-folded: what searches compare."""
    registration_number: Mapped[str | None] = mapped_column(String(14))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    recorded_by: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(Text)
    """Why this version exists; None for version 1 (as received)."""

    document: Mapped[ArchiveDocument] = relationship(back_populates="versions")


class ArchiveAudit(Base):
    """One thing someone did to the archive; rows are only ever inserted."""

    __tablename__ = "archive_audit"
    __table_args__ = (Index("ix_archive_audit_document_id", "document_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))
    document_id: Mapped[str | None] = mapped_column(ForeignKey("archive_documents.id"))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
