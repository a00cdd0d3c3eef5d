"""Search by transaction date, amount and counterparty in any AND combination (domain-ja.md §4): one fixed
set of documents, a table of conditions and the EXACT set each returns, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from robots.archive import Archive, DocumentType, SearchCriteria

D = dt.date

# label: (transaction date, amount, counterparty as printed)
DOCUMENTS: dict[str, tuple[dt.date, int, str]] = {
    "a1": (D(2024, 4, 1), 110_000, "株式会社A"),
    "a2": (D(2024, 4, 15), 300_000, "㈱A"),  # top of the 100,000..300,000 range
    "a3": (D(2024, 5, 10), 99_999, "株式会社A"),  # just below it
    "a4": (D(2024, 6, 30), 100_000, "A株式会社"),  # 後株; bottom of the range
    "a5": (D(2024, 7, 1), 300_001, "（株）Ａ"),  # just above; full-width
    "b1": (D(2024, 4, 1), 150_000, "株式会社B"),
    "b2": (D(2024, 5, 31), 250_000, "株式会社B"),
    "y1": (D(2024, 3, 31), 50_000, "山田商店"),
    "y2": (D(2024, 6, 1), 200_000, "有限会社 山田製作所"),
    "z1": (D(2024, 8, 20), 1_200_000, "ＡＢＣ商事株式会社"),
}
ALL = set(DOCUMENTS)
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(scope="module", params=BACKENDS)
def filled(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    open_archive: Callable[..., Any],
    pdf_writer: Callable[..., Path],
) -> Iterator[Any]:
    """The ten documents, archived once per backend for the whole table; label by SHA-256."""
    root = tmp_path_factory.mktemp("search")
    with open_archive(request, root / "home") as archive:
        labels: dict[str, str] = {}
        for label, (date, amount, party) in DOCUMENTS.items():
            pdf = pdf_writer(root / "in" / f"{label}.pdf", "請求書", party, f"{date}", f"¥{amount:,}")
            doc = archive.add(
                pdf,
                doc_type=DocumentType.INVOICE,
                transaction_date=date,
                amount=amount,
                counterparty=party,
                received_at=dt.datetime(2024, 9, 1, tzinfo=dt.UTC),
                source=f"inbox:{pdf.name}",
                fiscal_year_end=D(2025, 3, 31),
                actor="test",
            )
            labels[doc.sha256] = label
        yield archive, labels


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        pytest.param({}, ALL, id="no condition: everything"),
        # each condition alone
        pytest.param({"date_from": D(2024, 4, 1)}, ALL - {"y1"}, id="date from, inclusive"),
        pytest.param({"date_to": D(2024, 4, 30)}, {"y1", "a1", "a2", "b1"}, id="date to"),
        pytest.param(
            {"date_from": D(2024, 4, 1), "date_to": D(2024, 5, 31)},
            {"a1", "a2", "a3", "b1", "b2"},
            id="date range, both ends inclusive",
        ),
        pytest.param({"date_from": D(2024, 4, 1), "date_to": D(2024, 4, 1)}, {"a1", "b1"}, id="one day"),
        pytest.param({"amount_min": 100_000}, ALL - {"a3", "y1"}, id="amount min, inclusive"),
        pytest.param({"amount_max": 99_999}, {"a3", "y1"}, id="amount max, inclusive"),
        pytest.param(
            {"amount_min": 100_000, "amount_max": 300_000},
            {"a1", "a2", "a4", "b1", "b2", "y2"},
            id="amount range, both ends inclusive",
        ),
        pytest.param(
            {"counterparty": "A"}, {"a1", "a2", "a3", "a4", "a5", "z1"}, id="counterparty: partial match"
        ),
        pytest.param(
            {"counterparty": "㈱Ａ"},
            {"a1", "a2", "a3", "a4", "a5", "z1"},
            id="counterparty: legal form ignored",
        ),
        pytest.param({"counterparty": "山田"}, {"y1", "y2"}, id="counterparty: part of two names"),
        pytest.param({"counterparty": "abc商事 御中"}, {"z1"}, id="counterparty: case, width, honorific"),
        # pairs
        pytest.param(
            {"amount_min": 100_000, "amount_max": 300_000, "counterparty": "株式会社A"},
            {"a1", "a2", "a4"},
            id="domain case: 100,000..300,000 AND counterparty A",
        ),
        pytest.param(
            {"date_from": D(2024, 4, 1), "date_to": D(2024, 6, 30), "counterparty": "A"},
            {"a1", "a2", "a3", "a4"},
            id="date range AND counterparty",
        ),
        pytest.param(
            {"date_from": D(2024, 4, 1), "date_to": D(2024, 5, 31), "amount_min": 200_000},
            {"a2", "b2"},
            id="date range AND amount",
        ),
        # all three
        pytest.param(
            {
                "date_from": D(2024, 4, 2),
                "date_to": D(2024, 6, 30),
                "amount_min": 100_000,
                "amount_max": 300_000,
                "counterparty": "A",
            },
            {"a2", "a4"},
            id="date AND amount AND counterparty",
        ),
        pytest.param(
            {"date_from": D(2024, 7, 1), "amount_max": 300_000, "counterparty": "株式会社B"},
            set(),
            id="all three: nothing matches",
        ),
        pytest.param({"counterparty": "存在しない商店"}, set(), id="unknown counterparty"),
        pytest.param({"counterparty": "%"}, set(), id="LIKE wildcards are literal"),
    ],
)
def test_search_returns_exactly_the_matching_documents(
    filled: tuple[Archive, dict[str, str]], criteria: dict[str, Any], expected: set[str]
) -> None:
    archive, labels = filled
    found = archive.search(**criteria)
    assert {labels[d.sha256] for d in found} == expected
    assert len(found) == len(expected)  # no document twice
    assert [d.transaction_date for d in found] == sorted(d.transaction_date for d in found)


def test_export_by_criteria_exports_exactly_the_search_result(
    filled: tuple[Archive, dict[str, str]], tmp_path: Path
) -> None:
    archive, labels = filled
    criteria = SearchCriteria(amount_min=100_000, amount_max=300_000, counterparty="A")
    written = archive.export(criteria, tmp_path / "out", actor="auditor")
    assert sorted(p.name for p in written) == [
        "20240401_株式会社A_110000.pdf",
        "20240415_㈱A_300000.pdf",
        "20240630_A株式会社_100000.pdf",
    ]
