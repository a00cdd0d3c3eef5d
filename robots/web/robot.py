"""The generic web robot: interprets a target's recipe (config/targets/<name>.yaml) in a Playwright page.

One operation, entered safely (:meth:`RecipeRobot.enter`):

1. ``find``: search the target for the record's reference (one URL or one API call); ids go into ``found``.
2. Found: ``open`` it, ``verify`` it (read back, compare), keep the evidence; nothing is entered.
   Not found: ``steps`` fill the form, ``commit`` saves and sets ``record_id``, ``verify`` reads back on the
   page the save landed on.
3. Differences are a BusinessError ``target.readback_mismatch`` with ``differences`` (never retried); the
   target's own refusal (``fail_if``) a BusinessError carrying its message; timeouts, 5xx and crashes an
   ApplicationError (retried by the flow: the retry starts again at ``find``, so a record whose answer was
   lost is found and verified, not entered twice).
4. Landing on the login page means the session ended: log in again and start the operation over
   (at most twice in a row).

Evidence: a screenshot after verify, with sensitive inputs, password inputs and ``[data-sensitive=true]``
masked; a Playwright trace recorded after login, kept only when the operation fails, and never for
operations with sensitive fields. Logs name steps and locator keys, never typed values.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlparse

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, Response, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from robots.errors import ApplicationError, BusinessError, KurokoError
from robots.web.credentials import LoginValues
from robots.web.locators import LocatorLog, Resolved, build_locator, resolve, union
from robots.web.registry import registered
from robots.web.target import (
    CallStep,
    CheckStep,
    ChooseStep,
    ClickStep,
    FailIfStep,
    FetchStep,
    FillStep,
    ForEachStep,
    GotoStep,
    Interruption,
    Operation,
    PressStep,
    ReadAllStep,
    ReadStep,
    SelectStep,
    SetStep,
    Step,
    Target,
    UncheckStep,
    UploadStep,
    WaitStep,
    check_input,
)
from robots.web.templating import Condition, Scope, TemplateError, parse_template

__all__ = ["EntryOutcome", "RecipeRobot", "StepContext", "evidence_name"]

log = logging.getLogger(__name__)

MASK_ALWAYS = ("input[type=password]", "[data-sensitive=true]")
MAX_RELOGINS = 2


@dataclass
class EntryOutcome:
    """What one operation did on the target."""

    record_id: str
    created: bool  # False: the record was already on the target and nothing was entered
    record: dict[str, Any] = field(default_factory=dict)
    """Values read back (sensitive ones left out)."""
    fallbacks: list[str] = field(default_factory=list)
    """Locator keys that matched only by a fallback strategy: the screen changed."""
    screenshot: Path | None = None
    relogins: int = 0


class _PageInfo:
    """``{page.url}``, ``{page.path}``, ``{page.title}`` of the page as it is when the template renders."""

    def __init__(self, page: Page) -> None:
        self._page = page

    def lookup(self, name: str) -> str:
        if name == "url":
            return self._page.url
        if name == "path":
            return urlparse(self._page.url).path
        if name == "title":
            return self._page.title()
        raise TemplateError(f"page has url, path and title, not {name!r}")


class _SessionLost(Exception):
    """Landed on the login page in the middle of an operation."""


def evidence_name(reference: str) -> str:
    """A file-name-safe form of a reference key."""
    return re.sub(r"[^\w.-]+", "_", reference, flags=re.ASCII).strip("._")[:120] or "record"


def _glob_regex(pattern: str) -> re.Pattern[str]:
    """Playwright-style URL glob: ``**`` any characters, ``*`` any but ``/``, ``?`` literal."""
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + "$")


@dataclass
class _Run:
    """One operation's state while it runs."""

    name: str
    op: Operation | None  # None while logging in
    reference: str
    vars: dict[str, Any]
    sensitive_names: set[str]
    section: str = ""
    differences: list[str] = field(default_factory=list)
    mask: list[Locator] = field(default_factory=list)
    hidden_vars: set[str] = field(default_factory=set)


