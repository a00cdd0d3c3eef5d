"""Browser robots: targets described in config/, locators resolved in order, sessions that recover."""

from robots.web.accounting import AccountingRobot, DealRecord, EntryOutcome, compare_deal
from robots.web.browser import launch_chromium, new_context
from robots.web.session import TargetSession
from robots.web.target import LocatorSpec, Target, load_target

__all__ = [
    "AccountingRobot",
    "DealRecord",
    "EntryOutcome",
    "LocatorSpec",
    "Target",
    "TargetSession",
    "compare_deal",
    "launch_chromium",
    "load_target",
    "new_context",
]
