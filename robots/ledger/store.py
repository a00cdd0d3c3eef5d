"""The run ledger: every run, every document and every entry into a target, on record.

It is the first half of "nothing twice": before a robot creates anything on a target it asks the
ledger for a confirmed entry with the same reference, then writes a *pending* entry (its intent), then
creates, then confirms. A run that dies between intent and confirmation leaves a pending entry; the
next run sees it and asks the target before creating again.

It is also the system of record: every review by a person (what they saw, what they decided, every
correction with who and when) and an append-only event log of everything that happened. Nothing
sensitive is kept in clear: see :mod:`robots.ledger.redaction`.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from alembic import command
from alembic.config import Config
from pydantic_core import to_jsonable_python
from sqlalchemy import Engine, create_engine, event, select, update
from sqlalchemy.orm import Session, selectinload, sessionmaker

from robots.errors import BusinessError
from robots.ledger.models import (
    Base,
    Document,
    DocumentStatus,
    Entry,
    EntryStatus,
    Event,
    Review,
    ReviewStatus,
    Run,
    RunStatus,
)
from robots.ledger.redaction import redact, redact_field, redact_text

__all__ = ["JST", "CSV_COLUMNS", "Ledger", "ReviewDecision"]

ReviewDecision = Literal["approve", "correct", "reject"]
"""What a person decides about a document waiting for review."""

JST = dt.timezone(dt.timedelta(hours=9), "JST")
"""Japan time (no daylight saving): how dates given to :meth:`Ledger.export_csv` are read."""

CSV_COLUMNS = (
    "document_id",
    "run_id",
    "flow",
    "received_at",
    "file",
    "sha256",
    "status",
    "target",
    "record_id",
    "reference",
    "reason_code",
    "reason",
    "review",
    "reviewed_by",
    "reviewed_at",
)
"""The header of :meth:`Ledger.export_csv`, one row per document."""

_DECIDED = {
    "approve": ReviewStatus.APPROVED,
    "correct": ReviewStatus.CORRECTED,
    "reject": ReviewStatus.REJECTED,
}
_EVENT_KIND = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
_ID_PREFIX = re.compile(r"^[0-9a-f]{4,32}$")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _jsonable(value: Any) -> Any:
    """Dates, decimals, enums, paths … as JSON values (what JSON columns can hold)."""
    return to_jsonable_python(value, fallback=str)


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _row(obj: Base) -> dict[str, Any]:
    """A mapped object's columns as a JSON-ready dict (datetimes as ISO 8601, UTC)."""
    out: dict[str, Any] = {}
    for column in obj.__table__.columns:
        value = getattr(obj, column.key)
        out[column.key] = _iso(value) if isinstance(value, dt.datetime) else value
    return out


