"""Login (password, then the 確認コード of an authenticator app when the app has a TOTP seed) and logout."""

from __future__ import annotations

import time
from typing import Any

from flask import Response, current_app, redirect, render_template, request, session, url_for

from sandbox import chaos as _chaos
from sandbox.hr.totp import verify_totp
from sandbox.hr.views.common import bp, csrf_token, require_csrf, safe_next, store

PENDING_SECONDS = 300  # time allowed between the password and the 確認コード
MAX_CODE_FAILURES = 5


@bp.get("/")
def index() -> Response:
    return redirect(url_for("hr.employees"))


def _log_in(email: str, next_url: str | None) -> Response:
    session.clear()  # a new session on login: no fixation
    session["user"] = email
    csrf_token()
    _chaos.mark_login()
    return redirect(next_url or url_for("hr.employees"))


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    next_url = safe_next(request.values.get("next"))
    if request.method == "GET":
        return render_template("login.html", next=next_url, email="", error=None)
    require_csrf()
    email = request.form.get("email", "").strip()
    password = request.form.get("password", "")
    if not (email and password and store().check_login(email, password)):
        error = "メールアドレスまたはパスワードが正しくありません。"
        return render_template("login.html", next=next_url, email=email, error=error)
    if not current_app.config["SANDBOX_TOTP_SEED"]:
        return _log_in(email, next_url)
    session.clear()
    session["pending_user"] = email
    session["pending_at"] = time.time()
    session["pending_next"] = next_url
    session["code_failures"] = 0
    csrf_token()
    return redirect(url_for("hr.verify_code"))


def _pending_user() -> str | None:
    email = session.get("pending_user")
    started = float(session.get("pending_at") or 0)
    if not email or time.time() - started > PENDING_SECONDS:
        return None
    return str(email)


@bp.route("/login/code", methods=["GET", "POST"])
def verify_code() -> Any:
    email = _pending_user()
    if email is None:
        session.clear()
        return redirect(url_for("hr.login"))
    if request.method == "GET":
        return render_template("code.html", error=None)
    require_csrf()
    code = request.form.get("code", "").strip()
    if verify_totp(current_app.config["SANDBOX_TOTP_SEED"], code):
        return _log_in(email, safe_next(session.get("pending_next")))
    failures = int(session.get("code_failures") or 0) + 1
    if failures >= MAX_CODE_FAILURES:
        session.clear()
        error = f"確認コードを{MAX_CODE_FAILURES}回間違えました。もう一度ログインしてください。"
        return render_template("login.html", next=None, email=email, error=error)
    session["code_failures"] = failures
    error = "確認コードが正しくありません。認証アプリに表示されている6桁の数字を入力してください。"
    return render_template("code.html", error=error)


@bp.post("/logout")
def logout() -> Response:
    require_csrf()
    session.clear()
    return redirect(url_for("hr.login"))
