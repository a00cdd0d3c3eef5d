"""desktop_journal: approved expense lines in the ledger → journal entries (仕訳) in the desktop accounting
program, each once, all on record. It drives a GUI, so it runs where there is a display (work pool
``kuroko-desktop``).

"Approved" lines are the lines of the 経費精算書 documents the ``expense_reports`` flow entered into the
accounting tool (status ``entered`` or ``already_entered``: they passed validation or a person approved them),
as that flow read them, with a reviewer's corrections applied. Each line is one entry:

    日付 = the line's date, else the report's 申請日 · 借方科目 = the line's account, else the account rules
    貸方科目 = ``credit_account`` · 金額 = the amount · 取引先 = the payee
    摘要 = ``[KRK-<sha16>-<n>] <description>`` (the reference key: the report's SHA-256, the line number)

The same rules as the web robots: the ledger first (intent → enter → read back → confirmed, with the
program's record id and a screenshot), the reference key in 摘要 searched on the program before anything is
typed, business errors (the program refused it, it reads back differently) fail the line and are never
retried, application errors (a window that never comes, a program that does not answer, an unexpected
dialog) are retried with backoff and then fail the line; once the program has failed a line that way the
rest of the run's lines are skipped (not attempted) rather than hammering it. A rerun enters only what is
missing. Evidence per line in the run folder (``<runs_dir>/<run id>/<reference>/``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shlex
import shutil
import sys
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from prefect.tasks import exponential_backoff
from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from robots.desktop import JournalEntry, JournalRobot
from robots.documents.forms_model import ExpenseReport
from robots.errors import ApplicationError, BusinessError, KurokoError
from robots.ledger import Document, DocumentStatus, Entry, EntryStatus, Ledger, ReviewStatus, Run, RunStatus
from robots.settings import Settings, load_settings
from robots.validation.accounts import AccountRules, account_for_text, load_account_rules

__all__ = [
    "OPERATION",
    "SOURCE_FLOW",
    "TARGET",
    "JournalLine",
    "JournalSummary",
    "LineOutcome",
    "LineStatus",
    "approved_lines",
    "check_parameters",
    "desktop_journal",
    "line_reference",
    "program_command",
]

TARGET = "desktop-journal"
"""The ledger's name for the desktop program (entries' ``target``)."""
OPERATION = "enter_journal"
SOURCE_FLOW = "expense_reports"
"""The ledger runs whose documents hold the expense lines."""
_APPROVED = (DocumentStatus.ENTERED, DocumentStatus.ALREADY_ENTERED)
_DECIDED = (ReviewStatus.APPROVED, ReviewStatus.CORRECTED)
_DEFAULT_PROGRAM = f"{shlex.quote(sys.executable)} -m sandbox.desktop --data {{data_file}}"
_STANDARD_RATE = 10  # what the expense deal books a line without a rate at


# -- what is entered -------------------------------------------------------------------------------------
class JournalLine(BaseModel):
    """One approved expense line, mapped to the entry the program takes."""

    reference: str  # KRK-<sha16>-<n>: written into 摘要, searched before anything is typed
    source_document_id: str  # the expense_reports document it comes from
    file_name: str
    source_path: str
    sha256: str
    size: int
    line_no: int  # 1-based, as on the form
    date: dt.date | None
    debit: str
    credit: str
    amount: int
    memo: str
    partner: str
    problem: str | None = None  # why the program cannot take it, found before touching the program

    def entry(self) -> JournalEntry:
        return JournalEntry(
            key=self.reference,
            date=self.date.strftime("%Y/%m/%d") if self.date else "",
            debit=self.debit,
            credit=self.credit,
            amount=self.amount,
            memo=self.memo,
            partner=self.partner,
        )


def line_reference(sha256: str, line_no: int) -> str:
    return f"KRK-{sha256[:16]}-{line_no}"


def _corrected_fields(doc: Document) -> dict[str, Any]:
    """The report's fields as read, with the corrections of the person who approved it applied."""
    fields = dict((doc.extracted or {}).get("fields") or {})
    for review in doc.reviews:
        if review.status in _DECIDED:
            for change in review.corrections or []:
                if change.get("field") in ExpenseReport.model_fields:
                    fields[change["field"]] = change.get("after")
    return fields


