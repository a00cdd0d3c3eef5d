"""JournalRobot: enters journal entries into the サンドボックス会計デスクトップ program with pyautogui.

Every position is taken relative to the window found at that moment, ASCII is typed, Japanese is pasted
through the clipboard, every field is read back, and each entry carries a reference key in 摘要
(``[KRK-0001] ...``) so a rerun skips what is already saved.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from robots.desktop._clipboard import Clipboard
from robots.desktop._x11 import Desktop, Window, wait_for
from robots.errors import ApplicationError, BusinessError

__all__ = ["JournalEntry", "JournalRobot"]

LOGIN, MAIN, ENTRY, LIST, CONFIRM, INPUT_ERROR = (
    "ログイン",
    "サンドボックス会計デスクトップ",
    "伝票入力",
    "伝票一覧",
    "保存しますか？",
    "入力エラー",
)
_EXPECTED = {MAIN, ENTRY, LIST, CONFIRM}
_DATE_FIELD = (200, 16)  # where 日付 sits inside the 伝票入力 window
_SENTINEL = "\u2063kuroko-clipboard-sentinel"


@dataclass(frozen=True)
class JournalEntry:
    key: str  # the reference key, e.g. KRK-0001, written into 摘要 as "[KRK-0001] ..."
    date: str  # YYYY/MM/DD
    debit: str
    credit: str
    amount: int
    memo: str
    partner: str

    @property
    def tagged_memo(self) -> str:
        return f"[{self.key}] {self.memo}"

    def field_values(self) -> list[str]:
        """What goes into the form, in Tab order."""
        return [self.date, self.debit, self.credit, str(self.amount), self.tagged_memo, self.partner]

    def as_saved(self) -> dict[str, Any]:
        """How the program's data file holds this entry (without its id)."""
        return {
            "date": self.date,
            "debit": self.debit,
            "credit": self.credit,
            "amount": self.amount,
            "memo": self.tagged_memo,
            "partner": self.partner,
        }


