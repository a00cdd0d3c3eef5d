"""The batch every Kuroko flow runs: source files in an inbox → records entered into a target, each once.

A flow describes its documents with a :class:`Job` (which files, how to read one, how a reading becomes the
record a target operation takes); :func:`run_batch` does the rest the same way for every flow:

- per file: fingerprint → ledger → read → validate → enter (ledger intent, then the target, searched by the
  reference key first, read back and compared) → ledger → only then the file moves (``processed/``,
  ``failed/``);
- the error model: an application error (timeout, 5xx, crashed browser, expired session) is retried with
  backoff and jitter, each retry logged, and then fails the document, never the batch; a business error is
  never retried: unreadable files fail with their reason (the file is kept), while invalid data, a refusal by
  the target or a read-back mismatch put the document into review;
- review: documents a person must look at wait until the rest of the batch is done; then the run pauses for
  each (Prefect's ``pause_flow_run`` with a form prefilled with the extracted fields, the findings and the
  original's location); the person approves, corrects or rejects, and the document goes on;
- a global concurrency limit per target (``kuroko-target-<name>``) bounds the browser sessions on one tenant
  whatever number of flows run;
- evidence per document in the run folder, events in the ledger, and Prefect artifacts: progress while it
  runs, a table of documents → outcome → record id, and a summary in Japanese and English.
"""

from __future__ import annotations

import json
import logging
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from uuid import UUID

from prefect import get_run_logger, task
from prefect.artifacts import (
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)
from prefect.cache_policies import NO_CACHE
from prefect.client.orchestration import get_client
from prefect.concurrency.sync import concurrency
from prefect.context import get_run_context
from prefect.exceptions import FlowPauseTimeout
from prefect.flow_runs import pause_flow_run
from prefect.input import RunInput
from prefect.runtime import flow_run
from prefect.settings import PREFECT_API_URL
from prefect.tasks import exponential_backoff
from pydantic import BaseModel, Field, create_model

from flows.secrets import resolver
from robots.documents.model import Finding, Severity
from robots.errors import BusinessError, KurokoError
from robots.inbox import Outcome, file_away, fingerprint
from robots.ledger import DocumentStatus, EntryStatus, Ledger, RunStatus, redact
from robots.settings import Settings
from robots.web import LoginValues, TargetSession, load_target

__all__ = [
    "BatchSummary",
    "DocumentOutcome",
    "Job",
    "Prepared",
    "Reading",
    "ReviewNeeded",
    "progress_listeners",
    "run_batch",
]

log = logging.getLogger(__name__)

ReviewDecision = Literal["approve", "correct", "reject"]

#: Callables ``(done, total, file_name)`` told after each document (the CLI's progress bar listens here).
progress_listeners: list[Callable[[int, int, str], None]] = []


# -- what a flow describes ------------------------------------------------------------------------------
@dataclass
class Reading:
    """What a reader got out of one source file."""

    document_type: str
    fields: dict[str, Any]  # JSON-ready: what a reviewer sees and may correct
    findings: list[Finding] = field(default_factory=list)
    extracted: dict[str, Any] = field(default_factory=dict)  # the full reader output, for the evidence
    needs_review: list[str] = field(default_factory=list)  # reasons a person must look (low confidence …)


@dataclass
class Prepared:
    """A reading turned into what the target operation takes."""

    reference: str  # the reference key: searched on the target before anything is created
    record: dict[str, Any]
    counterparty: str | None = None
    amount: int | None = None
    duplicate_key: str | None = None


class ReviewNeeded(BusinessError):
    """The data needs a person (invalid, ambiguous): not retried, not failed: reviewed."""

    def __init__(self, code: str, message: str, **details: Any) -> None:
        super().__init__(code, message, **details)


