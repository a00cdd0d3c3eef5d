"""Per-issuer invoice templates: a PDF drawn here that the generic reader gets wrong and a template fixes,
matching, YAML errors, fields not found, `kuroko template check`, and the shipped example template against
the sample generator."""

from __future__ import annotations

import datetime as dt
import json
import os
import textwrap
from collections.abc import Sequence
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from robots.documents import Severity, extract
from robots.documents.templates import (
    TEMPLATE_CONFIDENCE,
    InvoiceTemplate,
    apply_template,
    check_template,
    load_templates,
    match_template,
    template_check_command,
)
from robots.errors import BusinessError
from robots.settings import PROJECT_ROOT, load_yaml_model
from sandbox.samples import generate_invoices

REGISTRATION = "T7000012050002"  # a valid corporate number (domain-ja.md §1)
SHIPPED = PROJECT_ROOT / "templates" / "invoices"
MM = 72 / 25.4

Item = tuple[float, float, str] | tuple[float, float, str, float]


def _draw(path: Path, items: Sequence[Item], boxes: Sequence[tuple[float, float, float, float]] = ()) -> Path:
    """A one-page text PDF: items are (x mm, y mm from the top, text[, size]); boxes (x, y, w, h) in mm."""
    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiKakuGo-W5"))
    c = Canvas(str(path), pagesize=A4, invariant=1)
    for x, y, w, h in boxes:
        c.rect(x * MM, A4[1] - (y + h) * MM, w * MM, h * MM)
    for x, y, text, *rest in items:
        c.setFont("HeiseiKakuGo-W5", float(rest[0]) if rest else 9.0)
        c.drawString(x * MM, A4[1] - y * MM, text)
    c.showPage()
    c.save()
    return path


def _hard_pdf(path: Path) -> Path:
    """An invoice whose number has no label (it sits alone in a box at the top right), whose dates are
    day/month/year, and whose item table has English headers: the generic reader finds none of these."""
    items: list[Item] = [
        (15, 20, "請求書", 20),
        (145, 23, "KR-0042-77", 11),
        (15, 40, "株式会社黒子商店 御中", 12),
        (130, 40, "Issued 30/04/2024"),
        (130, 46, "Payment due 31/05/2024"),
        (130, 60, "株式会社テンプレ工房", 11),
        (130, 66, f"登録番号 {REGISTRATION}"),
        (15, 90, "Item"),
        (110, 90, "Qty"),
        (135, 90, "Price"),
        (170, 90, "Amount"),
        (15, 98, "※ Coffee beans 1kg"),
        (112, 98, "2"),
        (135, 98, "2,000"),
        (170, 98, "4,000"),
        (15, 106, "Paper A4 500 sheets"),
        (112, 106, "3"),
        (135, 106, "500"),
        (170, 106, "1,500"),
        (15, 120, "Subtotal 5,500"),
        (15, 128, "10%対象 ¥1,500 消費税 ¥150"),
        (15, 134, "8%対象 ¥4,000 消費税 ¥320"),
        (15, 142, "合計 ¥5,970", 12),
    ]
    return _draw(path, items, boxes=[(140, 15, 55, 12)])


HARD_TEMPLATE = f"""\
name: テンプレ工房
match:
  registration_numbers: [{REGISTRATION}]
fields:
  invoice_number:
    region: {{page: 0, bbox: [140, 15, 195, 27], unit: mm}}
  issue_date:
    anchor: Issued
    date_format: "%d/%m/%Y"
  due_date:
    pattern: 'Payment due (\\d{{2}}/\\d{{2}}/\\d{{4}})'
    date_format: "%d/%m/%Y"
lines:
  columns: {{description: ^Item$, quantity: ^Qty$, unit_price: ^Price$, amount: ^Amount$}}
  stop: ^Subtotal
  rate_markers: {{"※": 8}}
tax_inclusive_pricing: false
"""


def _write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def hard(tmp_path: Path) -> Path:
    return _hard_pdf(tmp_path / "hard.pdf")


@pytest.fixture
def templates_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "templates"
    _write(directory, "tenpure.yaml", HARD_TEMPLATE)
    return directory


