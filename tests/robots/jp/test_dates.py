"""robots.jp.dates: Western and era dates, periods, times (domain-ja.md §2)."""

from __future__ import annotations

import datetime as dt

import pytest

from robots.jp.dates import (
    DATE_RE,
    DateParseError,
    TimeParseError,
    date_from_excel_serial,
    find_date,
    fiscal_year,
    parse_date,
    parse_date_detailed,
    parse_period,
    parse_time,
)

D = dt.date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # domain-ja §2 cases
        ("令和元年5月1日", D(2019, 5, 1)),
        ("R1.5.1", D(2019, 5, 1)),
        ("㋿元年5月1日", D(2019, 5, 1)),
        ("平成31年4月30日", D(2019, 4, 30)),
        ("昭和64年1月7日", D(1989, 1, 7)),
        ("平成元年1月8日", D(1989, 1, 8)),
        ("Ｒ６．４．１", D(2024, 4, 1)),
        # domain-ja §2 accepted formats
        ("2024年4月1日", D(2024, 4, 1)),
        ("2024/4/1", D(2024, 4, 1)),
        ("2024-04-01", D(2024, 4, 1)),
        ("2024.4.1", D(2024, 4, 1)),
        ("令和6年4月1日", D(2024, 4, 1)),
        ("令6.4.1", D(2024, 4, 1)),
        ("R6.4.1", D(2024, 4, 1)),
        ("R06/04/01", D(2024, 4, 1)),
        ("㋿6年4月1日", D(2024, 4, 1)),
        # own edge cases
        ("２０２４年４月１日", D(2024, 4, 1)),
        ("2024 年 4 月 1 日", D(2024, 4, 1)),
        ("2024年4⽉1⽇", D(2024, 4, 1)),  # Kangxi radicals for 月 and 日 from a PDF
        ("2024年4月1日(月)", D(2024, 4, 1)),
        ("2024年4月1日（月曜日）", D(2024, 4, 1)),
        ("r6.4.1", D(2024, 4, 1)),
        ("H31.4.30", D(2019, 4, 30)),
        ("㍻31年4月30日", D(2019, 4, 30)),
        ("S64.1.7", D(1989, 1, 7)),
        ("昭和元年12月25日", D(1926, 12, 25)),
        ("㍼元年12月25日", D(1926, 12, 25)),
        ("大正元年7月30日", D(1912, 7, 30)),
        ("T15.12.24", D(1926, 12, 24)),
        ("㍽15年12月24日", D(1926, 12, 24)),
        ("令和 6 年 12 月 31 日", D(2024, 12, 31)),
        ("20240401", D(2024, 4, 1)),
        ("2024/2/29", D(2024, 2, 29)),
        ("  2024/04/01  ", D(2024, 4, 1)),
    ],
)
def test_parse_date(text: str, expected: dt.date) -> None:
    assert parse_date(text) == expected
    assert parse_date_detailed(text) == (expected, [])


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("令和元年4月30日", "令和 began on 2019-05-01"),  # domain-ja §2: outside the era
        ("昭和64年1月8日", "昭和 ended on 1989-01-07"),  # domain-ja §2: outside the era
        ("平成31年5月1日", "平成 ended on 2019-04-30"),  # domain-ja §2: strict
        ("平成元年1月7日", "平成 began on 1989-01-08"),
        ("大正元年7月29日", "大正 began on 1912-07-30"),
        ("大正15年12月25日", "大正 ended on 1926-12-24"),
        ("R0.4.1", "令和 has no year 0"),
        ("2024/2/30", "no such day 2024-02-30"),
        ("2023/2/29", "no such day 2023-02-29"),
        ("2024/13/1", "no such day 2024-13-01"),
        ("20241301", "no such day 2024-13-01"),
        ("4月1日", "unknown format"),
        ("24/4/1", "unknown format"),
        ("2024年4月分", "unknown format"),
        ("請求日 2024/4/1", "unknown format"),  # a whole string must be a date; find_date searches
        ("", "unknown format"),
    ],
)
def test_parse_date_rejects(text: str, reason: str) -> None:
    with pytest.raises(DateParseError) as info:
        parse_date(text)
    assert reason in info.value.reason
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("text", "expected", "warning"),
    [
        ("平成31年5月1日", D(2019, 5, 1), "平成 ended on 2019-04-30; read as 2019-05-01"),  # domain-ja §2
        ("昭和64年1月8日", D(1989, 1, 8), "昭和 ended on 1989-01-07; read as 1989-01-08"),
        ("H32.1.10", D(2020, 1, 10), "平成 ended on 2019-04-30; read as 2020-01-10"),
    ],
)
def test_lenient_reads_dates_after_the_era_end_with_a_warning(
    text: str, expected: dt.date, warning: str
) -> None:
    assert parse_date_detailed(text, strict=False) == (expected, [warning])
    assert parse_date(text, strict=False) == expected


