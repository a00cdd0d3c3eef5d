"""No password, TOTP seed, bank account number or personal number is left anywhere by a small HR and
e-contract batch through the shipped recipes, failures included: not in the evidence (screenshots mask
them), not in the traces kept for failures, not in the logs, messages or outcomes, not in the saved
sessions. Real Chromium, the real sandbox apps (HR with two-factor on), no Prefect."""

from __future__ import annotations

import json
import logging
import uuid
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest
from itsdangerous.encoding import base64_decode
from PIL import Image

from robots.errors import BusinessError
from robots.settings import load_settings
from robots.web import TargetSession
from robots.web.target import FillStep

pytestmark = pytest.mark.e2e

MY_NUMBER = "123456789018"  # a valid personal number, carried by the record but never to be typed


def _traced_on_failure(title: str) -> Any:
    """Insert ``trace: on-failure`` into the operation with this title (every attempt recorded, kept when
    it fails)."""
    return lambda text: text.replace(
        f"    title: {title}\n", f"    title: {title}\n    trace: on-failure\n", 1
    )


def _cookie_payloads(state_file: Path) -> list[str]:
    """The session cookies of a saved storage state, decoded (Flask signs them, it does not encrypt):
    what a secret would look like inside them."""
    out = []
    for cookie in json.loads(state_file.read_text(encoding="utf-8"))["cookies"]:
        value = cookie["value"]
        compressed = value.startswith(".")
        payload = base64_decode(value.lstrip(".").split(".")[0])
        out.append((zlib.decompress(payload) if compressed else payload).decode("utf-8", "replace"))
    return out


def _texts_in(path: Path) -> list[tuple[str, bytes]]:
    """Every file under ``path`` as bytes; a zip (a trace) as each of its entries."""
    out = []
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        data = file.read_bytes()
        out.append((str(file), data))
        if zipfile.is_zipfile(file):
            with zipfile.ZipFile(file) as archive:
                out += [(f"{file}!{name}", archive.read(name)) for name in archive.namelist()]
    return out


def _mask_covers(screenshot: Path, box: dict[str, float]) -> bool:
    """Whether every pixel of the element's box is the mask's black."""
    with Image.open(screenshot) as image:
        area = image.convert("RGB").crop(
            (
                int(box["x"]) + 1,
                int(box["y"]) + 1,
                int(box["x"] + box["width"]) - 1,
                int(box["y"] + box["height"]) - 1,
            )
        )
        return area.getextrema() == ((0, 0), (0, 0), (0, 0))


