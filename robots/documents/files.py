"""The checks on a file before any reader sees it, and the one entry point :func:`extract`.

Bad input never raises here: the result carries ``error = {"code", "message"}`` with ``document_type`` and
``fields`` left ``None``, and the message names the file (:func:`display_name`: control characters,
bidirectional marks and slash look-alikes escaped, long names shortened). Codes: ``file.not_found``,
``file.unreadable`` (permission denied, a symbolic-link loop, a name too long), ``file.empty``,
``file.too_large``, ``file.unsupported_type`` (a folder, a FIFO or device, not a PDF), ``pdf.not_a_pdf``,
``pdf.encrypted``, ``pdf.corrupt``, ``pdf.no_text_layer``, ``pdf.too_many_pages``, ``pdf.reader_failed``
(a bug in a reader; the batch goes on).

Bounds, all checked before the pages are parsed:

- ``max_bytes`` (default 50 MB): a larger file is refused from its size on disk, before it is read; at
  most ``max_bytes`` are ever read into memory.
- ``max_pages`` (default 50): pages are counted with pdfium (milliseconds, no page parsed); a longer PDF
  is refused, so a 500-page file costs nothing.
- ``time_budget_s`` (default 30 s): the generic reader (:mod:`robots.documents.pdf_invoice`) has no hook
  between pages, so it cannot be interrupted; its time is bounded by ``max_pages`` and ``max_bytes`` (about
  30 ms a page). What is left of the budget bounds the template pass, which checks the clock between
  pages; a read that overran the budget gets an ``extract.time_budget_exceeded`` warning and no template.

Only regular files are opened (checked with ``stat`` first, and with ``fstat`` on the open descriptor,
opened non-blocking), so a FIFO, a device or a symbolic-link loop never hangs a batch. A PDF encrypted
with an empty user password (copy/print restrictions only, common from accounting software) opens
without a password and is read normally, with a ``pdf.encrypted_without_password`` info finding.

After a successful generic read, the matching per-issuer template from ``templates_dir`` (default
``<settings.templates_dir>/invoices``) overrides the fields it defines (:mod:`robots.documents.templates`).
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import stat
import threading
import time
import unicodedata
from pathlib import Path

import pypdfium2 as pdfium

from robots.documents import ocr
from robots.documents.model import ExtractResult, Finding, Severity
from robots.documents.pdf_invoice import DEFAULT_MAX_PAGES, read_invoice_pdf_bytes
from robots.documents.templates import apply_templates, load_templates
from robots.errors import KurokoError

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_TIME_BUDGET_S",
    "ERROR_CODES",
    "display_name",
    "extract",
    "sha256_file",
]

ERROR_CODES: tuple[str, ...] = (
    "file.not_found",
    "file.unreadable",
    "file.empty",
    "file.too_large",
    "file.unsupported_type",
    "pdf.not_a_pdf",
    "pdf.encrypted",
    "pdf.corrupt",
    "pdf.no_text_layer",
    "pdf.too_many_pages",
    "pdf.reader_failed",
)

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DEFAULT_TIME_BUDGET_S = 30.0

_log = logging.getLogger(__name__)
_CHUNK = 1 << 20
_IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".gif", ".bmp", ".heic", ".webp"}
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
_PDFIUM_LOCK = threading.Lock()  # pdfium is not thread-safe (Prefect tasks may run in threads)


def sha256_file(path: Path) -> str:
    """SHA-256 of the file's bytes, hex."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# -- names safe to print --------------------------------------------------------------------------------
_SLASH_LOOKALIKES = frozenset("\u2215\u2044\u29f8\u2216\u29f5\u29f9")  # ∕ ⁄ ⧸ ∖ ⧵ ⧹
_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_MAX_SHOWN = 120


