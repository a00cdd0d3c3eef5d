"""Read a Japanese invoice or receipt PDF that has a text layer: by labels and positions, not templates.

The words of every page (pdfplumber, with their boxes) are grouped into lines by vertical overlap, and each
line into segments at wide gaps. Fields are then found the way a person reads the page:

- a labelled value (請求日, 請求番号, お支払期限 …) sits in the same segment after the label, in a segment
  to its right on the same line, or in the line below under the label (header boxes);
- the recipient is the name before 御中 / 様 / 殿; the issuer is the legal-entity name nearest the
  registration number (登録番号), outside the recipient line, the item table and the bank details;
- line items come from the table whose header row has 品名/品目/内容/摘要 and 金額; cells are assigned to
  the header's columns by position; ※/★ marks (or a 税率 column) give the reduced rate;
- the per-rate breakdown comes from 「10%対象 ¥x 消費税 ¥y」 lines, 「(うち消費税 ¥y)」 for 内税, or rate
  tables (税率 / 対象金額 / 消費税額); the total from ご請求金額 / 合計金額 / 合計.

Every value goes through the helpers of :mod:`robots.jp` (NFKC, eras, amounts, names, registration
numbers). Each field gets a confidence in 0..1; a missing field is ``None`` with confidence 0 and an
``extract.field_missing`` finding.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfplumber.utils.exceptions import PdfminerException

from robots.documents.model import (
    DocumentType,
    ExtractResult,
    Finding,
    Invoice,
    InvoiceLine,
    Severity,
    TaxBucket,
)
from robots.jp import (
    REGISTRATION_RE,
    AmountParseError,
    PartyNameError,
    check_registration_number,
    collapse_spaces,
    find_amounts,
    find_date,
    normalize_party,
    normalize_text,
    parse_amount,
)

__all__ = ["DEFAULT_MAX_PAGES", "MIN_TEXT_CHARS", "read_invoice_pdf", "read_invoice_pdf_bytes"]

DEFAULT_MAX_PAGES = 50
MIN_TEXT_CHARS = 10
"""Fewer characters than this on all pages together means there is no usable text layer (a scan)."""

_T = TypeVar("_T")


class _ReadError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# -- page geometry --------------------------------------------------------------------------------------
@dataclass(slots=True)
class _Word:
    text: str  # NFKC-normalized
    x0: float
    x1: float
    top: float  # from the top of the first page (pages are stacked)
    bottom: float
    size: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass(slots=True)
class _Segment:
    """Words of one line separated by small gaps only: one cell, one label-and-value, one name."""

    words: list[_Word]
    text: str = ""
    compact: str = ""  # without any whitespace: what labels are matched against

    def __post_init__(self) -> None:
        self.text = " ".join(w.text for w in self.words)
        self.compact = re.sub(r"\s+", "", self.text)

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def size(self) -> float:
        return max(w.size for w in self.words)


@dataclass(slots=True)
class _Line:
    index: int
    page: int
    words: list[_Word]
    segments: list[_Segment] = field(default_factory=list)
    text: str = ""
    compact: str = ""

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def size(self) -> float:
        return max(w.size for w in self.words)


_SEGMENT_GAP = 1.5  # a gap wider than this many font sizes starts a new segment


def _group_lines(words: list[_Word], page: int, start: int) -> list[_Line]:
    """Words → lines (by vertical overlap, so a big amount and its small label share a line) → segments."""
    words = sorted(words, key=lambda w: (w.top, w.x0))
    groups: list[tuple[list[_Word], list[float]]] = []  # words, [top, bottom]
    for w in words:
        height = w.bottom - w.top
        for members, span in reversed(groups[-4:]):
            overlap = min(span[1], w.bottom) - max(span[0], w.top)
            if overlap >= 0.5 * min(height, span[1] - span[0]):
                members.append(w)
                span[0], span[1] = min(span[0], w.top), max(span[1], w.bottom)
                break
        else:
            groups.append(([w], [w.top, w.bottom]))
    groups.sort(key=lambda g: g[1][0])
    lines = []
    for i, (members, _) in enumerate(groups):
        members.sort(key=lambda w: w.x0)
        segments: list[list[_Word]] = [[members[0]]]
        for prev, w in zip(members, members[1:], strict=False):
            if w.x0 - prev.x1 > _SEGMENT_GAP * max(prev.size, w.size):
                segments.append([w])
            else:
                segments[-1].append(w)
        line = _Line(index=start + i, page=page, words=members, segments=[_Segment(s) for s in segments])
        line.text = " ".join(s.text for s in line.segments)
        line.compact = "".join(s.compact for s in line.segments)
        lines.append(line)
    return lines


# -- labels ---------------------------------------------------------------------------------------------
_OPEN = r"[\[(【「<〈]?"
_ISSUE_DATES = [
    re.compile(_OPEN + r"(?:請求書?発行日|請求年月日|請求日付?|発行年月日|発行日付?)"),
    re.compile(_OPEN + r"(?:作成日|取引年月日|取引日|日付)"),
]
_DUE_DATE = re.compile(
    _OPEN
    + r"(?:お?支払い?期限|お?支払い?期日|お?振込み?期限|お?振込み?期日|お?支払い?予定日|お?振込み?予定日"
    r"|お?支払い?日|お?振込み?日)"
)
_NUMBERS = [
    re.compile(
        _OPEN + r"(?:請求書?(?:番号|No\.?|NO\.?)|伝票番号|文書番号|書類番号|Invoice\s*No\.?)", re.IGNORECASE
    ),
    re.compile(_OPEN + r"(?:No|NO|№)\.?(?![A-Za-z])"),
]
_REGISTRATION_LABEL = re.compile(r"(?:適格請求書発行事業者)?登録番号|インボイス登録番号|事業者登録番号")
_TOTALS = [
    re.compile(_OPEN + p)
    for p in (
        r"(?:ご|御)?請求金額",
        r"(?:今回)?(?:ご|御)請求額",
        r"今回請求額",
        r"合計金額",
        r"税込合計",
        r"総合計",
        r"合計",
        r"請求額",
    )
]
_SUBTOTAL = re.compile(_OPEN + r"(?:小計|税抜金額|税抜合計|税抜計|本体価格|本体合計)")
_TAX = re.compile(_OPEN + r"(?:消費税額?等?|消費税合計|うち消費税|内消費税)")
_ANY_LABEL = [*_ISSUE_DATES, _DUE_DATE, *_NUMBERS, _REGISTRATION_LABEL, *_TOTALS, _SUBTOTAL, _TAX]
_SEPARATORS = " :：#＃.．"


def _is_label(seg: _Segment) -> bool:
    return any(p.match(seg.compact) for p in _ANY_LABEL)


def _after_compact(text: str, n: int) -> str:
    """The rest of ``text`` after its first ``n`` non-space characters."""
    seen = 0
    for i, ch in enumerate(text):
        if seen == n:
            return text[i:]
        if not ch.isspace():
            seen += 1
    return ""


@dataclass(frozen=True, slots=True)
class _Found:
    value: Any
    confidence: float
    line: _Line
    segment: _Segment


def _values_near(
    lines: Sequence[_Line],
    li: int,
    si: int,
    m: re.Match[str],
    parse: Callable[[str], _T | None],
    *,
    below: bool,
) -> Iterable[_Found]:
    """Values ``parse`` accepts next to the label matched by ``m`` in segment ``si`` of line ``li``, nearest
    first: the rest of the segment, the segments to its right up to the next label, the text under it."""
    line = lines[li]
    seg = line.segments[si]
    rest = _after_compact(seg.text, m.end()).strip(_SEPARATORS)
    if rest and (value := parse(rest)) is not None:
        yield _Found(value, 1.0, line, seg)
    for right in line.segments[si + 1 :]:
        if _is_label(right):
            break
        if (value := parse(right.text.strip(_SEPARATORS))) is not None:
            yield _Found(value, 1.0, line, right)
    if not below:
        return
    height = seg.bottom - seg.top
    for other in lines[li + 1 : li + 4]:
        if other.top - seg.bottom > 2.5 * height:
            break
        under = [w for w in other.words if w.x1 > seg.x0 - 6 and w.x0 < seg.x1 + 6]
        if under:
            cell = _Segment(under)
            if (value := parse(cell.text.strip(_SEPARATORS))) is not None:
                yield _Found(value, 0.9, other, cell)
            break


def _labelled(
    lines: Sequence[_Line],
    labels: Sequence[re.Pattern[str]],
    parse: Callable[[str], _T | None],
    *,
    below: bool = True,
    skip: Collection[int] = (),
) -> _Found | None:
    """The value nearest the first label (in the order of ``labels``, then top to bottom) that has one."""
    for label in labels:
        for li, line in enumerate(lines):
            if line.index in skip:
                continue
            for si, seg in enumerate(line.segments):
                m = label.match(seg.compact)
                if m is not None:
                    for found in _values_near(lines, li, si, m, parse, below=below):
                        return found
    return None


def _parse_date(text: str) -> Any:
    return find_date(text)


def _parse_number(text: str) -> str | None:
    stripped = text.strip(_SEPARATORS)
    token = stripped.split(" ")[0] if stripped else ""
    if token and any(ch.isdigit() for ch in token) and len(token) <= 40 and find_date(token) is None:
        return token
    return None


def _parse_amounts(text: str) -> list[int] | None:
    return find_amounts(text) or None


def _parse_first_amount(text: str) -> int | None:
    amounts = find_amounts(text)
    return amounts[0] if amounts else None


# -- the reader -----------------------------------------------------------------------------------------
_ENTITY = re.compile(
    r"株式会社|有限会社|合同会社|合資会社|合名会社|一般社団法人|一般財団法人|医療法人|税理士法人|"
    r"\((?:株|有|同|資|名)\)"
)
_NOT_ISSUER = re.compile(r"銀行|信用金庫|信用組合|振込|口座|名義|御中|支店")
_BANK_LABEL = re.compile(r"(?:振込先|口座|名義)[:：]?$")
_HONORIFIC = re.compile(r"(?:御中|様|殿)$")
_NOT_RECIPIENT = re.compile(r"^(?:お客様|お客さま|ご担当者?様?|担当者?様?|上様?|各位)")
_TRAILING_TITLES = re.compile(r"\s+(?:代表取締役|代表社員|代表者?|取締役|担当|TEL|Tel|電話|〒).*$")
_DESC_HEADER = re.compile(
    r"^(?:品名|品目|内容|摘要|商品名?|項目|明細|品番・?品名|商品・?サービス|サービス内容|作業内容|件名|品名・?規格)"
)
_TABLE_STOP = re.compile(
    r"^[(【\[]?(?:小計|合計|総合計|総計|税抜|税込合計|消費税|うち消費税|内消費税|税率|\d{1,2}%対象|振込|お振込|"
    r"備考|[※★☆*]?(?:印|は)?軽減|[※★☆*]印|[※★☆*]は|以下余白|値引後合計|「軽」)"
)
_MARKS = "※★☆*＊◆"
_MARK_EDGE = re.compile(rf"^[{_MARKS}]+\s*|\s*(?:[{_MARKS}]+|\(軽\)|\(軽減\)|\(軽減税率\))$")
_RATE_IN_CELL = re.compile(r"(\d{1,2})\s*%")
_ZERO_RATED = re.compile(r"非課税|不課税|対象外|免税")
_BUCKET = re.compile(r"(?:税率\s*)?(\d{1,2})\s*%\s*対象")
_BUCKET_ROW = re.compile(r"^[(\[]?(?:税率)?\s*[※★]?\s*(\d{1,2})\s*%")
_RATE_TAX = re.compile(
    r"消費税額?等?\s*[(\[]?\s*(\d{1,2})\s*%\s*[)\]]?|(\d{1,2})\s*%\s*(?:分)?\s*消費税額?等?"
)
_PAGE_NUMBER = re.compile(r"^(?:-?\d+-?|\d+/\d+|\d+ページ|(?:page|p\.?)\d+(?:/\d+)?)$", re.IGNORECASE)
_QTY = re.compile(r"-?\d+(?:\.\d+)?")
_INCLUSIVE_TEXT = re.compile(r"うち消費税|内消費税|(?<!国)内税|消費税込")


@dataclass(slots=True)
class _Column:
    kind: str  # desc, qty, unit, price, amount, rate, other
    seg: _Segment
    left: float = float("-inf")
    right: float = float("inf")


def _column_kind(compact: str) -> str:
    if _DESC_HEADER.match(compact):
        return "desc"
    if "金額" in compact or compact in ("計", "小計"):
        return "amount"
    if "単価" in compact:
        return "price"
    if compact.startswith(("数量", "数", "量")):
        return "qty"
    if compact.startswith("単位"):
        return "unit"
    if "税率" in compact or "税区分" in compact:
        return "rate"
    return "other"


@dataclass
class _Table:
    header: _Line
    columns: list[_Column]
    rows: list[tuple[_Line, dict[str, str]]]
    inclusive: bool  # prices/amounts headed 税込/内税

    @property
    def line_indexes(self) -> set[int]:
        return {self.header.index, *(line.index for line, _ in self.rows)}


@dataclass
class _Bucket:
    rate: int
    base: int
    tax: int
    gross: bool | None  # True 税込 base, False 税抜 base, None not said


class _Reader:
    def __init__(
        self, lines: list[_Line], page_height: float, rulings: list[tuple[float, float, float]]
    ) -> None:
        self.lines = lines
        self.rulings = rulings  # vertical lines and rectangle sides: (x, top, bottom), pages stacked
        self.page_height = page_height
        self.skip: set[int] = set()  # lines of the item table, never searched for labels
        self.rate_taxes: dict[int, int] = {}  # 「消費税(10%) ¥y」 lines
        self.confidence: dict[str, float] = {}
        self.findings: list[Finding] = []

    def _line_of(self, seg: _Segment) -> int:
        for line in self.lines:
            if seg.words[0] in line.words:
                return line.index
        return -1

    # -- parties ---------------------------------------------------------------------------------------
    def recipient(self) -> tuple[str | None, _Segment | None]:
        best: tuple[tuple[int, float], _Segment, str] | None = None
        for line in self.lines:
            if line.index in self.skip:
                continue
            for si, seg in enumerate(line.segments):
                m = _HONORIFIC.search(seg.compact)
                if m is None or _NOT_RECIPIENT.match(seg.compact):
                    continue
                name = re.sub(r"\s*(?:御中|様|殿)$", "", seg.text).strip()
                anchor = seg
                if not name and si > 0:
                    anchor = line.segments[si - 1]
                    name = anchor.text
                if len(name) < 2 or _NOT_RECIPIENT.match(name):
                    continue
                key = ({"御中": 0, "様": 1, "殿": 2}[m.group(0)], -seg.size)
                if best is None or key < best[0]:
                    best = (key, anchor, name)
        if best is None:
            self.confidence["recipient"] = 0.0
            return None, None
        try:
            party = normalize_party(best[2])
        except PartyNameError:
            self.confidence["recipient"] = 0.0
            return None, None
        self.confidence["recipient"] = 1.0 if best[0][0] == 0 else 0.8
        return party.name, best[1]

    def registration(self) -> tuple[_Segment | None, str | None, bool | None]:
        found: tuple[float, _Segment, str] | None = None
        for line in self.lines:
            for seg in line.segments:
                m = REGISTRATION_RE.search(seg.text)
                if m is None:
                    continue
                labelled = bool(
                    _REGISTRATION_LABEL.search(seg.compact) or _REGISTRATION_LABEL.search(line.compact)
                )
                conf = 1.0 if labelled else 0.8
                if found is None or conf > found[0]:
                    found = (conf, seg, m.group(0))
        if found is None:
            # A 登録番号 label with something that is not T + 13 digits: report the format error.
            hit = _labelled(
                self.lines,
                [_REGISTRATION_LABEL],
                lambda t: t if re.search(r"\d", t) else None,
                skip=self.skip,
            )
            if hit is not None:
                self.findings.extend(check_registration_number(hit.value).findings)
            self.confidence["registration_number"] = 0.0
            self.confidence["registration_number_valid"] = 0.0
            return (hit.segment if hit else None), None, None
        conf, seg, raw = found
        check = check_registration_number(raw)
        self.findings.extend(check.findings)
        self.confidence["registration_number"] = conf if check.normalized else 0.3
        self.confidence["registration_number_valid"] = conf if check.check_digit_ok is not None else 0.0
        return seg, check.normalized, check.check_digit_ok

    def issuer(self, registration: _Segment | None, recipient: _Segment | None) -> str | None:
        recipient_line = self._line_of(recipient) if recipient is not None else -1
        candidates: list[tuple[_Segment, str]] = []
        for line in self.lines:
            if line.index in self.skip or line.index == recipient_line:
                continue
            for k, seg in enumerate(line.segments):
                if _HONORIFIC.search(seg.compact) or len(seg.compact) > 40 or not _ENTITY.search(seg.compact):
                    continue
                if _NOT_ISSUER.search(seg.compact) or (
                    k and _BANK_LABEL.search(line.segments[k - 1].compact)
                ):
                    continue  # bank details: 振込先 …, 口座名義 …
                text = _TRAILING_TITLES.sub("", re.split(r"[:：]", seg.text)[-1]).strip()
                if text:
                    candidates.append((seg, text))
        chosen: tuple[str, float] | None = None
        if candidates and registration is not None:

            def cost(c: tuple[_Segment, str]) -> float:
                dy = registration.top - c[0].bottom  # positive: the name is above the number
                return abs(dy) + (0 if dy >= -2 else 30) + 0.3 * abs(c[0].x0 - registration.x0)

            best = min(candidates, key=cost)
            chosen = (best[1], 1.0 if cost(best) < 150 else 0.7)
        elif candidates:
            top_half = [
                c for c in candidates if c[0].top % self.page_height < self.page_height / 2
            ] or candidates
            chosen = (max(top_half, key=lambda c: c[0].size)[1], 0.6)
        elif registration is not None:
            # No legal form (a sole proprietor): the biggest name-like text in the block just above the
            # registration number (the trade name rather than the owner's name printed under it).
            names: list[_Segment] = []
            for line in reversed(self.lines[: self._line_of(registration)]):
                if registration.top - line.bottom > 60:
                    break
                names += [
                    s
                    for s in line.segments
                    if abs(s.x0 - registration.x0) < 20 and not re.search(r"\d|〒|TEL|FAX|@|:", s.text)
                ]
            if names:
                chosen = (max(names, key=lambda s: s.size).text, 0.4)
        if chosen is None:
            self.confidence["issuer"] = 0.0
            return None
        try:
            name = normalize_party(chosen[0]).name
        except PartyNameError:
            self.confidence["issuer"] = 0.0
            return None
        self.confidence["issuer"] = chosen[1]
        return name

    # -- simple labelled fields ------------------------------------------------------------------------
    def dates_and_number(self) -> tuple[Any, Any, str | None]:
        due = _labelled(self.lines, [_DUE_DATE], _parse_date, skip=self.skip)
        issue = _labelled(self.lines, _ISSUE_DATES, _parse_date, skip=self.skip)
        number = _labelled(self.lines, _NUMBERS, _parse_number, skip=self.skip)
        issue_value = issue.value if issue else None
        self.confidence["issue_date"] = issue.confidence if issue else 0.0
        if issue is None:
            # No label: the first date in the top third of the first page that is not the due date.
            due_line = due.line.index if due else -1
            for line in self.lines:
                if line.top > self.page_height / 3:
                    break
                if line.index != due_line and (d := find_date(line.text)) is not None:
                    issue_value = d
                    self.confidence["issue_date"] = 0.5
                    break
        self.confidence["due_date"] = due.confidence if due else 0.0
        self.confidence["invoice_number"] = number.confidence if number else 0.0
        return issue_value, due.value if due else None, number.value if number else None

    # -- the item table --------------------------------------------------------------------------------
    def _columns(self, header: _Line) -> list[_Column] | None:
        """The header's columns: between the vertical rulings that cross the header row when the table is
        ruled, else split halfway between the header cells."""
        xs = sorted(
            {
                round(x, 1)
                for x, top, bottom in self.rulings
                if top <= header.top + 2 and bottom >= header.bottom - 2
            }
        )
        merged: list[float] = []
        for x in xs:
            if not merged or x - merged[-1] > 3:
                merged.append(x)
        columns: list[_Column] = []
        if len(merged) >= 3:
            for left, right in zip(merged, merged[1:], strict=False):
                inside = [w for w in header.words if left <= w.cx < right]
                if inside:
                    seg = _Segment(inside)
                    columns.append(_Column(_column_kind(seg.compact), seg, left, right))
            if columns:
                columns[0].left, columns[-1].right = float("-inf"), float("inf")
        if sum(c.kind in ("desc", "amount") for c in columns) < 2:
            columns = [_Column(_column_kind(s.compact), s) for s in header.segments]
            for a, b in zip(columns, columns[1:], strict=False):
                a.right = b.left = (a.seg.x1 + b.seg.x0) / 2
        kinds = [c.kind for c in columns]
        return columns if "desc" in kinds and "amount" in kinds else None

    def table(self) -> _Table | None:
        tables: list[_Table] = []
        i = 0
        while i < len(self.lines):
            header = self.lines[i]
            columns = None
            if any(_DESC_HEADER.match(s.compact) for s in header.segments) and "金額" in header.compact:
                columns = self._columns(header)
            if columns is None:
                i += 1
                continue
            inclusive = any(
                c.kind in ("price", "amount") and re.search(r"税込|内税", c.seg.compact) for c in columns
            )
            rows: list[tuple[_Line, dict[str, str]]] = []
            last = header
            j = i + 1
            while j < len(self.lines):
                line = self.lines[j]
                if line.page > last.page + 1:
                    break  # a table goes on at the top of the next page at most
                if _PAGE_NUMBER.match(line.compact):
                    j += 1
                    continue
                if any(_TABLE_STOP.match(s.compact) for s in line.segments):
                    break
                if line.page == last.page and line.top - last.bottom > 6 * max(header.size, 1):
                    break
                if any(_DESC_HEADER.match(s.compact) for s in line.segments) and "金額" in line.compact:
                    break  # the next table's header (a repeated header on the next page)
                cells: dict[str, list[str]] = {}
                for w in line.words:
                    col = next((c for c in columns if c.left <= w.cx < c.right), columns[-1])
                    cells.setdefault(col.kind, []).append(w.text)
                joined = {k: " ".join(v) for k, v in cells.items()}
                if "amount" in joined:
                    rows.append((line, joined))
                    last = line
                elif rows and set(joined) <= {"desc"} and line.top - last.bottom < 0.8 * line.size:
                    prev = rows[-1][1]  # a description wrapped onto a second line
                    prev["desc"] = f"{prev.get('desc', '')} {joined['desc']}".strip()
                    last = line
                j += 1
            tables.append(_Table(header, columns, rows, inclusive))
            i = j
        if not tables:
            return None
        merged = tables[0]
        for t in tables[1:]:
            merged.rows.extend(t.rows)
            merged.inclusive = merged.inclusive or t.inclusive
        self.skip = merged.line_indexes
        return merged

    def items(self, table: _Table | None, default_rate: int) -> list[InvoiceLine]:
        if table is None:
            return []
        out = []
        for _, cells in table.rows:
            amount = _cell_amount(cells["amount"], last=True)
            desc = collapse_spaces(cells.get("desc", ""))
            if amount is None or not desc:
                continue
            marked = False
            while (m := _MARK_EDGE.search(desc)) and m.group(0):
                desc = (desc[: m.start()] + desc[m.end() :]).strip()
                marked = True
            others = " ".join(v for k, v in cells.items() if k not in ("desc", "amount", "price", "qty"))
            rate = 8 if marked or any(mark in others for mark in _MARKS) or "軽" in others else default_rate
            rate_cell = cells.get("rate", "")
            if (rm := _RATE_IN_CELL.search(rate_cell)) is not None:
                rate = int(rm.group(1))
            elif _ZERO_RATED.search(rate_cell):
                rate = 0
            quantity = None
            if (qm := _QTY.search(cells.get("qty", "").replace(",", ""))) is not None:
                quantity = float(qm.group(0))
            unit_price = _cell_amount(cells["price"]) if cells.get("price") else None
            out.append(
                InvoiceLine(
                    description=desc, quantity=quantity, unit_price=unit_price, amount=amount, rate=rate
                )
            )
        return out

    # -- totals ----------------------------------------------------------------------------------------
    def buckets(self) -> list[_Bucket]:
        """Per-rate bases and taxes: 「10%対象 ¥x 消費税 ¥y」 lines, rate tables, 「消費税(10%) ¥y」 lines."""
        found: dict[int, _Bucket] = {}
        bases: dict[int, tuple[int, bool | None]] = {}
        taxes: dict[int, int] = {}
        header_gross: bool | None = None
        for line in self.lines:
            if line.index in self.skip:
                continue
            if "税率" in line.compact and "消費税" in line.compact and not find_amounts(line.text):
                header_gross = True if "税込" in line.compact else False if "税抜" in line.compact else None
                continue
            matches = list(_BUCKET.finditer(line.text))
            for k, m in enumerate(matches):
                region = line.text[
                    m.end() : matches[k + 1].start() if k + 1 < len(matches) else len(line.text)
                ]
                amounts = find_amounts(region)
                if not amounts:
                    continue
                head = re.sub(r"\s+", "", region)[:12]
                gross = (
                    True if re.search(r"税込|うち|内消費税", region) else False if "税抜" in head else None
                )
                rate = int(m.group(1))
                if len(amounts) >= 2:
                    found.setdefault(rate, _Bucket(rate, amounts[0], amounts[1], gross))
                else:
                    bases.setdefault(rate, (amounts[0], gross))
            if matches:
                continue
            if (row := _BUCKET_ROW.match(line.compact)) is not None:
                amounts = find_amounts(line.text[line.text.find("%") + 1 :])
                if len(amounts) >= 2:
                    rate = int(row.group(1))
                    found.setdefault(rate, _Bucket(rate, amounts[0], amounts[1], header_gross))
                continue
            for seg_i, seg in enumerate(line.segments):
                if (tm := _RATE_TAX.match(seg.compact)) is not None:
                    rest = (
                        _after_compact(seg.text, tm.end())
                        + " "
                        + " ".join(s.text for s in line.segments[seg_i + 1 : seg_i + 2])
                    )
                    if (amount := _parse_first_amount(rest)) is not None:
                        taxes.setdefault(int(tm.group(1) or tm.group(2)), amount)
        for rate, (base, gross) in bases.items():
            if rate in taxes:
                found.setdefault(rate, _Bucket(rate, base, taxes[rate], gross))
        self.rate_taxes = taxes
        return [found[r] for r in sorted(found, reverse=True)]

    def total(self, expected: set[int]) -> _Found | None:
        """The billed amount: the first labelled value that agrees with the breakdown (``expected``), else
        the first labelled value."""
        first: _Found | None = None
        for label in _TOTALS:
            for li, line in enumerate(self.lines):
                if line.index in self.skip:
                    continue
                for si, seg in enumerate(line.segments):
                    m = label.match(seg.compact)
                    if m is None:
                        continue
                    for found in _values_near(self.lines, li, si, m, _parse_amounts, below=True):
                        agreeing = [a for a in found.value if a in expected]
                        if agreeing:
                            return _Found(agreeing[0], found.confidence, found.line, found.segment)
                        if first is None:
                            first = _Found(found.value[0], 0.7, found.line, found.segment)
                        break
        return first

    def derived_buckets(
        self, items: list[InvoiceLine], inclusive: bool, total: int | None
    ) -> list[TaxBucket]:
        """No breakdown printed: per rate from the lines and 「消費税(10%)」, or, with one rate, from 小計 and
        消費税 (外税) or the total and うち消費税 (内税)."""
        rates = sorted({i.rate for i in items}, reverse=True)
        if not rates:
            return []
        if all(r in self.rate_taxes for r in rates) and not inclusive:
            return [
                TaxBucket(rate=r, net=sum(i.amount for i in items if i.rate == r), tax=self.rate_taxes[r])
                for r in rates
            ]
        if len(rates) != 1:
            return []
        rate = rates[0]
        tax = _labelled(self.lines, [_TAX], _parse_first_amount, below=False, skip=self.skip)
        if tax is None:
            return []
        if inclusive:
            gross = total if total is not None else sum(i.amount for i in items)
            return [TaxBucket(rate=rate, net=gross - tax.value, tax=tax.value)]
        sub = _labelled(self.lines, [_SUBTOTAL], _parse_first_amount, below=False, skip=self.skip)
        net = sub.value if sub else sum(i.amount for i in items)
        return [TaxBucket(rate=rate, net=net, tax=tax.value)]


def _cell_amount(text: str, *, last: bool = False) -> int | None:
    try:
        return parse_amount(text).value
    except AmountParseError:
        found = find_amounts(text)
        return (found[-1] if last else found[0]) if found else None


def _missing(field_name: str, label: str, severity: Severity = Severity.WARNING) -> Finding:
    return Finding(
        code="extract.field_missing",
        severity=severity,
        message=f"{label}が見つかりません ({field_name} not found on the document)",
        field=field_name,
    )


def _title(lines: Iterable[_Line], page_height: float) -> str:
    top = [line for line in lines if line.page == 0 and line.top < page_height * 0.3]
    return max(top, key=lambda line: line.size).compact if top else ""


def _read_fields(
    lines: list[_Line], page_height: float, rulings: list[tuple[float, float, float]]
) -> tuple[DocumentType, Invoice, dict[str, float], list[Finding]]:
    r = _Reader(lines, page_height, rulings)
    table = r.table()
    recipient, recipient_seg = r.recipient()
    reg_seg, registration, reg_valid = r.registration()
    issuer = r.issuer(reg_seg, recipient_seg)
    issue, due, number = r.dates_and_number()

    raw = r.buckets()
    expected_totals = {sum(b.base + b.tax for b in raw), sum(b.base for b in raw)} if raw else set()
    total_hit = r.total(expected_totals)
    total = total_hit.value if total_hit else None

    inclusive_marker = (table is not None and table.inclusive) or any(
        _INCLUSIVE_TEXT.search(line.compact) for line in lines
    )
    if any(b.gross is None for b in raw):
        guess: bool | None = inclusive_marker
        if total is not None and sum(b.base + b.tax for b in raw) == total:
            guess = False
        elif total is not None and sum(b.base for b in raw) == total:
            guess = True
        raw = [_Bucket(b.rate, b.base, b.tax, guess if b.gross is None else b.gross) for b in raw]
    inclusive = inclusive_marker or any(b.gross for b in raw)
    r.confidence["tax_inclusive_pricing"] = 1.0 if inclusive or table is not None else 0.8

    buckets = [TaxBucket(rate=b.rate, net=b.base - b.tax if b.gross else b.base, tax=b.tax) for b in raw]
    items = r.items(table, buckets[0].rate if len(buckets) == 1 else 10)
    breakdown_conf = 1.0 if buckets else 0.0
    if not buckets and items:
        buckets = r.derived_buckets(items, inclusive, total)
        breakdown_conf = 0.7 if buckets else 0.0
    consistent = total is not None and bool(buckets) and sum(b.net + b.tax for b in buckets) == total
    if buckets and total is not None and not consistent:
        breakdown_conf = min(breakdown_conf, 0.5)
    r.confidence["tax_breakdown"] = breakdown_conf

    if total is None and buckets:
        total = sum(b.net + b.tax for b in buckets)
        r.confidence["total"] = 0.6
    elif total_hit is not None:
        r.confidence["total"] = 1.0 if consistent or (not buckets and total_hit.confidence >= 0.9) else 0.7
    else:
        r.confidence["total"] = 0.0

    if items:
        sums_match = {i.rate for i in items} <= {b.rate for b in buckets} and all(
            sum(i.amount for i in items if i.rate == b.rate) == (b.net + b.tax if inclusive else b.net)
            for b in buckets
        )
        r.confidence["lines"] = 1.0 if buckets and sums_match else 0.7
    else:
        r.confidence["lines"] = 0.0
    r.confidence["needs_ocr"] = 1.0

    title = _title(lines, page_height)
    is_receipt = "領収" in title or ("簡易請求書" in title and recipient is None)
    doc_type = DocumentType.RECEIPT if is_receipt else DocumentType.INVOICE

    invoice = Invoice(
        issuer=issuer,
        registration_number=registration,
        registration_number_valid=reg_valid,
        invoice_number=number,
        issue_date=issue,
        due_date=due,
        recipient=recipient,
        total=total,
        tax_inclusive_pricing=inclusive,
        tax_breakdown=buckets,
        lines=items,
        needs_ocr=False,
    )
    required = [
        ("issuer", "発行者名"),
        ("issue_date", "請求日"),
        ("total", "合計金額"),
        ("tax_breakdown", "税率ごとの内訳"),
        ("lines", "明細"),
    ]
    if doc_type == DocumentType.INVOICE:
        required += [("invoice_number", "請求番号"), ("recipient", "宛名")]
    for name, label in required:
        if getattr(invoice, name) in (None, []):
            r.findings.append(_missing(name, label))
    if invoice.due_date is None and doc_type == DocumentType.INVOICE:
        r.findings.append(_missing("due_date", "支払期限", Severity.INFO))
    confidence = {name: round(r.confidence.get(name, 0.0), 2) for name in Invoice.model_fields}
    return doc_type, invoice, confidence, r.findings


# -- PDF level ------------------------------------------------------------------------------------------
def _words_of(pdf: Any, name: str) -> tuple[list[_Line], float, list[tuple[float, float, float]]]:
    lines: list[_Line] = []
    rulings: list[tuple[float, float, float]] = []
    offset = 0.0
    first_height = 0.0
    chars = 0
    for page_no, page in enumerate(pdf.pages):
        height = float(page.height)
        first_height = first_height or height
        raw = page.extract_words(keep_blank_chars=False, use_text_flow=False, extra_attrs=["size"])
        chars += len(page.chars)
        words = []
        for w in raw:
            text = normalize_text(w["text"]).strip()
            if text:
                words.append(
                    _Word(
                        text,
                        float(w["x0"]),
                        float(w["x1"]),
                        float(w["top"]) + offset,
                        float(w["bottom"]) + offset,
                        float(w["size"]),
                    )
                )
        if words:
            lines.extend(_group_lines(words, page_no, len(lines)))
            rulings.extend(
                (float(e["x0"]), float(e["top"]) + offset, float(e["bottom"]) + offset)
                for e in page.vertical_edges
                if float(e["bottom"]) - float(e["top"]) > 3
            )
        offset += height
        page.close()
    if chars < MIN_TEXT_CHARS:
        raise _ReadError(
            "pdf.no_text_layer",
            f"{name}: this PDF has no text layer (it looks like a scan or a photo). Reading scans needs OCR, "
            "which Kuroko does not do yet (coming later); ask the sender for the original PDF.",
        )
    return lines, first_height, rulings


def _open(data: bytes, name: str, max_pages: int) -> Any:
    if data[:1024].find(b"%PDF-") < 0:
        raise _ReadError(
            "pdf.not_a_pdf",
            f"{name}: this file is not a PDF (it does not start like one), although its name ends in .pdf.",
        )
    if data[-2048:].find(b"%%EOF") < 0:
        raise _ReadError(
            "pdf.corrupt",
            f"{name}: the PDF is incomplete (its end is missing); it was probably cut "
            "off while downloading or copying. Fetch it again.",
        )
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except PdfminerException as exc:
        cause = exc.args[0] if exc.args else exc
        if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
            raise _ReadError(
                "pdf.encrypted",
                f"{name}: the PDF is protected by a password, so it cannot be read. "
                "Save a copy without the password and put that in the inbox.",
            ) from exc
        raise _ReadError("pdf.corrupt", f"{name}: the PDF is damaged and cannot be read ({cause}).") from exc
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds of errors on broken files
        raise _ReadError("pdf.corrupt", f"{name}: the PDF is damaged and cannot be read ({exc}).") from exc
    try:
        pages = len(pdf.pages)
    except Exception as exc:  # noqa: BLE001
        pdf.close()
        raise _ReadError("pdf.corrupt", f"{name}: the PDF's page list is damaged ({exc}).") from exc
    if pages == 0:
        pdf.close()
        raise _ReadError("pdf.corrupt", f"{name}: the PDF has no pages.")
    if pages > max_pages:
        pdf.close()
        raise _ReadError(
            "pdf.too_many_pages",
            f"{name}: the PDF has {pages} pages; documents of more than {max_pages} "
            f"page{'s' if max_pages != 1 else ''} are not read automatically (setting max_pages).",
        )
    return pdf


def read_invoice_pdf_bytes(data: bytes, path: Path, *, max_pages: int = DEFAULT_MAX_PAGES) -> ExtractResult:
    """Like :func:`read_invoice_pdf` for bytes already read from ``path`` (read once, hashed once)."""
    digest = hashlib.sha256(data).hexdigest()
    result = ExtractResult(path=str(path), sha256=digest)
    try:
        pdf = _open(data, path.name, max_pages)
        try:
            lines, page_height, rulings = _words_of(pdf, path.name)
        except _ReadError:
            raise
        except Exception as exc:  # noqa: BLE001 - a broken content stream shows up only now
            raise _ReadError("pdf.corrupt", f"{path.name}: the PDF's content is damaged ({exc}).") from exc
        finally:
            pdf.close()
    except _ReadError as exc:
        result.error = {"code": exc.code, "message": exc.message}
        return result
    doc_type, invoice, confidence, findings = _read_fields(lines, page_height, rulings)
    result.document_type = doc_type
    result.fields = invoice
    result.confidence = confidence
    result.findings = findings
    return result


def read_invoice_pdf(path: Path, *, max_pages: int = DEFAULT_MAX_PAGES) -> ExtractResult:
    """Read an invoice or receipt PDF into an :class:`ExtractResult` (fields, confidence, findings).

    Problems of the PDF itself (encrypted, damaged, no text layer, too many pages) come back as
    ``error`` with a code, never as an exception; a file that cannot be opened at all raises ``OSError``
    (use :func:`robots.documents.extract` for the checks on the file).
    """
    return read_invoice_pdf_bytes(Path(path).read_bytes(), Path(path), max_pages=max_pages)