class Job(ABC):
    """One kind of document and where its records go."""

    flow_name: str
    operation: str  # the target operation (a recipe operation name)
    sources_glob: tuple[str, ...] = ("*.pdf",)
    duplicate_code = "duplicate.document"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def sources(self, inbox: Path) -> list[Path]:
        files = {p for pattern in self.sources_glob for p in inbox.glob(pattern) if p.is_file()}
        return sorted(p for p in files if not p.name.startswith((".", "~$")))

    @abstractmethod
    def read(self, path: Path) -> Reading:
        """Read one file. BusinessError when it cannot be read at all (the file fails, with the reason)."""

    @abstractmethod
    def prepare(self, reading: Reading, *, path: Path, sha256: str) -> Prepared:
        """Validate and map to the operation's record. ReviewNeeded/BusinessError when a person must look."""

    def review_fields(self) -> dict[str, Any]:
        """The editable fields of the review form: name → (type, default) as for pydantic.create_model."""
        return {}

    def apply_corrections(self, reading: Reading, corrections: dict[str, Any]) -> Reading:
        reading.fields = {**reading.fields, **corrections}
        return reading

    def duplicate_of(self, ledger: Ledger, prepared: Prepared, sha256: str) -> str | None:
        """A message when the same business document was already entered from another file."""
        if prepared.duplicate_key and (
            earlier := ledger.find_entered_duplicate(prepared.duplicate_key, other_than_sha256=sha256)
        ):
            records = ", ".join(f"#{e.record_id}" for e in earlier.entries if e.record_id) or "?"
            return (
                f"the same document was already entered from {earlier.file_name} as {records}; "
                "another file of it is not entered again"
            )
        return None

    def archive(self, path: Path, sha256: str, reading: Reading, prepared: Prepared | None) -> None:  # noqa: B027
        """Keep the original where the law wants it (invoices); nothing by default."""

    def source_errors(self) -> list[tuple[str, str]]:
        """Problems found while listing the sources that belong to no file of the batch: (where, why)."""
        return []

    def after_batch(self, inbox: Path, outcomes: list[DocumentOutcome], dry_run: bool) -> None:  # noqa: B027
        """Tidy up once every document has its outcome (e.g. file away a list whose rows are all done)."""


# -- results ---------------------------------------------------------------------------------------------
class DocumentOutcome(BaseModel):
    file: str
    status: DocumentStatus
    document_id: str | None = None
    reference: str | None = None
    record_id: str | None = None
    counterparty: str | None = None
    amount: int | None = None
    error_code: str | None = None
    error_message: str | None = None
    review: str | None = None  # who decided, and what
    moved_to: str | None = None


class BatchSummary(BaseModel):
    run_id: str
    flow: str
    target: str
    dry_run: bool
    documents: list[DocumentOutcome]

    def count(self, status: DocumentStatus) -> int:
        return sum(1 for d in self.documents if d.status == status)

    @property
    def failed(self) -> int:
        return self.count(DocumentStatus.FAILED)


# -- tasks -----------------------------------------------------------------------------------------------
def _retryable(task: Any, task_run: Any, state: Any) -> bool:
    """Retry application errors (and anything unexpected), never business errors; log each retry."""
    try:
        state.result()
    except KurokoError as exc:
        if exc.retryable:
            get_run_logger().warning("retrying after %s: %s", exc.code, exc.message)
        return exc.retryable
    except Exception as exc:  # noqa: BLE001 - unknown failures are treated as the machinery's, so retried
        get_run_logger().warning("retrying after %s", type(exc).__name__)
        return True
    return False


