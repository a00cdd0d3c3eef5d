"""`kuroko alerts …`: put the alert automations of ``config/automations/`` on the Prefect server, and list
what is there. Mounted by flows/cli.py; errors are KurokoErrors, turned into one line by its ``main``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from robots.errors import KurokoError

__all__ = ["alerts_app"]

alerts_app = typer.Typer(
    help="Alerts: Prefect automations that call a webhook (config/automations/).", no_args_is_help=True
)

_out = Console() if sys.stdout.isatty() else Console(width=200)


def _directory(directory: Path | None) -> Path:
    from robots.settings import load_settings

    return directory or load_settings().config_dir / "automations"


DirectoryOption = Annotated[
    Path | None,
    typer.Option("--directory", help="Automation files (default: config/automations/ of KUROKO_CONFIG_DIR)."),
]


@alerts_app.command("apply")
def alerts_apply(
    webhook_url: Annotated[
        str | None,
        typer.Option(
            "--webhook-url",
            help="Where alerts are POSTed (saved in the Prefect Webhook block 'kuroko-alerts'); "
            "default KUROKO_ALERT_WEBHOOK_URL, else the block as it is.",
        ),
    ] = None,
    directory: DirectoryOption = None,
) -> None:
    """Create or update the alert automations on the Prefect server of PREFECT_API_URL (by name)."""
    from flows.alerts import ALERT_BLOCK, apply_automations

    names = apply_automations(_directory(directory), webhook_url=webhook_url)
    for name in names:
        _out.print(f"applied {escape(name)} → webhook block {ALERT_BLOCK}")


@alerts_app.command("list")
def alerts_list(directory: DirectoryOption = None) -> None:
    """List the automations on the Prefect server of PREFECT_API_URL, marking those kept in the files."""
    from flows.alerts import describe_trigger, list_automations, read_automation_files

    try:
        ours = {spec.name for spec in read_automation_files(_directory(directory))}
    except KurokoError:
        ours = set()  # the listing still helps when the files are missing or broken
    table = Table("name", "enabled", "trigger", "actions", "in config")
    for automation in list_automations():
        table.add_row(
            escape(automation.name),
            "yes" if automation.enabled else "no",
            escape(describe_trigger(automation.trigger)),
            ", ".join(action.type for action in automation.actions),
            "yes" if automation.name in ours else "-",
        )
    _out.print(table)
