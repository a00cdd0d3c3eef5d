"""Many deals at once: the target's import CSV uploaded through the browser, every row verified through the
API afterwards, and the rows the import refused entered one by one through the form.

:func:`enter_in_bulk` on a :class:`~robots.web.session.TargetSession`:

1. asks the target which 管理番号 are already there (one API request per 1,000 references); those deals are
   compared with what is saved and are ``already`` (nothing entered);
2. writes the rest as freee 取引インポート CSV (``robots.bookkeeping_csv``; 5 MB per file), leaving out what
   a CSV cannot carry (an attached 証憑, a character the encoding lacks, a 管理番号 with a comma), and
   uploads each file with the recipe's ``import_deals`` operation (evidence: a screenshot of the result
   page, ``<evidence_dir>/import-<hash>.png``);
3. verifies EVERY row the import accepted through the API (partner, dates, total, each line); a difference
   is reported for that reference, never retried;
4. enters the refused rows (and those the CSV could not carry) with ``create_deal``, the single-record form
   path, which looks before it types. A row whose 勘定科目 or 税区分 the form does not offer either fails at
   once with the import's reason, without typing.

Idempotent: a second run finds every reference and enters nothing. When the answer to an upload is lost
(a 5xx after the import was stored, a timeout, a crashed page), the references of that file are looked up
again before anything is uploaded again: what the lost import stored is verified, only the rest is sent.

Target-specific parts kept here in Python (the recipe format has no step for them): the look-up by many
references (``GET /api/deals?ref_numbers=…``) and the comparison of saved deals with what was written, both
through the robot's page (the browser's login), and the check of the form's choices on ``/deals/new``.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, urlparse

from playwright.sync_api import Error as PlaywrightError

from robots.bookkeeping import Deal
from robots.bookkeeping_csv import MAX_IMPORT_BYTES, write_import_csv
from robots.errors import ApplicationError, BusinessError, KurokoError
from robots.web.accounting import CREATE_DEAL, deal_input
from robots.web.locators import union
from robots.web.session import TargetSession
from robots.web.templating import Scope, parse_template

__all__ = [
    "IMPORT_DEALS",
    "BulkOutcome",
    "BulkStatus",
    "DealResult",
    "ImportUpload",
    "deal_differences",
    "enter_in_bulk",
]

log = logging.getLogger(__name__)

T = TypeVar("T")

IMPORT_DEALS = "import_deals"
LOOKUP_PATH = "/api/deals"
LOOKUP_MAX_REFS = 1000  # the API's limit per request
LOOKUP_MAX_QUERY = 32_000  # characters of ref_numbers=… per request (1,000 KRK-… references fit)
# The form's choices a deal line must find: (field in differences, DealLine attribute, locator key).
_FORM_CHOICES = (("勘定科目", "account", "line.account"), ("税区分", "tax_category", "line.tax"))


class BulkStatus(StrEnum):
    ENTERED_BY_IMPORT = "entered_by_import"  # stored by the CSV import, verified through the API
    ENTERED_BY_FORM = "entered_by_form"  # the import refused it (or could not carry it): typed into the form
    ALREADY = "already"  # on the target before this run (compared with what it should be); nothing entered
    FAILED = "failed"  # not entered, or saved differently: ``reason`` says why


@dataclass(frozen=True)
class DealResult:
    """What happened to one deal (one reference)."""

    reference: str
    status: BulkStatus
    record_id: str | None = None
    reason: str | None = None
    """Failed: one line, in the target's own words when it gave any."""
    code: str | None = None
    """Failed: the error code (``target.rejected``, ``target.readback_mismatch``, …)."""
    retryable: bool = False
    """Failed for a passing reason (timeouts, 5xx): running the batch again may enter it."""
    import_reason: str | None = None
    """Why the import did not take it (then entered by the form, or failed)."""
    differences: tuple[str, ...] = ()
    screenshot: Path | None = None
    """Entered or checked by the form: its evidence screenshot."""


@dataclass
class ImportUpload:
    """One file sent to the import."""

    file: Path
    rows: int
    references: int
    batch_id: str | None = None
    """The target's id of the import (None when the answer was lost)."""
    accepted: int = 0
    rejected: int = 0
    screenshot: Path | None = None
    error: str | None = None
    """The answer was lost or refused: what happened (the references were then looked up again)."""
    seconds: float = 0.0


