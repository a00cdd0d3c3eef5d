"""Master data of the sandbox accounting app: the fixed 勘定科目 and 税区分 lists, and the seeded 取引先."""

from __future__ import annotations

__all__ = ["ACCOUNTS", "DEAL_TYPES", "SEED_PARTNERS", "TAX_CATEGORIES"]

# 勘定科目, in the order the form lists them.
ACCOUNTS: list[str] = [
    "旅費交通費",
    "消耗品費",
    "通信費",
    "支払手数料",
    "外注費",
    "会議費",
    "交際費",
    "地代家賃",
    "水道光熱費",
    "広告宣伝費",
    "新聞図書費",
    "租税公課",
    "荷造運賃",
    "福利厚生費",
    "仕入高",
    "売上高",
    "雑費",
]

# 税区分, exactly as freee spells them (full-width parentheses in （軽）).
TAX_CATEGORIES: list[str] = [
    "課対仕入10%",
    "課対仕入8%（軽）",
    "対象外",
    "非課仕入",
    "課税売上10%",
    "課税売上8%（軽）",
]

# 取引先 present in a new database; more are created through the form's type-ahead or the API.
SEED_PARTNERS: list[str] = ["株式会社サンプル商事", "有限会社テスト物産", "合同会社デモ"]

# 収支区分: the value stored and sent by the form → the label shown.
DEAL_TYPES: dict[str, str] = {
    "expense": "支出",  # money going out (the default)
    "income": "収入",  # money coming in
}
