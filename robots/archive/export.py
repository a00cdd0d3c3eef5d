"""Export for the tax office or an auditor: copies named ``YYYYMMDD_取引先_金額.pdf`` and ``index.csv``."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from robots.archive.models import DocumentType

if TYPE_CHECKING:
    from robots.archive.store import ArchivedDocument

__all__ = [
    "DOCUMENT_TYPE_LABELS",
    "INDEX_COLUMNS",
    "INDEX_NAME",
    "JST",
    "export_file_name",
    "unique_names",
    "write_index",
]

INDEX_NAME = "index.csv"
INDEX_COLUMNS = (
    "ファイル名",
    "取引年月日",
    "取引金額",
    "取引先",
    "登録番号",
    "書類の種類",
    "受領日時",
    "入手元",
    "SHA-256",
    "版",
)
DOCUMENT_TYPE_LABELS: dict[str, str] = {
    DocumentType.INVOICE: "請求書",
    DocumentType.RECEIPT: "領収書",
    DocumentType.QUOTATION: "見積書",
    DocumentType.CONTRACT: "契約書",
    DocumentType.OTHER: "その他",
}
JST = dt.timezone(dt.timedelta(hours=9), "JST")

_UNSAFE = re.compile(r'[/\\:*?"<>|\x00-\x1f\x7f]')
_MAX_PARTY_CHARS = 60  # keeps names well under the 255-byte limit of common file systems


def export_file_name(transaction_date: dt.date, counterparty: str, amount: int, suffix: str = ".pdf") -> str:
    """``20240401_株式会社A_110000.pdf``: ``/ \\ : * ? " < > |`` and control characters become ``_``,
    Japanese is kept, surrounding spaces and dots are dropped."""
    party = _UNSAFE.sub("_", counterparty).strip(" .")[:_MAX_PARTY_CHARS] or "_"
    return f"{transaction_date:%Y%m%d}_{party}_{amount}{suffix}"


def unique_names(names: Iterable[str]) -> list[str]:
    """The names in order, later repeats suffixed ``_2``, ``_3`` … before the extension (compared
    case-insensitively, as on Windows and macOS file systems)."""
    taken: set[str] = set()
    out: list[str] = []
    for name in names:
        stem, dot, ext = name.rpartition(".")
        if not dot:
            stem, ext = name, ""
        candidate, n = name, 1
        while candidate.casefold() in taken:
            n += 1
            candidate = f"{stem}_{n}.{ext}" if dot else f"{stem}_{n}"
        taken.add(candidate.casefold())
        out.append(candidate)
    return out


def write_index(path: Path, rows: Iterable[tuple[str, ArchivedDocument]]) -> None:
    """``index.csv``: UTF-8 with a BOM (Excel opens it as such), CRLF line ends, one row per exported
    file with the facts of the version exported."""
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(INDEX_COLUMNS)
        for file_name, doc in rows:
            v = doc.latest
            writer.writerow(
                [
                    file_name,
                    v.transaction_date.isoformat(),
                    v.amount,
                    v.counterparty,
                    v.registration_number or "",
                    DOCUMENT_TYPE_LABELS.get(doc.document_type, doc.document_type),
                    doc.received_at.astimezone(JST).isoformat(timespec="seconds"),
                    doc.source,
                    doc.sha256,
                    v.version,
                ]
            )
