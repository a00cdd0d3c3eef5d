"""サンドボックス人事労務 in real headless Chromium, driven as robots drive it: by labels, roles and test ids.

Uses the session's one Chromium (tests/conftest.py `chromium`): two sync Playwright instances cannot run in
one process."""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from sandbox.hr import totp

pytestmark = pytest.mark.e2e


@pytest.fixture
def hr_page(chromium: Browser, live_hr: str) -> Iterator[Page]:
    context = chromium.new_context(locale="ja-JP", timezone_id="Asia/Tokyo", base_url=live_hr)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def _api(base: str, path: str, token: str) -> dict[str, Any]:
    request = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def _expect_step(page: Page, name: str) -> None:
    expect(page.get_by_test_id("wizard-steps").locator("[aria-current=step]")).to_have_text(name)
    expect(page.get_by_role("heading", name=name, level=2)).to_be_visible()


def test_an_employee_and_a_week_of_attendance_are_entered_by_labels(
    hr_page: Page, live_hr: str, hr_creds: Any
) -> None:
    page = hr_page
    # Login: password, then the 確認コード of the authenticator app.
    page.goto("/employees/new")
    expect(page).to_have_url(re.compile(r"/login\?next=/employees/new$"))
    page.get_by_label("メールアドレス").fill(hr_creds.user)
    page.get_by_label("パスワード").fill(hr_creds.password)
    page.get_by_role("button", name="ログイン").click()
    expect(page).to_have_title("確認コード | サンドボックス人事労務")
    page.get_by_label("確認コード").fill("000000" if totp(hr_creds.totp_seed) != "000000" else "000001")
    page.get_by_role("button", name="確認").click()
    expect(page.get_by_role("alert")).to_contain_text("確認コードが正しくありません")
    page.get_by_label("確認コード").fill(totp(hr_creds.totp_seed))
    page.get_by_role("button", name="確認").click()

    # 基本情報
    expect(page.get_by_role("heading", name="従業員の登録", level=1)).to_be_visible()
    _expect_step(page, "基本情報")
    page.get_by_label("従業員番号", exact=True).fill("E0100")
    page.get_by_label("姓", exact=True).fill("佐藤")
    page.get_by_label("名", exact=True).fill("花子")
    page.get_by_label("セイ", exact=True).fill("サトウ")
    page.get_by_label("メイ", exact=True).fill("ハナコ")
    page.get_by_label("生年月日").fill("1992-11-03")
    page.get_by_label("性別").select_option(label="女性")
    my_number = page.get_by_label("マイナンバー")
    expect(my_number).to_have_attribute("data-sensitive", "true")
    my_number.fill("123456789019")  # a wrong check digit first
    page.get_by_role("button", name="次へ").click()
    errors = page.get_by_test_id("form-errors")
    expect(errors).to_have_text(re.compile("マイナンバーが正しくありません"))
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_label("姓", exact=True)).to_have_value("佐藤")
    my_number.fill("123456789018")
    page.get_by_role("button", name="次へ").click()

    # 雇用情報
    _expect_step(page, "雇用情報")
    page.get_by_label("入社日").fill("2024-04-01")
    page.get_by_label("雇用形態").select_option(label="契約社員")
    page.get_by_label("給与形態").select_option(label="時給")
    page.get_by_label("基本給").fill("1,500")
    page.get_by_role("button", name="次へ").click()

    # 住所・連絡先, then 戻る and forward again: what was typed is still there.
    _expect_step(page, "住所・連絡先")
    page.get_by_role("button", name="戻る").click()
    _expect_step(page, "雇用情報")
    expect(page.get_by_label("基本給")).to_have_value("1500")
    expect(page.get_by_label("雇用形態")).to_have_value("契約社員")
    page.get_by_role("button", name="次へ").click()
    _expect_step(page, "住所・連絡先")
    page.get_by_label("郵便番号").fill("530-0001")
    page.get_by_label("都道府県").select_option(label="大阪府")
    page.get_by_label("住所", exact=True).fill("大阪市北区梅田1-1-1")
    page.get_by_label("電話番号").fill("06-1234-5678")
    page.get_by_role("button", name="次へ").click()

    # 給与振込口座
    _expect_step(page, "給与振込口座")
    page.get_by_label("銀行コード").fill("0005")
    page.get_by_label("支店コード").fill("123")
    page.get_by_label("口座種別").select_option(label="普通")
    page.get_by_label("口座番号").fill("7654321")
    page.get_by_label("口座名義カナ").fill("ｻﾄｳ ﾊﾅｺ")
    page.get_by_role("button", name="登録する").click()

    expect(page.get_by_role("status")).to_contain_text("従業員を登録しました")
    employee_id = page.get_by_test_id("employee-id").first.inner_text()
    expect(page.get_by_test_id("employee-no")).to_have_text("E0100")
    expect(page.get_by_test_id("name")).to_have_text("佐藤 花子")
    expect(page.get_by_test_id("account-holder")).to_have_text("サトウ ハナコ")
    expect(page.get_by_test_id("account-number")).to_have_text("＊＊＊4321")
    expect(page.get_by_test_id("my-number")).to_have_text("＊＊＊＊＊＊＊＊9018")

    # The list finds the new employee by number.
    page.get_by_role("link", name="従業員一覧").click()
    page.get_by_label("従業員番号").fill("E0100")
    page.get_by_role("button", name="検索").click()
    expect(page.get_by_test_id("employee-row")).to_have_count(1)
    expect(page.get_by_test_id("employee-row")).to_have_attribute("data-employee-id", employee_id)

    # A week of attendance, 2024-04-01 (Mon) .. 04-07 (Sun): the weekend left empty.
    page.goto(f"/employees/{employee_id}/attendance/2024-04")
    expect(page.get_by_test_id("day-row")).to_have_count(30)
    expect(page.locator('[data-testid=day-row][data-date="2024-04-06"]')).to_have_attribute(
        "data-day-off", "true"
    )
    week = {
        "4/1": ("09:00", "18:00", "60", "なし"),
        "4/2": ("09:30", "18:30", "1:00", "なし"),
        "4/3": ("", "", "", "全休"),
        "4/4": ("13:00", "18:00", "", "午前半休"),
        "4/5": ("09:00", "17:00", "45", "なし"),
    }
    for day, (clock_in, clock_out, rest, leave) in week.items():
        if clock_in:
            page.get_by_label(f"出勤 {day}", exact=True).fill(clock_in)
            page.get_by_label(f"退勤 {day}", exact=True).fill(clock_out)
        if rest:
            page.get_by_label(f"休憩 {day}", exact=True).fill(rest)
        page.get_by_label(f"有給 {day}", exact=True).select_option(label=leave)
    page.get_by_label("退勤 4/5", exact=True).fill("08:00")  # before 出勤: refused, the row named
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("form-errors")).to_contain_text("4/5: 退勤は出勤より後の時刻にしてください")
    page.get_by_label("退勤 4/5", exact=True).fill("17:00")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("status")).to_have_text("保存しました")
    expect(page.get_by_label("出勤 4/2", exact=True)).to_have_value("09:30")
    expect(page.get_by_label("休憩 4/2", exact=True)).to_have_value("60")
    expect(page.get_by_label("有給 4/3", exact=True)).to_have_value("全休")
    expect(page.get_by_test_id("total-worked")).to_have_text("28:15")

    # What the API says was stored.
    employee = _api(live_hr, f"/api/employees/{employee_id}?reveal=1", hr_creds.token)
    assert {
        k: employee[k] for k in ("employee_no", "last_name", "first_name_kana", "birth_date", "gender")
    } == {
        "employee_no": "E0100",
        "last_name": "佐藤",
        "first_name_kana": "ハナコ",
        "birth_date": "1992-11-03",
        "gender": "女性",
    }
    assert (employee["employment_type"], employee["pay_type"], employee["base_pay"]) == (
        "契約社員",
        "時給",
        1500,
    )
    assert (employee["postal_code"], employee["prefecture"], employee["phone"]) == (
        "530-0001",
        "大阪府",
        "06-1234-5678",
    )
    assert employee["my_number"] == "123456789018"
    assert employee["bank_account"] == {
        "bank_code": "0005",
        "branch_code": "123",
        "account_type": "普通",
        "account_number": "7654321",
        "account_holder": "サトウ ハナコ",
    }
    month = _api(live_hr, f"/api/employees/{employee_id}/attendance/2024-04", hr_creds.token)
    stored = [
        (d["date"][-2:], d["clock_in"], d["clock_out"], d["break_minutes"], d["leave"])
        for d in month["days"][:7]
    ]
    assert stored == [
        ("01", "09:00", "18:00", 60, "なし"),
        ("02", "09:30", "18:30", 60, "なし"),
        ("03", None, None, None, "全休"),
        ("04", "13:00", "18:00", 0, "午前半休"),
        ("05", "09:00", "17:00", 45, "なし"),
        ("06", None, None, None, None),
        ("07", None, None, None, None),
    ]
    assert month["total_worked_minutes"] == 8 * 60 + 8 * 60 + 5 * 60 + 7 * 60 + 15
