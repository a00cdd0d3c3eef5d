"""Tables of the run ledger: what ran, which documents it saw, what it entered where, what a person
decided about it, and everything that happened (the event log)."""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Index, Integer, String, Text, event
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

__all__ = [
    "Base",
    "Document",
    "DocumentStatus",
    "Entry",
    "EntryStatus",
    "Event",
    "EventKind",
    "Review",
    "ReviewStatus",
    "Run",
    "RunStatus",
    "UTCDateTime",
]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _uuid() -> str:
    return uuid.uuid4().hex


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware UTC datetime on every database. SQLite keeps no offset, so values are stored in
    UTC and read back with ``tzinfo=UTC``; naive values given to it are taken as UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON, dt.datetime: UTCDateTime}


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
    REVIEW = "review"  # waiting for a person (low confidence, findings, a business error): see reviews
    REJECTED = "rejected"  # closed by a person who rejected it; nothing entered


class EntryStatus(StrEnum):
    PENDING = "pending"  # about to create on the target; if a run dies here, the next run asks the target
    CONFIRMED = "confirmed"  # created (or found) on the target and read back
    FAILED = "failed"  # creation failed or the read-back did not match


class ReviewStatus(StrEnum):
    OPEN = "open"  # waiting for a person
    APPROVED = "approved"  # a person approved the fields as shown; the document goes on
    CORRECTED = "corrected"  # a person corrected fields (see corrections); the document goes on
    REJECTED = "rejected"  # a person rejected the document; it is closed, nothing entered
    EXPIRED = "expired"  # nobody decided in time; the document stays for a person, outside the run


class EventKind(StrEnum):
    """The kinds of event robots and flows record (others may be recorded: ``noun.verb``)."""

    RUN_STARTED = "run.started"  # a run began (message: what it will work on)
    RUN_FINISHED = "run.finished"  # a run ended (message: its counts)
    DOCUMENT_READ = "document.read"  # fields extracted from a document
    DOCUMENT_VALIDATED = "document.validated"  # the fields passed validation
    DOCUMENT_FILED = "document.filed"  # the file moved to processed/ or failed/ (message: where)
    REVIEW_OPENED = "review.opened"  # a document waits for a person
    REVIEW_DECIDED = "review.decided"  # a person approved, corrected or rejected it
    REVIEW_EXPIRED = "review.expired"  # nobody decided in time
    ENTRY_ATTEMPT = "entry.attempt"  # about to create a record on a target
    ENTRY_RETRY = "entry.retry"  # the attempt failed in the machinery; it will be retried
    ENTRY_CONFIRMED = "entry.confirmed"  # the record exists on the target and was read back
    ENTRY_FAILED = "entry.failed"  # the target said no (a business error): not retried


class Run(Base):
    __tablename__ = "runs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_uuid)
    flow: Mapped[str] = mapped_column(String(100))
    target: Mapped[str | None] = mapped_column(String(100))
    parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(20), default=RunStatus.RUNNING)
    orchestrator_run_id: Mapped[str | None] = mapped_column(String(64))
    started_at: Mapped[dt.datetime] = mapped_column(default=_now)
    finished_at: Mapped[dt.datetime | None] = mapped_column()
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)

    documents: Mapped[list[Document]] = relationship(back_populates="run", order_by="Document.created_at")


class Document(Base):
    __tablename__ = "documents"
    __table_args__ = (
        Index("ix_documents_sha256", "sha256"),
        Index("ix_documents_duplicate_key", "duplicate_key"),
        Index("ix_documents_run_id", "run_id"),
        Index("ix_documents_created_at", "created_at"),
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
    created_at: Mapped[dt.datetime] = mapped_column(default=_now)
    updated_at: Mapped[dt.datetime] = mapped_column(default=_now, onupdate=_now)

    run: Mapped[Run] = relationship(back_populates="documents")
    entries: Mapped[list[Entry]] = relationship(back_populates="document", order_by="Entry.created_at")
    reviews: Mapped[list[Review]] = relationship(back_populates="document", order_by="Review.id")


class Entry(Base):
    """One record created (or about to be created) in a target system, keyed by a reference."""

    __tablename__ = "entries"
    __table_args__ = (
        Index("ix_entries_target_reference", "target", "reference"),
        Index("ix_entries_document_id", "document_id"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_uuid)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"))
    target: Mapped[str] = mapped_column(String(100))
    operation: Mapped[str] = mapped_column(String(100))
    reference: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), default=EntryStatus.PENDING)
    record_id: Mapped[str | None] = mapped_column(String(100))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=_now)
    updated_at: Mapped[dt.datetime] = mapped_column(default=_now, onupdate=_now)

    document: Mapped[Document] = relationship(back_populates="entries")


class Review(Base):
    """A document waiting for (or decided by) a person: why, what they saw, what they decided."""

    __tablename__ = "reviews"
    __table_args__ = (
        Index("ix_reviews_status_opened_at", "status", "opened_at"),
        Index("ix_reviews_document_id", "document_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"))
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id"))
    reason_code: Mapped[str] = mapped_column(String(100))
    message: Mapped[str] = mapped_column(Text)
    fields: Mapped[dict[str, Any]] = mapped_column(default=dict)
    """The extracted fields as shown to the reviewer (redacted)."""
    findings: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(20), default=ReviewStatus.OPEN)
    opened_at: Mapped[dt.datetime] = mapped_column(default=_now)
    decided_at: Mapped[dt.datetime | None] = mapped_column()
    decided_by: Mapped[str | None] = mapped_column(String(200))
    corrections: Mapped[list[Any]] = mapped_column(default=list)
    """``[{"field": name, "before": value, "after": value}, …]`` (redacted)."""
    comment: Mapped[str] = mapped_column(Text, default="")
    prefect_flow_run_id: Mapped[str | None] = mapped_column(String(64))

    document: Mapped[Document] = relationship(back_populates="reviews")


class Event(Base):
    """Something that happened, to a run or a document, by a robot or a person. Append-only."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_run_id_at", "run_id", "at"),
        Index("ix_events_document_id_at", "document_id", "at"),
        Index("ix_events_kind_at", "kind", "at"),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
    )
    at: Mapped[dt.datetime] = mapped_column(default=_now)
    run_id: Mapped[str | None] = mapped_column(ForeignKey("runs.id"))
    document_id: Mapped[str | None] = mapped_column(ForeignKey("documents.id"))
    kind: Mapped[str] = mapped_column(String(60))
    actor: Mapped[str] = mapped_column(String(200))
    """``robot``, or the name of the person who acted."""
    message: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)


@event.listens_for(Event, "before_update")
@event.listens_for(Event, "before_delete")
def _events_are_append_only(_mapper: Any, _conn: Any, target: Event) -> None:
    raise TypeError(f"ledger events are append-only: event {target.id} cannot be changed or deleted")
