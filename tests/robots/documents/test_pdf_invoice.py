"""The invoice PDF reader: golden comparison for every layout of the sample generator, documents drawn here by
hand (receipt, sole proprietor, multi-page, bad registration number, totals that do not add up), and every
kind of broken file. ``test_heldout.py`` measures the layouts the reader was not tuned on."""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from robots.documents import ERROR_CODES, DocumentType, ExtractResult, extract, read_invoice_pdf, sha256_file
from robots.documents.model import Severity
from sandbox.samples import LAYOUTS, TUNING_LAYOUTS, Sample, generate_invoices, write_broken_pdfs

GOLDEN_SEEDS = (0, 1, 2)
_cache: dict[tuple[str, int], Sample] = {}


@pytest.fixture(scope="module")
def samples_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("invoices")


def _sample(root: Path, layout: str, seed: int) -> Sample:
    if (layout, seed) not in _cache:
        _cache[layout, seed] = generate_invoices(
            root / f"{layout}{seed}", count=1, seed=seed, layouts=[layout]
        )[0]
    return _cache[layout, seed]


def _demo(root: Path, seed: int) -> list[Sample]:
    return generate_invoices(root / f"demo{seed}", count=6, seed=seed)


@pytest.mark.parametrize(("layout", "seed"), [(lay, s) for lay in LAYOUTS for s in GOLDEN_SEEDS])
def test_reader_returns_exactly_the_generators_fields(samples_dir: Path, layout: str, seed: int) -> None:
    sample = _sample(samples_dir, layout, seed)
    result = extract(sample.path)
    assert result.error is None
    assert result.document_type == sample.document_type
    assert result.model_dump(mode="json")["fields"] == sample.expected
    assert result.sha256 == sha256_file(sample.path)
    loud = [f for f in result.findings if f.severity != Severity.INFO]
    assert loud == [], f"a clean sample gives no warnings (layout {layout})"
    assert set(result.confidence) == set(sample.expected)
    present = {k: v for k, v in result.confidence.items() if sample.expected[k] not in (None, [])}
    assert min(present.values()) >= 0.7, present


def test_read_invoice_pdf_is_the_same_reader_without_the_file_checks(samples_dir: Path) -> None:
    sample = _sample(samples_dir, "A", 0)
    assert read_invoice_pdf(sample.path) == extract(sample.path, use_templates=False)


@pytest.mark.parametrize("layout", TUNING_LAYOUTS)
def test_confidence_is_full_when_every_field_sits_next_to_its_label(samples_dir: Path, layout: str) -> None:
    conf = extract(_sample(samples_dir, layout, 0).path, use_templates=False).confidence
    assert conf["issuer"] == conf["total"] == conf["lines"] == conf["registration_number"] == 1.0
    assert conf["tax_breakdown"] >= 0.7 and conf["tax_inclusive_pricing"] == 1.0


def test_the_demo_set_reads_exactly(samples_dir: Path) -> None:
    for sample in _demo(samples_dir, 0):
        assert extract(sample.path).model_dump(mode="json")["fields"] == sample.expected, sample.layout


def test_reading_takes_well_under_a_tenth_of_a_second_per_page(samples_dir: Path) -> None:
    samples = [_sample(samples_dir, layout, seed) for layout in LAYOUTS for seed in GOLDEN_SEEDS]
    extract(samples[0].path)  # warm-up: imports, font maps
    per_page = []
    for s in samples:
        start = time.perf_counter()
        extract(s.path)
        per_page.append((time.perf_counter() - start) / s.pages)
    median = statistics.median(per_page)
    assert median < 0.1, (
        f"{median * 1000:.0f} ms per page on median (about 20-30 ms when the machine is idle)"
    )


# -- broken input ---------------------------------------------------------------------------------------
BROKEN = [
    ("empty", "file.empty"),
    ("truncated", "pdf.corrupt"),
    ("not_a_pdf", "pdf.not_a_pdf"),
    ("encrypted", "pdf.encrypted"),
    ("no_text", "pdf.no_text_layer"),
]


@pytest.mark.parametrize(("kind", "code"), BROKEN)
def test_a_broken_file_gives_its_error_code_without_raising(tmp_path: Path, kind: str, code: str) -> None:
    path = write_broken_pdfs(tmp_path)[kind]
    result = extract(path)
    _assert_failed(result, code, path)
    assert result.sha256 == sha256_file(path)


