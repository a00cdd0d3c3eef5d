"""サンドボックス人事労務: a freee-style cloud HR/payroll app to point browser robots at (Flask + SQLite).

Employees are registered through a four-step wizard, attendance is entered per month, and a JSON read API
(bearer token) lets tests check what a robot typed. `create_app` is all a caller needs; serve it with
`sandbox.server`, or run ``python -m sandbox.hr``.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from werkzeug.exceptions import HTTPException

from sandbox import chaos as _chaos
from sandbox.hr import store as _store
from sandbox.hr.master import ACCOUNT_TYPES, EMPLOYMENT_TYPES, GENDERS, LEAVE_TYPES, PAY_TYPES, PREFECTURES
from sandbox.hr.totp import totp, verify_totp
from sandbox.hr.validation import is_valid_my_number
from sandbox.hr.views import bp, handle_http_error

__all__ = [
    "ACCOUNT_TYPES",
    "EMPLOYMENT_TYPES",
    "GENDERS",
    "LEAVE_TYPES",
    "PAY_TYPES",
    "PREFECTURES",
    "create_app",
    "is_valid_my_number",
    "totp",
    "verify_totp",
]


def create_app(
    db_path: str | Path,
    *,
    username: str = "demo@example.jp",
    password: str = "kuroko-demo",
    api_token: str = "sandbox-token",
    secret_key: str | None = None,
    totp_seed: str | None = None,
    chaos: _chaos.Chaos | None = None,
) -> Flask:
    """The app on a SQLite file (created with its folder when missing, migrated on every start).

    `username`/`password` is the one login (the password is stored hashed), `api_token` the bearer token of
    the JSON API. With `totp_seed` (base32, as given to an authenticator app) the login asks for a 確認コード
    after the password. Without `secret_key`, one is made once and kept in the database. `chaos` turns on
    the shared misbehaviour switches of `sandbox.chaos` (latency, 5xx, session expiry, UI version 2, modal).
    """
    if totp_seed:
        verify_totp(totp_seed, "000000")  # a seed that is not base32 fails here, not at the first login
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
        SANDBOX_TOTP_SEED=totp_seed or None,
        # Different sandboxes on one host differ only by port, and cookies ignore ports: a name of our own.
        SESSION_COOKIE_NAME="sandbox_hr_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        MAX_CONTENT_LENGTH=1024 * 1024,
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]
    _chaos.install(app, chaos)
    app.register_blueprint(bp)
    app.register_error_handler(HTTPException, handle_http_error)
    return app
