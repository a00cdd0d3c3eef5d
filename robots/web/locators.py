"""Resolve a target's ordered locator strategies on a page, saying when a fallback was needed.

A key's strategies are tried in order: the first is what the screen looks like today, later ones keep
working when labels or positions change. :func:`resolve` waits on the union of all strategies (no polling,
no sleeps), then returns the first in order that matches. A match by a fallback logs a warning and is kept in
the :class:`LocatorLog` the robot reports (the screen changed: update the recipe).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from playwright.sync_api import Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from robots.errors import ApplicationError
from robots.web.target import LocatorSpec

__all__ = ["LocatorLog", "Match", "Resolved", "build_locator", "resolve", "union"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Resolved:
    key: str
    locator: Locator
    index: int  # 0 = first choice; more means the screen changed and a fallback matched
    spec: LocatorSpec

    @property
    def used_fallback(self) -> bool:
        return self.index > 0


@dataclass
class Match:
    """What happened to one locator key: the worst result seen (not found > fallback > first choice)."""

    key: str
    index: int | None  # None: not found
    strategy: str = ""
    uses: int = 0

    @property
    def status(self) -> str:
        if self.index is None:
            return "not found"
        return "first choice" if self.index == 0 else f"fallback #{self.index}"


@dataclass
class LocatorLog:
    """Every key resolved during a run, in the order first seen."""

    matches: dict[str, Match] = field(default_factory=dict)

    def record(self, key: str, index: int | None, strategy: str) -> None:
        seen = self.matches.get(key)
        if seen is None:
            self.matches[key] = Match(key, index, strategy, 1)
            return
        seen.uses += 1
        worse = index is None or (seen.index is not None and index > seen.index)
        if worse:
            seen.index, seen.strategy = index, strategy

    @property
    def fallbacks(self) -> list[str]:
        return [k for k, m in self.matches.items() if m.index]


def build_locator(
    scope: Page | Locator, spec: LocatorSpec, render: Callable[[str], str] | None = None
) -> Locator:
    """The Playwright locator for one strategy, its text rendered (``{n}`` …) by ``render``."""

    def fmt(value: str) -> str:
        return render(value) if render else value

    base = scope.frame_locator(spec.frame) if spec.frame else scope
    if spec.role:
        name = fmt(spec.name) if spec.name else None
        return base.get_by_role(spec.role, name=name, exact=spec.exact)  # type: ignore[arg-type]
    if spec.label:
        return base.get_by_label(fmt(spec.label), exact=spec.exact)
    if spec.placeholder:
        return base.get_by_placeholder(fmt(spec.placeholder), exact=spec.exact)
    if spec.text:
        return base.get_by_text(fmt(spec.text), exact=spec.exact)
    if spec.test_id:
        return base.get_by_test_id(fmt(spec.test_id))
    assert spec.css
    return base.locator(fmt(spec.css))


def union(
    scope: Page | Locator, specs: list[LocatorSpec], render: Callable[[str], str] | None = None
) -> Locator:
    """All strategies of a key as one locator (for "is any of it there?" and for masks)."""
    locators = [build_locator(scope, spec, render) for spec in specs]
    out = locators[0]
    for other in locators[1:]:
        out = out.or_(other)
    return out


def resolve(
    scope: Page | Locator,
    key: str,
    specs: list[LocatorSpec],
    *,
    timeout_ms: float,
    render: Callable[[str], str] | None = None,
    log_to: LocatorLog | None = None,
) -> Resolved:
    """Wait until one of the strategies matches, then return the first (in order) that does.

    Raises ApplicationError ``target.element_not_found`` naming the key and every strategy tried.
    """
    locators = [build_locator(scope, spec, render) for spec in specs]

    def found(index: int) -> Resolved:
        spec = specs[index]
        seen = log_to.matches.get(key) if log_to is not None else None
        if index > 0 and (seen is None or seen.index != index):  # once per key and run, not per use
            log.warning(
                "locator %r matched by fallback #%d (%s): the screen may have changed",
                key,
                index,
                spec.describe(),
            )
        if log_to is not None:
            log_to.record(key, index, spec.describe())
        return Resolved(key=key, locator=locators[index].first, index=index, spec=spec)

    if locators[0].count() > 0:  # the usual case (first choice already there) costs one round trip
        return found(0)
    any_of = locators[0]
    for other in locators[1:]:
        any_of = any_of.or_(other)
    try:
        any_of.first.wait_for(state="attached", timeout=timeout_ms)
    except PlaywrightTimeoutError as exc:
        if log_to is not None:
            log_to.record(key, None, "")
        tried = "; ".join(spec.describe() for spec in specs)
        raise ApplicationError(
            "target.element_not_found",
            f"no element for {key!r} after {timeout_ms / 1000:.0f}s (tried {tried})",
            key=key,
        ) from exc
    for index, loc in enumerate(locators):
        if loc.count() > 0:
            return found(index)
    if log_to is not None:
        log_to.record(key, None, "")
    raise ApplicationError(
        "target.element_not_found", f"element for {key!r} disappeared while resolving", key=key
    )