def journal_lines(doc: Document, *, rules: AccountRules, credit_account: str) -> list[JournalLine]:
    """The journal entries for one expense document of the ledger, one per line of the report."""
    base = {
        "source_document_id": doc.id,
        "file_name": doc.file_name,
        "source_path": doc.source_path,
        "sha256": doc.sha256,
        "size": doc.size,
        "credit": credit_account,
    }
    try:
        report = ExpenseReport.model_validate(_corrected_fields(doc))
    except ValidationError as exc:
        problem = (
            f"{doc.file_name}: the ledger's reading is not an expense report ({exc.error_count()} errors)"
        )
        report = None
    else:
        problem = None if report.lines else f"{doc.file_name}: the report has no lines"
    if report is None or problem:  # one row that names the report, so a person sees it
        empty = {"date": None, "debit": "", "amount": 0, "memo": "", "partner": ""}
        return [
            JournalLine(**base, **empty, reference=line_reference(doc.sha256, 0), line_no=0, problem=problem)
        ]
    out = []
    for n, line in enumerate(report.lines, start=1):
        rate = _STANDARD_RATE if line.rate is None else line.rate
        date = line.date or report.applied_on
        where = f"{doc.file_name} 行{n}"
        if date is None:
            why: str | None = f"{where}: no date on the line and no 申請日 on the report"
        elif line.amount <= 0:
            why = f"{where}: amount {line.amount:,} yen: the journal program takes positive amounts only"
        else:
            why = None
        out.append(
            JournalLine(
                **base,
                reference=line_reference(doc.sha256, n),
                line_no=n,
                date=date,
                debit=line.account or account_for_text([line.description, line.payee], rate, rules),
                amount=line.amount,
                memo=line.description or line.payee or f"経費精算 {report.employee or ''}".strip(),
                partner=line.payee or "",
                problem=why,
            )
        )
    return out


def approved_lines(
    ledger: Ledger,
    *,
    rules: AccountRules,
    credit_account: str = "未払金",
    since: dt.date | None = None,
) -> list[JournalLine]:
    """Approved expense lines (see the module docstring) not yet confirmed in the desktop program, oldest
    document first; with ``since``, only lines dated that day or later. A report read by several runs (the
    same file again) counts once: the run that entered it, else the earliest."""
    with ledger.session() as s:
        docs = s.scalars(
            select(Document)
            .join(Run, Run.id == Document.run_id)
            .where(Run.flow == SOURCE_FLOW, Document.status.in_(list(_APPROVED)))
            .order_by(Document.created_at, Document.id)
            .options(selectinload(Document.reviews))
        ).all()
        chosen: dict[str, Document] = {}
        for doc in docs:
            first = chosen.get(doc.sha256)
            if first is None or (
                first.status != DocumentStatus.ENTERED and doc.status == DocumentStatus.ENTERED
            ):
                chosen[doc.sha256] = doc
        confirmed = set(
            s.scalars(
                select(Entry.reference).where(Entry.target == TARGET, Entry.status == EntryStatus.CONFIRMED)
            )
        )
        lines = [
            line
            for doc in sorted(chosen.values(), key=lambda d: (d.created_at, d.id))
            for line in journal_lines(doc, rules=rules, credit_account=credit_account)
        ]
    return [
        line
        for line in lines
        if line.reference not in confirmed and (since is None or line.date is None or line.date >= since)
    ]


# -- results ---------------------------------------------------------------------------------------------
class LineStatus(StrEnum):
    ENTERED = "entered"  # typed into the program by this run and checked back
    ALREADY_ENTERED = "already_entered"  # the program already held it (a run that died before confirming)
    VALIDATED = "validated"  # dry run: mapped and checked, nothing entered
    FAILED = "failed"  # the data or the program said no, or the program failed after retries: see error
    SKIPPED = "skipped"  # not attempted: the program failed on an earlier line of this run


class LineOutcome(BaseModel):
    reference: str
    file: str
    line: int
    date: str
    debit: str
    credit: str
    amount: int
    memo: str
    partner: str
    status: LineStatus
    record_id: str | None = None
    screenshot: str | None = None
    error_code: str | None = None
    error_message: str | None = None


