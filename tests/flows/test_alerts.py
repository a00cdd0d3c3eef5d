"""Alerts: the automation files parse into the Prefect automations we mean, their webhook bodies render to
JSON in Japanese and English, and on a real Prefect server a failed run and a run left paused for review
each reach a real local webhook receiver."""

from __future__ import annotations

import json
import queue
import shutil
import threading
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from uuid import UUID, uuid4

import pytest
import yaml
from prefect import flow, pause_flow_run
from prefect.automations import CallWebhook, EventTrigger, Posture
from prefect.input import RunInput
from prefect.runtime import flow_run as current_run
from prefect.server.utilities.user_templates import render_user_template_sync

from flows.alerts import (
    AutomationSpec,
    _words,
    apply_automations,
    describe_trigger,
    list_automations,
    read_automation_files,
)
from robots.errors import BusinessError
from sandbox.server import serve_in_thread
from sandbox.webhook import create_app

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "config" / "automations"
BLOCK_ID = UUID("00000000-0000-4000-8000-000000000001")
UI = "http://prefect.example:4200"


def _by_name() -> dict[str, AutomationSpec]:
    return {spec.name: spec for spec in read_automation_files(CONFIG)}


# -- the files (fast) --------------------------------------------------------------------------------
def test_run_failed_reacts_to_each_failed_or_crashed_flow_run_with_one_webhook_call() -> None:
    automation = _by_name()["kuroko-run-failed"].to_automation(block_document_id=BLOCK_ID, ui_url=UI)
    trigger = automation.trigger
    assert isinstance(trigger, EventTrigger)
    assert trigger.posture == Posture.Reactive
    assert trigger.expect == {
        "prefect.flow-run.Failed",
        "prefect.flow-run.Crashed",
        "prefect.flow-run.TimedOut",
    }
    assert trigger.match.model_dump() == {"prefect.resource.id": "prefect.flow-run.*"}
    assert trigger.for_each == {"prefect.resource.id"} and trigger.threshold == 1
    assert trigger.within == timedelta(0) and not trigger.after
    [action] = automation.actions
    assert isinstance(action, CallWebhook) and action.block_document_id == BLOCK_ID
    assert automation.enabled
    assert describe_trigger(trigger) == "Reactive: Crashed, Failed, TimedOut"


def test_review_waiting_fires_when_a_paused_run_sees_no_state_change_within_the_set_time() -> None:
    automation = _by_name()["kuroko-review-waiting"].to_automation(block_document_id=BLOCK_ID, ui_url=UI)
    trigger = automation.trigger
    assert isinstance(trigger, EventTrigger)
    assert trigger.posture == Posture.Proactive
    assert trigger.after == {"prefect.flow-run.Paused", "prefect.flow-run.Suspended"}
    assert trigger.within == timedelta(minutes=60)
    assert {
        "prefect.flow-run.Running",
        "prefect.flow-run.Completed",
        "prefect.flow-run.Cancelled",
    } <= trigger.expect
    # a heartbeat of the paused run, or the pause itself, must not count as the wait being over
    assert not any(
        e.endswith("*") or e.endswith(("heartbeat", "Paused", "Suspended")) for e in trigger.expect
    )
    assert trigger.for_each == {"prefect.resource.id"}
    assert describe_trigger(trigger) == "Proactive: after Paused, Suspended: none of 11 events within 1 hour"
    [action] = automation.actions
    assert isinstance(action, CallWebhook) and action.block_document_id == BLOCK_ID


def _context(state: str, message: str | None) -> dict[str, object]:
    run_id = UUID("11111111-2222-4333-8444-555555555555")
    return {
        "flow": SimpleNamespace(name='invoice-intake "夜間"'),
        "flow_run": SimpleNamespace(
            name="brave-fox", id=run_id, state=SimpleNamespace(name=state, message=message)
        ),
        "event": SimpleNamespace(occurred=datetime(2026, 4, 1, 9, 30, tzinfo=UTC)),
    }


