"""`kuroko archive` (flows/cli_archive.py) on a real SQLite ledger in a throwaway KUROKO_HOME."""

from __future__ import annotations

import csv
import hashlib
import json
import os
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A6
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from typer.testing import CliRunner

from flows.cli_archive import archive_app

pdfmetrics.registerFont(UnicodeCIDFont("HeiseiKakuGo-W5"))


def _pdf(path: Path, *lines: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    c = Canvas(str(path), pagesize=A6, invariant=1)
    c.setFont("HeiseiKakuGo-W5", 10)
    for i, line in enumerate(lines):
        c.drawString(20, 380 - 14 * i, line)
    c.showPage()
    c.save()
    return path


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run(*args: str, code: int = 0) -> tuple[str, str]:
    result = CliRunner().invoke(archive_app, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.stdout + result.stderr
    return result.stdout, result.stderr


def _add(pdf: Path, date: str, amount: str, party: str, *extra: str) -> str:
    _run(
        "add",
        str(pdf),
        "--type",
        "invoice",
        "--date",
        date,
        "--amount",
        amount,
        "--counterparty",
        party,
        *extra,
    )
    return _sha(pdf)


@pytest.fixture
def three(kuroko_home: Path, tmp_path: Path) -> dict[str, str]:
    """Three invoices archived through the CLI; name → SHA-256."""
    return {
        "a": _add(_pdf(tmp_path / "in" / "a.pdf", "A 110,000"), "2024-04-01", "¥110,000", "株式会社A"),
        "a_small": _add(_pdf(tmp_path / "in" / "b.pdf", "A 99,999"), "2024-04-10", "99,999", "㈱A"),
        "b": _add(
            _pdf(tmp_path / "in" / "c.pdf", "B"), "2024-05-01", "250000円", "株式会社B", "--actor", "keiri"
        ),
    }


def test_search_json_applies_every_condition_given(three: dict[str, str]) -> None:
    stdout, _ = _run("search", "--min", "100,000", "--max", "¥300,000", "--counterparty", "A", "--json")
    assert [d["sha256"] for d in json.loads(stdout)] == [three["a"]]
    stdout, _ = _run("search", "--from", "2024-04-10", "--to", "2024-05-01", "--json")
    assert {d["sha256"] for d in json.loads(stdout)} == {three["a_small"], three["b"]}
    found = json.loads(_run("search", "--json")[0])
    assert len(found) == 3
    b = next(d for d in found if d["sha256"] == three["b"])
    assert (b["amount"], b["counterparty"], b["created_by"], b["retention_until"]) == (
        250000,
        "株式会社B",
        "keiri",
        "2032-05-31",  # fiscal year ending 2025-03-31 (default March year end)
    )
    stdout, _ = _run("search", "--counterparty", "株式会社A")
    assert "110,000" in stdout and "99,999" in stdout and "2 document(s)" in stdout


def test_the_same_file_twice_is_archived_once(three: dict[str, str], tmp_path: Path) -> None:
    stdout, _ = _run(
        "add", str(tmp_path / "in" / "a.pdf"), "--type", "invoice", "--date", "2024-04-01", "--amount", "1",
        "--counterparty", "X",
    )  # fmt: skip
    assert "already archived" in stdout and three["a"] in stdout
    assert len(json.loads(_run("search", "--json")[0])) == 3


def test_export_writes_named_copies_and_an_index(three: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "for-the-tax-office"
    stdout, _ = _run("export", str(out), "--counterparty", "A")
    assert sorted(p.name for p in out.iterdir()) == [
        "20240401_株式会社A_110000.pdf",
        "20240410_㈱A_99999.pdf",
        "index.csv",
    ]
    assert "exported 2 file(s)" in stdout
    assert _sha(out / "20240401_株式会社A_110000.pdf") == three["a"]
    with (out / "index.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["ファイル名"], r["取引金額"], r["SHA-256"], r["版"]) for r in rows] == [
        ("20240401_株式会社A_110000.pdf", "110000", three["a"], "1"),
        ("20240410_㈱A_99999.pdf", "99999", three["a_small"], "1"),
    ]


def test_correct_then_show_lists_every_version_and_the_audit_trail(three: dict[str, str]) -> None:
    _run(
        "correct",
        three["a_small"][:10],
        "--amount",
        "199,999",
        "--reason",
        "読み取り誤り",
        "--actor",
        "auditor",
    )
    stdout, _ = _run("search", "--min", "100000", "--counterparty", "A", "--json")
    assert {d["sha256"] for d in json.loads(stdout)} == {three["a"], three["a_small"]}
    shown = json.loads(_run("show", three["a_small"], "--json")[0])
    assert [(v["version"], v["amount"], v["reason"]) for v in shown["versions"]] == [
        (1, 99999, None),
        (2, 199999, "読み取り誤り"),
    ]
    assert [e["action"] for e in shown["audit"]] == ["add", "correct"]
    stdout, _ = _run("show", three["a_small"])
    assert "99,999" in stdout and "199,999" in stdout and "読み取り誤り" in stdout


def test_verify_exits_1_when_an_original_was_altered(three: dict[str, str], kuroko_home: Path) -> None:
    stdout, _ = _run("verify")
    assert "checked 3: 0 missing, 0 altered, all intact" in stdout
    obj = kuroko_home / "archive" / "objects" / three["b"][:2] / three["b"]
    os.chmod(obj, 0o644)
    obj.write_bytes(b"%PDF-1.4 replaced")
    stdout, _ = _run("verify", code=1)
    assert three["b"] in stdout and "altered" in stdout


def test_delete_is_refused_before_the_retention_period_ends(three: dict[str, str]) -> None:
    _, stderr = _run("delete", three["a"], code=2)
    assert stderr.strip().splitlines() == [
        f"error archive.retention: {three['a'][:12]} (a.pdf): must be kept until 2032-05-31 "
        "(retention period); deletion refused"
    ]
    shown = json.loads(_run("show", three["a"], "--json")[0])
    assert shown["deleted_at"] is None and shown["audit"][-1]["action"] == "delete_refused"


def test_delete_after_the_retention_period(kuroko_home: Path, tmp_path: Path) -> None:
    sha = _add(
        _pdf(tmp_path / "old.pdf", "old"), "2012-04-01", "1000", "古い商店", "--fiscal-year-end", "2013-03-31"
    )
    stdout, _ = _run("delete", sha[:8])
    assert f"deleted {sha}" in stdout
    assert not (kuroko_home / "archive" / "objects" / sha[:2] / sha).exists()
    assert json.loads(_run("search", "--json")[0]) == []
    assert json.loads(_run("show", sha, "--json")[0])["deleted_at"]


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ("add {pdf} --type invoice --date 2024/04/01 --amount 1 --counterparty A", "cli.bad_date"),
        ("add {pdf} --type invoice --date 2024-13-01 --amount 1 --counterparty A", "cli.bad_date"),
        ("add {pdf} --type invoice --date 2024-04-01 --amount 12a --counterparty A", "cli.bad_amount"),
        ("add {pdf} --type bill --date 2024-04-01 --amount 1 --counterparty A", "archive.invalid"),
        ("add {pdf} --type invoice --date 2024-04-01 --amount 1 --counterparty 株式会社", "archive.invalid"),
        (
            "add {missing} --type invoice --date 2024-04-01 --amount 1 --counterparty A",
            "archive.file_not_found",
        ),
        ("search --from 2024-05-01 --to 2024-04-01", "archive.invalid"),
        ("search --min ¥-", "cli.bad_amount"),
        ("show 0123456789abcdef", "archive.not_found"),
        ("correct 0123456789abcdef --reason r", "cli.bad_param"),
        ("export {pdf}", "archive.export_target"),
    ],
)
def test_mistakes_are_one_line_errors_with_exit_2(
    kuroko_home: Path, tmp_path: Path, args: str, code: str
) -> None:
    pdf = _pdf(tmp_path / "x.pdf", "x")
    filled = [a.format(pdf=pdf, missing=tmp_path / "missing.pdf") for a in args.split()]
    stdout, stderr = _run(*filled, code=2)
    [line] = stderr.strip().splitlines()
    assert line.startswith(f"error {code}: ") and "Traceback" not in stderr
    assert json.loads(_run("search", "--json")[0]) == []  # nothing archived
