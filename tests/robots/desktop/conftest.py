"""A virtual display per screen size (Xvfb on a free display number, an empty XAUTHORITY), started by the
tests themselves, and the sandbox desktop program's command line."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from robots.desktop import JournalEntry

NEEDS = ("Xvfb", "xclip")


def _free_display() -> int:
    for n in range(90, 200):
        if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
            return n
    raise RuntimeError("no free X display number")


def _xvfb(size: str, tmp: Path) -> Iterator[dict[str, str]]:
    missing = [b for b in NEEDS if shutil.which(b) is None]
    if missing:
        pytest.skip(f"needs {', '.join(missing)}")
    n = _free_display()
    xauth = tmp / "Xauthority"
    xauth.touch()
    proc = subprocess.Popen(
        ["Xvfb", f":{n}", "-screen", "0", f"{size}x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while not Path(f"/tmp/.X11-unix/X{n}").exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"Xvfb :{n} did not start")
        time.sleep(0.02)
    env = {"DISPLAY": f":{n}", "XAUTHORITY": str(xauth), "XDG_SESSION_TYPE": "x11"}
    try:
        yield env
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def screen_1280(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    yield from _xvfb("1280x800", tmp_path_factory.mktemp("x1280"))


@pytest.fixture(scope="session")
def screen_1024(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    yield from _xvfb("1024x768", tmp_path_factory.mktemp("x1024"))


@pytest.fixture
def display(screen_1280: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The 1280x800 screen as this process's DISPLAY (pyautogui binds to it at its first import)."""
    for k, v in screen_1280.items():
        monkeypatch.setenv(k, v)
    return screen_1280


@pytest.fixture
def app_command() -> Callable[..., list[str]]:
    """The sandbox program's command line for a data file and test switches."""

    def command(data: Path, *flags: str) -> list[str]:
        return [sys.executable, "-m", "sandbox.desktop", "--data", str(data), *flags]

    return command


_ROWS = [
    ("2026/04/01", "消耗品費", "現金", 1280, "事務用品 購入", "株式会社文具堂"),
    ("2026/04/02", "旅費交通費", "普通預金", 5420, "新幹線 東京－大阪", "東海旅客鉄道株式会社"),
    ("2026/04/03", "通信費", "未払金", 8800, "インターネット回線 4月分", "ＮＴＴ東日本"),
    ("2026/04/05", "会議費", "現金", 3300, "打合せ 喫茶代", "珈琲館 渋谷店"),
    ("2026/04/08", "水道光熱費", "普通預金", 12540, "電気料金 3月分", "東京電力エナジーパートナー"),
    ("2026/04/10", "支払手数料", "普通預金", 440, "振込手数料", "みずほ銀行"),
    ("2026/04/15", "地代家賃", "普通預金", 150000, "事務所家賃 5月分", "有限会社やまだ不動産"),
    ("2026/04/20", "広告宣伝費", "未払金", 66000, "チラシ印刷（３，０００枚）", "株式会社印刷センター"),
    ("2026/04/25", "売掛金", "売上高", 330000, "４月分 保守料", "株式会社サンプル商事"),
    ("2026/04/30", "福利厚生費", "現金", 2160, "お茶・コーヒー", "スーパーまるや"),
]


@pytest.fixture
def entries() -> list[JournalEntry]:
    """Ten journal entries with Japanese 科目, 摘要 and 取引先: the robot's source."""
    return [JournalEntry(f"KRK-{i:04d}", *row) for i, row in enumerate(_ROWS, start=1)]
