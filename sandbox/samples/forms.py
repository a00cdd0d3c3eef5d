"""Realistic Japanese back-office Excel forms, with the ``fields`` a perfect reader returns
(document-schema.md: ``expense_report``, ``onboarding``, ``timesheet``), and broken files.

Each kind comes in three layouts that differ the way companies' own forms do:

Expense reports (経費精算書)
- ``E1`` classic: title, labels left of their values (an empty cell between, merged value cells), a ruled
  table 日付/支払先/内容/勘定科目/金額/税率/登録番号 with real Excel dates, a 合計 row whose value is an
  uncached ``=SUM(...)`` (openpyxl never stores a result).
- ``E2`` 立替経費精算書: labels above values in one row (提出日/部署/従業員名), dates and amounts as text
  (``2024/4/3``, ``1,200円``), a percent-formatted 消費税率 (0.1), 精算金額 above the table, ㈱ and
  half-width kana payees, one individual's registration number failing the corporate check digit.
- ``E3`` (.xlsm): spaced title and labels (``申　請　日``), the application date as a serial number with
  Japan's built-in era format (numFmtId 58, which openpyxl reads as a plain number), a two-row merged
  table header at column B, era-text dates (``R6.4.3``), a description merged over two columns, no
  registration column, a ``=SUM`` total.

Onboarding forms (入社手続き)
- ``O1`` vertical list, label left; 社員番号 first; full name and kana in one cell each; half-width kana
  account holder; a valid personal number.
- ``O2`` label-above boxes: 姓/名/セイ/メイ in separate cells, kana in hiragana, text dates (西暦 and 令和),
  a 時給 label instead of 給与形態, postal code without hyphen, codes typed as numbers (leading zeros lost);
  no employee number yet (HR assigns it later).
- ``O3`` (.xlsm) merged label cells in a grid, 従業員番号 typed in lower case, birth date as an era serial,
  checkbox marks (``□男性 ■女性``), 〒 inside the address, the personal number in twelve digit boxes with a
  wrong check digit.

Timesheets (勤怠表)
- ``T1`` 勤怠表: 社員番号 under the month, every day of the month with real Excel dates and times
  (``h:mm``), 備考 with 有給/半休.
- ``T2`` 出勤簿: month only in the title (``令和6年5月分``), day numbers, times as text, break in minutes;
  no employee number.
- ``T3`` (.xlsm) タイムシート: 社員No. in full-width letters (``Ｅ０１２３``), month as a date, a two-row
  header (勤務時間 over 開始/終了), ``6/3`` dates, times as fractions of a day (General format), break as
  ``1:00`` text, working days only.

Employee numbers (``E0001`` … ``E9999``) are drawn per person from the seed alone, on a random stream of
their own (:func:`employee_numbers`): the same person has the same number on their onboarding form and their
timesheet, and the other values a seed gives stay as they were before the numbers were added.

Plus :func:`write_fixed_layout_expense_report`, a form whose labels are numbered boxes (①②③), read only
with the fixed cell map ``templates/forms/expense_report_yoshiki_e3.yaml``.

The same seed gives byte-identical files (fixed ZIP and document timestamps). ``sandbox`` never imports
``robots``: every expected value is written here, independently of the reader.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import random
import re
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jpholiday
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet
from stdnum.jp import cn, in_

__all__ = [
    "EXPENSE_LAYOUTS",
    "ONBOARDING_LAYOUTS",
    "TIMESHEET_LAYOUTS",
    "FormSample",
    "employee_numbers",
    "generate_expense_reports",
    "generate_onboarding_forms",
    "generate_timesheets",
    "write_broken_forms",
    "write_fixed_layout_expense_report",
]

EXPENSE_LAYOUTS: tuple[str, ...] = ("E1", "E2", "E3")
ONBOARDING_LAYOUTS: tuple[str, ...] = ("O1", "O2", "O3")
TIMESHEET_LAYOUTS: tuple[str, ...] = ("T1", "T2", "T3")

_FIXED_TIME = (2024, 6, 30, 12, 0, 0)
_ERA_FORMAT = '[$-411]ggge"年"m"月"d"日"'  # rewritten to Japan's built-in numFmtId 58 after saving
_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_TITLE_FONT = Font(size=16, bold=True)
_CENTER = Alignment(horizontal="center", vertical="center")


@dataclass(frozen=True)
class FormSample:
    """One generated workbook, the ``fields`` object a perfect reader returns for it, and the finding codes
    it should report (sorted)."""

    path: Path
    expected: dict[str, Any]
    kind: str
    layout: str
    findings: tuple[str, ...] = ()


# -- the fictitious world ------------------------------------------------------------------------
@dataclass(frozen=True)
class _Person:
    last: str
    first: str
    last_kana: str
    first_kana: str
    gender: str  # male / female
    birth: dt.date
    postal: str
    address: str
    phone: str


_PEOPLE: tuple[_Person, ...] = (
    _Person(
        "山田",
        "太郎",
        "ヤマダ",
        "タロウ",
        "male",
        dt.date(1990, 5, 12),
        "150-0001",
        "東京都渋谷区神宮前1-2-3 神宮前ハイツ101",
        "090-1234-5678",
    ),
    _Person(
        "佐藤",
        "花子",
        "サトウ",
        "ハナコ",
        "female",
        dt.date(1988, 11, 3),
        "060-0001",
        "北海道札幌市中央区北一条西2-1",
        "011-123-4567",
    ),
    _Person(
        "鈴木",
        "一郎",
        "スズキ",
        "イチロウ",
        "male",
        dt.date(1995, 7, 21),
        "530-0001",
        "大阪府大阪市北区梅田3-4-5",
        "080-9876-5432",
    ),
    _Person(
        "高橋",
        "美咲",
        "タカハシ",
        "ミサキ",
        "female",
        dt.date(1999, 2, 14),
        "460-0008",
        "愛知県名古屋市中区栄2-10-1",
        "070-2222-3333",
    ),
    _Person(
        "田中",
        "健太",
        "タナカ",
        "ケンタ",
        "male",
        dt.date(1985, 9, 30),
        "812-0011",
        "福岡県福岡市博多区博多駅前1-1-1",
        "092-555-0123",
    ),
)
_DEPARTMENTS = ("営業部", "総務部", "開発部", "経理部", "マーケティング部")


def employee_numbers(seed: int = 0) -> dict[str, str]:
    """Employee number (``E0001`` … ``E9999``, distinct) of each sample person, by ``"姓 名"``, for a seed."""
    rng = random.Random(f"kuroko-employee-no-{seed}")  # a stream of its own: other values do not move
    numbers = rng.sample(range(1, 10_000), k=len(_PEOPLE))
    return {f"{p.last} {p.first}": f"E{n:04d}" for p, n in zip(_PEOPLE, numbers, strict=True)}


def _employee_no(person: _Person, seed: int) -> str:
    return employee_numbers(seed)[f"{person.last} {person.first}"]


def _corporate(base12: str) -> str:
    return "T" + cn.calc_check_digit(base12) + base12


def _bad_check_digit(base12: str) -> str:
    good = int(cn.calc_check_digit(base12))
    return "T" + str((good + 3) % 10) + base12


@dataclass(frozen=True)
class _Payee:
    printed: str  # as written on the form
    name: str  # as the reader returns it (NFKC, legal forms expanded)
    registration: str | None  # normalized, or None
    account: str
    items: tuple[tuple[str, int, tuple[int, int]], ...]  # (description, rate, (min, max) amount)


_PAYEES: tuple[_Payee, ...] = (
    _Payee(
        "JR東日本",
        "JR東日本",
        _corporate("010001133522"),
        "旅費交通費",
        (("新幹線 東京-仙台 往復", 10, (20000, 24000)), ("在来線 定期外乗車", 10, (300, 1200))),
    ),
    _Payee(
        "㈱サンプル商事",
        "株式会社サンプル商事",
        _corporate("011001048888"),
        "消耗品費",
        (("トナーカートリッジ", 10, (6000, 9000)), ("コピー用紙 A4 5箱", 10, (3000, 4500))),
    ),
    _Payee(
        "東京タクシー㈲",
        "東京タクシー有限会社",
        _corporate("013302012345"),
        "旅費交通費",
        (("タクシー 客先訪問", 10, (1500, 4800)),),
    ),
    _Payee(
        "ｽｰﾊﾟｰﾐﾄﾞﾘ",
        "スーパーミドリ",
        _corporate("020001077777"),
        "会議費",
        (("会議用 飲料・菓子", 8, (800, 2500)),),
    ),
    _Payee(
        "(株)ブックス青葉",
        "株式会社ブックス青葉",
        _corporate("040001055555"),
        "新聞図書費",
        (("技術書 2冊", 10, (3500, 7000)),),
    ),
    _Payee(
        "カフェ・ド・ミナト", "カフェ・ド・ミナト", None, "会議費", (("打合せ コーヒー代", 10, (900, 2400)),)
    ),
)
_INDIVIDUAL = _Payee(
    "やまね文具店",
    "やまね文具店",
    _bad_check_digit("123456789012"),
    "消耗品費",
    (("ボールペン・付箋", 10, (500, 1800)),),
)


# -- workbook helpers ----------------------------------------------------------------------------
def _box(ws: Worksheet, ref: str) -> None:
    for row in ws[ref]:
        for cell in row:
            cell.border = _BOX


def _put(
    ws: Worksheet,
    ref: str,
    value: Any,
    *,
    merge: str | None = None,
    fmt: str | None = None,
    head: bool = False,
    bold: bool = False,
) -> None:
    ws[ref] = value
    if merge:
        ws.merge_cells(f"{ref}:{merge}")
        _box(ws, f"{ref}:{merge}")
    else:
        ws[ref].border = _BOX
    if fmt:
        ws[ref].number_format = fmt
    if head:
        ws[ref].fill = _HEAD_FILL
        ws[ref].alignment = _CENTER
    if bold or head:
        ws[ref].font = Font(bold=True)


def _title(ws: Worksheet, ref: str, text: str, merge: str | None = None) -> None:
    ws[ref] = text
    ws[ref].font = _TITLE_FONT
    if merge:
        ws.merge_cells(f"{ref}:{merge}")
        ws[ref].alignment = _CENTER


def _widths(ws: Worksheet, widths: dict[str, float]) -> None:
    for letter, width in widths.items():
        ws.column_dimensions[letter].width = width


def _finalize(path: Path, wb: Workbook, *, xlsm: bool = False) -> None:
    """Save with fixed timestamps; ``xlsm``: the macro-enabled content type (as Excel saves an .xlsm, here
    without a VBA project); cells formatted with ``_ERA_FORMAT`` get Japan's built-in era format (id 58)."""
    wb.properties.creator = "Kuroko sandbox"
    wb.properties.created = dt.datetime(*_FIXED_TIME)
    buffer = io.BytesIO()
    wb.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = data.decode("utf-8")
                text = re.sub(r"(<dcterms:modified[^>]*>)[^<]*(<)", r"\g<1>2024-06-30T12:00:00Z\2", text)
                data = text.encode("utf-8")
            elif info.filename == "xl/styles.xml":
                data = _builtin_era_format(data.decode("utf-8")).encode("utf-8")
            elif info.filename == "[Content_Types].xml" and xlsm:
                data = data.replace(
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                )
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, data)
    path.write_bytes(out.getvalue())


