"""The words forms use: labels of each field with their synonyms (the first one is the usual wording),
table headers, and the titles that say what kind of form a sheet is. Keys are compared after
:func:`._labels.label_key` (NFKC, no spaces, ASCII lower-cased)."""

from __future__ import annotations

from robots.documents.excel._labels import OTHER_LABELS, TOTAL_KEYS, keys
from robots.documents.forms_model import FormType

__all__ = [
    "EXPENSE_COLUMNS",
    "EXPENSE_FIELDS",
    "ONBOARDING_FIELDS",
    "EMPLOYEE_NO_LABELS",
    "STOP_KEYS",
    "TABLE_END_KEYS",
    "TIMESHEET_COLUMNS",
    "TIMESHEET_FIELDS",
    "TITLE_WORDS",
    "kind_label_keys",
]

EXPENSE_FIELDS: dict[str, tuple[str, ...]] = {
    "employee": keys(
        ["氏名", "申請者", "申請者名", "申請者氏名", "従業員名", "社員名", "名前", "お名前", "精算者"]
    ),
    "department": keys(["所属", "部署", "部門", "所属部署", "所属部門", "部署名", "部課名", "所属部課"]),
    "applied_on": keys(["申請日", "提出日", "申請年月日", "提出年月日", "作成日", "記入日"]),
    "total": keys(
        ["合計金額", "精算金額", "精算合計", "精算額", "合計", "総額", "総合計", "請求金額", "精算金額合計"]
    ),
}
EXPENSE_COLUMNS: dict[str, tuple[str, ...]] = {
    "date": keys(["日付", "利用日", "使用日", "発生日", "年月日", "支払日", "月日", "購入日"]),
    "payee": keys(
        ["支払先", "店名", "支払先(店名)", "店名・支払先", "支払先・店名", "取引先", "利用先", "購入先"]
    ),
    "description": keys(["内容", "摘要", "用途", "目的", "内容・目的", "品目", "用途・目的", "件名", "内訳"]),
    "account": keys(["勘定科目", "科目", "経費科目", "費目"]),
    "amount": keys(["金額", "税込金額", "金額(税込)", "支払金額", "精算金額", "利用金額", "金額(円)"]),
    "rate": keys(["税率", "消費税率", "適用税率"]),
    "registration_number": keys(
        [
            "登録番号",
            "適格請求書発行事業者登録番号",
            "インボイス登録番号",
            "T番号",
            "事業者登録番号",
            "インボイス番号",
        ]
    ),
}

EMPLOYEE_NO_LABELS: tuple[str, ...] = keys(
    [
        "社員番号",
        "従業員番号",
        "社員No",
        "社員No.",
        "社員コード",
        "従業員No",
        "従業員No.",
        "従業員コード",
        "社員ID",
        "従業員ID",
    ]
)
"""Labels of the employee number (従業員番号) the HR tool identifies employees by: a field of onboarding forms
and timesheets. Expense reports carry it too at times, so it never counts towards detecting a kind."""

ONBOARDING_FIELDS: dict[str, tuple[str, ...]] = {
    "last_name": keys(["姓", "氏名(姓)", "姓(漢字)"]),
    "first_name": keys(["名", "氏名(名)", "名(漢字)"]),
    "name": keys(["氏名", "名前", "従業員名", "社員名", "お名前", "氏名(漢字)", "本人氏名"]),
    "last_name_kana": keys(
        ["セイ", "姓(フリガナ)", "フリガナ(姓)", "姓(カナ)", "姓カナ", "姓(ふりがな)", "ふりがな(姓)"]
    ),
    "first_name_kana": keys(
        ["メイ", "名(フリガナ)", "フリガナ(名)", "名(カナ)", "名カナ", "名(ふりがな)", "ふりがな(名)"]
    ),
    "name_kana": keys(
        [
            "フリガナ",
            "ふりがな",
            "カナ",
            "氏名(フリガナ)",
            "氏名(カナ)",
            "氏名カナ",
            "フリガナ氏名",
            "氏名(ふりがな)",
            "よみがな",
        ]
    ),
    "birth_date": keys(["生年月日", "誕生日"]),
    "hire_date": keys(["入社日", "入社年月日", "入社予定日", "雇用開始日", "雇入年月日", "雇入日", "採用日"]),
    "gender": keys(["性別"]),
    "employment_type": keys(["雇用形態", "雇用区分", "社員区分", "従業員区分", "雇用種別"]),
    "pay_type": keys(["給与形態", "給与区分", "賃金形態", "支給形態", "給与体系"]),
    "base_pay": keys(
        ["基本給", "基本給(月額)", "月給", "日給", "時給", "時間給", "基本給与", "給与額", "賃金額"]
    ),
    "postal_code": keys(["郵便番号", "〒"]),
    "address": keys(["住所", "現住所"]),
    "phone": keys(
        ["電話番号", "電話", "携帯電話", "携帯電話番号", "連絡先電話番号", "TEL", "携帯番号", "連絡先"]
    ),
    "bank_code": keys(["銀行コード", "金融機関コード", "銀行番号"]),
    "branch_code": keys(["支店コード", "支店番号", "店番", "店番号"]),
    "account_type": keys(["口座種別", "預金種目", "種目", "預金種別", "口座種類"]),
    "account_number": keys(["口座番号"]),
    "account_holder_kana": keys(
        [
            "口座名義(カナ)",
            "口座名義",
            "口座名義人",
            "名義人(カナ)",
            "口座名義カナ",
            "名義(カナ)",
            "名義人",
            "口座名義人(カナ)",
        ]
    ),
    "my_number": keys(["マイナンバー", "個人番号", "マイナンバー(個人番号)", "個人番号(マイナンバー)"]),
    "employee_no": EMPLOYEE_NO_LABELS,
}

