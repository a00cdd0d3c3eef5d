"""Deals entered through the shipped sandbox-accounting recipe, in real Chromium against the real sandbox
accounting app, checked through its JSON API; with its chaos switches for lost answers, a new screen design,
notices that pop up and sessions that end."""

from __future__ import annotations

import datetime as dt
import os
import stat
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from reportlab.pdfgen import canvas

from robots.bookkeeping import Deal, DealLine
from robots.errors import ApplicationError, BusinessError
from robots.inbox import fingerprint
from robots.web import EntryOutcome, Target, TargetSession, deal_input, session_state_path

pytestmark = pytest.mark.e2e


@pytest.fixture
def pdf(tmp_path: Path) -> Path:
    path = tmp_path / "証憑.pdf"
    c = canvas.Canvas(str(path))
    c.drawString(72, 720, f"receipt {uuid.uuid4()}")
    c.save()
    return path


def _deal(
    pdf: Path | None = None,
    *,
    partner: str = "株式会社サンプル商事",
    amount: int = 11_000,
    memo: str = "INV-1 コピー用紙",
) -> Deal:
    return Deal(
        issue_date=dt.date(2024, 4, 1),
        due_date=dt.date(2024, 4, 30),
        partner=partner,
        reference=f"KRK-{uuid.uuid4().hex[:16]}",
        lines=[
            DealLine(account="消耗品費", tax_category="課対仕入10%", amount=amount, memo=memo),
            DealLine(account="会議費", tax_category="課対仕入8%（軽）", amount=1_080, memo=None),
        ],
        attachment=pdf,
        attachment_sha256=fingerprint(pdf).sha256 if pdf else None,
    )


@pytest.fixture
def session(settings, sandbox_target: Target, accounting, chromium) -> Iterator[TargetSession]:
    with TargetSession(settings, sandbox_target, browser=chromium) as s:
        yield s


def test_deals_land_as_typed_with_attachment_and_new_partner_and_a_rerun_only_finds_them(
    session: TargetSession, accounting, pdf: Path, tmp_path: Path
) -> None:
    partner = f"株式会社新規{uuid.uuid4().hex[:6]}"
    deals = [_deal(pdf), _deal(partner=partner)]
    outcomes = [session.enter("create_deal", deal_input(d), evidence_dir=tmp_path / "ev") for d in deals]
    assert [o.created for o in outcomes] == [True, True] and session.logins == 1
    first = accounting.deal(outcomes[0].record_id)
    assert (first["ref_number"], first["issue_date"], first["due_date"], first["amount"]) == (
        deals[0].reference,
        "2024-04-01",
        "2024-04-30",
        12_080,
    )
    assert [(d["account_item"], d["tax_code"], d["amount"], d["description"]) for d in first["details"]] == [
        ("消耗品費", "課対仕入10%", 11_000, "INV-1 コピー用紙"),
        ("会議費", "課対仕入8%（軽）", 1_080, None),
    ]
    assert [r["sha256"] for r in first["receipts"]] == [deals[0].attachment_sha256]
    assert accounting.deal(outcomes[1].record_id)["partner_name"] == partner
    assert outcomes[0].screenshot is not None and outcomes[0].screenshot.stat().st_size > 10_000

    again = session.enter("create_deal", deal_input(deals[0]))
    assert (again.created, again.record_id) == (False, outcomes[0].record_id)
    assert len(accounting.deals(ref_number=deals[0].reference)) == 1


def test_a_refusal_by_the_target_carries_its_message_and_nothing_is_saved(
    session: TargetSession, accounting
) -> None:
    deal = _deal(amount=1_000_000_000)  # above the app's limit
    with pytest.raises(BusinessError) as err:
        session.enter("create_deal", deal_input(deal))
    assert err.value.code == "target.rejected" and not err.value.retryable
    assert "金額" in err.value.message and deal.reference in err.value.message
    assert accounting.deals(ref_number=deal.reference) == []


