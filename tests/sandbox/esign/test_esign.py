"""サンドボックス電子契約 through Flask's test client, on a real SQLite file: login, auth, the three-step send
flow and each of its validation rules, 戻る, search, the JSON API, downloads, UI version 2 and chaos."""

from __future__ import annotations

import hashlib
import io
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from sandbox.chaos import Chaos
from sandbox.esign import create_app
from sandbox.esign.__main__ import main

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
TEN_MB = 10 * 1024 * 1024


def _errors(html: str) -> list[str]:
    """The items of the form-errors alert (empty when there is none)."""
    box = re.search(r'<div role="alert" data-testid="form-errors".*?</div>', html, re.S)
    return re.findall(r"<li>([^<]*)</li>", box.group(0)) if box else []


def _testid(html: str, testid: str) -> list[str]:
    """Texts of the elements with this data-testid (tags inside stripped)."""
    found = re.findall(rf'data-testid="{testid}"[^>]*>(.*?)</(?:td|dd|span|code|p)>', html, re.S)
    return [re.sub(r"<[^>]+>", "", text).strip() for text in found]


def _row_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-testid="document-row" data-document-id="(\d+)"', html)]


def _current_step(html: str) -> str:
    match = re.search(
        r'<li class="step[^"]*" aria-current="step">\s*<span class="step-number">(\d)</span>', html
    )
    assert match, "no current step"
    assert html.count('aria-current="step"') == 1
    return match.group(1)


def _names_and_testids(html: str) -> tuple[set[str], set[str]]:
    return set(re.findall(r' name="([^"]+)"', html)), set(re.findall(r'data-testid="([^"]+)"', html))


# -- app, login and auth -----------------------------------------------------------------------------
def test_restarting_on_the_same_file_keeps_documents_and_takes_the_new_password(
    tmp_path: Path, flow: Any, creds: Any
) -> None:
    document_id = flow.draft()
    again = create_app(
        tmp_path / "esign.sqlite3", username=creds.user, password="new-Password-1"
    ).test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', again.get("/login").text).group(1)  # type: ignore[union-attr]
    old = again.post("/login", data={"email": creds.user, "password": creds.password, "csrf_token": token})
    assert old.status_code == 200 and "正しくありません" in old.text
    new = again.post("/login", data={"email": creds.user, "password": "new-Password-1", "csrf_token": token})
    assert new.status_code == 302
    assert _row_ids(again.get("/documents").text) == [document_id]