@task(
    name="enter-record",
    cache_policy=NO_CACHE,
    retries=3,
    retry_delay_seconds=exponential_backoff(backoff_factor=2),
    retry_jitter_factor=0.5,
    retry_condition_fn=_retryable,
)
def enter_record(ctx: _Batch, document_id: str, prepared: Prepared, evidence_dir: Path) -> Any:
    """Enter one record exactly once: the ledger first, then the target (searched by reference first),
    then read back and compared. Holds one slot of the target's concurrency limit while it works."""
    logger = get_run_logger()
    ledger, target = ctx.ledger, ctx.session.target.name
    known = ledger.find_entry(target=target, reference=prepared.reference)
    if known is not None and known.status == EntryStatus.CONFIRMED and known.record_id:
        logger.info(
            "%s: already entered as #%s (ledger); nothing entered", prepared.reference, known.record_id
        )
        return _Entered(record_id=known.record_id, created=False)
    entry_id = (
        known.id
        if known is not None and known.status == EntryStatus.PENDING
        else ledger.begin_entry(
            document_id, target=target, operation=ctx.job.operation, reference=prepared.reference
        )
    )
    ledger.record_event(
        "entry.attempt", run_id=ctx.run_id, document_id=document_id, message=f"{ctx.job.operation} → {target}"
    )
    try:
        with concurrency(limit_name(target), occupy=1, strict=False):
            outcome = ctx.session.enter(
                ctx.job.operation, prepared.record, reference=prepared.reference, evidence_dir=evidence_dir
            )
    except BusinessError as exc:
        ledger.fail_entry(entry_id, detail=exc.to_dict())
        ledger.record_event(
            "entry.failed", run_id=ctx.run_id, document_id=document_id, message=exc.message, code=exc.code
        )
        raise
    except Exception as exc:
        ctx.session.reset()  # a fresh browser for the retry; the entry stays pending, the target is asked
        ledger.record_event(
            "entry.retry",
            run_id=ctx.run_id,
            document_id=document_id,
            message=getattr(exc, "message", type(exc).__name__),
            code=getattr(exc, "code", "internal"),
        )
        raise
    for key in outcome.fallbacks:
        logger.warning(
            "locator %r matched only by a fallback: the screen of %s may have changed", key, target
        )
    detail = {
        "created": outcome.created,
        "screenshot": str(outcome.screenshot) if outcome.screenshot else None,
        "fallbacks": list(outcome.fallbacks),
    }
    ledger.confirm_entry(entry_id, record_id=outcome.record_id, detail=detail)
    ledger.record_event(
        "entry.confirmed",
        run_id=ctx.run_id,
        document_id=document_id,
        message=f"#{outcome.record_id} ({'created' if outcome.created else 'found on the target'})",
    )
    return _Entered(record_id=outcome.record_id, created=outcome.created)


@dataclass(frozen=True)
class _Entered:
    record_id: str
    created: bool


def limit_name(target: str) -> str:
    return f"kuroko-target-{target}"


# -- the batch -------------------------------------------------------------------------------------------
@dataclass
class _Pending:
    """A document waiting for a person."""

    path: Path
    sha256: str
    document_id: str
    review_id: int
    reading: Reading
    outcome: DocumentOutcome
    reason: str
    findings: list[dict[str, Any]]


@dataclass
class _Batch:
    job: Job
    run_id: str
    inbox: Path
    settings: Settings
    ledger: Ledger
    session: TargetSession
    dry_run: bool
    pending: list[_Pending] = field(default_factory=list)

    def evidence_dir(self, sha256: str) -> Path:
        return self.settings.runs_dir / self.run_id / sha256[:16]


def _write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str), encoding="utf-8")


def _process(path: Path, b: _Batch) -> DocumentOutcome:
    """One document up to entered, failed or waiting for review; never raises for its own problems."""
    logger = get_run_logger()
    ledger = b.ledger
    fp = fingerprint(path)
    doc_id = ledger.add_document(b.run_id, path=path, sha256=fp.sha256, size=fp.size)
    evidence = b.evidence_dir(fp.sha256)
    _write_json(evidence / "source.json", {"file": path.name, "sha256": fp.sha256, "size": fp.size})
    outcome = DocumentOutcome(file=path.name, status=DocumentStatus.FAILED, document_id=doc_id)
    reading: Reading | None = None
    try:
        try:
            reading = b.job.read(path)
        except BusinessError as exc:  # unreadable: nothing a reviewer could correct; the file is kept
            raise _Unreadable(exc) from exc
        ledger.update_document(doc_id, document_type=reading.document_type, extracted=reading.extracted)
        _write_json(evidence / "extracted.json", redact(reading.extracted))  # no bank account in clear
        _write_json(evidence / "findings.json", [f.model_dump(mode="json") for f in reading.findings])
        ledger.record_event(
            "document.read", run_id=b.run_id, document_id=doc_id, message=reading.document_type
        )
        _enter(path, fp.sha256, doc_id, reading, b, outcome, evidence)
    except _Unreadable as wrapped:
        exc = wrapped.error
        outcome.error_code, outcome.error_message = exc.code, exc.message
        logger.error("%s (%s)", _about(path.name, exc.message), exc.code)
    except BusinessError as exc:
        assert reading is not None
        _to_review(path, fp.sha256, doc_id, reading, exc, b, outcome)
    except KurokoError as exc:
        outcome.error_code, outcome.error_message = exc.code, exc.message
        logger.error("%s (%s)", _about(path.name, exc.message), exc.code)
    except Exception as exc:  # noqa: BLE001 - one document's surprise must not stop the batch
        outcome.error_code, outcome.error_message = "internal", f"{type(exc).__name__}: {exc}"
        logger.exception("%s: unexpected failure", path.name)
    if outcome.status != DocumentStatus.REVIEW:
        _finish(path, fp.sha256, doc_id, b, outcome)
    return outcome


