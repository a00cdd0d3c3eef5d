"""alerts: Prefect automations kept in ``config/automations/*.yaml`` that call a webhook.

Each YAML file is one automation in Prefect's own shape (what ``prefect automation create --from-file``
reads: name, description, enabled, an event trigger, actions), checked strictly (unknown keys are errors
naming the file), with two Kuroko rules so the files hold no server-specific ids and no secrets:

* a ``call-webhook`` action names no block: it gets the Webhook block ``kuroko-alerts``, whose URL comes
  from ``--webhook-url`` / ``KUROKO_ALERT_WEBHOOK_URL`` (saved into the block) or from the block as it is;
* its ``payload`` is a Jinja template rendered by the Prefect server (``flow``, ``flow_run``, ``event`` …),
  with three more variables set when applied: ``ui_url`` (PREFECT_UI_URL, else the UI beside
  PREFECT_API_URL) and ``within_ja`` / ``within_en`` (the trigger's ``within``, in words).

`apply_automations` creates or updates them by name on the Prefect server of PREFECT_API_URL; the server's
trigger and action services (on by default) do the rest. See config/automations/README.md.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit
from uuid import UUID

import httpx
from jinja2 import TemplateSyntaxError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from pydantic import BaseModel, ConfigDict, Field, model_validator

from robots.errors import ApplicationError, BusinessError
from robots.settings import load_yaml_model

if TYPE_CHECKING:
    from prefect.automations import Automation, AutomationCore

__all__ = [
    "ALERT_BLOCK",
    "WEBHOOK_URL_ENV",
    "AutomationSpec",
    "apply_automations",
    "describe_trigger",
    "list_automations",
    "read_automation_files",
]

ALERT_BLOCK = "kuroko-alerts"
"""Name of the Prefect Webhook block the automations call."""
WEBHOOK_URL_ENV = "KUROKO_ALERT_WEBHOOK_URL"

_StrOrList = str | list[str]


class _TriggerSpec(BaseModel):
    """Prefect's `EventTrigger`, with its keys spelled as in Prefect's automation YAML."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["event"] = "event"
    posture: Literal["Reactive", "Proactive"]
    match: dict[str, _StrOrList] = Field(default_factory=dict)
    match_related: dict[str, _StrOrList] = Field(default_factory=dict)
    after: list[str] = Field(default_factory=list)
    expect: list[str] = Field(min_length=1)
    for_each: list[str] = Field(default_factory=list)
    threshold: int = Field(default=1, ge=1)
    within: timedelta = timedelta(0)
    """Seconds (or an ISO 8601 duration such as PT1H); Proactive triggers need at least 10 s."""

    @model_validator(mode="after")
    def _prefect_accepts_it(self) -> _TriggerSpec:
        self.to_prefect()  # Prefect's own rules (e.g. Proactive `within` >= 10 s) fail here, per file
        return self

    def to_prefect(self) -> Any:
        from prefect.automations import EventTrigger

        return EventTrigger(**self.model_dump())


class _CallWebhookSpec(BaseModel):
    """Prefect's `CallWebhook` action without `block_document_id` (the alert block is filled in)."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["call-webhook"]
    payload: str = Field(min_length=1)

    @model_validator(mode="after")
    def _template_parses(self) -> _CallWebhookSpec:
        try:
            ImmutableSandboxedEnvironment().parse(self.payload)
        except TemplateSyntaxError as exc:
            raise ValueError(
                f"payload is not a valid Jinja template (line {exc.lineno}: {exc.message})"
            ) from None
        return self


class AutomationSpec(BaseModel):
    """One automation file: Prefect's automation shape, webhook actions without a block id."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    description: str = ""
    enabled: bool = True
    trigger: _TriggerSpec
    actions: list[_CallWebhookSpec] = Field(min_length=1)

    def to_automation(self, *, block_document_id: UUID, ui_url: str) -> AutomationCore:
        """The Prefect automation this file describes, calling the webhook block `block_document_id`, with
        links into the UI at `ui_url`."""
        from prefect.automations import AutomationCore, CallWebhook

        prelude = _template_prelude(ui_url=ui_url, within=self.trigger.within)
        return AutomationCore(
            name=self.name,
            description=self.description,
            enabled=self.enabled,
            trigger=self.trigger.to_prefect(),
            actions=[
                CallWebhook(block_document_id=block_document_id, payload=prelude + action.payload)
                for action in self.actions
            ],
        )


def read_automation_files(directory: Path) -> list[AutomationSpec]:
    """Every ``*.yaml`` in `directory`, sorted by file name, checked. BusinessError ``config.invalid``
    names the file and key of the first problem; ``alerts.no_automations`` when there is none."""
    files = sorted(directory.glob("*.yaml")) if directory.is_dir() else []
    if not files:
        raise BusinessError("alerts.no_automations", f"{directory}: no automation files (*.yaml)")
    specs: list[AutomationSpec] = []
    seen: dict[str, Path] = {}
    for path in files:
        spec = load_yaml_model(path, AutomationSpec)
        if spec.name in seen:
            raise BusinessError(
                "config.invalid", f"{path}: name {spec.name!r} is already used by {seen[spec.name].name}"
            )
        seen[spec.name] = path
        specs.append(spec)
    return specs


