"""Dates, periods and times as Japanese documents print them (domain-ja.md §2).

Accepted dates: ``2024年4月1日``, ``2024/4/1``, ``2024-04-01``, ``2024.4.1``, ``20240401`` (whole input
only), ``令和6年4月1日``, ``令6.4.1``, ``R6.4.1``, ``R06/04/01``, full-width forms (``Ｒ６．４．１``), era
ligatures (``㋿6年`` ``㍻`` ``㍼`` ``㍽``), ``元年`` for year 1, and an optional weekday (``(月)``).

Era years are checked against the era's exact span. A date before the era began is always an error
(``令和元年4月30日``). A date after the era ended (``平成31年5月1日``, printed on old forms) is an error
when ``strict``; when not strict it is converted with a warning.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from robots.jp.text import collapse_spaces, normalize_text

__all__ = [
    "DATE_RE",
    "ERAS",
    "DateParseError",
    "Era",
    "TimeParseError",
    "date_from_excel_serial",
    "find_date",
    "fiscal_year",
    "parse_date",
    "parse_date_detailed",
    "parse_period",
    "parse_time",
]


class DateParseError(ValueError):
    """The text is not a date, or not a valid one (日付を読み取れません)."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"not a valid date ({reason}): {text!r}")
        self.text = text
        self.reason = reason


