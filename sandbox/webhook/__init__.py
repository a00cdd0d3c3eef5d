"""A webhook receiver: a stand-in for Slack/Teams/Google Chat incoming webhooks, to see and test alerts.

Every POST (to any path) is kept, in memory and, when a file is given, as one JSON line each;
``GET /received`` lists them, oldest first; ``DELETE /received`` forgets them. Serve it with
`sandbox.server`, or run ``python -m sandbox.webhook``.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask, Response, jsonify, request

__all__ = ["create_app"]

MAX_BODY_BYTES = 1024 * 1024


class _Inbox:
    """The received requests, shared by the server's threads; appended to a JSON-lines file when given one."""

    def __init__(self, log_path: Path | None) -> None:
        self._lock = threading.Lock()
        self._items: list[dict[str, Any]] = []
        self._log_path = log_path
        if log_path is not None:
            log_path.parent.mkdir(parents=True, exist_ok=True)
            if log_path.exists():
                lines = log_path.read_text(encoding="utf-8").splitlines()
                self._items = [json.loads(line) for line in lines if line.strip()]

    def add(self, item: dict[str, Any]) -> None:
        with self._lock:
            self._items.append(item)
            if self._log_path is not None:
                with self._log_path.open("a", encoding="utf-8") as f:
                    f.write(json.dumps(item, ensure_ascii=False) + "\n")

    def all(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            if self._log_path is not None:
                self._log_path.write_text("", encoding="utf-8")


def create_app(log_path: str | Path | None = None) -> Flask:
    """The receiver; with `log_path`, requests are also appended to (and reloaded from) that JSON-lines
    file."""
    inbox = _Inbox(Path(log_path) if log_path is not None else None)
    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=MAX_BODY_BYTES)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]

    @app.get("/received")
    def received() -> Response:
        return jsonify(inbox.all())

    @app.delete("/received")
    def forget() -> tuple[str, int]:
        inbox.clear()
        return "", 204

    @app.post("/", defaults={"path": ""})
    @app.post("/<path:path>")
    def receive(path: str) -> tuple[Response, int]:
        text = request.get_data(as_text=True)
        try:
            body: Any = json.loads(text)
            kind = "json"
        except ValueError:
            body, kind = text, "text"
        inbox.add(
            {
                "received_at": datetime.now(UTC).isoformat(timespec="milliseconds"),
                "path": "/" + path,
                "content_type": request.content_type,
                "kind": kind,
                "body": body,
            }
        )
        return jsonify({"ok": True}), 200

    return app
