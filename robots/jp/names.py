"""Names of parties (取引先) as printed (domain-ja.md §2).

``normalize_party`` NFKC-normalizes (half-width kana compose, ``㍿`` → ``株式会社``, ``㈱`` → ``(株)``),
strips a trailing ``御中``/``様``/``殿``, expands legal-form abbreviations in place, keeping their position
(前株 ``株式会社ABC`` and 後株 ``ABC株式会社`` are different legal names), and builds a ``match_key`` for
comparing names: legal form and spaces removed, case folded, variant kanji folded (髙 → 高). The variant
folding happens in the key only, never in the name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from robots.jp.text import collapse_spaces, normalize_text

__all__ = ["LEGAL_FORMS", "VARIANT_KANJI", "PartyName", "PartyNameError", "normalize_party"]


class PartyNameError(ValueError):
    """The text holds no name (名称がありません)."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"not a party name ({reason}): {text!r}")
        self.text = text
        self.reason = reason


Position = Literal["prefix", "suffix"]


@dataclass(frozen=True, slots=True)
class PartyName:
    """A normalized party name; ``name`` is what documents and ledgers store, ``match_key`` what
    comparisons use."""

    name: str
    legal_form: str | None
    position: Position | None
    match_key: str


# Abbreviation (inside parentheses after NFKC) → legal form. Longer abbreviations first.
LEGAL_FORMS: dict[str, str] = {
    "一社": "一般社団法人",
    "一財": "一般財団法人",
    "株": "株式会社",
    "有": "有限会社",
    "同": "合同会社",
    "資": "合資会社",
    "名": "合名会社",
    "医": "医療法人",
    "税": "税理士法人",
}

# Variant (異体字) → common form, applied to match keys only. Compatibility ideographs that NFKC already
# folds (e.g. U+FA10 塚) need no entry.
VARIANT_KANJI: dict[str, str] = {
    "髙": "高",
    "﨑": "崎",
    "嵜": "崎",
    "碕": "崎",
    "濵": "浜",
    "濱": "浜",
    "邊": "辺",
    "邉": "辺",
    "澤": "沢",
    "櫻": "桜",
    "國": "国",
    "廣": "広",
    "齋": "斎",
    "齊": "斉",
    "德": "徳",
    "瀨": "瀬",
    "眞": "真",
    "槇": "槙",
    "冨": "富",
    "𠮷": "吉",
    "舘": "館",
    "檜": "桧",
    "峯": "峰",
    "嶋": "島",
    "嶌": "島",
}
_VARIANTS = str.maketrans(VARIANT_KANJI)

_HONORIFIC = re.compile(r"\s*(?:御中|様|殿)$")
_ABBREVIATIONS = "|".join(LEGAL_FORMS)
_FULL_FORMS = "|".join(sorted(set(LEGAL_FORMS.values()), key=len, reverse=True))
# (株) anywhere; 株) with a lost opening parenthesis only at the very start or end.
_ABBREVIATION_RE = re.compile(rf"\(\s*(?P<a>{_ABBREVIATIONS})\s*\)|^(?P<b>株)\)|(?P<c>株)\)$")
_FULL_FORM_RE = re.compile(_FULL_FORMS)
_KEY_DROP = re.compile(rf"{_FULL_FORMS}|\s+")


def _expand(m: re.Match[str]) -> str:
    return LEGAL_FORMS[m["a"] or m["b"] or m["c"]]


def normalize_party(text: str) -> PartyName:
    """Normalize a printed party name.

    ``㈱ABC商事 御中`` → ``PartyName("株式会社ABC商事", "株式会社", "prefix", "ABC商事")``;
    ``ABC商事（株）`` → ``PartyName("ABC商事株式会社", "株式会社", "suffix", "ABC商事")``.

    Raises :class:`PartyNameError` when nothing but honorifics and legal forms is left.
    """
    s = collapse_spaces(normalize_text(text).replace("\n", " "))
    while True:
        stripped = _HONORIFIC.sub("", s).strip()
        if stripped == s:
            break
        s = stripped
    s = _ABBREVIATION_RE.sub(_expand, s)
    legal_form: str | None = None
    position: Position | None = None
    m = _FULL_FORM_RE.search(s)
    if m is not None:
        legal_form = m.group(0)
        position = "prefix" if m.start() == 0 else "suffix"
    key = _match_key(s)
    if not key:
        raise PartyNameError(text, "no name left after removing honorifics and legal forms")
    return PartyName(name=s, legal_form=legal_form, position=position, match_key=key)


def _match_key(name: str) -> str:
    return _KEY_DROP.sub("", name).translate(_VARIANTS)


def party_match_key(name: str | None) -> str | None:
    """The match key of a party name, or None when there is no usable name (for rule look-ups)."""
    if not name:
        return None
    try:
        return normalize_party(name).match_key
    except PartyNameError:
        return None
