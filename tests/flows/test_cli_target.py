"""`kuroko target list|check` as users run them (a real subprocess, its own Chromium, the real sandbox), and
where credentials come from (environment first, then a Prefect Secret block)."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from robots.web.credentials import SecretRef

ROOT = Path(__file__).resolve().parents[2]
_UNSET = ("PREFECT_API_URL", "KUROKO_SANDBOX_ACCOUNTING_URL", "KUROKO_CONFIG_DIR")


def _target_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if k not in _UNSET} | (env or {})
    return subprocess.run(
        [sys.executable, "-m", "flows.cli_target", *args],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
        env=full,
    )


def test_list_shows_each_target_with_its_operations_and_a_broken_recipe_as_an_error(tmp_path: Path) -> None:
    proc = _target_cli("list", "--json")
    assert proc.returncode == 0, proc.stderr
    rows = {r["name"]: r for r in json.loads(proc.stdout)}
    assert rows["sandbox-accounting"]["operations"] == ["create_deal", "import_deals"]

    config = tmp_path / "config"
    shutil.copytree(ROOT / "config", config)
    (config / "targets" / "broken.yaml").write_text("name: broken\ncolour: red\n", encoding="utf-8")
    proc = _target_cli("list", env={"KUROKO_CONFIG_DIR": str(config)})
    assert proc.returncode == 2 and "broken.yaml" in proc.stdout and "colour" in proc.stdout


@pytest.mark.e2e
def test_check_exits_0_when_every_locator_matches_first_and_1_when_a_fallback_was_needed(
    sandbox_target_env: str, tmp_path: Path
) -> None:
    env = {"KUROKO_HOME": str(tmp_path / "home"), "KUROKO_SANDBOX_ACCOUNTING_URL": sandbox_target_env}
    proc = _target_cli("check", "sandbox-accounting", "--json", "--timeout-ms", "3000", env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads(proc.stdout)
    assert (
        report["exit_code"] == 0
        and report["summary"]["fallback"] == 0
        and report["summary"]["not found"] == 0
    )
    assert report["summary"]["first choice"] >= 15

    config = tmp_path / "config"
    shutil.copytree(ROOT / "config", config)
    recipe = config / "targets" / "sandbox-accounting.yaml"
    text = recipe.read_text(encoding="utf-8")
    recipe.write_text(text.replace("    - label: 管理番号\n", "    - label: 伝票番号\n", 1), encoding="utf-8")
    proc = _target_cli(
        "check", "sandbox-accounting", "--timeout-ms", "3000", env=env | {"KUROKO_CONFIG_DIR": str(config)}
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    line = next(
        x for x in proc.stdout.splitlines() if x.startswith("│ deal.ref_number") or "deal.ref_number " in x
    )
    assert "fallback #1" in line and "input[name=ref_number]" in line
    assert "Traceback" not in proc.stderr


def test_check_without_credentials_is_one_line_naming_where_to_set_them(tmp_path: Path) -> None:
    env = {"KUROKO_HOME": str(tmp_path / "home")}
    full = {k: v for k, v in os.environ.items() if not k.startswith("KUROKO_SANDBOX_ACCOUNTING_")} | env
    proc = subprocess.run(
        [sys.executable, "-m", "flows.cli_target", "check", "sandbox-accounting"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env=full,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "target.credentials_missing" in proc.stderr and "KUROKO_SANDBOX_ACCOUNTING_PASSWORD" in proc.stderr


@pytest.mark.usefixtures("prefect_harness")
def test_secrets_come_from_the_environment_first_then_a_prefect_secret_block(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from prefect.blocks.system import Secret

    from flows.secrets import resolve_secret

    Secret(value="from-the-block").save("kuroko-test-password", overwrite=True, _sync=True)
    ref = SecretRef("t", "password", env="KUROKO_TEST_PW", secret="kuroko-test-password")
    monkeypatch.delenv("KUROKO_TEST_PW", raising=False)
    assert resolve_secret(ref) == "from-the-block"
    monkeypatch.setenv("KUROKO_TEST_PW", "from-the-env")
    assert resolve_secret(ref) == "from-the-env"
    assert resolve_secret(SecretRef("t", "password", env=None, secret="kuroko-no-such-block")) is None

    async def while_a_loop_runs() -> str | None:  # as inside Playwright's sync API, while a robot logs in
        return resolve_secret(SecretRef("t", "password", env=None, secret="kuroko-test-password"))

    assert asyncio.run(while_a_loop_runs()) == "from-the-block"