def _builtin_era_format(styles: str) -> str:
    escaped = _ERA_FORMAT.replace('"', "&quot;")
    m = re.search(rf'<numFmt numFmtId="(\d+)" formatCode="{re.escape(escaped)}"\s*/>', styles)
    if m is None:
        return styles
    styles = styles.replace(m.group(0), "")
    styles = re.sub(r"<numFmts count=\"\d+\">\s*</numFmts>", "", styles)
    count = len(re.findall(r"<numFmt ", styles))
    styles = re.sub(r'<numFmts count="\d+">', f'<numFmts count="{count}">', styles)
    return styles.replace(f'numFmtId="{m.group(1)}"', 'numFmtId="58"')


def _era(date: dt.date, style: str = "long") -> str:
    year = date.year - 2018  # 令和 (the samples are all after 2019-05-01)
    if style == "short":
        return f"R{year}.{date.month}.{date.day}"
    return f"令和{'元' if year == 1 else year}年{date.month}月{date.day}日"


def _showa_heisei(date: dt.date) -> str:
    if date >= dt.date(1989, 1, 8):
        return f"平成{date.year - 1988}年{date.month}月{date.day}日"
    return f"昭和{date.year - 1925}年{date.month}月{date.day}日"


def _excel_serial(date: dt.date) -> int:
    return (date - dt.date(1899, 12, 30)).days


