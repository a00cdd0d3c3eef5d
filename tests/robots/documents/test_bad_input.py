"""Bad input, bounded: every kind of file that is not a readable invoice gets its error code and a message
naming the file, quickly, and `extract` never raises; odd file names never break a message, the JSON or a
terminal."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest
from reportlab.lib import pdfencrypt
from reportlab.pdfgen.canvas import Canvas

from robots.documents import ERROR_CODES, ExtractResult, extract
from robots.documents import files as files_module
from robots.documents.files import DEFAULT_MAX_BYTES, display_name
from sandbox.samples import generate_invoices

ROOT = Path(__file__).resolve().parents[3]


def _long_pdf(path: Path, pages: int) -> Path:
    c = Canvas(str(path), pagesize=(30, 30), invariant=1)
    for n in range(pages):
        c.setFont("Helvetica", 6)
        c.drawString(3, 3, str(n + 1))
        c.showPage()
    c.save()
    return path


def _encrypted_pdf(path: Path, user_password: str) -> Path:
    encrypt = pdfencrypt.StandardEncryption(
        user_password, ownerPassword="owner-secret", canPrint=0, canCopy=0
    )
    c = Canvas(str(path), encrypt=encrypt, invariant=1)
    c.setFont("Helvetica", 12)
    c.drawString(72, 760, "INVOICE  No. 42  Total 11,000")
    c.showPage()
    c.save()
    return path


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_invoices(tmp_path_factory.mktemp("good"), count=1, seed=3)[0].path


def _assert_refused(result: ExtractResult, code: str, path: Path) -> None:
    assert result.error is not None, result
    assert result.error["code"] == code, result.error
    assert code in ERROR_CODES
    assert display_name(path) in result.error["message"]
    assert result.document_type is None and result.fields is None
    json.dumps(result.to_json_dict(), ensure_ascii=False).encode("utf-8")


def test_a_500_page_pdf_is_refused_in_well_under_a_second(tmp_path: Path) -> None:
    path = _long_pdf(tmp_path / "500ページ.pdf", 500)
    extract(_long_pdf(tmp_path / "warm-up.pdf", 51))  # imports, pdfium start-up
    start = time.perf_counter()
    result = extract(path)
    elapsed = time.perf_counter() - start
    _assert_refused(result, "pdf.too_many_pages", path)
    assert elapsed < 0.3, f"{elapsed:.2f} s"
    message = result.error["message"]
    assert "500 pages" in message and "more than 50 pages" in message and "max_pages" in message
    assert result.sha256 is not None
    assert extract(path, max_pages=500).error is None  # raising the limit reads it


def test_a_file_over_the_size_limit_is_refused_without_being_read(tmp_path: Path, sample: Path) -> None:
    huge = tmp_path / "huge.pdf"
    with huge.open("wb") as fh:  # sparse: 60 MB that take no disk and no time
        fh.write(b"%PDF-1.7\n")
        fh.truncate(60 * 1024 * 1024)
    start = time.perf_counter()
    result = extract(huge)
    assert time.perf_counter() - start < 0.1
    _assert_refused(result, "file.too_large", huge)
    assert "60 MB" in result.error["message"] and "50 MB" in result.error["message"]
    assert "max_bytes" in result.error["message"] and result.sha256 is None
    assert DEFAULT_MAX_BYTES == 50 * 1024 * 1024
    _assert_refused(extract(sample, max_bytes=1000), "file.too_large", sample)


def _corrupt(path: Path, *, with_eof: bool) -> Path:
    rng = random.Random(7)
    body = bytes(rng.randrange(256) for _ in range(4000))
    path.write_bytes(b"%PDF-1.7\n" + body + (b"\n%%EOF\n" if with_eof else b""))
    return path


def _truncated(path: Path, sample: Path) -> Path:
    data = sample.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    return path


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _loop(path: Path) -> Path:
    other = path.with_name("loop-b.pdf")
    path.symlink_to(other)
    other.symlink_to(path)
    return path


def _dangling(path: Path) -> Path:
    path.symlink_to(path.with_name("gone.pdf"))
    return path


def _folder(path: Path) -> Path:
    path.mkdir()
    return path


CASES = [
    ("encrypted.pdf", lambda p, s: _encrypted_pdf(p, "user-secret"), "pdf.encrypted"),
    ("corrupt.pdf", lambda p, s: _corrupt(p, with_eof=False), "pdf.corrupt"),
    ("corrupt-eof.pdf", lambda p, s: _corrupt(p, with_eof=True), "pdf.corrupt"),
    ("truncated.pdf", _truncated, "pdf.corrupt"),
    ("empty.pdf", lambda p, s: (p.write_bytes(b""), p)[1], "file.empty"),
    (
        "page.pdf",
        lambda p, s: (p.write_text("<!DOCTYPE html><html><body>請求書</body></html>"), p)[1],
        "pdf.not_a_pdf",
    ),
    ("folder.pdf", lambda p, s: _folder(p), "file.unsupported_type"),
    ("fifo.pdf", lambda p, s: _fifo(p), "file.unsupported_type"),
    ("loop-a.pdf", lambda p, s: _loop(p), "file.unreadable"),
    ("dangling.pdf", lambda p, s: _dangling(p), "file.not_found"),
    ("missing.pdf", lambda p, s: p, "file.not_found"),
]


@pytest.mark.timeout(20)
@pytest.mark.parametrize(("name", "make", "code"), CASES, ids=[c[0] for c in CASES])
def test_bad_files_get_their_code_and_a_message_naming_them(
    tmp_path: Path, sample: Path, name: str, make, code: str
) -> None:
    path = make(tmp_path / name, sample)
    start = time.perf_counter()
    result = extract(path)
    assert time.perf_counter() - start < 2
    _assert_refused(result, code, path)
    assert result.path == str(path)


def test_an_encrypted_pdf_that_opens_without_a_password_is_read(tmp_path: Path) -> None:
    """Decision: a PDF encrypted with an empty user password (copy/print restrictions only) is read like
    any other, and the encryption is recorded as an info finding."""
    result = extract(_encrypted_pdf(tmp_path / "restricted.pdf", ""))
    assert result.error is None and result.fields is not None
    [finding] = [f for f in result.findings if f.code == "pdf.encrypted_without_password"]
    assert finding.severity == "info" and "restricted.pdf" in finding.message


def test_a_file_that_cannot_be_opened_is_unreadable(tmp_path: Path, sample: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads every file")
    path = tmp_path / "secret.pdf"
    path.write_bytes(sample.read_bytes())
    path.chmod(0)
    _assert_refused(extract(path), "file.unreadable", path)


def test_a_crash_inside_the_reader_does_not_take_the_batch_down(
    sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> ExtractResult:
        raise IndexError("list index out of range")

    monkeypatch.setattr(files_module, "read_invoice_pdf_bytes", broken)
    result = extract(sample)
    _assert_refused(result, "pdf.reader_failed", sample)
    assert "IndexError" in result.error["message"]


# -- odd file names -------------------------------------------------------------------------------------
ODD_NAMES = [
    ("newline", "請求書\n2024.pdf", "請求書\\n2024.pdf"),
    ("escape", "\x1b[31mred\x1b[0m.pdf", "\\x1b[31mred\\x1b[0m.pdf"),
    ("slash-lookalike", "inbox\u2215..\u2215請求書.pdf", "inbox\\u2215..\\u2215請求書.pdf"),
    ("rtl-override", "invoice\u202efdp.exe", "invoice\\u202efdp.exe"),
    ("bell-and-tab", "a\x07\tb.pdf", "a\\x07\\tb.pdf"),
    ("dots", "..請求書..pdf", "..請求書..pdf"),
    ("leading-dash", "-rf 請求書.pdf", "-rf 請求書.pdf"),
]
_RAW_CONTROLS = [chr(c) for c in range(32)] + ["\x7f", "\u202e", "\u2215"]


@pytest.mark.parametrize(("label", "name", "shown"), ODD_NAMES, ids=[n[0] for n in ODD_NAMES])
def test_odd_names_are_escaped_in_messages(tmp_path: Path, label: str, name: str, shown: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"")
    result = extract(path)
    _assert_refused(result, "file.empty", path)
    assert display_name(path) == shown
    message = result.error["message"]
    assert message.startswith(shown)
    assert not any(ch in message for ch in _RAW_CONTROLS)
    assert result.path == str(path)  # the path itself stays exact; JSON escapes what it must
    assert json.loads(json.dumps(result.to_json_dict(), ensure_ascii=False))["path"] == str(path)


def test_a_250_character_name_is_shortened_in_messages(tmp_path: Path, sample: Path) -> None:
    name = "invoice_" + "x" * 238 + ".pdf"
    assert len(name) == 250
    path = tmp_path / name
    path.write_bytes(b"%PDF-1.7\nnot really")
    result = extract(path)
    _assert_refused(result, "pdf.corrupt", path)
    shown = display_name(path)
    assert (
        len(shown) == 120 and shown.startswith("invoice_xxx") and shown.endswith("xxx.pdf") and "…" in shown
    )
    good = tmp_path / ("y" * 246 + ".pdf")
    good.write_bytes(sample.read_bytes())
    assert extract(good).error is None
    too_long = tmp_path / ("請求書" * 100 + ".pdf")  # 904 bytes: no file system takes it
    _assert_refused(extract(too_long), "file.unreadable", too_long)
    assert "too long" in extract(too_long).error["message"]


def test_a_name_that_is_not_utf8_still_prints(tmp_path: Path) -> None:
    raw = os.fsencode(tmp_path) + b"/\xff\xfe-invoice.pdf"
    with open(raw, "wb"):
        pass
    path = Path(os.fsdecode(raw))
    result = extract(path)
    assert result.error is not None and result.error["code"] == "file.empty"
    assert "\\xff\\xfe-invoice.pdf" in result.error["message"]
    json.dumps(result.to_json_dict(), ensure_ascii=False).encode("utf-8")  # no lone surrogates left
    assert result.path.endswith("\\xff\\xfe-invoice.pdf")


def test_a_good_invoice_with_an_odd_name_reads_normally(tmp_path: Path, sample: Path) -> None:
    path = tmp_path / "請求書\n\x1b[31m.pdf"
    path.write_bytes(sample.read_bytes())
    result = extract(path)
    assert result.error is None and result.fields is not None and result.path == str(path)


# -- the command, as users run it -----------------------------------------------------------------------
@pytest.mark.timeout(120)
def test_kuroko_extract_json_over_a_mix_of_bad_files(tmp_path: Path, sample: Path) -> None:
    paths = [
        sample,
        _long_pdf(tmp_path / "long.pdf", 500),
        _encrypted_pdf(tmp_path / "locked.pdf", "pw"),
        _corrupt(tmp_path / "corrupt.pdf", with_eof=False),
        _folder(tmp_path / "folder.pdf"),
        _fifo(tmp_path / "fifo.pdf"),
        _loop(tmp_path / "loop-a.pdf"),
        tmp_path / "missing.pdf",
    ]
    odd = tmp_path / "odd\n\x1b[31m\u202e.pdf"
    odd.write_bytes(b"")
    paths.append(odd)
    proc = subprocess.run(
        [sys.executable, "-m", "flows.cli", "extract", *map(str, paths), "--json"],
        capture_output=True,
        text=True,
        timeout=100,
        cwd=ROOT,
    )
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    out = json.loads(proc.stdout)
    assert isinstance(out, list) and [o["path"] for o in out] == list(map(str, paths))
    assert out[0]["error"] is None and out[0]["fields"] is not None
    assert [o["error"]["code"] for o in out[1:]] == [
        "pdf.too_many_pages",
        "pdf.encrypted",
        "pdf.corrupt",
        "file.unsupported_type",
        "file.unsupported_type",
        "file.unreadable",
        "file.not_found",
        "file.empty",
    ]
    assert all(o["fields"] is None and o["document_type"] is None for o in out[1:])
    assert "\x1b" not in proc.stdout  # JSON escapes control characters in "path"
    assert "odd\\n\\x1b[31m\\u202e.pdf" in out[-1]["error"]["message"]
