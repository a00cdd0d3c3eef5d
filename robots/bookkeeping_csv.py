"""Deals as a freee 取引インポート CSV: the bulk alternative to typing each deal into the screen.

One row per deal line, the deal's own fields (収支区分, 管理番号, 発生日, 決済期日, 取引先) repeated on every
row, so each row reads on its own and a tool that groups rows by 管理番号 puts them back together. Amounts are
plain integers (tax included: 税計算区分 ``内税``), dates ``YYYY/MM/DD``, 税区分 exactly as the deal has it.
A file never exceeds the import limit (5 MB): more deals go to further files, and a deal is never split.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Iterator
from pathlib import Path

from robots.bookkeeping import Deal
from robots.errors import BusinessError

__all__ = ["FREEE_IMPORT_HEADER", "MAX_IMPORT_BYTES", "write_import_csv"]

# The header row of freee's 取引インポート, column for column.
FREEE_IMPORT_HEADER: tuple[str, ...] = (
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

_KIND = {"expense": "支出", "income": "収入"}
_INCLUSIVE = "内税"  # the amounts are tax included


def _codec(encoding: str) -> str:
    """The Python codec for an encoding name; Shift_JIS means Windows' flavour (cp932), as Excel writes it."""
    name = codecs.lookup(encoding).name
    return "cp932" if name in ("shift_jis", "cp932", "ms932") else name


def _csv_bytes(rows: Iterable[Iterable[str]], codec: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(rows)
    return buffer.getvalue().encode(codec)


def _rows(deal: Deal) -> Iterator[list[str]]:
    head = [
        _KIND[deal.kind],
        deal.reference,
        deal.issue_date.strftime("%Y/%m/%d"),
        deal.due_date.strftime("%Y/%m/%d") if deal.due_date else "",
        "",
        deal.partner,
    ]
    for line in deal.lines:
        yield [
            *head,
            line.account,
            line.tax_category,
            str(line.amount),
            _INCLUSIVE,
            "",
            line.memo or "",
            *[""] * 9,
        ]


def _encoded(deal: Deal, codec: str) -> bytes:
    try:
        return _csv_bytes(_rows(deal), codec)
    except UnicodeEncodeError as exc:
        bad = exc.object[exc.start : exc.end]
        raise BusinessError(
            "import_csv.unencodable",
            f"deal {deal.reference}: {bad!r} cannot be written in {codec}",
            reference=deal.reference,
        ) from exc


def _part_path(path: Path, number: int) -> Path:
    return path.with_name(f"{path.stem}_{number:03d}{path.suffix}")


def write_import_csv(
    deals: Iterable[Deal], path: Path, *, encoding: str = "utf-8", max_bytes: int = MAX_IMPORT_BYTES
) -> list[Path]:
    """Write the deals as freee 取引インポート CSV; the files written, in import order.

    Everything fits in ``path``: ``[path]`` (no deals: the header only). Otherwise the deals go, in order
    and each deal whole, to ``<stem>_001<suffix>``, ``<stem>_002<suffix>`` … (each with the header, none
    over ``max_bytes``) and ``path`` itself is not written. ``encoding`` is any Python codec name
    (``utf-8-sig`` adds the BOM Excel wants; ``shift_jis`` writes cp932). BusinessError when a value cannot
    be encoded or one deal alone is larger than ``max_bytes``.
    """
    codec = _codec(encoding)
    bom = b""
    if codec == "utf-8-sig":  # the BOM once at the start of each file, not before every chunk
        codec, bom = "utf-8", codecs.BOM_UTF8
    start = bom + _csv_bytes([FREEE_IMPORT_HEADER], codec)
    parts: list[list[bytes]] = [[]]
    size = len(start)
    for deal in deals:
        chunk = _encoded(deal, codec)
        if len(start) + len(chunk) > max_bytes:
            raise BusinessError(
                "import_csv.deal_too_large",
                f"deal {deal.reference}: its rows alone exceed the import limit of {max_bytes:,} bytes",
                reference=deal.reference,
            )
        if parts[-1] and size + len(chunk) > max_bytes:
            parts.append([])
            size = len(start)
        parts[-1].append(chunk)
        size += len(chunk)

    targets = [path] if len(parts) == 1 else [_part_path(path, n) for n in range(1, len(parts) + 1)]
    path.parent.mkdir(parents=True, exist_ok=True)
    for target, chunks in zip(targets, parts, strict=True):
        with target.open("wb") as out:
            out.write(start)
            out.writelines(chunks)
    return targets
