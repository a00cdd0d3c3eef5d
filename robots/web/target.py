"""A target: one tenant of one web tool, described as a recipe in `config/targets/<name>.yaml`.

The recipe gives the base URL, where the credentials live (environment variable or Prefect Secret block names,
never the secrets themselves), how to log in, what can interrupt a page, the named locators (each an ORDERED
list of Playwright strategies tried in turn) and, per operation, the steps that find, enter, save and verify
one record. ``config/targets/README.md`` teaches how to write one; :mod:`robots.web.robot` interprets it.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, field_validator, model_validator

from robots.errors import BusinessError
from robots.settings import load_yaml_model
from robots.web.templating import Condition, TemplateError, parse_template

__all__ = [
    "STEP_KINDS",
    "Credentials",
    "FieldSpec",
    "Interruption",
    "LocatorSpec",
    "Operation",
    "SessionSpec",
    "Step",
    "Target",
    "list_targets",
    "load_target",
    "walk_steps",
]

_STRATEGIES = ("role", "label", "placeholder", "text", "test_id", "css")


class LocatorSpec(BaseModel):
    """One way of finding an element. Exactly one strategy key is set; values are templates (``{n}``).
    ``frame`` (a CSS selector) looks inside that iframe."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    role: str | None = None
    name: str | None = None  # accessible name, with role
    label: str | None = None
    placeholder: str | None = None
    text: str | None = None
    test_id: str | None = None
    css: str | None = None
    exact: bool = True
    frame: str | None = None

    @model_validator(mode="after")
    def _one_strategy(self) -> LocatorSpec:
        set_ = [k for k in _STRATEGIES if getattr(self, k)]
        if len(set_) != 1:
            raise ValueError(
                f"exactly one of role/label/placeholder/text/test_id/css must be set, got {set_}"
            )
        if self.name and not self.role:
            raise ValueError("'name' is only valid together with 'role'")
        return self

    @property
    def strategy(self) -> str:
        return next(k for k in _STRATEGIES if getattr(self, k))

    def templates(self) -> list[str]:
        return [v for v in (getattr(self, k) for k in (*_STRATEGIES, "name")) if isinstance(v, str)]

    def describe(self) -> str:
        key = self.strategy
        out = f"{key}={getattr(self, key)!r}" + (f" name={self.name!r}" if self.name else "")
        return out + (f" in frame {self.frame!r}" if self.frame else "")


