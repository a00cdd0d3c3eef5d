"""The rules of サンドボックス人事労務 as pure functions: each field of the wizard, マイナンバー check digits,
attendance rows, TOTP codes (RFC 4226/6238 test vectors)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from stdnum.jp import in_ as stdnum_my_number

from sandbox.hr.labels import LABELS
from sandbox.hr.totp import hotp, totp, verify_totp
from sandbox.hr.validation import (
    DayEntry,
    FieldError,
    build_employee,
    day_field,
    is_valid_my_number,
    month_days,
    my_number_check_digit,
    parse_break,
    parse_clock,
    parse_month,
    validate_month,
    validate_step,
)

TODAY = dt.date(2025, 6, 1)
V1 = LABELS[1]


def _check(step: str, valid: dict[str, dict[str, str]], taken: tuple[str, ...] = (), **fields: str) -> Any:
    draft = {k: v for s in valid.values() for k, v in s.items()}
    form = {**valid[step], **fields}
    return validate_step(
        step, form, today=TODAY, employee_no_taken=lambda no: no in taken, draft=draft | fields
    )


def _messages(result: Any) -> list[str]:
    return [e.render(V1) for e in result.errors]


# -- マイナンバー -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("123456789018", True),
        ("123456789019", False),
        ("000000000000", True),  # remainder 0: check digit 0
        ("111111111118", True),
        ("111111111119", False),
        ("12345678901", False),  # 11 digits
        ("1234567890180", False),  # 13 digits
        ("12345678901a", False),
        ("１２３４５６７８９０１８", False),  # full-width: the form normalizes first, this function does not
    ],
)
def test_my_number_check_digit(number: str, valid: bool) -> None:
    assert is_valid_my_number(number) is valid


def test_my_number_check_digit_agrees_with_python_stdnum() -> None:
    rng = random.Random(6238)
    for _ in range(500):
        base = "".join(rng.choice("0123456789") for _ in range(11))
        number = base + str(my_number_check_digit(base))
        assert stdnum_my_number.is_valid(number), number
        wrong = base + str((int(number[-1]) + rng.randint(1, 9)) % 10)
        assert not stdnum_my_number.is_valid(wrong) and not is_valid_my_number(wrong)


def test_my_number_check_digit_needs_eleven_digits() -> None:
    with pytest.raises(ValueError):
        my_number_check_digit("1234567890")


# -- step 1: 基本情報 ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("fields", "message", "stored"),
    [
        ({}, None, {"employee_no": "E0001", "last_name_kana": "ヤマダ", "my_number": "123456789018"}),
        ({"employee_no": "Ｅ０００２"}, None, {"employee_no": "E0002"}),
        ({"employee_no": " E-10_a "}, None, {"employee_no": "E-10_a"}),
        ({"employee_no": ""}, "従業員番号を入力してください", {}),
        ({"employee_no": "E 0001"}, "従業員番号は半角英数字・ハイフン20文字以内で入力してください", {}),
        ({"employee_no": "社員1"}, "従業員番号は半角英数字・ハイフン20文字以内で入力してください", {}),
        ({"employee_no": "-E1"}, "従業員番号は半角英数字・ハイフン20文字以内で入力してください", {}),
        ({"employee_no": "E" * 21}, "従業員番号は半角英数字・ハイフン20文字以内で入力してください", {}),
        ({"employee_no": "E0009"}, "従業員番号「E0009」はすでに登録されています", {}),
        ({"last_name": ""}, "姓を入力してください", {}),
        ({"first_name": "  "}, "名を入力してください", {}),
        ({"last_name": "山" * 51}, "姓は50文字以内で入力してください", {}),
        ({"first_name": "名" * 50}, None, {}),
        # kana: full-width katakana; half-width is turned into full-width; anything else is refused
        ({"last_name_kana": "ﾔﾏﾀﾞ"}, None, {"last_name_kana": "ヤマダ"}),
        ({"first_name_kana": "ユーキ"}, None, {"first_name_kana": "ユーキ"}),
        ({"first_name_kana": "ｼﾞｮｰｼﾞ"}, None, {"first_name_kana": "ジョージ"}),
        ({"first_name_kana": "ヴァレリー"}, None, {}),
        ({"last_name_kana": "やまだ"}, "セイは全角カタカナで入力してください", {}),
        ({"last_name_kana": "YAMADA"}, "セイは全角カタカナで入力してください", {}),
        ({"last_name_kana": "山田"}, "セイは全角カタカナで入力してください", {}),
        ({"last_name_kana": "ヤマ ダ"}, "セイは全角カタカナで入力してください", {}),
        ({"first_name_kana": "タロウ1"}, "メイは全角カタカナで入力してください", {}),
        ({"first_name_kana": "ﾞ"}, "メイは全角カタカナで入力してください", {}),
        ({"first_name_kana": ""}, "メイを入力してください", {}),
        ({"last_name_kana": "ア" * 51}, "セイは50文字以内で入力してください", {}),
        # dates
        ({"birth_date": ""}, "生年月日を入力してください", {}),
        ({"birth_date": "1990/05/15"}, "生年月日は正しい日付（YYYY-MM-DD）で入力してください", {}),
        ({"birth_date": "1990-02-30"}, "生年月日は正しい日付（YYYY-MM-DD）で入力してください", {}),
        ({"birth_date": "平成2年5月15日"}, "生年月日は正しい日付（YYYY-MM-DD）で入力してください", {}),
        ({"birth_date": "1899-12-31"}, "生年月日は1900-01-01から2025-06-01までの日付で入力してください", {}),
        ({"birth_date": "2025-06-02"}, "生年月日は1900-01-01から2025-06-01までの日付で入力してください", {}),
        ({"birth_date": "2025-06-01"}, None, {}),
        # selects take only their options
        ({"gender": "回答しない"}, None, {"gender": "回答しない"}),
        ({"gender": ""}, "性別を選択してください", {}),
        ({"gender": "male"}, "性別を選択してください", {}),
        # マイナンバー: optional, 12 digits with the check digit; spaces, hyphens, full-width accepted
        ({"my_number": ""}, None, {"my_number": ""}),
        ({"my_number": "1234 5678 9018"}, None, {"my_number": "123456789018"}),
        ({"my_number": "１２３４-５６７８-９０１８"}, None, {"my_number": "123456789018"}),
        (
            {"my_number": "123456789019"},
            "マイナンバーが正しくありません（チェックデジットが一致しません）",
            {},
        ),
        ({"my_number": "12345678901"}, "マイナンバーは12桁の数字で入力してください", {}),
        ({"my_number": "12345678901X"}, "マイナンバーは12桁の数字で入力してください", {}),
    ],
)
def test_basic_step(
    valid: dict[str, dict[str, str]], fields: dict[str, str], message: str | None, stored: dict[str, str]
) -> None:
    result = _check("basic", valid, taken=("E0009",), **fields)
    assert _messages(result) == ([message] if message else [])
    for name, value in stored.items():
        assert result.values[name] == value


def test_every_error_of_a_step_is_reported_at_once(valid: dict[str, dict[str, str]]) -> None:
    result = _check("basic", valid, employee_no="", last_name_kana="やまだ", gender="", my_number="1")
    assert [e.field for e in result.errors] == ["employee_no", "last_name_kana", "gender", "my_number"]


# -- step 2: 雇用情報 ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("fields", "message", "stored"),
    [
        ({}, None, {"base_pay": "250000", "entry_date": "2024-04-01"}),
        ({"base_pay": "250000"}, None, {"base_pay": "250000"}),
        ({"base_pay": "1,200"}, None, {"base_pay": "1200"}),
        ({"base_pay": "１，２００"}, None, {"base_pay": "1200"}),
        ({"base_pay": "99,999,999"}, None, {"base_pay": "99999999"}),
        ({"base_pay": ""}, "基本給を入力してください", {}),
        ({"base_pay": "25万"}, "基本給は半角数字（円）で入力してください", {}),
        ({"base_pay": "250,00"}, "基本給は半角数字（円）で入力してください", {}),
        ({"base_pay": "-1"}, "基本給は半角数字（円）で入力してください", {}),
        ({"base_pay": "1200.5"}, "基本給は半角数字（円）で入力してください", {}),
        ({"base_pay": "¥250,000"}, "基本給は半角数字（円）で入力してください", {}),
        ({"base_pay": "0"}, "基本給は1以上99,999,999以下で入力してください", {}),
        ({"base_pay": "100000000"}, "基本給は1以上99,999,999以下で入力してください", {}),
        ({"entry_date": ""}, "入社日を入力してください", {}),
        ({"entry_date": "2024-4-1"}, "入社日は正しい日付（YYYY-MM-DD）で入力してください", {}),
        ({"entry_date": "2024-13-01"}, "入社日は正しい日付（YYYY-MM-DD）で入力してください", {}),
        ({"entry_date": "1949-12-31"}, "入社日は1950-01-01から2099-12-31までの日付で入力してください", {}),
        ({"entry_date": "2100-01-01"}, "入社日は1950-01-01から2099-12-31までの日付で入力してください", {}),
        ({"entry_date": "1990-05-15"}, "入社日は生年月日より後の日付にしてください", {}),
        ({"entry_date": "2099-12-31"}, None, {}),  # a future entry (内定者) is allowed
        ({"employment_type": "パート・アルバイト"}, None, {}),
        ({"employment_type": "アルバイト"}, "雇用形態を選択してください", {}),
        ({"pay_type": "時給"}, None, {}),
        ({"pay_type": "年俸"}, "給与形態を選択してください", {}),
    ],
)
def test_employment_step(
    valid: dict[str, dict[str, str]], fields: dict[str, str], message: str | None, stored: dict[str, str]
) -> None:
    result = _check("employment", valid, **fields)
    assert _messages(result) == ([message] if message else [])
    for name, value in stored.items():
        assert result.values[name] == value


# -- step 3: 住所・連絡先 ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("fields", "message", "stored"),
    [
        ({}, None, {"postal_code": "100-0001", "phone": "03-1234-5678"}),
        ({"postal_code": "1000001"}, None, {"postal_code": "100-0001"}),
        ({"postal_code": "１００－０００１"}, None, {"postal_code": "100-0001"}),
        ({"postal_code": ""}, "郵便番号を入力してください", {}),
        ({"postal_code": "100-001"}, "郵便番号は「123-4567」の形式で入力してください", {}),
        ({"postal_code": "1000-001"}, "郵便番号は「123-4567」の形式で入力してください", {}),
        ({"postal_code": "100 0001"}, "郵便番号は「123-4567」の形式で入力してください", {}),
        ({"postal_code": "〒100-0001"}, "郵便番号は「123-4567」の形式で入力してください", {}),
        ({"prefecture": "沖縄県"}, None, {"prefecture": "沖縄県"}),
        ({"prefecture": "東京"}, "都道府県を選択してください", {}),
        ({"address": ""}, "住所を入力してください", {}),
        ({"address": "あ" * 201}, "住所は200文字以内で入力してください", {}),
        ({"phone": "090-1234-5678"}, None, {"phone": "090-1234-5678"}),
        ({"phone": "0312345678"}, None, {}),
        ({"phone": "０３－１２３４－５６７８"}, None, {"phone": "03-1234-5678"}),
        ({"phone": ""}, "電話番号を入力してください", {}),
        ({"phone": "3-1234-5678"}, "電話番号は0から始まる10〜11桁の数字（ハイフン可）で入力してください", {}),
        ({"phone": "03-1234-567"}, "電話番号は0から始まる10〜11桁の数字（ハイフン可）で入力してください", {}),
        (
            {"phone": "090-1234-56789"},
            "電話番号は0から始まる10〜11桁の数字（ハイフン可）で入力してください",
            {},
        ),
        (
            {"phone": "03--1234-5678"},
            "電話番号は0から始まる10〜11桁の数字（ハイフン可）で入力してください",
            {},
        ),
        (
            {"phone": "03-1234-5678-"},
            "電話番号は0から始まる10〜11桁の数字（ハイフン可）で入力してください",
            {},
        ),
        (
            {"phone": "(03)1234-5678"},
            "電話番号は0から始まる10〜11桁の数字（ハイフン可）で入力してください",
            {},
        ),
    ],
)
def test_address_step(
    valid: dict[str, dict[str, str]], fields: dict[str, str], message: str | None, stored: dict[str, str]
) -> None:
    result = _check("address", valid, **fields)
    assert _messages(result) == ([message] if message else [])
    for name, value in stored.items():
        assert result.values[name] == value


# -- step 4: 給与振込口座 ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("fields", "message", "stored"),
    [
        ({}, None, {"bank_code": "0001", "account_number": "1234567", "account_holder": "ヤマダ タロウ"}),
        ({"bank_code": "０００５"}, None, {"bank_code": "0005"}),
        ({"bank_code": ""}, "銀行コードを入力してください", {}),
        ({"bank_code": "001"}, "銀行コードは4桁の数字で入力してください", {}),
        ({"bank_code": "00001"}, "銀行コードは4桁の数字で入力してください", {}),
        ({"bank_code": "00a1"}, "銀行コードは4桁の数字で入力してください", {}),
        ({"branch_code": "01"}, "支店コードは3桁の数字で入力してください", {}),
        ({"branch_code": "0011"}, "支店コードは3桁の数字で入力してください", {}),
        ({"branch_code": ""}, "支店コードを入力してください", {}),
        ({"account_type": "当座"}, None, {"account_type": "当座"}),
        ({"account_type": "貯蓄"}, "口座種別を選択してください", {}),
        ({"account_number": "123456"}, "口座番号は7桁の数字で入力してください", {}),
        ({"account_number": "12345678"}, "口座番号は7桁の数字で入力してください", {}),
        ({"account_number": "123-4567"}, "口座番号は7桁の数字で入力してください", {}),
        ({"account_number": "１２３４５６７"}, None, {"account_number": "1234567"}),
        # 口座名義カナ: stored as full-width katakana, words separated by one space
        ({"account_holder": "ヤマダ タロウ"}, None, {"account_holder": "ヤマダ タロウ"}),
        ({"account_holder": "ヤマダ　タロウ"}, None, {"account_holder": "ヤマダ タロウ"}),
        ({"account_holder": " ﾔﾏﾀﾞ   ﾀﾛｳ "}, None, {"account_holder": "ヤマダ タロウ"}),
        ({"account_holder": "ｶﾞｸﾞｹﾞｺﾞ ﾊﾟﾋﾟﾌﾟ"}, None, {"account_holder": "ガグゲゴ パピプ"}),
        ({"account_holder": "ヤマダタロウ"}, None, {"account_holder": "ヤマダタロウ"}),
        ({"account_holder": ""}, "口座名義カナを入力してください", {}),
        ({"account_holder": "やまだ たろう"}, "口座名義カナはカタカナで入力してください", {}),
        ({"account_holder": "山田 太郎"}, "口座名義カナはカタカナで入力してください", {}),
        ({"account_holder": "YAMADA TARO"}, "口座名義カナはカタカナで入力してください", {}),
        ({"account_holder": "ア" * 61}, "口座名義カナは60文字以内で入力してください", {}),
    ],
)
def test_bank_step(
    valid: dict[str, dict[str, str]], fields: dict[str, str], message: str | None, stored: dict[str, str]
) -> None:
    result = _check("bank", valid, **fields)
    assert _messages(result) == ([message] if message else [])
    for name, value in stored.items():
        assert result.values[name] == value


def test_an_unknown_step_is_a_programming_error(valid: dict[str, dict[str, str]]) -> None:
    with pytest.raises(ValueError, match="unknown wizard step"):
        validate_step("family", {}, today=TODAY, employee_no_taken=lambda _: False)


def test_build_employee_types_the_values_of_all_steps(valid: dict[str, dict[str, str]]) -> None:
    values: dict[str, str] = {}
    for step in valid:
        values.update(_check(step, valid).values)
    employee = build_employee(values)
    assert (employee.birth_date, employee.entry_date) == (dt.date(1990, 5, 15), dt.date(2024, 4, 1))
    assert (employee.base_pay, employee.my_number, employee.account_holder) == (
        250_000,
        "123456789018",
        "ヤマダ タロウ",
    )
    assert build_employee(values | {"my_number": ""}).my_number is None
    with pytest.raises(ValueError, match="missing values: phone"):
        build_employee({k: v for k, v in values.items() if k != "phone"})


def test_errors_name_the_field_as_each_ui_version_does() -> None:
    error = FieldError("employee_no", "{employee_no}を入力してください")
    assert (error.render(LABELS[1]), error.render(LABELS[2])) == (
        "従業員番号を入力してください",
        "社員番号を入力してください",
    )
    row = FieldError(
        "day-01-clock_out", "{clock_out}は{clock_in}より後の時刻にしてください", dt.date(2024, 4, 1)
    )
    assert (row.render(LABELS[1]), row.render(LABELS[2])) == (
        "4/1: 退勤は出勤より後の時刻にしてください",
        "4月1日: 終業は始業より後の時刻にしてください",
    )


# -- attendance ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "minutes"),
    [("09:00", 540), ("9:00", 540), ("0:00", 0), ("23:59", 1439), ("９:３０", 570)],
)
def test_parse_clock_reads_times_of_day(raw: str, minutes: int) -> None:
    assert parse_clock(raw) == minutes


@pytest.mark.parametrize("raw", ["24:00", "9:60", "900", "9時", "", "09:00:00", "-1:00"])
def test_parse_clock_refuses_other_text(raw: str) -> None:
    assert parse_clock(raw) is None


@pytest.mark.parametrize(
    ("raw", "minutes"),
    [("", 0), ("60", 60), ("0", 0), ("1:00", 60), ("0:45", 45), ("１:３０", 90), ("90", 90), ("2:5", None)],
)
def test_parse_break_reads_minutes_or_hours_and_minutes(raw: str, minutes: int | None) -> None:
    assert parse_break(raw) == minutes


@pytest.mark.parametrize("raw", ["1時間", "1.5", "-30", "1:60", "abc"])
def test_parse_break_refuses_other_text(raw: str) -> None:
    assert parse_break(raw) is None


@pytest.mark.parametrize(
    ("raw", "parsed"),
    [("2024-04", (2024, 4)), ("1990-01", (1990, 1)), ("2099-12", (2099, 12)), ("2024-4", None),
     ("2024-13", None), ("2024-00", None), ("1989-12", None), ("2100-01", None), ("202404", None)],
)  # fmt: skip
def test_parse_month(raw: str, parsed: tuple[int, int] | None) -> None:
    assert parse_month(raw) == parsed


APRIL_1 = dt.date(2024, 4, 1)


def _row(clock_in: str = "", clock_out: str = "", rest: str = "", leave: str = "なし") -> dict[str, str]:
    return {
        day_field(APRIL_1, "clock_in"): clock_in,
        day_field(APRIL_1, "clock_out"): clock_out,
        day_field(APRIL_1, "break"): rest,
        day_field(APRIL_1, "leave"): leave,
    }


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (_row(), None),  # nothing entered: nothing stored
        (_row("09:00", "18:00", "60"), DayEntry(APRIL_1, "09:00", "18:00", 60, "なし")),
        (_row("9:00", "18:00", "1:00"), DayEntry(APRIL_1, "09:00", "18:00", 60, "なし")),
        (_row("09:00", "18:00"), DayEntry(APRIL_1, "09:00", "18:00", 0, "なし")),
        (_row("09:00", "10:00", "60"), DayEntry(APRIL_1, "09:00", "10:00", 60, "なし")),  # break == shift
        (_row(leave="全休"), DayEntry(APRIL_1, None, None, None, "全休")),
        (_row(leave="午前半休"), DayEntry(APRIL_1, None, None, None, "午前半休")),
        (_row("13:00", "18:00", "0", "午前半休"), DayEntry(APRIL_1, "13:00", "18:00", 0, "午前半休")),
        (_row("09:00", "12:00", "", "午後半休"), DayEntry(APRIL_1, "09:00", "12:00", 0, "午後半休")),
    ],
)
def test_valid_attendance_rows(row: dict[str, str], expected: DayEntry | None) -> None:
    result = validate_month([APRIL_1], row)
    assert result.errors == []
    assert result.entries == ([expected] if expected else [])


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        (_row("18:00", "09:00"), "clock_out", "4/1: 退勤は出勤より後の時刻にしてください"),
        (_row("09:00", "09:00"), "clock_out", "4/1: 退勤は出勤より後の時刻にしてください"),
        (
            _row("09:00", "12:00", "181"),
            "break",
            "4/1: 休憩が勤務時間（出勤から退勤まで）より長くなっています",
        ),
        (
            _row("09:00", "12:00", "3:01"),
            "break",
            "4/1: 休憩が勤務時間（出勤から退勤まで）より長くなっています",
        ),
        (
            _row("09:00", "18:00", "", "全休"),
            "leave",
            "4/1: 有給が全休の日は出勤・退勤・休憩を入力できません",
        ),
        (_row("", "", "60", "全休"), "leave", "4/1: 有給が全休の日は出勤・退勤・休憩を入力できません"),
        (_row("09:00", ""), "clock_out", "4/1: 出勤と退勤は両方入力してください"),
        (_row("", "18:00"), "clock_in", "4/1: 出勤と退勤は両方入力してください"),
        (_row("", "", "60"), "break", "4/1: 休憩は出勤・退勤とあわせて入力してください"),
        (_row("9時", "18:00"), "clock_in", "4/1: 出勤は「9:00」のような時刻で入力してください"),
        (_row("09:00", "25:00"), "clock_out", "4/1: 退勤は「18:00」のような時刻で入力してください"),
        (
            _row("09:00", "18:00", "1時間"),
            "break",
            "4/1: 休憩は分（例: 60）または時:分（例: 1:00）で入力してください",
        ),
        (_row(leave="有休"), "leave", "4/1: 有給を選択してください"),
    ],
)
def test_invalid_attendance_rows_name_the_day(row: dict[str, str], field: str, message: str) -> None:
    result = validate_month([APRIL_1], row)
    assert [(e.field, e.render(V1)) for e in result.errors] == [(day_field(APRIL_1, field), message)]
    assert result.typed[APRIL_1].clock_in == row[day_field(APRIL_1, "clock_in")]  # kept as typed


def test_a_month_reports_every_bad_row_and_keeps_the_good_ones_out_of_nothing() -> None:
    days = month_days(2024, 2)
    assert len(days) == 29 and days[-1] == dt.date(2024, 2, 29)
    form = {
        "day-01-clock_in": "09:00",
        "day-01-clock_out": "18:00",
        "day-01-break": "60",
        "day-02-clock_in": "18:00",
        "day-02-clock_out": "09:00",
        "day-29-leave": "全休",
        "day-29-break": "30",
    }
    result = validate_month(days, form)
    assert [e.render(V1).split(":")[0] for e in result.errors] == ["2/2", "2/29"]
    ok = validate_month(days, {k: v for k, v in form.items() if not k.startswith(("day-02", "day-29-break"))})
    assert [(e.date.day, e.leave, e.worked_minutes) for e in ok.entries] == [
        (1, "なし", 480),
        (29, "全休", None),
    ]


# -- TOTP ------------------------------------------------------------------------------------------------
RFC_KEY = b"12345678901234567890"
RFC_SEED = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # RFC_KEY in base32


def test_hotp_matches_rfc_4226_appendix_d() -> None:
    expected = [
        "755224",
        "287082",
        "359152",
        "969429",
        "338314",
        "254676",
        "287922",
        "162583",
        "399871",
        "520489",
    ]
    assert [hotp(RFC_KEY, counter) for counter in range(10)] == expected


@pytest.mark.parametrize(
    ("at", "code"),
    [(59, "94287082"), (1111111109, "07081804"), (1111111111, "14050471"), (1234567890, "89005924"),
     (2000000000, "69279037"), (20000000000, "65353130")],
)  # fmt: skip
def test_totp_matches_rfc_6238_appendix_b_sha1(at: int, code: str) -> None:
    assert totp(RFC_SEED, at, digits=8) == code
    assert totp(RFC_SEED.lower(), at) == code[-6:]  # 6 digits: the last six; case does not matter


def test_verify_totp_allows_one_step_of_drift_and_nothing_else() -> None:
    at = 1234567890
    assert verify_totp(RFC_SEED, "005924", at)
    assert verify_totp(RFC_SEED, totp(RFC_SEED, at - 30), at)
    assert verify_totp(RFC_SEED, totp(RFC_SEED, at + 30), at)
    assert not verify_totp(RFC_SEED, totp(RFC_SEED, at - 60), at)
    assert not verify_totp(RFC_SEED, totp(RFC_SEED, at + 90), at)
    for bad in ("", "00592", "0059245", "abcdef", "００５９２４"):
        assert not verify_totp(RFC_SEED, bad, at)


@pytest.mark.parametrize("seed", ["not base32!", "", "1234"])
def test_a_seed_that_is_not_base32_is_refused(seed: str) -> None:
    with pytest.raises(ValueError, match="TOTP seed"):
        totp(seed, 0)
