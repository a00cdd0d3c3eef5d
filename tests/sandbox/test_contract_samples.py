"""The contract batch samples: real PDFs with Japanese text, an Excel list with a title row and a header in
three layouts, the broken rows' mistakes really in the files, byte-identical for a seed, and independent of
the reader (sandbox never imports robots)."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pytest
from openpyxl import load_workbook

from sandbox.samples import contracts as samples
from sandbox.samples import generate_contract_batch, plan_contract_batch

EMAIL = re.compile(r"[A-Za-z0-9._-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+")


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(f.relative_to(folder)): hashlib.sha256(f.read_bytes()).hexdigest()
        for f in sorted(folder.rglob("*"))
        if f.is_file()
    }


def _sheet_texts(path: Path) -> dict[int, list[str]]:
    ws = load_workbook(path).worksheets[0]
    return {
        row[0].row: [str(c.value) for c in row if c.value is not None]
        for row in ws.iter_rows()
        if any(c.value is not None for c in row)
    }


def test_writes_the_pdfs_and_the_list(tmp_path: Path) -> None:
    path = generate_contract_batch(tmp_path, count=5, seed=0)
    assert path == tmp_path / "契約送付リスト.xlsx"
    pdfs = sorted((tmp_path / "contracts").glob("*.pdf"))
    assert len(pdfs) == 5
    assert all(p.read_bytes().startswith(b"%PDF-") for p in pdfs)
    plan = plan_contract_batch(count=5, seed=0)
    assert sorted(r.file for r in plan.rows) == sorted(f"contracts/{p.name}" for p in pdfs)
    assert all(1 <= len(r.signers) <= 3 for r in plan.rows)
    for r in plan.rows:
        emails = [s.email for s in r.signers]
        assert len(set(emails)) == len(emails) and all(EMAIL.fullmatch(e) for e in emails)
        assert [s.order for s in r.signers] == list(range(1, len(r.signers) + 1))


def test_a_pdf_carries_its_japanese_text(tmp_path: Path) -> None:
    generate_contract_batch(tmp_path, count=1, seed=2)
    (row,) = plan_contract_batch(count=1, seed=2).rows
    with pdfplumber.open(tmp_path / row.file) as pdf:
        text = pdf.pages[0].extract_text()
    kind = row.title.split("(")[0]
    assert kind in text and "以下「甲」という" in text
    assert all(s.name in text for s in row.signers)


def test_without_ipaex_the_builtin_font_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(samples, "_IPAEX_GOTHIC", tmp_path / "no-such-font.ttf")
    samples._font.cache_clear()
    try:
        generate_contract_batch(tmp_path / "out", count=1, seed=0)
        (pdf,) = (tmp_path / "out" / "contracts").glob("*.pdf")
        assert b"HeiseiKakuGo-W5" in pdf.read_bytes()
        with pdfplumber.open(pdf) as doc:
            assert "以下「甲」という" in doc.pages[0].extract_text()
    finally:
        samples._font.cache_clear()


@pytest.mark.parametrize(
    ("seed", "layout", "header_row", "labels"),
    [
        (0, "A", 4, ["ファイル", "タイトル", "管理番号", "署名者1 氏名", "署名者1 メールアドレス"]),
        (1, "B", 3, ["No.", "契約書ファイル", "件名", "管理番号", "送付予定日", "署名者名1", "メール1"]),
        (2, "C", 4, ["契約書名", "ファイル名", "署名者1", "署名者2", "署名者3", "管理番号"]),
    ],
)
def test_three_list_layouts_with_a_title_row(
    tmp_path: Path, seed: int, layout: str, header_row: int, labels: list[str]
) -> None:
    path = generate_contract_batch(tmp_path, count=3, seed=seed)
    assert plan_contract_batch(count=3, seed=seed).layout == layout
    texts = _sheet_texts(path)
    assert "契約" in texts[1][0] and len(texts[1]) == 1  # the title row
    assert texts[header_row][: len(labels)] == labels
    data_rows = [r.row for r in plan_contract_batch(count=3, seed=seed).rows]
    assert min(data_rows) > header_row


def test_numbers_dates_and_windows_paths_in_layout_b(tmp_path: Path) -> None:
    path = generate_contract_batch(tmp_path, count=3, seed=1)
    ws = load_workbook(path).worksheets[0]
    first = plan_contract_batch(count=3, seed=1).rows[0].row
    assert isinstance(ws[f"D{first}"].value, int)  # 管理番号 typed as a number
    assert ws[f"E{first}"].is_date
    assert "\\" in ws[f"B{first}"].value
    assert "＠" in ws[f"G{first}"].value  # an address typed in full-width mode


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_broken_rows_hold_their_mistakes(tmp_path: Path, seed: int) -> None:
    path = generate_contract_batch(tmp_path, count=2, seed=seed, broken_rows=5)
    plan = plan_contract_batch(count=2, seed=seed, broken_rows=5)
    assert len(plan.good) == 2 and len(plan.broken) == 5
    assert {r.mistake for r in plan.broken} == set(samples.MISTAKES)
    ws = load_workbook(path).worksheets[0]
    for row in plan.broken:
        values = [str(c.value) for c in ws[row.row] if c.value is not None]
        if row.mistake == "missing_file":
            assert not (tmp_path / row.file).exists() and "_最終版" in row.file
            assert (tmp_path / row.file.replace("_最終版", "")).exists()
        elif row.mistake == "not_pdf":
            assert (tmp_path / row.file).read_bytes()[:2] == b"PK" and row.file.endswith(".docx")
        else:
            assert (tmp_path / row.file).read_bytes().startswith(b"%PDF-")
        typed = [v for v in values if "@" in v or ("." in v and "contracts" not in v)]  # addresses
        if row.mistake == "no_signer":
            assert not typed and row.signers == () and row.column == "署名者"
        if row.mistake == "bad_email":
            assert any(not EMAIL.fullmatch(v.strip()) for v in typed)
    assert len(list((tmp_path / "contracts").glob("*.pdf"))) == 2 + 4  # all but the .docx


def test_same_seed_same_bytes_other_seed_other_list(tmp_path: Path) -> None:
    generate_contract_batch(tmp_path / "a", count=3, seed=5, broken_rows=2)
    generate_contract_batch(tmp_path / "b", count=3, seed=5, broken_rows=2)
    assert _digests(tmp_path / "a") == _digests(tmp_path / "b")
    assert plan_contract_batch(count=3, seed=5, broken_rows=2) == plan_contract_batch(
        count=3, seed=5, broken_rows=2
    )
    assert plan_contract_batch(count=3, seed=5).rows != plan_contract_batch(count=3, seed=8).rows


@pytest.mark.parametrize(("count", "broken"), [(-1, 0), (2, -1)])
def test_negative_counts_are_refused(tmp_path: Path, count: int, broken: int) -> None:
    with pytest.raises(ValueError):
        generate_contract_batch(tmp_path, count=count, broken_rows=broken)


def test_sandbox_samples_do_not_import_robots() -> None:
    code = (
        "import sys, sandbox.samples.contracts, sandbox.samples\n"
        "bad = [m for m in sys.modules if m == 'robots' or m.startswith('robots.')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[2])
