"""expense_reports: 経費精算書 Excel files → expense deals in the accounting tool, each once, on record."""

from __future__ import annotations

from pathlib import Path

from prefect import flow

from flows.batch import BatchSummary, run_batch
from flows.batch import check_parameters as _check
from flows.jobs import ExpenseJob
from robots.settings import load_settings

__all__ = ["check_parameters", "expense_reports"]


def check_parameters(
    inbox: Path, target: str = "sandbox-accounting", dry_run: bool = False, review_timeout_minutes: int = 720
) -> None:
    _check(ExpenseJob(load_settings()), inbox, target, dry_run)


@flow(name="expense-reports", log_prints=True)
def expense_reports(
    inbox: Path, target: str = "sandbox-accounting", dry_run: bool = False, review_timeout_minutes: int = 720
) -> BatchSummary:
    """Enter every 経費精算書 (.xlsx) waiting in ``inbox`` into the accounting tool ``target`` as one expense
    deal each (the employee as 取引先, one line per expense).

    ``dry_run`` reads and validates only: nothing is entered and no file moves. Documents a person must
    look at wait up to ``review_timeout_minutes`` for a decision in the Prefect UI, after the rest."""
    job = ExpenseJob(load_settings())
    _check(job, inbox, target, dry_run)
    return run_batch(
        job, inbox=inbox, target=target, dry_run=dry_run, review_timeout_s=review_timeout_minutes * 60
    )