def _about(name: str, message: str) -> str:
    """``message`` naming the file once (most messages already start with it)."""
    return message if name in message else f"{name}: {message}"


class _Unreadable(Exception):
    def __init__(self, error: BusinessError) -> None:
        super().__init__(error.message)
        self.error = error


def _enter(
    path: Path,
    sha256: str,
    doc_id: str,
    reading: Reading,
    b: _Batch,
    outcome: DocumentOutcome,
    evidence: Path,
    *,
    reviewed: bool = False,
) -> None:
    """Validate, map and enter one reading. Raises BusinessError (→ review) when a person must look."""
    if reading.needs_review and not reviewed:
        raise ReviewNeeded("review.low_confidence", "; ".join(reading.needs_review))
    prepared = b.job.prepare(reading, path=path, sha256=sha256)
    outcome.reference, outcome.counterparty, outcome.amount = (
        prepared.reference,
        prepared.counterparty,
        prepared.amount,
    )
    b.ledger.update_document(
        doc_id,
        reference=prepared.reference,
        duplicate_key=prepared.duplicate_key,
        findings=[f.model_dump(mode="json") for f in reading.findings],
    )
    b.ledger.record_event("document.validated", run_id=b.run_id, document_id=doc_id)
    if not reviewed and (message := b.job.duplicate_of(b.ledger, prepared, sha256)):
        raise BusinessError(b.job.duplicate_code, f"{path.name}: {message}")
    b.job.archive(path, sha256, reading, prepared)
    if b.dry_run:
        outcome.status = DocumentStatus.VALIDATED
        return
    entered = enter_record(b, doc_id, prepared, evidence)
    outcome.record_id = entered.record_id
    outcome.status = DocumentStatus.ENTERED if entered.created else DocumentStatus.ALREADY_ENTERED
    outcome.error_code = outcome.error_message = None


def _to_review(
    path: Path,
    sha256: str,
    doc_id: str,
    reading: Reading,
    exc: BusinessError,
    b: _Batch,
    outcome: DocumentOutcome,
) -> None:
    findings = [f.model_dump(mode="json") for f in reading.findings if f.severity != Severity.INFO]
    outcome.status = DocumentStatus.REVIEW
    outcome.error_code, outcome.error_message = exc.code, exc.message
    review_id = b.ledger.open_review(
        doc_id,
        run_id=b.run_id,
        reason_code=exc.code,
        message=exc.message,
        fields=reading.fields,
        findings=findings,
        flow_run_id=str(flow_run.id) if flow_run.id else None,
    )
    get_run_logger().warning("%s: waits for review (%s: %s)", path.name, exc.code, exc.message)
    b.pending.append(_Pending(path, sha256, doc_id, review_id, reading, outcome, exc.message, findings))


def _finish(path: Path, sha256: str, doc_id: str, b: _Batch, outcome: DocumentOutcome) -> None:
    """Record the outcome, and only then move the file."""
    b.ledger.update_document(
        doc_id, status=outcome.status, error_code=outcome.error_code, error_message=outcome.error_message
    )
    if b.dry_run:
        return
    if outcome.status in (DocumentStatus.FAILED, DocumentStatus.REJECTED):
        where = Outcome.FAILED
    elif outcome.status == DocumentStatus.REVIEW:
        where = Outcome.REVIEW
    else:
        where = Outcome.PROCESSED
    error = {"code": outcome.error_code, "message": outcome.error_message} if outcome.error_code else None
    moved = file_away(path, b.inbox, where, sha256=sha256, error=error, run_id=b.run_id)
    outcome.moved_to = str(moved)
    b.ledger.update_document(doc_id, moved_to=str(moved))
    b.ledger.record_event("document.filed", run_id=b.run_id, document_id=doc_id, message=str(moved))


