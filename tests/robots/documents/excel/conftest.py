"""Fixtures for the Excel form reader: the sandbox's sample forms, generated once per session, and a small
helper to build workbooks in a test."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook

from sandbox.samples.forms import (
    FormSample,
    generate_expense_reports,
    generate_onboarding_forms,
    generate_timesheets,
)

SEEDS = (0, 1)


@pytest.fixture(scope="session")
def form_samples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, FormSample]:
    """Every generated sample for every seed, by ``<layout>-<seed>``."""
    out = tmp_path_factory.mktemp("forms")
    samples: dict[str, FormSample] = {}
    for seed in SEEDS:
        for generate in (generate_expense_reports, generate_onboarding_forms, generate_timesheets):
            for sample in generate(out / str(seed), seed=seed):
                samples[f"{sample.layout}-{seed}"] = sample
    return samples


@pytest.fixture
def make_book(tmp_path: Path) -> Callable[..., Path]:
    """``make_book({"A1": "経費精算書", ...}, name="x.xlsx", merged=["B5:C5"])``: a one-sheet workbook."""

    def make(
        cells: dict[str, object],
        *,
        name: str = "form.xlsx",
        merged: tuple[str, ...] = (),
        formats: dict[str, str] | None = None,
        title: str = "Sheet1",
    ) -> Path:
        wb = Workbook()
        ws = wb.active
        ws.title = title
        for ref, value in cells.items():
            ws[ref] = value
        for ref, fmt in (formats or {}).items():
            ws[ref].number_format = fmt
        for ref in merged:
            ws.merge_cells(ref)
        path = tmp_path / name
        wb.save(path)
        return path

    return make
