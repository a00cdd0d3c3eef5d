"""`kuroko ledger …`: the ledger as people look into it (typer's CliRunner; one real subprocess for the
one-line error)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from flows.cli import app
from robots.errors import KurokoError
from robots.ledger import CSV_COLUMNS, Document, DocumentStatus, Ledger, RunStatus
from robots.settings import load_settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def ledger(kuroko_home: Path) -> Iterator[Ledger]:
    """The ledger the CLI will open (under this test's KUROKO_HOME), with one run of three documents:
    entered, corrected by a person then entered, waiting for a person."""
    led = Ledger(load_settings().ledger_url)
    led.migrate()
    run = led.start_run("invoice_intake", target="sandbox-accounting", parameters={"inbox": "/in"})
    led.record_event("run.started", run_id=run, message="3 file(s) in /in")
    for name, total in (("請求書_A.pdf", 11000), ("請求書_B.pdf", 22000), ("[bold]C.pdf", 33000)):
        doc = led.add_document(
            run, path=Path("/in") / name, sha256=name.encode().hex()[:64].ljust(64, "0"), size=1
        )
        led.update_document(doc, reference=f"KRK-{total}")
        if name == "[bold]C.pdf":
            led.open_review(
                doc,
                run_id=run,
                reason_code="review.low_confidence",
                message="合計 の読み取りが不確か",
                fields={"total": total},
                findings=[],
            )
            continue
        if name == "請求書_B.pdf":
            review = led.open_review(
                doc,
                run_id=run,
                reason_code="validation.failed",
                message="合計が明細と一致しません",
                fields={"total": 20000},
                findings=[],
            )
            led.decide_review(
                review, decision="correct", by="山田 花子", corrections={"total": 22000}, comment="明細どおり"
            )
        entry = led.begin_entry(
            doc, target="sandbox-accounting", operation="create_deal", reference=f"KRK-{total}"
        )
        led.confirm_entry(entry, record_id=str(total // 1000))
        led.update_document(doc, status=DocumentStatus.ENTERED)
        led.record_event("entry.confirmed", document_id=doc, message=f"#{total // 1000}")
    led.finish_run(run, status=RunStatus.PARTIAL, summary={"entered": 2, "review": 1})
    yield led
    led.close()


def _doc(ledger: Ledger, file_name: str) -> Document:
    return next(d for d in ledger.documents() if d.file_name == file_name)


def _invoke(*args: str) -> Result:
    return CliRunner().invoke(app, ["ledger", *args])


def test_runs_and_documents_list_what_the_ledger_holds(ledger: Ledger) -> None:
    runs = _invoke("runs")
    assert runs.exit_code == 0, runs.output
    assert "invoice_intake" in runs.stdout and "entered 2, review 1" in runs.stdout
    [run] = json.loads(_invoke("runs", "--json").stdout)
    assert (run["status"], run["summary"]) == ("partial", {"entered": 2, "review": 1})
    docs = _invoke("documents", "--run", run["id"])
    assert docs.exit_code == 0, docs.output
    assert "請求書_A.pdf" in docs.stdout and "[bold]C.pdf" in docs.stdout  # shown, not taken as markup
    assert _doc(ledger, "請求書_B.pdf").id[:8] in docs.stdout
    rows = json.loads(_invoke("documents", "--json").stdout)
    assert sorted((r["file"], r["status"], r["record_ids"]) for r in rows) == [
        ("[bold]C.pdf", "review", []),
        ("請求書_A.pdf", "entered", ["11"]),
        ("請求書_B.pdf", "entered", ["22"]),
    ]


def test_show_tells_a_documents_whole_story(ledger: Ledger) -> None:
    doc = _doc(ledger, "請求書_B.pdf")
    result = _invoke("show", doc.id[:8])  # the short id the documents table shows
    assert result.exit_code == 0, result.output
    text = result.stdout
    for expected in (
        doc.id,
        "請求書_B.pdf",
        "invoice_intake → sandbox-accounting",
        "KRK-22000",
        "confirmed",
        "total: 20000 → 22000",
        "山田 花子",
        "明細どおり",
        "review.opened",
        "review.decided",
        "entry.confirmed",
    ):
        assert expected in text, expected
    assert text.index("review.opened") < text.index("review.decided") < text.index("entry.confirmed")


def test_show_json_is_the_document_detail(ledger: Ledger) -> None:
    doc = _doc(ledger, "[bold]C.pdf")
    result = _invoke("show", doc.id, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == ledger.document_detail(doc.id)


def test_show_an_unknown_document_is_an_error_naming_it(ledger: Ledger) -> None:
    result = _invoke("show", "0123456789")
    assert isinstance(result.exception, KurokoError)
    assert result.exception.code == "ledger.not_found" and "0123456789" in result.exception.message


def test_a_user_sees_one_line_for_an_unknown_document(kuroko_home: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "KUROKO_DATABASE_URL"} | {
        "KUROKO_HOME": str(kuroko_home)
    }
    proc = subprocess.run(
        [sys.executable, "-m", "flows.cli", "ledger", "show", "nope"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env=env,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == "error ledger.not_found: no document 'nope' in the ledger"


def test_reviews_lists_who_decided_what_and_what_still_waits(ledger: Ledger) -> None:
    everything = _invoke("reviews")
    assert everything.exit_code == 0, everything.output
    assert (
        "corrected" in everything.stdout and "山田 花子" in everything.stdout and "open" in everything.stdout
    )
    waiting = _invoke("reviews", "--open")
    assert waiting.exit_code == 0, waiting.output
    assert "[bold]C.pdf" in waiting.stdout and "請求書_B.pdf" not in waiting.stdout
    assert "1 waiting for a person" in waiting.stdout
    rows = json.loads(_invoke("reviews", "--json").stdout)
    assert sorted((r["file"], r["status"], r["decided_by"]) for r in rows) == [
        ("[bold]C.pdf", "open", None),
        ("請求書_B.pdf", "corrected", "山田 花子"),
    ]
    corrected = next(r for r in rows if r["status"] == "corrected")
    assert corrected["corrections"] == [{"field": "total", "before": 20000, "after": 22000}]
    [waiting_row] = json.loads(_invoke("reviews", "--open", "--json").stdout)
    assert waiting_row["status"] == "open"


def test_export_writes_a_csv_excel_reads(ledger: Ledger, tmp_path: Path) -> None:
    out = tmp_path / "台帳.csv"
    result = _invoke("export", str(out))
    assert result.exit_code == 0, result.output
    assert "3 document(s)" in result.stdout
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == list(CSV_COLUMNS)
    by_file = {r["file"]: r for r in rows}
    assert (by_file["請求書_B.pdf"]["record_id"], by_file["請求書_B.pdf"]["reviewed_by"]) == (
        "22",
        "山田 花子",
    )
    assert by_file["[bold]C.pdf"]["status"] == "review"


def test_export_takes_a_range_of_days(ledger: Ledger, tmp_path: Path) -> None:
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=9))).date()
    out = tmp_path / "range.csv"
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    assert "0 document(s)" in _invoke("export", str(out), "--since", tomorrow).stdout
    result = _invoke("export", str(out), "--since", today.isoformat(), "--until", today.isoformat())
    assert "3 document(s)" in result.stdout, result.output


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--since", "4月1日"], "cli.bad_date"),
        (["--until", "2026-13-01"], "cli.bad_date"),
        (["--since", "2026-04-02", "--until", "2026-04-01"], "cli.bad_range"),
    ],
)
def test_export_refuses_bad_dates(ledger: Ledger, tmp_path: Path, args: list[str], code: str) -> None:
    result = _invoke("export", str(tmp_path / "x.csv"), *args)
    assert isinstance(result.exception, KurokoError) and result.exception.code == code
    assert not (tmp_path / "x.csv").exists()


def test_export_into_a_folder_that_cannot_be_written_is_an_error(ledger: Ledger, tmp_path: Path) -> None:
    result = _invoke("export", str(tmp_path))  # a folder, not a file
    assert isinstance(result.exception, KurokoError) and result.exception.code == "ledger.export_failed"
    assert str(tmp_path) in result.exception.message