class JournalSummary(BaseModel):
    run_id: str
    dry_run: bool
    data_file: str
    lines: list[LineOutcome]

    def count(self, status: LineStatus) -> int:
        return sum(1 for line in self.lines if line.status == status)

    @property
    def failed(self) -> int:
        return self.count(LineStatus.FAILED) + self.count(LineStatus.SKIPPED)


# -- the program -----------------------------------------------------------------------------------------
def program_command(program: str, data_file: Path) -> list[str]:
    """The command line that starts the program when it is not open yet: ``program`` split like a shell
    would, ``{data_file}`` replaced by the data file's path (default: the sandbox desktop program)."""
    return [part.replace("{data_file}", str(data_file)) for part in shlex.split(program or _DEFAULT_PROGRAM)]


class _Program:
    """The desktop program for one run: a JournalRobot opened on first use and closed after a failure (which
    stops the program if the robot started it), so the next attempt starts from a known state."""

    def __init__(self, data_file: Path, command: list[str], timeout: float) -> None:
        self.data_file, self.command, self.timeout = data_file, command, timeout
        self._robot: JournalRobot | None = None

    def robot(self, evidence_dir: Path) -> JournalRobot:
        evidence_dir.mkdir(parents=True, exist_ok=True)
        if self._robot is None:
            self._robot = JournalRobot(
                self.data_file, evidence_dir, command=self.command, timeout=self.timeout
            )
        self._robot.screenshots = evidence_dir  # this line's folder
        return self._robot

    def reset(self) -> None:
        if self._robot is not None:
            robot, self._robot = self._robot, None
            robot.close()


@dataclass
class _Run:
    run_id: str
    ledger: Ledger
    settings: Settings
    program: _Program
    documents: dict[str, str] = field(default_factory=dict)  # source document id → this run's document id

    def evidence_dir(self, line: JournalLine) -> Path:
        return self.settings.runs_dir / self.run_id / line.reference


@dataclass(frozen=True)
class _Entered:
    record_id: str
    created: bool
    screenshot: str | None


def _retryable(task: Any, task_run: Any, state: Any) -> bool:
    """Retry application errors (and anything unexpected), never business errors; log each retry."""
    try:
        state.result()
    except KurokoError as exc:
        if exc.retryable:
            get_run_logger().warning("retrying after %s: %s", exc.code, exc.message)
        return exc.retryable
    except Exception as exc:  # noqa: BLE001 - unknown failures are the machinery's, so retried
        get_run_logger().warning("retrying after %s", type(exc).__name__)
        return True
    return False


# -- tasks -----------------------------------------------------------------------------------------------
@task(name="select-approved-lines", cache_policy=NO_CACHE)
def select_lines(
    ledger: Ledger, rules: AccountRules, credit_account: str, since: dt.date | None
) -> list[JournalLine]:
    return approved_lines(ledger, rules=rules, credit_account=credit_account, since=since)


@task(
    name="enter-journal-line",
    cache_policy=NO_CACHE,
    retries=2,
    retry_delay_seconds=exponential_backoff(backoff_factor=2),
    retry_jitter_factor=0.5,
    retry_condition_fn=_retryable,
)
def enter_line(ctx: _Run, document_id: str, line: JournalLine) -> _Entered:
    """Enter one line exactly once: the ledger's intent, then the program (searched by the key first), then
    the saved entry read back and compared, then the ledger's confirmation."""
    logger = get_run_logger()
    ledger = ctx.ledger
    known = ledger.find_entry(target=TARGET, reference=line.reference)
    if known is not None and known.status == EntryStatus.CONFIRMED and known.record_id:
        logger.info("%s: already entered as #%s (ledger); nothing entered", line.reference, known.record_id)
        return _Entered(known.record_id, False, (known.detail or {}).get("screenshot"))
    entry_id = (
        known.id
        if known is not None and known.status == EntryStatus.PENDING
        else ledger.begin_entry(document_id, target=TARGET, operation=OPERATION, reference=line.reference)
    )
    ledger.record_event(
        "entry.attempt", run_id=ctx.run_id, document_id=document_id, message=f"{line.reference} → {TARGET}"
    )
    entry = line.entry()
    try:
        robot = ctx.program.robot(ctx.evidence_dir(line))
        created = bool(robot.enter_all([entry]))
        record_id = robot.check_saved(entry)
    except BusinessError as exc:
        ctx.program.reset()  # the form may hold half an entry, a dialog may be open
        ledger.fail_entry(entry_id, detail=exc.to_dict())
        ledger.record_event(
            "entry.failed", run_id=ctx.run_id, document_id=document_id, message=exc.message, code=exc.code
        )
        raise
    except Exception as exc:
        ctx.program.reset()  # the retry starts the program afresh; the entry stays pending
        ledger.record_event(
            "entry.retry",
            run_id=ctx.run_id,
            document_id=document_id,
            message=getattr(exc, "message", f"{type(exc).__name__}: {exc}"),
            code=getattr(exc, "code", "internal"),
        )
        raise
    shot = robot.evidence.get(entry.key)
    detail = {"created": created, "screenshot": str(shot) if shot else None}
    ledger.confirm_entry(entry_id, record_id=record_id, detail=detail)
    ledger.record_event(
        "entry.confirmed",
        run_id=ctx.run_id,
        document_id=document_id,
        message=f"{line.reference} #{record_id} ({'created' if created else 'found in the program'})",
    )
    return _Entered(record_id, created, detail["screenshot"])


