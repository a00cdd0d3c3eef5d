"""Japanese addresses: the prefecture (都道府県) at the start of an address, which forms ask for apart."""

from __future__ import annotations

import unicodedata

__all__ = ["PREFECTURES", "split_prefecture"]

PREFECTURES: tuple[str, ...] = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県",
    "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県",
    "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県",
    "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県", "香川県", "愛媛県", "高知県", "福岡県",
    "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
)  # fmt: skip


def split_prefecture(address: str) -> tuple[str | None, str]:
    """``("東京都", "千代田区丸の内1-1-1")`` for ``"東京都千代田区丸の内1-1-1"``; ``(None, address)`` when
    it does not start with a prefecture. A postal mark or code in front (〒100-0001) is skipped."""
    text = unicodedata.normalize("NFKC", address).strip()
    if text.startswith("〒"):
        text = text[1:].lstrip()
    head = text.split(maxsplit=1)
    if head and head[0].replace("-", "").isdigit() and len(head) == 2:
        text = head[1]
    text = text.strip()
    for pref in PREFECTURES:
        if text.startswith(pref):
            return pref, text[len(pref) :].strip()
    return None, text
