"""Target recipes as data: the shipped one loads, bad files are one clear error naming the file and the key
path, credentials only from the environment (or a resolver), the input of an operation is checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from robots.errors import BusinessError
from robots.settings import PROJECT_ROOT
from robots.web import LoginValues, check_input, list_targets, load_target
from robots.web.credentials import SecretRef

CONFIG = PROJECT_ROOT / "config"


def test_the_sandbox_recipe_loads_and_its_base_url_can_be_overridden(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KUROKO_SANDBOX_ACCOUNTING_URL", raising=False)
    target = load_target("sandbox-accounting", CONFIG)
    assert target.url("/deals/5") == "http://127.0.0.1:8710/deals/5"
    monkeypatch.setenv("KUROKO_SANDBOX_ACCOUNTING_URL", "http://127.0.0.1:9999/")
    assert target.url("/login") == "http://127.0.0.1:9999/login"
    assert target.locator_specs("login.email")[0].label == "メールアドレス"
    op = target.operation("create_deal")
    assert op.find and op.commit and op.verify and op.sample
    assert "sandbox-accounting" in list_targets(CONFIG)


def test_every_locator_of_the_sandbox_recipe_has_a_fallback_that_does_not_depend_on_wording() -> None:
    target = load_target("sandbox-accounting", CONFIG)
    for key, specs in target.locators.items():
        assert len(specs) >= 2, key
        if key != "deal.partner_option":  # found by the partner's own name, whatever the screen says
            assert any(s.test_id or s.css for s in specs), key


BASE = """name: t
base_url: http://x
credentials: {username_env: U, password_env: P}
locators:
  a: [{label: A}]
  b: [{css: "#b"}]
login:
  - goto: /login
operations:
  op:
    reference: "{code}"
    input: {code: str}
    find:
      - fetch: /api?code={reference}
        into: found
    commit:
      - click: b
