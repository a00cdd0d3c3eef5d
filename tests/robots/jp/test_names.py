"""robots.jp.names: party names, legal forms and match keys (domain-ja.md §2)."""

from __future__ import annotations

import pytest

from robots.jp.names import PartyName, PartyNameError, normalize_party


@pytest.mark.parametrize(
    ("text", "name", "legal_form", "position", "key"),
    [
        # domain-ja §2 cases
        ("㈱ABC商事 御中", "株式会社ABC商事", "株式会社", "prefix", "ABC商事"),
        ("ABC商事（株）", "ABC商事株式会社", "株式会社", "suffix", "ABC商事"),
        # every spelling of 株式会社
        ("(株)ABC商事", "株式会社ABC商事", "株式会社", "prefix", "ABC商事"),
        ("（株）ABC商事", "株式会社ABC商事", "株式会社", "prefix", "ABC商事"),
        ("( 株 )ABC商事", "株式会社ABC商事", "株式会社", "prefix", "ABC商事"),
        ("㍿ABC商事", "株式会社ABC商事", "株式会社", "prefix", "ABC商事"),
        ("株)ABC商事", "株式会社ABC商事", "株式会社", "prefix", "ABC商事"),
        ("ABC商事株)", "ABC商事株式会社", "株式会社", "suffix", "ABC商事"),
        ("ABC商事㈱", "ABC商事株式会社", "株式会社", "suffix", "ABC商事"),
        ("株式会社ABC商事", "株式会社ABC商事", "株式会社", "prefix", "ABC商事"),
        ("ABC商事株式会社", "ABC商事株式会社", "株式会社", "suffix", "ABC商事"),
        # the other legal forms
        ("(有)山田商店", "有限会社山田商店", "有限会社", "prefix", "山田商店"),
        ("山田商店(有)", "山田商店有限会社", "有限会社", "suffix", "山田商店"),
        ("(同)テック", "合同会社テック", "合同会社", "prefix", "テック"),
        ("(資)山田屋", "合資会社山田屋", "合資会社", "prefix", "山田屋"),
        ("(名)山田屋", "合名会社山田屋", "合名会社", "prefix", "山田屋"),
        ("(一社)日本協会", "一般社団法人日本協会", "一般社団法人", "prefix", "日本協会"),
        # honorifics and spaces
        ("株式会社ABC商事　御中", "株式会社ABC商事", "株式会社", "prefix", "ABC商事"),
        ("山田太郎 様", "山田太郎", None, None, "山田太郎"),
        ("山田太郎様", "山田太郎", None, None, "山田太郎"),
        ("総務部長 殿", "総務部長", None, None, "総務部長"),
        ("  ABC商事株式会社 御中  ", "ABC商事株式会社", "株式会社", "suffix", "ABC商事"),
        ("株式会社　サンプル 商事", "株式会社 サンプル 商事", "株式会社", "prefix", "サンプル商事"),
        # half-width kana compose, full-width ASCII narrows
        ("ｻﾝﾌﾟﾙ商事㈱ 殿", "サンプル商事株式会社", "株式会社", "suffix", "サンプル商事"),
        ("ＡＢＣ商事(株)", "ABC商事株式会社", "株式会社", "suffix", "ABC商事"),
        # variant kanji: kept in the name, folded in the key
        ("髙橋商店", "髙橋商店", None, None, "高橋商店"),
        ("㈱山﨑製作所", "株式会社山﨑製作所", "株式会社", "prefix", "山崎製作所"),
        ("渡邊工業(株)", "渡邊工業株式会社", "株式会社", "suffix", "渡辺工業"),
        ("濵田商事", "濵田商事", None, None, "浜田商事"),
        # a legal form in the middle counts as after the name
        ("ABC(株)東京支店", "ABC株式会社東京支店", "株式会社", "suffix", "ABC東京支店"),
        # radicals from PDFs are fixed in the name too
        ("⻘山商事㈱", "青山商事株式会社", "株式会社", "suffix", "青山商事"),
    ],
)
def test_normalize_party(
    text: str, name: str, legal_form: str | None, position: str | None, key: str
) -> None:
    assert normalize_party(text) == PartyName(name, legal_form, position, key)  # type: ignore[arg-type]


def test_prefix_and_suffix_names_share_a_key_but_stay_different_names() -> None:
    front, back = normalize_party("㈱ABC商事"), normalize_party("ABC商事㈱")
    assert front.match_key == back.match_key == "ABC商事"
    assert front.name != back.name


@pytest.mark.parametrize("text", ["", "御中", "(株)", " 様 ", "株式会社 御中"])
def test_normalize_party_rejects_empty_names(text: str) -> None:
    with pytest.raises(PartyNameError):
        normalize_party(text)
