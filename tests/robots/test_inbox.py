from __future__ import annotations

import hashlib
import json
from pathlib import Path

from robots.inbox import Outcome, file_away, fingerprint, list_inbox


def test_list_inbox_takes_pdfs_only_in_name_order(tmp_path: Path) -> None:
    for name in ["b.pdf", "A.PDF", "c.txt", ".hidden.pdf", "~lock.pdf"]:
        (tmp_path / name).write_bytes(b"%PDF")
    (tmp_path / "processed").mkdir()
    (tmp_path / "processed" / "old.pdf").write_bytes(b"%PDF")
    assert [p.name for p in list_inbox(tmp_path)] == ["A.PDF", "b.pdf"]
    assert list_inbox(tmp_path / "missing") == []


def test_fingerprint_is_sha256_and_size(tmp_path: Path) -> None:
    f = tmp_path / "x.pdf"
    f.write_bytes(b"x" * 3_000_000)
    fp = fingerprint(f)
    assert fp.sha256 == hashlib.sha256(b"x" * 3_000_000).hexdigest()
    assert fp.size == 3_000_000


def test_file_away_never_overwrites(tmp_path: Path) -> None:
    inbox = tmp_path
    first = inbox / "請求書.pdf"
    first.write_bytes(b"one")
    moved1 = file_away(first, inbox, Outcome.PROCESSED, sha256="a" * 64)
    second = inbox / "請求書.pdf"
    second.write_bytes(b"two")
    moved2 = file_away(second, inbox, Outcome.PROCESSED, sha256="b" * 64)
    assert moved1 == inbox / "processed" / "請求書.pdf"
    assert moved2 == inbox / "processed" / "請求書.bbbbbbbb.pdf"
    assert (moved1.read_bytes(), moved2.read_bytes()) == (b"one", b"two")
    assert not first.exists()


def test_file_away_failed_writes_reason_beside_the_file(tmp_path: Path) -> None:
    f = tmp_path / "broken.pdf"
    f.write_bytes(b"junk")
    moved = file_away(
        f,
        tmp_path,
        Outcome.FAILED,
        sha256="c" * 64,
        error={"code": "pdf.not_a_pdf", "message": "broken.pdf is not a PDF"},
        run_id="r1",
    )
    note = json.loads((tmp_path / "failed" / "broken.pdf.error.json").read_text(encoding="utf-8"))
    assert moved.read_bytes() == b"junk"
    assert (
        note["error"]["code"] == "pdf.not_a_pdf" and note["file"] == "broken.pdf" and note["run_id"] == "r1"
    )
