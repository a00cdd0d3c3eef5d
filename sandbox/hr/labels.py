"""What the screens say, per UI version.

Version 2 (the chaos switch ``ui_version=2``) renames most labels, headings and buttons, the way a SaaS
redesign does; form field ``name`` attributes and ``data-testid`` values never change between versions, so
a robot whose first-choice locator is a version-1 label still finds the element through its fallback.
Messages are templates over these labels (``"{employee_no}を入力してください"``), so errors name the field
as the screen the user sees names it.
"""

from __future__ import annotations

__all__ = ["LABELS", "labels_for"]

_V1: dict[str, str] = {
    # fields of the new-employee wizard (keys are the form field names)
    "employee_no": "従業員番号",
    "last_name": "姓",
    "first_name": "名",
    "last_name_kana": "セイ",
    "first_name_kana": "メイ",
    "birth_date": "生年月日",
    "gender": "性別",
    "my_number": "マイナンバー",
    "entry_date": "入社日",
    "employment_type": "雇用形態",
    "pay_type": "給与形態",
    "base_pay": "基本給",
    "postal_code": "郵便番号",
    "prefecture": "都道府県",
    "address": "住所",
    "phone": "電話番号",
    "bank_code": "銀行コード",
    "branch_code": "支店コード",
    "account_type": "口座種別",
    "account_number": "口座番号",
    "account_holder": "口座名義カナ",
    # hints under some fields
    "hint_employee_no": "半角英数字（例: E0001）",
    "hint_kana": "全角カタカナ",
    "hint_my_number": "任意。12桁の数字",
    "hint_base_pay": "円。カンマ区切りも可（例: 250,000）",
    "hint_postal_code": "例: 100-0001",
    "hint_address": "市区町村・番地・建物名",
    "hint_phone": "例: 03-1234-5678",
    "hint_bank_code": "4桁",
    "hint_branch_code": "3桁",
    "hint_account_number": "7桁",
    "hint_account_holder": "カタカナ（半角も可）",
    # attendance columns
    "date": "日付",
    "clock_in": "出勤",
    "clock_out": "退勤",
    "break": "休憩",
    "leave": "有給",
    "worked": "実働",
    "hint_break": "分（例: 60）または 時:分（例: 1:00）",
    "day_format": "{m}/{d}",
    # pages, headings, buttons
    "nav_employees": "従業員一覧",
    "nav_new": "従業員を登録",
    "title_employees": "従業員一覧",
    "title_new": "従業員の登録",
    "title_employee": "従業員情報",
    "title_attendance": "勤怠",
    "section_basic": "基本情報",
    "section_employment": "雇用情報",
    "section_address": "住所・連絡先",
    "section_bank": "給与振込口座",
    "steps": "登録ステップ",
    "name": "氏名",
    "kana": "フリガナ",
    "btn_search": "検索",
    "btn_next": "次へ",
    "btn_back": "戻る",
    "btn_register": "登録する",
    "btn_save": "保存",
    "link_attendance": "勤怠",
    "link_prev_month": "前月",
    "link_next_month": "翌月",
    "no_employees": "該当する従業員はいません",
    "created": "従業員を登録しました",
    "saved": "保存しました",
    "not_registered": "未登録",
}

_V2_CHANGES: dict[str, str] = {
    "employee_no": "社員番号",
    "last_name": "氏",
    "last_name_kana": "氏（カナ）",
    "first_name_kana": "名（カナ）",
    "birth_date": "誕生日",
    "my_number": "個人番号",
    "entry_date": "入社年月日",
    "employment_type": "雇用区分",
    "pay_type": "支給形態",
    "base_pay": "基本給額",
    "postal_code": "〒",
    "address": "市区町村・番地",
    "phone": "電話",
    "bank_code": "金融機関コード",
    "branch_code": "支店番号",
    "account_type": "預金種目",
    "account_holder": "口座名義（カナ）",
    "clock_in": "始業",
    "clock_out": "終業",
    "break": "休憩時間",
    "leave": "休暇",
    "worked": "労働時間",
    "day_format": "{m}月{d}日",
    "nav_employees": "社員一覧",
    "nav_new": "社員を追加",
    "title_employees": "社員一覧",
    "title_new": "社員の新規登録",
    "title_employee": "社員情報",
    "title_attendance": "勤怠管理",
    "section_basic": "本人情報",
    "section_employment": "雇用契約",
    "section_address": "現住所",
    "section_bank": "振込先口座",
    "steps": "進行状況",
    "btn_search": "絞り込み",
    "btn_next": "次のステップへ",
    "btn_back": "前のステップへ",
    "btn_register": "保存して完了",
    "btn_save": "勤怠を保存",
    "link_attendance": "勤怠を見る",
    "no_employees": "該当する社員はいません",
    "created": "社員を登録しました",
}

LABELS: dict[int, dict[str, str]] = {1: _V1, 2: {**_V1, **_V2_CHANGES}}


def labels_for(ui_version: int) -> dict[str, str]:
    """The label table of a UI version (1 or 2)."""
    return LABELS[ui_version]
