from __future__ import annotations

from pathlib import Path

import pytest

from robots.errors import BusinessError
from robots.settings import PROJECT_ROOT
from robots.web.target import load_target

CONFIG = PROJECT_ROOT / "config"


def test_sandbox_target_loads_and_builds_urls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KUROKO_SANDBOX_ACCOUNTING_URL", raising=False)
    target = load_target("sandbox-accounting", CONFIG)
    assert target.url("deal", id=5) == "http://127.0.0.1:8710/deals/5"
    monkeypatch.setenv("KUROKO_SANDBOX_ACCOUNTING_URL", "http://127.0.0.1:9999/")
    assert target.url("login") == "http://127.0.0.1:9999/login"
    assert target.locator_specs("login.email")[0].label == "メールアドレス"


def _write(tmp_path: Path, body: str) -> Path:
    (tmp_path / "targets").mkdir()
    (tmp_path / "targets" / "t.yaml").write_text(body, encoding="utf-8")
    return tmp_path


BASE = """name: t
kind: accounting
base_url: http://x
credentials: {username_env: U, password_env: P}
pages: {login: /login}
"""


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("colour: red\n", "colour"),
        ("locators:\n  a.b:\n    - {label: x, css: y}\n", "exactly one of"),
        ("locators:\n  a.b:\n    - {name: x}\n", "exactly one of"),
        ("locators:\n  a.b:\n    - {lable: x}\n", "lable"),
    ],
)
def test_bad_target_files_name_the_file_and_the_key(tmp_path: Path, extra: str, message: str) -> None:
    if "locators" not in extra:
        extra += "locators: {}\n"
    config = _write(tmp_path, BASE + extra)
    with pytest.raises(BusinessError, match=message) as err:
        load_target("t", config)
    assert "t.yaml" in err.value.message


def test_unknown_target_lists_the_available_ones() -> None:
    with pytest.raises(BusinessError, match="available: .*sandbox-accounting"):
        load_target("nope", CONFIG)


def test_credentials_come_only_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    target = load_target("sandbox-accounting", CONFIG)
    monkeypatch.delenv("KUROKO_SANDBOX_ACCOUNTING_USERNAME", raising=False)
    monkeypatch.delenv("KUROKO_SANDBOX_ACCOUNTING_PASSWORD", raising=False)
    with pytest.raises(
        BusinessError, match="KUROKO_SANDBOX_ACCOUNTING_USERNAME, KUROKO_SANDBOX_ACCOUNTING_PASSWORD"
    ):
        target.credentials_from_env()
    monkeypatch.setenv("KUROKO_SANDBOX_ACCOUNTING_USERNAME", "u")
    monkeypatch.setenv("KUROKO_SANDBOX_ACCOUNTING_PASSWORD", "p")
    assert target.credentials_from_env() == ("u", "p")
