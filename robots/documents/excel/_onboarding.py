"""入社手続き / 従業員情報: names and kana, dates, employment terms, address, bank account.

A personal number (マイナンバー) is looked for only to record that the form carries one and whether its
check digit holds; its digits are never kept, logged or put in a message.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from openpyxl.utils.cell import coordinate_to_tuple

from robots.documents.excel._context import Context, Found
from robots.documents.excel._employee_no import read_employee_no
from robots.documents.excel._values import (
    ValueProblem,
    to_amount,
    to_date,
    to_digits,
    to_kana,
    to_phone,
    to_postal_code,
    to_text,
)
from robots.documents.excel._vocabulary import ONBOARDING_FIELDS
from robots.documents.forms_model import Onboarding
from robots.documents.model import Severity
from robots.jp import REDACTED, is_valid_my_number, normalize_text

__all__ = ["read_onboarding"]

_GENDER = {
    "男": "male",
    "男性": "male",
    "m": "male",
    "male": "male",
    "女": "female",
    "女性": "female",
    "f": "female",
    "female": "female",
    "その他": "other",
    "other": "other",
    "回答しない": "other",
}
_EMPLOYMENT = {
    "正社員": "regular",
    "正規": "regular",
    "正規雇用": "regular",
    "正規社員": "regular",
    "契約社員": "fixed_term",
    "契約": "fixed_term",
    "嘱託": "fixed_term",
    "嘱託社員": "fixed_term",
    "有期": "fixed_term",
    "有期雇用": "fixed_term",
    "有期契約": "fixed_term",
    "パート": "part_time",
    "アルバイト": "part_time",
    "パートタイム": "part_time",
    "パート・アルバイト": "part_time",
    "パート/アルバイト": "part_time",
    "パートタイマー": "part_time",
}
_PAY = {
    "月給": "monthly",
    "月給制": "monthly",
    "月額": "monthly",
    "日給": "daily",
    "日給制": "daily",
    "日額": "daily",
    "時給": "hourly",
    "時給制": "hourly",
    "時間給": "hourly",
}
_ACCOUNT = {
    "普通": "ordinary",
    "普通預金": "ordinary",
    "総合": "ordinary",
    "当座": "current",
    "当座預金": "current",
    "貯蓄": "savings",
    "貯蓄預金": "savings",
}
_SELECTED = "☑✓✔■●◉☒▣"
_UNSELECTED = "□☐"
_MARKED = re.compile(rf"([{_SELECTED}{_UNSELECTED}])\s*([^{_SELECTED}{_UNSELECTED}\s]+)")
_POSTAL_PREFIX = re.compile(r"^\s*〒?\s*(\d{3})\s*[-‐−ー－]?\s*(\d{4})\s*")


def _choice(mapping: dict[str, str], what: str) -> Callable[[Any, Any], str]:
    """A parser for a choice: the option as written, or the marked one of ``■男 □女``, ``☑正社員 □契約``."""

    def parse(value: Any, cell: Any = None) -> str:
        del cell
        text = normalize_text(str(value)).strip()
        marked = _MARKED.findall(text)
        if marked:
            chosen = {mapping.get(option) for mark, option in marked if mark in _SELECTED} - {None}
            if len(chosen) == 1:
                return chosen.pop()  # type: ignore[return-value]
            reason = "no option is marked" if not chosen else "more than one option is marked"
            raise ValueProblem("form.value_unreadable", f"{what}: {reason} in {text!r}")
        key = re.sub(r"\s+", "", text).lower()
        if key in mapping:
            return mapping[key]
        raise ValueProblem(
            "form.value_unreadable", f"{what}: {text!r} is none of {', '.join(sorted(mapping))}"
        )

    return parse


def _accepts(parse: Callable[[Any, Any], str]) -> Callable[[str], bool]:
    def accepts(text: str) -> bool:
        try:
            parse(text, None)
        except ValueProblem:
            return False
        return True

    return accepts


def _base_pay(value: Any, cell: Any = None) -> int:
    if isinstance(value, str):
        value = re.sub(r"^\s*(?:月給|日給|時給|時間給|月額|日額)\s*[:：]?", "", normalize_text(value))
        value = re.sub(r"\s*/\s*(?:月|日|時間?|h)\s*$", "", value)
    return to_amount(value, cell)


def _pay_from_label(label: str) -> str | None:
    for word, pay in (
        ("時給", "hourly"),
        ("時間給", "hourly"),
        ("日給", "daily"),
        ("月給", "monthly"),
        ("月額", "monthly"),
    ):
        if word in label:
            return pay
    return None


def _split(text: str) -> tuple[str, str] | None:
    parts = text.split(" ")
    if len(parts) < 2:
        return None
    return " ".join(parts[:-1]), parts[-1]


def _names(ctx: Context, kana: bool) -> tuple[str | None, str | None]:
    suffix = "_kana" if kana else ""
    parse = to_kana if kana else to_text
    what = "フリガナ" if kana else "氏名"
    last = ctx.field(
        f"last_name{suffix}",
        ONBOARDING_FIELDS[f"last_name{suffix}"],
        parse,
        label=what + "(姓)",
        missing=None,
    )
    first = ctx.field(
        f"first_name{suffix}",
        ONBOARDING_FIELDS[f"first_name{suffix}"],
        parse,
        label=what + "(名)",
        missing=None,
    )
    if last is not None or first is not None:
        for found, name, label in ((last, "last_name", "(姓)"), (first, "first_name", "(名)")):
            if found is None:
                ctx.missing(name + suffix, what + label, Severity.ERROR)
        return (last.value if last else None), (first.value if first else None)
    full = ctx.field(
        f"name{suffix}", ONBOARDING_FIELDS[f"name{suffix}"], parse, label=what, missing=None, record=False
    )
    if full is None:
        ctx.missing(f"last_name{suffix}", what, Severity.ERROR)
        ctx.missing(f"first_name{suffix}", what, Severity.ERROR)
        return None, None
    parts = _split(full.value)
    if parts is None:
        ctx.add(
            "onboarding.name_not_split",
            Severity.WARNING,
            f"{what} at {ctx.where(full.row, full.col)} has no space between family and given name; "
            "all of it was taken as the family name",
            f"last_name{suffix}",
        )
        ctx.confidence[f"last_name{suffix}"] = 0.5
        ctx.confidence[f"first_name{suffix}"] = 0.0
        return full.value, None
    ctx.confidence[f"last_name{suffix}"] = ctx.confidence[f"first_name{suffix}"] = round(
        full.confidence - 0.05, 2
    )
    return parts


def _my_number(ctx: Context) -> tuple[bool, bool | None]:
    """(present, check digit ok). Reads the cell(s) next to the label (one cell, or twelve digit boxes)."""
    chunks: list[str] = []
    address = ctx.template.fields.get("my_number") if ctx.template is not None else None
    if address is not None:
        row, col = coordinate_to_tuple(address)
        value = ctx.value(row, col)
        chunks = [] if value is None else [_digits_text(value)]
    else:
        for key in ONBOARDING_FIELDS["my_number"]:
            for _row, _col, text in ctx.index.inline.get(key, ()):
                chunks = [text]
                break
            for row, col in ctx.index.positions.get(key, ()):
                chunks = _boxes(ctx, row, col)
                if chunks:
                    break
            if chunks:
                break
    digits = re.sub(r"\D", "", normalize_text("".join(chunks)))
    chunks.clear()
    if not digits:
        ctx.confidence["my_number"] = 1.0
        return False, None
    ok = len(digits) == 12 and is_valid_my_number(digits)
    length_ok = len(digits) == 12
    del digits
    ctx.confidence["my_number"] = 1.0 if ok else 0.5
    if not ok:
        reason = "fails its check digit" if length_ok else "is not 12 digits long"
        ctx.add(
            "onboarding.my_number_invalid",
            Severity.WARNING,
            f"マイナンバーが正しくありません: the personal number on the form {reason} (its digits are not "
            "shown); ask the employee to check it",
            "my_number",
        )
    return True, ok


def _digits_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _boxes(ctx: Context, row: int, col: int) -> list[str]:
    """The text right of a label up to the next label: one cell, or one digit per box."""
    sheet = ctx.sheet
    top, _left, bottom, right = sheet.extent(row, col)
    chunks: list[str] = []
    c = right + 1
    while c <= min(sheet.max_col, right + 16):
        if ctx.index.is_stop(top, c):
            break
        if not sheet.is_empty(top, c):
            chunks.append(_digits_text(ctx.value(top, c)))
        c = sheet.extent(top, c)[3] + 1
    if not chunks and bottom + 1 <= sheet.max_row and not sheet.is_empty(bottom + 1, col):
        if not ctx.index.is_stop(bottom + 1, col):
            chunks.append(_digits_text(ctx.value(bottom + 1, col)))
    return chunks


def _value(found: Found | None) -> Any:
    return found.value if found is not None else None


def read_onboarding(ctx: Context) -> Onboarding:
    """Read an onboarding form from ``ctx``'s sheet."""
    f = ONBOARDING_FIELDS
    last_name, first_name = _names(ctx, kana=False)
    last_kana, first_kana = _names(ctx, kana=True)
    birth = ctx.field("birth_date", f["birth_date"], to_date, label="生年月日", missing=Severity.ERROR)
    hire = ctx.field("hire_date", f["hire_date"], to_date, label="入社日", missing=Severity.ERROR)
    gender_parse = _choice(_GENDER, "性別")
    gender = ctx.field("gender", f["gender"], gender_parse, label="性別", accepts=_accepts(gender_parse))
    employment_parse = _choice(_EMPLOYMENT, "雇用形態")
    employment = ctx.field(
        "employment_type",
        f["employment_type"],
        employment_parse,
        label="雇用形態",
        missing=Severity.ERROR,
        accepts=_accepts(employment_parse),
    )
    pay_parse = _choice(_PAY, "給与形態")
    pay = ctx.field(
        "pay_type", f["pay_type"], pay_parse, label="給与形態", missing=None, accepts=_accepts(pay_parse)
    )
    base = ctx.field("base_pay", f["base_pay"], _base_pay, label="基本給")
    pay_type = _value(pay)
    implied = _pay_from_label(base.label) if base is not None else None
    if pay_type is None and implied is not None:
        pay_type = implied
        ctx.confidence["pay_type"] = round(base.confidence - 0.1, 2)  # type: ignore[union-attr]
    elif pay_type is None:
        ctx.missing("pay_type", "給与形態")
    elif implied is not None and implied != pay_type:
        ctx.add(
            "onboarding.pay_type_conflict",
            Severity.WARNING,
            f"給与形態 says {pay_type} but 基本給 is labelled {base.label!r}",  # type: ignore[union-attr]
            "pay_type",
        )
    address = ctx.field("address", f["address"], to_text, label="住所")
    postal = ctx.field("postal_code", f["postal_code"], to_postal_code, label="郵便番号", missing=None)
    address_text = _value(address)
    postal_code = _value(postal)
    if address_text is not None:
        m = _POSTAL_PREFIX.match(address_text)
        if m and ("〒" in address_text[: m.end()] or postal_code is None):
            address_text = address_text[m.end() :].strip() or None
            if postal_code is None:
                postal_code = f"{m[1]}-{m[2]}"
                ctx.confidence["postal_code"] = round(address.confidence - 0.05, 2)  # type: ignore[union-attr]
    if postal_code is None:
        ctx.missing("postal_code", "郵便番号")
    phone = ctx.field("phone", f["phone"], to_phone, label="電話番号")
    bank = ctx.field(
        "bank_code",
        f["bank_code"],
        lambda v, c: to_digits(v, c, width=4, name="bank code"),
        label="銀行コード",
    )
    branch = ctx.field(
        "branch_code",
        f["branch_code"],
        lambda v, c: to_digits(v, c, width=3, name="branch code"),
        label="支店コード",
    )
    account_parse = _choice(_ACCOUNT, "口座種別")
    account_type = ctx.field(
        "account_type", f["account_type"], account_parse, label="口座種別", accepts=_accepts(account_parse)
    )
    account = ctx.field(
        "account_number",
        f["account_number"],
        lambda v, c: to_digits(v, c, width=7, name="account number"),
        label="口座番号",
    )
    holder = ctx.field("account_holder_kana", f["account_holder_kana"], to_kana, label="口座名義(カナ)")
    present, _valid = _my_number(ctx)
    employee_no = read_employee_no(ctx)
    return Onboarding(
        last_name=last_name,
        first_name=first_name,
        last_name_kana=last_kana,
        first_name_kana=first_kana,
        birth_date=_value(birth),
        hire_date=_value(hire),
        gender=_value(gender),
        employment_type=_value(employment),
        pay_type=pay_type,
        base_pay=_value(base),
        postal_code=postal_code,
        address=address_text,
        phone=_value(phone),
        bank_code=_value(bank),
        branch_code=_value(branch),
        account_type=_value(account_type),
        account_number=_value(account),
        account_holder_kana=_value(holder),
        my_number=REDACTED if present else None,
        my_number_present=present,
        employee_no=employee_no,
    )
