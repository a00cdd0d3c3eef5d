"""Per-issuer invoice templates (``templates/invoices/*.yaml``) for layouts the generic reader gets wrong.

A template names the issuer it fits (registration numbers and/or keywords that must all appear in the
text) and, field by field, where a value is: next to a label (``anchor`` + ``direction``), inside a box
(``region``), or wherever a regular expression finds it (``pattern``); optionally the line-item table (header
regexes per column, a stop regex, rate markers) and the tax-inclusive flag. The generic reader runs first;
a matching template then overrides only the fields it names, and only where it finds a value: a field it
cannot find keeps the generic value and gets a ``template.field_not_found`` warning. The format, with a
worked example, is in ``templates/README.md``.

Every text a template sees went through :func:`robots.jp.normalize_text` (NFKC: full-width letters and
digits are ASCII, ``㈱`` is ``(株)``); words on a line are joined by one space, lines by ``\\n``.
Coordinates are PDF points (1/72 inch) from the top-left corner of the page, as pdfplumber gives them.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pdfplumber
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from robots.documents.model import ExtractResult, Finding, Invoice, InvoiceLine, Severity
from robots.jp import (
    REGISTRATION_RE,
    AmountParseError,
    DateParseError,
    PartyNameError,
    RegistrationCheck,
    RegistrationNumberError,
    check_registration_number,
    collapse_spaces,
    find_amounts,
    find_date,
    normalize_party,
    normalize_registration_number,
    normalize_text,
    parse_amount,
    parse_date,
)
from robots.settings import load_yaml_model

__all__ = [
    "TEMPLATE_CONFIDENCE",
    "FieldRule",
    "InvoiceTemplate",
    "LinesRule",
    "Region",
    "TableColumns",
    "TemplateMatch",
    "apply_template",
    "apply_templates",
    "check_template",
    "load_templates",
    "match_template",
    "template_check_command",
]

TEMPLATE_CONFIDENCE = 0.95
"""Confidence of a value a template found (the generic reader's labelled values get 1.0)."""

FieldName = Literal[
    "issuer", "registration_number", "invoice_number", "issue_date", "due_date", "recipient", "total"
]
ParseKind = Literal["date", "amount", "text", "registration_number", "party"]

_DEFAULT_PARSE: dict[str, ParseKind] = {
    "issuer": "party",
    "recipient": "party",
    "registration_number": "registration_number",
    "invoice_number": "text",
    "issue_date": "date",
    "due_date": "date",
    "total": "amount",
}
_ALLOWED_PARSE: dict[str, set[str]] = {
    "issuer": {"party", "text"},
    "recipient": {"party", "text"},
    "registration_number": {"registration_number"},
    "invoice_number": {"text"},
    "issue_date": {"date"},
    "due_date": {"date"},
    "total": {"amount"},
}
_DEFAULT_DISTANCE = {"right": 200.0, "below": 50.0}
_MM = 72 / 25.4
_SEPARATORS = " :：#＃"
_GENERIC_CODES = ("extract.", "registration_number.")
_SEGMENT_GAP = 1.5  # a gap wider than this many text heights ends a cell


def _compile(pattern: str, what: str, *, max_groups: int | None = None) -> re.Pattern[str]:
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"{what} {pattern!r} is not a valid regular expression ({exc})") from exc
    if max_groups is not None and compiled.groups > max_groups:
        raise ValueError(f"{what} {pattern!r} has {compiled.groups} groups; use at most {max_groups}")
    return compiled


# -- the YAML format ------------------------------------------------------------------------------------
class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Region(_Strict):
    """A box on one page; a word belongs to it when the word's centre is inside."""

    page: int = 0
    """0 is the first page, -1 the last."""
    bbox: tuple[float, float, float, float]
    """x0, top, x1, bottom, measured from the top-left corner of the page."""
    unit: Literal["pt", "mm", "fraction"] = "pt"
    """``pt`` (1/72 inch, what pdfplumber prints), ``mm``, or ``fraction`` of the page's width/height."""

    @model_validator(mode="after")
    def _sane_box(self) -> Region:
        x0, top, x1, bottom = self.bbox
        if min(self.bbox) < 0:
            raise ValueError("bbox values cannot be negative")
        if not (x0 < x1 and top < bottom):
            raise ValueError("bbox is x0, top, x1, bottom with x0 < x1 and top < bottom")
        if self.unit == "fraction" and max(self.bbox) > 1:
            raise ValueError("with unit: fraction every bbox value is between 0 and 1")
        if self.unit == "pt" and max(self.bbox) <= 1:
            raise ValueError("bbox values are all <= 1 pt; write unit: fraction for fractions of the page")
        return self

    def box(self, width: float, height: float) -> tuple[float, float, float, float]:
        x0, top, x1, bottom = self.bbox
        if self.unit == "fraction":
            return x0 * width, top * height, x1 * width, bottom * height
        scale = _MM if self.unit == "mm" else 1.0
        return x0 * scale, top * scale, x1 * scale, bottom * scale


