"""Pages and JSON API of the sandbox HR app: one blueprint, its routes split by area."""

from __future__ import annotations

from sandbox.hr.views import api, attendance, auth, employees, wizard  # noqa: F401 - they register routes
from sandbox.hr.views.common import bp, handle_http_error

__all__ = ["bp", "handle_http_error"]
