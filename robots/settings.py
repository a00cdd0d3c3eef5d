"""Kuroko's settings: one typed loader for the environment and for `config/`.

Settings come from environment variables prefixed ``KUROKO_`` (``KUROKO_DATABASE_URL``, ``KUROKO_HOME`` …).
Files under ``config/`` are data (targets, rules); they are read with :func:`load_yaml_model`, which
rejects unknown keys with an error naming the key and the file. Secrets never live in files: a target
names the environment variables that hold its credentials.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from robots.errors import BusinessError

__all__ = ["PROJECT_ROOT", "Settings", "find_chromium", "load_settings", "load_yaml_model"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent

_SYSTEM_CHROMIUMS = ("/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser")

M = TypeVar("M", bound=BaseModel)


class Settings(BaseSettings):
    """Process-wide settings; every field can be set as ``KUROKO_<NAME>`` in the environment."""

    model_config = SettingsConfigDict(env_prefix="KUROKO_", extra="ignore")

    home: Path = PROJECT_ROOT / "var"
    """Working data: ledger database, run evidence, demo inbox, sandbox databases."""
    config_dir: Path = PROJECT_ROOT / "config"
    templates_dir: Path = PROJECT_ROOT / "templates"
    database_url: str | None = None
    """SQLAlchemy URL of the run ledger; default a SQLite file under ``home``."""
    chromium_executable: str | None = None
    """Browser binary; default Playwright's own Chromium when installed, else the system Chromium."""
    headless: bool = True
    browser_timeout_ms: int = 15_000
    sandbox_host: str = "127.0.0.1"
    sandbox_port: int = 8710
    max_pdf_pages: int = 50
    review_poll_seconds: int = 10
    """How often a run waiting for a person's review asks the Prefect server for the answer."""
    fiscal_year_end_month: int = 3
    """The month the company's fiscal year ends (決算月), for the archive's retention periods."""

    @property
    def ledger_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'ledger.sqlite3'}"

    @property
    def runs_dir(self) -> Path:
        return self.home / "runs"


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment, with explicit overrides (tests, CLI options) winning."""
    return Settings(**overrides)


def find_chromium(configured: str | None = None) -> str | None:
    """The Chromium binary to launch: the configured one, else None (Playwright's own) when Playwright has
    downloaded its browser, else the system package."""
    if configured:
        return configured
    cache = Path(os.environ.get("PLAYWRIGHT_BROWSERS_PATH") or Path.home() / ".cache" / "ms-playwright")
    if any(cache.glob("chromium-*/chrome-linux*/chrome")):
        return None
    for candidate in _SYSTEM_CHROMIUMS:
        if Path(candidate).exists():
            return candidate
    return shutil.which("chromium") or shutil.which("chromium-browser")


def load_yaml_model(path: Path, model: type[M]) -> M:
    """Read a YAML file into a pydantic model whose config forbids extra keys.

    Raises BusinessError ``config.invalid`` naming the file and each offending key.
    """
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError as exc:
        raise BusinessError("config.not_found", f"{path}: file not found") from exc
    except yaml.YAMLError as exc:
        raise BusinessError("config.invalid", f"{path}: not valid YAML ({exc})") from exc
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(top)'}: {err['msg']}" for err in exc.errors()
        )
        raise BusinessError("config.invalid", f"{path}: {problems}") from exc