@dataclass
class StepContext:
    """What a Python step (``call``) gets: the page, locators by key, templates, variables."""

    robot: RecipeRobot
    scope: Scope
    run: _Run
    within: Locator | None = None

    @property
    def page(self) -> Page:
        return self.robot.page

    @property
    def checking(self) -> bool:
        """True in ``kuroko target check``: resolve what you use, change nothing."""
        return self.robot.checking

    @property
    def vars(self) -> dict[str, Any]:
        return self.run.vars

    def locate(self, key: str) -> Locator:
        """The element of a locator key (strategies in order; a fallback match is reported)."""
        return self.robot._locate(key, self.scope, self.within)

    def render(self, template: str) -> str:
        return parse_template(template).render(self.scope)

    def value(self, template: str) -> Any:
        return parse_template(template).value(self.scope)

    def mask(self, locator: Locator) -> None:
        """Hide this element on the evidence screenshot."""
        self.run.mask.append(locator)

    def differs(self, field_name: str, typed: Any, saved: Any, *, sensitive: bool = False) -> None:
        """Report a read-back difference (the operation then fails for review)."""
        self.robot._difference(self.run, field_name, typed, saved, sensitive)


class RecipeRobot:
    """Drives one target in a Playwright page the caller owns, as its recipe says.

    ``on_login`` is called after each successful login (the session saves the storage state there).
    ``assume_logged_in``: the page's context was created from a saved storage state; log in only when a
    page turns out to be the login page. ``checking``: ``kuroko target check`` mode (see :mod:`check`).
    """

    def __init__(
        self,
        page: Page,
        target: Target,
        credentials: LoginValues,
        *,
        timeout_ms: float = 15_000,
        on_login: Callable[[], None] | None = None,
        assume_logged_in: bool = False,
        checking: bool = False,
        locator_log: LocatorLog | None = None,
    ) -> None:
        self.page = page
        self.target = target
        self.credentials = credentials
        self.timeout_ms = target.timeout_ms or timeout_ms
        self.on_login = on_login
        self.checking = checking
        self.log = locator_log if locator_log is not None else LocatorLog()
        self.logins = 0
        self._logged_in = assume_logged_in
        self._in_login = False
        self._login_glob = _glob_regex(target.session.login_url)
        self._tracing = False
        self._where = ""
        self._page_status: int | None = None  # HTTP status of the page shown now
        page.on("response", self._on_response)
        self.failed_references: set[tuple[str, str]] = set()
        """References whose entry failed in this session (a session shares one set with its robots)."""
        self._install_interruptions()

    # -- plumbing -------------------------------------------------------------------------------------
    def _render_for(self, scope: Scope) -> Callable[[str], str]:
        return lambda text: parse_template(text).render(scope)

    def _locate(self, key: str, scope: Scope, within: Locator | None = None) -> Locator:
        return self._resolve(key, scope, within).locator

    def _resolve(self, key: str, scope: Scope, within: Locator | None = None) -> Resolved:
        return resolve(
            within if within is not None else self.page,
            key,
            self.target.locator_specs(key),
            timeout_ms=self.timeout_ms,
            render=self._render_for(scope),
            log_to=self.log,
        )

    def _any(self, key: str, scope: Scope, within: Locator | None = None) -> Locator:
        """Every strategy of a key as one locator, without waiting (for "is it there now?")."""
        return union(
            within if within is not None else self.page,
            self.target.locator_specs(key),
            self._render_for(scope),
        )

    def _on_login_page(self) -> bool:
        url = self.page.url
        if not url.startswith(("http://", "https://")):
            return False
        return bool(self._login_glob.match(urlparse(url).path))

    def _on_response(self, response: Response) -> None:
        if response.request.is_navigation_request() and response.frame == self.page.main_frame:
            self._page_status = response.status

    def _check_session(self) -> None:
        if not self._in_login and self._on_login_page():
            raise _SessionLost()

    @staticmethod
    def _check_status(response: Response | None, what: str) -> None:
        if response is not None and response.status >= 500:
            raise ApplicationError("target.server_error", f"{what} answered HTTP {response.status}")

    def _install_interruptions(self) -> None:
        """Playwright runs the handler whenever the overlay shows before an action or a wait."""
        for item in self.target.interruptions:
            self.page.add_locator_handler(self._any(item.appears, Scope({})).first, self._dismisser(item))

    def _dismisser(self, item: Interruption) -> Callable[[], None]:
        def dismiss() -> None:
            log.info("%s: %s appeared; dismissing it", self.target.name, item.appears)
            self._resolve(item.appears, Scope({}))  # reported like any locator (first choice or fallback)
            if item.click:
                self._locate(item.click, Scope({})).click()
            else:
                self.page.keyboard.press(item.press or "Escape")

        return dismiss

    def _clear_interruptions(self) -> None:
        """Dismiss what covers the page now (before a screenshot: handlers only run before actions)."""
        for item in self.target.interruptions:
            shown = self._any(item.appears, Scope({})).first
            if shown.count() and shown.is_visible():
                self._dismisser(item)()
                shown.wait_for(state="hidden", timeout=self.timeout_ms)

    # -- login ----------------------------------------------------------------------------------------
    def login(self) -> None:
        """Run the recipe's login steps; BusinessError ``target.login_failed`` when the target refuses."""
        log.info("%s: logging in", self.target.name)
        run = _Run("login", None, "", {}, set(), section="login")
        # Variables the login steps set (``wait: {any: [...], into: x}``) are seen by later ``when:``
        # conditions: a two-factor page that only some logins show is typed into only when it appeared.
        scope = Scope(
            run.vars,
            {"credentials": self.credentials, "page": _PageInfo(self.page)},
            tables=self.target.tables,
        )
        self._in_login = True
        try:
            with self._translated("login"):
                self._steps(self.target.login, run, scope, None, "login")
                if self._on_login_page():
                    raise BusinessError(
                        "target.login_failed", f"{self.target.name}: still on the login page after logging in"
                    )
                if self.target.session.logged_in:
                    self._locate(self.target.session.logged_in, scope)
        finally:
            self._in_login = False
        self.logins += 1
        self._logged_in = True
        if self.on_login is not None and not self.checking:
            self.on_login()

    def ensure_logged_in(self) -> None:
        if not self._logged_in:
            self.login()

    # -- entering -------------------------------------------------------------------------------------
    def enter(
        self,
        operation: str,
        record: dict[str, Any],
        *,
        reference: str | None = None,
        evidence_dir: Path | None = None,
    ) -> EntryOutcome:
        """Enter one record once (see the module docstring); the outcome says what happened."""
        op = self.target.operation(operation)
        data = check_input(op, record, what=f"{operation} input")
        tables = self.target.tables
        try:
            ref = reference or parse_template(op.reference).render(Scope(data, tables=tables))
        except TemplateError as exc:
            raise BusinessError(
                "target.template", f"{self.target.name} {operation}.reference: {exc}"
            ) from exc
        if not ref:
            raise BusinessError("input.invalid", f"{operation}: the reference key is empty")
        self.log = LocatorLog()
        trace_path = evidence_dir / f"{evidence_name(ref)}-trace.zip" if evidence_dir else None
        relogins = 0
        with self._translated(f"{operation} {ref}"):
            self.ensure_logged_in()
            traced = bool(trace_path) and op.traced(retry=(operation, ref) in self.failed_references)
            self._start_trace(traced)
            try:
                while True:
                    try:
                        outcome = self._attempt(operation, op, data, ref, evidence_dir)
                        break
                    except _SessionLost:
                        relogins += 1
                        if relogins > MAX_RELOGINS:
                            raise ApplicationError(
                                "target.session_lost",
                                f"{self.target.name} {operation} {ref}: sent back to the login page "
                                f"{relogins} times in a row",
                            ) from None
                        log.warning("%s %s: the session ended; logging in again", operation, ref)
                        self._stop_trace(None)  # a login is never traced
                        self.login()
                        self._start_trace(traced)
            except BaseException:
                self.failed_references.add((operation, ref))
                self._stop_trace(trace_path)
                raise
            self._stop_trace(None)
            self.failed_references.discard((operation, ref))
        outcome.relogins = relogins
        return outcome

    def _attempt(
        self, name: str, op: Operation, data: dict[str, Any], ref: str, evidence_dir: Path | None
    ) -> EntryOutcome:
        vars_: dict[str, Any] = {}
        run = _Run(name, op, ref, vars_, op.sensitive_fields)
        scope = Scope(
            vars_,
            data,
            {"reference": ref, "credentials": self.credentials, "page": _PageInfo(self.page)},
            tables=self.target.tables,
        )
        self._steps(op.find, run, scope, None, "find")
        found = vars_.get("found") or []
        if not isinstance(found, list):
            found = [found]
        found = [str(f).strip() for f in found if str(f).strip()]
        created = False
        if len(found) > 1:
            raise BusinessError(
                "target.duplicate_records",
                f"{self.target.name} has {len(found)} records with the reference {ref} "
                f"({', '.join('#' + f for f in found)}); a person must decide which one stays",
                record_ids=found,
            )
        if found and op.if_found == "verify":
            vars_["record_id"] = found[0]
            log.info("%s %s: already on %s as #%s; verifying it", name, ref, self.target.name, found[0])
            self._steps(op.open, run, scope, None, "open")
        else:
            if found:
                vars_["record_id"] = found[0]
            self._steps(op.steps, run, scope, None, "steps")
            self._steps(op.commit, run, scope, None, "commit")
            if not vars_.get("record_id"):
                raise BusinessError(
                    "target.config",
                    f"{self.target.name} {name}: the commit steps did not set record_id "
                    "(read the new record's id with `into: record_id`)",
                )
            created = not found
            log.info("%s %s: saved on %s as #%s", name, ref, self.target.name, vars_["record_id"])
        self._steps(op.verify, run, scope, None, "verify")
        record_id = str(vars_["record_id"])
        shot = self._evidence(run, scope, evidence_dir) if evidence_dir else None
        if run.differences:
            raise BusinessError(
                "target.readback_mismatch",
                f"{self.target.name} #{record_id} ({ref}) differs from what was entered: "
                + "; ".join(run.differences),
                record_id=record_id,
                differences=list(run.differences),
                screenshot=str(shot) if shot else None,
            )
        record = {k: v for k, v in vars_.items() if k not in run.hidden_vars}
        return EntryOutcome(
            record_id=record_id,
            created=created,
            record=record,
            fallbacks=self.log.fallbacks,
            screenshot=shot,
        )

    # -- target check ---------------------------------------------------------------------------------
    def check_operation(self, name: str) -> list[str]:
        """``target check`` of one operation (robot made with ``checking=True``, logged in): run the
        sections against an existing record and the sample, step by step, going on after a step that
        fails. Locator results land in the robot's log; the problems found are returned."""
        op = self.target.operation(name)
        problems: list[str] = []
        vars_: dict[str, Any] = {}
        try:
            data = check_input(op, op.sample or {}, what=f"{name}.sample") if op.sample is not None else None
        except BusinessError as exc:
            return [f"{name}: {exc.message}"]
        globals_: dict[str, Any] = {
            "reference": "",
            "credentials": self.credentials,
            "page": _PageInfo(self.page),
        }
        scope = Scope(vars_, data or {}, globals_, tables=self.target.tables)
        run = _Run(name, op, "", vars_, op.sensitive_fields)
        if op.check_record:
            # Looking for an existing record: an empty tenant has none, which is not a broken screen. Only
            # what was found counts; without a record, find/open/verify stay "not checked".
            main_log, self.log = self.log, LocatorLog()
            try:
                self._check_steps(op.check_record, run, scope, "check_record", [])
            finally:
                probe, self.log = self.log, main_log
            for key, m in probe.matches.items():
                if m.index is not None:
                    self.log.record(key, m.index, m.strategy)
            if vars_.get("record_id"):
                ref = str(vars_.pop("reference", "") or "")
                globals_["reference"] = run.reference = ref
                record_id = vars_["record_id"]
                for section, steps in (("find", op.find), ("open", op.open), ("verify", op.verify)):
                    vars_["record_id"] = record_id
                    self._check_steps(steps, run, scope, section, problems)
        if data is not None:
            try:
                globals_["reference"] = run.reference = parse_template(op.reference).render(scope)
            except TemplateError as exc:
                problems.append(f"{name}.reference: {exc}")
            vars_.clear()
            self._check_steps(op.steps, run, scope, "steps", problems)
            self._check_steps(op.commit[:1], run, scope, "commit", problems)
        return problems

    def _check_steps(
        self, steps: list[Step], run: _Run, scope: Scope, section: str, problems: list[str]
    ) -> bool:
        """Each step on its own: a failure is noted and the next step runs. False when any failed."""
        ok = True
        for i, step in enumerate(steps):
            try:
                with self._translated(run.name):
                    self._steps([step], run, scope, None, section, start=i)
            except _SessionLost:
                problems.append(f"{run.name}.{section}[{i}]: sent to the login page")
                return False
            except KurokoError as exc:
                ok = False
                if exc.code != "target.element_not_found":
                    problems.append(f"{run.name}.{section}[{i}] {step.kind}: {exc.message}")
        return ok

    # -- evidence -------------------------------------------------------------------------------------
    def _evidence(self, run: _Run, scope: Scope, evidence_dir: Path) -> Path | None:
        assert run.op is not None
        if not run.op.evidence.screenshot:
            return None
        self._clear_interruptions()
        masks = list(run.mask)
        masks += [self._any(key, scope) for key in run.op.sensitive]
        masks += [self.page.locator(css) for css in MASK_ALWAYS]
        path = evidence_dir / f"{evidence_name(run.reference)}.{run.op.evidence.format}"
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(
            path=path,
            full_page=run.op.evidence.full_page,
            type=run.op.evidence.format,
            mask=masks,
            mask_color="#000000",
        )
        return path

    def _start_trace(self, enabled: bool) -> None:
        if enabled and not self._tracing:
            self.page.context.tracing.start(screenshots=True, snapshots=True)
            self._tracing = True

    def _stop_trace(self, keep_at: Path | None) -> None:
        if not self._tracing:
            return
        self._tracing = False
        try:
            if keep_at is not None:
                keep_at.parent.mkdir(parents=True, exist_ok=True)
                self.page.context.tracing.stop(path=keep_at)
                log.info("trace of the failed operation kept: %s", keep_at)
            else:
                self.page.context.tracing.stop()
        except PlaywrightError:  # a crashed browser has no trace to give
            log.debug("no trace: the browser is gone")

    # -- errors ---------------------------------------------------------------------------------------
    @contextmanager
    def _translated(self, what: str) -> Iterator[None]:
        """Playwright's and the templates' exceptions become Kuroko errors at the robot's edge."""
        try:
            yield
        except _SessionLost:
            raise
        except KurokoError as exc:
            if exc.message.startswith(self.target.name):
                raise
            # Raised inside a step: say where (target, operation, reference, step), keep code and details.
            raise type(exc)(
                exc.code, f"{self.target.name} {what} {self._where}: {exc.message}", **exc.details
            ) from exc
        except TemplateError as exc:
            raise BusinessError("target.template", f"{self.target.name} {what} {self._where}: {exc}") from exc
        except PlaywrightTimeoutError as exc:
            raise ApplicationError(
                "target.timeout", f"{self.target.name} {what} {self._where}: {_first_line(exc)}"
            ) from exc
        except AssertionError as exc:  # a web-first assertion (expect) that timed out
            raise ApplicationError(
                "target.timeout", f"{self.target.name} {what} {self._where}: {_first_line(exc)}"
            ) from exc
        except PlaywrightError as exc:
            raise ApplicationError(
                "target.browser_error", f"{self.target.name} {what} {self._where}: {_first_line(exc)}"
            ) from exc

    def _difference(self, run: _Run, name: str, typed: Any, saved: Any, sensitive: bool) -> None:
        if sensitive:
            run.differences.append(
                f"{name}: the saved value differs from the typed one (sensitive: not shown)"
            )
        else:
            run.differences.append(f"{name}: typed {typed!r}, saved {saved!r}")

    # -- the interpreter ------------------------------------------------------------------------------
    def _steps(
        self,
        steps: list[Step],
        run: _Run,
        scope: Scope,
        within: Locator | None,
        section: str,
        start: int = 0,
        path: str | None = None,
    ) -> None:
        """Run steps in order; ``section`` is find/steps/commit/verify…, ``path`` where they sit (logs)."""
        run.section = section
        for i, step in enumerate(steps, start=start):
            if step.when and not _condition(step.when).holds(scope):
                continue
            self._where = f"({path or section}[{i}] {step.kind} {step.target_key or ''})".replace(" )", ")")
            log.debug("%s %s", run.name, self._where)
            try:
                if isinstance(step, ForEachStep):
                    self._do_for_each(step, run, scope, within, f"{path or section}[{i}].steps")
                else:
                    getattr(self, f"_do_{step.kind}")(step, run, scope, within)
            except (ApplicationError, PlaywrightTimeoutError, AssertionError) as exc:
                if not self._in_login and self._on_login_page():
                    raise _SessionLost() from None
                already = isinstance(exc, ApplicationError) and exc.code == "target.server_error"
                if not already and self._page_status is not None and self._page_status >= 500:
                    raise ApplicationError(
                        "target.server_error", f"the page answered HTTP {self._page_status}"
                    ) from None
                raise
            self._check_session()

    def _sensitive(self, run: _Run, template: str | None, flagged: bool) -> bool:
        if flagged:
            return True
        if template is None:
            return False
        names = parse_template(template).names()
        return "credentials" in names or bool(names & run.sensitive_names)

    def _do_goto(self, step: GotoStep, run: _Run, scope: Scope, within: Locator | None) -> None:
        url = self.target.url(parse_template(step.goto).render(scope, escape=lambda s: quote(s, safe="")))
        response = self.page.goto(url, wait_until=step.wait_until)
        self._check_status(response, f"{urlparse(url).path}")

    def _do_fill(self, step: FillStep, run: _Run, scope: Scope, within: Locator | None) -> None:
        box = self._locate(step.fill, scope, within)
        value = parse_template(step.value).render(scope)
        if self._sensitive(run, step.value, step.sensitive):
            run.mask.append(box)
        if step.keystrokes:
            if box.input_value():
                box.clear()
            box.press_sequentially(value)
        else:
            box.fill(value)

    def _do_select(self, step: SelectStep, run: _Run, scope: Scope, within: Locator | None) -> None:
        box = self._locate(step.select, scope, within)
        if step.label is not None:
            box.select_option(label=parse_template(step.label).render(scope))
        else:
            box.select_option(value=parse_template(step.value or "").render(scope))

    def _do_choose(self, step: ChooseStep, run: _Run, scope: Scope, within: Locator | None) -> None:
        box = self._locate(step.choose, scope, within)
        value = parse_template(step.value).render(scope)
        box.fill(value)
        local = scope.child(value=value)
        option = self._any(step.option, local, within)
        either = option.or_(self._any(step.create, local, within)) if step.create else option
        self._wait_any(either, [k for k in (step.option, step.create) if k], "visible", self.timeout_ms)
        if option.count():
            self._locate(step.option, local, within).click()
        elif step.create:
            create = self._locate(step.create, local, within)
            if self.checking:
                return  # creating a new entry changes the target's master data
            create.click()
        if not self.checking:
            # The choice is made when the list of candidates has gone (a new entry may first be saved by the
            # page, as freee-style forms do): typing on before that races the page.
            try:
                either.first.wait_for(state="hidden", timeout=self.timeout_ms)
            except PlaywrightTimeoutError:
                raise ApplicationError(
                    "target.not_chosen", f"{step.choose}: the list of candidates stayed open after choosing"
                ) from None
        if step.confirm and not self.checking:
            try:
                expect(box).to_have_value(value, timeout=self.timeout_ms)
            except AssertionError:  # its message would show the value
                raise ApplicationError(
                    "target.not_chosen", f"{step.choose} does not show the chosen entry"
                ) from None

    def _wait_any(self, either: Locator, keys: list[str], state: Any, timeout: float) -> None:
        """Wait for one of several keys; when none comes, each is reported not found."""
        try:
            either.first.wait_for(state=state, timeout=timeout)
        except PlaywrightTimeoutError as exc:
            for key in keys:
                self.log.record(key, None, "")
            raise ApplicationError(
                "target.element_not_found", f"none of {', '.join(keys)} appeared after {timeout / 1000:.0f}s"
            ) from exc

    def _do_check(self, step: CheckStep, run: _Run, scope: Scope, within: Locator | None) -> None:
        box = self._locate(step.check, scope, within)
        if step.value is None:
            box.check()
        else:
            box.set_checked(_truthy(parse_template(step.value).value(scope)))

    def _do_uncheck(self, step: UncheckStep, run: _Run, scope: Scope, within: Locator | None) -> None:
        self._locate(step.uncheck, scope, within).uncheck()

    def _do_upload(self, step: UploadStep, run: _Run, scope: Scope, within: Locator | None) -> None:
        box = self._locate(step.upload, scope, within)
        if self.checking:
            return  # the input is there; nothing needs to be sent
        files = parse_template(step.file).value(scope)
        if files in (None, "", []):
            log.debug("%s: nothing to upload", run.name)
            return
        paths = [str(f) for f in files] if isinstance(files, list) else [str(files)]
        missing = [p for p in paths if not Path(p).is_file()]
        if missing:
            raise BusinessError("input.file_missing", f"no file {', '.join(missing)} to upload")
        box.set_input_files(paths)

    def _do_click(self, step: ClickStep, run: _Run, scope: Scope, within: Locator | None) -> None:
        button = self._locate(step.click, scope, within)
        if self.checking and (step.saves or run.section == "commit"):
            return
        if step.accept_dialog:
            self.page.once("dialog", lambda dialog: dialog.accept())
        if step.response is not None:
            match = step.response
            pattern = _glob_regex(match.url)

            def wanted(r: Response) -> bool:
                req = r.request
                return (
                    (match.method is None or req.method == match.method.upper())
                    and (not match.document or req.resource_type == "document")
                    and bool(pattern.match(r.url))
                )

            with self.page.expect_response(wanted, timeout=self.timeout_ms * 2) as answer:
                button.click()
            self._check_status(
                answer.value, f"{step.click} ({match.method or ''} {urlparse(answer.value.url).path})"
            )
        elif step.navigates:
            with self.page.expect_navigation(
                wait_until="domcontentloaded", timeout=self.timeout_ms * 2
            ) as nav:
                button.click()
            self._check_status(nav.value, step.click)
        else:
            button.click()

    def _do_press(self, step: PressStep, run: _Run, scope: Scope, within: Locator | None) -> None:
        on = self._locate(step.at, scope, within) if step.at else None
        if self.checking and (step.saves or run.section == "commit"):
            return
        if on is not None:
            on.press(step.press)
        else:
            self.page.keyboard.press(step.press)

    def _do_wait(self, step: WaitStep, run: _Run, scope: Scope, within: Locator | None) -> None:
        spec = step.spec
        timeout = spec.timeout_ms or self.timeout_ms
        scope_of = within if within is not None else self.page
        if spec.for_:
            resolve(
                scope_of,
                spec.for_,
                self.target.locator_specs(spec.for_),
                timeout_ms=timeout,
                render=self._render_for(scope),
                log_to=self.log,
            )
        elif spec.any:
            each = [self._any(key, scope, within) for key in spec.any]
            either = each[0]
            for other in each[1:]:
                either = either.or_(other)
            self._wait_any(either, spec.any, "attached", timeout)
            key = next((k for k, loc in zip(spec.any, each, strict=True) if loc.count()), spec.any[0])
            self._resolve(key, scope, within)
            if spec.into:
                run.vars[spec.into] = key
        elif spec.hidden:
            self._any(spec.hidden, scope, within).first.wait_for(state="hidden", timeout=timeout)
        elif spec.url:
            rendered = parse_template(spec.url).render(scope)
            pattern = _glob_regex(
                rendered if "://" in rendered or rendered.startswith("**") else "**" + rendered
            )
            self.page.wait_for_url(lambda url: bool(pattern.match(url)), timeout=timeout)
        elif spec.text:
            self.page.get_by_text(parse_template(spec.text).render(scope)).first.wait_for(timeout=timeout)

    def _read(self, loc: Locator, attribute: str | None) -> str:
        if attribute:
            return (loc.get_attribute(attribute) or "").strip()
        return loc.inner_text().strip()

    def _do_read(self, step: ReadStep, run: _Run, scope: Scope, within: Locator | None) -> None:
        if step.optional and self._any(step.read, scope, within).count() == 0:
            value = ""
            loc = None
        else:
            loc = self._locate(step.read, scope, within)
            value = self._read(loc, step.attribute)
        flagged = step.sensitive or (run.op is not None and step.read in run.op.sensitive)
        sensitive = self._sensitive(run, step.expect, flagged)
        if sensitive and loc is not None:
            run.mask.append(loc)
        if step.into:
            run.vars[step.into] = value
            if sensitive:
                run.hidden_vars.add(step.into)
        if step.expect is None or self.checking:
            return
        expected = parse_template(step.expect).value(scope)
        equal, typed, saved = _compare(step.compare, expected, value)
        if not equal:
            name = parse_template(step.field).render(scope) if step.field else step.read
            self._difference(run, name, typed, saved, sensitive)

    def _do_read_all(self, step: ReadAllStep, run: _Run, scope: Scope, within: Locator | None) -> None:
        values: list[Any] = []
        if self._any(step.read_all, scope, within).count():
            found = self._resolve(step.read_all, scope, within)
            render = self._render_for(scope)
            base = within if within is not None else self.page
            for element in build_locator(base, found.spec, render).all():
                if step.fields:
                    values.append(
                        {
                            name: self._read(self._locate(key, scope, element), step.attribute)
                            for name, key in step.fields.items()
                        }
                    )
                else:
                    values.append(self._read(element, step.attribute))
        run.vars[step.into] = values

    def _do_fail_if(self, step: FailIfStep, run: _Run, scope: Scope, within: Locator | None) -> None:
        shown = self._any(step.fail_if, scope, within).filter(visible=True)
        if not shown.count():
            return
        text = " ".join(self._locate(step.fail_if, scope, within).inner_text().split())
        if self.checking:
            return
        what = "the login" if run.name == "login" else f"{run.name} {run.reference}"
        raise BusinessError(step.code, f"{self.target.name} refused {what}: {text}", target_message=text)

    def _do_for_each(
        self, step: ForEachStep, run: _Run, scope: Scope, within: Locator | None, path: str
    ) -> None:
        items = parse_template("{" + step.for_each + "}").value(scope)
        if items is None:
            items = []
        if not isinstance(items, list):
            raise BusinessError("target.template", f"for_each {step.for_each}: not a list")
        section = run.section
        rows: Locator | None = None
        row_count = len(items)
        verifying = section == "verify" and not self.checking
        if step.rows and items and verifying and self._any(step.rows, scope, within).count() == 0:
            # A saved record without the rows: a difference, nothing to wait for.
            self._difference(run, step.field or step.rows, len(items), 0, False)
            items = []
        elif step.rows and items:
            found = self._resolve(step.rows, scope, within)
            rows = build_locator(
                within if within is not None else self.page, found.spec, self._render_for(scope)
            )
            row_count = rows.count()
            if verifying and row_count != len(items):
                self._difference(run, step.field or step.rows, len(items), row_count, False)
        limit = len(items)
        if self.checking and rows is not None:
            limit = min(limit, row_count, 1)  # checking locators on a record: its first row is enough
        for index, item in enumerate(items[:limit]):
            if rows is not None and index >= row_count:
                break
            child = scope.child(n=index + 1, index=index, **{step.as_: item})
            row = rows.nth(index) if rows is not None else within
            self._steps(step.steps, run, child, row, section, path=path)
        run.section = section

    def _do_set(self, step: SetStep, run: _Run, scope: Scope, within: Locator | None) -> None:
        for name, template in step.set.items():
            run.vars[name] = parse_template(template).value(scope)

    def _do_call(self, step: CallStep, run: _Run, scope: Scope, within: Locator | None) -> None:
        if self.checking and (step.saves or run.section == "commit"):
            return
        fn = registered().get(step.call)
        if fn is None:
            raise BusinessError("target.config", f"no Python step registered as {step.call!r}")
        args = {k: parse_template(v).value(scope) if isinstance(v, str) else v for k, v in step.with_.items()}
        fn(StepContext(self, scope, run, within), **args)

    def _do_fetch(self, step: FetchStep, run: _Run, scope: Scope, within: Locator | None) -> None:
        if self.checking and (step.saves or step.method != "GET" or run.section == "commit"):
            return
        url = self.target.url(parse_template(step.fetch).render(scope, escape=lambda s: quote(s, safe="")))
        body = _render_json(step.json_body, scope) if step.json_body is not None else None
        response = self.page.request.fetch(url, method=step.method, data=body, fail_on_status_code=False)
        path = urlparse(url).path
        if response.status in (401, 403) and not self._in_login:
            raise _SessionLost()
        self._check_status(response, f"{step.method} {path}")  # type: ignore[arg-type]
        if response.status >= 400:
            raise BusinessError(
                "target.rejected",
                f"{self.target.name} refused {step.method} {path} (HTTP {response.status}): "
                + " ".join(response.text().split())[:300],
            )
        data = response.json()
        run.vars[step.into] = _pick(data, step.pick) if step.pick else data


