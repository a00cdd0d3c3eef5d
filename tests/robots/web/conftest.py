"""Fixtures of the web robot tests: a small HR-like site of our own (TOTP login, an employee form with a
type-ahead, rows, a confirm dialog, a notice that pops up, a page showing a personal number), the sandbox
accounting app with its chaos switches, and helpers to write recipes into a throwaway config folder."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyotp
import pytest
from flask import Flask, abort, jsonify, redirect, render_template_string, request, session

from robots.settings import PROJECT_ROOT, Settings, load_settings
from robots.web import Target, load_target
from sandbox.server import serve_in_thread

HR_USER, HR_PASSWORD = "hr-robot", "pa55-Word!hr"
HR_TOTP_SEED = "JBSWY3DPEHPK3PXPJBSWY3DP"
DEPARTMENTS = ["総務部", "経理部", "営業部"]

_PAGE = """<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>{{ title }}</title></head><body>
{% if user %}<form method="post" action="/logout"><button>ログアウト</button></form>{% endif %}
<h1>{{ title }}</h1>
{% if error %}<div role="alert" data-testid="errors">{{ error }}</div>{% endif %}
{{ body|safe }}
{% if modal %}<script>setTimeout(() => document.body.insertAdjacentHTML("beforeend",
 '<div role="dialog" aria-label="お知らせ" id="notice"'
 + ' style="position:fixed;inset:0;background:#0008;z-index:9">'
 + '<button onclick="document.getElementById(\\'notice\\').remove()">閉じる</button></div>'), 50)
</script>{% endif %}
</body></html>"""

_LOGIN = """<form method="post"><label>ユーザー名 <input name="user"></label>
<label>パスワード <input name="password" type="password"></label><button>ログイン</button></form>"""
_OTP = """<form method="post"><label>確認コード <input name="code" inputmode="numeric"></label>
<button>確認</button></form>"""
_FORM = """<form method="post" action="/employees" enctype="multipart/form-data"
  onsubmit="return confirm('登録しますか？')">
<label>社員番号 <input name="code"></label>
<label>氏名 <input name="name"></label>
<label>フリガナ <input name="kana"></label>
<label>入社日 <input name="entry_date" placeholder="YYYY/MM/DD"></label>
<label for="kind">雇用形態</label><select id="kind" name="kind"><option value="">選択</option>
<option value="regular">正社員</option><option value="part">パート</option></select>
<label for="dept">部署</label><input id="dept" name="dept" role="combobox" autocomplete="off">
<ul role="listbox" id="dept-list" hidden></ul>
<label>口座番号 <input name="bank_account"></label>
<label>マイナンバー <input name="my_number"></label>
<label><input type="checkbox" name="agree" value="1"> 規程に同意する</label>
<table><tbody id="rows"></tbody></table><button type="button" id="add">家族を追加</button>
<label>書類 <input type="file" name="doc"></label>
<button type="submit">登録</button></form>
<script>
const known = %s;
const box = document.getElementById("dept"), list = document.getElementById("dept-list");
box.addEventListener("input", () => setTimeout(() => {
  const typed = box.value; list.replaceChildren();
  for (const d of known.filter((d) => d.includes(typed))) {
    const li = document.createElement("li"); li.setAttribute("role", "option"); li.textContent = d;
    li.onclick = () => { box.value = d; list.hidden = true; }; list.appendChild(li);
  }
  if (!known.includes(typed)) {
    const li = document.createElement("li"); li.setAttribute("role", "option"); li.dataset.new = "";
    li.textContent = "「" + typed + "」を新規登録";
    li.onclick = () => setTimeout(() => { known.push(typed); box.value = typed; list.hidden = true; }, 80);
    list.appendChild(li);
  }
  list.hidden = false;
}, 60));
document.getElementById("add").onclick = () => {
  const n = document.querySelectorAll("#rows tr").length + 1;
  document.getElementById("rows").insertAdjacentHTML("beforeend",
    `<tr data-testid="dependent-row"><td><input name="rel-${n}" aria-label="続柄 ${n}"></td>` +
    `<td><input name="dname-${n}" aria-label="家族氏名 ${n}"></td></tr>`);
};
</script>"""
_RECORD = """<dl><dt>社員番号</dt><dd data-testid="code">{{ e.code }}</dd>
<dt>氏名</dt><dd data-testid="name">{{ e.name }}</dd><dt>フリガナ</dt><dd data-testid="kana">{{ e.kana }}</dd>
<dt>入社日</dt><dd data-testid="entry-date">{{ e.entry_date }}</dd>
<dt>雇用形態</dt><dd data-testid="kind">{{ e.kind }}</dd><dt>部署</dt><dd data-testid="dept">{{ e.dept }}</dd>
<dt>口座番号</dt><dd data-testid="bank-account" data-sensitive="true">{{ e.bank_account }}</dd>
<dt>マイナンバー</dt><dd data-testid="my-number" style="font-size:40px">{{ e.my_number }}</dd>
<dt>同意</dt><dd data-testid="agree">{{ e.agree }}</dd></dl>
<ul>{% for d in e.dependents %}<li data-testid="dependent"><span data-testid="rel">{{ d.rel }}</span>
<span data-testid="dname">{{ d.name }}</span></li>{% endfor %}</ul>
<label>表示用パスワード
<input type="password" value="{{ e.code }}-pin" style="width:300px;height:40px"></label>"""


_WIDGETS = """<iframe id="inner" srcdoc="<label>内側の入力 <input id=in></label>"></iframe>
<table><tr data-testid="row"><td class="c">A</td><td class="v">1</td></tr>
<tr data-testid="row"><td class="c">B</td><td class="v">2</td></tr></table>
<label><input type="checkbox" name="news" checked> お知らせを受け取る</label>
<label>キー入力
<input id="keys" onkeydown="document.getElementById('typed').textContent += event.key"></label>
<span id="typed" data-testid="typed"></span>
<div id="spinner">読み込み中</div>
<button onclick="location.hash = 'done'">完了</button>
<script>
setTimeout(() => document.getElementById("spinner").remove(), 100);
setTimeout(() => document.body.insertAdjacentHTML("beforeend", "<p>準備完了</p>"), 150);
</script>"""


@dataclass
class HrSite:
    """The site's state, visible to tests (its 'database')."""

    url: str = ""
    employees: list[dict[str, Any]] = field(default_factory=list)
    modal: bool = False
    logins: int = 0
    broken_paths: set[str] = field(default_factory=set)  # pages that always send you to the login page
    delay_save_ms: int = 0

    def departments(self) -> list[str]:
        """The type-ahead's list: the fixed ones and those created through it."""
        made = {e["dept"] for e in self.employees if e["dept"] and e["dept"] not in DEPARTMENTS}
        return DEPARTMENTS + sorted(made)

    def api(self, path: str) -> Any:
        with urllib.request.urlopen(self.url + path, timeout=10) as resp:
            return json.load(resp)


