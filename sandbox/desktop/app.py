"""サンドボックス会計デスクトップ: login dialog, main window with a menu, a journal-entry window with
Tab-ordered fields, a confirmation dialog and a list window. Saved entries go to a JSON file, atomically.

Test switches: ``--busy-ms`` (busy cursor and disabled inputs before the confirmation), ``--surprise-dialog``
(an unexpected お知らせ dialog once when the entry window opens), ``--hang-after-login`` (the main loop blocks
after login), ``--geometry +X+Y`` (where the windows open).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import tempfile
import threading
import tkinter as tk
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["TITLES", "AppOptions", "DesktopApp", "load_entries", "main"]

TITLES = {
    "login": "ログイン",
    "main": "サンドボックス会計デスクトップ",
    "entry": "伝票入力",
    "list": "伝票一覧",
    "confirm": "保存しますか？",
    "error": "入力エラー",
    "login_error": "ログインエラー",
    "surprise": "お知らせ",
}

FIELDS = [  # (key in the data file, label), in Tab order
    ("date", "日付"),
    ("debit", "借方科目"),
    ("credit", "貸方科目"),
    ("amount", "金額"),
    ("memo", "摘要"),
    ("partner", "取引先"),
]

_DATE = re.compile(r"^\d{4}/\d{2}/\d{2}$")


@dataclass(frozen=True)
class AppOptions:
    data: Path
    user: str = "demo"
    password: str = "demo"
    busy_ms: int = 0
    surprise_dialog: bool = False
    hang_after_login: bool = False
    x: int = 100
    y: int = 80


def load_entries(path: Path) -> list[dict[str, Any]]:
    """The saved entries (the app's own export), [] when the file does not exist yet."""
    if not path.exists():
        return []
    return list(json.loads(path.read_text(encoding="utf-8"))["entries"])


def _save_entries(path: Path, entries: list[dict[str, Any]]) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump({"entries": entries}, f, ensure_ascii=False, indent=2)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _validate(values: dict[str, str]) -> tuple[dict[str, Any], str | None]:
    for key, label in FIELDS:
        if key != "partner" and not values[key].strip():
            return {}, f"{label}を入力してください。"
    if not _DATE.match(values["date"]):
        return {}, "日付は YYYY/MM/DD で入力してください。"
    if not values["amount"].isdigit() or int(values["amount"]) <= 0:
        return {}, "金額は正の整数で入力してください。"
    out: dict[str, Any] = dict(values)
    out["amount"] = int(values["amount"])
    return out, None


class DesktopApp:
    def __init__(self, options: AppOptions) -> None:
        self.options = options
        self.root = tk.Tk(className="KurokoDesktop")
        self.root.title(TITLES["main"])
        self.root.geometry(f"520x300+{options.x}+{options.y}")
        self.root.withdraw()
        self.entry_window: tk.Toplevel | None = None
        self.list_window: tk.Toplevel | None = None
        self.fields: dict[str, tk.Entry] = {}
        self._surprised = False
        self._build_main()
        self._build_login()

    # --- windows -------------------------------------------------------------------------------------
    def _place(self, win: tk.Toplevel | tk.Tk, size: str, dx: int = 0, dy: int = 0) -> None:
        win.geometry(f"{size}+{self.options.x + dx}+{self.options.y + dy}")

    def _build_login(self) -> None:
        win = tk.Toplevel(self.root)
        win.title(TITLES["login"])
        self._place(win, "320x140")
        tk.Label(win, text="ユーザーID").grid(row=0, column=0, padx=8, pady=8, sticky="e")
        tk.Label(win, text="パスワード").grid(row=1, column=0, padx=8, pady=8, sticky="e")
        user, password = tk.Entry(win, width=20), tk.Entry(win, width=20, show="*")
        user.grid(row=0, column=1)
        password.grid(row=1, column=1)
        button = tk.Button(win, text="ログイン", command=lambda: self._login(win, user.get(), password.get()))
        button.grid(row=2, column=1, pady=8, sticky="e")
        for w in (user, password, button):
            w.bind("<Return>", lambda _e: button.invoke())
        win.protocol("WM_DELETE_WINDOW", self.root.destroy)
        self._select_all_binding(user, password)
        user.focus_set()

    def _login(self, win: tk.Toplevel, user: str, password: str) -> None:
        if (user, password) != (self.options.user, self.options.password):
            self._message(TITLES["login_error"], "ユーザーIDまたはパスワードが違います。", parent=win)
            return
        win.destroy()
        self.root.deiconify()
        self.root.update()
        if self.options.hang_after_login:
            threading.Event().wait()  # the main loop never comes back: "応答なし"

    def _build_main(self) -> None:
        menubar = tk.Menu(self.root)
        file_menu = tk.Menu(menubar, tearoff=False)
        file_menu.add_command(label="終了", command=self.root.destroy, accelerator="Ctrl+Q")
        slip_menu = tk.Menu(menubar, tearoff=False)
        slip_menu.add_command(label="伝票入力…", command=self.open_entry, accelerator="Ctrl+N")
        slip_menu.add_command(label="一覧", command=self.open_list, accelerator="Ctrl+L")
        menubar.add_cascade(label="ファイル", menu=file_menu)
        menubar.add_cascade(label="伝票", menu=slip_menu)
        self.root.config(menu=menubar)
        self.root.bind_all("<Control-n>", lambda _e: self.open_entry())
        self.root.bind_all("<Control-l>", lambda _e: self.open_list())
        self.root.bind_all("<Control-q>", lambda _e: self.root.destroy())
        tk.Label(self.root, text="伝票 → 伝票入力… (Ctrl+N) で仕訳を入力します。").pack(padx=20, pady=40)

    def open_entry(self) -> None:
        if self.entry_window is not None and self.entry_window.winfo_exists():
            self.entry_window.lift()
            return
        win = tk.Toplevel(self.root)
        win.title(TITLES["entry"])
        self._place(win, "460x300", 40, 40)
        self.fields = {}
        for row, (key, label) in enumerate(FIELDS):
            tk.Label(win, text=label).grid(row=row, column=0, padx=8, pady=4, sticky="e")
            field = tk.Entry(win, width=36)
            field.grid(row=row, column=1, padx=8, pady=4, sticky="w")
            self.fields[key] = field
        save = tk.Button(win, text="保存", command=self._save_clicked)
        save.grid(row=len(FIELDS), column=1, padx=8, pady=8, sticky="e")
        save.bind("<Return>", lambda _e: save.invoke())
        self.save_button = save
        self._select_all_binding(*self.fields.values())
        self.entry_window = win
        self.fields["date"].focus_set()
        if self.options.surprise_dialog and not self._surprised:
            self._surprised = True
            self._message(TITLES["surprise"], "システムメンテナンスのお知らせ", parent=win)

    def open_list(self) -> None:
        if self.list_window is not None and self.list_window.winfo_exists():
            self.list_window.destroy()
        win = tk.Toplevel(self.root)
        win.title(TITLES["list"])
        self._place(win, "600x300", 80, 80)
        box = tk.Listbox(win, width=90)
        box.pack(fill="both", expand=True)
        for e in load_entries(self.options.data):
            box.insert(
                "end", f"{e['id']:>4} {e['date']} {e['debit']}/{e['credit']} {e['amount']:,} {e['memo']}"
            )
        self.list_window = win

    # --- saving --------------------------------------------------------------------------------------
    def _set_busy(self, busy: bool) -> None:
        assert self.entry_window is not None
        cursor = "watch" if busy else ""
        self.entry_window.config(cursor=cursor)
        for w in [*self.fields.values(), self.save_button]:
            w.config(state="disabled" if busy else "normal", cursor=cursor)

    def _save_clicked(self) -> None:
        values = {key: field.get() for key, field in self.fields.items()}
        entry, problem = _validate(values)
        if problem:
            self._message(TITLES["error"], problem, parent=self.entry_window)
            return
        self._set_busy(True)
        self.root.after(self.options.busy_ms, lambda: self._confirm(entry))

    def _confirm(self, entry: dict[str, Any]) -> None:
        self._set_busy(False)
        win = self._dialog(TITLES["confirm"], "この伝票を保存しますか？", self.entry_window)
        yes = tk.Button(win, text="はい", width=8, command=lambda: (win.destroy(), self._store(entry)))
        no = tk.Button(win, text="いいえ", width=8, command=win.destroy)
        yes.pack(side="left", padx=16, pady=8)
        no.pack(side="right", padx=16, pady=8)
        for w in (yes, no):
            w.bind("<Return>", lambda _e, b=w: b.invoke())
        win.bind("<Escape>", lambda _e: no.invoke())
        yes.focus_set()

    def _store(self, entry: dict[str, Any]) -> None:
        entries = load_entries(self.options.data)
        entry = {"id": max((e["id"] for e in entries), default=0) + 1, **entry}
        _save_entries(self.options.data, [*entries, entry])
        for field in self.fields.values():
            field.delete(0, "end")
        self.fields["date"].focus_set()

    # --- dialogs -------------------------------------------------------------------------------------
    def _dialog(self, title: str, text: str, parent: tk.Misc | None) -> tk.Toplevel:
        win = tk.Toplevel(parent or self.root)
        win.title(title)
        self._place(win, "300x110", 120, 120)
        tk.Label(win, text=text).pack(padx=16, pady=12)
        win.transient(parent or self.root)
        win.grab_set()
        return win

    def _message(self, title: str, text: str, parent: tk.Misc | None) -> None:
        win = self._dialog(title, text, parent)
        ok = tk.Button(win, text="OK", width=8, command=win.destroy)
        ok.pack(pady=8)
        ok.bind("<Return>", lambda _e: ok.invoke())
        ok.focus_set()

    @staticmethod
    def _select_all_binding(*entries: tk.Entry) -> None:
        """Ctrl+A selects all, as in the Windows program this imitates (Tk's X11 default is line start)."""

        def select_all(event: tk.Event) -> str:
            event.widget.selection_range(0, "end")
            event.widget.icursor("end")
            return "break"

        for e in entries:
            e.bind("<Control-a>", select_all)

    def run(self) -> None:
        self.root.mainloop()


def _parse(argv: list[str] | None) -> AppOptions:
    p = argparse.ArgumentParser(prog="python -m sandbox.desktop", description=__doc__)
    p.add_argument("--data", type=Path, required=True, help="JSON file the entries are saved to")
    p.add_argument("--busy-ms", type=int, default=int(os.environ.get("KUROKO_DESKTOP_BUSY_MS", "0")))
    p.add_argument(
        "--surprise-dialog", action="store_true", default=bool(os.environ.get("KUROKO_DESKTOP_SURPRISE"))
    )
    p.add_argument(
        "--hang-after-login", action="store_true", default=bool(os.environ.get("KUROKO_DESKTOP_HANG"))
    )
    p.add_argument("--geometry", default="+100+80", help="where the windows open, +X+Y")
    a = p.parse_args(argv)
    m = re.fullmatch(r"\+(\d+)\+(\d+)", a.geometry)
    if not m:
        p.error("--geometry must look like +X+Y")
    return AppOptions(
        data=a.data,
        user=os.environ.get("KUROKO_DESKTOP_USER", "demo"),
        password=os.environ.get("KUROKO_DESKTOP_PASSWORD", "demo"),
        busy_ms=a.busy_ms,
        surprise_dialog=a.surprise_dialog,
        hang_after_login=a.hang_after_login,
        x=int(m.group(1)),
        y=int(m.group(2)),
    )


def main(argv: list[str] | None = None) -> int:
    DesktopApp(_parse(argv)).run()
    return 0
