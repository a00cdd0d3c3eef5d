"""Sample documents for the demo and the tests: realistic invoice PDFs with their expected fields, and
broken files for error handling."""

from sandbox.samples.invoices import LAYOUTS, Sample, generate_invoices, write_broken_pdfs

__all__ = ["LAYOUTS", "Sample", "generate_invoices", "write_broken_pdfs"]
