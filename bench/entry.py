"""Entering deals into the sandbox accounting app: the robot against a minimal hand-written script, throughput
with several browsers, and the bulk path.

    .venv/bin/python bench/entry.py [--count 30] [--throughput 24] [--bulk 1000] [--quick]

1. Seconds per record on the same form (/deals/new), alternating record by record: (a) a minimal Playwright
   script that logged in once and only types and submits (no search, no read-back, no evidence); (b) the
   robot, ``TargetSession.enter("create_deal", …)``: look up by 管理番号, type, save, read back every field,
   screenshot. Median, p90 and the ratio robot / script (the goal: at most 1.5).
2. Throughput of the robot with 1, 2 and 4 workers. Sync Playwright objects belong to the thread that made
   them, so each worker is a thread with its own Playwright and Chromium (and one context); all start from the
   saved login and are timed from the moment every one is ready (browser start-up left out).
3. The bulk path for ``--bulk`` deals (default 1,000): ``robots.web.bulk.enter_in_bulk`` (look up, write the
   CSV, upload through the browser, verify every row through the API), end to end (the goal: under 60 s).

The sandbox runs in this process on loopback (a threaded Werkzeug server on its own SQLite file).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import Page, sync_playwright  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from robots.bookkeeping import Deal, DealLine  # noqa: E402
from robots.settings import Settings, load_settings  # noqa: E402
from robots.web import (  # noqa: E402
    CREATE_DEAL,
    Target,
    TargetSession,
    deal_input,
    launch_chromium,
    load_target,
    new_context,
)
from robots.web.bulk import BulkStatus, enter_in_bulk  # noqa: E402
from sandbox.accounting import create_app  # noqa: E402
from sandbox.server import serve_in_thread  # noqa: E402

USER, PASSWORD = "bench@example.jp", "bench-Pass-1!"
PARTNERS = ["株式会社サンプル商事", "有限会社テスト物産", "合同会社デモ"]
console = Console()


def make_deal(i: int) -> Deal:
    """A typical deal: two lines (10% and 8%), a seeded partner, both dates, a fresh reference."""
    return Deal(
        issue_date=dt.date(2024, 4, 1) + dt.timedelta(days=i % 28),
        due_date=dt.date(2024, 5, 31),
        partner=PARTNERS[i % len(PARTNERS)],
        reference=f"KRK-{uuid.uuid4().hex[:16]}",
        lines=[
            DealLine(
                account="消耗品費", tax_category="課対仕入10%", amount=11_000 + i, memo=f"INV-{i} コピー用紙"
            ),
            DealLine(account="会議費", tax_category="課対仕入8%（軽）", amount=1_080, memo="弁当"),
        ],
    )


# -- (a) the minimal script -------------------------------------------------------------------------------
def script_login(page: Page, url: str) -> None:
    page.goto(f"{url}/login")
    page.get_by_label("メールアドレス").fill(USER)
    page.get_by_label("パスワード").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="ログイン").click()


def script_enter(page: Page, url: str, deal: Deal) -> None:
    """What a person would hand-write: open the form, type, pick the partner, submit, wait for the page."""
    page.goto(f"{url}/deals/new")
    page.get_by_label("収支区分").select_option(deal.kind)
    page.get_by_label("発生日").fill(deal.issue_date.isoformat())
    if deal.due_date:
        page.get_by_label("支払期日").fill(deal.due_date.isoformat())
    page.get_by_role("combobox", name="取引先").fill(deal.partner)
    page.get_by_role("option", name=deal.partner, exact=True).click()
    page.get_by_label("管理番号").fill(deal.reference)
    for n, line in enumerate(deal.lines, start=1):
        if n > 1:
            page.get_by_role("button", name="行を追加").click()
        page.get_by_label(f"勘定科目 {n}", exact=True).select_option(label=line.account)
        page.get_by_label(f"税区分 {n}", exact=True).select_option(label=line.tax_category)
        page.get_by_label(f"金額 {n}", exact=True).fill(str(line.amount))
        if line.memo:
            page.get_by_label(f"備考 {n}", exact=True).fill(line.memo)
    with page.expect_navigation():
        page.get_by_role("button", name="登録する").click()


# -- measuring ----------------------------------------------------------------------------------------------
def stats(values: list[float]) -> tuple[float, float, float]:
    """(median, p90, mean) in seconds."""
    ordered = sorted(values)
    p90 = ordered[max(0, round(len(ordered) * 0.9) - 1)]
    return statistics.median(ordered), p90, statistics.fmean(ordered)


def per_record(
    settings: Settings, target: Target, url: str, count: int, evidence: Path
) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"script": [], "robot": []}
    with sync_playwright() as pw:
        browser = launch_chromium(pw, settings)
        context = new_context(browser, settings)
        page = context.new_page()
        script_login(page, url)
        with TargetSession(settings, target, browser=browser) as session:
            session.robot().ensure_logged_in()
            # One unmeasured record each: the first page of a context pays for caches and compilation.
            script_enter(page, url, make_deal(0))
            session.enter(CREATE_DEAL, deal_input(make_deal(0)), evidence_dir=evidence)

            def robot(i: int) -> None:
                outcome = session.enter(CREATE_DEAL, deal_input(make_deal(i)), evidence_dir=evidence)
                assert outcome.created and outcome.screenshot is not None

            runners = {"script": lambda i: script_enter(page, url, make_deal(i)), "robot": robot}
            for i in range(1, count + 1):
                order = ("script", "robot") if i % 2 else ("robot", "script")  # alternate who goes first
                for name in order:
                    start = time.perf_counter()
                    runners[name](i)
                    times[name].append(time.perf_counter() - start)
        context.close()
        browser.close()
    return times


def throughput(
    settings: Settings, target: Target, workers: int, total: int, evidence: Path
) -> tuple[float, list[float]]:
    """(wall seconds for ``total`` records shared by ``workers`` threads, seconds of each record)."""
    ready = threading.Barrier(workers + 1)
    done = threading.Barrier(workers + 1)
    latencies: list[float] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    shares = [total // workers + (1 if k < total % workers else 0) for k in range(workers)]

    def work(share: int) -> None:
        try:
            with TargetSession(settings, target) as session:  # its own Playwright and Chromium, this thread
                session.robot().ensure_logged_in()  # from the saved login: no new login
                ready.wait()
                for i in range(share):
                    start = time.perf_counter()
                    session.enter(CREATE_DEAL, deal_input(make_deal(i)), evidence_dir=evidence)
                    with lock:
                        latencies.append(time.perf_counter() - start)
                done.wait()
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
            ready.abort()
            done.abort()

    threads = [
        threading.Thread(target=work, args=(share,), name=f"worker-{k}") for k, share in enumerate(shares)
    ]
    for thread in threads:
        thread.start()
    try:
        ready.wait()
        start = time.perf_counter()
        done.wait()
        wall = time.perf_counter() - start
    except threading.BrokenBarrierError:
        wall = float("nan")
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return wall, latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=30, help="records per side in the per-record comparison")
    parser.add_argument("--throughput", type=int, default=24, help="records per worker configuration")
    parser.add_argument("--bulk", type=int, default=1000, help="deals for the bulk path")
    parser.add_argument("--quick", action="store_true", help="a smaller run: 8 / 8 / 200")
    args = parser.parse_args()
    if args.quick:
        args.count, args.throughput, args.bulk = 8, 8, 200

    work = Path(tempfile.mkdtemp(prefix="kuroko-bench-entry-"))
    os.environ["KUROKO_HOME"] = str(work / "home")
    settings = load_settings()
    app = create_app(work / "sandbox.sqlite3", username=USER, password=PASSWORD)
    with serve_in_thread(app, "127.0.0.1", 0) as server:
        os.environ["KUROKO_SANDBOX_ACCOUNTING_URL"] = server.url
        os.environ["KUROKO_SANDBOX_ACCOUNTING_USERNAME"] = USER
        os.environ["KUROKO_SANDBOX_ACCOUNTING_PASSWORD"] = PASSWORD
        target = load_target("sandbox-accounting", settings.config_dir)
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        console.print(f"sandbox {server.url}, work folder {work}, {os.cpu_count()} CPUs, load average {load}")

        # 1. per record
        times = per_record(settings, target, server.url, args.count, work / "evidence-1")
        table = Table(
            "who",
            "records",
            "median s",
            "p90 s",
            "mean s",
            title=f"seconds per record, same form, alternating, {args.count} each (after one warm-up each)",
        )
        for name, label in (
            ("script", "minimal script (type + submit)"),
            ("robot", "robot (find + type + save + verify + screenshot)"),
        ):
            median, p90, mean = stats(times[name])
            table.add_row(label, str(len(times[name])), f"{median:.3f}", f"{p90:.3f}", f"{mean:.3f}")
        ratio = stats(times["robot"])[0] / stats(times["script"])[0]
        ratio_mean = stats(times["robot"])[2] / stats(times["script"])[2]
        table.add_row("ratio robot / script", "", f"{ratio:.2f}", "", f"{ratio_mean:.2f}")
        console.print(table)

        # 2. throughput
        table = Table(
            "workers",
            "records",
            "wall s",
            "records / min",
            "median s per record",
            "p90 s",
            title="robot throughput: one thread, Playwright and Chromium per worker (start-up not timed)",
        )
        for workers in (1, 2, 4):
            wall, latencies = throughput(
                settings, target, workers, args.throughput, work / f"evidence-{workers}w"
            )
            median, p90, _ = stats(latencies)
            table.add_row(
                str(workers),
                str(len(latencies)),
                f"{wall:.1f}",
                f"{len(latencies) / wall * 60:.0f}",
                f"{median:.3f}",
                f"{p90:.3f}",
            )
        console.print(table)

        # 3. bulk
        deals = [make_deal(i) for i in range(args.bulk)]
        with TargetSession(settings, target) as session:
            session.robot().ensure_logged_in()
            start = time.perf_counter()
            out = enter_in_bulk(session, deals, work_dir=work / "csv", evidence_dir=work / "evidence-bulk")
            total = time.perf_counter() - start
        counts = out.counts()
        table = Table(
            "phase",
            "seconds",
            title=f"bulk path, {args.bulk:,} deals ({sum(len(d.lines) for d in deals):,} CSV rows)",
        )
        for phase in ("lookup", "write", "upload", "verify", "form"):
            if phase in out.timings:
                table.add_row(phase, f"{out.timings[phase]:.2f}")
        table.add_row("total (end to end)", f"{total:.2f}")
        table.add_row("deals per second", f"{args.bulk / total:.0f}")
        console.print(table)
        console.print(
            "bulk outcome: " + ", ".join(f"{status.value} {n}" for status, n in counts.items()),
            f"uploads {len(out.uploads)}, evidence {[str(u.screenshot) for u in out.uploads]}",
        )

    ok_ratio = ratio <= 1.5
    ok_bulk = total < 60 and counts[BulkStatus.ENTERED_BY_IMPORT] == args.bulk
    colour = {True: "green", False: "red"}
    console.print(
        f"[{colour[ok_ratio]}]robot within 1.5x of the minimal script (medians): {ok_ratio} ({ratio:.2f}x)[/]"
    )
    console.print(
        f"[{colour[ok_bulk]}]bulk path, {args.bulk:,} deals entered and verified in under a minute: "
        f"{ok_bulk} ({total:.1f} s)[/]"
    )


if __name__ == "__main__":
    main()
