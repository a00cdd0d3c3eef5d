"""Reading a freee 取引インポート CSV: the file checked as a whole (size, encoding, header), its rows grouped
into deals, each deal checked with the new-deal form's rules (`validation`), worded with the CSV's column
names and row numbers.

Grouping follows freee: a row continues the deal above it when its deal columns (収支区分 … 取引先) are all
blank, or when it repeats the same 管理番号 and its other deal columns are blank or the same; any other row
starts a new deal. Row numbers count CSV records as a spreadsheet shows them (the header is row 1).
Columns the sandbox has no place for (取引先コード, 税額, 品目, 部門, メモタグ, セグメント, 決済…) are
read and ignored.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from sandbox.accounting.store import NewDeal, PendingDeal, RejectedDeal
from sandbox.accounting.validation import (
    CSV_DATES,
    MAX_TEXT,
    FieldError,
    LineValues,
    Wording,
    check_dates,
    check_lines,
    check_ref_number,
)

__all__ = [
    "ENCODINGS",
    "IMPORT_HEADER",
    "MAX_IMPORT_BYTES",
    "ImportFileError",
    "ParsedImport",
    "read_import",
]

IMPORT_HEADER: tuple[str, ...] = (
    "収支区分",
    "管理番号",
    "発生日",
    "決済期日",
    "取引先コード",
    "取引先",
    "勘定科目",
    "税区分",
    "金額",
    "税計算区分",
    "税額",
    "備考",
    "品目",
    "部門",
    "メモタグ（複数指定可、カンマ区切り）",
    "セグメント1",
    "セグメント2",
    "セグメント3",
    "決済日",
    "決済口座",
    "決済金額",
)
MAX_IMPORT_BYTES = 5 * 1024 * 1024

# The encoding choices of the import page: value → (label, Python codec). UTF-8 may start with a BOM (Excel
# writes one); Shift_JIS is read as Windows' cp932, which is what Japanese Excel and freee produce.
ENCODINGS: dict[str, tuple[str, str]] = {
    "utf-8": ("UTF-8", "utf-8-sig"),
    "shift_jis": ("Shift_JIS", "cp932"),
}

_DEAL_COLUMNS = ("収支区分", "管理番号", "発生日", "決済期日", "取引先コード", "取引先")
_SAME_DEAL = ("収支区分", "発生日", "取引先")  # must agree (or be blank) on a row repeating the 管理番号
_KINDS = {"支出": "expense", "収入": "income"}
_TAX_INCLUDED = ("", "内税", "税込")  # 税計算区分: the amounts are tax included
_TAX_AMOUNT = re.compile(r"^[0-9,]*$")
CSV_WORDING = Wording(due_date="決済期日", dates=CSV_DATES, typed=True)


class ImportFileError(ValueError):
    """The file as a whole cannot be imported; the message says why, in Japanese, in one line."""


@dataclass(frozen=True)
class ParsedImport:
    row_count: int  # data rows read (blank rows are skipped and not counted)
    pending: list[PendingDeal]  # valid deals, in file order, not yet checked against stored 管理番号
    rejected: list[RejectedDeal]


@dataclass
class _Group:
    """The rows of one deal as read."""

    head: dict[str, str]
    rows: list[int] = field(default_factory=list)
    lines: list[LineValues] = field(default_factory=list)
    errors: list[FieldError] = field(default_factory=list)

    def continued_by(self, head: dict[str, str]) -> bool:
        if not any(head.values()):
            return True
        ref = head["管理番号"]
        return (
            bool(ref)
            and ref == self.head["管理番号"]
            and all(head[k] in ("", self.head[k]) for k in _SAME_DEAL)
        )


def _decode(data: bytes, encoding: str) -> str:
    label, codec = ENCODINGS[encoding]
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            f"ファイルを{label}として読めません（{line}行目）。文字コードの選択を確認してください"
        ) from exc


def _check_header(cells: list[str]) -> None:
    got = [cell.strip() for cell in cells]
    if got == list(IMPORT_HEADER):
        return
    missing = [c for c in IMPORT_HEADER if c not in got]
    extra = [c for c in got if c not in IMPORT_HEADER]
    if missing or extra:
        parts = ([f"足りない列: {'、'.join(missing)}"] if missing else []) + (
            [f"余分な列: {'、'.join(extra)}"] if extra else []
        )
        detail = "／".join(parts)
    else:
        detail = "列の順番が違います"
    raise ImportFileError(
        f"1行目の見出しがfreee取引インポートの形式ではありません（{detail}）。"
        "文字コードの選択も確認してください"
    )


def _row_errors(n: int, cells: list[str], values: dict[str, str], group: _Group) -> None:
    context = f"{n}行目"
    if len(cells) != len(IMPORT_HEADER):
        group.errors.append(
            FieldError("row", f"列の数が{len(IMPORT_HEADER)}ではありません（{len(cells)}列）", context)
        )
    due = values["決済期日"]
    if group.rows[0] != n and due and due != group.head["決済期日"]:
        group.errors.append(FieldError("due_date", f"決済期日が{group.rows[0]}行目と異なります", context))
    if values["税計算区分"] not in _TAX_INCLUDED:
        group.errors.append(
            FieldError("tax_method", "税計算区分は「内税」で入力してください（金額は税込です）", context)
        )
    if not _TAX_AMOUNT.match(values["税額"]):
        group.errors.append(FieldError("tax_amount", "税額は半角数字で入力してください", context))


def _finish(group: _Group) -> PendingDeal | RejectedDeal:
    head = group.head
    errors: list[FieldError] = []
    kind = _KINDS.get(head["収支区分"], "")
    if not head["収支区分"]:
        errors.append(FieldError("type", "収支区分を入力してください"))
    elif not kind:
        errors.append(FieldError("type", "収支区分は「支出」か「収入」で入力してください"))
    issue_date, due_date = check_dates(head["発生日"], head["決済期日"], errors, CSV_WORDING)
    partner = head["取引先"]
    if not partner:
        errors.append(FieldError("partner_name", "取引先を入力してください"))
    elif len(partner) > MAX_TEXT:
        errors.append(FieldError("partner_name", f"取引先は{MAX_TEXT}文字以内で入力してください"))
    ref_number = check_ref_number(head["管理番号"], errors, CSV_WORDING)
    errors += group.errors
    lines = check_lines(
        group.lines,
        errors,
        contexts=[f"{n}行目" for n in group.rows],
        skip_empty=False,
        wording=CSV_WORDING,
    )
    rows = tuple(group.rows)
    if errors:
        return RejectedDeal(rows, ref_number, tuple(e.summary for e in errors))
    assert issue_date is not None
    deal = NewDeal(
        type=kind,
        issue_date=issue_date,
        due_date=due_date,
        partner_id=0,  # set by the store once the partner exists
        ref_number=ref_number,
        lines=tuple(lines),
    )
    return PendingDeal(rows, partner, deal)


def read_import(data: bytes, encoding: str) -> ParsedImport:
    """Decode, parse, group and check an import file (``encoding`` a key of ENCODINGS).

    ImportFileError when the file as a whole is unusable (too large, undecodable, not CSV, wrong header, no
    rows); otherwise every deal is either pending or rejected with its reasons.
    """
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportFileError(
            "CSVファイルは5MB以下にしてください（大きいファイルは分けて取り込んでください）"
        )
    text = _decode(data, encoding)
    if not text.strip():
        raise ImportFileError("ファイルが空です")
    reader = csv.reader(io.StringIO(text, newline=""))
    groups: list[_Group] = []
    row_count = 0
    try:
        for n, cells in enumerate(reader, start=1):
            if n == 1:
                _check_header(cells)
                continue
            if not any(cell.strip() for cell in cells):
                continue  # blank rows (Excel leaves some at the end) are skipped
            row_count += 1
            padded = (cells + [""] * len(IMPORT_HEADER))[: len(IMPORT_HEADER)]
            values = {name: value.strip() for name, value in zip(IMPORT_HEADER, padded, strict=True)}
            head = {name: values[name] for name in _DEAL_COLUMNS}
            if not groups or not groups[-1].continued_by(head):
                groups.append(_Group(head=head))
            group = groups[-1]
            group.rows.append(n)
            group.lines.append(
                LineValues(
                    account=values["勘定科目"],
                    tax=values["税区分"],
                    amount=values["金額"],
                    memo=values["備考"],
                )
            )
            _row_errors(n, cells, values, group)
    except csv.Error as exc:
        raise ImportFileError(f"{reader.line_num}行目: CSVとして読めません（{exc}）") from exc
    if not row_count:
        raise ImportFileError("取り込む行がありません（見出しの行だけです）")
    pending: list[PendingDeal] = []
    rejected: list[RejectedDeal] = []
    for group in groups:
        result = _finish(group)
        if isinstance(result, PendingDeal):
            pending.append(result)
        else:
            rejected.append(result)
    return ParsedImport(row_count=row_count, pending=pending, rejected=rejected)
