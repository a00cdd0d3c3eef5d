"""Contracts sent through the shipped sandbox-esign recipe, in real Chromium against the real sandbox
e-contract app, checked through its JSON API: the three steps, the 下書き an attempt leaves behind when it
fails half-way, a redesigned screen, and the chaos switches all at once."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from robots.errors import BusinessError
from robots.web import Target, TargetSession, check_target

pytestmark = pytest.mark.e2e


def _ref() -> str:
    return f"KRK-{uuid.uuid4().hex[:16]}"


@pytest.fixture
def session(settings, esign_sandbox_target: Target, sandbox_esign, chromium) -> Iterator[TargetSession]:
    with TargetSession(settings, esign_sandbox_target, browser=chromium) as s:
        yield s


def _as_sent(record: dict[str, Any]) -> dict[str, Any]:
    """What the API should say about a record sent as typed."""
    return {
        "title": record["title"],
        "ref_number": record["ref_number"],
        "status": "sent",
        "file_sha256": record["file_sha256"],
        "signers": record["signers"],
    }


def _saved(api: Any, ref_number: str) -> list[dict[str, Any]]:
    keys = ("title", "ref_number", "status", "file_sha256", "signers")
    return [{k: d[k] for k in keys} for d in api.documents(ref_number)]


def test_a_contract_is_uploaded_signed_in_order_sent_and_a_rerun_only_finds_it(
    session: TargetSession, sandbox_esign, records, tmp_path: Path
) -> None:
    pdf = records.contract_pdf(tmp_path, "業務委託契約書.pdf")
    contract = records.contract(pdf, _ref(), signers=3)
    sent = session.enter(
        "send_contract", contract, reference=contract["ref_number"], evidence_dir=tmp_path / "ev"
    )
    assert (sent.created, sent.fallbacks, session.logins) == (True, [], 1)
    assert _saved(sandbox_esign, contract["ref_number"]) == [_as_sent(contract)]
    assert sandbox_esign.document(sent.record_id)["file_name"] == "業務委託契約書.pdf"
    assert sent.screenshot is not None and sent.screenshot.stat().st_size > 10_000

    again = session.enter("send_contract", contract, reference=contract["ref_number"])
    assert (again.created, again.record_id) == (False, sent.record_id)
    assert len(sandbox_esign.documents(contract["ref_number"])) == 1

    page = session.robot().page  # the signers sign before the next run: still the same contract
    with page.expect_navigation():
        page.get_by_role("button", name="署名済みにする（サンドボックス）").click()
    signed = session.enter("send_contract", contract, reference=contract["ref_number"])
    assert (signed.created, signed.record["sent_status"]) == (False, "署名済み")
    assert sandbox_esign.document(sent.record_id)["status"] == "signed"


def test_a_draft_left_by_a_refused_attempt_is_replaced_and_the_corrected_contract_is_sent_once(
    session: TargetSession, sandbox_esign, records, tmp_path: Path
) -> None:
    contract = records.contract(records.contract_pdf(tmp_path, "c.pdf"), _ref())
    wrong = contract | {"signers": [dict(contract["signers"][0], email="sato@@example")]}
    with pytest.raises(BusinessError) as err:
        session.enter("send_contract", wrong, reference=contract["ref_number"])
    assert (
        err.value.code == "target.rejected" and "メールアドレスの形式が正しくありません" in err.value.message
    )
    (draft,) = sandbox_esign.documents(contract["ref_number"])  # step 1 already stored it
    assert draft["status"] == "draft"

    sent = session.enter("send_contract", contract, reference=contract["ref_number"])
    assert sent.created and sent.record_id != str(draft["id"])
    assert _saved(sandbox_esign, contract["ref_number"]) == [_as_sent(contract)]


def test_a_draft_an_interrupted_attempt_left_after_the_signers_step_is_replaced_not_continued(
    session: TargetSession, sandbox_esign, records, tmp_path: Path
) -> None:
    contract = records.contract(records.contract_pdf(tmp_path, "c.pdf"), _ref(), signers=2)
    page = session.robot().page
    session.robot().ensure_logged_in()
    page.goto(sandbox_esign.url + "/documents/new")  # as far as an attempt got before its answer was lost
    page.get_by_label("契約書PDF").set_input_files(records.contract_pdf(tmp_path, "old.pdf"))
    page.get_by_label("タイトル").fill("古いタイトル")
    page.get_by_label("管理番号", exact=True).fill(contract["ref_number"])
    page.get_by_role("button", name="次へ").click()
    for n, name in ((1, "古い 一"), (2, "古い 二"), (3, "古い 三")):
        if n > 1:
            page.get_by_role("button", name="署名者を追加").click()
        page.get_by_label(f"氏名 {n}", exact=True).fill(name)
        page.get_by_label(f"メールアドレス {n}", exact=True).fill(f"old{n}@example.jp")
    with page.expect_navigation():
        page.get_by_role("button", name="確認へ").click()
    (draft,) = sandbox_esign.documents(contract["ref_number"])
    assert (draft["status"], len(draft["signers"])) == ("draft", 3)

    sent = session.enter("send_contract", contract, reference=contract["ref_number"])
    assert sent.created and sent.record_id != str(draft["id"])
    assert _saved(sandbox_esign, contract["ref_number"]) == [_as_sent(contract)]


def test_a_contract_sent_before_with_other_values_is_a_mismatch_and_is_not_sent_again(
    session: TargetSession, sandbox_esign, records, tmp_path: Path
) -> None:
    contract = records.contract(records.contract_pdf(tmp_path, "c.pdf"), _ref(), signers=1)
    session.enter("send_contract", contract, reference=contract["ref_number"])
    changed = contract | {"title": "業務委託契約書（改訂版）"}
    with pytest.raises(BusinessError) as err:
        session.enter("send_contract", changed, reference=contract["ref_number"])
    assert err.value.code == "target.readback_mismatch"
    assert err.value.details["differences"] == [
        "タイトル: typed '業務委託契約書（改訂版）', saved '業務委託契約書'"
    ]
    assert _saved(sandbox_esign, contract["ref_number"]) == [_as_sent(contract)]


def test_on_the_redesigned_screens_contracts_go_out_through_fallbacks_and_target_check_names_each_one(
    settings, session: TargetSession, esign_sandbox_target: Target, sandbox_esign, records, chromium, tmp_path
) -> None:
    first = records.contract(records.contract_pdf(tmp_path, "a.pdf"), _ref(), signers=1)
    session.enter("send_contract", first, reference=first["ref_number"])  # what the check reads back
    report = check_target(esign_sandbox_target, chromium, settings, timeout_ms=3_000)
    assert (report.exit_code, report.problems, report.count("fallback"), report.count("not found")) == (
        0,
        [],
        0,
        0,
    )
    before = sandbox_esign.get("/api/documents?limit=1000")["total"]

    sandbox_esign.chaos(ui_version=2)
    second = records.contract(records.contract_pdf(tmp_path, "b.pdf"), _ref(), signers=2)
    sent = session.enter("send_contract", second, reference=second["ref_number"])
    assert _saved(sandbox_esign, second["ref_number"]) == [_as_sent(second)]
    renamed = {
        "doc.file",
        "doc.title",
        "doc.ref_number",  # 社内管理番号: only the exact label tells it from 管理番号
        "doc.next",
        "signer.add",
        "signer.name",
        "signer.email",
        "signer.order",
        "signer.to_confirm",
        "doc.send",
    }
    assert set(sent.fallbacks) == renamed  # the saved session: no login, so no login keys

    report = check_target(esign_sandbox_target, chromium, settings, timeout_ms=3_000)
    assert (report.exit_code, report.problems, report.count("not found")) == (1, [], 0)
    fell_back = {c.key: c.strategy for c in report.locators if c.status == "fallback"}
    # signers and 送信する come after the first 次へ, which stores a draft: the check never gets there
    assert set(fell_back) == {
        "login.email",
        "login.submit",
        "doc.file",
        "doc.title",
        "doc.ref_number",
        "doc.next",
    }
    assert fell_back["doc.ref_number"] == "css='input[name=ref_number]'"
    notes = {c.key: c.note for c in report.locators if c.status == "not checked"}
    assert notes["signer.name"] == "only shown after saving"
    assert sandbox_esign.get("/api/documents?limit=1000")["total"] == before + 1  # the checks saved nothing


@pytest.mark.slow
def test_with_latency_5xx_lost_answers_sessions_ending_and_notices_every_contract_is_sent_once(
    session: TargetSession, sandbox_esign, records, retrying, tmp_path: Path
) -> None:
    # A fifth of the page loads and posts fail (half of the failed posts after the tool handled them), a
    # login lasts 6 s, a third of the pages open with a notice. Contracts go out until the batch has seen
    # an answer lost after a post and a session that ended (at least three, at most six).
    sandbox_esign.chaos(latency_ms=20, error_rate=0.2, session_seconds=6, modal_rate=0.3, seed=5)
    contracts: list[dict[str, Any]] = []
    errors: list[str] = []
    while len(contracts) < 3 or (
        len(contracts) < 6 and not (any("HTTP 502" in e for e in errors) and session.logins >= 2)
    ):
        n = len(contracts)
        contract = records.contract(records.contract_pdf(tmp_path, f"{n}.pdf"), _ref(), signers=1 + n % 2)
        _, retried = retrying(
            session, "send_contract", contract, reference=contract["ref_number"], attempts=40
        )
        contracts.append(contract)
        errors += retried
    sandbox_esign.chaos()

    for c in contracts:
        assert _saved(sandbox_esign, c["ref_number"]) == [_as_sent(c)]
    assert any("HTTP 502" in e for e in errors), "an answer lost after a post must have been retried"
    assert any("HTTP 503" in e for e in errors)
    assert session.logins >= 2, "a session must have ended during the batch"
