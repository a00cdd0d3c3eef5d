"""End to end: real PDFs in an inbox → the real invoice-intake flow (Prefect test harness) → real headless
Chromium → the real sandbox accounting app; checked through the sandbox's JSON API and the ledger."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from robots.bookkeeping import reference_for
from robots.inbox import fingerprint
from robots.ledger import DocumentStatus, Ledger
from robots.settings import load_settings
from sandbox.samples import generate_invoices, write_broken_pdfs

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.usefixtures("prefect_harness", "sandbox_target_env", "kuroko_home"),
]


def _run(inbox: Path, **kw: object):
    from flows.invoice_intake import invoice_intake

    return invoice_intake(inbox=inbox, target="sandbox-accounting", **kw)


def test_every_invoice_entered_once_with_its_attachment_and_a_rerun_enters_nothing(
    tmp_path: Path, sandbox_api
) -> None:
    inbox = tmp_path / "inbox"
    samples = generate_invoices(inbox, count=4, seed=101)
    broken = write_broken_pdfs(tmp_path / "broken")
    shutil.copy(broken["not_a_pdf"], inbox / "壊れた請求書.pdf")
    originals = {s.path.name: (fingerprint(s.path).sha256, s.expected) for s in samples}

    summary = _run(inbox)

    by_file = {d.file: d for d in summary.documents}
    assert by_file["壊れた請求書.pdf"].status == DocumentStatus.FAILED
    assert by_file["壊れた請求書.pdf"].error_code == "pdf.not_a_pdf"
    for name, (sha, expected) in originals.items():
        outcome = by_file[name]
        assert outcome.status == DocumentStatus.ENTERED, outcome
        deals = sandbox_api.deals(ref_number=reference_for(sha))
        assert len(deals) == 1
        deal = sandbox_api.get(f"/api/deals/{deals[0]['id']}")
        assert str(deal["id"]) == outcome.record_id
        assert deal["amount"] == expected["total"]
        assert deal["issue_date"] == expected["issue_date"]
        assert deal["due_date"] == expected["due_date"]
        assert deal["partner_name"] == expected["issuer"]
        assert [d["amount"] for d in deal["details"]] == [
            b["net"] + b["tax"] for b in expected["tax_breakdown"]
        ]
        assert [r["sha256"] for r in deal["receipts"]] == [sha]
        assert (inbox / "processed" / name).exists()
    assert not list(inbox.glob("*.pdf")), "every file left the inbox"
    note = json.loads((inbox / "failed" / "壊れた請求書.pdf.error.json").read_text(encoding="utf-8"))
    assert note["error"]["code"] == "pdf.not_a_pdf" and "壊れた請求書.pdf" in note["error"]["message"]

    # The same files arrive again: nothing is entered twice.
    before = len(sandbox_api.deals())
    for name in originals:
        shutil.copy(inbox / "processed" / name, inbox / name)
    again = _run(inbox)
    assert {d.status for d in again.documents} == {DocumentStatus.ALREADY_ENTERED}
    assert {d.record_id for d in again.documents} == {d.record_id for d in summary.documents if d.record_id}
    assert len(sandbox_api.deals()) == before


def test_a_lost_ledger_still_enters_nothing_twice_because_the_target_is_searched_first(
    tmp_path: Path, sandbox_api, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox = tmp_path / "inbox"
    samples = generate_invoices(inbox, count=2, seed=202)
    copies = tmp_path / "copies"
    shutil.copytree(inbox, copies)
    first = _run(inbox)
    assert [d.status for d in first.documents] == [DocumentStatus.ENTERED] * 2
    before = len(sandbox_api.deals())

    monkeypatch.setenv("KUROKO_HOME", str(tmp_path / "fresh-home"))  # as if the ledger were lost in a crash
    for sample in samples:
        shutil.copy(copies / sample.path.name, inbox / sample.path.name)
    second = _run(inbox)

    assert [d.status for d in second.documents] == [DocumentStatus.ALREADY_ENTERED] * 2
    assert [d.record_id for d in second.documents] == [d.record_id for d in first.documents]
    assert len(sandbox_api.deals()) == before


def test_dry_run_reads_and_validates_but_enters_and_moves_nothing(tmp_path: Path, sandbox_api) -> None:
    inbox = tmp_path / "inbox"
    samples = generate_invoices(inbox, count=2, seed=303)
    before = len(sandbox_api.deals())
    summary = _run(inbox, dry_run=True)
    assert [d.status for d in summary.documents] == [DocumentStatus.VALIDATED] * 2
    assert all(s.path.exists() for s in samples)
    assert len(sandbox_api.deals()) == before
    with Ledger(load_settings().ledger_url) as ledger:
        docs = ledger.documents(summary.run_id)
    assert {d.status for d in docs} == {"validated"} and all(d.extracted for d in docs)


def test_a_run_is_on_record_in_the_ledger(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    generate_invoices(inbox, count=1, seed=404)
    summary = _run(inbox)
    with Ledger(load_settings().ledger_url) as ledger:
        run = ledger.get_run(summary.run_id)
        docs = ledger.documents(summary.run_id)
    assert run.status == "completed" and run.summary == {"entered": 1}
    assert run.orchestrator_run_id  # the Prefect flow run it belongs to
    (doc,) = docs
    assert doc.status == "entered" and doc.moved_to.endswith(doc.file_name)
    assert [(e.status, e.record_id) for e in doc.entries] == [("confirmed", summary.documents[0].record_id)]
    assert Path(doc.entries[0].detail["screenshot"]).stat().st_size > 0


def test_the_same_invoice_as_a_different_file_is_not_entered_again(tmp_path: Path, sandbox_api) -> None:
    inbox = tmp_path / "inbox"
    (sample,) = generate_invoices(inbox, count=1, seed=505)
    first = _run(inbox)
    assert first.documents[0].status == DocumentStatus.ENTERED
    before = len(sandbox_api.deals())
    copy = inbox / "再送_請求書.pdf"  # re-sent by mail: same invoice, different bytes
    copy.write_bytes((inbox / "processed" / sample.path.name).read_bytes() + b"\n% resent\n")
    second = _run(inbox, review_timeout_minutes=0)  # nobody waits: it is left for a person
    (doc,) = second.documents
    assert (doc.status, doc.error_code) == (DocumentStatus.REVIEW, "duplicate.invoice")
    assert sample.path.name in doc.error_message and f"#{first.documents[0].record_id}" in doc.error_message
    assert len(sandbox_api.deals()) == before
    assert (inbox / "review" / "再送_請求書.pdf").exists()
    note = json.loads((inbox / "review" / "再送_請求書.pdf.review.json").read_text(encoding="utf-8"))
    assert note["error"]["code"] == "duplicate.invoice"
    with Ledger(load_settings().ledger_url) as ledger:
        (review,) = ledger.open_reviews()
    assert review.reason_code == "duplicate.invoice"


@pytest.mark.postgres
def test_the_flow_keeps_its_ledger_and_archive_on_postgresql(
    tmp_path: Path, sandbox_api, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from robots.archive import Archive

    monkeypatch.setenv("KUROKO_DATABASE_URL", postgres_url)
    inbox = tmp_path / "inbox"
    samples = generate_invoices(inbox, count=2, seed=606)
    summary = _run(inbox)
    assert [d.status for d in summary.documents] == [DocumentStatus.ENTERED] * 2
    with Ledger(postgres_url) as ledger:
        run = ledger.get_run(summary.run_id)
        kinds = [e.kind for e in ledger.events(run_id=summary.run_id)]
    assert run.status == "completed" and run.summary == {"entered": 2}
    assert kinds[0] == "run.started" and kinds.count("entry.confirmed") == 2 and kinds[-1] == "run.finished"
    with Archive.from_settings(load_settings()) as archive:
        found = {d.sha256 for d in archive.search()}
    assert {fingerprint(inbox / "processed" / s.path.name).sha256 for s in samples} <= found
