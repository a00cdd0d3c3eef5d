"""invoice_intake: invoice PDFs in an inbox → deals in an accounting tool, each once, all on record.

For each PDF: fingerprint, read, validate, enter (ledger first, then the target, searched by reference),
record the outcome, and only then move the file to ``processed/`` or ``failed/``. One document's failure
never stops the others. Business errors (bad data, a refusal by the target, a read-back mismatch) are
not retried; application errors (timeouts, 5xx, a crashed browser) are, with backoff and jitter.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from prefect.tasks import exponential_backoff
from pydantic import BaseModel

from flows.secrets import resolve_secret
from robots.bookkeeping import Deal, PaymentRules, deal_from_invoice, load_payment_rules
from robots.documents import extract
from robots.documents.model import ExtractResult, Finding, Severity
from robots.errors import BusinessError, KurokoError
from robots.inbox import Outcome, file_away, fingerprint, list_inbox
from robots.ledger import DocumentStatus, EntryStatus, Ledger, RunStatus
from robots.settings import Settings, load_settings
from robots.validation import ValidationRules, duplicate_key, validate_invoice
from robots.validation.accounts import AccountRules, load_account_rules
from robots.web import CREATE_DEAL, EntryOutcome, LoginValues, TargetSession, deal_input, load_target

__all__ = ["DocumentOutcome", "IntakeSummary", "invoice_intake"]

OPERATION = CREATE_DEAL


class DocumentOutcome(BaseModel):
    file: str
    status: DocumentStatus
    reference: str | None = None
    record_id: str | None = None
    total: int | None = None
    issuer: str | None = None
    error_code: str | None = None
    error_message: str | None = None
    moved_to: str | None = None


class IntakeSummary(BaseModel):
    run_id: str
    target: str
    dry_run: bool
    documents: list[DocumentOutcome]

    def count(self, status: DocumentStatus) -> int:
        return sum(1 for d in self.documents if d.status == status)

    @property
    def failed(self) -> int:
        return self.count(DocumentStatus.FAILED)


def _retryable(task: Any, task_run: Any, state: Any) -> bool:
    """Retry application errors (and anything unexpected), never business errors."""
    try:
        state.result()
    except KurokoError as exc:
        return exc.retryable
    except Exception:  # noqa: BLE001 - unknown failures are treated as the machinery's, so retried
        return True
    return False


@task(name="read-invoice", cache_policy=NO_CACHE)
def read_invoice(path: Path) -> ExtractResult:
    settings = load_settings()
    result = extract(
        path, max_pages=settings.max_pdf_pages, templates_dir=settings.templates_dir / "invoices"
    )
    if result.error:
        raise BusinessError(result.error["code"], result.error["message"])
    return result


@task(name="validate-invoice", cache_policy=NO_CACHE)
def check_invoice(result: ExtractResult, payment: PaymentRules) -> list[Finding]:
    assert result.fields is not None
    rules = ValidationRules(due_date_shift=payment.shift_for(result.fields.issuer))
    findings = list(dict.fromkeys([*result.findings, *validate_invoice(result.fields, rules=rules)]))
    errors = [f for f in findings if f.severity == Severity.ERROR]
    if errors:
        raise BusinessError(
            "validation.failed",
            f"{Path(result.path).name}: " + "; ".join(f.message for f in errors),
            findings=[f.model_dump(mode="json") for f in errors],
        )
    return findings


@task(
    name="enter-deal",
    cache_policy=NO_CACHE,
    retries=3,
    retry_delay_seconds=exponential_backoff(backoff_factor=2),
    retry_jitter_factor=0.5,
    retry_condition_fn=_retryable,
)
def enter_deal(
    session: TargetSession,
    ledger: Ledger,
    document_id: str,
    deal: Deal,
    evidence_dir: Path,
) -> EntryOutcome:
    """Enter one deal exactly once: ledger first, then the target (searched by reference), then read back."""
    logger = get_run_logger()
    target = session.target.name
    known = ledger.find_entry(target=target, reference=deal.reference)
    if known is not None and known.status == EntryStatus.CONFIRMED and known.record_id:
        logger.info(
            "%s: already entered as deal #%s (ledger); nothing entered", deal.reference, known.record_id
        )
        return EntryOutcome(record_id=known.record_id, created=False)
    entry_id = (
        known.id
        if known is not None
        else ledger.begin_entry(document_id, target=target, operation=OPERATION, reference=deal.reference)
    )
    try:
        outcome = session.enter(
            OPERATION, deal_input(deal), reference=deal.reference, evidence_dir=evidence_dir
        )
    except BusinessError as exc:
        ledger.fail_entry(entry_id, detail=exc.to_dict())
        raise
    except KurokoError:
        session.reset()  # a fresh browser for the retry; the entry stays pending, the target is asked again
        raise
    for key in outcome.fallbacks:
        logger.warning(
            "locator %r matched only by a fallback: the screen of %s may have changed", key, target
        )
    ledger.confirm_entry(
        entry_id,
        record_id=outcome.record_id,
        detail={
            "created": outcome.created,
            "screenshot": str(outcome.screenshot) if outcome.screenshot else None,
        },
    )
    return outcome


@dataclass(frozen=True)
class _Run:
    """What every document of one run shares."""

    run_id: str
    inbox: Path
    settings: Settings
    ledger: Ledger
    session: TargetSession
    rules: AccountRules
    payment: PaymentRules
    dry_run: bool


def _process(path: Path, run: _Run) -> DocumentOutcome:
    """One document from fingerprint to filed away; never raises for the document's own problems."""
    logger = get_run_logger()
    ledger, run_id = run.ledger, run.run_id
    fp = fingerprint(path)
    doc_id = ledger.add_document(run_id, path=path, sha256=fp.sha256, size=fp.size)
    outcome = DocumentOutcome(file=path.name, status=DocumentStatus.FAILED)
    try:
        result = read_invoice(path)
        assert result.fields is not None
        outcome.total, outcome.issuer = result.fields.total, result.fields.issuer
        ledger.update_document(doc_id, document_type=result.document_type, extracted=result.to_json_dict())
        findings = check_invoice(result, run.payment)
        deal = deal_from_invoice(
            result.fields, path=path, sha256=fp.sha256, rules=run.rules, payment=run.payment
        )
        outcome.reference = deal.reference
        dup_key = duplicate_key(result.fields)
        ledger.update_document(
            doc_id,
            reference=deal.reference,
            duplicate_key=dup_key,
            findings=[f.model_dump(mode="json") for f in findings],
        )
        if dup_key and (earlier := ledger.find_entered_duplicate(dup_key, other_than_sha256=fp.sha256)):
            deals = ", ".join(f"#{e.record_id}" for e in earlier.entries if e.record_id) or "?"
            raise BusinessError(
                "duplicate.invoice",
                f"{path.name}: the same invoice (issuer, number and total) was already entered from "
                f"{earlier.file_name} as deal {deals}; another file of the same invoice is not entered again",
            )
        if run.dry_run:
            outcome.status = DocumentStatus.VALIDATED
        else:
            evidence_dir = run.settings.runs_dir / run_id / fp.sha256[:16]
            entry = enter_deal(run.session, ledger, doc_id, deal, evidence_dir)
            outcome.record_id = entry.record_id
            outcome.status = DocumentStatus.ENTERED if entry.created else DocumentStatus.ALREADY_ENTERED
    except KurokoError as exc:
        outcome.error_code, outcome.error_message = exc.code, exc.message
        logger.error("%s: %s (%s)", path.name, exc.message, exc.code)
    except Exception as exc:  # noqa: BLE001 - one document's surprise must not stop the batch
        outcome.error_code, outcome.error_message = "internal", f"{type(exc).__name__}: {exc}"
        logger.exception("%s: unexpected failure", path.name)
    ledger.update_document(
        doc_id, status=outcome.status, error_code=outcome.error_code, error_message=outcome.error_message
    )
    if not run.dry_run:  # the outcome is on record: now, and only now, the file moves
        where = Outcome.FAILED if outcome.status == DocumentStatus.FAILED else Outcome.PROCESSED
        error = {"code": outcome.error_code, "message": outcome.error_message} if outcome.error_code else None
        moved = file_away(path, run.inbox, where, sha256=fp.sha256, error=error, run_id=run_id)
        outcome.moved_to = str(moved)
        ledger.update_document(doc_id, moved_to=str(moved))
    return outcome