class FieldRule(_Strict):
    """Where one field is: ``anchor`` (a label) or ``region`` (a box) or neither, optionally with a
    ``pattern`` that picks the value out of the text found (alone: out of the whole page text)."""

    anchor: str | None = None
    """A regular expression for the label, searched in each line's text."""
    direction: Literal["right", "below"] | None = None
    """With ``anchor``: the value is right of the label on its line (default), or under it."""
    max_distance: float | None = Field(default=None, gt=0)
    """With ``anchor``: how far (pt) from the label the value may start; default 200 right, 50 below."""
    region: Region | None = None
    pattern: str | None = None
    """A regular expression with at most one group: the group (else the whole match) is the value."""
    parse: ParseKind | None = None
    """How the text becomes a value; by default what the field needs (dates ``date``, total ``amount`` …)."""
    date_format: str | None = None
    """With ``parse: date``: a ``strptime`` format for dates the Japanese date parser does not know."""

    @model_validator(mode="after")
    def _one_way(self) -> FieldRule:
        if self.anchor is not None and self.region is not None:
            raise ValueError("give either anchor or region, not both")
        if self.anchor is None and self.region is None and self.pattern is None:
            raise ValueError("give an anchor, a region or a pattern")
        if self.anchor is None and (self.direction is not None or self.max_distance is not None):
            raise ValueError("direction and max_distance go with an anchor")
        if self.anchor is not None:
            _compile(self.anchor, "anchor")
        if self.pattern is not None:
            _compile(self.pattern, "pattern", max_groups=1)
        return self


class TableColumns(_Strict):
    """A regular expression for the header text of each column (searched in the header's cells)."""

    description: str
    amount: str
    quantity: str | None = None
    unit_price: str | None = None
    rate: str | None = None

    @model_validator(mode="after")
    def _regexes(self) -> TableColumns:
        for name, pattern in self.model_dump().items():
            if pattern is not None:
                _compile(pattern, f"columns.{name}")
        return self


class LinesRule(_Strict):
    """The line-item table: found by its header row, read until a line matches ``stop``."""

    columns: TableColumns
    ignore: list[str] = Field(default_factory=list)
    """Header regexes of columns to leave out (No., 納品日 …), so their cells do not run into others."""
    stop: str | None = None
    """A regular expression for the first line after the table (小計, 合計 …)."""
    rate_markers: dict[str, int] = Field(default_factory=dict)
    """Marks that set a line's rate (``"※": 8``); removed from the description."""
    default_rate: int = 10
    """The rate of a line with no rate column value and no marker."""

    @model_validator(mode="after")
    def _regexes(self) -> LinesRule:
        for pattern in self.ignore:
            _compile(pattern, "ignore")
        if self.stop is not None:
            _compile(self.stop, "stop")
        for mark, rate in self.rate_markers.items():
            if not mark or rate < 0 or rate > 100:
                raise ValueError(f"rate_markers: {mark!r}: {rate} is not a tax rate in %")
        return self


class TemplateMatch(_Strict):
    """Which documents a template fits: registration number and/or keywords (all must hold)."""

    registration_numbers: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    """Texts that must all appear in the document (compared after NFKC, ignoring whitespace)."""

    @field_validator("registration_numbers")
    @classmethod
    def _normalized(cls, value: list[str]) -> list[str]:
        out = []
        for number in value:
            try:
                out.append(normalize_registration_number(number))
            except RegistrationNumberError as exc:
                raise ValueError(str(exc)) from exc
        return out

    @field_validator("keywords")
    @classmethod
    def _no_blank_keywords(cls, value: list[str]) -> list[str]:
        if any(not _compact(k) for k in value):
            raise ValueError("a keyword cannot be blank")
        return value

    @model_validator(mode="after")
    def _something(self) -> TemplateMatch:
        if not self.registration_numbers and not self.keywords:
            raise ValueError("match needs registration_numbers or keywords")
        return self


