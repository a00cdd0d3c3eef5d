"""The X clipboard through xclip processes the robot owns (their output redirected, stopped by pid)."""

from __future__ import annotations

import subprocess

from robots.desktop._x11 import wait_for


class Clipboard:
    def __init__(self) -> None:
        self._owners: list[subprocess.Popen[bytes]] = []

    def read(self) -> str:
        r = subprocess.run(
            ["xclip", "-o", "-selection", "clipboard"], capture_output=True, timeout=5, check=False
        )
        return r.stdout.decode("utf-8", errors="replace") if r.returncode == 0 else ""

    def write(self, text: str, timeout: float = 5.0) -> None:
        """Own the clipboard with ``text`` and return once it is readable back."""
        self._reap()
        p = subprocess.Popen(
            ["xclip", "-quiet", "-i", "-selection", "clipboard"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert p.stdin is not None
        p.stdin.write(text.encode("utf-8"))
        p.stdin.close()
        self._owners.append(p)
        if wait_for(lambda: self.read() == text, timeout) is None:
            raise TimeoutError("xclip did not take the clipboard")

    def _reap(self) -> None:
        self._owners = [p for p in self._owners if p.poll() is None]

    def close(self) -> None:
        for p in self._owners:
            if p.poll() is None:
                p.terminate()
                p.wait(timeout=5)
        self._owners = []