@pytest.mark.parametrize(
    ("name", "state", "ja", "en"),
    [
        ("kuroko-run-failed", "Failed", "フロー実行が失敗しました", "A flow run failed"),
        ("kuroko-run-failed", "Crashed", "フロー実行が失敗しました", "A flow run failed"),
        ("kuroko-review-waiting", "Paused", "レビュー待ちが 1 時間を超えました", "for over 1 hour"),
    ],
)
def test_the_webhook_body_is_json_naming_flow_run_state_and_link_in_japanese_and_english(
    name: str, state: str, ja: str, en: str
) -> None:
    automation = _by_name()[name].to_automation(block_document_id=BLOCK_ID, ui_url=UI + "/")
    [action] = automation.actions
    body = json.loads(render_user_template_sync(action.payload, _context(state, "合計 <1,100> & '税'")))
    link = f"{UI}/runs/flow-run/11111111-2222-4333-8444-555555555555"
    assert body["alert"] == name.removeprefix("kuroko-")
    assert (body["flow"], body["flow_run"], body["state"], body["url"]) == (
        'invoice-intake "夜間"',
        "brave-fox",
        state,
        link,
    )
    for text in (body["message_ja"], body["message_en"]):
        assert 'invoice-intake "夜間"' in text and "brave-fox" in text and state in text
    assert ja in body["message_ja"] and en in body["message_en"]
    assert body["text"] == f"{body['message_ja']}\n{body['message_en']}\n{link}"
    if name == "kuroko-run-failed":
        assert body["detail"] == "合計 <1,100> & '税'"


@pytest.mark.parametrize(
    ("seconds", "ja", "en"),
    [
        (3600, "1 時間", "1 hour"),
        (7200, "2 時間", "2 hours"),
        (5400, "90 分", "90 minutes"),
        (10, "10 秒", "10 seconds"),
    ],
)
def test_the_waiting_time_is_said_in_words(seconds: int, ja: str, en: str) -> None:
    assert _words(timedelta(seconds=seconds)) == (ja, en)