@dataclass
class BulkOutcome:
    """Per reference, what happened (in input order); each upload; seconds per phase."""

    results: dict[str, DealResult] = field(default_factory=dict)
    uploads: list[ImportUpload] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds: lookup, write, upload, verify, form, total."""

    def with_status(self, status: BulkStatus) -> list[DealResult]:
        return [r for r in self.results.values() if r.status == status]

    def counts(self) -> dict[BulkStatus, int]:
        return {status: len(self.with_status(status)) for status in BulkStatus}

    @property
    def entered(self) -> int:
        """Deals this run put on the target."""
        counts = self.counts()
        return counts[BulkStatus.ENTERED_BY_IMPORT] + counts[BulkStatus.ENTERED_BY_FORM]

    @property
    def failed(self) -> list[DealResult]:
        return self.with_status(BulkStatus.FAILED)

    @contextmanager
    def _timed(self, phase: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[phase] = self.timings.get(phase, 0.0) + time.perf_counter() - start


# -- comparing --------------------------------------------------------------------------------------------
def _text(value: Any) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def deal_differences(deal: Deal, saved: dict[str, Any]) -> list[str]:
    """How a deal as the API shows it (``GET /api/deals``: type, issue_date, due_date, partner_name,
    ref_number, amount, details, receipts) differs from the deal that was written; ``[]`` when it does
    not. Texts compare with spaces collapsed, as the form robot's read-back does."""
    out: list[str] = []

    def differ(name: str, typed: Any, got: Any) -> None:
        if typed != got:
            out.append(f"{name}: typed {typed!r}, saved {got!r}")

    differ("収支区分", deal.kind, saved.get("type"))
    differ("発生日", deal.issue_date.isoformat(), saved.get("issue_date"))
    differ("支払期日", deal.due_date.isoformat() if deal.due_date else None, saved.get("due_date") or None)
    differ("取引先", _text(deal.partner), _text(saved.get("partner_name")))
    differ("管理番号", deal.reference, saved.get("ref_number"))
    differ("金額", deal.total, saved.get("amount"))
    lines = saved.get("details") or []
    if len(lines) != len(deal.lines):
        differ("明細の行数", len(deal.lines), len(lines))
    for n, (line, got) in enumerate(zip(deal.lines, lines, strict=False), start=1):
        differ(f"明細{n} 勘定科目", line.account, got.get("account_item"))
        differ(f"明細{n} 税区分", line.tax_category, got.get("tax_code"))
        differ(f"明細{n} 金額", line.amount, got.get("amount"))
        differ(f"明細{n} 備考", _text(line.memo), _text(got.get("description")))
    if deal.attachment_sha256:
        receipts = [r.get("sha256") for r in saved.get("receipts") or []]
        if deal.attachment_sha256 not in receipts:
            differ("証憑 SHA-256", deal.attachment_sha256, ", ".join(receipts) or None)
    return out


# -- the batch --------------------------------------------------------------------------------------------
def enter_in_bulk(
    session: TargetSession,
    deals: list[Deal],
    *,
    work_dir: Path,
    evidence_dir: Path | None = None,
    encoding: str = "utf-8",
    attempts: int = 3,
    max_bytes: int = MAX_IMPORT_BYTES,
) -> BulkOutcome:
    """Enter ``deals`` on the session's target: import what the CSV can carry, the rest and the refused
    rows through the form (see the module docstring); never a reference twice.

    ``work_dir`` receives the CSV files; ``evidence_dir`` the screenshots (import result pages, form
    entries). ``encoding`` is the file's encoding and the value chosen in the import's 文字コード
    (``utf-8`` or ``shift_jis``). ``attempts``: tries per upload and per form entry on timeouts and 5xx
    (the page is reset between them; each retry looks by reference first).

    Raises BusinessError ``input.invalid`` for a deal without a reference; ApplicationError when the
    target cannot even be asked which references exist (nothing was entered: run it again).
    """
    outcome = BulkOutcome()
    start = time.perf_counter()
    wanted = _unique(deals, outcome)
    codec = _codec(encoding)

    with outcome._timed("lookup"):
        saved = _lookup(session, [ref for ref in wanted if "," not in ref], attempts)
    for ref, found in saved.items():
        _settle_found(outcome, wanted[ref], found, BulkStatus.ALREADY)

    to_form: list[tuple[Deal, str | None]] = []
    to_import: list[Deal] = []
    for ref, deal in wanted.items():
        if ref in saved:
            continue
        why = _not_importable(deal, codec, encoding)
        if why:
            to_form.append((deal, why))
        else:
            to_import.append(deal)

    if to_import:
        to_form += _import(
            session, to_import, outcome, work_dir, evidence_dir, encoding, codec, attempts, max_bytes
        )
    if to_form:
        with outcome._timed("form"):
            _enter_by_form(session, to_form, outcome, evidence_dir, attempts)

    outcome.results = {ref: outcome.results[ref] for ref in _input_order(deals) if ref in outcome.results}
    outcome.timings["total"] = time.perf_counter() - start
    counts = outcome.counts()
    log.info(
        "%s: %d deals: %s",
        session.target.name,
        len(outcome.results),
        ", ".join(f"{status.value} {n}" for status, n in counts.items() if n),
    )
    return outcome


