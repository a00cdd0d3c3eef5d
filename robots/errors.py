"""The two kinds of failure a robot reports, under one base with a code and a message.

``BusinessError``: the data or the target said no (unreadable or invalid document, a rejection by the
target's validation, a read-back mismatch). Retrying cannot help; a person has to look.

``ApplicationError``: something in the machinery failed (timeout, 5xx, browser crash, expired session).
Retrying with backoff may help.

Third-party exceptions are translated into these once, at the robot's edge; flows and the CLI turn them
into user messages.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ApplicationError", "BusinessError", "KurokoError"]


class KurokoError(Exception):
    """Base of every error Kuroko reports to a user: a stable ``code`` and a human ``message``."""

    retryable: bool = False

    def __init__(self, code: str, message: str, **details: Any) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        """The error object printed to users and written beside failed files."""
        out: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details:
            out["details"] = self.details
        return out


class BusinessError(KurokoError):
    """The data or the target said no: never retried, goes to a person."""

    retryable = False


class ApplicationError(KurokoError):
    """Timeouts, 5xx, crashes, expired sessions: retried with backoff."""

    retryable = True
