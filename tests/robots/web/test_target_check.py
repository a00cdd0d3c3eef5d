"""``target check`` in-process against the real sandbox: which locators matched by their first choice, which
by a fallback, which not at all; nothing saved."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

import pytest

from robots.web import TargetSession, check_target

pytestmark = pytest.mark.e2e


def _by_key(report) -> dict[str, tuple[str, int | None]]:  # noqa: ANN001
    return {c.key: (c.status, c.index) for c in report.locators}


def test_the_shipped_recipe_matches_every_locator_by_its_first_choice_and_saves_nothing(
    settings, sandbox_target, accounting, chromium, tmp_path: Path
) -> None:
    receipt = tmp_path / "receipt.pdf"
    receipt.write_bytes(b"%PDF-1.4\n%%EOF\n")
    sample = sandbox_target.operations["create_deal"].sample or {}
    existing = sample | {
        "ref_number": f"KRK-CHK-{uuid.uuid4().hex[:8]}",
        "attachment": str(receipt),
        "attachment_sha256": hashlib.sha256(receipt.read_bytes()).hexdigest(),
    }
    with TargetSession(settings, sandbox_target, browser=chromium) as session:  # the record find/verify see
        session.enter("create_deal", existing)
    before = len(accounting.deals())
    report = check_target(sandbox_target, chromium, settings, timeout_ms=3_000)
    assert report.problems == [] and report.exit_code == 0
    statuses = _by_key(report)
    unchecked = {k for k, (status, _) in statuses.items() if status == "not checked"}
    assert unchecked == {
        "login.error",
        "notice.dialog",
        "notice.close",
        "deal.partner_new",
        "deal.errors",
        # an import result page only exists after importing something: nothing to resolve them on
        "import.error",
        "import.row_count",
        "import.accepted_count",
        "import.rejected_count",
    }
    assert {status for k, (status, _) in statuses.items() if k not in unchecked} == {"first choice"}
    assert len(accounting.deals()) == before
    notes = {c.key: c.note for c in report.locators}
    assert notes["deal.errors"] == "only shown when the target refuses"


def test_a_changed_screen_is_exit_1_with_the_fallback_named_and_a_missing_element_exit_2(
    settings, recipes, accounting, chromium
) -> None:
    accounting.chaos(ui_version=2)
    report = check_target(recipes.sandbox(), chromium, settings, timeout_ms=3_000)
    assert report.exit_code == 1 and report.problems == []
    statuses = _by_key(report)
    assert statuses["deal.issue_date"] == ("fallback", 1)
    assert statuses["line.amount"] == ("fallback", 1)
    assert statuses["detail.amount"] == ("first choice", 0)  # test ids did not change
    fallback = next(c for c in report.locators if c.key == "deal.issue_date")
    assert fallback.strategy == "css='input[name=issue_date]'"

    gone = recipes.sandbox(
        lambda t: t.replace('    - css: "input[name=ref_number]"\n', '    - css: "#gone"\n')
    )
    report = check_target(gone, chromium, settings, timeout_ms=1_000)
    assert report.exit_code == 2
    assert _by_key(report)["deal.ref_number"] == ("not found", None)
    assert report.to_dict()["summary"]["not found"] == 1
