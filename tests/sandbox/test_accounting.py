"""サンドボックス会計 through Flask's test client, on a real SQLite file: login, auth, deals, search, API."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from flask.testing import FlaskClient

from sandbox.accounting import ACCOUNTS, TAX_CATEGORIES, create_app

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _deal_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-testid="deal-row" data-deal-id="(\d+)"', html)]


def _created_id(response: Any) -> int:
    assert response.status_code == 303, response.text
    match = re.fullmatch(r"/deals/(\d+)\?created=1", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


# -- master data -------------------------------------------------------------------------------------
def test_master_lists_are_the_contract_strings() -> None:
    assert "消耗品費" in ACCOUNTS and len(ACCOUNTS) == 17
    assert TAX_CATEGORIES == [
        "課対仕入10%",
        "課対仕入8%（軽）",
        "対象外",
        "非課仕入",
        "課税売上10%",
        "課税売上8%（軽）",
    ]


def test_restarting_on_the_same_file_keeps_data_and_does_not_seed_twice(tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite3"
    first = create_app(db, username="a@example.jp", password="first").test_client()
    first.post(
        "/api/partners", json={"name": "株式会社再起動"}, headers={"Authorization": "Bearer sandbox-token"}
    )
    again = create_app(db, username="a@example.jp", password="new-password").test_client()
    names = [
        p["name"]
        for p in again.get("/api/partners?q=", headers={"Authorization": "Bearer sandbox-token"}).json[
            "partners"
        ]
    ]
    assert sorted(names) == sorted(
        ["株式会社サンプル商事", "有限会社テスト物産", "合同会社デモ", "株式会社再起動"]
    )
    token = re.search(r'name="csrf_token" value="([^"]+)"', again.get("/login").text).group(1)  # type: ignore[union-attr]
    ok = again.post("/login", data={"email": "a@example.jp", "password": "new-password", "csrf_token": token})
    assert ok.status_code == 302  # the password given at start wins


# -- login -------------------------------------------------------------------------------------------
def test_login_page_has_the_labelled_fields_and_title(client: FlaskClient) -> None:
    html = client.get("/login").text
    assert "<title>ログイン | サンドボックス会計</title>" in html
    for fragment in (
        '<label for="email">メールアドレス</label>',
        'id="email" name="email" type="email"',
        '<label for="password">パスワード</label>',
        'id="password" name="password" type="password"',
        '<button type="submit" class="button button-primary">ログイン</button>',
    ):
        assert fragment in html


def test_login_sets_a_session_cookie_and_goes_to_the_deal_list(
    client: FlaskClient, csrf: Callable, creds: Any
) -> None:
    token = csrf(client.get("/login").text)
    response = client.post(
        "/login", data={"email": creds.user, "password": creds.password, "csrf_token": token}
    )
    assert (response.status_code, response.headers["Location"]) == (302, "/deals")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/deals").text
    assert creds.user in page and "ログアウト" in page and 'href="/deals/new"' in page


@pytest.mark.parametrize(
    ("next_url", "lands_on"),
    [
        ("/deals/new", "/deals/new"),
        ("/deals?partner=%E3%83%86", "/deals?partner=%E3%83%86"),
        ("https://evil.example/", "/deals"),
        ("//evil.example/", "/deals"),
        ("/\\evil.example/", "/deals"),
    ],
)
def test_login_follows_next_only_to_local_paths(
    client: FlaskClient, csrf: Callable, creds: Any, next_url: str, lands_on: str
) -> None:
    token = csrf(client.get("/login").text)
    response = client.post(
        "/login",
        data={"email": creds.user, "password": creds.password, "csrf_token": token, "next": next_url},
    )
    assert response.headers["Location"] == lands_on


@pytest.mark.parametrize(
    ("email", "password"),
    [("USER", "wrong"), ("other@example.jp", "PASSWORD"), ("USER", ""), ("", "PASSWORD")],
)
def test_wrong_credentials_rerender_the_form_with_an_alert(
    client: FlaskClient, csrf: Callable, creds: Any, email: str, password: str
) -> None:
    email = creds.user if email == "USER" else email
    password = creds.password if password == "PASSWORD" else password
    token = csrf(client.get("/login").text)
    response = client.post("/login", data={"email": email, "password": password, "csrf_token": token})
    assert response.status_code == 200
    assert (
        '<div role="alert" class="alert alert-error">メールアドレスまたはパスワードが正しくありません。</div>'
        in response.text
    )
    assert client.get("/deals").status_code == 302


@pytest.mark.parametrize("token", [None, "forged"])
def test_login_without_a_valid_csrf_token_is_refused(
    client: FlaskClient, creds: Any, token: str | None
) -> None:
    client.get("/login")
    data = {"email": creds.user, "password": creds.password} | ({"csrf_token": token} if token else {})
    response = client.post("/login", data=data)
    assert response.status_code == 400
    assert "セッションの有効期限が切れたか" in response.text
    assert client.get("/deals").status_code == 302


def test_logout_needs_the_csrf_token_and_ends_the_session(user: FlaskClient, csrf: Callable) -> None:
    assert user.post("/logout").status_code == 400
    token = csrf(user.get("/deals").text)
    assert user.post("/logout", data={"csrf_token": token}).headers["Location"] == "/login"
    assert user.get("/deals").status_code == 302


# -- auth --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/deals", "/deals/new", "/deals/1", "/receipts/1", "/deals?partner=テスト"])
def test_pages_redirect_to_login_with_next(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert (location.path, parse_qs(location.query)) == ("/login", {"next": [path]})


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/api/deals"), ("GET", "/api/deals/1"), ("GET", "/api/partners?q=a"), ("POST", "/api/partners")],
)
@pytest.mark.parametrize("authorization", [None, "Bearer wrong", "Bearer ", "Basic {token}"])
def test_api_without_session_or_token_is_401_json(
    client: FlaskClient, creds: Any, method: str, path: str, authorization: str | None
) -> None:
    headers = {"Authorization": authorization.format(token=creds.token)} if authorization else {}
    response = client.open(path, method=method, headers=headers, json={"name": "x"})
    assert response.status_code == 401
    assert response.json["error"] == "unauthorized"


def test_api_accepts_the_bearer_token(client: FlaskClient, creds: Any) -> None:
    assert client.get("/api/deals", headers=creds.bearer).json == {"deals": [], "total": 0}


# -- creating a deal ---------------------------------------------------------------------------------
def test_new_deal_form_follows_the_contract(user: FlaskClient) -> None:
    html = user.get("/deals/new").text
    for fragment in (
        "<h1>新規取引</h1>",
        '<label for="type">収支区分</label>',
        '<option value="expense" selected>支出</option>',
        '<option value="income">収入</option>',
        '<label for="issue_date">発生日</label>',
        'type="date" id="issue_date" name="issue_date"',
        '<label for="due_date">支払期日</label>',
        '<label for="partner">取引先</label>',
        'role="combobox" aria-autocomplete="list" aria-controls="partner-listbox"',
        '<input type="hidden" name="partner_id"',
        '<ul id="partner-listbox" role="listbox"',
        '<label for="ref_number">管理番号</label>',
        'name="lines-0-account" aria-label="勘定科目 1"',
        '<option value="">選択してください</option>',
        'name="lines-0-tax" aria-label="税区分 1"',
        'name="lines-0-amount" aria-label="金額 1"',
        'name="lines-0-memo" aria-label="備考 1"',
        '<tr data-testid="line-row">',
        '<button type="button" class="button" id="add-line">行を追加</button>',
        '<label for="receipt">証憑</label>',
        'accept=".pdf,.png,.jpg,.jpeg"',
        "登録する</button>",
    ):
        assert fragment in html, fragment
    assert "data-remove-line hidden>削除</button>" in html  # no 削除 on the only row


def test_a_deal_with_a_pdf_is_stored_shown_and_served(
    user: FlaskClient, post_deal: Callable, pdf_bytes: bytes, creds: Any
) -> None:
    response = post_deal(
        receipt=(pdf_bytes, "請求書 2024年4月.pdf"),
        lines__1__account="会議費",
        lines__1__tax="課対仕入8%（軽）",
        lines__1__amount="1080",
        lines__1__memo="弁当",
        lines__2__account="",
        lines__2__tax="",
        lines__2__amount="",
        lines__2__memo="",  # an empty row: ignored
    )
    deal_id = _created_id(response)
    sha = hashlib.sha256(pdf_bytes).hexdigest()

    page = user.get(f"/deals/{deal_id}?created=1").text
    assert f'<div role="status" class="alert alert-success">取引を登録しました（ID: {deal_id}）</div>' in page
    for testid, value in [
        ("deal-id", str(deal_id)),
        ("deal-type", "支出"),
        ("deal-issue-date", "2024-04-01"),
        ("deal-due-date", "2024-04-30"),
        ("deal-partner", "株式会社サンプル商事"),
        ("deal-ref-number", "KRK-0001"),
        ("deal-amount", "12,080"),
        ("receipt-sha256", sha),
    ]:
        assert re.search(rf'data-testid="{testid}"[^>]*>{re.escape(value)}<', page), testid
    assert re.findall(r'data-testid="line-amount" class="num">([^<]*)<', page) == ["11,000", "1,080"]
    assert "請求書 2024年4月.pdf</a>" in page

    api = user.get(f"/api/deals/{deal_id}", headers=creds.bearer).json
    assert (
        api["amount"] == 12_080 and api["type"] == "expense" and api["partner_name"] == "株式会社サンプル商事"
    )
    assert api["details"] == [
        {
            "account_item": "消耗品費",
            "tax_code": "課対仕入10%",
            "amount": 11_000,
            "description": "コピー用紙",
        },
        {"account_item": "会議費", "tax_code": "課対仕入8%（軽）", "amount": 1_080, "description": "弁当"},
    ]
    [receipt] = api["receipts"]
    assert receipt | {"id": 0} == {
        "id": 0,
        "filename": "請求書 2024年4月.pdf",
        "content_type": "application/pdf",
        "size": len(pdf_bytes),
        "sha256": sha,
    }
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00", api["created_at"])

    download = user.get(f"/receipts/{receipt['id']}")
    assert download.data == pdf_bytes and download.mimetype == "application/pdf"
    assert "filename*=UTF-8''" + quote("請求書 2024年4月.pdf") in download.headers["Content-Disposition"]


def test_a_deal_without_receipt_shows_so(user: FlaskClient, post_deal: Callable) -> None:
    deal_id = _created_id(post_deal(type="income", due_date="", ref_number="", lines__0__memo=""))
    page = user.get(f"/deals/{deal_id}").text
    assert '<p data-testid="no-receipt" class="muted">証憑なし</p>' in page
    assert 'data-testid="deal-due-date"></dd>' in page and 'data-testid="deal-ref-number"></dd>' in page
    api = user.get(f"/api/deals/{deal_id}").json
    assert (api["type"], api["due_date"], api["ref_number"], api["receipts"]) == ("income", None, None, [])
    assert api["details"][0]["description"] is None


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.PNG", PNG),
        ("scan.jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 16),
        ("scan.jpg", b"\xff\xd8\xff\xdb"),
    ],
)
def test_png_and_jpeg_receipts_are_accepted(
    user: FlaskClient, post_deal: Callable, name: str, content: bytes
) -> None:
    deal_id = _created_id(post_deal(receipt=(content, name)))
    [receipt] = user.get(f"/api/deals/{deal_id}").json["receipts"]
    assert receipt["content_type"] == ("image/png" if name.endswith("PNG") else "image/jpeg")


TOO_BIG = b"%PDF-" + b"0" * (10 * 1024 * 1024)


@pytest.mark.parametrize(
    ("fields", "receipt", "message"),
    [
        ({"type": "transfer"}, None, "収支区分を選択してください"),
        ({"issue_date": ""}, None, "発生日を入力してください"),
        ({"issue_date": None}, None, "発生日を入力してください"),
        ({"issue_date": "2024-02-30"}, None, "発生日は正しい日付（YYYY-MM-DD）で入力してください"),
        ({"issue_date": "2024/04/01"}, None, "発生日は正しい日付（YYYY-MM-DD）で入力してください"),
        ({"issue_date": "２０２４-04-01"}, None, "発生日は正しい日付（YYYY-MM-DD）で入力してください"),
        ({"issue_date": "1989-12-31"}, None, "発生日は1990-01-01から2099-12-31までの日付で入力してください"),
        ({"issue_date": "2100-01-01"}, None, "発生日は1990-01-01から2099-12-31までの日付で入力してください"),
        ({"due_date": "2024-04-31"}, None, "支払期日は正しい日付（YYYY-MM-DD）で入力してください"),
        ({"due_date": "2024-03-31"}, None, "支払期日は発生日以降の日付にしてください"),
        ({"partner_id": ""}, None, "取引先を候補から選択してください"),
        ({"partner_id": "99999"}, None, "取引先を候補から選択してください"),
        ({"partner_id": "abc"}, None, "取引先を候補から選択してください"),
        ({"partner_name": "株式会社サンプル"}, None, "取引先を候補から選択してください"),
        ({"partner_name": "", "partner_id": ""}, None, "取引先を候補から選択してください"),
        ({"ref_number": "X" * 256}, None, "管理番号は255文字以内で入力してください"),
        ({"lines__0__account": ""}, None, "明細1: 勘定科目を選択してください"),
        ({"lines__0__account": "給料手当"}, None, "明細1: 勘定科目を選択してください"),
        ({"lines__0__tax": "課税仕入10%"}, None, "明細1: 税区分を選択してください"),
        ({"lines__0__amount": ""}, None, "明細1: 金額を入力してください"),
        ({"lines__0__amount": "１１０００"}, None, "明細1: 金額は半角数字で入力してください"),
        ({"lines__0__amount": "11000円"}, None, "明細1: 金額は半角数字で入力してください"),
        ({"lines__0__amount": "-5"}, None, "明細1: 金額は半角数字で入力してください"),
        ({"lines__0__amount": "12.5"}, None, "明細1: 金額は半角数字で入力してください"),
        ({"lines__0__amount": "1,00"}, None, "明細1: 金額は半角数字で入力してください"),
        ({"lines__0__amount": "0"}, None, "明細1: 金額は1以上999,999,999以下で入力してください"),
        ({"lines__0__amount": "1000000000"}, None, "明細1: 金額は1以上999,999,999以下で入力してください"),
        ({"lines__0__memo": "あ" * 256}, None, "明細1: 備考は255文字以内で入力してください"),
        (
            {"lines__0__account": "", "lines__0__tax": "", "lines__0__amount": "", "lines__0__memo": ""},
            None,
            "明細を1行以上入力してください",
        ),
        ({}, (b"hello", "memo.txt"), "証憑はPDF・PNG・JPEGのみ添付できます"),
        ({}, (PNG, "disguised.pdf"), "証憑はPDF・PNG・JPEGのみ添付できます"),
        ({}, (b"%PDF-1.4", "no-extension"), "証憑はPDF・PNG・JPEGのみ添付できます"),
        ({}, (b"", "empty.pdf"), "証憑はPDF・PNG・JPEGのみ添付できます"),
        ({}, (TOO_BIG, "big.pdf"), "証憑のファイルサイズは10MB以下にしてください"),
    ],
)
def test_each_invalid_field_is_refused_with_its_message(
    user: FlaskClient, post_deal: Callable, fields: dict[str, str | None], receipt: Any, message: str
) -> None:
    response = post_deal(receipt=receipt, **fields)
    assert response.status_code == 422
    errors = re.search(r'<div role="alert" data-testid="form-errors".*?</div>', response.text, re.S)
    assert errors and f"<li>{message}</li>" in errors.group(0)
    field_message = message.split(": ", 1)[-1]
    assert f">{field_message}</p>" in response.text  # also next to the field
    assert user.get("/api/deals").json["total"] == 0


def test_every_error_is_listed_and_the_typed_values_are_kept(post_deal: Callable, pdf_bytes: bytes) -> None:
    response = post_deal(
        receipt=(pdf_bytes, "ok.pdf"),
        issue_date="",
        ref_number="KRK-<keep>",
        lines__0__amount="abc",
        lines__0__memo="メモは残る",
        lines__1__account="会議費",
        lines__1__tax="",
        lines__1__amount="500",
        lines__1__memo="",
    )
    assert response.status_code == 422
    items = re.findall(r"<li>([^<]*)</li>", response.text)
    assert items == [
        "発生日を入力してください",
        "明細1: 金額は半角数字で入力してください",
        "明細2: 税区分を選択してください",
    ]
    html = response.text
    assert 'value="KRK-&lt;keep&gt;"' in html and 'value="abc"' in html and 'value="メモは残る"' in html
    assert 'value="株式会社サンプル商事"' in html and '<option value="会議費" selected>' in html
    assert 'aria-label="金額 2"' in html and "ファイルをもう一度選択してください" in html


def test_a_request_far_over_the_receipt_limit_is_413_in_japanese(post_deal: Callable) -> None:
    response = post_deal(receipt=(b"%PDF-" + b"0" * (12 * 1024 * 1024), "huge.pdf"))
    assert response.status_code == 413 and "証憑は10MBまでです" in response.text


def test_posting_without_csrf_is_refused(user: FlaskClient) -> None:
    assert user.post("/deals", data={"issue_date": "2024-04-01"}).status_code == 400


def test_unknown_ids_are_404_in_japanese(user: FlaskClient) -> None:
    page = user.get("/deals/999")
    assert page.status_code == 404 and "取引が見つかりません（ID: 999）" in page.text
    assert user.get("/receipts/999").status_code == 404
    api = user.get("/api/deals/999")
    assert (api.status_code, api.json) == (404, {"error": "not_found"})


# -- search ------------------------------------------------------------------------------------------
@pytest.fixture
def three_deals(user: FlaskClient, post_deal: Callable, csrf: Callable) -> list[int]:
    token = csrf(user.get("/deals").text)
    other = user.post(
        "/api/partners", json={"name": "有限会社サンプル"}, headers={"X-CSRF-Token": token}
    ).json
    return [
        _created_id(post_deal(ref_number="KRK-1")),
        _created_id(post_deal(ref_number="KRK-10")),
        _created_id(post_deal(ref_number="KRK-1", partner_name=other["name"], partner_id=str(other["id"]))),
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, [2, 1, 0]),
        ({"ref_number": "KRK-1"}, [2, 0]),
        ({"ref_number": " KRK-10 "}, [1]),
        ({"ref_number": "KRK"}, []),
        ({"partner": "サンプル"}, [2, 1, 0]),
        ({"partner": "商事"}, [1, 0]),
        ({"partner": "有限会社"}, [2]),
        ({"ref_number": "KRK-1", "partner": "商事"}, [0]),
        ({"partner": "存在しない"}, []),
    ],
)
def test_search_matches_ref_number_exactly_and_partner_by_substring(
    user: FlaskClient, three_deals: list[int], creds: Any, query: dict[str, str], expected: list[int]
) -> None:
    ids = [three_deals[i] for i in expected]
    page = user.get("/deals", query_string=query).text
    assert _deal_ids(page) == ids
    assert ('<p data-testid="no-deals" class="empty">該当する取引はありません</p>' in page) == (not ids)
    api = user.get("/api/deals", query_string=query, headers=creds.bearer).json
    assert [d["id"] for d in api["deals"]] == ids and api["total"] == len(ids)


def test_deal_list_rows_follow_the_contract(user: FlaskClient, three_deals: list[int]) -> None:
    html = user.get("/deals").text
    headers = re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', html)
    assert headers == ["ID", "収支区分", "発生日", "支払期日", "取引先", "管理番号", "金額", "証憑"]
    first = three_deals[-1]
    assert (
        f'<tr data-testid="deal-row" data-deal-id="{first}">\n      <td><a href="/deals/{first}">{first}</a>'
        in html
    )
    assert '<td class="num">11,000</td>' in html
    assert '<label for="q-ref">管理番号</label>' in html and '<label for="q-partner">取引先</label>' in html


def test_the_list_pages_by_50(user: FlaskClient, post_deal: Callable) -> None:
    ids = [_created_id(post_deal(ref_number=f"P-{n}")) for n in range(51)]
    first = user.get("/deals").text
    assert _deal_ids(first) == ids[::-1][:50]
    assert 'rel="next">次へ</a>' in first and "前へ" not in first
    second = user.get("/deals?page=2").text
    assert _deal_ids(second) == [ids[0]] and 'rel="prev">前へ</a>' in second and "次へ" not in second
    api = user.get("/api/deals?limit=2&offset=49").json
    assert [d["id"] for d in api["deals"]] == [ids[1], ids[0]] and api["total"] == 51


@pytest.mark.parametrize("query", ["limit=0", "limit=1001", "limit=x", "offset=-1"])
def test_api_rejects_bad_paging(user: FlaskClient, query: str) -> None:
    assert user.get(f"/api/deals?{query}").status_code == 400


# -- partners ----------------------------------------------------------------------------------------
def test_partner_search_is_by_substring_and_capped_at_ten(client: FlaskClient, creds: Any) -> None:
    for n in range(12):
        client.post("/api/partners", json={"name": f"株式会社連番{n:02d}"}, headers=creds.bearer)
    found = client.get("/api/partners?q=連番", headers=creds.bearer).json["partners"]
    assert len(found) == 10 and all("連番" in p["name"] for p in found)
    exact_first = client.get("/api/partners?q=株式会社連番11", headers=creds.bearer).json["partners"]
    assert [p["name"] for p in exact_first] == ["株式会社連番11"]


def test_creating_a_partner_is_idempotent_by_name(user: FlaskClient, csrf: Callable, creds: Any) -> None:
    token = csrf(user.get("/deals/new").text)
    first = user.post("/api/partners", json={"name": "合同会社ニュー"}, headers={"X-CSRF-Token": token})
    again = user.post("/api/partners", json={"name": " 合同会社ニュー "}, headers={"X-CSRF-Token": token})
    by_token = user.post("/api/partners", json={"name": "合同会社ニュー"}, headers=creds.bearer)
    assert (first.status_code, again.status_code, by_token.status_code) == (201, 200, 200)
    assert first.json == again.json == by_token.json == {"id": first.json["id"], "name": "合同会社ニュー"}
    assert [p["name"] for p in user.get("/api/partners?q=ニュー").json["partners"]] == ["合同会社ニュー"]


def test_creating_a_partner_with_a_session_needs_the_csrf_header(user: FlaskClient) -> None:
    response = user.post("/api/partners", json={"name": "株式会社CSRF"})
    assert response.status_code == 400 and response.json["error"] == "csrf_failed"


@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "   "}, {"name": 3}, {"name": "名" * 256}, []])
def test_creating_a_partner_needs_a_name(client: FlaskClient, creds: Any, body: Any) -> None:
    response = client.post("/api/partners", json=body, headers=creds.bearer)
    assert response.status_code == 422 and response.json["error"] == "invalid"
