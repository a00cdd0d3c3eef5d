"""One browser session on one target for a whole batch: opened on first use, reopened after a crash."""

from __future__ import annotations

from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from robots.settings import Settings
from robots.web.accounting import AccountingRobot
from robots.web.browser import launch_chromium, new_context
from robots.web.target import Target

__all__ = ["TargetSession"]


class TargetSession:
    """Owns Playwright, the browser and the page a robot works in. Use as a context manager.

    Nothing starts until :meth:`robot` is first called, so a batch with nothing to enter never
    launches a browser. :meth:`reset` throws the browser away (after a crash or a hang); the next
    :meth:`robot` call starts a fresh one and the robot logs in again.
    """

    def __init__(self, settings: Settings, target: Target) -> None:
        self.settings = settings
        self.target = target
        self._pw: Playwright | None = None
        self._browser: Browser | None = None
        self._context: BrowserContext | None = None
        self._page: Page | None = None
        self._credentials: tuple[str, str] | None = None

    def __enter__(self) -> TargetSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def credentials(self) -> tuple[str, str]:
        """The target's credentials, read from the environment once (never passed around as task data)."""
        if self._credentials is None:
            self._credentials = self.target.credentials_from_env()
        return self._credentials

    def robot(self) -> AccountingRobot:
        if self._page is None or self._page.is_closed():
            self.reset()
            if self._pw is None:
                self._pw = sync_playwright().start()
            self._browser = launch_chromium(self._pw, self.settings)
            self._context = new_context(self._browser, self.settings)
            self._page = self._context.new_page()
        return AccountingRobot(self._page, self.target, timeout_ms=self.settings.browser_timeout_ms)

    def reset(self) -> None:
        """Close the browser (if any); Playwright itself stays up for the next launch."""
        for closable in (self._context, self._browser):
            if closable is not None:
                try:
                    closable.close()
                except Exception:  # noqa: BLE001 - a crashed browser may refuse to close politely
                    pass
        self._context = self._browser = self._page = None

    def close(self) -> None:
        self.reset()
        if self._pw is not None:
            self._pw.stop()
            self._pw = None