def test_what_the_target_saved_differently_is_a_mismatch_listing_each_difference(
    session: TargetSession, accounting
) -> None:
    memo = "長い備考" * 70  # 280 characters: the form's maxlength keeps 255 of them
    deal = _deal(memo=memo)
    with pytest.raises(BusinessError) as err:
        session.enter("create_deal", deal_input(deal))
    assert err.value.code == "target.readback_mismatch" and not err.value.retryable
    (diff,) = err.value.details["differences"]
    assert diff == f"明細1 備考: typed {memo!r}, saved {memo[:255]!r}"
    assert len(accounting.deals(ref_number=deal.reference)) == 1  # saved once, then reported, not retried


def test_a_fallback_that_matched_is_reported_in_the_outcome(settings, recipes, accounting, chromium) -> None:
    target = recipes.sandbox(lambda text: text.replace("    - label: 発生日\n", "    - label: 取引日\n", 1))
    with TargetSession(settings, target, browser=chromium) as s:
        outcome = s.enter("create_deal", deal_input(_deal()))
    assert outcome.fallbacks == ["deal.issue_date"]


def test_a_second_session_reuses_the_saved_login_and_a_lost_one_logs_in_again(
    settings, sandbox_target: Target, accounting, chromium
) -> None:
    with TargetSession(settings, sandbox_target, browser=chromium) as first:
        first.enter("create_deal", deal_input(_deal()))
        assert first.logins == 1
    state = session_state_path(settings, "sandbox-accounting")
    assert stat.S_IMODE(os.stat(state).st_mode) == 0o600
    assert "s3cret-Sandbox!" not in state.read_text(encoding="utf-8")

    with TargetSession(settings, sandbox_target, browser=chromium) as second:
        second.enter("create_deal", deal_input(_deal()))
        assert second.logins == 0  # the cookies of the first session were enough
        second.robot().page.context.clear_cookies()  # the target ends the session
        outcome = second.enter("create_deal", deal_input(_deal()))
        assert (outcome.created, outcome.relogins, second.logins) == (True, 1, 1)


def _enter_like_the_flow(
    session: TargetSession, deal: Deal, attempts: int = 8
) -> tuple[EntryOutcome, list[str]]:
    """What flows do: retry application errors on a fresh page, never business errors."""
    errors: list[str] = []
    for _ in range(attempts):
        try:
            return session.enter("create_deal", deal_input(deal)), errors
        except ApplicationError as exc:
            errors.append(exc.message)
            session.reset()
    raise AssertionError(f"{deal.reference} not entered after {attempts} attempts: {errors}")


@pytest.mark.slow
def test_with_5xx_and_answers_lost_after_saving_every_deal_lands_exactly_once(
    session: TargetSession, accounting
) -> None:
    accounting.chaos(error_rate=0.25, seed=3)
    deals, recovered = [_deal() for _ in range(4)], 0
    for deal in deals:
        outcome, errors = _enter_like_the_flow(session, deal)
        lost_after_saving = any("deal.submit" in e for e in errors) and not outcome.created
        recovered += lost_after_saving
    accounting.chaos()
    assert recovered >= 1, "the seed must produce an answer lost after the deal was saved"
    for deal in deals:
        (saved,) = accounting.deals(ref_number=deal.reference)
        assert saved["amount"] == deal.total


def test_a_redesigned_screen_with_notices_popping_up_still_works_and_says_which_locators_fell_back(
    session: TargetSession, accounting
) -> None:
    accounting.chaos(ui_version=2, modal_rate=0.5, seed=1)
    outcome = session.enter("create_deal", deal_input(_deal()))
    assert outcome.created
    assert {"login.email", "deal.issue_date", "line.account", "deal.submit"} <= set(outcome.fallbacks)
    assert "session.logout" not in outcome.fallbacks  # ログアウト kept its name
