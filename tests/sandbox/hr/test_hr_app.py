"""サンドボックス人事労務 through Flask's test client, on real SQLite files: login and TOTP, the wizard
and each of its rules, search, the employee page, attendance, the JSON API and its masking, chaos, UI v2."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from sandbox.chaos import Chaos
from sandbox.hr import PREFECTURES, create_app, totp
from sandbox.hr.__main__ import main as hr_main

STEPS = ["basic", "employment", "address", "bank"]


def _current_step(html: str) -> tuple[str, str]:
    match = re.search(r'<li data-step="(\w+)" class="current" aria-current="step">([^<]*)</li>', html)
    assert match, "no current step in the step indicator"
    return match.group(1), match.group(2)


def _control(html: str, name: str) -> str:
    """The opening tag of the input or select named `name`."""
    match = re.search(rf'<(?:input|select)[^>]*\bname="{name}"[^>]*>', html)
    assert match, f"no control named {name!r}"
    return match.group(0)


def _value(html: str, name: str) -> str:
    tag = _control(html, name)
    if tag.startswith("<select"):
        block = re.search(rf'<select[^>]*\bname="{name}".*?</select>', html, re.S)
        selected = re.search(r'<option value="([^"]*)" selected>', block.group(0))  # type: ignore[union-attr]
        return selected.group(1) if selected else ""
    value = re.search(r'\bvalue="([^"]*)"', tag)
    return value.group(1) if value else ""


@pytest.fixture(scope="module")
def shared_app(module_hr_app: Callable[..., Flask]) -> Flask:
    """One app for the tests of this module that leave nothing behind another test could see."""
    return module_hr_app()


@pytest.fixture
def anon(shared_app: Flask) -> FlaskClient:
    """A client of the shared app, not logged in."""
    return shared_app.test_client()


@pytest.fixture(scope="module")
def shared_user(shared_app: Flask, hr_log_in: Callable) -> FlaskClient:
    """A logged-in client of the shared app (for refused input: it stores nothing)."""
    client = shared_app.test_client()
    assert hr_log_in(client).status_code == 302
    return client


# -- app and login -------------------------------------------------------------------------------------
def test_restarting_on_the_same_file_keeps_data_and_the_new_password_wins(
    tmp_path: Path, hr_creds: Any, hr_log_in: Callable, wizard_for: Callable, created_id: Callable
) -> None:
    db = tmp_path / "hr.sqlite3"
    first = create_app(db, username=hr_creds.user, password="old-password").test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', first.get("/login").text).group(1)  # type: ignore[union-attr]
    first.post("/login", data={"email": hr_creds.user, "password": "old-password", "csrf_token": token})
    created_id(wizard_for(first).register())

    again = create_app(db, username=hr_creds.user, password=hr_creds.password).test_client()
    assert hr_log_in(again).status_code == 302  # the password given at start wins
    assert [e["employee_no"] for e in again.get("/api/employees").json["employees"]] == ["E0001"]


def test_a_totp_seed_that_is_not_base32_is_refused_at_start(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="TOTP seed"):
        create_app(tmp_path / "hr.sqlite3", totp_seed="not-a-seed!")


def test_login_page_and_session_cookie(hr_client: FlaskClient, hr_log_in: Callable) -> None:
    html = hr_client.get("/login").text
    assert "<title>ログイン | サンドボックス人事労務</title>" in html
    for fragment in (
        '<label for="email">メールアドレス</label>',
        '<label for="password">パスワード</label>',
        'id="password" name="password" type="password"',
        '<button type="submit" class="button button-primary">ログイン</button>',
    ):
        assert fragment in html
    response = hr_log_in(hr_client)
    assert (response.status_code, response.headers["Location"]) == (302, "/employees")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("sandbox_hr_session=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "ログアウト" in hr_client.get("/employees").text


@pytest.mark.parametrize(
    ("email", "password"), [("USER", "wrong"), ("other@example.jp", "PASSWORD"), ("USER", "")]
)
def test_wrong_credentials_stay_on_the_login_page(
    anon: FlaskClient, html: Any, hr_creds: Any, email: str, password: str
) -> None:
    email = hr_creds.user if email == "USER" else email
    password = hr_creds.password if password == "PASSWORD" else password
    token = html.csrf(anon.get("/login").text)
    page = anon.post("/login", data={"email": email, "password": password, "csrf_token": token})
    assert page.status_code == 200
    assert (
        '<div role="alert" class="alert alert-error">メールアドレスまたはパスワードが正しくありません。</div>'
        in page.text
    )
    assert anon.get("/employees").status_code == 302


def test_login_and_logout_need_the_csrf_token(hr_client: FlaskClient, html: Any, hr_creds: Any) -> None:
    hr_client.get("/login")
    refused = hr_client.post("/login", data={"email": hr_creds.user, "password": hr_creds.password})
    assert refused.status_code == 400 and "セッションの有効期限が切れたか" in refused.text
    token = html.csrf(hr_client.get("/login").text)
    hr_client.post(
        "/login", data={"email": hr_creds.user, "password": hr_creds.password, "csrf_token": token}
    )
    assert hr_client.post("/logout").status_code == 400
    token = html.csrf(hr_client.get("/employees").text)
    assert hr_client.post("/logout", data={"csrf_token": token}).headers["Location"] == "/login"
    assert hr_client.get("/employees").status_code == 302


@pytest.mark.parametrize(
    ("next_url", "lands_on"),
    [
        ("/employees/new", "/employees/new"),
        ("/employees?employee_no=E0001", "/employees?employee_no=E0001"),
        ("https://evil.example/", "/employees"),
        ("//evil.example/", "/employees"),
    ],
)
def test_login_follows_next_only_to_local_paths(
    anon: FlaskClient, hr_log_in: Callable, next_url: str, lands_on: str
) -> None:
    assert hr_log_in(anon, next_url=next_url).headers["Location"] == lands_on


@pytest.mark.parametrize(
    "path",
    ["/employees", "/employees?employee_no=E0001", "/employees/new", "/employees/new/bank", "/employees/1",
     "/employees/1/attendance/2024-04"],
)  # fmt: skip
def test_pages_redirect_to_login_with_next(anon: FlaskClient, path: str) -> None:
    response = anon.get(path)
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert (location.path, parse_qs(location.query)) == ("/login", {"next": [path]})


@pytest.mark.parametrize(
    "path",
    [
        "/api/employees",
        "/api/employees/1",
        "/api/employees/1?reveal=1",
        "/api/employees/1/attendance/2024-04",
    ],
)
@pytest.mark.parametrize("authorization", [None, "Bearer wrong", "Bearer ", "Basic {token}"])
def test_api_without_session_or_token_is_401_json(
    anon: FlaskClient, hr_creds: Any, path: str, authorization: str | None
) -> None:
    headers = {"Authorization": authorization.format(token=hr_creds.token)} if authorization else {}
    response = anon.get(path, headers=headers)
    assert response.status_code == 401 and response.json["error"] == "unauthorized"


# -- TOTP ----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def totp_app(module_hr_app: Callable[..., Flask], hr_creds: Any) -> Flask:
    return module_hr_app(totp_seed=hr_creds.totp_seed)


@pytest.fixture
def totp_client(totp_app: Flask) -> FlaskClient:
    return totp_app.test_client()


def _password_step(client: FlaskClient, html: Any, hr_creds: Any, next_url: str | None = None) -> Any:
    token = html.csrf(client.get("/login").text)
    data = {"email": hr_creds.user, "password": hr_creds.password, "csrf_token": token}
    return client.post("/login", data=data | ({"next": next_url} if next_url else {}))


def _send_code(client: FlaskClient, html: Any, code: str) -> Any:
    token = html.csrf(client.get("/login/code").text)
    return client.post("/login/code", data={"code": code, "csrf_token": token})


def test_with_a_seed_the_password_leads_to_the_code_page_and_the_code_logs_in(
    totp_client: FlaskClient, html: Any, hr_creds: Any
) -> None:
    response = _password_step(totp_client, html, hr_creds, next_url="/employees/new")
    assert response.headers["Location"] == "/login/code"
    assert totp_client.get("/employees").status_code == 302  # the password alone is not a login
    page = totp_client.get("/login/code").text
    assert "<title>確認コード | サンドボックス人事労務</title>" in page
    assert '<label for="code">確認コード</label>' in page
    assert 'id="code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="6"' in page
    assert '<button type="submit" class="button button-primary">確認</button>' in page

    done = _send_code(totp_client, html, totp(hr_creds.totp_seed))
    assert (done.status_code, done.headers["Location"]) == (302, "/employees/new")
    assert totp_client.get("/employees").status_code == 200


@pytest.mark.parametrize("code", ["000000", "12345", "abcdef", ""])
def test_a_wrong_code_shows_an_error_and_stays_on_the_code_page(
    totp_client: FlaskClient, html: Any, hr_creds: Any, code: str
) -> None:
    _password_step(totp_client, html, hr_creds)
    if code == "000000" and totp(hr_creds.totp_seed) == code:
        code = "000001"
    page = _send_code(totp_client, html, code)
    assert page.status_code == 200
    assert '<label for="code">確認コード</label>' in page.text and 'aria-invalid="true"' in page.text
    assert (
        'role="alert" class="alert alert-error" data-testid="code-error">確認コードが正しくありません'
        in page.text
    )
    assert totp_client.get("/employees").status_code == 302
    assert _send_code(totp_client, html, totp(hr_creds.totp_seed)).status_code == 302  # a retry works


def test_five_wrong_codes_send_the_user_back_to_the_password(
    totp_client: FlaskClient, html: Any, hr_creds: Any
) -> None:
    _password_step(totp_client, html, hr_creds)
    wrong = "111111" if totp(hr_creds.totp_seed) != "111111" else "222222"
    for _ in range(4):
        assert 'data-testid="code-error"' in _send_code(totp_client, html, wrong).text
    last = _send_code(totp_client, html, wrong)
    assert "確認コードを5回間違えました。もう一度ログインしてください。" in last.text
    assert '<label for="password">パスワード</label>' in last.text
    assert totp_client.get("/login/code").headers["Location"] == "/login"


def test_the_code_page_needs_a_recent_password(totp_client: FlaskClient, html: Any, hr_creds: Any) -> None:
    assert totp_client.get("/login/code").headers["Location"] == "/login"
    _password_step(totp_client, html, hr_creds)
    with totp_client.session_transaction() as session:
        session["pending_at"] = time.time() - 301  # the password was typed over five minutes ago
    assert totp_client.get("/login/code").headers["Location"] == "/login"


# -- wizard --------------------------------------------------------------------------------------------
def test_the_wizard_registers_an_employee_and_shows_every_field(
    wizard: Any, html: Any, created_id: Callable, valid: dict[str, dict[str, str]]
) -> None:
    client = wizard.client
    first = wizard.start()
    assert first.request.path == "/employees/new/basic"
    assert _current_step(first.text) == ("basic", "基本情報")
    assert '<label for="employee_no">従業員番号</label>' in first.text
    my_number = _control(first.text, "my_number")
    assert 'data-sensitive="true"' in my_number and 'autocomplete="off"' in my_number

    pages = []
    for step, values in valid.items():
        response = wizard.post(step, values)
        assert response.status_code == 303
        if step != "bank":
            pages.append(client.get(response.headers["Location"]).text)
    assert [_current_step(p) for p in pages] == [
        ("employment", "雇用情報"),
        ("address", "住所・連絡先"),
        ("bank", "給与振込口座"),
    ]
    assert 'data-sensitive="true"' in _control(pages[-1], "account_number")
    assert 'data-testid="wizard-submit">登録する</button>' in pages[-1]
    employee_id = created_id(response)

    page = client.get(f"/employees/{employee_id}?created=1").text
    status = re.search(r'<div role="status" class="alert alert-success">(.*?)</div>', page)
    assert (
        status
        and status.group(1)
        == f'従業員を登録しました（ID: <span data-testid="employee-id">{employee_id}</span>）'
    )

    expected = {
        "employee-no": "E0001",
        "name": "山田 太郎",
        "kana": "ヤマダ タロウ",
        "birth-date": "1990-05-15",
        "gender": "男性",
        "my-number": "＊＊＊＊＊＊＊＊9018",
        "entry-date": "2024-04-01",
        "employment-type": "正社員",
        "pay-type": "月給",
        "base-pay": "250,000",
        "postal-code": "100-0001",
        "prefecture": "東京都",
        "address": "千代田区千代田1-1",
        "phone": "03-1234-5678",
        "bank-code": "0001",
        "branch-code": "001",
        "account-type": "普通",
        "account-number": "＊＊＊4567",
        "account-holder": "ヤマダ タロウ",
    }
    assert {testid: html.testid(page, testid) for testid in expected} == expected
    assert '<dd data-testid="my-number" data-sensitive="true">' in page
    assert '<dd data-testid="account-number" data-sensitive="true">' in page
    assert "123456789018" not in page and "1234567" not in page.replace("＊", "")
    # The draft is gone: the wizard starts over.
    assert client.get("/employees/new/bank").headers["Location"] == "/employees/new?restarted=1"


def test_an_employee_without_my_number_shows_not_registered(
    wizard: Any, html: Any, created_id: Callable, hr_creds: Any
) -> None:
    employee_id = created_id(wizard.register(my_number=""))
    page = wizard.client.get(f"/employees/{employee_id}").text
    assert html.testid(page, "my-number") == "未登録"
    api = wizard.client.get(f"/api/employees/{employee_id}?reveal=1", headers=hr_creds.bearer).json
    assert api["my_number"] is None


def test_steps_cannot_be_skipped(
    shared_user: FlaskClient, wizard_for: Callable, valid: dict[str, dict[str, str]]
) -> None:
    wizard = wizard_for(shared_user)
    wizard.start()
    for step in ("employment", "address", "bank"):
        assert wizard.client.get(f"/employees/new/{step}").headers["Location"] == "/employees/new/basic"
    wizard.post("basic", valid["basic"])
    assert wizard.client.get("/employees/new/bank").headers["Location"] == "/employees/new/employment"
    assert wizard.client.get("/employees/new/family").status_code == 404


def test_back_keeps_what_was_typed_in_both_directions(
    shared_user: FlaskClient, wizard_for: Callable, html: Any, valid: dict[str, dict[str, str]]
) -> None:
    wizard = wizard_for(shared_user)
    values = valid
    wizard.start()
    wizard.post("basic", values["basic"])
    typed = {"entry_date": "2024-04-01", "employment_type": "契約社員", "pay_type": "", "base_pay": "abc"}
    back = wizard.post("employment", typed, action="back")  # invalid values: 戻る does not check them
    assert (back.status_code, back.headers["Location"]) == (303, "/employees/new/basic")
    basic = wizard.client.get("/employees/new/basic").text
    assert _current_step(basic) == ("basic", "基本情報")
    assert {name: _value(basic, name) for name in values["basic"]} == values["basic"]
    assert 'data-testid="wizard-back"' not in basic  # no 戻る on the first step

    wizard.post("basic", values["basic"] | {"first_name": "次郎"})
    employment = wizard.client.get("/employees/new/employment").text
    assert {name: _value(employment, name) for name in typed} == typed
    assert 'formnovalidate data-testid="wizard-back">戻る</button>' in employment
    # 戻る re-opened the step: the steps after it wait until it is sent forward again.
    assert wizard.client.get("/employees/new/address").headers["Location"] == "/employees/new/employment"


def test_the_forward_button_comes_first_so_enter_never_goes_back(
    shared_user: FlaskClient, wizard_for: Callable, valid: dict[str, dict[str, str]]
) -> None:
    wizard = wizard_for(shared_user)
    wizard.start()
    wizard.post("basic", valid["basic"])
    page = wizard.client.get("/employees/new/employment").text
    assert page.index('data-testid="wizard-next"') < page.index('data-testid="wizard-back"')


# One case per rule, through the real pages: the step, the fields changed, the field named in the error.
RULES = [
    ("basic", {"employee_no": ""}, "employee_no", "従業員番号を入力してください"),
    (
        "basic",
        {"employee_no": "E 1"},
        "employee_no",
        "従業員番号は半角英数字・ハイフン20文字以内で入力してください",
    ),
    ("basic", {"last_name": ""}, "last_name", "姓を入力してください"),
    ("basic", {"first_name": "名" * 51}, "first_name", "名は50文字以内で入力してください"),
    ("basic", {"last_name_kana": "やまだ"}, "last_name_kana", "セイは全角カタカナで入力してください"),
    ("basic", {"first_name_kana": "Taro"}, "first_name_kana", "メイは全角カタカナで入力してください"),
    (
        "basic",
        {"birth_date": "1990-02-30"},
        "birth_date",
        "生年月日は正しい日付（YYYY-MM-DD）で入力してください",
    ),
    ("basic", {"birth_date": "2999-01-01"}, "birth_date", "生年月日は1900-01-01から…"),  # … today's date
    ("basic", {"gender": "男"}, "gender", "性別を選択してください"),
    (
        "basic",
        {"my_number": "123456789019"},
        "my_number",
        "マイナンバーが正しくありません（チェックデジットが一致しません）",
    ),
    ("basic", {"my_number": "1234567890"}, "my_number", "マイナンバーは12桁の数字で入力してください"),
    (
        "employment",
        {"entry_date": "2024/04/01"},
        "entry_date",
        "入社日は正しい日付（YYYY-MM-DD）で入力してください",
    ),
    ("employment", {"entry_date": "1985-04-01"}, "entry_date", "入社日は生年月日より後の日付にしてください"),
    ("employment", {"employment_type": ""}, "employment_type", "雇用形態を選択してください"),
    ("employment", {"pay_type": "年俸"}, "pay_type", "給与形態を選択してください"),
    ("employment", {"base_pay": "25万円"}, "base_pay", "基本給は半角数字（円）で入力してください"),
    ("employment", {"base_pay": "0"}, "base_pay", "基本給は1以上99,999,999以下で入力してください"),
    ("address", {"postal_code": "100-001"}, "postal_code", "郵便番号は「123-4567」の形式で入力してください"),
    ("address", {"prefecture": "東京"}, "prefecture", "都道府県を選択してください"),
    ("address", {"address": ""}, "address", "住所を入力してください"),
    (
        "address",
        {"phone": "03-1234"},
        "phone",
        "電話番号は0から始まる10〜11桁の数字（ハイフン可）で入力してください",
    ),
    ("bank", {"bank_code": "123"}, "bank_code", "銀行コードは4桁の数字で入力してください"),
    ("bank", {"branch_code": "1234"}, "branch_code", "支店コードは3桁の数字で入力してください"),
    ("bank", {"account_type": "貯蓄"}, "account_type", "口座種別を選択してください"),
    ("bank", {"account_number": "123456"}, "account_number", "口座番号は7桁の数字で入力してください"),
    (
        "bank",
        {"account_holder": "やまだ たろう"},
        "account_holder",
        "口座名義カナはカタカナで入力してください",
    ),
]


@pytest.mark.parametrize(("step", "fields", "field", "message"), RULES)
def test_each_rule_is_refused_on_its_step_with_the_field_named(
    shared_user: FlaskClient,
    wizard_for: Callable,
    html: Any,
    hr_creds: Any,
    step: str,
    fields: dict[str, str],
    field: str,
    message: str,
) -> None:
    wizard = wizard_for(shared_user)
    response = wizard.register(**fields)
    assert response.status_code == 422
    assert _current_step(response.text)[0] == step
    errors = html.errors(response.text)
    assert len(errors) == 1
    label = re.search(rf'<label for="{field}">([^<]*)</label>', response.text).group(1)  # type: ignore[union-attr]
    assert errors[0].startswith(label)
    if message.endswith("…"):
        assert errors[0].startswith(message[:-1])
    else:
        assert errors == [message]
    tag = _control(response.text, field)
    assert 'aria-invalid="true"' in tag and 'aria-describedby="' in tag
    assert f'<p class="field-error" id="{field}-error">{errors[0]}</p>' in response.text
    if _control(response.text, field).startswith("<input"):
        assert _value(response.text, field) == fields[field]  # kept as typed
    assert shared_user.get("/api/employees?employee_no=E0001", headers=hr_creds.bearer).json["total"] == 0


def test_every_error_of_a_step_is_listed(shared_user: FlaskClient, wizard_for: Callable, html: Any) -> None:
    wizard = wizard_for(shared_user)
    wizard.start()
    response = wizard.post("basic", {"last_name_kana": "やまだ", "gender": "", "my_number": "1"})
    assert response.status_code == 422
    assert html.errors(response.text) == [
        "従業員番号を入力してください",
        "姓を入力してください",
        "名を入力してください",
        "セイは全角カタカナで入力してください",
        "メイを入力してください",
        "生年月日を入力してください",
        "性別を選択してください",
        "マイナンバーは12桁の数字で入力してください",
    ]
    assert "<p>入力内容を確認してください（8件）。</p>" in response.text


def test_a_taken_employee_number_is_refused_on_the_first_step(
    wizard: Any, html: Any, created_id: Callable
) -> None:
    created_id(wizard.register())
    again = wizard.register(last_name="佐藤")
    assert html.errors(again.text) == ["従業員番号「E0001」はすでに登録されています"]


def test_a_number_taken_while_the_wizard_was_open_sends_the_user_back_to_step_one(
    hr_app: Flask,
    hr_log_in: Callable,
    wizard_for: Callable,
    html: Any,
    created_id: Callable,
    valid: dict[str, dict[str, str]],
) -> None:
    one, two = hr_app.test_client(), hr_app.test_client()
    hr_log_in(one), hr_log_in(two)
    slow, fast = wizard_for(one), wizard_for(two)
    values = valid
    slow.start()
    for step in ("basic", "employment", "address"):
        slow.post(step, values[step])
    created_id(fast.register())  # the same E0001, saved first
    token = html.csrf(one.get("/employees/new/bank").text)
    last = one.post("/employees/new/bank", data=values["bank"] | {"csrf_token": token})
    assert last.status_code == 422
    assert _current_step(last.text)[0] == "basic"
    assert html.errors(last.text) == ["従業員番号「E0001」はすでに登録されています"]
    assert _value(last.text, "last_name") == "山田"  # what was typed is still there
    fixed = slow.post("basic", values["basic"] | {"employee_no": "E0002"})
    assert fixed.headers["Location"] == "/employees/new/employment"


def test_the_wizard_needs_the_csrf_token(
    shared_user: FlaskClient, wizard_for: Callable, valid: dict[str, dict[str, str]]
) -> None:
    wizard = wizard_for(shared_user)
    wizard.start()
    assert wizard.client.post("/employees/new/basic", data=valid["basic"]).status_code == 400


def test_a_new_registration_drops_the_draft_of_the_last_one(
    shared_user: FlaskClient, wizard_for: Callable, valid: dict[str, dict[str, str]]
) -> None:
    wizard = wizard_for(shared_user)
    wizard.start()
    wizard.post("basic", valid["basic"])
    page = wizard.start()
    assert page.request.path == "/employees/new/basic" and _value(page.text, "employee_no") == ""


def test_prefectures_are_the_47_in_jis_order() -> None:
    assert len(PREFECTURES) == len(set(PREFECTURES)) == 47
    assert (PREFECTURES[0], PREFECTURES[12], PREFECTURES[26], PREFECTURES[-1]) == (
        "北海道",
        "東京都",
        "大阪府",
        "沖縄県",
    )


# -- search and pages ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def search_user(module_hr_app: Callable[..., Flask], hr_log_in: Callable) -> FlaskClient:
    client = module_hr_app().test_client()
    hr_log_in(client)
    return client


@pytest.fixture(scope="module")
def three(search_user: FlaskClient, wizard_for: Callable, created_id: Callable) -> list[int]:
    """Three employees, registered in this order."""
    wizard = wizard_for(search_user)
    return [
        created_id(wizard.register(employee_no=no, last_name=name, my_number=""))
        for no, name in (("E0002", "佐藤"), ("E0001", "山田"), ("E0010", "鈴木"))
    ]


def _row_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-testid="employee-row" data-employee-id="(\d+)"', html)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [(None, [1, 0, 2]), ("E0001", [1]), ("Ｅ０００１", [1]), (" E0010 ", [2]), ("E000", []), ("e0001", []),
     ("E9999", [])],
)  # fmt: skip
def test_the_list_and_its_search_by_employee_number(
    search_user: FlaskClient, three: list[int], hr_creds: Any, query: str | None, expected: list[int]
) -> None:
    ids = [three[i] for i in expected]
    params = {"employee_no": query} if query is not None else {}
    page = search_user.get("/employees", query_string=params).text
    assert _row_ids(page) == ids
    assert ('<p data-testid="no-employees" class="empty">該当する従業員はいません</p>' in page) == (not ids)
    api = search_user.get("/api/employees", query_string=params, headers=hr_creds.bearer).json
    assert [e["id"] for e in api["employees"]] == ids and api["total"] == len(ids)


def test_the_list_shows_the_columns_and_the_search_form(search_user: FlaskClient, three: list[int]) -> None:
    page = search_user.get("/employees").text
    assert re.findall(r'<th scope="col">([^<]*)</th>', page) == ["従業員番号", "氏名", "入社日", "雇用形態"]
    assert '<form method="get" action="/employees" class="card search-form" role="search">' in page
    assert '<label for="q-employee-no">従業員番号</label>' in page
    assert 'id="q-employee-no" name="employee_no"' in page
    row = re.search(rf'<tr data-testid="employee-row" data-employee-id="{three[1]}">.*?</tr>', page, re.S)
    cells = re.findall(r">([^<>]+)</(?:a|td)>", row.group(0))  # type: ignore[union-attr]
    assert cells == ["E0001", "山田 太郎", "2024-04-01", "正社員"]


def test_unknown_employees_are_404_in_japanese(shared_user: FlaskClient, hr_creds: Any) -> None:
    page = shared_user.get("/employees/999")
    assert page.status_code == 404 and "従業員が見つかりません（ID: 999）" in page.text
    assert shared_user.get("/employees/999/attendance/2024-04").status_code == 404
    for path in ("/api/employees/999", "/api/employees/999/attendance/2024-04"):
        api = shared_user.get(path, headers=hr_creds.bearer)
        assert (api.status_code, api.json) == (404, {"error": "not_found"})


# -- JSON API ------------------------------------------------------------------------------------------
def test_the_api_masks_account_and_my_number_unless_revealed(
    wizard: Any, created_id: Callable, hr_client: FlaskClient, hr_creds: Any
) -> None:
    employee_id = created_id(wizard.register())
    api = hr_client.get(f"/api/employees/{employee_id}", headers=hr_creds.bearer).json
    assert api == {
        "id": employee_id,
        "employee_no": "E0001",
        "last_name": "山田",
        "first_name": "太郎",
        "last_name_kana": "ヤマダ",
        "first_name_kana": "タロウ",
        "birth_date": "1990-05-15",
        "gender": "男性",
        "my_number": "＊＊＊＊＊＊＊＊9018",
        "entry_date": "2024-04-01",
        "employment_type": "正社員",
        "pay_type": "月給",
        "base_pay": 250_000,
        "postal_code": "100-0001",
        "prefecture": "東京都",
        "address": "千代田区千代田1-1",
        "phone": "03-1234-5678",
        "bank_account": {
            "bank_code": "0001",
            "branch_code": "001",
            "account_type": "普通",
            "account_number": "＊＊＊4567",
            "account_holder": "ヤマダ タロウ",
        },
        "revealed": False,
        "created_at": api["created_at"],
    }
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00", api["created_at"])
    full = hr_client.get(f"/api/employees/{employee_id}?reveal=1", headers=hr_creds.bearer).json
    assert (full["my_number"], full["bank_account"]["account_number"], full["revealed"]) == (
        "123456789018",
        "1234567",
        True,
    )
    for not_reveal in ("?reveal=0", "?reveal=true", ""):
        masked = hr_client.get(f"/api/employees/{employee_id}{not_reveal}", headers=hr_creds.bearer).json
        assert masked["my_number"] == "＊＊＊＊＊＊＊＊9018"
    listed = hr_client.get("/api/employees?reveal=1", headers=hr_creds.bearer).json["employees"]
    assert listed[0]["bank_account"]["account_number"] == "＊＊＊4567"  # the list never reveals
    assert (
        wizard.client.get(f"/api/employees/{employee_id}").json["employee_no"] == "E0001"
    )  # a session works


# -- attendance ----------------------------------------------------------------------------------------
@pytest.fixture
def employee_id(wizard: Any, created_id: Callable) -> int:
    return created_id(wizard.register())


@pytest.fixture(scope="module")
def idle_employee(shared_user: FlaskClient, wizard_for: Callable, created_id: Callable) -> int:
    """An employee of the shared app whose attendance no test saves (M0001: not a number others use)."""
    return created_id(wizard_for(shared_user).register(employee_no="M0001"))


def _save_month(client: FlaskClient, html: Any, path: str, cells: dict[str, str]) -> Any:
    token = html.csrf(client.get(path).text)
    return client.post(path, data={**cells, "csrf_token": token})


def test_the_month_grid_has_a_row_per_day_with_labelled_inputs(
    shared_user: FlaskClient, idle_employee: int
) -> None:
    page = shared_user.get(f"/employees/{idle_employee}/attendance/2024-04").text
    assert "<h1>勤怠 2024年4月</h1>" in page
    dates = re.findall(r'<tr data-testid="day-row" data-date="([\d-]+)"', page)
    assert len(dates) == 30 and dates[0] == "2024-04-01" and dates[-1] == "2024-04-30"
    for fragment in (
        'name="day-01-clock_in" aria-label="出勤 4/1"',
        'name="day-01-clock_out" aria-label="退勤 4/1"',
        'name="day-01-break" aria-label="休憩 4/1"',
        'name="day-30-leave" aria-label="有給 4/30"',
        '<option value="午前半休">午前半休</option>',
        'data-testid="attendance-save">保存</button>',
    ):
        assert fragment in page, fragment
    assert 'type="time" id="day-01-clock_in"' in page
    days_off = re.findall(r'data-date="([\d-]+)" class="day-off" data-day-off="true"', page)
    assert days_off[:3] == ["2024-04-06", "2024-04-07", "2024-04-13"] and "2024-04-29" in days_off
    assert len(days_off) == 9  # 8 weekend days and 昭和の日
    assert 'data-date="2024-04-29" class="day-off" data-day-off="true" data-holiday="昭和の日"' in page
    assert '<tr data-testid="day-row" data-date="2024-04-30">' in page  # a Tuesday


def test_saving_a_month_shows_saved_and_the_values(
    hr_user: FlaskClient, html: Any, employee_id: int, hr_creds: Any
) -> None:
    path = f"/employees/{employee_id}/attendance/2024-04"
    cells = {
        "day-01-clock_in": "09:00", "day-01-clock_out": "18:00", "day-01-break": "60",
        "day-02-clock_in": "9:30", "day-02-clock_out": "18:15", "day-02-break": "0:45",
        "day-03-leave": "全休",
        "day-04-clock_in": "13:00", "day-04-clock_out": "18:00", "day-04-leave": "午前半休",
    }  # fmt: skip
    response = _save_month(hr_user, html, path, cells)
    assert (response.status_code, response.headers["Location"]) == (303, f"{path}?saved=1")
    page = hr_user.get(response.headers["Location"]).text
    assert (
        '<div role="status" class="alert alert-success" data-testid="attendance-saved">保存しました</div>'
        in page
    )
    assert _value(page, "day-01-clock_in") == "09:00" and _value(page, "day-02-clock_in") == "09:30"
    assert _value(page, "day-02-break") == "45" and _value(page, "day-03-leave") == "全休"
    worked = re.findall(r'data-testid="worked">([^<]*)<', page)
    assert worked[:5] == ["8:00", "8:00", "", "5:00", ""]
    assert html.testid(page, "total-worked") == "21:00"
    assert "保存しました" not in hr_user.get(path).text

    api = hr_user.get(f"/api/employees/{employee_id}/attendance/2024-04", headers=hr_creds.bearer).json
    assert (api["employee_id"], api["month"], len(api["days"]), api["total_worked_minutes"]) == (
        employee_id, "2024-04", 30, 1260,
    )  # fmt: skip
    keys = ["date", "clock_in", "clock_out", "break_minutes", "leave", "worked_minutes"]
    assert all(list(day) == keys for day in api["days"])
    assert [tuple(day.values()) for day in api["days"][:5]] == [
        ("2024-04-01", "09:00", "18:00", 60, "なし", 480),
        ("2024-04-02", "09:30", "18:15", 45, "なし", 480),
        ("2024-04-03", None, None, None, "全休", None),
        ("2024-04-04", "13:00", "18:00", 0, "午前半休", 300),
        ("2024-04-05", None, None, None, None, None),
    ]

    # Saving the month again replaces it: a day emptied is gone; other months are untouched.
    _save_month(hr_user, html, f"/employees/{employee_id}/attendance/2024-05", {"day-01-leave": "全休"})
    _save_month(hr_user, html, path, {"day-02-clock_in": "10:00", "day-02-clock_out": "11:00"})
    april = hr_user.get(f"/api/employees/{employee_id}/attendance/2024-04", headers=hr_creds.bearer).json
    assert [d["date"] for d in april["days"] if d["leave"]] == ["2024-04-02"]
    may = hr_user.get(f"/api/employees/{employee_id}/attendance/2024-05", headers=hr_creds.bearer).json
    assert may["days"][0]["leave"] == "全休"


@pytest.mark.parametrize(
    ("cells", "message", "invalid"),
    [
        ({"day-08-clock_in": "18:00", "day-08-clock_out": "09:00"},
         "4/8: 退勤は出勤より後の時刻にしてください", "day-08-clock_out"),
        ({"day-09-clock_in": "09:00", "day-09-clock_out": "10:00", "day-09-break": "90"},
         "4/9: 休憩が勤務時間（出勤から退勤まで）より長くなっています", "day-09-break"),
        ({"day-10-clock_in": "09:00", "day-10-clock_out": "18:00", "day-10-leave": "全休"},
         "4/10: 有給が全休の日は出勤・退勤・休憩を入力できません", "day-10-leave"),
        ({"day-11-clock_in": "09:00"}, "4/11: 出勤と退勤は両方入力してください", "day-11-clock_out"),
        ({"day-12-break": "60"}, "4/12: 休憩は出勤・退勤とあわせて入力してください", "day-12-break"),
        ({"day-15-clock_in": "9時"}, "4/15: 出勤は「9:00」のような時刻で入力してください", "day-15-clock_in"),
    ],
)  # fmt: skip
def test_a_refused_month_names_the_row_and_saves_nothing(
    shared_user: FlaskClient,
    html: Any,
    idle_employee: int,
    hr_creds: Any,
    cells: dict[str, str],
    message: str,
    invalid: str,
) -> None:
    hr_user, employee_id = shared_user, idle_employee
    path = f"/employees/{employee_id}/attendance/2024-04"
    good = {"day-01-clock_in": "09:00", "day-01-clock_out": "18:00"}
    response = _save_month(hr_user, html, path, good | cells)
    assert response.status_code == 422
    assert html.errors(response.text) == [message]
    assert 'aria-invalid="true"' in _control(response.text, invalid)
    assert "保存しました" not in response.text
    assert {name: _value(response.text, name) for name in cells} == cells  # kept as typed
    api = hr_user.get(f"/api/employees/{employee_id}/attendance/2024-04", headers=hr_creds.bearer).json
    assert api["total_worked_minutes"] == 0 and all(d["leave"] is None for d in api["days"])


@pytest.mark.parametrize("month", ["2024-4", "2024-13", "1989-12", "april"])
def test_a_bad_month_is_404_on_pages_and_400_on_the_api(
    shared_user: FlaskClient, idle_employee: int, hr_creds: Any, month: str
) -> None:
    hr_user, employee_id = shared_user, idle_employee
    page = hr_user.get(f"/employees/{employee_id}/attendance/{month}")
    assert page.status_code == 404 and "月の指定が正しくありません" in page.text
    api = hr_user.get(f"/api/employees/{employee_id}/attendance/{month}", headers=hr_creds.bearer)
    assert api.status_code == 400 and api.json["error"] == "bad_request"


def test_attendance_needs_the_csrf_token(shared_user: FlaskClient, idle_employee: int) -> None:
    path = f"/employees/{idle_employee}/attendance/2024-04"
    assert shared_user.post(path, data={"day-01-leave": "全休"}).status_code == 400


def test_the_employee_page_links_to_this_months_attendance(
    shared_user: FlaskClient, idle_employee: int
) -> None:
    page = shared_user.get(f"/employees/{idle_employee}").text
    link = re.search(
        r'href="(/employees/\d+/attendance/(\d{4}-\d\d))" data-testid="attendance-link">勤怠</a>', page
    )
    assert link and shared_user.get(link.group(1)).status_code == 200


# -- chaos: session expiry, errors, the notice dialog ---------------------------------------------------
def test_an_expired_session_sends_the_user_to_login_and_the_wizard_starts_over(
    make_hr_app: Callable[..., Flask],
    hr_log_in: Callable,
    wizard_for: Callable,
    html: Any,
    hr_creds: Any,
    valid: dict[str, dict[str, str]],
) -> None:
    client = make_hr_app(chaos=Chaos(session_seconds=60)).test_client()
    hr_log_in(client)
    wizard = wizard_for(client)
    wizard.start()
    wizard.post("basic", valid["basic"])
    assert client.get("/employees/new/employment").status_code == 200

    with client.session_transaction() as session:
        session["_chaos_login_at"] -= 61  # the login is now 61 s old: no sleeping
    page = client.get("/employees/new/employment")
    assert page.headers["Location"] == "/login?next=/employees/new/employment"
    post = client.post("/employees/new/employment", data=valid["employment"])
    assert post.headers["Location"] == "/login?next=/employees/new/employment"  # not a CSRF error
    assert client.get("/api/employees", headers=hr_creds.bearer).status_code == 200  # the API is not affected

    back = hr_log_in(client, next_url="/employees/new/employment")
    assert back.headers["Location"] == "/employees/new/employment"
    restarted = client.get(back.headers["Location"], follow_redirects=True)
    assert restarted.request.path == "/employees/new/basic"
    assert (
        'role="status" class="alert alert-info" data-testid="wizard-restarted">入力途中の内容が見つからない'
        in restarted.text
    )


def test_a_session_within_its_time_is_kept(make_hr_app: Callable[..., Flask], hr_log_in: Callable) -> None:
    client = make_hr_app(chaos=Chaos(session_seconds=60)).test_client()
    hr_log_in(client)
    with client.session_transaction() as session:
        session["_chaos_login_at"] -= 59
    assert client.get("/employees").status_code == 200


def test_server_errors_are_pages_in_japanese_and_spare_the_api(
    make_hr_app: Callable[..., Flask], hr_log_in: Callable, hr_creds: Any
) -> None:
    client = make_hr_app(chaos=Chaos(error_rate=1.0)).test_client()
    page = client.get("/login")
    assert page.status_code == 503 and "サーバーが混み合っています" in page.text
    assert client.get("/api/employees", headers=hr_creds.bearer).status_code == 200


def test_the_notice_dialog_is_injected_and_closable_without_inline_script(
    make_hr_app: Callable[..., Flask], hr_log_in: Callable
) -> None:
    client = make_hr_app(chaos=Chaos(modal_rate=1.0)).test_client()
    page = client.get("/login").text
    assert 'data-testid="notice-modal"' in page and "お知らせ" in page
    assert "onclick" not in page and 'style="' not in page.split('id="sandbox-notice"')[1][:400]
    assert '<script src="/__sandbox/notice.js"></script>' in page
    script = client.get("/__sandbox/notice.js").text
    assert "[data-testid=notice-close]" in script and 'getElementById("sandbox-notice")' in script
    assert "#sandbox-notice" in client.get("/__sandbox/notice.css").text


# -- UI version 2 --------------------------------------------------------------------------------------
V1_ONLY = ["従業員番号", "姓", "セイ", "メイ", "生年月日", "マイナンバー", "次へ"]


def test_ui_version_2_renames_and_moves_but_keeps_names_and_test_ids(
    make_hr_app: Callable[..., Flask],
    hr_log_in: Callable,
    wizard_for: Callable,
    html: Any,
    created_id: Callable,
    valid: dict[str, dict[str, str]],
) -> None:
    client = make_hr_app(chaos=Chaos(ui_version=2)).test_client()
    hr_log_in(client)
    wizard = wizard_for(client)
    page = wizard.start().text
    labels = dict(re.findall(r'<label for="(\w+)">([^<]*)</label>', page))
    assert labels == {
        "employee_no": "社員番号",
        "last_name_kana": "氏（カナ）",
        "first_name_kana": "名（カナ）",
        "last_name": "氏",
        "first_name": "名",
        "gender": "性別",
        "birth_date": "誕生日",
        "my_number": "個人番号",
    }
    assert list(labels) != list(valid["basic"])  # another order
    for v1_label in V1_ONLY:  # a v1 first-choice locator finds nothing
        assert f">{v1_label}<" not in page
    assert "<h1>社員の新規登録</h1>" in page and _current_step(page) == ("basic", "本人情報")
    assert page.index('data-testid="wizard-next">次のステップへ</button>') < page.index('name="employee_no"')
    assert 'aria-label="進行状況" data-testid="wizard-steps"' in page

    refused = wizard.post("basic", valid["basic"] | {"employee_no": ""})
    assert html.errors(refused.text) == ["社員番号を入力してください"]  # errors name the field as shown

    for step, values in valid.items():
        response = wizard.post(step, values)
        if step == "basic":
            assert "<h2>雇用契約</h2>" in client.get(response.headers["Location"]).text
    employee_id = created_id(response)
    bank = client.get(f"/employees/{employee_id}?created=1").text
    assert "社員を登録しました" in bank and html.testid(bank, "account-number") == "＊＊＊4567"
    assert bank.index('id="h-bank"') < bank.index('id="h-employment"')  # sections moved

    month = client.get(f"/employees/{employee_id}/attendance/2024-04").text
    assert 'name="day-01-clock_in" aria-label="始業 4月1日"' in month
    assert 'name="day-01-leave" aria-label="休暇 4月1日"' in month
    assert month.index('data-testid="attendance-save">勤怠を保存</button>') < month.index(
        'data-testid="day-row"'
    )
    listing = client.get("/employees").text
    assert '<label for="q-employee-no">社員番号</label>' in listing
    assert 'data-testid="search-submit">絞り込み</button>' in listing


def test_the_ui_version_switches_at_run_time(hr_user: FlaskClient, hr_creds: Any) -> None:
    assert 'data-testid="search-submit">検索</button>' in hr_user.get("/employees").text
    switched = hr_user.post("/__sandbox/chaos", json={"ui_version": 2}, headers=hr_creds.bearer)
    assert switched.status_code == 200 and switched.json["ui_version"] == 2
    assert 'data-testid="search-submit">絞り込み</button>' in hr_user.get("/employees").text


# -- command line --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--chaos", "ui_version=3"], "ui_version must be 1 or 2"),
        (["--chaos", "typo=1"], "unknown chaos switch(es): typo"),
        (
            ["--totp-seed-env", "KUROKO_TEST_UNSET_SEED"],
            "environment variable KUROKO_TEST_UNSET_SEED is not set",
        ),
    ],
)
def test_the_command_line_refuses_bad_options_in_one_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    message: str,
) -> None:
    monkeypatch.delenv("KUROKO_TEST_UNSET_SEED", raising=False)
    with pytest.raises(SystemExit) as exited:
        hr_main(["--db", str(tmp_path / "hr.sqlite3"), *argv])
    assert exited.value.code == 2 and message in capsys.readouterr().err
