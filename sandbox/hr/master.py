"""Master data of the sandbox HR app: the fixed choices of its select boxes, stored and shown as is."""

from __future__ import annotations

__all__ = [
    "ACCOUNT_TYPES",
    "EMPLOYMENT_TYPES",
    "GENDERS",
    "LEAVE_NONE",
    "LEAVE_TYPES",
    "PAY_TYPES",
    "PREFECTURES",
]

GENDERS: list[str] = ["男性", "女性", "その他", "回答しない"]

# 雇用形態
EMPLOYMENT_TYPES: list[str] = ["正社員", "契約社員", "パート・アルバイト", "役員"]

# 給与形態: what 基本給 is an amount per.
PAY_TYPES: list[str] = ["月給", "日給", "時給"]

# 口座種別 of the salary account.
ACCOUNT_TYPES: list[str] = ["普通", "当座"]

# 有給 of one attendance day.
LEAVE_NONE = "なし"  # a working day (or simply nothing entered)
LEAVE_TYPES: list[str] = [
    LEAVE_NONE,
    "全休",  # a paid day off: no clock times allowed
    "午前半休",  # paid leave in the morning
    "午後半休",  # paid leave in the afternoon
]

# The 47 prefectures in JIS X 0401 order (北海道 = 01 … 沖縄県 = 47).
PREFECTURES: list[str] = [
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県",
    "茨城県", "栃木県", "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県",
    "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県", "岐阜県",
    "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県",
    "奈良県", "和歌山県", "鳥取県", "島根県", "岡山県", "広島県", "山口県",
    "徳島県", "香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県",
    "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
]  # fmt: skip
