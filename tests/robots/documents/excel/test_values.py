"""Cell values as forms hold them, to typed values (robots.documents.excel._values)."""

from __future__ import annotations

import datetime as dt

import pytest

from robots.documents.excel._values import (
    ValueProblem,
    to_amount,
    to_date,
    to_digits,
    to_kana,
    to_minutes,
    to_month,
    to_phone,
    to_postal_code,
    to_rate,
    to_time,
)

D = dt.date


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.datetime(2024, 4, 1, 0, 0), D(2024, 4, 1)),
        (D(2024, 4, 1), D(2024, 4, 1)),
        (45383, D(2024, 4, 1)),  # a serial number (era format id 58 reads as a plain number)
        (45383.0, D(2024, 4, 1)),
        (20240401, D(2024, 4, 1)),
        ("2024/4/1", D(2024, 4, 1)),
        ("令和6年4月1日", D(2024, 4, 1)),
        ("R6.4.1", D(2024, 4, 1)),
        ("Ｒ６．４．１", D(2024, 4, 1)),
        ("2024年4月1日(月)", D(2024, 4, 1)),
        ("平成31年5月1日", D(2019, 5, 1)),  # printed on old forms: read, not refused
    ],
)
def test_to_date(value: object, expected: dt.date) -> None:
    assert to_date(value) == expected


def test_to_date_reads_month_and_day_in_the_given_year() -> None:
    assert to_date("4/3", year_hint=2024) == D(2024, 4, 3)
    assert to_date("4月3日", year_hint=2024) == D(2024, 4, 3)


@pytest.mark.parametrize("value", ["", "未定", "13/45", True, dt.time(9, 0), -5])
def test_to_date_refuses(value: object) -> None:
    with pytest.raises(ValueProblem) as info:
        to_date(value)
    assert info.value.code == "form.date_unreadable"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024年4月", "2024-04"),
        ("令和6年5月分", "2024-05"),
        ("2024/04", "2024-04"),
        (D(2024, 6, 1), "2024-06"),
        ("2024/6/1", "2024-06"),
        (202407, "2024-07"),
    ],
)
def test_to_month(value: object, expected: str) -> None:
    assert to_month(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.time(9, 0), "09:00"),
        (dt.time(17, 44, 59), "17:45"),  # floating-point debris of a time typed in Excel
        (dt.datetime(2024, 4, 1, 18, 30), "18:30"),
        (0.375, "09:00"),  # a fraction of a day in a General cell
        (1065 / 1440, "17:45"),
        (dt.timedelta(hours=9, minutes=5), "09:05"),
        ("9:00", "09:00"),
        ("９：００", "09:00"),
        ("18時30分", "18:30"),
    ],
)
def test_to_time(value: object, expected: str) -> None:
    assert to_time(value) == expected


@pytest.mark.parametrize("value", ["25:00", "夕方", 1.5, dt.timedelta(hours=25)])
def test_to_time_refuses(value: object) -> None:
    with pytest.raises(ValueProblem):
        to_time(value)


@pytest.mark.parametrize(
    ("value", "hours", "expected"),
    [
        (60, False, 60),
        ("60", False, 60),
        ("60分", False, 60),
        ("1:00", False, 60),
        ("0:45", False, 45),
        ("1時間", False, 60),
        ("1時間30分", False, 90),
        (dt.time(1, 0), False, 60),
        (dt.timedelta(minutes=45), False, 45),
        (1 / 24, False, 60),  # a fraction of a day
        (1, True, 60),  # 休憩(時間)
        (0.75, True, 45),
        ("", False, 0),
    ],
)
def test_to_minutes(value: object, hours: bool, expected: int) -> None:
    assert to_minutes(value, hours=hours) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1200, 1200),
        (1200.0, 1200),
        ("1,200円", 1200),
        ("¥11,000-", 11000),
        ("△500", -500),
        ("１，２００", 1200),
    ],
)
def test_to_amount(value: object, expected: int) -> None:
    assert to_amount(value) == expected


@pytest.mark.parametrize("value", ["12ー00", "未定", 12.5, True])
def test_to_amount_refuses(value: object) -> None:
    with pytest.raises(ValueProblem) as info:
        to_amount(value)
    assert info.value.code == "form.amount_unreadable"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10%", 10),
        ("8%", 8),
        (0.1, 10),
        (0.08, 8),
        (10, 10),
        ("8％(軽減)", 8),
        ("軽減", 8),
        ("非課税", 0),
        ("10", 10),
    ],
)
def test_to_rate(value: object, expected: int) -> None:
    assert to_rate(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("150-0001", "150-0001"),
        ("〒150-0001", "150-0001"),
        ("1500001", "150-0001"),
        ("１５０－０００１", "150-0001"),
        (600001, "060-0001"),
    ],
)
def test_to_postal_code(value: object, expected: str) -> None:
    assert to_postal_code(value) == expected


@pytest.mark.parametrize(
    ("value", "width", "expected"),
    [(5, 4, "0005"), ("0005", 4, "0005"), (12, 3, "012"), ("１２３", 3, "123"), (123.0, 7, "0000123")],
)
def test_to_digits_pads_what_excel_dropped(value: object, width: int, expected: str) -> None:
    assert to_digits(value, width=width, name="code") == expected


@pytest.mark.parametrize("value", ["12345", "12a", 1.5])
def test_to_digits_refuses(value: object) -> None:
    with pytest.raises(ValueProblem):
        to_digits(value, width=4, name="bank code")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ヤマダ タロウ", "ヤマダ タロウ"),
        ("やまだ　たろう", "ヤマダ タロウ"),
        ("ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ タロウ"),
        ("ジョン・スミス", "ジョン・スミス"),
    ],
)
def test_to_kana(value: str, expected: str) -> None:
    assert to_kana(value) == expected


def test_to_kana_refuses_kanji() -> None:
    with pytest.raises(ValueProblem):
        to_kana("山田")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("03-1234-5678", "03-1234-5678"),
        ("０３−１２３４−５６７８", "03-1234-5678"),
        (312345678, "0312345678"),
        (9012345678, "09012345678"),
        ("TEL:03(1234)5678", "03-1234-5678"),
    ],
)
def test_to_phone(value: object, expected: str) -> None:
    assert to_phone(value) == expected
