"""Finding values by their labels, and tables by their header rows, the way a person reads a form.

A label is a cell whose whole text, normalized (NFKC, spaces removed, ``【】``/``※``/trailing ``:`` and
``(必須)`` dropped), is one of a field's synonyms; or a cell ``氏名：山田 太郎`` holding label and value.
Its value is the first non-empty cell to the right (empty cells skipped, merged ranges crossed), or else
the first below it. A scan stops at another label, so a blank field never borrows its neighbour's value.

A table is found by its header row: the row naming the most of the table's columns (日付/利用日, 金額 …),
a header cell merged over two rows counting for the lower row. Its rows run until a total row (合計, 小計 …)
or the end of the sheet.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from robots.documents.excel._workbook import Sheet
from robots.jp import normalize_text

__all__ = ["TOTAL_KEYS", "Hit", "LabelIndex", "Table", "find_table", "label_key"]

_STRIP_CHARS = "※*＊●■◆◇・◎【】[]「」『』<>〈〉《》:"
_SUFFIXES = re.compile(r"\((?:必須|任意|※|必須項目|自署|記入)\)$")
_PARENTHESES = re.compile(r"\([^)]*\)")

TOTAL_KEYS: frozenset[str] = frozenset(
    ("合計 小計 計 総計 合計金額 精算合計 総合計 月計 集計 合計時間 合計額 total ").split()
)
"""Keys of cells that end a table."""

OTHER_LABELS: frozenset[str] = frozenset(
    (
        "備考 承認 承認者 承認日 確認 確認者 上長 上長印 経理 印 部長 課長 担当 担当者 受付 受付日 "
        "no no. 番号 銀行名 金融機関名 金融機関 支店名 年齢 メールアドレス "
        "e-mail email 緊急連絡先 続柄 扶養家族 扶養 振込先 振込口座 給与振込口座 本人確認 署名 捺印 "
        "押印 申請者印 所属長 精算方法 支払方法 仮払金 差引支給額 曜日 曜 勤務時間 実働 実働時間 残業 "
        "残業時間 時間外 深夜 休日出勤 出勤日数 欠勤日数 有給日数 "
    ).split()
)
"""Labels of things this reader does not extract: scans stop at them too."""


def label_key(text: str) -> str:
    """The matching key of a label: ``【 氏　名 】：`` → ``氏名``; ASCII lower-cased."""
    s = re.sub(r"\s+", "", normalize_text(text))
    s = s.strip(_STRIP_CHARS)
    s = _SUFFIXES.sub("", s).strip(_STRIP_CHARS)
    return s.lower()


def keys(labels: Iterable[str]) -> tuple[str, ...]:
    return tuple(label_key(label) for label in labels)


@dataclass(frozen=True, slots=True)
class Hit:
    """A value found for a label: the value's cell, or inline text (``氏名：山田``) with the label's cell."""

    label: str
    row: int
    col: int
    label_row: int
    label_col: int
    inline: str | None = None
    primary: bool = True
    direction: str = "right"


@dataclass
class LabelIndex:
    """Where each label key occurs on a sheet, and which keys stop a scan."""

    sheet: Sheet
    stop_keys: frozenset[str]
    positions: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    inline: dict[str, list[tuple[int, int, str]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for cell in self.sheet.anchors():
            if not isinstance(cell.value, str) or cell.formula is not None:
                continue
            text = self.sheet.text(cell.row, cell.col)
            if not text or len(text) > 80:
                continue
            self.positions.setdefault(label_key(text), []).append((cell.row, cell.col))
            if ":" in text:
                left, right = text.split(":", 1)
                right = right.strip()
                if right:
                    self.inline.setdefault(label_key(left), []).append((cell.row, cell.col, right))

    def present(self, label_keys: Iterable[str]) -> bool:
        return any(k in self.positions or k in self.inline for k in label_keys)

    def is_stop(self, row: int, col: int) -> bool:
        text = self.sheet.text(row, col)
        return bool(text) and (label_key(text) in self.stop_keys or text.endswith(":"))

    def hits(
        self,
        label_keys: Sequence[str],
        *,
        accepts: Callable[[str], bool] | None = None,
        max_right: int = 8,
        max_below: int = 2,
    ) -> Iterator[Hit]:
        """Candidate values for a field, best first: for each synonym in order, each occurrence in reading
        order, its inline value, then the value to its right, then below."""
        for i, key in enumerate(label_keys):
            for row, col, text in self.inline.get(key, ()):
                yield Hit(key, row, col, row, col, inline=text, primary=i == 0, direction="inline")
            for row, col in self.positions.get(key, ()):
                found = self._right(row, col, accepts, max_right)
                if found is not None:
                    yield Hit(key, *found, row, col, primary=i == 0, direction="right")
                found = self._below(row, col, accepts, max_below)
                if found is not None:
                    yield Hit(key, *found, row, col, primary=i == 0, direction="below")

    def _usable(self, row: int, col: int, accepts: Callable[[str], bool] | None) -> bool | None:
        """True: a value; False: a label (stop); None: empty (go on)."""
        if self.sheet.is_empty(row, col):
            return None
        if accepts is not None and accepts(self.sheet.text(row, col)):
            return True
        return not self.is_stop(row, col)

    def _right(
        self, row: int, col: int, accepts: Callable[[str], bool] | None, limit: int
    ) -> tuple[int, int] | None:
        top, _left, _bottom, right = self.sheet.extent(row, col)
        c = right + 1
        seen = 0
        while seen < limit and c <= self.sheet.max_col:
            anchor = self.sheet.anchor(top, c)
            usable = self._usable(top, c, accepts)
            if usable is True:
                return anchor
            if usable is False:
                return None
            c = self.sheet.extent(top, c)[3] + 1
            seen += 1
        return None

    def _below(
        self, row: int, col: int, accepts: Callable[[str], bool] | None, limit: int
    ) -> tuple[int, int] | None:
        _top, left, bottom, right = self.sheet.extent(row, col)
        r = bottom + 1
        seen = 0
        while seen < limit and r <= self.sheet.max_row:
            for c in range(left, right + 1):
                usable = self._usable(r, c, accepts)
                if usable is True:
                    return self.sheet.anchor(r, c)
                if usable is False:
                    return None
            r = max(self.sheet.extent(r, c)[2] for c in range(left, right + 1)) + 1
            seen += 1
        return None


@dataclass
class Table:
    """A table: the column of each field and the rows holding data."""

    columns: dict[str, int]
    header_keys: dict[str, str]  # field -> the header's key as printed (for units such as 休憩(時間))
    first_row: int
    last_row: int  # inclusive; the end of the sheet unless a template says otherwise
    header_row: int = 0


def _match(key: str, headers: Mapping[str, Sequence[str]]) -> str | None:
    for name, synonyms in headers.items():
        if key in synonyms:
            return name
    stripped = _PARENTHESES.sub("", key)
    if stripped != key and stripped:
        for name, synonyms in headers.items():
            if stripped in synonyms:
                return name
    return None


def find_table(
    sheet: Sheet,
    headers: Mapping[str, Sequence[str]],
    *,
    required: Sequence[set[str]],
    min_fields: int = 2,
) -> Table | None:
    """The header row naming the most columns, with every set in ``required`` met by at least one field."""
    best: Table | None = None
    best_score = 0
    for row in range(1, sheet.max_row + 1):
        columns: dict[str, int] = {}
        header_keys: dict[str, str] = {}
        bottom = row
        for col in range(1, sheet.max_col + 1):
            anchor = sheet.anchor(row, col)
            if anchor[1] != col:  # inside a horizontally merged header: counted at its first column
                continue
            text = sheet.text(row, col)
            if not text and row > 1:
                upper = sheet.anchor(row - 1, col)
                if sheet.extent(*upper)[1] == sheet.extent(*upper)[3]:  # not a group header over columns
                    text = sheet.text(row - 1, col)
            if not text:
                continue
            key = label_key(text)
            name = _match(key, headers)
            if name is not None and name not in columns:
                columns[name] = col
                header_keys[name] = key
                bottom = max(bottom, sheet.extent(row, col)[2])
        if len(columns) < min_fields or not all(any(n in columns for n in group) for group in required):
            continue
        if len(columns) > best_score:
            best_score = len(columns)
            best = Table(columns, header_keys, bottom + 1, sheet.max_row, header_row=row)
    return best
