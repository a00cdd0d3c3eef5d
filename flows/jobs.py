"""The five kinds of back-office work as :class:`~flows.batch.Job` s: which files, how one is read, and the
record its target operation takes. The flows in this package are thin wrappers around these."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from flows.batch import Job, Prepared, Reading, ReviewNeeded
from robots.archive import Archive, fiscal_year_end_for
from robots.bookkeeping import deal_from_expense_report, deal_from_invoice, load_payment_rules
from robots.contracts import ContractRequest, read_contract_list
from robots.documents import extract, read_form
from robots.documents.forms_model import ExpenseReport, FormType, Onboarding, Timesheet
from robots.documents.model import Finding, Invoice, Severity
from robots.errors import BusinessError
from robots.inbox import Outcome, file_away, fingerprint
from robots.jp.address import split_prefecture
from robots.validation import ValidationRules, duplicate_key, validate_invoice
from robots.validation.accounts import load_account_rules
from robots.web import deal_input

__all__ = ["AttendanceJob", "ContractJob", "ExpenseJob", "InvoiceJob", "OnboardingJob"]


def _review_reasons(findings: list[Finding]) -> list[str]:
    """Findings a person must look at before anything is entered: errors, and warnings about what the
    reader could not be sure of or what the rules doubt (registration numbers, tax, dates)."""
    return [f.message for f in findings if f.severity in (Severity.ERROR, Severity.WARNING)]


# -- invoices → deals --------------------------------------------------------------------------------------
class InvoiceJob(Job):
    flow_name = "invoice-intake"
    operation = "create_deal"
    sources_glob = ("*.pdf", "*.PDF")
    duplicate_code = "duplicate.invoice"

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.rules = load_account_rules(settings.config_dir / "rules" / "accounts.yaml")
        self.payment = load_payment_rules(settings.config_dir / "rules" / "payment.yaml")

    def read(self, path: Path) -> Reading:
        result = extract(
            path,
            max_pages=self.settings.max_pdf_pages,
            templates_dir=self.settings.templates_dir / "invoices",
        )
        if result.error:
            raise BusinessError(result.error["code"], result.error["message"])
        assert result.fields is not None
        rules = ValidationRules(due_date_shift=self.payment.shift_for(result.fields.issuer))
        findings = list(dict.fromkeys([*result.findings, *validate_invoice(result.fields, rules=rules)]))
        return Reading(
            document_type=str(result.document_type),
            fields=result.fields.model_dump(mode="json"),
            findings=findings,
            extracted=result.to_json_dict(),
            needs_review=_review_reasons(findings),
        )

    def review_fields(self) -> dict[str, Any]:
        return {
            "issuer": (str | None, None),
            "registration_number": (str | None, None),
            "invoice_number": (str | None, None),
            "issue_date": (dt.date | None, None),
            "due_date": (dt.date | None, None),
            "total": (int | None, None),
        }

    def prepare(self, reading: Reading, *, path: Path, sha256: str) -> Prepared:
        invoice = Invoice.model_validate(reading.fields)
        deal = deal_from_invoice(invoice, path=path, sha256=sha256, rules=self.rules, payment=self.payment)
        return Prepared(
            reference=deal.reference,
            record=deal_input(deal),
            counterparty=deal.partner,
            amount=deal.total,
            duplicate_key=duplicate_key(invoice),
        )

    def archive(self, path: Path, sha256: str, reading: Reading, prepared: Prepared | None) -> None:
        """Every invoice received as a file is kept as the original (電子帳簿保存法), once, by SHA-256."""
        if prepared is None:
            return
        invoice = Invoice.model_validate(reading.fields)
        if invoice.issue_date is None or invoice.total is None:
            return
        with Archive.from_settings(self.settings) as archive:
            archive.migrate()
            archive.add(
                path,
                doc_type="receipt" if reading.document_type == "receipt" else "invoice",
                transaction_date=invoice.issue_date,
                amount=invoice.total,
                counterparty=invoice.issuer or "",
                registration_number=invoice.registration_number,
                received_at=dt.datetime.now(dt.UTC),
                source=f"inbox:{path.name}",
                fiscal_year_end=fiscal_year_end_for(invoice.issue_date, self.settings.fiscal_year_end_month),
                actor="kuroko",
            )


# -- Excel forms -----------------------------------------------------------------------------------------
class _FormJob(Job):
    sources_glob = ("*.xlsx", "*.xlsm")
    form_type: FormType

    def read(self, path: Path) -> Reading:
        result = read_form(path)
        if result.error:
            raise BusinessError(result.error["code"], result.error["message"])
        if result.document_type != self.form_type:
            raise BusinessError(
                "form.wrong_kind",
                f"{path.name} is a {result.document_type} form, not a {self.form_type} form; "
                "it belongs in another inbox",
            )
        assert result.fields is not None
        return Reading(
            document_type=str(result.document_type),
            fields=result.fields.model_dump(mode="json"),
            findings=list(result.findings),
            extracted=result.to_json_dict(),
            needs_review=_review_reasons(result.findings),
        )


class ExpenseJob(_FormJob):
    flow_name = "expense-reports"
    operation = "create_deal"
    form_type = FormType.EXPENSE_REPORT

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.rules = load_account_rules(settings.config_dir / "rules" / "accounts.yaml")

    def review_fields(self) -> dict[str, Any]:
        return {
            "employee": (str | None, None),
            "applied_on": (dt.date | None, None),
            "total": (int | None, None),
        }

    def prepare(self, reading: Reading, *, path: Path, sha256: str) -> Prepared:
        report = ExpenseReport.model_validate(reading.fields)
        deal = deal_from_expense_report(report, path=path, sha256=sha256, rules=self.rules)
        return Prepared(
            reference=deal.reference, record=deal_input(deal), counterparty=deal.partner, amount=deal.total
        )


_GENDER = {"male": "男性", "female": "女性", "other": "その他"}
_EMPLOYMENT = {"regular": "正社員", "fixed_term": "契約社員", "part_time": "パート・アルバイト"}
_PAY = {"monthly": "月給", "daily": "日給", "hourly": "時給"}
_ACCOUNT = {"ordinary": "普通", "current": "当座"}


class OnboardingJob(_FormJob):
    """入社手続き forms → new employees in the HR tool, keyed by 従業員番号. A personal number on the form is
    never typed anywhere: it is collected through the HR tool's own secure channel."""

    flow_name = "employee-onboarding"
    operation = "create_employee"
    form_type = FormType.ONBOARDING

    def review_fields(self) -> dict[str, Any]:
        return {
            "employee_no": (str | None, None),
            "last_name": (str | None, None),
            "first_name": (str | None, None),
            "hire_date": (dt.date | None, None),
            "base_pay": (int | None, None),
        }

    def prepare(self, reading: Reading, *, path: Path, sha256: str) -> Prepared:
        form = Onboarding.model_validate(reading.fields)
        missing = [
            label
            for label, value in (
                ("従業員番号 employee_no", form.employee_no),
                ("氏名 name", form.last_name and form.first_name),
                ("フリガナ kana", form.last_name_kana and form.first_name_kana),
                ("生年月日 birth date", form.birth_date),
                ("入社日 hire date", form.hire_date),
                ("雇用形態 employment type", form.employment_type),
                ("給与形態 pay type", form.pay_type),
                ("基本給 base pay", form.base_pay),
                ("住所 address", form.address and form.postal_code),
                ("口座 bank account", form.bank_code and form.branch_code and form.account_number),
            )
            if not value
        ]
        if missing:
            raise ReviewNeeded("onboarding.incomplete", f"{path.name}: missing {', '.join(missing)}")
        prefecture, rest = split_prefecture(form.address or "")
        if prefecture is None:
            raise ReviewNeeded(
                "onboarding.address", f"{path.name}: the address does not start with a prefecture"
            )
        if form.account_type not in _ACCOUNT:
            raise ReviewNeeded(
                "onboarding.account_type",
                f"{path.name}: account type {form.account_type!r} is not 普通 or 当座",
            )
        record = {
            "employee_no": form.employee_no,
            "last_name": form.last_name,
            "first_name": form.first_name,
            "last_name_kana": form.last_name_kana,
            "first_name_kana": form.first_name_kana,
            "birth_date": form.birth_date,
            "gender": _GENDER.get(form.gender or "", "回答しない"),
            "hire_date": form.hire_date,
            "employment_type": _EMPLOYMENT[form.employment_type or ""],
            "pay_type": _PAY[form.pay_type or ""],
            "base_pay": form.base_pay,
            "postal_code": form.postal_code,
            "prefecture": prefecture,
            "address": rest,
            "phone": form.phone or "",
            "bank_code": form.bank_code,
            "branch_code": form.branch_code,
            "account_type": _ACCOUNT[form.account_type or ""],
            "account_number": form.account_number,
            "account_holder_kana": form.account_holder_kana,
        }
        return Prepared(
            reference=str(form.employee_no),
            record=record,
            counterparty=f"{form.last_name} {form.first_name}",
            amount=form.base_pay,
        )