def test_a_batch_with_failures_leaves_no_secret_in_evidence_traces_logs_or_sessions(
    sandbox_hr_totp, sandbox_esign, shipped, records, chromium, caplog, monkeypatch, tmp_path: Path
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, ours and the libraries'
    monkeypatch.setenv("KUROKO_SANDBOX_HR_TOTP_SEED", sandbox_hr_totp.totp_seed)
    settings = load_settings(browser_timeout_ms=8_000)
    evidence = settings.home / "evidence"
    hr = shipped(
        "sandbox-hr",
        lambda text: _traced_on_failure("勤怠の入力（1か月分）")(
            text.replace(
                "evidence: { screenshot: true, full_page: false }",
                "evidence: { screenshot: true, full_page: true }",
                1,
            )
        ),
    )
    esign = shipped("sandbox-esign", _traced_on_failure("契約書の送信"))
    with pytest.raises(BusinessError) as refused:  # a sensitive operation is never traced
        shipped("sandbox-hr", _traced_on_failure("従業員の登録"))
    assert "account_number" in refused.value.message

    employee = records.employee("S-0001", account_number="8263917") | {"my_number": MY_NUMBER}
    other_account = records.employee("S-0001", account_number="5550123")
    month = records.attendance("S-0001", "2024-04")
    month["days"] = month["days"][:3]
    later = records.attendance("S-0001", "2024-04")
    later["days"] = [dict(d, clock_in="10:00") for d in month["days"]]
    ref = f"KRK-{uuid.uuid4().hex[:16]}"
    contract = records.contract(records.contract_pdf(tmp_path, "c.pdf"), ref, signers=1)
    failures: list[BusinessError] = []
    outcomes = []
    with TargetSession(settings, hr, browser=chromium) as s:
        outcomes.append(s.enter("create_employee", employee, reference="S-0001", evidence_dir=evidence))
        for _ in range(2):  # the tool has another account for S-0001; the second time is a retry
            with pytest.raises(BusinessError) as err:
                s.enter("create_employee", other_account, reference="S-0001", evidence_dir=evidence)
            failures.append(err.value)
        page = s.robot().page  # as on the last screenshot of S-0001 (the mismatch's evidence)
        account_box = page.get_by_test_id("account-number").bounding_box()
        name_box = page.get_by_test_id("name").bounding_box()
        outcomes.append(s.enter("enter_attendance", month, reference="S-0001/2024-04", evidence_dir=evidence))
        with pytest.raises(BusinessError) as err:
            s.enter("enter_attendance", later, reference="S-0001/2024-04", evidence_dir=evidence)
        failures.append(err.value)
    with TargetSession(settings, esign, browser=chromium) as s:
        outcomes.append(
            s.enter("send_contract", contract, reference=contract["ref_number"], evidence_dir=evidence)
        )
        with pytest.raises(BusinessError) as err:
            s.enter(
                "send_contract",
                contract | {"title": "別の契約書"},
                reference=contract["ref_number"],
                evidence_dir=evidence,
            )
        failures.append(err.value)

    # What happened: each failure a read-back mismatch; the account's differs without saying how.
    assert [f.code for f in failures] == ["target.readback_mismatch"] * 4
    assert failures[0].details["differences"] == [
        "口座番号: the saved value differs from the typed one (sensitive: not shown)"
    ]
    kept = sorted(p.name for p in evidence.iterdir())
    assert kept == sorted(
        [
            "S-0001.png",  # the employee, then the mismatch's evidence over it
            "S-0001_2024-04.png",
            "S-0001_2024-04-trace.zip",  # traced and failed: kept
            f"{ref}.png",
            f"{ref}-trace.zip",
        ]
    ), "create_employee has a sensitive field: never traced, even when it fails again"
    saved = sandbox_hr_totp.employee(sandbox_hr_totp.employees("S-0001")[0]["id"], reveal=True)
    assert saved["my_number"] is None  # no path typed a personal number
    assert saved["bank_account"]["account_number"] == "8263917"

    # The screenshot blacks out the account number (the page shows ＊＊＊3917) and nothing it should not.
    assert account_box is not None and name_box is not None
    assert _mask_covers(evidence / "S-0001.png", account_box)
    assert not _mask_covers(evidence / "S-0001.png", name_box)

    # No secret anywhere: every file in KUROKO_HOME (evidence, traces entry by entry, saved sessions), the
    # sessions' cookies decoded, every log line with its arguments, every message and outcome.
    secrets = {
        "HR password": sandbox_hr_totp.password,
        "e-contract password": sandbox_esign.password,
        "TOTP seed": sandbox_hr_totp.totp_seed,
        "bank account": "8263917",
        "other bank account": "5550123",
        "personal number": MY_NUMBER,
    }
    places: list[tuple[str, bytes]] = _texts_in(settings.home)
    sessions = sorted((settings.home / "sessions").glob("*.json"))
    assert [p.name for p in sessions] == ["sandbox-esign.json", "sandbox-hr.json"]
    cookies = [(f"{p} (cookie)", c.encode()) for p in sessions for c in _cookie_payloads(p)]
    assert any(sandbox_hr_totp.user.encode() in c for _, c in cookies), "the cookies must have been decoded"
    places += cookies
    places += [
        (f"log {r.name}", f"{r.getMessage()} {r.args!r} {r.exc_text or ''}".encode()) for r in caplog.records
    ]
    places += [("error", f"{f} {f.details!r}".encode()) for f in failures]
    places += [("outcome", repr(o).encode()) for o in outcomes]
    assert any(name.endswith(".zip!trace.trace") for name, _ in places), "the traces must have been opened"
    assert len(caplog.records) > 50, "the logs must have been captured"
    leaks = [
        f"{what} in {where}"
        for where, data in places
        for what, secret in secrets.items()
        if secret.encode() in data or secret.encode("utf-16-le") in data
    ]
    assert leaks == []

    # And the recipe has no step that could type one: no input of a personal number is filled.
    assert not any(
        isinstance(step, FillStep) and "my_number" in (step.fill + step.value) for _, step in hr.all_steps()
    )
