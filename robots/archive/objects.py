"""Write-once files named by their SHA-256: ``<root>/<sha[:2]>/<sha>``, read-only once written."""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from robots.errors import BusinessError

__all__ = ["ObjectStore", "StagedObject", "hash_file"]

_CHUNK = 1 << 20
_READ_ONLY = stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH  # 0444


@dataclass(frozen=True)
class StagedObject:
    """A copy of an incoming file in the store's staging area, hashed while it was copied."""

    temp_path: Path
    sha256: str
    size: int


def hash_file(path: Path) -> str:
    """SHA-256 of a file's bytes, in hex."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class ObjectStore:
    """Content-addressed, write-once storage of originals under ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._staging = root / ".staging"

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def stage(self, source: Path) -> StagedObject:
        """Copy ``source`` into the staging area (same file system as the objects), hashing the bytes
        actually written, and fsync it. Raises BusinessError when the file cannot be read."""
        self._staging.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        fd, temp_name = tempfile.mkstemp(dir=self._staging, prefix="incoming-")
        temp = Path(temp_name)
        try:
            with os.fdopen(fd, "wb") as out, source.open("rb") as f:
                while chunk := f.read(_CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
                out.flush()
                os.fsync(out.fileno())
        except FileNotFoundError as exc:
            temp.unlink(missing_ok=True)
            raise BusinessError("archive.file_not_found", f"{source}: file not found") from exc
        except IsADirectoryError as exc:
            temp.unlink(missing_ok=True)
            raise BusinessError("archive.not_a_file", f"{source}: is a directory, not a file") from exc
        except OSError as exc:
            temp.unlink(missing_ok=True)
            raise BusinessError("archive.unreadable", f"{source}: cannot be read ({exc.strerror})") from exc
        if size == 0:
            temp.unlink()
            raise BusinessError("archive.empty_file", f"{source}: the file is empty")
        return StagedObject(temp, digest.hexdigest(), size)

    def commit(self, staged: StagedObject) -> Path:
        """Move a staged copy to its final name atomically and make it read-only.

        An object already present with the right bytes is kept (the staged copy is dropped); one whose
        bytes no longer match its name (damaged, not referenced yet) is replaced.
        """
        final = self.path_for(staged.sha256)
        if final.exists() and hash_file(final) == staged.sha256:
            self.discard(staged)
            return final
        final.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(staged.temp_path, _READ_ONLY)
        os.replace(staged.temp_path, final)
        _fsync_dir(final.parent)
        return final

    def discard(self, staged: StagedObject) -> None:
        staged.temp_path.unlink(missing_ok=True)

    def remove(self, sha256: str) -> None:
        """Delete an object (only after its retention period: the caller checks)."""
        path = self.path_for(sha256)
        path.unlink(missing_ok=True)
        if path.parent.exists():
            _fsync_dir(path.parent)

    def check(self, sha256: str) -> str | None:
        """None when the object is present with the right bytes, else ``"missing"`` or ``"altered"``."""
        path = self.path_for(sha256)
        if not path.is_file():
            return "missing"
        return None if hash_file(path) == sha256 else "altered"

    def all_names(self) -> set[str]:
        """Names of every object file present (staging area excluded)."""
        if not self.root.exists():
            return set()
        return {
            p.name
            for shard in self.root.iterdir()
            if shard.is_dir() and shard.name != self._staging.name
            for p in shard.iterdir()
            if p.is_file()
        }