_LEAVE = {None: "なし", "paid_full": "全休", "paid_half": "午前半休"}


class AttendanceJob(_FormJob):
    """勤怠表 (one employee, one month) → the month's attendance grid in the HR tool, keyed by 従業員番号 and
    month. Saving a month again with the same values changes nothing; different values are a mismatch for a
    person, never overwritten silently."""

    flow_name = "attendance-sync"
    operation = "enter_attendance"
    form_type = FormType.TIMESHEET

    def review_fields(self) -> dict[str, Any]:
        return {"employee_no": (str | None, None), "month": (str | None, None)}

    def prepare(self, reading: Reading, *, path: Path, sha256: str) -> Prepared:
        sheet = Timesheet.model_validate(reading.fields)
        if not sheet.employee_no or not sheet.month:
            raise ReviewNeeded(
                "attendance.incomplete", f"{path.name}: the employee number and the month are needed"
            )
        days = [
            {
                "date": d.date,
                "day": d.date.day,
                "clock_in": d.clock_in or "",
                "clock_out": d.clock_out or "",
                "break_minutes": d.break_minutes if d.clock_in else 0,
                "leave": _LEAVE.get(d.leave, "なし"),
            }
            for d in sheet.days
        ]
        return Prepared(
            reference=f"{sheet.employee_no}/{sheet.month}",
            record={"employee_no": sheet.employee_no, "month": sheet.month, "days": days},
            counterparty=sheet.employee or sheet.employee_no,
        )


