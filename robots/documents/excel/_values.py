"""Cell values to typed values: whatever Excel or a person put in the cell (a real date, a serial number
with an era format, ``令和6年4月1日`` as text, ``9:00``, a fraction of a day, ``1,200円`` …).

Every converter raises :class:`ValueProblem` with a finding code and a plain reason when the value cannot
be read; the Japanese parsing itself is :mod:`robots.jp`'s.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from robots.documents.excel._workbook import JA_BUILTIN_TIME_FORMATS, Cell
from robots.jp import (
    AmountParseError,
    DateParseError,
    PartyNameError,
    TimeParseError,
    collapse_spaces,
    date_from_excel_serial,
    find_date,
    normalize_party,
    normalize_text,
    parse_amount,
    parse_date_detailed,
    parse_period,
    parse_time,
)

__all__ = [
    "ValueProblem",
    "is_blank",
    "to_amount",
    "to_date",
    "to_digits",
    "to_employee_no",
    "to_kana",
    "to_minutes",
    "to_month",
    "to_party",
    "to_phone",
    "to_postal_code",
    "to_rate",
    "to_text",
    "to_time",
]

_MAX_SERIAL = 2_958_465  # 9999-12-31
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc\ufe63", "-"))
_KANA_OK = re.compile(r"[\u30a1-\u30fa\u30fc\u30fb\u30fd\u30fe ]+")
_MONTH_DAY = re.compile(r"(\d{1,2})\s*[/月.\-]\s*(\d{1,2})\s*日?(?:\s*\(.\))?")
_DAY_ONLY = re.compile(r"(\d{1,2})\s*日?(?:\s*\(.\))?")
_YEAR_MONTH = re.compile(r"(\d{4})\s*[/.\-]\s*(\d{1,2})")
_HM_DURATION = re.compile(r"(\d{1,2}):(\d{2})")
_JP_DURATION = re.compile(r"(?:(\d+(?:\.\d+)?)\s*(?:時間|h|H|hr|hrs))?\s*(?:(\d+)\s*(?:分|m|min))?")
_RATE_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*%")


class ValueProblem(ValueError):
    """A cell value that cannot be read as the field's type: ``code`` for the finding, ``reason`` in plain
    words (may quote the cell text: redact before showing)."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return collapse_spaces(normalize_text(str(value)))


def to_text(value: Any, cell: Cell | None = None) -> str:
    """Free text, NFKC-normalized with runs of spaces collapsed."""
    del cell
    text = _text(value)
    if not text:
        raise ValueProblem("form.value_unreadable", "the cell is empty")
    return text


def to_party(value: Any, cell: Cell | None = None) -> str:
    """A payee's name as document-schema.md wants names: 御中/様 removed, ㈱ → 株式会社 in place."""
    text = to_text(value, cell)
    try:
        return normalize_party(text).name
    except PartyNameError:
        return text


def _serial_date(value: float) -> dt.date:
    if not 1 <= value <= _MAX_SERIAL:
        raise ValueProblem("form.date_unreadable", f"the number {value} is not a date")
    try:
        return date_from_excel_serial(value)
    except DateParseError as exc:
        raise ValueProblem("form.date_unreadable", exc.reason) from exc


