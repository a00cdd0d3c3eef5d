"""Login values of a target, fetched when a step needs them and never written anywhere.

The recipe names where each value lives (an environment variable, a Prefect Secret block); a *resolver*
turns such a reference into the value. ``robots`` only knows the environment (:func:`env_secrets`); flows
pass ``flows.secrets.resolve_secret``, which also reads Prefect Secret blocks, so ``robots`` never imports
Prefect. ``{credentials.totp}`` is the current TOTP code computed from the seed at the moment it is typed.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from robots.errors import BusinessError
from robots.web.target import Target

__all__ = ["LoginValues", "SecretRef", "SecretResolver", "env_secrets"]


@dataclass(frozen=True)
class SecretRef:
    """Where one login value lives: ``what`` (username, password, totp_seed or an extra name)."""

    target: str
    what: str
    env: str | None
    secret: str | None

    def describe(self) -> str:
        where = []
        if self.env:
            where.append(f"the environment variable {self.env}")
        if self.secret:
            where.append(f"the Prefect Secret block {self.secret!r}")
        return " or ".join(where)


SecretResolver = Callable[[SecretRef], "str | None"]


def env_secrets(ref: SecretRef) -> str | None:
    """The default resolver: environment variables only."""
    return os.environ.get(ref.env) or None if ref.env else None


class LoginValues:
    """``{credentials.username}``, ``.password``, ``.totp`` (the current code), ``.<extra name>``.

    Values are resolved once and kept in memory only; ``repr`` never shows them."""

    def __init__(self, target: Target, resolver: SecretResolver = env_secrets) -> None:
        self._target = target.name
        self._refs = {
            what: SecretRef(target.name, what, src.env, src.secret)
            for what, src in target.credentials.sources().items()
        }
        self._resolver = resolver
        self._optional = set(target.credentials.optional)
        self._cache: dict[str, str] = {}

    def __repr__(self) -> str:
        return f"<credentials of {self._target}>"

    def _get(self, what: str) -> str:
        if what not in self._cache:
            ref = self._refs.get(what)
            if ref is None:
                raise BusinessError(
                    "target.config",
                    f"target {self._target}: {{credentials.{what}}} is used but its credentials do not say "
                    f"where {what!r} lives",
                )
            value = self._resolver(ref)
            if not value:
                raise BusinessError(
                    "target.credentials_missing",
                    f"target {self._target}: no {what}; set {ref.describe()} "
                    "(credentials are never read from files)",
                )
            self._cache[what] = value
        return self._cache[what]

    def lookup(self, name: str) -> str:
        if name == "totp":
            return self.totp()
        return self._get(name)

    def totp(self) -> str:
        """The current 6-digit code of the TOTP seed."""
        import pyotp

        class _TOTP(pyotp.TOTP):
            # The seed is whatever the SaaS issued: many still issue 80-bit (16 character) seeds, which
            # pyotp >= 2.10 refuses by default (NIST's 112 bits applies to issuing them, not to a client).
            min_secret_length_bits = 80

        try:
            return _TOTP(self._get("totp_seed").replace(" ", "").upper()).now()
        except (ValueError, TypeError) as exc:  # binascii.Error is a ValueError
            raise BusinessError(
                "target.credentials_invalid", f"target {self._target}: the TOTP seed is not valid base32"
            ) from exc

    def missing(self) -> list[str]:
        """Where to set each value that cannot be found (empty when all are there); values the recipe marks
        ``optional`` are not required."""
        out = []
        for what, ref in self._refs.items():
            if what in self._optional:
                continue
            try:
                self._get(what)
            except BusinessError:
                out.append(f"{what} ({ref.describe()})")
        return out

    def check(self) -> None:
        """BusinessError ``target.credentials_missing`` naming every missing value and where to put it."""
        missing = self.missing()
        if missing:
            raise BusinessError(
                "target.credentials_missing",
                f"target {self._target}: set {'; '.join(missing)} (credentials are never read from files)",
            )
