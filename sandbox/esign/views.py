"""Pages and JSON API of the sandbox e-contract app (one blueprint): login, CSRF, bearer-token auth, the
three-step send flow (契約書と文書情報 → 署名者 → 確認), the document page and the read API."""

from __future__ import annotations

import hmac
import io
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import quote, urlencode, urlsplit

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
from sandbox.esign.labels import STATUS_LABELS, Labels, labels_for
from sandbox.esign.store import Document, RefNumberTakenError, StateError, Store, connect
from sandbox.esign.validation import (
    FieldError,
    SignerValues,
    Upload,
    ref_number_taken,
    signer_values,
    validate_document,
    validate_signers,
)

__all__ = ["bp", "handle_http_error"]

bp = Blueprint("esign", __name__)

PAGE_SIZE = 50
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
    409: ("conflict", "操作できません", "この文書の状態ではその操作はできません。"),
    413: ("too_large", "データが大きすぎます", "送信されたデータが大きすぎます。契約書PDFは10MBまでです。"),
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


def labels() -> Labels:
    """The words of the UI version this request renders."""
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


def _require_csrf() -> None:
    if not _csrf_ok():
        abort(400, description=CSRF_MESSAGE)


def _current_user() -> str | None:
    email = session.get("user")
    if email and store().user_exists(email):
        return str(email)
    return None


def _bearer_ok() -> bool:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    expected = current_app.config["SANDBOX_API_TOKEN"]
    return scheme.lower() == "bearer" and bool(token) and hmac.compare_digest(token.strip(), expected)


def _return_to() -> str | None:
    """Where to come back after logging in: this page; for a form post, the page of the form when the same
    URL also shows it (a post-only action has none)."""
    if request.method == "GET":
        return request.full_path.rstrip("?") if request.query_string else request.path
    rule = request.url_rule
    return request.path if rule is not None and "GET" in (rule.methods or ()) else None


def login_required(view: F) -> F:
    """Pages: redirect to the login page (with ``next``) when nobody is logged in or the session expired."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if _current_user() is None:
            target = _return_to()
            return redirect(url_for("esign.login", next=target) if target else url_for("esign.login"))
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def api_auth(view: F) -> F:
    """API: the bearer token or a logged-in session; else 401 JSON."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if _bearer_ok() or _current_user() is not None:
            return view(*args, **kwargs)
        response = jsonify(error="unauthorized", message="ログインするか、APIトークンを指定してください。")
        response.status_code = 401
        response.headers["WWW-Authenticate"] = 'Bearer realm="sandbox-esign"'
        return response

    return wrapper  # type: ignore[return-value]


def _safe_next(raw: str | None) -> str | None:
    """``next`` only when it is a path on this site (no scheme, no host, no protocol-relative tricks)."""
    if not raw or not raw.startswith("/") or raw.startswith("//") or "\\" in raw:
        return None
    parts = urlsplit(raw)
    if parts.scheme or parts.netloc or any(ord(ch) < 32 for ch in raw):
        return None
    return raw


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


def _document_or_404(document_id: int) -> Document:
    document = store().document(document_id)
    if document is None:
        abort(404, description=f"文書が見つかりません（文書ID: {document_id}）")
    return document


def _draft_or_409(document_id: int) -> Document:
    document = _document_or_404(document_id)
    if document.status != "draft":
        status = STATUS_LABELS[document.status]
        abort(409, description=f"文書（文書ID: {document_id}）は{status}のため編集・送信できません")
    return document


# -- login -------------------------------------------------------------------------------------------
@bp.get("/")
def index() -> Response:
    return redirect(url_for("esign.documents"))


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    next_url = _safe_next(request.values.get("next"))
    if request.method == "GET":
        return render_template("login.html", next=next_url, email="", error=False)
    _require_csrf()
    email = request.form.get("email", "").strip()
    password = request.form.get("password", "")
    if email and password and store().check_login(email, password):
        session.clear()  # a new session on login: no fixation
        session["user"] = email
        csrf_token()
        _chaos.mark_login()
        return redirect(next_url or url_for("esign.documents"))
    return render_template("login.html", next=next_url, email=email, error=True)


@bp.post("/logout")
def logout() -> Response:
    _require_csrf()
    session.clear()
    return redirect(url_for("esign.login"))


# -- document list -----------------------------------------------------------------------------------
def _positive_int(raw: str | None, default: int) -> int:
    try:
        value = int(raw or default)
    except ValueError:
        return default
    return value if value >= 1 else default


