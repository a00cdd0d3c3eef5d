"""A target: one tenant of one web tool, described in `config/targets/<name>.yaml`.

The file holds the base URL, the page paths, the environment variables that hold the credentials (never
the credentials themselves) and the locators, each an ORDERED list of Playwright strategies tried in turn.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

from robots.errors import BusinessError
from robots.settings import load_yaml_model

__all__ = ["Credentials", "LocatorSpec", "Target", "load_target"]


class LocatorSpec(BaseModel):
    """One way of finding an element. Exactly one strategy key is set; values may hold ``{n}``
    placeholders."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    role: str | None = None
    name: str | None = None  # accessible name, with role
    label: str | None = None
    placeholder: str | None = None
    text: str | None = None
    test_id: str | None = None
    css: str | None = None
    exact: bool = True

    @model_validator(mode="after")
    def _one_strategy(self) -> LocatorSpec:
        set_ = [k for k in ("role", "label", "placeholder", "text", "test_id", "css") if getattr(self, k)]
        if len(set_) != 1:
            raise ValueError(
                f"exactly one of role/label/placeholder/text/test_id/css must be set, got {set_}"
            )
        if self.name and not self.role:
            raise ValueError("'name' is only valid together with 'role'")
        return self

    def describe(self) -> str:
        for key in ("role", "label", "placeholder", "text", "test_id", "css"):
            value = getattr(self, key)
            if value:
                return f"{key}={value!r}" + (f" name={self.name!r}" if self.name else "")
        return "?"


class Credentials(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username_env: str
    password_env: str


class Target(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    kind: Literal["accounting"]
    title: str = ""
    base_url: str
    base_url_env: str | None = None
    """Environment variable that, when set, overrides base_url (tests, a tenant-specific host)."""
    credentials: Credentials
    pages: dict[str, str]
    locators: dict[str, list[LocatorSpec]]
    options: dict[str, bool | int | str] = {}

    def url(self, page: str, **params: object) -> str:
        try:
            path = self.pages[page]
        except KeyError as exc:
            raise BusinessError(
                "target.config", f"target {self.name}: no page {page!r} in its pages"
            ) from exc
        return self.effective_base_url.rstrip("/") + path.format(**params)

    @property
    def effective_base_url(self) -> str:
        if self.base_url_env and os.environ.get(self.base_url_env):
            return os.environ[self.base_url_env]
        return self.base_url

    def locator_specs(self, key: str) -> list[LocatorSpec]:
        try:
            return self.locators[key]
        except KeyError as exc:
            raise BusinessError("target.config", f"target {self.name}: no locator {key!r}") from exc

    def credentials_from_env(self) -> tuple[str, str]:
        """The username and password, read from the environment variables the target names."""
        user = os.environ.get(self.credentials.username_env)
        password = os.environ.get(self.credentials.password_env)
        missing = [
            env
            for env, value in (
                (self.credentials.username_env, user),
                (self.credentials.password_env, password),
            )
            if not value
        ]
        if missing:
            raise BusinessError(
                "target.credentials_missing",
                f"target {self.name}: set the environment variable(s) {', '.join(missing)} "
                "(credentials are never read from files)",
            )
        assert user and password
        return user, password


def load_target(name: str, config_dir: Path) -> Target:
    """Load `config/targets/<name>.yaml`; unknown keys are an error naming the key and the file."""
    if not name.replace("-", "").replace("_", "").isalnum():
        raise BusinessError("target.unknown", f"{name!r} is not a valid target name")
    path = config_dir / "targets" / f"{name}.yaml"
    if not path.exists():
        available = sorted(p.stem for p in (config_dir / "targets").glob("*.yaml"))
        raise BusinessError(
            "target.unknown",
            f"no target {name!r} (no file {path}); available: {', '.join(available) or 'none'}",
        )
    target = load_yaml_model(path, Target)
    if target.name != name:
        raise BusinessError("config.invalid", f"{path}: name {target.name!r} does not match the file name")
    return target
