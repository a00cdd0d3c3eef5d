"""Scanned invoices through OCR: sample invoices scanned by ``sandbox.samples.scans`` (some askew, some
noisy) are read by :func:`robots.documents.extract` with Tesseract, and compared field by field with what the
generator knows; what OCR gets wrong must be flagged. Also: the post-correction of Tesseract's text, the
message on a machine without Tesseract, images, and scans with nothing on them."""

from __future__ import annotations

import io
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest

from robots.documents import ERROR_CODES, ExtractResult, extract, ocr, sha256_file
from robots.documents.ocr import correct_ocr_text, ocr_pdf_to_text_pdf, read_scanned_invoice
from sandbox.samples import Sample, generate_invoices, write_broken_pdfs
from sandbox.samples.scans import scan_pdf

FIELDS = (
    "issuer",
    "registration_number",
    "registration_number_valid",
    "invoice_number",
    "issue_date",
    "due_date",
    "recipient",
    "total",
    "tax_inclusive_pricing",
    "tax_breakdown",
    "lines",
)
"""Every field but needs_ocr; lines and tax_breakdown are compared whole."""
SCANNED_LAYOUTS = ("A", "B", "C", "D", "E", "F")
"""One document each: ruled and unruled tables, 内税, full-width digits and ㈱, era dates, a receipt."""

needs_tesseract = pytest.mark.skipif(
    not ocr.ocr_available(), reason="Tesseract with Japanese is not installed (make setup)"
)


def _scan(sample: Sample, out: Path, i: int) -> Path:
    """Every other page fed askew, every third one noisy: what an office scanner makes."""
    return scan_pdf(
        sample.path,
        out / sample.path.name,
        seed=i,
        skew_degrees=0.5 if i % 2 else 0.0,
        noise=0.15 if i % 3 == 0 else 0.0,
    )


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Sample, Path, ExtractResult]]:
    if not ocr.ocr_available():
        pytest.skip("Tesseract with Japanese is not installed (make setup)")
    root = tmp_path_factory.mktemp("scans")
    samples = generate_invoices(root / "text", count=len(SCANNED_LAYOUTS), layouts=SCANNED_LAYOUTS)
    scans = [_scan(s, root / "scanned", i) for i, s in enumerate(samples)]
    with ThreadPoolExecutor(max_workers=2) as pool:  # Tesseract runs one process per document
        results = list(pool.map(extract, scans))
    return list(zip(samples, scans, results, strict=True))


def _wrong(sample: Sample, result: ExtractResult) -> list[str]:
    got = result.to_json_dict()["fields"]
    return [name for name in FIELDS if got[name] != sample.expected[name]]


def _flagged(result: ExtractResult, name: str) -> bool:
    return result.confidence[name] < 0.7 or any(f.field == name for f in result.findings)


# -- reading scans --------------------------------------------------------------------------------------
@pytest.mark.slow
def test_a_scan_is_read_through_ocr_with_lower_confidences(scanned) -> None:
    for sample, scan, result in scanned:
        assert result.error is None, result.error
        assert result.fields is not None and result.fields.needs_ocr is True
        assert result.document_type == sample.document_type
        assert result.path == str(scan) and result.sha256 == sha256_file(scan)
        assert max(v for k, v in result.confidence.items() if k != "needs_ocr") < 0.9, result.confidence
        assert any(f.code == "extract.ocr" and f.severity == "info" for f in result.findings)


@pytest.mark.slow
def test_ocr_gets_at_least_85_percent_of_the_fields_of_scans_right(scanned) -> None:
    wrong = {sample.layout: _wrong(sample, result) for sample, _, result in scanned}
    right = sum(len(FIELDS) - len(names) for names in wrong.values())
    accuracy = right / (len(FIELDS) * len(scanned))
    assert accuracy >= 0.85, f"{accuracy:.0%} of fields right; wrong per layout: {wrong}"


