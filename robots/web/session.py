"""One browser session on one target for a whole batch: opened on first use, reopened after a crash, and
logged in from the saved storage state when there is one."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from robots.errors import ApplicationError
from robots.settings import Settings
from robots.web.browser import launch_chromium, new_context
from robots.web.credentials import LoginValues, SecretResolver, env_secrets
from robots.web.robot import EntryOutcome, RecipeRobot
from robots.web.target import Target

__all__ = ["TargetSession", "session_state_path"]

log = logging.getLogger(__name__)


def session_state_path(settings: Settings, target: str) -> Path:
    """Where a target's login cookies are kept between runs (mode 0600)."""
    return settings.home / "sessions" / f"{target}.json"


class TargetSession:
    """Owns the browser context (and, unless one is given, Playwright and the browser) a robot works in.

    Nothing starts until :meth:`robot` or :meth:`enter` is first called, so a batch with nothing to enter
    never launches a browser. :meth:`reset` throws the context away (after a crash or a hang); the next call
    starts a fresh one, from the saved storage state, so it does not log in again unless the target
    has ended the session. Use as a context manager.
    """

    def __init__(
        self,
        settings: Settings,
        target: Target,
        *,
        secrets: SecretResolver = env_secrets,
        browser: Browser | None = None,
    ) -> None:
        self.settings = settings
        self.target = target
        self.credentials = LoginValues(target, secrets)
        self.logins = 0
        self._given_browser = browser
        self._pw: Playwright | None = None
        self._browser: Browser | None = browser
        self._context: BrowserContext | None = None
        self._page: Page | None = None
        self._robot: RecipeRobot | None = None
        self._failed: set[tuple[str, str]] = set()  # kept across resets: a retry is traced

    def __enter__(self) -> TargetSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def state_path(self) -> Path | None:
        if not self.target.session.storage_state:
            return None
        return session_state_path(self.settings, self.target.name)

    def robot(self) -> RecipeRobot:
        """The recipe robot on a live page (starting the browser when needed)."""
        if self._robot is None or self._page is None or self._page.is_closed():
            self.reset()
            try:
                if self._browser is None or not self._browser.is_connected():
                    if self._given_browser is not None:
                        raise ApplicationError(
                            "browser.gone", "the browser this session was given has closed"
                        )
                    if self._pw is None:
                        self._pw = sync_playwright().start()
                    self._browser = launch_chromium(self._pw, self.settings)
                state = self.state_path if self.state_path and self.state_path.exists() else None
                try:
                    self._context = new_context(self._browser, self.settings, storage_state=state)
                except PlaywrightError:  # an unreadable state file: start without it
                    log.warning(
                        "%s: the saved session could not be loaded; logging in afresh", self.target.name
                    )
                    state = None
                    self._context = new_context(self._browser, self.settings)
                self._page = self._context.new_page()
            except PlaywrightError as exc:
                raise ApplicationError(
                    "browser.failed", f"could not open a browser page: {exc.message}"
                ) from exc
            self._robot = RecipeRobot(
                self._page,
                self.target,
                self.credentials,
                timeout_ms=self.settings.browser_timeout_ms,
                on_login=self._logged_in,
                assume_logged_in=state is not None,
            )
            self._robot.failed_references = self._failed
        return self._robot

    def enter(
        self,
        operation: str,
        record: dict[str, Any],
        *,
        reference: str | None = None,
        evidence_dir: Path | None = None,
    ) -> EntryOutcome:
        """Enter one record through the recipe's ``operation`` (see :meth:`RecipeRobot.enter`)."""
        return self.robot().enter(operation, record, reference=reference, evidence_dir=evidence_dir)

    def _logged_in(self) -> None:
        self.logins += 1
        path = self.state_path
        if path is None or self._context is None:
            return
        state = self._context.storage_state()
        path.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(path.parent, 0o700)
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(state, fh)
        os.replace(tmp, path)
        log.debug("%s: session saved", self.target.name)

    def forget_login(self) -> None:
        """Delete the saved session (the next run logs in afresh)."""
        if self.state_path is not None:
            self.state_path.unlink(missing_ok=True)

    def reset(self) -> None:
        """Close the page's context (and a browser this session launched); Playwright stays up."""
        if self._context is not None:
            try:
                self._context.close()
            except Exception:  # noqa: BLE001 - a crashed browser may refuse to close politely
                pass
        if self._given_browser is None and self._browser is not None:
            try:
                self._browser.close()
            except Exception:  # noqa: BLE001
                pass
            self._browser = None
        self._context = self._page = self._robot = None

    def close(self) -> None:
        self.reset()
        if self._pw is not None:
            self._pw.stop()
            self._pw = None
