"""Fixed cell maps (``templates/forms/*.yaml``) for the forms whose labels are not enough: labels in a
picture or a text box, numbered boxes (①②③), values far from their labels.

A template names the form it fits (sheet title and/or texts that given cells must contain) and the cell of
each field it fixes; fields it does not name are still found by their labels. For a table it gives the
first row, optionally the last, and the column letter of each table field. Example:
``templates/forms/expense_report_yoshiki_e3.yaml``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from openpyxl.utils.cell import coordinate_to_tuple
from pydantic import BaseModel, ConfigDict, Field, model_validator

from robots.documents.excel._labels import label_key
from robots.documents.excel._workbook import Book, Sheet
from robots.documents.forms_model import (
    ExpenseLine,
    ExpenseReport,
    FormType,
    Onboarding,
    Timesheet,
    TimesheetDay,
)
from robots.settings import load_yaml_model

__all__ = ["FormTemplate", "load_form_templates", "match_template"]

_ADDRESS = re.compile(r"[A-Z]{1,3}[1-9]\d{0,6}")
_COLUMN = re.compile(r"[A-Z]{1,3}")

_SCALARS: dict[FormType, set[str]] = {
    FormType.EXPENSE_REPORT: set(ExpenseReport.model_fields) - {"lines"},
    FormType.ONBOARDING: (set(Onboarding.model_fields) - {"my_number_present"}) | {"name", "name_kana"},
    FormType.TIMESHEET: set(Timesheet.model_fields) - {"days"},
}
_COLUMNS: dict[FormType, set[str]] = {
    FormType.EXPENSE_REPORT: set(ExpenseLine.model_fields),
    FormType.TIMESHEET: set(TimesheetDay.model_fields) | {"remarks"},
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TemplateMatch(_Strict):
    sheet: str | None = None
    """The sheet's title, exactly; without it every sheet is tried."""
    cells: dict[str, str] = Field(default_factory=dict)
    """Cell address -> a text the cell must contain (compared after NFKC with spaces removed)."""


class TemplateTable(_Strict):
    first_row: int = Field(ge=1)
    last_row: int | None = Field(default=None, ge=1)
    columns: dict[str, str]
    """Table field -> column letter."""


class FormTemplate(_Strict):
    """One fixed cell map."""

    name: str
    document_type: Literal["expense_report", "onboarding", "timesheet"]
    match: TemplateMatch
    fields: dict[str, str] = Field(default_factory=dict)
    """Field -> cell address (``C4``). Onboarding also knows ``name`` and ``name_kana`` (both parts in one
    cell, split at the space)."""
    table: TemplateTable | None = None

    @model_validator(mode="after")
    def _known_names(self) -> FormTemplate:
        kind = FormType(self.document_type)
        if not self.match.sheet and not self.match.cells:
            raise ValueError("match needs a sheet title or at least one cell text")
        for address in [*self.fields.values(), *self.match.cells]:
            if not _ADDRESS.fullmatch(address):
                raise ValueError(f"{address!r} is not a cell address such as C4")
        unknown = set(self.fields) - _SCALARS[kind]
        if unknown:
            raise ValueError(f"unknown field(s) for {kind.value}: {', '.join(sorted(unknown))}")
        if self.table is not None:
            allowed = _COLUMNS.get(kind)
            if allowed is None:
                raise ValueError(f"a {kind.value} has no table")
            unknown = set(self.table.columns) - allowed
            if unknown:
                raise ValueError(f"unknown table column(s) for {kind.value}: {', '.join(sorted(unknown))}")
            for letter in self.table.columns.values():
                if not _COLUMN.fullmatch(letter):
                    raise ValueError(f"{letter!r} is not a column letter such as B")
        return self


def load_form_templates(directory: Path) -> list[FormTemplate]:
    """Every ``*.yaml`` template in ``directory`` (sorted by file name); none when it does not exist.

    Raises :class:`robots.errors.BusinessError` ``config.invalid`` naming the file and the offending key.
    """
    directory = Path(directory)
    if not directory.is_dir():
        return []
    return [load_yaml_model(path, FormTemplate) for path in sorted(directory.glob("*.yaml"))]


def _contains(sheet: Sheet, address: str, expected: str) -> bool:
    row, col = coordinate_to_tuple(address)
    return label_key(expected) in label_key(sheet.text(row, col))


def match_template(book: Book, templates: list[FormTemplate]) -> tuple[FormTemplate, Sheet] | None:
    """The first template that fits a sheet of the workbook, with that sheet."""
    for template in templates:
        for sheet in book.sheets:
            if template.match.sheet is not None and sheet.title != template.match.sheet:
                continue
            if all(_contains(sheet, address, text) for address, text in template.match.cells.items()):
                return template, sheet
    return None