# -- the flow --------------------------------------------------------------------------------------------
def check_parameters(
    program: str = "",
    data_file: Path | None = None,
    since: dt.date | None = None,
    dry_run: bool = False,
    credit_account: str = "未払金",
    window_timeout_s: float = 10.0,
) -> None:
    """Fail fast, before any run starts, on what cannot work: no credit account, no program to start, and
    (unless a dry run) no display or no clipboard tool on this machine."""
    if not credit_account.strip():
        raise BusinessError("desktop.no_credit_account", "credit_account (貸方科目) is empty")
    if window_timeout_s <= 0:
        raise BusinessError(
            "desktop.bad_timeout", f"window_timeout_s must be positive, not {window_timeout_s}"
        )
    data = _data_file(load_settings(), data_file)
    command = program_command(program, data)
    if not command or shutil.which(command[0]) is None:
        raise BusinessError("desktop.program_not_found", f"cannot start the program: {program!r} not found")
    if dry_run:
        return
    if not os.environ.get("DISPLAY"):
        raise BusinessError(
            "desktop.no_display",
            "no display (DISPLAY is not set): run this flow on a worker with a desktop "
            "(work pool kuroko-desktop)",
        )
    if shutil.which("xclip") is None:
        raise BusinessError("desktop.no_xclip", "xclip is not installed: Japanese text is pasted through it")


def _data_file(settings: Settings, data_file: Path | None) -> Path:
    return Path(data_file) if data_file else settings.home / "desktop" / "journal.json"


@flow(name="desktop-journal", log_prints=True)
def desktop_journal(
    program: str = "",
    data_file: Path | None = None,
    since: dt.date | None = None,
    dry_run: bool = False,
    credit_account: str = "未払金",
    window_timeout_s: float = 10.0,
) -> JournalSummary:
    """Enter every approved expense line of the ledger that the desktop program does not hold yet as one
    journal entry (借方 the expense account, 貸方 ``credit_account``).

    ``program`` is the command line that starts the program when it is not open (``{data_file}`` stands for
    ``data_file``, the program's saved-entries file the robot checks against; default: the sandbox program
    on ``<KUROKO_HOME>/desktop/journal.json``). ``since`` limits the run to lines dated that day or later.
    ``dry_run`` selects and maps the lines only. ``window_timeout_s``: how long a window may take to come."""
    check_parameters(program, data_file, since, dry_run, credit_account, window_timeout_s)
    logger = get_run_logger()
    settings = load_settings()
    data = _data_file(settings, data_file)
    data.parent.mkdir(parents=True, exist_ok=True)
    rules = load_account_rules(settings.config_dir / "rules" / "accounts.yaml")
    with Ledger(settings.ledger_url) as ledger:
        ledger.migrate()
        lines = select_lines(ledger, rules, credit_account.strip(), since)
        run_id = ledger.start_run(
            "desktop_journal",
            target=TARGET,
            parameters={
                "data_file": str(data),
                "since": since.isoformat() if since else None,
                "dry_run": dry_run,
                "credit_account": credit_account,
            },
            orchestrator_run_id=str(flow_run.id) if flow_run.id else None,
        )
        ledger.record_event("run.started", run_id=run_id, message=f"{len(lines)} line(s) to enter → {TARGET}")
        logger.info("run %s: %d approved line(s) not yet in the program (%s)", run_id, len(lines), data)
        ctx = _Run(run_id, ledger, settings, _Program(data, program_command(program, data), window_timeout_s))
        try:
            outcomes = _enter_lines(ctx, lines, dry_run=dry_run)
        except BaseException as exc:  # the run itself failed: on record, then as it was
            ledger.finish_run(run_id, status=RunStatus.FAILED, summary={"error": type(exc).__name__})
            raise
        summary = JournalSummary(run_id=run_id, dry_run=dry_run, data_file=str(data), lines=outcomes)
        _finish_documents(ctx, lines, outcomes)
        counts = {s.value: summary.count(s) for s in LineStatus if summary.count(s)}
        ledger.finish_run(
            run_id, status=RunStatus.PARTIAL if summary.failed else RunStatus.COMPLETED, summary=counts
        )
        ledger.record_event("run.finished", run_id=run_id, message=json.dumps(counts, ensure_ascii=False))
    _report(summary)
    logger.info("run %s finished: %s", run_id, counts or "nothing to enter")
    return summary


