from __future__ import annotations

import csv
import datetime as dt
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from robots.errors import BusinessError
from robots.ledger import (
    CSV_COLUMNS,
    REDACTED,
    Document,
    DocumentStatus,
    EntryStatus,
    Event,
    EventKind,
    Ledger,
    Review,
    ReviewStatus,
    RunStatus,
    redact,
    redact_text,
)


def _wipe_postgres(url: str) -> None:
    """Leave the session's one PostgreSQL database empty for the next test, whatever migrations made."""
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def ledger_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database: SQLite (the default) or a throwaway PostgreSQL cluster (the scale-out option)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
        return
    url = request.getfixturevalue("postgres_url")
    _wipe_postgres(url)
    yield url
    _wipe_postgres(url)


@pytest.fixture
def ledger(ledger_url: str) -> Iterator[Ledger]:
    """The ledger at the newest schema."""
    led = Ledger(ledger_url)
    led.migrate()
    yield led
    led.close()


def test_migrate_creates_tables_and_is_idempotent(ledger: Ledger) -> None:
    ledger.migrate()
    tables = set(inspect(ledger.engine).get_table_names())
    assert {"runs", "documents", "entries", "reviews", "events", "alembic_version"} <= tables


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

    def mapped(name: str | None, type_: str, _parent: object) -> bool:
        # Tables of other packages sharing the database are theirs to check (the archive's, for one).
        return type_ != "table" or name in Base.metadata.tables

    with ledger.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": mapped})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_an_entered_document_with_the_same_duplicate_key_is_found(ledger: Ledger) -> None:
    run = ledger.start_run("invoice_intake", target="t", parameters={})
    first = ledger.add_document(run, path=Path("/in/a.pdf"), sha256="a" * 64, size=1)
    ledger.update_document(first, duplicate_key="ABC商事|INV-1|11000", status=DocumentStatus.ENTERED)
    assert ledger.find_entered_duplicate("ABC商事|INV-1|11000", other_than_sha256="b" * 64).id == first
    assert ledger.find_entered_duplicate("ABC商事|INV-1|11000", other_than_sha256="a" * 64) is None
    assert ledger.find_entered_duplicate("ABC商事|INV-2|11000", other_than_sha256="b" * 64) is None


# -- migrations ----------------------------------------------------------------------------------------
def _downgrade(ledger: Ledger, revision: str) -> None:
    from importlib import resources

    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("robots.ledger") / "migrations"))
    with ledger.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def test_a_ledger_at_0002_upgrades_with_its_data_intact(ledger_url: str) -> None:
    old = Ledger(ledger_url)
    try:
        old.migrate("0002")
        assert "reviews" not in inspect(old.engine).get_table_names()
        with old.engine.begin() as conn:  # rows as the 0002 code wrote them: plain SQL, naive UTC times
            conn.exec_driver_sql(
                "INSERT INTO runs (id, flow, target, parameters, status, started_at, summary) VALUES "
                "('r1', 'invoice_intake', 't', '{\"inbox\": \"/in\"}', 'completed', "
                "'2026-04-01 00:30:00', '{\"entered\": 1}')"
            )
            conn.exec_driver_sql(
                "INSERT INTO documents (id, run_id, file_name, source_path, sha256, size, status, reference, "
                "duplicate_key, findings, created_at, updated_at) VALUES ('d1', 'r1', '請求書.pdf', "
                "'/in/請求書.pdf', 'ab', 10, 'entered', 'KRK-1', 'ABC商事|INV-1|11000', '[]', "
                "'2026-04-01 00:30:00', '2026-04-01 00:30:00')"
            )
            conn.exec_driver_sql(
                "INSERT INTO entries (id, document_id, target, operation, reference, status, record_id, "
                "detail, created_at, updated_at) VALUES ('e1', 'd1', 't', 'create_deal', 'KRK-1', "
                "'confirmed', '42', '{}', '2026-04-01 00:30:00', '2026-04-01 00:30:00')"
            )
    finally:
        old.close()
    with Ledger(ledger_url) as new:
        new.migrate()
        assert {"reviews", "events"} <= set(inspect(new.engine).get_table_names())
        run = new.get_run("r1")
        assert (run.status, run.parameters, run.summary) == ("completed", {"inbox": "/in"}, {"entered": 1})
        assert run.started_at == dt.datetime(2026, 4, 1, 0, 30, tzinfo=dt.UTC)
        [doc] = run.documents
        assert (doc.file_name, doc.status, doc.duplicate_key) == (
            "請求書.pdf",
            "entered",
            "ABC商事|INV-1|11000",
        )
        assert new.find_entry(target="t", reference="KRK-1").record_id == "42"
        new.record_event("document.filed", document_id="d1", message="processed/")
        assert [(e.kind, e.run_id) for e in new.events(run_id="r1")] == [("document.filed", "r1")]
        _downgrade(new, "0002")  # and back down: the new tables go, the old data stays
        assert not {"reviews", "events"} & set(inspect(new.engine).get_table_names())
        assert new.find_entry(target="t", reference="KRK-1").record_id == "42"


