"""robots.jp.text: NFKC plus the CJK Radicals Supplement table (domain-ja.md §2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from robots.jp.text import RADICALS_SUPPLEMENT, collapse_spaces, normalize_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("⾦融", "金融"),  # domain-ja §2: Kangxi radical U+2FA6, fixed by NFKC
        ("⻘山", "青山"),  # domain-ja §2: CJK Radicals Supplement U+2ED8, mapped by the table
        ("⽇本", "日本"),
        ("⻑野", "長野"),
        ("⻄日本", "西日本"),
        ("⻝品", "食品"),
        ("⻤", "鬼"),
        ("⻨茶", "麦茶"),
        ("⻩色", "黄色"),
        ("⻁ノ門", "虎ノ門"),
        ("⻂", "衤"),
        ("⺟", "母"),  # one of the two supplement radicals NFKC maps itself
        ("ＡＢＣ１２３", "ABC123"),
        ("ｶﾌﾞｼｷｶﾞｲｼｬ", "カブシキガイシャ"),  # half-width kana compose
        ("㈱", "(株)"),
        ("㍿", "株式会社"),
        ("㋿6年", "令和6年"),
        ("㍻", "平成"),
        ("株式会社\u3000A", "株式会社 A"),  # ideographic space
        ("A\u200bB\ufeff", "AB"),  # zero-width space and BOM dropped
        ("1−2‐3", "1−2‐3"),  # minus signs and hyphens are NOT unified here (amounts only)
        ("髙橋", "髙橋"),  # variant kanji are kept in text
        ("﨑", "﨑"),
    ],
)
def test_normalize_text(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


_UNIFIED_IDEOGRAPHS = [(0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0x20000, 0x323AF)]  # URO and extensions A-H


def test_radicals_table_maps_only_the_supplement_block_to_unified_ideographs() -> None:
    assert len(RADICALS_SUPPLEMENT) == 114
    for source, target in RADICALS_SUPPLEMENT.items():
        assert 0x2E80 <= source <= 0x2EFF
        assert any(lo <= target <= hi for lo, hi in _UNIFIED_IDEOGRAPHS), hex(target)


def test_radicals_without_an_equivalent_pass_through() -> None:
    assert normalize_text("\u2e80") == "\u2e80"  # CJK RADICAL REPEAT: no equivalent ideograph


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  株式会社\u3000 ABC\t商事 ", "株式会社 ABC 商事"),
        ("a  \n   b", "a\nb"),
        ("a\u00a0\u00a0b", "a b"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_collapse_spaces(raw: str, expected: str) -> None:
    assert collapse_spaces(raw) == expected


def test_radicals_table_agrees_with_the_unicode_data_file_when_installed() -> None:
    """The table was generated from EquivalentUnifiedIdeograph.txt (Debian ``unicode-data``)."""
    path = Path("/usr/share/unicode/EquivalentUnifiedIdeograph.txt")
    if not path.exists():
        pytest.skip("unicode-data is not installed")
    expected: dict[int, int] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        data = line.split("#", 1)[0].strip()
        if not data:
            continue
        codes, target = (part.strip() for part in data.split(";"))
        first, _, last = codes.partition("..")
        for cp in range(int(first, 16), int(last or first, 16) + 1):
            if 0x2E80 <= cp <= 0x2EFF:
                expected[cp] = int(target, 16)
    assert RADICALS_SUPPLEMENT == expected
