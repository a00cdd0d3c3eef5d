"""Fixtures for サンドボックス人事労務: apps on real SQLite files (with chaos switches or a TOTP seed
when asked), a logged-in test client, the new-employee wizard walked with valid data, the served app."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from sandbox.chaos import Chaos
from sandbox.hr import create_app
from sandbox.server import serve_in_thread


@dataclass(frozen=True)
class HrCreds:
    user: str = "jinji@example.jp"
    password: str = "hr-Pass-456"
    token: str = "hr-token-for-tests"
    # RFC 6238's test key ("12345678901234567890") in base32: a seed known to be fake.
    totp_seed: str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

    @property
    def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


HR = HrCreds()

# One valid employee, step by step, as a person would type it (the kana of the holder half-width).
VALID: dict[str, dict[str, str]] = {
    "basic": {
        "employee_no": "E0001",
        "last_name": "山田",
        "first_name": "太郎",
        "last_name_kana": "ヤマダ",
        "first_name_kana": "タロウ",
        "birth_date": "1990-05-15",
        "gender": "男性",
        "my_number": "123456789018",
    },
    "employment": {
        "entry_date": "2024-04-01",
        "employment_type": "正社員",
        "pay_type": "月給",
        "base_pay": "250,000",
    },
    "address": {
        "postal_code": "100-0001",
        "prefecture": "東京都",
        "address": "千代田区千代田1-1",
        "phone": "03-1234-5678",
    },
    "bank": {
        "bank_code": "0001",
        "branch_code": "001",
        "account_type": "普通",
        "account_number": "1234567",
        "account_holder": "ﾔﾏﾀﾞ ﾀﾛｳ",
    },
}
STEP_NAMES = list(VALID)

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "no csrf_token field on the page"
    return match.group(1)


def errors_of(html: str) -> list[str]:
    """The items of the form-errors alert (empty when there is none)."""
    block = re.search(r'<div role="alert" data-testid="form-errors".*?</div>', html, re.S)
    return re.findall(r"<li>([^<]*)</li>", block.group(0)) if block else []


def testid_text(html: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}"[^>]*>([^<]*)<', html)
    assert match, f"no data-testid={testid!r} on the page"
    return match.group(1)


class Html:
    """Reading rendered pages (tests get it as the `html` fixture)."""

    csrf = staticmethod(csrf_of)
    errors = staticmethod(errors_of)
    testid = staticmethod(testid_text)


@pytest.fixture(scope="session")
def html() -> type[Html]:
    return Html


@pytest.fixture
def valid() -> dict[str, dict[str, str]]:
    """One valid employee, step by step (a fresh copy)."""
    return {step: dict(values) for step, values in VALID.items()}


@pytest.fixture(scope="session")
def hr_creds() -> HrCreds:
    return HR


@pytest.fixture
def make_hr_app(tmp_path: Path) -> Callable[..., Flask]:
    """An app on a new SQLite file in tmp_path; keyword arguments go to `create_app`."""
    counter = iter(range(1000))

    def make(**kwargs: Any) -> Flask:
        options: dict[str, Any] = {"username": HR.user, "password": HR.password, "api_token": HR.token}
        options.update(kwargs)
        return create_app(tmp_path / f"hr-{next(counter)}.sqlite3", **options)

    return make


def _log_in(client: FlaskClient, *, next_url: str | None = None) -> Any:
    """Post the login form; the response (a redirect when it worked)."""
    token = csrf_of(client.get("/login").text)
    data = {"email": HR.user, "password": HR.password, "csrf_token": token}
    if next_url:
        data["next"] = next_url
    return client.post("/login", data=data)


@pytest.fixture(scope="session")
def hr_log_in() -> Callable[..., Any]:
    """Post the login form of a client: ``hr_log_in(client, next_url=None)``; the response."""
    return _log_in


@pytest.fixture
def hr_app(make_hr_app: Callable[..., Flask]) -> Flask:
    return make_hr_app()


@pytest.fixture
def hr_client(hr_app: Flask) -> FlaskClient:
    return hr_app.test_client()


@pytest.fixture
def hr_user(hr_client: FlaskClient) -> FlaskClient:
    """The test client, logged in."""
    assert _log_in(hr_client).status_code == 302
    return hr_client


class Wizard:
    """Drives the new-employee wizard over the test client as a browser would (GET the step, POST it)."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def start(self) -> Any:
        return self.client.get("/employees/new", follow_redirects=True)

    def post(self, step: str, values: dict[str, str], *, action: str = "next") -> Any:
        token = csrf_of(self.client.get(f"/employees/new/{step}", follow_redirects=True).text)
        return self.client.post(
            f"/employees/new/{step}", data={**values, "csrf_token": token, "action": action}
        )

    def register(self, **overrides: str) -> Any:
        """Walk all four steps with valid values (any field overridden); the last step's response.

        Stops at the first step that is refused and returns its response.
        """
        self.start()
        response = None
        for step in STEP_NAMES:
            values = {**VALID[step], **{k: v for k, v in overrides.items() if k in VALID[step]}}
            response = self.post(step, values)
            if response.status_code != 303:
                return response
        return response


@pytest.fixture
def wizard(hr_user: FlaskClient) -> Wizard:
    """The wizard of the logged-in test client."""
    return Wizard(hr_user)


@pytest.fixture(scope="session")
def wizard_for() -> type[Wizard]:
    """``wizard_for(client)``: the wizard of any (logged-in) client."""
    return Wizard


def _created_id(response: Any) -> int:
    assert response.status_code == 303, errors_of(response.text) or response.text[:500]
    match = re.fullmatch(r"/employees/(\d+)\?created=1", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


@pytest.fixture(scope="session")
def created_id() -> Callable[[Any], int]:
    """The employee id a successful last wizard step redirects to."""
    return _created_id


@pytest.fixture(scope="module")
def module_hr_app(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Flask]:
    """Apps that live for a module (creating one hashes a password: tests that store nothing share one)."""

    def make(**kwargs: Any) -> Flask:
        options: dict[str, Any] = {"username": HR.user, "password": HR.password, "api_token": HR.token}
        options.update(kwargs)
        return create_app(tmp_path_factory.mktemp("hr") / "hr.sqlite3", **options)

    return make


@pytest.fixture(scope="module")
def live_hr(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The HR app on a real SQLite file, served on a free port, TOTP on; its base URL."""
    db = tmp_path_factory.mktemp("live-hr") / "hr.sqlite3"
    app = create_app(
        db, username=HR.user, password=HR.password, api_token=HR.token, totp_seed=HR.totp_seed, chaos=Chaos()
    )
    with serve_in_thread(app) as server:
        yield server.url