# -- events --------------------------------------------------------------------------------------------
def test_events_are_kept_in_order_and_an_event_of_a_document_belongs_to_its_run(ledger: Ledger) -> None:
    run, doc = _doc(ledger)
    other_run, other_doc = _doc(ledger)
    before = dt.datetime.now(dt.UTC)
    first = ledger.record_event("run.started", run_id=run, message="1 file(s) in /in")
    ledger.record_event(EventKind.DOCUMENT_READ, document_id=doc, message="invoice")
    ledger.record_event(
        "entry.failed", document_id=doc, message="rejected", code="target.rejected", attempt=2
    )
    ledger.record_event("document.read", document_id=other_doc)
    assert [e.kind for e in ledger.events(run_id=run)] == ["run.started", "document.read", "entry.failed"]
    events = ledger.events(document_id=doc)
    assert [(e.kind, e.run_id, e.actor) for e in events] == [
        ("document.read", run, "robot"),
        ("entry.failed", run, "robot"),
    ]
    assert events[1].data == {"code": "target.rejected", "attempt": 2}
    assert all(e.at.tzinfo is not None and e.at.utcoffset() == dt.timedelta(0) for e in events)
    assert before <= events[0].at <= dt.datetime.now(dt.UTC)
    assert events[0].id > first
    assert [e.run_id for e in ledger.events(document_id=other_doc)] == [other_run]
    assert len(ledger.events()) == 4


def test_events_are_append_only(ledger: Ledger) -> None:
    event_id = ledger.record_event("run.started")
    with pytest.raises(TypeError, match="append-only"), ledger.session() as s:
        s.get_one(Event, event_id).message = "rewritten"
    with pytest.raises(TypeError, match="append-only"), ledger.session() as s:
        s.delete(s.get_one(Event, event_id))
    assert [e.message for e in ledger.events()] == [""]


@pytest.mark.parametrize("kind", ["started", "Run.Started", "run.", "run started", ""])
def test_an_event_kind_is_a_dotted_lower_case_name(ledger: Ledger, kind: str) -> None:
    with pytest.raises(ValueError, match="noun.verb"):
        ledger.record_event(kind)


# -- reviews -------------------------------------------------------------------------------------------
FIELDS = {"issuer": "ABC商事", "invoice_number": "INV-1", "total": 10000, "issue_date": "2026-04-01"}
FINDINGS = [
    {"code": "total.low_confidence", "severity": "warning", "message": "合計 read with low confidence"}
]


def _review(ledger: Ledger, **fields: object) -> tuple[str, str, int]:
    run, doc = _doc(ledger)
    review = ledger.open_review(
        doc,
        run_id=run,
        reason_code="review.low_confidence",
        message="合計 read with low confidence",
        fields={**FIELDS, **fields},
        findings=FINDINGS,
        flow_run_id="0f1e",
    )
    return run, doc, review


