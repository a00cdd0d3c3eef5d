from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect

from robots.ledger import DocumentStatus, EntryStatus, Ledger, RunStatus


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def ledger(request: pytest.FixtureRequest, tmp_path: Path) -> Ledger:
    """The ledger on SQLite (the default) and on a throwaway PostgreSQL cluster (the scale-out option)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres_url")
    led = Ledger(url)
    led.migrate()
    yield led
    if request.param == "postgresql":  # one database for the session: leave it empty for the next test
        from robots.ledger.models import Base

        Base.metadata.drop_all(led.engine)
        with led.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    led.close()


def test_migrate_creates_tables_and_is_idempotent(ledger: Ledger) -> None:
    ledger.migrate()
    tables = set(inspect(ledger.engine).get_table_names())
    assert {"runs", "documents", "entries", "alembic_version"} <= tables


def _doc(ledger: Ledger) -> tuple[str, str]:
    run = ledger.start_run("invoice_intake", target="t", parameters={"inbox": "/in"})
    doc = ledger.add_document(run, path=Path("/in/a.pdf"), sha256="ab" * 32, size=10)
    return run, doc


def test_find_entry_prefers_confirmed_over_pending(ledger: Ledger) -> None:
    _, doc = _doc(ledger)
    assert ledger.find_entry(target="t", reference="KRK-1") is None
    first = ledger.begin_entry(doc, target="t", operation="create_deal", reference="KRK-1")
    assert ledger.find_entry(target="t", reference="KRK-1").status == EntryStatus.PENDING
    ledger.confirm_entry(first, record_id="42")
    ledger.begin_entry(doc, target="t", operation="create_deal", reference="KRK-1")
    found = ledger.find_entry(target="t", reference="KRK-1")
    assert (found.status, found.record_id) == (EntryStatus.CONFIRMED, "42")


def test_failed_entries_do_not_count_and_targets_are_separate(ledger: Ledger) -> None:
    _, doc = _doc(ledger)
    entry = ledger.begin_entry(doc, target="t", operation="create_deal", reference="KRK-2")
    ledger.fail_entry(entry, detail={"code": "target.rejected"})
    assert ledger.find_entry(target="t", reference="KRK-2") is None
    ok = ledger.begin_entry(doc, target="other", operation="create_deal", reference="KRK-2")
    ledger.confirm_entry(ok, record_id="7")
    assert ledger.find_entry(target="t", reference="KRK-2") is None
    assert ledger.find_entry(target="other", reference="KRK-2").record_id == "7"


def test_run_and_document_round_trip(ledger: Ledger) -> None:
    run, doc = _doc(ledger)
    ledger.update_document(doc, status=DocumentStatus.FAILED, error_code="pdf.corrupt", error_message="bad")
    ledger.finish_run(run, status=RunStatus.PARTIAL, summary={"failed": 1})
    got = ledger.get_run(run)
    assert got.status == RunStatus.PARTIAL and got.finished_at is not None
    assert [(d.file_name, d.status, d.error_code) for d in got.documents] == [
        ("a.pdf", "failed", "pdf.corrupt")
    ]
    assert ledger.documents(run)[0].sha256 == "ab" * 32


def test_update_document_rejects_unknown_columns(ledger: Ledger) -> None:
    _, doc = _doc(ledger)
    with pytest.raises(AttributeError, match="no column 'colour'"):
        ledger.update_document(doc, colour="red")


def test_schema_matches_the_models_after_migrations(ledger: Ledger) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from robots.ledger.models import Base

    with ledger.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_an_entered_document_with_the_same_duplicate_key_is_found(ledger: Ledger) -> None:
    run = ledger.start_run("invoice_intake", target="t", parameters={})
    first = ledger.add_document(run, path=Path("/in/a.pdf"), sha256="a" * 64, size=1)
    ledger.update_document(first, duplicate_key="ABC商事|INV-1|11000", status=DocumentStatus.ENTERED)
    assert ledger.find_entered_duplicate("ABC商事|INV-1|11000", other_than_sha256="b" * 64).id == first
    assert ledger.find_entered_duplicate("ABC商事|INV-1|11000", other_than_sha256="a" * 64) is None
    assert ledger.find_entered_duplicate("ABC商事|INV-2|11000", other_than_sha256="b" * 64) is None