def _assert_failed(result: ExtractResult, code: str, path: Path) -> None:
    assert result.error is not None and result.error["code"] == code
    assert code in ERROR_CODES
    assert path.name in result.error["message"]
    assert result.document_type is None and result.fields is None
    assert not result.ok
    assert result.to_json_dict()["fields"] is None


def test_no_text_layer_says_that_scans_need_ocr(tmp_path: Path) -> None:
    result = extract(write_broken_pdfs(tmp_path)["no_text"])
    assert "OCR" in result.error["message"] and "no_text.pdf" in result.error["message"]


def test_a_missing_file_a_folder_and_other_types(tmp_path: Path) -> None:
    _assert_failed(extract(tmp_path / "nowhere.pdf"), "file.not_found", tmp_path / "nowhere.pdf")
    folder = tmp_path / "folder.pdf"
    folder.mkdir()
    _assert_failed(extract(folder), "file.unsupported_type", folder)
    sheet = tmp_path / "請求一覧.xlsx"
    sheet.write_bytes(b"PK\x03\x04 not really a workbook")
    _assert_failed(extract(sheet), "file.unsupported_type", sheet)
    photo = tmp_path / "レシート.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 jpeg")
    result = extract(photo)
    _assert_failed(result, "file.unsupported_type", photo)
    assert "OCR" in result.error["message"]


def test_a_pdf_without_the_pdf_extension_is_still_read(tmp_path: Path, samples_dir: Path) -> None:
    sample = _sample(samples_dir, "B", 1)
    renamed = tmp_path / "download"
    renamed.write_bytes(sample.path.read_bytes())
    assert extract(renamed).model_dump(mode="json")["fields"] == sample.expected


def test_too_many_pages_is_refused_by_the_setting(tmp_path: Path) -> None:
    path = _draw(tmp_path / "long.pdf", [[(15, 20, "請求書 (つづき)", 18)]] * 3)
    _assert_failed(extract(path, max_pages=2), "pdf.too_many_pages", path)
    assert "3 pages" in extract(path, max_pages=2).error["message"]
    assert extract(path, max_pages=3).error is None


# -- documents drawn here, unlike the generator's layouts ----------------------------------------------
Item = tuple[float, float, str] | tuple[float, float, str, float] | tuple[float, float, str, float, str]


def _draw(path: Path, pages: Sequence[Sequence[Item]]) -> Path:
    """A text PDF: each item is (x mm, y mm from the top, text[, size[, 'l'|'r'|'c']])."""
    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiKakuGo-W5"))
    mm = 72 / 25.4
    c = Canvas(str(path), pagesize=A4, invariant=1)
    for items in pages:
        for x, y, text, *rest in items:
            size = float(rest[0]) if rest else 9.0
            align = str(rest[1]) if len(rest) > 1 else "l"
            c.setFont("HeiseiKakuGo-W5", size)
            draw = {"l": c.drawString, "r": c.drawRightString, "c": c.drawCentredString}[align]
            draw(x * mm, A4[1] - y * mm, text)
        c.showPage()
    c.save()
    return path


def _codes(result: ExtractResult) -> dict[str, str]:
    return {f.field or "": f.code for f in result.findings}


def test_a_receipt_with_per_rate_totals_and_no_recipient(tmp_path: Path) -> None:
    path = _draw(
        tmp_path / "領収書.pdf",
        [
            [
                (105, 20, "領 収 書", 18, "c"),
                (15, 35, "上様", 12),
                (140, 30, "発行日 2024年5月12日"),
                (15, 70, "品名"),
                (120, 70, "金額", 9, "r"),
                (15, 77, "ランチセット ※"),
                (120, 77, "2,000", 9, "r"),
                (15, 84, "コーヒー豆 200g ※"),
                (120, 84, "1,500", 9, "r"),
                (15, 91, "マグカップ"),
                (120, 91, "1,000", 9, "r"),
                (15, 102, "10%対象 ¥1,000 消費税 ¥100"),
                (15, 108, "8%対象 ¥3,500 消費税 ¥280"),
                (15, 114, "合計 ¥4,880"),
                (15, 125, "※は軽減税率対象"),
                (140, 120, "カフェ黒子株式会社", 11),
                (140, 126, "登録番号 T7000012050002", 8),
            ]
        ],
    )
    result = extract(path)
    f = result.fields
    assert result.document_type == DocumentType.RECEIPT
    assert (f.issuer, f.recipient, f.total, str(f.issue_date)) == (
        "カフェ黒子株式会社",
        None,
        4880,
        "2024-05-12",
    )
    assert [(b.rate, b.net, b.tax) for b in f.tax_breakdown] == [(10, 1000, 100), (8, 3500, 280)]
    assert [(ln.description, ln.rate) for ln in f.lines] == [
        ("ランチセット", 8),
        ("コーヒー豆 200g", 8),
        ("マグカップ", 10),
    ]
    assert "recipient" not in _codes(result), "a receipt needs no recipient"
    assert result.confidence["recipient"] == 0.0


