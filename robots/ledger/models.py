"""Tables of the run ledger: what ran, which documents it saw, what it entered where."""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = ["Base", "Document", "DocumentStatus", "Entry", "EntryStatus", "Run", "RunStatus"]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _uuid() -> str:
    return uuid.uuid4().hex


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class RunStatus(StrEnum):
    RUNNING = "running"  # started, not finished (or the process died: see finished_at)
    COMPLETED = "completed"  # every document reached an outcome, none failed
    PARTIAL = "partial"  # finished, some documents failed
    FAILED = "failed"  # the run itself failed (no documents could be processed)


class DocumentStatus(StrEnum):
    RECEIVED = "received"  # fingerprinted, nothing decided yet
    ENTERED = "entered"  # entered into the target by this run and verified
    ALREADY_ENTERED = "already_entered"  # found in the ledger or on the target: nothing entered
    VALIDATED = "validated"  # dry run: read and validated, nothing entered
    FAILED = "failed"  # could not be read, validated or entered; see error_code


class EntryStatus(StrEnum):
    PENDING = "pending"  # about to create on the target; if a run dies here, the next run asks the target
    CONFIRMED = "confirmed"  # created (or found) on the target and read back
    FAILED = "failed"  # creation failed or the read-back did not match


class Run(Base):
    __tablename__ = "runs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_uuid)
    flow: Mapped[str] = mapped_column(String(100))
    target: Mapped[str | None] = mapped_column(String(100))
    parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(20), default=RunStatus.RUNNING)
    orchestrator_run_id: Mapped[str | None] = mapped_column(String(64))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)

    documents: Mapped[list[Document]] = relationship(back_populates="run", order_by="Document.created_at")


class Document(Base):
    __tablename__ = "documents"
    __table_args__ = (
        Index("ix_documents_sha256", "sha256"),
        Index("ix_documents_duplicate_key", "duplicate_key"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_uuid)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id"))
    file_name: Mapped[str] = mapped_column(String(500))
    source_path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    document_type: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default=DocumentStatus.RECEIVED)
    reference: Mapped[str | None] = mapped_column(String(100))
    duplicate_key: Mapped[str | None] = mapped_column(String(300))
    """issuer match key | invoice number | total: the same invoice arriving as a different file."""
    extracted: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    findings: Mapped[list[Any]] = mapped_column(default=list)
    error_code: Mapped[str | None] = mapped_column(String(100))
    error_message: Mapped[str | None] = mapped_column(Text)
    moved_to: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now, onupdate=_now)

    run: Mapped[Run] = relationship(back_populates="documents")
    entries: Mapped[list[Entry]] = relationship(back_populates="document")


class Entry(Base):
    """One record created (or about to be created) in a target system, keyed by a reference."""

    __tablename__ = "entries"
    __table_args__ = (Index("ix_entries_target_reference", "target", "reference"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_uuid)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"))
    target: Mapped[str] = mapped_column(String(100))
    operation: Mapped[str] = mapped_column(String(100))
    reference: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), default=EntryStatus.PENDING)
    record_id: Mapped[str | None] = mapped_column(String(100))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now, onupdate=_now)

    document: Mapped[Document] = relationship(back_populates="entries")
