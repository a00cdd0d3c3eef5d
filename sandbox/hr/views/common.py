"""Plumbing shared by the HR app's pages and API: the blueprint, the store of a request, CSRF, login and
bearer-token checks, Japanese error pages, the label table of the UI version, template helpers."""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.exceptions import HTTPException

from sandbox import chaos as _chaos
from sandbox.hr.labels import labels_for
from sandbox.hr.master import ACCOUNT_TYPES, EMPLOYMENT_TYPES, GENDERS, LEAVE_TYPES, PAY_TYPES, PREFECTURES
from sandbox.hr.store import Employee, Store, connect

__all__ = [
    "CSRF_MESSAGE",
    "api_auth",
    "bp",
    "csrf_token",
    "employee_or_404",
    "handle_http_error",
    "labels",
    "login_required",
    "mask",
    "require_csrf",
    "safe_next",
    "store",
    "today",
]

bp = Blueprint("hr", __name__)

_JST = dt.timezone(dt.timedelta(hours=9), "JST")
CSRF_MESSAGE = (
    "セッションの有効期限が切れたか、フォームが古くなっています。"
    "ページを再読み込みしてから、もう一度操作してください。"
)

F = TypeVar("F", bound=Callable[..., Any])

_ERROR_MESSAGES: dict[int, tuple[str, str, str]] = {
    # status: (JSON error code, page title, message)
    400: ("bad_request", "不正なリクエスト", "リクエストの内容が正しくありません。"),
    401: ("unauthorized", "認証が必要です", "ログインしてください。"),
    403: ("forbidden", "アクセスできません", "この操作は許可されていません。"),
    404: ("not_found", "ページが見つかりません", "お探しのページは見つかりませんでした。"),
    405: ("method_not_allowed", "操作できません", "このURLではその操作はできません。"),
    413: ("too_large", "データが大きすぎます", "送信されたデータが大きすぎます。"),
    500: (
        "internal_error",
        "サーバーエラー",
        "サーバーでエラーが発生しました。時間をおいてもう一度お試しください。",
    ),
    503: (
        "unavailable",
        "ただいま混み合っています",
        "サーバーが混み合っています。時間をおいてもう一度お試しください。",
    ),
}


def store() -> Store:
    """The store of this request (one connection per request, closed at teardown)."""
    if "store" not in g:
        g.store = Store(connect(current_app.config["SANDBOX_DB_PATH"]))
    return g.store


@bp.teardown_app_request
def _close_store(_exc: BaseException | None) -> None:
    st = g.pop("store", None)
    if st is not None:
        st.conn.close()


def today() -> dt.date:
    """Today in Japan."""
    return dt.datetime.now(_JST).date()


def labels() -> dict[str, str]:
    """The label table of the UI version this request renders."""
    return labels_for(_chaos.ui_version())


def csrf_token() -> str:
    """This session's CSRF token, made on first use."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return str(session["csrf"])


def _csrf_ok() -> bool:
    sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token") or ""
    expected = session.get("csrf") or ""
    return bool(sent and expected) and hmac.compare_digest(str(sent), str(expected))


def require_csrf() -> None:
    if not _csrf_ok():
        abort(400, description=CSRF_MESSAGE)


def current_user() -> str | None:
    email = session.get("user")
    if email and store().user_exists(email):
        return str(email)
    return None


def _bearer_ok() -> bool:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    expected = current_app.config["SANDBOX_API_TOKEN"]
    return scheme.lower() == "bearer" and bool(token) and hmac.compare_digest(token.strip(), expected)


def login_required(view: F) -> F:
    """Pages: redirect to the login page (with ``next``) when nobody is logged in or the session is gone."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_user() is None:
            target = request.full_path.rstrip("?") if request.query_string else request.path
            return redirect(url_for("hr.login", next=target))
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def api_auth(view: F) -> F:
    """API: the bearer token or a logged-in session; else 401 JSON."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if _bearer_ok() or current_user() is not None:
            return view(*args, **kwargs)
        response = jsonify(error="unauthorized", message="ログインするか、APIトークンを指定してください。")
        response.status_code = 401
        response.headers["WWW-Authenticate"] = 'Bearer realm="sandbox-hr"'
        return response

    return wrapper  # type: ignore[return-value]


def safe_next(raw: str | None) -> str | None:
    """``next`` only when it is a path on this site (no scheme, no host, no protocol-relative tricks)."""
    if not raw or not raw.startswith("/") or raw.startswith("//") or "\\" in raw:
        return None
    parts = urlsplit(raw)
    if parts.scheme or parts.netloc or any(ord(ch) < 32 for ch in raw):
        return None
    return raw


def mask(value: str | None) -> str:
    """All but the last 4 characters hidden: ``1234567`` → ``＊＊＊4567``."""
    if not value:
        return ""
    return "＊" * max(len(value) - 4, 0) + value[-4:]


def employee_or_404(employee_id: int) -> Employee:
    employee = store().employee(employee_id)
    if employee is None:
        abort(404, description=f"従業員が見つかりません（ID: {employee_id}）")
    return employee


def handle_http_error(exc: HTTPException) -> Response | tuple[Any, int]:
    """HTTP errors in Japanese: JSON under /api/, an error page elsewhere."""
    status = exc.code or 500
    code, title, message = _ERROR_MESSAGES.get(
        status, (exc.name.lower().replace(" ", "_"), exc.name, exc.name)
    )
    if exc.description and not exc.description.isascii():  # a message of ours, already in Japanese
        message = exc.description
    if request.path.startswith("/api/"):
        body = {"error": code} if status == 404 else {"error": code, "message": message}
        return jsonify(body), status
    return render_template("error.html", title=title, message=message, status=status), status


@bp.app_context_processor
def _template_globals() -> dict[str, Any]:
    return {
        "csrf_token": csrf_token,
        "current_user": current_user,
        "L": labels(),
        "GENDERS": GENDERS,
        "EMPLOYMENT_TYPES": EMPLOYMENT_TYPES,
        "PAY_TYPES": PAY_TYPES,
        "ACCOUNT_TYPES": ACCOUNT_TYPES,
        "LEAVE_TYPES": LEAVE_TYPES,
        "PREFECTURES": PREFECTURES,
    }


@bp.app_template_filter("yen")
def _yen_filter(amount: int) -> str:
    return f"{amount:,}"


@bp.app_template_filter("masked")
def _masked_filter(value: str | None) -> str:
    return mask(value)


@bp.after_app_request
def _security_headers(response: Response) -> Response:
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'",
    )
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    # Pages carry personal data: never kept in a shared cache or the browser's back-forward cache on disk.
    if response.mimetype == "text/html" or request.path.startswith("/api/"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response
