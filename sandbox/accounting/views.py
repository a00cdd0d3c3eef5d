"""Pages and JSON API of the sandbox accounting app: login, CSRF, bearer-token auth, deals, and the
plumbing the import pages (`import_views`) share. Screens are worded per UI version (`labels`)."""

from __future__ import annotations

import hmac
import io
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlencode, urlsplit

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
    send_file,
    session,
    url_for,
)
from werkzeug.exceptions import HTTPException

from sandbox import chaos as _chaos
from sandbox.accounting.labels import labels_for, wording_for
from sandbox.accounting.master import ACCOUNTS, DEAL_TYPES, TAX_CATEGORIES
from sandbox.accounting.store import Deal, Store, connect
from sandbox.accounting.validation import FieldError, LineValues, Upload, line_values, validate_deal

__all__ = [
    "api_auth",
    "bp",
    "csrf_token",
    "current_user",
    "handle_http_error",
    "labels",
    "login_required",
    "require_csrf",
    "store",
]

bp = Blueprint("accounting", __name__)

PAGE_SIZE = 50
MAX_API_LIMIT = 1000
PARTNER_SUGGESTIONS = 10
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
    413: ("too_large", "データが大きすぎます", "送信されたデータが大きすぎます。証憑は10MBまでです。"),
    500: (
        "internal_error",
        "サーバーエラー",
        "サーバーでエラーが発生しました。時間をおいてもう一度お試しください。",
    ),
    502: (
        "bad_gateway",
        "通信エラー",
        "サーバーから応答がありませんでした。時間をおいてもう一度お試しください。",
    ),
    503: (
        "service_unavailable",
        "ただいま混み合っています",
        "サーバーが混み合っています。時間をおいてもう一度お試しください。",
    ),
}
_IMPORT_TOO_LARGE = "送信されたデータが大きすぎます。CSVファイルは5MBまでです（分けて取り込んでください）。"


# -- plumbing ----------------------------------------------------------------------------------------
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
    """Abort with 400 (in Japanese) unless the form or header carries this session's CSRF token."""
    if not _csrf_ok():
        abort(400, description=CSRF_MESSAGE)


def current_user() -> str | None:
    """The logged-in user's email, or None."""
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
    """Pages: redirect to the login page (with ``next``) when nobody is logged in."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_user() is None:
            target = request.full_path.rstrip("?") if request.query_string else request.path
            return redirect(url_for("accounting.login", next=target))
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def api_auth(view: F) -> F:
    """API: a session (with the CSRF header for writes) or the bearer token; else 401 JSON."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if _bearer_ok():
            return view(*args, **kwargs)
        if current_user() is None:
            response = jsonify(
                error="unauthorized", message="ログインするか、APIトークンを指定してください。"
            )
            response.status_code = 401
            response.headers["WWW-Authenticate"] = 'Bearer realm="sandbox-accounting"'
            return response
        if request.method not in ("GET", "HEAD", "OPTIONS") and not _csrf_ok():
            return jsonify(error="csrf_failed", message=CSRF_MESSAGE), 400
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _safe_next(raw: str | None) -> str | None:
    """``next`` only when it is a path on this site (no scheme, no host, no protocol-relative tricks)."""
    if not raw or not raw.startswith("/") or raw.startswith("//") or "\\" in raw:
        return None
    parts = urlsplit(raw)
    if parts.scheme or parts.netloc or any(ord(ch) < 32 for ch in raw):
        return None
    return raw


def yen(amount: int) -> str:
    """11000 → "11,000"."""
    return f"{amount:,}"


def handle_http_error(exc: HTTPException) -> Response | tuple[Any, int]:
    """HTTP errors in Japanese: JSON under /api/, an error page elsewhere."""
    status = exc.code or 500
    code, title, message = _ERROR_MESSAGES.get(
        status, (exc.name.lower().replace(" ", "_"), exc.name, exc.name)
    )
    if exc.description and not exc.description.isascii():  # a message of ours, already in Japanese
        message = exc.description
    elif status == 413 and request.path.startswith("/deals/import"):
        message = _IMPORT_TOO_LARGE
    if request.path.startswith("/api/"):
        body = {"error": code} if status == 404 else {"error": code, "message": message}
        return jsonify(body), status
    return render_template("error.html", title=title, message=message, status=status), status


