"""The run ledger (SQLAlchemy + Alembic): runs, documents, entries into targets."""

from robots.ledger.models import Document, DocumentStatus, Entry, EntryStatus, Run, RunStatus
from robots.ledger.store import Ledger

__all__ = ["Document", "DocumentStatus", "Entry", "EntryStatus", "Ledger", "Run", "RunStatus"]
