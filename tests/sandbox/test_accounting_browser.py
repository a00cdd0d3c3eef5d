"""サンドボックス会計 in real headless Chromium, driven as robots drive it: by labels, roles, test ids.

Uses the session's one Chromium (tests/conftest.py `chromium`): two sync Playwright instances cannot run in
one process, and a session fixture is how the rest of the suite shares it."""

from __future__ import annotations

import hashlib
import json
import re
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.e2e


@pytest.fixture
def sandbox_page(chromium: Browser, live_sandbox: str, creds: Any) -> Iterator[Page]:
    """A fresh Japanese browser context, logged in through the login page."""
    context = chromium.new_context(locale="ja-JP", timezone_id="Asia/Tokyo", base_url=live_sandbox)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/deals/new")
    expect(page).to_have_url(re.compile(r"/login\?next=/deals/new$"))
    expect(page).to_have_title("ログイン | サンドボックス会計")
    page.get_by_label("メールアドレス").fill(creds.user)
    page.get_by_label("パスワード").fill(creds.password)
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("heading", name="新規取引")).to_be_visible()
    expect(page.get_by_role("button", name="ログアウト")).to_be_visible()
    yield page
    context.close()


def _api(base: str, path: str, token: str) -> dict[str, Any]:
    request = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def _fill_header(page: Page, ref: str) -> None:
    page.get_by_label("収支区分").select_option(label="支出")
    page.get_by_label("発生日").fill("2024-04-01")
    page.get_by_label("支払期日").fill("2024-04-30")
    page.get_by_label("管理番号").fill(ref)


def _fill_two_lines(page: Page) -> None:
    page.get_by_label("勘定科目 1", exact=True).select_option(label="消耗品費")
    page.get_by_label("税区分 1", exact=True).select_option(label="課対仕入10%")
    page.get_by_label("金額 1", exact=True).fill("11,000")
    page.get_by_label("備考 1", exact=True).fill("コピー用紙")
    expect(page.get_by_role("button", name="削除")).to_be_hidden()  # never on the only row
    page.get_by_role("button", name="行を追加").click()
    expect(page.get_by_test_id("line-row")).to_have_count(2)
    page.get_by_label("勘定科目 2", exact=True).select_option(label="会議費")
    page.get_by_label("税区分 2", exact=True).select_option(label="課対仕入8%（軽）")
    page.get_by_label("金額 2", exact=True).fill("1080")
    page.get_by_label("備考 2", exact=True).fill("弁当")


