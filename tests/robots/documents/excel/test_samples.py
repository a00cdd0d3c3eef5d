"""Golden comparison: every generated sample form reads back to exactly the ``fields`` the generator wrote,
with exactly the expected finding codes (style.md practice 2: readers tested against golden files)."""

from __future__ import annotations

import json

import pytest

from robots.documents.excel import read_form
from sandbox.samples.forms import EXPENSE_LAYOUTS, ONBOARDING_LAYOUTS, TIMESHEET_LAYOUTS, FormSample

from .conftest import SEEDS

CASES = [
    f"{layout}-{seed}"
    for seed in SEEDS
    for layout in (*EXPENSE_LAYOUTS, *ONBOARDING_LAYOUTS, *TIMESHEET_LAYOUTS)
]


@pytest.mark.parametrize("case", CASES)
def test_sample_reads_back_to_its_expected_fields(form_samples: dict[str, FormSample], case: str) -> None:
    sample = form_samples[case]
    result = read_form(sample.path).to_json_dict()
    assert result["error"] is None
    assert result["document_type"] == sample.kind
    assert result["fields"] == sample.expected
    assert tuple(sorted({f["code"] for f in result["findings"]})) == sample.findings


@pytest.mark.parametrize("case", CASES)
def test_sample_result_has_the_schema_shape(form_samples: dict[str, FormSample], case: str) -> None:
    sample = form_samples[case]
    result = read_form(sample.path, kind=sample.kind).to_json_dict()
    assert set(result) == {"path", "sha256", "document_type", "fields", "confidence", "findings", "error"}
    assert len(result["sha256"]) == 64
    assert set(result["confidence"]) == set(result["fields"])
    assert all(0.0 <= c <= 1.0 for c in result["confidence"].values())
    json.dumps(result, ensure_ascii=False)  # JSON-ready as it is


def test_a_wrong_kind_finds_no_matching_labels(form_samples: dict[str, FormSample]) -> None:
    result = read_form(form_samples["T1-0"].path, kind="onboarding")
    assert result.error is not None
    assert result.error["code"] == "xlsx.no_matching_labels"


def test_an_unknown_kind_is_a_programming_error(form_samples: dict[str, FormSample]) -> None:
    with pytest.raises(ValueError):
        read_form(form_samples["E1-0"].path, kind="invoice")