@pytest.mark.slow
def test_every_field_ocr_gets_wrong_is_flagged(scanned) -> None:
    silent = [
        (sample.layout, name, result.confidence[name])
        for sample, _, result in scanned
        for name in _wrong(sample, result)
        if not _flagged(result, name)
    ]
    assert silent == [], "wrong values with confidence >= 0.7 and no finding naming the field"


@pytest.mark.slow
def test_ocr_pdf_to_text_pdf_gives_a_pdf_whose_text_the_reader_can_read(scanned) -> None:
    sample, scan, _ = scanned[0]
    data, mean_conf = ocr_pdf_to_text_pdf(scan.read_bytes(), scan.name, max_pages=5)
    assert 0.5 < mean_conf <= 1
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) == 1
        text = "".join(pdf.pages[0].extract_text().split())
    assert f"{sample.expected['total']:,}" in text
    assert sample.expected["registration_number"] in text


@pytest.mark.slow
@needs_tesseract
def test_a_photo_or_scan_saved_as_an_image_is_read_the_same_way(tmp_path: Path) -> None:
    sample = generate_invoices(tmp_path / "text", count=1, layouts=["A"])[0]
    document = pdfium.PdfDocument(sample.path)
    try:
        image = document[0].render(scale=200 / 72, grayscale=True).to_pil()
    finally:
        document.close()
    photo = tmp_path / "scan.png"
    image.save(photo, dpi=(200, 200))
    result = extract(photo)
    assert result.error is None, result.error
    assert result.fields is not None and result.fields.needs_ocr
    assert result.fields.total == sample.expected["total"]
    assert result.sha256 == sha256_file(photo)


@pytest.mark.slow
@needs_tesseract
def test_a_scan_with_no_text_on_it_says_ocr_found_none(tmp_path: Path) -> None:
    path = write_broken_pdfs(tmp_path)["no_text"]
    result = extract(path)
    assert result.error is not None and result.error["code"] == "pdf.no_text_layer"
    assert path.name in result.error["message"] and "OCR found no readable text" in result.error["message"]
    assert result.fields is None and result.sha256 == sha256_file(path)


@needs_tesseract
def test_ocr_that_runs_out_of_time_is_given_up_with_a_clear_error(tmp_path: Path) -> None:
    sample = generate_invoices(tmp_path / "text", count=1, layouts=["A"])[0]
    scan = scan_pdf(sample.path, tmp_path / "scan.pdf")
    result = read_scanned_invoice(scan.read_bytes(), scan, max_pages=5, time_budget=0.01)
    assert result.error is not None and result.error["code"] == "pdf.no_text_layer"
    assert "took longer than" in result.error["message"] and scan.name in result.error["message"]


def test_a_broken_image_is_refused_with_its_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "ocr_available", lambda: True)
    photo = tmp_path / "レシート.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    result = extract(photo)
    assert result.error is not None and result.error["code"] == "file.unsupported_type"
    assert result.error["code"] in ERROR_CODES and photo.name in result.error["message"]


# -- a machine without Tesseract ------------------------------------------------------------------------
@pytest.fixture
def no_tesseract(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "ocr_available", lambda: False)


@pytest.mark.usefixtures("no_tesseract")
def test_without_tesseract_a_scan_says_what_reading_it_needs(tmp_path: Path) -> None:
    sample = generate_invoices(tmp_path / "text", count=1, layouts=["A"])[0]
    scan = scan_pdf(sample.path, tmp_path / "スキャン.pdf")
    result = extract(scan)
    assert result.error is not None and result.error["code"] == "pdf.no_text_layer"
    message = result.error["message"]
    assert message.startswith("スキャン.pdf: this PDF is a scan (no text layer)")
    assert "Tesseract OCR with Japanese" in message and "make setup" in message
    assert "tesseract-ocr-jpn" in message
    assert result.sha256 == sha256_file(scan)