def test_a_deal_is_entered_with_an_existing_partner_two_lines_and_a_receipt(
    sandbox_page: Page, live_sandbox: str, creds: Any, pdf_bytes: bytes, tmp_path: Path
) -> None:
    page = sandbox_page
    ref = f"KRK-{uuid.uuid4().hex[:12]}"
    receipt = tmp_path / "領収書.pdf"
    receipt.write_bytes(pdf_bytes)
    _fill_header(page, ref)

    partner = page.get_by_role("combobox", name="取引先")
    partner.fill("サンプル")
    expect(page.get_by_role("listbox")).to_be_visible()
    expect(partner).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("option", name="「サンプル」を新しい取引先として登録")).to_be_visible()
    page.get_by_role("option", name="株式会社サンプル商事", exact=True).click()
    expect(page.get_by_role("listbox")).to_be_hidden()
    expect(partner).to_have_value("株式会社サンプル商事")
    partner_id = page.locator("input[name=partner_id]")
    expect(partner_id).not_to_have_value("")
    # Editing the text after choosing drops the choice; choosing again by keyboard restores it.
    partner.press("End")
    partner.press("Backspace")
    expect(partner_id).to_have_value("")
    expect(page.get_by_role("option", name="株式会社サンプル商事", exact=True)).to_be_visible()
    partner.press("ArrowDown")
    expect(page.get_by_role("option", name="株式会社サンプル商事", exact=True)).to_have_attribute(
        "aria-selected", "true"
    )
    partner.press("Enter")
    expect(page.get_by_role("listbox")).to_be_hidden()
    expect(partner).to_have_value("株式会社サンプル商事")
    expect(partner_id).not_to_have_value("")

    _fill_two_lines(page)
    page.get_by_label("証憑").set_input_files(receipt)
    page.get_by_role("button", name="登録する").click()

    expect(page.get_by_role("status")).to_have_text(re.compile(r"取引を登録しました（ID: \d+）"))
    deal_id = page.get_by_test_id("deal-id").inner_text()
    expect(page.get_by_role("heading", name=f"取引 #{deal_id}")).to_be_visible()
    expect(page.get_by_test_id("deal-type")).to_have_text("支出")
    expect(page.get_by_test_id("deal-issue-date")).to_have_text("2024-04-01")
    expect(page.get_by_test_id("deal-due-date")).to_have_text("2024-04-30")
    expect(page.get_by_test_id("deal-partner")).to_have_text("株式会社サンプル商事")
    expect(page.get_by_test_id("deal-ref-number")).to_have_text(ref)
    expect(page.get_by_test_id("deal-amount")).to_have_text("12,080")
    expect(page.get_by_test_id("line-account")).to_have_text(["消耗品費", "会議費"])
    expect(page.get_by_test_id("line-tax")).to_have_text(["課対仕入10%", "課対仕入8%（軽）"])
    expect(page.get_by_test_id("line-amount")).to_have_text(["11,000", "1,080"])
    expect(page.get_by_test_id("line-memo")).to_have_text(["コピー用紙", "弁当"])
    sha = hashlib.sha256(pdf_bytes).hexdigest()
    expect(page.get_by_test_id("receipt-sha256")).to_have_text(sha)
    expect(page.get_by_test_id("receipt-link")).to_have_text("領収書.pdf")

    api = _api(live_sandbox, f"/api/deals/{deal_id}", creds.token)
    assert (api["partner_name"], api["ref_number"], api["amount"]) == ("株式会社サンプル商事", ref, 12_080)
    assert [(d["account_item"], d["tax_code"], d["amount"]) for d in api["details"]] == [
        ("消耗品費", "課対仕入10%", 11_000),
        ("会議費", "課対仕入8%（軽）", 1_080),
    ]
    assert [(r["filename"], r["sha256"]) for r in api["receipts"]] == [("領収書.pdf", sha)]

    page.get_by_role("link", name="取引一覧").click()
    page.get_by_label("管理番号").fill(ref)
    page.get_by_role("button", name="検索").click()
    expect(page.get_by_test_id("deal-row")).to_have_count(1)
    expect(page.get_by_test_id("deal-row")).to_have_attribute("data-deal-id", deal_id)


def test_a_new_partner_is_created_through_the_type_ahead(
    sandbox_page: Page, live_sandbox: str, creds: Any
) -> None:
    page = sandbox_page
    name = f"株式会社新規{uuid.uuid4().hex[:6]}"
    ref = f"KRK-{uuid.uuid4().hex[:12]}"
    _fill_header(page, ref)

    partner = page.get_by_role("combobox", name="取引先")
    partner.fill(name)
    new_option = page.get_by_role("option", name="新しい取引先として登録")
    expect(new_option).to_have_text(f"「{name}」を新しい取引先として登録")
    new_option.click()
    expect(page.get_by_role("listbox")).to_be_hidden()
    expect(partner).to_have_value(name)
    expect(page.locator("input[name=partner_id]")).not_to_have_value("")

    # Typed again, the partner now exists: offered as itself, no longer as a new one.
    partner.fill(name)
    expect(page.get_by_role("option", name=name, exact=True)).to_be_visible()
    expect(new_option).to_have_count(0)
    page.get_by_role("option", name=name, exact=True).click()

    _fill_two_lines(page)
    page.get_by_role("button", name="削除").first.click()  # remove line 1: line 2 becomes line 1
    expect(page.get_by_test_id("line-row")).to_have_count(1)
    expect(page.get_by_label("勘定科目 1", exact=True)).to_have_value("会議費")
    page.get_by_role("button", name="登録する").click()

    expect(page.get_by_role("status")).to_be_visible()
    expect(page.get_by_test_id("deal-partner")).to_have_text(name)
    expect(page.get_by_test_id("no-receipt")).to_have_text("証憑なし")
    deal_id = page.get_by_test_id("deal-id").inner_text()
    api = _api(live_sandbox, f"/api/deals/{deal_id}", creds.token)
    assert api["partner_name"] == name and api["amount"] == 1_080
    assert [
        p["name"]
        for p in _api(live_sandbox, "/api/partners?q=" + urllib.parse.quote(name), creds.token)["partners"]
    ] == [name]


