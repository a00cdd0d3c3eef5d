"""Resolve a target's ordered locator strategies on a page, saying when a fallback was needed."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from playwright.sync_api import Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from robots.errors import ApplicationError
from robots.web.target import LocatorSpec

__all__ = ["Resolved", "build_locator", "resolve"]

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


def build_locator(scope: Page | Locator, spec: LocatorSpec, **params: object) -> Locator:
    """The Playwright locator for one strategy, with ``{n}``-style placeholders filled in."""

    def fmt(value: str) -> str:
        return value.format(**params) if params else value

    if spec.role:
        name = fmt(spec.name) if spec.name else None
        return scope.get_by_role(spec.role, name=name, exact=spec.exact)  # type: ignore[arg-type]
    if spec.label:
        return scope.get_by_label(fmt(spec.label), exact=spec.exact)
    if spec.placeholder:
        return scope.get_by_placeholder(fmt(spec.placeholder), exact=spec.exact)
    if spec.text:
        return scope.get_by_text(fmt(spec.text), exact=spec.exact)
    if spec.test_id:
        return scope.get_by_test_id(fmt(spec.test_id))
    assert spec.css
    return scope.locator(fmt(spec.css))


def resolve(
    scope: Page | Locator, key: str, specs: list[LocatorSpec], *, timeout_ms: float, **params: object
) -> Resolved:
    """Wait until one of the strategies matches, then return the first (in order) that does.

    Waits on the union of all strategies (no polling loop, no sleeps); raises ApplicationError
    ``target.element_not_found`` naming the key and every strategy tried.
    """
    locators = [build_locator(scope, spec, **params) for spec in specs]
    union = locators[0]
    for other in locators[1:]:
        union = union.or_(other)
    try:
        union.first.wait_for(state="attached", timeout=timeout_ms)
    except PlaywrightTimeoutError as exc:
        tried = "; ".join(spec.describe() for spec in specs)
        raise ApplicationError(
            "target.element_not_found",
            f"no element for {key!r} after {timeout_ms / 1000:.0f}s (tried {tried})",
        ) from exc
    for index, (spec, loc) in enumerate(zip(specs, locators, strict=True)):
        if loc.count() > 0:
            if index > 0:
                log.warning(
                    "locator %r matched by fallback #%d (%s): the screen may have changed",
                    key,
                    index,
                    spec.describe(),
                )
            return Resolved(key=key, locator=loc.first, index=index, spec=spec)
    # The element went away between the wait and the count: treat as not found.
    raise ApplicationError("target.element_not_found", f"element for {key!r} disappeared while resolving")