# -- review ---------------------------------------------------------------------------------------------
def review_form(job: Job) -> type[RunInput]:
    """The form a reviewer fills in the Prefect UI: the decision, their name, a comment, and the fields."""
    fields: dict[str, Any] = {
        "decision": (
            Literal["approve", "correct", "reject"],
            Field(
                "approve",
                title="判断 / decision",
                description="approve: 承認 (as read) · correct: 修正して登録 · reject: 却下 (not entered)",
            ),
        ),
        "reviewer": (str, Field(..., min_length=1, title="確認者 / reviewer")),
        "comment": (str, Field("", title="コメント / comment")),
    }
    for name, spec in job.review_fields().items():
        fields[name] = spec
    return create_model(f"{job.flow_name.title().replace('-', '')}Review", __base__=RunInput, **fields)


def _review_description(p: _Pending, b: _Batch) -> str:
    lines = [
        f"## 確認待ち / Review: {p.path.name}",
        "",
        f"**理由 / reason**: {p.reason}",
        "",
        f"原本 / original: `{p.path}` (sha256 `{p.sha256[:16]}…`)",
        "",
    ]
    if p.findings:
        lines += ["| 指摘 / finding | 重要度 / severity |", "|---|---|"]
        lines += [f"| {f.get('message', '')} | {f.get('severity', '')} |" for f in p.findings]
        lines.append("")
    lines.append("Correct the fields below if needed, choose approve / correct / reject, and submit.")
    return "\n".join(lines)


def _await_reviews(b: _Batch, *, timeout_s: int, poll_s: int) -> None:
    """Pause the run for each waiting document, in turn; enter or close it after the person decides."""
    logger = get_run_logger()
    form = review_form(b.job)
    editable = set(b.job.review_fields())
    for p in b.pending:
        initial = {k: v for k, v in p.reading.fields.items() if k in editable and v is not None}
        try:
            answer = pause_flow_run(
                wait_for_input=form.with_initial_data(description=_review_description(p, b), **initial),
                timeout=timeout_s,
                poll_interval=poll_s,
                key=f"review-{p.document_id}",
            )
        except FlowPauseTimeout:
            logger.warning("%s: nobody reviewed it within %ds; it stays waiting", p.path.name, timeout_s)
            p.outcome.review = "timeout"
            b.ledger.expire_review(p.review_id, message=f"no decision within {timeout_s}s")
            _finish(p.path, p.sha256, p.document_id, b, p.outcome)  # kept in failed/ for a person
            continue
        data = answer.model_dump()
        corrections = {k: data[k] for k in editable if k in data and data[k] != p.reading.fields.get(k)}
        decision: ReviewDecision = data["decision"]
        if decision == "approve" and corrections:
            decision = "correct"
        elif decision == "correct" and not corrections:
            decision = "approve"  # nothing was changed after all
        b.ledger.decide_review(
            p.review_id,
            decision=decision,
            by=data["reviewer"],
            corrections=corrections,
            comment=data["comment"],
        )
        p.outcome.review = f"{decision} by {data['reviewer']}"
        logger.info("%s: %s by %s", p.path.name, decision, data["reviewer"])
        if decision == "reject":
            p.outcome.status = DocumentStatus.REJECTED
            p.outcome.error_code = "review.rejected"
            p.outcome.error_message = f"rejected by {data['reviewer']}" + (
                f": {data['comment']}" if data["comment"] else ""
            )
        else:
            reading = b.job.apply_corrections(p.reading, corrections) if corrections else p.reading
            try:
                _enter(
                    p.path,
                    p.sha256,
                    p.document_id,
                    reading,
                    b,
                    p.outcome,
                    b.evidence_dir(p.sha256),
                    reviewed=True,
                )
            except KurokoError as exc:
                p.outcome.status = DocumentStatus.FAILED
                p.outcome.error_code, p.outcome.error_message = exc.code, exc.message
                logger.error("%s after review: %s (%s)", p.path.name, exc.message, exc.code)
        _finish(p.path, p.sha256, p.document_id, b, p.outcome)


