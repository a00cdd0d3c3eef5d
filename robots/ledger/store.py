"""The run ledger: every run, every document and every entry into a target, on record.

It is the first half of "nothing twice": before a robot creates anything on a target it asks the
ledger for a confirmed entry with the same reference, then writes a *pending* entry (its intent), then
creates, then confirms. A run that dies between intent and confirmation leaves a pending entry; the
next run sees it and asks the target before creating again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from robots.ledger.models import Document, DocumentStatus, Entry, EntryStatus, Run, RunStatus

__all__ = ["Ledger"]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _make_engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


class Ledger:
    """Access to the run ledger at a SQLAlchemy URL (SQLite by default, PostgreSQL to scale out)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = _make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema --------------------------------------------------------------------------------------
    def migrate(self) -> None:
        """Bring the schema to the newest Alembic revision (idempotent)."""
        cfg = Config()
        cfg.set_main_option("script_location", str(resources.files("robots.ledger") / "migrations"))
        with self.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions.begin() as s:
            yield s

    # -- runs ----------------------------------------------------------------------------------------
    def start_run(
        self,
        flow: str,
        *,
        target: str | None,
        parameters: dict[str, Any],
        orchestrator_run_id: str | None = None,
    ) -> str:
        with self.session() as s:
            run = Run(
                flow=flow, target=target, parameters=parameters, orchestrator_run_id=orchestrator_run_id
            )
            s.add(run)
            s.flush()
            return run.id

    def finish_run(self, run_id: str, *, status: RunStatus, summary: dict[str, Any]) -> None:
        with self.session() as s:
            run = s.get_one(Run, run_id)
            run.status = status
            run.summary = summary
            run.finished_at = _now()

    def get_run(self, run_id: str) -> Run | None:
        with self.session() as s:
            return s.scalar(select(Run).where(Run.id == run_id).options(selectinload(Run.documents)))

    def runs(self, limit: int = 20) -> list[Run]:
        with self.session() as s:
            return list(s.scalars(select(Run).order_by(Run.started_at.desc()).limit(limit)))

    # -- documents -----------------------------------------------------------------------------------
    def add_document(self, run_id: str, *, path: Path, sha256: str, size: int) -> str:
        with self.session() as s:
            doc = Document(
                run_id=run_id, file_name=path.name, source_path=str(path), sha256=sha256, size=size
            )
            s.add(doc)
            s.flush()
            return doc.id

    def update_document(self, document_id: str, **values: Any) -> None:
        with self.session() as s:
            doc = s.get_one(Document, document_id)
            for key, value in values.items():
                if not hasattr(Document, key):
                    raise AttributeError(f"Document has no column {key!r}")
                setattr(doc, key, value)

    def get_document(self, document_id: str) -> Document | None:
        with self.session() as s:
            return s.scalar(
                select(Document).where(Document.id == document_id).options(selectinload(Document.entries))
            )

    def documents(self, run_id: str | None = None, limit: int = 100) -> list[Document]:
        with self.session() as s:
            q = select(Document).order_by(Document.created_at.desc()).limit(limit)
            if run_id:
                q = q.where(Document.run_id == run_id)
            return list(s.scalars(q.options(selectinload(Document.entries))))

    def find_entered_duplicate(self, duplicate_key: str, *, other_than_sha256: str) -> Document | None:
        """An earlier document with the same duplicate key but different bytes that was entered."""
        with self.session() as s:
            return s.scalar(
                select(Document)
                .where(Document.duplicate_key == duplicate_key, Document.sha256 != other_than_sha256)
                .where(Document.status.in_([DocumentStatus.ENTERED, DocumentStatus.ALREADY_ENTERED]))
                .order_by(Document.created_at)
                .options(selectinload(Document.entries))
                .limit(1)
            )

    # -- entries -------------------------------------------------------------------------------------
    def find_entry(self, *, target: str, reference: str) -> Entry | None:
        """The newest confirmed entry for this reference on this target, else the newest pending one."""
        with self.session() as s:
            rows = list(
                s.scalars(
                    select(Entry)
                    .where(Entry.target == target, Entry.reference == reference)
                    .where(Entry.status.in_([EntryStatus.CONFIRMED, EntryStatus.PENDING]))
                    .order_by(Entry.created_at.desc())
                )
            )
        for status in (EntryStatus.CONFIRMED, EntryStatus.PENDING):
            for row in rows:
                if row.status == status:
                    return row
        return None

    def begin_entry(self, document_id: str, *, target: str, operation: str, reference: str) -> str:
        """Record the intent to create a record on a target, before touching the target."""
        with self.session() as s:
            entry = Entry(document_id=document_id, target=target, operation=operation, reference=reference)
            s.add(entry)
            s.flush()
            return entry.id

    def confirm_entry(self, entry_id: str, *, record_id: str, detail: dict[str, Any] | None = None) -> None:
        with self.session() as s:
            entry = s.get_one(Entry, entry_id)
            entry.status = EntryStatus.CONFIRMED
            entry.record_id = record_id
            entry.detail = detail or {}

    def fail_entry(self, entry_id: str, *, detail: dict[str, Any]) -> None:
        with self.session() as s:
            entry = s.get_one(Entry, entry_id)
            entry.status = EntryStatus.FAILED
            entry.detail = detail