@bp.get("/documents")
@login_required
def documents() -> str:
    ref_number = request.args.get("ref_number", "").strip()
    page = _positive_int(request.args.get("page"), 1)
    rows, total = store().find_documents(
        ref_number=ref_number or None, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    query = {"ref_number": ref_number} if ref_number else {}

    def page_url(n: int) -> str:
        return url_for("esign.documents") + "?" + urlencode({**query, "page": n})

    return render_template(
        "documents.html",
        documents=rows,
        total=total,
        ref_number=ref_number,
        page=page,
        first=(page - 1) * PAGE_SIZE + 1,
        prev_url=page_url(page - 1) if page > 1 else None,
        next_url=page_url(page + 1) if page * PAGE_SIZE < total else None,
        deleted=request.args.get("deleted", type=int),
    )


# -- step 1: 契約書と文書情報 -----------------------------------------------------------------------------
def _render_file_step(
    document: Document | None, values: dict[str, str], errors: list[FieldError], *, had_file: bool = False
) -> str:
    return render_template(
        "step_file.html",
        step=1,
        document=document,
        values=values,
        errors=errors,
        field_errors={e.field: e.message for e in reversed(errors)},
        had_file=had_file,
    )


def _save_file_step(document: Document | None) -> Any:
    """Validate step 1 and create (or update) the draft; then on to the signers."""
    _require_csrf()
    form = request.form.to_dict()
    file = request.files.get("file")
    upload = Upload(file.filename or "", file.stream) if file is not None and file.filename else None
    document_id = document.id if document else None
    result = validate_document(
        form, upload, labels(), ref_owner=store().ref_number_owner, document_id=document_id
    )
    if not result.errors:
        try:
            if document is None:
                assert result.file is not None
                document_id = store().create_draft(result.title, result.ref_number, result.file)
            else:
                store().update_draft(document.id, result.title, result.ref_number, result.file)
        except RefNumberTakenError as exc:  # taken between the check and the write
            result.errors.append(ref_number_taken(labels(), exc.ref_number, exc.document_id))
        except StateError:
            abort(409, description=f"文書（文書ID: {document_id}）は送信済みのため編集できません")
    if result.errors:
        values = {"title": form.get("title", ""), "ref_number": form.get("ref_number", "")}
        return _render_file_step(document, values, result.errors, had_file=upload is not None), 422
    return redirect(url_for("esign.signers_step", document_id=document_id), code=303)


@bp.route("/documents/new", methods=["GET", "POST"])
@login_required
def new_document() -> Any:
    if request.method == "POST":
        return _save_file_step(None)
    return _render_file_step(None, {}, [])


@bp.route("/documents/<int:document_id>/edit", methods=["GET", "POST"])
@login_required
def edit_document(document_id: int) -> Any:
    document = _draft_or_409(document_id)
    if request.method == "POST":
        return _save_file_step(document)
    values = {"title": document.title, "ref_number": document.ref_number or ""}
    return _render_file_step(document, values, [])


# -- step 2: 署名者 ---------------------------------------------------------------------------------------
def _render_signers_step(document: Document, rows: list[SignerValues], errors: list[FieldError]) -> str:
    return render_template(
        "step_signers.html",
        step=2,
        document=document,
        rows=rows,
        errors=errors,
        field_errors={e.field: e.message for e in reversed(errors)},
    )


@bp.route("/documents/<int:document_id>/signers", methods=["GET", "POST"])
@login_required
def signers_step(document_id: int) -> Any:
    document = _draft_or_409(document_id)
    if request.method == "GET":
        rows = [SignerValues(s.name, s.email, str(s.order)) for s in document.signers]
        return _render_signers_step(document, rows or [SignerValues(order="1")], [])
    _require_csrf()
    form = request.form.to_dict()
    result = validate_signers(form, labels())
    if result.errors:
        rows = signer_values(form) or [SignerValues(order="1")]
        return _render_signers_step(document, rows, result.errors), 422
    try:
        store().set_signers(document_id, result.signers)
    except StateError:
        abort(409, description=f"文書（文書ID: {document_id}）は送信済みのため編集できません")
    return redirect(url_for("esign.confirm_step", document_id=document_id), code=303)


# -- step 3: 確認 → 送信 -----------------------------------------------------------------------------------
@bp.route("/documents/<int:document_id>/confirm", methods=["GET", "POST"])
@login_required
def confirm_step(document_id: int) -> Any:
    document = _draft_or_409(document_id)
    if not document.signers:
        return redirect(url_for("esign.signers_step", document_id=document_id), code=303)
    if request.method == "GET":
        return render_template("step_confirm.html", step=3, document=document)
    _require_csrf()
    try:
        store().send(document_id)
    except StateError:
        abort(409, description=f"文書（文書ID: {document_id}）は送信できません")
    return redirect(url_for("esign.document", document_id=document_id, sent=1), code=303)


# -- document page -----------------------------------------------------------------------------------
@bp.get("/documents/<int:document_id>")
@login_required
def document(document_id: int) -> str:
    return render_template(
        "document.html",
        document=_document_or_404(document_id),
        sent=request.args.get("sent") == "1",
        signed=request.args.get("signed") == "1",
    )


def _pdf_response(document: Document) -> Response:
    data = store().file_data(document.file_sha256)
    if data is None:
        abort(404, description=f"契約書PDFが見つかりません（文書ID: {document.id}）")
    response = send_file(io.BytesIO(data), mimetype="application/pdf", etag=document.file_sha256)
    response.headers["Content-Disposition"] = _attachment(document.file_name, f"document-{document.id}.pdf")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _attachment(name: str, fallback: str) -> str:
    """``Content-Disposition`` for a download: the real name as RFC 5987 ``filename*`` (UTF-8), and an ASCII
    ``filename`` for old clients (the name itself when it is plain ASCII, else `fallback`)."""
    plain = (
        name if name.isascii() and name.isprintable() and '"' not in name and "\\" not in name else fallback
    )
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"


@bp.get("/documents/<int:document_id>/download")
@login_required
def download(document_id: int) -> Response:
    return _pdf_response(_document_or_404(document_id))


@bp.post("/documents/<int:document_id>/sign")
@login_required
def mark_signed(document_id: int) -> Response:
    """Sandbox only: what the counterparties would do by signing."""
    _require_csrf()
    _document_or_404(document_id)
    try:
        store().mark_signed(document_id)
    except StateError:
        abort(409, description=f"署名済みにできるのは送信済みの文書だけです（文書ID: {document_id}）")
    return redirect(url_for("esign.document", document_id=document_id, signed=1), code=303)


@bp.post("/documents/<int:document_id>/delete")
@login_required
def delete_draft(document_id: int) -> Response:
    _require_csrf()
    _draft_or_409(document_id)
    try:
        store().delete_draft(document_id)
    except StateError:
        abort(409, description=f"削除できるのは下書きだけです（文書ID: {document_id}）")
    return redirect(url_for("esign.documents", deleted=document_id), code=303)


# -- JSON API ----------------------------------------------------------------------------------------
def _document_json(document: Document) -> dict[str, Any]:
    return {
        "id": document.id,
        "title": document.title,
        "ref_number": document.ref_number,
        "status": document.status,
        "status_label": STATUS_LABELS[document.status],
        "file_name": document.file_name,
        "file_size": document.file_size,
        "file_sha256": document.file_sha256,
        "created_at": document.created_at,
        "sent_at": document.sent_at,
        "signed_at": document.signed_at,
        "signers": [{"name": s.name, "email": s.email, "order": s.order} for s in document.signers_by_order],
    }


@bp.get("/api/documents")
@api_auth
def api_documents() -> Any:
    try:
        limit = int(request.args.get("limit") or PAGE_SIZE)
        offset = int(request.args.get("offset") or 0)
    except ValueError:
        return jsonify(error="bad_request", message="limit と offset は整数で指定してください"), 400
    if not 1 <= limit <= 1000 or offset < 0:
        return jsonify(error="bad_request", message="limit は1〜1000、offset は0以上で指定してください"), 400
    ref_number = request.args.get("ref_number", "").strip()
    rows, total = store().find_documents(ref_number=ref_number or None, limit=limit, offset=offset)
    found = [store().document(row.id) for row in rows]
    return jsonify(documents=[_document_json(d) for d in found if d is not None], total=total)


@bp.get("/api/documents/<int:document_id>")
@api_auth
def api_document(document_id: int) -> Any:
    document = store().document(document_id)
    if document is None:
        return jsonify(error="not_found"), 404
    return jsonify(_document_json(document))


@bp.get("/api/documents/<int:document_id>/file")
@api_auth
def api_document_file(document_id: int) -> Any:
    document = store().document(document_id)
    if document is None:
        return jsonify(error="not_found"), 404
    return _pdf_response(document)


# -- template helpers --------------------------------------------------------------------------------
@bp.app_context_processor
def _template_globals() -> dict[str, Any]:
    return {
        "csrf_token": csrf_token,
        "current_user": _current_user,
        "L": labels(),
        "STATUS_LABELS": STATUS_LABELS,
    }


@bp.app_template_filter("datetime")
def _datetime_filter(iso: str | None) -> str:
    """``2024-04-01T10:23:45+09:00`` → ``2024-04-01 10:23`` (JST as stored); empty for None."""
    return iso[:16].replace("T", " ") if iso else ""


@bp.app_template_filter("thousands")
def _thousands_filter(number: int) -> str:
    return f"{number:,}"


@bp.after_app_request
def _security_headers(response: Response) -> Response:
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'",
    )
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response
