"""Storage of the sandbox accounting app: one SQLite file holding master data, deals and receipt files.

The schema is versioned with ``PRAGMA user_version``; `migrate` applies what is missing and seeds the master
data, both idempotently, so an app can start on a new file or on one an older version left behind.
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

from sandbox.accounting.master import ACCOUNTS, SEED_PARTNERS, TAX_CATEGORIES

__all__ = [
    "Deal",
    "DealLine",
    "DealSummary",
    "NewDeal",
    "Partner",
    "Receipt",
    "Store",
    "connect",
    "migrate",
    "secret_key",
]

_JST = dt.timezone(dt.timedelta(hours=9), "JST")

# One entry per schema version; each is a list of statements applied in one transaction.
_MIGRATIONS: list[list[str]] = [
    [
        """CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)""",
        """CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            email TEXT NOT NULL UNIQUE,
            password_hash TEXT NOT NULL
        )""",
        """CREATE TABLE accounts (name TEXT PRIMARY KEY, position INTEGER NOT NULL)""",
        """CREATE TABLE tax_categories (name TEXT PRIMARY KEY, position INTEGER NOT NULL)""",
        """CREATE TABLE partners (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL
        )""",
        """CREATE TABLE deals (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            type TEXT NOT NULL CHECK (type IN ('expense', 'income')),
            issue_date TEXT NOT NULL,
            due_date TEXT,
            partner_id INTEGER NOT NULL REFERENCES partners (id),
            ref_number TEXT,
            amount INTEGER NOT NULL,
            created_at TEXT NOT NULL
        )""",
        """CREATE INDEX deals_ref_number ON deals (ref_number)""",
        """CREATE INDEX deals_partner ON deals (partner_id)""",
        """CREATE TABLE deal_lines (
            id INTEGER PRIMARY KEY,
            deal_id INTEGER NOT NULL REFERENCES deals (id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            account TEXT NOT NULL REFERENCES accounts (name),
            tax_category TEXT NOT NULL REFERENCES tax_categories (name),
            amount INTEGER NOT NULL CHECK (amount > 0),
            memo TEXT,
            UNIQUE (deal_id, position)
        )""",
        """CREATE TABLE receipts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            deal_id INTEGER NOT NULL REFERENCES deals (id) ON DELETE CASCADE,
            filename TEXT NOT NULL,
            content_type TEXT NOT NULL,
            size INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            data BLOB NOT NULL,
            created_at TEXT NOT NULL
        )""",
        """CREATE INDEX receipts_deal ON receipts (deal_id)""",
    ],
]


@dataclass(frozen=True)
class Partner:
    id: int
    name: str


@dataclass(frozen=True)
class DealLine:
    account: str
    tax_category: str
    amount: int
    memo: str | None


@dataclass(frozen=True)
class Receipt:
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str


@dataclass(frozen=True)
class NewDeal:
    """A validated deal, ready to be stored."""

    type: str
    issue_date: dt.date
    due_date: dt.date | None
    partner_id: int
    ref_number: str | None
    lines: tuple[DealLine, ...]
    receipt_filename: str | None = None
    receipt_content_type: str | None = None
    receipt_data: bytes | None = None
    receipt_sha256: str | None = None

    @property
    def amount(self) -> int:
        return sum(line.amount for line in self.lines)


@dataclass(frozen=True)
class DealSummary:
    """One row of the deal list."""

    id: int
    type: str
    issue_date: str
    due_date: str | None
    partner_name: str
    ref_number: str | None
    amount: int
    receipt_count: int


@dataclass(frozen=True)
class Deal:
    id: int
    type: str
    issue_date: str
    due_date: str | None
    partner_id: int
    partner_name: str
    ref_number: str | None
    amount: int
    lines: tuple[DealLine, ...]
    receipts: tuple[Receipt, ...]
    created_at: str


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
def _transaction(conn: sqlite3.Connection, *, immediate: bool = False) -> Iterator[None]:
    conn.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def migrate(conn: sqlite3.Connection, *, username: str, password: str) -> None:
    """Bring the schema up to date, seed the master data and the login user; safe to run on every start."""
    conn.execute("PRAGMA journal_mode = WAL")
    with _transaction(conn, immediate=True):
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        for number, statements in enumerate(_MIGRATIONS, start=1):
            if number > version:
                for statement in statements:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {number}")
        conn.executemany(
            "INSERT INTO accounts (name, position) VALUES (?, ?) "
            "ON CONFLICT (name) DO UPDATE SET position = excluded.position",
            [(name, i) for i, name in enumerate(ACCOUNTS)],
        )
        conn.executemany(
            "INSERT INTO tax_categories (name, position) VALUES (?, ?) "
            "ON CONFLICT (name) DO UPDATE SET position = excluded.position",
            [(name, i) for i, name in enumerate(TAX_CATEGORIES)],
        )
        conn.executemany(
            "INSERT OR IGNORE INTO partners (name, created_at) VALUES (?, ?)",
            [(name, _now()) for name in SEED_PARTNERS],
        )
        row = conn.execute("SELECT password_hash FROM users WHERE email = ?", (username,)).fetchone()
        if row is None:
            conn.execute(
                "INSERT INTO users (email, password_hash) VALUES (?, ?)",
                (username, generate_password_hash(password)),
            )
        elif not check_password_hash(row["password_hash"], password):
            conn.execute(
                "UPDATE users SET password_hash = ? WHERE email = ?",
                (generate_password_hash(password), username),
            )


def secret_key(conn: sqlite3.Connection) -> str:
    """The session signing key kept in the database (made on first use), so restarts keep people logged in."""
    with _transaction(conn, immediate=True):
        row = conn.execute("SELECT value FROM meta WHERE key = 'secret_key'").fetchone()
        if row:
            return str(row["value"])
        key = secrets.token_hex(32)
        conn.execute("INSERT INTO meta (key, value) VALUES ('secret_key', ?)", (key,))
        return key


def _substring(column: str) -> str:
    """SQL for 'column contains ?' (ASCII case-insensitive), without LIKE's wildcard pitfalls."""
    return f"instr(lower({column}), lower(?)) > 0"


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

    # -- partners ----------------------------------------------------------------------------------
    def partner(self, partner_id: int) -> Partner | None:
        row = self.conn.execute("SELECT id, name FROM partners WHERE id = ?", (partner_id,)).fetchone()
        return Partner(row["id"], row["name"]) if row else None

    def search_partners(self, query: str, limit: int) -> list[Partner]:
        """Partners whose name contains the query: the exact match first, then prefixes, then the rest."""
        rows = self.conn.execute(
            f"SELECT id, name FROM partners WHERE {_substring('name')} "
            "ORDER BY name = ? DESC, instr(name, ?) = 1 DESC, name LIMIT ?",
            (query, query, query, limit),
        ).fetchall()
        return [Partner(r["id"], r["name"]) for r in rows]

    def get_or_create_partner(self, name: str) -> tuple[Partner, bool]:
        """The partner with exactly this name, created when missing; and whether it was created."""
        with _transaction(self.conn, immediate=True):
            created = self.conn.execute(
                "INSERT OR IGNORE INTO partners (name, created_at) VALUES (?, ?)", (name, _now())
            ).rowcount
            row = self.conn.execute("SELECT id, name FROM partners WHERE name = ?", (name,)).fetchone()
        return Partner(row["id"], row["name"]), bool(created)

    # -- deals -------------------------------------------------------------------------------------
    def create_deal(self, deal: NewDeal) -> int:
        """Store a deal with its lines and receipt; its id."""
        with _transaction(self.conn, immediate=True):
            now = _now()
            deal_id = self.conn.execute(
                "INSERT INTO deals (type, issue_date, due_date, partner_id, ref_number, amount, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    deal.type,
                    deal.issue_date.isoformat(),
                    deal.due_date.isoformat() if deal.due_date else None,
                    deal.partner_id,
                    deal.ref_number,
                    deal.amount,
                    now,
                ),
            ).lastrowid
            self.conn.executemany(
                "INSERT INTO deal_lines (deal_id, position, account, tax_category, amount, memo) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (deal_id, position, line.account, line.tax_category, line.amount, line.memo)
                    for position, line in enumerate(deal.lines)
                ],
            )
            if deal.receipt_data is not None:
                self.conn.execute(
                    "INSERT INTO receipts (deal_id, filename, content_type, size, sha256, data, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        deal_id,
                        deal.receipt_filename,
                        deal.receipt_content_type,
                        len(deal.receipt_data),
                        deal.receipt_sha256,
                        deal.receipt_data,
                        now,
                    ),
                )
        assert deal_id is not None
        return deal_id

    def find_deals(
        self, *, ref_number: str | None, partner: str | None, limit: int, offset: int
    ) -> tuple[list[DealSummary], int]:
        """Deals newest first: 管理番号 matched exactly, 取引先 by substring; one page and the total count."""
        where: list[str] = []
        params: list[object] = []
        if ref_number:
            where.append("d.ref_number = ?")
            params.append(ref_number)
        if partner:
            where.append(_substring("p.name"))
            params.append(partner)
        clause = ("WHERE " + " AND ".join(where)) if where else ""
        base = f"FROM deals d JOIN partners p ON p.id = d.partner_id {clause}"
        total = self.conn.execute(f"SELECT count(*) {base}", params).fetchone()[0]
        rows = self.conn.execute(
            "SELECT d.id, d.type, d.issue_date, d.due_date, p.name AS partner_name, d.ref_number, d.amount, "
            "(SELECT count(*) FROM receipts r WHERE r.deal_id = d.id) AS receipt_count "
            f"{base} ORDER BY d.id DESC LIMIT ? OFFSET ?",
            [*params, limit, offset],
        ).fetchall()
        return [DealSummary(**dict(r)) for r in rows], total

    def deal(self, deal_id: int) -> Deal | None:
        row = self.conn.execute(
            "SELECT d.*, p.name AS partner_name FROM deals d JOIN partners p ON p.id = d.partner_id "
            "WHERE d.id = ?",
            (deal_id,),
        ).fetchone()
        if row is None:
            return None
        lines = tuple(
            DealLine(r["account"], r["tax_category"], r["amount"], r["memo"])
            for r in self.conn.execute(
                "SELECT account, tax_category, amount, memo FROM deal_lines "
                "WHERE deal_id = ? ORDER BY position",
                (deal_id,),
            )
        )
        receipts = tuple(
            Receipt(r["id"], r["filename"], r["content_type"], r["size"], r["sha256"])
            for r in self.conn.execute(
                "SELECT id, filename, content_type, size, sha256 FROM receipts WHERE deal_id = ? ORDER BY id",
                (deal_id,),
            )
        )
        return Deal(
            id=row["id"],
            type=row["type"],
            issue_date=row["issue_date"],
            due_date=row["due_date"],
            partner_id=row["partner_id"],
            partner_name=row["partner_name"],
            ref_number=row["ref_number"],
            amount=row["amount"],
            lines=lines,
            receipts=receipts,
            created_at=row["created_at"],
        )

    # -- receipts ----------------------------------------------------------------------------------
    def receipt_file(self, receipt_id: int) -> tuple[Receipt, bytes] | None:
        row = self.conn.execute(
            "SELECT id, filename, content_type, size, sha256, data FROM receipts WHERE id = ?", (receipt_id,)
        ).fetchone()
        if row is None:
            return None
        return Receipt(row["id"], row["filename"], row["content_type"], row["size"], row["sha256"]), row[
            "data"
        ]


@functools.cache
def _dummy_hash() -> str:
    """Checked against when the email is unknown, so a wrong email costs as long as a wrong password."""
    return generate_password_hash(secrets.token_hex(16))