TIMESHEET_FIELDS: dict[str, tuple[str, ...]] = {
    "employee": keys(["氏名", "従業員名", "社員名", "名前", "お名前", "氏名(漢字)"]),
    "month": keys(["対象年月", "対象月", "年月", "勤務年月", "対象期間", "勤務月", "集計月", "期間"]),
    "employee_no": EMPLOYEE_NO_LABELS,
}
TIMESHEET_COLUMNS: dict[str, tuple[str, ...]] = {
    "date": keys(["日付", "日", "月日", "年月日", "勤務日"]),
    "clock_in": keys(
        [
            "出勤",
            "始業",
            "出勤時刻",
            "始業時刻",
            "出社",
            "出社時刻",
            "開始",
            "開始時刻",
            "出勤時間",
            "始業時間",
        ]
    ),
    "clock_out": keys(
        [
            "退勤",
            "終業",
            "退勤時刻",
            "終業時刻",
            "退社",
            "退社時刻",
            "終了",
            "終了時刻",
            "退勤時間",
            "終業時間",
        ]
    ),
    "break_minutes": keys(["休憩", "休憩時間", "休憩(分)", "休憩(時間)", "休憩時間(分)", "休憩時間(h)"]),
    "leave": keys(["休暇", "有給", "休暇区分", "有給休暇", "勤怠区分", "区分", "勤務区分", "休暇・備考"]),
    "remarks": keys(["備考", "摘要", "メモ", "コメント"]),
}

TITLE_WORDS: dict[FormType, tuple[str, ...]] = {
    FormType.EXPENSE_REPORT: keys(
        ["経費精算", "立替経費", "立替金精算", "旅費精算", "交通費精算", "経費申請"]
    ),
    FormType.ONBOARDING: keys(
        [
            "入社手続",
            "入社時",
            "入社書類",
            "従業員情報",
            "社員情報",
            "入社者情報",
            "従業員登録",
            "新入社員",
            "身上書",
        ]
    ),
    FormType.TIMESHEET: keys(
        ["勤怠表", "出勤簿", "勤務表", "タイムシート", "勤怠管理", "出勤表", "勤務実績", "勤怠報告"]
    ),
}


def kind_label_keys(kind: FormType) -> dict[str, tuple[str, ...]]:
    """Field -> label keys of one kind of form, table headers included (for detection; the employee number,
    found on every kind, is left out)."""
    if kind is FormType.EXPENSE_REPORT:
        return {**EXPENSE_FIELDS, **{f"lines.{k}": v for k, v in EXPENSE_COLUMNS.items()}}
    if kind is FormType.ONBOARDING:
        return {k: v for k, v in ONBOARDING_FIELDS.items() if k != "employee_no"}
    fields = {k: v for k, v in TIMESHEET_FIELDS.items() if k != "employee_no"}
    return {**fields, **{f"days.{k}": v for k, v in TIMESHEET_COLUMNS.items()}}


STOP_KEYS: frozenset[str] = (
    frozenset(
        k
        for table in (EXPENSE_FIELDS, EXPENSE_COLUMNS, ONBOARDING_FIELDS, TIMESHEET_FIELDS, TIMESHEET_COLUMNS)
        for synonyms in table.values()
        for k in synonyms
    )
    | OTHER_LABELS
    | TOTAL_KEYS
)
"""A value scan stops at any of these: they are labels, not values."""

TABLE_END_KEYS: frozenset[str] = TOTAL_KEYS | OTHER_LABELS | frozenset(EMPLOYEE_NO_LABELS)
"""A table ends at a row holding one of these (a total, or a label below the table)."""
