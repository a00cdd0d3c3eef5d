"""The run ledger (SQLAlchemy + Alembic): runs, documents, entries into targets, reviews by people and
an append-only event log; the system of record."""

from robots.ledger.models import (
    Document,
    DocumentStatus,
    Entry,
    EntryStatus,
    Event,
    EventKind,
    Review,
    ReviewStatus,
    Run,
    RunStatus,
)
from robots.ledger.redaction import REDACTED, redact, redact_text
from robots.ledger.store import CSV_COLUMNS, JST, Ledger, ReviewDecision

__all__ = [
    "CSV_COLUMNS",
    "JST",
    "REDACTED",
    "Document",
    "DocumentStatus",
    "Entry",
    "EntryStatus",
    "Event",
    "EventKind",
    "Ledger",
    "Review",
    "ReviewDecision",
    "ReviewStatus",
    "Run",
    "RunStatus",
    "redact",
    "redact_text",
]