def test_opening_a_review_puts_the_document_in_review_and_records_it(ledger: Ledger) -> None:
    run, doc, review_id = _review(ledger)
    review = ledger.get_review(review_id)
    assert (review.status, review.fields, review.findings) == (ReviewStatus.OPEN, FIELDS, FINDINGS)
    assert (review.run_id, review.reason_code, review.prefect_flow_run_id) == (
        run,
        "review.low_confidence",
        "0f1e",
    )
    assert (review.decided_at, review.decided_by, review.corrections) == (None, None, [])
    got = ledger.get_document(doc)
    assert (got.status, got.error_code) == (DocumentStatus.REVIEW, "review.low_confidence")
    [event] = ledger.events(document_id=doc)
    assert (event.kind, event.run_id, event.data) == (
        "review.opened",
        run,
        {"review_id": review_id, "reason_code": "review.low_confidence"},
    )
    with pytest.raises(BusinessError) as exc:
        ledger.open_review(doc, run_id=run, reason_code="x", message="again", fields=FIELDS, findings=[])
    assert exc.value.code == "review.already_open" and "a.pdf" in exc.value.message


@pytest.mark.parametrize(
    ("decision", "corrections", "review_status", "document_status", "recorded"),
    [
        ("approve", None, ReviewStatus.APPROVED, DocumentStatus.REVIEW, []),
        (
            "approve",
            {"total": 10000},
            ReviewStatus.APPROVED,
            DocumentStatus.REVIEW,
            [],
        ),  # unchanged: no correction
        (
            "correct",
            {"total": 11000, "issuer": "ABC商事", "due_date": dt.date(2026, 5, 31)},
            ReviewStatus.CORRECTED,
            DocumentStatus.REVIEW,
            [
                {"field": "total", "before": 10000, "after": 11000},
                {"field": "due_date", "before": None, "after": "2026-05-31"},
            ],
        ),
        ("reject", None, ReviewStatus.REJECTED, DocumentStatus.REJECTED, []),
    ],
)
def test_a_decision_is_recorded_with_who_when_and_every_correction(
    ledger: Ledger,
    decision: str,
    corrections: dict | None,
    review_status: ReviewStatus,
    document_status: DocumentStatus,
    recorded: list[dict],
) -> None:
    run, doc, review_id = _review(ledger)
    before = dt.datetime.now(dt.UTC)
    returned = ledger.decide_review(
        review_id, decision=decision, by=" 山田 花子 ", corrections=corrections, comment="確認済み"
    )
    review = ledger.get_review(review_id)
    assert returned.status == review.status == review_status
    assert (review.decided_by, review.comment, review.corrections) == ("山田 花子", "確認済み", recorded)
    assert before <= review.decided_at <= dt.datetime.now(dt.UTC)
    assert review.fields == FIELDS  # what the reviewer saw stays as it was
    assert ledger.get_document(doc).status == document_status
    decided = ledger.events(document_id=doc)[-1]
    assert (decided.kind, decided.actor, decided.run_id) == ("review.decided", "山田 花子", run)
    assert decided.data == {
        "review_id": review_id,
        "decision": decision,
        "corrected": [c["field"] for c in recorded],
    }
    assert decided.message.startswith(decision) and "確認済み" in decided.message
    if recorded:
        assert "total: 10000 → 11000" in decided.message


def test_a_rejected_document_names_who_rejected_it(ledger: Ledger) -> None:
    _, doc, review_id = _review(ledger)
    ledger.decide_review(review_id, decision="reject", by="佐藤", comment="請求先が違う")
    got = ledger.get_document(doc)
    assert (got.status, got.error_code, got.error_message) == (
        DocumentStatus.REJECTED,
        "review.rejected",
        "rejected by 佐藤: 請求先が違う",
    )


