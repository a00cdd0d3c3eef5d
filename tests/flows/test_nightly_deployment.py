"""The nightly invoice deployment, end to end: triggered on the Prefect server, run by a runner in its own
process, 20 documents of which 3 are broken and 2 wait for a person (a scan the reader is unsure of, and an
invoice sent a second time as another file); the test answers both reviews through Prefect's resume API, as a
person in the UI would: the scan corrected and entered, the second copy rejected."""

from __future__ import annotations

import asyncio
import shutil
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from robots.bookkeeping import reference_for
from robots.inbox import fingerprint
from robots.ledger import DocumentStatus, Ledger
from robots.settings import load_settings
from sandbox.samples import generate_invoices, scan_pdf, write_broken_pdfs

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.usefixtures("prefect_harness", "sandbox_target_env", "kuroko_home"),
]

BROKEN = ("empty", "truncated", "not_a_pdf")


def _inbox(tmp_path: Path) -> tuple[Path, dict[str, str], str, str]:
    """15 text invoices, 3 broken files, 1 scan, 1 re-sent copy: the inbox, each good file's SHA-256, the
    scan's and the copy's names."""
    inbox = tmp_path / "inbox"
    good = generate_invoices(inbox, count=15, seed=2026)
    paper = generate_invoices(tmp_path / "paper", count=2, seed=77, layouts=["A", "B"])[1]
    scan = "スキャン_請求書.pdf"
    scan_pdf(paper.path, inbox / scan, seed=1, skew_degrees=0.4, noise=0.02)  # its names are split by OCR
    copy = good[0].path.stem + "_再送.pdf"  # the same invoice, mailed again: other bytes (sorts after it)
    (inbox / copy).write_bytes(good[0].path.read_bytes() + b"\n% resent\n")
    broken = write_broken_pdfs(tmp_path / "broken")
    for kind in BROKEN:
        shutil.copy(broken[kind], inbox / f"壊れた_{kind}.pdf")
    shas = {s.path.name: fingerprint(s.path).sha256 for s in good} | {scan: fingerprint(inbox / scan).sha256}
    return inbox, shas, scan, copy


def _wait_for(what: str, check: Any, timeout: float = 240) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:  # a test waiting on another process: poll with a deadline
        value = check()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def test_nightly_deployment_with_broken_files_and_two_reviews(
    tmp_path: Path, sandbox_api, monkeypatch
) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId
    from prefect.deployments import run_deployment
    from prefect.flow_runs import resume_flow_run
    from prefect.runner import Runner

    from flows.deployments import load_deployments

    monkeypatch.setenv("KUROKO_REVIEW_POLL_SECONDS", "1")
    inbox, shas, scan, copy = _inbox(tmp_path)

    (deployment,) = load_deployments(names=["nightly"])
    deployment.parameters = {
        "inbox": str(inbox),
        "target": "sandbox-accounting",
        "review_timeout_minutes": 10,
    }
    deployment.schedules = []  # triggered now, not at 02:00
    deployment.apply()
    flow_run = run_deployment("invoice-intake/nightly", timeout=0)

    runner = Runner(name="test-runner", query_seconds=1)
    runner.add_deployment(deployment)
    worker = threading.Thread(target=lambda: asyncio.run(runner.start(run_once=True)), daemon=True)
    worker.start()

    settings = load_settings()
    answered: dict[str, str] = {}
    with get_client(sync_client=True) as client, Ledger(settings.ledger_url) as ledger:
        for _ in range(2):
            state = _wait_for(
                "the run to pause for a review",
                lambda: (s := client.read_flow_run(flow_run.id).state).is_paused() and s,
            )
            document_id = state.state_details.pause_key.removeprefix("review-")  # which document it waits on
            (review,) = [r for r in ledger.open_reviews() if r.document_id == document_id]
            name = review.document.file_name
            assert name in (scan, copy), f"{name} should not need a review"
            run_input: dict[str, Any] = {"reviewer": "経理 山田"}
            if name == scan:
                assert review.reason_code == "review.low_confidence"
                run_input |= {"decision": "correct", "invoice_number": "INV-CORRECTED-1"}
            else:
                assert review.reason_code == "duplicate.invoice"
                run_input |= {"decision": "reject", "comment": "二重送付"}
            resume_flow_run(flow_run.id, run_input=run_input)
            answered[name] = run_input["decision"]
            _wait_for("the run to go on", lambda: not client.read_flow_run(flow_run.id).state.is_paused())
        final = _wait_for(
            "the run to finish",
            lambda: (s := client.read_flow_run(flow_run.id).state).is_final() and s,
            timeout=300,
        )
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run.id]))
        )
    worker.join(timeout=60)
    assert final.is_completed(), final

    # Every good document entered exactly once, the two reviewed scans included.
    for name, sha in shas.items():
        deals = sandbox_api.deals(ref_number=reference_for(sha))
        assert len(deals) == 1, (name, deals)
        assert (inbox / "processed" / name).exists(), name
    # The broken ones: on record with their reasons, files kept.
    with Ledger(settings.ledger_url) as ledger:
        (run,) = [r for r in ledger.runs() if r.orchestrator_run_id == str(flow_run.id)]
        docs = {d.file_name: d for d in ledger.documents(run.id)}
        reviews = ledger.reviews()
    for kind in BROKEN:
        doc = docs[f"壊れた_{kind}.pdf"]
        assert doc.status == DocumentStatus.FAILED and doc.error_code and doc.error_message
        assert (inbox / "failed" / f"壊れた_{kind}.pdf").exists()
        assert (inbox / "failed" / f"壊れた_{kind}.pdf.error.json").exists()
    assert sorted(r.status for r in reviews) == ["corrected", "rejected"]
    assert {r.decided_by for r in reviews} == {"経理 山田"}
    corrected = next(r for r in reviews if r.status == "corrected")
    assert [c["field"] for c in corrected.corrections] == ["invoice_number"]
    assert corrected.corrections[0]["after"] == "INV-CORRECTED-1"
    assert docs[scan].status == DocumentStatus.ENTERED
    assert docs[copy].status == DocumentStatus.REJECTED and (inbox / "failed" / copy).exists()

    # The artifacts say so.
    by_type = {a.type: a for a in artifacts}
    table = by_type["table"].data
    rows = table if isinstance(table, list) else __import__("json").loads(table)
    assert len(rows) == 20
    outcomes = [r["結果 / outcome"] for r in rows]
    assert sum("/ failed" in o for o in outcomes) == 3 and sum("/ entered" in o for o in outcomes) == 16
    assert sum("/ rejected" in o for o in outcomes) == 1
    summary = by_type["markdown"].data
    assert (
        "失敗" in summary and "failed" in summary and "壊れた_empty.pdf" in summary and "二重送付" in summary
    )
    assert "progress" in by_type