def _hr_app(state: HrSite) -> Flask:
    app = Flask(__name__)
    app.secret_key = "test-only"

    def page(title: str, body: str, *, error: str = "", status: int = 200, **ctx: Any) -> Any:
        html = render_template_string(
            _PAGE,
            title=title,
            body=render_template_string(body, **ctx),
            error=error,
            user=session.get("user"),
            modal=state.modal,
        )
        return html, status

    @app.before_request
    def _guard() -> Any:
        if request.path.startswith(("/login", "/otp", "/static", "/__")):
            return None
        if request.path in state.broken_paths or not session.get("user"):
            if request.path.startswith("/api/"):
                abort(401)
            return redirect("/login")
        return None

    @app.route("/login", methods=["GET", "POST"])
    def login() -> Any:
        if request.method == "POST":
            if request.form.get("user") == HR_USER and request.form.get("password") == HR_PASSWORD:
                session.clear()
                session["pre"] = True
                return redirect("/otp")
            return page("ログイン", _LOGIN, error="ユーザー名またはパスワードが違います")
        return page("ログイン", _LOGIN)

    @app.route("/otp", methods=["GET", "POST"])
    def otp() -> Any:
        if not session.get("pre"):
            return redirect("/login")
        if request.method == "POST":
            if pyotp.TOTP(HR_TOTP_SEED).verify(request.form.get("code", ""), valid_window=1):
                session["user"] = HR_USER
                state.logins += 1
                return redirect("/home")
            return page("二段階認証", _OTP, error="確認コードが違います")
        return page("二段階認証", _OTP)

    @app.post("/logout")
    def logout() -> Any:
        session.clear()
        return redirect("/login")

    @app.get("/home")
    def home() -> Any:
        return page("ホーム", "<p>ようこそ</p>")

    @app.get("/widgets")
    def widgets() -> Any:
        return page("部品", _WIDGETS)

    @app.get("/employees/new")
    def new_employee() -> Any:
        return page("従業員の登録", _FORM % json.dumps(state.departments()))

    @app.post("/employees")
    def create_employee() -> Any:
        f = request.form
        errors = []
        if not f.get("name"):
            errors.append("氏名を入力してください")
        kana = f.get("kana", "")
        if kana and not all("\u30a0" <= c <= "\u30ff" or c == "\u3000" for c in kana):
            errors.append("フリガナは全角カタカナで入力してください")
        if f.get("bank_account") and not (f["bank_account"].isdigit() and len(f["bank_account"]) == 7):
            errors.append("口座番号は7桁の数字で入力してください")
        if errors:
            body = _FORM % json.dumps(state.departments())
            return page("従業員の登録", body, error=" / ".join(errors), status=422)
        dependents = []
        n = 1
        while f"rel-{n}" in f:
            dependents.append({"rel": f[f"rel-{n}"], "name": f[f"dname-{n}"]})
            n += 1
        doc = request.files.get("doc")
        employee = {
            "id": len(state.employees) + 1,
            "code": f.get("code", ""),
            "name": f.get("name", ""),
            "kana": kana,
            "entry_date": f.get("entry_date", ""),
            "kind": {"regular": "正社員", "part": "パート"}.get(f.get("kind", ""), ""),
            "dept": f.get("dept", ""),
            "bank_account": f.get("bank_account", ""),
            "my_number": f.get("my_number", ""),
            "agree": "はい" if f.get("agree") else "いいえ",
            "dependents": dependents,
            "doc": doc.filename if doc and doc.filename else None,
        }
        state.employees.append(employee)
        return redirect(f"/employees/{employee['id']}", code=303)

    @app.get("/employees/<int:eid>")
    def employee(eid: int) -> Any:
        if not 0 < eid <= len(state.employees):
            abort(404)
        return page("従業員", _RECORD, e=state.employees[eid - 1])

    @app.get("/api/employees")
    def api_employees() -> Any:
        code = request.args.get("code")
        rows = [e for e in state.employees if code is None or e["code"] == code]
        return jsonify(employees=[{"id": e["id"], "code": e["code"]} for e in rows])

    @app.get("/__state")
    def dump() -> Any:
        return jsonify(employees=state.employees, logins=state.logins)

    return app


