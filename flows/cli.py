"""`kuroko`: the command line. Errors become one-line messages here, never tracebacks."""

from __future__ import annotations

import inspect
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from robots.errors import KurokoError

# Quiet, offline-friendly Prefect defaults for a CLI process (users can still override them).
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_EXTRA_LOGGERS", "robots")
os.environ.setdefault("PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW", "ignore")

app = typer.Typer(
    help="Kuroko (黒子): robots for Japanese back-office work.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
sandbox_app = typer.Typer(help="The local stand-ins for the SaaS tools.", no_args_is_help=True)
samples_app = typer.Typer(help="Generate sample documents.", no_args_is_help=True)
ledger_app = typer.Typer(help="Look into the run ledger.", no_args_is_help=True)
template_app = typer.Typer(help="Per-issuer invoice templates (templates/invoices/).", no_args_is_help=True)
app.add_typer(template_app, name="template")
app.add_typer(sandbox_app, name="sandbox")
app.add_typer(samples_app, name="samples")
app.add_typer(ledger_app, name="ledger")


def _mount_subapps() -> None:
    """The command groups that live in their own modules (imported here, not at the top, to keep
    ``kuroko --help`` fast and the modules independent of this one)."""
    from flows.cli_alerts import alerts_app
    from flows.cli_archive import archive_app
    from flows.cli_target import target_app

    app.add_typer(target_app, name="target")
    app.add_typer(archive_app, name="archive")
    app.add_typer(alerts_app, name="alerts")


_mount_subapps()

out = Console() if sys.stdout.isatty() else Console(width=200)  # piped output: no truncated tables
err = Console(stderr=True)

SANDBOX_USER = "demo@example.jp"
SANDBOX_PASSWORD = "kuroko-demo"  # the sandbox's own demo login, not a secret of any real tenant


# -- extract -----------------------------------------------------------------------------------------
@app.command()
def extract(
    paths: Annotated[list[Path], typer.Argument(help="PDF files to read.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON of document-schema.md.")] = False,
) -> None:
    """Read documents (invoice and receipt PDFs, Excel forms) and print their fields; exit 1 when any file
    could not be read."""
    from robots.documents import read_document
    from robots.documents.files import display_name
    from robots.settings import load_settings

    settings = load_settings()
    limits = {"templates_dir": settings.templates_dir, "max_pages": settings.max_pdf_pages}
    results = [read_document(p, **limits) for p in paths]
    if as_json:
        json.dump([r.to_json_dict() for r in results], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        table = Table("file", "type", "fields", "findings / error")
        for r in results:
            data = r.to_json_dict()
            shown = ", ".join(
                f"{k}={v}"
                for k, v in (data["fields"] or {}).items()
                if v not in (None, False) and not isinstance(v, list)
            )
            problem = r.error["message"] if r.error else "; ".join(x.message for x in r.findings)
            table.add_row(
                escape(display_name(r.path)), data["document_type"] or "-", escape(shown), escape(problem)
            )
        out.print(table)
    if any(r.error for r in results):
        raise typer.Exit(1)


# -- templates ---------------------------------------------------------------------------------------
@template_app.command("check")
def template_check(
    template: Annotated[Path, typer.Argument(help="The template YAML being written.")],
    pdfs: Annotated[list[Path], typer.Argument(help="Invoices of that issuer to try it on.")],
) -> None:
    """Show what a template extracts from each PDF, next to what the generic reader found, and which wins."""
    from robots.documents.templates import template_check_command

    text, status = template_check_command(template, pdfs, width=200)
    sys.stdout.write(text)
    raise typer.Exit(status)


# -- sandbox -----------------------------------------------------------------------------------------
SANDBOX_APPS = {
    # name → (module, offset from KUROKO_SANDBOX_PORT, env prefix of its login, the page to open)
    "accounting": ("sandbox.accounting", 0, "KUROKO_SANDBOX_ACCOUNTING", "/deals"),
    "hr": ("sandbox.hr", 1, "KUROKO_SANDBOX_HR", "/employees"),
    "esign": ("sandbox.esign", 2, "KUROKO_SANDBOX_ESIGN", "/documents"),
}


def _sandbox_app(settings: Any, name: str = "accounting", chaos: Any = None) -> Any:
    """One sandbox app on its SQLite file under KUROKO_HOME/sandbox, with the login the target's env names."""
    import importlib

    module, _, env, _ = SANDBOX_APPS[name]
    db = settings.home / "sandbox" / f"{name}.sqlite3"
    db.parent.mkdir(parents=True, exist_ok=True)
    return importlib.import_module(module).create_app(
        db,
        username=os.environ.get(f"{env}_USERNAME") or SANDBOX_USER,
        password=os.environ.get(f"{env}_PASSWORD") or SANDBOX_PASSWORD,
        chaos=chaos,
    )


def _sandbox_port(settings: Any, name: str) -> int:
    return settings.sandbox_port + SANDBOX_APPS[name][1]


@sandbox_app.command("up")
def sandbox_up(
    port: Annotated[
        int | None, typer.Option(help="First port (default KUROKO_SANDBOX_PORT or 8710); hr +1, esign +2.")
    ] = None,
    host: Annotated[str | None, typer.Option(help="Interface (default 127.0.0.1).")] = None,
    only: Annotated[
        list[str] | None, typer.Option(help="Serve only these apps: accounting, hr, esign.")
    ] = None,
    chaos: Annotated[
        str | None,
        typer.Option(
            help="What real services do to robots, e.g. latency_ms=200,error_rate=0.1,ui_version=2."
        ),
    ] = None,
) -> None:
    """Serve the sandbox apps (accounting, HR, e-contract) until Ctrl-C."""
    import threading

    from robots.settings import load_settings
    from sandbox.chaos import parse_chaos
    from sandbox.server import serve_in_thread

    overrides: dict[str, Any] = {}
    if port:
        overrides["sandbox_port"] = port
    if host:
        overrides["sandbox_host"] = host
    settings = load_settings(**overrides)
    names = only or list(SANDBOX_APPS)
    unknown = sorted(set(names) - set(SANDBOX_APPS))
    if unknown:
        raise KurokoError("cli.bad_param", f"--only {', '.join(unknown)}: apps are {', '.join(SANDBOX_APPS)}")
    try:
        switches = parse_chaos(chaos) if chaos else None
    except ValueError as exc:
        raise KurokoError("cli.bad_param", f"--chaos: {exc}") from exc
    servers = []
    for name in names:
        app_port = _sandbox_port(settings, name)
        try:
            server = serve_in_thread(
                _sandbox_app(settings, name, parse_chaos(chaos) if chaos else None),
                settings.sandbox_host,
                app_port,
            )
        except OSError as exc:
            raise KurokoError("sandbox.port_in_use", f"port {app_port} ({name}): {exc.strerror}") from exc
        servers.append(server)
        out.print(
            f"{name:<11} {server.url}{SANDBOX_APPS[name][3]}  (login {SANDBOX_USER} / {SANDBOX_PASSWORD})"
        )
    if switches:
        out.print(f"chaos: {chaos}")
    out.print("JSON APIs: Authorization: Bearer sandbox-token. Ctrl-C stops.")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        for server in servers:
            server.stop()


# -- samples -----------------------------------------------------------------------------------------
@samples_app.command("invoices")
def samples_invoices(
    out_dir: Annotated[Path, typer.Argument(help="Folder to write the PDFs into.")],
    count: Annotated[int, typer.Option(help="How many invoices.")] = 6,
    seed: Annotated[int, typer.Option(help="Same seed, same files (byte for byte).")] = 0,
) -> None:
    """Write realistic Japanese invoice PDFs (several issuers and layouts)."""
    from sandbox.samples import generate_invoices

    for sample in generate_invoices(out_dir, count=count, seed=seed):
        out.print(str(sample.path))


# -- run ---------------------------------------------------------------------------------------------
def _flows() -> dict[str, tuple[Any, Callable[..., None]]]:
    """Flow name → (flow, its parameter check that runs before any Prefect machinery starts)."""
    import importlib

    flows = {}
    for name in FLOW_NAMES:
        module = importlib.import_module(f"flows.{name}")
        flows[name.replace("_", "-")] = (getattr(module, name), module.check_parameters)
    return flows


FLOW_NAMES = (
    "invoice_intake",
    "expense_reports",
    "employee_onboarding",
    "attendance_sync",
    "contract_dispatch",
)


@app.command()
def run(
    flow_name: Annotated[str, typer.Argument(metavar="FLOW", help="invoice-intake")],
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="k=v, repeatable.")] = None,
) -> None:
    """Run a flow now, in this process (Prefect's local mode unless PREFECT_API_URL is set)."""
    flows = _flows()
    key = flow_name.replace("_", "-")
    if key not in flows:
        raise KurokoError("cli.unknown_flow", f"no flow {flow_name!r}; flows: {', '.join(flows)}")
    params: dict[str, Any] = {}
    for item in param or []:
        name, sep, value = item.partition("=")
        if not sep:
            raise KurokoError("cli.bad_param", f"--param {item!r}: expected key=value")
        params[name.strip()] = {"true": True, "false": False}.get(value.lower(), value)
    flow_obj, check = flows[key]
    try:
        bound = inspect.signature(flow_obj.fn).bind(**params)
    except TypeError as exc:
        raise KurokoError("cli.bad_param", f"{flow_name}: {exc}") from exc
    bound.apply_defaults()
    check(**bound.arguments)
    summary = _with_progress(lambda: flow_obj(**params))
    _print_summary(summary)
    if summary.failed:
        raise typer.Exit(1)