def _bound(value: dt.date | dt.datetime, *, end: bool) -> dt.datetime:
    """A CSV range bound as an aware datetime: a date is a day in Japan, ``end`` includes that day."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError(f"{value!r} has no timezone: give an aware datetime or a date")
        return value
    day = value + dt.timedelta(days=1) if end else value
    return dt.datetime.combine(day, dt.time(), JST)


def _cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula starts with ' (CSV injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)  # Japanese stays readable in the database


def _make_engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, json_serializer=_json)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, json_serializer=_json)


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
    def migrate(self, revision: str = "head") -> None:
        """Bring the schema to an Alembic revision, by default the newest (idempotent)."""
        cfg = Config()
        cfg.set_main_option("script_location", str(resources.files("robots.ledger") / "migrations"))
        with self.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)

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
        """Set columns of a document; ``extracted`` is stored redacted."""
        with self.session() as s:
            doc = s.get_one(Document, document_id)
            for key, value in values.items():
                if not hasattr(Document, key):
                    raise AttributeError(f"Document has no column {key!r}")
                if key == "extracted" and value is not None:
                    value = redact(_jsonable(value))
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

    # -- events --------------------------------------------------------------------------------------
    def record_event(
        self,
        kind: str,
        *,
        run_id: str | None = None,
        document_id: str | None = None,
        actor: str = "robot",
        message: str = "",
        **data: Any,
    ) -> int:
        """Append an event (``kind`` like ``entry.confirmed``, see :class:`EventKind`) and return its id.
        Without ``run_id``, an event about a document belongs to the document's run. ``data`` is stored
        redacted, ``message`` with personal numbers masked."""
        with self.session() as s:
            return self._event(
                s, kind, run_id=run_id, document_id=document_id, actor=actor, message=message, data=data
            )

    def _event(
        self,
        s: Session,
        kind: str,
        *,
        run_id: str | None,
        document_id: str | None,
        actor: str,
        message: str,
        data: dict[str, Any],
    ) -> int:
        if not _EVENT_KIND.match(kind):
            raise ValueError(f"event kind {kind!r}: expected lower-case noun.verb, like entry.confirmed")
        if run_id is None and document_id is not None:
            run_id = s.scalar(select(Document.run_id).where(Document.id == document_id))
        ev = Event(
            at=_now(),
            run_id=run_id,
            document_id=document_id,
            kind=kind,
            actor=actor,
            message=redact_text(message),
            data=redact(_jsonable(data)),
        )
        s.add(ev)
        s.flush()
        return ev.id

    def events(
        self, run_id: str | None = None, document_id: str | None = None, limit: int | None = None
    ) -> list[Event]:
        """Events, oldest first: of a run, of a document, or (neither given) all of them."""
        with self.session() as s:
            q = select(Event).order_by(Event.at, Event.id)
            if run_id is not None:
                q = q.where(Event.run_id == run_id)
            if document_id is not None:
                q = q.where(Event.document_id == document_id)
            if limit is not None:
                q = q.limit(limit)
            return list(s.scalars(q))

    # -- reviews -------------------------------------------------------------------------------------
    def open_review(
        self,
        document_id: str,
        *,
        run_id: str,
        reason_code: str,
        message: str,
        fields: dict[str, Any],
        findings: list[dict[str, Any]],
        flow_run_id: str | None = None,
    ) -> int:
        """A document now waits for a person: record what they will see (``fields`` redacted), set the
        document to ``review`` and record a ``review.opened`` event. Returns the review id.

        Raises BusinessError ``review.already_open`` when the document already waits for a person."""
        with self.session() as s:
            doc = self._document(s, document_id)
            waiting = s.scalar(
                select(Review.id).where(Review.document_id == doc.id, Review.status == ReviewStatus.OPEN)
            )
            if waiting is not None:
                raise BusinessError(
                    "review.already_open",
                    f"{doc.file_name}: already waits for a person in review {waiting}",
                )
            message = redact_text(message)
            review = Review(
                document_id=doc.id,
                run_id=run_id,
                reason_code=reason_code,
                message=message,
                fields=redact(_jsonable(fields)),
                findings=_jsonable(findings),
                status=ReviewStatus.OPEN,
                opened_at=_now(),
                prefect_flow_run_id=flow_run_id,
            )
            s.add(review)
            doc.status = DocumentStatus.REVIEW
            doc.error_code, doc.error_message = reason_code, message
            s.flush()
            self._event(
                s,
                "review.opened",
                run_id=run_id,
                document_id=doc.id,
                actor="robot",
                message=message,
                data={"review_id": review.id, "reason_code": reason_code},
            )
            return review.id

    def decide_review(
        self,
        review_id: int,
        *,
        decision: ReviewDecision,
        by: str,
        corrections: dict[str, Any] | None = None,
        comment: str = "",
    ) -> Review:
        """Record a person's decision on an open review, once.

        ``correct`` needs ``corrections`` (field → new value); each one that changes a value is kept as
        ``{"field", "before", "after"}`` with ``before`` from the fields the reviewer saw. ``approve``
        takes none. ``reject`` closes the document as ``rejected`` (corrections given with it are kept
        as typed); after ``approve`` or ``correct`` the flow enters the document and records where it
        went. A ``review.decided`` event names who decided. Returns the decided review.

        Raises BusinessError: ``review.not_found``, ``review.already_decided`` (a second decision, also
        when two people decide at once), ``review.no_reviewer``, ``review.bad_decision``."""
        by = by.strip()
        if not by:
            raise BusinessError("review.no_reviewer", f"review {review_id}: who decided is required")
        if decision not in _DECIDED:
            raise BusinessError(
                "review.bad_decision",
                f"review {review_id}: decision {decision!r} is not one of {', '.join(_DECIDED)}",
            )
        comment = redact_text(comment)
        with self.session() as s:
            # The conditional UPDATE comes first and takes the row (or, on SQLite, the database): of two
            # people deciding at once exactly one wins, and nothing read before it can be stale.
            won = s.execute(
                update(Review)
                .where(Review.id == review_id, Review.status == ReviewStatus.OPEN)
                .values(status=_DECIDED[decision], decided_at=_now(), decided_by=by, comment=comment)
                .execution_options(synchronize_session=False)
            ).rowcount
            review = s.get(Review, review_id)
            if review is None:
                raise BusinessError("review.not_found", f"no review {review_id} in the ledger")
            doc = s.get_one(Document, review.document_id)
            if won != 1:
                who = f" by {review.decided_by}" if review.decided_by else ""
                at = f" at {review.decided_at.isoformat(timespec='seconds')}" if review.decided_at else ""
                raise BusinessError(
                    "review.already_decided",
                    f"review {review_id} ({doc.file_name}) is already {review.status}{who}{at}",
                )
            changes = self._changes(review, corrections or {})
            if decision == "approve" and changes:  # raising rolls the decision back
                raise BusinessError(
                    "review.bad_decision",
                    f"review {review_id} ({doc.file_name}): approve takes no corrections; "
                    f"decide 'correct' to change {', '.join(c['field'] for c in changes)}",
                )
            if decision == "correct" and not changes:
                raise BusinessError(
                    "review.bad_decision",
                    f"review {review_id} ({doc.file_name}): 'correct' without a changed field; "
                    "decide 'approve' to go on with the fields as they are",
                )
            review.corrections = changes
            if decision == "reject":
                doc.status = DocumentStatus.REJECTED
                doc.error_code = "review.rejected"
                doc.error_message = f"rejected by {by}" + (f": {comment}" if comment else "")
            summary = "; ".join(f"{c['field']}: {c['before']} → {c['after']}" for c in changes)
            self._event(
                s,
                "review.decided",
                run_id=review.run_id,
                document_id=doc.id,
                actor=by,
                message=decision + (f" ({summary})" if summary else "") + (f": {comment}" if comment else ""),
                data={
                    "review_id": review_id,
                    "decision": decision,
                    "corrected": [c["field"] for c in changes],
                },
            )
            return review

    @staticmethod
    def _changes(review: Review, corrections: dict[str, Any]) -> list[dict[str, Any]]:
        """Corrections that change a value, as stored: before from the fields shown, both redacted."""
        changes = []
        for name, value in corrections.items():
            before = review.fields.get(name)
            after = redact_field(name, _jsonable(value))
            if after != before:
                changes.append({"field": name, "before": before, "after": after})
        return changes

    def expire_review(self, review_id: int, *, message: str = "") -> None:
        """Nobody decided in time: close the review as ``expired`` (the document stays for a person,
        outside the run) and record a ``review.expired`` event. An already closed review stays as it is."""
        with self.session() as s:
            review = s.get(Review, review_id)
            if review is None:
                raise BusinessError("review.not_found", f"no review {review_id} in the ledger")
            changed = s.execute(
                update(Review)
                .where(Review.id == review_id, Review.status == ReviewStatus.OPEN)
                .values(status=ReviewStatus.EXPIRED, decided_at=_now())
                .execution_options(synchronize_session=False)
            ).rowcount
            if changed == 1:
                self._event(
                    s,
                    "review.expired",
                    run_id=review.run_id,
                    document_id=review.document_id,
                    actor="robot",
                    message=message or "nobody decided in time",
                    data={"review_id": review_id},
                )

    def get_review(self, review_id: int) -> Review | None:
        with self.session() as s:
            return s.scalar(
                select(Review).where(Review.id == review_id).options(selectinload(Review.document))
            )

    def open_reviews(self, older_than: dt.timedelta | None = None) -> list[Review]:
        """Reviews waiting for a person, oldest first; with ``older_than``, only those waiting longer."""
        with self.session() as s:
            q = select(Review).where(Review.status == ReviewStatus.OPEN)
            if older_than is not None:
                q = q.where(Review.opened_at <= _now() - older_than)
            q = q.order_by(Review.opened_at, Review.id).options(selectinload(Review.document))
            return list(s.scalars(q))

    def reviews(self, *, status: ReviewStatus | None = None, limit: int = 100) -> list[Review]:
        """Reviews, newest first (optionally of one status), with their document loaded."""
        with self.session() as s:
            q = select(Review).order_by(Review.opened_at.desc(), Review.id.desc()).limit(limit)
            if status is not None:
                q = q.where(Review.status == status)
            return list(s.scalars(q.options(selectinload(Review.document))))

    # -- reports -------------------------------------------------------------------------------------
    def _document(self, s: Session, document_id: str) -> Document:
        """A document by id or by a unique prefix of it (at least 4 hex digits)."""
        doc = s.get(Document, document_id)
        if doc is not None:
            return doc
        prefix = document_id.strip().lower()
        found = (
            list(s.scalars(select(Document).where(Document.id.startswith(prefix)).limit(2)))
            if _ID_PREFIX.match(prefix)
            else []
        )
        if not found:
            raise BusinessError("ledger.not_found", f"no document {document_id!r} in the ledger")
        if len(found) > 1:
            raise BusinessError(
                "ledger.ambiguous", f"document id {document_id!r} matches several documents: give more of it"
            )
        return found[0]

    def document_detail(self, document_id: str) -> dict[str, Any]:
        """Everything on record about one document (id or a unique prefix), JSON-ready: ``document``,
        ``run``, ``entries``, ``reviews`` and ``events`` (oldest first). Raises BusinessError
        ``ledger.not_found`` or ``ledger.ambiguous``."""
        with self.session() as s:
            doc = self._document(s, document_id)
            events = s.scalars(select(Event).where(Event.document_id == doc.id).order_by(Event.at, Event.id))
            return {
                "document": _row(doc),
                "run": _row(doc.run),
                "entries": [_row(e) for e in doc.entries],
                "reviews": [_row(r) for r in doc.reviews],
                "events": [_row(e) for e in events],
            }

    def export_csv(
        self,
        path: Path,
        *,
        since: dt.date | dt.datetime | None = None,
        until: dt.date | dt.datetime | None = None,
    ) -> int:
        """Write one row per document received in [since, until] (dates are days in Japan, both
        included; datetimes must be aware) to ``path`` as CSV (UTF-8 with BOM, CRLF: Excel opens the
        Japanese correctly), columns :data:`CSV_COLUMNS`, times in JST. Returns the rows written."""
        q = select(Document).order_by(Document.created_at, Document.id)
        if since is not None:
            q = q.where(Document.created_at >= _bound(since, end=False))
        if until is not None:
            bound = _bound(until, end=True)
            inclusive = isinstance(until, dt.datetime)  # a date's bound is the next day's midnight
            q = q.where(Document.created_at <= bound if inclusive else Document.created_at < bound)
        q = q.options(
            selectinload(Document.run), selectinload(Document.entries), selectinload(Document.reviews)
        ).execution_options(yield_per=500)
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        rows = 0
        with self.session() as s, path.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(CSV_COLUMNS)
            for doc in s.scalars(q):
                writer.writerow([_cell(v) for v in _csv_row(doc)])
                rows += 1
        return rows


def _jst(value: dt.datetime | None) -> str:
    return value.astimezone(JST).isoformat(timespec="seconds") if value is not None else ""


def _csv_row(doc: Document) -> list[Any]:
    confirmed = [e for e in doc.entries if e.status == EntryStatus.CONFIRMED]
    review = doc.reviews[-1] if doc.reviews else None
    return [
        doc.id,
        doc.run_id,
        doc.run.flow,
        _jst(doc.created_at),
        doc.file_name,
        doc.sha256,
        doc.status,
        confirmed[-1].target if confirmed else (doc.run.target or ""),
        ";".join(e.record_id for e in confirmed if e.record_id),
        doc.reference or "",
        doc.error_code or "",
        doc.error_message or "",
        review.status if review else "",
        (review.decided_by or "") if review else "",
        _jst(review.decided_at) if review and review.decided_by else "",
    ]