def _input_order(deals: list[Deal]) -> list[str]:
    return list(dict.fromkeys(d.reference for d in deals))


def _unique(deals: list[Deal], outcome: BulkOutcome) -> dict[str, Deal]:
    """One deal per reference. The same deal twice is entered once; different deals sharing a reference
    are not entered at all (a person must decide which one is meant)."""
    wanted: dict[str, Deal] = {}
    clashing: set[str] = set()
    for i, deal in enumerate(deals, start=1):
        ref = deal.reference.strip()
        if not ref or ref != deal.reference:
            raise BusinessError(
                "input.invalid",
                f"deal #{i} ({deal.partner}, {deal.issue_date}): the reference (管理番号) is empty or has "
                "surrounding spaces; without it a deal cannot be entered once and only once",
            )
        if ref in wanted and wanted[ref] != deal:
            clashing.add(ref)
        wanted.setdefault(ref, deal)
    for ref in clashing:
        del wanted[ref]
        outcome.results[ref] = DealResult(
            ref,
            BulkStatus.FAILED,
            code="input.duplicate_reference",
            reason=f"{ref}: different deals in this batch share the reference; none of them was entered",
        )
    return wanted


def _codec(encoding: str) -> str:
    name = codecs.lookup(encoding).name
    if name in ("shift_jis", "cp932", "ms932"):
        return "cp932"  # what Japanese Excel and freee mean by Shift_JIS (as robots.bookkeeping_csv writes)
    return "utf-8" if name == "utf-8-sig" else name


def _not_importable(deal: Deal, codec: str, encoding: str) -> str | None:
    """Why this deal cannot travel in the import CSV (it then goes through the form), or None."""
    if deal.attachment is not None:
        return "証憑 (the attached file) cannot be sent in an import CSV"
    if "," in deal.reference:
        return "its 管理番号 contains a comma, which the look-up by many references cannot ask for"
    texts = [deal.partner, deal.reference] + [
        part for line in deal.lines for part in (line.account, line.tax_category, line.memo or "")
    ]
    for text in texts:
        try:
            text.encode(codec)
        except UnicodeEncodeError as exc:
            bad = exc.object[exc.start : exc.end]
            return f"{bad!r} cannot be written in {encoding}"
    return None


# -- asking the target ------------------------------------------------------------------------------------
def _chunks(refs: list[str]) -> Iterator[list[str]]:
    chunk: list[str] = []
    size = 0
    for ref in refs:
        cost = len(quote(ref, safe="")) + 1
        if chunk and (len(chunk) >= LOOKUP_MAX_REFS or size + cost > LOOKUP_MAX_QUERY):
            yield chunk
            chunk, size = [], 0
        chunk.append(ref)
        size += cost
    if chunk:
        yield chunk


def _get_json(session: TargetSession, path: str) -> Any:
    """GET a path of the target's API with the browser's login (logging in again once on 401/403)."""
    target = session.target
    what = f"{target.name} GET {urlparse(path).path}"
    for relogin in (False, True):
        robot = session.robot()
        try:
            robot.ensure_logged_in()
            response = robot.page.request.get(
                target.url(path), timeout=robot.timeout_ms * 2, fail_on_status_code=False
            )
            status = response.status
            if status in (401, 403) and not relogin:
                log.warning("%s: not logged in (HTTP %d); logging in again", what, status)
                robot.login()
                continue
            if status >= 500:
                raise ApplicationError("target.server_error", f"{what}: the target answered HTTP {status}")
            if status >= 400:
                raise BusinessError(
                    "target.rejected",
                    f"{what}: refused (HTTP {status}): " + " ".join(response.text().split())[:300],
                )
            return response.json()
        except PlaywrightError as exc:
            first = (exc.message or str(exc)).strip().splitlines()[0]
            raise ApplicationError("target.browser_error", f"{what}: {first}") from exc
    raise ApplicationError("target.session_lost", f"{what}: still not logged in after logging in again")