def _with_progress(run_flow: Callable[[], Any]) -> Any:
    """Run a flow with a progress bar on the terminal (documents done of all), nothing when not a terminal."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from flows.batch import progress_listeners

    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )
    task = progress.add_task("documents", total=None)

    def advance(done: int, total: int, name: str) -> None:
        progress.update(task, completed=done, total=total, description=name[:40])

    progress_listeners.append(advance)
    try:
        with progress:
            return run_flow()
    finally:
        progress_listeners.remove(advance)


def _print_summary(summary: Any) -> None:
    from robots.ledger import DocumentStatus

    table = Table(
        "file", "counterparty", "amount", "outcome", "record id", "reason", title=f"run {summary.run_id}"
    )
    for d in summary.documents:
        table.add_row(
            d.file,
            d.counterparty or "-",
            f"{d.amount:,}" if d.amount is not None else "-",
            d.status.value,
            d.record_id or "-",
            d.error_message or "",
        )
    out.print(table)
    entered, already = summary.count(DocumentStatus.ENTERED), summary.count(DocumentStatus.ALREADY_ENTERED)
    review = summary.count(DocumentStatus.REVIEW)
    out.print(
        f"entered {entered}, already entered {already}, failed {summary.failed}"
        + (f", waiting for review {review} (in review/; see `kuroko ledger reviews`)" if review else "")
        + (", validated (dry run) " + str(summary.count(DocumentStatus.VALIDATED)) if summary.dry_run else "")
    )
    if summary.documents and entered == 0 and already and not summary.failed:
        out.print("nothing new was entered: every document was already in the ledger or on the target.")


# -- serve -------------------------------------------------------------------------------------------
def _start_prefect_server() -> Any:
    """A Prefect server of our own (UI included) when none is configured: the small-office set-up. Ready when
    its health endpoint answers; between tries the CLI waits on the server process itself (its exit would
    mean it failed), at most 90 s in all."""
    import subprocess
    import urllib.request

    from prefect.settings import PREFECT_HOME

    url = "http://127.0.0.1:4200/api"
    log_path = Path(str(PREFECT_HOME.value())) / "kuroko-server.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", "4200"],
        stdout=log_path.open("ab"),
        stderr=subprocess.STDOUT,
    )
    for _ in range(180):
        try:
            with urllib.request.urlopen(url + "/health", timeout=2):
                break
        except OSError:
            pass
        try:
            proc.wait(timeout=0.5)  # returns only if the server died
        except subprocess.TimeoutExpired:
            continue
        raise KurokoError("serve.server_failed", f"the Prefect server stopped at start; see {log_path}")
    else:
        proc.terminate()
        raise KurokoError("serve.server_failed", f"no answer from the Prefect server in 90 s; see {log_path}")
    out.print(f"Prefect server: http://127.0.0.1:4200 (log: {log_path})")
    return proc, url


@app.command()
def serve(
    only: Annotated[
        list[str] | None, typer.Option(help="Serve only these deployments of prefect.yaml (by name).")
    ] = None,
    limit: Annotated[int, typer.Option(help="Flow runs at once on this machine.")] = 4,
) -> None:
    """Run Kuroko on one machine: every deployment of prefect.yaml with its schedule (invoices nightly at
    02:00, attendance on the first business day, the rest on demand), no separate worker. Uses the Prefect
    server of PREFECT_API_URL, or starts one here (UI at http://127.0.0.1:4200). Also creates the per-target
    concurrency limits and, when KUROKO_ALERT_WEBHOOK_URL is set, the alert automations."""
    from prefect import serve as prefect_serve
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.deployments import ensure_target_limits, load_deployments
    from robots.settings import load_settings

    settings = load_settings()
    server, url = (None, PREFECT_API_URL.value()) if PREFECT_API_URL.value() else _start_prefect_server()
    try:
        with temporary_settings(updates={PREFECT_API_URL: url}):
            deployments = load_deployments(names=only)
            limits = ensure_target_limits(settings)
            out.print("target limits: " + ", ".join(f"{k}={v}" for k, v in limits.items()))
            if os.environ.get("KUROKO_ALERT_WEBHOOK_URL"):
                from flows.alerts import apply_automations

                names = apply_automations(settings.config_dir / "automations", webhook_url=None)
                out.print("alerts: " + ", ".join(names))
            prefect_serve(*deployments, limit=limit)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)


# -- demo --------------------------------------------------------------------------------------------
@app.command()
def demo(
    serve: Annotated[bool, typer.Option(help="Keep the sandbox running afterwards to look at it.")] = False,
) -> None:
    """The main job on the embedded default: sample invoices → sandbox accounting app, through the
    invoice-intake flow in Prefect's local mode. Exits non-zero if any document failed."""
    from robots.settings import load_settings
    from sandbox.samples import generate_invoices
    from sandbox.server import serve_forever, serve_in_thread

    settings = load_settings()
    for name, value in (
        ("KUROKO_SANDBOX_ACCOUNTING_USERNAME", SANDBOX_USER),
        ("KUROKO_SANDBOX_ACCOUNTING_PASSWORD", SANDBOX_PASSWORD),
    ):
        os.environ[name] = os.environ.get(name) or value
    application = _sandbox_app(settings)
    try:
        server = serve_in_thread(application, settings.sandbox_host, settings.sandbox_port)
    except OSError as exc:
        raise KurokoError(
            "demo.port_busy",
            f"port {settings.sandbox_port} is in use ({exc.strerror}); "
            "stop what uses it, or set KUROKO_SANDBOX_PORT",
        ) from exc
    os.environ["KUROKO_SANDBOX_ACCOUNTING_URL"] = server.url
    inbox = settings.home / "demo" / "inbox"
    with server:
        samples = generate_invoices(inbox, count=6, seed=0)
        out.print(f"[bold]demo[/]: {len(samples)} sample invoices in {inbox}; sandbox at {server.url}")
        flow_obj, check = _flows()["invoice-intake"]
        check(inbox=inbox, target="sandbox-accounting")
        summary = flow_obj(inbox=inbox, target="sandbox-accounting")
        _print_summary(summary)
        out.print(
            f"see them: {server.url}/deals (login {SANDBOX_USER} / {SANDBOX_PASSWORD}); "
            f"ledger: kuroko ledger documents --run {summary.run_id}"
        )
        if serve:
            server.stop()
            out.print("serving the sandbox until Ctrl-C …")
            serve_forever(application, settings.sandbox_host, settings.sandbox_port)
    if summary.failed:
        raise typer.Exit(1)


# -- ledger ------------------------------------------------------------------------------------------
@contextmanager
def _ledger() -> Iterator[Any]:
    """The ledger of these settings, migrated to the newest schema, closed afterwards."""
    from robots.ledger import Ledger
    from robots.settings import load_settings

    with Ledger(load_settings().ledger_url) as ledger:
        ledger.migrate()
        yield ledger


def _print_json(data: Any) -> None:
    """JSON on stdout as is (no wrapping, Japanese unescaped): safe to pipe into jq."""
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _jst(value: Any) -> str:
    """A ledger time (datetime or ISO text) as Japan time for people: 2026-04-01 09:30:00."""
    import datetime as dt

    from robots.ledger import JST

    if not value:
        return "-"
    when = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return when.astimezone(JST).strftime("%Y-%m-%d %H:%M:%S")


def _date_option(name: str, value: str | None) -> Any:
    import datetime as dt

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise KurokoError("cli.bad_date", f"{name} {value!r}: expected a date like 2026-04-01") from None


@ledger_app.command("runs")
def ledger_runs(
    limit: Annotated[int, typer.Option(help="How many, newest first.")] = 20,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Recent runs."""
    with _ledger() as ledger:
        runs = ledger.runs(limit)
    rows = [
        {
            "id": r.id,
            "flow": r.flow,
            "target": r.target,
            "status": r.status,
            "started_at": r.started_at.isoformat(timespec="seconds"),
            "summary": r.summary,
        }
        for r in runs
    ]
    if as_json:
        _print_json(rows)
        return
    table = Table("id", "flow", "target", "status", "started (JST)", "documents")
    for r in rows:
        table.add_row(
            r["id"],
            r["flow"],
            r["target"] or "-",
            r["status"],
            _jst(r["started_at"]),
            escape(", ".join(f"{k} {v}" for k, v in r["summary"].items())),
        )
    out.print(table)


@ledger_app.command("documents")
def ledger_documents(
    run_id: Annotated[str | None, typer.Option("--run", help="Only this run.")] = None,
    limit: Annotated[int, typer.Option(help="How many, newest first.")] = 100,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Documents seen by runs, with their outcome and the record they became (`ledger show ID` for one)."""
    with _ledger() as ledger:
        docs = ledger.documents(run_id, limit)
    rows = [
        {
            "id": d.id,
            "run_id": d.run_id,
            "file": d.file_name,
            "sha256": d.sha256,
            "status": d.status,
            "reference": d.reference,
            "record_ids": [e.record_id for e in d.entries if e.record_id],
            "error_code": d.error_code,
            "error_message": d.error_message,
            "moved_to": d.moved_to,
        }
        for d in docs
    ]
    if as_json:
        _print_json(rows)
        return
    table = Table("id", "file", "status", "reference", "record", "error")
    for r in rows:
        table.add_row(
            r["id"][:8],
            escape(r["file"]),
            r["status"],
            escape(r["reference"] or "-"),
            ",".join(r["record_ids"]) or "-",
            escape(r["error_message"] or ""),
        )
    out.print(table)


@ledger_app.command("show")
def ledger_show(
    document_id: Annotated[str, typer.Argument(metavar="ID", help="A document id (or its first digits).")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """One document: what it is, the records it became, the reviews of it and everything that happened."""
    with _ledger() as ledger:
        detail = ledger.document_detail(document_id)
    if as_json:
        _print_json(detail)
        return
    doc, run = detail["document"], detail["run"]
    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold")
    head.add_column()
    for label, value in (
        ("document", doc["id"]),
        ("file", doc["file_name"]),
        ("status", doc["status"]),
        ("run", f"{run['id']}  {run['flow']} → {run['target'] or '-'}"),
        ("received (JST)", _jst(doc["created_at"])),
        ("sha256", doc["sha256"]),
        ("type", doc["document_type"] or "-"),
        ("reference", doc["reference"] or "-"),
        ("reason", f"{doc['error_code']}: {doc['error_message']}" if doc["error_code"] else "-"),
        ("filed to", doc["moved_to"] or "-"),
    ):
        head.add_row(label, escape(str(value)))
    out.print(head)
    entries = Table("target", "operation", "reference", "status", "record", "at (JST)", title="entries")
    for e in detail["entries"]:
        entries.add_row(
            escape(e["target"]),
            e["operation"],
            escape(e["reference"]),
            e["status"],
            escape(e["record_id"] or "-"),
            _jst(e["updated_at"]),
        )
    reviews = Table(
        "id",
        "status",
        "reason",
        "opened (JST)",
        "decided by",
        "decided (JST)",
        "corrections",
        "comment",
        title="reviews",
    )
    for r in detail["reviews"]:
        reviews.add_row(
            str(r["id"]),
            r["status"],
            escape(f"{r['reason_code']}: {r['message']}"),
            _jst(r["opened_at"]),
            escape(r["decided_by"] or "-"),
            _jst(r["decided_at"]),
            escape("\n".join(f"{c['field']}: {c['before']} → {c['after']}" for c in r["corrections"]) or "-"),
            escape(r["comment"] or ""),
        )
    events = Table("at (JST)", "kind", "actor", "message", title="events")
    for ev in detail["events"]:
        events.add_row(_jst(ev["at"]), ev["kind"], escape(ev["actor"]), escape(ev["message"]))
    for table, rows in (
        (entries, detail["entries"]),
        (reviews, detail["reviews"]),
        (events, detail["events"]),
    ):
        if rows:
            out.print(table)
        else:
            out.print(f"[dim]{table.title}: none[/]")


@ledger_app.command("reviews")
def ledger_reviews(
    open_only: Annotated[bool, typer.Option("--open", help="Only those waiting for a person.")] = False,
    limit: Annotated[int, typer.Option(help="How many, newest first (all open ones with --open).")] = 100,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Reviews by people: what waits for whom, and who decided what."""
    with _ledger() as ledger:
        reviews = ledger.open_reviews() if open_only else ledger.reviews(limit=limit)
    rows = [
        {
            "id": r.id,
            "document_id": r.document_id,
            "file": r.document.file_name,
            "run_id": r.run_id,
            "status": r.status,
            "reason_code": r.reason_code,
            "message": r.message,
            "opened_at": r.opened_at.isoformat(),
            "decided_at": r.decided_at.isoformat() if r.decided_at else None,
            "decided_by": r.decided_by,
            "corrections": r.corrections,
            "comment": r.comment,
        }
        for r in reviews
    ]
    if as_json:
        _print_json(rows)
        return
    table = Table("id", "document", "file", "status", "reason", "opened (JST)", "decided by", "decided (JST)")
    for r in rows:
        table.add_row(
            str(r["id"]),
            r["document_id"][:8],
            escape(r["file"]),
            r["status"],
            escape(f"{r['reason_code']}: {r['message']}"),
            _jst(r["opened_at"]),
            escape(r["decided_by"] or "-"),
            _jst(r["decided_at"]),
        )
    out.print(table)
    if open_only:
        out.print(f"{len(rows)} waiting for a person")


@ledger_app.command("export")
def ledger_export(
    file: Annotated[Path, typer.Argument(metavar="FILE.csv", help="Where to write the CSV.")],
    since: Annotated[str | None, typer.Option(help="Documents received on or after this day (JST).")] = None,
    until: Annotated[str | None, typer.Option(help="… and on or before this day (JST).")] = None,
) -> None:
    """One CSV row per document (run, file, sha256, outcome, target, record id, reason, review): UTF-8
    with BOM, so Excel opens the Japanese correctly."""
    first, last = _date_option("--since", since), _date_option("--until", until)
    if first and last and first > last:
        raise KurokoError("cli.bad_range", f"--since {first} is after --until {last}")
    with _ledger() as ledger:
        try:
            rows = ledger.export_csv(file, since=first, until=last)
        except OSError as exc:
            raise KurokoError("ledger.export_failed", f"{file}: {exc.strerror or exc}") from exc
    out.print(f"{rows} document(s) → {escape(str(file))}")


def main() -> None:
    """Entry point: run the CLI, turning every error into a message and an exit status."""
    try:
        app()
    except KurokoError as exc:
        err.print(f"[red]error[/] {exc.code}: {exc.message}")
        sys.exit(2)
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the one boundary where surprises become messages
        if os.environ.get("KUROKO_DEBUG"):
            raise
        err.print(
            f"[red]internal error[/] {type(exc).__name__}: {exc} (set KUROKO_DEBUG=1 for the traceback)"
        )
        sys.exit(3)


if __name__ == "__main__":
    main()
