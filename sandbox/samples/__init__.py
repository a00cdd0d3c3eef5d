"""Sample documents for the demo and the tests: realistic invoice and receipt PDFs with their expected
fields, in tuning and held-out layouts, and broken files for error handling; contract batches (PDFs and the
Excel list naming them) for the contract_dispatch flow.

``scan_pdf(src, dst)`` (scanned copies, for OCR) is exported too when ``sandbox.samples.scans`` is present.
"""

from importlib.util import find_spec

from sandbox.samples.contracts import ContractBatch, ContractRow, generate_contract_batch, plan_contract_batch
from sandbox.samples.invoices import (
    HELDOUT_LAYOUTS,
    LAYOUTS,
    TUNING_LAYOUTS,
    Sample,
    generate_invoices,
    write_broken_pdfs,
)

__all__ = [
    "HELDOUT_LAYOUTS",
    "LAYOUTS",
    "TUNING_LAYOUTS",
    "ContractBatch",
    "ContractRow",
    "Sample",
    "generate_contract_batch",
    "generate_invoices",
    "plan_contract_batch",
    "write_broken_pdfs",
]

if find_spec("sandbox.samples.scans") is not None:  # written alongside the OCR reader
    from sandbox.samples.scans import scan_pdf  # noqa: F401

    __all__ += ["scan_pdf"]
