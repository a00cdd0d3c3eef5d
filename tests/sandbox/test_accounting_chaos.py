"""The shared chaos switches (sandbox.chaos) on サンドボックス会計, through Flask's test client: latency, 5xx
(including answers lost after the deal was saved), session expiry, the notice modal, and UI version 2 (other
words and positions, the same field names, ids and test ids). Time is a controlled clock: no sleeps."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from sandbox import chaos as chaos_module
from sandbox.accounting import IMPORT_HEADER, create_app
from sandbox.chaos import Chaos


class Clock:
    """Stands in for the `time` module of sandbox.chaos: time only moves when a test (or a sleep) moves it."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0
        self.slept: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(chaos_module, "time", fake)
    return fake


def _switch(client: FlaskClient, creds: Any, **switches: Any) -> dict[str, Any]:
    response = client.post("/__sandbox/chaos", json=switches, headers=creds.bearer)
    assert response.status_code == 200, response.text
    return response.json


def test_the_switches_are_off_by_default_and_read_with_the_token_only(
    client: FlaskClient, creds: Any
) -> None:
    assert client.get("/__sandbox/chaos").status_code == 401
    assert client.get("/__sandbox/chaos", headers=creds.bearer).json == {
        "latency_ms": 0,
        "error_rate": 0.0,
        "session_seconds": 0.0,
        "ui_version": 1,
        "modal_rate": 0.0,
        "seed": 0,
    }
    assert client.post("/__sandbox/chaos", json={"ui_version": 3}, headers=creds.bearer).status_code == 400


def test_latency_delays_pages_but_not_the_api_or_static_files(
    make_app: Callable[..., Flask], clock: Clock, creds: Any
) -> None:
    client = make_app(Chaos(latency_ms=250)).test_client()
    assert client.get("/login").status_code == 200
    assert clock.slept == [0.25]
    assert client.get("/api/partners?q=", headers=creds.bearer).status_code == 200
    assert client.get("/static/app.css").status_code == 200
    assert clock.slept == [0.25]


def test_errors_hit_pages_not_the_api_and_a_lost_answer_after_a_post_still_saved_the_deal(
    make_app: Callable[..., Flask], log_in: Callable[..., FlaskClient], csrf: Callable[[str], str], creds: Any
) -> None:
    client = log_in(make_app().test_client())
    token = csrf(client.get("/deals/new").text)
    partner = client.get("/api/partners?q=サンプル商事").json["partners"][0]
    _switch(client, creds, error_rate=1.0, seed=7)

    page = client.get("/deals")
    assert page.status_code == 503 and "サーバーが混み合っています" in page.text
    assert client.get("/api/deals").status_code == 200  # the API stays reliable: tests verify through it

    statuses: dict[str, int] = {}
    for n in range(12):
        ref = f"CHAOS-{n}"
        statuses[ref] = client.post(
            "/deals",
            data={
                "csrf_token": token,
                "type": "expense",
                "issue_date": "2024-04-01",
                "partner_name": partner["name"],
                "partner_id": str(partner["id"]),
                "ref_number": ref,
                "lines-0-account": "消耗品費",
                "lines-0-tax": "課対仕入10%",
                "lines-0-amount": "1000",
            },
        ).status_code
    assert set(statuses.values()) == {502, 503}  # both kinds of failure happen
    saved = {d["ref_number"] for d in client.get("/api/deals", headers=creds.bearer).json["deals"]}
    assert saved == {ref for ref, status in statuses.items() if status == 502}


def test_a_session_expires_after_session_seconds_and_a_new_login_starts_it_again(
    make_app: Callable[..., Flask], log_in: Callable[..., FlaskClient], clock: Clock
) -> None:
    client = log_in(make_app(Chaos(session_seconds=60)).test_client())
    clock.now += 59
    assert client.get("/deals").status_code == 200
    clock.now += 2
    expired = client.get("/deals/new")
    assert (expired.status_code, expired.headers["Location"]) == (302, "/login?next=/deals/new")
    assert client.get("/api/deals").status_code == 401  # the session is gone, not only the page
    log_in(client)
    clock.now += 30
    assert client.get("/deals").status_code == 200


def test_without_session_seconds_a_session_does_not_expire(
    client: FlaskClient, log_in: Callable[..., FlaskClient], clock: Clock
) -> None:
    log_in(client)
    clock.now += 10 * 365 * 24 * 3600
    assert client.get("/deals").status_code == 200


def test_the_notice_modal_covers_pages_but_not_json_or_redirects(
    make_app: Callable[..., Flask], log_in: Callable[..., FlaskClient], creds: Any
) -> None:
    client = make_app(Chaos(modal_rate=1.0)).test_client()
    login = client.get("/login").text
    assert 'data-testid="notice-modal"' in login and login.index("sandbox-notice") < login.index("</body>")
    assert "notice-modal" not in client.get("/deals").text  # a redirect to the login page
    log_in(client)
    assert 'data-testid="notice-modal"' in client.get("/deals").text
    assert "notice-modal" not in client.get("/api/deals", headers=creds.bearer).text


