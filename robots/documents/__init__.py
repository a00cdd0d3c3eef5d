"""Document readers: a file in, a typed record with confidences and findings out (document-schema.md).

Pure: no I/O beyond reading the given file (and, for templates, the templates folder). ``extract`` (PDFs)
and ``read_document`` (any supported file: PDFs, scans, Excel forms) never raise for bad input; the result's
``error`` says what is wrong, with a stable code.
"""

from pathlib import Path

from robots.documents.excel import EXCEL_SUFFIXES, FormResult, FormType, load_form_templates, read_form
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
    "EXCEL_SUFFIXES",
    "DocumentType",
    "ExtractResult",
    "FormResult",
    "FormType",
    "Finding",
    "Invoice",
    "InvoiceLine",
    "Severity",
    "TaxBucket",
    "extract",
    "load_form_templates",
    "read_document",
    "read_form",
    "read_invoice_pdf",
    "sha256_file",
]


def read_document(
    path: Path, *, templates_dir: Path | None = None, max_pages: int = DEFAULT_MAX_PAGES
) -> ExtractResult | FormResult:
    """Read any supported document: Excel forms (.xlsx/.xlsm, with the cell maps in
    ``templates_dir/forms``) by their labels, everything else as an invoice or receipt (PDF, scan, image,
    with the per-issuer templates in ``templates_dir/invoices``)."""
    path = Path(path)
    if path.suffix.lower() in EXCEL_SUFFIXES:
        forms = load_form_templates(templates_dir / "forms") if templates_dir else ()
        return read_form(path, templates=forms)
    invoices = templates_dir / "invoices" if templates_dir else None
    return extract(path, max_pages=max_pages, templates_dir=invoices)
