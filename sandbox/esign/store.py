"""Storage of the sandbox e-contract app: one SQLite file holding the login, documents, signers and the PDFs.

PDFs are kept as blobs in a ``files`` table keyed by their SHA-256 (the same file uploaded twice is stored
once; a file no document refers to any more is dropped in the same transaction). The schema is versioned
with ``PRAGMA user_version``; `migrate` applies what is missing, idempotently.
"""

from __future__ import annotations

import datetime as dt
import functools
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

__all__ = [
    "Document",
    "DocumentSummary",
    "NewFile",
    "RefNumberTakenError",
    "Signer",
    "StateError",
    "Store",
    "connect",
    "migrate",
    "secret_key",
]

_JST = dt.timezone(dt.timedelta(hours=9), "JST")

# How the login password is hashed (werkzeug's default, scrypt); tests may pick a cheaper real method.
PASSWORD_HASH_METHOD = "scrypt"

# One entry per schema version; each is a list of statements applied in one transaction.
_MIGRATIONS: list[list[str]] = [
    [
        """CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)""",
        """CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            email TEXT NOT NULL UNIQUE,
            password_hash TEXT NOT NULL
        )""",
        """CREATE TABLE files (
            sha256 TEXT PRIMARY KEY,
            size INTEGER NOT NULL,
            data BLOB NOT NULL
        )""",
        """CREATE TABLE documents (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            title TEXT NOT NULL,
            ref_number TEXT UNIQUE,
            status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'sent', 'signed')),
            file_name TEXT NOT NULL,
            file_sha256 TEXT NOT NULL REFERENCES files (sha256),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            sent_at TEXT,
            signed_at TEXT
        )""",
        """CREATE INDEX documents_file ON documents (file_sha256)""",
        """CREATE TABLE signers (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            name TEXT NOT NULL,
            email TEXT NOT NULL,
            sign_order INTEGER NOT NULL CHECK (sign_order >= 1),
            UNIQUE (document_id, position),
            UNIQUE (document_id, sign_order)
        )""",
    ],
]


class RefNumberTakenError(Exception):
    """The 管理番号 is already used by another document (`document_id`)."""

    def __init__(self, ref_number: str, document_id: int) -> None:
        super().__init__(f"ref_number {ref_number!r} is used by document {document_id}")
        self.ref_number = ref_number
        self.document_id = document_id


class StateError(Exception):
    """The document is not in a status that allows the change (e.g. editing a sent document)."""


@dataclass(frozen=True)
class NewFile:
    """A validated PDF, ready to be stored."""

    name: str
    data: bytes
    sha256: str


@dataclass(frozen=True)
class Signer:
    name: str
    email: str
    order: int


@dataclass(frozen=True)
class DocumentSummary:
    """One row of the document list."""

    id: int
    title: str
    ref_number: str | None
    status: str
    sent_at: str | None


@dataclass(frozen=True)
class Document:
    id: int
    title: str
    ref_number: str | None
    status: str
    file_name: str
    file_sha256: str
    file_size: int
    created_at: str
    sent_at: str | None
    signed_at: str | None
    signers: tuple[Signer, ...]  # in the order they were entered

    @property
    def signers_by_order(self) -> tuple[Signer, ...]:
        return tuple(sorted(self.signers, key=lambda s: s.order))


def _now() -> str:
    return dt.datetime.now(_JST).isoformat(timespec="seconds")