@functools.lru_cache(maxsize=1024)
def _condition(source: str) -> Condition:
    return Condition.parse(source)


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() not in ("", "0", "false", "no", "off", "いいえ")
    return bool(value)


def _first_line(exc: BaseException) -> str:
    text = getattr(exc, "message", None) or str(exc)
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__


def _render_json(value: Any, scope: Scope) -> Any:
    if isinstance(value, str):
        return parse_template(value).value(scope)
    if isinstance(value, dict):
        return {k: _render_json(v, scope) for k, v in value.items()}
    if isinstance(value, list):
        return [_render_json(v, scope) for v in value]
    return value


def _pick(data: Any, path: str) -> Any:
    """``deals[*].id`` → every deal's id; ``total`` → one value; ``items[0].name``."""
    current: list[Any] = [data]
    many = False
    for part in re.findall(r"[^.\[\]]+|\[\*\]|\[\d+\]", path):
        nxt: list[Any] = []
        for value in current:
            if part == "[*]":
                many = True
                nxt.extend(value if isinstance(value, list) else [])
            elif part.startswith("["):
                idx = int(part[1:-1])
                if isinstance(value, list) and idx < len(value):
                    nxt.append(value[idx])
            elif isinstance(value, dict) and part in value:
                nxt.append(value[part])
        current = nxt
    return current if many else (current[0] if current else None)


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _compare(how: str, expected: Any, saved: str) -> tuple[bool, Any, Any]:
    """(equal, typed as shown, saved as shown) under one comparison rule."""
    if how in ("amount", "date") and expected in (None, "") and saved == "":
        return True, expected, saved
    if how == "amount":
        from robots.jp.amounts import AmountParseError, parse_amount

        try:
            want = expected if isinstance(expected, int) else parse_amount(str(expected)).value
            got = parse_amount(saved).value
        except AmountParseError:
            return False, expected, saved
        return want == got, want, got
    if how == "date":
        from robots.jp.dates import parse_date

        try:
            want = expected if hasattr(expected, "isoformat") else parse_date(str(expected))
            got = parse_date(saved)
        except ValueError:
            return False, str(expected), saved
        return want == got, want.isoformat(), got.isoformat()
    typed = (
        ""
        if expected is None
        else (expected.isoformat() if hasattr(expected, "isoformat") else str(expected))
    )
    if how == "exact":
        return typed == saved, typed, saved
    if how == "nfkc":
        return (
            _collapse(unicodedata.normalize("NFKC", typed))
            == _collapse(unicodedata.normalize("NFKC", saved)),
            typed,
            saved,
        )
    return _collapse(typed) == _collapse(saved), typed, saved
