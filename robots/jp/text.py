"""Text normalization for Japanese business documents (domain-ja.md §2, "Unicode from PDFs").

:func:`normalize_text` applies NFKC (full-width ASCII to half-width, half-width kana composed, ``㈱`` to
``(株)``, ``㋿`` to ``令和``, Kangxi radicals such as ``⾦`` to ``金``) and then maps the CJK Radicals
Supplement (U+2E80..U+2EFF, e.g. ``⻘``), which NFKC mostly leaves alone, to the equivalent unified
ideographs. Dashes and minus signs are NOT unified here: only amounts do that (:mod:`robots.jp.amounts`).
Variant kanji (髙/高) are never folded here either: that happens only in matching keys
(:mod:`robots.jp.names`).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["RADICALS_SUPPLEMENT", "collapse_spaces", "normalize_text"]

# Generated from the Unicode Character Database, EquivalentUnifiedIdeograph-15.0.0.txt (Debian package
# ``unicode-data``), restricted to the CJK Radicals Supplement block. Radicals listed there as having no
# reasonably equivalent unified ideograph (U+2E80 CJK RADICAL REPEAT) are absent and pass through unchanged.
RADICALS_SUPPLEMENT: dict[int, int] = {
    0x2E81: 0x5382,  # ⺁ → 厂  CJK RADICAL CLIFF
    0x2E82: 0x4E5B,  # ⺂ → 乛  CJK RADICAL SECOND ONE
    0x2E83: 0x4E5A,  # ⺃ → 乚  CJK RADICAL SECOND TWO
    0x2E84: 0x4E59,  # ⺄ → 乙  CJK RADICAL SECOND THREE
    0x2E85: 0x4EBB,  # ⺅ → 亻  CJK RADICAL PERSON
    0x2E86: 0x5182,  # ⺆ → 冂  CJK RADICAL BOX
    0x2E87: 0x20628,  # ⺇ → 𠘨  CJK RADICAL TABLE
    0x2E88: 0x5200,  # ⺈ → 刀  CJK RADICAL KNIFE ONE
    0x2E89: 0x5202,  # ⺉ → 刂  CJK RADICAL KNIFE TWO
    0x2E8A: 0x535C,  # ⺊ → 卜  CJK RADICAL DIVINATION
    0x2E8B: 0x353E,  # ⺋ → 㔾  CJK RADICAL SEAL
    0x2E8C: 0x5C0F,  # ⺌ → 小  CJK RADICAL SMALL ONE
    0x2E8D: 0x5C0F,  # ⺍ → 小  CJK RADICAL SMALL TWO
    0x2E8E: 0x5140,  # ⺎ → 兀  CJK RADICAL LAME ONE
    0x2E8F: 0x5C23,  # ⺏ → 尣  CJK RADICAL LAME TWO
    0x2E90: 0x5C22,  # ⺐ → 尢  CJK RADICAL LAME THREE
    0x2E91: 0x21BC2,  # ⺑ → 𡯂  CJK RADICAL LAME FOUR
    0x2E92: 0x5DF3,  # ⺒ → 巳  CJK RADICAL SNAKE
    0x2E93: 0x5E7A,  # ⺓ → 幺  CJK RADICAL THREAD
    0x2E94: 0x5F51,  # ⺔ → 彑  CJK RADICAL SNOUT ONE
    0x2E95: 0x2B739,  # ⺕ → 𫜹  CJK RADICAL SNOUT TWO
    0x2E96: 0x5FC4,  # ⺖ → 忄  CJK RADICAL HEART ONE
    0x2E97: 0x5FC3,  # ⺗ → 心  CJK RADICAL HEART TWO
    0x2E98: 0x624C,  # ⺘ → 扌  CJK RADICAL HAND
    0x2E99: 0x6535,  # ⺙ → 攵  CJK RADICAL RAP
    0x2E9B: 0x65E1,  # ⺛ → 旡  CJK RADICAL CHOKE
    0x2E9C: 0x65E5,  # ⺜ → 日  CJK RADICAL SUN
    0x2E9D: 0x6708,  # ⺝ → 月  CJK RADICAL MOON
    0x2E9E: 0x6B7A,  # ⺞ → 歺  CJK RADICAL DEATH
    0x2E9F: 0x6BCD,  # ⺟ → 母  CJK RADICAL MOTHER  (NFKC maps it too)
    0x2EA0: 0x6C11,  # ⺠ → 民  CJK RADICAL CIVILIAN
    0x2EA1: 0x6C35,  # ⺡ → 氵  CJK RADICAL WATER ONE
    0x2EA2: 0x6C3A,  # ⺢ → 氺  CJK RADICAL WATER TWO
    0x2EA3: 0x706C,  # ⺣ → 灬  CJK RADICAL FIRE
    0x2EA4: 0x722B,  # ⺤ → 爫  CJK RADICAL PAW ONE
    0x2EA5: 0x722B,  # ⺥ → 爫  CJK RADICAL PAW TWO
    0x2EA6: 0x4E2C,  # ⺦ → 丬  CJK RADICAL SIMPLIFIED HALF TREE TRUNK
    0x2EA7: 0x725B,  # ⺧ → 牛  CJK RADICAL COW
    0x2EA8: 0x72AD,  # ⺨ → 犭  CJK RADICAL DOG
    0x2EA9: 0x738B,  # ⺩ → 王  CJK RADICAL JADE
    0x2EAA: 0x24D14,  # ⺪ → 𤴔  CJK RADICAL BOLT OF CLOTH
    0x2EAB: 0x76EE,  # ⺫ → 目  CJK RADICAL EYE
    0x2EAC: 0x793A,  # ⺬ → 示  CJK RADICAL SPIRIT ONE
    0x2EAD: 0x793B,  # ⺭ → 礻  CJK RADICAL SPIRIT TWO
    0x2EAE: 0x25AD7,  # ⺮ → 𥫗  CJK RADICAL BAMBOO
    0x2EAF: 0x7CF9,  # ⺯ → 糹  CJK RADICAL SILK
    0x2EB0: 0x7E9F,  # ⺰ → 纟  CJK RADICAL C-SIMPLIFIED SILK
    0x2EB1: 0x7F53,  # ⺱ → 罓  CJK RADICAL NET ONE
    0x2EB2: 0x7F52,  # ⺲ → 罒  CJK RADICAL NET TWO
    0x2EB3: 0x34C1,  # ⺳ → 㓁  CJK RADICAL NET THREE
    0x2EB4: 0x5197,  # ⺴ → 冗  CJK RADICAL NET FOUR
    0x2EB5: 0x2626B,  # ⺵ → 𦉫  CJK RADICAL MESH
    0x2EB6: 0x7F8A,  # ⺶ → 羊  CJK RADICAL SHEEP
    0x2EB7: 0x2634C,  # ⺷ → 𦍌  CJK RADICAL RAM
    0x2EB8: 0x2634B,  # ⺸ → 𦍋  CJK RADICAL EWE
    0x2EB9: 0x8002,  # ⺹ → 耂  CJK RADICAL OLD
    0x2EBA: 0x8080,  # ⺺ → 肀  CJK RADICAL BRUSH ONE
    0x2EBB: 0x807F,  # ⺻ → 聿  CJK RADICAL BRUSH TWO
    0x2EBC: 0x8089,  # ⺼ → 肉  CJK RADICAL MEAT
    0x2EBD: 0x26951,  # ⺽ → 𦥑  CJK RADICAL MORTAR
    0x2EBE: 0x8279,  # ⺾ → 艹  CJK RADICAL GRASS ONE
    0x2EBF: 0x8279,  # ⺿ → 艹  CJK RADICAL GRASS TWO
    0x2EC0: 0x8279,  # ⻀ → 艹  CJK RADICAL GRASS THREE
    0x2EC1: 0x864E,  # ⻁ → 虎  CJK RADICAL TIGER
    0x2EC2: 0x8864,  # ⻂ → 衤  CJK RADICAL CLOTHES
    0x2EC3: 0x8980,  # ⻃ → 覀  CJK RADICAL WEST ONE
    0x2EC4: 0x897F,  # ⻄ → 西  CJK RADICAL WEST TWO
    0x2EC5: 0x89C1,  # ⻅ → 见  CJK RADICAL C-SIMPLIFIED SEE
    0x2EC6: 0x89D2,  # ⻆ → 角  CJK RADICAL SIMPLIFIED HORN
    0x2EC7: 0x278B2,  # ⻇ → 𧢲  CJK RADICAL HORN
    0x2EC8: 0x8BA0,  # ⻈ → 讠  CJK RADICAL C-SIMPLIFIED SPEECH
    0x2EC9: 0x8D1D,  # ⻉ → 贝  CJK RADICAL C-SIMPLIFIED SHELL
    0x2ECA: 0x27FB7,  # ⻊ → 𧾷  CJK RADICAL FOOT
    0x2ECB: 0x8F66,  # ⻋ → 车  CJK RADICAL C-SIMPLIFIED CART
    0x2ECC: 0x8FB6,  # ⻌ → 辶  CJK RADICAL SIMPLIFIED WALK
    0x2ECD: 0x8FB6,  # ⻍ → 辶  CJK RADICAL WALK ONE
    0x2ECE: 0x8FB6,  # ⻎ → 辶  CJK RADICAL WALK TWO
    0x2ECF: 0x9091,  # ⻏ → 邑  CJK RADICAL CITY
    0x2ED0: 0x9485,  # ⻐ → 钅  CJK RADICAL C-SIMPLIFIED GOLD
    0x2ED1: 0x9577,  # ⻑ → 長  CJK RADICAL LONG ONE
    0x2ED2: 0x9578,  # ⻒ → 镸  CJK RADICAL LONG TWO
    0x2ED3: 0x957F,  # ⻓ → 长  CJK RADICAL C-SIMPLIFIED LONG
    0x2ED4: 0x95E8,  # ⻔ → 门  CJK RADICAL C-SIMPLIFIED GATE
    0x2ED5: 0x28E0F,  # ⻕ → 𨸏  CJK RADICAL MOUND ONE
    0x2ED6: 0x961D,  # ⻖ → 阝  CJK RADICAL MOUND TWO
    0x2ED7: 0x96E8,  # ⻗ → 雨  CJK RADICAL RAIN
    0x2ED8: 0x9752,  # ⻘ → 青  CJK RADICAL BLUE
    0x2ED9: 0x97E6,  # ⻙ → 韦  CJK RADICAL C-SIMPLIFIED TANNED LEATHER
    0x2EDA: 0x9875,  # ⻚ → 页  CJK RADICAL C-SIMPLIFIED LEAF
    0x2EDB: 0x98CE,  # ⻛ → 风  CJK RADICAL C-SIMPLIFIED WIND
    0x2EDC: 0x98DE,  # ⻜ → 飞  CJK RADICAL C-SIMPLIFIED FLY
    0x2EDD: 0x98DF,  # ⻝ → 食  CJK RADICAL EAT ONE
    0x2EDE: 0x2967F,  # ⻞ → 𩙿  CJK RADICAL EAT TWO
    0x2EDF: 0x98E0,  # ⻟ → 飠  CJK RADICAL EAT THREE
    0x2EE0: 0x9963,  # ⻠ → 饣  CJK RADICAL C-SIMPLIFIED EAT
    0x2EE1: 0x29810,  # ⻡ → 𩠐  CJK RADICAL HEAD
    0x2EE2: 0x9A6C,  # ⻢ → 马  CJK RADICAL C-SIMPLIFIED HORSE
    0x2EE3: 0x9AA8,  # ⻣ → 骨  CJK RADICAL BONE
    0x2EE4: 0x9B3C,  # ⻤ → 鬼  CJK RADICAL GHOST
    0x2EE5: 0x9C7C,  # ⻥ → 鱼  CJK RADICAL C-SIMPLIFIED FISH
    0x2EE6: 0x9E1F,  # ⻦ → 鸟  CJK RADICAL C-SIMPLIFIED BIRD
    0x2EE7: 0x5364,  # ⻧ → 卤  CJK RADICAL C-SIMPLIFIED SALT
    0x2EE8: 0x9EA6,  # ⻨ → 麦  CJK RADICAL SIMPLIFIED WHEAT
    0x2EE9: 0x9EC4,  # ⻩ → 黄  CJK RADICAL SIMPLIFIED YELLOW
    0x2EEA: 0x9EFE,  # ⻪ → 黾  CJK RADICAL C-SIMPLIFIED FROG
    0x2EEB: 0x6589,  # ⻫ → 斉  CJK RADICAL J-SIMPLIFIED EVEN
    0x2EEC: 0x9F50,  # ⻬ → 齐  CJK RADICAL C-SIMPLIFIED EVEN
    0x2EED: 0x6B6F,  # ⻭ → 歯  CJK RADICAL J-SIMPLIFIED TOOTH
    0x2EEE: 0x9F7F,  # ⻮ → 齿  CJK RADICAL C-SIMPLIFIED TOOTH
    0x2EEF: 0x7ADC,  # ⻯ → 竜  CJK RADICAL J-SIMPLIFIED DRAGON
    0x2EF0: 0x9F99,  # ⻰ → 龙  CJK RADICAL C-SIMPLIFIED DRAGON
    0x2EF1: 0x9F9C,  # ⻱ → 龜  CJK RADICAL TURTLE
    0x2EF2: 0x4E80,  # ⻲ → 亀  CJK RADICAL J-SIMPLIFIED TURTLE
    0x2EF3: 0x9F9F,  # ⻳ → 龟  CJK RADICAL C-SIMPLIFIED TURTLE  (NFKC maps it too)
}

_ZERO_WIDTH = {0x200B: None, 0xFEFF: None}  # zero-width space and BOM, common debris of PDF extraction
_TRANSLATION = str.maketrans({**RADICALS_SUPPLEMENT, **_ZERO_WIDTH})
_HORIZONTAL_SPACE = re.compile(r"[^\S\n]+")
_SPACE_AROUND_NEWLINE = re.compile(r" ?\n ?")


def normalize_text(s: str) -> str:
    """NFKC-normalize ``s``, map CJK Radicals Supplement characters to unified ideographs and drop
    zero-width spaces and BOMs.

    >>> normalize_text("⾦融 ⻘山 ㈱ＡＢＣ ｶﾌﾞｼｷｶﾞｲｼｬ")
    '金融 青山 (株)ABC カブシキガイシャ'
    """
    return unicodedata.normalize("NFKC", s).translate(_TRANSLATION)


def collapse_spaces(s: str) -> str:
    """Collapse each run of horizontal whitespace (spaces, tabs, U+3000, NBSP …) to one ASCII space,
    drop spaces next to line breaks and strip both ends. Line breaks are kept.

    >>> collapse_spaces("  株式会社\\u3000 ABC\\t商事 ")
    '株式会社 ABC 商事'
    """
    return _SPACE_AROUND_NEWLINE.sub("\n", _HORIZONTAL_SPACE.sub(" ", s)).strip()