def test_the_generic_reader_misses_what_the_template_fixes(hard: Path, templates_dir: Path) -> None:
    generic = extract(hard, use_templates=False)
    assert generic.error is None and generic.fields is not None
    assert generic.fields.invoice_number is None
    assert generic.fields.issue_date is None and generic.fields.due_date is None
    assert generic.fields.registration_number == REGISTRATION
    assert {f.field for f in generic.findings if f.code == "extract.field_missing"} >= {
        "invoice_number",
        "issue_date",
    }

    fixed = extract(hard, templates_dir=templates_dir)
    assert fixed.error is None and fixed.fields is not None
    assert fixed.fields.invoice_number == "KR-0042-77"
    assert fixed.fields.issue_date == dt.date(2024, 4, 30)
    assert fixed.fields.due_date == dt.date(2024, 5, 31)
    assert [line.model_dump() for line in fixed.fields.lines] == [
        {"description": "Coffee beans 1kg", "quantity": 2.0, "unit_price": 2000, "amount": 4000, "rate": 8},
        {
            "description": "Paper A4 500 sheets",
            "quantity": 3.0,
            "unit_price": 500,
            "amount": 1500,
            "rate": 10,
        },
    ]
    assert fixed.fields.tax_inclusive_pricing is False
    for name in ("invoice_number", "issue_date", "due_date", "lines", "tax_inclusive_pricing"):
        assert fixed.confidence[name] == TEMPLATE_CONFIDENCE
    # fields the template does not define keep the generic reader's values and confidences
    for name in ("issuer", "recipient", "total", "tax_breakdown", "registration_number"):
        assert getattr(fixed.fields, name) == getattr(generic.fields, name)
        assert fixed.confidence[name] == generic.confidence[name]
    assert fixed.fields.total == 5970
    # the generic reader's complaints about the fixed fields are gone; the template is recorded
    assert not [f for f in fixed.findings if f.code == "extract.field_missing" and f.field != "due_date"]
    [applied] = [f for f in fixed.findings if f.code == "template.applied"]
    assert applied.severity == Severity.INFO
    assert "テンプレ工房" in applied.message and "tenpure.yaml" in applied.message
    json.dumps(fixed.to_json_dict(), ensure_ascii=False)


def test_apply_template_takes_bytes_or_a_path(hard: Path, templates_dir: Path) -> None:
    [template] = load_templates(templates_dir)
    generic = extract(hard, use_templates=False)
    from_path = apply_template(template, hard, generic)
    from_bytes = apply_template(template, hard.read_bytes(), generic)
    assert from_path == from_bytes
    assert from_path.fields is not None and from_path.fields.invoice_number == "KR-0042-77"
    assert generic.fields is not None and generic.fields.invoice_number is None  # not modified in place


def _template(
    registration_numbers: list[str] | None = None, keywords: list[str] | None = None
) -> InvoiceTemplate:
    match: dict[str, list[str]] = {}
    if registration_numbers is not None:
        match["registration_numbers"] = registration_numbers
    if keywords is not None:
        match["keywords"] = keywords
    return InvoiceTemplate.model_validate(
        {"name": "t", "match": match, "fields": {"invoice_number": {"pattern": r"No (\S+)"}}}
    )


TEXT = "請求書\nＡＢＣ 商事 御中\n登録番号 T7000012050002\nNo 42"


@pytest.mark.parametrize(
    ("registration_numbers", "keywords", "registration_number", "matched"),
    [
        (["T7000012050002"], None, "T7000012050002", True),
        (["t7000-0120-50002"], None, "T7000012050002", True),  # normalized when loaded
        (["T1180301018771"], None, "T7000012050002", False),
        (["T7000012050002"], None, None, True),  # the reader missed it; it is in the text
        (None, ["ABC商事", "請求書"], None, True),  # NFKC, whitespace ignored
        (None, ["ABC商事", "領収書"], "T7000012050002", False),  # every keyword must appear
        (["T7000012050002"], ["請求書"], "T7000012050002", True),
        (["T7000012050002"], ["領収書"], "T7000012050002", False),  # both given: both must hold
    ],
)
def test_matching_by_registration_number_or_keywords(
    registration_numbers: list[str] | None,
    keywords: list[str] | None,
    registration_number: str | None,
    matched: bool,
) -> None:
    template = _template(registration_numbers, keywords)
    assert (match_template([template], TEXT, registration_number) is template) is matched


def test_a_registration_number_match_wins_over_a_keyword_match() -> None:
    by_keywords = _template(keywords=["請求書"])
    by_number = _template(registration_numbers=["T7000012050002"])
    assert match_template([by_keywords, by_number], TEXT, "T7000012050002") is by_number
    assert match_template([by_keywords], TEXT, "T7000012050002") is by_keywords
    assert match_template([], TEXT, "T7000012050002") is None


def test_a_keyword_template_applies_through_extract(hard: Path, tmp_path: Path) -> None:
    directory = tmp_path / "kw"
    _write(
        directory,
        "by_keywords.yaml",
        """\
        name: by keywords
        match: {keywords: [テンプレ工房, Payment due]}
        fields:
          invoice_number: {region: {bbox: [0.66, 0.0, 1.0, 0.1], unit: fraction}}
        """,
    )
    result = extract(hard, templates_dir=directory)
    assert result.fields is not None and result.fields.invoice_number == "KR-0042-77"
    other = _draw(tmp_path / "other.pdf", [(15, 20, "請求書", 20), (15, 40, "株式会社黒子商店 御中", 12)])
    assert not [f for f in extract(other, templates_dir=directory).findings if f.code.startswith("template.")]