def _enter_lines(ctx: _Run, lines: list[JournalLine], *, dry_run: bool) -> list[LineOutcome]:
    """Each line in turn: failed at once when the program cannot take it, entered otherwise (validated only
    in a dry run), skipped once the program has failed a line after its retries. The program is closed at
    the end (stopped, when this run started it)."""
    outcomes: list[LineOutcome] = []
    stopped: str | None = None  # why the rest is skipped
    try:
        for line in lines:
            document_id = _document_for(ctx, line)
            outcome = _outcome(line, LineStatus.FAILED)
            if line.problem:
                _fail_before_entering(ctx, document_id, line, outcome, on_record=not dry_run)
            elif stopped:
                outcome.status = LineStatus.SKIPPED
                outcome.error_code, outcome.error_message = "desktop.skipped", stopped
            elif dry_run:
                outcome.status = LineStatus.VALIDATED
            else:
                stopped = _enter(ctx, document_id, line, outcome)
            outcomes.append(outcome)
    finally:
        ctx.program.reset()
    return outcomes


def _outcome(line: JournalLine, status: LineStatus) -> LineOutcome:
    entry = line.entry()
    return LineOutcome(
        reference=line.reference,
        file=line.file_name,
        line=line.line_no,
        date=entry.date,
        debit=entry.debit,
        credit=entry.credit,
        amount=entry.amount,
        memo=entry.tagged_memo,
        partner=entry.partner,
        status=status,
    )


def _document_for(ctx: _Run, line: JournalLine) -> str:
    """This run's ledger document for the line's expense report (one per report, made on first use)."""
    if line.source_document_id not in ctx.documents:
        doc_id = ctx.ledger.add_document(
            ctx.run_id, path=Path(line.source_path), sha256=line.sha256, size=line.size
        )
        ctx.ledger.update_document(
            doc_id, document_type="expense_report", reference=f"KRK-{line.sha256[:16]}"
        )
        ctx.ledger.record_event(
            "document.read",
            run_id=ctx.run_id,
            document_id=doc_id,
            message=f"approved lines of {line.file_name}",
            source_document_id=line.source_document_id,
        )
        ctx.documents[line.source_document_id] = doc_id
    return ctx.documents[line.source_document_id]


def _fail_before_entering(
    ctx: _Run, document_id: str, line: JournalLine, outcome: LineOutcome, *, on_record: bool
) -> None:
    """A line the program cannot take fails without touching the program (on record as a failed entry,
    except in a dry run)."""
    error = BusinessError("desktop.invalid_line", line.problem or "", key=line.reference)
    if on_record:
        entry_id = ctx.ledger.begin_entry(
            document_id, target=TARGET, operation=OPERATION, reference=line.reference
        )
        ctx.ledger.fail_entry(entry_id, detail=error.to_dict())
        ctx.ledger.record_event(
            "entry.failed", run_id=ctx.run_id, document_id=document_id, message=error.message, code=error.code
        )
    outcome.error_code, outcome.error_message = error.code, error.message
    get_run_logger().error("%s: %s (%s)", line.reference, error.message, error.code)


