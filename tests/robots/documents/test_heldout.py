"""The reader on layouts it was not tuned on (``HELDOUT_LAYOUTS``): field accuracy, wrong fields flagged
rather than passed silently, multi-page statements, register receipts. ``bench/extract.py`` prints the same
measure on more documents."""

from __future__ import annotations

import statistics
import time

import pytest

from robots.documents import DocumentType, ExtractResult, extract
from sandbox.samples import HELDOUT_LAYOUTS, TUNING_LAYOUTS, Sample, generate_invoices

SEED = 24_680  # not one of the seeds the reader was developed with
DOCUMENTS = 24
MIN_ACCURACY = 0.95


@pytest.fixture(scope="module")
def heldout(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Sample, ExtractResult]]:
    samples = generate_invoices(
        tmp_path_factory.mktemp("heldout"), count=DOCUMENTS, seed=SEED, layouts=HELDOUT_LAYOUTS
    )
    return [(s, extract(s.path)) for s in samples]


def _wrong(sample: Sample, result: ExtractResult) -> list[str]:
    if result.fields is None:
        return list(sample.expected)
    got = result.model_dump(mode="json")["fields"]
    return [name for name in sample.expected if got[name] != sample.expected[name]]


def _flagged(result: ExtractResult, name: str) -> bool:
    return result.confidence.get(name, 0.0) < 0.7 or any(f.field == name for f in result.findings)


def test_the_held_out_layouts_are_none_of_the_tuning_layouts() -> None:
    assert len(HELDOUT_LAYOUTS) >= 4
    assert not set(HELDOUT_LAYOUTS) & set(TUNING_LAYOUTS)


def test_at_least_95_percent_of_the_fields_are_right(heldout: list[tuple[Sample, ExtractResult]]) -> None:
    fields = sum(len(s.expected) for s, _ in heldout)
    wrong = [(s.layout, s.path.name, name) for s, r in heldout for name in _wrong(s, r)]
    accuracy = 1 - len(wrong) / fields
    assert accuracy >= MIN_ACCURACY, f"{accuracy:.1%} of {fields} fields right; wrong: {wrong}"
    assert {s.layout for s, _ in heldout} == set(HELDOUT_LAYOUTS)


def test_every_document_type_is_right(heldout: list[tuple[Sample, ExtractResult]]) -> None:
    assert [r.document_type for _, r in heldout] == [s.document_type for s, _ in heldout]


def test_a_wrong_field_is_flagged_never_passed_silently(heldout: list[tuple[Sample, ExtractResult]]) -> None:
    silent = [
        (s.layout, s.path.name, name, r.confidence.get(name))
        for s, r in heldout
        for name in _wrong(s, r)
        if not _flagged(r, name)
    ]
    assert silent == []


def test_statements_over_several_pages_read_every_line(heldout: list[tuple[Sample, ExtractResult]]) -> None:
    long = [(s, r) for s, r in heldout if s.pages > 1]
    assert long, "the held-out set has multi-page documents"
    for sample, result in long:
        assert result.fields is not None
        assert len(result.fields.lines) == len(sample.expected["lines"]) >= 15, sample.path.name
        assert result.fields.total == sample.expected["total"]


def test_register_receipts_are_receipts_without_a_recipient(
    heldout: list[tuple[Sample, ExtractResult]],
) -> None:
    receipts = [(s, r) for s, r in heldout if s.document_type == "receipt"]
    assert receipts
    for sample, result in receipts:
        assert result.document_type == DocumentType.RECEIPT
        assert result.fields is not None and result.fields.recipient is None
        assert "recipient" not in {f.field for f in result.findings}
        assert result.fields.tax_inclusive_pricing is True
        assert result.model_dump(mode="json")["fields"]["lines"] == sample.expected["lines"]


def test_text_pdfs_read_in_well_under_a_tenth_of_a_second_a_page(
    heldout: list[tuple[Sample, ExtractResult]],
) -> None:
    per_page = []
    for sample, _ in heldout:
        start = time.perf_counter()
        extract(sample.path)
        per_page.append((time.perf_counter() - start) / sample.pages)
    assert statistics.median(per_page) < 0.1
