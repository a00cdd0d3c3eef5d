"""invoice_intake: invoice and receipt PDFs in an inbox → deals in an accounting tool, each once, on record.

For each PDF: fingerprint, read, validate, keep the original in the archive (電子帳簿保存法), enter (ledger
intent, then the target searched by 管理番号 first, read back and compared), record the outcome, and only then
move the file. See flows/batch.py for the error model and reviews.
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow

from flows.batch import BatchSummary, DocumentOutcome, run_batch
from flows.batch import check_parameters as _check
from flows.jobs import InvoiceJob
from robots.settings import load_settings

__all__ = ["DocumentOutcome", "IntakeSummary", "check_parameters", "invoice_intake"]

IntakeSummary = BatchSummary  # the name earlier releases exported


def check_parameters(
    inbox: Path, target: str = "sandbox-accounting", dry_run: bool = False, review_timeout_minutes: int = 720
) -> None:
    """Fail fast, before any run starts: a missing inbox, an unknown or broken target, missing credentials."""
    _check(InvoiceJob(load_settings()), inbox, target, dry_run)


@flow(name="invoice-intake", log_prints=True)
def invoice_intake(
    inbox: Path, target: str = "sandbox-accounting", dry_run: bool = False, review_timeout_minutes: int = 720
) -> BatchSummary:
    """Enter every invoice or receipt PDF waiting in ``inbox`` into the accounting tool ``target`` (a recipe
    under config/targets/). With ``dry_run`` they are read and validated only: nothing is entered and no file
    moves. Documents a person must look at (doubtful fields, findings, a refusal by the target) wait, after
    the rest of the batch, up to ``review_timeout_minutes`` for a decision in the Prefect UI (0: do not wait;
    they are left in ``review/`` for a later run)."""
    job = InvoiceJob(load_settings())
    _check(job, inbox, target, dry_run)
    return run_batch(
        job, inbox=inbox, target=target, dry_run=dry_run, review_timeout_s=review_timeout_minutes * 60
    )