def _report(summary: IntakeSummary) -> None:
    rows = [
        {
            "ファイル / file": d.file,
            "結果 / outcome": d.status.value,
            "取引先 / issuer": d.issuer or "",
            "合計 / total": f"{d.total:,}" if d.total is not None else "",
            "取引ID / deal": d.record_id or "",
            "理由 / reason": d.error_message or "",
        }
        for d in summary.documents
    ]
    create_table_artifact(
        key="invoice-intake-documents", table=rows, description=f"invoice_intake → {summary.target}"
    )


def check_parameters(inbox: Path, target: str, dry_run: bool = False) -> None:
    """Fail fast, before any run starts, on parameters that cannot work: a missing inbox, an unknown
    target or a broken target file, missing credentials."""
    settings = load_settings()
    if not Path(inbox).is_dir():
        raise BusinessError("inbox.not_found", f"inbox {inbox} does not exist or is not a folder")
    tgt = load_target(target, settings.config_dir)
    if not dry_run and list_inbox(Path(inbox)):
        LoginValues(tgt, resolve_secret).check()


@flow(name="invoice-intake", log_prints=True)
def invoice_intake(inbox: Path, target: str = "sandbox-accounting", dry_run: bool = False) -> IntakeSummary:
    """Enter every invoice PDF waiting in ``inbox`` into the accounting tool ``target`` (a file under
    config/targets/). With ``dry_run`` the invoices are read and validated only: nothing is entered and
    no file moves."""
    logger = get_run_logger()
    settings = load_settings()
    inbox = Path(inbox).resolve()
    check_parameters(inbox, target, dry_run)
    tgt = load_target(target, settings.config_dir)
    rules = load_account_rules(settings.config_dir / "rules" / "accounts.yaml")
    payment = load_payment_rules(settings.config_dir / "rules" / "payment.yaml")
    files = list_inbox(inbox)
    with Ledger(settings.ledger_url) as ledger:
        ledger.migrate()
        run_id = ledger.start_run(
            "invoice_intake",
            target=target,
            parameters={"inbox": str(inbox), "dry_run": dry_run},
            orchestrator_run_id=str(flow_run.id) if flow_run.id else None,
        )
        logger.info("run %s: %d file(s) in %s → %s", run_id, len(files), inbox, target)
        outcomes = []
        with TargetSession(settings, tgt, secrets=resolve_secret) as session:
            for path in files:
                outcomes.append(
                    _process(
                        path,
                        _Run(run_id, inbox, settings, ledger, session, rules, payment, dry_run),
                    )
                )
        summary = IntakeSummary(run_id=run_id, target=target, dry_run=dry_run, documents=outcomes)
        counts = {s.value: summary.count(s) for s in DocumentStatus if summary.count(s)}
        ledger.finish_run(
            run_id, status=RunStatus.PARTIAL if summary.failed else RunStatus.COMPLETED, summary=counts
        )
    _report(summary)
    logger.info("run %s finished: %s", run_id, counts or "no documents")
    return summary