def _lookup(session: TargetSession, refs: list[str], attempts: int) -> dict[str, list[dict[str, Any]]]:
    """The deals saved under each of ``refs`` (a reference absent: not on the target)."""
    found: dict[str, list[dict[str, Any]]] = {}
    wanted = set(refs)
    for chunk in _chunks(refs):
        path = f"{LOOKUP_PATH}?ref_numbers={quote(','.join(chunk), safe=',')}&limit={LOOKUP_MAX_REFS}"
        data = _retrying(lambda path=path: _get_json(session, path), attempts, session)
        for deal in data.get("deals", []):
            ref = deal.get("ref_number")
            if ref in wanted:
                found.setdefault(ref, []).append(deal)
    return found


def _retrying(call: Callable[[], T], attempts: int, session: TargetSession) -> T:
    """``call()``, again on a fresh page after a timeout, 5xx or crash (at most ``attempts`` times)."""
    for attempt in range(1, attempts):
        try:
            return call()
        except ApplicationError as exc:
            log.warning("%s (attempt %d of %d); trying again", exc.message, attempt, attempts)
            session.reset()
    return call()


def _settle_found(
    outcome: BulkOutcome, deal: Deal, found: list[dict[str, Any]], status: BulkStatus, **extra: Any
) -> None:
    """Record a deal the target holds: ``status`` when it is as written, else failed with the
    differences (never entered again)."""
    ref = deal.reference
    if len(found) > 1:
        ids = ", ".join(f"#{d.get('id')}" for d in found)
        outcome.results[ref] = DealResult(
            ref,
            BulkStatus.FAILED,
            code="target.duplicate_records",
            reason=f"{ref}: the target has {len(found)} deals with this reference ({ids}); "
            "a person must decide which one stays",
            **extra,
        )
        return
    saved = found[0]
    record_id = str(saved.get("id"))
    differences = deal_differences(deal, saved)
    if differences:
        outcome.results[ref] = DealResult(
            ref,
            BulkStatus.FAILED,
            record_id=record_id,
            code="target.readback_mismatch",
            reason=f"{ref} (#{record_id}) differs from what was entered: " + "; ".join(differences),
            differences=tuple(differences),
            **extra,
        )
        return
    outcome.results[ref] = DealResult(ref, status, record_id=record_id, **extra)


# -- the import -------------------------------------------------------------------------------------------
def _file_rows(path: Path, codec: str) -> tuple[list[str], int]:
    """The references in an import file (in order) and its number of data rows."""
    text = path.read_bytes().decode("utf-8-sig" if codec == "utf-8" else codec)
    rows = [r for r in csv.reader(io.StringIO(text, newline="")) if any(c.strip() for c in r)][1:]
    return list(dict.fromkeys(r[1] for r in rows)), len(rows)


