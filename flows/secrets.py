"""Where target credentials come from when a flow or the CLI runs: the environment first, then a Prefect
Secret block. ``robots`` gets :func:`resolve_secret` as a plain callable and never imports Prefect."""

from __future__ import annotations

import logging
import os

from robots.web.credentials import SecretRef, SecretResolver

__all__ = ["resolve_secret", "resolver"]

log = logging.getLogger(__name__)


def resolve_secret(ref: SecretRef) -> str | None:
    """The value of one login value: ``ref.env`` when that variable is set, else the Prefect Secret block
    ``ref.secret`` (None when neither has it). Never logs the value."""
    if ref.env and os.environ.get(ref.env):
        return os.environ[ref.env]
    if not ref.secret:
        return None
    from prefect.blocks.system import Secret

    try:
        # _sync: the sync path even when an event loop is running in this thread (Playwright's sync API
        # keeps one), where Prefect would otherwise hand back a coroutine.
        value = Secret.load(ref.secret, _sync=True).get()
    except ValueError:  # no block of that name
        log.warning("%s: no Prefect Secret block %r for its %s", ref.target, ref.secret, ref.what)
        return None
    return str(value) if value else None


def resolver() -> SecretResolver:
    """The resolver flows hand to robots (``TargetSession(..., secrets=resolver())``)."""
    return resolve_secret
