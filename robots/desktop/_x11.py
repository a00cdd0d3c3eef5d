"""Top-level windows by title, their position, input focus, a responsiveness probe, and condition waits."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")


def wait_for(condition: Callable[[], T | None], timeout: float, interval: float = 0.02) -> T | None:
    """Poll ``condition`` until it returns something truthy or the deadline passes (then None)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            return None
        time.sleep(interval)  # a polling interval of a condition wait, not a fixed pause


@dataclass(frozen=True)
class Window:
    id: int
    title: str
    x: int
    y: int
    width: int
    height: int


class Desktop:
    """The X display's visible top-level windows (python-xlib)."""

    def __init__(self) -> None:
        from Xlib import display

        self._d = display.Display()
        self._root = self._d.screen().root
        self._name = self._d.intern_atom("_NET_WM_NAME")
        self._utf8 = self._d.intern_atom("UTF8_STRING")

    def close(self) -> None:
        self._d.close()

    def windows(self) -> list[Window]:
        from Xlib import X, error

        out = []
        for w in self._root.query_tree().children:
            try:
                if w.get_attributes().map_state != X.IsViewable:
                    continue
                prop = w.get_full_property(self._name, self._utf8)
                title = prop.value.decode("utf-8") if prop else (w.get_wm_name() or "")
                if not title:
                    continue
                g = w.get_geometry()
                pos = self._root.translate_coords(w, 0, 0)
                out.append(Window(w.id, str(title), pos.x, pos.y, g.width, g.height))
            except error.XError:
                continue  # went away while we looked
        return out

    def find(self, title: str) -> Window | None:
        return next((w for w in self.windows() if w.title == title), None)

    def focus(self, window: Window) -> None:
        from Xlib import X

        self._d.create_resource_object("window", window.id).set_input_focus(X.RevertToParent, X.CurrentTime)
        self._d.sync()

    def responds(self, window: Window, timeout: float) -> bool:
        """Whether the app behind ``window`` still runs its event loop: widen the top-level by one pixel and
        see whether the app lays out its inner window to follow (a hung app never does), then restore."""
        w: Any = self._d.create_resource_object("window", window.id)
        try:
            width = w.get_geometry().width
            w.configure(width=width + 1)
            self._d.sync()
            ok = wait_for(
                lambda: any(c.get_geometry().width == width + 1 for c in w.query_tree().children), timeout
            )
            w.configure(width=width)
            self._d.sync()
            return bool(ok)
        except Exception:  # noqa: BLE001 - the window vanished: it does not answer either
            return False