def test_a_sole_proprietor_with_a_number_failing_the_corporate_check_digit(tmp_path: Path) -> None:
    path = _draw(
        tmp_path / "請求書_山田デザイン.pdf",
        [
            [
                (105, 20, "請求書", 18, "c"),
                (15, 35, "株式会社黒子商店 御中", 12),
                (195, 30, "請求日：2024/06/30", 9, "r"),
                (195, 35, "請求番号：0007", 9, "r"),
                (130, 50, "山田デザイン事務所", 11),
                (130, 56, "山田 太郎", 9),
                (130, 62, "東京都杉並区高円寺南1-2-3", 8),
                (130, 67, "登録番号 T1234567890123", 8),
                (15, 80, "摘要"),
                (100, 80, "数量", 9, "r"),
                (130, 80, "単価", 9, "r"),
                (170, 80, "金額", 9, "r"),
                (15, 87, "ロゴデザイン一式"),
                (100, 87, "1", 9, "r"),
                (130, 87, "50,000", 9, "r"),
                (170, 87, "50,000", 9, "r"),
                (15, 94, "名刺デザイン"),
                (100, 94, "2", 9, "r"),
                (130, 94, "10,000", 9, "r"),
                (170, 94, "20,000", 9, "r"),
                (120, 105, "小計"),
                (170, 105, "70,000", 9, "r"),
                (120, 111, "消費税(10%)"),
                (170, 111, "7,000", 9, "r"),
                (120, 117, "合計"),
                (170, 117, "77,000", 9, "r"),
            ]
        ],
    )
    result = extract(path)
    f = result.fields
    assert (f.issuer, f.registration_number, f.registration_number_valid) == (
        "山田デザイン事務所",
        "T1234567890123",
        False,
    )
    assert _codes(result)["registration_number"] == "registration_number.check_digit"
    assert [(b.rate, b.net, b.tax) for b in f.tax_breakdown] == [(10, 70000, 7000)]
    assert (f.invoice_number, f.total, f.due_date) == ("0007", 77000, None)
    assert result.confidence["issuer"] < 0.5, "a name without legal form near the number is a guess"
    assert result.confidence["tax_breakdown"] < 1.0, "derived from 小計 and 消費税(10%)"
    assert _codes(result)["due_date"] == "extract.field_missing"


def test_a_malformed_registration_number_kangxi_radicals_and_missing_fields(tmp_path: Path) -> None:
    path = _draw(
        tmp_path / "bad.pdf",
        [
            [
                (105, 20, "請求書", 18, "c"),
                (15, 35, "青空建設株式会社 御中", 12),
                (195, 30, "請求\u2f47 令和6年7月31日", 9, "r"),  # ⽇: a Kangxi radical, as some PDFs give 日
                (130, 50, "株式会社テスト", 11),
                (130, 56, "登録番号 T12345678901", 8),
                (15, 80, "品名"),
                (170, 80, "\u2fa6額", 9, "r"),  # ⾦額
                (15, 87, "作業費"),
                (170, 87, "10,000", 9, "r"),
            ]
        ],
    )
    result = extract(path)
    f = result.fields
    assert str(f.issue_date) == "2024-07-31"
    assert [ln.amount for ln in f.lines] == [10000]
    assert f.registration_number is None and f.registration_number_valid is None
    codes = _codes(result)
    assert codes["registration_number"] == "registration_number.format"
    assert codes["total"] == codes["tax_breakdown"] == codes["invoice_number"] == "extract.field_missing"
    assert result.confidence["total"] == result.confidence["invoice_number"] == 0.0
    assert f.total is None and f.tax_breakdown == []