def test_deciding_twice_is_refused_and_the_first_decision_stands(ledger: Ledger) -> None:
    _, doc, review_id = _review(ledger)
    ledger.decide_review(review_id, decision="correct", by="山田", corrections={"total": 11000})
    for decision in ("approve", "reject", "correct"):
        with pytest.raises(BusinessError) as exc:
            ledger.decide_review(review_id, decision=decision, by="佐藤", corrections={"total": 12000})
        assert exc.value.code == "review.already_decided"
        assert "a.pdf" in exc.value.message and "corrected by 山田" in exc.value.message
    review = ledger.get_review(review_id)
    assert (review.status, review.decided_by) == (ReviewStatus.CORRECTED, "山田")
    assert review.corrections == [{"field": "total", "before": 10000, "after": 11000}]
    assert [e.kind for e in ledger.events(document_id=doc)].count("review.decided") == 1


def test_of_two_people_deciding_at_once_exactly_one_wins(ledger: Ledger) -> None:
    _, _, review_id = _review(ledger)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def decide(who: str, decision: str) -> None:
        with Ledger(ledger.url) as mine:  # each person their own connection, as two processes would
            barrier.wait()
            try:
                mine.decide_review(review_id, decision=decision, by=who)
                outcomes[who] = "decided"
            except BusinessError as exc:
                outcomes[who] = exc.code

    threads = [threading.Thread(target=decide, args=a) for a in (("山田", "approve"), ("佐藤", "reject"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes.values()) == ["decided", "review.already_decided"]
    winner = next(who for who, what in outcomes.items() if what == "decided")
    assert ledger.get_review(review_id).decided_by == winner


@pytest.mark.parametrize(
    ("decision", "by", "corrections", "code"),
    [
        ("approve", "山田", {"total": 11000}, "review.bad_decision"),
        ("correct", "山田", None, "review.bad_decision"),
        ("correct", "山田", {"total": 10000}, "review.bad_decision"),  # nothing changed
        ("maybe", "山田", None, "review.bad_decision"),
        ("approve", "  ", None, "review.no_reviewer"),
    ],
)
def test_a_refused_decision_leaves_the_review_open(
    ledger: Ledger, decision: str, by: str, corrections: dict | None, code: str
) -> None:
    _, doc, review_id = _review(ledger)
    with pytest.raises(BusinessError) as exc:
        ledger.decide_review(review_id, decision=decision, by=by, corrections=corrections)
    assert exc.value.code == code
    review = ledger.get_review(review_id)
    assert (review.status, review.decided_by, review.decided_at) == (ReviewStatus.OPEN, None, None)
    assert [e.kind for e in ledger.events(document_id=doc)] == ["review.opened"]
    ledger.decide_review(review_id, decision="approve", by="山田")  # still decidable


def test_an_unknown_review_is_a_one_line_error(ledger: Ledger) -> None:
    with pytest.raises(BusinessError, match="no review 999") as exc:
        ledger.decide_review(999, decision="approve", by="山田")
    assert exc.value.code == "review.not_found"


def test_open_reviews_are_those_waiting_oldest_first_and_older_than_a_given_age(ledger: Ledger) -> None:
    _, _, fresh = _review(ledger)
    _, _, old = _review(ledger)
    _, _, decided = _review(ledger)
    _, _, expired = _review(ledger)
    with ledger.session() as s:
        s.get_one(Review, old).opened_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=3)
    ledger.decide_review(decided, decision="approve", by="山田")
    ledger.expire_review(expired)
    assert [r.id for r in ledger.open_reviews()] == [old, fresh]
    assert [r.id for r in ledger.open_reviews(older_than=dt.timedelta(days=1))] == [old]
    assert ledger.open_reviews(older_than=dt.timedelta(days=4)) == []
    assert ledger.open_reviews()[0].document.file_name == "a.pdf"
    assert [r.id for r in ledger.reviews(status=ReviewStatus.EXPIRED)] == [expired]
    assert {r.id for r in ledger.reviews()} == {fresh, old, decided, expired}


def test_an_expired_review_is_closed_and_cannot_be_decided(ledger: Ledger) -> None:
    _, doc, review_id = _review(ledger)
    ledger.expire_review(review_id, message="nobody within 24 h")
    ledger.expire_review(review_id)  # already closed: nothing more happens
    review = ledger.get_review(review_id)
    assert (review.status, review.decided_by) == (ReviewStatus.EXPIRED, None)
    assert [(e.kind, e.message) for e in ledger.events(document_id=doc)][1:] == [
        ("review.expired", "nobody within 24 h")
    ]
    with pytest.raises(BusinessError) as exc:
        ledger.decide_review(review_id, decision="approve", by="山田")
    assert exc.value.code == "review.already_decided" and "expired" in exc.value.message


# -- document detail -----------------------------------------------------------------------------------
def test_document_detail_has_everything_on_record_and_is_json_ready(ledger: Ledger) -> None:
    run, doc, review_id = _review(ledger)
    entry = ledger.begin_entry(doc, target="t", operation="create_deal", reference="KRK-1")
    ledger.decide_review(review_id, decision="correct", by="山田", corrections={"total": 11000})
    ledger.confirm_entry(entry, record_id="42")
    ledger.record_event("entry.confirmed", document_id=doc, message="#42")
    detail = json.loads(json.dumps(ledger.document_detail(doc)))
    assert set(detail) == {"document", "run", "entries", "reviews", "events"}
    assert (detail["document"]["id"], detail["document"]["file_name"]) == (doc, "a.pdf")
    assert (detail["run"]["id"], detail["run"]["flow"]) == (run, "invoice_intake")
    assert [(e["record_id"], e["status"]) for e in detail["entries"]] == [("42", "confirmed")]
    [review] = detail["reviews"]
    assert (review["id"], review["decided_by"]) == (review_id, "山田")
    assert review["corrections"] == [{"field": "total", "before": 10000, "after": 11000}]
    assert dt.datetime.fromisoformat(review["decided_at"]).utcoffset() == dt.timedelta(0)
    assert [e["kind"] for e in detail["events"]] == ["review.opened", "review.decided", "entry.confirmed"]
    assert ledger.document_detail(doc[:6])["document"]["id"] == doc  # a unique prefix will do


@pytest.mark.parametrize(
    ("given", "code"),
    [("nope", "ledger.not_found"), ("ffff0000", "ledger.not_found"), ("abcd", "ledger.ambiguous")],
)
def test_document_detail_names_a_missing_or_ambiguous_id(ledger: Ledger, given: str, code: str) -> None:
    run = ledger.start_run("invoice_intake", target="t", parameters={})
    with ledger.session() as s:
        for doc_id in ("abcd" + "1" * 28, "abcd" + "2" * 28):
            s.add(
                Document(id=doc_id, run_id=run, file_name="x.pdf", source_path="/x.pdf", sha256="0", size=1)
            )
    with pytest.raises(BusinessError) as exc:
        ledger.document_detail(given)
    assert exc.value.code == code and repr(given) in exc.value.message


# -- redaction -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("key", "value", "stored"),
    [
        ("password", "hunter2", REDACTED),
        ("Password", "hunter2", REDACTED),
        ("login_password", "hunter2", REDACTED),
        ("パスワード", "hunter2", REDACTED),
        ("totp_seed", "JBSWY3DPEHPK3PXP", REDACTED),
        ("TOTP", "JBSWY3DPEHPK3PXP", REDACTED),
        ("client_secret", "s", REDACTED),
        ("api_token", "t0k", REDACTED),
        ("API-Key", "k", REDACTED),
        ("my_number", "123456789018", REDACTED),
        ("myNumber", 123456789018, REDACTED),
        ("マイナンバー", "1234 5678 9018", REDACTED),
        ("個人番号", "123456789018", REDACTED),
        ("Individual Number", "123456789018", REDACTED),
        ("account_number", "1234567", "****4567"),
        ("bank_account", 1234567, "****4567"),
        ("口座番号", "１２３４５６７", "****４５６７"),
        ("account_number", "123", REDACTED),  # four characters or fewer: nothing kept
        # not secrets, or nothing to hide
        ("account", "旅費交通費", "旅費交通費"),
        ("my_number_present", True, True),
        ("password", None, None),
        ("password", "", ""),
        ("total", 11000, 11000),
        ("memo", "hunter2", "hunter2"),
    ],
)
def test_redact_masks_sensitive_keys(key: str, value: object, stored: object) -> None:
    assert redact({key: value}) == {key: stored}