# -- reports --------------------------------------------------------------------------------------------
_STATUS_JA = {
    DocumentStatus.ENTERED: "登録済み",
    DocumentStatus.ALREADY_ENTERED: "登録済み（既存）",
    DocumentStatus.VALIDATED: "検証のみ",
    DocumentStatus.FAILED: "失敗",
    DocumentStatus.REVIEW: "確認待ち",
    DocumentStatus.REJECTED: "却下",
}


def _report(summary: BatchSummary) -> None:
    rows = [
        {
            "ファイル / file": d.file,
            "結果 / outcome": f"{_STATUS_JA.get(d.status, d.status.value)} / {d.status.value}",
            "相手 / counterparty": d.counterparty or "",
            "金額 / amount": f"{d.amount:,}" if d.amount is not None else "",
            "登録先ID / record": d.record_id or "",
            "確認 / review": d.review or "",
            "理由 / reason": d.error_message or "",
        }
        for d in summary.documents
    ]
    create_table_artifact(
        key=f"{summary.flow}-documents", table=rows, description=f"{summary.flow} → {summary.target}"
    )
    create_markdown_artifact(
        key=f"{summary.flow}-summary", markdown=summary_markdown(summary), description="summary / 概要"
    )


def summary_markdown(summary: BatchSummary) -> str:
    """A short report in Japanese and English: counts, amounts per counterparty, reviews, failures."""
    done = [
        d for d in summary.documents if d.status in (DocumentStatus.ENTERED, DocumentStatus.ALREADY_ENTERED)
    ]
    per_party: dict[str, int] = {}
    for d in done:
        if d.amount is not None:
            per_party[d.counterparty or "—"] = per_party.get(d.counterparty or "—", 0) + d.amount
    waiting = [d for d in summary.documents if d.status == DocumentStatus.REVIEW or d.review == "timeout"]
    failed = [d for d in summary.documents if d.status in (DocumentStatus.FAILED, DocumentStatus.REJECTED)]
    counts = ", ".join(
        f"{_STATUS_JA.get(s, s.value)} / {s.value}: {summary.count(s)}"
        for s in DocumentStatus
        if summary.count(s)
    )
    out = [
        f"# {summary.flow} → {summary.target}" + (" (dry run / 検証のみ)" if summary.dry_run else ""),
        "",
        f"全{len(summary.documents)}件 / {len(summary.documents)} documents — {counts or 'なし / none'}",
        "",
    ]
    if per_party:
        out += [
            "## 取引先別金額 / amounts per counterparty",
            "",
            "| 取引先 / counterparty | 金額 / amount |",
            "|---|---:|",
        ]
        out += [f"| {k} | ¥{v:,} |" for k, v in sorted(per_party.items())]
        out.append("")
    if waiting:
        out += ["## 確認待ち / waiting for review", ""]
        out += [f"- {_about(d.file, d.error_message or '')}" for d in waiting]
        out.append("")
    if failed:
        out += ["## 失敗・却下 / failed or rejected", ""]
        out += [f"- {_about(d.file, d.error_message or d.error_code or '')}" for d in failed]
        out.append("")
    return "\n".join(out)


