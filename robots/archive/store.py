"""The document archive: originals kept once and unchanged, facts searchable, every act on record.

``Archive(home, ledger_url)`` keeps the bytes under ``<home>/archive/objects`` (see
:class:`robots.archive.objects.ObjectStore`) and the metadata in the ledger's database (tables in
:mod:`robots.archive.models`). Corrections add versions; nothing here updates or deletes a version or an
audit row. Every method returns plain snapshots (:class:`ArchivedDocument`), never live ORM objects.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, and_, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from robots.archive.export import INDEX_NAME, JST, export_file_name, unique_names, write_index
from robots.archive.models import ArchiveAudit, ArchiveDocument, ArchiveVersion, AuditAction, DocumentType
from robots.archive.objects import ObjectStore
from robots.archive.retention import retention_until
from robots.errors import ApplicationError, BusinessError
from robots.jp.names import party_match_key
from robots.jp.registration import RegistrationNumberError, normalize_registration_number
from robots.ledger.store import Ledger

if TYPE_CHECKING:
    from robots.settings import Settings

__all__ = [
    "CORRECTABLE_FIELDS",
    "Archive",
    "ArchivedDocument",
    "ArchivedVersion",
    "AuditEvent",
    "SearchCriteria",
    "VerifyReport",
    "counterparty_key",
]

CORRECTABLE_FIELDS = ("transaction_date", "amount", "counterparty", "registration_number")
_CHUNK = 1 << 20


# -- snapshots -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ArchivedVersion:
    """The searchable facts of a document as of one version."""

    version: int
    transaction_date: dt.date
    amount: int
    counterparty: str
    registration_number: str | None
    recorded_at: dt.datetime
    recorded_by: str
    reason: str | None

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "transaction_date": self.transaction_date.isoformat(),
            "amount": self.amount,
            "counterparty": self.counterparty,
            "registration_number": self.registration_number,
            "recorded_at": self.recorded_at.isoformat(timespec="seconds"),
            "recorded_by": self.recorded_by,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class ArchivedDocument:
    """An archived original and every version of its facts, oldest first (``latest`` is what searches
    see)."""

    id: str
    sha256: str
    size: int
    suffix: str
    original_name: str
    document_type: DocumentType
    received_at: dt.datetime
    source: str
    fiscal_year_end: dt.date
    loss_carryforward: bool
    retention_until: dt.date
    created_at: dt.datetime
    created_by: str
    deleted_at: dt.datetime | None
    deleted_by: str | None
    versions: tuple[ArchivedVersion, ...]

    @property
    def latest(self) -> ArchivedVersion:
        return self.versions[-1]

    @property
    def version(self) -> int:
        return self.latest.version

    @property
    def transaction_date(self) -> dt.date:
        return self.latest.transaction_date

    @property
    def amount(self) -> int:
        return self.latest.amount

    @property
    def counterparty(self) -> str:
        return self.latest.counterparty

    @property
    def registration_number(self) -> str | None:
        return self.latest.registration_number

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "sha256": self.sha256,
            "size": self.size,
            "original_name": self.original_name,
            "document_type": self.document_type.value,
            "received_at": self.received_at.astimezone(JST).isoformat(timespec="seconds"),
            "source": self.source,
            "fiscal_year_end": self.fiscal_year_end.isoformat(),
            "loss_carryforward": self.loss_carryforward,
            "retention_until": self.retention_until.isoformat(),
            "created_at": self.created_at.isoformat(timespec="seconds"),
            "created_by": self.created_by,
            "deleted_at": self.deleted_at.isoformat(timespec="seconds") if self.deleted_at else None,
            "deleted_by": self.deleted_by,
            **{
                k: v for k, v in self.latest.to_json_dict().items() if k not in ("recorded_at", "recorded_by")
            },
            "versions": [v.to_json_dict() for v in self.versions],
        }


@dataclass(frozen=True)
class AuditEvent:
    id: int
    at: dt.datetime
    actor: str
    action: AuditAction
    document_id: str | None
    detail: dict[str, Any]

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at.isoformat(timespec="seconds"),
            "actor": self.actor,
            "action": self.action.value,
            "document_id": self.document_id,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class SearchCriteria:
    """Any AND combination of a transaction-date range, an amount range (both inclusive) and a
    counterparty (normalized, partial match); all None means everything."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    amount_min: int | None = None
    amount_max: int | None = None
    counterparty: str | None = None

    def to_json_dict(self) -> dict[str, Any]:
        return {
            k: (v.isoformat() if isinstance(v, dt.date) else v)
            for k, v in self.__dict__.items()
            if v is not None
        }