def test_redact_reaches_into_nested_fields_and_leaves_the_input_alone() -> None:
    fields = {
        "employee": {"name": "山田 太郎", "bank_account": {"number": "7654321", "holder": "ﾔﾏﾀﾞ ﾀﾛｳ"}},
        "lines": [{"account": "消耗品費", "amount": 1100}, {"credentials": ["u", "p4ss"]}],
    }
    original = json.loads(json.dumps(fields))
    assert redact(fields) == {
        "employee": {"name": "山田 太郎", "bank_account": {"number": "****4321", "holder": "**** ﾀﾛｳ"}},
        "lines": [{"account": "消耗品費", "amount": 1100}, {"credentials": [REDACTED, REDACTED]}],
    }
    assert fields == original


def test_redact_text_masks_twelve_digit_runs() -> None:
    assert redact_text("マイナンバー 1234-5678-9018 を確認") == f"マイナンバー {REDACTED} を確認"
    assert redact_text("登録番号 T7000012050002") == "登録番号 T7000012050002"


def test_nothing_sensitive_reaches_the_database_in_clear(ledger: Ledger) -> None:
    secrets = ["hunter2-secret", "JBSWY3DPEHPK3PXP", "123456789018", "9876543"]
    run, doc = _doc(ledger)
    ledger.update_document(
        doc, extracted={"fields": {"my_number": "123456789018", "account_number": "9876543"}}
    )
    review_id = ledger.open_review(
        doc,
        run_id=run,
        reason_code="review.findings",
        message="マイナンバー 123456789018 が記載されています",
        fields={"name": "山田", "account_number": "9876543", "password": "hunter2-secret"},
        findings=[],
    )
    ledger.decide_review(
        review_id,
        decision="correct",
        by="佐藤",
        corrections={"account_number": "1111222", "my_number": "123456789018"},
        comment="123456789018 は不要",
    )
    ledger.record_event(
        "entry.attempt", document_id=doc, message="login", password="hunter2-secret", totp="JBSWY3DPEHPK3PXP"
    )
    with ledger.engine.connect() as conn:
        dump = "\n".join(
            str(row)
            for table in ("runs", "documents", "entries", "reviews", "events")
            for row in conn.exec_driver_sql(f"SELECT * FROM {table}")  # noqa: S608 - fixed names
        )
    assert "山田" in dump and "****6543" in dump  # the data is there …
    assert [s for s in secrets if s in dump] == []  # … its secrets are not
    corrections = ledger.get_review(review_id).corrections
    assert corrections == [
        {"field": "account_number", "before": "****6543", "after": "****1222"},
        {"field": "my_number", "before": None, "after": REDACTED},
    ]


