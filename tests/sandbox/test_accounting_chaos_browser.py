"""サンドボックス会計 with chaos switches in real headless Chromium: UI version 2 walked through with the
locators of today's recipe (which still resolve, and through which strategy), and the お知らせ modal.

`RECIPE` is a copy of the locators in config/targets/sandbox-accounting.yaml as the accounting robot uses
them (first choice = the version-1 screen, then fallbacks); `SUGGESTED` are fallbacks the recipe lacks for
version 2, found with the same CSS in both versions."""

from __future__ import annotations

import json
import re
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from sandbox.accounting import IMPORT_HEADER, create_app
from sandbox.chaos import Chaos
from sandbox.server import serve_in_thread

pytestmark = pytest.mark.e2e

Spec = dict[str, Any]

RECIPE: dict[str, list[Spec]] = {
    "login.email": [{"label": "メールアドレス"}, {"css": "input[name=email]"}],
    "login.password": [{"label": "パスワード"}, {"css": "input[type=password]"}],
    "login.submit": [{"role": "button", "name": "ログイン"}, {"css": "form button[type=submit]"}],
    "login.error": [{"role": "alert"}],
    "session.marker": [{"role": "button", "name": "ログアウト"}],
    "search.ref_number": [{"label": "管理番号"}, {"css": "input[name=ref_number]"}],
    "search.submit": [{"role": "button", "name": "検索"}],
    "search.row": [{"test_id": "deal-row"}, {"css": "tr[data-deal-id]"}],
    "search.empty": [{"test_id": "no-deals"}, {"text": "該当する取引はありません"}],
    "deal.type": [{"label": "収支区分"}, {"css": "select[name=type]"}],
    "deal.issue_date": [{"label": "発生日"}, {"css": "input[name=issue_date]"}],
    "deal.due_date": [{"label": "支払期日"}, {"css": "input[name=due_date]"}],
    "deal.partner": [{"role": "combobox", "name": "取引先"}, {"label": "取引先"}],
    "deal.partner_option": [{"role": "option", "name": "{name}"}],
    "deal.partner_new_option": [{"role": "option", "name": "新しい取引先として登録", "exact": False}],
    "deal.ref_number": [{"label": "管理番号"}, {"css": "input[name=ref_number]"}],
    "deal.add_line": [{"role": "button", "name": "行を追加"}],
    "line.account": [
        {"label": "勘定科目 {n}"},
        {"css": "tr[data-testid=line-row]:nth-of-type({n}) select[name$=account]"},
    ],
    "line.tax": [
        {"label": "税区分 {n}"},
        {"css": "tr[data-testid=line-row]:nth-of-type({n}) select[name$=tax]"},
    ],
    "line.amount": [
        {"label": "金額 {n}"},
        {"css": "tr[data-testid=line-row]:nth-of-type({n}) input[name$=amount]"},
    ],
    "line.memo": [
        {"label": "備考 {n}"},
        {"css": "tr[data-testid=line-row]:nth-of-type({n}) input[name$=memo]"},
    ],
    "deal.receipt": [{"label": "証憑"}, {"css": "input[type=file]"}],
    "deal.submit": [{"role": "button", "name": "登録する"}],
    "deal.errors": [{"test_id": "form-errors"}, {"role": "alert"}],
    **{
        f"detail.{key}": [{"test_id": test_id}]
        for key, test_id in {
            "id": "deal-id",
            "type": "deal-type",
            "issue_date": "deal-issue-date",
            "due_date": "deal-due-date",
            "partner": "deal-partner",
            "ref_number": "deal-ref-number",
            "amount": "deal-amount",
            "line": "deal-line",
            "line_account": "line-account",
            "line_tax": "line-tax",
            "line_amount": "line-amount",
            "line_memo": "line-memo",
            "receipt_sha256": "receipt-sha256",
            "no_receipt": "no-receipt",
        }.items()
    },
}

# What version 2 needs in the recipe: these keys have no strategy that still matches.
SUGGESTED: dict[str, Spec] = {
    "search.submit": {"css": "form[role=search] button[type=submit]"},
    "deal.partner": {"css": "input[name=partner_name]"},
    "deal.add_line": {"css": "#add-line"},
    "deal.submit": {"css": "form[data-deal-form] button[type=submit]"},
}

# Which strategy of RECIPE matches in version 2: 0 = first choice, 1 = first fallback, None = none.
EXPECTED_V2: dict[str, int | None] = {
    **{key: 0 for key in RECIPE},
    **dict.fromkeys(
        [
            "login.email",
            "login.submit",
            "search.ref_number",
            "deal.type",
            "deal.issue_date",
            "deal.due_date",
            "deal.ref_number",
            "line.account",
            "line.tax",
            "line.amount",
            "line.memo",
            "deal.receipt",
        ],
        1,
    ),
    **dict.fromkeys(SUGGESTED, None),
}