# -- UI version 2 ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def ui_app(tmp_path_factory: pytest.TempPathFactory, creds: Any) -> Flask:
    """One app for the UI-version tests, switched between versions at run time."""
    db: Path = tmp_path_factory.mktemp("ui-version") / "accounting.sqlite3"
    return create_app(db, username=creds.user, password=creds.password, api_token=creds.token)


@pytest.fixture
def ui(ui_app: Flask, creds: Any) -> Iterator[Callable[[int], None]]:
    """Switch the UI version of `ui_app` (back to 1 afterwards)."""
    client = ui_app.test_client()

    def to(version: int) -> None:
        _switch(client, creds, ui_version=version)

    yield to
    to(1)


@pytest.fixture
def ui_user(ui_app: Flask, log_in: Callable[..., FlaskClient]) -> FlaskClient:
    return log_in(ui_app.test_client())


def _deal(client: FlaskClient, csrf: Callable[[str], str], ref: str, **fields: str) -> Any:
    token = csrf(client.get("/deals/new").text)
    partner = client.get("/api/partners?q=サンプル商事").json["partners"][0]
    form = {
        "csrf_token": token,
        "type": "expense",
        "issue_date": "2024-04-01",
        "due_date": "2024-04-30",
        "partner_name": partner["name"],
        "partner_id": str(partner["id"]),
        "ref_number": ref,
        "lines-0-account": "消耗品費",
        "lines-0-tax": "課対仕入10%",
        "lines-0-amount": "11000",
        "lines-0-memo": "コピー用紙",
        **fields,
    }
    return client.post("/deals", data=form)


