"""Storage of the sandbox HR app: one SQLite file with the login, employees, wizard drafts and attendance.

The schema is versioned with ``PRAGMA user_version``; `migrate` applies what is missing, idempotently, so an
app can start on a new file or on one an older version left behind. マイナンバー are kept in a table of their
own, apart from the employee rows (the handling rules ask for separate storage).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from werkzeug.security import check_password_hash, generate_password_hash

from sandbox.hr.validation import DayEntry, NewEmployee

__all__ = [
    "AttendanceDay",
    "Employee",
    "EmployeeNoTakenError",
    "Store",
    "connect",
    "migrate",
    "secret_key",
]

_JST = dt.timezone(dt.timedelta(hours=9), "JST")
DRAFT_LIFETIME = dt.timedelta(days=1)

# One entry per schema version; each is a list of statements applied in one transaction.
_MIGRATIONS: list[list[str]] = [
    [
        """CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)""",
        """CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            email TEXT NOT NULL UNIQUE,
            password_hash TEXT NOT NULL
        )""",
        """CREATE TABLE employees (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            employee_no TEXT NOT NULL UNIQUE,
            last_name TEXT NOT NULL,
            first_name TEXT NOT NULL,
            last_name_kana TEXT NOT NULL,
            first_name_kana TEXT NOT NULL,
            birth_date TEXT NOT NULL,
            gender TEXT NOT NULL,
            entry_date TEXT NOT NULL,
            employment_type TEXT NOT NULL,
            pay_type TEXT NOT NULL,
            base_pay INTEGER NOT NULL,
            postal_code TEXT NOT NULL,
            prefecture TEXT NOT NULL,
            address TEXT NOT NULL,
            phone TEXT NOT NULL,
            bank_code TEXT NOT NULL,
            branch_code TEXT NOT NULL,
            account_type TEXT NOT NULL,
            account_number TEXT NOT NULL,
            account_holder TEXT NOT NULL,
            created_at TEXT NOT NULL
        )""",
        """CREATE TABLE personal_numbers (
            employee_id INTEGER PRIMARY KEY REFERENCES employees (id) ON DELETE CASCADE,
            number TEXT NOT NULL
        )""",
        """CREATE TABLE drafts (
            token TEXT PRIMARY KEY,
            data TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        """CREATE TABLE attendance (
            employee_id INTEGER NOT NULL REFERENCES employees (id) ON DELETE CASCADE,
            date TEXT NOT NULL,
            clock_in TEXT,
            clock_out TEXT,
            break_minutes INTEGER,
            leave TEXT NOT NULL,
            PRIMARY KEY (employee_id, date)
        )""",
    ],
]


class EmployeeNoTakenError(Exception):
    """Another employee already has this 従業員番号 (two saves raced)."""


@dataclass(frozen=True)
class Employee:
    id: int
    employee_no: str
    last_name: str
    first_name: str
    last_name_kana: str
    first_name_kana: str
    birth_date: str
    gender: str
    my_number: str | None
    entry_date: str
    employment_type: str
    pay_type: str
    base_pay: int
    postal_code: str
    prefecture: str
    address: str
    phone: str
    bank_code: str
    branch_code: str
    account_type: str
    account_number: str
    account_holder: str
    created_at: str

    @property
    def name(self) -> str:
        return f"{self.last_name} {self.first_name}"

    @property
    def kana(self) -> str:
        return f"{self.last_name_kana} {self.first_name_kana}"


@dataclass(frozen=True)
class AttendanceDay:
    date: str
    clock_in: str | None
    clock_out: str | None
    break_minutes: int | None
    leave: str


def _now() -> str:
    return dt.datetime.now(_JST).isoformat(timespec="seconds")