def test_a_refused_deal_shows_every_error_and_keeps_the_values(sandbox_page: Page) -> None:
    page = sandbox_page
    page.get_by_label("管理番号").fill("KRK-keep")
    page.get_by_label("勘定科目 1", exact=True).select_option(label="消耗品費")
    page.get_by_label("税区分 1", exact=True).select_option(label="課対仕入10%")
    page.get_by_label("金額 1", exact=True).fill("1000000000")
    page.get_by_role("button", name="登録する").click()

    errors = page.get_by_test_id("form-errors")
    expect(errors).to_contain_text("発生日を入力してください")
    expect(errors).to_contain_text("取引先を候補から選択してください")
    expect(errors).to_contain_text("明細1: 金額は1以上999,999,999以下で入力してください")
    expect(page.get_by_label("管理番号")).to_have_value("KRK-keep")
    expect(page.get_by_label("金額 1", exact=True)).to_have_value("1000000000")


def test_a_csv_is_imported_through_the_import_page(
    sandbox_page: Page, live_sandbox: str, creds: Any, tmp_path: Path
) -> None:
    page = sandbox_page
    ref = f"CSV-{uuid.uuid4().hex[:10]}"
    header = (
        "収支区分,管理番号,発生日,決済期日,取引先コード,取引先,勘定科目,税区分,金額,税計算区分,税額,備考,品目,部門,"
        "メモタグ（複数指定可、カンマ区切り）,セグメント1,セグメント2,セグメント3,決済日,決済口座,決済金額"
    )
    rows = [
        f"支出,{ref},2024/04/01,2024/04/30,,株式会社サンプル商事,消耗品費,課対仕入10%,11000,内税,,用紙,,,,,,,,,",
        ",,,,,,会議費,課対仕入8%（軽）,1080,内税,,弁当,,,,,,,,,",
        f"支出,{ref}-X,2024/04/01,,,株式会社サンプル商事,給料手当,課対仕入10%,500,内税,,,,,,,,,,,",
    ]
    csv_file = tmp_path / "取引.csv"
    csv_file.write_bytes(("\r\n".join([header, *rows]) + "\r\n").encode("cp932"))

    page.get_by_role("link", name="取引インポート").click()
    expect(page.get_by_role("heading", name="取引インポート")).to_be_visible()
    page.get_by_label("CSVファイル").set_input_files(csv_file)
    page.get_by_label("文字コード").select_option(label="Shift_JIS")
    page.get_by_role("button", name="取り込む").click()

    expect(page.get_by_role("heading", name="インポート結果")).to_be_visible()
    expect(page.get_by_test_id("import-accepted-count")).to_have_text("1")
    expect(page.get_by_test_id("import-rejected-count")).to_have_text("1")
    accepted = page.get_by_test_id("import-accepted").locator(f'tr[data-ref-number="{ref}"]')
    expect(accepted).to_have_count(1)
    rejected = page.get_by_test_id("import-rejected").locator(f'tr[data-ref-number="{ref}-X"]')
    expect(rejected.get_by_test_id("import-row-number")).to_have_text("4")
    expect(rejected.get_by_test_id("import-reason")).to_have_text(
        "4行目: 勘定科目「給料手当」は使用できません"
    )

    deal_id = accepted.get_attribute("data-deal-id")
    batch_id = page.url.rsplit("/", 1)[1]
    result = _api(live_sandbox, f"/api/imports/{batch_id}", creds.token)
    assert [(a["ref_number"], a["deal_id"]) for a in result["accepted"]] == [(ref, int(deal_id or 0))]
    accepted.get_by_role("link").click()
    expect(page.get_by_test_id("deal-amount")).to_have_text("12,080")
    expect(page.get_by_test_id("line-memo")).to_have_text(["用紙", "弁当"])