# -- entry point ----------------------------------------------------------------------------------------
def run_batch(
    job: Job,
    *,
    inbox: Path,
    target: str,
    dry_run: bool = False,
    review_timeout_s: int = 12 * 3600,
    review_poll_s: int | None = None,
) -> BatchSummary:
    """Run one flow's batch (call from inside a Prefect flow)."""
    logger = get_run_logger()
    settings = job.settings
    inbox = Path(inbox).resolve()
    tgt = load_target(target, settings.config_dir)
    files = job.sources(inbox)
    with Ledger(settings.ledger_url) as ledger:
        ledger.migrate()
        run_id = ledger.start_run(
            job.flow_name.replace("-", "_"),
            target=target,
            parameters={"inbox": str(inbox), "dry_run": dry_run},
            orchestrator_run_id=str(flow_run.id) if flow_run.id else None,
        )
        ledger.record_event("run.started", run_id=run_id, message=f"{len(files)} file(s) in {inbox}")
        logger.info("run %s: %d file(s) in %s → %s", run_id, len(files), inbox, target)
        _ensure_limit(tgt)
        progress_id = _progress_start(job.flow_name)
        outcomes: list[DocumentOutcome] = []
        with TargetSession(settings, tgt, secrets=resolver()) as session:
            b = _Batch(job, run_id, inbox, settings, ledger, session, dry_run)
            for n, path in enumerate(files, start=1):
                outcomes.append(_process(path, b))
                _progress(progress_id, n, len(files), path.name)
            if b.pending and review_timeout_s > 0 and _can_wait_for_people():
                _await_reviews(
                    b, timeout_s=review_timeout_s, poll_s=review_poll_s or settings.review_poll_seconds
                )
            else:
                for p in b.pending:  # nobody can answer now: they stay in review/ for a person
                    _finish(p.path, p.sha256, p.document_id, b, p.outcome)
        for where, why in job.source_errors():
            outcomes.append(
                DocumentOutcome(
                    file=where, status=DocumentStatus.FAILED, error_code="source.invalid", error_message=why
                )
            )
            ledger.record_event("document.failed", run_id=run_id, message=f"{where}: {why}")
        job.after_batch(inbox, outcomes, dry_run)
        summary = BatchSummary(
            run_id=run_id, flow=job.flow_name, target=target, dry_run=dry_run, documents=outcomes
        )
        counts = {s.value: summary.count(s) for s in DocumentStatus if summary.count(s)}
        bad = summary.failed or summary.count(DocumentStatus.REVIEW)
        ledger.finish_run(run_id, status=RunStatus.PARTIAL if bad else RunStatus.COMPLETED, summary=counts)
        ledger.record_event("run.finished", run_id=run_id, message=json.dumps(counts, ensure_ascii=False))
    _report(summary)
    logger.info("run %s finished: %s", run_id, counts or "no documents")
    return summary


def _ensure_limit(target: Any) -> None:
    """The target's global concurrency limit exists before the first entry asks for a slot (``kuroko
    serve`` creates them all; a run started otherwise makes its own)."""
    from flows.deployments import ensure_target_limit

    try:
        with get_client(sync_client=True) as client:
            ensure_target_limit(target, client)
    except Exception:  # noqa: BLE001 - a limit is protection, not a reason to stop the run
        log.warning("could not make sure the concurrency limit of %s exists", target.name, exc_info=True)


def _can_wait_for_people() -> bool:
    """A person can only answer through a Prefect server that outlives this process (PREFECT_API_URL);
    in Prefect's local mode (the CLI without a server, the demo) documents are left in review/ instead."""
    try:
        return get_run_context() is not None and flow_run.id is not None and bool(PREFECT_API_URL.value())
    except Exception:  # noqa: BLE001
        return False


def _progress_start(flow_name: str) -> UUID | None:
    try:
        return create_progress_artifact(
            progress=0.0, key=f"{flow_name}-progress", description="進捗 / progress"
        )
    except Exception:  # noqa: BLE001 - progress is a nicety; never fail a run over it
        log.debug("no progress artifact", exc_info=True)
        return None


def _progress(artifact_id: UUID | None, done: int, total: int, name: str) -> None:
    if artifact_id is not None:
        try:
            update_progress_artifact(artifact_id, progress=100.0 * done / max(total, 1))
        except Exception:  # noqa: BLE001
            log.debug("progress update failed", exc_info=True)
    for listener in progress_listeners:
        listener(done, total, name)


def check_parameters(job: Job, inbox: Path, target: str, dry_run: bool = False) -> None:
    """Fail fast, before any run starts, on parameters that cannot work: a missing inbox, an unknown or
    broken target file, missing credentials (only when something would be entered)."""
    if not Path(inbox).is_dir():
        raise BusinessError("inbox.not_found", f"inbox {inbox} does not exist or is not a folder")
    tgt = load_target(target, job.settings.config_dir)
    if job.operation not in tgt.operations:
        raise BusinessError(
            "target.operation_unknown",
            f"target {target} has no operation {job.operation!r} (it has: {', '.join(tgt.operations)})",
        )
    if not dry_run and job.sources(Path(inbox)):
        LoginValues(tgt, resolver()).check()
