"""`kuroko archive`: the document archive (電子帳簿保存法) on the command line.

``archive_app`` is a Typer sub-app, mounted by ``flows/cli.py`` as ``kuroko archive``. Its commands turn
KurokoError into one line on stderr and exit status 2 themselves, so they behave the same mounted or alone.
"""

from __future__ import annotations

import datetime as dt
import functools
import getpass
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from robots.errors import KurokoError

if TYPE_CHECKING:
    from robots.archive import Archive, ArchivedDocument, SearchCriteria

__all__ = ["archive_app"]

archive_app = typer.Typer(
    help="The document archive (電子帳簿保存法): originals kept once, searchable, exportable.",
    no_args_is_help=True,
)

out = Console() if sys.stdout.isatty() else Console(width=200)  # piped output: no truncated tables
err = Console(stderr=True, soft_wrap=True)  # an error stays one line, however long

JST = dt.timezone(dt.timedelta(hours=9), "JST")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?")

F = TypeVar("F", bound=Callable[..., Any])


def _one_line_errors(fn: F) -> F:
    """KurokoError → ``error <code>: <message>`` on stderr, exit 2 (as ``flows.cli.main`` does)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except KurokoError as exc:
            err.print(f"[red]error[/] {exc.code}: {escape(exc.message)}")
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


# -- option parsing ----------------------------------------------------------------------------------
def _date(value: str | None, option: str) -> dt.date | None:
    return None if value is None else _parse_date(value, option)


def _parse_date(value: str, option: str) -> dt.date:
    text = value.strip()
    try:
        if not _DATE.fullmatch(text):
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise KurokoError("cli.bad_date", f"{option} {value!r}: expected a date YYYY-MM-DD") from None


def _datetime(value: str | None, option: str) -> dt.datetime | None:
    if value is None:
        return None
    text = value.strip()
    try:
        if _DATE.fullmatch(text):
            return dt.datetime.combine(dt.date.fromisoformat(text), dt.time(), JST)
        if not _DATETIME.fullmatch(text):
            raise ValueError
        return dt.datetime.fromisoformat(text).replace(tzinfo=JST)
    except ValueError:
        raise KurokoError(
            "cli.bad_date", f"{option} {value!r}: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM (Japan time)"
        ) from None


def _amount(value: str | None, option: str) -> int | None:
    if value is None:
        return None
    from robots.jp import AmountParseError, parse_amount

    try:
        return parse_amount(value).value
    except AmountParseError:
        raise KurokoError(
            "cli.bad_amount", f"{option} {value!r}: expected yen such as 110000, 110,000 or ¥110,000"
        ) from None


def _actor(actor: str | None) -> str:
    if actor:
        return actor
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _criteria(
    date_from: str | None,
    date_to: str | None,
    amount_min: str | None,
    amount_max: str | None,
    counterparty: str | None,
) -> SearchCriteria:
    from robots.archive import SearchCriteria

    return SearchCriteria(
        date_from=_date(date_from, "--from"),
        date_to=_date(date_to, "--to"),
        amount_min=_amount(amount_min, "--min"),
        amount_max=_amount(amount_max, "--max"),
        counterparty=counterparty,
    )


@contextmanager
def _archive() -> Iterator[Archive]:
    from robots.archive import Archive
    from robots.settings import load_settings

    with Archive.from_settings(load_settings()) as archive:
        archive.migrate()
        yield archive


# -- output ------------------------------------------------------------------------------------------
def _print_json(data: Any) -> None:
    out.print_json(data=data)


def _documents_table(docs: list[ArchivedDocument], title: str | None = None) -> Table:
    table = Table(
        "sha256", "取引年月日", "取引金額", "取引先", "登録番号", "種類", "版", "保存期限", title=title
    )
    for d in docs:
        table.add_row(
            d.sha256[:12],
            d.transaction_date.isoformat(),
            f"{d.amount:,}",
            escape(d.counterparty),
            d.registration_number or "-",
            d.document_type.value,
            str(d.version),
            d.retention_until.isoformat() + (" (deleted)" if d.deleted else ""),
        )
    return table


FromOpt = Annotated[str | None, typer.Option("--from", help="Transaction date from (YYYY-MM-DD, inclusive).")]
ToOpt = Annotated[str | None, typer.Option("--to", help="Transaction date to (YYYY-MM-DD, inclusive).")]
MinOpt = Annotated[str | None, typer.Option("--min", help="Amount at least (yen; 100,000 and ¥ accepted).")]
MaxOpt = Annotated[str | None, typer.Option("--max", help="Amount at most (yen, inclusive).")]
PartyOpt = Annotated[
    str | None,
    typer.Option("--counterparty", help="取引先; legal forms, width and spaces ignored, partial match."),
]
ActorOpt = Annotated[
    str | None, typer.Option("--actor", help="Who does this, for the audit log (default: login).")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


# -- commands ----------------------------------------------------------------------------------------
@archive_app.command("add")
@_one_line_errors
def add(
    file: Annotated[Path, typer.Argument(help="The original (PDF …) as received.")],
    doc_type: Annotated[str, typer.Option("--type", help="invoice, receipt, quotation, contract or other.")],
    date: Annotated[str, typer.Option("--date", help="Transaction date 取引年月日 (YYYY-MM-DD).")],
    amount: Annotated[str, typer.Option("--amount", help="Amount 取引金額 in yen (110,000 and ¥ accepted).")],
    counterparty: Annotated[str, typer.Option("--counterparty", help="取引先 as printed.")],
    registration_number: Annotated[
        str | None, typer.Option("--registration-number", help="登録番号 T + 13 digits.")
    ] = None,
    fiscal_year_end: Annotated[
        str | None,
        typer.Option(
            "--fiscal-year-end", help="Last day of the fiscal year (default: from --year-end-month)."
        ),
    ] = None,
    year_end_month: Annotated[
        int, typer.Option("--year-end-month", min=1, max=12, help="Fiscal year ends with this month.")
    ] = 3,
    loss_carryforward: Annotated[
        bool, typer.Option("--loss-carryforward", help="A loss is carried forward: keep 10 years, not 7.")
    ] = False,
    source: Annotated[
        str | None, typer.Option("--source", help="Where it came from (default cli:<file>).")
    ] = None,
    received_at: Annotated[
        str | None, typer.Option("--received-at", help="When it was received (Japan time; default now).")
    ] = None,
    actor: ActorOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Archive an original once (the same bytes again are recognized, not stored twice)."""
    from robots.archive import AuditAction, fiscal_year_end_for

    tdate = _parse_date(date, "--date")
    yen = _amount(amount, "--amount")
    year_end = _date(fiscal_year_end, "--fiscal-year-end") or fiscal_year_end_for(tdate, year_end_month)
    received = _datetime(received_at, "--received-at") or dt.datetime.now(JST)
    with _archive() as archive:
        doc = archive.add(
            file,
            doc_type=doc_type,
            transaction_date=tdate,
            amount=yen,
            counterparty=counterparty,
            registration_number=registration_number,
            received_at=received,
            source=source or f"cli:{file.name}",
            fiscal_year_end=year_end,
            loss_carryforward=loss_carryforward,
            actor=_actor(actor),
        )
        duplicate = archive.audit_log(doc.sha256)[-1].action == AuditAction.DUPLICATE_RECEIVED
    if as_json:
        _print_json(doc.to_json_dict() | {"duplicate": duplicate})
        return
    if duplicate:
        out.print(f"already archived (same bytes): {doc.sha256} — nothing stored")
    else:
        out.print(f"archived {doc.sha256}  keep until {doc.retention_until.isoformat()}")
    out.print(_documents_table([doc]))