def test_login_page_and_session_cookie(client: FlaskClient, csrf: Callable, creds: Any) -> None:
    html = client.get("/login").text
    assert "<title>ログイン | サンドボックス電子契約</title>" in html
    for fragment in (
        '<label for="email">メールアドレス</label>',
        'id="email" name="email" type="email"',
        '<label for="password">パスワード</label>',
        'id="password" name="password" type="password"',
        '<button type="submit" class="button button-primary">ログイン</button>',
    ):
        assert fragment in html, fragment
    response = client.post(
        "/login", data={"email": creds.user, "password": creds.password, "csrf_token": csrf(html)}
    )
    assert (response.status_code, response.headers["Location"]) == (302, "/documents")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("sandbox_esign_session=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert creds.user in client.get("/documents").text


@pytest.mark.parametrize(
    ("email", "password"),
    [("USER", "wrong"), ("other@example.jp", "PASSWORD"), ("USER", ""), ("", "PASSWORD")],
)
def test_wrong_credentials_rerender_the_login_with_an_alert(
    client: FlaskClient, csrf: Callable, creds: Any, email: str, password: str
) -> None:
    email = creds.user if email == "USER" else email
    password = creds.password if password == "PASSWORD" else password
    token = csrf(client.get("/login").text)
    response = client.post("/login", data={"email": email, "password": password, "csrf_token": token})
    assert response.status_code == 200
    assert (
        '<div role="alert" class="alert alert-error">メールアドレスまたはパスワードが正しくありません。</div>'
        in (response.text)
    )
    assert client.get("/documents").status_code == 302


@pytest.mark.parametrize(
    ("next_url", "lands_on"),
    [
        ("/documents/new", "/documents/new"),
        ("/documents?ref_number=%E5%A5%91", "/documents?ref_number=%E5%A5%91"),
        ("https://evil.example/", "/documents"),
        ("//evil.example/", "/documents"),
        ("/\\evil.example/", "/documents"),
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


def test_login_and_logout_need_the_csrf_token(client: FlaskClient, creds: Any, log_in: Callable) -> None:
    client.get("/login")
    refused = client.post("/login", data={"email": creds.user, "password": creds.password})
    assert refused.status_code == 400 and "セッションの有効期限が切れたか" in refused.text
    log_in(client)
    assert client.post("/logout").status_code == 400
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/documents").text).group(1)  # type: ignore[union-attr]
    assert client.post("/logout", data={"csrf_token": token}).headers["Location"] == "/login"
    assert client.get("/documents").status_code == 302


@pytest.mark.parametrize(
    "path",
    [
        "/documents",
        "/documents?ref_number=契約-1",
        "/documents/new",
        "/documents/1",
        "/documents/1/edit",
        "/documents/1/signers",
        "/documents/1/confirm",
        "/documents/1/download",
    ],
)
def test_pages_redirect_to_login_with_next(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert (location.path, parse_qs(location.query)) == ("/login", {"next": [path]})


@pytest.mark.parametrize(
    ("path", "next_url"),
    [
        ("/documents/new", "/documents/new"),
        ("/documents/1/signers", "/documents/1/signers"),
        ("/documents/1/confirm", "/documents/1/confirm"),
        ("/documents/1/sign", None),  # a post-only action: back to the list after login
        ("/documents/1/delete", None),
    ],
)
def test_form_posts_without_a_session_go_to_login_not_to_a_csrf_error(
    client: FlaskClient, path: str, next_url: str | None
) -> None:
    response = client.post(path, data={"title": "x"})
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login"
    assert parse_qs(location.query) == ({"next": [next_url]} if next_url else {})


@pytest.mark.parametrize("path", ["/api/documents", "/api/documents/1", "/api/documents/1/file"])
@pytest.mark.parametrize("authorization", [None, "Bearer wrong", "Bearer ", "Basic {token}"])
def test_api_without_session_or_token_is_401_json(
    client: FlaskClient, creds: Any, path: str, authorization: str | None
) -> None:
    headers = {"Authorization": authorization.format(token=creds.token)} if authorization else {}
    response = client.get(path, headers=headers)
    assert response.status_code == 401 and response.json["error"] == "unauthorized"
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="sandbox-esign"'


def test_api_accepts_the_bearer_token_or_a_session(user: FlaskClient, creds: Any) -> None:
    fresh = user.application.test_client()
    assert fresh.get("/api/documents", headers=creds.bearer).json == {"documents": [], "total": 0}
    assert user.get("/api/documents").json == {"documents": [], "total": 0}


# -- step 1: 契約書PDF, タイトル, 管理番号 ------------------------------------------------------------------
def test_the_first_step_follows_the_contract(user: FlaskClient) -> None:
    html = user.get("/documents/new").text
    assert _current_step(html) == "1"
    assert re.findall(r'<span class="step-number">\d</span> (\S+)', html) == [
        "契約書と文書情報",
        "署名者",
        "確認",
    ]
    for fragment in (
        "<h1>新規送信</h1>",
        'enctype="multipart/form-data"',
        '<label for="file">契約書PDF</label>',
        '<input type="file" id="file" name="file" accept=".pdf,application/pdf" required>',
        '<label for="title">タイトル</label>',
        '<input id="title" name="title" maxlength="255"',
        '<label for="ref_number">管理番号</label>',
        '<input id="ref_number" name="ref_number" maxlength="100"',
        '<a class="button" href="/documents">キャンセル</a>',
        '<button type="submit" class="button button-primary">次へ</button>',
    ):
        assert fragment in html, fragment
    assert html.index('name="file"') < html.index('name="title"') < html.index('name="ref_number"')


@pytest.mark.parametrize(
    ("fields", "file", "message"),
    [
        ({"title": ""}, True, "タイトルを入力してください"),
        ({"title": None}, True, "タイトルを入力してください"),
        ({"title": "\u3000 "}, True, "タイトルを入力してください"),
        ({"title": "あ" * 256}, True, "タイトルは255文字以内で入力してください"),
        ({"ref_number": "R" * 101}, True, "管理番号は100文字以内で入力してください"),
        ({}, None, "契約書PDFを選択してください"),
        ({}, (b"hello", "memo.txt"), "契約書PDF「memo.txt」はPDFファイルではありません"),
        ({}, (PNG, "scan.pdf"), "契約書PDF「scan.pdf」はPDFファイルではありません"),
        ({}, (b"", "empty.pdf"), "契約書PDF「empty.pdf」はPDFファイルではありません"),
        (
            {},
            (b" %PDF-1.7\n", "leading-space.pdf"),
            "契約書PDF「leading-space.pdf」はPDFファイルではありません",
        ),
        ({}, (b"%PDF-" + b"0" * TEN_MB, "big.pdf"), "契約書PDF「big.pdf」は10MBを超えています（10MBまで）"),
    ],
)
def test_each_invalid_first_step_is_refused_with_its_message(
    flow: Any, creds: Any, fields: dict[str, str | None], file: Any, message: str
) -> None:
    response = flow.upload(file=file, **fields)
    assert response.status_code == 422
    assert _errors(response.text) == [message]
    assert f">{message}</p>" in response.text  # also next to the field
    assert 'aria-invalid="true"' in response.text
    assert flow.client.get("/api/documents").json["total"] == 0


def test_a_taken_ref_number_names_the_document_that_has_it(flow: Any) -> None:
    first = flow.draft(ref_number="KRK-DUP")
    response = flow.upload(ref_number=" KRK-DUP ")
    assert response.status_code == 422
    assert _errors(response.text) == [f"管理番号「KRK-DUP」は既に使われています（文書ID: {first}）"]
    assert flow.draft(ref_number="") and flow.draft(ref_number=None)  # no 管理番号: never a clash


def test_a_refused_first_step_keeps_the_typed_values_and_asks_for_the_file_again(flow: Any) -> None:
    response = flow.upload(title="", ref_number="KRK-<keep>")
    assert response.status_code == 422
    assert 'value="KRK-&lt;keep&gt;"' in response.text
    assert "ファイルをもう一度選択してください" in response.text


def test_a_pdf_of_exactly_10_mb_is_accepted_and_the_path_is_dropped_from_its_name(
    flow: Any, creds: Any
) -> None:
    data = b"%PDF-" + b"0" * (TEN_MB - 5)
    document_id = flow.draft(file=(data, "/home/keiri/大きな契約書.pdf"))
    api = flow.client.get(f"/api/documents/{document_id}", headers=creds.bearer).json
    assert (api["file_name"], api["file_size"]) == ("大きな契約書.pdf", TEN_MB)
    assert api["file_sha256"] == hashlib.sha256(data).hexdigest()


def test_a_request_far_over_the_limit_is_413_in_japanese(flow: Any) -> None:
    response = flow.upload(file=(b"%PDF-" + b"0" * (12 * 1024 * 1024), "huge.pdf"))
    assert response.status_code == 413 and "契約書PDFは10MBまでです" in response.text


def test_posting_without_csrf_is_refused(user: FlaskClient) -> None:
    assert user.post("/documents/new", data={"title": "x"}).status_code == 400


# -- step 2: 署名者 ---------------------------------------------------------------------------------------
def test_the_signers_step_follows_the_contract(flow: Any) -> None:
    document_id = flow.draft()
    html = flow.client.get(f"/documents/{document_id}/signers").text
    assert _current_step(html) == "2"
    for fragment in (
        '<th scope="col">氏名</th><th scope="col">メールアドレス</th><th scope="col">署名順</th>',
        'name="signers-0-name" aria-label="氏名 1" value=""',
        'type="email" maxlength="254" autocomplete="off" id="signers-0-email" name="signers-0-email" '
        'aria-label="メールアドレス 1"',
        'name="signers-0-order" aria-label="署名順 1" value="1"',
        "data-remove-signer hidden>削除</button>",  # never on the only row
        '<button type="button" class="button" id="add-signer">署名者を追加</button>',
        f'<a class="button" href="/documents/{document_id}/edit">戻る</a>',
        '<button type="submit" class="button button-primary">確認へ</button>',
        'data-label-name="氏名" data-label-email="メールアドレス" data-label-order="署名順"',
    ):
        assert fragment in html, fragment


def _rows(*rows: tuple[str, str, str]) -> list[tuple[str, str, str]]:
    return list(rows)


A = ("山田 太郎", "taro@example.jp", "1")
B = ("佐藤 花子", "hanako@example.jp", "2")


@pytest.mark.parametrize(
    ("rows", "messages"),
    [
        (_rows(("", A[1], "1")), ["署名者1: 氏名を入力してください"]),
        (_rows(("   ", A[1], "1")), ["署名者1: 氏名を入力してください"]),
        (_rows(("あ" * 101, A[1], "1")), ["署名者1: 氏名は100文字以内で入力してください"]),
        (_rows((A[0], "", "1")), ["署名者1: メールアドレスを入力してください"]),
        *[
            (_rows((A[0], bad, "1")), ["署名者1: メールアドレスの形式が正しくありません"])
            for bad in (
                "taro",
                "taro@",
                "@example.jp",
                "taro@example",
                "taro@@example.jp",
                "taro@exa mple.jp",
                "taro.@example.jp",
                ".taro@example.jp",
                "ta..ro@example.jp",
                "ｔａｒｏ@example.jp",
                "taro@example.jp, hanako@example.jp",
                "taro@-example.jp",
                "t" * 250 + "@example.jp",
            )
        ],
        (_rows(A, (B[0], "TARO@Example.JP", "2")), ["署名者2: メールアドレスが署名者1と重複しています"]),
        (_rows((A[0], A[1], "")), ["署名者1: 署名順を入力してください"]),
        *[
            (_rows((A[0], A[1], bad)), ["署名者1: 署名順は半角数字で入力してください"])
            for bad in ("１", "1.0", "-1", "一", "1 2", "1000")
        ],
        (_rows((A[0], A[1], "0")), ["署名者1: 署名順は1から1までの番号を欠番なく指定してください"]),
        (_rows(A, (B[0], B[1], "3")), ["署名者2: 署名順は1から2までの番号を欠番なく指定してください"]),
        (_rows((A[0], A[1], "2"), B), ["署名者2: 署名順2が署名者1と重複しています"]),
        (
            _rows(A, (B[0], B[1], "1"), ("鈴木 一郎", "ichiro@example.jp", "1")),
            ["署名者2: 署名順1が署名者1と重複しています", "署名者3: 署名順1が署名者1と重複しています"],
        ),
        (_rows(), ["署名者を1人以上入力してください"]),
        (
            _rows(*[(f"署名者{n}", f"s{n}@example.jp", str(n)) for n in range(1, 22)]),
            ["署名者は20人までです"],
        ),
    ],
)
def test_each_invalid_signer_list_is_refused_with_its_messages(
    flow: Any, creds: Any, rows: list[tuple[str, str, str]], messages: list[str]
) -> None:
    document_id = flow.draft()
    response = flow.signers(document_id, rows)
    assert response.status_code == 422
    assert _errors(response.text) == messages
    for message in messages:
        assert f">{message.split(': ', 1)[-1]}</p>" in response.text  # also next to the field
    assert flow.client.get(f"/api/documents/{document_id}", headers=creds.bearer).json["signers"] == []


def test_every_signer_error_is_listed_at_once_and_the_rows_are_kept(flow: Any) -> None:
    document_id = flow.draft()
    response = flow.signers(
        document_id, [("", "taro@example", "1"), ("佐藤 <花子>", "jiro@example.jp", "5"), B]
    )
    assert _errors(response.text) == [
        "署名者1: 氏名を入力してください",
        "署名者1: メールアドレスの形式が正しくありません",
        "署名者2: 署名順は1から3までの番号を欠番なく指定してください",
    ]
    html = response.text
    assert html.count('data-testid="signer-form-row"') == 3 + 1  # three rows and the template
    assert 'value="taro@example"' in html and 'value="佐藤 &lt;花子&gt;"' in html and 'value="5"' in html
    assert 'aria-label="氏名 3" value="佐藤 花子"' in html
    assert 'aria-invalid="true" aria-describedby="signers-1-order-error"' in html
    assert "data-remove-signer hidden" not in html  # 削除 on every row when there are several


def test_signer_rows_are_taken_in_index_order_with_gaps_closed(flow: Any, creds: Any) -> None:
    document_id = flow.draft()
    form = {
        "signers-7-name": "後の人",
        "signers-7-email": "later@example.jp",
        "signers-7-order": "1",
        "signers-2-name": "先の人",
        "signers-2-email": "first@example.jp",
        "signers-2-order": "2",
    }
    assert flow.signers(document_id, form).status_code == 303
    signers = flow.client.get(f"/api/documents/{document_id}", headers=creds.bearer).json["signers"]
    assert signers == [
        {"name": "後の人", "email": "later@example.jp", "order": 1},
        {"name": "先の人", "email": "first@example.jp", "order": 2},
    ]
    html = flow.client.get(f"/documents/{document_id}/signers").text  # entry order kept for editing
    assert html.index("先の人") < html.index("後の人")


# -- the three steps, 戻る, sending -------------------------------------------------------------------
def test_three_steps_send_a_document(flow: Any, creds: Any, pdf_bytes: bytes) -> None:
    client = flow.client
    step1 = flow.upload(title="業務委託契約書（2024年度）", ref_number="KRK-2024-001")
    assert step1.status_code == 303
    document_id = int(step1.headers["Location"].split("/")[2])
    assert flow.client.get(f"/api/documents/{document_id}").json["status"] == "draft"

    step2 = flow.signers(
        document_id, [("山田 太郎", "taro@example.jp", "2"), ("佐藤 花子", "hanako@example.jp", "1")]
    )
    assert (step2.status_code, step2.headers["Location"]) == (303, f"/documents/{document_id}/confirm")

    confirm = client.get(f"/documents/{document_id}/confirm").text
    sha = hashlib.sha256(pdf_bytes).hexdigest()
    assert _current_step(confirm) == "3"
    assert _testid(confirm, "title") == ["業務委託契約書（2024年度）"]
    assert _testid(confirm, "ref-number") == ["KRK-2024-001"]
    assert _testid(confirm, "file-name") == ["業務委託契約書.pdf"]
    assert _testid(confirm, "file-sha256") == [sha]
    assert _testid(confirm, "signer-order") == ["1", "2"]  # in signing order
    assert _testid(confirm, "signer-name") == ["佐藤 花子", "山田 太郎"]
    assert _testid(confirm, "signer-email") == ["hanako@example.jp", "taro@example.jp"]
    assert '<button type="submit" class="button button-primary">送信する</button>' in confirm
    assert f'<a class="button" href="/documents/{document_id}/signers">戻る</a>' in confirm
    assert "<h2>署名者（2名）</h2>" in confirm

    sent = flow.send(document_id)
    assert (sent.status_code, sent.headers["Location"]) == (303, f"/documents/{document_id}?sent=1")
    page = client.get(sent.headers["Location"]).text
    assert (
        f'<div role="status" class="alert alert-success">送信しました（文書ID: {document_id}）</div>' in page
    )
    api = client.get(f"/api/documents/{document_id}", headers=creds.bearer).json
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00", api["sent_at"])
    for testid, value in [
        ("document-id", str(document_id)),
        ("title", "業務委託契約書（2024年度）"),
        ("ref-number", "KRK-2024-001"),
        ("status", "送信済み"),
        ("sent-at", api["sent_at"][:16].replace("T", " ")),
        ("file-name", "業務委託契約書.pdf"),
        ("file-sha256", sha),
    ]:
        assert _testid(page, testid) == [value], testid
    assert _testid(page, "signer-name") == ["佐藤 花子", "山田 太郎"]
    assert f'<time datetime="{api["sent_at"]}">' in page
    assert 'data-testid="download-link"' in page and "署名済みにする（サンドボックス）</button>" in page

    assert api == {
        "id": document_id,
        "title": "業務委託契約書（2024年度）",
        "ref_number": "KRK-2024-001",
        "status": "sent",
        "status_label": "送信済み",
        "file_name": "業務委託契約書.pdf",
        "file_size": len(pdf_bytes),
        "file_sha256": sha,
        "created_at": api["created_at"],
        "sent_at": api["sent_at"],
        "signed_at": None,
        "signers": [
            {"name": "佐藤 花子", "email": "hanako@example.jp", "order": 1},
            {"name": "山田 太郎", "email": "taro@example.jp", "order": 2},
        ],
    }


def test_back_from_each_step_shows_what_was_entered_and_keeps_the_file(
    flow: Any, creds: Any, pdf_bytes: bytes, pdf_maker: Callable, tmp_path: Path
) -> None:
    client = flow.client
    document_id = flow.draft(title="秘密保持契約書", ref_number="NDA-1")
    assert flow.signers(document_id, [A, B]).status_code == 303

    # 確認 → 戻る: the signers as saved.
    signers_page = client.get(f"/documents/{document_id}/signers").text
    assert _current_step(signers_page) == "2"
    assert 'aria-label="氏名 1" value="山田 太郎"' in signers_page
    assert 'aria-label="メールアドレス 2" value="hanako@example.jp"' in signers_page

    # 署名者 → 戻る: step 1 with the values and the uploaded file.
    edit = client.get(f"/documents/{document_id}/edit").text
    assert _current_step(edit) == "1"
    assert 'value="秘密保持契約書"' in edit and 'value="NDA-1"' in edit
    assert _testid(edit, "current-file-name") == ["業務委託契約書.pdf"]
    assert 'name="file" accept=".pdf,application/pdf">' in edit  # not required any more

    # Changing the title without a new file keeps the file; its own 管理番号 is no clash.
    response = flow.upload(
        document_id=document_id, title="秘密保持契約書（改）", ref_number="NDA-1", file=None
    )
    assert (response.status_code, response.headers["Location"]) == (303, f"/documents/{document_id}/signers")
    api = client.get(f"/api/documents/{document_id}", headers=creds.bearer).json
    assert (api["title"], api["file_sha256"]) == (
        "秘密保持契約書（改）",
        hashlib.sha256(pdf_bytes).hexdigest(),
    )
    assert len(api["signers"]) == 2  # kept

    # A new file replaces the old one, which is not kept.
    other = pdf_maker("秘密保持契約書 第2版")
    assert flow.upload(document_id=document_id, file=(other, "NDA-v2.pdf")).status_code == 303
    api = client.get(f"/api/documents/{document_id}", headers=creds.bearer).json
    assert (api["file_name"], api["file_sha256"]) == ("NDA-v2.pdf", hashlib.sha256(other).hexdigest())
    with sqlite3.connect(tmp_path / "esign.sqlite3") as db:
        assert [r[0] for r in db.execute("SELECT sha256 FROM files")] == [api["file_sha256"]]


def test_confirm_without_signers_goes_back_to_the_signers_step(flow: Any) -> None:
    document_id = flow.draft()
    response = flow.client.get(f"/documents/{document_id}/confirm")
    assert (response.status_code, response.headers["Location"]) == (303, f"/documents/{document_id}/signers")
    assert flow.client.get(f"/api/documents/{document_id}").json["status"] == "draft"


@pytest.mark.parametrize(
    ("method", "suffix"),
    [("GET", "/edit"), ("POST", "/edit"), ("GET", "/signers"), ("POST", "/signers"), ("POST", "/confirm")],
)
def test_a_sent_document_cannot_be_edited_or_sent_again(
    flow: Any, csrf: Callable, method: str, suffix: str
) -> None:
    document_id = flow.sent()
    token = csrf(flow.client.get("/documents").text)
    response = flow.client.open(
        f"/documents/{document_id}{suffix}", method=method, data={"csrf_token": token}
    )
    assert response.status_code == 409
    assert f"文書（文書ID: {document_id}）は送信済みのため編集・送信できません" in response.text
    assert flow.client.get(f"/api/documents/{document_id}").json["status"] == "sent"


def test_the_sandbox_button_marks_a_sent_document_signed(flow: Any, csrf: Callable, creds: Any) -> None:
    document_id = flow.sent()
    token = csrf(flow.client.get(f"/documents/{document_id}").text)
    response = flow.client.post(f"/documents/{document_id}/sign", data={"csrf_token": token})
    assert response.headers["Location"] == f"/documents/{document_id}?signed=1"
    page = flow.client.get(response.headers["Location"]).text
    assert _testid(page, "status") == ["署名済み"] and "署名済みにしました" in page
    assert "署名済みにする（サンドボックス）" not in page
    api = flow.client.get(f"/api/documents/{document_id}", headers=creds.bearer).json
    assert api["status"] == "signed" and api["signed_at"] >= api["sent_at"]
    again = flow.client.post(f"/documents/{document_id}/sign", data={"csrf_token": token})
    assert again.status_code == 409 and "署名済みにできるのは送信済みの文書だけです" in again.text
    draft = flow.draft(ref_number="DRAFT")
    assert flow.client.post(f"/documents/{draft}/sign", data={"csrf_token": token}).status_code == 409


def test_a_draft_can_be_deleted_and_a_sent_document_cannot(flow: Any, csrf: Callable) -> None:
    draft = flow.draft(ref_number="TO-DELETE")
    page = flow.client.get(f"/documents/{draft}").text
    assert _testid(page, "status") == ["下書き"] and _testid(page, "sent-at") == [""]
    assert f'href="/documents/{draft}/signers">続きを編集</a>' in page
    token = csrf(page)
    response = flow.client.post(f"/documents/{draft}/delete", data={"csrf_token": token})
    assert response.headers["Location"] == f"/documents?deleted={draft}"
    assert f"下書きを削除しました（文書ID: {draft}）" in flow.client.get(response.headers["Location"]).text
    assert flow.client.get(f"/api/documents/{draft}").status_code == 404
    assert flow.draft(ref_number="TO-DELETE")  # its 管理番号 is free again
    sent = flow.sent(ref_number="SENT")
    assert flow.client.post(f"/documents/{sent}/delete", data={"csrf_token": token}).status_code == 409


def test_unknown_ids_are_404_in_japanese(user: FlaskClient) -> None:
    page = user.get("/documents/999")
    assert page.status_code == 404 and "文書が見つかりません（文書ID: 999）" in page.text
    for path in ("/documents/999/edit", "/documents/999/signers", "/documents/999/download"):
        assert user.get(path).status_code == 404, path
    for path in ("/api/documents/999", "/api/documents/999/file"):
        response = user.get(path)
        assert (response.status_code, response.json) == (404, {"error": "not_found"})


# -- list and search ---------------------------------------------------------------------------------
@pytest.fixture
def three_documents(flow: Any, csrf: Callable) -> list[int]:
    """KRK-1 (sent, then signed), KRK-10 (sent), and a draft without 管理番号."""
    ids = [flow.sent(ref_number="KRK-1"), flow.sent(ref_number="KRK-10"), flow.draft(ref_number=None)]
    token = csrf(flow.client.get("/documents").text)
    flow.client.post(f"/documents/{ids[0]}/sign", data={"csrf_token": token})
    return ids


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, [2, 1, 0]),
        ({"ref_number": "KRK-1"}, [0]),
        ({"ref_number": " KRK-10 "}, [1]),
        ({"ref_number": "KRK"}, []),
        ({"ref_number": "krk-1"}, []),
        ({"ref_number": ""}, [2, 1, 0]),
    ],
)
def test_search_matches_ref_number_exactly(
    user: FlaskClient, three_documents: list[int], creds: Any, query: dict[str, str], expected: list[int]
) -> None:
    ids = [three_documents[i] for i in expected]
    page = user.get("/documents", query_string=query).text
    assert _row_ids(page) == ids
    assert ('<p data-testid="no-documents" class="empty">該当する文書はありません</p>' in page) == (not ids)
    api = user.get("/api/documents", query_string=query, headers=creds.bearer).json
    assert [d["id"] for d in api["documents"]] == ids and api["total"] == len(ids)


def test_the_list_follows_the_contract(user: FlaskClient, three_documents: list[int]) -> None:
    html = user.get("/documents").text
    assert re.findall(r'<th scope="col">([^<]*)</th>', html) == [
        "文書ID",
        "タイトル",
        "管理番号",
        "ステータス",
        "送信日",
    ]
    assert _testid(html, "row-status") == ["下書き", "送信済み", "署名済み"]
    assert _testid(html, "row-ref-number") == ["", "KRK-10", "KRK-1"]
    assert _testid(html, "row-title") == ["業務委託契約書"] * 3
    sent_at = _testid(html, "row-sent-at")
    assert sent_at[0] == "" and all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", s) for s in sent_at[1:])
    first = three_documents[-1]
    assert (
        f'<tr data-testid="document-row" data-document-id="{first}">\n      '
        f'<td data-testid="row-document-id"><a href="/documents/{first}">{first}</a></td>'
    ) in html
    assert '<form method="get" action="/documents" class="card search-form" role="search">' in html
    assert '<label for="q-ref">管理番号</label>' in html and 'id="q-ref" name="ref_number"' in html


def test_the_list_and_api_page_through_many_documents(flow: Any, creds: Any) -> None:
    ids = [flow.draft(ref_number=f"P-{n}") for n in range(51)]
    first = flow.client.get("/documents").text
    assert _row_ids(first) == ids[::-1][:50] and 'rel="next">次のページ</a>' in first
    second = flow.client.get("/documents?page=2").text
    assert _row_ids(second) == [ids[0]] and 'rel="prev">前のページ</a>' in second
    api = flow.client.get("/api/documents?limit=2&offset=49", headers=creds.bearer).json
    assert [d["id"] for d in api["documents"]] == [ids[1], ids[0]] and api["total"] == 51


@pytest.mark.parametrize("query", ["limit=0", "limit=1001", "limit=x", "offset=-1"])
def test_api_rejects_bad_paging(user: FlaskClient, query: str) -> None:
    response = user.get(f"/api/documents?{query}")
    assert response.status_code == 400 and response.json["error"] == "bad_request"


# -- downloads ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("file_name", "ascii_name"),
    [("業務委託契約書 2024年.pdf", "document-{id}.pdf"), ("contract-2024.pdf", "contract-2024.pdf")],
)
def test_download_serves_the_sent_pdf_under_its_name(
    flow: Any, creds: Any, pdf_bytes: bytes, file_name: str, ascii_name: str
) -> None:
    document_id = flow.sent(file=(pdf_bytes, file_name))
    expected = (
        f"attachment; filename=\"{ascii_name.format(id=document_id)}\"; filename*=UTF-8''{quote(file_name)}"
    )
    for response in (
        flow.client.get(f"/documents/{document_id}/download"),
        flow.client.application.test_client().get(f"/api/documents/{document_id}/file", headers=creds.bearer),
    ):
        assert response.status_code == 200
        assert response.data == pdf_bytes and response.mimetype == "application/pdf"
        assert response.headers["Content-Disposition"] == expected
        assert response.headers["X-Content-Type-Options"] == "nosniff"


