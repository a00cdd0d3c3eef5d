"""A Tk desktop app imitating an installed Japanese accounting program (for the desktop robot's tests).

Run it with ``python -m sandbox.desktop --data FILE.json``.
"""

from sandbox.desktop.app import TITLES, AppOptions, DesktopApp, load_entries, main

__all__ = ["TITLES", "AppOptions", "DesktopApp", "load_entries", "main"]
