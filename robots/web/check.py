"""``kuroko target check``: did the SaaS change its screens?

Logs in (afresh, no saved session), then for every operation: finds an existing record (``check_record``)
and runs ``find``, ``open`` and ``verify`` against it without comparing anything; fills the form with the
operation's ``sample`` up to, not including, the save (the save button is located, never clicked; a
type-ahead's "register new" entry is never chosen; uploads only locate their input). Every locator key used on
the way is reported: matched by its first choice, by a fallback (which one), not found, or not checked (and
why). Nothing is saved on the target.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Literal

from playwright.sync_api import Browser

from robots.errors import KurokoError
from robots.settings import Settings
from robots.web.browser import new_context
from robots.web.credentials import LoginValues, SecretResolver, env_secrets
from robots.web.locators import LocatorLog
from robots.web.robot import RecipeRobot
from robots.web.target import ChooseStep, FailIfStep, Target, walk_steps

__all__ = ["CheckReport", "LocatorCheck", "check_target"]

Status = Literal["first choice", "fallback", "not found", "not checked"]


@dataclass
class LocatorCheck:
    key: str
    status: Status
    index: int | None = None  # which strategy matched (0 = first choice)
    strategy: str = ""
    note: str = ""


@dataclass
class CheckReport:
    target: str
    locators: list[LocatorCheck]
    problems: list[str] = field(default_factory=list)

    def count(self, status: Status) -> int:
        return sum(1 for c in self.locators if c.status == status)

    @property
    def exit_code(self) -> int:
        """0: every locator checked matched by its first choice; 1: some only by a fallback; 2: some not
        found (or an operation could not be checked)."""
        if self.count("not found") or self.problems:
            return 2
        return 1 if self.count("fallback") else 0

    def to_dict(self) -> dict[str, object]:
        return {
            "target": self.target,
            "exit_code": self.exit_code,
            "summary": {s: self.count(s) for s in ("first choice", "fallback", "not found", "not checked")},
            "locators": [asdict(c) for c in self.locators],
            "problems": self.problems,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)


def _why_unchecked(target: Target) -> dict[str, str]:
    """For keys that were not reached: the most likely reason, from where the recipe uses them (the first
    reason that applies wins)."""
    why: dict[str, str] = {}
    for item in target.interruptions:
        for key in filter(None, (item.appears, item.click)):
            why.setdefault(key, "did not appear during the check")
    steps = target.all_steps()
    for _, step in steps:
        if isinstance(step, FailIfStep):
            why.setdefault(step.fail_if, "only shown when the target refuses")
        if isinstance(step, ChooseStep) and step.create:
            why.setdefault(step.create, "the sample's value is already in the list (nothing is created)")
    for path, step in steps:
        if ".commit[" in path and not path.endswith(".commit[0]"):
            for key in step.locators():
                why.setdefault(key, "only shown after saving")
    for name, op in target.operations.items():
        reason = "no existing record to check it on" if op.check_record else f"{name} has no check_record"
        for section in (op.find, op.open, op.verify):
            for _, step in walk_steps(section, ""):
                for key in step.locators():
                    why.setdefault(key, reason)
    return why


def check_target(
    target: Target,
    browser: Browser,
    settings: Settings,
    *,
    secrets: SecretResolver = env_secrets,
    timeout_ms: float | None = None,
) -> CheckReport:
    """Resolve every locator of every operation of ``target`` in a fresh context of ``browser``."""
    log = LocatorLog()
    problems: list[str] = []
    context = new_context(browser, settings)
    try:
        robot = RecipeRobot(
            context.new_page(),
            target,
            LoginValues(target, secrets),
            timeout_ms=timeout_ms or settings.browser_timeout_ms,
            checking=True,
            locator_log=log,
        )
        try:
            robot.login()
        except KurokoError as exc:
            problems.append(f"login: {exc.message}")
        else:
            for name in target.operations:
                problems += robot.check_operation(name)
    finally:
        context.close()

    used: list[str] = []
    for _, step in target.all_steps():
        used += step.locators()
    for item in target.interruptions:
        used += [k for k in (item.appears, item.click) if k]
    if target.session.logged_in:
        used.append(target.session.logged_in)
    why = _why_unchecked(target)
    checks = []
    for key in target.locators:
        m = log.matches.get(key)
        if m is None:
            note = why.get(key, "not reached") if key in used else "not used by any step"
            checks.append(LocatorCheck(key, "not checked", note=note))
        elif m.index is None:
            checks.append(
                LocatorCheck(key, "not found", strategy="; ".join(s.describe() for s in target.locators[key]))
            )
        else:
            status: Status = "first choice" if m.index == 0 else "fallback"
            checks.append(LocatorCheck(key, status, m.index, m.strategy))
    return CheckReport(target.name, checks, problems)
