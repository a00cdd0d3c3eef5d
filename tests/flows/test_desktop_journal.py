"""desktop_journal: approved expense lines of the ledger → the sandbox desktop program.

Unit tests (mapping, selection, parameter checks) use a real SQLite ledger and need no display. The e2e tests
run the real flow (Prefect test harness) on a virtual display started here (Xvfb), against the real sandbox
program; they compare the program's data file with the source lines of the ledger, value by value."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from robots.documents.forms_model import ExpenseLine, ExpenseReport, FormResult, FormType
from robots.errors import BusinessError
from robots.inbox import fingerprint
from robots.ledger import DocumentStatus, Ledger
from robots.settings import load_settings
from robots.validation.accounts import load_account_rules

# -- the source: expense reports as the expense_reports flow left them in the ledger ------------------------


@dataclass(frozen=True)
class Line:
    date: str | None
    payee: str
    description: str
    account: str | None
    amount: int
    rate: int | None = 10
    # what the journal program must end up holding (when the line has no date / no account)
    expect_date: str | None = None
    expect_account: str | None = None


@dataclass(frozen=True)
class Report:
    name: str
    employee: str
    applied_on: str
    lines: list[Line]
    corrected_applied_on: str | None = None  # a reviewer's correction of 申請日
    extra: dict[str, Any] = field(default_factory=dict)


REPORTS = [
    Report(
        "経費精算書_山田_2026-04.xlsx",
        "山田 太郎",
        "2026-04-30",
        [
            Line("2026-04-01", "東海旅客鉄道株式会社", "新幹線 東京－新大阪（往復）", "旅費交通費", 28340),
            Line("2026-04-03", "株式会社文具堂", "コピー用紙・トナー", "消耗品費", 5500),
            Line("2026-04-08", "珈琲館 渋谷店", "打合せ コーヒー代", "会議費", 1320),
            Line(None, "日本交通株式会社", "タクシー代（深夜）", None, 4180, expect_date="2026/04/30",
                 expect_account="旅費交通費"),
        ],
    ),
    Report(
        "立替経費精算書_佐藤_2026-05.xlsx",
        "佐藤 花子",
        "2026-05-15",
        [
            Line("2026-05-01", "株式会社ＡＢＣ書店", "書籍「インボイス制度の実務」", "新聞図書費", 3080),
            Line("2026-05-07", "ＮＴＴ東日本", "インターネット回線 ５月分", "通信費", 5280),
            Line("2026-05-10", "スーパーまるや", "お茶・菓子（来客用）※軽減税率", "会議費", 864, rate=8),
        ],
    ),
    Report(
        "経費精算書_髙橋_2026-05.xlsx",
        "髙橋 一郎",
        "2026-05-02",
        [
            Line("2026-05-12", "有限会社やまだ印刷", "名刺印刷 100枚", "消耗品費", 2200),
            Line(None, "日本郵便株式会社", "切手代（84円×10枚）", None, 840, expect_date="2026/05/20",
                 expect_account="通信費"),
            Line("2026-05-18", "東京電力エナジーパートナー株式会社", "電気料金 ４月分（在宅勤務）",
                 "水道光熱費", 3960),
        ],
        corrected_applied_on="2026-05-20",
    ),
]  # fmt: skip

FAILED_REPORT = Report(
    "経費精算書_未承認.xlsx",
    "鈴木 次郎",
    "2026-05-25",
    [
        Line("2026-05-21", "料亭 さくら", "接待 飲食代", "交際費", 33000),
        Line("2026-05-22", "株式会社ハイヤー東京", "ハイヤー代", "旅費交通費", 15400),
    ],
)


def _xlsx(path: Path, report: Report) -> Path:
    """A small real 経費精算書 workbook (what the expense_reports flow read); kept when it exists (the same
    file arriving again has the same bytes)."""
    if path.exists():
        return path
    wb = Workbook()
    ws = wb.active
    ws.title = "経費精算書"
    ws.append(["経費精算書"])
    ws.append(["申請日", report.applied_on, "氏名", report.employee])
    ws.append(["日付", "支払先", "内容", "勘定科目", "金額", "税率"])
    for line in report.lines:
        ws.append([line.date, line.payee, line.description, line.account, line.amount, line.rate])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _extracted(path: Path, sha256: str, report: Report) -> dict[str, Any]:
    fields = ExpenseReport(
        employee=report.employee,
        applied_on=dt.date.fromisoformat(report.applied_on),
        lines=[
            ExpenseLine(
                date=dt.date.fromisoformat(ln.date) if ln.date else None,
                payee=ln.payee,
                description=ln.description,
                account=ln.account,
                amount=ln.amount,
                rate=ln.rate,
            )
            for ln in report.lines
        ],
        total=sum(ln.amount for ln in report.lines),
    )
    return FormResult(
        path=str(path), sha256=sha256, document_type=FormType.EXPENSE_REPORT, fields=fields
    ).to_json_dict()


def seed(
    ledger: Ledger,
    folder: Path,
    reports: list[Report],
    *,
    status: DocumentStatus = DocumentStatus.ENTERED,
    flow: str = "expense_reports",
) -> list[str]:
    """An expense_reports run in the ledger that entered ``reports`` (Ledger API only); their sha256s."""
    run_id = ledger.start_run(flow, target="sandbox-accounting", parameters={"inbox": str(folder)})
    shas = []
    for report in reports:
        path = _xlsx(folder / report.name, report)
        fp = fingerprint(path)
        doc_id = ledger.add_document(run_id, path=path, sha256=fp.sha256, size=fp.size)
        extracted = _extracted(path, fp.sha256, report)
        ledger.update_document(doc_id, document_type="expense_report", extracted=extracted)
        if report.corrected_applied_on:
            review_id = ledger.open_review(
                doc_id,
                run_id=run_id,
                reason_code="review.low_confidence",
                message="申請日 unsure",
                fields=extracted["fields"],
                findings=[],
            )
            ledger.decide_review(
                review_id,
                decision="correct",
                by="経理 田中",
                corrections={"applied_on": report.corrected_applied_on},
            )
        ledger.update_document(doc_id, status=status, reference=f"KRK-{fp.sha256[:16]}")
        shas.append(fp.sha256)
    ledger.finish_run(run_id, status="completed", summary={})
    return shas


def expected_entries(reports: list[Report], shas: list[str]) -> list[dict[str, Any]]:
    """What the program must hold for ``reports``, value by value (written out independently of the flow)."""
    out = []
    for report, sha in zip(reports, shas, strict=True):
        for n, ln in enumerate(report.lines, start=1):
            key = f"KRK-{sha[:16]}-{n}"
            out.append(
                {
                    "date": ln.expect_date or ln.date.replace("-", "/"),
                    "debit": ln.expect_account or ln.account,
                    "credit": "未払金",
                    "amount": ln.amount,
                    "memo": f"[{key}] {ln.description}",
                    "partner": ln.payee,
                }
            )
    return out


@pytest.fixture
def ledger(kuroko_home: Path) -> Iterator[Ledger]:
    with Ledger(load_settings().ledger_url) as led:
        led.migrate()
        yield led


# -- unit: mapping and selection ---------------------------------------------------------------------------


def _lines(ledger: Ledger, **kw: Any):
    from flows.desktop_journal import approved_lines

    rules = load_account_rules(load_settings().config_dir / "rules" / "accounts.yaml")
    return approved_lines(ledger, rules=rules, **kw)


def test_every_line_of_an_approved_report_maps_to_one_journal_entry(ledger: Ledger, tmp_path: Path) -> None:
    shas = seed(ledger, tmp_path / "in", REPORTS)
    lines = _lines(ledger)
    got = [ln.entry().as_saved() for ln in lines]
    assert got == expected_entries(REPORTS, shas)
    assert [ln.reference for ln in lines][:2] == [f"KRK-{shas[0][:16]}-1", f"KRK-{shas[0][:16]}-2"]
    assert all(ln.problem is None for ln in lines)


@pytest.mark.parametrize(
    ("line", "why"),
    [
        (Line("2026-04-01", "返品 株式会社文具堂", "返金", "消耗品費", -500), "positive amounts only"),
        (Line("2026-04-01", "無料 イベント", "参加費", "会議費", 0), "positive amounts only"),
    ],
)
def test_a_line_the_program_cannot_take_is_named_with_its_reason(
    ledger: Ledger, tmp_path: Path, line: Line, why: str
) -> None:
    report = Report(
        "返金.xlsx", "山田 太郎", "2026-04-30", [Line("2026-04-02", "珈琲館", "打合せ", "会議費", 600), line]
    )
    seed(ledger, tmp_path / "in", [report])
    first, second = _lines(ledger)
    assert first.problem is None
    assert why in second.problem and "返金.xlsx 行2" in second.problem


def test_only_approved_expense_reports_count_once_each_and_since_limits_by_date(
    ledger: Ledger, tmp_path: Path
) -> None:
    shas = seed(ledger, tmp_path / "a", REPORTS[:1])
    seed(ledger, tmp_path / "a", REPORTS[:1], status=DocumentStatus.ALREADY_ENTERED)  # the same file again
    seed(ledger, tmp_path / "b", [FAILED_REPORT], status=DocumentStatus.FAILED)
    seed(ledger, tmp_path / "c", [REPORTS[1]], status=DocumentStatus.REVIEW)
    seed(ledger, tmp_path / "d", [REPORTS[2]], flow="invoice_intake")
    assert [ln.reference for ln in _lines(ledger)] == [f"KRK-{shas[0][:16]}-{n}" for n in (1, 2, 3, 4)]
    # since: lines dated that day or later (a line without a date takes the report's 申請日 2026-04-30)
    assert [ln.line_no for ln in _lines(ledger, since=dt.date(2026, 4, 3))] == [2, 3, 4]
    assert _lines(ledger, since=dt.date(2026, 5, 1)) == []


def test_lines_confirmed_in_the_program_are_not_selected_again(ledger: Ledger, tmp_path: Path) -> None:
    from flows.desktop_journal import OPERATION, TARGET

    (sha,) = seed(ledger, tmp_path / "in", REPORTS[:1])
    doc = ledger.documents()[0]
    done = ledger.begin_entry(doc.id, target=TARGET, operation=OPERATION, reference=f"KRK-{sha[:16]}-2")
    ledger.confirm_entry(done, record_id="7")
    failed = ledger.begin_entry(doc.id, target=TARGET, operation=OPERATION, reference=f"KRK-{sha[:16]}-3")
    ledger.fail_entry(failed, detail={"code": "desktop.rejected"})
    ledger.begin_entry(doc.id, target=TARGET, operation=OPERATION, reference=f"KRK-{sha[:16]}-4")  # pending
    assert [ln.line_no for ln in _lines(ledger)] == [1, 3, 4]


def test_the_program_command_names_the_data_file() -> None:
    from flows.desktop_journal import program_command

    data = Path("/tmp/帳簿 data.json")
    assert program_command("", data) == [sys.executable, "-m", "sandbox.desktop", "--data", str(data)]
    assert program_command("journal-app --file {data_file} --fast", data) == [
        "journal-app",
        "--file",
        str(data),
        "--fast",
    ]


@pytest.mark.parametrize(
    ("env", "kw", "code"),
    [
        ({}, {}, "desktop.no_display"),
        ({"DISPLAY": ":99"}, {"credit_account": " "}, "desktop.no_credit_account"),
        ({"DISPLAY": ":99"}, {"program": "no-such-program --data {data_file}"}, "desktop.program_not_found"),
        ({"DISPLAY": ":99"}, {"window_timeout_s": 0}, "desktop.bad_timeout"),
        ({}, {"dry_run": True}, None),
    ],
)  # fmt: skip
def test_parameters_that_cannot_work_fail_before_a_run(
    kuroko_home: Path, monkeypatch: pytest.MonkeyPatch, env: dict, kw: dict, code: str | None
) -> None:
    from flows.desktop_journal import check_parameters

    monkeypatch.delenv("DISPLAY", raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    if code is None:
        check_parameters(**kw)
        return
    with pytest.raises(BusinessError) as caught:
        check_parameters(**kw)
    assert caught.value.code == code


@pytest.mark.e2e
@pytest.mark.usefixtures("prefect_harness")
def test_a_dry_run_maps_and_checks_without_a_display_and_enters_nothing(
    ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.desktop_journal import LineStatus, desktop_journal

    monkeypatch.delenv("DISPLAY", raising=False)
    refund = Line("2026-04-09", "株式会社文具堂", "返品 返金", "消耗品費", -1200)
    report = Report("返金あり.xlsx", "山田 太郎", "2026-04-30", [*REPORTS[0].lines[:2], refund])
    seed(ledger, tmp_path / "inbox", [report])
    data = tmp_path / "journal.json"

    summary = desktop_journal(data_file=data, dry_run=True)

    assert [o.status for o in summary.lines] == [LineStatus.VALIDATED] * 2 + [LineStatus.FAILED]
    assert summary.lines[2].error_code == "desktop.invalid_line"
    assert "返金あり.xlsx 行3" in summary.lines[2].error_message
    assert not data.exists()
    (doc,) = ledger.documents(summary.run_id)
    assert doc.entries == [] and doc.status == "failed"
    assert ledger.get_run(summary.run_id).summary == {"validated": 2, "failed": 1}


# -- e2e: the flow on a virtual display --------------------------------------------------------------------


def _forget_pyautogui() -> None:
    """pyautogui binds to the DISPLAY it sees at its first import: forget it, so that the robot's next import
    binds to the display in use (this module's, or another test module's after this one)."""
    for name in list(sys.modules):
        if name.split(".")[0] in ("pyautogui", "pyscreeze", "mouseinfo"):
            del sys.modules[name]


def _x_files(n: int) -> tuple[str, str]:
    return f"/tmp/.X11-unix/X{n}", f"/tmp/.X{n}-lock"


@pytest.fixture(scope="module")
def screen(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A 1280x800 virtual display (Xvfb on a free display number) for this module."""
    missing = [b for b in ("Xvfb", "xclip", "scrot") if shutil.which(b) is None]
    if missing:
        pytest.skip(f"needs {', '.join(missing)}")
    free = (n for n in range(150, 250) if not any(Path(p).exists() for p in _x_files(n)))
    n = next(free, None)
    assert n is not None, "no free X display number"
    xauth = tmp_path_factory.mktemp("xauth") / "Xauthority"
    xauth.touch()
    proc = subprocess.Popen(
        ["Xvfb", f":{n}", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while not Path(f"/tmp/.X11-unix/X{n}").exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"Xvfb :{n} did not start")
        time.sleep(0.02)  # polling for the socket, not a fixed pause
    _forget_pyautogui()
    try:
        yield {"DISPLAY": f":{n}", "XAUTHORITY": str(xauth), "XDG_SESSION_TYPE": "x11"}
    finally:
        _forget_pyautogui()
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def display(screen: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for k, v in screen.items():
        monkeypatch.setenv(k, v)
    return screen


def saved(data: Path) -> list[dict[str, Any]]:
    if not data.exists():
        return []
    return json.loads(data.read_text("utf-8"))["entries"]


def without_ids(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in e.items() if k != "id"} for e in entries]


def program(data: Path, *flags: str) -> str:
    return " ".join([sys.executable, "-m", "sandbox.desktop", "--data", "{data_file}", *flags])


@pytest.fixture
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """One retry, no delay: the retry path runs, the suite stays fast."""
    import flows.desktop_journal as module

    monkeypatch.setattr(
        module, "enter_line", module.enter_line.with_options(retries=1, retry_delay_seconds=0)
    )


@pytest.mark.e2e
@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness", "display")
def test_enters_the_approved_lines_exactly_and_a_rerun_enters_nothing(ledger: Ledger, tmp_path: Path) -> None:
    from flows.desktop_journal import LineStatus, desktop_journal

    shas = seed(ledger, tmp_path / "inbox", REPORTS)
    seed(ledger, tmp_path / "inbox", [FAILED_REPORT], status=DocumentStatus.FAILED)
    data = tmp_path / "journal.json"

    summary = desktop_journal(program=program(data), data_file=data)

    expected = expected_entries(REPORTS, shas)
    assert len(expected) == 10
    assert without_ids(saved(data)) == expected  # exactly the source, in order; the failed report not at all
    assert [o.status for o in summary.lines] == [LineStatus.ENTERED] * 10
    assert [o.record_id for o in summary.lines] == [str(e["id"]) for e in saved(data)]
    for outcome in summary.lines:  # the evidence: the checked form, in the run folder
        shot = Path(outcome.screenshot)
        assert shot.stat().st_size > 0
        assert shot.parent == load_settings().runs_dir / summary.run_id / outcome.reference
    run = ledger.get_run(summary.run_id)
    assert (run.flow, run.status, run.summary) == ("desktop_journal", "completed", {"entered": 10})
    entries = [e for d in ledger.documents(summary.run_id) for e in d.entries]
    assert sorted((e.reference, e.status, e.record_id) for e in entries) == sorted(
        (o.reference, "confirmed", o.record_id) for o in summary.lines
    )
    assert {d.status for d in ledger.documents(summary.run_id)} == {"entered"}

    before = data.read_bytes()
    again = desktop_journal(program=program(data), data_file=data)
    assert again.lines == []
    assert data.read_bytes() == before
    assert ledger.get_run(again.run_id).status == "completed"


@pytest.mark.e2e
@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness", "display")
def test_a_line_the_program_saved_before_a_crash_is_confirmed_not_entered_twice(
    ledger: Ledger, tmp_path: Path
) -> None:
    from flows.desktop_journal import OPERATION, TARGET, LineStatus, desktop_journal

    report = Report("経費精算書_短い.xlsx", "山田 太郎", "2026-04-30", REPORTS[0].lines[:2])
    (sha,) = seed(ledger, tmp_path / "inbox", [report])
    expected = expected_entries([report], [sha])
    data = tmp_path / "journal.json"
    # An earlier run wrote its intent, the program saved the entry, and the run died before confirming.
    data.write_text(json.dumps({"entries": [{"id": 1, **expected[0]}]}, ensure_ascii=False), "utf-8")
    ledger.begin_entry(
        ledger.documents()[0].id, target=TARGET, operation=OPERATION, reference=f"KRK-{sha[:16]}-1"
    )

    summary = desktop_journal(program=program(data), data_file=data)

    assert [(o.status, o.record_id) for o in summary.lines] == [
        (LineStatus.ALREADY_ENTERED, "1"),
        (LineStatus.ENTERED, "2"),
    ]
    assert without_ids(saved(data)) == expected


@pytest.mark.parametrize(
    ("flag", "code", "window_timeout_s"),
    [
        ("--surprise-dialog", "desktop.unexpected_dialog", 10.0),  # found at once, whatever the timeout
        ("--hang-after-login", "desktop.not_responding", 4.0),  # each attempt waits this long for 伝票入力
    ],
)
@pytest.mark.e2e
@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness", "display", "quick_retries")
def test_trouble_fails_the_line_with_a_screenshot_and_a_rerun_enters_only_what_is_missing(
    ledger: Ledger, tmp_path: Path, flag: str, code: str, window_timeout_s: float
) -> None:
    from flows.desktop_journal import LineStatus, desktop_journal

    data = tmp_path / "journal.json"
    first_shas = seed(ledger, tmp_path / "inbox", REPORTS[:1])
    desktop_journal(program=program(data), data_file=data)
    assert len(saved(data)) == 4
    later_shas = seed(ledger, tmp_path / "inbox", REPORTS[1:])

    troubled = desktop_journal(program=program(data, flag), data_file=data, window_timeout_s=window_timeout_s)

    first, *rest = troubled.lines
    assert (first.status, first.error_code) == (LineStatus.FAILED, code)
    assert Path(first.screenshot).stat().st_size > 0
    assert Path(first.screenshot).parent == load_settings().runs_dir / troubled.run_id / first.reference
    assert {o.status for o in rest} == {LineStatus.SKIPPED} and len(rest) == 5
    assert all(first.reference in o.error_message for o in rest)
    assert len(saved(data)) == 4  # nothing entered
    run = ledger.get_run(troubled.run_id)
    assert (run.status, run.summary) == ("partial", {"failed": 1, "skipped": 5})
    events = [e for e in ledger.events(run_id=troubled.run_id) if e.kind in ("entry.retry", "entry.failed")]
    assert [e.kind for e in events] == [
        "entry.retry",
        "entry.retry",
        "entry.failed",
    ]  # tried twice, then failed
    (entry,) = [e for d in ledger.documents(troubled.run_id) for e in d.entries]
    assert (entry.reference, entry.status) == (first.reference, "failed")
    assert entry.detail["code"] == code and entry.detail["details"]["screenshot"] == first.screenshot

    fixed = desktop_journal(program=program(data), data_file=data)

    assert [o.status for o in fixed.lines] == [LineStatus.ENTERED] * 6
    assert without_ids(saved(data)) == expected_entries(REPORTS, first_shas + later_shas)
    assert len({e["id"] for e in saved(data)}) == 10
