"""Desktop robots driven with pyautogui (imported lazily: it fails at import without a DISPLAY)."""

from robots.desktop.journal import JournalEntry, JournalRobot

__all__ = ["JournalEntry", "JournalRobot"]