def _import(client: FlaskClient, csrf: Callable[[str], str], ref: str) -> str:
    token = csrf(client.get("/deals/import").text)
    row = ["支出", ref, "2024/04/01", "", "", "合同会社デモ", "雑費", "対象外", "500"] + [""] * 12
    data = (",".join(IMPORT_HEADER) + "\r\n" + ",".join(row) + "\r\n").encode()
    response = client.post(
        "/deals/import",
        data={"csrf_token": token, "encoding": "utf-8", "file": (io.BytesIO(data), "a.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303, response.text
    return response.headers["Location"]


class _Hooks(HTMLParser):
    """What robots and the page's script hold on to: form field names, ids and test ids."""

    def __init__(self) -> None:
        super().__init__()
        self.found: set[tuple[str, str]] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("name", "id", "data-testid", "for", "role") and value:
                self.found.add((name, value))


def _hooks(html: str) -> set[tuple[str, str]]:
    parser = _Hooks()
    parser.feed(html)
    return parser.found - {("id", "sandbox-notice")}


def test_every_page_keeps_its_field_names_ids_and_test_ids_in_ui_version_2(
    ui_app: Flask, ui_user: FlaskClient, ui: Callable[[int], None], csrf: Callable[[str], str]
) -> None:
    created = _deal(
        ui_user,
        csrf,
        "UI-HOOKS",
        **{"lines-1-account": "会議費", "lines-1-tax": "課対仕入8%（軽）", "lines-1-amount": "1080"},
    )
    deal_page = created.headers["Location"]
    result_page = _import(ui_user, csrf, "UI-HOOKS-CSV")
    pages = [
        "/deals",
        "/deals?ref_number=none",
        "/deals/new",
        deal_page,
        "/deals/import",
        result_page,
        "/deals/999999",
    ]
    anonymous = ui_app.test_client()
    before = {p: _hooks(ui_user.get(p).text) for p in pages} | {
        "/login": _hooks(anonymous.get("/login").text)
    }
    refused_before = _hooks(_deal(ui_user, csrf, "", **{"issue_date": "", "lines-0-amount": "x"}).text)
    ui(2)
    after = {p: _hooks(ui_user.get(p).text) for p in pages} | {"/login": _hooks(anonymous.get("/login").text)}
    refused_after = _hooks(_deal(ui_user, csrf, "", **{"issue_date": "", "lines-0-amount": "x"}).text)
    assert ("data-testid", "deal-row") in before["/deals"] and ("id", "add-line") in before["/deals/new"]
    assert ("name", "partner_name") in before["/deals/new"] and ("name", "email") in before["/login"]
    assert ("data-testid", "import-accepted") in before[result_page] and ("id", "partner-listbox") in before[
        "/deals/new"
    ]
    assert after == before
    assert refused_after == refused_before
    assert ("data-testid", "form-errors") in refused_after and ("id", "lines-0-amount-error") in refused_after


# (path, what version 1 shows, what version 2 shows instead)
WORDING: list[tuple[str, str, str]] = [
    ("/login", '<label for="email">メールアドレス</label>', '<label for="email">ログインID</label>'),
    ("/login", "ログイン</button>", "サインイン</button>"),
    ("/deals", '<label for="q-ref">管理番号</label>', '<label for="q-ref">伝票番号</label>'),
    ("/deals", '<label for="q-partner">取引先</label>', '<label for="q-partner">相手先</label>'),
    ("/deals", 'class="button">検索</button>', 'class="button">絞り込む</button>'),
    ("/deals", '<a href="/deals/import">取引インポート</a>', '<a href="/deals/import">一括登録</a>'),
    ("/deals/new", '<label for="type">収支区分</label>', '<label for="type">収支</label>'),
    ("/deals/new", '<label for="issue_date">発生日</label>', '<label for="issue_date">取引日</label>'),
    ("/deals/new", '<label for="due_date">支払期日</label>', '<label for="due_date">決済期日</label>'),
    ("/deals/new", '<label for="partner">取引先</label>', '<label for="partner">相手先</label>'),
    ("/deals/new", '<label for="ref_number">管理番号</label>', '<label for="ref_number">伝票番号</label>'),
    ("/deals/new", 'aria-label="勘定科目 1"', 'aria-label="科目 1"'),
    ("/deals/new", 'aria-label="税区分 1"', 'aria-label="税率 1"'),
    ("/deals/new", 'aria-label="金額 1"', 'aria-label="金額（税込） 1"'),
    ("/deals/new", 'aria-label="備考 1"', 'aria-label="摘要 1"'),
    ("/deals/new", 'id="add-line">行を追加</button>', 'id="add-line">明細を追加</button>'),
    ("/deals/new", '<label for="receipt">証憑</label>', '<label for="receipt">添付ファイル</label>'),
    ("/deals/new", 'button-primary">登録する</button>', 'button-primary">保存</button>'),
    ("/deals/new", '"account": "勘定科目"', '"account": "科目"'),  # the script's line labels
    (
        "/deals/import",
        '<label for="import-file">CSVファイル</label>',
        '<label for="import-file">取り込むファイル</label>',
    ),
    (
        "/deals/import",
        '"import-encoding">文字コード</label>',
        '"import-encoding">ファイルの文字コード</label>',
    ),
    ("/deals/import", "取り込む</button>", "アップロードして登録</button>"),
]


@pytest.mark.parametrize(("path", "v1", "v2"), WORDING, ids=[f"{w[0]} {w[2]}" for w in WORDING])
def test_ui_version_2_words_the_screens_differently(
    ui_app: Flask, ui_user: FlaskClient, ui: Callable[[int], None], path: str, v1: str, v2: str
) -> None:
    client = ui_app.test_client() if path == "/login" else ui_user
    html = client.get(path).text
    assert v1 in html and v2 not in html
    ui(2)
    html = client.get(path).text
    assert v2 in html and v1 not in html


def test_ui_version_2_moves_the_lines_above_the_deal_fields_and_the_search_below_the_list(
    ui_user: FlaskClient, ui: Callable[[int], None], csrf: Callable[[str], str]
) -> None:
    _deal(ui_user, csrf, "UI-ORDER")

    def order(path: str, first: str, second: str) -> bool:
        html = ui_user.get(path).text
        return html.index(first) < html.index(second)

    assert order("/deals/new", 'id="issue_date"', 'id="line-rows"')
    assert order("/deals", 'role="search"', 'data-testid="deal-row"')
    ui(2)
    assert order("/deals/new", 'id="line-rows"', 'id="issue_date"')
    assert order("/deals", 'data-testid="deal-row"', 'role="search"')
    assert '<body class="ui-v2">' in ui_user.get("/deals").text


def test_ui_version_2_saves_deals_and_words_its_messages_as_its_screen_does(
    ui_user: FlaskClient, ui: Callable[[int], None], csrf: Callable[[str], str], creds: Any
) -> None:
    ui(2)
    refused = _deal(ui_user, csrf, "UI-V2", issue_date="", **{"lines-0-account": "", "lines-0-amount": "x"})
    assert refused.status_code == 422
    assert re.findall(r"<li>([^<]*)</li>", refused.text) == [
        "取引日を入力してください",
        "内訳1: 科目を選択してください",
        "内訳1: 金額（税込）は半角数字で入力してください",
    ]
    saved = _deal(ui_user, csrf, "UI-V2")
    assert saved.status_code == 303
    page = ui_user.get(saved.headers["Location"]).text
    assert "<h1>取引の詳細 #" in page and 'data-testid="deal-ref-number">UI-V2</dd>' in page
    [deal] = ui_user.get("/api/deals?ref_number=UI-V2", headers=creds.bearer).json["deals"]
    assert deal["amount"] == 11_000
