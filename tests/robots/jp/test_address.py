"""The prefecture at the start of an address (the HR form asks for it apart from the rest)."""

from __future__ import annotations

import pytest

from robots.jp.address import PREFECTURES, split_prefecture


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("東京都千代田区丸の内1-1-1", ("東京都", "千代田区丸の内1-1-1")),
        ("〒100-0001 東京都千代田区千代田1-1", ("東京都", "千代田区千代田1-1")),
        ("京都府京都市中京区", ("京都府", "京都市中京区")),
        ("北海道札幌市", ("北海道", "札幌市")),
        ("神奈川県 横浜市西区", ("神奈川県", "横浜市西区")),
        ("千代田区丸の内1-1-1", (None, "千代田区丸の内1-1-1")),
        ("", (None, "")),
    ],
)
def test_split_prefecture(address: str, expected: tuple[str | None, str]) -> None:
    assert split_prefecture(address) == expected


def test_there_are_47_prefectures() -> None:
    assert len(PREFECTURES) == len(set(PREFECTURES)) == 47