class InvoiceTemplate(_Strict):
    """One issuer's template (one YAML file under ``templates/invoices/``)."""

    name: str
    match: TemplateMatch
    fields: dict[FieldName, FieldRule] = Field(default_factory=dict)
    lines: LinesRule | None = None
    tax_inclusive_pricing: bool | None = None
    """true/false overrides the generic reader's 内税/外税 decision; null (default) keeps it."""
    _source: Path | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _parse_fits_field(self) -> InvoiceTemplate:
        for name, rule in self.fields.items():
            kind = rule.parse or _DEFAULT_PARSE[name]
            if kind not in _ALLOWED_PARSE[name]:
                allowed = ", ".join(sorted(_ALLOWED_PARSE[name]))
                raise ValueError(f"fields.{name}: parse {kind} does not fit this field (use {allowed})")
            if rule.date_format is not None and kind != "date":
                raise ValueError(f"fields.{name}: date_format goes with parse: date")
        if not self.fields and self.lines is None and self.tax_inclusive_pricing is None:
            raise ValueError("the template defines no fields, no lines and no tax_inclusive_pricing")
        return self

    @property
    def source(self) -> Path | None:
        """The YAML file the template was loaded from."""
        return self._source

    def overridden(self) -> list[str]:
        """The names of the fields this template can override."""
        names: list[str] = list(self.fields)
        if self.lines is not None:
            names.append("lines")
        if self.tax_inclusive_pricing is not None:
            names.append("tax_inclusive_pricing")
        return names


def _load_one(path: Path) -> InvoiceTemplate:
    template = load_yaml_model(path, InvoiceTemplate)
    template._source = path
    return template


_CACHE: dict[Path, tuple[tuple[tuple[str, int, int], ...], list[InvoiceTemplate]]] = {}


def load_templates(directory: Path) -> list[InvoiceTemplate]:
    """Every ``*.yaml`` template in ``directory``, sorted by file name; none when it does not exist.

    Cached per directory until a file is added, removed or changed (name, mtime, size). Raises
    :class:`robots.errors.BusinessError` ``config.invalid`` naming the file and the offending key.
    """
    directory = Path(directory)
    try:
        entries = sorted(
            (e.name, e.stat().st_mtime_ns, e.stat().st_size)
            for e in os.scandir(directory)
            if e.name.endswith((".yaml", ".yml")) and e.is_file()
        )
    except (FileNotFoundError, NotADirectoryError):
        return []
    key = directory.resolve()
    stamp = tuple(entries)
    cached = _CACHE.get(key)
    if cached is not None and cached[0] == stamp:
        return list(cached[1])
    templates = [_load_one(directory / name) for name, _, _ in entries]
    _CACHE[key] = (stamp, templates)
    return list(templates)


# -- matching -------------------------------------------------------------------------------------------
def _compact(text: str) -> str:
    return re.sub(r"\s+", "", normalize_text(text))


def _fits(template: InvoiceTemplate, compact_text: str, registration_number: str | None) -> bool:
    wanted = template.match.registration_numbers
    if wanted:
        if registration_number is not None and registration_number not in wanted:
            return False
        if registration_number is None and not any(n in compact_text for n in wanted):
            return False
    return all(_compact(k) in compact_text for k in template.match.keywords)


def match_template(
    templates: Sequence[InvoiceTemplate], text: str, registration_number: str | None
) -> InvoiceTemplate | None:
    """The template that fits a document, given its text and the registration number the generic reader
    found (or None).

    A template fits when the registration number is one of its ``registration_numbers`` (or, when the
    reader missed it, appears in the text) and every keyword appears in the text; a template gives
    registration numbers, keywords or both, and all it gives must hold. When several fit, one matched by
    registration number wins over one matched by keywords only; then the order of ``templates``.
    """
    compact = _compact(text)
    number: str | None = None
    if registration_number:
        try:
            number = normalize_registration_number(registration_number)
        except RegistrationNumberError:
            number = None
    fitting = [t for t in templates if _fits(t, compact, number)]
    if not fitting:
        return None
    return min(fitting, key=lambda t: 0 if t.match.registration_numbers else 1)