"""


def _write(tmp_path: Path, body: str) -> Path:
    (tmp_path / "targets").mkdir(exist_ok=True)
    (tmp_path / "targets" / "t.yaml").write_text(body, encoding="utf-8")
    return tmp_path


def test_a_minimal_recipe_loads(tmp_path: Path) -> None:
    target = load_target("t", _write(tmp_path, BASE))
    assert list(target.operations) == ["op"] and target.session.login_url == "/login"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("name: t\n", "name: t\ncolour: red\n"), "(top)|colour: Extra inputs are not permitted"),
        (("a: [{label: A}]", "a: [{label: A, css: y}]"), r"locators\.a\.0: .*exactly one of"),
        (("a: [{label: A}]", "a: [{name: x}]"), r"locators\.a\.0: .*exactly one of"),
        (("a: [{label: A}]", "a: [{lable: A}]"), r"locators\.a\.0\.lable: Extra inputs"),
        (("a: [{label: A}]", "a: []"), "locator.s. without any strategy: a"),
        (("      - click: b", "      - click: c"), r"operations\.op\.commit\[0\]\.click: no locator 'c'"),
        (
            ("      - click: b", "      - clik: b"),
            r"operations\.op\.commit\.0: a step starts with one of: goto",
        ),
        (("      - click: b", "      - click: b\n        wait_for: x"), r"commit\.0\.click\.wait_for: Extra"),
        (("      - click: b", "      - fill: a\n        value: '{code|nope}'"), "unknown filter 'nope'"),
        (("      - click: b", "      - fill: a\n        value: '{code'"), "without a closing"),
        (
            ("      - click: b", "      - fill: a\n        value: '{x|table:kinds}'"),
            "uses table 'kinds', not in tables",
        ),
        (
            ("      - click: b", "      - click: b\n        when: 'not x == 1'"),
            r"commit\[0\]\.click\.when: .*'not'",
        ),
        (
            ("      - click: b", "      - call: nobody.registered_this"),
            "no Python step registered as 'nobody",
        ),
        (("      - click: b", "      - select: a"), "select needs exactly one of 'label'"),
        (
            ("      - click: b", "      - read: a\n        into: code"),
            "variable 'code' would hide the input field",
        ),
        (
            ("    find:\n      - fetch: /api?code={reference}\n        into: found\n", ""),
            r"operations\.op: needs 'find'",
        ),
        (("    input: {code: str}", "    input: {code: text}"), "unknown field type 'text'"),
        (
            (
                "    input: {code: str}",
                "    input: {code: {type: str, sensitive: true}}\n    trace: on-failure",
            ),
            "traces would record them",
        ),
        (
            ("  - goto: /login", "  - goto: /login\n  - wait: {any: [a], url: /x}"),
            "wait needs exactly one of",
        ),
        (("U, password_env: P}", "U}"), "give password_env and/or password_secret"),
        (("name: t\n", "name: other\n"), "name: 'other' does not match the file name"),
        (
            ("    input: {code: str}", "    input: {code: str}\n    sample: {code: 5}"),
            r"sample: code should be str",
        ),
    ],
)
def test_a_bad_recipe_is_one_error_naming_the_file_and_the_key_path(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    old, new = change
    assert old in BASE
    with pytest.raises(BusinessError) as err:
        load_target("t", _write(tmp_path, BASE.replace(old, new, 1)))
    assert err.value.code == "config.invalid"
    assert str(tmp_path / "targets" / "t.yaml") in err.value.message
    assert __import__("re").search(message, err.value.message), err.value.message
    assert "\n" not in err.value.message.split(" (")[0]


def test_an_unknown_target_lists_the_available_ones() -> None:
    with pytest.raises(BusinessError, match="available: .*sandbox-accounting"):
        load_target("nope", CONFIG)


def test_credentials_come_from_the_environment_and_their_absence_names_where_to_put_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = load_target("sandbox-accounting", CONFIG)
    monkeypatch.delenv("KUROKO_SANDBOX_ACCOUNTING_USERNAME", raising=False)
    monkeypatch.delenv("KUROKO_SANDBOX_ACCOUNTING_PASSWORD", raising=False)
    with pytest.raises(BusinessError) as err:
        LoginValues(target).check()
    assert err.value.code == "target.credentials_missing"
    assert "KUROKO_SANDBOX_ACCOUNTING_USERNAME" in err.value.message
    assert (
        "KUROKO_SANDBOX_ACCOUNTING_PASSWORD" in err.value.message
        and "never read from files" in err.value.message
    )
    monkeypatch.setenv("KUROKO_SANDBOX_ACCOUNTING_USERNAME", "u")
    monkeypatch.setenv("KUROKO_SANDBOX_ACCOUNTING_PASSWORD", "p-secret")
    values = LoginValues(target)
    assert (values.lookup("username"), values.lookup("password")) == ("u", "p-secret")
    assert "p-secret" not in repr(values)


def test_a_resolver_supplies_secrets_and_totp_codes_are_computed_from_the_seed(tmp_path: Path) -> None:
    import pyotp

    body = BASE.replace(
        "credentials: {username_env: U, password_env: P}",
        "credentials: {username_secret: u-block, password_secret: p-block, totp_seed_secret: seed-block,"
        " extra: {company: {secret: c-block}}}",
    )
    target = load_target("t", _write(tmp_path, body))
    seed = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    store = {"u-block": "user", "p-block": "pw", "seed-block": seed, "c-block": "ACME"}
    asked: list[SecretRef] = []

    def resolver(ref: SecretRef) -> str | None:
        asked.append(ref)
        return store.get(ref.secret or "")

    values = LoginValues(target, resolver)
    assert values.lookup("company") == "ACME" and values.lookup("password") == "pw"
    assert values.lookup("totp") == pyotp.TOTP(seed).now()
    assert {r.what for r in asked} == {"company", "password", "totp_seed"}
    store["seed-block"] = "jbsw y3dp ehpk 3pxp"  # an 80-bit seed as some services show it: still usable
    assert LoginValues(target, resolver).lookup("totp").isdigit()
    del store["p-block"]
    with pytest.raises(BusinessError, match="the Prefect Secret block 'p-block'"):
        LoginValues(target, resolver).check()


@pytest.mark.parametrize(
    ("record", "problem"),
    [
        ({"issue_date": "2024-04-01"}, "partner is required"),
        ({"issue_date": "04/01", "partner": "A"}, "issue_date should be date"),
        (
            {"issue_date": "2024-04-01", "partner": "A", "lines": [{"amount": "1"}]},
            r"lines\[0\]\.amount should be int",
        ),
        ({"issue_date": "2024-04-01", "partner": "A", "lines": [{}]}, r"lines\[0\]\.amount is required"),
    ],
)
def test_an_operation_checks_its_input_and_names_the_bad_fields_never_their_values(
    tmp_path: Path, record: dict, problem: str
) -> None:
    body = BASE.replace(
        "    input: {code: str}",
        "    input:\n      code: {type: str, default: X}\n      issue_date: date\n      partner: str\n"
        "      lines:\n        type: list\n        required: false\n"
        "        items: {amount: int, memo: 'str?'}",
    )
    op = load_target("t", _write(tmp_path, body)).operation("op")
    with pytest.raises(BusinessError, match=problem) as err:
        check_input(op, record)
    assert err.value.code == "input.invalid"
    ok = check_input(op, {"issue_date": "2024-04-01", "partner": "A", "lines": [{"amount": 1}]})
    assert ok["code"] == "X" and ok["lines"] == [{"amount": 1, "memo": None}]