# -- UI version 2 ------------------------------------------------------------------------------------
V1_WORDS = [
    "タイトル",
    "管理番号",
    "次へ",
    "氏名 1",
    "署名者を追加",
    "確認へ",
    "送信する",
    "署名順 1",
    "ダウンロード",
]


def _pages(flow: Any) -> dict[str, str]:
    """Every screen of the flow for one document (drafted, signers saved), and a sent one."""
    client = flow.client
    draft = flow.draft(ref_number="V-DRAFT")
    assert flow.signers(draft, [A, B]).status_code == 303
    sent = flow.sent(ref_number="V-SENT")
    return {
        "list": client.get("/documents").text,
        "new": client.get("/documents/new").text,
        "edit": client.get(f"/documents/{draft}/edit").text,
        "signers": client.get(f"/documents/{draft}/signers").text,
        "confirm": client.get(f"/documents/{draft}/confirm").text,
        "document": client.get(f"/documents/{sent}").text,
    }


def test_ui_version_2_renames_and_moves_things_but_keeps_names_and_test_ids(
    make_app: Callable[..., Flask], log_in: Callable, flow_as: Callable
) -> None:
    def screens(app: Flask) -> dict[str, str]:
        return {"login": app.test_client().get("/login").text, **_pages(flow_as(log_in(app.test_client())))}

    v1 = screens(make_app(db_name="v1.sqlite3"))
    v2 = screens(make_app(Chaos(ui_version=2), db_name="v2.sqlite3"))

    for screen in v1:
        assert _names_and_testids(v1[screen]) == _names_and_testids(v2[screen]), screen
    assert "<h1>サインイン</h1>" in v2["login"] and '<label for="email">ログインID</label>' in v2["login"]
    assert '<label for="title">文書名</label>' in v2["new"]
    assert '<label for="ref_number">社内管理番号</label>' in v2["new"]
    assert '<label for="file">契約書ファイル（PDF）</label>' in v2["new"]
    assert ">署名者の設定へ</button>" in v2["new"] and "<h1>署名依頼の作成</h1>" in v2["new"]
    assert 'aria-label="署名者名 1"' in v2["signers"] and 'aria-label="署名者メール 2"' in v2["signers"]
    assert 'aria-label="順番 1"' in v2["signers"] and ">宛先を追加</button>" in v2["signers"]
    assert ">署名を依頼する</button>" in v2["confirm"] and ">前の画面へ</a>" in v2["confirm"]
    assert ">PDFを保存</a>" in v2["document"] and "<h1>契約書の管理</h1>" in v2["list"]
    for word in V1_WORDS:
        for screen, html in v2.items():
            assert f">{word}<" not in html and f'"{word}"' not in html, (word, screen)

    # Other positions: 管理番号 before タイトル, the add button above the rows, the primary button first.
    assert v1["new"].index('name="title"') < v1["new"].index('name="ref_number"')
    assert (
        v2["new"].index('name="ref_number"')
        < v2["new"].index('name="title"')
        < v2["new"].index('name="file"')
    )
    assert v1["signers"].index('id="add-signer"') > v1["signers"].index('id="signer-rows"')
    assert v2["signers"].index('id="add-signer"') < v2["signers"].index('id="signer-rows"')
    assert v2["signers"].index('name="signers-0-order"') < v2["signers"].index('name="signers-0-name"')
    assert v2["confirm"].index("button-primary") < v2["confirm"].index(">前の画面へ<")
    assert v1["confirm"].index("button-primary") > v1["confirm"].index(">戻る<")
    assert re.search(r'<div class="page-head">\s*<h1>契約書の管理</h1>\s*<form method="get"', v2["list"])
    assert re.search(r'<div class="page-head">\s*<h1>文書一覧</h1>\s*<a class="button', v1["list"])
    assert v2["document"].index('data-testid="download-link"') < v2["document"].index('data-testid="title"')