# -- contracts -------------------------------------------------------------------------------------------
class ContractJob(Job):
    """An Excel list of contracts (file, title, signers) → each PDF sent through the e-contract tool. The
    list is read once; each row's PDF is then one document of the batch (fingerprinted, entered, filed)."""

    flow_name = "contract-dispatch"
    operation = "send_contract"
    sources_glob = ("*.xlsx",)

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.requests: dict[Path, ContractRequest] = {}
        self.row_errors: list[tuple[str, str]] = []
        self.listings: list[Path] = []

    def sources(self, inbox: Path) -> list[Path]:
        self.requests, self.row_errors, self.listings = {}, [], []  # listing again starts afresh
        pdfs: list[Path] = []
        for listing in super().sources(inbox):
            result = read_contract_list(listing)
            self.listings.append(listing)
            self.row_errors += [(f"{listing.name} 行 {e.row}", e.message) for e in result.errors]
            for request in result.requests:
                path = request.file.resolve()
                if path in self.requests:
                    self.row_errors.append(
                        (f"{listing.name} 行 {request.row}", f"{path.name} is listed twice")
                    )
                    continue
                self.requests[path] = request
                pdfs.append(path)
        return pdfs

    def source_errors(self) -> list[tuple[str, str]]:
        return list(self.row_errors)

    def after_batch(self, inbox: Path, outcomes: list[Any], dry_run: bool) -> None:
        """A list whose every row reached an outcome moves to processed/ (a copy of it stays with each run's
        evidence in the ledger's events), so the next run does not read it again."""
        if dry_run:
            return
        for listing in self.listings:
            if listing.exists():
                file_away(listing, inbox, Outcome.PROCESSED, sha256=fingerprint(listing).sha256)

    def read(self, path: Path) -> Reading:
        request = self.requests[path.resolve()]
        fields = request.model_dump(mode="json")
        return Reading(document_type="contract", fields=fields, extracted=fields)

    def prepare(self, reading: Reading, *, path: Path, sha256: str) -> Prepared:
        request = ContractRequest.model_validate(reading.fields)
        reference = request.reference or f"KRK-{sha256[:16]}"
        return Prepared(
            reference=reference,
            record={
                "title": request.title,
                "ref_number": reference,
                "file": str(path),
                "file_sha256": sha256,
                # in signing order, numbered 1..n (a list may skip a group: 署名者1 blank, 署名者2 filled)
                "signers": [
                    {"name": s.name, "email": s.email, "order": n}
                    for n, s in enumerate(sorted(request.signers, key=lambda s: s.order), start=1)
                ],
            },
            counterparty=", ".join(s.name for s in request.signers),
        )