# -- the document, as words with positions --------------------------------------------------------------
class _TimeBudgetExceeded(Exception):
    """Reading the pages for a template took longer than the time left for the file."""


@dataclass(slots=True)
class _Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(slots=True)
class _Line:
    words: list[_Word]
    text: str = ""
    starts: list[int] = field(default_factory=list)  # offset of each word in text

    def __post_init__(self) -> None:
        offset = 0
        for w in self.words:
            self.starts.append(offset)
            offset += len(w.text) + 1
        self.text = " ".join(w.text for w in self.words)

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    def word_at(self, offset: int) -> int:
        """Index of the word holding character ``offset`` of ``text`` (a space belongs to the next word)."""
        index = 0
        for i, start in enumerate(self.starts):
            if start <= offset:
                index = i
        return index

    def segments(self) -> list[list[_Word]]:
        """The words split at wide gaps: cells, labels with their values."""
        out: list[list[_Word]] = [[self.words[0]]]
        for prev, w in zip(self.words, self.words[1:], strict=False):
            if w.x0 - prev.x1 > _SEGMENT_GAP * max(prev.height, w.height):
                out.append([w])
            else:
                out[-1].append(w)
        return out


@dataclass(slots=True)
class _Page:
    index: int
    width: float
    height: float
    lines: list[_Line]
    rulings: list[tuple[float, float, float]] = field(default_factory=list)  # vertical lines: x, top, bottom

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


@dataclass(slots=True)
class _Document:
    pages: list[_Page]

    @property
    def text(self) -> str:
        return "\n".join(page.text for page in self.pages)


def _group_lines(words: list[_Word]) -> list[_Line]:
    """Words into lines by vertical overlap, each line left to right, lines top to bottom."""
    groups: list[tuple[list[_Word], list[float]]] = []
    for w in sorted(words, key=lambda w: (w.top, w.x0)):
        for members, span in reversed(groups[-4:]):
            overlap = min(span[1], w.bottom) - max(span[0], w.top)
            if overlap >= 0.5 * min(w.height, span[1] - span[0]):
                members.append(w)
                span[0], span[1] = min(span[0], w.top), max(span[1], w.bottom)
                break
        else:
            groups.append(([w], [w.top, w.bottom]))
    groups.sort(key=lambda g: g[1][0])
    return [_Line(sorted(members, key=lambda w: w.x0)) for members, _ in groups]


def _read_document(source: bytes | Path, *, max_pages: int | None, deadline: float | None) -> _Document:
    stream: Any = io.BytesIO(source) if isinstance(source, bytes) else Path(source)
    pages: list[_Page] = []
    with pdfplumber.open(stream) as pdf:
        for index, page in enumerate(pdf.pages):
            if max_pages is not None and index >= max_pages:
                break
            if deadline is not None and time.monotonic() > deadline:
                raise _TimeBudgetExceeded(f"stopped before page {index + 1}")
            words = []
            for raw in page.extract_words(keep_blank_chars=False, use_text_flow=False):
                text = normalize_text(raw["text"]).strip()
                if text:
                    words.append(
                        _Word(
                            text, float(raw["x0"]), float(raw["x1"]), float(raw["top"]), float(raw["bottom"])
                        )
                    )
            rulings = [
                (float(e["x0"]), float(e["top"]), float(e["bottom"]))
                for e in page.vertical_edges
                if float(e["bottom"]) - float(e["top"]) > 3
            ]
            pages.append(_Page(index, float(page.width), float(page.height), _group_lines(words), rulings))
            page.close()
    return _Document(pages)