@pytest.mark.parametrize("repeat_header", [True, False], ids=["header repeated", "page numbers only"])
def test_a_table_continued_on_a_second_page(tmp_path: Path, repeat_header: bool) -> None:
    first = [(15, 87 + 7 * i, f"部品 {i + 1:02d}") for i in range(25)]
    first += [(170, 87 + 7 * i, "1,000", 9, "r") for i in range(25)]
    second = [(15, 37 + 7 * i, f"部品 {i + 26:02d}") for i in range(5)]
    second += [(170, 37 + 7 * i, "1,000", 9, "r") for i in range(5)]
    header: list[Item] = (
        [(15, 30, "品名"), (170, 30, "金額", 9, "r")] if repeat_header else [(15, 20, "(つづき)")]
    )
    page1: list[Item] = [
        (105, 20, "請求書", 18, "c"),
        (15, 35, "青空建設株式会社 御中", 12),
        (195, 30, "請求日 2024年7月31日", 9, "r"),
        (195, 36, "No. 123", 9, "r"),
        (130, 50, "株式会社テスト", 11),
        (130, 56, "登録番号 T7000012050002", 8),
        (15, 80, "品名"),
        (170, 80, "金額", 9, "r"),
        *first,
        (195, 290, "1 / 2", 8, "r"),
    ]
    page2: list[Item] = [
        *header,
        *second,
        (120, 80, "10%対象 ¥30,000 消費税 ¥3,000"),
        (120, 90, "ご請求金額 ¥33,000"),
        (195, 290, "2 / 2", 8, "r"),
    ]
    result = extract(_draw(tmp_path / "multi.pdf", [page1, page2]))
    f = result.fields
    assert [ln.description for ln in f.lines] == [f"部品 {i:02d}" for i in range(1, 31)]
    assert (f.total, f.invoice_number, f.issuer) == (33000, "123", "株式会社テスト")
    assert result.confidence["lines"] == 1.0


# -- what the reader cannot verify, it says --------------------------------------------------------------
def _invoice(lines: Sequence[Item], totals: Sequence[Item]) -> list[Item]:
    return [
        (105, 20, "請求書", 18, "c"),
        (15, 35, "株式会社黒子商店 御中", 12),
        (195, 30, "請求日 2024年8月31日", 9, "r"),
        (195, 36, "請求番号 A-77", 9, "r"),
        (130, 50, "株式会社テスト", 11),
        (130, 56, "登録番号 T7000012050002", 8),
        (15, 80, "品名"),
        (100, 80, "数量", 9, "r"),
        (170, 80, "金額", 9, "r"),
        *lines,
        *totals,
    ]


def _flagged(result: ExtractResult, field: str) -> bool:
    return result.confidence[field] < 0.7 or any(f.field == field for f in result.findings)


def test_a_total_that_does_not_match_the_breakdown_is_flagged_not_passed(tmp_path: Path) -> None:
    items: list[Item] = [(15, 87, "作業費"), (100, 87, "1", 9, "r"), (170, 87, "10,000", 9, "r")]
    totals: list[Item] = [(15, 100, "10%対象 ¥10,000 消費税 ¥1,000"), (120, 110, "合計 ¥12,000")]
    result = extract(_draw(tmp_path / "total.pdf", [_invoice(items, totals)]))
    assert result.fields.total == 12000, "the printed total, as printed"
    assert result.confidence["total"] < 0.7
    assert "extract.total_unverified" in [f.code for f in result.findings if f.field == "total"]


def test_lines_that_do_not_add_up_to_the_breakdown_are_flagged(tmp_path: Path) -> None:
    items: list[Item] = [(15, 87, "作業費"), (100, 87, "1", 9, "r"), (170, 87, "10,000", 9, "r")]
    items += [(15, 150, "追加作業"), (170, 150, "5,000", 9, "r")]  # far below the table: not read as a line
    totals: list[Item] = [(15, 160, "10%対象 ¥15,000 消費税 ¥1,500"), (120, 170, "合計 ¥16,500")]
    result = extract(_draw(tmp_path / "lines.pdf", [_invoice(items, totals)]))
    assert [ln.amount for ln in result.fields.lines] == [10000]
    assert result.fields.total == 16500 and result.confidence["total"] == 1.0
    assert _flagged(result, "lines")
    assert "extract.lines_unverified" in [f.code for f in result.findings]


