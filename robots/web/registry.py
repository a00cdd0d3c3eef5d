"""The escape hatch: Python steps (page objects, odd widgets) a recipe calls by name.

    from robots.web import StepContext, register_step

    @register_step("hr.postal_code")
    def postal_code(ctx: StepContext, *, code: str) -> None:
        box = ctx.locate("employee.postal_code")
        box.fill(code)
        ctx.locate("employee.address_lookup").click()

and in the recipe: ``uses: [mypackage.hr_steps]``, then a step ``- call: hr.postal_code`` with
``with: {code: "{postal_code}"}``.
The ``with`` values are rendered like any template before the call. In ``kuroko target check`` the step runs
with ``ctx.checking`` true: it must then resolve what it uses and change nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["register_step", "registered", "step_function"]

F = TypeVar("F", bound=Callable[..., Any])

_REGISTRY: dict[str, Callable[..., Any]] = {}


def register_step(name: str) -> Callable[[F], F]:
    """Register ``fn(ctx: StepContext, **with_values)`` as the step ``call: name``."""

    def decorate(fn: F) -> F:
        existing = _REGISTRY.get(name)
        if existing is not None and existing is not fn and existing.__qualname__ != fn.__qualname__:
            raise ValueError(f"a step is already registered as {name!r} ({existing.__module__})")
        _REGISTRY[name] = fn
        return fn

    return decorate


def registered() -> dict[str, Callable[..., Any]]:
    return dict(_REGISTRY)


def step_function(name: str) -> Callable[..., Any]:
    return _REGISTRY[name]