def test_lenient_still_rejects_dates_before_the_era_began() -> None:
    with pytest.raises(DateParseError, match="令和 began on 2019-05-01"):
        parse_date("令和元年4月30日", strict=False)


def test_a_weekday_that_does_not_match_is_a_warning() -> None:
    assert parse_date_detailed("2024年4月1日(火)") == (
        D(2024, 4, 1),
        ["weekday (火) does not match 2024-04-01"],
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("請求日：令和6年4月1日", D(2024, 4, 1)),
        ("発行日 2024/04/01", D(2024, 4, 1)),
        ("お支払期限　Ｒ６．４．３０（火）まで", D(2024, 4, 30)),
        ("No. 2024/13/45 発行日 R6.5.1", D(2024, 5, 1)),  # an invalid candidate is skipped
        ("登録番号 T7000012050002", None),  # a registration number is not a Taishō date
        ("合計 11,000円", None),
        ("", None),
        ("期間 2024/04/01〜2024/04/30", D(2024, 4, 1)),
        ("平成31年5月1日", None),  # strict by default
    ],
)
def test_find_date(text: str, expected: dt.date | None) -> None:
    assert find_date(text) == expected


def test_find_date_lenient() -> None:
    assert find_date("発行日 平成31年5月1日", strict=False) == D(2019, 5, 1)


def test_date_re_is_compiled_and_matches_normalized_text() -> None:
    m = DATE_RE.search("発行日:令和6年4月1日(月)")
    assert m is not None
    assert (m["era"], m["eyear"], m["month"], m["day"]) == ("令和", "6", "4", "1")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4月分", (None, 4)),  # domain-ja §2: a period, not a date
        ("４月分", (None, 4)),
        ("2024年4月分", (2024, 4)),
        ("令和6年4月分", (2024, 4)),
        ("R6年12月分", (2024, 12)),
        ("2024年12月", (2024, 12)),
    ],
)
def test_parse_period(text: str, expected: tuple[int | None, int]) -> None:
    assert parse_period(text) == expected


@pytest.mark.parametrize("text", ["13月分", "2024年4月1日", "分", "R0年4月分"])
def test_parse_period_rejects(text: str) -> None:
    with pytest.raises(DateParseError):
        parse_period(text)


@pytest.mark.parametrize(
    ("day", "expected"),
    [(D(2024, 4, 1), 2024), (D(2025, 3, 31), 2024), (D(2024, 12, 31), 2024), (D(2025, 1, 1), 2024)],
)
def test_fiscal_year_starts_in_april(day: dt.date, expected: int) -> None:
    assert fiscal_year(day) == expected


def test_fiscal_year_with_another_start_month() -> None:
    assert fiscal_year(D(2025, 2, 28), start_month=3) == 2024
    assert fiscal_year(D(2025, 3, 1), start_month=3) == 2025


@pytest.mark.parametrize(
    ("serial", "expected"),
    [
        (1, D(1900, 1, 1)),
        (59, D(1900, 2, 28)),
        (61, D(1900, 3, 1)),
        (45383, D(2024, 4, 1)),
        (45383.75, D(2024, 4, 1)),
    ],
)
def test_date_from_excel_serial(serial: float, expected: dt.date) -> None:
    assert date_from_excel_serial(serial) == expected


@pytest.mark.parametrize("serial", [0, 60, -3])
def test_date_from_excel_serial_rejects(serial: float) -> None:
    with pytest.raises(DateParseError):
        date_from_excel_serial(serial)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9:00", "09:00"),
        ("９時００分", "09:00"),
        ("9時", "09:00"),
        ("17:30", "17:30"),
        ("１７：３０", "17:30"),
        ("9時30分", "09:30"),
        ("9時半", "09:30"),
        ("午後3時", "15:00"),
        ("午後3時半", "15:30"),
        ("午前9時15分", "09:15"),
        ("午後12時", "12:00"),
        ("0:00", "00:00"),
        ("23:59", "23:59"),
    ],
)
def test_parse_time(text: str, expected: str) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["24:00", "9:60", "9:", "午後13時", "九時", "", "9.00"])
def test_parse_time_rejects(text: str) -> None:
    with pytest.raises(TimeParseError):
        parse_time(text)