# -- finding one field ----------------------------------------------------------------------------------
def _anchor_candidates(rule: FieldRule, doc: _Document) -> Iterator[str]:
    """Texts next to each occurrence of the label, in reading order."""
    assert rule.anchor is not None
    label = re.compile(rule.anchor)
    direction = rule.direction or "right"
    limit = rule.max_distance or _DEFAULT_DISTANCE[direction]
    for page in doc.pages:
        for li, line in enumerate(page.lines):
            for m in label.finditer(line.text):
                if m.end() == m.start():
                    continue
                first, last = line.word_at(m.start()), line.word_at(m.end() - 1)
                label_words = line.words[first : last + 1]
                x0, x1 = label_words[0].x0, label_words[-1].x1
                bottom = max(w.bottom for w in label_words)
                height = max(w.height for w in label_words)
                if direction == "right":
                    end_of_word = line.starts[last] + len(line.words[last].text)
                    rest = line.text[m.end() : end_of_word].strip(_SEPARATORS)
                    parts = [rest] if rest else []
                    prev_x1 = x1
                    for w in line.words[last + 1 :]:
                        if w.x0 - x1 > limit:
                            break
                        if parts and w.x0 - prev_x1 > _SEGMENT_GAP * max(height, w.height):
                            break  # the next cell
                        parts.append(w.text)
                        prev_x1 = w.x1
                    if parts:
                        yield " ".join(parts)
                    continue
                for other in page.lines[li + 1 :]:
                    if other.top < bottom - 1:
                        continue  # overlaps the label's line
                    if other.top - bottom > limit:
                        break
                    under = [w for w in other.words if w.x1 > x0 - 6 and w.x0 < x1 + 6]
                    if under:
                        yield " ".join(w.text for w in under)
                        break


def _region_text(region: Region, doc: _Document) -> str | None:
    if not -len(doc.pages) <= region.page < len(doc.pages):
        return None
    page = doc.pages[region.page]
    x0, top, x1, bottom = region.box(page.width, page.height)
    lines = []
    for line in page.lines:
        inside = [w for w in line.words if x0 <= w.cx <= x1 and top <= w.cy <= bottom]
        if inside:
            lines.append(" ".join(w.text for w in inside))
    return "\n".join(lines)


def _candidates(rule: FieldRule, doc: _Document) -> Iterator[str]:
    if rule.anchor is not None:
        sources: Iterator[str] = _anchor_candidates(rule, doc)
    elif rule.region is not None:
        text = _region_text(rule.region, doc)
        sources = iter([text] if text else [])
    else:
        sources = iter(page.text for page in doc.pages)
    if rule.pattern is None:
        yield from sources
        return
    pattern = re.compile(rule.pattern)
    for text in sources:
        for m in pattern.finditer(text):
            value = m.group(1) if pattern.groups else m.group(0)
            if value:
                yield value


def _parse(kind: str, text: str, date_format: str | None) -> Any:
    text = collapse_spaces(text.replace("\n", " ")).strip(_SEPARATORS)
    if not text:
        return None
    if kind == "date":
        if date_format is not None:
            try:
                return dt.datetime.strptime(text, date_format).date()
            except ValueError:
                return None
        try:
            return parse_date(text)
        except DateParseError:
            return find_date(text)
    if kind == "amount":
        try:
            return parse_amount(text).value
        except AmountParseError:
            amounts = find_amounts(text)
            return amounts[0] if amounts else None
    if kind == "registration_number":
        m = REGISTRATION_RE.search(text)
        check = check_registration_number(m.group(0) if m else text)
        return check if check.normalized else None
    if kind == "party":
        try:
            return normalize_party(text).name
        except PartyNameError:
            return None
    return text


def _find_field(name: str, rule: FieldRule, doc: _Document) -> Any:
    kind = rule.parse or _DEFAULT_PARSE[name]
    for text in _candidates(rule, doc):
        value = _parse(kind, text, rule.date_format)
        if value is not None:
            return value
    return None


# -- the line-item table --------------------------------------------------------------------------------
@dataclass(slots=True)
class _Column:
    kind: str  # description, quantity, unit_price, amount, rate, or "" for an ignored column
    cx: float
    left: float = float("-inf")
    right: float = float("inf")


