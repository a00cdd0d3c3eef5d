from __future__ import annotations

import datetime as dt

import pytest

from robots.archive import export_file_name
from robots.archive.export import unique_names


@pytest.mark.parametrize(
    ("date", "party", "amount", "suffix", "expected"),
    [
        (dt.date(2024, 4, 1), "株式会社A", 110000, ".pdf", "20240401_株式会社A_110000.pdf"),
        (dt.date(2024, 4, 1), 'A/B\\C:D*E?F"G<H>I|J', 5, ".pdf", "20240401_A_B_C_D_E_F_G_H_I_J_5.pdf"),
        (dt.date(2024, 12, 31), "ＡＢＣ商事（株）", 1, ".pdf", "20241231_ＡＢＣ商事（株）_1.pdf"),
        (dt.date(2024, 5, 1), " ..山田商店. ", -1000, ".pdf", "20240501_山田商店_-1000.pdf"),
        (dt.date(2024, 5, 1), "改行\n入り", 10, ".jpg", "20240501_改行_入り_10.jpg"),
        (dt.date(2024, 5, 1), "///", 10, ".pdf", "20240501_____10.pdf"),
    ],
)
def test_export_file_names_are_sanitized_and_keep_japanese(
    date: dt.date, party: str, amount: int, suffix: str, expected: str
) -> None:
    assert export_file_name(date, party, amount, suffix) == expected


def test_long_counterparties_are_cut_to_keep_names_short() -> None:
    name = export_file_name(dt.date(2024, 4, 1), "長" * 300, 1)
    assert len(name.encode()) < 255 and name.endswith("_1.pdf")


def test_repeated_names_get_2_3_before_the_extension() -> None:
    assert unique_names(["a.pdf", "b.pdf", "a.pdf", "A.PDF", "a.pdf", "noext", "noext"]) == [
        "a.pdf",
        "b.pdf",
        "a_2.pdf",
        "A_3.PDF",
        "a_4.pdf",
        "noext",
        "noext_2",
    ]