def _import(
    session: TargetSession,
    deals: list[Deal],
    outcome: BulkOutcome,
    work_dir: Path,
    evidence_dir: Path | None,
    encoding: str,
    codec: str,
    attempts: int,
    max_bytes: int,
) -> list[tuple[Deal, str | None]]:
    """Upload the deals file by file; settle what the import stored; return what goes to the form."""
    by_ref = {d.reference: d for d in deals}
    stem = "deals-" + hashlib.sha256("\n".join(by_ref).encode()).hexdigest()[:12]
    with outcome._timed("write"):
        files = write_import_csv(deals, work_dir / f"{stem}.csv", encoding=encoding, max_bytes=max_bytes)
    to_form: list[tuple[Deal, str | None]] = []
    for path in files:
        with outcome._timed("write"):
            pending, rows = _file_rows(path, codec)
        for attempt in range(1, attempts + 1):
            upload = ImportUpload(file=path, rows=rows, references=len(pending))
            outcome.uploads.append(upload)
            started = time.perf_counter()
            try:
                with outcome._timed("upload"):
                    result = _upload(session, path, rows, encoding, evidence_dir, upload)
            except KurokoError as exc:
                upload.error = exc.message
                upload.seconds = time.perf_counter() - started
                if exc.code == "target.import_refused":  # the file as a whole: nothing was stored
                    for ref in pending:
                        outcome.results[ref] = DealResult(
                            ref,
                            BulkStatus.FAILED,
                            code=exc.code,
                            reason=exc.message,
                            import_reason=exc.message,
                        )
                    break
                # The answer is lost or differs: the import may have stored rows. Look before resending.
                log.warning("%s: %s; looking up its %d references", path.name, exc.message, len(pending))
                if isinstance(exc, ApplicationError):
                    session.reset()
                with outcome._timed("verify"):
                    stored = _lookup(session, pending, attempts)
                for ref, found in stored.items():
                    _settle_found(outcome, by_ref[ref], found, BulkStatus.ENTERED_BY_IMPORT)
                pending = [ref for ref in pending if ref not in stored]
                if not pending:
                    break
                if not exc.retryable:  # e.g. the page's counts differed from the file: not resent
                    to_form += [
                        (by_ref[ref], f"the import did not store it ({exc.message})") for ref in pending
                    ]
                    break
                if attempt == attempts:
                    for ref in pending:
                        outcome.results[ref] = DealResult(
                            ref, BulkStatus.FAILED, code=exc.code, reason=exc.message, retryable=True
                        )
                    break
                with outcome._timed("write"):
                    (path,) = write_import_csv(
                        [by_ref[ref] for ref in pending],
                        path.with_name(f"{path.stem}-retry{attempt}.csv"),
                        encoding=encoding,
                        max_bytes=max_bytes,
                    )
                    pending, rows = _file_rows(path, codec)
                continue
            upload.seconds = time.perf_counter() - started
            with outcome._timed("verify"):
                to_form += _settle_import(session, result, pending, by_ref, outcome, attempts)
            break
    return to_form


def _upload(
    session: TargetSession,
    path: Path,
    rows: int,
    encoding: str,
    evidence_dir: Path | None,
    upload: ImportUpload,
) -> dict[str, Any]:
    """Run the recipe's ``import_deals`` on one file; the import's result (``GET /api/imports/<id>``)."""
    batch = "import-" + hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    entry = session.enter(
        IMPORT_DEALS,
        {"batch": batch, "file": str(path), "encoding": encoding, "rows": rows},
        evidence_dir=evidence_dir,
    )
    result = entry.record.get("result") or {}
    upload.batch_id = entry.record_id
    upload.screenshot = entry.screenshot
    upload.accepted = len(result.get("accepted") or [])
    upload.rejected = len(result.get("rejected") or [])
    shown = (_int(entry.record.get("accepted_count")), _int(entry.record.get("rejected_count")))
    if shown != (upload.accepted, upload.rejected):
        raise BusinessError(
            "target.readback_mismatch",
            f"{session.target.name} import {entry.record_id} ({path.name}): the result page shows "
            f"{shown[0]} accepted and {shown[1]} refused, its API {upload.accepted} and {upload.rejected}",
        )
    log.info(
        "%s: import %s of %s: %d accepted, %d refused",
        session.target.name,
        entry.record_id,
        path.name,
        upload.accepted,
        upload.rejected,
    )
    return result


def _int(text: Any) -> int | None:
    digits = "".join(ch for ch in str(text or "") if ch.isdigit())
    return int(digits) if digits else None


def _settle_import(
    session: TargetSession,
    result: dict[str, Any],
    pending: list[str],
    by_ref: dict[str, Deal],
    outcome: BulkOutcome,
    attempts: int,
) -> list[tuple[Deal, str | None]]:
    """Verify every accepted row through the API; the refused ones (with the import's reason) go to the
    form."""
    mine = set(pending)
    accepted = {
        a["ref_number"]: str(a["deal_id"]) for a in result.get("accepted") or [] if a["ref_number"] in mine
    }
    refused = {
        r["ref_number"]: "; ".join(r.get("reasons") or [r.get("reason") or ""])
        for r in result.get("rejected") or []
        if r.get("ref_number") in mine
    }
    saved = _lookup(session, list(accepted), attempts)
    for ref, deal_id in accepted.items():
        found = saved.get(ref)
        if not found:
            outcome.results[ref] = DealResult(
                ref,
                BulkStatus.FAILED,
                record_id=deal_id,
                code="target.readback_mismatch",
                reason=f"{ref}: the import reports it stored as #{deal_id}, but the target does not find it",
            )
            continue
        _settle_found(outcome, by_ref[ref], found, BulkStatus.ENTERED_BY_IMPORT)
        saved_id = str(found[0].get("id"))
        if outcome.results[ref].status != BulkStatus.FAILED and saved_id != deal_id:
            outcome.results[ref] = DealResult(
                ref,
                BulkStatus.FAILED,
                record_id=saved_id,
                code="target.readback_mismatch",
                reason=f"{ref}: the import reports it stored as #{deal_id}, the target has #{saved_id}",
            )
    to_form = [(by_ref[ref], reason) for ref, reason in refused.items()]
    missing = [ref for ref in pending if ref not in accepted and ref not in refused]
    if missing:  # not in the import's answer at all: look, and type what is not there
        stored = _lookup(session, missing, attempts)
        for ref in missing:
            if ref in stored:
                _settle_found(outcome, by_ref[ref], stored[ref], BulkStatus.ENTERED_BY_IMPORT)
            else:
                to_form.append((by_ref[ref], "not in the import's result"))
    return to_form