def _header_columns(rule: LinesRule, line: _Line, page: _Page) -> list[_Column] | None:
    """The columns of a header row, or None when ``line`` is not the header. A ruled table is split at the
    vertical lines that cross the header row; an unruled one halfway between the header cells."""
    cells = [(" ".join(w.text for w in seg), seg) for seg in line.segments()]
    wanted = {k: re.compile(v) for k, v in rule.columns.model_dump().items() if v is not None}
    ignored = [re.compile(p) for p in rule.ignore]
    columns: list[_Column] = []
    used: set[int] = set()
    for kind, regex in wanted.items():
        hit = next((i for i, (text, _) in enumerate(cells) if i not in used and regex.search(text)), None)
        if hit is None:
            return None
        used.add(hit)
        seg = cells[hit][1]
        columns.append(_Column(kind, (seg[0].x0 + seg[-1].x1) / 2))
    for i, (text, seg) in enumerate(cells):
        if i not in used and any(r.search(text) for r in ignored):
            columns.append(_Column("", (seg[0].x0 + seg[-1].x1) / 2))
    columns.sort(key=lambda c: c.cx)
    xs = sorted(
        {round(x, 1) for x, top, bottom in page.rulings if top <= line.top + 2 and bottom >= line.bottom - 2}
    )
    for a, b in zip(columns, columns[1:], strict=False):
        between = [x for x in xs if a.cx < x < b.cx]
        a.right = b.left = between[0] if between else (a.cx + b.cx) / 2
    return columns


def _quantity(text: str) -> float | None:
    m = re.search(r"-?\d+(?:\.\d+)?", text.replace(",", ""))
    return float(m.group(0)) if m else None


def _money(text: str, *, last: bool = False) -> int | None:
    try:
        return parse_amount(text).value
    except AmountParseError:
        found = find_amounts(text)
        return (found[-1] if last else found[0]) if found else None


def _row(rule: LinesRule, cells: dict[str, str]) -> InvoiceLine | None:
    amount = _money(cells.get("amount", ""), last=True)
    description = collapse_spaces(cells.get("description", ""))
    if amount is None:
        return None
    rate: int | None = None
    for mark, mark_rate in rule.rate_markers.items():
        if mark in description or mark in cells.get("rate", ""):
            description = collapse_spaces(description.replace(mark, " "))
            rate = mark_rate
    if (m := re.search(r"(\d{1,2})\s*%", cells.get("rate", ""))) is not None:
        rate = int(m.group(1))
    if not description:
        return None
    unit_price = _money(cells["unit_price"]) if cells.get("unit_price") else None
    return InvoiceLine(
        description=description,
        quantity=_quantity(cells.get("quantity", "")),
        unit_price=unit_price,
        amount=amount,
        rate=rule.default_rate if rate is None else rate,
    )


def _find_lines(rule: LinesRule, doc: _Document) -> list[InvoiceLine]:
    stop = re.compile(rule.stop) if rule.stop else None
    out: list[InvoiceLine] = []
    columns: list[_Column] | None = None
    for page in doc.pages:
        for line in page.lines:
            header = _header_columns(rule, line, page)
            if header is not None:
                columns = header  # the first header, or the header repeated on a later page
                continue
            if columns is None:
                continue
            if stop is not None and stop.search(line.text):
                return out
            cells: dict[str, list[str]] = {}
            for w in line.words:
                col = next(c for c in columns if c.left <= w.cx < c.right)
                if col.kind:
                    cells.setdefault(col.kind, []).append(w.text)
            joined = {k: " ".join(v) for k, v in cells.items()}
            item = _row(rule, joined)
            if item is not None:
                out.append(item)
            elif out and set(joined) == {"description"}:
                wrapped = out[-1]  # a description continued on the next line
                out[-1] = wrapped.model_copy(
                    update={"description": f"{wrapped.description} {joined['description']}".strip()}
                )
    return out


# -- applying a template --------------------------------------------------------------------------------
def _evaluate(template: InvoiceTemplate, doc: _Document) -> dict[str, Any]:
    """What the template finds, field by field (None: not found)."""
    values: dict[str, Any] = {}
    for name, rule in template.fields.items():
        values[name] = _find_field(name, rule, doc)
    if template.lines is not None:
        values["lines"] = _find_lines(template.lines, doc) or None
    if template.tax_inclusive_pricing is not None:
        values["tax_inclusive_pricing"] = template.tax_inclusive_pricing
    return values


def _label(template: InvoiceTemplate) -> str:
    return f"「{template.name}」" + (f" ({template.source.name})" if template.source else "")