@pytest.mark.parametrize(
    ("yaml_text", "key"),
    [
        ("name: x\nmatch: {keywords: [a]}\nfields:\n  invoice_number: {anchr: 'No'}\n", "anchr"),
        ("name: x\nmatch: {keywords: [a]}\nfields:\n  invoice_no: {anchor: 'No'}\n", "invoice_no"),
        ("name: x\nmatch: {keywords: [a], issuer: b}\nfields:\n  total: {anchor: 合計}\n", "issuer"),
        ("name: x\nmatch: {keywords: [a]}\nlines: {columns: {description: a, amount: b, tax: c}}\n", "tax"),
        ("name: x\nmatch: {keywords: [a]}\nfields:\n  total: {anchor: 合計}\ncolour: red\n", "colour"),
    ],
)
def test_an_unknown_yaml_key_is_an_error_naming_the_file_and_the_key(
    tmp_path: Path, yaml_text: str, key: str
) -> None:
    path = _write(tmp_path / "bad", "typo.yaml", yaml_text)
    with pytest.raises(BusinessError) as caught:
        load_templates(path.parent)
    assert caught.value.code == "config.invalid"
    assert str(path) in caught.value.message and key in caught.value.message


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("{pattern: '(a)(b)'}", "2 groups"),
        ("{anchor: '('}", "not a valid regular expression"),
        ("{anchor: 'x', region: {bbox: [1, 2, 3, 4]}}", "either anchor or region"),
        ("{direction: below}", "anchor"),
        ("{region: {bbox: [0.1, 0.1, 0.5, 0.5]}}", "unit: fraction"),
        ("{region: {bbox: [10, 50, 5, 60]}}", "x0 < x1"),
        ("{anchor: 'x', parse: amount}", "does not fit"),
        ("{anchor: 'x', parse: text, date_format: '%d'}", "date_format"),
    ],
)
def test_a_rule_that_cannot_work_is_an_error_when_loaded(tmp_path: Path, rule: str, words: str) -> None:
    path = _write(
        tmp_path, "bad.yaml", f"name: x\nmatch: {{keywords: [a]}}\nfields:\n  invoice_number: {rule}\n"
    )
    with pytest.raises(BusinessError) as caught:
        load_yaml_model(path, InvoiceTemplate)
    assert words in caught.value.message and str(path) in caught.value.message


def test_an_invalid_template_never_makes_extract_raise(hard: Path, tmp_path: Path) -> None:
    directory = tmp_path / "broken"
    _write(
        directory, "typo.yaml", "name: x\nmatch: {keywords: [a]}\nfields:\n  invoice_number: {anchr: 'No'}\n"
    )
    result = extract(hard, templates_dir=directory)
    assert result.error is None
    [finding] = [f for f in result.findings if f.code == "template.invalid"]
    assert "typo.yaml" in finding.message and "anchr" in finding.message


def test_a_field_the_template_cannot_find_keeps_the_generic_value(hard: Path, tmp_path: Path) -> None:
    directory = tmp_path / "missing"
    _write(
        directory,
        "missing.yaml",
        f"""\
        name: looks in the wrong place
        match: {{registration_numbers: [{REGISTRATION}]}}
        fields:
          issuer: {{anchor: 発行元, direction: below}}
          total: {{region: {{page: 3, bbox: [10, 10, 100, 100]}}}}
          invoice_number: {{region: {{page: 0, bbox: [140, 15, 195, 27], unit: mm}}}}
        """,
    )
    generic = extract(hard, use_templates=False)
    result = extract(hard, templates_dir=directory)
    assert result.fields is not None and generic.fields is not None
    assert result.fields.issuer == generic.fields.issuer == "株式会社テンプレ工房"
    assert result.fields.total == generic.fields.total == 5970
    assert result.confidence["issuer"] == generic.confidence["issuer"]
    not_found = {f.field: f for f in result.findings if f.code == "template.field_not_found"}
    assert set(not_found) == {"issuer", "total"}
    assert all(f.severity == Severity.WARNING for f in not_found.values())
    assert "株式会社テンプレ工房" in not_found["issuer"].message
    assert result.fields.invoice_number == "KR-0042-77"


def test_templates_are_cached_until_a_file_changes(templates_dir: Path) -> None:
    first = load_templates(templates_dir)
    assert load_templates(templates_dir)[0] is first[0]
    path = templates_dir / "tenpure.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("name: テンプレ工房", "name: 改訂版"), encoding="utf-8"
    )
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert [t.name for t in load_templates(templates_dir)] == ["改訂版"]
    assert load_templates(templates_dir / "nowhere") == []


