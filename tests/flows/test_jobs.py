"""What each flow's job makes of a reading, and the run summary, without a browser or a Prefect run."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.batch import BatchSummary, DocumentOutcome, Reading, ReviewNeeded, review_form, summary_markdown
from flows.jobs import AttendanceJob, ContractJob, ExpenseJob, InvoiceJob, OnboardingJob
from robots.ledger import DocumentStatus
from robots.settings import load_settings

ONBOARDING = {
    "employee_no": "E0042",
    "last_name": "山田",
    "first_name": "花子",
    "last_name_kana": "ヤマダ",
    "first_name_kana": "ハナコ",
    "birth_date": "1990-04-01",
    "hire_date": "2026-12-01",
    "gender": "female",
    "employment_type": "regular",
    "pay_type": "monthly",
    "base_pay": 300000,
    "postal_code": "100-0001",
    "address": "東京都千代田区千代田1-1",
    "phone": "03-1234-5678",
    "bank_code": "0001",
    "branch_code": "001",
    "account_type": "ordinary",
    "account_number": "1234567",
    "account_holder_kana": "ヤマダ ハナコ",
}


def _reading(fields: dict, **kw: object) -> Reading:
    return Reading(document_type="onboarding", fields=fields, **kw)  # type: ignore[arg-type]


def test_an_onboarding_form_becomes_the_hr_record_keyed_by_employee_number() -> None:
    prepared = OnboardingJob(load_settings()).prepare(
        _reading(ONBOARDING), path=Path("f.xlsx"), sha256="0" * 64
    )
    assert prepared.reference == "E0042"
    r = prepared.record
    assert (r["gender"], r["employment_type"], r["pay_type"], r["account_type"]) == (
        "女性",
        "正社員",
        "月給",
        "普通",
    )
    assert (r["prefecture"], r["address"]) == ("東京都", "千代田区千代田1-1")
    assert "my_number" not in r


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"employee_no": None}, "onboarding.incomplete"),
        ({"address": "千代田区千代田1-1"}, "onboarding.address"),
        ({"account_type": "savings"}, "onboarding.account_type"),
    ],
)
def test_an_onboarding_form_a_person_must_complete_goes_to_review(change: dict, code: str) -> None:
    with pytest.raises(ReviewNeeded) as info:
        OnboardingJob(load_settings()).prepare(
            _reading({**ONBOARDING, **change}), path=Path("f.xlsx"), sha256="0" * 64
        )
    assert info.value.code == code and "f.xlsx" in info.value.message


def test_a_timesheet_is_keyed_by_employee_and_month() -> None:
    fields = {
        "employee": "山田 花子",
        "employee_no": "E0042",
        "month": "2026-11",
        "days": [
            {
                "date": "2026-11-02",
                "clock_in": "09:00",
                "clock_out": "18:00",
                "break_minutes": 60,
                "leave": None,
            },
            {
                "date": "2026-11-04",
                "clock_in": None,
                "clock_out": None,
                "break_minutes": 0,
                "leave": "paid_full",
            },
        ],
    }
    prepared = AttendanceJob(load_settings()).prepare(_reading(fields), path=Path("t.xlsx"), sha256="0" * 64)
    assert prepared.reference == "E0042/2026-11"
    assert [(d["day"], d["leave"], d["break_minutes"]) for d in prepared.record["days"]] == [
        (2, "なし", 60),
        (4, "全休", 0),
    ]
    with pytest.raises(ReviewNeeded):
        AttendanceJob(load_settings()).prepare(
            _reading({**fields, "employee_no": None}), path=Path("t.xlsx"), sha256="0" * 64
        )


def test_contract_signers_are_numbered_in_signing_order() -> None:
    fields = {
        "row": 3,
        "file": "/x/a.pdf",
        "title": "業務委託契約書",
        "reference": None,
        "signers": [
            {"name": "B", "email": "b@example.jp", "order": 3},
            {"name": "A", "email": "a@example.jp", "order": 1},
        ],
    }
    prepared = ContractJob(load_settings()).prepare(_reading(fields), path=Path("/x/a.pdf"), sha256="ab" * 32)
    assert prepared.reference == "KRK-" + "ab" * 8
    assert [(s["name"], s["order"]) for s in prepared.record["signers"]] == [("A", 1), ("B", 2)]


@pytest.mark.parametrize("job", [InvoiceJob, ExpenseJob, OnboardingJob, AttendanceJob])
def test_the_review_form_has_the_decision_the_reviewer_and_the_fields(job: type) -> None:
    form = review_form(job(load_settings()))
    schema = form.model_json_schema()
    assert {"decision", "reviewer", "comment"} <= set(schema["properties"])
    assert set(job(load_settings()).review_fields()) <= set(schema["properties"])
    assert form(reviewer="山田", decision="reject").decision == "reject"


def test_the_summary_says_counts_amounts_reviews_and_failures_in_both_languages() -> None:
    docs = [
        DocumentOutcome(file="a.pdf", status=DocumentStatus.ENTERED, counterparty="株式会社A", amount=110000),
        DocumentOutcome(file="b.pdf", status=DocumentStatus.ENTERED, counterparty="株式会社A", amount=5500),
        DocumentOutcome(file="c.pdf", status=DocumentStatus.REVIEW, error_message="登録番号が不正"),
        DocumentOutcome(file="d.pdf", status=DocumentStatus.FAILED, error_message="pdf.truncated"),
    ]
    text = summary_markdown(
        BatchSummary(run_id="r", flow="invoice-intake", target="t", dry_run=False, documents=docs)
    )
    assert "| 株式会社A | ¥115,500 |" in text
    assert "確認待ち / waiting for review" in text and "c.pdf: 登録番号が不正" in text
    assert "失敗・却下 / failed or rejected" in text and "d.pdf: pdf.truncated" in text
    assert "登録済み / entered: 2" in text