# -- the form ---------------------------------------------------------------------------------------------
def _form_choices(session: TargetSession) -> dict[str, set[str]]:
    """The options the create_deal form offers per line field (勘定科目, 税区分); a field whose list cannot
    be read is left out (not checked)."""
    target = session.target
    op = target.operation(CREATE_DEAL)
    form_path = next((s.goto for s in op.steps if getattr(s, "kind", "") == "goto"), None)
    keys = [(name, attr, key) for name, attr, key in _FORM_CHOICES if key in target.locators]
    if form_path is None or not keys:
        return {}
    robot = session.robot()

    def render(text: str) -> str:  # the first line's controls
        return parse_template(text).render(Scope({"n": 1, "index": 0}))

    out: dict[str, set[str]] = {}
    try:
        robot.ensure_logged_in()
        robot.page.goto(target.url(form_path), wait_until="domcontentloaded")
        for _name, attr, key in keys:
            box = union(robot.page, target.locator_specs(key), render).first
            box.wait_for(state="attached", timeout=robot.timeout_ms)
            out[attr] = {" ".join(t.split()) for t in box.locator("option").all_inner_texts()}
    except (PlaywrightError, KurokoError) as exc:
        log.warning("%s: the form's choices could not be read (%s); not checked", target.name, exc)
    return out


def _not_offered(deal: Deal, choices: dict[str, set[str]]) -> list[str]:
    missing = []
    for name, attr, _key in _FORM_CHOICES:
        offered = choices.get(attr)
        if offered is None:
            continue
        for n, line in enumerate(deal.lines, start=1):
            value = getattr(line, attr)
            if value not in offered:
                missing.append(f"明細{n} {name} {value!r}")
    return missing


def _enter_by_form(
    session: TargetSession,
    items: list[tuple[Deal, str | None]],
    outcome: BulkOutcome,
    evidence_dir: Path | None,
    attempts: int,
) -> None:
    choices = _form_choices(session)
    for deal, import_reason in items:
        ref = deal.reference
        missing = _not_offered(deal, choices)
        if missing:
            reason = import_reason or f"{ref}: the target does not offer " + ", ".join(missing)
            outcome.results[ref] = DealResult(
                ref,
                BulkStatus.FAILED,
                code="target.rejected",
                reason=f"{reason} (the form does not offer {', '.join(missing)} either)",
                import_reason=import_reason,
            )
            continue
        for attempt in range(1, attempts + 1):
            try:
                entry = session.enter(CREATE_DEAL, deal_input(deal), evidence_dir=evidence_dir)
            except BusinessError as exc:
                shot = exc.details.get("screenshot")
                outcome.results[ref] = DealResult(
                    ref,
                    BulkStatus.FAILED,
                    record_id=exc.details.get("record_id"),
                    code=exc.code,
                    reason=exc.message,
                    import_reason=import_reason,
                    differences=tuple(exc.details.get("differences") or ()),
                    screenshot=Path(shot) if shot else None,
                )
                break
            except ApplicationError as exc:
                if attempt < attempts:
                    log.warning("%s (attempt %d of %d); trying again", exc.message, attempt, attempts)
                    session.reset()
                    continue
                outcome.results[ref] = DealResult(
                    ref,
                    BulkStatus.FAILED,
                    code=exc.code,
                    reason=exc.message,
                    retryable=True,
                    import_reason=import_reason,
                )
                break
            status = BulkStatus.ENTERED_BY_FORM if entry.created else BulkStatus.ALREADY
            outcome.results[ref] = DealResult(
                ref,
                status,
                record_id=entry.record_id,
                import_reason=import_reason,
                screenshot=entry.screenshot,
            )
            break