# -- steps -----------------------------------------------------------------------------------------------
class _Step(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    kind: ClassVar[str]
    when: str | None = None
    """Run the step only when this holds: ``field``, ``not field``, ``field == value``, ``field != value``."""

    def locators(self) -> list[str]:
        """Locator keys the step uses."""
        return []

    def templates(self) -> list[str]:
        return []

    def children(self) -> list[Step]:
        return []

    @property
    def target_key(self) -> str | None:
        value = getattr(self, self.kind, None)
        return value if isinstance(value, str) else None


class GotoStep(_Step):
    """Open a path (or a full URL) of the target. Each ``{…}`` in it is URL-encoded."""

    kind: ClassVar[str] = "goto"
    goto: str
    wait_until: Literal["commit", "domcontentloaded", "load", "networkidle"] = "domcontentloaded"

    def templates(self) -> list[str]:
        return [self.goto]


class FillStep(_Step):
    kind: ClassVar[str] = "fill"
    fill: str
    value: str
    keystrokes: bool = False
    """Type key by key (for inputs that only react to key events) instead of setting the value."""
    sensitive: bool = False
    """Mask this input on screenshots (automatic when the value uses a sensitive field or a credential)."""

    def locators(self) -> list[str]:
        return [self.fill]

    def templates(self) -> list[str]:
        return [self.value]


class SelectStep(_Step):
    kind: ClassVar[str] = "select"
    select: str
    label: str | None = None
    value: str | None = None

    @model_validator(mode="after")
    def _one(self) -> SelectStep:
        if (self.label is None) == (self.value is None):
            raise ValueError("select needs exactly one of 'label' (the text shown) or 'value'")
        return self

    def locators(self) -> list[str]:
        return [self.select]

    def templates(self) -> list[str]:
        return [t for t in (self.label, self.value) if t is not None]


class ChooseStep(_Step):
    """A type-ahead: type ``value``, then pick ``option`` (rendered with ``{value}``), or ``create`` (the
    "register as new" entry) when no option matches; then wait until the input shows the value."""

    kind: ClassVar[str] = "choose"
    choose: str
    value: str
    option: str
    create: str | None = None
    confirm: bool = True
    """After choosing, wait until the input's value equals what was typed."""

    def locators(self) -> list[str]:
        return [self.choose, self.option] + ([self.create] if self.create else [])

    def templates(self) -> list[str]:
        return [self.value]


class CheckStep(_Step):
    """Tick a checkbox or radio; with ``value``, tick when it is true and untick when false."""

    kind: ClassVar[str] = "check"
    check: str
    value: str | None = None

    def locators(self) -> list[str]:
        return [self.check]

    def templates(self) -> list[str]:
        return [self.value] if self.value else []


class UncheckStep(_Step):
    kind: ClassVar[str] = "uncheck"
    uncheck: str

    def locators(self) -> list[str]:
        return [self.uncheck]


class UploadStep(_Step):
    kind: ClassVar[str] = "upload"
    upload: str
    file: str
    """A path, or a list of paths (a single ``{field}`` holding a list)."""

    def locators(self) -> list[str]:
        return [self.upload]

    def templates(self) -> list[str]:
        return [self.file]


class ResponseMatch(BaseModel):
    """The HTTP response a click causes: URL glob and method. A 5xx answer is an application error."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str = "**"
    method: str | None = None
    document: bool = True
    """Only page loads (not the page's own fetch/XHR calls)."""


class ClickStep(_Step):
    kind: ClassVar[str] = "click"
    click: str
    navigates: bool = False
    """The click loads a new page: wait for it (and treat a 5xx answer as an application error)."""
    response: ResponseMatch | None = None
    """Wait for this response (e.g. the POST that saves) and check its status."""
    accept_dialog: bool = False
    """Answer OK to the confirm()/alert() the click opens (Playwright would dismiss it otherwise)."""
    saves: bool = False
    """The click changes data on the target: ``target check`` resolves it but never clicks it."""

    def locators(self) -> list[str]:
        return [self.click]


class PressStep(_Step):
    kind: ClassVar[str] = "press"
    press: str
    """A key as Playwright names it: Enter, Tab, Escape, Control+A …"""
    at: str | None = None
    """The element to press it in (a locator key); without it, wherever the focus is."""
    saves: bool = False

    def locators(self) -> list[str]:
        return [self.at] if self.at else []


class WaitSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    for_: str | None = Field(default=None, alias="for")
    any: list[str] | None = None
    hidden: str | None = None
    url: str | None = None
    text: str | None = None
    into: str | None = None
    """With ``any``: the variable that receives the key that appeared."""
    timeout_ms: int | None = None

    @model_validator(mode="after")
    def _one(self) -> WaitSpec:
        set_ = [k for k in ("for_", "any", "hidden", "url", "text") if getattr(self, k)]
        if len(set_) != 1:
            raise ValueError("wait needs exactly one of 'for', 'any', 'hidden', 'url', 'text'")
        return self


class WaitStep(_Step):
    """``wait: key`` (a locator), or ``wait: {any: [k1, k2], into: var}``, ``{hidden: key}``,
    ``{url: "**/deals/*"}``, ``{text: "登録しました"}``."""

    kind: ClassVar[str] = "wait"
    wait: str | WaitSpec

    @property
    def spec(self) -> WaitSpec:
        return WaitSpec(**{"for": self.wait}) if isinstance(self.wait, str) else self.wait

    @property
    def target_key(self) -> str | None:
        return self.spec.for_ or self.spec.hidden

    def locators(self) -> list[str]:
        s = self.spec
        return [k for k in (s.for_, s.hidden) if k] + list(s.any or [])

    def templates(self) -> list[str]:
        return [t for t in (self.spec.url, self.spec.text) if t]


class ReadStep(_Step):
    """Read an element's text (or ``attribute``) into a variable; with ``expect``, compare it with what was
    entered: a difference is reported (never retried) as ``field: typed X, saved Y``."""

    kind: ClassVar[str] = "read"
    read: str
    into: str | None = None
    attribute: str | None = None
    expect: str | None = None
    field: str | None = None
    """The name used in a difference (default: the locator key)."""
    compare: Literal["text", "exact", "nfkc", "amount", "date"] = "text"
    """text: trimmed, spaces collapsed; nfkc: also width-folded; amount/date: parsed on both sides."""
    optional: bool = False
    """The element may be absent (read as ""); absent elements are not waited for."""
    sensitive: bool = False

    def locators(self) -> list[str]:
        return [self.read]

    def templates(self) -> list[str]:
        return [self.expect] if self.expect is not None else []


class ReadAllStep(_Step):
    """Read every match (no waiting: wait first when the page fills in late) into a list: their text, an
    ``attribute``, or with ``fields`` a dict per match read from locators inside it."""

    kind: ClassVar[str] = "read_all"
    read_all: str
    into: str
    attribute: str | None = None
    fields: dict[str, str] | None = None

    def locators(self) -> list[str]:
        return [self.read_all, *(self.fields or {}).values()]


class FailIfStep(_Step):
    """When the element is on the page (not waited for), stop with a BusinessError carrying its text."""

    kind: ClassVar[str] = "fail_if"
    fail_if: str
    code: str = "target.rejected"

    def locators(self) -> list[str]:
        return [self.fail_if]


class ForEachStep(_Step):
    """Run ``steps`` once per item of a list field; ``{n}`` is 1, 2, …, ``{index}`` 0, 1, …, and the item is
    ``{item}`` (or the name given in ``as``). With ``rows``, locators resolve inside the n-th match of that
    locator, and in a verify the number of rows must equal the number of items."""

    kind: ClassVar[str] = "for_each"
    for_each: str
    steps: list[Step]
    as_: str = Field(default="item", alias="as")
    rows: str | None = None
    field: str | None = None
    """Name of the list in differences (count mismatch)."""

    def locators(self) -> list[str]:
        return [self.rows] if self.rows else []

    def templates(self) -> list[str]:
        return ["{" + self.for_each + "}"]

    def children(self) -> list[Step]:
        return list(self.steps)


class SetStep(_Step):
    kind: ClassVar[str] = "set"
    set: dict[str, str]

    def templates(self) -> list[str]:
        return list(self.set.values())


class CallStep(_Step):
    """The escape hatch: a Python step registered with ``@register_step(name)``, called with ``with``."""

    kind: ClassVar[str] = "call"
    call: str
    with_: dict[str, Any] = Field(default_factory=dict, alias="with")
    saves: bool = False

    def templates(self) -> list[str]:
        return [v for v in self.with_.values() if isinstance(v, str)]


class FetchStep(_Step):
    """An HTTP request with the browser's session (the target's JSON API): the JSON answer, or with ``pick``
    (``deals[*].id``) a part of it, goes into a variable."""

    kind: ClassVar[str] = "fetch"
    fetch: str
    into: str
    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"] = "GET"
    json_body: dict[str, Any] | None = Field(default=None, alias="json")
    pick: str | None = None
    saves: bool = False

    def templates(self) -> list[str]:
        return [self.fetch]


_STEP_CLASSES: tuple[type[_Step], ...] = (
    GotoStep,
    FillStep,
    SelectStep,
    ChooseStep,
    CheckStep,
    UncheckStep,
    UploadStep,
    ClickStep,
    PressStep,
    WaitStep,
    ReadStep,
    ReadAllStep,
    FailIfStep,
    ForEachStep,
    SetStep,
    CallStep,
    FetchStep,
)
STEP_KINDS: tuple[str, ...] = tuple(c.kind for c in _STEP_CLASSES)


def _step_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        return next((k for k in STEP_KINDS if k in value), None)
    return getattr(value, "kind", None)


Step = Annotated[
    Annotated[GotoStep, Tag("goto")]
    | Annotated[FillStep, Tag("fill")]
    | Annotated[SelectStep, Tag("select")]
    | Annotated[ChooseStep, Tag("choose")]
    | Annotated[CheckStep, Tag("check")]
    | Annotated[UncheckStep, Tag("uncheck")]
    | Annotated[UploadStep, Tag("upload")]
    | Annotated[ClickStep, Tag("click")]
    | Annotated[PressStep, Tag("press")]
    | Annotated[WaitStep, Tag("wait")]
    | Annotated[ReadStep, Tag("read")]
    | Annotated[ReadAllStep, Tag("read_all")]
    | Annotated[FailIfStep, Tag("fail_if")]
    | Annotated[ForEachStep, Tag("for_each")]
    | Annotated[SetStep, Tag("set")]
    | Annotated[CallStep, Tag("call")]
    | Annotated[FetchStep, Tag("fetch")],
    Discriminator(
        _step_kind,
        custom_error_type="step_kind",
        custom_error_message="a step starts with one of: " + ", ".join(STEP_KINDS),
    ),
]
ForEachStep.model_rebuild()


def walk_steps(steps: list[Step], path: str) -> list[tuple[str, Step]]:
    """Every step with its key path (``operations.x.steps[2].steps[0]``), nested ones included."""
    out: list[tuple[str, Step]] = []
    for i, step in enumerate(steps):
        here = f"{path}[{i}]"
        out.append((here, step))
        out.extend(walk_steps(step.children(), f"{here}.steps"))
    return out


# -- operations ------------------------------------------------------------------------------------------
_FIELD_TYPES = ("str", "int", "date", "bool", "file", "list", "any")


class FieldSpec(BaseModel):
    """One input field. Shorthand: ``name: date`` or ``name: str?`` (optional)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["str", "int", "date", "bool", "file", "list", "any"] = "str"
    required: bool = True
    default: Any = None
    sensitive: bool = False
    """Personal number, bank account, …: masked on screenshots, never in traces, logs or differences."""
    title: str = ""
    items: dict[str, FieldSpec] | None = None
    """For lists: the fields of each item."""

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        if isinstance(value, str):
            optional = value.endswith("?")
            kind = value.removesuffix("?")
            if kind not in _FIELD_TYPES:
                raise ValueError(f"unknown field type {kind!r} (types: {', '.join(_FIELD_TYPES)})")
            return {"type": kind, "required": not optional}
        return value

    @model_validator(mode="after")
    def _items(self) -> FieldSpec:
        if self.items is not None and self.type != "list":
            raise ValueError("'items' is only for fields of type list")
        return self


class Evidence(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    screenshot: bool = True
    full_page: bool = False
    format: Literal["png", "jpeg"] = "png"


class Operation(BaseModel):
    """What it takes to enter one record: find it, fill the form, save, read back, keep evidence."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = ""
    reference: str
    """Template of the record's reference key (a business key or a document hash) the target can be
    searched by: ``{reference}`` in every step."""
    input: dict[str, FieldSpec] = {}
    find: list[Step] = []
    """Search the target for the reference; put the ids of the records found into ``found`` (a list)."""
    idempotent: bool = False
    """Entering twice changes nothing (an overwrite): no ``find`` needed."""
    if_found: Literal["verify", "update"] = "verify"
    """verify: a record found is read back, nothing is entered; update: the steps run on it again."""
    open: list[Step] = []
    """Show the record ``{record_id}`` (for verifying a record that was found)."""
    steps: list[Step] = []
    commit: list[Step]
    """The steps that save, and then set ``record_id``; ``target check`` never runs them."""
    verify: list[Step] = []
    """Read back on the page the save lands on (or the one ``open`` shows), with ``expect``."""
    evidence: Evidence = Evidence()
    sensitive: list[str] = []
    """Locator keys to mask on screenshots (inputs typed from sensitive fields are masked anyway)."""
    trace: Literal["auto", "on-retry", "on-failure", "never"] = "auto"
    """Playwright trace, kept only when the operation fails. on-failure: every attempt is recorded (costs
    about half the time of an entry again); on-retry: only an attempt at a reference that already failed in
    this session (Playwright's "on-first-retry"); never. auto: on-retry, or never when the operation has
    sensitive fields (traces would record them)."""
    sample: dict[str, Any] | None = None
    """Input used by ``kuroko target check`` to fill the form (never saved)."""
    check_record: list[Step] = []
    """For ``target check``: set ``reference`` and ``record_id`` of any existing record, so that find, open
    and verify can be checked against it."""

    @property
    def sensitive_fields(self) -> set[str]:
        out: set[str] = set()

        def collect(fields: dict[str, FieldSpec]) -> None:
            for name, spec in fields.items():
                if spec.sensitive:
                    out.add(name)
                if spec.items:
                    collect(spec.items)

        collect(self.input)
        return out

    def traced(self, *, retry: bool) -> bool:
        """Whether an attempt is recorded (``retry``: the reference already failed in this session)."""
        if self.trace == "on-failure":
            return True
        if self.trace == "on-retry" or (self.trace == "auto" and not self.sensitive_fields):
            return retry
        return False

    def sections(self) -> list[tuple[str, list[Step]]]:
        return [
            ("check_record", self.check_record),
            ("find", self.find),
            ("open", self.open),
            ("steps", self.steps),
            ("commit", self.commit),
            ("verify", self.verify),
        ]


# -- the target ------------------------------------------------------------------------------------------
class SecretSource(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    env: str | None = None
    secret: str | None = None
    """Name of a Prefect Secret block."""

    @model_validator(mode="after")
    def _some(self) -> SecretSource:
        if not (self.env or self.secret):
            raise ValueError("give 'env' (an environment variable) and/or 'secret' (a Prefect Secret block)")
        return self


class Credentials(BaseModel):
    """Where the login lives. Names only: the values come from the environment or Prefect Secret blocks."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    username_env: str | None = None
    username_secret: str | None = None
    password_env: str | None = None
    password_secret: str | None = None
    totp_seed_env: str | None = None
    totp_seed_secret: str | None = None
    """The base32 seed of a TOTP two-factor login; ``{credentials.totp}`` is the current code."""
    extra: dict[str, SecretSource] = {}
    """More login values (a company code, …): ``{credentials.<name>}``."""
    optional: list[str] = []
    """Values only some logins ask for (``totp_seed`` where two-factor is optional): checks before a run do
    not require them; a step that types one still stops with ``target.credentials_missing`` without it."""

    @model_validator(mode="after")
    def _both(self) -> Credentials:
        for what in ("username", "password"):
            if not (getattr(self, f"{what}_env") or getattr(self, f"{what}_secret")):
                raise ValueError(f"give {what}_env and/or {what}_secret")
        unknown = [name for name in self.optional if name not in self.sources()]
        if unknown:
            raise ValueError(f"optional: {', '.join(unknown)} not among the credentials given")
        return self

    def sources(self) -> dict[str, SecretSource]:
        out = {
            what: SecretSource(env=getattr(self, f"{what}_env"), secret=getattr(self, f"{what}_secret"))
            for what in ("username", "password")
        }
        if self.totp_seed_env or self.totp_seed_secret:
            out["totp_seed"] = SecretSource(env=self.totp_seed_env, secret=self.totp_seed_secret)
        return out | dict(self.extra)


class SessionSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    storage_state: bool = True
    """Keep cookies between runs (``<KUROKO_HOME>/sessions/<target>.json``, mode 0600): no login each time."""
    login_url: str = "/login"
    """Path glob of the login page: landing there means the session has ended (log in again)."""
    logged_in: str | None = None
    """Locator key of something only a logged-in page shows: proves the login worked."""


class Interruption(BaseModel):
    """Something that may cover any page (a notice dialog, a cookie banner) and how to get rid of it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    appears: str
    click: str | None = None
    press: str | None = None

    @model_validator(mode="after")
    def _one(self) -> Interruption:
        if (self.click is None) == (self.press is None):
            raise ValueError(
                "an interruption needs exactly one of 'click' (a locator key) or 'press' (a key)"
            )
        return self


class Target(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    title: str = ""
    kind: str = ""
    """What sort of tool (accounting, hr, esign): for people and listings only."""
    base_url: str
    base_url_env: str | None = None
    """Environment variable that, when set, overrides base_url (tests, a tenant-specific host)."""
    credentials: Credentials
    session: SessionSpec = SessionSpec()
    uses: list[str] = []
    """Python modules to import for their ``@register_step`` escape hatches."""
    timeout_ms: int | None = None
    """Wait this long for an element (default: the KUROKO_BROWSER_TIMEOUT_MS setting)."""
    options: dict[str, bool | int | str] = {}
    """Settings the flows read, e.g. ``max_sessions``: browser sessions at once this tenant tolerates."""
    interruptions: list[Interruption] = []
    tables: dict[str, dict[str, str]] = {}
    """Lookup tables for ``|table:name`` (your values → the target's wording)."""
    locators: dict[str, list[LocatorSpec]]
    login: list[Step]
    operations: dict[str, Operation]

    @field_validator("locators")
    @classmethod
    def _non_empty(cls, value: dict[str, list[LocatorSpec]]) -> dict[str, list[LocatorSpec]]:
        empty = [k for k, specs in value.items() if not specs]
        if empty:
            raise ValueError(f"locator(s) without any strategy: {', '.join(empty)}")
        return value

    @property
    def effective_base_url(self) -> str:
        if self.base_url_env and os.environ.get(self.base_url_env):
            return os.environ[self.base_url_env]
        return self.base_url

    def url(self, path: str) -> str:
        """A full URL for a path of the target (full URLs pass through)."""
        if "://" in path:
            return path
        return self.effective_base_url.rstrip("/") + "/" + path.lstrip("/")

    def locator_specs(self, key: str) -> list[LocatorSpec]:
        try:
            return self.locators[key]
        except KeyError as exc:
            raise BusinessError("target.config", f"target {self.name}: no locator {key!r}") from exc

    def operation(self, name: str) -> Operation:
        try:
            return self.operations[name]
        except KeyError as exc:
            raise BusinessError(
                "target.no_operation",
                f"target {self.name} has no operation {name!r} (it has: {', '.join(self.operations)})",
            ) from exc

    def all_steps(self) -> list[tuple[str, Step]]:
        out = walk_steps(self.login, "login")
        for name, op in self.operations.items():
            for section, steps in op.sections():
                out += walk_steps(steps, f"operations.{name}.{section}")
        return out


# -- loading ---------------------------------------------------------------------------------------------
def _problems(target: Target) -> list[str]:
    """What the schema cannot see: unknown locator keys, bad templates, missing tables and steps."""
    from robots.web.registry import registered

    problems: list[str] = []
    for module in target.uses:
        try:
            importlib.import_module(module)
        except ImportError as exc:
            problems.append(f"uses: cannot import {module!r} ({exc})")
    for key, specs in target.locators.items():
        for i, spec in enumerate(specs):
            for text in spec.templates():
                try:
                    parse_template(text)
                except TemplateError as exc:
                    problems.append(f"locators.{key}[{i}]: {exc}")
    for i, interruption in enumerate(target.interruptions):
        for key in (interruption.appears, interruption.click):
            if key and key not in target.locators:
                problems.append(f"interruptions[{i}]: no locator {key!r} in locators")
    if target.session.logged_in and target.session.logged_in not in target.locators:
        problems.append(f"session.logged_in: no locator {target.session.logged_in!r} in locators")
    for path, step in target.all_steps():
        where = f"{path}.{step.kind}"
        for key in step.locators():
            if key not in target.locators:
                problems.append(f"{where}: no locator {key!r} in locators")
        for text in step.templates():
            try:
                template = parse_template(text)
            except TemplateError as exc:
                problems.append(f"{where}: {exc}")
                continue
            for expr in template.exprs:
                for name, arg in expr.filters:
                    if name == "table" and arg not in target.tables:
                        problems.append(f"{where}: {{{expr.source}}} uses table {arg!r}, not in tables")
        if step.when:
            try:
                Condition.parse(step.when)
            except TemplateError as exc:
                problems.append(f"{where}.when: {exc}")
        if isinstance(step, CallStep) and step.call not in registered():
            problems.append(
                f"{where}: no Python step registered as {step.call!r} "
                f"(registered: {', '.join(sorted(registered())) or 'none'}; list its module in 'uses')"
            )
    if not target.login:
        problems.append("login: the steps that log in are missing")
    for name, op in target.operations.items():
        where = f"operations.{name}"
        if not op.find and not op.idempotent:
            problems.append(f"{where}: needs 'find' (search by the reference first) or 'idempotent: true'")
        if not op.commit:
            problems.append(f"{where}.commit: the steps that save are missing")
        if op.trace in ("on-failure", "on-retry") and op.sensitive_fields:
            problems.append(
                f"{where}.trace: {op.trace} is not allowed with sensitive fields "
                f"({', '.join(sorted(op.sensitive_fields))}); traces would record them"
            )
        for key in op.sensitive:
            if key not in target.locators:
                problems.append(f"{where}.sensitive: no locator {key!r} in locators")
        try:
            parse_template(op.reference)
        except TemplateError as exc:
            problems.append(f"{where}.reference: {exc}")
        inputs = set(op.input)
        for path, step in [
            *walk_steps(op.find, f"{where}.find"),
            *walk_steps(op.steps, f"{where}.steps"),
            *walk_steps(op.commit, f"{where}.commit"),
            *walk_steps(op.verify, f"{where}.verify"),
        ]:
            names = [getattr(step, "into", None), *(getattr(step, "set", None) or {})]
            spec = getattr(step, "wait", None)
            if isinstance(spec, WaitSpec):
                names.append(spec.into)
            for var in filter(None, names):
                if var in inputs:
                    problems.append(
                        f"{path}.{step.kind}: variable {var!r} would hide the input field {var!r}"
                    )
        if op.sample is not None:
            try:
                check_input(op, op.sample, what="sample")
            except BusinessError as exc:
                problems.append(f"{where}.sample: {exc.message}")
    return problems


def check_input(op: Operation, record: dict[str, Any], *, what: str = "record") -> dict[str, Any]:
    """The record with defaults filled in and types checked against ``input``; BusinessError
    ``input.invalid`` naming every bad field (never its value)."""
    errors: list[str] = []

    def coerce(fields: dict[str, FieldSpec], data: dict[str, Any], prefix: str) -> dict[str, Any]:
        out = dict(data)
        for name, spec in fields.items():
            here = f"{prefix}{name}"
            value = data.get(name)
            if value is None or value == "":
                if spec.default is not None:
                    out[name] = spec.default
                elif spec.required:
                    errors.append(f"{here} is required")
                else:
                    out[name] = None
                continue
            ok = {
                "str": isinstance(value, str),
                "int": isinstance(value, int) and not isinstance(value, bool),
                "bool": isinstance(value, bool),
                "date": isinstance(value, dt.date) or _iso_date(value),
                "file": isinstance(value, str | Path),
                "list": isinstance(value, list),
                "any": True,
            }[spec.type]
            if not ok:
                errors.append(f"{here} should be {spec.type}, got {type(value).__name__}")
                continue
            if spec.type == "file":
                out[name] = str(value)
            if spec.type == "list" and spec.items:
                items = []
                for i, item in enumerate(value):
                    if not isinstance(item, dict):
                        errors.append(f"{here}[{i}] should be a mapping")
                        continue
                    items.append(coerce(spec.items, item, f"{here}[{i}]."))
                out[name] = items
        return out

    result = coerce(op.input, record, "") if op.input else dict(record)
    if errors:
        raise BusinessError("input.invalid", f"{what}: " + "; ".join(errors), fields=errors)
    return result


def _iso_date(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def load_target(name: str, config_dir: Path) -> Target:
    """Load `config/targets/<name>.yaml`; every problem is one line naming the file and the key path."""
    if not name.replace("-", "").replace("_", "").isalnum():
        raise BusinessError("target.unknown", f"{name!r} is not a valid target name")
    path = config_dir / "targets" / f"{name}.yaml"
    if not path.exists():
        available = list_targets(config_dir)
        raise BusinessError(
            "target.unknown",
            f"no target {name!r} (no file {path}); available: {', '.join(available) or 'none'}",
        )
    target = load_yaml_model(path, Target)
    problems = _problems(target)
    if target.name != name:
        problems.insert(0, f"name: {target.name!r} does not match the file name")
    if problems:
        raise BusinessError("config.invalid", f"{path}: " + "; ".join(problems), problems=problems)
    return target


def list_targets(config_dir: Path) -> list[str]:
    """Names of the recipes under ``config/targets/``."""
    return sorted(p.stem for p in (config_dir / "targets").glob("*.yaml"))
