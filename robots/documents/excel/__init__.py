"""Excel forms (.xlsx, .xlsm): expense reports (経費精算書), onboarding forms (入社手続き) and monthly
timesheets (勤怠表), read by their labels rather than by fixed cells.

Pure: a path in, a :class:`FormResult` out; no I/O beyond reading the given file. ``read_form`` never
raises for bad input: the result's ``error`` says what is wrong, with a stable code (:data:`ERROR_CODES`).
Fixed cell maps (``templates/forms/*.yaml``) cover layouts whose labels are not enough; the caller loads
them once with :func:`load_form_templates` and passes them in.
"""

from robots.documents.excel._template import FormTemplate, load_form_templates
from robots.documents.excel._workbook import MAX_COLUMNS, MAX_FILE_BYTES, MAX_ROWS
from robots.documents.excel.reader import ERROR_CODES, EXCEL_SUFFIXES, read_form
from robots.documents.forms_model import (
    ExpenseLine,
    ExpenseReport,
    FormResult,
    FormType,
    Onboarding,
    Timesheet,
    TimesheetDay,
)

__all__ = [
    "ERROR_CODES",
    "EXCEL_SUFFIXES",
    "MAX_COLUMNS",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "ExpenseLine",
    "ExpenseReport",
    "FormResult",
    "FormTemplate",
    "FormType",
    "Onboarding",
    "Timesheet",
    "TimesheetDay",
    "load_form_templates",
    "read_form",
]