@pytest.fixture(scope="session")
def hr_site_server() -> Iterator[HrSite]:
    state = HrSite()
    with serve_in_thread(_hr_app(state), "127.0.0.1", 0) as server:
        state.url = server.url
        yield state


@pytest.fixture
def hr_site(hr_site_server: HrSite, monkeypatch: pytest.MonkeyPatch) -> Iterator[HrSite]:
    """The HR-like site, reset for one test, its URL and login in the environment (KUROKO_TEST_HR_*)."""
    state = hr_site_server
    state.employees.clear()
    state.modal, state.logins, state.broken_paths = False, 0, set()
    monkeypatch.setenv("KUROKO_TEST_HR_URL", state.url)
    monkeypatch.setenv("KUROKO_TEST_HR_USER", HR_USER)
    monkeypatch.setenv("KUROKO_TEST_HR_PASSWORD", HR_PASSWORD)
    monkeypatch.setenv("KUROKO_TEST_HR_TOTP_SEED", HR_TOTP_SEED)
    yield state


# -- recipes in a throwaway config folder -------------------------------------------------------------------
class Recipes:
    """Writes recipes into ``<tmp>/config/targets/`` and loads them as ``load_target`` does."""

    def __init__(self, config: Path) -> None:
        self.config = config
        (config / "targets").mkdir(parents=True, exist_ok=True)

    def write(self, name: str, text: str) -> Target:
        (self.config / "targets" / f"{name}.yaml").write_text(text, encoding="utf-8")
        return load_target(name, self.config)

    def sandbox(self, edit: Any = None) -> Target:
        """The shipped sandbox-accounting recipe, copied and changed by ``edit(text) -> text``."""
        text = (PROJECT_ROOT / "config" / "targets" / "sandbox-accounting.yaml").read_text(encoding="utf-8")
        return self.write("sandbox-accounting", edit(text) if edit else text)


@pytest.fixture
def recipes(tmp_path: Path) -> Recipes:
    return Recipes(tmp_path / "config")


