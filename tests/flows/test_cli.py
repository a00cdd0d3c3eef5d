"""The `kuroko` command as users run it: a real subprocess, exit codes, no tracebacks."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from sandbox.samples import generate_invoices, write_broken_pdfs

KUROKO = [sys.executable, "-m", "flows.cli"]
ROOT = Path(__file__).resolve().parents[2]


_UNSET = (
    "PREFECT_API_URL",
    "KUROKO_SANDBOX_ACCOUNTING_URL",
    "KUROKO_SANDBOX_ACCOUNTING_USERNAME",
    "KUROKO_SANDBOX_ACCOUNTING_PASSWORD",
)


def _kuroko(
    *args: str, env: dict[str, str] | None = None, timeout: float = 240
) -> subprocess.CompletedProcess:
    """Run `kuroko` as a user would: none of the test session's target settings leak in."""
    full = {k: v for k, v in os.environ.items() if k not in _UNSET} | (env or {})
    return subprocess.run(
        [*KUROKO, *args], capture_output=True, text=True, timeout=timeout, cwd=ROOT, env=full
    )


def test_extract_json_prints_one_object_per_file_and_an_error_object_for_a_broken_one(tmp_path: Path) -> None:
    samples = generate_invoices(tmp_path / "in", count=2, seed=7)
    broken = write_broken_pdfs(tmp_path / "broken")
    paths = [
        str(samples[0].path),
        str(broken["encrypted"]),
        str(samples[1].path),
        str(tmp_path / "missing.pdf"),
    ]
    proc = _kuroko("extract", *paths, "--json")
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    out = json.loads(proc.stdout)
    assert [o["path"] for o in out] == paths
    assert out[0]["fields"] == samples[0].expected and out[0]["error"] is None
    assert out[2]["fields"] == samples[1].expected
    assert out[1]["fields"] is None and out[1]["document_type"] is None
    assert out[1]["error"]["code"] == "pdf.encrypted"
    assert out[3]["error"]["code"] == "file.not_found" and "missing.pdf" in out[3]["error"]["message"]


def test_extract_exits_zero_when_every_file_reads(tmp_path: Path) -> None:
    samples = generate_invoices(tmp_path, count=1, seed=8)
    proc = _kuroko("extract", str(samples[0].path))
    assert proc.returncode == 0, proc.stderr
    assert samples[0].expected["issuer"] in proc.stdout


def test_extract_reads_excel_forms_of_each_kind(tmp_path: Path) -> None:
    from sandbox.samples.forms import generate_expense_reports, generate_onboarding_forms, generate_timesheets

    samples = [
        gen(tmp_path / gen.__name__)[0]
        for gen in (generate_expense_reports, generate_onboarding_forms, generate_timesheets)
    ]
    proc = _kuroko("extract", *(str(s.path) for s in samples), "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert [o["document_type"] for o in out] == ["expense_report", "onboarding", "timesheet"]
    assert [o["fields"] for o in out] == [s.expected for s in samples]


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["run", "no-such-flow"], "cli.unknown_flow"),
        (["run", "invoice-intake", "-p", "inbox"], "cli.bad_param"),
        (["run", "invoice-intake", "-p", "inbox=/nonexistent"], "inbox.not_found"),
        (["run", "invoice-intake", "-p", "inbox=.", "-p", "target=nope"], "target.unknown"),
        (["run", "invoice-intake", "-p", "inbox=.", "-p", "colour=red"], "cli.bad_param"),
    ],
)
def test_user_mistakes_are_one_line_errors(args: list[str], code: str, tmp_path: Path) -> None:
    proc = _kuroko(*args, env={"KUROKO_HOME": str(tmp_path)})
    assert proc.returncode != 0
    assert code in proc.stderr and "Traceback" not in proc.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.e2e
@pytest.mark.slow
def test_demo_enters_every_sample_once_and_a_second_demo_enters_nothing(tmp_path: Path) -> None:
    env = {
        "KUROKO_HOME": str(tmp_path / "home"),
        "KUROKO_SANDBOX_PORT": str(_free_port()),
        "PREFECT_HOME": str(tmp_path / "prefect"),
    }
    first = _kuroko("demo", env=env)
    assert first.returncode == 0, first.stdout + first.stderr
    assert re.search(r"entered 6, already entered 0, failed 0", first.stdout), first.stdout
    second = _kuroko("demo", env=env)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "entered 0, already entered 6, failed 0" in second.stdout
    assert "nothing new was entered" in second.stdout
    assert len(list((tmp_path / "home" / "demo" / "inbox" / "processed").glob("*.pdf"))) == 12
    shutil.rmtree(tmp_path / "home" / "demo")


def test_template_check_shows_what_the_shipped_template_extracts(tmp_path: Path) -> None:
    samples = [
        s for s in generate_invoices(tmp_path, count=12, seed=11, layouts=["E"]) if "アオバ" in s.path.name
    ]
    assert samples, "layout E has an アオバ電設 invoice in these seeds"
    template = ROOT / "templates" / "invoices" / "aoba_densetsu.yaml"
    proc = _kuroko("template", "check", str(template), str(samples[0].path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert samples[0].expected["invoice_number"] in proc.stdout and "Traceback" not in proc.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nmatch: {keywords: [a]}\ncolour: red\n", encoding="utf-8")
    proc = _kuroko("template", "check", str(bad), str(samples[0].path))
    assert proc.returncode == 2 and "colour" in proc.stderr and "bad.yaml" in proc.stderr
