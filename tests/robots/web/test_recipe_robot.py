"""The recipe interpreter in real headless Chromium against a small HR-like site of our own (conftest):
TOTP login, type-ahead with "create new", rows, a confirm dialog, a notice that pops up, fail_if, sessions
that end, masks on evidence, no secrets in logs or traces, and the Python escape hatch."""

from __future__ import annotations

import datetime as dt
import logging
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
from PIL import Image

from robots.errors import ApplicationError, BusinessError
from robots.web import StepContext, Target, TargetSession, register_step

pytestmark = pytest.mark.e2e

HR_PASSWORD = "pa55-Word!hr"
HR_SEED = "JBSWY3DPEHPK3PXPJBSWY3DP"


def _employee(code: str, **changes: Any) -> dict[str, Any]:
    return {
        "code": code,
        "name": "山田 太郎",
        "kana": "やまだ　たろう",  # typed as full-width katakana by the recipe
        "entry_date": dt.date(2024, 4, 1),
        "kind": "regular",
        "dept": "経理部",
        "bank_account": "１２３４５６７",  # full-width digits: |digits folds them
        "my_number": "1234 5678 9018",
        "agree": True,
        "dependents": [{"rel": "配偶者", "name": "山田 花子"}, {"rel": "子", "name": "山田 一郎"}],
        "doc": None,
    } | changes


@pytest.fixture
def session(settings, hr_target: Target, chromium) -> Iterator[TargetSession]:
    with TargetSession(settings, hr_target, browser=chromium) as s:
        yield s


def test_totp_login_then_every_kind_of_step_enters_verifies_and_a_second_run_only_finds(
    session: TargetSession, hr_site, tmp_path: Path
) -> None:
    doc = tmp_path / "雇用契約書.pdf"
    doc.write_bytes(b"%PDF-1.4\n%%EOF\n")
    first = session.enter(
        "create_employee", _employee("E-001", dept="法務部", doc=str(doc)), evidence_dir=tmp_path / "ev"
    )
    assert (first.created, first.record_id, session.logins, hr_site.logins) == (True, "1", 1, 1)
    (saved,) = hr_site.employees
    assert saved | {"id": 0} == {
        "id": 0,
        "code": "E-001",
        "name": "山田 太郎",
        "kana": "ヤマダ\u3000タロウ",
        "entry_date": "2024/04/01",
        "kind": "正社員",
        "dept": "法務部",  # not in the list: made through the type-ahead's "register new" entry
        "bank_account": "1234567",
        "my_number": "123456789018",
        "agree": "はい",
        "dependents": [{"rel": "配偶者", "name": "山田 花子"}, {"rel": "子", "name": "山田 一郎"}],
        "doc": "雇用契約書.pdf",
    }
    assert first.record["saved_name"] == "山田 太郎"
    assert "saved_bank" not in first.record  # a sensitive read is never handed back
    assert first.fallbacks == []

    again = session.enter("create_employee", _employee("E-001", dept="法務部"))
    assert (again.created, again.record_id) == (False, "1")
    assert len(hr_site.employees) == 1 and hr_site.logins == 1


def test_a_refusal_carries_the_targets_own_message_and_is_not_retryable(
    session: TargetSession, hr_site
) -> None:
    with pytest.raises(BusinessError) as err:
        session.enter("create_employee", _employee("E-002", bank_account="12345678"))
    assert err.value.code == "target.rejected" and not err.value.retryable
    assert "口座番号は7桁の数字で入力してください" in err.value.message and "E-002" in err.value.message
    assert hr_site.employees == []


def test_a_read_back_difference_is_reported_field_by_field_without_sensitive_values(
    session: TargetSession, hr_site
) -> None:
    session.enter("create_employee", _employee("E-003"))
    hr_site.employees[0] |= {"name": "山田 太朗", "my_number": "123456789019", "dependents": []}
    with pytest.raises(BusinessError) as err:
        session.enter("create_employee", _employee("E-003"))
    diffs = err.value.details["differences"]
    assert diffs[0] == "rec.name: typed '山田 太郎', saved '山田 太朗'"  # no field: named by its locator
    assert diffs[1] == "マイナンバー: the saved value differs from the typed one (sensitive: not shown)"
    assert diffs[2] == "扶養家族の人数: typed 2, saved 0"
    assert err.value.code == "target.readback_mismatch" and err.value.details["record_id"] == "1"
    assert "123456789018" not in err.value.message and "123456789019" not in err.value.message


def test_a_notice_dialog_that_pops_up_over_the_form_is_dismissed(
    session: TargetSession, hr_site, caplog: pytest.LogCaptureFixture
) -> None:
    hr_site.modal = True
    with caplog.at_level(logging.INFO, logger="robots"):
        outcome = session.enter("create_employee", _employee("E-004"))
    assert outcome.created and hr_site.employees[0]["code"] == "E-004"
    assert "notice appeared; dismissing it" in caplog.text


def _box_is_black(image: Image.Image, box: dict[str, float]) -> bool:
    x, y, w, h = (int(box[k]) for k in ("x", "y", "width", "height"))
    region = image.crop((x + 2, y + 2, x + w - 2, y + h - 2)).convert("RGB")
    return region.getextrema() == ((0, 0), (0, 0), (0, 0))


