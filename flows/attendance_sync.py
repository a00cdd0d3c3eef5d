"""attendance_sync: monthly 勤怠表 Excel files → each employee's month of attendance in the HR tool.

Scheduled for the first business day of the month: the deployment runs on days 1–7 and the flow does
nothing on the others (Prefect's cron cannot say "first business day"; the bank-holiday calendar can)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from prefect import flow, get_run_logger

from flows.batch import BatchSummary, run_batch
from flows.batch import check_parameters as _check
from flows.jobs import AttendanceJob
from robots.jp.calendar import is_bank_business_day
from robots.settings import load_settings

__all__ = ["attendance_sync", "check_parameters", "is_first_business_day"]


def is_first_business_day(day: dt.date) -> bool:
    """Whether ``day`` is the month's first business day (weekends and national holidays skipped)."""
    first = day.replace(day=1)
    while not is_bank_business_day(first):
        first += dt.timedelta(days=1)
    return day == first


def check_parameters(
    inbox: Path,
    target: str = "sandbox-hr",
    dry_run: bool = False,
    review_timeout_minutes: int = 720,
    only_on_first_business_day: bool = False,
) -> None:
    _check(AttendanceJob(load_settings()), inbox, target, dry_run)


@flow(name="attendance-sync", log_prints=True)
def attendance_sync(
    inbox: Path,
    target: str = "sandbox-hr",
    dry_run: bool = False,
    review_timeout_minutes: int = 720,
    only_on_first_business_day: bool = False,
) -> BatchSummary | None:
    """Enter every timesheet (.xlsx) waiting in ``inbox`` into the HR tool ``target``: one employee's month
    per file, keyed by 従業員番号 and month. With ``only_on_first_business_day`` (the schedule sets it) the
    flow returns at once on any other day. ``dry_run`` reads and validates only."""
    today = dt.datetime.now(ZoneInfo("Asia/Tokyo")).date()
    if only_on_first_business_day and not is_first_business_day(today):
        get_run_logger().info("%s is not the first business day of the month: nothing to do", today)
        return None
    job = AttendanceJob(load_settings())
    _check(job, inbox, target, dry_run)
    return run_batch(
        job, inbox=inbox, target=target, dry_run=dry_run, review_timeout_s=review_timeout_minutes * 60
    )