HR_RECIPE = """
name: test-hr
title: テスト人事
kind: hr
base_url: http://127.0.0.1:9
base_url_env: KUROKO_TEST_HR_URL
credentials:
  username_env: KUROKO_TEST_HR_USER
  password_env: KUROKO_TEST_HR_PASSWORD
  totp_seed_env: KUROKO_TEST_HR_TOTP_SEED
session: {login_url: /login, logged_in: logout}
interruptions:
  - {appears: notice, click: notice.close}
tables:
  kind: {regular: 正社員, part: パート}
locators:
  login.user: [{label: ユーザー名}, {css: "input[name=user]"}]
  login.password: [{label: パスワード}, {css: "input[name=password]"}]
  login.submit: [{role: button, name: ログイン}]
  login.code: [{label: 確認コード}, {css: "input[name=code]"}]
  login.confirm: [{role: button, name: 確認}]
  login.error: [{role: alert}]
  logout: [{role: button, name: ログアウト}]
  notice: [{role: dialog, name: お知らせ}]
  notice.close: [{role: button, name: 閉じる}]
  emp.code: [{label: 社員番号}, {css: "input[name=code]"}]
  emp.name: [{label: 氏名}, {css: "input[name=name]"}]
  emp.kana: [{label: フリガナ}, {css: "input[name=kana]"}]
  emp.entry_date: [{placeholder: YYYY/MM/DD}, {css: "input[name=entry_date]"}]
  emp.kind: [{label: 雇用形態}, {css: "select[name=kind]"}]
  emp.dept: [{role: combobox, name: 部署}, {css: "input[name=dept]"}]
  emp.dept_option: [{role: option, name: "{value}"}]
  emp.dept_new: [{css: "[data-new]"}]
  emp.bank: [{label: 口座番号}, {css: "input[name=bank_account]"}]
  emp.my_number: [{label: マイナンバー}, {css: "input[name=my_number]"}]
  emp.agree: [{label: 規程に同意する}, {css: "input[name=agree]"}]
  emp.add_dependent: [{role: button, name: 家族を追加}]
  dep.rel: [{label: "続柄 {n}"}, {css: "input[name=rel-{n}]"}]
  dep.name: [{label: "家族氏名 {n}"}, {css: "input[name=dname-{n}]"}]
  emp.doc: [{label: 書類}, {css: "input[name=doc]"}]
  emp.submit: [{role: button, name: 登録}]
  emp.errors: [{test_id: errors}]
  rec.code: [{test_id: code}]
  rec.name: [{test_id: name}]
  rec.kana: [{test_id: kana}]
  rec.entry_date: [{test_id: entry-date}]
  rec.kind: [{test_id: kind}]
  rec.dept: [{test_id: dept}]
  rec.bank: [{test_id: bank-account}]
  rec.my_number: [{test_id: my-number}]
  rec.agree: [{test_id: agree}]
  rec.dependent: [{test_id: dependent}]
  rec.rel: [{test_id: rel}]
  rec.dname: [{test_id: dname}]
  w.inner: [{label: 内側の入力, frame: "#inner"}]
  w.row: [{test_id: row}]
  w.row_c: [{css: .c}]
  w.row_v: [{css: .v}]
  w.news: [{label: お知らせを受け取る}]
  w.keys: [{label: キー入力}]
  w.typed: [{test_id: typed}]
  w.spinner: [{text: 読み込み中}]
  w.done: [{role: button, name: 完了}]
login:
  - goto: /login
  - fill: login.user
    value: "{credentials.username}"
  - fill: login.password
    value: "{credentials.password}"
  - click: login.submit
    navigates: true
  - fail_if: login.error
    code: target.login_failed
  - fill: login.code
    value: "{credentials.totp}"
  - click: login.confirm
    navigates: true
  - fail_if: login.error
    code: target.login_failed
operations:
  create_employee:
    reference: "{code}"
    input:
      code: str
      name: str
      kana: str
      entry_date: date
      kind: str
      dept: str
      bank_account: {type: str, sensitive: true}
      my_number: {type: str, sensitive: true}
      agree: bool
      dependents:
        type: list
        required: false
        items: {rel: str, name: str}
      doc: file?
    find:
      - fetch: /api/employees?code={reference}
        pick: "employees[*].id"
        into: found
    open:
      - goto: /employees/{record_id}
    steps:
      - goto: /employees/new
      - fill: emp.code
        value: "{code}"
      - fill: emp.name
        value: "{name}"
      - fill: emp.kana
        value: "{kana|katakana|zenkaku_kana}"
      - fill: emp.entry_date
        value: "{entry_date|date:%Y/%m/%d}"
      - select: emp.kind
        value: "{kind}"
      - choose: emp.dept
        value: "{dept}"
        option: emp.dept_option
        create: emp.dept_new
      - fill: emp.bank
        value: "{bank_account|digits|zfill:7}"
      - fill: emp.my_number
        value: "{my_number|digits}"
      - check: emp.agree
        value: "{agree}"
      - for_each: dependents
        steps:
          - click: emp.add_dependent
          - fill: dep.rel
            value: "{item.rel}"
          - fill: dep.name
            value: "{item.name}"
      - upload: emp.doc
        file: "{doc}"
        when: doc
    commit:
      - click: emp.submit
        accept_dialog: true
        response: {method: POST}
      - wait: {any: [rec.code, emp.errors]}
      - fail_if: emp.errors
      - set: {record_id: '{page.path|match:/employees/([0-9]+)}'}
    verify:
      - read: rec.code
        expect: "{code}"
        field: 社員番号
      - read: rec.name
        expect: "{name}"
        into: saved_name
      - read: rec.kana
        expect: "{kana|katakana|zenkaku_kana}"
        field: フリガナ
      - read: rec.entry_date
        expect: "{entry_date}"
        compare: date
      - read: rec.kind
        expect: "{kind|table:kind}"
      - read: rec.dept
        expect: "{dept}"
      - read: rec.bank
        expect: "{bank_account|digits|zfill:7}"
        field: 口座番号
        into: saved_bank
      - read: rec.my_number
        expect: "{my_number|digits}"
        field: マイナンバー
      - read: rec.agree
        expect: "はい"
        when: agree
      - for_each: dependents
        rows: rec.dependent
        field: 扶養家族の人数
        steps:
          - read: rec.rel
            expect: "{item.rel}"
            field: 続柄{n}
          - read: rec.dname
            expect: "{item.name}"
            field: 家族氏名{n}
    sensitive: [rec.my_number]
  widgets:
    title: every other kind of step, on one page
    reference: "{code}"
    input: {code: str}
    idempotent: true
    steps:
      - goto: /widgets
      - wait: {hidden: w.spinner}
      - wait: {text: 準備完了}
      - fill: w.inner
        value: "{code}"
      - uncheck: w.news
      - fill: w.keys
        value: ab
        keystrokes: true
      - press: Enter
        at: w.keys
      - read_all: w.row
        into: rows
        fields: {c: w.row_c, v: w.row_v}
      - click: w.done
      - wait: {url: "/widgets#done"}
    commit:
      - set: {record_id: "{code}"}
    verify:
      - read: w.typed
        expect: abEnter
  note_employee:
    title: an operation without sensitive fields whose traces are kept on failure
    reference: "{code}"
    input: {code: str, name: "str?"}
    idempotent: true
    trace: on-failure
    steps:
      - goto: /employees/new
      - fill: emp.code
        value: "{code}"
      - fill: emp.name
        value: "{name}"
    commit:
      - click: emp.submit
        accept_dialog: true
        response: {method: POST}
      - wait: {any: [rec.code, emp.errors]}
      - fail_if: emp.errors
      - set: {record_id: '{page.path|match:/employees/([0-9]+)}'}
"""


