"""The inbox folder: which files wait, their fingerprints, and where they go once their outcome is on
record. A source file is never deleted or overwritten: it is only moved, and only by :func:`file_away`,
which the caller invokes after the ledger holds the outcome."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

__all__ = ["Fingerprint", "Outcome", "file_away", "fingerprint", "list_inbox"]

_CHUNK = 1 << 20


class Outcome(StrEnum):
    PROCESSED = "processed"  # entered, or found already entered
    FAILED = "failed"  # kept for a person, with a .error.json beside it
    REVIEW = "review"  # waits for a person's decision, with a .review.json beside it saying why


@dataclass(frozen=True)
class Fingerprint:
    sha256: str
    size: int


def list_inbox(inbox: Path, suffixes: tuple[str, ...] = (".pdf",)) -> list[Path]:
    """Files directly in the inbox with one of the suffixes (any case), in name order. Sub-folders
    (processed/, failed/) and hidden or partial files (``.`` or ``~`` prefixes, ``.part``) are skipped."""
    if not inbox.is_dir():
        return []
    found = [
        p
        for p in inbox.iterdir()
        if p.is_file() and p.suffix.lower() in suffixes and not p.name.startswith((".", "~"))
    ]
    return sorted(found, key=lambda p: p.name)


def fingerprint(path: Path) -> Fingerprint:
    """SHA-256 and size of a file, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return Fingerprint(sha256=digest.hexdigest(), size=size)


def _free_name(folder: Path, name: str, sha256: str) -> Path:
    candidate = folder / name
    if not candidate.exists():
        return candidate
    stem, suffix = os.path.splitext(name)
    candidate = folder / f"{stem}.{sha256[:8]}{suffix}"
    n = 2
    while candidate.exists():
        candidate = folder / f"{stem}.{sha256[:8]}-{n}{suffix}"
        n += 1
    return candidate


def file_away(
    path: Path,
    inbox: Path,
    outcome: Outcome,
    *,
    sha256: str,
    error: dict[str, Any] | None = None,
    run_id: str | None = None,
) -> Path:
    """Move a handled file to ``inbox/processed/`` or ``inbox/failed/``, never overwriting anything there.

    For a failure, ``<file>.error.json`` is written beside the moved file first, saying why, so the
    reason is there before the file appears. Returns the new path.
    """
    folder = inbox / outcome.value
    folder.mkdir(parents=True, exist_ok=True)
    dest = _free_name(folder, path.name, sha256)
    if outcome in (Outcome.FAILED, Outcome.REVIEW):
        note = {
            "file": path.name,
            "sha256": sha256,
            "run_id": run_id,
            "failed_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "error": error or {"code": "unknown", "message": "no reason recorded"},
        }
        suffix = ".error.json" if outcome is Outcome.FAILED else ".review.json"
        dest.with_name(dest.name + suffix).write_text(
            json.dumps(note, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    shutil.move(path, dest)
    return dest