@pytest.mark.usefixtures("no_tesseract")
def test_without_tesseract_an_image_says_the_same(tmp_path: Path) -> None:
    photo = tmp_path / "receipt.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n")
    result = extract(photo)
    assert result.error is not None and result.error["code"] == "file.unsupported_type"
    assert "tesseract-ocr-jpn" in result.error["message"]


def test_ocr_is_unavailable_without_the_binary(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr.shutil, "which", lambda name: None)
    assert ocr.ocr_available() is False


# -- the sample scanner ---------------------------------------------------------------------------------
def test_scan_pdf_makes_a_deterministic_image_only_copy(tmp_path: Path) -> None:
    sample = generate_invoices(tmp_path / "text", count=1, layouts=["B"])[0]
    first = scan_pdf(sample.path, tmp_path / "a.pdf", seed=3, skew_degrees=0.5, noise=0.2)
    again = scan_pdf(sample.path, tmp_path / "b.pdf", seed=3, skew_degrees=0.5, noise=0.2)
    other = scan_pdf(sample.path, tmp_path / "c.pdf", seed=4, skew_degrees=0.5, noise=0.2)
    assert first.read_bytes() == again.read_bytes() != other.read_bytes()
    with pdfplumber.open(first) as scan, pdfplumber.open(sample.path) as original:
        assert len(scan.pages) == len(original.pages)
        page, printed = scan.pages[0], original.pages[0]
        assert (page.width, page.height) == (printed.width, printed.height)
        assert page.chars == [] and len(page.images) == 1


# -- post-correction ------------------------------------------------------------------------------------
CORRECTIONS = [
    # (what Tesseract printed, what the reader should see)
    ("合計 \\13,068", "合計 ¥13,068"),  # ¥ read as a backslash
    ("消費税 ＼968", "消費税 ¥968"),
    ("株 式 会 社 み ら い 企 画 御 中", "株式会社みらい企画御中"),  # a space between every character
    ("お 支 払 期 限 2024 年 11 月 14 日", "お支払期限 2024 年 11 月 14 日"),  # kept next to digits
    ("登録番号:T 7195-9341-98023", "登録番号:T7195934198023"),
    ("登録番号 丁7195934198023", "登録番号 T7195934198023"),  # T read as the kanji 丁
    ("登録番号14546420384300", "登録番号T4546420384300"),  # T read as 1
    ("登録番号 7098334305786", "登録番号 T7098334305786"),  # T lost
    ("T7l959341980O3", "T7195934198003"),  # l and O inside the number
    ("¥13.068", "¥13,068"),  # the thousands comma read as a period
    ("\\151,.679", "¥151,679"),
    ("1O,OOO円", "10,000円"),
    ("金額 4.500", "金額 4,500"),
    ("数量 2.5", "数量 2.5"),  # a real decimal stays
    ("2024.05.31", "2024.05.31"),  # so does a dotted date
    ("ＴＬ－２４－００２５８", "TL-24-00258"),  # full width
    ("TLー24ー00258", "TL-24-00258"),  # hyphens read as long-vowel marks
    ("付箋 75 x 75", "付箋 75×75"),
    ("各同会社ソラノ", "合同会社ソラノ"),
    ("ご請求金額 ¥ 90,420-", "ご請求金額 ¥90,420-"),
]


@pytest.mark.parametrize(("printed", "corrected"), CORRECTIONS)
def test_post_correction_repairs_what_tesseract_gets_wrong(printed: str, corrected: str) -> None:
    assert correct_ocr_text(printed) == corrected


@pytest.mark.parametrize(
    ("fix", "text"),
    [
        (correct_ocr_text, "コピー用紙 A4 500枚"),
        (correct_ocr_text, "TEL 03-6712-4480"),
        (correct_ocr_text, "Invoice No. INV-2024"),
    ],
)
def test_post_correction_leaves_clean_text_alone(fix: Callable[[str], str], text: str) -> None:
    assert fix(text) == text