def _locator(page: Page, spec: Spec, params: dict[str, object]) -> Locator:
    def fmt(value: str) -> str:
        return value.format(**params)

    exact = spec.get("exact", True)
    if "role" in spec:
        return page.get_by_role(spec["role"], name=fmt(spec["name"]) if "name" in spec else None, exact=exact)
    if "label" in spec:
        return page.get_by_label(fmt(spec["label"]), exact=exact)
    if "text" in spec:
        return page.get_by_text(fmt(spec["text"]), exact=exact)
    if "test_id" in spec:
        return page.get_by_test_id(fmt(spec["test_id"]))
    return page.locator(fmt(spec["css"]))


class Walk:
    """Resolves recipe keys as the robot does (first strategy that matches) and notes which one did."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.matched: dict[str, int | None] = {}

    def find(self, key: str, **params: object) -> Locator:
        specs = RECIPE[key]
        locators = [_locator(self.page, spec, params) for spec in specs]
        union = locators[0]
        for other in locators[1:]:
            union = union.or_(other)
        if key in SUGGESTED:
            union = union.or_(_locator(self.page, SUGGESTED[key], params))
        union.first.wait_for(state="attached")  # the page is there; then, which strategy matches?
        index = next((i for i, loc in enumerate(locators) if loc.count()), None)
        self.matched.setdefault(key, index)
        if index is None:
            suggested = _locator(self.page, SUGGESTED[key], params)
            assert suggested.count(), f"{key}: no strategy and no suggested fallback matches"
            return suggested.first
        return locators[index].first


def _post(base: str, path: str, token: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(
        base + path,
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


@pytest.fixture(scope="module")
def v2_sandbox(tmp_path_factory: pytest.TempPathFactory, creds: Any) -> Iterator[str]:
    """The app in UI version 2, served on a free port; its base URL."""
    db = tmp_path_factory.mktemp("v2-accounting") / "accounting.sqlite3"
    app = create_app(
        db, username=creds.user, password=creds.password, api_token=creds.token, chaos=Chaos(ui_version=2)
    )
    with serve_in_thread(app) as server:
        yield server.url


@pytest.fixture
def v2_page(chromium: Browser, v2_sandbox: str) -> Iterator[Page]:
    context = chromium.new_context(locale="ja-JP", timezone_id="Asia/Tokyo", base_url=v2_sandbox)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_ui_version_2_is_usable_through_todays_recipe_with_the_suggested_fallbacks(
    v2_page: Page, v2_sandbox: str, creds: Any, pdf_bytes: bytes, tmp_path: Path
) -> None:
    page, walk = v2_page, Walk(v2_page)
    ref = f"V2-{uuid.uuid4().hex[:10]}"
    receipt = tmp_path / "領収書.pdf"
    receipt.write_bytes(pdf_bytes)

    page.goto("/login")
    expect(page.get_by_role("heading", name="サインイン")).to_be_visible()
    walk.find("login.email").fill(creds.user)
    walk.find("login.password").fill("wrong")
    walk.find("login.submit").click()
    expect(walk.find("login.error")).to_contain_text("ログインIDまたはパスワードが違います")
    walk.find("login.email").fill(creds.user)
    walk.find("login.password").fill(creds.password)
    walk.find("login.submit").click()
    expect(walk.find("session.marker")).to_be_visible()

    page.goto("/deals")
    walk.find("search.ref_number").fill(ref)
    walk.find("search.submit").click()
    expect(walk.find("search.empty")).to_have_text("条件に合う取引がありません")

    page.goto("/deals/new")
    walk.find("deal.submit").click()
    expect(walk.find("deal.errors")).to_contain_text("取引日を入力してください")
    walk.find("deal.type").select_option(label="支出")
    walk.find("deal.issue_date").fill("2024-04-01")
    walk.find("deal.due_date").fill("2024-04-30")
    partner = walk.find("deal.partner")
    partner.fill("サンプル")
    expect(walk.find("deal.partner_new_option")).to_have_text("「サンプル」を新しい取引先として登録")
    walk.find("deal.partner_option", name="株式会社サンプル商事").click()
    expect(page.get_by_role("listbox")).to_be_hidden()
    expect(partner).to_have_value("株式会社サンプル商事")
    expect(page.locator("input[name=partner_id]")).not_to_have_value("")
    walk.find("deal.ref_number").fill(ref)
    walk.find("line.account", n=1).select_option(label="消耗品費")
    walk.find("line.tax", n=1).select_option(label="課対仕入10%")
    walk.find("line.amount", n=1).fill("11000")
    walk.find("line.memo", n=1).fill("コピー用紙")
    walk.find("deal.add_line").click()
    expect(page.get_by_label("科目 2", exact=True)).to_have_count(
        1
    )  # the script labels new lines in v2 words
    walk.find("line.account", n=2).select_option(label="会議費")
    walk.find("line.tax", n=2).select_option(label="課対仕入8%（軽）")
    walk.find("line.amount", n=2).fill("1080")
    walk.find("line.memo", n=2).fill("弁当")
    walk.find("deal.receipt").set_input_files(receipt)
    walk.find("deal.submit").click()

    expect(page.get_by_role("status")).to_have_text(re.compile(r"保存しました（ID: \d+）"))
    deal_id = walk.find("detail.id").inner_text()
    expect(walk.find("detail.type")).to_have_text("支出")
    expect(walk.find("detail.issue_date")).to_have_text("2024-04-01")
    expect(walk.find("detail.due_date")).to_have_text("2024-04-30")
    expect(walk.find("detail.partner")).to_have_text("株式会社サンプル商事")
    expect(walk.find("detail.ref_number")).to_have_text(ref)
    expect(walk.find("detail.amount")).to_have_text("12,080")
    walk.find("detail.line")
    expect(page.get_by_test_id("deal-line")).to_have_count(2)
    expect(walk.find("detail.line_account")).to_have_text("消耗品費")
    expect(walk.find("detail.line_tax")).to_have_text("課対仕入10%")
    expect(walk.find("detail.line_amount")).to_have_text("11,000")
    expect(walk.find("detail.line_memo")).to_have_text("コピー用紙")
    expect(walk.find("detail.receipt_sha256")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))

    page.goto("/deals")
    walk.find("search.ref_number").fill(ref)
    walk.find("search.submit").click()
    expect(walk.find("search.row")).to_have_attribute("data-deal-id", deal_id)

    # A deal without receipt, entered through the v2 import page by its field names.
    csv_ref = f"{ref}-CSV"
    csv_file = tmp_path / "取引.csv"
    row = ["支出", csv_ref, "2024/04/01", "", "", "合同会社デモ", "雑費", "対象外", "500"] + [""] * 12
    csv_file.write_text(",".join(IMPORT_HEADER) + "\r\n" + ",".join(row) + "\r\n", encoding="utf-8")
    page.goto("/deals/import")
    expect(page.get_by_role("heading", name="取引の一括登録")).to_be_visible()
    page.locator("select[name=encoding]").select_option("utf-8")
    page.locator("input[name=file]").set_input_files(csv_file)
    page.locator("form[data-import-form] button[type=submit]").click()
    imported = page.get_by_test_id("import-accepted").locator(f'tr[data-ref-number="{csv_ref}"]')
    expect(imported).to_have_count(1)
    page.goto(f"/deals/{imported.get_attribute('data-deal-id')}")
    expect(walk.find("detail.no_receipt")).to_have_text("添付ファイルはありません")

    assert set(walk.matched) == set(RECIPE), f"keys not walked: {set(RECIPE) - set(walk.matched)}"
    assert walk.matched == EXPECTED_V2


def test_the_notice_modal_blocks_the_page_until_it_is_closed(
    chromium: Browser, v2_sandbox: str, creds: Any
) -> None:
    _post(v2_sandbox, "/__sandbox/chaos", creds.token, {"modal_rate": 1.0})
    context = chromium.new_context(locale="ja-JP", timezone_id="Asia/Tokyo", base_url=v2_sandbox)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto("/login")
        dialog = page.get_by_role("dialog", name="お知らせ")
        expect(dialog).to_be_visible()
        button = page.locator("form button[type=submit]")
        box = button.bounding_box()
        assert box is not None
        on_top = page.evaluate(
            "([x, y]) => document.elementFromPoint(x, y).closest('#sandbox-notice') !== null",
            [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
        )
        assert on_top, "the notice does not cover the page (its CSS did not apply)"
        page.get_by_role("button", name="閉じる").click()
        expect(dialog).to_have_count(0)
        page.locator("input[name=email]").fill(creds.user)
        page.locator("input[name=password]").fill(creds.password)
        button.click()
        expect(page.get_by_role("dialog", name="お知らせ")).to_be_visible()  # the next page has one again
    finally:
        context.close()
        _post(v2_sandbox, "/__sandbox/chaos", creds.token, {"modal_rate": 0.0})
