"""Sample documents for the demo and the tests: realistic invoice and receipt PDFs with their expected
fields, in tuning and held-out layouts, and broken files for error handling.

``scan_pdf(src, dst)`` (scanned copies, for OCR) is exported too when ``sandbox.samples.scans`` is present.
"""

from importlib.util import find_spec

from sandbox.samples.invoices import (
    HELDOUT_LAYOUTS,
    LAYOUTS,
    TUNING_LAYOUTS,
    Sample,
    generate_invoices,
    write_broken_pdfs,
)

__all__ = ["HELDOUT_LAYOUTS", "LAYOUTS", "TUNING_LAYOUTS", "Sample", "generate_invoices", "write_broken_pdfs"]

if find_spec("sandbox.samples.scans") is not None:  # written alongside the OCR reader
    from sandbox.samples.scans import scan_pdf  # noqa: F401

    __all__ += ["scan_pdf"]