def connect(db_path: str | Path) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), foreign keys on, rows by name."""
    conn = sqlite3.connect(str(db_path), timeout=30, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 30000")
    # With the WAL journal, NORMAL never corrupts the file; a power cut may lose the last commits. Fine for
    # a sandbox, and it spares an fsync per request.
    conn.execute("PRAGMA synchronous = NORMAL")
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
    """Bring the schema up to date and set the login user; safe to run on every start."""
    conn.execute("PRAGMA journal_mode = WAL")
    with _transaction(conn, immediate=True):
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


_EMPLOYEE_COLUMNS = (
    "employee_no, last_name, first_name, last_name_kana, first_name_kana, birth_date, gender, entry_date, "
    "employment_type, pay_type, base_pay, postal_code, prefecture, address, phone, bank_code, branch_code, "
    "account_type, account_number, account_holder"
)


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

    # -- employees ---------------------------------------------------------------------------------
    def employee_no_taken(self, employee_no: str) -> bool:
        return (
            self.conn.execute("SELECT 1 FROM employees WHERE employee_no = ?", (employee_no,)).fetchone()
            is not None
        )

    def create_employee(self, e: NewEmployee) -> int:
        """Store an employee (its マイナンバー apart); its id. EmployeeNoTakenError on a duplicate number."""
        try:
            with _transaction(self.conn, immediate=True):
                employee_id = self.conn.execute(
                    f"INSERT INTO employees ({_EMPLOYEE_COLUMNS}, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        e.employee_no,
                        e.last_name,
                        e.first_name,
                        e.last_name_kana,
                        e.first_name_kana,
                        e.birth_date.isoformat(),
                        e.gender,
                        e.entry_date.isoformat(),
                        e.employment_type,
                        e.pay_type,
                        e.base_pay,
                        e.postal_code,
                        e.prefecture,
                        e.address,
                        e.phone,
                        e.bank_code,
                        e.branch_code,
                        e.account_type,
                        e.account_number,
                        e.account_holder,
                        _now(),
                    ),
                ).lastrowid
                if e.my_number:
                    self.conn.execute(
                        "INSERT INTO personal_numbers (employee_id, number) VALUES (?, ?)",
                        (employee_id, e.my_number),
                    )
        except sqlite3.IntegrityError as exc:
            if "employees.employee_no" in str(exc):
                raise EmployeeNoTakenError(e.employee_no) from exc
            raise
        assert employee_id is not None
        return employee_id

    def _employee(self, row: sqlite3.Row) -> Employee:
        return Employee(**dict(row))

    _SELECT = (
        "SELECT e.*, n.number AS my_number FROM employees e "
        "LEFT JOIN personal_numbers n ON n.employee_id = e.id"
    )

    def employee(self, employee_id: int) -> Employee | None:
        row = self.conn.execute(f"{self._SELECT} WHERE e.id = ?", (employee_id,)).fetchone()
        return self._employee(row) if row else None

    def find_employees(self, *, employee_no: str | None) -> list[Employee]:
        """Employees by 従業員番号 (matched exactly when given), in 従業員番号 order."""
        if employee_no:
            rows = self.conn.execute(
                f"{self._SELECT} WHERE e.employee_no = ? ORDER BY e.employee_no", (employee_no,)
            )
        else:
            rows = self.conn.execute(f"{self._SELECT} ORDER BY e.employee_no, e.id")
        return [self._employee(r) for r in rows]

    # -- wizard drafts -----------------------------------------------------------------------------
    def new_draft(self) -> str:
        """A new empty draft (drafts untouched for a day are dropped on the way); its token."""
        token = secrets.token_urlsafe(24)
        cutoff = (dt.datetime.now(_JST) - DRAFT_LIFETIME).isoformat(timespec="seconds")
        with _transaction(self.conn, immediate=True):
            self.conn.execute("DELETE FROM drafts WHERE updated_at < ?", (cutoff,))
            self.conn.execute(
                "INSERT INTO drafts (token, data, updated_at) VALUES (?, ?, ?)",
                (token, json.dumps({"values": {}, "done": []}), _now()),
            )
        return token

    def draft(self, token: str) -> dict[str, Any] | None:
        row = self.conn.execute("SELECT data FROM drafts WHERE token = ?", (token,)).fetchone()
        return json.loads(row["data"]) if row else None

    def save_draft(self, token: str, data: dict[str, Any]) -> None:
        self.conn.execute(
            "UPDATE drafts SET data = ?, updated_at = ? WHERE token = ?",
            (json.dumps(data, ensure_ascii=False), _now(), token),
        )

    def delete_draft(self, token: str) -> None:
        self.conn.execute("DELETE FROM drafts WHERE token = ?", (token,))

    # -- attendance --------------------------------------------------------------------------------
    def attendance(self, employee_id: int, first: dt.date, last: dt.date) -> dict[str, AttendanceDay]:
        """The stored days between `first` and `last` (inclusive), by ISO date."""
        rows = self.conn.execute(
            "SELECT date, clock_in, clock_out, break_minutes, leave FROM attendance "
            "WHERE employee_id = ? AND date BETWEEN ? AND ? ORDER BY date",
            (employee_id, first.isoformat(), last.isoformat()),
        )
        return {r["date"]: AttendanceDay(**dict(r)) for r in rows}

    def replace_attendance(
        self, employee_id: int, first: dt.date, last: dt.date, entries: list[DayEntry]
    ) -> None:
        """Make the days between `first` and `last` exactly `entries` (one transaction)."""
        with _transaction(self.conn, immediate=True):
            self.conn.execute(
                "DELETE FROM attendance WHERE employee_id = ? AND date BETWEEN ? AND ?",
                (employee_id, first.isoformat(), last.isoformat()),
            )
            self.conn.executemany(
                "INSERT INTO attendance (employee_id, date, clock_in, clock_out, break_minutes, leave) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (employee_id, e.date.isoformat(), e.clock_in, e.clock_out, e.break_minutes, e.leave)
                    for e in entries
                ],
            )


@functools.cache
def _dummy_hash() -> str:
    """Checked against when the email is unknown, so a wrong email costs as long as a wrong password."""
    return generate_password_hash(secrets.token_hex(16))