# -- login -------------------------------------------------------------------------------------------
@bp.get("/")
def index() -> Response:
    return redirect(url_for("accounting.deals"))


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    next_url = _safe_next(request.values.get("next"))
    if request.method == "GET":
        return render_template("login.html", next=next_url, email="", error=False)
    require_csrf()
    email = request.form.get("email", "").strip()
    password = request.form.get("password", "")
    if email and password and store().check_login(email, password):
        session.clear()  # a new session on login: no fixation
        session["user"] = email
        csrf_token()
        _chaos.mark_login()
        return redirect(next_url or url_for("accounting.deals"))
    return render_template("login.html", next=next_url, email=email, error=True)


@bp.post("/logout")
def logout() -> Response:
    require_csrf()
    session.clear()
    return redirect(url_for("accounting.login"))


# -- deals -------------------------------------------------------------------------------------------
def _positive_int(raw: str | None, default: int) -> int:
    try:
        value = int(raw or default)
    except ValueError:
        return default
    return value if value >= 1 else default


@bp.get("/deals")
@login_required
def deals() -> str:
    ref_number = request.args.get("ref_number", "").strip()
    partner = request.args.get("partner", "").strip()
    page = _positive_int(request.args.get("page"), 1)
    rows, total = store().find_deals(
        ref_number=ref_number or None, partner=partner or None, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    query = {k: v for k, v in (("ref_number", ref_number), ("partner", partner)) if v}

    def page_url(n: int) -> str:
        return url_for("accounting.deals") + "?" + urlencode({**query, "page": n})

    return render_template(
        "deals.html",
        deals=rows,
        total=total,
        ref_number=ref_number,
        partner=partner,
        page=page,
        first=(page - 1) * PAGE_SIZE + 1,
        prev_url=page_url(page - 1) if page > 1 else None,
        next_url=page_url(page + 1) if page * PAGE_SIZE < total else None,
    )


def _render_form(
    values: dict[str, str], lines: list[LineValues], errors: list[FieldError], *, had_file: bool = False
) -> str:
    return render_template(
        "deal_form.html",
        values=values,
        lines=lines,
        errors=errors,
        field_errors={e.field: e.message for e in reversed(errors)},
        had_file=had_file,
    )


@bp.get("/deals/new")
@login_required
def new_deal() -> str:
    return _render_form({"type": "expense"}, [LineValues()], [])


@bp.post("/deals")
@login_required
def create_deal() -> Any:
    require_csrf()
    form = request.form.to_dict()
    file = request.files.get("receipt")
    upload = Upload(file.filename or "", file.stream) if file is not None and file.filename else None

    def partner_name_of(partner_id: int) -> str | None:
        partner = store().partner(partner_id)
        return partner.name if partner else None

    result = validate_deal(form, upload, partner_name_of, wording_for(_chaos.ui_version()))
    if result.deal is None:
        keep = ("type", "issue_date", "due_date", "partner_name", "partner_id", "ref_number")
        values = {k: form.get(k, "") for k in keep}
        return _render_form(values, line_values(form), result.errors, had_file=upload is not None), 422
    deal_id = store().create_deal(result.deal)
    return redirect(url_for("accounting.deal", deal_id=deal_id, created=1), code=303)


def _deal_or_404(deal_id: int) -> Deal:
    deal = store().deal(deal_id)
    if deal is None:
        abort(404, description=f"取引が見つかりません（ID: {deal_id}）")
    return deal


@bp.get("/deals/<int:deal_id>")
@login_required
def deal(deal_id: int) -> str:
    return render_template(
        "deal.html", deal=_deal_or_404(deal_id), created=request.args.get("created") == "1"
    )


@bp.get("/receipts/<int:receipt_id>")
@login_required
def receipt(receipt_id: int) -> Response:
    found = store().receipt_file(receipt_id)
    if found is None:
        abort(404, description="証憑が見つかりません")
    meta, data = found
    response = send_file(
        io.BytesIO(data),
        mimetype=meta.content_type,
        as_attachment=True,
        download_name=meta.filename,
        etag=meta.sha256,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# -- JSON API ----------------------------------------------------------------------------------------
def _deal_json(deal: Deal) -> dict[str, Any]:
    return {
        "id": deal.id,
        "type": deal.type,
        "issue_date": deal.issue_date,
        "due_date": deal.due_date,
        "partner_id": deal.partner_id,
        "partner_name": deal.partner_name,
        "ref_number": deal.ref_number,
        "amount": deal.amount,
        "details": [
            {"account_item": x.account, "tax_code": x.tax_category, "amount": x.amount, "description": x.memo}
            for x in deal.lines
        ],
        "receipts": [
            {
                "id": r.id,
                "filename": r.filename,
                "content_type": r.content_type,
                "size": r.size,
                "sha256": r.sha256,
            }
            for r in deal.receipts
        ],
        "created_at": deal.created_at,
    }


def _bad_request(message: str) -> tuple[Response, int]:
    return jsonify(error="bad_request", message=message), 400


@bp.get("/api/deals")
@api_auth
def api_deals() -> Any:
    """Deals newest first. ``ref_number`` (exact), ``ref_numbers=a,b,c`` (any of them, at most 1000; the
    default ``limit`` is then their number), ``partner`` (substring), ``limit`` (1–1000) and ``offset``."""
    ref_numbers = list(dict.fromkeys(r.strip() for r in request.args.get("ref_numbers", "").split(",")))
    ref_numbers = [r for r in ref_numbers if r]
    if len(ref_numbers) > MAX_API_LIMIT:
        return _bad_request(f"ref_numbers は{MAX_API_LIMIT}件以内で指定してください")
    try:
        limit = int(request.args.get("limit") or max(PAGE_SIZE, len(ref_numbers)))
        offset = int(request.args.get("offset") or 0)
    except ValueError:
        return _bad_request("limit と offset は整数で指定してください")
    if not 1 <= limit <= MAX_API_LIMIT or offset < 0:
        return _bad_request("limit は1〜1000、offset は0以上で指定してください")
    ref_number = request.args.get("ref_number", "").strip()
    partner = request.args.get("partner", "").strip()
    rows, total = store().find_deals(
        ref_number=ref_number or None,
        partner=partner or None,
        limit=limit,
        offset=offset,
        ref_numbers=ref_numbers,
    )
    found = store().deals([row.id for row in rows])
    return jsonify(deals=[_deal_json(d) for d in found], total=total)


@bp.get("/api/deals/<int:deal_id>")
@api_auth
def api_deal(deal_id: int) -> Any:
    deal = store().deal(deal_id)
    if deal is None:
        return jsonify(error="not_found"), 404
    return jsonify(_deal_json(deal))


@bp.get("/api/partners")
@api_auth
def api_partners() -> Any:
    query = request.args.get("q", "").strip()
    partners = store().search_partners(query, PARTNER_SUGGESTIONS)
    return jsonify(partners=[{"id": p.id, "name": p.name} for p in partners])


@bp.post("/api/partners")
@api_auth
def api_create_partner() -> Any:
    body = request.get_json(silent=True)
    name = body.get("name") if isinstance(body, dict) else None
    if not isinstance(name, str) or not name.strip():
        return jsonify(error="invalid", message="取引先名を入力してください"), 422
    name = name.strip()
    if len(name) > 255:
        return jsonify(error="invalid", message="取引先名は255文字以内で入力してください"), 422
    partner, created = store().get_or_create_partner(name)
    return jsonify(id=partner.id, name=partner.name), 201 if created else 200


# -- template helpers --------------------------------------------------------------------------------
@bp.app_context_processor
def _template_globals() -> dict[str, Any]:
    return {
        "csrf_token": csrf_token,
        "current_user": current_user,
        "ACCOUNTS": ACCOUNTS,
        "TAX_CATEGORIES": TAX_CATEGORIES,
        "DEAL_TYPES": DEAL_TYPES,
        "L": labels(),
    }


@bp.app_template_filter("yen")
def _yen_filter(amount: int) -> str:
    return yen(amount)


@bp.after_app_request
def _security_headers(response: Response) -> Response:
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'",
    )
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response
