"""Validation of the HR app's forms: submitted strings in; normalized values, typed records or errors out.

Pure functions, no Flask. Error messages are templates over the UI labels (see `sandbox.hr.labels`), so the
same rule names its field 従業員番号 on one screen version and 社員番号 on the other.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sandbox.hr.forms import STEPS
from sandbox.hr.master import (
    ACCOUNT_TYPES,
    EMPLOYMENT_TYPES,
    GENDERS,
    LEAVE_NONE,
    LEAVE_TYPES,
    PAY_TYPES,
    PREFECTURES,
)

__all__ = [
    "DayEntry",
    "DayValues",
    "FieldError",
    "MonthResult",
    "NewEmployee",
    "StepResult",
    "build_employee",
    "day_field",
    "is_valid_my_number",
    "month_days",
    "my_number_check_digit",
    "normalize_katakana",
    "parse_break",
    "parse_clock",
    "parse_month",
    "validate_month",
    "validate_step",
]

MAX_NAME = 50
MAX_ADDRESS = 200
MAX_BASE_PAY = 99_999_999
MIN_BIRTH_DATE = dt.date(1900, 1, 1)
MIN_ENTRY_DATE = dt.date(1950, 1, 1)
MAX_ENTRY_DATE = dt.date(2099, 12, 31)
MIN_MONTH = (1990, 1)
MAX_MONTH = (2099, 12)

_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_EMPLOYEE_NO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,19}$")
_KATAKANA = re.compile(r"^[\u30a1-\u30f6\u30fc]+$")  # ァ..ヶ (ヴ included) and the long vowel ー
_HOLDER = re.compile(r"^[\u30a1-\u30f6\u30fc]+(?: [\u30a1-\u30f6\u30fc]+)*$")
_YEN = re.compile(r"^(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)$")
_POSTAL = re.compile(r"^([0-9]{3})-?([0-9]{4})$")
_PHONE = re.compile(r"^0[0-9]+(?:-[0-9]+)*$")
_CLOCK = re.compile(r"^([0-9]{1,2}):([0-9]{2})$")
_MINUTES = re.compile(r"^[0-9]{1,4}$")
_MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class FieldError:
    """One error: the form field it belongs to, its message template, and the day (attendance rows)."""

    field: str
    message: str  # a template over the label table, e.g. "{employee_no}を入力してください"
    day: dt.date | None = None

    def render(self, labels: Mapping[str, str]) -> str:
        """The message as the screen says it: labels filled in, prefixed with the day when there is one."""
        text = self.message.format_map(labels)
        if self.day is not None:
            return f"{labels['day_format'].format(m=self.day.month, d=self.day.day)}: {text}"
        return text


@dataclass
class StepResult:
    """One wizard step: the normalized values (kept in the draft) and the errors, if any."""

    values: dict[str, str]
    errors: list[FieldError] = field(default_factory=list)


@dataclass(frozen=True)
class NewEmployee:
    """A validated employee, ready to be stored."""

    employee_no: str
    last_name: str
    first_name: str
    last_name_kana: str
    first_name_kana: str
    birth_date: dt.date
    gender: str
    my_number: str | None
    entry_date: dt.date
    employment_type: str
    pay_type: str
    base_pay: int
    postal_code: str
    prefecture: str
    address: str
    phone: str
    bank_code: str
    branch_code: str
    account_type: str
    account_number: str
    account_holder: str


# -- single values -------------------------------------------------------------------------------------
def _nfkc(raw: str) -> str:
    return unicodedata.normalize("NFKC", raw).strip()


def normalize_katakana(raw: str) -> str:
    """Half-width kana to full-width (``ﾔﾏﾀﾞ`` → ``ヤマダ``), runs of spaces of any width to one space."""
    return _SPACES.sub(" ", _nfkc(raw))


def my_number_check_digit(first11: str) -> int:
    """The check digit of a マイナンバー (individual number) from its first 11 digits.

    Weights 2..7 then 2..6 from the rightmost of the 11 digits; remainder r of the sum by 11;
    the digit is 0 when r <= 1, else 11 - r.
    """
    if len(first11) != 11 or not first11.isascii() or not first11.isdigit():
        raise ValueError("the base of a personal number is 11 digits")
    total = 0
    for n, digit in enumerate(reversed(first11), start=1):
        weight = n + 1 if n <= 6 else n - 5
        total += int(digit) * weight
    remainder = total % 11
    return 0 if remainder <= 1 else 11 - remainder


def is_valid_my_number(number: str) -> bool:
    """Whether `number` is 12 ASCII digits whose last one is the check digit of the first 11."""
    if len(number) != 12 or not number.isascii() or not number.isdigit():
        return False
    return my_number_check_digit(number[:11]) == int(number[11])


def _parse_date(raw: str) -> dt.date | None:
    raw = raw.strip()
    if not _ISO_DATE.match(raw):
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return None


def parse_clock(raw: str) -> int | None:
    """``09:00`` or ``9:00`` → minutes after midnight (0..1439); None when not a time of day."""
    match = _CLOCK.match(_nfkc(raw))
    if not match:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2))
    if hours > 23 or minutes > 59:
        return None
    return hours * 60 + minutes


def parse_break(raw: str) -> int | None:
    """A break as minutes (``60``) or hours and minutes (``1:00``); empty is 0; None when unreadable."""
    text = _nfkc(raw)
    if not text:
        return 0
    if _MINUTES.match(text):
        return int(text)
    match = _CLOCK.match(text)
    if match and int(match.group(2)) <= 59:
        return int(match.group(1)) * 60 + int(match.group(2))
    return None


def parse_month(raw: str) -> tuple[int, int] | None:
    """``2024-04`` → (2024, 4) within 1990-01..2099-12; None otherwise."""
    match = _MONTH.match(raw)
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or not MIN_MONTH <= (year, month) <= MAX_MONTH:
        return None
    return year, month


def month_days(year: int, month: int) -> list[dt.date]:
    return [dt.date(year, month, d) for d in range(1, calendar.monthrange(year, month)[1] + 1)]


# -- wizard steps ----------------------------------------------------------------------------------------
class _Checker:
    """Collects normalized values and errors of one step."""

    def __init__(self, form: Mapping[str, str]) -> None:
        self.form = form
        self.values: dict[str, str] = {}
        self.errors: list[FieldError] = []

    def raw(self, name: str) -> str:
        return str(self.form.get(name, "") or "")

    def error(self, name: str, message: str) -> None:
        self.errors.append(FieldError(name, message))

    def required(self, name: str, *, nfkc: bool = False) -> str | None:
        value = _nfkc(self.raw(name)) if nfkc else self.raw(name).strip()
        self.values[name] = value
        if not value:
            self.error(name, f"{{{name}}}を入力してください")
            return None
        return value

    def text(self, name: str, limit: int) -> None:
        value = self.required(name)
        if value is not None and len(value) > limit:
            self.error(name, f"{{{name}}}は{limit}文字以内で入力してください")

    def choice(self, name: str, options: list[str]) -> None:
        value = self.raw(name)
        self.values[name] = value if value in options else ""
        if value not in options:
            self.error(name, f"{{{name}}}を選択してください")

    def katakana(self, name: str) -> None:
        if self.required(name) is None:
            return
        value = normalize_katakana(self.raw(name))
        self.values[name] = value
        if not _KATAKANA.match(value):
            self.error(name, f"{{{name}}}は全角カタカナで入力してください")
        elif len(value) > MAX_NAME:
            self.error(name, f"{{{name}}}は{MAX_NAME}文字以内で入力してください")

    def date(self, name: str, low: dt.date, high: dt.date) -> dt.date | None:
        if self.required(name) is None:
            return None
        value = _parse_date(self.values[name])
        if value is None:
            self.error(name, f"{{{name}}}は正しい日付（YYYY-MM-DD）で入力してください")
            return None
        if not low <= value <= high:
            self.error(
                name, f"{{{name}}}は{low.isoformat()}から{high.isoformat()}までの日付で入力してください"
            )
            return None
        return value

    def digits(self, name: str, count: int) -> None:
        value = self.required(name, nfkc=True)
        if value is not None and not (len(value) == count and value.isascii() and value.isdigit()):
            self.error(name, f"{{{name}}}は{count}桁の数字で入力してください")


def _basic(c: _Checker, today: dt.date, employee_no_taken: Callable[[str], bool]) -> None:
    employee_no = c.required("employee_no", nfkc=True)
    if employee_no is not None:
        if not _EMPLOYEE_NO.match(employee_no):
            c.error("employee_no", "{employee_no}は半角英数字・ハイフン20文字以内で入力してください")
        elif employee_no_taken(employee_no):
            c.error("employee_no", f"{{employee_no}}「{employee_no}」はすでに登録されています")
    c.text("last_name", MAX_NAME)
    c.text("first_name", MAX_NAME)
    c.katakana("last_name_kana")
    c.katakana("first_name_kana")
    c.date("birth_date", MIN_BIRTH_DATE, today)
    c.choice("gender", GENDERS)
    my_number = re.sub(r"[\s-]", "", _nfkc(c.raw("my_number")))
    c.values["my_number"] = my_number
    if my_number:
        if len(my_number) != 12 or not my_number.isascii() or not my_number.isdigit():
            c.error("my_number", "{my_number}は12桁の数字で入力してください")
        elif not is_valid_my_number(my_number):
            c.error("my_number", "{my_number}が正しくありません（チェックデジットが一致しません）")


def _employment(c: _Checker, birth_date: dt.date | None) -> None:
    entry_date = c.date("entry_date", MIN_ENTRY_DATE, MAX_ENTRY_DATE)
    if entry_date is not None and birth_date is not None and entry_date <= birth_date:
        c.error("entry_date", "{entry_date}は{birth_date}より後の日付にしてください")
    c.choice("employment_type", EMPLOYMENT_TYPES)
    c.choice("pay_type", PAY_TYPES)
    base_pay = c.required("base_pay", nfkc=True)
    if base_pay is not None:
        if not _YEN.match(base_pay):
            c.error("base_pay", "{base_pay}は半角数字（円）で入力してください")
        else:
            amount = int(base_pay.replace(",", ""))
            c.values["base_pay"] = str(amount)
            if not 1 <= amount <= MAX_BASE_PAY:
                c.error("base_pay", f"{{base_pay}}は1以上{MAX_BASE_PAY:,}以下で入力してください")


def _address(c: _Checker) -> None:
    postal = c.required("postal_code", nfkc=True)
    if postal is not None:
        match = _POSTAL.match(postal)
        if match:
            c.values["postal_code"] = f"{match.group(1)}-{match.group(2)}"
        else:
            c.error("postal_code", "{postal_code}は「123-4567」の形式で入力してください")
    c.choice("prefecture", PREFECTURES)
    c.text("address", MAX_ADDRESS)
    phone = c.required("phone", nfkc=True)
    if phone is not None:
        digits = phone.replace("-", "")
        if not (_PHONE.match(phone) and 10 <= len(digits) <= 11):
            c.error("phone", "{phone}は0から始まる10〜11桁の数字（ハイフン可）で入力してください")


def _bank(c: _Checker) -> None:
    c.digits("bank_code", 4)
    c.digits("branch_code", 3)
    c.choice("account_type", ACCOUNT_TYPES)
    c.digits("account_number", 7)
    if c.required("account_holder") is not None:
        holder = normalize_katakana(c.raw("account_holder"))
        c.values["account_holder"] = holder
        if not _HOLDER.match(holder):
            c.error("account_holder", "{account_holder}はカタカナで入力してください")
        elif len(holder) > 60:
            c.error("account_holder", "{account_holder}は60文字以内で入力してください")


def validate_step(
    step: str,
    form: Mapping[str, str],
    *,
    today: dt.date,
    employee_no_taken: Callable[[str], bool],
    draft: Mapping[str, str] | None = None,
) -> StepResult:
    """Check the fields of one wizard step (`step` is a name in `sandbox.hr.forms.STEPS`).

    `draft` holds the values of the steps before, for rules across steps (入社日 after 生年月日).
    """
    c = _Checker(form)
    if step == "basic":
        _basic(c, today, employee_no_taken)
    elif step == "employment":
        _employment(c, _parse_date((draft or {}).get("birth_date", "")))
    elif step == "address":
        _address(c)
    elif step == "bank":
        _bank(c)
    else:
        raise ValueError(f"unknown wizard step {step!r}")
    return StepResult(c.values, c.errors)


def build_employee(values: Mapping[str, str]) -> NewEmployee:
    """The employee from the values of all four steps, each already validated."""
    names = [f for s in STEPS for f in s.field_names]
    missing = [n for n in names if n not in values]
    if missing:
        raise ValueError(f"missing values: {', '.join(missing)}")
    return NewEmployee(
        employee_no=values["employee_no"],
        last_name=values["last_name"],
        first_name=values["first_name"],
        last_name_kana=values["last_name_kana"],
        first_name_kana=values["first_name_kana"],
        birth_date=dt.date.fromisoformat(values["birth_date"]),
        gender=values["gender"],
        my_number=values["my_number"] or None,
        entry_date=dt.date.fromisoformat(values["entry_date"]),
        employment_type=values["employment_type"],
        pay_type=values["pay_type"],
        base_pay=int(values["base_pay"]),
        postal_code=values["postal_code"],
        prefecture=values["prefecture"],
        address=values["address"],
        phone=values["phone"],
        bank_code=values["bank_code"],
        branch_code=values["branch_code"],
        account_type=values["account_type"],
        account_number=values["account_number"],
        account_holder=values["account_holder"],
    )


# -- attendance ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DayValues:
    """One attendance row as typed (for re-rendering the grid)."""

    clock_in: str = ""
    clock_out: str = ""
    break_: str = ""
    leave: str = LEAVE_NONE


@dataclass(frozen=True)
class DayEntry:
    """One validated attendance day worth storing."""

    date: dt.date
    clock_in: str | None  # "HH:MM"
    clock_out: str | None
    break_minutes: int | None
    leave: str

    @property
    def worked_minutes(self) -> int | None:
        if self.clock_in is None or self.clock_out is None:
            return None
        start, end = parse_clock(self.clock_in), parse_clock(self.clock_out)
        assert start is not None and end is not None
        return end - start - (self.break_minutes or 0)


@dataclass
class MonthResult:
    entries: list[DayEntry]
    typed: dict[dt.date, DayValues]
    errors: list[FieldError] = field(default_factory=list)


def day_field(day: dt.date, column: str) -> str:
    """The form field name of one cell: ``day-01-clock_in``, ``day-01-clock_out``, ``day-01-break``…"""
    return f"day-{day.day:02d}-{column}"


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def validate_month(days: list[dt.date], form: Mapping[str, str]) -> MonthResult:
    """Check a whole month of attendance rows; days with nothing entered are left out of the entries."""
    entries: list[DayEntry] = []
    typed: dict[dt.date, DayValues] = {}
    errors: list[FieldError] = []
    for day in days:
        raw = DayValues(
            clock_in=str(form.get(day_field(day, "clock_in"), "")).strip(),
            clock_out=str(form.get(day_field(day, "clock_out"), "")).strip(),
            break_=str(form.get(day_field(day, "break"), "")).strip(),
            leave=str(form.get(day_field(day, "leave"), LEAVE_NONE) or LEAVE_NONE),
        )
        typed[day] = raw
        before = len(errors)

        def error(column: str, message: str, day: dt.date = day) -> None:
            errors.append(FieldError(day_field(day, column), message, day))

        start = parse_clock(raw.clock_in) if raw.clock_in else None
        end = parse_clock(raw.clock_out) if raw.clock_out else None
        rest = parse_break(raw.break_)
        if raw.leave not in LEAVE_TYPES:
            error("leave", "{leave}を選択してください")
        if raw.clock_in and start is None:
            error("clock_in", "{clock_in}は「9:00」のような時刻で入力してください")
        if raw.clock_out and end is None:
            error("clock_out", "{clock_out}は「18:00」のような時刻で入力してください")
        if rest is None:
            error("break", "{break}は分（例: 60）または時:分（例: 1:00）で入力してください")
        if len(errors) > before:
            continue
        has_times = bool(raw.clock_in or raw.clock_out)
        if raw.leave == "全休" and (has_times or rest):
            error("leave", "{leave}が全休の日は{clock_in}・{clock_out}・{break}を入力できません")
        elif bool(raw.clock_in) != bool(raw.clock_out):
            missing = "clock_out" if raw.clock_in else "clock_in"
            error(missing, "{clock_in}と{clock_out}は両方入力してください")
        elif start is not None and end is not None and end <= start:
            error("clock_out", "{clock_out}は{clock_in}より後の時刻にしてください")
        elif start is not None and end is not None and rest is not None and rest > end - start:
            error("break", "{break}が勤務時間（{clock_in}から{clock_out}まで）より長くなっています")
        elif not has_times and rest:
            error("break", "{break}は{clock_in}・{clock_out}とあわせて入力してください")
        if len(errors) > before:
            continue
        if has_times or raw.leave != LEAVE_NONE:
            assert rest is not None
            entries.append(
                DayEntry(
                    date=day,
                    clock_in=_hhmm(start) if start is not None else None,
                    clock_out=_hhmm(end) if end is not None else None,
                    break_minutes=rest if has_times else None,
                    leave=raw.leave,
                )
            )
    return MonthResult(entries, typed, errors)
