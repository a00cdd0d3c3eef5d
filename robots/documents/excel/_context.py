"""What the three form readers share: reading a labelled field (or a template's fixed cell), turning
formula notes and value problems into findings, and the confidences.

Every finding message goes through :func:`robots.jp.redact_my_numbers` here, in one place: a personal number
typed into any cell can never reach a message.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils.cell import coordinate_to_tuple, get_column_letter

from robots.documents.excel._labels import LabelIndex
from robots.documents.excel._template import FormTemplate
from robots.documents.excel._values import ValueProblem, is_blank
from robots.documents.excel._workbook import Book, Cell, Sheet
from robots.documents.model import Finding, Severity
from robots.jp import redact_my_numbers

__all__ = ["Context", "Found"]

Parser = Callable[[Any, Cell | None], Any]


@dataclass(frozen=True, slots=True)
class Found:
    value: Any
    label: str  # the label key that led to it ("" for a template cell)
    row: int
    col: int
    confidence: float


@dataclass
class Context:
    """One reading of one sheet as one kind of form."""

    book: Book
    sheet: Sheet
    index: LabelIndex
    template: FormTemplate | None = None
    findings: list[Finding] = field(default_factory=list)
    confidence: dict[str, float] = field(default_factory=dict)
    excluded: set[tuple[int, int]] = field(default_factory=set)  # cells never taken as labels: table
    # headers, and values already read (給与形態's 月給 is not the label of 基本給)
    _computed: list[str] = field(default_factory=list)
    _noted: set[tuple[int, int]] = field(default_factory=set)

    # -- findings ---------------------------------------------------------------------------------
    def add(self, code: str, severity: Severity, message: str, field_name: str | None = None) -> None:
        self.findings.append(
            Finding(code=code, severity=severity, message=redact_my_numbers(message), field=field_name)
        )

    def where(self, row: int, col: int) -> str:
        row, col = self.sheet.anchor(row, col)
        return f"{self.sheet.title}!{get_column_letter(col)}{row}"

    def missing(self, name: str, label: str, severity: Severity = Severity.WARNING) -> None:
        self.add(
            "form.field_missing",
            severity,
            f"{label}が見つかりません ({name} not found on sheet {self.sheet.title!r})",
            name,
        )

    def problem(self, name: str, label: str, exc: ValueProblem, row: int, col: int) -> None:
        self.add(
            exc.code,
            Severity.WARNING,
            f"{label}を読み取れません ({self.where(row, col)}: {exc.reason})",
            name,
        )

    # -- cells ------------------------------------------------------------------------------------
    def value(self, row: int, col: int) -> Any:
        """A cell's value, recording when an uncached formula was computed or could not be."""
        value = self.sheet.value(row, col)
        anchor = self.sheet.anchor(row, col)
        note = self.book.note(self.sheet, row, col)
        if note is not None and anchor not in self._noted:
            self._noted.add(anchor)
            if note.reason is not None:
                self.add(
                    "xlsx.formula_not_evaluated",
                    Severity.WARNING,
                    f"{self.where(row, col)}: the formula {note.formula} has no saved result (the file "
                    f"was not calculated by Excel) and could not be computed here: {note.reason}. Open the "
                    "file in Excel, save it, and read it again.",
                )
            else:
                self._computed.append(self.where(row, col))
        return value

    def cell(self, row: int, col: int) -> Cell | None:
        return self.sheet.cell(row, col)

    def is_empty(self, row: int, col: int) -> bool:
        return self.sheet.is_empty(row, col)

    # -- fields -----------------------------------------------------------------------------------
    def field(
        self,
        name: str,
        labels: Sequence[str],
        parse: Parser,
        *,
        label: str,
        missing: Severity | None = Severity.WARNING,
        accepts: Callable[[str], bool] | None = None,
        record: bool = True,
    ) -> Found | None:
        """Read one field: from the template's fixed cell if it has one, else by its labels (first synonym
        first). Missing and unreadable values become findings; the confidence is recorded under ``name``."""
        found: Found | None = None
        failure: tuple[ValueProblem, int, int] | None = None
        address = self.template.fields.get(name) if self.template is not None else None
        if address is not None:
            row, col = coordinate_to_tuple(address)
            raw = self.value(row, col)
            if not is_blank(raw):
                try:
                    found = Found(parse(raw, self.cell(row, col)), "", row, col, 1.0)
                except ValueProblem as exc:
                    failure = (exc, row, col)
        else:
            for hit in self.index.hits(labels, accepts=accepts):
                if self.sheet.anchor(hit.label_row, hit.label_col) in self.excluded:
                    continue
                if hit.inline is not None:
                    raw, cell = hit.inline, None
                else:
                    raw, cell = self.value(hit.row, hit.col), self.cell(hit.row, hit.col)
                if is_blank(raw):
                    continue
                try:
                    value = parse(raw, cell)
                except ValueProblem as exc:
                    failure = failure or (exc, hit.row, hit.col)
                    continue
                confidence = (0.95 if hit.primary else 0.9) - (0.05 if hit.direction == "below" else 0.0)
                found = Found(value, hit.label, hit.row, hit.col, round(confidence, 2))
                break
        if found is not None and found.label:
            self.excluded.add(
                self.sheet.anchor(found.row, found.col)
            )  # a value is never another field's label
        if found is None:
            if failure is not None:
                self.problem(name, label, *failure)
            elif missing is not None:
                self.missing(name, label, missing)
        if record:
            self.confidence[name] = found.confidence if found else 0.0
        return found

    def finish(self) -> None:
        """Add the one summary finding for formulas computed here."""
        if self._computed:
            shown = ", ".join(self._computed[:6]) + (" ..." if len(self._computed) > 6 else "")
            self.add(
                "xlsx.formula_computed",
                Severity.INFO,
                f"{len(self._computed)} formula(s) had no saved result (the file was not calculated by "
                f"Excel) and were computed here: {shown}",
            )