def test_a_tax_that_is_not_the_rate_of_its_base_is_flagged(tmp_path: Path) -> None:
    items: list[Item] = [(15, 87, "作業費"), (100, 87, "1", 9, "r"), (170, 87, "10,000", 9, "r")]
    totals: list[Item] = [(15, 100, "10%対象 ¥10,000 消費税 ¥1,500"), (120, 110, "合計 ¥11,500")]
    result = extract(_draw(tmp_path / "tax.pdf", [_invoice(items, totals)]))
    assert [(b.rate, b.net, b.tax) for b in result.fields.tax_breakdown] == [(10, 10000, 1500)]
    assert _flagged(result, "tax_breakdown")
    assert "extract.breakdown_unverified" in [f.code for f in result.findings]


def test_a_guessed_issue_date_gets_a_low_confidence_finding(tmp_path: Path) -> None:
    items: list[Item] = [(15, 87, "作業費"), (100, 87, "1", 9, "r"), (170, 87, "10,000", 9, "r")]
    totals: list[Item] = [(15, 100, "10%対象 ¥10,000 消費税 ¥1,000"), (120, 110, "合計 ¥11,000")]
    page = [it for it in _invoice(items, totals) if "請求日" not in str(it[2])]
    page += [(195, 24, "2024年8月31日", 9, "r"), (195, 42, "作成 2024年8月30日", 9, "r")]
    result = extract(_draw(tmp_path / "dates.pdf", [page]))
    assert str(result.fields.issue_date) == "2024-08-31"
    assert result.confidence["issue_date"] < 0.7
    assert ("extract.low_confidence", "issue_date") in [(f.code, f.field) for f in result.findings]


def _header(number: str = "77") -> list[Item]:
    return [
        (105, 20, "請求書", 18, "c"),
        (15, 35, "株式会社黒子商店 御中", 12),
        (195, 30, "請求日 2024年7月31日", 9, "r"),
        (195, 36, f"請求番号 {number}", 9, "r"),
        (130, 50, "株式会社テスト", 11),
        (130, 56, "登録番号 T7000012050002", 8),
    ]


def test_a_table_without_a_header_row_keeps_quantities_out_of_the_descriptions(tmp_path: Path) -> None:
    rows: list[Item] = [
        (15, 80, "ボルト M6"),
        (110, 80, "10", 9, "r"),
        (140, 80, "120", 9, "r"),
        (180, 80, "1,200", 9, "r"),
        (15, 87, "ナット M6"),
        (110, 87, "20個", 9, "r"),
        (140, 87, "50", 9, "r"),
        (180, 87, "1,000", 9, "r"),
        (120, 100, "小計"),
        (180, 100, "2,200", 9, "r"),
        (120, 106, "消費税(10%)"),
        (180, 106, "220", 9, "r"),
        (120, 112, "合計"),
        (180, 112, "2,420", 9, "r"),
    ]
    result = extract(_draw(tmp_path / "noheader.pdf", [[*_header(), *rows]]))
    assert [(ln.description, ln.quantity, ln.unit_price, ln.amount) for ln in result.fields.lines] == [
        ("ボルト M6", 10.0, 120, 1200),
        ("ナット M6", 20.0, 50, 1000),
    ]
    assert [(b.rate, b.net, b.tax) for b in result.fields.tax_breakdown] == [(10, 2200, 220)]


def test_a_non_taxable_line_gets_a_zero_rate_bucket(tmp_path: Path) -> None:
    rows: list[Item] = [
        (15, 80, "品名"),
        (110, 80, "数量", 9, "r"),
        (150, 80, "金額", 9, "r"),
        (175, 80, "税率", 9, "c"),
        (15, 87, "コピー用紙"),
        (110, 87, "2", 9, "r"),
        (150, 87, "5,000", 9, "r"),
        (175, 87, "10%", 9, "c"),
        (15, 94, "収入印紙"),
        (110, 94, "1", 9, "r"),
        (150, 94, "200", 9, "r"),
        (175, 94, "非課税", 9, "c"),
        (15, 105, "10%対象 ¥5,000 消費税 ¥500"),
        (15, 111, "非課税 ¥200"),
        (120, 120, "合計 ¥5,700"),
    ]
    result = extract(_draw(tmp_path / "stamp.pdf", [[*_header(), *rows]]))
    assert [(ln.description, ln.rate) for ln in result.fields.lines] == [("コピー用紙", 10), ("収入印紙", 0)]
    assert [(b.rate, b.net, b.tax) for b in result.fields.tax_breakdown] == [(10, 5000, 500), (0, 200, 0)]
    assert result.fields.total == 5700
    assert [f.code for f in result.findings if f.severity != Severity.INFO] == []