def connect(db_path: str | Path) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), foreign keys on, rows by name."""
    conn = sqlite3.connect(str(db_path), timeout=30, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 30000")
    return conn


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def migrate(conn: sqlite3.Connection, *, username: str, password: str) -> None:
    """Bring the schema up to date and seed the login user; safe to run on every start."""
    conn.execute("PRAGMA journal_mode = WAL")
    with _transaction(conn):
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        for number, statements in enumerate(_MIGRATIONS, start=1):
            if number > version:
                for statement in statements:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {number}")
        row = conn.execute("SELECT password_hash FROM users WHERE email = ?", (username,)).fetchone()
        if row is None:
            conn.execute(
                "INSERT INTO users (email, password_hash) VALUES (?, ?)",
                (username, generate_password_hash(password, method=PASSWORD_HASH_METHOD)),
            )
        elif not check_password_hash(row["password_hash"], password):
            conn.execute(
                "UPDATE users SET password_hash = ? WHERE email = ?",
                (generate_password_hash(password, method=PASSWORD_HASH_METHOD), username),
            )


def secret_key(conn: sqlite3.Connection) -> str:
    """The session signing key kept in the database (made on first use), so restarts keep people logged in."""
    with _transaction(conn):
        row = conn.execute("SELECT value FROM meta WHERE key = 'secret_key'").fetchone()
        if row:
            return str(row["value"])
        key = secrets.token_hex(32)
        conn.execute("INSERT INTO meta (key, value) VALUES ('secret_key', ?)", (key,))
        return key


class Store:
    """The queries of the app, on one connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    # -- users -------------------------------------------------------------------------------------
    def user_exists(self, email: str) -> bool:
        return self.conn.execute("SELECT 1 FROM users WHERE email = ?", (email,)).fetchone() is not None

    def check_login(self, email: str, password: str) -> bool:
        """Whether the email and password match a user (a hash is checked even for unknown emails)."""
        row = self.conn.execute("SELECT password_hash FROM users WHERE email = ?", (email,)).fetchone()
        stored = row["password_hash"] if row else _dummy_hash()
        return check_password_hash(stored, password) and row is not None

    # -- documents ---------------------------------------------------------------------------------
    def ref_number_owner(self, ref_number: str) -> int | None:
        """The id of the document that uses this 管理番号, if any."""
        row = self.conn.execute("SELECT id FROM documents WHERE ref_number = ?", (ref_number,)).fetchone()
        return int(row["id"]) if row else None

    def _put_file(self, file: NewFile) -> None:
        self.conn.execute(
            "INSERT OR IGNORE INTO files (sha256, size, data) VALUES (?, ?, ?)",
            (file.sha256, len(file.data), file.data),
        )

    def _drop_unused_file(self, sha256: str) -> None:
        self.conn.execute(
            "DELETE FROM files WHERE sha256 = ? "
            "AND NOT EXISTS (SELECT 1 FROM documents WHERE file_sha256 = ?)",
            (sha256, sha256),
        )

    def _write(
        self, sql: str, params: tuple[object, ...], ref_number: str | None, document_id: int | None = None
    ) -> int:
        """Run an INSERT/UPDATE of a document; a 管理番号 clash becomes RefNumberTakenError. The row id."""
        try:
            return int(self.conn.execute(sql, params).lastrowid or 0)
        except sqlite3.IntegrityError:
            owner = self.ref_number_owner(ref_number) if ref_number else None
            if owner is not None and owner != document_id:
                raise RefNumberTakenError(ref_number or "", owner) from None
            raise

    def create_draft(self, title: str, ref_number: str | None, file: NewFile) -> int:
        """Store a new draft with its PDF; its id. RefNumberTakenError when the 管理番号 is in use."""
        with _transaction(self.conn):
            now = _now()
            self._put_file(file)
            return self._write(
                "INSERT INTO documents (title, ref_number, file_name, file_sha256, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (title, ref_number, file.name, file.sha256, now, now),
                ref_number,
            )

    def update_draft(
        self, document_id: int, title: str, ref_number: str | None, file: NewFile | None
    ) -> None:
        """Change a draft's title, 管理番号 and (when given) its PDF. StateError unless it is a draft."""
        with _transaction(self.conn):
            old = self._draft_file(document_id)
            if file is None:
                self._write(
                    "UPDATE documents SET title = ?, ref_number = ?, updated_at = ? WHERE id = ?",
                    (title, ref_number, _now(), document_id),
                    ref_number,
                    document_id,
                )
                return
            self._put_file(file)
            self._write(
                "UPDATE documents SET title = ?, ref_number = ?, file_name = ?, file_sha256 = ?, "
                "updated_at = ? WHERE id = ?",
                (title, ref_number, file.name, file.sha256, _now(), document_id),
                ref_number,
                document_id,
            )
            self._drop_unused_file(old)

    def _draft_file(self, document_id: int) -> str:
        """The file hash of a draft (inside a transaction); StateError when missing or not a draft."""
        row = self.conn.execute(
            "SELECT status, file_sha256 FROM documents WHERE id = ?", (document_id,)
        ).fetchone()
        if row is None or row["status"] != "draft":
            raise StateError(f"document {document_id} is not a draft")
        return str(row["file_sha256"])

    def set_signers(self, document_id: int, signers: list[Signer]) -> None:
        """Replace a draft's signers. StateError unless it is a draft."""
        with _transaction(self.conn):
            self._draft_file(document_id)
            self.conn.execute("DELETE FROM signers WHERE document_id = ?", (document_id,))
            self.conn.executemany(
                "INSERT INTO signers (document_id, position, name, email, sign_order) VALUES (?, ?, ?, ?, ?)",
                [(document_id, i, s.name, s.email, s.order) for i, s in enumerate(signers)],
            )
            self.conn.execute("UPDATE documents SET updated_at = ? WHERE id = ?", (_now(), document_id))

    def send(self, document_id: int) -> None:
        """Draft → sent (needs at least one signer). StateError otherwise."""
        with _transaction(self.conn):
            self._draft_file(document_id)
            if not self.conn.execute(
                "SELECT 1 FROM signers WHERE document_id = ?", (document_id,)
            ).fetchone():
                raise StateError(f"document {document_id} has no signers")
            now = _now()
            self.conn.execute(
                "UPDATE documents SET status = 'sent', sent_at = ?, updated_at = ? WHERE id = ?",
                (now, now, document_id),
            )

    def mark_signed(self, document_id: int) -> None:
        """Sent → signed (what the counterparties would do). StateError otherwise."""
        with _transaction(self.conn):
            now = _now()
            changed = self.conn.execute(
                "UPDATE documents SET status = 'signed', signed_at = ?, updated_at = ? "
                "WHERE id = ? AND status = 'sent'",
                (now, now, document_id),
            ).rowcount
            if not changed:
                raise StateError(f"document {document_id} is not sent")

    def delete_draft(self, document_id: int) -> None:
        """Remove a draft with its signers (and its file when no other document uses it)."""
        with _transaction(self.conn):
            sha256 = self._draft_file(document_id)
            self.conn.execute("DELETE FROM documents WHERE id = ?", (document_id,))
            self._drop_unused_file(sha256)

    def find_documents(
        self, *, ref_number: str | None, limit: int, offset: int
    ) -> tuple[list[DocumentSummary], int]:
        """Documents, newest first, optionally with exactly this 管理番号; and how many there are in all."""
        where, params = ("WHERE ref_number = ?", [ref_number]) if ref_number else ("", [])
        total = self.conn.execute(f"SELECT count(*) FROM documents {where}", params).fetchone()[0]
        rows = self.conn.execute(
            f"SELECT id, title, ref_number, status, sent_at FROM documents {where} "
            "ORDER BY id DESC LIMIT ? OFFSET ?",
            [*params, limit, offset],
        ).fetchall()
        return [DocumentSummary(**dict(r)) for r in rows], total

    def document(self, document_id: int) -> Document | None:
        row = self.conn.execute(
            "SELECT d.*, f.size AS file_size FROM documents d JOIN files f ON f.sha256 = d.file_sha256 "
            "WHERE d.id = ?",
            (document_id,),
        ).fetchone()
        if row is None:
            return None
        signers = tuple(
            Signer(r["name"], r["email"], r["sign_order"])
            for r in self.conn.execute(
                "SELECT name, email, sign_order FROM signers WHERE document_id = ? ORDER BY position",
                (document_id,),
            )
        )
        return Document(
            id=row["id"],
            title=row["title"],
            ref_number=row["ref_number"],
            status=row["status"],
            file_name=row["file_name"],
            file_sha256=row["file_sha256"],
            file_size=row["file_size"],
            created_at=row["created_at"],
            sent_at=row["sent_at"],
            signed_at=row["signed_at"],
            signers=signers,
        )

    def file_data(self, sha256: str) -> bytes | None:
        row = self.conn.execute("SELECT data FROM files WHERE sha256 = ?", (sha256,)).fetchone()
        return bytes(row["data"]) if row else None


@functools.cache
def _dummy_hash() -> str:
    """Checked against when the email is unknown, so a wrong email costs as long as a wrong password."""
    return generate_password_hash(secrets.token_hex(16), method=PASSWORD_HASH_METHOD)