def _business_days(start: dt.date, end: dt.date) -> list[dt.date]:
    days = []
    day = start
    while day <= end:
        if day.weekday() < 5 and not jpholiday.is_holiday(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


# -- expense reports -----------------------------------------------------------------------------
@dataclass(frozen=True)
class _Line:
    date: dt.date
    payee: _Payee
    description: str
    amount: int
    rate: int


def _expense_lines(rng: random.Random, applied_on: dt.date, count: int, extra: list[_Payee]) -> list[_Line]:
    days = _business_days(applied_on - dt.timedelta(days=30), applied_on - dt.timedelta(days=1))
    payees = [*rng.sample(_PAYEES, k=count - len(extra)), *extra]
    lines = []
    for payee, day in zip(payees, sorted(rng.sample(days, k=count)), strict=True):
        description, rate, (low, high) = rng.choice(payee.items)
        lines.append(_Line(day, payee, description, rng.randrange(low, high, 10), rate))
    return lines


def _expense_expected(
    person: _Person,
    department: str,
    applied_on: dt.date,
    lines: list[_Line],
    *,
    with_registration: bool = True,
    with_rate: bool = True,
) -> dict[str, Any]:
    return {
        "employee": f"{person.last} {person.first}",
        "department": department,
        "applied_on": applied_on.isoformat(),
        "lines": [
            {
                "date": line.date.isoformat(),
                "payee": line.payee.name,
                "description": line.description,
                "account": line.payee.account,
                "amount": line.amount,
                "rate": line.rate if with_rate else None,
                "registration_number": line.payee.registration if with_registration else None,
            }
            for line in lines
        ],
        "total": sum(line.amount for line in lines),
    }


def _expense_e1(path: Path, rng: random.Random) -> FormSample:
    person, department = rng.choice(_PEOPLE), rng.choice(_DEPARTMENTS)
    applied_on = dt.date(2024, 4, rng.randrange(10, 26))
    lines = _expense_lines(rng, applied_on, 5, [])
    wb = Workbook()
    ws = wb.active
    ws.title = "経費精算書"
    _widths(ws, {"A": 12, "B": 22, "C": 26, "D": 14, "E": 12, "F": 8, "G": 18})
    _title(ws, "A1", "経費精算書", "G1")
    _put(ws, "A3", "申請日", head=True)
    _put(ws, "C3", applied_on, fmt="yyyy/mm/dd")
    _put(ws, "A4", "所属", head=True)
    _put(ws, "B4", department, merge="C4")
    _put(ws, "A5", "氏名", head=True)
    _put(ws, "B5", f"{person.last} {person.first}", merge="C5")
    for ref, label in (("E3", "承認"), ("F3", "上長"), ("G3", "経理")):
        _put(ws, ref, label, head=True)
    _box(ws, "E4:G5")
    for i, header in enumerate(["日付", "支払先", "内容", "勘定科目", "金額", "税率", "登録番号"]):
        _put(ws, f"{'ABCDEFG'[i]}8", header, head=True)
    for r in range(9, 19):
        _box(ws, f"A{r}:G{r}")
    for r, line in enumerate(lines, start=9):
        ws[f"A{r}"] = line.date
        ws[f"A{r}"].number_format = "yyyy/m/d"
        ws[f"B{r}"] = line.payee.printed
        ws[f"C{r}"] = line.description
        ws[f"D{r}"] = line.payee.account
        ws[f"E{r}"] = line.amount
        ws[f"E{r}"].number_format = "#,##0"
        ws[f"F{r}"] = f"{line.rate}%"
        ws[f"G{r}"] = line.payee.registration or ""
    _put(ws, "A19", "合計", merge="D19", head=True)
    _put(ws, "E19", "=SUM(E9:E18)", fmt="#,##0", bold=True)
    _finalize(path, wb)
    return FormSample(
        path,
        _expense_expected(person, department, applied_on, lines),
        "expense_report",
        "E1",
        ("xlsx.formula_computed",),
    )


def _expense_e2(path: Path, rng: random.Random) -> FormSample:
    person, department = rng.choice(_PEOPLE), rng.choice(_DEPARTMENTS)
    applied_on = dt.date(2024, 5, rng.randrange(7, 28))
    lines = _expense_lines(rng, applied_on, 4, [_INDIVIDUAL])
    total = sum(line.amount for line in lines)
    wb = Workbook()
    ws = wb.active
    ws.title = "精算書"
    _widths(ws, {"A": 3, "B": 12, "C": 20, "D": 24, "E": 12, "F": 12, "G": 10, "H": 30})
    _title(ws, "B2", "立替経費精算書")
    for ref, label in (("B4", "提出日"), ("C4", "部署"), ("E4", "従業員名"), ("H4", "精算金額")):
        _put(ws, ref, label, head=True, merge="F4" if ref == "E4" else None)
    _put(ws, "B5", f"{applied_on.year}/{applied_on.month}/{applied_on.day}")
    _put(ws, "C5", department)
    _put(ws, "E5", f"{person.last}　{person.first}", merge="F5")
    _put(ws, "H5", f"¥{total:,}-", bold=True)
    headers = ["利用日", "店名", "用途", "科目", "税込金額", "消費税率", "適格請求書発行事業者登録番号"]
    for i, header in enumerate(headers):
        _put(ws, f"{'BCDEFGH'[i]}8", header, head=True)
    for r, line in enumerate(lines, start=9):
        _box(ws, f"B{r}:H{r}")
        ws[f"B{r}"] = f"{line.date.year}/{line.date.month}/{line.date.day}"
        ws[f"C{r}"] = line.payee.printed
        ws[f"D{r}"] = line.description
        ws[f"E{r}"] = line.payee.account
        ws[f"F{r}"] = f"{line.amount:,}円"
        ws[f"G{r}"] = line.rate / 100
        ws[f"G{r}"].number_format = "0%"
        registration = line.payee.registration
        ws[f"H{r}"] = (
            f"T{registration[1:5]}-{registration[5:9]}-{registration[9:]}" if registration else "なし"
        )
    note_row = 9 + len(lines) + 1
    _put(ws, f"B{note_row}", "備考", head=True)
    _put(ws, f"C{note_row}", "領収書原本は経理部へ提出済み", merge=f"H{note_row}")
    _finalize(path, wb)
    expected = _expense_expected(person, department, applied_on, lines)
    return FormSample(path, expected, "expense_report", "E2", ("registration_number.check_digit",))


def _expense_e3(path: Path, rng: random.Random) -> FormSample:
    person, department = rng.choice(_PEOPLE), rng.choice(_DEPARTMENTS)
    applied_on = dt.date(2024, 6, rng.randrange(3, 28))
    lines = _expense_lines(rng, applied_on, 6, [])
    wb = Workbook()
    ws = wb.active
    ws.title = "精算"
    _widths(ws, {"A": 2, "B": 16, "C": 22, "D": 16, "E": 16, "F": 14, "G": 12, "H": 8})
    _title(ws, "B1", "経 費 精 算 書", "H2")
    _put(ws, "B4", "所属部署", head=True)
    _put(ws, "C4", department, merge="D4")
    _put(ws, "B5", "申請者氏名", head=True)
    _put(ws, "C5", f"{person.last}　{person.first}", merge="D5")
    _put(ws, "F4", "申　請　日", head=True)
    _put(ws, "G4", _excel_serial(applied_on), merge="H4", fmt=_ERA_FORMAT)
    for ref, end, label in (
        ("B7", "B8", "日付"),
        ("C7", "C8", "支払先"),
        ("D7", "E8", "内容"),
        ("F7", "F8", "勘定科目"),
        ("G7", "G8", "金額（税込）"),
    ):
        _put(ws, ref, label, merge=end, head=True)
    _put(ws, "H7", "税率", head=True)
    _put(ws, "H8", None, head=True)
    last = 8 + len(lines) + 2
    for r in range(9, last + 1):
        ws.merge_cells(f"D{r}:E{r}")
        _box(ws, f"B{r}:H{r}")
    for r, line in enumerate(lines, start=9):
        ws[f"B{r}"] = _era(line.date, "short" if r % 2 else "long")
        ws[f"C{r}"] = line.payee.printed
        ws[f"D{r}"] = line.description
        ws[f"F{r}"] = line.payee.account
        ws[f"G{r}"] = line.amount
        ws[f"G{r}"].number_format = "¥#,##0"
        ws[f"H{r}"] = line.rate
        ws[f"H{r}"].number_format = '0"%"'
    _put(ws, f"B{last + 1}", "合　計", merge=f"F{last + 1}", head=True)
    _put(ws, f"G{last + 1}", f"=SUM(G9:G{last})", fmt="¥#,##0", bold=True)
    settings = wb.create_sheet("科目一覧")
    settings["A1"] = "勘定科目"
    for i, account in enumerate(
        ("旅費交通費", "会議費", "消耗品費", "新聞図書費", "交際費", "通信費"), start=2
    ):
        settings[f"A{i}"] = account
    settings.sheet_state = "hidden"
    _finalize(path, wb, xlsm=True)
    expected = _expense_expected(person, department, applied_on, lines, with_registration=False)
    return FormSample(path, expected, "expense_report", "E3", ("xlsx.formula_computed",))


def generate_expense_reports(out_dir: Path, *, seed: int = 0) -> list[FormSample]:
    """Write one expense report per layout (``E1``, ``E2``, ``E3``) into ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    return [
        _expense_e1(out_dir / f"経費精算書_E1_{seed}.xlsx", rng),
        _expense_e2(out_dir / f"立替経費精算書_E2_{seed}.xlsx", rng),
        _expense_e3(out_dir / f"経費精算書_E3_{seed}.xlsm", rng),
    ]


def write_fixed_layout_expense_report(out_dir: Path, *, seed: int = 0) -> FormSample:
    """A 様式E-3 form: numbered boxes (①②③, (1)…(7)) instead of labels, so only the fixed cell map
    ``templates/forms/expense_report_yoshiki_e3.yaml`` can read it."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed + 1000)
    person, department = rng.choice(_PEOPLE), rng.choice(_DEPARTMENTS)
    applied_on = dt.date(2024, 7, rng.randrange(1, 28))
    lines = _expense_lines(rng, applied_on, 3, [])
    wb = Workbook()
    ws = wb.active
    ws.title = "様式E-3"
    ws["A1"] = "様式E-3"
    _title(ws, "C1", "立替金報告")
    for ref, label in (("A3", "①"), ("A4", "②"), ("F3", "③")):
        _put(ws, ref, label, head=True)
    _put(ws, "C3", f"{person.last} {person.first}", merge="D3")
    _put(ws, "C4", department, merge="D4")
    _put(ws, "H3", applied_on, fmt="yyyy/m/d")
    ws["A6"] = "記入要領は裏面を参照のこと。"
    for i in range(7):
        _put(ws, f"{'BCDEFGH'[i]}9", f"({i + 1})", head=True)
    for r in range(10, 30):
        _box(ws, f"B{r}:H{r}")
    for r, line in enumerate(lines, start=10):
        ws[f"B{r}"] = line.date
        ws[f"B{r}"].number_format = "m/d"
        ws[f"C{r}"] = line.payee.printed
        ws[f"D{r}"] = line.description
        ws[f"E{r}"] = line.payee.account
        ws[f"F{r}"] = line.amount
        ws[f"G{r}"] = line.rate
        ws[f"H{r}"] = line.payee.registration or ""
    _put(ws, "F30", "=SUM(F10:F29)", bold=True)
    path = out_dir / f"様式E-3_{seed}.xlsx"
    _finalize(path, wb)
    return FormSample(
        path,
        _expense_expected(person, department, applied_on, lines),
        "expense_report",
        "E-3",
        ("xlsx.formula_computed",),
    )


# -- onboarding ----------------------------------------------------------------------------------
def _my_number(rng: random.Random, *, valid: bool) -> str:
    base = "".join(str(rng.randrange(10)) for _ in range(11))
    check = int(in_.calc_check_digit(base))
    return base + str(check if valid else (check + 1) % 10)


def _onboarding_expected(person: _Person, employee_no: str | None, **terms: Any) -> dict[str, Any]:
    return {
        "last_name": person.last,
        "first_name": person.first,
        "last_name_kana": person.last_kana,
        "first_name_kana": person.first_kana,
        "birth_date": person.birth.isoformat(),
        "hire_date": terms["hire_date"].isoformat(),
        "gender": person.gender,
        "employment_type": terms["employment_type"],
        "pay_type": terms["pay_type"],
        "base_pay": terms["base_pay"],
        "postal_code": person.postal,
        "address": person.address,
        "phone": person.phone,
        "bank_code": terms["bank_code"],
        "branch_code": terms["branch_code"],
        "account_type": terms["account_type"],
        "account_number": terms["account_number"],
        "account_holder_kana": f"{person.last_kana} {person.first_kana}",
        "my_number": "<redacted>" if terms["my_number"] else None,
        "my_number_present": bool(terms["my_number"]),
        "employee_no": employee_no,
    }


def _half_width_kana(text: str) -> str:
    """Full-width katakana to half-width, as banks print account holders (ﾔﾏﾀﾞ ﾀﾛｳ)."""
    full = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン"
    full += "ァィゥェォャュョッー"
    half = "ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜｦﾝｧｨｩｪｫｬｭｮｯｰ"
    voiced = "ガギグゲゴザジズゼゾダヂヅデドバビブベボ"
    semi = "パピプペポ"
    out = []
    for ch in text:
        if ch in voiced:
            base = chr(ord(ch) - 1)
            out.append(half[full.index(base)] + "ﾞ")
        elif ch in semi:
            base = chr(ord(ch) - 2)
            out.append(half[full.index(base)] + "ﾟ")
        elif ch in full:
            out.append(half[full.index(ch)])
        else:
            out.append(ch)
    return "".join(out)


def _hiragana(text: str) -> str:
    return "".join(chr(ord(ch) - 0x60) if "\u30a1" <= ch <= "\u30f6" else ch for ch in text)


def _onboarding_o1(path: Path, rng: random.Random, seed: int) -> FormSample:
    person = _PEOPLE[0]
    employee_no = _employee_no(person, seed)
    hire = dt.date(2024, 4, 1)
    terms = {
        "hire_date": hire,
        "employment_type": "regular",
        "pay_type": "monthly",
        "base_pay": rng.randrange(220, 320) * 1000,
        "bank_code": "0001",
        "branch_code": f"{rng.randrange(1, 999):03d}",
        "account_type": "ordinary",
        "account_number": f"{rng.randrange(10**6, 10**7):07d}",
        "my_number": _my_number(rng, valid=True),
    }
    wb = Workbook()
    ws = wb.active
    ws.title = "従業員情報"
    _widths(ws, {"A": 20, "B": 44})
    _title(ws, "A1", "入社手続き書類（従業員情報）", "B1")
    rows = [
        ("社員番号", employee_no),
        ("氏名", f"{person.last} {person.first}"),
        ("フリガナ", f"{person.last_kana} {person.first_kana}"),
        ("生年月日", person.birth),
        ("性別", "男" if person.gender == "male" else "女"),
        ("入社日", hire),
        ("雇用形態", "正社員"),
        ("給与形態", "月給"),
        ("基本給", terms["base_pay"]),
        ("郵便番号", person.postal),
        ("住所", person.address),
        ("電話番号", person.phone),
        None,
        ("【給与振込口座】", None),
        ("銀行コード", terms["bank_code"]),
        ("支店コード", terms["branch_code"]),
        ("預金種目", "普通"),
        ("口座番号", terms["account_number"]),
        ("口座名義（カナ）", _half_width_kana(f"{person.last_kana} {person.first_kana}")),
        None,
        ("マイナンバー", f"{terms['my_number'][:4]} {terms['my_number'][4:8]} {terms['my_number'][8:]}"),
    ]
    for r, item in enumerate(rows, start=3):
        if item is None:
            continue
        label, value = item
        if value is None:
            ws[f"A{r}"] = label
            ws[f"A{r}"].font = Font(bold=True)
            continue
        _put(ws, f"A{r}", label, head=True)
        fmt = "yyyy年m月d日" if isinstance(value, dt.date) else ("#,##0" if isinstance(value, int) else None)
        _put(ws, f"B{r}", value, fmt=fmt)
    _finalize(path, wb)
    return FormSample(path, _onboarding_expected(person, employee_no, **terms), "onboarding", "O1")


def _onboarding_o2(path: Path, rng: random.Random, seed: int) -> FormSample:
    del seed  # no employee number on this form yet
    person = _PEOPLE[2]
    hire = dt.date(2024, 4, 1)
    terms = {
        "hire_date": hire,
        "employment_type": "part_time",
        "pay_type": "hourly",
        "base_pay": rng.randrange(110, 160) * 10,
        "bank_code": "0005",
        "branch_code": "012",
        "account_type": "current",
        "account_number": "0000123",
        "my_number": None,
    }
    wb = Workbook()
    ws = wb.active
    ws.title = "登録票"
    _widths(ws, {"A": 2, "B": 16, "C": 16, "D": 14, "E": 14, "F": 14, "G": 22})
    _title(ws, "B1", "従業員情報登録票")
    for ref, label in (("B3", "姓"), ("C3", "名"), ("D3", "セイ"), ("E3", "メイ")):
        _put(ws, ref, label, head=True)
    for ref, value in (
        ("B4", person.last),
        ("C4", person.first),
        ("D4", _hiragana(person.last_kana)),
        ("E4", _hiragana(person.first_kana)),
    ):
        _put(ws, ref, value)
    for ref, label in (("B6", "誕生日"), ("C6", "入社年月日"), ("D6", "性別"), ("E6", "雇用区分")):
        _put(ws, ref, label, head=True)
    _put(ws, "B7", f"{person.birth.year}/{person.birth.month}/{person.birth.day}")
    _put(ws, "C7", _era(hire))
    _put(ws, "D7", "男性" if person.gender == "male" else "女性")
    _put(ws, "E7", "パート")
    _put(ws, "B9", "時給", head=True)
    _put(ws, "C9", "〒", head=True)
    _put(ws, "D9", "現住所", merge="G9", head=True)
    _put(ws, "B10", f"{terms['base_pay']:,}円")
    _put(ws, "C10", person.postal.replace("-", ""))
    _put(ws, "D10", person.address, merge="G10")
    for i, label in enumerate(["携帯電話", "金融機関コード", "店番", "種目", "口座番号", "名義人（カナ）"]):
        _put(ws, f"{'BCDEFG'[i]}12", label, head=True)
    _put(ws, "B13", person.phone)
    _put(ws, "C13", int(terms["bank_code"]))  # typed as a number: Excel drops the leading zeros
    _put(ws, "D13", int(terms["branch_code"]))
    _put(ws, "E13", "当座")
    _put(ws, "F13", int(terms["account_number"]))
    _put(ws, "G13", f"{person.last_kana} {person.first_kana}")
    _finalize(path, wb)
    return FormSample(
        path, _onboarding_expected(person, None, **terms), "onboarding", "O2", ("form.employee_no_missing",)
    )


def _onboarding_o3(path: Path, rng: random.Random, seed: int) -> FormSample:
    person = _PEOPLE[1]
    employee_no = _employee_no(person, seed)
    hire = dt.date(2024, 5, 16)
    terms = {
        "hire_date": hire,
        "employment_type": "fixed_term",
        "pay_type": "daily",
        "base_pay": rng.randrange(10, 16) * 1000,
        "bank_code": "0009",
        "branch_code": "456",
        "account_type": "savings",
        "account_number": f"{rng.randrange(10**6, 10**7):07d}",
        "my_number": _my_number(rng, valid=False),
    }
    wb = Workbook()
    ws = wb.active
    ws.title = "入社時提出書類"
    _widths(ws, {letter: 6 for letter in "ABCDEFGHIJKLMN"})
    _title(ws, "A1", "入 社 時 提 出 書 類", "N1")
    _put(ws, "I2", "従業員番号", merge="J2", head=True)
    _put(ws, "K2", employee_no.lower(), merge="L2")
    _put(ws, "A3", "ふりがな", merge="B3", head=True)
    _put(ws, "C3", f"{_hiragana(person.last_kana)}　{_hiragana(person.first_kana)}", merge="F3")
    _put(ws, "A4", "氏　名", merge="B4", head=True)
    _put(ws, "C4", f"{person.last}　{person.first}", merge="F4")
    _put(ws, "G3", "性別", merge="H4", head=True)
    marks = "■男性 □女性" if person.gender == "male" else "□男性 ■女性"
    _put(ws, "I3", marks, merge="L4")
    _put(ws, "A5", "生年月日", merge="B5", head=True)
    _put(ws, "C5", _excel_serial(person.birth), merge="F5", fmt=_ERA_FORMAT)
    _put(ws, "G5", "入社日", merge="H5", head=True)
    _put(ws, "I5", hire, merge="L5", fmt='yyyy"年"m"月"d"日"')
    _put(ws, "A6", "雇用形態", merge="B6", head=True)
    _put(ws, "C6", "☑契約社員 □正社員 □パート", merge="F6")
    _put(ws, "G6", "給与形態", merge="H6", head=True)
    _put(ws, "I6", "日給", merge="L6")
    _put(ws, "A7", "基本給", merge="B7", head=True)
    _put(ws, "C7", f"{terms['base_pay']:,}円", merge="F7")
    _put(ws, "A8", "住所", merge="B8", head=True)
    _put(ws, "C8", f"〒{person.postal} {person.address}", merge="L8")
    _put(ws, "A9", "電話番号", merge="B9", head=True)
    _put(ws, "C9", person.phone, merge="F9")
    ws["A11"] = "給与振込先"
    ws["A11"].font = Font(bold=True)
    _put(ws, "A12", "銀行コード", merge="B12", head=True)
    _put(ws, "C12", terms["bank_code"])
    _put(ws, "D12", "支店番号", merge="E12", head=True)
    _put(ws, "F12", terms["branch_code"])
    _put(ws, "G12", "口座種別", merge="H12", head=True)
    _put(ws, "I12", "貯蓄")
    _put(ws, "J12", "口座番号", head=True)
    _put(ws, "K12", terms["account_number"], merge="L12")
    _put(ws, "A13", "口座名義人", merge="B13", head=True)
    _put(ws, "C13", f"{person.last_kana} {person.first_kana}", merge="F13")
    _put(ws, "A15", "個人番号", merge="B15", head=True)
    for i, digit in enumerate(terms["my_number"]):
        _put(ws, f"{'CDEFGHIJKLMN'[i]}15", int(digit))
    ws["A17"] = "※個人番号は取扱担当者以外が閲覧しないこと"
    _finalize(path, wb, xlsm=True)
    return FormSample(
        path,
        _onboarding_expected(person, employee_no, **terms),
        "onboarding",
        "O3",
        ("onboarding.my_number_invalid",),
    )


def generate_onboarding_forms(out_dir: Path, *, seed: int = 0) -> list[FormSample]:
    """Write one onboarding form per layout (``O1``, ``O2``, ``O3``) into ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    return [
        _onboarding_o1(out_dir / f"入社手続き_O1_{seed}.xlsx", rng, seed),
        _onboarding_o2(out_dir / f"従業員情報_O2_{seed}.xlsx", rng, seed),
        _onboarding_o3(out_dir / f"入社時提出書類_O3_{seed}.xlsm", rng, seed),
    ]


# -- timesheets ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Day:
    date: dt.date
    clock_in: dt.time | None
    clock_out: dt.time | None
    break_minutes: int
    leave: str | None  # paid_full / paid_half


def _month_days(rng: random.Random, year: int, month: int) -> list[_Day]:
    last = calendar.monthrange(year, month)[1]
    workdays = _business_days(dt.date(year, month, 1), dt.date(year, month, last))
    full, half = rng.sample(workdays, 2)
    days = []
    for day in workdays:
        if day == full:
            days.append(_Day(day, None, None, 0, "paid_full"))
            continue
        start = dt.time(8, 30) if rng.random() < 0.3 else dt.time(9, rng.choice((0, 0, 5, 15)))
        end = dt.time(rng.choice((17, 18, 18, 19)), rng.choice((30, 45, 0, 15)))
        if day == half:
            days.append(_Day(day, dt.time(13, 30), end, 0, "paid_half"))
            continue
        days.append(_Day(day, start, end, rng.choice((60, 60, 45)), None))
    return days


def _hm(value: dt.time | None) -> str | None:
    return None if value is None else f"{value.hour:02d}:{value.minute:02d}"


def _timesheet_expected(
    person: _Person, year: int, month: int, days: list[_Day], employee_no: str | None
) -> dict[str, Any]:
    return {
        "employee": f"{person.last} {person.first}",
        "month": f"{year:04d}-{month:02d}",
        "days": [
            {
                "date": d.date.isoformat(),
                "clock_in": _hm(d.clock_in),
                "clock_out": _hm(d.clock_out),
                "break_minutes": d.break_minutes,
                "leave": d.leave,
            }
            for d in days
        ],
        "employee_no": employee_no,
    }


_WEEKDAYS = "月火水木金土日"
_FULL_WIDTH = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
    "ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ０１２３４５６７８９",
)


def _timesheet_t1(path: Path, rng: random.Random, seed: int) -> FormSample:
    person, year, month = _PEOPLE[3], 2024, 4
    employee_no = _employee_no(person, seed)
    days = _month_days(rng, year, month)
    by_date = {d.date: d for d in days}
    wb = Workbook()
    ws = wb.active
    ws.title = f"{month}月"
    _widths(ws, {"A": 12, "B": 6, "C": 9, "D": 9, "E": 9, "F": 16})
    _title(ws, "A1", "勤怠表", "F1")
    _put(ws, "A3", "対象年月", head=True)
    _put(ws, "B3", f"{year}年{month}月", merge="C3")
    _put(ws, "D3", "氏名", head=True)
    _put(ws, "E3", f"{person.last} {person.first}", merge="F3")
    _put(ws, "A4", "社員番号", head=True)
    _put(ws, "B4", employee_no, merge="C4")
    for i, header in enumerate(["日付", "曜日", "出勤", "退勤", "休憩", "備考"]):
        _put(ws, f"{'ABCDEF'[i]}5", header, head=True)
    last = calendar.monthrange(year, month)[1]
    for n in range(1, last + 1):
        r = 5 + n
        date = dt.date(year, month, n)
        _box(ws, f"A{r}:F{r}")
        ws[f"A{r}"] = date
        ws[f"A{r}"].number_format = "m/d"
        ws[f"B{r}"] = _WEEKDAYS[date.weekday()]
        day = by_date.get(date)
        if day is None:
            ws[f"F{r}"] = jpholiday.is_holiday_name(date) or ("" if date.weekday() < 5 else "公休")
            continue
        for col, value in (("C", day.clock_in), ("D", day.clock_out)):
            if value is not None:
                ws[f"{col}{r}"] = value
                ws[f"{col}{r}"].number_format = "h:mm"
        if day.clock_in is not None:
            ws[f"E{r}"] = dt.time(day.break_minutes // 60, day.break_minutes % 60)
            ws[f"E{r}"].number_format = "h:mm"
        if day.leave:
            ws[f"F{r}"] = "有給" if day.leave == "paid_full" else "午前半休"
    total = 6 + last
    _put(ws, f"A{total}", "合計", merge=f"B{total}", head=True)
    ws[f"E{total}"] = f"=SUM(E6:E{total - 1})"
    _finalize(path, wb)
    return FormSample(path, _timesheet_expected(person, year, month, days, employee_no), "timesheet", "T1")


def _timesheet_t2(path: Path, rng: random.Random, seed: int) -> FormSample:
    del seed  # this 出勤簿 has no employee number
    person, year, month = _PEOPLE[4], 2024, 5
    days = _month_days(rng, year, month)
    by_date = {d.date: d for d in days}
    wb = Workbook()
    ws = wb.active
    ws.title = "出勤簿"
    _widths(ws, {"A": 6, "B": 5, "C": 9, "D": 9, "E": 10, "F": 10, "G": 24})
    _title(ws, "A1", f"令和{year - 2018}年{month}月分 出勤簿", "G1")
    _put(ws, "A3", "所属", merge="B3", head=True)
    _put(ws, "C3", "従業員名", merge="D3", head=True)
    _put(ws, "A4", rng.choice(_DEPARTMENTS), merge="B4")
    _put(ws, "C4", f"{person.last}　{person.first}", merge="D4")
    for i, header in enumerate(["日", "曜", "始業", "終業", "休憩(分)", "区分", "備考"]):
        _put(ws, f"{'ABCDEFG'[i]}6", header, head=True)
    last = calendar.monthrange(year, month)[1]
    for n in range(1, last + 1):
        r = 6 + n
        date = dt.date(year, month, n)
        _box(ws, f"A{r}:G{r}")
        ws[f"A{r}"] = n
        ws[f"B{r}"] = _WEEKDAYS[date.weekday()]
        day = by_date.get(date)
        if day is None:
            holiday = jpholiday.is_holiday_name(date)
            if holiday:
                ws[f"G{r}"] = holiday
            continue
        if day.clock_in is not None:
            ws[f"C{r}"] = f"{day.clock_in.hour}:{day.clock_in.minute:02d}"
            ws[f"D{r}"] = f"{day.clock_out.hour}:{day.clock_out.minute:02d}"  # type: ignore[union-attr]
            ws[f"E{r}"] = day.break_minutes
        if day.leave:
            ws[f"F{r}"] = "有休" if day.leave == "paid_full" else "午前半休"
    r = 7 + last + 1
    _put(ws, f"A{r}", "出勤日数", merge=f"B{r}", head=True)
    _put(ws, f"C{r}", sum(1 for d in days if d.clock_in is not None))
    _finalize(path, wb)
    return FormSample(
        path,
        _timesheet_expected(person, year, month, days, None),
        "timesheet",
        "T2",
        ("form.employee_no_missing",),
    )


def _timesheet_t3(path: Path, rng: random.Random, seed: int) -> FormSample:
    person, year, month = _PEOPLE[0], 2024, 6
    employee_no = _employee_no(person, seed)
    days = _month_days(rng, year, month)
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    _widths(ws, {"A": 2, "B": 10, "C": 9, "D": 9, "E": 10, "F": 12, "G": 20})
    _title(ws, "B2", "タイムシート")
    _put(ws, "B4", "勤務年月", head=True)
    _put(ws, "C4", dt.date(year, month, 1), merge="D4", fmt='yyyy"年"m"月"')
    _put(ws, "E4", "社員名", head=True)
    _put(ws, "F4", f"{person.last} {person.first}", merge="G4")
    _put(ws, "B5", "社員No.", head=True)
    _put(ws, "C5", employee_no.translate(_FULL_WIDTH), merge="D5")
    _put(ws, "B7", "月日", merge="B8", head=True)
    _put(ws, "C7", "勤務時間", merge="D7", head=True)
    _put(ws, "C8", "開始", head=True)
    _put(ws, "D8", "終了", head=True)
    _put(ws, "E7", "休憩時間", merge="E8", head=True)
    _put(ws, "F7", "休暇区分", merge="F8", head=True)
    _put(ws, "G7", "備考", merge="G8", head=True)
    for r, day in enumerate(days, start=9):
        _box(ws, f"B{r}:G{r}")
        ws[f"B{r}"] = f"{day.date.month}/{day.date.day}"
        if day.clock_in is not None:
            ws[f"C{r}"] = (day.clock_in.hour * 60 + day.clock_in.minute) / 1440
            ws[f"D{r}"] = (day.clock_out.hour * 60 + day.clock_out.minute) / 1440  # type: ignore[union-attr]
            ws[f"E{r}"] = f"{day.break_minutes // 60}:{day.break_minutes % 60:02d}"
        if day.leave:
            ws[f"F{r}"] = "有給休暇" if day.leave == "paid_full" else "半休"
            ws[f"G{r}"] = "私用のため" if day.leave == "paid_full" else ""
    r = 9 + len(days)
    _put(ws, f"B{r}", "合計", head=True)
    _finalize(path, wb, xlsm=True)
    return FormSample(path, _timesheet_expected(person, year, month, days, employee_no), "timesheet", "T3")


def generate_timesheets(out_dir: Path, *, seed: int = 0) -> list[FormSample]:
    """Write one monthly timesheet per layout (``T1``, ``T2``, ``T3``) into ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    return [
        _timesheet_t1(out_dir / f"勤怠表_T1_{seed}.xlsx", rng, seed),
        _timesheet_t2(out_dir / f"出勤簿_T2_{seed}.xlsx", rng, seed),
        _timesheet_t3(out_dir / f"タイムシート_T3_{seed}.xlsm", rng, seed),
    ]


# -- broken files --------------------------------------------------------------------------------
def _cfb(stream_names: list[str]) -> bytes:
    """A minimal OLE/CFB container (the format of .xls files and of password-protected .xlsx files): a
    512-byte header and one directory sector naming the given streams. A stand-in: no stream data."""
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)  # minor, major, byte order, sector shifts
    struct.pack_into("<I", header, 44, 1)  # one FAT sector
    struct.pack_into("<I", header, 48, 1)  # directory starts at sector 1
    struct.pack_into("<I", header, 56, 4096)  # mini stream cutoff
    struct.pack_into("<I", header, 60, 0xFFFFFFFE)
    struct.pack_into("<I", header, 68, 0xFFFFFFFE)
    header[76:512] = b"\xff" * 436
    struct.pack_into("<I", header, 76, 0)  # FAT sector 0
    fat = bytearray(b"\xff" * 512)
    struct.pack_into("<III", fat, 0, 0xFFFFFFFD, 0xFFFFFFFE, 0xFFFFFFFE)
    directory = bytearray(512)
    for i, name in enumerate(["Root Entry", *stream_names][:4]):
        encoded = (name + "\0").encode("utf-16-le")
        entry = bytearray(128)
        entry[0 : len(encoded)] = encoded
        struct.pack_into("<HBB", entry, 64, len(encoded), 5 if i == 0 else 2, 1)
        struct.pack_into("<III", entry, 68, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF)
        directory[i * 128 : (i + 1) * 128] = entry
    return bytes(header + fat + directory)


