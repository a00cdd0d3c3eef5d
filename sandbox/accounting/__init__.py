"""サンドボックス会計: a freee-style cloud accounting app to point browser robots at (Flask + SQLite).

`create_app` is all a caller needs; serve it with `sandbox.server`, or run ``python -m sandbox.accounting``.
Deals are entered one by one (``/deals/new``) or in bulk from a freee 取引インポート CSV (``/deals/import``).
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from werkzeug.exceptions import HTTPException

from sandbox import chaos as _chaos
from sandbox.accounting import store as _store
from sandbox.accounting.deal_import import IMPORT_HEADER
from sandbox.accounting.import_views import bp as import_bp
from sandbox.accounting.master import ACCOUNTS, TAX_CATEGORIES
from sandbox.accounting.validation import MAX_RECEIPT_BYTES
from sandbox.accounting.views import bp, handle_http_error

__all__ = ["ACCOUNTS", "IMPORT_HEADER", "TAX_CATEGORIES", "create_app"]


def create_app(
    db_path: str | Path,
    *,
    username: str = "demo@example.jp",
    password: str = "kuroko-demo",
    api_token: str = "sandbox-token",
    secret_key: str | None = None,
    chaos: _chaos.Chaos | None = None,
) -> Flask:
    """The app on a SQLite file (created with its folder when missing, migrated and seeded on every start).

    `username`/`password` is the one login (the password is stored hashed), `api_token` the bearer token of
    the JSON API. Without `secret_key`, one is made once and kept in the database. `chaos` turns on the
    shared misbehaviour switches of `sandbox.chaos` (latency, 5xx, session expiry, UI version 2, modal).
    """
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    conn = _store.connect(db_path)
    try:
        _store.migrate(conn, username=username, password=password)
        key = secret_key or _store.secret_key(conn)
    finally:
        conn.close()

    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=key,
        SANDBOX_DB_PATH=str(db_path),
        SANDBOX_API_TOKEN=api_token,
        # Different sandboxes on one host differ only by port, and cookies ignore ports: a name of our own.
        SESSION_COOKIE_NAME="sandbox_accounting_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # Room for a 10 MB receipt plus the form; anything larger is refused with 413 before parsing.
        MAX_CONTENT_LENGTH=MAX_RECEIPT_BYTES + 1024 * 1024,
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]
    _chaos.install(app, chaos)
    app.register_blueprint(bp)
    app.register_blueprint(import_bp)
    app.register_error_handler(HTTPException, handle_http_error)
    return app