def _merge(template: InvoiceTemplate, found: dict[str, Any], result: ExtractResult) -> ExtractResult:
    if result.fields is None:
        return result
    updates: dict[str, Any] = {}
    confidence = dict(result.confidence)
    findings = list(result.findings)
    replaced: set[str] = set()
    added: list[Finding] = []
    for name, value in found.items():
        if value is None:
            generic = getattr(result.fields, name)
            added.append(
                Finding(
                    code="template.field_not_found",
                    severity=Severity.WARNING,
                    message=(
                        f"テンプレート{_label(template)}で {name} が見つかりません; "
                        f"the generic reader's value is kept ({_show(generic)})"
                    ),
                    field=name,
                )
            )
            continue
        if isinstance(value, RegistrationCheck):
            updates["registration_number"] = value.normalized
            updates["registration_number_valid"] = value.check_digit_ok
            confidence["registration_number_valid"] = TEMPLATE_CONFIDENCE
            added.extend(value.findings)
        else:
            updates[name] = value
        confidence[name] = TEMPLATE_CONFIDENCE
        replaced.add(name)
    # The generic reader's complaints about a field the template has found no longer hold.
    findings = [f for f in findings if f.field not in replaced or not f.code.startswith(_GENERIC_CODES)]
    used = [name for name in template.overridden() if name in replaced]
    added.append(
        Finding(
            code="template.applied",
            severity=Severity.INFO,
            message=f"テンプレート{_label(template)}を適用しました: {', '.join(used) or 'no field found'}",
        )
    )
    fields = Invoice.model_validate({**result.fields.model_dump(), **updates})
    return result.model_copy(
        update={"fields": fields, "confidence": confidence, "findings": [*findings, *added]}
    )


def _failed_finding(template: InvoiceTemplate, code: str, why: str) -> Finding:
    return Finding(
        code=code,
        severity=Severity.WARNING,
        message=f"テンプレート{_label(template)}を適用できません ({why}); generic values kept",
    )


def apply_template(
    template: InvoiceTemplate,
    source: bytes | Path,
    result: ExtractResult,
    *,
    max_pages: int | None = None,
    time_budget_s: float | None = None,
) -> ExtractResult:
    """Override the fields ``template`` defines in ``result`` (a successful generic read of ``source``, the
    PDF's bytes or path) with what the template finds, and return the new result.

    A found value replaces the generic one with confidence :data:`TEMPLATE_CONFIDENCE` and drops the
    generic reader's findings about that field; a field not found keeps the generic value and adds a
    ``template.field_not_found`` warning; a ``template.applied`` info finding names the template. Does not
    check that the template matches (see :func:`match_template`). Never raises for a bad PDF: the result
    comes back with a ``template.failed`` (or ``template.time_budget``) warning instead.
    """
    if result.fields is None:
        return result
    deadline = None if time_budget_s is None else time.monotonic() + time_budget_s
    try:
        doc = _read_document(source, max_pages=max_pages, deadline=deadline)
        return _merge(template, _evaluate(template, doc), result)
    except _TimeBudgetExceeded as exc:
        finding = _failed_finding(template, "template.time_budget", f"out of time: {exc}")
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds of errors on odd files
        finding = _failed_finding(template, "template.failed", f"{type(exc).__name__}: {exc}")
    return result.model_copy(update={"findings": [*result.findings, finding]})


def apply_templates(
    templates: Sequence[InvoiceTemplate],
    source: bytes | Path,
    result: ExtractResult,
    *,
    max_pages: int | None = None,
    time_budget_s: float | None = None,
) -> ExtractResult:
    """Apply the template that matches the document (see :func:`match_template`), if any.

    The PDF is opened again only when a template could match: a template matched by registration number
    alone is ruled out by the number the generic reader found without looking at the pages.
    """
    if result.fields is None or not templates:
        return result
    number = result.fields.registration_number
    candidates = [
        t
        for t in templates
        if not t.match.registration_numbers or number is None or number in t.match.registration_numbers
    ]
    if not candidates:
        return result
    deadline = None if time_budget_s is None else time.monotonic() + time_budget_s
    try:
        doc = _read_document(source, max_pages=max_pages, deadline=deadline)
    except _TimeBudgetExceeded as exc:
        problem = Finding(
            code="template.time_budget",
            severity=Severity.WARNING,
            message=f"no time left to look for a matching template ({exc}); generic values kept",
        )
        return result.model_copy(update={"findings": [*result.findings, problem]})
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds of errors on odd files
        problem = Finding(
            code="template.failed",
            severity=Severity.WARNING,
            message=f"the templates could not be checked ({type(exc).__name__}: {exc}); generic values kept",
        )
        return result.model_copy(update={"findings": [*result.findings, problem]})
    template = match_template(candidates, doc.text, number)
    if template is None:
        return result
    return _merge(template, _evaluate(template, doc), result)


