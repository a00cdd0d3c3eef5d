"""JournalRobot against the sandbox desktop program on a virtual display (Xvfb started by the fixtures)."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from robots.desktop import JournalEntry, JournalRobot
from robots.errors import ApplicationError

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def saved(data: Path) -> list[dict]:
    return [{k: v for k, v in e.items() if k != "id"} for e in json.loads(data.read_text("utf-8"))["entries"]]


def test_enters_ten_entries_exactly_and_a_rerun_enters_nothing(
    display: dict, tmp_path: Path, app_command: Callable, entries: list[JournalEntry]
) -> None:
    data, shots = tmp_path / "data.json", tmp_path / "shots"
    started = time.monotonic()
    with JournalRobot(data, shots, command=app_command(data)) as robot:
        assert robot.enter_all(entries) == [e.key for e in entries]
    per_entry = (time.monotonic() - started) / len(entries)
    print(f"per entry: {per_entry:.2f} s; evidence in {shots}")
    assert saved(data) == [e.as_saved() for e in entries]
    assert len(list(shots.glob("*KRK-*.png"))) == len(entries)

    before = data.read_bytes()
    with JournalRobot(data, shots, command=app_command(data)) as robot:
        assert robot.enter_all(entries) == []
    assert data.read_bytes() == before


def test_a_partial_earlier_run_is_completed_without_doubles(
    display: dict, tmp_path: Path, app_command: Callable, entries: list[JournalEntry]
) -> None:
    data = tmp_path / "data.json"
    with JournalRobot(data, tmp_path / "shots", command=app_command(data)) as robot:
        robot.enter_all(entries[:3])
        assert robot.enter_all(entries[:5]) == [e.key for e in entries[3:5]]
    assert saved(data) == [e.as_saved() for e in entries[:5]]


def test_a_moved_window_and_a_busy_program_are_followed(
    display: dict, tmp_path: Path, app_command: Callable, entries: list[JournalEntry]
) -> None:
    data = tmp_path / "data.json"
    command = app_command(data, "--geometry", "+300+200", "--busy-ms", "700")
    started = time.monotonic()
    with JournalRobot(data, tmp_path / "shots", command=command) as robot:
        robot.enter_all(entries)
    assert time.monotonic() - started >= 10 * 0.7  # every busy time was waited out, by waiting for the dialog
    assert saved(data) == [e.as_saved() for e in entries]


_IN_SUBPROCESS = """
import json, sys
from pathlib import Path
from robots.desktop import JournalEntry, JournalRobot
data, shots, command, rows = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), json.loads(sys.argv[4])
with JournalRobot(Path(data), Path(shots), command=command) as robot:
    print(json.dumps(robot.enter_all([JournalEntry(**r) for r in rows])))
"""


def test_a_smaller_screen_works_the_same(
    screen_1024: dict, tmp_path: Path, app_command: Callable, entries: list[JournalEntry]
) -> None:
    # pyautogui binds to the first DISPLAY it sees, so the other screen gets its own process
    data = tmp_path / "data.json"
    command = app_command(data, "--geometry", "+520+420")
    rows = [dataclasses.asdict(e) for e in entries]
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            _IN_SUBPROCESS,
            str(data),
            str(tmp_path / "shots"),
            json.dumps(command),
            json.dumps(rows),
        ],
        env={**os.environ, **screen_1024},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [e.key for e in entries]
    assert saved(data) == [e.as_saved() for e in entries]


@pytest.mark.parametrize(
    ("flag", "code"),
    [
        ("--surprise-dialog", "desktop.unexpected_dialog"),
        ("--hang-after-login", "desktop.not_responding"),
    ],
)
def test_trouble_ends_in_a_clear_error_with_a_screenshot(
    display: dict, tmp_path: Path, app_command: Callable, entries: list[JournalEntry], flag: str, code: str
) -> None:
    data = tmp_path / "data.json"
    with JournalRobot(data, tmp_path / "shots", command=app_command(data, flag), timeout=3.0) as robot:
        with pytest.raises(ApplicationError) as caught:
            robot.enter_all(entries)
    assert caught.value.code == code
    assert Path(caught.value.details["screenshot"]).stat().st_size > 0
    assert not data.exists() or saved(data) == []