@dataclass(frozen=True)
class VerifyReport:
    """Result of re-hashing every stored original."""

    checked: int
    missing: list[str] = field(default_factory=list)
    """SHA-256 of live documents whose object file is gone."""
    altered: list[str] = field(default_factory=list)
    """SHA-256 of live documents whose object file no longer hashes to its name."""
    unreferenced: list[str] = field(default_factory=list)
    """Object files with no live document (left by an interrupted ``add``, or a deleted one's bytes)."""

    @property
    def ok(self) -> bool:
        return not (self.missing or self.altered)


# -- helpers -------------------------------------------------------------------------------------------
def counterparty_key(name: str) -> str | None:
    """What searches compare: ``party_match_key`` (NFKC, legal forms such as 株式会社/(株)/㈱ and spaces
    removed, variant kanji folded), case-folded. None when no name is left."""
    key = party_match_key(name)
    return key.casefold() if key else None


def _aware(value: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; everything is stored in UTC."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _version_snapshot(v: ArchiveVersion) -> ArchivedVersion:
    return ArchivedVersion(
        version=v.version,
        transaction_date=v.transaction_date,
        amount=v.amount,
        counterparty=v.counterparty,
        registration_number=v.registration_number,
        recorded_at=_aware(v.recorded_at),
        recorded_by=v.recorded_by,
        reason=v.reason,
    )


def _snapshot(doc: ArchiveDocument) -> ArchivedDocument:
    return ArchivedDocument(
        id=doc.id,
        sha256=doc.sha256,
        size=doc.size,
        suffix=doc.suffix,
        original_name=doc.original_name,
        document_type=DocumentType(doc.document_type),
        received_at=_aware(doc.received_at),
        source=doc.source,
        fiscal_year_end=doc.fiscal_year_end,
        loss_carryforward=doc.loss_carryforward,
        retention_until=doc.retention_until,
        created_at=_aware(doc.created_at),
        created_by=doc.created_by,
        deleted_at=_aware(doc.deleted_at) if doc.deleted_at else None,
        deleted_by=doc.deleted_by,
        versions=tuple(_version_snapshot(v) for v in sorted(doc.versions, key=lambda v: v.version)),
    )


def _label(doc: ArchiveDocument | ArchivedDocument) -> str:
    return f"{doc.sha256[:12]} ({doc.original_name})"


def _text(value: str | None, what: str, where: str, max_len: int) -> str:
    text = (value or "").strip()
    if not text:
        raise BusinessError("archive.invalid", f"{where}: {what} is empty")
    if len(text) > max_len:
        raise BusinessError("archive.invalid", f"{where}: {what} is longer than {max_len} characters")
    return text


def _date(value: Any, what: str, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raise BusinessError("archive.invalid", f"{where}: {what} must be a date, got {value!r}")


def _amount(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise BusinessError(
            "archive.invalid", f"{where}: amount must be an integer number of yen, got {value!r}"
        )
    return value


def _party(value: Any, where: str) -> tuple[str, str]:
    name = _text(value if isinstance(value, str) else None, "counterparty", where, 200)
    key = counterparty_key(name)
    if not key:
        raise BusinessError("archive.invalid", f"{where}: counterparty {name!r} holds no name")
    return name, key


def _registration(value: str | None, where: str) -> str | None:
    if value is None or not value.strip():
        return None
    try:
        return normalize_registration_number(value)
    except RegistrationNumberError as exc:
        raise BusinessError("archive.invalid", f"{where}: {exc}") from exc


def _doc_type(value: Any, where: str) -> DocumentType:
    try:
        return DocumentType(value)
    except ValueError as exc:
        allowed = ", ".join(t.value for t in DocumentType)
        raise BusinessError(
            "archive.invalid", f"{where}: document type {value!r} is not one of {allowed}"
        ) from exc


def _received_at(value: dt.datetime) -> dt.datetime:
    """Aware → UTC; naive is taken as Japan time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=JST)
    return value.astimezone(dt.UTC)


def _jst_today() -> dt.date:
    return dt.datetime.now(JST).date()


# -- the archive ---------------------------------------------------------------------------------------
class Archive:
    """Write-once originals under ``<home>/archive/objects``, metadata in the ledger database at
    ``ledger_url`` (call :meth:`migrate` once before use, as for :class:`robots.ledger.Ledger`)."""

    def __init__(self, home: Path, ledger_url: str) -> None:
        self.home = Path(home)
        self.objects = ObjectStore(self.home / "archive" / "objects")
        self._ledger = Ledger(ledger_url)

    @classmethod
    def from_settings(cls, settings: Settings) -> Archive:
        return cls(settings.home, settings.ledger_url)

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine of the shared ledger database."""
        return self._ledger.engine

    def migrate(self) -> None:
        """Bring the shared ledger/archive schema to the newest revision (idempotent)."""
        self._ledger.migrate()

    def close(self) -> None:
        self._ledger.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def object_path(self, document: ArchivedDocument) -> Path:
        """Where the original's bytes are (read-only; gone once the document is deleted)."""
        return self.objects.path_for(document.sha256)

    # -- internals ---------------------------------------------------------------------------------
    @staticmethod
    def _audit(s: Session, actor: str, action: AuditAction, document_id: str | None, **detail: Any) -> None:
        s.add(ArchiveAudit(actor=actor, action=action.value, document_id=document_id, detail=detail))

    @staticmethod
    def _load(s: Session, document_id: str) -> ArchiveDocument:
        return s.scalars(
            select(ArchiveDocument)
            .where(ArchiveDocument.id == document_id)
            .options(selectinload(ArchiveDocument.versions))
            .execution_options(populate_existing=True)
        ).one()

    @staticmethod
    def _resolve(s: Session, sha_or_id: str) -> ArchiveDocument:
        ref = (sha_or_id or "").strip().lower()
        doc = s.scalar(
            select(ArchiveDocument)
            .where((ArchiveDocument.sha256 == ref) | (ArchiveDocument.id == ref))
            .options(selectinload(ArchiveDocument.versions))
        )
        if doc is not None:
            return doc
        if len(ref) >= 6 and all(c in "0123456789abcdef" for c in ref):
            found = list(
                s.scalars(
                    select(ArchiveDocument)
                    .where(ArchiveDocument.sha256.startswith(ref))
                    .options(selectinload(ArchiveDocument.versions))
                    .limit(2)
                )
            )
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                raise BusinessError("archive.ambiguous", f"{sha_or_id}: more than one document starts so")
        raise BusinessError("archive.not_found", f"{sha_or_id}: no archived document with this SHA-256 or id")

    # -- add ---------------------------------------------------------------------------------------
    def add(
        self,
        path: Path,
        *,
        doc_type: DocumentType | str,
        transaction_date: dt.date,
        amount: int,
        counterparty: str,
        registration_number: str | None = None,
        received_at: dt.datetime,
        source: str,
        fiscal_year_end: dt.date,
        loss_carryforward: bool = False,
        actor: str,
    ) -> ArchivedDocument:
        """Store an original once and record its facts as version 1.

        The same bytes again return the existing record unchanged (audited ``duplicate_received``);
        bytes whose document was deleted after its retention period are refused. Raises BusinessError
        naming the file for unreadable files and invalid facts.
        """
        path = Path(path)
        where = path.name
        kind = _doc_type(doc_type, where)
        tdate = _date(transaction_date, "transaction date", where)
        yen = _amount(amount, where)
        party, key = _party(counterparty, where)
        reg = _registration(registration_number, where)
        year_end = _date(fiscal_year_end, "fiscal year end", where)
        origin = _text(source, "source", where, 500)
        who = _text(actor, "actor", where, 100)
        received = _received_at(received_at)
        staged = self.objects.stage(path)
        try:
            with self._ledger.session() as s:
                existing = s.scalar(select(ArchiveDocument).where(ArchiveDocument.sha256 == staged.sha256))
                if existing is None:
                    self.objects.commit(staged)
                    doc = ArchiveDocument(
                        sha256=staged.sha256,
                        size=staged.size,
                        suffix=path.suffix.lower()[:20],
                        original_name=path.name[:500],
                        document_type=kind.value,
                        received_at=received,
                        source=origin,
                        fiscal_year_end=year_end,
                        loss_carryforward=bool(loss_carryforward),
                        retention_until=retention_until(year_end, bool(loss_carryforward)),
                        created_by=who,
                    )
                    s.add(doc)
                    s.flush()
                    s.add(
                        ArchiveVersion(
                            document_id=doc.id,
                            version=1,
                            transaction_date=tdate,
                            amount=yen,
                            counterparty=party,
                            counterparty_key=key,
                            registration_number=reg,
                            recorded_by=who,
                        )
                    )
                    self._audit(s, who, AuditAction.ADD, doc.id, file=path.name, source=origin)
                    s.flush()
                    return _snapshot(self._load(s, doc.id))
        except IntegrityError:
            pass  # another process stored the same bytes between our look-up and insert
        finally:
            self.objects.discard(staged)
        return self._duplicate(staged.sha256, path, origin, received, who)

    def _duplicate(
        self, sha256: str, path: Path, source: str, received: dt.datetime, actor: str
    ) -> ArchivedDocument:
        with self._ledger.session() as s:
            doc = self._resolve(s, sha256)
            self._audit(
                s,
                actor,
                AuditAction.DUPLICATE_RECEIVED,
                doc.id,
                file=path.name,
                source=source,
                received_at=received.isoformat(timespec="seconds"),
            )
            snap = _snapshot(doc)
        if snap.deleted:
            raise BusinessError(
                "archive.deleted",
                f"{path.name}: the same bytes were archived as {_label(snap)} and deleted on "
                f"{snap.deleted_at.astimezone(JST):%Y-%m-%d} after their retention period",
            )
        return snap

    # -- correct -----------------------------------------------------------------------------------
    def correct(self, sha_or_id: str, *, actor: str, reason: str, **changes: Any) -> ArchivedDocument:
        """Record corrected facts as a new version; the original bytes and older versions stay.

        ``changes``: any of ``transaction_date``, ``amount``, ``counterparty``, ``registration_number``
        (None clears it). Raises BusinessError for other fields, unchanged values and deleted documents.
        """
        with self._ledger.session() as s:
            doc = self._resolve(s, sha_or_id)
            where = _label(doc)
            who = _text(actor, "actor", where, 100)
            why = _text(reason, "reason", where, 2000)
            unknown = sorted(set(changes) - set(CORRECTABLE_FIELDS))
            if unknown:
                raise BusinessError(
                    "archive.invalid",
                    f"{where}: cannot correct {', '.join(unknown)}; "
                    f"correctable: {', '.join(CORRECTABLE_FIELDS)}",
                )
            if doc.deleted_at is not None:
                raise BusinessError("archive.deleted", f"{where}: deleted, cannot be corrected")
            latest = max(doc.versions, key=lambda v: v.version)
            new = {
                "transaction_date": latest.transaction_date,
                "amount": latest.amount,
                "counterparty": latest.counterparty,
                "registration_number": latest.registration_number,
            }
            if "transaction_date" in changes:
                new["transaction_date"] = _date(changes["transaction_date"], "transaction date", where)
            if "amount" in changes:
                new["amount"] = _amount(changes["amount"], where)
            if "counterparty" in changes:
                new["counterparty"], _ = _party(changes["counterparty"], where)
            if "registration_number" in changes:
                new["registration_number"] = _registration(changes["registration_number"], where)
            old = {k: getattr(latest, k) for k in new}
            diff = {k: [_jsonable(old[k]), _jsonable(new[k])] for k in CORRECTABLE_FIELDS if old[k] != new[k]}
            if not diff:
                raise BusinessError("archive.no_change", f"{where}: the correction changes nothing")
            number = latest.version + 1
            s.add(
                ArchiveVersion(
                    document_id=doc.id,
                    version=number,
                    counterparty_key=counterparty_key(new["counterparty"]),
                    recorded_by=who,
                    reason=why,
                    **new,
                )
            )
            self._audit(s, who, AuditAction.CORRECT, doc.id, version=number, reason=why, changes=diff)
            try:
                s.flush()
            except IntegrityError as exc:
                raise ApplicationError(
                    "archive.concurrent_change", f"{where}: corrected by someone else at the same time"
                ) from exc
            return _snapshot(self._load(s, doc.id))

    # -- read --------------------------------------------------------------------------------------
    def get(self, sha_or_id: str) -> ArchivedDocument:
        """A document by SHA-256, id or an unambiguous SHA-256 prefix (6+ hex digits), deleted or not,
        with every version."""
        with self._ledger.session() as s:
            return _snapshot(self._resolve(s, sha_or_id))

    def audit_log(self, sha_or_id: str | None = None) -> list[AuditEvent]:
        """Audit events, oldest first: all of them, or those of one document."""
        with self._ledger.session() as s:
            q = select(ArchiveAudit).order_by(ArchiveAudit.id)
            if sha_or_id is not None:
                q = q.where(ArchiveAudit.document_id == self._resolve(s, sha_or_id).id)
            return [
                AuditEvent(
                    id=a.id,
                    at=_aware(a.at),
                    actor=a.actor,
                    action=AuditAction(a.action),
                    document_id=a.document_id,
                    detail=a.detail,
                )
                for a in s.scalars(q)
            ]

    def search(
        self,
        *,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
        amount_min: int | None = None,
        amount_max: int | None = None,
        counterparty: str | None = None,
        include_deleted: bool = False,
    ) -> list[ArchivedDocument]:
        """Documents whose LATEST version matches every condition given (ranges inclusive; the
        counterparty by normalized key, partial match), ordered by transaction date."""
        criteria = SearchCriteria(date_from, date_to, amount_min, amount_max, counterparty)
        return self._search(criteria, include_deleted=include_deleted)

    def _search(self, c: SearchCriteria, *, include_deleted: bool = False) -> list[ArchivedDocument]:
        where = "search"
        conditions = []
        if c.date_from is not None:
            conditions.append(ArchiveVersion.transaction_date >= _date(c.date_from, "date_from", where))
        if c.date_to is not None:
            conditions.append(ArchiveVersion.transaction_date <= _date(c.date_to, "date_to", where))
        if c.amount_min is not None:
            conditions.append(ArchiveVersion.amount >= _amount(c.amount_min, where))
        if c.amount_max is not None:
            conditions.append(ArchiveVersion.amount <= _amount(c.amount_max, where))
        if c.date_from is not None and c.date_to is not None and c.date_from > c.date_to:
            raise BusinessError("archive.invalid", f"search: date range {c.date_from}..{c.date_to} is empty")
        if c.amount_min is not None and c.amount_max is not None and c.amount_min > c.amount_max:
            raise BusinessError(
                "archive.invalid", f"search: amount range {c.amount_min}..{c.amount_max} is empty"
            )
        if c.counterparty is not None:
            _, key = _party(c.counterparty, where)
            conditions.append(ArchiveVersion.counterparty_key.contains(key, autoescape=True))
        latest = (
            select(ArchiveVersion.document_id, func.max(ArchiveVersion.version).label("version"))
            .group_by(ArchiveVersion.document_id)
            .subquery()
        )
        q = (
            select(ArchiveVersion.document_id)
            .join(
                latest,
                and_(
                    ArchiveVersion.document_id == latest.c.document_id,
                    ArchiveVersion.version == latest.c.version,
                ),
            )
            .join(ArchiveDocument, ArchiveDocument.id == ArchiveVersion.document_id)
            .where(*conditions)
            .order_by(
                ArchiveVersion.transaction_date,
                ArchiveVersion.counterparty_key,
                ArchiveVersion.amount,
                ArchiveDocument.created_at,
                ArchiveDocument.sha256,
            )
        )
        if not include_deleted:
            q = q.where(ArchiveDocument.deleted_at.is_(None))
        with self._ledger.session() as s:
            ids = list(s.scalars(q))
            docs = {
                d.id: d
                for d in s.scalars(
                    select(ArchiveDocument)
                    .where(ArchiveDocument.id.in_(ids))
                    .options(selectinload(ArchiveDocument.versions))
                )
            }
            return [_snapshot(docs[i]) for i in ids]

    # -- export ------------------------------------------------------------------------------------
    def export(
        self, selection: Sequence[ArchivedDocument] | SearchCriteria, out_dir: Path, *, actor: str
    ) -> list[Path]:
        """Copy originals into ``out_dir`` (new or empty) as ``YYYYMMDD_取引先_金額.pdf`` (the latest
        version's facts; repeats get ``_2``, ``_3``) and write ``index.csv`` beside them.

        Each copy is checked against its SHA-256 while written. Returns the copies in index order.
        """
        out_dir = Path(out_dir)
        who = _text(actor, "actor", str(out_dir), 100)
        if isinstance(selection, SearchCriteria):
            docs = self._search(selection)
        else:
            docs = [self.get(d.id) for d in selection]
        for doc in docs:
            if doc.deleted:
                raise BusinessError("archive.deleted", f"{_label(doc)}: deleted, cannot be exported")
        if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
            raise BusinessError("archive.export_target", f"{out_dir}: export into a new or empty folder")
        out_dir.mkdir(parents=True, exist_ok=True)
        names = unique_names(
            export_file_name(d.transaction_date, d.counterparty, d.amount, d.suffix or ".pdf") for d in docs
        )
        written: list[Path] = []
        for name, doc in zip(names, docs, strict=True):
            target = out_dir / name
            self._copy_verified(doc, target)
            written.append(target)
        write_index(out_dir / INDEX_NAME, zip(names, docs, strict=True))
        with self._ledger.session() as s:
            for name, doc in zip(names, docs, strict=True):
                self._audit(
                    s, who, AuditAction.EXPORT, doc.id, out_dir=str(out_dir), file=name, version=doc.version
                )
        return written

    def _copy_verified(self, doc: ArchivedDocument, target: Path) -> None:
        source = self.object_path(doc)
        digest = hashlib.sha256()
        try:
            with source.open("rb") as f, target.open("xb") as out:
                while chunk := f.read(_CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
        except FileNotFoundError as exc:
            target.unlink(missing_ok=True)
            raise BusinessError(
                "archive.missing",
                f"{_label(doc)}: the stored original is missing; run `kuroko archive verify`",
            ) from exc
        if digest.hexdigest() != doc.sha256:
            target.unlink(missing_ok=True)
            raise BusinessError(
                "archive.altered",
                f"{_label(doc)}: the stored original no longer matches its SHA-256; "
                "run `kuroko archive verify`",
            )

    # -- delete ------------------------------------------------------------------------------------
    def delete(self, sha_or_id: str, *, actor: str, today: dt.date | None = None) -> ArchivedDocument:
        """Delete an original after its retention period: the bytes go, the metadata stays, marked.

        Before the period ends (up to and including ``retention_until``) the deletion is refused with a
        BusinessError naming the date, and the refusal is audited. ``today`` defaults to today in Japan.
        """
        today = today or _jst_today()
        with self._ledger.session() as s:
            doc = self._resolve(s, sha_or_id)
            where = _label(doc)
            who = _text(actor, "actor", where, 100)
            if doc.deleted_at is not None:
                raise BusinessError("archive.deleted", f"{where}: already deleted")
            refused = today <= doc.retention_until
            if refused:
                self._audit(
                    s,
                    who,
                    AuditAction.DELETE_REFUSED,
                    doc.id,
                    today=today.isoformat(),
                    retention_until=doc.retention_until.isoformat(),
                )
                until = doc.retention_until
            else:
                doc.deleted_at = dt.datetime.now(dt.UTC)
                doc.deleted_by = who
                self._audit(s, who, AuditAction.DELETE, doc.id, today=today.isoformat())
                s.flush()
                self.objects.remove(doc.sha256)  # inside the transaction: a failure here rolls back
                result = _snapshot(doc)
        if refused:
            raise BusinessError(
                "archive.retention",
                f"{where}: must be kept until {until:%Y-%m-%d} (retention period); deletion refused",
            )
        return result

    # -- verify ------------------------------------------------------------------------------------
    def verify(self, *, actor: str) -> VerifyReport:
        """Re-hash every stored original; report missing and altered ones (and stray object files).
        The result is audited."""
        who = _text(actor, "actor", "verify", 100)
        with self._ledger.session() as s:
            live = list(s.scalars(select(ArchiveDocument.sha256).where(ArchiveDocument.deleted_at.is_(None))))
        missing: list[str] = []
        altered: list[str] = []
        for sha in sorted(live):
            problem = self.objects.check(sha)
            if problem == "missing":
                missing.append(sha)
            elif problem == "altered":
                altered.append(sha)
        unreferenced = sorted(self.objects.all_names() - set(live))
        report = VerifyReport(len(live), missing, altered, unreferenced)
        with self._ledger.session() as s:
            self._audit(
                s,
                who,
                AuditAction.VERIFY,
                None,
                checked=report.checked,
                missing=missing,
                altered=altered,
                unreferenced=unreferenced,
            )
        return report


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value