def _escaped_pieces(text: str) -> list[str]:
    pieces = []
    for ch in text:
        category = unicodedata.category(ch)
        cp = ord(ch)
        if ch in _NAMED_ESCAPES:
            pieces.append(_NAMED_ESCAPES[ch])
        elif 0xDC80 <= cp <= 0xDCFF:  # a byte that was not UTF-8 (os.fsdecode's surrogateescape)
            pieces.append(f"\\x{cp - 0xDC00:02x}")
        elif category in ("Cc", "Cf", "Cs", "Zl", "Zp", "Cn") or ch in _SLASH_LOOKALIKES:
            pieces.append(
                f"\\x{cp:02x}" if cp < 0x100 else f"\\u{cp:04x}" if cp < 0x10000 else f"\\U{cp:08x}"
            )
        else:
            pieces.append(ch)
    return pieces


def _escape(text: str, limit: int = _MAX_SHOWN) -> str:
    pieces = _escaped_pieces(text)
    if len(pieces) > limit:
        tail = max(limit // 4, 1)
        pieces = [*pieces[: limit - tail - 1], "…", *pieces[-tail:]]
    return "".join(pieces)


def display_name(path: Path | str, *, limit: int = _MAX_SHOWN) -> str:
    """The file's name as it is safe to print in a message, a table, a terminal or a log line.

    Control characters (newline, ESC …), bidirectional and other format marks, undecodable bytes and
    slash look-alikes (U+2215 …) are shown as escapes (``\\n``, ``\\x1b``, ``\\u202e``); names longer than
    ``limit`` characters keep their start and their end (with the extension) around an ellipsis. The
    result is for people: it does not name the file on disk.
    """
    return _escape(Path(path).name or str(path), limit)


def _encodable(text: str) -> str:
    """``text`` without lone surrogates (undecodable bytes of a file name), which no UTF-8 output accepts."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        try:
            return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        except UnicodeEncodeError:
            return text.encode("utf-8", "backslashreplace").decode("utf-8")


# -- the file -------------------------------------------------------------------------------------------
def _failed(path: Path, code: str, message: str, sha256: str | None = None) -> ExtractResult:
    return ExtractResult(path=str(path), sha256=sha256, error={"code": code, "message": message})


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "a symbolic link that leads back to itself (too many levels of links)"
    if exc.errno == errno.ENAMETOOLONG:
        return "the name is too long for the file system"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    return exc.strerror or type(exc).__name__


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _read_file(path: Path, shown: str, max_bytes: int) -> bytes | ExtractResult:
    """The file's bytes, or the refusal: stat first, never open anything but a regular file, never read
    more than ``max_bytes``."""
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        if os.path.islink(path):
            return _failed(path, "file.not_found", f"{shown}: this is a link to a file that does not exist.")
        return _failed(path, "file.not_found", f"{shown}: there is no such file ({_escape(str(path))}).")
    except OSError as exc:
        return _failed(path, "file.unreadable", f"{shown}: the file cannot be opened ({_reason(exc)}).")
    except ValueError:  # a NUL character in the name
        return _failed(path, "file.unreadable", f"{shown}: the name contains a NUL character.")
    if stat.S_ISDIR(st.st_mode):
        return _failed(path, "file.unsupported_type", f"{shown}: this is a folder, not a document file.")
    if not stat.S_ISREG(st.st_mode):
        return _failed(
            path,
            "file.unsupported_type",
            f"{shown}: this is {_kind(st.st_mode)}, not a document file; only files are read.",
        )
    if st.st_size > max_bytes:
        return _too_large(path, shown, st.st_size, max_bytes)
    try:
        fd = os.open(path, _OPEN_FLAGS)
        with os.fdopen(fd, "rb") as fh:
            mode = os.fstat(fh.fileno()).st_mode
            if not stat.S_ISREG(mode):  # replaced between the two checks
                return _failed(
                    path, "file.unsupported_type", f"{shown}: this is {_kind(mode)}, not a document file."
                )
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        return _failed(path, "file.unreadable", f"{shown}: the file cannot be read ({_reason(exc)}).")
    if len(data) > max_bytes:  # it grew after the stat
        return _too_large(path, shown, len(data), max_bytes)
    return data


def _megabytes(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB" if n % 1_048_576 else f"{n // 1_048_576} MB"


def _too_large(path: Path, shown: str, size: int, max_bytes: int) -> ExtractResult:
    return _failed(
        path,
        "file.too_large",
        f"{shown}: the file is {_megabytes(size)}; files larger than {_megabytes(max_bytes)} are not read "
        "automatically (raise the limit max_bytes to read it).",
    )


def _encrypted(path: Path, shown: str, digest: str) -> ExtractResult:
    return _failed(
        path,
        "pdf.encrypted",
        f"{shown}: the PDF is protected by a password, so it cannot be read. "
        "Save a copy without the password and put that in the inbox.",
        digest,
    )


def _preflight(data: bytes, path: Path, shown: str, digest: str, max_pages: int) -> ExtractResult | bool:
    """Count the pages with pdfium before anything parses them; refuse a PDF that needs a password or has
    too many pages. Returns the refusal, else whether the PDF is encrypted (with an empty password).

    A file pdfium cannot open for another reason goes on to the reader, whose messages for truncated and
    damaged files are more specific (and whose own page check still applies)."""
    with _PDFIUM_LOCK:
        try:
            doc = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            if getattr(exc, "err_code", None) in (pdfium.raw.FPDF_ERR_PASSWORD, pdfium.raw.FPDF_ERR_SECURITY):
                return _encrypted(path, shown, digest)
            return False
        except Exception:  # noqa: BLE001 - whatever pdfium makes of it, the reader decides
            return False
        try:
            pages = len(doc)
            encrypted = pdfium.raw.FPDF_GetSecurityHandlerRevision(doc.raw) != -1
        finally:
            doc.close()
    if pages > max_pages:
        return _failed(
            path,
            "pdf.too_many_pages",
            f"{shown}: the PDF has {pages} pages; documents of more than {max_pages} "
            f"page{'s' if max_pages != 1 else ''} are not read automatically. Split it, or raise the page "
            f"limit (max_pages, now {max_pages}) to read it.",
            digest,
        )
    return encrypted


# -- the one entry point --------------------------------------------------------------------------------
def extract(
    path: Path,
    *,
    max_pages: int = DEFAULT_MAX_PAGES,
    max_bytes: int = DEFAULT_MAX_BYTES,
    time_budget_s: float = DEFAULT_TIME_BUDGET_S,
    templates_dir: Path | None = None,
    use_templates: bool = True,
) -> ExtractResult:
    """Read one invoice or receipt file: a PDF (text layer, or a scan through OCR) or an image.

    Never raises; see the module docstring for the error codes and the bounds. ``max_pages`` is the
    longest PDF read automatically, ``max_bytes`` the largest file, ``time_budget_s`` the time per file.
    ``templates_dir`` holds the per-issuer templates (default ``<settings.templates_dir>/invoices``);
    ``use_templates=False`` gives the generic reader's result alone.
    """
    started = time.monotonic()
    path = Path(path)
    shown = display_name(path)
    try:
        result, data = _extract(path, shown, max_pages=max_pages, max_bytes=max_bytes)
        if use_templates and data is not None and result.ok and result.fields and not result.fields.needs_ocr:
            remaining = time_budget_s - (time.monotonic() - started)
            result = _with_templates(result, data, max_pages, remaining, templates_dir)
    except Exception as exc:  # noqa: BLE001 - a reader's bug must not take the batch down
        _log.debug("reading %s failed", shown, exc_info=True)
        result = _failed(
            path,
            "pdf.reader_failed",
            f"{shown}: Kuroko could not read this file because of an error of its own "
            f"({type(exc).__name__}); please report it with the file.",
        )
    return _printable(result, path, shown)


def _extract(path: Path, shown: str, *, max_pages: int, max_bytes: int) -> tuple[ExtractResult, bytes | None]:
    """The generic read, and the file's bytes when it got that far."""
    data = _read_file(path, shown, max_bytes)
    if isinstance(data, ExtractResult):
        return data, None
    digest = hashlib.sha256(data).hexdigest()
    if not data:
        message = f"{shown}: the file is empty (0 bytes); it was probably not saved or downloaded completely."
        return _failed(path, "file.empty", message, digest), None
    is_pdf = data[:1024].find(b"%PDF-") >= 0
    suffix = path.suffix.lower()
    if not is_pdf and suffix != ".pdf":
        if suffix in _IMAGE_SUFFIXES:
            if ocr.ocr_available():  # a scan or photo saved as an image: the same OCR path as scanned PDFs
                scanned = ocr.read_scanned_invoice(data, path, max_pages=max_pages, pdfium_lock=_PDFIUM_LOCK)
                return scanned, data
            reason = f"it is an image; {ocr.OCR_SETUP_HINT}"
        else:
            kind = _escape(suffix, 20) or "file without extension"
            reason = f"only PDF documents are read for now, and this is a {kind}"
        return _failed(path, "file.unsupported_type", f"{shown}: {reason}.", digest), None
    encrypted = False
    if is_pdf:
        checked = _preflight(data, path, shown, digest, max_pages)
        if isinstance(checked, ExtractResult):
            return checked, None
        encrypted = checked
    result = read_invoice_pdf_bytes(data, path, max_pages=max_pages)
    if result.error is not None and result.error.get("code") == "pdf.no_text_layer":
        if ocr.ocr_available():  # a scan: OCR it (bounded by max_pages and ocr.DEFAULT_TIME_BUDGET)
            result = ocr.read_scanned_invoice(data, path, max_pages=max_pages, pdfium_lock=_PDFIUM_LOCK)
        else:
            result.error["message"] = f"{shown}: this PDF is a scan (no text layer); {ocr.OCR_SETUP_HINT}."
    if encrypted and result.ok:
        result.findings.append(
            Finding(
                code="pdf.encrypted_without_password",
                severity=Severity.INFO,
                message=f"{shown}: the PDF is encrypted but opens without a password "
                "(copy/print restrictions only); it was read normally.",
            )
        )
    return result, data


def _with_templates(
    result: ExtractResult, data: bytes, max_pages: int, remaining_s: float, templates_dir: Path | None
) -> ExtractResult:
    if remaining_s <= 0:
        return _add(
            result,
            Finding(
                code="extract.time_budget_exceeded",
                severity=Severity.WARNING,
                message="reading took longer than the time budget (time_budget_s); no template applied",
            ),
        )
    if templates_dir is None:
        from robots.settings import load_settings

        templates_dir = load_settings().templates_dir / "invoices"
    try:
        templates = load_templates(templates_dir)
    except KurokoError as exc:
        return _add(
            result,
            Finding(
                code="template.invalid", severity=Severity.WARNING, message=f"{exc.message}; no template used"
            ),
        )
    try:
        return apply_templates(templates, data, result, max_pages=max_pages, time_budget_s=remaining_s)
    except Exception as exc:  # noqa: BLE001 - a template's trouble leaves the generic result standing
        _log.debug("applying templates failed", exc_info=True)
        return _add(
            result,
            Finding(
                code="template.failed",
                severity=Severity.WARNING,
                message=f"a template could not be applied ({type(exc).__name__}: {exc}); generic values kept",
            ),
        )


def _add(result: ExtractResult, finding: Finding) -> ExtractResult:
    return result.model_copy(update={"findings": [*result.findings, finding]})


def _printable(result: ExtractResult, path: Path, shown: str) -> ExtractResult:
    """Messages that name the file by its printable name, and a ``path`` any UTF-8 output accepts."""
    name = path.name

    def fix(message: str) -> str:
        if name and name != shown:
            message = message.replace(name, shown)
        return "".join(
            _escape(ch, 10) if unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp") else ch for ch in message
        )

    error = (
        None
        if result.error is None
        else {**result.error, "message": fix(str(result.error.get("message", "")))}
    )
    findings = [f.model_copy(update={"message": fix(f.message)}) for f in result.findings]
    return result.model_copy(update={"path": _encodable(str(path)), "findings": findings, "error": error})
