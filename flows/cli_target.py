"""`kuroko target …`: the recipes under config/targets/ (mounted by flows/cli.py as ``target``).

    kuroko target list [--json]
    kuroko target check NAME [--json] [--timeout-ms 5000]

``check`` is the nightly "did the SaaS change its screens" job: it logs in, resolves every locator of every
operation without saving anything, and exits 0 when every locator matched by its first choice, 1 when some
only matched by a fallback (the screen changed; the run still works), 2 when some were not found.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from robots.errors import KurokoError

__all__ = ["main", "target_app"]

target_app = typer.Typer(
    help="Targets: the web tools robots enter records into (recipes in config/targets/).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

_out = Console() if sys.stdout.isatty() else Console(width=200)
_err = Console(stderr=True)

_STYLE = {"first choice": "green", "fallback": "yellow", "not found": "red", "not checked": "dim"}


@target_app.command("list")
def target_list(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """The targets there are, with their operations; a recipe that does not load shows its error (exit 2)."""
    from robots.settings import load_settings
    from robots.web import list_targets, load_target

    settings = load_settings()
    rows = []
    for name in list_targets(settings.config_dir):
        try:
            t = load_target(name, settings.config_dir)
        except KurokoError as exc:
            rows.append({"name": name, "error": exc.message})
            continue
        rows.append(
            {
                "name": name,
                "title": t.title,
                "kind": t.kind,
                "base_url": t.effective_base_url,
                "operations": list(t.operations),
            }
        )
    if as_json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    else:
        table = Table("target", "title", "kind", "base URL", "operations / error")
        for r in rows:
            if "error" in r:
                table.add_row(r["name"], "", "", "", f"[red]{escape(r['error'])}[/]")
            else:
                table.add_row(r["name"], r["title"], r["kind"], r["base_url"], ", ".join(r["operations"]))
        _out.print(table)
    if any("error" in r for r in rows):
        raise typer.Exit(2)


@target_app.command("check")
def target_check(
    name: Annotated[str, typer.Argument(help="The target (a file name under config/targets/, no .yaml).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    timeout_ms: Annotated[
        int | None, typer.Option(help="How long to wait for each element (default: the browser timeout).")
    ] = None,
) -> None:
    """Log in and resolve every locator of every operation, saving nothing. Exit 0: all by their first
    choice; 1: some only by a fallback (the screen changed); 2: some not found."""
    from flows.secrets import resolve_secret
    from robots.settings import load_settings
    from robots.web import LoginValues, check_target, load_target
    from robots.web.browser import browser

    settings = load_settings()
    target = load_target(name, settings.config_dir)
    LoginValues(target, resolve_secret).check()
    with browser(settings) as chromium:
        report = check_target(target, chromium, settings, secrets=resolve_secret, timeout_ms=timeout_ms)
    if as_json:
        sys.stdout.write(report.to_json() + "\n")
    else:
        table = Table("locator", "result", "strategy that matched / note", title=f"target check {name}")
        for c in report.locators:
            style = _STYLE[c.status]
            result = f"fallback #{c.index}" if c.status == "fallback" else c.status
            table.add_row(c.key, f"[{style}]{result}[/]", escape(c.strategy or c.note))
        _out.print(table)
        counts = ", ".join(
            f"{report.count(s)} {s}" for s in ("first choice", "fallback", "not found", "not checked")
        )
        _out.print(counts)
        for problem in report.problems:
            _out.print(f"[red]problem[/] {escape(problem)}")
    raise typer.Exit(report.exit_code)


def main() -> None:
    """``python -m flows.cli_target``: the same commands without the rest of ``kuroko``."""
    try:
        target_app()
    except KurokoError as exc:
        _err.print(f"[red]error[/] {exc.code}: {escape(exc.message)}")
        sys.exit(2)


if __name__ == "__main__":
    main()