def test_ui_version_2_errors_speak_its_own_labels(
    make_app: Callable[..., Flask], log_in: Callable, flow_as: Callable
) -> None:
    flow = flow_as(log_in(make_app(Chaos(ui_version=2)).test_client()))
    assert _errors(flow.upload(title="", ref_number="R" * 101).text) == [
        "文書名を入力してください",
        "社内管理番号は100文字以内で入力してください",
    ]
    document_id = flow.draft()
    assert _errors(flow.signers(document_id, [("", "x", "2")]).text) == [
        "署名者1: 署名者名を入力してください",
        "署名者1: 署名者メールの形式が正しくありません",
        "署名者1: 順番は1から1までの番号を欠番なく指定してください",
    ]


def test_ui_version_switches_at_run_time_through_the_chaos_endpoint(user: FlaskClient, creds: Any) -> None:
    assert '<label for="title">タイトル</label>' in user.get("/documents/new").text
    assert user.post("/__sandbox/chaos", json={"ui_version": 2}).status_code == 401
    switched = user.post("/__sandbox/chaos", json={"ui_version": 2}, headers=creds.bearer)
    assert switched.status_code == 200 and switched.json["ui_version"] == 2
    assert '<label for="title">文書名</label>' in user.get("/documents/new").text


# -- chaos -------------------------------------------------------------------------------------------
def test_an_expired_session_sends_the_user_to_login_and_back(
    make_app: Callable[..., Flask], log_in: Callable, flow_as: Callable, creds: Any
) -> None:
    client = log_in(make_app(Chaos(session_seconds=60)).test_client())
    flow = flow_as(client)
    document_id = flow.draft()
    assert client.get(f"/documents/{document_id}/signers").status_code == 200

    with client.session_transaction() as session:
        session["_chaos_login_at"] -= 61  # the login is now 61 s old
    page = client.get(f"/documents/{document_id}/signers")
    assert page.status_code == 302
    assert page.headers["Location"] == f"/login?next=/documents/{document_id}/signers"
    post = client.post(f"/documents/{document_id}/signers", data={"signers-0-name": "x"})
    assert post.headers["Location"] == f"/login?next=/documents/{document_id}/signers"  # not a CSRF error
    assert client.get("/api/documents", headers=creds.bearer).status_code == 200  # the API is not affected

    login_page = client.get(page.headers["Location"]).text
    back = client.post(
        "/login",
        data={
            "email": creds.user,
            "password": creds.password,
            "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', login_page).group(1),  # type: ignore[union-attr]
            "next": f"/documents/{document_id}/signers",
        },
    )
    assert back.headers["Location"] == f"/documents/{document_id}/signers"
    assert client.get(back.headers["Location"]).status_code == 200  # a fresh 60 s


