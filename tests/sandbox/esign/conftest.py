"""Fixtures for サンドボックス電子契約: a fresh app on a real SQLite file, a logged-in test client, real PDFs
made with reportlab, and a helper that walks the three-step send flow as a browser would."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from werkzeug.test import TestResponse

from sandbox.chaos import Chaos
from sandbox.esign import create_app
from sandbox.esign import store as esign_store

USER = "keiyaku@example.jp"
PASSWORD = "pass-Word-456"
TOKEN = "esign-token-for-tests"
BEARER = {"Authorization": f"Bearer {TOKEN}"}

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_FONT = "HeiseiKakuGo-W5"


def csrf_of(html: str) -> str:
    """The CSRF token in a rendered page."""
    match = _CSRF.search(html)
    assert match, "no csrf_token field on the page"
    return match.group(1)


def make_pdf(text: str) -> bytes:
    """A one-page PDF with Japanese text (reportlab's built-in CID font)."""
    if _FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(_FONT))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.setFont(_FONT, 14)
    page.drawString(72, 760, text)
    page.drawString(72, 730, "甲と乙は、以下のとおり契約を締結する。")
    page.save()
    return buffer.getvalue()


def login(client: FlaskClient) -> FlaskClient:
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"email": USER, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.text
    return client


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real hashing, but PBKDF2 with few rounds instead of scrypt: each test creates an app and logs in."""
    monkeypatch.setattr(esign_store, "PASSWORD_HASH_METHOD", "pbkdf2:sha256:1000")


@pytest.fixture
def make_app(tmp_path: Path) -> Callable[..., Flask]:
    """Create the app on this test's database, with chaos switches if given."""

    def make(chaos: Chaos | None = None, *, db_name: str = "esign.sqlite3") -> Flask:
        return create_app(tmp_path / db_name, username=USER, password=PASSWORD, api_token=TOKEN, chaos=chaos)

    return make


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def user(client: FlaskClient) -> FlaskClient:
    """The test client, logged in."""
    return login(client)


@pytest.fixture(scope="session")
def pdf_bytes() -> bytes:
    return make_pdf("業務委託契約書")


SIGNERS = [("山田 太郎", "taro@example.jp", "1"), ("佐藤 花子", "hanako@example.jp", "2")]


def signer_form(rows: list[tuple[str, str, str]]) -> dict[str, str]:
    """Step 2 fields for (氏名, メールアドレス, 署名順) rows."""
    form: dict[str, str] = {}
    for i, (name, email, order) in enumerate(rows):
        form |= {f"signers-{i}-name": name, f"signers-{i}-email": email, f"signers-{i}-order": order}
    return form


@dataclass
class Flow:
    """The send flow through the test client: each step posts what the browser would."""

    client: FlaskClient
    pdf: bytes

    def upload(
        self,
        *,
        title: str | None = "業務委託契約書",
        ref_number: str | None = "KRK-0001",
        file: tuple[bytes, str] | None | bool = True,
        document_id: int | None = None,
    ) -> TestResponse:
        """Step 1 (new, or editing draft `document_id`); ``file=True`` is the default PDF, None no file."""
        url = f"/documents/{document_id}/edit" if document_id else "/documents/new"
        form: dict[str, Any] = {"csrf_token": csrf_of(self.client.get(url).text)}
        if title is not None:
            form["title"] = title
        if ref_number is not None:
            form["ref_number"] = ref_number
        if file is True:
            file = (self.pdf, "業務委託契約書.pdf")
        if file:
            form["file"] = (io.BytesIO(file[0]), file[1])
        return self.client.post(url, data=form, content_type="multipart/form-data")

    def draft(self, **step1: Any) -> int:
        """Step 1, expecting success: the new draft's id."""
        response = self.upload(**step1)
        assert response.status_code == 303, response.text
        match = re.fullmatch(r"/documents/(\d+)/signers", response.headers["Location"])
        assert match, response.headers["Location"]
        return int(match.group(1))

    def signers(self, document_id: int, rows: list[tuple[str, str, str]] | dict[str, str]) -> TestResponse:
        url = f"/documents/{document_id}/signers"
        form = rows if isinstance(rows, dict) else signer_form(rows)
        return self.client.post(url, data={"csrf_token": csrf_of(self.client.get(url).text), **form})

    def send(self, document_id: int) -> TestResponse:
        url = f"/documents/{document_id}/confirm"
        return self.client.post(url, data={"csrf_token": csrf_of(self.client.get(url).text)})

    def sent(self, rows: list[tuple[str, str, str]] = SIGNERS, **step1: Any) -> int:
        """All three steps: the id of a sent document."""
        document_id = self.draft(**step1)
        assert self.signers(document_id, rows).status_code == 303
        assert self.send(document_id).status_code == 303
        return document_id


@pytest.fixture
def flow(user: FlaskClient, pdf_bytes: bytes) -> Flow:
    """The send flow as the logged-in test client."""
    return Flow(user, pdf_bytes)


@pytest.fixture
def flow_as(pdf_bytes: bytes) -> Callable[[FlaskClient], Flow]:
    """The send flow as another (logged-in) client, e.g. of an app with chaos switches."""
    return lambda client: Flow(client, pdf_bytes)


@dataclass(frozen=True)
class Creds:
    user: str = USER
    password: str = PASSWORD
    token: str = TOKEN

    @property
    def bearer(self) -> dict[str, str]:
        return dict(BEARER)


@pytest.fixture(scope="session")
def creds() -> Creds:
    """The login and API token the test apps are created with."""
    return Creds()


@pytest.fixture(scope="session")
def csrf() -> Callable[[str], str]:
    """The CSRF token in a rendered page."""
    return csrf_of


@pytest.fixture(scope="session")
def pdf_maker() -> Callable[[str], bytes]:
    """Make a real one-page PDF with this Japanese text."""
    return make_pdf


@pytest.fixture(scope="session")
def log_in() -> Callable[[FlaskClient], FlaskClient]:
    """Log a test client in through the login form."""
    return login
