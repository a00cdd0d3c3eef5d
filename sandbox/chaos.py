"""What real services do to robots, as switches every sandbox app shares.

- ``latency_ms``: every request waits this long before it is answered (the server sleeps, not the robot).
- ``error_rate``: this share of requests is answered with a 5xx. For a POST, half of those failures happen
  AFTER the request was handled (the record is saved, the answer is lost), as on a real overloaded tenant:
  a robot that retries without looking first enters it twice.
- ``session_seconds``: a login lasts this long; then the next page sends the user back to the login page.
- ``ui_version``: ``2`` renders the second UI version (other labels and positions, same form field names and
  test ids), for the "did the SaaS change its screens" check.
- ``modal_rate``: this share of HTML pages opens with a お知らせ dialog over the page that blocks every click
  until 閉じる is pressed.
- ``seed``: the random choices above are reproducible.

Apps call :func:`install` once; tests and ``kuroko sandbox up --chaos`` turn switches on when creating the
app, or at run time with ``POST /__sandbox/chaos`` (JSON body, same keys; bearer API token required) and read
them back with ``GET``. The JSON API (``/api/...``) and ``/static`` are never disturbed: the tests verify
through it.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import asdict, dataclass, fields
from typing import Any

from flask import Flask, Response, abort, current_app, g, jsonify, request, session

__all__ = ["Chaos", "install", "mark_login", "parse_chaos", "ui_version"]

_SESSION_KEY = "_chaos_login_at"

MODAL_HTML = """
<link rel="stylesheet" href="/__sandbox/notice.css">
<div id="sandbox-notice" role="dialog" aria-modal="true" aria-labelledby="sandbox-notice-title"
     data-testid="notice-modal">
  <div>
    <h2 id="sandbox-notice-title">お知らせ</h2>
    <p>メンテナンスのお知らせ: 今週末、一部機能を停止します。</p>
    <button type="button" data-testid="notice-close">閉じる</button>
  </div>
</div>
<script src="/__sandbox/notice.js"></script>
"""
# Served by the sandbox itself (the apps' Content-Security-Policy forbids inline style and script).
NOTICE_CSS = """#sandbox-notice { position: fixed; inset: 0; background: rgba(0, 0, 0, .45); z-index: 9999;
  display: flex; align-items: center; justify-content: center; }
#sandbox-notice > div { background: #fff; padding: 1.5em 2em; border-radius: 6px; max-width: 28em; }
"""
NOTICE_JS = """document.querySelector("#sandbox-notice [data-testid=notice-close]")
  ?.addEventListener("click", () => document.getElementById("sandbox-notice")?.remove());
"""


@dataclass
class Chaos:
    latency_ms: int = 0
    error_rate: float = 0.0
    session_seconds: float = 0.0  # 0: sessions never expire
    ui_version: int = 1
    modal_rate: float = 0.0
    seed: int = 0

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        if self.latency_ms < 0 or self.session_seconds < 0:
            raise ValueError("latency_ms and session_seconds must not be negative")
        for name in ("error_rate", "modal_rate"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1")
        if self.ui_version not in (1, 2):
            raise ValueError("ui_version must be 1 or 2")

    def update(self, values: dict[str, Any]) -> None:
        known = {f.name: f.type for f in fields(self)}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ValueError(f"unknown chaos switch(es): {', '.join(unknown)}")
        for name, value in values.items():
            current = getattr(self, name)
            setattr(self, name, type(current)(value))
        self.validate()


def parse_chaos(text: str) -> Chaos:
    """``latency_ms=200,error_rate=0.1`` (the CLI's form) into a Chaos; ValueError naming what is wrong."""
    chaos = Chaos()
    values: dict[str, Any] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, sep, value = part.partition("=")
        if not sep:
            raise ValueError(f"chaos switch {part!r} is not name=value")
        values[name.strip()] = value.strip()
    chaos.update(values)
    return chaos


class _State:
    def __init__(self, chaos: Chaos, token: str) -> None:
        self.chaos = chaos
        self.token = token
        self.lock = threading.Lock()
        self.rng = random.Random(chaos.seed)

    def roll(self, rate: float) -> bool:
        if rate <= 0:
            return False
        with self.lock:
            return self.rng.random() < rate


def _state() -> _State:
    return current_app.extensions["sandbox_chaos"]


def ui_version() -> int:
    """The UI version this request renders (templates get it as ``ui_version``)."""
    return _state().chaos.ui_version


def mark_login() -> None:
    """Call right after a successful login: starts the session clock of ``session_seconds``."""
    session[_SESSION_KEY] = time.time()


def _exempt() -> bool:
    path = request.path
    return path.startswith(("/api/", "/static/", "/__sandbox/"))


def install(app: Flask, chaos: Chaos | None = None) -> None:
    """Attach the switches to an app (after SANDBOX_API_TOKEN is in its config)."""
    state = _State(chaos or Chaos(), app.config.get("SANDBOX_API_TOKEN", ""))
    app.extensions["sandbox_chaos"] = state

    @app.context_processor
    def _globals() -> dict[str, Any]:
        return {"ui_version": state.chaos.ui_version}

    @app.before_request
    def _before() -> Any:
        if _exempt():
            return None
        c = state.chaos
        if c.latency_ms:
            time.sleep(c.latency_ms / 1000)
        if c.session_seconds and _SESSION_KEY in session:
            if time.time() - float(session[_SESSION_KEY]) > c.session_seconds:
                session.clear()  # the login_required of the app sends the user to the login page
        g.chaos_fail_after = False
        if state.roll(c.error_rate):
            if request.method == "POST" and state.roll(0.5):
                g.chaos_fail_after = True  # handled, then the answer is lost
            else:
                abort(503)
        return None

    @app.after_request
    def _after(response: Response) -> Response:
        if _exempt():
            return response
        if getattr(g, "chaos_fail_after", False):
            lost = Response("<h1>502 Bad Gateway</h1>", status=502, mimetype="text/html")
            return lost
        if (
            response.status_code == 200
            and response.mimetype == "text/html"
            and not response.direct_passthrough
            and state.roll(state.chaos.modal_rate)
        ):
            body = response.get_data(as_text=True)
            if "</body>" in body:
                response.set_data(body.replace("</body>", MODAL_HTML + "</body>", 1))
        return response

    @app.route("/__sandbox/notice.css")
    def _notice_css() -> Response:
        return Response(NOTICE_CSS, mimetype="text/css")

    @app.route("/__sandbox/notice.js")
    def _notice_js() -> Response:
        return Response(NOTICE_JS, mimetype="text/javascript")

    @app.route("/__sandbox/chaos", methods=["GET", "POST"])
    def _chaos_switches() -> Any:
        if request.headers.get("Authorization", "") != f"Bearer {state.token}":
            abort(401)
        if request.method == "POST":
            try:
                state.chaos.update(request.get_json(force=True) or {})
            except (ValueError, TypeError) as exc:
                return jsonify({"error": str(exc)}), 400
            with state.lock:
                state.rng = random.Random(state.chaos.seed)
        return jsonify(asdict(state.chaos))