def _enter(ctx: _Run, document_id: str, line: JournalLine, outcome: LineOutcome) -> str | None:
    """Enter one line through the retried task; returns why the rest of the run is skipped, if it is."""
    logger = get_run_logger()
    try:
        entered = enter_line(ctx, document_id, line)
    except KurokoError as exc:
        error = exc
    except Exception as exc:  # noqa: BLE001 - one line's surprise fails that line, never the run
        error = ApplicationError("internal", f"{type(exc).__name__}: {exc}")
    else:
        outcome.status = LineStatus.ENTERED if entered.created else LineStatus.ALREADY_ENTERED
        outcome.record_id, outcome.screenshot = entered.record_id, entered.screenshot
        return None
    outcome.error_code, outcome.error_message = error.code, error.message
    outcome.screenshot = error.details.get("screenshot")
    where = f"{line.reference} ({line.file_name} 行{line.line_no})"
    logger.error("%s: %s (%s); screenshot %s", where, error.message, error.code, outcome.screenshot or "none")
    if not error.retryable:
        return None  # the task failed the ledger entry already; the next line goes on
    pending = ctx.ledger.find_entry(target=TARGET, reference=line.reference)
    if pending is not None and pending.status == EntryStatus.PENDING:
        ctx.ledger.fail_entry(pending.id, detail={**error.to_dict(), "retries_exhausted": True})
    ctx.ledger.record_event(
        "entry.failed", run_id=ctx.run_id, document_id=document_id, message=error.message, code=error.code
    )
    return f"not attempted: the program failed on {line.reference} ({error.code}: {error.message})"


def _finish_documents(ctx: _Run, lines: list[JournalLine], outcomes: list[LineOutcome]) -> None:
    """Each report of the run: failed when a line failed or was skipped, else entered / already entered."""
    by_doc: dict[str, list[LineOutcome]] = {}
    for line, outcome in zip(lines, outcomes, strict=True):
        by_doc.setdefault(ctx.documents[line.source_document_id], []).append(outcome)
    for doc_id, done in by_doc.items():
        statuses = {o.status for o in done}
        bad = next((o for o in done if o.status in (LineStatus.FAILED, LineStatus.SKIPPED)), None)
        if bad is not None:
            status = DocumentStatus.FAILED
        elif statuses == {LineStatus.VALIDATED}:
            status = DocumentStatus.VALIDATED
        elif LineStatus.ENTERED in statuses:
            status = DocumentStatus.ENTERED
        else:
            status = DocumentStatus.ALREADY_ENTERED
        ctx.ledger.update_document(
            doc_id,
            status=status,
            error_code=bad.error_code if bad else None,
            error_message=f"{bad.reference}: {bad.error_message}" if bad else None,
        )


_STATUS_JA = {
    LineStatus.ENTERED: "入力済み",
    LineStatus.ALREADY_ENTERED: "入力済み（既存）",
    LineStatus.VALIDATED: "検証のみ",
    LineStatus.FAILED: "失敗",
    LineStatus.SKIPPED: "未実行",
}


def _report(summary: JournalSummary) -> None:
    rows = [
        {
            "参照 / reference": o.reference,
            "ファイル / file": f"{o.file} 行{o.line}",
            "日付 / date": o.date,
            "借方 / debit": o.debit,
            "貸方 / credit": o.credit,
            "金額 / amount": f"{o.amount:,}",
            "取引先 / partner": o.partner,
            "結果 / outcome": f"{_STATUS_JA[o.status]} / {o.status.value}",
            "伝票番号 / record": o.record_id or "",
            "証跡 / screenshot": o.screenshot or "",
            "理由 / reason": o.error_message or "",
        }
        for o in summary.lines
    ]
    counts = ", ".join(
        f"{_STATUS_JA[s]} / {s.value}: {summary.count(s)}" for s in LineStatus if summary.count(s)
    )
    create_table_artifact(
        key="desktop-journal-lines",
        table=rows,
        description=f"desktop-journal ({summary.data_file}): {counts or '入力対象なし / nothing to enter'}"
        + (" (dry run / 検証のみ)" if summary.dry_run else ""),
    )
