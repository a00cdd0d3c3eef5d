"""The sample invoice generator: deterministic, realistic and varied, its expected fields internally
consistent."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from pathlib import Path

import pdfplumber
import pytest
from stdnum.jp import cn

from robots.documents.model import Invoice
from sandbox.samples import (
    HELDOUT_LAYOUTS,
    LAYOUTS,
    TUNING_LAYOUTS,
    Sample,
    generate_invoices,
    write_broken_pdfs,
)

SEEDS = range(6)


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> list[Sample]:
    """Two samples of every layout for each of six seeds."""
    root = tmp_path_factory.mktemp("samples")
    return [
        s for seed in SEEDS for s in generate_invoices(root / str(seed), count=2 * len(LAYOUTS), seed=seed)
    ]


def _round(value: Decimal, mode: str) -> int:
    return int(value.quantize(Decimal(1), rounding=mode))


def test_the_same_seed_gives_byte_identical_files_and_goldens(tmp_path: Path) -> None:
    first = generate_invoices(tmp_path / "a", count=len(LAYOUTS), seed=5)
    second = generate_invoices(tmp_path / "b", count=len(LAYOUTS), seed=5)
    assert {s.layout for s in first} == set(LAYOUTS)
    assert [s.path.name for s in first] == [s.path.name for s in second]
    assert [s.path.read_bytes() for s in first] == [s.path.read_bytes() for s in second]
    assert [s.expected for s in first] == [s.expected for s in second]


def test_another_seed_gives_other_invoices(tmp_path: Path) -> None:
    a = generate_invoices(tmp_path / "a", count=6, seed=1)
    b = generate_invoices(tmp_path / "b", count=6, seed=2)
    assert [s.expected for s in a] != [s.expected for s in b]


def test_the_layouts_are_split_into_tuning_and_held_out() -> None:
    assert len(LAYOUTS) >= 12
    assert len(HELDOUT_LAYOUTS) >= 4
    assert set(TUNING_LAYOUTS) | set(HELDOUT_LAYOUTS) == set(LAYOUTS)
    assert not set(TUNING_LAYOUTS) & set(HELDOUT_LAYOUTS)


def test_the_demo_set_has_six_layouts_and_a_longer_set_covers_them_all(tmp_path: Path) -> None:
    samples = generate_invoices(tmp_path / "demo", count=6, seed=0)
    assert len({s.layout for s in samples}) == 6
    assert len({p.name for p in (tmp_path / "demo").iterdir()}) == 6, "no file overwrote another"
    every = generate_invoices(tmp_path / "all", count=len(LAYOUTS), seed=3)
    assert {s.layout for s in every} == set(LAYOUTS)


def test_layouts_can_be_chosen_and_unknown_ones_are_refused(tmp_path: Path) -> None:
    samples = generate_invoices(tmp_path, count=3, seed=0, layouts=["C"])
    assert {s.layout for s in samples} == {"C"}
    assert all(s.expected["tax_inclusive_pricing"] for s in samples)
    with pytest.raises(ValueError, match="Z"):
        generate_invoices(tmp_path, count=1, layouts=["Z"])


def test_expected_is_exactly_the_invoice_fields_of_the_schema(many: list[Sample]) -> None:
    for s in many:
        assert list(s.expected) == list(Invoice.model_fields)
        assert Invoice.model_validate(s.expected).model_dump(mode="json") == s.expected
        assert s.expected["needs_ocr"] is False
        assert s.document_type in ("invoice", "receipt")
        if s.document_type == "receipt":
            assert s.expected["recipient"] is None and s.expected["due_date"] is None
            assert s.expected["tax_inclusive_pricing"] is True
        else:
            assert "御中" not in s.expected["recipient"] and "㈱" not in s.expected["recipient"]
        assert "(株)" not in s.expected["issuer"] and "㍿" not in s.expected["issuer"]


def test_issuers_have_valid_corporate_registration_numbers(many: list[Sample]) -> None:
    issuers = {s.expected["issuer"]: s.expected["registration_number"] for s in many}
    assert len(issuers) >= 20
    assert len(set(issuers.values())) == len(issuers), "one number per company"
    for number in issuers.values():
        assert number.startswith("T") and len(number) == 14
        assert cn.is_valid(number[1:])
    assert all(s.expected["registration_number_valid"] is True for s in many)


def test_totals_are_the_sum_of_net_and_tax_per_rate(many: list[Sample]) -> None:
    for s in many:
        e = s.expected
        assert sum(b["net"] + b["tax"] for b in e["tax_breakdown"]) == e["total"]
        rates = [b["rate"] for b in e["tax_breakdown"]]
        assert rates == sorted(rates, reverse=True) and len(set(rates)) == len(rates)
        assert {ln["rate"] for ln in e["lines"]} == set(rates)
        for b in e["tax_breakdown"]:
            printed = sum(ln["amount"] for ln in e["lines"] if ln["rate"] == b["rate"])
            assert printed == (b["net"] + b["tax"] if e["tax_inclusive_pricing"] else b["net"])
        for ln in e["lines"]:
            if ln["quantity"] is not None:
                assert Decimal(str(ln["quantity"])) * ln["unit_price"] == ln["amount"]


def test_tax_is_rounded_once_per_rate_never_per_line(many: list[Sample]) -> None:
    per_line_would_differ = False
    for s in many:
        e = s.expected
        for b in e["tax_breakdown"]:
            r = b["rate"]
            amounts = [ln["amount"] for ln in e["lines"] if ln["rate"] == r]
            if e["tax_inclusive_pricing"]:
                exact, each = (
                    Decimal(sum(amounts)) * r / (100 + r),
                    [Decimal(a) * r / (100 + r) for a in amounts],
                )
            else:
                exact, each = Decimal(b["net"]) * r / 100, [Decimal(a) * r / 100 for a in amounts]
            assert b["tax"] in {_round(exact, ROUND_FLOOR), _round(exact, ROUND_HALF_UP)}
            if sum(_round(x, ROUND_FLOOR) for x in each) != _round(exact, ROUND_FLOOR):
                per_line_would_differ = True
    assert per_line_would_differ, "the set holds a case where per-line rounding would give another tax"


def test_the_samples_vary_like_real_invoices(many: list[Sample]) -> None:
    rate_sets = {tuple(b["rate"] for b in s.expected["tax_breakdown"]) for s in many}
    assert {(10,), (8,), (10, 8)} <= rate_sets
    assert {len(s.expected["lines"]) for s in many} >= {1, 8, 15}
    assert all(1 <= len(s.expected["lines"]) <= 40 for s in many)
    assert {s.expected["tax_inclusive_pricing"] for s in many} == {True, False}
    assert {s.layout for s in many} == set(LAYOUTS)
    assert {s.document_type for s in many} == {"invoice", "receipt"}
    assert {s.pages for s in many} >= {1, 2}, "statements go on over the next page"
    assert any(ln["amount"] < 0 for s in many for ln in s.expected["lines"]), "a discount line"
    assert any(ln["quantity"] is None for s in many for ln in s.expected["lines"]), "an amount-only line"
    assert any(ln["quantity"] and ln["quantity"] % 1 for s in many for ln in s.expected["lines"]), "2.5 時間"
    assert any(s.expected["due_date"] is None and s.document_type == "invoice" for s in many), "口座振替"
    for s in many:
        issue = dt.date.fromisoformat(s.expected["issue_date"])
        assert dt.date(2024, 1, 1) <= issue <= dt.date(2025, 12, 31)
        if s.expected["due_date"] is not None:
            due = dt.date.fromisoformat(s.expected["due_date"])
            assert issue < due <= issue + dt.timedelta(days=75)
            assert due.weekday() < 5


def test_page_sizes_vary_with_the_kind_of_document(many: list[Sample]) -> None:
    sizes = set()
    for s in many:
        if s.layout in ("F", "G", "O", "A"):
            with pdfplumber.open(s.path) as pdf:
                page = pdf.pages[0]
                sizes.add(
                    (s.layout, round(float(page.width)), round(float(page.height)) if s.layout != "O" else 0)
                )
    assert ("A", 595, 842) in sizes, "A4"
    assert ("F", 420, 595) in sizes, "A5 receipt"
    assert ("G", 842, 595) in sizes, "A4 landscape"
    assert ("O", 227, 0) in sizes, "an 80 mm register roll"


def test_both_builtin_cid_and_embedded_truetype_fonts_are_used(many: list[Sample]) -> None:
    data = [s.path.read_bytes() for s in many]
    assert any(b"HeiseiKakuGo-W5" in d and b"FontFile2" not in d for d in data)
    assert any(b"FontFile2" in d for d in data)


def test_file_names_and_metadata_are_realistic_and_fixed(many: list[Sample]) -> None:
    for s in many[: 2 * len(LAYOUTS)]:
        kind = "領収書_" if s.document_type == "receipt" else "請求書_"
        assert s.path.name.startswith(kind) and s.path.suffix == ".pdf"
        assert not set(s.path.stem) & set('/\\:*?"<>| ')
        with pdfplumber.open(s.path) as pdf:
            created = pdf.metadata["CreationDate"]
            assert len(pdf.pages) == s.pages
        assert created == f"D:{s.expected['issue_date'].replace('-', '')}090000+09'00'"


def test_broken_files_are_broken_in_the_intended_way(tmp_path: Path) -> None:
    broken = write_broken_pdfs(tmp_path)
    assert set(broken) == {"empty", "truncated", "not_a_pdf", "encrypted", "no_text"}
    assert broken["empty"].stat().st_size == 0
    assert broken["truncated"].read_bytes().startswith(b"%PDF-")
    assert b"%%EOF" not in broken["truncated"].read_bytes()
    assert not broken["not_a_pdf"].read_bytes().startswith(b"%PDF")
    assert b"/Encrypt" in broken["encrypted"].read_bytes()
    with pdfplumber.open(broken["no_text"]) as pdf:
        assert len(pdf.pages) == 1 and not pdf.pages[0].chars and pdf.pages[0].rects
    assert all(p.parent == tmp_path for p in broken.values())
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in broken.values())