def test_the_evidence_screenshot_masks_personal_numbers_bank_accounts_and_password_inputs(
    session: TargetSession, hr_site, tmp_path: Path
) -> None:
    outcome = session.enter("create_employee", _employee("E-005"), evidence_dir=tmp_path / "ev")
    assert outcome.screenshot == tmp_path / "ev" / "E-005.png"
    shot = Image.open(outcome.screenshot)
    page = session.robot().page
    masked = {
        "マイナンバー (sensitive field)": page.get_by_test_id("my-number"),
        "口座番号 ([data-sensitive=true])": page.get_by_test_id("bank-account"),
        "password input": page.locator("input[type=password]"),
    }
    for what, loc in masked.items():
        assert _box_is_black(shot, loc.bounding_box()), what
    assert not _box_is_black(shot, page.get_by_test_id("name").bounding_box()), "names are not masked"


def test_no_password_seed_or_code_in_logs_or_in_the_trace_of_a_failure_with_a_new_login(
    session: TargetSession, hr_site, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        session.enter("create_employee", _employee("E-006"))
        session.robot().page.context.clear_cookies()  # the target forgets the session
        with pytest.raises(BusinessError) as err:
            session.enter("note_employee", {"code": "E-007", "name": ""}, evidence_dir=tmp_path / "ev")
    assert "氏名を入力してください" in err.value.message
    assert session.logins == 2  # logged in again in the middle of a traced operation
    trace = tmp_path / "ev" / "E-007-trace.zip"
    with zipfile.ZipFile(trace) as z:
        recorded = b"".join(z.read(name) for name in z.namelist()).decode("utf-8", "replace")
    assert '"E-007"' in recorded  # the trace does record what was typed after login …
    totp = pyotp.TOTP(HR_SEED)
    codes = {totp.at(dt.datetime.now() + dt.timedelta(seconds=s)) for s in (-60, -30, 0, 30)}
    for secret in (HR_PASSWORD, HR_SEED, *(f'"{c}"' for c in codes)):
        assert secret not in recorded  # … but never the login
        assert secret.strip('"') not in caplog.text
    for personal in ("123456789018", "1234 5678 9018", "1234567", "１２３４５６７"):
        assert personal not in caplog.text


def test_a_session_that_keeps_ending_is_given_up_after_two_new_logins(
    session: TargetSession, hr_site
) -> None:
    hr_site.broken_paths = {"/employees/new"}
    with pytest.raises(ApplicationError) as err:
        session.enter("create_employee", _employee("E-008"))
    assert err.value.code == "target.session_lost" and err.value.retryable
    assert session.logins == 3  # the first login, then two more
    assert hr_site.employees == []


def test_a_wrong_password_is_a_business_error_without_the_password(
    session: TargetSession, hr_site, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KUROKO_TEST_HR_PASSWORD", "wrong-Pa55")
    session.credentials._cache.clear()  # the session read the environment already
    with pytest.raises(BusinessError) as err:
        session.enter("create_employee", _employee("E-009"))
    assert err.value.code == "target.login_failed"
    assert (
        "ユーザー名またはパスワードが違います" in err.value.message and "wrong-Pa55" not in err.value.message
    )


def test_frames_keystrokes_unchecking_key_presses_row_reads_and_waits(
    session: TargetSession, hr_site
) -> None:
    outcome = session.enter("widgets", {"code": "W-1"})
    assert outcome.record["rows"] == [{"c": "A", "v": "1"}, {"c": "B", "v": "2"}]
    page = session.robot().page
    assert page.frame_locator("#inner").locator("#in").input_value() == "W-1"
    assert not page.get_by_label("お知らせを受け取る").is_checked()
    assert page.url.endswith("/widgets#done")


# -- the escape hatch -----------------------------------------------------------------------------------
CALLED: list[dict[str, Any]] = []


@register_step("test.count_dependents")
def _count_dependents(ctx: StepContext, *, expected: int, label: str) -> None:
    rows = ctx.page.get_by_test_id("dependent").count()
    CALLED.append({"label": label, "rows": rows, "checking": ctx.checking})
    if rows != expected:
        ctx.differs("扶養家族（Python）", expected, rows)
    ctx.vars["counted"] = rows


def test_a_python_step_registered_by_name_runs_with_rendered_arguments(
    recipes, hr_recipe: str, hr_site, settings, chromium
) -> None:
    text = hr_recipe.replace(
        "    sensitive: [rec.my_number]\n",
        "      - call: test.count_dependents\n"
        "        with: {expected: 0, label: 'E-{code}'}\n"
        "    sensitive: [rec.my_number]\n",
    )
    target = recipes.write("test-hr", text)
    CALLED.clear()
    with TargetSession(settings, target, browser=chromium) as s:
        outcome = s.enter("create_employee", _employee("E-010", dependents=[]))
    assert CALLED == [{"label": "E-E-010", "rows": 0, "checking": False}]
    assert outcome.record["counted"] == 0