_GOOD = (CONFIG / "review-waiting.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (lambda d: d.update(colour="red"), "colour"),
        (lambda d: d["trigger"].update(exepct=["prefect.flow-run.Failed"]), "trigger.exepct"),
        (lambda d: d["trigger"].update(within=5), "10 seconds"),
        (lambda d: d["trigger"].update(posture="Sometimes"), "trigger.posture"),
        (lambda d: d["actions"][0].update(payload="{{ flow.name "), "not a valid Jinja template"),
        (lambda d: d["actions"][0].update(type="send-notification"), "actions.0.type"),
        (lambda d: d["actions"][0].update(block_document_id=str(uuid4())), "block_document_id"),
        (lambda d: d.update(actions=[]), "actions"),
    ],
)
def test_a_wrong_file_is_refused_naming_the_file_and_the_key(tmp_path: Path, change, says: str) -> None:
    data = yaml.safe_load(_GOOD)
    change(data)
    (tmp_path / "review-waiting.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(BusinessError) as caught:
        read_automation_files(tmp_path)
    assert caught.value.code == "config.invalid"
    assert "review-waiting.yaml" in caught.value.message and says in caught.value.message


def test_two_files_with_one_name_and_an_empty_folder_are_refused(tmp_path: Path) -> None:
    with pytest.raises(BusinessError) as caught:
        read_automation_files(tmp_path)
    assert caught.value.code == "alerts.no_automations"
    (tmp_path / "a.yaml").write_text(_GOOD, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(_GOOD, encoding="utf-8")
    with pytest.raises(BusinessError) as caught:
        read_automation_files(tmp_path)
    assert "b.yaml" in caught.value.message and "a.yaml" in caught.value.message


# -- the receiver (fast) -----------------------------------------------------------------------------
def test_the_receiver_keeps_json_and_text_bodies_and_lists_them(tmp_path: Path) -> None:
    log = tmp_path / "received.jsonl"
    with serve_in_thread(create_app(log)) as server:
        _post(server.url + "/hooks/slack", json.dumps({"text": "失敗しました"}).encode(), "application/json")
        _post(server.url, b"plain text", "text/plain")
        got = _received(server.url)
    assert [(g["path"], g["kind"], g["body"]) for g in got] == [
        ("/hooks/slack", "json", {"text": "失敗しました"}),
        ("/", "text", "plain text"),
    ]
    with serve_in_thread(create_app(log)) as server:  # the file outlives the process
        assert len(_received(server.url)) == 2


def _post(url: str, data: bytes, content_type: str) -> None:
    req = urllib.request.Request(url, data=data, headers={"Content-Type": content_type}, method="POST")
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status == 200


def _received(url: str) -> list[dict]:
    with urllib.request.urlopen(url + "/received", timeout=10) as resp:
        return json.load(resp)


# -- against a real Prefect server -------------------------------------------------------------------
class Review(RunInput):
    approved: bool


_PAUSED_RUNS: queue.Queue[str] = queue.Queue()


@flow(name="alert-probe-fails", retries=0)
def fails() -> None:
    raise BusinessError("probe.mismatch", "probe.pdf: 合計が一致しません")


@flow(name="alert-probe-review")
def waits_for_review() -> bool:
    _PAUSED_RUNS.put(str(current_run.id))
    review = pause_flow_run(wait_for_input=Review, timeout=120, poll_interval=1)
    return review.approved


@pytest.fixture
def receiver() -> Iterator[str]:
    with serve_in_thread(create_app()) as server:
        yield server.url


@pytest.fixture
def applied(prefect_harness: None) -> Iterator[list[str]]:
    """Whatever a test applies is removed afterwards: the harness server is shared by the session."""
    names: list[str] = []
    yield names
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        for name in names:
            for automation in client.read_automations_by_name(name):
                client.delete_automation(automation.id)


def _quick(tmp_path: Path, within_seconds: int) -> Path:
    """The repository's automation files, with the review wait shortened for a test."""
    folder = tmp_path / "automations"
    shutil.copytree(CONFIG, folder)
    path = folder / "review-waiting.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["trigger"]["within"] = within_seconds
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


def _wait_for(receiver: str, run_name: str, deadline: float) -> dict:
    """The first body received that names `run_name` (polling the receiver: a test, not a robot)."""
    while time.monotonic() < deadline:
        for item in _received(receiver):
            if isinstance(item["body"], dict) and item["body"].get("flow_run") == run_name:
                return item["body"]
        time.sleep(0.25)
    raise AssertionError(f"no alert for {run_name} by the deadline; received: {_received(receiver)}")


@pytest.mark.e2e
@pytest.mark.slow
def test_a_failed_run_and_a_run_left_waiting_for_review_each_reach_the_webhook(
    tmp_path: Path, receiver: str, applied: list[str]
) -> None:
    from prefect.flow_runs import resume_flow_run

    started = time.monotonic()
    applied += apply_automations(_quick(tmp_path, within_seconds=10), webhook_url=receiver + "/hooks/kuroko")
    assert sorted(applied) == ["kuroko-review-waiting", "kuroko-run-failed"]

    failed_name, review_name = f"fails-{uuid4().hex[:8]}", f"review-{uuid4().hex[:8]}"
    results: list[object] = []
    waiting = threading.Thread(
        target=lambda: results.append(waits_for_review.with_options(flow_run_name=review_name)()), daemon=True
    )
    waiting.start()
    review_run_id = _PAUSED_RUNS.get(timeout=60)
    try:
        state = fails.with_options(flow_run_name=failed_name)(return_state=True)
        assert state.is_failed()

        failed = _wait_for(receiver, failed_name, deadline=time.monotonic() + 30)
        assert failed["alert"] == "run-failed"
        assert (failed["flow"], failed["state"]) == ("alert-probe-fails", "Failed")
        assert failed_name in failed["message_ja"] and "失敗" in failed["message_ja"]
        assert failed_name in failed["message_en"] and "failed" in failed["message_en"]
        assert "合計が一致しません" in failed["detail"]
        assert failed["url"].endswith(f"/runs/flow-run/{failed['flow_run_id']}")

        waited = _wait_for(receiver, review_name, deadline=time.monotonic() + 45)
        assert waited["alert"] == "review-waiting"
        assert (waited["flow"], waited["flow_run_id"], waited["state"]) == (
            "alert-probe-review",
            review_run_id,
            "Paused",
        )
        assert "10 秒" in waited["message_ja"] and "10 seconds" in waited["message_en"]
        # the alert came after the set time, not on the pause itself
        paused_at = datetime.fromisoformat(waited["waiting_since"])
        assert datetime.now(UTC) - paused_at >= timedelta(seconds=10)
    finally:
        resume_flow_run(UUID(review_run_id), run_input={"approved": True})
        waiting.join(timeout=60)
    assert results == [True]
    # one alert each: the run that failed once, the pause once, nothing for the resumed run
    names = [item["body"].get("flow_run") for item in _received(receiver) if isinstance(item["body"], dict)]
    assert names.count(failed_name) == 1 and names.count(review_name) == 1
    print(f"alerts e2e: {time.monotonic() - started:.1f} s")


@pytest.mark.e2e
def test_applying_twice_updates_the_automations_in_place(
    tmp_path: Path, receiver: str, applied: list[str]
) -> None:
    folder = _quick(tmp_path, within_seconds=600)
    applied += apply_automations(folder, webhook_url=receiver)
    first = {a.name: a for a in list_automations() if a.name in applied}

    path = folder / "run-failed.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("enabled: true", "enabled: false"), encoding="utf-8"
    )
    assert apply_automations(folder, webhook_url=None) == applied  # the block keeps the URL
    second = {a.name: a for a in list_automations() if a.name in applied}

    assert second.keys() == first.keys() == set(applied)
    assert all(second[n].id == first[n].id for n in applied)
    assert first["kuroko-run-failed"].enabled and not second["kuroko-run-failed"].enabled


@pytest.mark.e2e
def test_without_a_server_or_with_a_bad_url_nothing_is_applied(tmp_path: Path, applied: list[str]) -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with pytest.raises(BusinessError) as caught:
        apply_automations(CONFIG, webhook_url="ftp://example.jp/hook?token=s3cret")
    assert caught.value.code == "alerts.bad_webhook_url" and "s3cret" not in caught.value.message
    with temporary_settings(restore_defaults={PREFECT_API_URL}):
        with pytest.raises(BusinessError) as caught:
            apply_automations(CONFIG, webhook_url="http://127.0.0.1:9/hook")
    assert caught.value.code == "alerts.no_server"
    assert not [a.name for a in list_automations() if a.name.startswith("kuroko-")]


@pytest.mark.e2e
def test_kuroko_alerts_apply_then_list_shows_them_as_kept_in_config(
    tmp_path: Path, receiver: str, applied: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from flows.cli_alerts import alerts_app

    folder = _quick(tmp_path, within_seconds=600)
    monkeypatch.setenv("KUROKO_ALERT_WEBHOOK_URL", receiver)
    applied += ["kuroko-review-waiting", "kuroko-run-failed"]
    result = CliRunner().invoke(alerts_app, ["apply", "--directory", str(folder)])
    assert result.exit_code == 0, result.output
    assert "applied kuroko-review-waiting" in result.output and "applied kuroko-run-failed" in result.output
    assert receiver not in result.output  # a webhook URL is a secret of sorts: never printed

    result = CliRunner().invoke(alerts_app, ["list", "--directory", str(folder)])
    assert result.exit_code == 0, result.output
    rows = {line.split("│")[1].strip(): line for line in result.output.splitlines() if "kuroko-" in line}
    assert rows.keys() >= {"kuroko-review-waiting", "kuroko-run-failed"}
    assert "Proactive" in rows["kuroko-review-waiting"] and "call-webhook" in rows["kuroko-review-waiting"]
    assert rows["kuroko-run-failed"].rstrip(" │").endswith("yes")


def test_python_m_sandbox_webhook_serves_on_the_given_port(tmp_path: Path) -> None:
    import socket
    import subprocess
    import sys

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = tmp_path / "received.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-m", "sandbox.webhook", "--port", str(port), "--log", str(log)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                _post(url, b'{"text": "ok"}', "application/json")
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, proc.stderr and proc.stderr.read()
                time.sleep(0.1)
        assert [item["body"] for item in _received(url)] == [{"text": "ok"}]
        assert json.loads(log.read_text(encoding="utf-8"))["body"] == {"text": "ok"}
    finally:
        proc.terminate()
        proc.wait(timeout=10)