def test_check_template_shows_generic_and_template_values_and_the_winner(
    hard: Path, templates_dir: Path, tmp_path: Path
) -> None:
    other = _draw(tmp_path / "other.pdf", [(15, 20, "請求書", 20), (15, 40, "株式会社黒子商店 御中", 12)])
    missing = tmp_path / "missing.pdf"
    rows = check_template(templates_dir / "tenpure.yaml", [hard, other, missing])
    assert [r["path"] for r in rows] == [str(hard), str(other), str(missing)]
    first = rows[0]
    assert first["matched"] is True and first["error"] is None
    by_field = {f["field"]: f for f in first["fields"]}
    assert list(by_field) == ["invoice_number", "issue_date", "due_date", "lines", "tax_inclusive_pricing"]
    assert by_field["invoice_number"] == {
        "field": "invoice_number",
        "generic": None,
        "template": "KR-0042-77",
        "found": True,
        "wins": "template",
        "generic_text": "-",
        "template_text": "KR-0042-77",
    }
    assert by_field["issue_date"]["template"] == "2024-04-30"
    assert by_field["lines"]["template"][0]["rate"] == 8
    assert rows[1]["matched"] is False
    assert all(f["wins"] == "generic" for f in rows[1]["fields"])
    assert rows[2]["error"]["code"] == "file.not_found" and rows[2]["fields"] == []

    text, status = template_check_command(templates_dir / "tenpure.yaml", [hard])
    assert status == 0
    assert "hard.pdf: the template matches" in text
    assert "KR-0042-77" in text and "2024-05-31" in text and "template" in text
    text, status = template_check_command(templates_dir / "tenpure.yaml", [hard, other])
    assert status == 1 and "does NOT match" in text and "(not found)" in text


def test_check_template_names_an_invalid_template_file(tmp_path: Path, hard: Path) -> None:
    path = _write(tmp_path, "typo.yaml", "name: x\nmatch: {keywords: [a]}\nfields:\n  total: {anchr: 合計}\n")
    with pytest.raises(BusinessError, match="anchr") as caught:
        template_check_command(path, [hard])
    assert str(path) in caught.value.message


def test_the_template_pass_respects_the_time_budget(hard: Path, templates_dir: Path) -> None:
    result = extract(hard, templates_dir=templates_dir, time_budget_s=0)
    assert result.fields is not None and result.fields.invoice_number is None
    assert "extract.time_budget_exceeded" in [f.code for f in result.findings]


# -- the shipped example -------------------------------------------------------------------------------
def test_the_shipped_templates_load() -> None:
    templates = load_templates(SHIPPED)
    assert [t.name for t in templates] == ["アオバ電設 適格請求書"]


@pytest.fixture(scope="module")
def demo_and_aoba(tmp_path_factory: pytest.TempPathFactory) -> list:
    root = tmp_path_factory.mktemp("demo")
    demo = generate_invoices(root / "demo", count=6, seed=0)  # what `kuroko demo` puts in the inbox
    layout_e = generate_invoices(root / "e", count=8, seed=11, layouts=["E"])
    return [*demo, *layout_e]


def test_the_shipped_template_keeps_the_demo_samples_exact(demo_and_aoba: list) -> None:
    """The shipped template changes nothing the generic reader gets right: every demo sample reads the same
    with and without templates, and the issuer it is for reads exactly as generated."""
    aoba = 0
    for sample in demo_and_aoba:
        result = extract(sample.path)  # the settings' templates directory: the shipped templates
        generic = extract(sample.path, use_templates=False)
        assert result.fields == generic.fields, sample.path.name
        added = [f.code for f in result.findings if f not in generic.findings]
        if sample.expected["issuer"] == "株式会社アオバ電設":
            aoba += 1
            assert result.model_dump(mode="json")["fields"] == sample.expected, sample.path.name
            assert added == ["template.applied"]
            assert result.confidence["invoice_number"] == result.confidence["lines"] == TEMPLATE_CONFIDENCE
        else:
            assert added == [] and result.confidence == generic.confidence
    assert aoba >= 3


def test_check_template_on_the_shipped_template_agrees_with_the_generic_reader(demo_and_aoba: list) -> None:
    pdfs = [s.path for s in demo_and_aoba if s.expected["issuer"] == "株式会社アオバ電設"]
    rows = check_template(SHIPPED / "aoba_densetsu.yaml", pdfs)
    for row in rows:
        assert row["matched"]
        for f in row["fields"]:
            assert f["found"] and f["template"] == f["generic"], (row["path"], f)
