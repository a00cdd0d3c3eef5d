"""employee_onboarding: 入社手続き Excel forms → new employees in the HR tool (all wizard steps), each once,
all on record."""

from __future__ import annotations

from pathlib import Path

from prefect import flow

from flows.batch import BatchSummary, run_batch
from flows.batch import check_parameters as _check
from flows.jobs import OnboardingJob
from robots.settings import load_settings

__all__ = ["check_parameters", "employee_onboarding"]


def check_parameters(
    inbox: Path, target: str = "sandbox-hr", dry_run: bool = False, review_timeout_minutes: int = 720
) -> None:
    _check(OnboardingJob(load_settings()), inbox, target, dry_run)


@flow(name="employee-onboarding", log_prints=True)
def employee_onboarding(
    inbox: Path, target: str = "sandbox-hr", dry_run: bool = False, review_timeout_minutes: int = 720
) -> BatchSummary:
    """Register every onboarding form (.xlsx) waiting in ``inbox`` as a new employee in the HR tool
    ``target``, keyed by 従業員番号. A personal number on a form is never typed or logged.

    ``dry_run`` reads and validates only: nothing is entered and no file moves. Documents a person must
    look at wait up to ``review_timeout_minutes`` for a decision in the Prefect UI, after the rest."""
    job = OnboardingJob(load_settings())
    _check(job, inbox, target, dry_run)
    return run_batch(
        job, inbox=inbox, target=target, dry_run=dry_run, review_timeout_s=review_timeout_minutes * 60
    )