def to_date(value: Any, cell: Cell | None = None, *, year_hint: int | None = None) -> dt.date:
    """A date from a real Excel date, a serial number (era or plain date format, or none), an 8-digit
    ``20240401``, or text in any form :func:`robots.jp.parse_date` accepts (``令和6年4月1日`` …).
    With ``year_hint``, ``4/1`` and ``4月1日`` are read in that year."""
    del cell
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool) or isinstance(value, dt.time | dt.timedelta):
        raise ValueProblem("form.date_unreadable", f"{value!s} is not a date")
    if isinstance(value, int | float):
        if isinstance(value, int) and 19000101 <= value <= 29991231:
            try:
                return dt.date(value // 10000, value // 100 % 100, value % 100)
            except ValueError:
                pass
        return _serial_date(float(value))
    text = _text(value)
    if not text:
        raise ValueProblem("form.date_unreadable", "the cell is empty")
    try:
        date, _warnings = parse_date_detailed(text, strict=False)
        return date
    except DateParseError as first:
        if year_hint is not None:
            m = _MONTH_DAY.fullmatch(text)
            if m:
                try:
                    return dt.date(year_hint, int(m[1]), int(m[2]))
                except ValueError as exc:
                    raise ValueProblem("form.date_unreadable", f"no such day: {text!r}") from exc
        found = find_date(text, strict=False)
        if found is not None:
            return found
        raise ValueProblem("form.date_unreadable", f"not a date: {text!r} ({first.reason})") from first


def to_month(value: Any, cell: Cell | None = None) -> str:
    """``YYYY-MM`` from a date, ``2024年4月``, ``令和6年4月分``, ``2024/04``."""
    if (
        isinstance(value, dt.date | dt.datetime)
        or isinstance(value, int | float)
        and not isinstance(value, bool)
    ):
        if isinstance(value, int | float) and 190001 <= value <= 299912:
            year, month = divmod(int(value), 100)
            if 1 <= month <= 12:
                return f"{year:04d}-{month:02d}"
        date = to_date(value, cell)
        return f"{date.year:04d}-{date.month:02d}"
    text = _text(value)
    m = _YEAR_MONTH.fullmatch(text)
    if m and 1 <= int(m[2]) <= 12:
        return f"{int(m[1]):04d}-{int(m[2]):02d}"
    try:
        year, month = parse_period(text)
    except DateParseError:
        try:
            date = to_date(text)
        except ValueProblem as exc:
            raise ValueProblem("form.date_unreadable", f"not a month: {text!r}") from exc
        return f"{date.year:04d}-{date.month:02d}"
    if year is None:
        raise ValueProblem("form.date_unreadable", f"the month {text!r} has no year")
    return f"{year:04d}-{month:02d}"


def to_day(value: Any, cell: Cell | None, *, year: int | None, month: int | None) -> tuple[dt.date, bool]:
    """A timesheet row's date; the flag says whether only the day of month was given (``1``, ``1日``),
    which needs the form's month (``year``/``month``; ``4/1`` needs the year)."""

    def day_of_month(day: int) -> dt.date:
        if year is None or month is None:
            raise ValueProblem(
                "form.date_unreadable", "only the day of month is given and no month was found"
            )
        try:
            return dt.date(year, month, day)
        except ValueError as exc:
            raise ValueProblem("form.date_unreadable", f"no day {day} in {year}-{month:02d}") from exc

    if isinstance(value, int | float) and not isinstance(value, bool):
        date_formatted = cell is not None and cell.is_date_formatted
        if float(value).is_integer() and 1 <= value <= 31 and not date_formatted:
            return day_of_month(int(value)), True
        return to_date(value, cell), False
    if isinstance(value, str):
        text = _text(value)
        m = _DAY_ONLY.fullmatch(text)
        if m:
            return day_of_month(int(m[1])), True
        return to_date(text, cell, year_hint=year), False
    return to_date(value, cell), False


def to_time(value: Any, cell: Cell | None = None) -> str:
    """``HH:MM`` from an Excel time, a date-time, a fraction of a day, a duration or ``9:00`` text."""
    if isinstance(value, dt.datetime):
        value = value.time()
    if isinstance(value, dt.time):
        minutes = value.hour * 60 + value.minute + (1 if value.second >= 30 else 0)
    elif isinstance(value, dt.timedelta):
        minutes = round(value.total_seconds() / 60)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if not 0 <= value < 1 and not (cell is not None and cell.num_fmt_id in JA_BUILTIN_TIME_FORMATS):
            raise ValueProblem("form.time_unreadable", f"the number {value} is not a time of day")
        minutes = round((float(value) % 1) * 1440)
    else:
        text = _text(value)
        try:
            return parse_time(text)
        except TimeParseError as exc:
            raise ValueProblem("form.time_unreadable", f"not a time: {text!r} ({exc.reason})") from exc
    if not 0 <= minutes < 1440:
        raise ValueProblem("form.time_unreadable", f"{value!s} is not a time of day (past 24:00)")
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def to_minutes(value: Any, cell: Cell | None = None, *, hours: bool = False) -> int:
    """A break as minutes: ``60``, ``60分``, ``1:00``, ``1時間``, an Excel time (``1:00``) or a fraction of a
    day. A plain number is minutes, or hours when the column says so (``休憩(時間)``)."""
    if isinstance(value, dt.time):
        return value.hour * 60 + value.minute + (1 if value.second >= 30 else 0)
    if isinstance(value, dt.timedelta):
        return round(value.total_seconds() / 60)
    if isinstance(value, dt.datetime):
        return to_minutes(value.time())
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
        if number < 0:
            raise ValueProblem("form.time_unreadable", f"a negative break ({value})")
        if 0 < number < 1 and (not hours or (cell is not None and cell.is_date_formatted)):
            return round(number * 1440)
        return round(number * 60) if hours else round(number)
    text = _text(value)
    if not text:
        return 0
    m = _HM_DURATION.fullmatch(text)
    if m:
        return int(m[1]) * 60 + int(m[2])
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return round(float(text) * 60) if hours else round(float(text))
    m = _JP_DURATION.fullmatch(text)
    if m and (m[1] or m[2]):
        return round(float(m[1] or 0) * 60) + int(m[2] or 0)
    raise ValueProblem("form.time_unreadable", f"not a break length: {text!r}")


def to_amount(value: Any, cell: Cell | None = None) -> int:
    """Yen: a number, or printed text (``¥1,200``, ``1,200円``, ``△500``)."""
    del cell
    if isinstance(value, bool):
        raise ValueProblem("form.amount_unreadable", f"{value} is not an amount")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if abs(value - round(value)) > 1e-6:
            raise ValueProblem("form.amount_unreadable", f"{value} is not a whole number of yen")
        return round(value)
    if not isinstance(value, str):
        raise ValueProblem("form.amount_unreadable", f"{value!s} is not an amount")
    try:
        return parse_amount(value).value
    except AmountParseError as exc:
        raise ValueProblem("form.amount_unreadable", f"not an amount: {exc.text!r} ({exc.reason})") from exc


def to_rate(value: Any, cell: Cell | None = None) -> int:
    """A tax rate in percent: ``10%``, ``0.1`` (percent-formatted), ``10``, ``8%(軽減)``, ``非課税``."""
    del cell
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
        percent = number * 100 if 0 < number < 1 else number
        if abs(percent - round(percent)) > 1e-6 or not 0 <= percent <= 100:
            raise ValueProblem("form.value_unreadable", f"{value} is not a tax rate")
        return round(percent)
    text = _text(value)
    m = _RATE_PERCENT.search(text)
    if m:
        return round(float(m[1]))
    if re.fullmatch(r"\d{1,2}", text):
        return int(text)
    if "軽減" in text:
        return 8
    if "標準" in text:
        return 10
    if any(word in text for word in ("非課税", "不課税", "対象外", "免税")):
        return 0
    raise ValueProblem("form.value_unreadable", f"not a tax rate: {text!r}")


def to_digits(value: Any, cell: Cell | None = None, *, width: int, name: str) -> str:
    """A code of ``width`` digits, zero-padded: Excel drops leading zeros of numbers (``5`` → ``0005``)."""
    del cell
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueProblem("form.value_unreadable", f"not a {name}")
    text = re.sub(r"[\s\-]", "", normalize_text(str(value)).translate(_DASHES))
    if not text.isascii() or not text.isdigit():
        raise ValueProblem("form.value_unreadable", f"a {name} is {width} digits, got {text!r}")
    if len(text) > width:
        raise ValueProblem("form.value_unreadable", f"a {name} is {width} digits, got {len(text)}")
    return text.zfill(width)


_EMPLOYEE_NO = re.compile(r"[A-Z0-9][A-Z0-9_-]{0,19}")


def to_employee_no(value: Any, cell: Cell | None = None) -> str:
    """An employee number (社員番号 / 従業員番号) as the HR tool keys it: NFKC, stripped, dashes unified,
    ASCII letters upper-cased (``ｅ０００１`` → ``E0001``); letters, digits, ``-`` and ``_``, at most 20.
    A number cell is read as its digits (Excel has dropped any leading zeros)."""
    del cell
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueProblem("form.value_unreadable", "not an employee number (a date or a fraction)")
    text = normalize_text(str(value)).strip().translate(_DASHES)
    text = re.sub(r"[a-z]+", lambda m: m.group(0).upper(), text)
    if not _EMPLOYEE_NO.fullmatch(text):
        raise ValueProblem(
            "form.value_unreadable",
            f"an employee number is letters, digits and hyphens (at most 20), got {text!r}",
        )
    return text


def to_postal_code(value: Any, cell: Cell | None = None) -> str:
    """``NNN-NNNN`` from ``〒123-4567``, ``1234567``, ``１２３－４５６７``."""
    del cell
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = normalize_text(str(value)).translate(_DASHES)
    digits = re.sub(r"[\s\-〒]", "", text)
    if isinstance(value, int):
        digits = digits.zfill(7)
    if not re.fullmatch(r"\d{7}", digits):
        raise ValueProblem("form.value_unreadable", f"a postal code is 7 digits, got {text!r}")
    return f"{digits[:3]}-{digits[3:]}"


def to_phone(value: Any, cell: Cell | None = None) -> str:
    """A phone number as printed, NFKC-normalized with hyphens unified (``０３−１２３４−５６７８`` →
    ``03-1234-5678``). A number cell lost its leading zero in Excel: it is put back."""
    del cell
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        text = str(value)
        if len(text) in (9, 10) and not text.startswith("0"):
            text = "0" + text
        return text
    text = re.sub(r"\s+", "", normalize_text(str(value)).translate(_DASHES))
    text = re.sub(r"^(?:TEL|tel|Tel|電話)[:.]?", "", text)
    text = text.replace("(", "-").replace(")", "-").strip("-")
    if not re.fullmatch(r"\+?[\d\-]{9,15}", text) or sum(ch.isdigit() for ch in text) < 9:
        raise ValueProblem("form.value_unreadable", f"not a phone number: {text!r}")
    return text


def to_kana(value: Any, cell: Cell | None = None) -> str:
    """Full-width katakana: half-width kana compose (NFKC), hiragana become katakana, spaces collapse."""
    del cell
    text = _text(value)
    kana = "".join(chr(ord(ch) + 0x60) if "\u3041" <= ch <= "\u3096" else ch for ch in text)
    if not kana or not _KANA_OK.fullmatch(kana):
        raise ValueProblem("form.value_unreadable", f"not kana: {text!r}")
    return kana
