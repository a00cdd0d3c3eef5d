"""contract_dispatch: an Excel list of contracts (file, title, signers) → each sent for signature through
the e-contract tool."""

from __future__ import annotations

from pathlib import Path

from prefect import flow

from flows.batch import BatchSummary, run_batch
from flows.batch import check_parameters as _check
from flows.jobs import ContractJob
from robots.settings import load_settings

__all__ = ["check_parameters", "contract_dispatch"]


def check_parameters(
    inbox: Path, target: str = "sandbox-esign", dry_run: bool = False, review_timeout_minutes: int = 720
) -> None:
    _check(ContractJob(load_settings()), inbox, target, dry_run)


@flow(name="contract-dispatch", log_prints=True)
def contract_dispatch(
    inbox: Path, target: str = "sandbox-esign", dry_run: bool = False, review_timeout_minutes: int = 720
) -> BatchSummary:
    """Send every contract listed in the Excel lists (.xlsx) in ``inbox`` through the e-contract tool
    ``target``: upload the PDF, set the title and 管理番号, add the signers in order, send.

    ``dry_run`` reads and validates only: nothing is entered and no file moves. Documents a person must
    look at wait up to ``review_timeout_minutes`` for a decision in the Prefect UI, after the rest."""
    job = ContractJob(load_settings())
    _check(job, inbox, target, dry_run)
    return run_batch(
        job, inbox=inbox, target=target, dry_run=dry_run, review_timeout_s=review_timeout_minutes * 60
    )
