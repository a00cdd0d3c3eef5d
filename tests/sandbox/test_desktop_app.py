"""The sandbox desktop program's parts that need no display: options, validation, atomic saving."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sandbox.desktop import load_entries
from sandbox.desktop.app import _parse, _save_entries, _validate

GOOD = {
    "date": "2026/04/01",
    "debit": "消耗品費",
    "credit": "現金",
    "amount": "1280",
    "memo": "[KRK-0001] 事務用品",
    "partner": "文具堂",
}


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({}, None),
        ({"amount": "千円"}, "金額は正の整数で入力してください。"),
        ({"amount": "0"}, "金額は正の整数で入力してください。"),
        ({"date": "2026-04-01"}, "日付は YYYY/MM/DD で入力してください。"),
        ({"debit": ""}, "借方科目を入力してください。"),
        ({"partner": ""}, None),
    ],
)
def test_validation_names_the_field(change: dict, problem: str | None) -> None:
    entry, got = _validate({**GOOD, **change})
    assert got == problem
    if problem is None:
        assert entry["amount"] == int(GOOD["amount"])


def test_saving_replaces_the_file_whole_and_keeps_japanese(tmp_path: Path) -> None:
    data = tmp_path / "data.json"
    assert load_entries(data) == []
    _save_entries(data, [{"id": 1, **GOOD}])
    assert load_entries(data) == [{"id": 1, **GOOD}]
    assert "消耗品費" in data.read_text("utf-8")
    assert json.loads(data.read_text("utf-8"))["entries"][0]["id"] == 1
    assert [p.name for p in tmp_path.iterdir()] == ["data.json"]  # no temp file left behind


def test_options_come_from_flags_and_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KUROKO_DESKTOP_USER", "keiri")
    o = _parse(
        [
            "--data",
            str(tmp_path / "d.json"),
            "--busy-ms",
            "500",
            "--geometry",
            "+300+200",
            "--surprise-dialog",
        ]
    )
    assert (o.user, o.password, o.busy_ms, o.x, o.y, o.surprise_dialog, o.hang_after_login) == (
        "keiri",
        "demo",
        500,
        300,
        200,
        True,
        False,
    )
    with pytest.raises(SystemExit):
        _parse(["--data", "d.json", "--geometry", "300x200"])