# -- `kuroko template check` ----------------------------------------------------------------------------
def _show(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        lines = [v for v in value if isinstance(v, InvoiceLine)]
        if len(lines) != len(value):
            return f"{len(value)} items"
        total = sum(v.amount for v in lines)
        shown = "; ".join(f"{v.description} {v.amount:,} ({v.rate}%)" for v in lines[:3])
        more = f"; … {len(lines) - 3} more" if len(lines) > 3 else ""
        return f"{len(lines)} lines, {total:,}: {shown}{more}"
    return str(value)


def _json_value(value: Any) -> Any:
    if isinstance(value, RegistrationCheck):
        return value.normalized
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [v.model_dump(mode="json") if isinstance(v, BaseModel) else v for v in value]
    return value


def check_template(path: Path, pdfs: Sequence[Path]) -> list[dict[str, Any]]:
    """What the template in ``path`` extracts from each PDF, next to the generic reader's values.

    One dict per PDF: ``path``, ``error`` (the generic reader's error object, or None), ``matched`` (would
    the template be applied automatically), ``fields``: one dict per template field with ``field``,
    ``generic`` and ``template`` (JSON values; ``template`` None when not found), ``found`` and ``wins``
    (``"template"`` or ``"generic"``). Raises :class:`robots.errors.BusinessError` ``config.invalid`` when the
    template file is invalid (naming the file and the key).
    """
    from robots.documents.files import extract  # files imports this module

    template = _load_one(Path(path))
    rows: list[dict[str, Any]] = []
    for pdf in pdfs:
        generic = extract(Path(pdf), use_templates=False)
        row: dict[str, Any] = {"path": str(pdf), "error": generic.error, "matched": False, "fields": []}
        rows.append(row)
        if generic.fields is None:
            continue
        try:
            doc = _read_document(Path(pdf), max_pages=None, deadline=None)
        except Exception as exc:  # noqa: BLE001
            row["error"] = {"code": "template.failed", "message": f"{type(exc).__name__}: {exc}"}
            continue
        row["matched"] = match_template([template], doc.text, generic.fields.registration_number) is not None
        for name, value in _evaluate(template, doc).items():
            generic_value = getattr(generic.fields, name)
            found = value is not None
            row["fields"].append(
                {
                    "field": name,
                    "generic": _json_value(generic_value),
                    "template": _json_value(value),
                    "found": found,
                    "wins": "template" if found and row["matched"] else "generic",
                    "generic_text": _show(generic_value),
                    "template_text": _show(
                        value.normalized if isinstance(value, RegistrationCheck) else value
                    ),
                }
            )
    return rows


def template_check_command(template: Path, pdfs: Sequence[Path], *, width: int = 160) -> tuple[str, int]:
    """``kuroko template check FILE.yaml PDF...``: the report as text (rich tables) and the exit status.

    Exit status 0 when every PDF was read, matched the template and every template field was found;
    1 otherwise. An invalid template raises :class:`robots.errors.BusinessError` (the CLI prints it).
    """
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from robots.documents.files import display_name

    rows = check_template(template, pdfs)
    console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
    status = 0
    for row in rows:
        name = display_name(Path(row["path"]))
        if row["error"] is not None:
            console.print(Text(f"{name}: not read: {row['error']['code']}: {row['error']['message']}"))
            status = 1
            continue
        if row["matched"]:
            console.print(Text(f"{name}: the template matches"))
        else:
            console.print(
                Text(f"{name}: the template does NOT match (see match:), so it would not be applied")
            )
        table = Table()
        for column in ("field", "generic reader", "template", "wins"):
            table.add_column(column)
        for f in row["fields"]:
            template_text = f["template_text"] if f["found"] else "(not found)"
            table.add_row(Text(f["field"]), Text(f["generic_text"]), Text(template_text), Text(f["wins"]))
            if not f["found"]:
                status = 1
        if not row["matched"]:
            status = 1
        console.print(table)
    if not rows:
        console.print("no PDF given")
        status = 1
    text = "\n".join(line.rstrip() for line in console.export_text().splitlines())
    return text + "\n", status