@archive_app.command("search")
@_one_line_errors
def search(
    date_from: FromOpt = None,
    date_to: ToOpt = None,
    amount_min: MinOpt = None,
    amount_max: MaxOpt = None,
    counterparty: PartyOpt = None,
    include_deleted: Annotated[
        bool, typer.Option("--include-deleted", help="Also deleted documents.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Documents whose latest version matches every condition given (any AND combination)."""
    criteria = _criteria(date_from, date_to, amount_min, amount_max, counterparty)
    with _archive() as archive:
        docs = archive.search(**criteria.__dict__, include_deleted=include_deleted)
    if as_json:
        _print_json([d.to_json_dict() for d in docs])
        return
    out.print(_documents_table(docs))
    out.print(f"{len(docs)} document(s)")


@archive_app.command("export")
@_one_line_errors
def export(
    out_dir: Annotated[Path, typer.Argument(help="A new or empty folder.")],
    date_from: FromOpt = None,
    date_to: ToOpt = None,
    amount_min: MinOpt = None,
    amount_max: MaxOpt = None,
    counterparty: PartyOpt = None,
    actor: ActorOpt = None,
) -> None:
    """Copy the matching originals as YYYYMMDD_取引先_金額.pdf, with index.csv (UTF-8 with BOM)."""
    from robots.archive import INDEX_NAME

    criteria = _criteria(date_from, date_to, amount_min, amount_max, counterparty)
    with _archive() as archive:
        written = archive.export(criteria, out_dir, actor=_actor(actor))
    for path in written:
        out.print(escape(str(path)))
    out.print(f"exported {len(written)} file(s) and {escape(str(out_dir / INDEX_NAME))}")


@archive_app.command("show")
@_one_line_errors
def show(
    sha: Annotated[str, typer.Argument(help="SHA-256 (or its first 6+ digits) or document id.")],
    as_json: JsonOpt = False,
) -> None:
    """One document: its facts, every version and its audit trail."""
    with _archive() as archive:
        doc = archive.get(sha)
        events = archive.audit_log(doc.sha256)
    if as_json:
        _print_json(doc.to_json_dict() | {"audit": [e.to_json_dict() for e in events]})
        return
    facts = Table("", "", show_header=False, title=f"{doc.sha256}")
    for key, value in (
        ("original", doc.original_name),
        ("type", doc.document_type.value),
        ("received", doc.received_at.astimezone(JST).isoformat(timespec="seconds")),
        ("source", doc.source),
        ("fiscal year end", doc.fiscal_year_end.isoformat()),
        ("loss carry-forward", "yes" if doc.loss_carryforward else "no"),
        ("keep until", doc.retention_until.isoformat()),
        ("deleted", f"{doc.deleted_at:%Y-%m-%d} by {doc.deleted_by}" if doc.deleted_at else "no"),
    ):
        facts.add_row(key, escape(value))
    out.print(facts)
    versions = Table(
        "版", "取引年月日", "取引金額", "取引先", "登録番号", "recorded", "by", "reason", title="versions"
    )
    for v in doc.versions:
        versions.add_row(
            str(v.version),
            v.transaction_date.isoformat(),
            f"{v.amount:,}",
            escape(v.counterparty),
            v.registration_number or "-",
            v.recorded_at.astimezone(JST).isoformat(timespec="seconds"),
            escape(v.recorded_by),
            escape(v.reason or "-"),
        )
    out.print(versions)
    audit = Table("at", "actor", "action", "detail", title="audit")
    for e in events:
        audit.add_row(
            e.at.astimezone(JST).isoformat(timespec="seconds"),
            escape(e.actor),
            e.action.value,
            escape(", ".join(f"{k}={v}" for k, v in e.detail.items())),
        )
    out.print(audit)


@archive_app.command("correct")
@_one_line_errors
def correct(
    sha: Annotated[str, typer.Argument(help="SHA-256 (or its first 6+ digits) or document id.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (kept in the version and the audit log).")],
    date: Annotated[str | None, typer.Option("--date", help="Corrected transaction date.")] = None,
    amount: Annotated[str | None, typer.Option("--amount", help="Corrected amount.")] = None,
    counterparty: Annotated[str | None, typer.Option("--counterparty", help="Corrected 取引先.")] = None,
    registration_number: Annotated[
        str | None, typer.Option("--registration-number", help="Corrected 登録番号 ('' to clear).")
    ] = None,
    actor: ActorOpt = None,
) -> None:
    """Record corrected facts as a new version (the original and older versions stay)."""
    changes: dict[str, Any] = {}
    if date is not None:
        changes["transaction_date"] = _parse_date(date, "--date")
    if amount is not None:
        changes["amount"] = _amount(amount, "--amount")
    if counterparty is not None:
        changes["counterparty"] = counterparty
    if registration_number is not None:
        changes["registration_number"] = registration_number or None
    if not changes:
        raise KurokoError(
            "cli.bad_param",
            "correct: give at least one of --date, --amount, --counterparty, --registration-number",
        )
    with _archive() as archive:
        doc = archive.correct(sha, actor=_actor(actor), reason=reason, **changes)
    out.print(f"{doc.sha256[:12]}: version {doc.version} recorded")
    out.print(_documents_table([doc]))


@archive_app.command("verify")
@_one_line_errors
def verify(actor: ActorOpt = None, as_json: JsonOpt = False) -> None:
    """Re-hash every original; exit 1 when any is missing or altered."""
    with _archive() as archive:
        report = archive.verify(actor=_actor(actor))
    if as_json:
        _print_json(
            {
                "ok": report.ok,
                "checked": report.checked,
                "missing": report.missing,
                "altered": report.altered,
                "unreferenced": report.unreferenced,
            }
        )
    else:
        problems = Table("sha256", "problem")
        for sha in report.missing:
            problems.add_row(sha, "missing")
        for sha in report.altered:
            problems.add_row(sha, "altered (no longer matches its SHA-256)")
        for name in report.unreferenced:
            problems.add_row(name, "unreferenced object file (not an error)")
        if problems.row_count:
            out.print(problems)
        out.print(
            f"checked {report.checked}: {len(report.missing)} missing, {len(report.altered)} altered"
            + (", all intact" if report.ok else "")
        )
    if not report.ok:
        raise typer.Exit(1)


@archive_app.command("delete")
@_one_line_errors
def delete(
    sha: Annotated[str, typer.Argument(help="SHA-256 (or its first 6+ digits) or document id.")],
    actor: ActorOpt = None,
) -> None:
    """Delete an original whose retention period has ended (refused, and audited, before)."""
    with _archive() as archive:
        doc = archive.delete(sha, actor=_actor(actor))
    out.print(f"deleted {doc.sha256} ({escape(doc.original_name)}); its record and audit trail stay")
