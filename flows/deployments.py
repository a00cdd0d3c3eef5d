"""The deployments of prefect.yaml as Python objects: what ``kuroko serve`` serves, from the same file that
``prefect deploy --all`` reads, so the two never disagree. Also the per-target global concurrency limits."""

from __future__ import annotations

import importlib
import logging
from pathlib import Path
from typing import Any

import yaml
from prefect import Flow
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate, GlobalConcurrencyLimitUpdate
from prefect.client.schemas.objects import ConcurrencyLimitConfig
from prefect.exceptions import ObjectNotFound
from prefect.schedules import Cron

from robots.errors import BusinessError
from robots.settings import PROJECT_ROOT, Settings

__all__ = [
    "DEFAULT_TARGET_SESSIONS",
    "ensure_target_limit",
    "ensure_target_limits",
    "load_deployments",
    "project_deployments",
]

log = logging.getLogger(__name__)

DEFAULT_TARGET_SESSIONS = 2
"""Browser sessions allowed at once on one tenant when its target file says nothing (``max_sessions``)."""


def project_deployments(path: Path | None = None) -> list[dict[str, Any]]:
    """The ``deployments`` list of prefect.yaml."""
    path = path or PROJECT_ROOT / "prefect.yaml"
    try:
        project = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise BusinessError("config.invalid", f"{path}: {exc}") from exc
    return list(project.get("deployments") or [])


def _flow(entrypoint: str) -> Flow:
    path, _, name = entrypoint.partition(":")
    module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
    flow = getattr(module, name)
    if not isinstance(flow, Flow):
        raise BusinessError("config.invalid", f"prefect.yaml: {entrypoint} is not a flow")
    return flow


SERVED_POOL = "kuroko-process"
"""``kuroko serve`` serves the deployments of this pool unless others are named (the desktop one needs a
machine with a display)."""


def load_deployments(path: Path | None = None, *, names: list[str] | None = None) -> list[Any]:
    """RunnerDeployments for ``prefect.serve``: the prefect.yaml deployments named (default: those of the
    process pool), each with its parameters, schedules (time zone kept) and concurrency limit."""
    out = []
    for spec in project_deployments(path):
        if names and spec["name"] not in names:
            continue
        if not names and (spec.get("work_pool") or {}).get("name", SERVED_POOL) != SERVED_POOL:
            continue
        flow = _flow(spec["entrypoint"])
        schedules = [
            Cron(s["cron"], timezone=s.get("timezone", "Asia/Tokyo"), active=s.get("active", True))
            for s in spec.get("schedules") or []
            if "cron" in s
        ]
        limit = spec.get("concurrency_limit")
        out.append(
            flow.to_deployment(
                name=spec["name"],
                description=spec.get("description"),
                parameters=spec.get("parameters") or {},
                schedules=schedules or None,
                concurrency_limit=ConcurrencyLimitConfig(**limit) if isinstance(limit, dict) else limit,
                tags=spec.get("tags") or None,
            )
        )
    if names and len(out) != len(names):
        known = ", ".join(d["name"] for d in project_deployments(path))
        raise BusinessError("deployment.unknown", f"no deployment named {sorted(names)} (known: {known})")
    return out


def ensure_target_limit(target: Any, client: Any) -> tuple[str, int]:
    """Create or update the global concurrency limit of one target (``kuroko-target-<name>``), sized by the
    target file's ``max_sessions`` option. Returns (name, limit)."""
    from flows.batch import limit_name

    name = limit_name(target.name)
    limit = int(target.options.get("max_sessions", DEFAULT_TARGET_SESSIONS))
    try:
        current = client.read_global_concurrency_limit_by_name(name)
    except ObjectNotFound:
        client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name=name, limit=limit))
        return name, limit
    if current.limit != limit or not current.active:
        client.update_global_concurrency_limit(name, GlobalConcurrencyLimitUpdate(limit=limit, active=True))
    return name, limit


def ensure_target_limits(settings: Settings) -> dict[str, int]:
    """The limit of every target under config/targets/, so however many flows run, a tenant sees at most
    ``max_sessions`` browser sessions. Returns name → limit."""
    from robots.web import load_target

    with get_client(sync_client=True) as client:
        return dict(
            ensure_target_limit(load_target(file.stem, settings.config_dir), client)
            for file in sorted((settings.config_dir / "targets").glob("*.yaml"))
        )
