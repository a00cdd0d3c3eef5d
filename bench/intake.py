"""Time per document of the invoice path, stage by stage, against the sandbox (no Prefect overhead).

    .venv/bin/python bench/intake.py [--count 20]

Prints a table: extract (pdfplumber), validate, enter (search + form + save + read back) per document.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from robots.bookkeeping import deal_from_invoice  # noqa: E402
from robots.documents import extract  # noqa: E402
from robots.settings import load_settings  # noqa: E402
from robots.validation import validate_invoice  # noqa: E402
from robots.validation.accounts import load_account_rules  # noqa: E402
from robots.web import CREATE_DEAL, TargetSession, deal_input, load_target  # noqa: E402
from sandbox.accounting import create_app  # noqa: E402
from sandbox.samples import generate_invoices  # noqa: E402
from sandbox.server import serve_in_thread  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kuroko-bench-"))
    samples = generate_invoices(work / "inbox", count=args.count, seed=9000)
    settings = load_settings()
    rules = load_account_rules(settings.config_dir / "rules" / "accounts.yaml")
    app = create_app(work / "sandbox.sqlite3", username="bench@example.jp", password="bench-pass")
    timings: dict[str, list[float]] = {"extract": [], "validate": [], "enter": []}
    with serve_in_thread(app, "127.0.0.1", 0) as server:
        os.environ["KUROKO_SANDBOX_ACCOUNTING_URL"] = server.url
        os.environ["KUROKO_SANDBOX_ACCOUNTING_USERNAME"] = "bench@example.jp"
        os.environ["KUROKO_SANDBOX_ACCOUNTING_PASSWORD"] = "bench-pass"
        target = load_target("sandbox-accounting", settings.config_dir)
        with TargetSession(settings, target) as session:
            session.robot().ensure_logged_in()  # browser start + login, once
            for sample in samples:
                t0 = time.perf_counter()
                result = extract(sample.path)
                t1 = time.perf_counter()
                validate_invoice(result.fields)
                t2 = time.perf_counter()
                deal = deal_from_invoice(result.fields, path=sample.path, sha256=result.sha256, rules=rules)
                session.enter(CREATE_DEAL, deal_input(deal))
                t3 = time.perf_counter()
                timings["extract"].append(t1 - t0)
                timings["validate"].append(t2 - t1)
                timings["enter"].append(t3 - t2)
    table = Table(
        "stage",
        "documents",
        "median ms",
        "p90 ms",
        "max ms",
        title=f"invoice path, {args.count} generated invoices, headless Chromium, sandbox on loopback",
    )
    for stage, values in timings.items():
        values_ms = sorted(v * 1000 for v in values)
        p90 = values_ms[max(0, int(len(values_ms) * 0.9) - 1)]
        table.add_row(
            stage,
            str(len(values_ms)),
            f"{statistics.median(values_ms):.1f}",
            f"{p90:.1f}",
            f"{values_ms[-1]:.1f}",
        )
    Console().print(table)


if __name__ == "__main__":
    main()
