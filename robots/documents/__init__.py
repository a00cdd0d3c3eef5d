"""Document readers: a file in, a typed record with confidences and findings out (document-schema.md).

Pure: no I/O beyond reading the given file. ``extract`` never raises for bad input; the result's ``error``
says what is wrong, with a stable code.
"""

from robots.documents.files import ERROR_CODES, extract, sha256_file
from robots.documents.model import (
    DocumentType,
    ExtractResult,
    Finding,
    Invoice,
    InvoiceLine,
    Severity,
    TaxBucket,
)
from robots.documents.pdf_invoice import DEFAULT_MAX_PAGES, read_invoice_pdf

__all__ = [
    "DEFAULT_MAX_PAGES",
    "ERROR_CODES",
    "DocumentType",
    "ExtractResult",
    "Finding",
    "Invoice",
    "InvoiceLine",
    "Severity",
    "TaxBucket",
    "extract",
    "read_invoice_pdf",
    "sha256_file",
]