def write_broken_forms(out_dir: Path) -> dict[str, Path]:
    """Files a form reader must refuse with a clear error, by case name: ``zip_renamed`` (a ZIP archive named
    .xlsx), ``text_renamed``, ``empty``, ``no_labels`` (a real workbook, but a price list), ``encrypted`` (an
    OLE/CFB container as Excel writes password-protected workbooks), ``old_xls`` (the Excel 97-2003 format),
    ``too_large`` (a sheet used down to row 6000), ``missing`` (a path that does not exist)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}

    def write(case: str, name: str, make: Callable[[Path], None]) -> None:
        path = out_dir / name
        make(path)
        paths[case] = path

    def zip_renamed(path: Path) -> None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr(zipfile.ZipInfo("領収書/readme.txt", date_time=_FIXED_TIME), "領収書の写し一式")
        path.write_bytes(buffer.getvalue())

    def no_labels(path: Path) -> None:
        wb = Workbook()
        ws = wb.active
        ws.title = "価格表"
        ws.append(["商品コード", "商品名", "単価", "在庫"])
        for i in range(1, 8):
            ws.append([f"A-{i:03d}", f"商品{i}", i * 1200, i * 3])
        _finalize(path, wb)

    def too_large(path: Path) -> None:
        wb = Workbook()
        ws = wb.active
        ws["A1"] = "経費精算書"
        ws["A6000"] = "end"
        _finalize(path, wb)

    write("zip_renamed", "経費精算書_zip.xlsx", zip_renamed)
    write(
        "text_renamed",
        "経費精算書_text.xlsx",
        lambda p: p.write_text("日付,支払先,金額\n2024/4/1,JR東日本,1200\n", encoding="utf-8"),
    )
    write("empty", "経費精算書_empty.xlsx", lambda p: p.write_bytes(b""))
    write("no_labels", "価格表.xlsx", no_labels)
    write(
        "encrypted",
        "経費精算書_パスワード付き.xlsx",
        lambda p: p.write_bytes(_cfb(["EncryptionInfo", "EncryptedPackage", "\x06DataSpaces"])),
    )
    write(
        "old_xls",
        "経費精算書_旧形式.xls",
        lambda p: p.write_bytes(_cfb(["Workbook", "\x05SummaryInformation"])),
    )
    write("too_large", "勤怠表_大きすぎ.xlsx", too_large)
    paths["missing"] = out_dir / "存在しない.xlsx"
    return paths
