"""Shared fixtures: a throwaway Kuroko home, the real sandbox app on a free port, real Chromium, and a
session-wide Prefect test harness. Environment set here, before anything imports prefect."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

_SESSION_DIR = Path(tempfile.mkdtemp(prefix="kuroko-tests-"))
os.environ["PREFECT_HOME"] = str(_SESSION_DIR / "prefect")
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["PREFECT_LOGGING_EXTRA_LOGGERS"] = "robots"
os.environ["PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW"] = "ignore"
os.environ["KUROKO_HOME"] = str(_SESSION_DIR / "home")
os.environ.pop("KUROKO_DATABASE_URL", None)
os.environ.pop("PREFECT_API_URL", None)

SANDBOX_USER = "robot@example.jp"
SANDBOX_PASSWORD = "s3cret-Sandbox!"


@pytest.fixture
def kuroko_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh KUROKO_HOME (ledger, evidence) for one test."""
    home = tmp_path / "home"
    monkeypatch.setenv("KUROKO_HOME", str(home))
    return home


# -- PostgreSQL: these machines have the binaries but no server; a test that needs one starts its own ---
_BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def _tool(name: str) -> str | None:
    for d in _BIN_DIRS:
        if (d / name).exists():
            return str(d / name)
    return shutil.which(name)


def _postgres_available() -> bool:
    return _tool("initdb") is not None and _tool("pg_ctl") is not None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _throwaway_cluster() -> Iterator[str]:
    """Start a PostgreSQL cluster; yield a SQLAlchemy URL (psycopg) to its ``kuroko`` database."""
    initdb, pg_ctl = _tool("initdb"), _tool("pg_ctl")
    assert initdb and pg_ctl, "PostgreSQL binaries (initdb, pg_ctl) not found"
    root = Path(tempfile.mkdtemp(prefix="kuroko-pg-"))
    data, port = root / "data", _free_port()
    as_user: list[str] = []
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(root, user.pw_uid, user.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    run = {"check": True, "capture_output": True, "text": True, "timeout": 120}
    subprocess.run(
        [*as_user, initdb, "-D", str(data), "-U", "kuroko", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"],
        **run,
    )
    opts = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
    subprocess.run(
        [*as_user, pg_ctl, "-D", str(data), "-o", opts, "-l", str(root / "log"), "-w", "start"], **run
    )
    try:
        subprocess.run(
            [
                *as_user,
                _tool("createdb") or "createdb",
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-U",
                "kuroko",
                "kuroko",
            ],
            **run,
        )
        yield f"postgresql+psycopg://kuroko@127.0.0.1:{port}/kuroko"
    finally:
        subprocess.run(
            [*as_user, pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"], capture_output=True, timeout=60
        )
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throwaway PostgreSQL cluster for the session (initdb + pg_ctl in a temp dir)."""
    if not _postgres_available():
        pytest.skip("PostgreSQL binaries (initdb, pg_ctl) are not installed: apt-get install postgresql")
    with _throwaway_cluster() as url:
        yield url


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One temporary Prefect server for the whole session (it takes seconds to start)."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=60):
        with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
            yield


@pytest.fixture(scope="session")
def sandbox_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The sandbox accounting app, served from a real SQLite file on a free port; its base URL."""
    from sandbox.accounting import create_app
    from sandbox.server import serve_in_thread

    db = tmp_path_factory.mktemp("sandbox") / "accounting.sqlite3"
    app = create_app(db, username=SANDBOX_USER, password=SANDBOX_PASSWORD, api_token="test-token")
    with serve_in_thread(app, "127.0.0.1", 0) as server:
        yield server.url


@pytest.fixture
def sandbox_target_env(sandbox_server: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point the `sandbox-accounting` target at the test sandbox, with its credentials in the environment."""
    monkeypatch.setenv("KUROKO_SANDBOX_ACCOUNTING_URL", sandbox_server)
    monkeypatch.setenv("KUROKO_SANDBOX_ACCOUNTING_USERNAME", SANDBOX_USER)
    monkeypatch.setenv("KUROKO_SANDBOX_ACCOUNTING_PASSWORD", SANDBOX_PASSWORD)
    return sandbox_server


@pytest.fixture
def sandbox_api(sandbox_server: str):  # noqa: ANN201 - a small helper object
    """GET helper for the sandbox's JSON API (what tests check the target against)."""
    import json
    import urllib.request

    class Api:
        def get(self, path: str) -> dict:
            req = urllib.request.Request(
                sandbox_server + path, headers={"Authorization": "Bearer test-token"}
            )
            with urllib.request.urlopen(req, timeout=10) as resp:
                return json.load(resp)

        def deals(self, **query: str) -> list[dict]:
            from urllib.parse import urlencode

            return self.get("/api/deals?" + urlencode({"limit": 1000, **query}))["deals"]

    return Api()


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    """One real headless Chromium for the session."""
    from playwright.sync_api import sync_playwright

    from robots.settings import load_settings
    from robots.web.browser import launch_chromium

    with sync_playwright() as pw:
        browser = launch_chromium(pw, load_settings())
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: object) -> Iterator[object]:
    from robots.settings import load_settings
    from robots.web.browser import new_context

    context = new_context(chromium, load_settings())  # type: ignore[arg-type]
    page = context.new_page()
    yield page
    context.close()
