"""サンドボックス電子契約 in real headless Chromium, driven as robots drive it: by labels, roles, test ids.

Uses the session's one Chromium (tests/conftest.py `chromium`): two sync Playwright instances cannot run in
one process."""

from __future__ import annotations

import hashlib
import json
import re
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from sandbox.server import serve_in_thread

pytestmark = pytest.mark.e2e


@pytest.fixture
def live_esign(make_app: Callable[..., Flask]) -> Iterator[str]:
    """The app on a real SQLite file, served on a free port; its base URL."""
    with serve_in_thread(make_app()) as server:
        yield server.url


def _api(base: str, path: str, token: str) -> Any:
    request = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read()
        return json.loads(body) if response.headers.get_content_type() == "application/json" else body


def _current_step(page: Page) -> Any:
    return expect(page.get_by_test_id("steps").locator('[aria-current="step"]'))


def test_a_contract_is_uploaded_sent_to_two_signers_and_read_back(
    chromium: Browser, live_esign: str, creds: Any, pdf_maker: Callable[[str], bytes], tmp_path: Path
) -> None:
    pdf = pdf_maker("業務委託契約書（E2E）")
    sha = hashlib.sha256(pdf).hexdigest()
    upload = tmp_path / "業務委託契約書.pdf"
    upload.write_bytes(pdf)
    ref = f"KRK-{uuid.uuid4().hex[:10]}"

    context = chromium.new_context(
        locale="ja-JP", timezone_id="Asia/Tokyo", base_url=live_esign, accept_downloads=True
    )
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto("/documents/new")
        expect(page).to_have_url(re.compile(r"/login\?next=/documents/new$"))
        page.get_by_label("メールアドレス").fill(creds.user)
        page.get_by_label("パスワード").fill(creds.password)
        page.get_by_role("button", name="ログイン").click()

        # 1) 契約書と文書情報
        expect(page.get_by_role("heading", name="新規送信")).to_be_visible()
        _current_step(page).to_contain_text("契約書と文書情報")
        page.get_by_label("契約書PDF").set_input_files(upload)
        page.get_by_label("タイトル").fill("業務委託契約書（2024年度）")
        page.get_by_label("管理番号", exact=True).fill(ref)
        page.get_by_role("button", name="次へ").click()

        # 2) 署名者: two signers; a third added and removed again
        _current_step(page).to_contain_text("署名者")
        rows = page.get_by_test_id("signer-form-row")
        expect(rows).to_have_count(1)
        expect(page.get_by_role("button", name="削除")).to_be_hidden()  # never on the only row
        page.get_by_label("氏名 1", exact=True).fill("山田 太郎")
        page.get_by_label("メールアドレス 1", exact=True).fill("taro@example.jp")
        expect(page.get_by_label("署名順 1", exact=True)).to_have_value("1")
        page.get_by_role("button", name="署名者を追加").click()
        expect(rows).to_have_count(2)
        expect(page.get_by_label("氏名 2", exact=True)).to_be_focused()
        expect(page.get_by_label("署名順 2", exact=True)).to_have_value("2")
        page.get_by_label("氏名 2", exact=True).fill("佐藤 花子")
        page.get_by_label("メールアドレス 2", exact=True).fill("hanako@example.jp")
        page.get_by_role("button", name="署名者を追加").click()
        expect(page.get_by_label("氏名 3", exact=True)).to_be_visible()
        rows.nth(2).get_by_role("button", name="削除").click()
        expect(rows).to_have_count(2)
        expect(page.get_by_label("氏名 3", exact=True)).to_have_count(0)
        page.get_by_role("button", name="確認へ").click()

        # 3) 確認 → 送信する
        _current_step(page).to_contain_text("確認")
        expect(page.get_by_test_id("title")).to_have_text("業務委託契約書（2024年度）")
        expect(page.get_by_test_id("ref-number")).to_have_text(ref)
        expect(page.get_by_test_id("file-name")).to_have_text("業務委託契約書.pdf")
        expect(page.get_by_test_id("file-sha256")).to_have_text(sha)
        expect(page.get_by_test_id("signer-name")).to_have_text(["山田 太郎", "佐藤 花子"])
        page.get_by_role("button", name="送信する").click()

        expect(page.get_by_role("status")).to_have_text(re.compile(r"送信しました（文書ID: \d+）"))
        expect(page.get_by_test_id("status")).to_have_text("送信済み")
        document_id = page.get_by_test_id("document-id").inner_text()
        expect(page).to_have_url(re.compile(rf"/documents/{document_id}\?sent=1$"))
        expect(page.get_by_test_id("signer-row")).to_have_count(2)
        expect(page.get_by_test_id("signer-email")).to_have_text(["taro@example.jp", "hanako@example.jp"])
        expect(page.get_by_test_id("signer-order")).to_have_text(["1", "2"])

        # The お知らせ dialog (chaos) covers the page despite the CSP, and 閉じる closes it.
        switch = urllib.request.Request(
            live_esign + "/__sandbox/chaos",
            data=json.dumps({"modal_rate": 1.0}).encode(),
            headers={"Authorization": f"Bearer {creds.token}", "Content-Type": "application/json"},
        )
        urllib.request.urlopen(switch, timeout=10).close()
        page.reload()
        notice = page.get_by_role("dialog", name="お知らせ")
        expect(notice).to_be_visible()
        expect(notice).to_have_css("position", "fixed")
        notice.get_by_role("button", name="閉じる").click()
        expect(notice).to_have_count(0)

        with page.expect_download() as download_info:
            page.get_by_role("link", name="ダウンロード").click()
        download = download_info.value
        assert download.suggested_filename == "業務委託契約書.pdf"
        assert Path(download.path()).read_bytes() == pdf
    finally:
        context.close()

    found = _api(live_esign, f"/api/documents?ref_number={quote(ref)}", creds.token)
    assert found["total"] == 1
    [document] = found["documents"]
    assert document["id"] == int(document_id)
    assert (document["title"], document["ref_number"], document["status"]) == (
        "業務委託契約書（2024年度）",
        ref,
        "sent",
    )
    assert (document["file_name"], document["file_sha256"]) == ("業務委託契約書.pdf", sha)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00", document["sent_at"])
    assert document["signers"] == [
        {"name": "山田 太郎", "email": "taro@example.jp", "order": 1},
        {"name": "佐藤 花子", "email": "hanako@example.jp", "order": 2},
    ]
    assert _api(live_esign, f"/api/documents/{document_id}", creds.token) == document
    stored = _api(live_esign, f"/api/documents/{document_id}/file", creds.token)
    assert hashlib.sha256(stored).hexdigest() == sha