def test_the_notice_modal_is_injected_and_closable_under_the_csp(
    make_app: Callable[..., Flask], log_in: Callable
) -> None:
    client = log_in(make_app(Chaos(modal_rate=1.0)).test_client())
    html = client.get("/documents").text
    assert 'data-testid="notice-modal"' in html and 'data-testid="notice-close"' in html
    assert "onclick" not in html and '<script src="/__sandbox/notice.js"></script>' in html
    assert "#sandbox-notice" in client.get("/__sandbox/notice.css").text


def test_a_lost_answer_after_a_post_still_created_the_draft(flow: Any, creds: Any) -> None:
    """With every request failing, half the step-1 posts are handled and then answered 502: the draft is
    there all the same (robots must look before retrying); a 503 means nothing happened."""
    seen: set[int] = set()
    for seed in range(8):
        token = re.search(r'name="csrf_token" value="([^"]+)"', flow.client.get("/documents/new").text).group(
            1
        )  # type: ignore[union-attr]
        flow.client.post("/__sandbox/chaos", json={"error_rate": 1.0, "seed": seed}, headers=creds.bearer)
        response = flow.client.post(
            "/documents/new",
            data={
                "csrf_token": token,
                "title": "t",
                "ref_number": f"LOST-{seed}",
                "file": (io.BytesIO(flow.pdf), "a.pdf"),
            },
            content_type="multipart/form-data",
        )
        flow.client.post("/__sandbox/chaos", json={"error_rate": 0.0}, headers=creds.bearer)
        seen.add(response.status_code)
        found = flow.client.get(f"/api/documents?ref_number=LOST-{seed}", headers=creds.bearer).json["total"]
        assert found == (1 if response.status_code == 502 else 0), (seed, response.status_code)
        if response.status_code == 503:
            assert "サーバーが混み合っています" in response.text
    assert seen == {502, 503}


# -- command line ------------------------------------------------------------------------------------
def test_the_command_line_refuses_unknown_chaos_switches(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--chaos", "volume=11"])
    assert exit_info.value.code == 2
    assert "unknown chaos switch(es): volume" in capsys.readouterr().err
