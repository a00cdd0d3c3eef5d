"""Typed records the Excel form reader returns: expense reports, onboarding forms and timesheets
(the ``expense_report``, ``onboarding`` and ``timesheet`` sections of document-schema.md).

Every field a form does not carry is ``None`` (``null`` in JSON), never an empty string. Dates dump as ISO
``YYYY-MM-DD`` with ``model_dump(mode="json")``, times are ``HH:MM`` strings, money an integer number of yen.
A personal number (マイナンバー) is never stored: :class:`Onboarding` keeps only whether the form carried one
and, if it did, the literal ``"<redacted>"``.

Addition to document-schema.md: :class:`Onboarding` and :class:`Timesheet` carry ``employee_no`` (str or
null), the employee number (従業員番号 / 社員番号, e.g. ``E0001``) the HR tool identifies employees by,
normalized: NFKC, stripped, ASCII letters upper-cased (``ｅ０００１`` → ``E0001``). It comes last in both,
is ``null`` when the form has none (the reader then adds the INFO finding ``form.employee_no_missing``: a
flow may ask a person), and a number typed as an Excel number keeps no leading zeros (``0012`` → ``12``).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from robots.documents.model import DocumentResult

__all__ = [
    "ExpenseLine",
    "ExpenseReport",
    "FormResult",
    "FormType",
    "Onboarding",
    "Timesheet",
    "TimesheetDay",
]

KANA_PATTERN = r"^[\u30a1-\u30fa\u30fc\u30fb\u30fd\u30fe ]+$"
"""Full-width katakana (with ー, ・ and single spaces between words)."""
_HHMM = r"^(?:[01]\d|2[0-3]):[0-5]\d$"

Kana = Annotated[str, Field(pattern=KANA_PATTERN)]
HHMM = Annotated[str, Field(pattern=_HHMM)]


class FormType(StrEnum):
    EXPENSE_REPORT = "expense_report"  # 経費精算書 / 立替経費精算書
    ONBOARDING = "onboarding"  # 入社手続き / 従業員情報 / 入社時提出書類
    TIMESHEET = "timesheet"  # 勤怠表 / 出勤簿 / タイムシート


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ExpenseLine(_Record):
    """One row of an expense report's table."""

    date: dt.date | None = None  # 日付 / 利用日
    payee: str | None = None  # 支払先 / 店名, a party name normalized like every name (㈱ → 株式会社 …)
    description: str | None = None  # 内容 / 摘要 / 用途
    account: str | None = None  # 勘定科目 / 科目
    amount: int  # 金額 / 税込金額: tax included, yen
    rate: int | None = None  # 税率: 10, 8 or 0; None when the form has no rate column
    registration_number: str | None = None  # 登録番号, normalized "T" + 13 digits


class ExpenseReport(_Record):
    """経費精算書: who claims what, line by line."""

    employee: str | None = None
    department: str | None = None
    applied_on: dt.date | None = None  # 申請日 / 提出日
    lines: list[ExpenseLine] = Field(default_factory=list)
    total: int | None = None  # 合計 as the form states it (computed when it is an uncached formula)


Gender = Literal["male", "female", "other"]
EmploymentType = Literal["regular", "fixed_term", "part_time"]
PayType = Literal["monthly", "daily", "hourly"]
AccountType = Literal["ordinary", "current", "savings"]


class Onboarding(_Record):
    """入社手続き / 従業員情報: what the HR system needs to register a new employee."""

    last_name: str | None = None
    first_name: str | None = None
    last_name_kana: Kana | None = None
    first_name_kana: Kana | None = None
    birth_date: dt.date | None = None
    hire_date: dt.date | None = None
    gender: Gender | None = None
    employment_type: EmploymentType | None = None
    pay_type: PayType | None = None
    base_pay: int | None = None
    postal_code: Annotated[str, Field(pattern=r"^\d{3}-\d{4}$")] | None = None
    address: str | None = None
    phone: str | None = None
    bank_code: Annotated[str, Field(pattern=r"^\d{4}$")] | None = None
    branch_code: Annotated[str, Field(pattern=r"^\d{3}$")] | None = None
    account_type: AccountType | None = None
    account_number: Annotated[str, Field(pattern=r"^\d{7}$")] | None = None
    account_holder_kana: Kana | None = None
    my_number: Literal["<redacted>"] | None = None  # never the number itself
    my_number_present: bool = False  # the form carried a personal number (valid or not)
    employee_no: str | None = None  # 社員番号 / 従業員番号, normalized (E0001); an addition to the schema


Leave = Literal["paid_full", "paid_half"]


class TimesheetDay(_Record):
    """One working or leave day."""

    date: dt.date
    clock_in: HHMM | None = None
    clock_out: HHMM | None = None
    break_minutes: int = 0
    leave: Leave | None = None  # paid_full: 有給 (whole day), paid_half: 半休


class Timesheet(_Record):
    """勤怠表: one employee, one month, working and leave days only, in date order."""

    employee: str | None = None
    month: Annotated[str, Field(pattern=r"^\d{4}-(?:0[1-9]|1[0-2])$")] | None = None
    days: list[TimesheetDay] = Field(default_factory=list)
    employee_no: str | None = None  # 社員番号 / 従業員番号, normalized (E0001); an addition to the schema


FormFields = ExpenseReport | Onboarding | Timesheet


class FormResult(DocumentResult[FormType, FormFields]):
    """What :func:`robots.documents.excel.read_form` returns for one file (document-schema.md)."""
