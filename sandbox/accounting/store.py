"""Storage of the sandbox accounting app: one SQLite file holding master data, deals and receipt files.

The schema is versioned with ``PRAGMA user_version``; `migrate` applies what is missing and seeds the master
data, both idempotently, so an app can start on a new file or on one an older version left behind.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import secrets
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from werkzeug.security import check_password_hash, generate_password_hash

from sandbox.accounting.master import ACCOUNTS, SEED_PARTNERS, TAX_CATEGORIES

__all__ = [
    "AcceptedDeal",
    "Deal",
    "DealLine",
    "DealSummary",
    "ImportBatch",
    "NewDeal",
    "Partner",
    "PendingDeal",
    "Receipt",
    "RejectedDeal",
    "Store",
    "connect",
    "migrate",
    "secret_key",
]

_T = TypeVar("_T")
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
    [
        """CREATE TABLE import_batches (
            id TEXT PRIMARY KEY,
            filename TEXT NOT NULL,
            encoding TEXT NOT NULL,
            row_count INTEGER NOT NULL,
            created_at TEXT NOT NULL
        )""",
        """CREATE TABLE import_results (
            batch_id TEXT NOT NULL REFERENCES import_batches (id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            outcome TEXT NOT NULL CHECK (outcome IN ('accepted', 'rejected')),
            row_numbers TEXT NOT NULL,
            ref_number TEXT,
            deal_id INTEGER REFERENCES deals (id),
            reasons TEXT,
            PRIMARY KEY (batch_id, position)
        )""",
    ],
]

# SQLite allows at most 32766 parameters per statement; IN lists are sent in chunks well below that.
_CHUNK = 500


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


@dataclass(frozen=True)
class PendingDeal:
    """A deal read from an import file that passed validation: its CSV rows, its 取引先 by name (created when
    missing), and the deal itself (its ``partner_id`` is filled in when stored)."""

    row_numbers: tuple[int, ...]
    partner_name: str
    deal: NewDeal


@dataclass(frozen=True)
class RejectedDeal:
    """Rows of an import file that were not stored, and every reason why (in Japanese)."""

    row_numbers: tuple[int, ...]
    ref_number: str | None
    reasons: tuple[str, ...]

    @property
    def reason(self) -> str:
        return " / ".join(self.reasons)


@dataclass(frozen=True)
class AcceptedDeal:
    row_numbers: tuple[int, ...]
    ref_number: str | None
    deal_id: int
    partner_name: str
    amount: int


@dataclass(frozen=True)
class ImportBatch:
    """One import: what was read, what was stored, what was refused (both in file order)."""

    id: str
    filename: str
    encoding: str
    row_count: int
    created_at: str
    accepted: tuple[AcceptedDeal, ...]
    rejected: tuple[RejectedDeal, ...]


def _chunks(values: Sequence[_T]) -> Iterator[Sequence[_T]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _placeholders(values: Sequence[object]) -> str:
    return ", ".join("?" * len(values))


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
        self,
        *,
        ref_number: str | None,
        partner: str | None,
        limit: int,
        offset: int,
        ref_numbers: Sequence[str] = (),
    ) -> tuple[list[DealSummary], int]:
        """Deals newest first: 管理番号 matched exactly (`ref_number`, or any of `ref_numbers`), 取引先 by
        substring; one page and the total count."""
        where: list[str] = []
        params: list[object] = []
        if ref_number:
            where.append("d.ref_number = ?")
            params.append(ref_number)
        if ref_numbers:
            where.append(f"d.ref_number IN ({_placeholders(ref_numbers)})")
            params.extend(ref_numbers)
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
        found = self.deals([deal_id])
        return found[0] if found else None

    def deals(self, deal_ids: Sequence[int]) -> list[Deal]:
        """The deals with these ids, in the order asked (unknown ids left out); three queries per 500 ids."""
        by_id: dict[int, Deal] = {}
        for chunk in _chunks(deal_ids):
            marks = _placeholders(chunk)
            rows = self.conn.execute(
                "SELECT d.*, p.name AS partner_name FROM deals d JOIN partners p ON p.id = d.partner_id "
                f"WHERE d.id IN ({marks})",
                chunk,
            ).fetchall()
            lines: dict[int, list[DealLine]] = {}
            for r in self.conn.execute(
                "SELECT deal_id, account, tax_category, amount, memo FROM deal_lines "
                f"WHERE deal_id IN ({marks}) ORDER BY deal_id, position",
                chunk,
            ):
                lines.setdefault(r["deal_id"], []).append(
                    DealLine(r["account"], r["tax_category"], r["amount"], r["memo"])
                )
            receipts: dict[int, list[Receipt]] = {}
            for r in self.conn.execute(
                "SELECT id, deal_id, filename, content_type, size, sha256 FROM receipts "
                f"WHERE deal_id IN ({marks}) ORDER BY id",
                chunk,
            ):
                receipts.setdefault(r["deal_id"], []).append(
                    Receipt(r["id"], r["filename"], r["content_type"], r["size"], r["sha256"])
                )
            for row in rows:
                by_id[row["id"]] = Deal(
                    id=row["id"],
                    type=row["type"],
                    issue_date=row["issue_date"],
                    due_date=row["due_date"],
                    partner_id=row["partner_id"],
                    partner_name=row["partner_name"],
                    ref_number=row["ref_number"],
                    amount=row["amount"],
                    lines=tuple(lines.get(row["id"], ())),
                    receipts=tuple(receipts.get(row["id"], ())),
                    created_at=row["created_at"],
                )
        return [by_id[i] for i in deal_ids if i in by_id]

    # -- imports -----------------------------------------------------------------------------------
    def _taken_ref_numbers(self, refs: Iterable[str]) -> set[str]:
        wanted = sorted(set(refs))
        taken: set[str] = set()
        for chunk in _chunks(wanted):
            taken.update(
                r[0]
                for r in self.conn.execute(
                    f"SELECT DISTINCT ref_number FROM deals WHERE ref_number IN ({_placeholders(chunk)})",
                    chunk,
                )
            )
        return taken

    def _partner_ids(self, names: Iterable[str]) -> dict[str, int]:
        """Ids of the partners with these names, creating the missing ones (inside a transaction)."""
        wanted = sorted(set(names))
        now = _now()
        self.conn.executemany(
            "INSERT OR IGNORE INTO partners (name, created_at) VALUES (?, ?)", [(n, now) for n in wanted]
        )
        ids: dict[str, int] = {}
        for chunk in _chunks(wanted):
            ids.update(
                (r["name"], r["id"])
                for r in self.conn.execute(
                    f"SELECT id, name FROM partners WHERE name IN ({_placeholders(chunk)})", chunk
                )
            )
        return ids

    def import_deals(
        self,
        *,
        filename: str,
        encoding: str,
        row_count: int,
        pending: Sequence[PendingDeal],
        rejected: Sequence[RejectedDeal],
    ) -> str:
        """Store an import in one transaction: each pending deal unless its 管理番号 is already taken (on the
        target or earlier in the same file), its missing 取引先 created; and the batch's record. Its id."""
        batch_id = secrets.token_hex(8)
        with _transaction(self.conn, immediate=True):
            now = _now()
            taken = self._taken_ref_numbers(p.deal.ref_number for p in pending if p.deal.ref_number)
            first_row_of: dict[str, int] = {}
            accepted: list[PendingDeal] = []
            refused = list(rejected)
            for p in pending:
                ref = p.deal.ref_number
                if ref and ref in taken:
                    refused.append(RejectedDeal(p.row_numbers, ref, (f"管理番号 {ref} は登録済みです",)))
                elif ref and ref in first_row_of:
                    refused.append(
                        RejectedDeal(
                            p.row_numbers,
                            ref,
                            (f"管理番号 {ref} は登録済みです（このファイルの{first_row_of[ref]}行目）",),
                        )
                    )
                else:
                    if ref:
                        first_row_of[ref] = p.row_numbers[0]
                    accepted.append(p)

            partner_ids = self._partner_ids(p.partner_name for p in accepted)
            # Explicit ids, so lines can refer to their deal without a round trip per deal; the write lock
            # of this transaction keeps them free.
            next_id = (
                1
                + self.conn.execute(
                    "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'deals'), 0), "
                    "coalesce((SELECT max(id) FROM deals), 0))"
                ).fetchone()[0]
            )
            deal_ids = list(range(next_id, next_id + len(accepted)))
            self.conn.executemany(
                "INSERT INTO deals "
                "(id, type, issue_date, due_date, partner_id, ref_number, amount, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        deal_id,
                        p.deal.type,
                        p.deal.issue_date.isoformat(),
                        p.deal.due_date.isoformat() if p.deal.due_date else None,
                        partner_ids[p.partner_name],
                        p.deal.ref_number,
                        p.deal.amount,
                        now,
                    )
                    for deal_id, p in zip(deal_ids, accepted, strict=True)
                ],
            )
            self.conn.executemany(
                "INSERT INTO deal_lines (deal_id, position, account, tax_category, amount, memo) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (deal_id, position, line.account, line.tax_category, line.amount, line.memo)
                    for deal_id, p in zip(deal_ids, accepted, strict=True)
                    for position, line in enumerate(p.deal.lines)
                ],
            )
            self.conn.execute(
                "INSERT INTO import_batches (id, filename, encoding, row_count, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (batch_id, filename, encoding, row_count, now),
            )
            results: list[tuple[tuple[int, ...], str, str | None, int | None, str | None]] = [
                (p.row_numbers, "accepted", p.deal.ref_number, deal_id, None)
                for deal_id, p in zip(deal_ids, accepted, strict=True)
            ]
            results += [
                (r.row_numbers, "rejected", r.ref_number, None, json.dumps(r.reasons, ensure_ascii=False))
                for r in refused
            ]
            results.sort(key=lambda result: result[0])
            self.conn.executemany(
                "INSERT INTO import_results "
                "(batch_id, position, outcome, row_numbers, ref_number, deal_id, reasons) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (batch_id, position, outcome, ",".join(map(str, rows)), ref, deal_id, reasons)
                    for position, (rows, outcome, ref, deal_id, reasons) in enumerate(results)
                ],
            )
        return batch_id

    def import_batch(self, batch_id: str) -> ImportBatch | None:
        batch = self.conn.execute("SELECT * FROM import_batches WHERE id = ?", (batch_id,)).fetchone()
        if batch is None:
            return None
        accepted: list[AcceptedDeal] = []
        rejected: list[RejectedDeal] = []
        for r in self.conn.execute(
            "SELECT r.outcome, r.row_numbers, r.ref_number, r.deal_id, r.reasons, "
            "p.name AS partner_name, d.amount FROM import_results r "
            "LEFT JOIN deals d ON d.id = r.deal_id LEFT JOIN partners p ON p.id = d.partner_id "
            "WHERE r.batch_id = ? ORDER BY r.position",
            (batch_id,),
        ):
            rows = tuple(int(n) for n in r["row_numbers"].split(","))
            if r["outcome"] == "accepted":
                accepted.append(
                    AcceptedDeal(rows, r["ref_number"], r["deal_id"], r["partner_name"], r["amount"])
                )
            else:
                rejected.append(RejectedDeal(rows, r["ref_number"], tuple(json.loads(r["reasons"]))))
        return ImportBatch(
            id=batch["id"],
            filename=batch["filename"],
            encoding=batch["encoding"],
            row_count=batch["row_count"],
            created_at=batch["created_at"],
            accepted=tuple(accepted),
            rejected=tuple(rejected),
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