class TimeParseError(ValueError):
    """The text is not a time of day (時刻を読み取れません)."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"not a valid time ({reason}): {text!r}")
        self.text = text
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Era:
    """A Japanese era (元号): its first and (if over) last day; year N of the era is ``offset + N``."""

    name: str
    letter: str
    start: dt.date
    end: dt.date | None

    @property
    def offset(self) -> int:
        return self.start.year - 1


ERAS: tuple[Era, ...] = (
    Era("令和", "R", dt.date(2019, 5, 1), None),
    Era("平成", "H", dt.date(1989, 1, 8), dt.date(2019, 4, 30)),
    Era("昭和", "S", dt.date(1926, 12, 25), dt.date(1989, 1, 7)),
    Era("大正", "T", dt.date(1912, 7, 30), dt.date(1926, 12, 24)),
)

_ERA_BY_TOKEN: dict[str, Era] = {}
for _era in ERAS:
    _ERA_BY_TOKEN[_era.name] = _era
    _ERA_BY_TOKEN[_era.name[0]] = _era
    _ERA_BY_TOKEN[_era.letter] = _era
    _ERA_BY_TOKEN[_era.letter.lower()] = _era

_SEP = r"\s*(?:[./\-]|年)\s*"
_MONTH_SEP = r"\s*(?:[./\-]|月)\s*"
_WEEKDAY = r"(?:\s*\(\s*[月火水木金土日](?:曜日?)?\s*\))?"

DATE_RE: re.Pattern[str] = re.compile(
    r"(?:"
    r"(?<![A-Za-z0-9])(?P<era>令和|平成|昭和|大正|[令平昭大RHSTrhst])\s*(?P<eyear>元|\d{1,2})"
    r"|(?<!\d)(?P<year>\d{4})"
    r")"
    rf"{_SEP}(?P<month>\d{{1,2}}){_MONTH_SEP}(?P<day>\d{{1,2}})(?!\d)\s*日?{_WEEKDAY}"
)
"""A date inside text that went through :func:`robots.jp.text.normalize_text` (so full-width digits and
era ligatures are already ASCII and kanji)."""

_COMPACT_RE = re.compile(r"(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})")
_WEEKDAYS = "月火水木金土日"
_WEEKDAY_RE = re.compile(r"\(\s*([月火水木金土日])")

_PERIOD_RE = re.compile(
    r"^(?:(?:(?P<era>令和|平成|昭和|大正|[令平昭大RHSTrhst])\s*(?P<eyear>元|\d{1,2})|(?P<year>\d{4}))"
    r"\s*(?:年|[./\-])\s*)?(?P<month>\d{1,2})\s*月\s*分?$"
)
_TIME_RE = re.compile(
    r"^(?P<ampm>午前|午後)?\s*(?P<hour>\d{1,2})\s*(?::|時)\s*(?:(?P<half>半)|(?P<minute>\d{1,2})\s*分?)?$"
)


def _prepare(text: str) -> str:
    return collapse_spaces(normalize_text(text))


def _era_year(era_token: str, eyear: str) -> tuple[Era, int]:
    era = _ERA_BY_TOKEN[era_token]
    n = 1 if eyear == "元" else int(eyear)
    return era, n


def _from_match(m: re.Match[str], text: str, *, strict: bool) -> tuple[dt.date, list[str]]:
    warnings: list[str] = []
    month, day = int(m["month"]), int(m["day"])
    era: Era | None = None
    if m["era"]:
        era, n = _era_year(m["era"], m["eyear"])
        if n == 0:
            raise DateParseError(text, f"{era.name} has no year 0")
        year = era.offset + n
    else:
        year = int(m["year"])
    try:
        date = dt.date(year, month, day)
    except ValueError as exc:
        raise DateParseError(text, f"no such day {year:04d}-{month:02d}-{day:02d}") from exc
    if era is not None:
        if date < era.start:
            raise DateParseError(text, f"{era.name} began on {era.start.isoformat()}")
        if era.end is not None and date > era.end:
            message = f"{era.name} ended on {era.end.isoformat()}; read as {date.isoformat()}"
            if strict:
                raise DateParseError(text, message)
            warnings.append(message)
    weekday = _WEEKDAY_RE.search(m.group(0)[m.end("day") - m.start() :])
    if weekday and _WEEKDAYS.index(weekday.group(1)) != date.weekday():
        warnings.append(f"weekday ({weekday.group(1)}) does not match {date.isoformat()}")
    return date, warnings


def parse_date_detailed(text: str, *, strict: bool = True) -> tuple[dt.date, list[str]]:
    """Parse a whole string as one date; return it with the warnings raised on the way (a date after its
    era's end when not ``strict``, a weekday that does not match).

    Raises :class:`DateParseError` for anything that is not exactly one valid date.
    """
    prepared = _prepare(text)
    m = DATE_RE.fullmatch(prepared)
    if m is None:
        compact = _COMPACT_RE.fullmatch(prepared)
        if compact is None:
            raise DateParseError(text, "unknown format")
        year, month, day = (int(compact[k]) for k in ("year", "month", "day"))
        try:
            return dt.date(year, month, day), []
        except ValueError as exc:
            raise DateParseError(text, f"no such day {year:04d}-{month:02d}-{day:02d}") from exc
    return _from_match(m, text, strict=strict)


def parse_date(text: str, *, strict: bool = True) -> dt.date:
    """Parse a whole string as one date (``令和6年4月1日``, ``R6.4.1``, ``2024/04/01`` …).

    Raises :class:`DateParseError` when the text is not a valid date; see the module docstring for
    what ``strict`` changes.
    """
    return parse_date_detailed(text, strict=strict)[0]


def find_date(text: str, *, strict: bool = True) -> dt.date | None:
    """The first valid date inside a longer text (``請求日：令和6年4月1日``), or None.

    Candidates that are not valid dates (``2024/13/45``) are skipped.
    """
    prepared = _prepare(text)
    for m in DATE_RE.finditer(prepared):
        try:
            return _from_match(m, text, strict=strict)[0]
        except DateParseError:
            continue
    return None


def parse_period(text: str) -> tuple[int | None, int]:
    """A billing period such as ``4月分`` or ``令和6年4月分``: ``(year or None, month)``.

    A period is not a date: no day is invented. Raises :class:`DateParseError` when the text is not one.
    """
    m = _PERIOD_RE.fullmatch(_prepare(text))
    if m is None:
        raise DateParseError(text, "not a period such as 4月分")
    month = int(m["month"])
    if not 1 <= month <= 12:
        raise DateParseError(text, f"no month {month}")
    year: int | None = None
    if m["era"]:
        era, n = _era_year(m["era"], m["eyear"])
        if n == 0:
            raise DateParseError(text, f"{era.name} has no year 0")
        year = era.offset + n
    elif m["year"]:
        year = int(m["year"])
    return year, month


def fiscal_year(date: dt.date, *, start_month: int = 4) -> int:
    """The fiscal year (年度) ``date`` falls in, named by the calendar year it starts in (April by default):
    2025-03-31 is in 2024年度."""
    if not 1 <= start_month <= 12:
        raise ValueError(f"start_month must be 1..12, got {start_month}")
    return date.year if date.month >= start_month else date.year - 1


def date_from_excel_serial(serial: float) -> dt.date:
    """The date of an Excel serial day number (1900 date system, as openpyxl reads an unformatted cell);
    the time of day, if any, is dropped."""
    if serial < 1:
        raise DateParseError(str(serial), "Excel serials start at 1")
    days = int(serial)
    if days == 60:
        raise DateParseError(str(serial), "1900-02-29 does not exist (Excel's leap-year bug)")
    if days > 60:
        days -= 1  # Excel counts the non-existent 1900-02-29
    return dt.date(1899, 12, 31) + dt.timedelta(days=days)


def parse_time(text: str) -> str:
    """A time of day as ``HH:MM``: ``9:00`` → ``09:00``, ``９時００分`` → ``09:00``,
    ``午後3時半`` → ``15:30``.

    Raises :class:`TimeParseError` for anything else, including hours past 23 and minutes past 59.
    """
    m = _TIME_RE.fullmatch(_prepare(text))
    if m is None:
        raise TimeParseError(text, "unknown format")
    if ":" in m.group(0) and m["minute"] is None:
        raise TimeParseError(text, "minutes missing after ':'")
    hour = int(m["hour"])
    minute = 30 if m["half"] else int(m["minute"] or 0)
    if m["ampm"]:
        if hour > 12:
            raise TimeParseError(text, f"{m['ampm']} with hour {hour}")
        hour = hour % 12 + (12 if m["ampm"] == "午後" else 0)
    if hour > 23 or minute > 59:
        raise TimeParseError(text, f"no time {hour}:{minute:02d}")
    return f"{hour:02d}:{minute:02d}"
