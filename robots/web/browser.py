"""Launching Chromium the way these machines need it, and browser contexts set up for Japan."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Error, Playwright, sync_playwright

from robots.errors import ApplicationError
from robots.settings import Settings, find_chromium

__all__ = ["CHROMIUM_ARGS", "browser", "launch_chromium", "new_context"]

CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def launch_chromium(playwright: Playwright, settings: Settings) -> Browser:
    """Launch headless (or headed) Chromium: Playwright's own when installed, else the system package."""
    executable = find_chromium(settings.chromium_executable)
    try:
        return playwright.chromium.launch(
            executable_path=executable, headless=settings.headless, args=CHROMIUM_ARGS
        )
    except Error as exc:
        raise ApplicationError(
            "browser.launch_failed",
            f"could not start Chromium ({executable or 'Playwright bundled'}): "
            f"{exc.message.splitlines()[0]}. "
            "Run `make setup`, or set KUROKO_CHROMIUM_EXECUTABLE to a Chromium binary.",
        ) from exc


def new_context(browser: Browser, settings: Settings, *, storage_state: Path | None = None) -> BrowserContext:
    """A fresh context: Japanese locale, Tokyo time, the configured timeouts, downloads allowed; with
    ``storage_state``, the cookies of an earlier login."""
    context = browser.new_context(
        locale="ja-JP",
        timezone_id="Asia/Tokyo",
        viewport={"width": 1280, "height": 900},
        accept_downloads=True,
        storage_state=storage_state,
    )
    context.set_default_timeout(settings.browser_timeout_ms)
    context.set_default_navigation_timeout(settings.browser_timeout_ms * 2)
    return context


@contextmanager
def browser(settings: Settings) -> Iterator[Browser]:
    """Playwright and one Chromium for the duration of the block."""
    with sync_playwright() as pw:
        chromium = launch_chromium(pw, settings)
        try:
            yield chromium
        finally:
            chromium.close()
