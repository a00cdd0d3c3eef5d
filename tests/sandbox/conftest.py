"""Fixtures for the sandbox apps: a fresh accounting app on a real SQLite file (optionally with chaos
switches), a logged-in test client, small real receipt files, CSV uploads to the import page, and (for the
browser tests) the app served on a free port."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from reportlab.pdfgen import canvas

from sandbox.accounting import create_app
from sandbox.chaos import Chaos
from sandbox.server import serve_in_thread


@dataclass(frozen=True)
class Creds:
    user: str = "keiri@example.jp"
    password: str = "pass-Word-123"
    token: str = "token-for-tests"

    @property
    def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


CREDS = Creds()

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def pytest_configure(config: pytest.Config) -> None:
    # pyproject.toml registers the marker; this keeps `--strict-markers` happy if it is ever run without it.
    config.addinivalue_line("markers", "e2e: drives a real browser against a real sandbox app")


@pytest.fixture(scope="session")
def creds() -> Creds:
    """The login and API token the test apps are created with."""
    return CREDS


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return create_app(
        tmp_path / "accounting.sqlite3", username=CREDS.user, password=CREDS.password, api_token=CREDS.token
    )


@pytest.fixture
def make_app(tmp_path: Path) -> Callable[..., Flask]:
    """A factory: the accounting app on this test's SQLite file, with the given chaos switches."""

    def make(chaos: Chaos | None = None) -> Flask:
        return create_app(
            tmp_path / "accounting.sqlite3",
            username=CREDS.user,
            password=CREDS.password,
            api_token=CREDS.token,
            chaos=chaos,
        )

    return make


@pytest.fixture
def log_in(csrf: Callable[[str], str]) -> Callable[[FlaskClient], FlaskClient]:
    """Log a test client in through the login page (any app made with CREDS)."""

    def do(client: FlaskClient) -> FlaskClient:
        token = csrf(client.get("/login").text)
        response = client.post(
            "/login", data={"email": CREDS.user, "password": CREDS.password, "csrf_token": token}
        )
        assert response.status_code == 302, response.text
        return client

    return do


@pytest.fixture
def upload_csv(user: FlaskClient, csrf: Callable[[str], str]) -> Callable[..., Any]:
    """Post a file to the import page as a browser would (logged in, with the CSRF token)."""

    def post(data: bytes, *, encoding: str = "utf-8", filename: str = "取引.csv") -> Any:
        token = csrf(user.get("/deals/import").text)
        form = {"csrf_token": token, "encoding": encoding, "file": (io.BytesIO(data), filename)}
        return user.post("/deals/import", data=form, content_type="multipart/form-data")

    return post


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def csrf() -> Callable[[str], str]:
    """The CSRF token in a rendered page."""

    def find(html: str) -> str:
        match = _CSRF.search(html)
        assert match, "no csrf_token field on the page"
        return match.group(1)

    return find


@pytest.fixture
def user(client: FlaskClient, csrf: Callable[[str], str]) -> FlaskClient:
    """The test client, logged in."""
    token = csrf(client.get("/login").text)
    response = client.post(
        "/login", data={"email": CREDS.user, "password": CREDS.password, "csrf_token": token}
    )
    assert response.status_code == 302
    return client


def _pdf(text: str) -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, text)
    page.save()
    return buffer.getvalue()


@pytest.fixture
def pdf_bytes() -> bytes:
    """A tiny real PDF (made with reportlab)."""
    return _pdf("receipt for tests")


@pytest.fixture
def post_deal(user: FlaskClient, csrf: Callable[[str], str]) -> Callable[..., Any]:
    """Submit the new-deal form as a browser would: a valid deal, any field overridden or removed (None)."""

    def post(*, receipt: tuple[bytes, str] | None = None, **overrides: str | None) -> Any:
        token = csrf(user.get("/deals/new").text)
        partner = user.get("/api/partners?q=サンプル商事").json["partners"][0]
        form: dict[str, Any] = {
            "csrf_token": token,
            "type": "expense",
            "issue_date": "2024-04-01",
            "due_date": "2024-04-30",
            "partner_name": partner["name"],
            "partner_id": str(partner["id"]),
            "ref_number": "KRK-0001",
            "lines-0-account": "消耗品費",
            "lines-0-tax": "課対仕入10%",
            "lines-0-amount": "11,000",
            "lines-0-memo": "コピー用紙",
        }
        for key, value in overrides.items():
            key = key.replace("__", "-")  # lines__0__amount → lines-0-amount
            if value is None:
                form.pop(key, None)
            else:
                form[key] = value
        if receipt is not None:
            form["receipt"] = (io.BytesIO(receipt[0]), receipt[1])
        return user.post("/deals", data=form, content_type="multipart/form-data")

    return post


@pytest.fixture(scope="module")
def live_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The accounting app on a real SQLite file, served on a free port; its base URL."""
    db = tmp_path_factory.mktemp("live-accounting") / "accounting.sqlite3"
    app = create_app(db, username=CREDS.user, password=CREDS.password, api_token=CREDS.token)
    with serve_in_thread(app) as server:
        yield server.url