class JournalRobot:
    """Drives the program; use as a context manager (it stops what it started)."""

    def __init__(
        self,
        data_file: Path,
        screenshots: Path,
        command: Sequence[str] | None = None,
        user: str | None = None,
        password: str | None = None,
        timeout: float = 10.0,
        answer_timeout: float = 2.0,
    ) -> None:
        self.data_file = data_file
        self.screenshots = screenshots
        self.command = list(command) if command else None
        self.user = user if user is not None else os.environ.get("KUROKO_DESKTOP_USER", "demo")
        self.password = (
            password if password is not None else os.environ.get("KUROKO_DESKTOP_PASSWORD", "demo")
        )
        self.timeout = timeout
        self.answer_timeout = answer_timeout
        self.process: subprocess.Popen[bytes] | None = None
        self.evidence: dict[str, Path] = {}  # key → screenshot of the checked form of each entry saved here
        self._desktop: Desktop | None = None
        self._clipboard = Clipboard()
        import pyautogui  # lazily: it raises at import without a DISPLAY

        pyautogui.PAUSE = 0.0
        self._gui = pyautogui
        self.screenshots.mkdir(parents=True, exist_ok=True)

    # --- lifecycle -----------------------------------------------------------------------------------
    def __enter__(self) -> JournalRobot:
        self._desktop = Desktop()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._clipboard.close()
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        if self._desktop is not None:
            self._desktop.close()
            self._desktop = None

    @property
    def desktop(self) -> Desktop:
        if self._desktop is None:
            self._desktop = Desktop()
        return self._desktop

    # --- the process ---------------------------------------------------------------------------------
    def start(self) -> None:
        """Start the program (when a command was given and it is not running) and log in."""
        if self.desktop.find(MAIN) is None and self.desktop.find(LOGIN) is None and self.command:
            self.process = subprocess.Popen(
                self.command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
        if self.desktop.find(MAIN) is not None:
            return
        login = self._wait_window(LOGIN)
        self.desktop.focus(login)
        self._type(self.user)
        self._gui.press("tab")
        self._type(self.password)
        self._gui.press("enter")
        self._wait_window(MAIN, expected={LOGIN, MAIN})

    def enter_all(self, entries: Iterable[JournalEntry]) -> list[str]:
        """Enter every entry whose key the program does not hold yet; returns the keys entered."""
        done = self.saved_keys()
        todo = [e for e in entries if e.key not in done]
        if not todo:
            return []
        self.start()
        window = self._open_entry_window()
        entered = []
        for entry in todo:
            window = self._enter(entry)
            entered.append(entry.key)
        del window
        return entered

    def saved_keys(self) -> set[str]:
        """Reference keys already in the program's saved list (its data file)."""
        return {_key_of(e.get("memo", "")) for e in _load(self.data_file)} - {""}

    def check_saved(self, entry: JournalEntry) -> str:
        """The id the program saved ``entry`` under, once every saved value is checked to equal the entry's.

        Raises BusinessError ``desktop.not_saved`` (no saved entry carries its key) or
        ``desktop.saved_mismatch`` (one does, with other values: a person must look)."""
        saved = next((e for e in _load(self.data_file) if _key_of(e.get("memo", "")) == entry.key), None)
        if saved is None:
            raise BusinessError(
                "desktop.not_saved", f"{entry.key}: the program holds no entry with this key", key=entry.key
            )
        expected = entry.as_saved()
        differ = [f"{k} {saved.get(k)!r} ≠ {v!r}" for k, v in expected.items() if saved.get(k) != v]
        if differ:
            raise BusinessError(
                "desktop.saved_mismatch",
                f"{entry.key}: the program holds entry #{saved.get('id')} with other values "
                f"({'; '.join(differ)})",
                key=entry.key,
                record_id=str(saved.get("id")),
            )
        return str(saved["id"])

    # --- steps ---------------------------------------------------------------------------------------
    def _open_entry_window(self) -> Window:
        window = self.desktop.find(ENTRY)
        if window is None:
            main = self._wait_window(MAIN)
            self.desktop.focus(main)
            self._gui.hotkey("ctrl", "n")  # 伝票 → 伝票入力… (Ctrl+N)
            window = self._wait_window(ENTRY)
        return window

    def _enter(self, entry: JournalEntry) -> Window:
        window = self._wait_window(ENTRY)
        self._check_dialogs()
        self.desktop.focus(window)
        self._gui.click(window.x + _DATE_FIELD[0], window.y + _DATE_FIELD[1])
        for i, value in enumerate(entry.field_values()):
            if i:
                self._gui.press("tab")
            got = self._fill(value)
            if got != value:
                self._check_dialogs()
                raise BusinessError(
                    "desktop.typed_value_mismatch",
                    f"{entry.key}: typed {value!r} but the field holds {got!r}",
                    key=entry.key,
                    screenshot=str(self._screenshot(f"{entry.key}-mismatch")),
                )
        filled = self._screenshot(f"{entry.key}-confirm")  # the checked form, about to be saved
        self._gui.press("tab")  # → 保存
        self._gui.press("enter")
        self._confirm(self._wait_window(CONFIRM))  # after the busy time, if any: a condition wait, no sleep
        if wait_for(lambda: entry.key in self.saved_keys(), self.timeout) is None:
            self._fail_not_found(f"the data file never showed {entry.key}", f"{entry.key}-not-saved")
        saved = filled.rename(filled.with_name(filled.name.replace("-confirm.png", ".png")))  # now: saved
        self.evidence[entry.key] = saved
        return self._wait_window(ENTRY)

    def _confirm(self, dialog: Window, attempts: int = 3) -> None:
        """Answer はい (it has the focus). A loaded machine can deliver the key before the dialog has taken
        the keyboard focus, and then it is lost: while the dialog is still there after a while, answer
        again."""
        for _ in range(attempts):
            self.desktop.focus(dialog)
            self._gui.press("enter")
            if wait_for(lambda: self.desktop.find(CONFIRM) is None or None, self.answer_timeout) is not None:
                return
            if self.desktop.find(CONFIRM) is None:  # closed just now: do not press again
                return

    def _fill(self, value: str, attempts: int = 3) -> str:
        """Type ``value`` into the focused field and read it back. A busy program can take the paste after
        the read-back has put its sentinel on the clipboard (the field then holds nothing, or the sentinel):
        while it differs, clear the field (select all, BackSpace) and type it again. Returns what it holds."""
        got = ""
        for attempt in range(attempts):
            if attempt:
                self._gui.hotkey("ctrl", "a")
                self._gui.press("backspace")
            self._type(value)
            got = self._read_field()
            if got == value:
                break
        return got

    def _type(self, text: str) -> None:
        if text.isascii():
            self._gui.write(text)
        else:
            self._clipboard.write(text)
            self._gui.hotkey("ctrl", "v")

    def _read_field(self) -> str:
        """Select all, copy, and read the clipboard once the program has replaced our sentinel."""
        self._clipboard.write(_SENTINEL)
        self._gui.hotkey("ctrl", "a")
        self._gui.hotkey("ctrl", "c")
        value = wait_for(lambda: (v := self._clipboard.read()) != _SENTINEL and (v,), self.answer_timeout)
        return value[0] if value else ""

    # --- waiting and failing -------------------------------------------------------------------------
    def _wait_window(self, title: str, expected: set[str] | None = None) -> Window:
        """Wait for a window by title; an unexpected dialog meanwhile fails at once."""
        allowed = (expected or _EXPECTED) | {title}

        def look() -> Window | None:
            self._check_dialogs(allowed)
            return self.desktop.find(title)

        window = wait_for(look, self.timeout)
        if window is None:
            self._fail_not_found(f"the window {title!r} never came", f"missing-{title}")
        assert window is not None
        return window

    def _check_dialogs(self, allowed: set[str] | None = None) -> None:
        allowed = allowed or _EXPECTED
        for w in self.desktop.windows():
            if w.title in allowed:
                continue
            shot = self._screenshot(f"unexpected-{w.title}")
            if w.title == INPUT_ERROR:
                raise BusinessError(
                    "desktop.rejected", "the program rejected the entry", screenshot=str(shot)
                )
            raise ApplicationError(
                "desktop.unexpected_dialog",
                f"unexpected window {w.title!r}",
                title=w.title,
                screenshot=str(shot),
            )

    def _fail_not_found(self, message: str, shot_name: str) -> None:
        shot = self._screenshot(shot_name)
        if self.process is not None and self.process.poll() is not None:
            raise ApplicationError("desktop.not_responding", "the program has exited", screenshot=str(shot))
        for w in self.desktop.windows():
            if w.title in _EXPECTED and not self.desktop.responds(w, self.answer_timeout):
                raise ApplicationError(
                    "desktop.not_responding",
                    f"the program does not answer ({w.title!r}): {message}",
                    screenshot=str(shot),
                )
        raise ApplicationError("desktop.window_not_found", message, screenshot=str(shot))

    def _screenshot(self, name: str) -> Path:
        path = self.screenshots / f"{time.strftime('%Y%m%d-%H%M%S')}-{_safe(name)}.png"
        self._gui.screenshot(str(path))
        return path


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name)


def _key_of(memo: str) -> str:
    return memo[1 : memo.index("]")] if memo.startswith("[") and "]" in memo else ""


def _load(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return list(json.loads(path.read_text(encoding="utf-8"))["entries"])