# -- CSV export ----------------------------------------------------------------------------------------
def _at(ledger: Ledger, doc: str, when: dt.datetime) -> None:
    with ledger.session() as s:
        s.get_one(Document, doc).created_at = when


def test_export_csv_writes_one_row_per_document_that_excel_and_csv_read_back(
    ledger: Ledger, tmp_path: Path
) -> None:
    run = ledger.start_run("invoice_intake", target="sandbox-accounting", parameters={})
    entered = ledger.add_document(run, path=Path("/in/請求書_株式会社A.pdf"), sha256="a" * 64, size=1)
    entry = ledger.begin_entry(
        entered, target="sandbox-accounting", operation="create_deal", reference="KRK-1"
    )
    ledger.confirm_entry(entry, record_id="42")
    ledger.update_document(entered, status=DocumentStatus.ENTERED, reference="KRK-1")
    rejected = ledger.add_document(run, path=Path("/in/=HYPERLINK(1).pdf"), sha256="b" * 64, size=1)
    review_id = ledger.open_review(
        rejected,
        run_id=run,
        reason_code="validation.failed",
        message="合計が一致しません",
        fields={},
        findings=[],
    )
    ledger.decide_review(review_id, decision="reject", by="山田", comment="二重請求")
    _at(ledger, entered, dt.datetime(2026, 4, 1, 0, 30, tzinfo=dt.UTC))
    _at(ledger, rejected, dt.datetime(2026, 4, 1, 1, 0, tzinfo=dt.UTC))
    out = tmp_path / "out" / "ledger.csv"
    assert ledger.export_csv(out) == 2
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == list(CSV_COLUMNS)
    first, second = rows
    assert first["file"] == "請求書_株式会社A.pdf" and first["sha256"] == "a" * 64
    assert (first["run_id"], first["flow"], first["status"]) == (run, "invoice_intake", "entered")
    assert (first["target"], first["record_id"], first["reference"]) == ("sandbox-accounting", "42", "KRK-1")
    assert first["received_at"] == "2026-04-01T09:30:00+09:00"
    assert (first["review"], first["reviewed_by"], first["reviewed_at"], first["reason"]) == ("", "", "", "")
    assert second["file"] == "'=HYPERLINK(1).pdf"  # a spreadsheet shows it, never runs it
    assert (second["status"], second["reason_code"]) == ("rejected", "review.rejected")
    assert second["reason"] == "rejected by 山田: 二重請求"
    assert (second["review"], second["reviewed_by"]) == ("rejected", "山田")
    assert second["reviewed_at"].endswith("+09:00") and second["record_id"] == ""


