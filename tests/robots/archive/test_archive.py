"""The archive on SQLite and PostgreSQL: write-once originals, versions, audit, export, retention."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from robots.archive import INDEX_COLUMNS, Archive, AuditAction, DocumentType, SearchCriteria
from robots.errors import BusinessError

D = dt.date
MakePdf = Callable[..., Path]
RECEIVED = dt.datetime(2024, 4, 2, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=9)))


def _add(archive: Archive, path: Path, **overrides: Any) -> Any:
    facts: dict[str, Any] = {
        "doc_type": DocumentType.INVOICE,
        "transaction_date": D(2024, 4, 1),
        "amount": 110_000,
        "counterparty": "株式会社A",
        "registration_number": "T7000012050002",
        "received_at": RECEIVED,
        "source": f"mail:{path.name}",
        "fiscal_year_end": D(2025, 2, 28),
        "actor": "keiri@example.jp",
    }
    return archive.add(path, **(facts | overrides))


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _actions(archive: Archive, ref: str | None = None) -> list[str]:
    return [e.action.value for e in archive.audit_log(ref)]


# -- schema ------------------------------------------------------------------------------------------
def test_migration_creates_the_archive_tables_exactly_as_the_models_say(archive: Archive) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from robots.ledger.models import Base

    archive.migrate()  # idempotent
    tables = set(inspect(archive.engine).get_table_names())
    assert {"archive_documents", "archive_versions", "archive_audit", "runs"} <= tables
    with archive.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def test_the_archive_migration_downgrades_and_upgrades_again(archive: Archive, make_pdf: MakePdf) -> None:
    from importlib import resources

    from alembic import command
    from alembic.config import Config

    _add(archive, make_pdf("x"))
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("robots.ledger") / "migrations"))
    with archive.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0003")
    tables = set(inspect(archive.engine).get_table_names())
    assert "runs" in tables and not {t for t in tables if t.startswith("archive_")}
    archive.migrate()
    assert archive.search() == []
    doc = _add(archive, make_pdf("y"))
    with pytest.raises(DBAPIError, match="refused"):
        with archive.engine.begin() as conn:
            conn.execute(text("DELETE FROM archive_audit"))
    assert _actions(archive, doc.sha256) == ["add"]


# -- add: write-once, stored once --------------------------------------------------------------------
def test_an_original_is_stored_once_under_its_sha256_read_only(archive: Archive, make_pdf: MakePdf) -> None:
    pdf = make_pdf("請求書", "株式会社A 御中", "¥110,000", name="請求書_A.PDF")
    doc = _add(archive, pdf)
    sha = _sha(pdf)
    stored = archive.home / "archive" / "objects" / sha[:2] / sha
    assert (doc.sha256, doc.size, doc.suffix, doc.original_name) == (
        sha,
        pdf.stat().st_size,
        ".pdf",
        pdf.name,
    )
    assert archive.object_path(doc) == stored
    assert stored.read_bytes() == pdf.read_bytes()
    assert stat.S_IMODE(stored.stat().st_mode) == 0o444
    assert list((archive.home / "archive" / "objects" / ".staging").iterdir()) == []
    assert doc.received_at == RECEIVED and doc.source == "mail:請求書_A.PDF"
    assert (doc.fiscal_year_end, doc.loss_carryforward, doc.retention_until) == (
        D(2025, 2, 28),
        False,
        D(2032, 4, 30),
    )
    assert [(v.version, v.amount, v.counterparty, v.registration_number, v.reason) for v in doc.versions] == [
        (1, 110_000, "株式会社A", "T7000012050002", None)
    ]
    assert archive.get(sha) == doc == archive.get(doc.id) == archive.get(sha[:10].upper())
    [event] = archive.audit_log(sha)
    assert (event.action, event.actor, event.detail["file"]) == (
        AuditAction.ADD,
        "keiri@example.jp",
        pdf.name,
    )


def test_the_same_bytes_twice_are_stored_once_and_the_second_arrival_is_audited(
    archive: Archive, make_pdf: MakePdf, tmp_path: Path
) -> None:
    pdf = make_pdf("請求書 No.1", name="a.pdf")
    copy = tmp_path / "elsewhere" / "renamed.pdf"
    copy.parent.mkdir()
    copy.write_bytes(pdf.read_bytes())
    first = _add(archive, pdf, loss_carryforward=True)
    again = _add(archive, copy, amount=999, counterparty="別の会社", source="inbox:renamed.pdf")
    assert again == first  # the existing record, unchanged
    assert archive.search() == [first]
    objects = [p for p in (archive.home / "archive" / "objects").rglob("*") if p.is_file()]
    assert objects == [archive.object_path(first)]
    assert _actions(archive, first.sha256) == ["add", "duplicate_received"]
    assert archive.audit_log(first.sha256)[1].detail["source"] == "inbox:renamed.pdf"


@pytest.mark.parametrize(
    ("overrides", "code", "says"),
    [
        ({"doc_type": "estimate"}, "archive.invalid", "not one of invoice, receipt"),
        ({"amount": "110000"}, "archive.invalid", "integer number of yen"),
        ({"amount": True}, "archive.invalid", "integer number of yen"),
        ({"counterparty": "株式会社 御中"}, "archive.invalid", "holds no name"),
        ({"counterparty": "  "}, "archive.invalid", "counterparty is empty"),
        ({"registration_number": "T123"}, "archive.invalid", "T followed by 13 digits"),
        ({"transaction_date": "2024-04-01"}, "archive.invalid", "transaction date must be a date"),
        ({"source": ""}, "archive.invalid", "source is empty"),
        ({"actor": ""}, "archive.invalid", "actor is empty"),
    ],
)
def test_invalid_facts_are_refused_naming_the_file_and_nothing_is_stored(
    archive: Archive, make_pdf: MakePdf, overrides: dict[str, Any], code: str, says: str
) -> None:
    pdf = make_pdf("x", name="bad facts.pdf")
    with pytest.raises(BusinessError) as info:
        _add(archive, pdf, **overrides)
    assert info.value.code == code and says in info.value.message
    assert info.value.message.startswith("bad facts.pdf: ")
    assert archive.search() == [] and archive.audit_log() == []
    assert not (archive.home / "archive" / "objects").exists() or not any(
        p.is_file() for p in (archive.home / "archive" / "objects").rglob("*")
    )


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda d: d / "missing.pdf", "archive.file_not_found"),
        (lambda d: (d / "empty.pdf", (d / "empty.pdf").write_bytes(b""))[0], "archive.empty_file"),
        (lambda d: d, "archive.not_a_file"),
    ],
)
def test_unreadable_files_are_refused_with_their_name(
    archive: Archive, tmp_path: Path, make: Callable[[Path], Path], code: str
) -> None:
    path = make(tmp_path)
    with pytest.raises(BusinessError) as info:
        _add(archive, path)
    assert info.value.code == code and str(path) in info.value.message
    assert list((archive.home / "archive" / "objects" / ".staging").iterdir()) == []


def test_registration_numbers_and_naive_receipt_times_are_normalized(
    archive: Archive, make_pdf: MakePdf
) -> None:
    doc = _add(
        archive,
        make_pdf("x"),
        registration_number="Ｔ７０００－０１２０５－０００２",
        received_at=dt.datetime(2024, 4, 2, 9, 30),  # naive: Japan time
    )
    assert doc.registration_number == "T7000012050002"
    assert doc.received_at == RECEIVED


# -- corrections -------------------------------------------------------------------------------------
def test_a_correction_is_a_new_version_that_searches_see_while_the_old_one_stays(
    archive: Archive, make_pdf: MakePdf
) -> None:
    pdf = make_pdf("請求書", "¥110,000")
    doc = _add(archive, pdf)
    stored = archive.object_path(doc).read_bytes()
    assert archive.search(amount_min=200_000) == []
    corrected = archive.correct(
        doc.sha256, actor="auditor", reason="金額の読み取り誤り", amount=220_000, counterparty="(株)B"
    )
    assert [(v.version, v.amount, v.counterparty) for v in corrected.versions] == [
        (1, 110_000, "株式会社A"),
        (2, 220_000, "(株)B"),
    ]
    assert (corrected.latest.reason, corrected.latest.recorded_by) == ("金額の読み取り誤り", "auditor")
    assert archive.get(doc.sha256).versions == corrected.versions
    assert [d.sha256 for d in archive.search(amount_min=200_000, counterparty="株式会社B")] == [doc.sha256]
    assert archive.search(counterparty="A") == [] and archive.search(amount_max=110_000) == []
    assert archive.object_path(doc).read_bytes() == stored == pdf.read_bytes()
    event = archive.audit_log(doc.sha256)[-1]
    assert event.action == AuditAction.CORRECT
    assert event.detail["changes"] == {"amount": [110_000, 220_000], "counterparty": ["株式会社A", "(株)B"]}

    third = archive.correct(doc.id, actor="auditor", reason="登録番号なし", registration_number=None)
    assert [v.registration_number for v in third.versions] == ["T7000012050002"] * 2 + [None]
    assert _actions(archive, doc.sha256) == ["add", "correct", "correct"]


@pytest.mark.parametrize(
    ("changes", "code", "says"),
    [
        ({"amount": 110_000}, "archive.no_change", "changes nothing"),
        ({"counterparty": "㈱A"}, "archive.no_change", "changes nothing"),  # the name exactly as stored
        ({"sha256": "0" * 64}, "archive.invalid", "cannot correct sha256"),
        ({"document_type": "receipt"}, "archive.invalid", "cannot correct document_type"),
        ({"amount": 1.5}, "archive.invalid", "integer number of yen"),
    ],
)
def test_corrections_that_change_nothing_or_touch_fixed_facts_are_refused(
    archive: Archive, make_pdf: MakePdf, changes: dict[str, Any], code: str, says: str
) -> None:
    doc = _add(archive, make_pdf("x"), counterparty="㈱A" if "counterparty" in changes else "株式会社A")
    with pytest.raises(BusinessError) as info:
        archive.correct(doc.sha256, actor="a", reason="r", **changes)
    assert (info.value.code, says in info.value.message) == (code, True)
    assert len(archive.get(doc.sha256).versions) == 1


def test_a_correction_needs_a_reason_and_an_existing_document(archive: Archive, make_pdf: MakePdf) -> None:
    doc = _add(archive, make_pdf("x"))
    with pytest.raises(BusinessError, match="reason is empty"):
        archive.correct(doc.sha256, actor="a", reason=" ", amount=1)
    with pytest.raises(BusinessError, match="no archived document") as info:
        archive.correct("f" * 64, actor="a", reason="r", amount=1)
    assert info.value.code == "archive.not_found"


# -- history is append-only in the database too -------------------------------------------------------
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE archive_audit SET actor = 'someone else'",
        "DELETE FROM archive_audit",
        "UPDATE archive_versions SET amount = 1",
        "DELETE FROM archive_versions",
        "DELETE FROM archive_documents",
        "UPDATE archive_documents SET sha256 = 'x'",
        "UPDATE archive_documents SET retention_until = '2020-01-01'",
    ],
)
def test_the_database_refuses_to_rewrite_history(archive: Archive, make_pdf: MakePdf, statement: str) -> None:
    doc = _add(archive, make_pdf("x"))
    with pytest.raises(DBAPIError, match="append-only|refused"):
        with archive.engine.begin() as conn:
            conn.execute(text(statement))
    assert archive.get(doc.sha256) == doc
    assert _actions(archive) == ["add"]


def test_a_deleted_document_cannot_be_undeleted_in_the_database(archive: Archive, make_pdf: MakePdf) -> None:
    doc = _add(archive, make_pdf("x"), fiscal_year_end=D(2010, 3, 31))
    archive.delete(doc.sha256, actor="a", today=D(2024, 1, 1))
    with pytest.raises(DBAPIError, match="stays deleted|refused"):
        with archive.engine.begin() as conn:
            conn.execute(text("UPDATE archive_documents SET deleted_at = NULL"))
    assert archive.get(doc.sha256).deleted


# -- retention and deletion --------------------------------------------------------------------------
def test_deletion_before_the_retention_period_ends_is_refused_naming_the_date_and_audited(
    archive: Archive, make_pdf: MakePdf
) -> None:
    doc = _add(archive, make_pdf("x"), fiscal_year_end=D(2025, 2, 28), loss_carryforward=True)
    assert doc.retention_until == D(2035, 4, 30)
    with pytest.raises(BusinessError) as info:
        archive.delete(doc.sha256, actor="somebody", today=D(2035, 4, 30))  # the last day still counts
    assert info.value.code == "archive.retention"
    assert "2035-04-30" in info.value.message and doc.sha256[:12] in info.value.message
    assert archive.object_path(doc).read_bytes()
    assert not archive.get(doc.sha256).deleted
    event = archive.audit_log(doc.sha256)[-1]
    assert (event.action, event.actor, event.detail["retention_until"]) == (
        AuditAction.DELETE_REFUSED,
        "somebody",
        "2035-04-30",
    )


def test_deletion_after_the_retention_period_removes_the_bytes_and_keeps_the_record(
    archive: Archive, make_pdf: MakePdf
) -> None:
    pdf = make_pdf("old")
    keep = _add(archive, make_pdf("kept"), fiscal_year_end=D(2025, 2, 28))
    doc = _add(archive, pdf, fiscal_year_end=D(2016, 3, 31))
    assert doc.retention_until == D(2023, 5, 31)
    deleted = archive.delete(doc.sha256, actor="keiri", today=D(2023, 6, 1))
    assert deleted.deleted and deleted.deleted_by == "keiri"
    assert not archive.object_path(doc).exists()
    assert archive.get(doc.sha256).versions == doc.versions
    assert archive.search() == [keep]
    assert {d.sha256 for d in archive.search(include_deleted=True)} == {doc.sha256, keep.sha256}
    assert _actions(archive, doc.sha256) == ["add", "delete"]
    assert archive.verify(actor="a").ok
    with pytest.raises(BusinessError, match="already deleted"):
        archive.delete(doc.sha256, actor="keiri", today=D(2030, 1, 1))
    with pytest.raises(BusinessError, match="cannot be corrected"):
        archive.correct(doc.sha256, actor="a", reason="r", amount=1)
    with pytest.raises(BusinessError) as info:
        _add(archive, pdf)
    assert info.value.code == "archive.deleted"
    assert _actions(archive, doc.sha256)[-1] == "duplicate_received"


# -- verify ------------------------------------------------------------------------------------------
def test_verify_rehashes_every_original_and_reports_missing_and_altered_ones(
    archive: Archive, make_pdf: MakePdf
) -> None:
    good, altered, missing = (_add(archive, make_pdf(f"doc {i}")) for i in range(3))
    assert archive.verify(actor="a").ok
    path = archive.object_path(altered)
    os.chmod(path, 0o644)
    path.write_bytes(path.read_bytes() + b"%tampered")
    archive.object_path(missing).unlink()
    stray = archive.home / "archive" / "objects" / "ab" / ("ab" + "0" * 62)
    stray.parent.mkdir(exist_ok=True)
    stray.write_bytes(b"left over")
    report = archive.verify(actor="auditor")
    assert (report.checked, report.ok) == (3, False)
    assert (report.missing, report.altered, report.unreferenced) == (
        [missing.sha256],
        [altered.sha256],
        [stray.name],
    )
    event = archive.audit_log()[-1]
    assert (event.action, event.document_id, event.detail["altered"]) == (
        AuditAction.VERIFY,
        None,
        [altered.sha256],
    )
    assert good.sha256 not in report.missing + report.altered


# -- export ------------------------------------------------------------------------------------------
def test_export_writes_the_originals_named_by_date_party_amount_and_a_csv_index(
    archive: Archive, make_pdf: MakePdf, tmp_path: Path
) -> None:
    a = _add(archive, make_pdf("A 1"), counterparty="株式会社A", amount=110_000)
    a_twin = _add(archive, make_pdf("A 2"), counterparty="株式会社A", amount=110_000)
    odd = _add(
        archive,
        make_pdf("odd"),
        transaction_date=D(2024, 4, 2),
        counterparty='A/B商会"本店"',
        amount=5_500,
        doc_type="receipt",
        registration_number=None,
        source="inbox:領収書.pdf",
    )
    _add(archive, make_pdf("other"), transaction_date=D(2024, 6, 1), counterparty="株式会社B")
    a = archive.correct(a.sha256, actor="a", reason="訂正", registration_number="T1180301018771")

    written = archive.export(SearchCriteria(date_to=D(2024, 4, 30)), tmp_path / "out", actor="auditor")

    expected_names = [
        "20240401_株式会社A_110000.pdf",
        "20240401_株式会社A_110000_2.pdf",
        "20240402_A_B商会_本店__5500.pdf",
    ]
    assert sorted(p.name for p in written) == sorted(expected_names)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted([*expected_names, "index.csv"])
    raw = (tmp_path / "out" / "index.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert tuple(rows[0]) == INDEX_COLUMNS
    by_sha = {r[8]: r for r in rows[1:]}
    assert set(by_sha) == {a.sha256, a_twin.sha256, odd.sha256}
    for path in written:
        assert _sha(path) in by_sha and by_sha[_sha(path)][0] == path.name
    assert by_sha[a.sha256][1:] == [
        "2024-04-01",
        "110000",
        "株式会社A",
        "T1180301018771",
        "請求書",
        "2024-04-02T09:30:00+09:00",
        f"mail:{a.original_name}",
        a.sha256,
        "2",
    ]
    assert by_sha[odd.sha256][1:8] == [
        "2024-04-02",
        "5500",
        'A/B商会"本店"',
        "",
        "領収書",
        RECEIVED.isoformat(),
        "inbox:領収書.pdf",
    ]
    exports = [e for e in archive.audit_log() if e.action == AuditAction.EXPORT]
    assert sorted(e.document_id for e in exports) == sorted([a.id, a_twin.id, odd.id])

    again = archive.export([odd], tmp_path / "out2", actor="auditor")
    assert [p.name for p in again] == ["20240402_A_B商会_本店__5500.pdf"]
    with pytest.raises(BusinessError) as info:
        archive.export([odd], tmp_path / "out", actor="auditor")
    assert info.value.code == "archive.export_target" and "out" in info.value.message


def test_export_refuses_an_original_that_no_longer_matches_its_hash(
    archive: Archive, make_pdf: MakePdf, tmp_path: Path
) -> None:
    doc = _add(archive, make_pdf("x"))
    path = archive.object_path(doc)
    os.chmod(path, 0o644)
    path.write_bytes(b"%PDF-1.4 something else")
    with pytest.raises(BusinessError) as info:
        archive.export([doc], tmp_path / "out", actor="a")
    assert info.value.code == "archive.altered" and doc.sha256[:12] in info.value.message
    assert list((tmp_path / "out").iterdir()) == []


def test_search_rejects_empty_ranges_and_nameless_counterparties(archive: Archive) -> None:
    for kwargs, says in [
        ({"date_from": D(2024, 5, 1), "date_to": D(2024, 4, 1)}, "date range"),
        ({"amount_min": 10, "amount_max": 9}, "amount range"),
        ({"counterparty": "株式会社"}, "holds no name"),
    ]:
        with pytest.raises(BusinessError, match=says):
            archive.search(**kwargs)
