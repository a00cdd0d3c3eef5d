"""The bulk import of deals (freee 取引インポート CSV): upload page, result page, and the result as JSON."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for

from sandbox.accounting.deal_import import ENCODINGS, MAX_IMPORT_BYTES, ImportFileError, read_import
from sandbox.accounting.store import ImportBatch
from sandbox.accounting.validation import MAX_TEXT
from sandbox.accounting.views import api_auth, login_required, require_csrf, store

__all__ = ["bp"]

bp = Blueprint("imports", __name__)

_BATCH_ID = re.compile(r"^[0-9a-f]{16}$")


def _filename(raw: str) -> str:
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFC", "".join(ch for ch in name if unicodedata.category(ch)[0] != "C"))
    return name.strip()[:MAX_TEXT] or "import.csv"


def _render_form(encoding: str, error: str | None) -> str:
    return render_template("deal_import.html", encodings=ENCODINGS, encoding=encoding, error=error)


@bp.get("/deals/import")
@login_required
def form() -> str:
    return _render_form("utf-8", None)


@bp.post("/deals/import")
@login_required
def upload() -> Any:
    require_csrf()
    encoding = request.form.get("encoding", "")
    file = request.files.get("file")
    try:
        if encoding not in ENCODINGS:
            raise ImportFileError("文字コードを選択してください")
        if file is None or not file.filename:
            raise ImportFileError("CSVファイルを選択してください")
        parsed = read_import(file.stream.read(MAX_IMPORT_BYTES + 1), encoding)
    except ImportFileError as exc:
        return _render_form(encoding if encoding in ENCODINGS else "utf-8", str(exc)), 422
    batch_id = store().import_deals(
        filename=_filename(file.filename),
        encoding=encoding,
        row_count=parsed.row_count,
        pending=parsed.pending,
        rejected=parsed.rejected,
    )
    return redirect(url_for("imports.result", batch_id=batch_id), code=303)


def _batch_or_404(batch_id: str) -> ImportBatch:
    batch = store().import_batch(batch_id) if _BATCH_ID.match(batch_id) else None
    if batch is None:
        abort(404, description=f"インポート結果が見つかりません（ID: {batch_id}）")
    return batch


@bp.get("/deals/import/<batch_id>")
@login_required
def result(batch_id: str) -> str:
    return render_template("deal_import_result.html", batch=_batch_or_404(batch_id), encodings=ENCODINGS)


@bp.get("/api/imports/<batch_id>")
@api_auth
def api_result(batch_id: str) -> Any:
    """The result of one import: counts, the deals stored and the deals refused, each with its CSV rows."""
    batch = _batch_or_404(batch_id)
    return jsonify(
        id=batch.id,
        filename=batch.filename,
        encoding=batch.encoding,
        created_at=batch.created_at,
        row_count=batch.row_count,
        accepted_count=len(batch.accepted),
        rejected_count=len(batch.rejected),
        accepted=[
            {
                "row_number": a.row_numbers[0],
                "row_numbers": list(a.row_numbers),
                "ref_number": a.ref_number,
                "deal_id": a.deal_id,
                "partner_name": a.partner_name,
                "amount": a.amount,
            }
            for a in batch.accepted
        ],
        rejected=[
            {
                "row_number": r.row_numbers[0],
                "row_numbers": list(r.row_numbers),
                "ref_number": r.ref_number,
                "reason": r.reason,
                "reasons": list(r.reasons),
            }
            for r in batch.rejected
        ],
    )
