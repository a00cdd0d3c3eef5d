"""Many deals at once through the sandbox's CSV import, in real Chromium against the real sandbox accounting
app (its own SQLite file, served on a free port behind a layer that can lose the answer to an upload after
the sandbox stored it), checked through its JSON API: rows the import refuses go to the form, a second run
enters nothing, a lost answer is recovered without duplicates."""

from __future__ import annotations

import datetime as dt
import json
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from reportlab.pdfgen import canvas

from robots.bookkeeping import Deal, DealLine
from robots.inbox import fingerprint
from robots.web import Target, TargetSession, deal_input
from robots.web.bulk import BulkStatus, deal_differences, enter_in_bulk
from sandbox.server import serve_in_thread

USER, PASSWORD, TOKEN = "bulk@example.jp", "bulk-Pass-1!", "bulk-token"
UNKNOWN_ACCOUNT = "研究開発費"  # not among the sandbox's 勘定科目: the import and the form both refuse it


class _LosesAnswers:
    """Between the browser and the sandbox: the next ``lose`` answers to an import upload are replaced by a
    502 AFTER the sandbox handled (and stored) the upload, as an overloaded proxy does."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.lose = 0
        self.lost: list[str] = []  # the sandbox's own status of each answer that was lost

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if self.lose and environ["REQUEST_METHOD"] == "POST" and environ.get("PATH_INFO") == "/deals/import":
            self.lose -= 1
            status: list[str] = []
            body = self.app(environ, lambda s, _headers, _exc=None: status.append(s))
            try:
                b"".join(body)
            finally:
                getattr(body, "close", lambda: None)()
            self.lost.append(status[0])
            start_response("502 Bad Gateway", [("Content-Type", "text/html; charset=utf-8")])
            return [b"<h1>502 Bad Gateway</h1>"]
        return self.app(environ, start_response)


class _Sandbox:
    def __init__(self, url: str, proxy: _LosesAnswers) -> None:
        self.url = url
        self.proxy = proxy

    def deals(self, refs: list[str]) -> dict[str, list[dict[str, Any]]]:
        """What the target holds per reference (through the API, bearer token: not the robot's login)."""
        query = urlencode({"ref_numbers": ",".join(refs), "limit": 1000})
        req = urllib.request.Request(
            f"{self.url}/api/deals?{query}", headers={"Authorization": f"Bearer {TOKEN}"}
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            found: dict[str, list[dict[str, Any]]] = {}
            for deal in json.load(resp)["deals"]:
                found.setdefault(deal["ref_number"], []).append(deal)
            return found


@pytest.fixture(scope="module")
def bulk_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Sandbox]:
    from sandbox.accounting import create_app

    db = tmp_path_factory.mktemp("bulk-accounting") / "accounting.sqlite3"
    proxy = _LosesAnswers(create_app(db, username=USER, password=PASSWORD, api_token=TOKEN))
    with serve_in_thread(proxy, "127.0.0.1", 0) as server:
        yield _Sandbox(server.url, proxy)


@pytest.fixture
def sandbox(bulk_server: _Sandbox, monkeypatch: pytest.MonkeyPatch) -> _Sandbox:
    bulk_server.proxy.lose, bulk_server.proxy.lost = 0, []
    monkeypatch.setenv("KUROKO_SANDBOX_ACCOUNTING_URL", bulk_server.url)
    monkeypatch.setenv("KUROKO_SANDBOX_ACCOUNTING_USERNAME", USER)
    monkeypatch.setenv("KUROKO_SANDBOX_ACCOUNTING_PASSWORD", PASSWORD)
    return bulk_server


@pytest.fixture
def session(settings, sandbox_target: Target, sandbox: _Sandbox, chromium) -> Iterator[TargetSession]:
    with TargetSession(settings, sandbox_target, browser=chromium) as s:
        yield s


def _deal(
    i: int, *, partner: str = "株式会社サンプル商事", lines: list[DealLine] | None = None, **kw: Any
) -> Deal:
    return Deal(
        issue_date=dt.date(2024, 4, 1) + dt.timedelta(days=i % 28),
        due_date=dt.date(2024, 5, 31) if i % 3 else None,
        partner=partner,
        reference=f"KRK-{uuid.uuid4().hex[:16]}",
        lines=lines
        or [
            DealLine(account="消耗品費", tax_category="課対仕入10%", amount=1_100 + i, memo=f"INV-{i} 用紙"),
            *([DealLine(account="会議費", tax_category="課対仕入8%（軽）", amount=1_080)] if i % 2 else []),
        ],
        **kw,
    )


@pytest.mark.e2e
@pytest.mark.slow
def test_fifty_deals_imported_refusals_to_the_form_or_failed_with_the_targets_reason_rerun_enters_nothing(
    session: TargetSession, sandbox: _Sandbox, tmp_path: Path
) -> None:
    new_partner = f"株式会社一括{uuid.uuid4().hex[:6]}"
    plain = [_deal(i, partner=new_partner if i % 5 == 0 else "株式会社サンプル商事") for i in range(44)]
    income = plain[7] = _deal(
        7, kind="income", lines=[DealLine(account="売上高", tax_category="課税売上10%", amount=55_000)]
    )
    there = _deal(100)
    unknown = [
        _deal(i, lines=[DealLine(account=UNKNOWN_ACCOUNT, tax_category="課対仕入10%", amount=5_000)])
        for i in (101, 102)
    ]
    long_memo = _deal(
        103, lines=[DealLine(account="雑費", tax_category="対象外", amount=300, memo="長" * 280)]
    )
    pdf = tmp_path / "証憑.pdf"
    c = canvas.Canvas(str(pdf))
    c.drawString(72, 720, f"receipt {uuid.uuid4()}")
    c.save()
    attached = _deal(104, attachment=pdf, attachment_sha256=fingerprint(pdf).sha256)
    not_in_sjis = _deal(105, partner=f"𠮷野商店{uuid.uuid4().hex[:4]}")  # 𠮷 has no Shift_JIS code
    deals = [*plain[:20], there, *unknown, long_memo, attached, not_in_sjis, *plain[20:]]
    assert len({d.reference for d in deals}) == 50
    assert session.enter("create_deal", deal_input(there)).created  # on the target before the batch

    out = enter_in_bulk(
        session, deals, work_dir=tmp_path / "csv", evidence_dir=tmp_path / "ev", encoding="shift_jis"
    )

    assert list(out.results) == [d.reference for d in deals]  # input order
    status = {ref: r.status for ref, r in out.results.items()}
    assert {d.reference for d in plain} == {r for r, s in status.items() if s == BulkStatus.ENTERED_BY_IMPORT}
    assert [r.reference for r in out.with_status(BulkStatus.ENTERED_BY_FORM)] == [
        attached.reference,
        not_in_sjis.reference,
    ]
    assert [r.reference for r in out.with_status(BulkStatus.ALREADY)] == [there.reference]
    assert out.entered == 46 and len(out.failed) == 3

    saved = sandbox.deals([d.reference for d in deals])
    for deal in [*plain, attached, not_in_sjis, there]:
        (one,) = saved[deal.reference]  # exactly one each
        assert deal_differences(deal, one) == [], deal.reference
        assert str(one["id"]) == out.results[deal.reference].record_id
    assert saved[income.reference][0]["type"] == "income"
    assert saved[plain[0].reference][0]["partner_name"] == new_partner  # created by the import

    for deal in unknown:  # refused by the import; the form offers no such 勘定科目: not typed, not saved
        result = out.results[deal.reference]
        assert (result.status, result.code, result.retryable) == (BulkStatus.FAILED, "target.rejected", False)
        assert f"勘定科目「{UNKNOWN_ACCOUNT}」は使用できません" in (result.import_reason or "")
        assert result.reason and result.reason.startswith(result.import_reason or "-")
        assert deal.reference not in saved
    memo = out.results[long_memo.reference]  # refused by the import; the form keeps 255 characters of it
    assert "備考は255文字以内" in (memo.import_reason or "")
    assert (memo.status, memo.code) == (BulkStatus.FAILED, "target.readback_mismatch")
    assert memo.differences and memo.differences[0].startswith("明細1 備考:")
    assert "cannot be written in shift_jis" in (out.results[not_in_sjis.reference].import_reason or "")

    (upload,) = out.uploads
    assert (upload.rows, upload.accepted, upload.rejected) == (sum(len(d.lines) for d in plain) + 3, 44, 3)
    assert upload.batch_id and upload.screenshot and upload.screenshot.stat().st_size > 10_000
    assert out.results[attached.reference].screenshot is not None

    again = enter_in_bulk(session, deals, work_dir=tmp_path / "csv2", evidence_dir=tmp_path / "ev2")
    assert again.entered == 0
    assert [u.references for u in again.uploads] == [2]  # only the two the import refuses, again
    assert len(again.with_status(BulkStatus.ALREADY)) == 47
    assert {r.reference for r in again.failed} == {*(d.reference for d in unknown), long_memo.reference}
    assert again.results[long_memo.reference].code == "target.readback_mismatch"
    assert sandbox.deals([d.reference for d in deals]) == saved  # nothing new, nothing changed


@pytest.mark.e2e
def test_an_upload_whose_answer_is_lost_after_the_import_stored_it_is_recovered_without_duplicates(
    session: TargetSession, sandbox: _Sandbox, tmp_path: Path
) -> None:
    deals = [_deal(i) for i in range(12)]
    sandbox.proxy.lose = 1

    out = enter_in_bulk(session, deals, work_dir=tmp_path / "csv", evidence_dir=tmp_path / "ev")

    assert sandbox.proxy.lost == ["303 SEE OTHER"]  # the sandbox had stored the import
    (upload,) = out.uploads  # looked up by reference, found them all: nothing sent again
    assert upload.batch_id is None and "502" in (upload.error or "")
    assert [r.status for r in out.results.values()] == [BulkStatus.ENTERED_BY_IMPORT] * 12
    saved = sandbox.deals([d.reference for d in deals])
    assert all(len(saved[d.reference]) == 1 and not deal_differences(d, saved[d.reference][0]) for d in deals)


@pytest.mark.e2e
def test_a_lost_answer_before_anything_was_stored_sends_the_file_again(
    session: TargetSession, sandbox: _Sandbox, tmp_path: Path
) -> None:
    deals = [_deal(i) for i in range(5)]
    page = session.robot().page
    aborted: list[str] = []

    def drop_first_upload(route: Any) -> None:
        if route.request.method == "POST" and not aborted:
            aborted.append(route.request.url)
            route.abort("connectionreset")  # never reaches the sandbox
        else:
            route.continue_()

    page.route("**/deals/import", drop_first_upload)
    out = enter_in_bulk(session, deals, work_dir=tmp_path / "csv")
    assert len(aborted) == 1 and len(out.uploads) == 2
    assert out.uploads[0].error and out.uploads[1].accepted == 5
    assert out.uploads[1].file.name.endswith("-retry1.csv")
    assert [r.status for r in out.results.values()] == [BulkStatus.ENTERED_BY_IMPORT] * 5
    assert all(len(found) == 1 for found in sandbox.deals([d.reference for d in deals]).values())


def test_different_deals_sharing_a_reference_are_not_entered_and_the_browser_is_not_even_started(
    settings, sandbox_target: Target, tmp_path: Path
) -> None:
    a = _deal(1)
    b = a.model_copy(update={"partner": "有限会社テスト物産"})
    with TargetSession(settings, sandbox_target) as session:
        out = enter_in_bulk(session, [a, b, a], work_dir=tmp_path)
        assert session._pw is None  # nothing was asked of the target
    (result,) = out.results.values()
    assert (result.status, result.code) == (BulkStatus.FAILED, "input.duplicate_reference")


_SAVED = {
    "type": "expense",
    "issue_date": "2024-04-01",
    "due_date": "2024-04-30",
    "partner_name": "株式会社サンプル商事",
    "ref_number": "KRK-0000000000000001",
    "amount": 12_080,
    "details": [
        {
            "account_item": "消耗品費",
            "tax_code": "課対仕入10%",
            "amount": 11_000,
            "description": "コピー 用紙",
        },
        {"account_item": "会議費", "tax_code": "課対仕入8%（軽）", "amount": 1_080, "description": None},
    ],
    "receipts": [],
}
_WRITTEN = Deal(
    issue_date=dt.date(2024, 4, 1),
    due_date=dt.date(2024, 4, 30),
    partner="株式会社サンプル商事",
    reference="KRK-0000000000000001",
    lines=[
        DealLine(account="消耗品費", tax_category="課対仕入10%", amount=11_000, memo="コピー  用紙"),
        DealLine(account="会議費", tax_category="課対仕入8%（軽）", amount=1_080),
    ],
)


@pytest.mark.parametrize(
    ("saved", "written", "differences"),
    [
        ({}, {}, []),
        ({"partner_name": "株式会社サンプル商事 "}, {}, []),  # spaces collapse, as in the form's read-back
        ({"type": "income"}, {}, ["収支区分: typed 'expense', saved 'income'"]),
        ({"due_date": None}, {}, ["支払期日: typed '2024-04-30', saved None"]),
        ({}, {"due_date": None}, ["支払期日: typed None, saved '2024-04-30'"]),
        ({"amount": 12_000}, {}, ["金額: typed 12080, saved 12000"]),
        (
            {"details": _SAVED["details"][:1], "amount": 11_000},
            {},
            ["金額: typed 12080, saved 11000", "明細の行数: typed 2, saved 1"],
        ),
        (
            {"details": [{**_SAVED["details"][0], "description": "コピー"}, _SAVED["details"][1]]},
            {},
            ["明細1 備考: typed 'コピー 用紙', saved 'コピー'"],
        ),
        ({}, {"attachment_sha256": "ab" * 32}, [f"証憑 SHA-256: typed {'ab' * 32!r}, saved None"]),
        ({"receipts": [{"sha256": "ab" * 32}]}, {"attachment_sha256": "ab" * 32}, []),
    ],
)
def test_a_saved_deal_is_compared_field_by_field_with_what_was_written(
    saved: dict[str, Any], written: dict[str, Any], differences: list[str]
) -> None:
    assert deal_differences(_WRITTEN.model_copy(update=written), _SAVED | saved) == differences
