"""The checks on a file before any reader sees it, and the one entry point :func:`extract`.

Bad input never raises here: the result carries ``error = {"code", "message"}`` with ``document_type`` and
``fields`` left ``None``. Codes: ``file.not_found``, ``file.empty``, ``file.unsupported_type``,
``pdf.not_a_pdf``, ``pdf.encrypted``, ``pdf.corrupt``, ``pdf.no_text_layer``, ``pdf.too_many_pages``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from robots.documents.model import ExtractResult
from robots.documents.pdf_invoice import DEFAULT_MAX_PAGES, read_invoice_pdf_bytes

__all__ = ["ERROR_CODES", "extract", "sha256_file"]

ERROR_CODES: tuple[str, ...] = (
    "file.not_found",
    "file.empty",
    "file.unsupported_type",
    "pdf.not_a_pdf",
    "pdf.encrypted",
    "pdf.corrupt",
    "pdf.no_text_layer",
    "pdf.too_many_pages",
)

_CHUNK = 1 << 20
_IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".gif", ".bmp", ".heic", ".webp"}


def sha256_file(path: Path) -> str:
    """SHA-256 of the file's bytes, hex."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _failed(path: Path, code: str, message: str, sha256: str | None = None) -> ExtractResult:
    return ExtractResult(path=str(path), sha256=sha256, error={"code": code, "message": message})


def extract(path: Path, *, max_pages: int = DEFAULT_MAX_PAGES) -> ExtractResult:
    """Read one document file (today: invoice and receipt PDFs with a text layer).

    Never raises for bad input; see the module docstring for the error codes. ``max_pages`` is the
    longest PDF read automatically.
    """
    path = Path(path)
    name = path.name
    if not path.exists():
        return _failed(path, "file.not_found", f"{name}: there is no such file ({path}).")
    if not path.is_file():
        return _failed(path, "file.unsupported_type", f"{name}: this is a folder, not a document file.")
    try:
        data = path.read_bytes()
    except OSError as exc:
        return _failed(path, "file.not_found", f"{name}: the file cannot be opened ({exc.strerror or exc}).")
    digest = hashlib.sha256(data).hexdigest()
    if not data:
        return _failed(
            path,
            "file.empty",
            f"{name}: the file is empty (0 bytes); it was probably not saved or downloaded completely.",
            digest,
        )
    is_pdf = data[:1024].find(b"%PDF-") >= 0
    suffix = path.suffix.lower()
    if not is_pdf and suffix != ".pdf":
        if suffix in _IMAGE_SUFFIXES:
            reason = "it is an image; reading scans and photos needs OCR, which is coming later"
        else:
            reason = (
                f"only PDF documents are read for now, and this is a {suffix or 'file without extension'}"
            )
        return _failed(path, "file.unsupported_type", f"{name}: {reason}.", digest)
    return read_invoice_pdf_bytes(data, path, max_pages=max_pages)