@pytest.fixture
def hr_recipe() -> str:
    """The text of the HR site's recipe (tests change copies of it)."""
    return HR_RECIPE


@pytest.fixture
def hr_target(recipes: Recipes, hr_site: HrSite) -> Target:
    return recipes.write("test-hr", HR_RECIPE)


# -- the sandbox accounting app with chaos switches ------------------------------------------------------
@dataclass
class Accounting:
    url: str
    token: str

    def _call(self, path: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(
            self.url + path,
            data=data,
            method="POST" if data else "GET",
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.load(resp)

    def chaos(self, **switches: Any) -> None:
        """Turn chaos switches on at run time (POST /__sandbox/chaos); ``chaos()`` alone resets them."""
        defaults = {
            "latency_ms": 0,
            "error_rate": 0.0,
            "session_seconds": 0.0,
            "ui_version": 1,
            "modal_rate": 0.0,
        }
        self._call("/__sandbox/chaos", {**defaults, **switches})

    def deals(self, **query: str) -> list[dict[str, Any]]:
        from urllib.parse import urlencode

        return self._call("/api/deals?" + urlencode({"limit": 1000, **query}))["deals"]

    def deal(self, deal_id: str | int) -> dict[str, Any]:
        return self._call(f"/api/deals/{deal_id}")


ACC_USER, ACC_PASSWORD, ACC_TOKEN = "robot@example.jp", "s3cret-Sandbox!", "test-token-web"


@pytest.fixture(scope="session")
def accounting_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Accounting]:
    """A sandbox accounting app of these tests (its own SQLite file), chaos switchable at run time."""
    from sandbox.accounting import create_app

    db = tmp_path_factory.mktemp("web-accounting") / "accounting.sqlite3"
    app = create_app(db, username=ACC_USER, password=ACC_PASSWORD, api_token=ACC_TOKEN)
    with serve_in_thread(app, "127.0.0.1", 0) as server:
        yield Accounting(server.url, ACC_TOKEN)


@pytest.fixture
def accounting(
    accounting_server: Accounting, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[Accounting]:
    """The app with every chaos switch off, the recipe's environment pointing at it, a fresh KUROKO_HOME."""
    accounting_server.chaos()
    monkeypatch.setenv("KUROKO_SANDBOX_ACCOUNTING_URL", accounting_server.url)
    monkeypatch.setenv("KUROKO_SANDBOX_ACCOUNTING_USERNAME", ACC_USER)
    monkeypatch.setenv("KUROKO_SANDBOX_ACCOUNTING_PASSWORD", ACC_PASSWORD)
    monkeypatch.setenv("KUROKO_HOME", str(tmp_path / "home"))
    yield accounting_server
    accounting_server.chaos()


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("KUROKO_HOME", str(tmp_path / "home"))
    return load_settings(browser_timeout_ms=8_000)


@pytest.fixture
def sandbox_target() -> Target:
    return load_target("sandbox-accounting", PROJECT_ROOT / "config")


# -- the sandbox HR and e-contract apps (shipped recipes sandbox-hr / sandbox-esign) ----------------------
SANDBOX_HR_USER, SANDBOX_HR_PASSWORD, SANDBOX_HR_TOKEN = "jinji@example.jp", "hr-Pa55word!x9", "hr-token-web"
SANDBOX_ESIGN_USER, SANDBOX_ESIGN_PASSWORD, SANDBOX_ESIGN_TOKEN = (
    "keiyaku@example.jp",
    "es-Pa55word!k7",
    "esign-token-web",
)
# RFC 6238's test key ("12345678901234567890") in base32: a seed known to be fake.
SANDBOX_HR_TOTP_SEED = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"


@dataclass
class SandboxApi:
    """A sandbox app served for these tests: its JSON API (bearer token) and its chaos switches."""

    url: str
    token: str
    user: str = ""
    password: str = ""
    totp_seed: str = ""  # the base32 seed when the login asks for a 確認コード

    def get(self, path: str) -> Any:
        return self._call(path)

    def _call(self, path: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(
            self.url + path,
            data=data,
            method="POST" if data else "GET",
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.load(resp)

    def chaos(self, **switches: Any) -> None:
        """Turn chaos switches on at run time (POST /__sandbox/chaos); ``chaos()`` alone resets them."""
        defaults = {
            "latency_ms": 0,
            "error_rate": 0.0,
            "session_seconds": 0.0,
            "ui_version": 1,
            "modal_rate": 0.0,
            "seed": 0,
        }
        self._call("/__sandbox/chaos", {**defaults, **switches})


class HrApi(SandboxApi):
    def employees(self, employee_no: str) -> list[dict[str, Any]]:
        from urllib.parse import urlencode

        return self.get("/api/employees?" + urlencode({"employee_no": employee_no}))["employees"]

    def employee(self, employee_id: int | str, *, reveal: bool = False) -> dict[str, Any]:
        return self.get(f"/api/employees/{employee_id}" + ("?reveal=1" if reveal else ""))

    def attendance(self, employee_id: int | str, month: str) -> list[dict[str, Any]]:
        """The month's days that hold something (a day with nothing entered has every value null)."""
        days = self.get(f"/api/employees/{employee_id}/attendance/{month}")["days"]
        return [d for d in days if d["leave"] is not None]


class EsignApi(SandboxApi):
    def documents(self, ref_number: str) -> list[dict[str, Any]]:
        from urllib.parse import urlencode

        return self.get("/api/documents?" + urlencode({"ref_number": ref_number, "limit": 1000}))["documents"]

    def document(self, document_id: int | str) -> dict[str, Any]:
        return self.get(f"/api/documents/{document_id}")


@pytest.fixture(scope="session")
def sandbox_hr_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HrApi]:
    """サンドボックス人事労務 on its own SQLite file (no two-factor), chaos switchable at run time."""
    from sandbox.hr import create_app

    db = tmp_path_factory.mktemp("web-hr") / "hr.sqlite3"
    app = create_app(db, username=SANDBOX_HR_USER, password=SANDBOX_HR_PASSWORD, api_token=SANDBOX_HR_TOKEN)
    with serve_in_thread(app, "127.0.0.1", 0) as server:
        yield HrApi(server.url, SANDBOX_HR_TOKEN, SANDBOX_HR_USER, SANDBOX_HR_PASSWORD)


@pytest.fixture(scope="session")
def sandbox_esign_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EsignApi]:
    """サンドボックス電子契約 on its own SQLite file, chaos switchable at run time."""
    from sandbox.esign import create_app

    db = tmp_path_factory.mktemp("web-esign") / "esign.sqlite3"
    app = create_app(
        db, username=SANDBOX_ESIGN_USER, password=SANDBOX_ESIGN_PASSWORD, api_token=SANDBOX_ESIGN_TOKEN
    )
    with serve_in_thread(app, "127.0.0.1", 0) as server:
        yield EsignApi(server.url, SANDBOX_ESIGN_TOKEN, SANDBOX_ESIGN_USER, SANDBOX_ESIGN_PASSWORD)


@pytest.fixture
def sandbox_hr(sandbox_hr_server: HrApi, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[HrApi]:
    """The HR app with every chaos switch off and the sandbox-hr recipe's environment pointing at it."""
    sandbox_hr_server.chaos()
    monkeypatch.setenv("KUROKO_SANDBOX_HR_URL", sandbox_hr_server.url)
    monkeypatch.setenv("KUROKO_SANDBOX_HR_USERNAME", SANDBOX_HR_USER)
    monkeypatch.setenv("KUROKO_SANDBOX_HR_PASSWORD", SANDBOX_HR_PASSWORD)
    monkeypatch.delenv("KUROKO_SANDBOX_HR_TOTP_SEED", raising=False)
    monkeypatch.setenv("KUROKO_HOME", str(tmp_path / "home"))
    yield sandbox_hr_server
    sandbox_hr_server.chaos()


@pytest.fixture
def sandbox_esign(
    sandbox_esign_server: EsignApi, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[EsignApi]:
    """The e-contract app with every chaos switch off and the sandbox-esign recipe's environment set."""
    sandbox_esign_server.chaos()
    monkeypatch.setenv("KUROKO_SANDBOX_ESIGN_URL", sandbox_esign_server.url)
    monkeypatch.setenv("KUROKO_SANDBOX_ESIGN_USERNAME", SANDBOX_ESIGN_USER)
    monkeypatch.setenv("KUROKO_SANDBOX_ESIGN_PASSWORD", SANDBOX_ESIGN_PASSWORD)
    monkeypatch.setenv("KUROKO_HOME", str(tmp_path / "home"))
    yield sandbox_esign_server
    sandbox_esign_server.chaos()


@pytest.fixture
def sandbox_hr_totp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[HrApi]:
    """A second HR app whose login asks for a 確認コード (TOTP); the recipe's URL and login point at it,
    the seed is left for the test to hand over (environment or resolver)."""
    from sandbox.hr import create_app

    app = create_app(
        tmp_path / "hr-totp.sqlite3",
        username=SANDBOX_HR_USER,
        password=SANDBOX_HR_PASSWORD,
        api_token=SANDBOX_HR_TOKEN,
        totp_seed=SANDBOX_HR_TOTP_SEED,
    )
    with serve_in_thread(app, "127.0.0.1", 0) as server:
        monkeypatch.setenv("KUROKO_SANDBOX_HR_URL", server.url)
        monkeypatch.setenv("KUROKO_SANDBOX_HR_USERNAME", SANDBOX_HR_USER)
        monkeypatch.setenv("KUROKO_SANDBOX_HR_PASSWORD", SANDBOX_HR_PASSWORD)
        monkeypatch.delenv("KUROKO_SANDBOX_HR_TOTP_SEED", raising=False)
        monkeypatch.setenv("KUROKO_HOME", str(tmp_path / "home"))
        yield HrApi(server.url, SANDBOX_HR_TOKEN, SANDBOX_HR_USER, SANDBOX_HR_PASSWORD, SANDBOX_HR_TOTP_SEED)


@pytest.fixture
def hr_sandbox_target() -> Target:
    return load_target("sandbox-hr", PROJECT_ROOT / "config")


@pytest.fixture
def esign_sandbox_target() -> Target:
    return load_target("sandbox-esign", PROJECT_ROOT / "config")


def shipped_recipe(recipes: Recipes, name: str, edit: Any = None) -> Target:
    """A shipped recipe (config/targets/<name>.yaml) copied into the throwaway config, changed by
    ``edit(text) -> text``."""
    text = (PROJECT_ROOT / "config" / "targets" / f"{name}.yaml").read_text(encoding="utf-8")
    return recipes.write(name, edit(text) if edit else text)


@pytest.fixture
def shipped(recipes: Recipes) -> Any:
    """``shipped(name, edit=None)``: a shipped recipe copied and changed (see :func:`shipped_recipe`)."""
    return lambda name, edit=None: shipped_recipe(recipes, name, edit)


# -- records as the flows make them (flows/jobs.py) ---------------------------------------------------------
def employee_record(employee_no: str, **changes: Any) -> dict[str, Any]:
    """A ``create_employee`` record as OnboardingJob makes it."""
    import datetime as dt

    return {
        "employee_no": employee_no,
        "last_name": "山田",
        "first_name": "太郎",
        "last_name_kana": "ヤマダ",
        "first_name_kana": "タロウ",
        "birth_date": dt.date(1990, 5, 15),
        "gender": "男性",
        "hire_date": dt.date(2024, 4, 1),
        "employment_type": "正社員",
        "pay_type": "月給",
        "base_pay": 250_000,
        "postal_code": "100-0001",
        "prefecture": "東京都",
        "address": "千代田区千代田1-1 千代田ビル3F",
        "phone": "03-1234-5678",
        "bank_code": "0001",
        "branch_code": "001",
        "account_type": "普通",
        "account_number": "7654321",
        "account_holder_kana": "ﾔﾏﾀﾞ ﾀﾛｳ",
    } | changes


def attendance_record(employee_no: str, month: str = "2024-04", **changes: Any) -> dict[str, Any]:
    """An ``enter_attendance`` record as AttendanceJob makes it: every working day of the month (weekdays
    that are not national holidays) 9:00–18:00 with 60 minutes' break, one full day of paid leave, one
    morning of half-day leave."""
    import calendar
    import datetime as dt

    import jpholiday

    year, mon = (int(p) for p in month.split("-"))
    working = [
        dt.date(year, mon, d)
        for d in range(1, calendar.monthrange(year, mon)[1] + 1)
        if dt.date(year, mon, d).weekday() < 5 and not jpholiday.is_holiday(dt.date(year, mon, d))
    ]
    days = []
    for i, day in enumerate(working):
        if i == 3:
            entry = {"clock_in": "", "clock_out": "", "break_minutes": 0, "leave": "全休"}
        elif i == 7:
            entry = {"clock_in": "13:00", "clock_out": "18:00", "break_minutes": 0, "leave": "午前半休"}
        else:
            entry = {"clock_in": "09:00", "clock_out": "18:00", "break_minutes": 60, "leave": "なし"}
        days.append({"date": day, "day": day.day, **entry})
    return {"employee_no": employee_no, "month": month, "days": days} | changes


def contract_pdf(folder: Path, name: str) -> Path:
    """A real one-page PDF (reportlab, Japanese text) with unique content."""
    import uuid

    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    font = "HeiseiKakuGo-W5"
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    page = canvas.Canvas(str(path))
    page.setFont(font, 14)
    page.drawString(72, 760, f"業務委託契約書 {uuid.uuid4()}")
    page.drawString(72, 730, "甲と乙は、以下のとおり契約を締結する。")
    page.save()
    return path


def contract_record(pdf: Path, ref_number: str, *, signers: int = 2, **changes: Any) -> dict[str, Any]:
    """A ``send_contract`` record as ContractJob makes it."""
    import hashlib

    people = [
        ("株式会社サンプル商事 佐藤 一郎", "sato@example.jp"),
        ("鈴木 花子", "hanako.suzuki@example.jp"),
    ]
    people += [(f"署名者 {n}", f"signer{n}@example.jp") for n in range(3, signers + 1)]
    return {
        "title": "業務委託契約書",
        "ref_number": ref_number,
        "file": str(pdf),
        "file_sha256": hashlib.sha256(pdf.read_bytes()).hexdigest(),
        "signers": [
            {"name": name, "email": email, "order": n} for n, (name, email) in enumerate(people[:signers], 1)
        ],
    } | changes


@pytest.fixture(scope="session")
def records() -> Any:
    """Builders of the records flows hand the robot: ``records.employee(no)``, ``records.attendance(no)``,
    ``records.contract_pdf(folder, name)``, ``records.contract(pdf, ref)``."""

    class Records:
        employee = staticmethod(employee_record)
        attendance = staticmethod(attendance_record)
        contract_pdf = staticmethod(contract_pdf)
        contract = staticmethod(contract_record)

    return Records


def enter_like_the_flow(
    session: Any, operation: str, record: dict[str, Any], *, attempts: int = 12, **kwargs: Any
) -> tuple[Any, list[str]]:
    """What flows do: retry application errors on a fresh page, never business errors. The outcome and
    the messages of the errors retried."""
    from robots.errors import ApplicationError

    errors: list[str] = []
    for _ in range(attempts):
        try:
            return session.enter(operation, record, **kwargs), errors
        except ApplicationError as exc:
            errors.append(exc.message)
            session.reset()
    raise AssertionError(f"{operation} not entered after {attempts} attempts: {errors}")


@pytest.fixture(scope="session")
def retrying() -> Any:
    """``retrying(session, operation, record, **enter_kwargs) -> (outcome, errors)``: enter as flows do."""
    return enter_like_the_flow