def apply_automations(directory: Path, *, webhook_url: str | None) -> list[str]:
    """Create or update (by name) the automations of `directory` on the Prefect API of PREFECT_API_URL,
    and the Webhook block they call; returns their names.

    The webhook URL is `webhook_url`, else KUROKO_ALERT_WEBHOOK_URL (either is saved into the block
    ``kuroko-alerts``), else the block's current URL. Running it again changes nothing but what the files
    or the URL changed. BusinessError when the files, the URL or the setup is wrong; ApplicationError when
    the API cannot be reached or answers with an error.
    """
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL

    specs = read_automation_files(directory)  # every file is checked before anything is changed
    api_url = PREFECT_API_URL.value()
    if not api_url:
        raise BusinessError(
            "alerts.no_server",
            "PREFECT_API_URL is not set: automations live on a running Prefect server "
            "(`prefect server start`, then PREFECT_API_URL=http://127.0.0.1:4200/api)",
        )
    with _api_errors(api_url):
        block_id = _save_webhook_block(webhook_url or os.environ.get(WEBHOOK_URL_ENV) or None)
        ui_url = _ui_url(api_url)
        automations = [s.to_automation(block_document_id=block_id, ui_url=ui_url) for s in specs]
        with get_client(sync_client=True) as client:
            for automation in automations:
                existing = client.read_automations_by_name(automation.name)
                if not existing:
                    client.create_automation(automation)
                    continue
                client.update_automation(existing[0].id, automation)
                for duplicate in existing[1:]:  # one automation per name: that is what "by name" means
                    client.delete_automation(duplicate.id)
    return [a.name for a in automations]


def list_automations() -> list[Automation]:
    """All automations on the Prefect API of PREFECT_API_URL, by name (Kuroko's and any others)."""
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL

    api_url = PREFECT_API_URL.value()
    if not api_url:
        raise BusinessError("alerts.no_server", "PREFECT_API_URL is not set: no Prefect server to ask")
    with _api_errors(api_url), get_client(sync_client=True) as client:
        return sorted(client.read_automations(), key=lambda a: a.name)


def describe_trigger(trigger: Any) -> str:
    """A trigger in one short line: ``Reactive: Crashed, Failed`` or ``Proactive: after Paused: none of 11
    events within 1 hour``."""
    from prefect.automations import EventTrigger, Posture

    if not isinstance(trigger, EventTrigger):
        return trigger.describe_for_cli().strip()

    def short(events: set[str]) -> str:
        return ", ".join(sorted(e.removeprefix("prefect.flow-run.") for e in events)) or "any event"

    if trigger.posture == Posture.Reactive:
        return f"Reactive: {short(trigger.expect)}"
    after = f"after {short(trigger.after)}: " if trigger.after else ""
    count = "none" if trigger.threshold == 1 else f"fewer than {trigger.threshold}"
    return f"Proactive: {after}{count} of {len(trigger.expect)} events within {_words(trigger.within)[1]}"


# -- helpers -----------------------------------------------------------------------------------------
def _save_webhook_block(url: str | None) -> UUID:
    """The id of the Webhook block ``kuroko-alerts``, saved with `url` first when one is given."""
    from prefect.blocks.webhook import Webhook

    if url is not None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            # The URL is not echoed: incoming-webhook URLs carry their token in the path.
            raise BusinessError(
                "alerts.bad_webhook_url", "the webhook URL must start with http:// or https://"
            )
        block = Webhook(method="POST", url=url, headers={"Content-Type": "application/json"})
        return block.save(ALERT_BLOCK, overwrite=True)
    try:
        block = Webhook.load(ALERT_BLOCK)
    except ValueError:
        raise BusinessError(
            "alerts.no_webhook",
            f"no webhook URL: pass --webhook-url, set {WEBHOOK_URL_ENV}, "
            f"or create the Prefect Webhook block {ALERT_BLOCK!r}",
        ) from None
    assert block._block_document_id is not None  # a loaded block always has its document id
    return block._block_document_id


def _ui_url(api_url: str) -> str:
    """PREFECT_UI_URL when set, else the UI that goes with the API (Prefect's own rule)."""
    from prefect.settings import PREFECT_UI_URL

    return PREFECT_UI_URL.value() or api_url.removesuffix("/").removesuffix("/api")


def _words(within: timedelta) -> tuple[str, str]:
    """`within` as Japanese and English words: ``60 分`` / ``60 minutes``."""
    seconds = int(within.total_seconds())
    for size, ja, en in ((3600, "時間", "hour"), (60, "分", "minute"), (1, "秒", "second")):
        if seconds >= size and seconds % size == 0 or size == 1:
            n = seconds // size
            return f"{n} {ja}", f"{n} {en}{'' if n == 1 else 's'}"
    raise AssertionError("unreachable")


def _template_prelude(*, ui_url: str, within: timedelta) -> str:
    """Jinja ``set`` statements giving the payload template its Kuroko variables."""
    within_ja, within_en = _words(within)
    values = {"ui_url": ui_url.rstrip("/"), "within_ja": within_ja, "within_en": within_en}
    return "".join(f"{{%- set {k} = {json.dumps(v)} -%}}" for k, v in values.items())


@contextmanager
def _api_errors(api_url: str) -> Iterator[None]:
    """Failures to talk to the Prefect API, as one ApplicationError naming the API."""
    try:
        yield
    except httpx.HTTPStatusError as exc:
        detail = exc.response.text[:300]
        raise ApplicationError(
            "alerts.api_error", f"Prefect API {api_url}: HTTP {exc.response.status_code} {detail}"
        ) from exc
    except httpx.HTTPError as exc:
        raise ApplicationError(
            "alerts.api_unreachable", f"Prefect API {api_url}: {type(exc).__name__} {exc}"
        ) from exc
