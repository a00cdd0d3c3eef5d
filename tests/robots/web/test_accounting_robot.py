"""The accounting robot in real headless Chromium against the real sandbox app (no Prefect)."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest
from reportlab.pdfgen import canvas

from robots.bookkeeping import Deal, DealLine
from robots.errors import BusinessError
from robots.inbox import fingerprint
from robots.settings import PROJECT_ROOT
from robots.web import AccountingRobot, DealRecord, LocatorSpec, compare_deal, load_target

pytestmark = pytest.mark.e2e

CREDS = ("robot@example.jp", "s3cret-Sandbox!")


@pytest.fixture
def robot(page, sandbox_target_env: str) -> AccountingRobot:
    return AccountingRobot(
        page, load_target("sandbox-accounting", PROJECT_ROOT / "config"), timeout_ms=10_000
    )


@pytest.fixture
def pdf(tmp_path: Path) -> Path:
    path = tmp_path / "証憑.pdf"
    c = canvas.Canvas(str(path))
    c.drawString(72, 720, f"receipt {uuid.uuid4()}")
    c.save()
    return path


def _deal(pdf: Path, *, partner: str = "株式会社サンプル商事", amount: int = 11_000) -> Deal:
    return Deal(
        issue_date=dt.date(2024, 4, 1),
        due_date=dt.date(2024, 4, 30),
        partner=partner,
        reference=f"KRK-{uuid.uuid4().hex[:16]}",
        lines=[
            DealLine(account="消耗品費", tax_category="課対仕入10%", amount=amount, memo="INV-1 コピー用紙"),
            DealLine(account="会議費", tax_category="課対仕入8%（軽）", amount=1_080, memo="INV-1 弁当"),
        ],
        attachment=pdf,
        attachment_sha256=fingerprint(pdf).sha256,
    )


def test_enter_deal_creates_verifies_and_then_finds_it_instead_of_entering_again(
    robot: AccountingRobot, pdf: Path, sandbox_api, tmp_path: Path
) -> None:
    deal = _deal(pdf)
    first = robot.enter_deal(deal, CREDS, evidence=tmp_path / "shot.png")
    assert first.created and first.record is not None
    assert first.record.amount == 12_080 and first.record.attachment_sha256 == deal.attachment_sha256
    assert (tmp_path / "shot.png").stat().st_size > 0
    api = sandbox_api.get(f"/api/deals/{first.record_id}")
    assert [(d["account_item"], d["tax_code"], d["amount"]) for d in api["details"]] == [
        ("消耗品費", "課対仕入10%", 11_000),
        ("会議費", "課対仕入8%（軽）", 1_080),
    ]
    second = robot.enter_deal(deal, CREDS)
    assert (second.created, second.record_id) == (False, first.record_id)
    assert len(sandbox_api.deals(ref_number=deal.reference)) == 1


def test_a_partner_missing_from_the_master_is_created_through_the_type_ahead(
    robot: AccountingRobot, pdf: Path, sandbox_api
) -> None:
    name = f"株式会社新規{uuid.uuid4().hex[:6]}"
    outcome = robot.enter_deal(_deal(pdf, partner=name), CREDS)
    assert sandbox_api.get(f"/api/deals/{outcome.record_id}")["partner_name"] == name


def test_wrong_password_is_a_business_error(robot: AccountingRobot, pdf: Path) -> None:
    with pytest.raises(BusinessError) as err:
        robot.enter_deal(_deal(pdf), ("robot@example.jp", "wrong"))
    assert err.value.code == "target.login_failed"
    assert "wrong" not in err.value.message


def test_a_refusal_by_the_target_carries_its_own_message_and_is_not_retryable(
    robot: AccountingRobot, pdf: Path, sandbox_api
) -> None:
    deal = _deal(pdf, amount=1_000_000_000)  # above the app's limit
    with pytest.raises(BusinessError) as err:
        robot.enter_deal(deal, CREDS)
    assert err.value.code == "target.rejected" and not err.value.retryable
    assert "金額" in err.value.message
    assert sandbox_api.deals(ref_number=deal.reference) == []


def test_a_fallback_locator_is_used_and_reported(page, sandbox_target_env: str, pdf: Path) -> None:
    target = load_target("sandbox-accounting", PROJECT_ROOT / "config")
    target.locators["login.email"] = [LocatorSpec(label="ログインID"), *target.locators["login.email"]]
    robot = AccountingRobot(page, target, timeout_ms=10_000)
    robot.enter_deal(_deal(pdf), CREDS)
    assert robot.fallbacks == ["login.email"]


def test_compare_deal_lists_every_difference(pdf: Path) -> None:
    deal = _deal(pdf)
    record = DealRecord(
        id="1",
        kind="支出",
        issue_date="2024-04-01",
        due_date=None,
        partner="株式会社サンプル商事",
        reference=deal.reference,
        amount=12_080,
        lines=[
            DealLine(account="消耗品費", tax_category="課対仕入10%", amount=11_000, memo="INV-1 コピー用紙"),
            DealLine(account="雑費", tax_category="課対仕入8%（軽）", amount=1_080, memo="INV-1 弁当"),
        ],
        attachment_sha256="0" * 64,
    )
    diffs = compare_deal(deal, record, check_sha256=True)
    assert [d.split(":")[0] for d in diffs] == ["支払期日", "明細2 勘定科目", "証憑 SHA-256"]
    assert (
        compare_deal(
            deal,
            record.__class__(
                **{
                    **record.__dict__,
                    "due_date": "2024-04-30",
                    "lines": deal.lines,
                    "attachment_sha256": deal.attachment_sha256,
                }
            ),
            check_sha256=True,
        )
        == []
    )
