"""Read a Japanese invoice or receipt PDF that has a text layer: by labels and positions, not templates.

The words of every page (pdfplumber, with their boxes and font sizes) are grouped into lines by vertical
overlap, and each line into segments at wide gaps; pages are stacked, so a table that goes on over the next
page is one table. Fields are then found the way a person reads the page, with nothing specific to one
issuer's layout:

- a labelled value (請求日, 請求番号, お支払期限, Invoice No., Due Date …) sits in the same segment after
  the label, in a segment to its right on the same line, or in the line below under the label (header boxes
  and stacked label-above-value blocks);
- the recipient is the name before 御中 / 様 / 殿 (none on a receipt: 上様 is not a name); the issuer is the
  legal-entity name nearest the registration number (登録番号), outside the recipient line, the item table
  and the bank details;
- line items come from the table whose header row names a description (品名, 品目, 内容, 摘要, Description …)
  and an amount (金額, Amount); cells are assigned to the header's columns by the table's vertical rulings or,
  unruled, by the header cells' positions; a table continues on the next page with or without a repeated
  header. Without such a table, an item list is the run of lines that each end in one amount, right-aligned
  together, above the totals. ※/★/* marks, 軽 or a 税率 column give the reduced rate;
- the per-rate breakdown comes from every ``label amount`` pair that names a rate (「10%対象 ¥x 消費税 ¥y」,
  「(8%対象 ¥x 内消費税 ¥y)」, 「消費税(10%) ¥y」, Taxable Amount (10%) …) and from rate tables whose
  header names 税率/対象/税抜/消費税/税込 columns; the total from ご請求金額 / 合計金額 / 合計 / Total.

Every value goes through the helpers of :mod:`robots.jp` (NFKC, eras, amounts, names, registration numbers).
Each field gets a confidence in 0..1, lowered when the value was guessed (no label, a fallback) or when a
cross-check fails: the lines against the breakdown per rate, the breakdown against the total, each rate's tax
against its base, the due date against the issue date. What the reader is unsure of it says in findings:
``extract.field_missing`` (not found), ``extract.total_unverified``, ``extract.lines_unverified``,
``extract.breakdown_unverified`` and ``extract.low_confidence`` (any other field below 0.7), so a wrong value
does not pass silently.

The text layer is pdfplumber's (pdfminer's layout of each page, walked directly: the same words as
``extract_words``, a third faster). pypdfium2 extracts plain text ten times faster, but the reader needs word
boxes, font sizes and rulings, and the one step that needs only plain text, the no-text-layer check, is free
here (the characters are counted on the way); ``bench/extract.py`` compares both libraries on the same
documents.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import pdfplumber
from pdfminer.layout import LTChar, LTContainer, LTLine, LTRect
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

__all__ = [
    "DEFAULT_MAX_PAGES",
    "LOW_CONFIDENCE",
    "MIN_TEXT_CHARS",
    "read_invoice_pdf",
    "read_invoice_pdf_bytes",
]

DEFAULT_MAX_PAGES = 50
MIN_TEXT_CHARS = 10
"""Fewer characters than this on all pages together means there is no usable text layer (a scan)."""
LOW_CONFIDENCE = 0.7
"""A field read with less confidence than this gets an ``extract.low_confidence`` finding."""

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
    top: float = 0.0
    bottom: float = 0.0
    size: float = 0.0


_SEGMENT_GAP = 1.5  # a gap wider than this many font sizes starts a new segment
_SPACED_GAP = 3.5  # … except between single characters spaced out (品　　名, 合　　計)


def _same_line(a: _Word, b: _Word) -> bool:
    """Whether two words sit on one line: they overlap vertically and share a middle or a baseline, so a big
    amount and its small label share a line but a big title does not swallow two small lines beside it."""
    ha, hb = a.bottom - a.top, b.bottom - b.top
    small = min(ha, hb)
    if min(a.bottom, b.bottom) - max(a.top, b.top) < 0.5 * small:
        return False
    middle = abs((a.top + a.bottom) - (b.top + b.bottom)) / 2
    return middle <= 0.5 * small or abs(a.bottom - b.bottom) <= 0.25 * small


def _group_lines(words: list[_Word], page: int, start: int) -> list[_Line]:
    """Words → lines (by vertical overlap, so a big amount and its small label share a line) → segments."""
    words = sorted(words, key=lambda w: (w.top, w.x0))
    groups: list[tuple[list[_Word], list[float]]] = []  # words, [top, bottom]
    for w in words:
        for members, span in reversed(groups[-6:]):
            if _same_line(members[0], w) or _same_line(members[-1], w):
                members.append(w)
                span[0], span[1] = min(span[0], w.top), max(span[1], w.bottom)
                break
        else:
            groups.append(([w], [w.top, w.bottom]))
    groups.sort(key=lambda g: g[1][0])
    lines = []
    for i, (members, span) in enumerate(groups):
        members.sort(key=lambda w: w.x0)
        segments: list[list[_Word]] = [[members[0]]]
        for prev, w in zip(members, members[1:], strict=False):
            gap = w.x0 - prev.x1
            spaced = len(prev.text) == 1 and len(w.text) == 1 and gap < _SPACED_GAP * max(prev.size, w.size)
            if gap > _SEGMENT_GAP * max(prev.size, w.size) and not spaced:
                segments.append([w])
            else:
                segments[-1].append(w)
        line = _Line(index=start + i, page=page, words=members, segments=[_Segment(s) for s in segments])
        line.text = " ".join(s.text for s in line.segments)
        line.compact = "".join(s.compact for s in line.segments)
        line.top, line.bottom = span
        line.size = max(w.size for w in members)
        lines.append(line)
    return lines


def _segment_of(words: Sequence[_Word]) -> _Segment:
    return _Segment(sorted(words, key=lambda w: w.x0))


# -- labels ---------------------------------------------------------------------------------------------
_OPEN = r"[\[(【「<〈]?"
_I = re.IGNORECASE
_ISSUE_DATES = [
    re.compile(
        _OPEN + r"(?:請求書?発行日|請求年月日|請求日付?|発行年月日|発行日付?|invoice\s*date|issue\s*date|"
        r"date\s*of\s*issue|billing\s*date)",
        _I,
    ),
    re.compile(_OPEN + r"(?:作成日|取引年月日|取引日|領収日|お?買上げ?日|ご?利用日|日付|date)(?![a-z])", _I),
]
_DUE_DATE = re.compile(
    _OPEN
    + r"(?:お?支払い?期限|お?支払い?期日|お?振込み?期限|お?振込み?期日|お?支払い?予定日|お?振込み?予定日"
    r"|お?支払い?日|お?振込み?日|支払日|due\s*date|payment\s*due(?:\s*date)?|pay\s*by)",
    _I,
)
_NUMBERS = [
    re.compile(
        _OPEN + r"(?:請求書?(?:番号|No\.?|NO\.?|#)|伝票番号|文書番号|書類番号|領収書?(?:番号|No\.?)|"
        r"レシート(?:番号|No\.?)|取引(?:番号|No\.?)|invoice\s*(?:no\.?|number|#))",
        _I,
    ),
    re.compile(_OPEN + r"(?:No|NO|№)\.?(?![A-Za-z])"),
]
_REGISTRATION_LABEL = re.compile(
    r"(?:適格請求書発行事業者)?登録番号|インボイス登録番号|事業者登録番号|registration\s*(?:no|number)", _I
)
_TOTALS = [
    re.compile(_OPEN + p, _I)
    for p in (
        r"(?:ご|御)?請求金額",
        r"(?:今回)?(?:ご|御)請求額",
        r"今回請求額",
        r"合計金額",
        r"税込合計",
        r"総合計",
        r"合計",
        r"請求額",
        r"(?:total\s*)?amount\s*due",
        r"grand\s*total",
        r"total(?:\s*amount)?(?![a-z])",
    )
]
_SUBTOTAL = re.compile(_OPEN + r"(?:小計|税抜金額|税抜合計|税抜計|本体価格|本体合計|sub\s*total)", _I)
_TAX = re.compile(
    _OPEN + r"(?:消費税額?等?|消費税合計|うち消費税|内消費税|(?:consumption\s*)?tax(?![a-z]))", _I
)
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
) -> Iterator[_Found]:
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
            # the whole segment(s) the words under the label belong to: a value wider than its label
            cells = [s for s in other.segments if any(w in s.words for w in under)]
            cell = _segment_of([w for s in cells for w in s.words])
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
                for m in _label_matches(label, seg):
                    for found in _values_near(lines, li, si, m, parse, below=below):
                        return found
    return None


def _label_matches(label: re.Pattern[str], seg: _Segment) -> Iterator[re.Match[str]]:
    """``label`` matched at the start of each word of the segment (「レジ#02 No.0204」 has a No. label)."""
    pos = 0
    for w in seg.words:
        if (m := label.match(seg.compact, pos)) is not None:
            yield m
        pos += len(re.sub(r"\s+", "", w.text))


def _parse_date(text: str) -> Any:
    return find_date(text)


_NOT_A_NUMBER = re.compile(r"^(?:TEL|FAX|〒)|^\d{2,4}-\d{2,4}-\d{3,4}$", _I)


def _parse_number(text: str) -> str | None:
    stripped = text.strip(_SEPARATORS)
    token = stripped.split(" ")[0] if stripped else ""
    if (
        token
        and any(ch.isdigit() for ch in token)
        and len(token) <= 40
        and find_date(token) is None
        and not _NOT_A_NUMBER.search(token)
    ):
        return token
    return None


def _parse_amounts(text: str) -> list[int] | None:
    return find_amounts(text) or None


def _parse_first_amount(text: str) -> int | None:
    amounts = find_amounts(text)
    return amounts[0] if amounts else None


def _cell_amount(text: str, *, last: bool = False) -> int | None:
    try:
        return parse_amount(text).value
    except AmountParseError:
        found = find_amounts(text)
        return (found[-1] if last else found[0]) if found else None


def _strict_amount(text: str) -> int | None:
    """``text`` when it is exactly one amount (``¥1,234``, ``1,234円``, ``-236円``, ``△500``), else None."""
    try:
        return parse_amount(text).value
    except AmountParseError:
        return None


# -- vocabulary of the document body ----------------------------------------------------------------------
_ENTITY = re.compile(
    r"株式会社|有限会社|合同会社|合資会社|合名会社|一般社団法人|一般財団法人|医療法人|税理士法人|"
    r"\((?:株|有|同|資|名)\)"
)
_NOT_ISSUER = re.compile(r"銀行|信用金庫|信用組合|振込|口座|名義|御中|支店|bank", _I)
_BANK_LABEL = re.compile(r"(?:振込先|口座|名義)[:：]?$")
_HONORIFIC = re.compile(r"(?:御中|様|殿)$")
_NOT_RECIPIENT = re.compile(r"^(?:お客様|お客さま|ご担当者?様?|担当者?様?|上様?|各位)")
_TRAILING_TITLES = re.compile(r"\s+(?:代表取締役|代表社員|代表者?|取締役|担当|TEL|Tel|電話|〒).*$")
_LEADING_LABEL = re.compile(r"^[^:：]{1,12}[:：]\s*")

_DESC_HEADER = re.compile(
    r"^(?:品名|品目|内容|摘要|商品名?|項目|明細|品番・?品名|商品・?サービス|サービス内容|作業内容|件名|品名・?規格|"
    r"ご?利用内容|内訳|名称|description|items?(?![a-z])|details?|product|service)",
    _I,
)
_WEAK_DESC_HEADER = re.compile(r"^(?:摘要|明細|内訳|件名|details?)", _I)
"""Headers that name the description column only when no other does (摘要 is also a remarks column)."""
_TABLE_STOP = re.compile(
    r"^[(【\[]?(?:小計|合計|総合計|総計|税抜|税込合計|消費税|うち消費税|内消費税|税率|\d{1,2}%対象|振込|お振込|"
    r"備考|[※★☆*]?(?:印|は)?軽減|[※★☆*]印|[※★☆*]は|以下余白|値引後合計|「軽」|sub\s*total|total|tax|"
    r"consumption|amount\s*due)",
    _I,
)
_MARKS = "※★☆*＊◆"
_MARK_EDGE = re.compile(rf"^[{_MARKS}]+\s*|\s*(?:[{_MARKS}]+|\(軽\)|\(軽減\)|\(軽減税率\))$")
_RATE_IN_CELL = re.compile(r"(\d{1,2})\s*%")
_ZERO_RATED = re.compile(r"非課税|不課税|対象外|免税")
_PAGE_NUMBER = re.compile(
    r"^(?:-?\d+-?|\d+/\d+(?:頁|ページ)?|\d+(?:頁|ページ)|(?:page|p\.?)\d+(?:(?:/|of)\d+)?|\(?\d+/\d+\)?)$", _I
)
_CONTINUED = re.compile(
    r"^[(（]?(?:前頁より|前ページより|次頁へ|次ページへ)(?:続く|続き|つづく)|^[(（]?(?:つづき|続き)[)）]?$"
)
_QTY = re.compile(r"-?\d+(?:\.\d+)?")
_QTY_CELL = re.compile(r"^(\d+(?:\.\d+)?)[^\d,.¥円]{0,3}$")  # 10, 10個, 2.5時間
_INCLUSIVE_TEXT = re.compile(r"うち消費税|内消費税|(?<!国)内税|税込価格|価格は税込")
_EXCLUSIVE_TEXT = re.compile(r"税抜|外税|税別|tax\s*excl", _I)
_RECEIPT_TITLE = re.compile(r"領収|レシート|簡易請求書|receipt", _I)
_INVOICE_TITLE = re.compile(r"請求書|invoice|ご利用料金", _I)

# Keywords that make a ``label amount`` pair part of the per-rate breakdown.
_RATE = re.compile(r"(?<![\d.])(\d{1,2})\s*%")
_RATE_LABEL = re.compile(
    r"^[(\[]?(?:税率|軽減税率)?(\d{1,2})%(?:対象(?:額|金額)?|分|税率)?(?:\(軽減?\)|軽減?)?[)\]]?$"
)
_BASE_WORDS = re.compile(r"対象|課税|税抜|本体|taxable|net", _I)
_GROSS_WORDS = re.compile(r"税込|内税|内消費税|うち|inclusive|incl", _I)
_TAX_WORDS = re.compile(r"消費税|税額|tax", _I)
_RATE_HEADER_KINDS = (
    ("rate", re.compile(r"^(?:税率|区分|税区分|rate)", _I)),
    ("gross", re.compile(r"税込")),
    ("net", re.compile(r"対象|税抜|課税|本体|taxable|net", _I)),
    ("tax", re.compile(r"消費税|税額|tax", _I)),
)


@dataclass(slots=True)
class _Column:
    kind: str  # desc, qty, unit, price, amount, rate, other
    seg: _Segment
    left: float = float("-inf")
    right: float = float("inf")


def _column_kind(compact: str) -> str:
    low = compact.lower()
    if _DESC_HEADER.match(compact):
        return "desc"
    if "単価" in compact or low.startswith(("unitprice", "price")):
        return "price"
    if "金額" in compact or compact in ("計", "小計") or low.startswith(("amount", "subtotal")):
        return "amount"
    if compact.startswith(("数量", "数", "量")) or low.startswith(("qty", "quantity")):
        return "qty"
    if compact.startswith("単位") or low == "unit":
        return "unit"
    if "税率" in compact or "税区分" in compact or low.startswith(("taxrate", "tax")):
        return "rate"
    return "other"


def _header_kinds(line: _Line) -> list[str]:
    return [_column_kind(s.compact) for s in line.segments]


def _is_table_header(line: _Line) -> bool:
    kinds = _header_kinds(line)
    return "desc" in kinds and "amount" in kinds and not find_amounts(line.text)


@dataclass
class _Listed:
    """One line of an item list without a table header."""

    line: _Line
    description: str
    amount: int
    reduced: bool  # marked as reduced-rate (※, ★, 軽 …)
    quantity: float | None = None
    unit_price: int | None = None
    extra: list[int] = field(default_factory=list)  # the quantity line under it


_AMOUNT_MARK = re.compile(rf"\s*(?:[{_MARKS}]|\(?軽(?:減)?\)?)+\s*$")
_QUANTITY_LINE = re.compile(
    r"^(?P<q>\d+(?:\.\d+)?)(?P<u>[^\d×xX*@]{0,4}?)[×xX*](?:単価?|@)?[¥]?(?P<p>\d{1,3}(?:,\d{3})+|\d+)円?$"
    r"|^@[¥]?(?P<p2>\d{1,3}(?:,\d{3})+|\d+)円?[×xX*](?P<q2>\d+(?:\.\d+)?)(?P<u2>\D{0,4})$"
)


def _quantity_line(compact: str) -> tuple[float, int] | None:
    """「2コ×単162」, 「3個 x @120」, 「@120×3」: (quantity, unit price)."""
    m = _QUANTITY_LINE.match(compact)
    if m is None:
        return None
    quantity = m.group("q") or m.group("q2")
    price = m.group("p") or m.group("p2")
    return float(quantity), int(price.replace(",", ""))


@dataclass
class _Table:
    header: _Line
    columns: list[_Column]
    rows: list[tuple[_Line, dict[str, str]]]
    inclusive: bool  # prices/amounts headed 税込/内税
    exclusive: bool  # headed 税抜

    @property
    def line_indexes(self) -> set[int]:
        return {self.header.index, *(line.index for line, _ in self.rows)}


@dataclass
class _Bucket:
    rate: int
    base: int | None = None
    gross: bool | None = None  # True: base includes tax, False: excludes it, None: not said
    tax: int | None = None
    net: int | None = None  # from a table that prints both
    gross_total: int | None = None

    def take(self, kind: str, amount: int) -> None:
        """Keep the first amount seen for a kind of cell (net, gross or tax) of a rate table."""
        attr = {"net": "net", "gross": "gross_total", "tax": "tax"}.get(kind)
        if attr and getattr(self, attr) is None:
            setattr(self, attr, amount)


def _nearest_column(heads: list[tuple[Any, _Segment]], seg: _Segment) -> Any:
    """The key of the head whose horizontal centre is closest to the segment's."""
    centre = (seg.x0 + seg.x1) / 2
    return min(heads, key=lambda h: abs((h[1].x0 + h[1].x1) / 2 - centre))[0]


class _Reader:
    def __init__(
        self, lines: list[_Line], page_height: float, rulings: list[tuple[float, float, float]]
    ) -> None:
        self.lines = lines
        self.rulings = rulings  # vertical lines and rectangle sides: (x, top, bottom), pages stacked
        self.page_height = page_height
        self.skip: set[int] = set()  # lines of the item table, never searched for labels
        self.confidence: dict[str, float] = {}
        self.findings: list[Finding] = []
        self.line_by_word: dict[int, int] = {id(w): line.index for line in lines for w in line.words}

    def _line_of(self, seg: _Segment) -> int:
        return self.line_by_word.get(id(seg.words[0]), -1)

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
                name = _LEADING_LABEL.sub("", name)  # 請求先: …, Bill To: …
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
        self.confidence["recipient"] = 1.0 if best[0][0] == 0 or _ENTITY.search(party.name) else 0.8
        return party.name, best[1]

    def registration(self) -> tuple[_Segment | None, str | None, bool | None]:
        found: tuple[float, _Segment, str] | None = None
        for li, line in enumerate(self.lines):
            for seg in line.segments:
                m = REGISTRATION_RE.search(seg.text)
                if m is None:
                    continue
                above = self.lines[li - 1].compact if li else ""
                labelled = bool(
                    _REGISTRATION_LABEL.search(seg.compact)
                    or _REGISTRATION_LABEL.search(line.compact)
                    or _REGISTRATION_LABEL.search(above)
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
        candidates: list[tuple[_Segment, str]] = []
        for line in self.lines:
            if line.index in self.skip:
                continue
            for k, seg in enumerate(line.segments):
                if seg is recipient or _HONORIFIC.search(seg.compact) or len(seg.compact) > 40:
                    continue
                if not _ENTITY.search(seg.compact):
                    continue
                if _NOT_ISSUER.search(seg.compact) or (
                    k and _BANK_LABEL.search(line.segments[k - 1].compact)
                ):
                    continue  # bank details: 振込先 …, 口座名義 …
                text = _TRAILING_TITLES.sub("", re.split(r"[:：]", seg.text)[-1]).strip()
                if text and _ENTITY.search(text):
                    candidates.append((seg, text))
        chosen: tuple[str, float] | None = None
        if candidates and registration is not None:

            def cost(c: tuple[_Segment, str]) -> float:
                dy = registration.top - c[0].bottom  # positive: the name is above the number
                return abs(dy) + (0 if dy >= -2 else 30) + 0.3 * abs(c[0].x0 - registration.x0)

            best = min(candidates, key=cost)
            chosen = (best[1], 1.0 if cost(best) < 150 else 0.6)
        elif candidates:
            top_half = [
                c for c in candidates if c[0].top % self.page_height < self.page_height / 2
            ] or candidates
            chosen = (max(top_half, key=lambda c: c[0].size)[1], 0.6)
        elif registration is not None:
            # No legal form (a sole proprietor): the biggest name-like text in the block just above the
            # registration number (the trade name rather than the owner's name printed under it).
            names: list[_Segment] = []
            reg_line = self._line_of(registration)
            for line in reversed(self.lines[: max(reg_line, 0)]):
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
            # No label: the first date in the top third of the first page that is not the due date; more
            # likely right when it is the only one there.
            due_line = due.line.index if due else -1
            dates = [
                d
                for line in self.lines
                if line.page == 0 and line.top < self.page_height / 3 and line.index != due_line
                if (d := find_date(line.text)) is not None
            ]
            if dates:
                issue_value = dates[0]
                self.confidence["issue_date"] = 0.8 if len(set(dates)) == 1 else 0.6
        due_value = due.value if due else None
        self.confidence["due_date"] = due.confidence if due else 0.0
        if (
            due_value is not None
            and issue_value is not None
            and not 0 <= (due_value - issue_value).days <= 190
        ):
            self.confidence["due_date"] = 0.4  # before the issue date, or half a year after it: a misread
        self.confidence["invoice_number"] = number.confidence if number else 0.0
        return issue_value, due_value, number.value if number else None

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
        descs = [c for c in columns if c.kind == "desc"]
        if len(descs) > 1:
            strong = [c for c in descs if not _WEAK_DESC_HEADER.match(c.seg.compact)] or descs[:1]
            for c in descs:
                if c is not strong[0]:
                    c.kind = "other"
        kinds = [c.kind for c in columns]
        return columns if "desc" in kinds and "amount" in kinds else None

    @staticmethod
    def _cells(line: _Line, columns: list[_Column]) -> dict[str, str]:
        cells: dict[str, list[str]] = {}
        for w in line.words:
            col = next((c for c in columns if c.left <= w.cx < c.right), columns[-1])
            cells.setdefault(col.kind, []).append(w.text)
        return {k: " ".join(v) for k, v in cells.items()}

    def table(self) -> _Table | None:
        """The item table; its parts on later pages (with or without a repeated header) are merged."""
        tables: list[_Table] = []
        i = 0
        while i < len(self.lines):
            header = self.lines[i]
            columns = self._columns(header) if _is_table_header(header) else None
            if columns is None:
                i += 1
                continue
            inclusive = any(
                c.kind in ("price", "amount") and re.search(r"税込|内税", c.seg.compact) for c in columns
            )
            exclusive = any(
                c.kind in ("price", "amount") and _EXCLUSIVE_TEXT.search(c.seg.compact) for c in columns
            )
            rows: list[tuple[_Line, dict[str, str]]] = []
            last = header
            suspended = False  # a gap on the page: the table may go on at the top of the next page only
            j = i + 1
            while j < len(self.lines):
                line = self.lines[j]
                if line.page > last.page + 1:
                    break  # a table goes on at the top of the next page at most
                if _PAGE_NUMBER.match(line.compact) or _CONTINUED.match(line.compact):
                    j += 1
                    continue
                if any(_TABLE_STOP.match(s.compact) for s in line.segments):
                    break
                if _is_table_header(line):
                    break  # the next table's header (a repeated header on the next page)
                if line.page == last.page and line.top - last.bottom > 6 * max(header.size, 1):
                    suspended = True
                if suspended and line.page == last.page:
                    j += 1
                    continue
                joined = self._cells(line, columns)
                amount = joined.get("amount")
                if amount is not None and _cell_amount(amount, last=True) is not None and joined.get("desc"):
                    rows.append((line, joined))
                    last = line
                    suspended = False
                elif (
                    rows
                    and not suspended
                    and set(joined) <= {"desc"}
                    and line.page == last.page
                    and line.top - last.bottom < 0.8 * line.size
                ):
                    prev = rows[-1][1]  # a description wrapped onto a second line
                    prev["desc"] = f"{prev.get('desc', '')} {joined['desc']}".strip()
                    last = line
                j += 1  # anything else (the head of the next page, a note in the table) is passed over
            tables.append(_Table(header, columns, rows, inclusive, exclusive))
            i = j
        tables = [t for t in tables if t.rows]
        if not tables:
            return None
        merged = tables[0]
        for t in tables[1:]:
            if t.header.page == merged.rows[-1][0].page + 1 or t.header.page == merged.rows[-1][0].page:
                merged.rows.extend(t.rows)
                merged.inclusive = merged.inclusive or t.inclusive
                merged.exclusive = merged.exclusive or t.exclusive
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

    def listed_items(self, default_rate: int, targets: Collection[int]) -> list[InvoiceLine]:
        """No table header: a run of lines that each hold a description and end in one amount, right-aligned
        together (an item list such as 基本料金 … 1,650円, or a register receipt), stopping at the totals. A
        line 「2コ × 単162」 under an item gives its quantity and unit price. The run whose amounts add up to
        one of ``targets`` (totals and per-rate bases read elsewhere) wins, else the longest of two lines or
        more."""
        runs: list[list[_Listed]] = []
        run: list[_Listed] = []
        for line in self.lines:
            item = self._list_item(line)
            if item is None and run and (qp := _quantity_line(line.compact)) is not None:
                prev = run[-1]
                close = line.page == prev.line.page and line.top - prev.line.bottom < 1.5 * line.size
                if close and prev.quantity is None and Decimal(str(qp[0])) * qp[1] == prev.amount:
                    prev.quantity, prev.unit_price = qp
                    prev.extra.append(line.index)
                    continue
            if item is not None and run:
                prev_line = run[-1].line
                last = self.lines[run[-1].extra[-1]] if run[-1].extra else prev_line
                aligned = abs(prev_line.segments[-1].x1 - line.segments[-1].x1) < 4
                close = line.page == last.page and line.top - last.bottom < 2.5 * line.size
                if not (aligned and close):
                    runs.append(run)
                    run = []
            if item is not None:
                run.append(item)
            elif run:
                runs.append(run)
                run = []
        if run:
            runs.append(run)
        matching = [r for r in runs if sum(it.amount for it in r) in targets]
        runs = matching or [r for r in runs if len(r) >= 2]
        if not runs:
            return []
        best = max(runs, key=len)
        self.skip |= {i for it in best for i in (it.line.index, *it.extra)}
        return [
            InvoiceLine(
                description=it.description,
                quantity=it.quantity,
                unit_price=it.unit_price,
                amount=it.amount,
                rate=8 if it.reduced else default_rate,
            )
            for it in best
        ]

    def _list_item(self, line: _Line) -> _Listed | None:
        if len(line.segments) < 2 or line.index in self.skip:
            return None
        last = line.segments[-1].text
        reduced = False
        if (mark := _AMOUNT_MARK.search(last)) is not None and mark.group(0):
            last, reduced = last[: mark.start()], True
        amount = _strict_amount(last)
        before = line.segments[:-1]
        quantity: float | None = None
        unit_price: int | None = None
        if amount is not None and len(before) >= 3:
            # a table without a header row: 「ボルト M6 | 10 | 120 | 1,200」 when quantity × price = amount
            qm = _QTY_CELL.match(before[-2].compact)
            price = _strict_amount(before[-1].text)
            if qm is not None and price is not None and Decimal(qm.group(1)) * price == amount:
                quantity, unit_price, before = float(qm.group(1)), price, before[:-2]
        desc = collapse_spaces(" ".join(s.text for s in before))
        if amount is None or not re.search(r"[^\d\s,.:/\-()]", desc) or find_date(desc) is not None:
            return None
        if _is_label(line.segments[0]) or _TABLE_STOP.match(line.segments[0].compact):
            return None
        if _RATE.search(desc) and _BASE_WORDS.search(desc):
            return None  # 10%対象 …: the breakdown, not an item
        while (m := _MARK_EDGE.search(desc)) and m.group(0):
            desc = (desc[: m.start()] + desc[m.end() :]).strip()
            reduced = True
        return _Listed(line, desc, amount, reduced, quantity, unit_price)

    # -- totals ----------------------------------------------------------------------------------------
    def _rate_table(self, li: int) -> tuple[dict[int, _Bucket], set[int]]:
        """A rate table under the header ``self.lines[li]`` (税率 | 税抜金額 | 消費税額 | 税込金額 …): its
        rows, one per rate, each amount taken by the header cell above it."""
        header = self.lines[li]
        if find_amounts(header.text):
            return {}, set()
        rates = [(int(m.group(1)), seg) for seg in header.segments if (m := _RATE_LABEL.match(seg.compact))]
        if rates and len(rates) == len(header.segments):
            return self._rate_columns(li, rates)
        heads: list[tuple[str, _Segment]] = []
        for seg in header.segments:
            kind = next((k for k, p in _RATE_HEADER_KINDS if p.search(seg.compact)), None)
            if kind is not None:
                heads.append((kind, seg))
        kinds = {k for k, _ in heads}
        if not ("tax" in kinds and kinds & {"net", "gross"}):
            return {}, set()
        found: dict[int, _Bucket] = {}
        used = {header.index}
        for line in self.lines[li + 1 : li + 6]:
            if line.top - header.bottom > 12 * header.size:
                break
            first = line.segments[0]
            rm = _RATE.search(first.text)
            if rm is None or len(first.compact) > 12:
                if found:
                    break
                continue
            bucket = found.setdefault(int(rm.group(1)), _Bucket(int(rm.group(1))))
            for seg in line.segments[1:]:
                amount = _strict_amount(seg.text.strip("()（）"))
                if amount is None:
                    continue
                bucket.take(_nearest_column(heads, seg), amount)
            used.add(line.index)
        return found, used

    def _rate_columns(
        self, li: int, rates: list[tuple[int, _Segment]]
    ) -> tuple[dict[int, _Bucket], set[int]]:
        """A rate table turned on its side: the rates head the columns (10%対象 | 8%対象) and each row is a
        kind of amount (税抜金額, 消費税, 税込金額)."""
        header = self.lines[li]
        found = {rate: _Bucket(rate) for rate, _ in rates}
        used = {header.index}
        for line in self.lines[li + 1 : li + 6]:
            if line.top - header.bottom > 8 * header.size:
                break
            first = line.segments[0]
            kind = next((k for k, p in _RATE_HEADER_KINDS[1:] if p.search(first.compact)), None)
            if kind is None:
                break
            for seg in line.segments[1:]:
                amount = _strict_amount(seg.text.strip("()（）"))
                if amount is None:
                    continue
                found[_nearest_column(rates, seg)].take(kind, amount)
            used.add(line.index)
        if not any(b.tax is not None for b in found.values()):
            return {}, set()
        return found, used

    @staticmethod
    def _tokens(line: _Line) -> list[tuple[str, int | None, float, float]]:
        """The words of a line as (text, amount or None, x0, x1); ``label¥1,234`` is split in two."""
        out: list[tuple[str, int | None, float, float]] = []
        for w in line.words:
            text = w.text.strip("()（）[]")
            amount = _strict_amount(text) if re.search(r"\d", text) else None
            if amount is None and (m := re.match(r"^(.*?[^\d,\s¥\-△▲])([¥\-△▲]?[\d,]+円?)$", text)):
                if (tail := _strict_amount(m.group(2))) is not None and find_amounts(m.group(2)):
                    out.append((m.group(1), None, w.x0, w.x0))
                    out.append((m.group(2), tail, w.x0, w.x1))
                    continue
            out.append((w.text, amount, w.x0, w.x1))
        return out

    def buckets(self) -> dict[int, _Bucket]:
        """Per-rate bases and taxes: rate tables, and every ``label amount`` pair whose label (or the rate
        named just before it on the line, or on the line above) names a rate."""
        found: dict[int, _Bucket] = {}
        used: set[int] = set()
        for li, line in enumerate(self.lines):
            if line.index in self.skip or line.index in used or find_amounts(line.text):
                continue
            table, rows = self._rate_table(li)
            for rate, b in table.items():
                found.setdefault(rate, b)
            used |= rows
        carried: int | None = None  # the rate of the line above, for 「うち消費税等 ¥y」 under 「10%対象 ¥x」
        previous: _Line | None = None
        for li, line in enumerate(self.lines):
            if line.index in self.skip or line.index in used:
                previous, carried = None, None
                continue
            if previous is None or line.top - previous.bottom > 1.2 * line.size:
                carried = None
            tokens = self._tokens(line)
            if (stacked := self._stacked(li, tokens)) is not None:
                tokens = stacked  # labels in a row, their values in the row under them
                used.add(self.lines[li + 1].index)
            label: list[str] = []
            context = carried
            last_x = None
            line_rate: int | None = None
            for text, amount, x0, x1 in tokens:
                if last_x is not None and x0 - last_x > 8 * line.size and (amount is None or not label):
                    context, label = (
                        None,
                        [],
                    )  # another block on the same line (a legend, 小計 … on the right)
                last_x = x1
                if amount is None:
                    label.append(text)
                    if (rm := _RATE.search(text)) is not None:
                        context = int(rm.group(1))
                    continue
                words = "".join(label)
                label = []
                rm = _RATE.search(words)
                rate = int(rm.group(1)) if rm else context
                if rm is None and _ZERO_RATED.search(words) and not _TAX_WORDS.search(words):
                    found.setdefault(0, _Bucket(0, base=amount, gross=False, tax=0))  # 非課税 ¥200: no tax
                    continue
                if rate is None or not words:
                    continue
                bucket = found.setdefault(rate, _Bucket(rate))
                if _BASE_WORDS.search(words) or (rm and not _TAX_WORDS.search(words)):
                    if bucket.base is None and bucket.net is None and bucket.gross_total is None:
                        bucket.base = amount
                        bucket.gross = True if _GROSS_WORDS.search(words) else None
                        if _EXCLUSIVE_TEXT.search(words) or "taxable" in words.lower():
                            bucket.gross = False
                elif _TAX_WORDS.search(words) and bucket.tax is None:
                    bucket.tax = amount
                    if _GROSS_WORDS.search(words) and bucket.gross is None:
                        bucket.gross = True  # 「10%対象 ¥x (内消費税 ¥y)」: the base includes the tax
                line_rate = rate
            carried = line_rate if line_rate is not None else None
            previous = line
        return {
            r: b for r, b in found.items() if b.tax is not None or b.base is not None or b.net is not None
        }

    def _stacked(
        self, li: int, tokens: list[tuple[str, int | None, float, float]]
    ) -> list[tuple[str, int | None, float, float]] | None:
        """A row of labels with no amounts (小計 | 消費税(10%) | 御請求金額) over a row of amounts only, each
        amount under one label: the pairs as if they had been printed side by side."""
        if (
            li + 1 >= len(self.lines)
            or any(a is not None for _, a, _, _ in tokens)
            or not _RATE.search(self.lines[li].text)
        ):
            return None
        header, below = self.lines[li], self.lines[li + 1]
        if below.top - header.bottom > 2.5 * header.size or below.index in self.skip:
            return None
        values = self._tokens(below)
        if not values or any(a is None for _, a, _, _ in values):
            return None
        out: list[tuple[str, int | None, float, float]] = []
        for seg in header.segments:
            under = [v for v in values if v[2] < seg.x1 + 6 and v[3] > seg.x0 - 6]
            if len(under) != 1:
                continue
            out.append((seg.text, None, seg.x0, seg.x0))
            out.append(under[0][:2] + (seg.x0, seg.x1))
        return out or None

    def total(self, expected: set[int]) -> _Found | None:
        """The billed amount: the first labelled value that agrees with the breakdown or the lines
        (``expected``), else the first labelled value."""
        first: _Found | None = None
        for label in _TOTALS:
            for li, line in enumerate(self.lines):
                if line.index in self.skip:
                    continue
                for si, seg in enumerate(line.segments):
                    m = next(_label_matches(label, seg), None)
                    if m is None:
                        continue
                    for found in _values_near(self.lines, li, si, m, _parse_amounts, below=True):
                        agreeing = [a for a in found.value if a in expected]
                        if agreeing:
                            return _Found(agreeing[0], found.confidence, found.line, found.segment)
                        if first is None:
                            first = _Found(found.value[0], 0.5, found.line, found.segment)
                        break
        return first

    def total_candidates(self) -> set[int]:
        """Every amount next to a total's label (合計, ご請求金額 …)."""
        out: set[int] = set()
        for label in _TOTALS:
            for li, line in enumerate(self.lines):
                for si, seg in enumerate(line.segments):
                    if (m := label.match(seg.compact)) is not None:
                        for found in _values_near(self.lines, li, si, m, _parse_amounts, below=True):
                            out.update(found.value)
                            break
        return out

    def labelled_amount(self, label: re.Pattern[str]) -> int | None:
        hit = _labelled(self.lines, [label], _parse_first_amount, below=False, skip=self.skip)
        return hit.value if hit else None


# -- putting the fields together --------------------------------------------------------------------------
def _missing(field_name: str, label: str, severity: Severity = Severity.WARNING) -> Finding:
    return Finding(
        code="extract.field_missing",
        severity=severity,
        message=f"{label}が見つかりません ({field_name} not found on the document)",
        field=field_name,
    )


def _unverified(code: str, field_name: str, message: str) -> Finding:
    return Finding(code=code, severity=Severity.WARNING, message=message, field=field_name)


def _title(lines: Iterable[_Line], page_height: float) -> str:
    top = [line for line in lines if line.page == 0 and line.top < page_height * 0.3]
    return max(top, key=lambda line: line.size).compact if top else ""


def _document_type(lines: Sequence[_Line], page_height: float, recipient: str | None) -> DocumentType:
    title = _title(lines, page_height)
    if _RECEIPT_TITLE.search(title):
        return DocumentType.RECEIPT
    if recipient is None and not _INVOICE_TITLE.search(title):
        head = [line for line in lines if line.page == 0 and line.top < page_height * 0.4]
        if any(_RECEIPT_TITLE.search(line.compact) for line in head):
            return DocumentType.RECEIPT
    return DocumentType.INVOICE


@dataclass
class _Money:
    """What the amounts say once the pricing (内税/外税) is decided, and which cross-checks hold."""

    inclusive: bool
    buckets: list[TaxBucket]
    printed: bool  # the breakdown was printed (not derived from the lines and a lone 消費税)
    lines_ok: bool  # the lines add up to each rate's net (外税) or net + tax (内税)
    score: int


def _resolve(
    raw: dict[int, _Bucket], items: list[InvoiceLine], inclusive: bool
) -> tuple[list[TaxBucket], bool]:
    """Per-rate net and tax, reading each printed base as 税込 or 税抜 as it says, else as ``inclusive``;
    and whether every base was printed (rather than taken from the lines)."""
    out = []
    printed = True
    for rate in sorted(raw, reverse=True):
        b = raw[rate]
        line_sum = sum(i.amount for i in items if i.rate == rate) if items else None
        tax, net = b.tax, None
        if tax is not None:
            if b.net is not None:
                net = b.net
            elif b.gross_total is not None:
                net = b.gross_total - tax
            elif b.base is not None:
                net = b.base - tax if (b.gross if b.gross is not None else inclusive) else b.base
            elif line_sum is not None and any(i.rate == rate for i in items):
                net = line_sum - tax if inclusive else line_sum
                printed = False
        if net is None or tax is None:
            return [], False  # an incomplete breakdown is no breakdown
        out.append(TaxBucket(rate=rate, net=net, tax=tax))
    return out, printed


def _lines_agree(items: list[InvoiceLine], buckets: list[TaxBucket], inclusive: bool) -> bool:
    if not items or not buckets or {i.rate for i in items} != {b.rate for b in buckets}:
        return False
    return all(
        sum(i.amount for i in items if i.rate == b.rate) == (b.net + b.tax if inclusive else b.net)
        for b in buckets
    )


def _plausible(b: TaxBucket) -> bool:
    """The tax is (within a yen or so) the rate applied to the net, or the tax contained in net + tax."""
    if b.rate == 0:
        return b.tax == 0
    on_net = Decimal(b.net) * b.rate / 100
    in_gross = Decimal(b.net + b.tax) * b.rate / (100 + b.rate)
    return abs(on_net - b.tax) <= Decimal("1.5") or abs(in_gross - b.tax) <= 1


def _read_fields(
    lines: list[_Line], page_height: float, rulings: list[tuple[float, float, float]]
) -> tuple[DocumentType, Invoice, dict[str, float], list[Finding]]:
    r = _Reader(lines, page_height, rulings)
    table = r.table()
    recipient, recipient_seg = r.recipient()
    reg_seg, registration, reg_valid = r.registration()
    issuer = r.issuer(reg_seg, recipient_seg)
    issue, due, number = r.dates_and_number()
    doc_type = _document_type(lines, page_height, recipient)

    raw = r.buckets()
    default_rate = next(iter(raw)) if len(raw) == 1 else 10
    if table is not None:
        items = r.items(table, default_rate)
    else:
        targets = r.total_candidates()
        for b in raw.values():
            targets |= {v for v in (b.base, b.net, b.gross_total) if v is not None}
        items = r.listed_items(default_rate, targets)

    # 内税 or 外税: the reading under which the lines, the breakdown and the total agree best, then what
    # the page says (税込 columns, うち消費税 …).
    said_inclusive = (table is not None and table.inclusive) or any(
        _INCLUSIVE_TEXT.search(ln.compact) for ln in lines
    )
    said_exclusive = table is not None and table.exclusive
    said = True if said_inclusive and not said_exclusive else False if said_exclusive else None
    line_sum = sum(i.amount for i in items)
    readings = [(h, *_resolve(raw, items, h)) for h in (False, True)]
    expected: set[int] = set()
    for _, bs, _ in readings:
        if bs:
            expected.add(sum(b.net + b.tax for b in bs))
    if items:
        expected.add(line_sum)  # 内税 lines add up to the total
        taxes = [b.tax for b in raw.values() if b.tax is not None]
        if taxes:
            expected.add(line_sum + sum(taxes))  # 外税 lines + the taxes
    total_hit = r.total(expected)
    total = total_hit.value if total_hit else None

    best: _Money | None = None
    for h, bs, whole in readings:
        lines_ok = _lines_agree(items, bs, h)
        total_ok = bool(bs) and total is not None and sum(b.net + b.tax for b in bs) == total
        score = 4 * lines_ok + 2 * total_ok + (said == h) + (h is False and said is None)
        money = _Money(h, bs, bool(bs) and whole, lines_ok, score)
        if best is None or money.score > best.score:
            best = money
    assert best is not None
    inclusive, buckets, printed = best.inclusive, best.buckets, best.printed
    if not buckets and items:
        # no complete breakdown printed: derive it, 内税 or 外税 as the total agrees, else as the page says
        options = []
        for h in (inclusive, not inclusive):
            derived = _derived(r, raw, items, h, total)
            agrees = bool(derived) and total is not None and sum(b.net + b.tax for b in derived) == total
            options.append((agrees, h == inclusive, h, derived))
        _, _, inclusive, buckets = max(options, key=lambda o: (o[0], o[1]))
    lines_ok = _lines_agree(items, buckets, inclusive)
    total_ok = bool(buckets) and total is not None and sum(b.net + b.tax for b in buckets) == total
    lines_total_ok = (
        bool(items)
        and total is not None
        and (line_sum == total if inclusive else line_sum + sum(b.tax for b in buckets) == total)
    )
    if total is None and buckets:
        total = sum(b.net + b.tax for b in buckets)

    conf = r.confidence
    findings = r.findings
    if issuer is not None and issuer == recipient:
        conf["issuer"] = min(conf.get("issuer", 0.0), 0.3)  # the seller cannot be the buyer: a misread
    # the breakdown
    breakdown_conf = (1.0 if printed else 0.7) if buckets else 0.0
    implausible = [b for b in buckets if not _plausible(b)]
    if implausible:
        breakdown_conf = min(breakdown_conf, 0.4)
        rates = ", ".join(f"{b.rate}%" for b in implausible)
        findings.append(
            _unverified(
                "extract.breakdown_unverified",
                "tax_breakdown",
                f"税率ごとの消費税が対象額と合いません ({rates}): the breakdown may be misread",
            )
        )
    # the total against the breakdown, and the lines against both
    if total_hit is None:
        conf["total"] = 0.6 if total is not None else 0.0
    elif total_ok or lines_total_ok:
        conf["total"] = 1.0  # labelled, and the breakdown or the lines add up to it
    elif not buckets and not items:
        conf["total"] = 0.6
    else:
        conf["total"] = 0.4
    if total is not None and buckets and not total_ok:
        if lines_ok or not items:
            conf["total"] = min(conf["total"], 0.4)
        else:
            breakdown_conf = min(breakdown_conf, 0.4)
            conf["total"] = min(conf["total"], 0.5)
        computed = sum(b.net + b.tax for b in buckets)
        findings.append(
            _unverified(
                "extract.total_unverified",
                "total",
                f"合計 {total:,}円 does not match the breakdown read ({computed:,}円); check the total",
            )
        )
    conf["tax_breakdown"] = breakdown_conf
    if items:
        conf["lines"] = 1.0 if lines_ok or (not buckets and lines_total_ok) else 0.4
        if conf["lines"] < LOW_CONFIDENCE:
            what = "内税" if inclusive else "外税"
            findings.append(
                _unverified(
                    "extract.lines_unverified",
                    "lines",
                    f"明細の合計が税率ごとの対象額と合いません ({what}): lines may be missing or misread",
                )
            )
    else:
        conf["lines"] = 0.0
    if lines_ok or (total_ok and said in (None, inclusive)):
        conf["tax_inclusive_pricing"] = 1.0  # the lines (or the total) add up only this way
    else:
        conf["tax_inclusive_pricing"] = 0.9 if said == inclusive else 0.6
    conf["needs_ocr"] = 1.0

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
            findings.append(_missing(name, label))
    if invoice.due_date is None and doc_type == DocumentType.INVOICE:
        findings.append(_missing("due_date", "支払期限", Severity.INFO))
    confidence = {name: round(conf.get(name, 0.0), 2) for name in Invoice.model_fields}
    named = {f.field for f in findings}
    for name, value in confidence.items():
        if value < LOW_CONFIDENCE and getattr(invoice, name) not in (None, []) and name not in named:
            findings.append(
                _unverified(
                    "extract.low_confidence",
                    name,
                    f"{name} was guessed (confidence {value:.1f}): check it against the document",
                )
            )
    return doc_type, invoice, confidence, findings


def _derived(
    r: _Reader, raw: dict[int, _Bucket], items: list[InvoiceLine], inclusive: bool, total: int | None
) -> list[TaxBucket]:
    """No complete breakdown printed: per rate from the lines and 「消費税(10%)」, or, with one rate, from
    小計 and 消費税 (外税) or the total and うち消費税 (内税)."""
    rates = sorted({i.rate for i in items}, reverse=True)
    taxes = {rate: b.tax for rate, b in raw.items() if b.tax is not None}
    if all(rate in taxes for rate in rates):
        out = []
        for rate in rates:
            line_sum = sum(i.amount for i in items if i.rate == rate)
            tax = taxes[rate]
            out.append(TaxBucket(rate=rate, net=line_sum - tax if inclusive else line_sum, tax=tax))
        return out
    if len(rates) != 1:
        return []
    rate = rates[0]
    tax = r.labelled_amount(_TAX)
    if tax is None:
        return []
    if inclusive:
        gross = total if total is not None else sum(i.amount for i in items)
        return [TaxBucket(rate=rate, net=gross - tax, tax=tax)]
    sub = r.labelled_amount(_SUBTOTAL)
    return [TaxBucket(rate=rate, net=sub if sub is not None else sum(i.amount for i in items), tax=tax)]


# -- PDF level ------------------------------------------------------------------------------------------
def _no_text_layer(name: str) -> _ReadError:
    return _ReadError(
        "pdf.no_text_layer",
        f"{name}: this PDF has no text layer (it looks like a scan or a photo). Reading scans needs OCR, "
        "which Kuroko does not do yet (coming later); ask the sender for the original PDF.",
    )


_WORD_GAP = 3.0  # pdfplumber's x_tolerance: a wider gap between two characters separates words
_LINE_SKEW = 3.0  # pdfplumber's y_tolerance: characters whose tops differ by more sit on other lines


def _page_objects(page: Any, offset: float) -> tuple[list[_Word], list[tuple[float, float, float]], int]:
    """The words (NFKC), the vertical rulings and the number of characters of one pdfplumber page.

    Walks pdfminer's layout of the page (``page.layout``) directly: the same characters and boxes as
    ``page.extract_words()`` and ``page.vertical_edges`` (words split at spaces, at gaps over 3 pt and where
    the font size changes), without building pdfplumber's dictionary of every attribute of every character,
    which is a third of the time.
    """
    height = float(page.height)
    mb_x0, mb_top = float(page.mediabox[0]), float(page.mediabox[1])
    top_of = height + mb_top + offset  # top = top_of - y1
    chars: list[tuple[float, float, float, float, float, str]] = []  # top, x0, x1, bottom, size, text
    rulings: list[tuple[float, float, float]] = []
    stack = [iter(page.layout)]
    while stack:
        obj = next(stack[-1], None)
        if obj is None:
            stack.pop()
        elif isinstance(obj, LTChar):
            chars.append(
                (top_of - obj.y1, obj.x0 + mb_x0, obj.x1 + mb_x0, top_of - obj.y0, obj.size, obj.get_text())
            )
        elif isinstance(obj, LTRect):
            if obj.y1 - obj.y0 > 3:
                rulings.append((obj.x0 + mb_x0, top_of - obj.y1, top_of - obj.y0))
                rulings.append((obj.x1 + mb_x0, top_of - obj.y1, top_of - obj.y0))
        elif isinstance(obj, LTLine):
            if abs(obj.x1 - obj.x0) < 0.5 and obj.y1 - obj.y0 > 3:
                rulings.append((obj.x0 + mb_x0, top_of - obj.y1, top_of - obj.y0))
        elif isinstance(obj, LTContainer):
            stack.append(iter(obj))
    chars.sort()
    words: list[_Word] = []
    row: list[tuple[float, float, float, float, float, str]] = []

    def flush() -> None:
        row.sort(key=lambda c: c[1])
        current: list[tuple[float, float, float, float, float, str]] = []
        for c in [*row, None]:
            if current and (
                c is None
                or c[5].isspace()
                or c[1] > current[-1][2] + _WORD_GAP
                or c[4] != current[-1][4]
                or abs(c[0] - current[-1][0]) > _LINE_SKEW
            ):
                text = normalize_text("".join(ch[5] for ch in current)).strip()
                if text:
                    words.append(
                        _Word(
                            text,
                            current[0][1],
                            max(ch[2] for ch in current),
                            min(ch[0] for ch in current),
                            max(ch[3] for ch in current),
                            current[0][4],
                        )
                    )
                current = []
            if c is not None and not c[5].isspace():
                current.append(c)
        row.clear()

    for c in chars:
        if row and c[0] - row[-1][0] > _LINE_SKEW:
            flush()
        row.append(c)
    flush()
    return words, rulings, len(chars)


def _words_of(pdf: Any, name: str) -> tuple[list[_Line], float, list[tuple[float, float, float]]]:
    """Lines of words of every page, pages stacked (``top`` counts from the top of the first page); the
    first page's height; the vertical rulings."""
    lines: list[_Line] = []
    rulings: list[tuple[float, float, float]] = []
    offset = 0.0
    first_height = 0.0
    chars = 0
    for page_no, page in enumerate(pdf.pages):
        height = float(page.height)
        first_height = first_height or height
        words, page_rulings, count = _page_objects(page, offset)
        chars += count
        if words:
            lines.extend(_group_lines(words, page_no, len(lines)))
            rulings.extend(page_rulings)
        offset += height
        page.close()
    if chars < MIN_TEXT_CHARS:
        raise _no_text_layer(name)
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