@pytest.mark.parametrize(
    ("since", "until", "expected"),
    [
        (None, None, ["a", "b", "c"]),
        (dt.date(2026, 4, 1), dt.date(2026, 4, 2), ["a", "b"]),  # days in Japan: a is still 3/31 in UTC
        (dt.date(2026, 4, 2), None, ["b", "c"]),
        (None, dt.date(2026, 3, 31), []),
        (dt.date(2026, 4, 3), dt.date(2026, 4, 3), ["c"]),
        (
            dt.datetime(2026, 4, 2, 14, 59, tzinfo=dt.UTC),
            dt.datetime(2026, 4, 2, 15, 0, tzinfo=dt.UTC),
            ["b", "c"],
        ),
    ],
)
def test_export_csv_takes_documents_received_between_two_days(
    ledger: Ledger, tmp_path: Path, since: dt.date | None, until: dt.date | None, expected: list[str]
) -> None:
    run = ledger.start_run("invoice_intake", target="t", parameters={})
    jst = dt.timezone(dt.timedelta(hours=9))
    for name, when in (
        ("a", dt.datetime(2026, 4, 1, 0, 30, tzinfo=jst)),
        ("b", dt.datetime(2026, 4, 2, 23, 59, tzinfo=jst)),
        ("c", dt.datetime(2026, 4, 3, 0, 0, tzinfo=jst)),
    ):
        _at(ledger, ledger.add_document(run, path=Path(f"/in/{name}.pdf"), sha256=name, size=1), when)
    out = tmp_path / "range.csv"
    assert ledger.export_csv(out, since=since, until=until) == len(expected)
    with out.open(encoding="utf-8-sig", newline="") as fh:
        assert [r["file"] for r in csv.DictReader(fh)] == [f"{n}.pdf" for n in expected]


def test_export_csv_refuses_a_naive_datetime(ledger: Ledger, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no timezone"):
        ledger.export_csv(tmp_path / "x.csv", since=dt.datetime(2026, 4, 1))
