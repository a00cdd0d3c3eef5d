"""Realistic Japanese qualified invoices (適格請求書) as text PDFs, with the fields a perfect reader returns.

Eight fictitious issuers, each with its own layout, font, numbering and tax rounding, bill a handful of
fictitious customers. Every issuer has a valid corporate registration number (check digit from
``stdnum.jp.cn``). Layouts:

- ``A``: classic 請求書: title centred, recipient 御中 top left, issuer block top right, ruled table
  品名/数量/単価/金額, totals 小計/消費税/合計 and per-rate lines 「10%対象 ¥x 消費税 ¥y」, ※ on
  reduced-rate lines.
- ``B``: 御請求書: a ruled header box (labels above values), a big ご請求金額 box first, an unruled table
  with a 単位 column, ★ marks, and a rate table 税率/対象金額/消費税額.
- ``C``: 内税: tax-inclusive unit prices and amounts, a 税率 column, 「うち消費税」 per rate.
- ``D``: era dates (令和6年4月30日) and full-width digits, ㈱/㈲ abbreviations, お振込期限, 摘要 column.
- ``E``: 適格請求書: dotted dates, a No. column and a delivery date per line, a 軽 mark in a 税率 column,
  a discount line (△), amounts printed under their labels, a 区分/税抜金額/消費税額/税込金額 rate table and
  the issuer block at the bottom of the page.

The same seed gives byte-identical files (reportlab ``invariant`` mode and a fixed creation date).
``sandbox`` never imports ``robots``: the expected values are computed here, independently of the reader.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any

import jpholiday
from reportlab.lib.colors import Color, black, white
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from stdnum.jp import cn

__all__ = ["LAYOUTS", "Sample", "generate_invoices", "write_broken_pdfs"]

LAYOUTS: tuple[str, ...] = ("A", "B", "C", "D", "E")

_IPAEX_GOTHIC = Path("/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf")
_IPAEX_MINCHO = Path("/usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf")
_W, _H = A4
_MM = 72 / 25.4
_GREY = Color(0.92, 0.92, 0.92)
_STAMP_RED = Color(0.85, 0.15, 0.15)


@dataclass(frozen=True)
class Sample:
    """One generated PDF and the ``fields`` object a perfect reader returns for it (document-schema.md)."""

    path: Path
    expected: dict[str, Any]
    layout: str = ""


# -- the fictitious world -----------------------------------------------------------------------------
@dataclass(frozen=True)
class _Item:
    name: str
    prices: tuple[int, ...]  # unit prices to pick from (tax excluded; layout C adds tax itself)
    unit: str = "個"
    quantities: tuple[float, ...] = (1, 2, 3, 5, 10)
    rate: int = 10
    amount_only: bool = False  # printed with no quantity or unit price (送料, 実費 …)


@dataclass(frozen=True)
class _Issuer:
    key: str  # short name for file names
    name: str  # full legal name (what the reader must return)
    printed: str  # as printed on layout D (abbreviated legal form)
    layout: str
    font: str  # "cid" (HeiseiKakuGo-W5, not embedded) or "ipaex" (embedded TTF)
    rounding: str  # "floor" or "half_up", applied once per rate
    postal: str
    address: str
    tel: str
    bank: str
    holder: str
    number_format: str  # str.format with y, m, d, yy, seq
    due_rule: str  # "next_month_end", "days_30", "month_after_next_10"
    items: tuple[_Item, ...]
    contact: str = ""
    base: str = field(default="", repr=False)  # set in _ISSUERS below


def _registration_number(key: str) -> str:
    """A valid corporate number for a fictitious company: random 12-digit base + stdnum check digit."""
    rng = random.Random(f"kuroko-issuer:{key}")
    base = "".join(rng.choice("0123456789") for _ in range(12))
    return "T" + cn.calc_check_digit(base) + base


_OFFICE = (
    _Item("コピー用紙 A4 500枚×5冊", (2180, 2380, 2480), "箱", (1, 2, 3, 4)),
    _Item("ボールペン 黒 0.5mm 10本入", (980, 1080), "箱", (1, 2, 3)),
    _Item("トナーカートリッジ TN-29J", (8900, 12800), "本", (1, 2)),
    _Item("クリアファイル A4 100枚", (1280, 1480), "袋", (1, 2, 5)),
    _Item("ドリップコーヒー 100袋", (2480, 2980), "箱", (1, 2, 3), rate=8),
    _Item("ミネラルウォーター 500ml×24本", (1680, 1980), "ケース", (1, 2, 4), rate=8),
    _Item("緑茶ティーバッグ 50袋", (780, 880), "箱", (2, 3, 5), rate=8),
    _Item("配送料", (800, 1100), amount_only=True),
)
_LOGISTICS = (
    _Item("チャーター便 東京→横浜 (2t車)", (28000, 32000), "台", (1, 2)),
    _Item("宅配便 60サイズ", (980, 1150), "個", (10, 24, 36, 50)),
    _Item("保管料 (1パレット/月)", (3500, 4200), "パレット", (4, 6, 8, 12)),
    _Item("入出庫作業料", (120, 150), "ケース", (40, 80, 120)),
    _Item("梱包資材費", (3800, 5600), amount_only=True),
    _Item("高速道路料金 (実費)", (2310, 4620), amount_only=True),
    _Item("ピッキング作業料", (45, 60), "点", (200, 350, 500)),
    _Item("燃料サーチャージ", (1500, 2400), amount_only=True),
)
_PRODUCE = (
    _Item("キャベツ 10kg", (1800, 2200, 2600), "箱", (2, 3, 5), rate=8),
    _Item("たまねぎ 北海道産 20kg", (3200, 3600), "箱", (1, 2, 3), rate=8),
    _Item("トマト 4kg", (2400, 2900), "箱", (2, 4), rate=8),
    _Item("じゃがいも 10kg", (1900, 2300), "箱", (1, 2, 3), rate=8),
    _Item("りんご ふじ 5kg", (3800, 4500), "箱", (1, 2), rate=8),
    _Item("長ねぎ 5kg", (2700, 3100), "箱", (1, 2), rate=8),
    _Item("保冷剤", (150, 200), "個", (5, 10), rate=10),
    _Item("配送料", (1200, 1500), amount_only=True, rate=10),
)
_IT = (
    _Item("システム保守費 ({month}月分)", (80000, 120000, 150000), "式", (1,)),
    _Item("追加開発 作業費", (8000, 9500), "時間", (2.5, 4, 7.5, 12)),
    _Item("クラウドサーバー利用料 ({month}月分)", (12800, 24800), "月", (1,)),
    _Item("ドメイン更新費用 (example.jp)", (3520,), "件", (1, 2)),
    _Item("SSL証明書 (1年)", (9800, 19800), "件", (1,)),
    _Item("オンサイト対応 出張費", (15000,), "回", (1, 2)),
    _Item("ヘルプデスク対応 (超過分)", (5000,), "件", (3, 5, 8)),
    _Item("交通費 (実費)", (1240, 2680), amount_only=True),
)
_FOOD = (
    _Item("幕の内弁当", (860, 980, 1080), "個", (10, 15, 20, 30), rate=8),
    _Item("おにぎりセット", (420, 480), "個", (20, 40), rate=8),
    _Item("ペットボトル緑茶 500ml", (130, 150), "本", (24, 48), rate=8),
    _Item("オードブル盛合せ (5人前)", (5400, 6480), "台", (1, 2, 3), rate=8),
    _Item("会議用お菓子詰合せ", (2160, 3240), "箱", (1, 2), rate=8),
    _Item("使い捨て容器・割り箸", (1100, 1650), "式", (1,), rate=10),
    _Item("配達料", (1100, 2200), amount_only=True, rate=10),
    _Item("紙おしぼり 100枚", (660, 880), "袋", (1, 2), rate=10),
)
_FACILITY = (
    _Item("定期清掃 (オフィス {month}月分)", (48000, 55000, 66000), "式", (1,)),
    _Item("ウォーターサーバーレンタル", (1100, 1320), "台", (1, 2)),
    _Item("天然水ボトル 12L", (1296, 1404), "本", (4, 6, 8, 10), rate=8),
    _Item("日本経済新聞 ({month}月分)", (4900,), "部", (1, 2), rate=8),
    _Item("マット交換", (1650, 2200), "枚", (2, 4, 6)),
    _Item("窓ガラス清掃", (22000, 33000), "式", (1,)),
    _Item("トイレットペーパー 48ロール", (3960, 4620), "ケース", (1, 2)),
    _Item("出張作業費", (5500,), "回", (1,)),
)
_PRINT = (
    _Item("名刺印刷 (両面カラー 100枚)", (1800, 2400), "箱", (2, 4, 6, 10)),
    _Item("会社案内パンフレット A4 8P", (98, 120, 145), "部", (500, 1000, 2000)),
    _Item("封筒 長3 社名入り", (12, 15), "枚", (1000, 2000, 3000)),
    _Item("デザイン料", (30000, 50000, 80000), "式", (1,)),
    _Item("ポスター B2", (1800, 2600), "枚", (20, 50)),
    _Item("チラシ A4 片面カラー", (4, 6), "枚", (5000, 10000)),
    _Item("版下修正", (5000, 8000), "回", (1, 2)),
    _Item("送料", (1500, 3000), amount_only=True),
)
_FISH = (
    _Item("真鯛 (養殖) 1.5kg", (2800, 3400), "尾", (2, 4, 6), rate=8),
    _Item("本まぐろ 中トロ 柵", (6800, 8800), "kg", (1, 2, 3), rate=8),
    _Item("ほたて貝柱 1kg", (4800, 5600), "袋", (1, 2, 3), rate=8),
    _Item("するめいか", (580, 680), "杯", (10, 20), rate=8),
    _Item("塩さば 半身", (240, 290), "枚", (20, 40, 60), rate=8),
    _Item("発泡スチロール箱", (180, 220), "個", (5, 10, 20), rate=10),
    _Item("氷 (砕氷) 10kg", (500, 650), "袋", (2, 4), rate=8),
    _Item("冷蔵配送料", (2200, 3300), amount_only=True, rate=10),
)
_ELECTRIC = (
    _Item("LED照明器具 交換工事", (6800, 8500), "台", (4, 6, 10, 12)),
    _Item("分電盤点検", (25000, 32000), "式", (1,)),
    _Item("LANケーブル敷設 (Cat6)", (3200, 4500), "本", (4, 8, 12)),
    _Item("コンセント増設", (9800, 12000), "箇所", (1, 2, 3)),
    _Item("非常灯バッテリー交換", (7200, 8800), "台", (2, 4)),
    _Item("高所作業車 使用料", (28000, 35000), "日", (1, 2)),
    _Item("産業廃棄物処理費", (5000, 8000), amount_only=True),
    _Item("出張費", (3000, 5000), amount_only=True),
)
_BAKERY = (
    _Item("食パン 1.5斤", (480, 560), "本", (5, 10, 20), rate=8),
    _Item("クロワッサン", (220, 260), "個", (20, 30, 50), rate=8),
    _Item("ミックスサンド", (580, 680), "パック", (10, 20), rate=8),
    _Item("焼き菓子詰合せ (12個入)", (2800, 3500), "箱", (1, 2, 3), rate=8),
    _Item("ケータリングサービス料", (15000, 20000), "式", (1,)),
    _Item("保冷バッグ", (300, 450), "個", (2, 5)),
    _Item("紙袋 (大)", (50, 80), "枚", (20, 50)),
    _Item("配達料", (1500, 2500), amount_only=True),
)
_DISCOUNT = _Item("お値引き", (-500, -1000, -2000, -3000), amount_only=True)

_ISSUERS: tuple[_Issuer, ...] = (
    _Issuer(
        "サンプル商事",
        "株式会社サンプル商事",
        "㈱サンプル商事",
        "A",
        "cid",
        "floor",
        "〒101-0047",
        "東京都千代田区内神田2-4-6 内神田ビル5F",
        "TEL 03-5289-7711",
        "みずほ銀行 神田支店 普通 1234567",
        "カ)サンプルショウジ",
        "INV-{y}{m:02d}-{seq:04d}",
        "next_month_end",
        _OFFICE,
        "担当: 佐藤",
    ),
    _Issuer(
        "東京ロジテック",
        "東京ロジテック株式会社",
        "東京ロジテック㈱",
        "A",
        "ipaex",
        "floor",
        "〒140-0002",
        "東京都品川区東品川3-15-9",
        "TEL 03-6712-4480 / FAX 03-6712-4481",
        "三井住友銀行 品川支店 当座 0456789",
        "トウキヨウロジテツク(カ",
        "TL-{yy}-{seq:05d}",
        "days_30",
        _LOGISTICS,
        "営業部 高橋",
    ),
    _Issuer(
        "みどり青果",
        "有限会社みどり青果",
        "㈲みどり青果",
        "B",
        "ipaex",
        "half_up",
        "〒330-0843",
        "埼玉県さいたま市大宮区吉敷町1-103",
        "TEL 048-641-2290",
        "埼玉りそな銀行 大宮支店 普通 3344556",
        "ユ)ミドリセイカ",
        "{yy}{m:02d}-{seq:04d}",
        "next_month_end",
        _PRODUCE,
    ),
    _Issuer(
        "ネクストリンク",
        "合同会社ネクストリンク",
        "(同)ネクストリンク",
        "B",
        "cid",
        "floor",
        "〒150-0002",
        "東京都渋谷区渋谷1-12-8 渋谷ネクストビル7F",
        "TEL 03-4577-9012",
        "楽天銀行 第一営業支店 普通 7012345",
        "ド)ネクストリンク",
        "NL{y}{m:02d}{seq:03d}",
        "month_after_next_10",
        _IT,
        "担当: 伊藤",
    ),
    _Issuer(
        "やまびこ食品",
        "株式会社やまびこ食品",
        "㈱やまびこ食品",
        "C",
        "cid",
        "floor",
        "〒460-0008",
        "愛知県名古屋市中区栄3-18-1",
        "TEL 052-261-7788",
        "三菱UFJ銀行 名古屋営業部 普通 2233445",
        "カ)ヤマビコシヨクヒン",
        "YB-{y}-{seq:04d}",
        "next_month_end",
        _FOOD,
    ),
    _Issuer(
        "ひかり総合サービス",
        "ひかり総合サービス株式会社",
        "ひかり総合サービス㈱",
        "C",
        "ipaex",
        "floor",
        "〒530-0001",
        "大阪府大阪市北区梅田1-1-3 大阪駅前第3ビル12F",
        "TEL 06-6341-5500",
        "りそな銀行 梅田支店 普通 5566778",
        "ヒカリソウゴウサ-ビス(カ",
        "H{y}{m:02d}{d:02d}-{seq:02d}",
        "days_30",
        _FACILITY,
        "担当: 中村",
    ),
    _Issuer(
        "北斗印刷",
        "株式会社北斗印刷",
        "㈱北斗印刷",
        "D",
        "cid",
        "floor",
        "〒060-0001",
        "北海道札幌市中央区北一条西4-2-2",
        "TEL 011-231-4567",
        "北洋銀行 本店営業部 普通 8899001",
        "カ)ホクトインサツ",
        "第{y}-{seq:04d}号",
        "next_month_end",
        _PRINT,
    ),
    _Issuer(
        "丸福水産",
        "丸福水産株式会社",
        "丸福水産㈱",
        "D",
        "ipaex",
        "floor",
        "〒812-0031",
        "福岡県福岡市博多区沖浜町12-1",
        "TEL 092-281-3300",
        "福岡銀行 博多駅前支店 普通 6677889",
        "マルフクスイサン(カ",
        "MF{yy}{m:02d}-{seq:03d}",
        "days_30",
        _FISH,
    ),
    _Issuer(
        "アオバ電設",
        "株式会社アオバ電設",
        "㈱アオバ電設",
        "E",
        "ipaex",
        "floor",
        "〒980-0021",
        "宮城県仙台市青葉区中央2-9-10 青葉第2ビル3F",
        "TEL 022-266-1357",
        "七十七銀行 本店営業部 普通 4455667",
        "カ)アオバデンセツ",
        "AD-{y}{m:02d}-{seq:03d}",
        "next_month_end",
        _ELECTRIC,
        "担当: 渡辺",
    ),
    _Issuer(
        "さくらベーカリー",
        "さくらベーカリー株式会社",
        "さくらベーカリー㈱",
        "E",
        "cid",
        "floor",
        "〒231-0023",
        "神奈川県横浜市中区山下町118",
        "TEL 045-664-8080",
        "横浜銀行 関内支店 普通 1122334",
        "サクラベ-カリ-(カ",
        "SB{yy}-{seq:04d}",
        "days_30",
        _BAKERY,
    ),
)
_REGISTRATION: dict[str, str] = {i.key: _registration_number(i.key) for i in _ISSUERS}

# (full legal name, as printed on layout D)
_RECIPIENTS: tuple[tuple[str, str], ...] = (
    ("株式会社黒子商店", "㈱黒子商店"),
    ("青空建設株式会社", "青空建設㈱"),
    ("株式会社みらい企画", "㈱みらい企画"),
    ("有限会社たなか工務店", "㈲たなか工務店"),
    ("合同会社ソラノ", "(同)ソラノ"),
    ("株式会社ABCホールディングス", "㈱ABCホールディングス"),
)


# -- amounts ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Line:
    description: str  # as the reader returns it (NFKC, no mark)
    quantity: float | None
    unit: str
    unit_price: int | None
    amount: int  # as printed: net (外税) or gross (内税)
    rate: int


@dataclass(frozen=True)
class _Bucket:
    rate: int
    base: int  # printed base: net (外税) or gross (内税)
    net: int
    tax: int


@dataclass(frozen=True)
class _Doc:
    issuer: _Issuer
    recipient: tuple[str, str]
    number: str
    issue: dt.date
    due: dt.date
    inclusive: bool
    lines: tuple[_Line, ...]
    buckets: tuple[_Bucket, ...]  # rate descending
    variant: int = 0  # 0..99, for optional parts of a layout

    @property
    def total(self) -> int:
        return sum(b.net + b.tax for b in self.buckets)

    @property
    def subtotal(self) -> int:
        return sum(b.net for b in self.buckets)

    @property
    def tax(self) -> int:
        return sum(b.tax for b in self.buckets)

    @property
    def reduced(self) -> bool:
        return any(b.rate == 8 for b in self.buckets)


def _round(value: Decimal, rounding: str) -> int:
    mode = ROUND_HALF_UP if rounding == "half_up" else ROUND_FLOOR
    return int(value.quantize(Decimal(1), rounding=mode))


def _buckets(lines: Sequence[_Line], *, inclusive: bool, rounding: str) -> tuple[_Bucket, ...]:
    """Tax rounded ONCE per rate over the sum of that rate's lines (domain-ja.md §1), never per line."""
    out = []
    for rate in sorted({ln.rate for ln in lines}, reverse=True):
        base = sum(ln.amount for ln in lines if ln.rate == rate)
        if inclusive:
            tax = _round(Decimal(base) * rate / (100 + rate), rounding)
            out.append(_Bucket(rate, base, base - tax, tax))
        else:
            tax = _round(Decimal(base) * rate / 100, rounding)
            out.append(_Bucket(rate, base, base, tax))
    return tuple(out)


# -- dates --------------------------------------------------------------------------------------------
def _bank_business_day(d: dt.date) -> bool:
    return (
        d.weekday() < 5
        and not jpholiday.is_holiday(d)
        and not (d.month == 12 and d.day == 31)
        and not (d.month == 1 and d.day <= 3)
    )


def _previous_business_day(d: dt.date) -> dt.date:
    while not _bank_business_day(d):
        d -= dt.timedelta(days=1)
    return d


def _month_end(year: int, month: int) -> dt.date:
    first_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


def _due(issue: dt.date, rule: str) -> dt.date:
    if rule == "days_30":
        due = issue + dt.timedelta(days=30)
    elif rule == "month_after_next_10":
        month = issue.month + 2
        due = dt.date(issue.year + (month - 1) // 12, (month - 1) % 12 + 1, 10)
    else:
        month = issue.month + 1
        due = _month_end(issue.year + (month - 1) // 12, (month - 1) % 12 + 1)
    return _previous_business_day(due)


def _issue_date(rng: random.Random) -> dt.date:
    year, month = rng.choice((2024, 2025)), rng.randint(1, 12)
    if rng.random() < 0.5:  # 締め日: most invoices are dated at the month end
        day = _month_end(year, month)
    else:
        day = dt.date(year, month, rng.choice((5, 10, 15, 20, 25)))
    return day


# -- building one invoice -----------------------------------------------------------------------------
def _nfkc(s: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", s)).strip()


def _make_doc(rng: random.Random, issuer: _Issuer, seq: int) -> _Doc:
    issue = _issue_date(rng)
    period = (issue.month - 2) % 12 + 1 if issue.day < 25 else issue.month  # 当月締め or 前月分
    inclusive = issuer.layout == "C"
    n_lines = rng.choice((1, 2, 3, 3, 4, 4, 5, 6, 7, 8))
    items = rng.sample(issuer.items, n_lines)
    if issuer.layout in ("A", "B", "D", "E") and rng.random() < 0.35:
        # some invoices of mixed-rate issuers are 10% only, and some of mostly-8% issuers are 8% only
        major = 10 if sum(i.rate == 10 for i in issuer.items) >= len(issuer.items) / 2 else 8
        same = [i for i in issuer.items if i.rate == major]
        items = rng.sample(same, min(n_lines, len(same)))
    lines = []
    for item in items:
        price = rng.choice(item.prices)
        if inclusive:
            price = int(Decimal(price) * (100 + item.rate) / 100 // 10 * 10)  # a tax-included price tag
        desc = _nfkc(item.name.format(month=period))
        if item.amount_only:
            lines.append(_Line(desc, None, "", None, price, item.rate))
            continue
        qty = rng.choice(item.quantities)
        amount = int(Decimal(str(qty)) * price)
        lines.append(_Line(desc, float(qty), item.unit, price, amount, item.rate))
    if issuer.layout == "E" and lines and rng.random() < 0.4:
        price = rng.choice(_DISCOUNT.prices)
        if sum(ln.amount for ln in lines if ln.rate == 10) > -price * 3:
            lines.append(_Line(_DISCOUNT.name, None, "", None, price, 10))
    recipient = rng.choice(_RECIPIENTS)
    number = issuer.number_format.format(
        y=issue.year, yy=issue.year % 100, m=issue.month, d=issue.day, seq=seq
    )
    buckets = _buckets(lines, inclusive=inclusive, rounding=issuer.rounding)
    return _Doc(
        issuer,
        recipient,
        number,
        issue,
        _due(issue, issuer.due_rule),
        inclusive,
        tuple(lines),
        buckets,
        rng.randrange(100),
    )


def _expected(doc: _Doc) -> dict[str, Any]:
    return {
        "issuer": doc.issuer.name,
        "registration_number": _REGISTRATION[doc.issuer.key],
        "registration_number_valid": True,
        "invoice_number": _nfkc(doc.number),
        "issue_date": doc.issue.isoformat(),
        "due_date": doc.due.isoformat(),
        "recipient": doc.recipient[0],
        "total": doc.total,
        "tax_inclusive_pricing": doc.inclusive,
        "tax_breakdown": [{"rate": b.rate, "net": b.net, "tax": b.tax} for b in doc.buckets],
        "lines": [
            {
                "description": ln.description,
                "quantity": ln.quantity,
                "unit_price": ln.unit_price,
                "amount": ln.amount,
                "rate": ln.rate,
            }
            for ln in doc.lines
        ],
        "needs_ocr": False,
    }


# -- drawing ------------------------------------------------------------------------------------------
@cache
def _fonts(kind: str) -> tuple[str, str]:
    """(gothic, mincho) font names, registered once: built-in CID fonts or embedded IPAex TrueType."""
    if kind == "ipaex" and _IPAEX_GOTHIC.exists() and _IPAEX_MINCHO.exists():
        pdfmetrics.registerFont(TTFont("IPAexGothic", str(_IPAEX_GOTHIC)))
        pdfmetrics.registerFont(TTFont("IPAexMincho", str(_IPAEX_MINCHO)))
        return "IPAexGothic", "IPAexMincho"
    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiKakuGo-W5"))
    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiMin-W3"))
    return "HeiseiKakuGo-W5", "HeiseiMin-W3"


_FULL_WIDTH = str.maketrans("0123456789,.-/", "０１２３４５６７８９，．－／")


def _zen(s: str) -> str:
    return s.translate(_FULL_WIDTH)


def _yen(n: int, mark: str = "¥") -> str:
    return f"{mark}{n:,}"


def _num(q: float | None) -> str:
    if q is None:
        return ""
    return f"{q:g}"


def _wareki(d: dt.date) -> str:
    return f"令和{d.year - 2018}年{d.month}月{d.day}日"


class _Pen:
    """A canvas with the issuer's fonts and a few drawing shortcuts (y grows downwards from the top, mm)."""

    def __init__(self, c: Canvas, kind: str) -> None:
        self.c = c
        self.gothic, self.mincho = _fonts(kind)

    def text(
        self,
        x: float,
        y: float,
        s: str,
        size: float = 9,
        *,
        align: str = "left",
        mincho: bool = False,
        color: Color = black,
    ) -> None:
        c = self.c
        c.setFillColor(color)
        c.setFont(self.mincho if mincho else self.gothic, size)
        px, py = x * _MM, _H - y * _MM
        if align == "right":
            c.drawRightString(px, py, s)
        elif align == "center":
            c.drawCentredString(px, py, s)
        else:
            c.drawString(px, py, s)
        c.setFillColor(black)

    def hline(self, x0: float, x1: float, y: float, width: float = 0.5) -> None:
        self.c.setLineWidth(width)
        self.c.line(x0 * _MM, _H - y * _MM, x1 * _MM, _H - y * _MM)

    def vline(self, x: float, y0: float, y1: float, width: float = 0.5) -> None:
        self.c.setLineWidth(width)
        self.c.line(x * _MM, _H - y0 * _MM, x * _MM, _H - y1 * _MM)

    def box(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        *,
        fill: Color | None = None,
        width: float = 0.5,
        stroke: Color = black,
    ) -> None:
        c = self.c
        c.setLineWidth(width)
        c.setStrokeColor(stroke)
        if fill is not None:
            c.setFillColor(fill)
        c.rect(x * _MM, _H - (y + h) * _MM, w * _MM, h * _MM, stroke=1, fill=1 if fill is not None else 0)
        c.setFillColor(black)
        c.setStrokeColor(black)

    def stamp(self, x: float, y: float) -> None:
        """A red square company seal (角印), drawn as shapes only."""
        self.box(x, y, 16, 16, width=1.2, stroke=_STAMP_RED)
        self.box(x + 1.2, y + 1.2, 13.6, 13.6, width=0.4, stroke=_STAMP_RED)

    def table(
        self,
        x: float,
        y: float,
        cols: Sequence[tuple[str, float, str]],
        rows: Sequence[Sequence[str]],
        *,
        ruled: bool,
        size: float = 9,
        row_h: float = 7.5,
        header_fill: Color | None = _GREY,
        min_rows: int = 0,
    ) -> float:
        """Draw a table; ``cols`` are (header, width mm, align). Returns the y below it."""
        width = sum(w for _, w, _ in cols)
        n = max(len(rows), min_rows)
        if ruled:
            self.box(x, y, width, row_h, fill=header_fill)
        else:
            self.hline(x, x + width, y + row_h, 0.8)
        cx = x
        for header, w, _ in cols:
            self.text(cx + w / 2, y + row_h - 2.3, header, size, align="center")
            cx += w
        for r in range(n):
            top = y + row_h * (r + 1)
            if ruled:
                self.box(x, top, width, row_h)
            cells = rows[r] if r < len(rows) else ["" for _ in cols]
            cx = x
            for (_, w, align), cell in zip(cols, cells, strict=True):
                if cell:
                    if align == "right":
                        self.text(cx + w - 2, top + row_h - 2.3, cell, size, align="right")
                    elif align == "center":
                        self.text(cx + w / 2, top + row_h - 2.3, cell, size, align="center")
                    else:
                        self.text(cx + 2, top + row_h - 2.3, cell, size)
                cx += w
        if ruled:
            cx = x
            for _, w, _ in cols[:-1]:
                cx += w
                self.vline(cx, y, y + row_h * (n + 1))
        else:
            self.hline(x, x + width, y + row_h * (n + 1), 0.8)
        return y + row_h * (n + 1)


def _layout_a(pen: _Pen, doc: _Doc) -> None:
    """Classic 請求書: title centred, recipient left, issuer right, ruled table, totals and ※ legend."""
    iss = doc.issuer
    pen.text(105, 22, "請 求 書", 20, align="center", mincho=True)
    pen.hline(85, 125, 24.5, 0.8)
    pen.text(195, 32, f"請求日 {doc.issue.year}年{doc.issue.month}月{doc.issue.day}日", 9, align="right")
    pen.text(195, 37, f"請求番号 {doc.number}", 9, align="right")
    pen.text(15, 45, f"{doc.recipient[0]} 御中", 13)
    pen.hline(15, 95, 47, 0.8)
    pen.text(15, 54, "下記のとおりご請求申し上げます。", 9)
    pen.stamp(178, 44)
    pen.text(125, 50, iss.name, 12)
    pen.text(125, 56, iss.postal, 8)
    pen.text(125, 60.5, iss.address, 8)
    pen.text(125, 65, iss.tel, 8)
    pen.text(125, 69.5, f"登録番号 {_REGISTRATION[iss.key]}", 8)
    if iss.contact:
        pen.text(125, 74, iss.contact, 8)
    pen.box(15, 62, 85, 11)
    pen.text(18, 69.5, "ご請求金額(税込)", 10)
    pen.text(97, 69.5, f"{_yen(doc.total)}-", 14, align="right")
    pen.text(15, 80, f"お支払期限 {doc.due.year}年{doc.due.month}月{doc.due.day}日", 9)
    rows = []
    for ln in doc.lines:
        mark = " ※" if ln.rate == 8 else ""
        rows.append(
            [
                ln.description + mark,
                _num(ln.quantity),
                f"{ln.unit_price:,}" if ln.unit_price is not None else "",
                f"{ln.amount:,}",
            ]
        )
    cols = [("品名", 95, "left"), ("数量", 20, "right"), ("単価", 30, "right"), ("金額", 35, "right")]
    y = pen.table(15, 86, cols, rows, ruled=True, min_rows=8)
    y += 7
    pen.text(140, y, "小計", 9)
    pen.text(195, y, _yen(doc.subtotal), 9, align="right")
    pen.text(140, y + 6, "消費税", 9)
    pen.text(195, y + 6, _yen(doc.tax), 9, align="right")
    pen.hline(138, 195, y + 8)
    pen.text(140, y + 13, "合計", 11)
    pen.text(195, y + 13, _yen(doc.total), 11, align="right")
    by = y
    for b in doc.buckets:
        pen.text(15, by, f"{b.rate}%対象", 8.5)
        pen.text(62, by, _yen(b.net), 8.5, align="right")
        pen.text(68, by, "消費税", 8.5)
        pen.text(100, by, _yen(b.tax), 8.5, align="right")
        by += 5.5
    if doc.reduced:
        pen.text(15, by + 1, "※は軽減税率対象", 8)
    pen.text(15, 250, "【振込先】", 9)
    pen.text(15, 255, f"{iss.bank}  {iss.holder}", 9)
    pen.text(15, 262, "※お振込手数料は貴社にてご負担くださいますようお願い申し上げます。", 7.5)


def _layout_b(pen: _Pen, doc: _Doc) -> None:
    """御請求書: header box (labels above values), big ご請求金額 box, unruled table, rate table, ★ marks."""
    iss = doc.issuer
    pen.text(15, 25, "御請求書", 22)
    pen.hline(15, 195, 29, 1.5)
    # header box: labels on top, values below
    labels = (
        ("No.", doc.number),
        ("発行日", doc.issue.strftime("%Y/%m/%d")),
        ("お支払期限", doc.due.strftime("%Y/%m/%d")),
    )
    x0 = 115
    for i, (label, value) in enumerate(labels):
        pen.box(x0 + i * 27, 33, 27, 6, fill=_GREY)
        pen.box(x0 + i * 27, 39, 27, 7)
        pen.text(x0 + i * 27 + 13.5, 37.3, label, 8, align="center")
        pen.text(x0 + i * 27 + 13.5, 44, value, 8, align="center")
    pen.text(15, 42, doc.recipient[0], 13)
    pen.text(98, 42, "御中", 11)
    pen.hline(15, 106, 44, 0.5)
    pen.text(15, 50, "平素は格別のお引き立てを賜り、厚く御礼申し上げます。下記の通りご請求申し上げます。", 8)
    pen.box(15, 56, 85, 15, width=1.2)
    pen.box(15, 56, 30, 15, fill=_GREY, width=1.2)
    pen.text(30, 65.5, "ご請求金額", 11, align="center")
    pen.text(97, 66, f"{_yen(doc.total, '￥')}(税込)", 15, align="right")
    pen.text(115, 55, iss.name, 12)
    pen.text(115, 61, f"{iss.postal} {iss.address}", 7.5)
    pen.text(115, 65.5, iss.tel, 7.5)
    pen.text(115, 70, f"登録番号:{_REGISTRATION[iss.key]}", 7.5)
    if iss.contact:
        pen.text(115, 74.5, iss.contact, 7.5)
    rows = []
    for ln in doc.lines:
        mark = "★" if ln.rate == 8 else ""
        rows.append(
            [
                mark + ln.description,
                _num(ln.quantity),
                ln.unit,
                f"{ln.unit_price:,}" if ln.unit_price is not None else "",
                f"{ln.amount:,}",
            ]
        )
    cols = [
        ("品目", 92, "left"),
        ("数量", 18, "right"),
        ("単位", 16, "center"),
        ("単価", 27, "right"),
        ("金額", 27, "right"),
    ]
    y = pen.table(15, 84, cols, rows, ruled=False, row_h=7, header_fill=None)
    y += 8
    pen.text(150, y, "小計", 9)
    pen.text(195, y, _yen(doc.subtotal, "￥"), 9, align="right")
    for b in doc.buckets:
        y += 5.5
        pen.text(150, y, f"消費税({b.rate}%)", 9)
        pen.text(195, y, _yen(b.tax, "￥"), 9, align="right")
    y += 6.5
    pen.hline(148, 195, y - 4.5)
    pen.text(150, y, "合計", 10)
    pen.text(195, y, _yen(doc.total, "￥"), 10, align="right")
    # rate table (a single-rate invoice may show only 消費税(10%), which names the rate)
    end = y + 2
    if len(doc.buckets) > 1 or doc.variant < 50:
        ty = y + 10
        pen.text(15, ty, "税率別内訳", 8.5)
        rate_rows = [[f"{b.rate}%", _yen(b.net, "￥"), _yen(b.tax, "￥")] for b in doc.buckets]
        end = pen.table(
            15,
            ty + 2,
            [("税率", 20, "center"), ("対象金額(税抜)", 35, "right"), ("消費税額", 30, "right")],
            rate_rows,
            ruled=True,
            size=8,
            row_h=6,
        )
    if doc.reduced:
        pen.text(15, end + 5, "★印は軽減税率(8%)対象品目です。", 8)
    pen.text(15, 246, "お振込先", 8.5)
    pen.text(15, 251, iss.bank, 8.5)
    pen.text(15, 256, f"口座名義 {iss.holder}", 8.5)
    pen.text(195, 280, "1 / 1", 7, align="right")


def _layout_c(pen: _Pen, doc: _Doc) -> None:
    """内税: tax-inclusive prices, a 税率 column and 「うち消費税」 per rate."""
    iss = doc.issuer
    pen.text(105, 20, "請求書", 18, align="center")
    pen.text(105, 26, "(税込価格表示)", 8, align="center")
    pen.text(15, 38, f"{doc.recipient[0]} 御中", 12)
    pen.hline(15, 90, 40)
    info = (
        ("請求書番号:", doc.number),
        ("請求日:", f"{doc.issue.year}年{doc.issue.month:02d}月{doc.issue.day:02d}日"),
        ("支払期日:", f"{doc.due.year}年{doc.due.month:02d}月{doc.due.day:02d}日"),
    )
    for i, (label, value) in enumerate(info):
        pen.text(140, 36 + i * 5, label, 8.5)
        pen.text(195, 36 + i * 5, value, 8.5, align="right")
    pen.text(130, 58, iss.name, 11)
    pen.text(130, 63.5, f"登録番号 {_REGISTRATION[iss.key]}", 8)
    pen.text(130, 68, iss.postal, 7.5)
    pen.text(130, 72, iss.address, 7.5)
    pen.text(130, 76, iss.tel, 7.5)
    pen.stamp(182, 44)
    pen.text(15, 52, "合計金額(税込)", 10)
    pen.text(90, 52, _yen(doc.total), 16, align="right")
    pen.hline(15, 90, 54, 1.0)
    pen.text(15, 59, f"(うち消費税 {_yen(doc.tax)})", 9)
    rows = []
    for ln in doc.lines:
        rate = f"※{ln.rate}%" if ln.rate == 8 else f"{ln.rate}%"
        rows.append(
            [
                ln.description,
                _num(ln.quantity),
                f"{ln.unit_price:,}" if ln.unit_price is not None else "",
                f"{ln.amount:,}",
                rate,
            ]
        )
    cols = [
        ("内容", 88, "left"),
        ("数量", 18, "right"),
        ("単価(税込)", 28, "right"),
        ("金額(税込)", 30, "right"),
        ("税率", 16, "center"),
    ]
    y = pen.table(15, 86, cols, rows, ruled=True, min_rows=max(5, len(rows)))
    y += 7
    pen.text(120, y, "合計(税込)", 9.5)
    pen.text(195, y, _yen(doc.total), 9.5, align="right")
    for b in doc.buckets:
        y += 5.5
        pen.text(120, y, f"{b.rate}%対象(税込)", 8.5)
        pen.text(163, y, _yen(b.base), 8.5, align="right")
        pen.text(195, y, f"(うち消費税 {_yen(b.tax)})", 8.5, align="right")
    if doc.reduced:
        pen.text(15, y + 8, "※印は軽減税率(8%)の対象です。", 8)
    pen.text(15, 240, "お支払いは下記口座へお振込みください。", 8.5)
    pen.text(15, 245, f"振込先: {iss.bank} 名義: {iss.holder}", 8.5)
    pen.box(15, 252, 180, 18)
    pen.text(17, 257, "備考", 8)
    pen.text(17, 263, "いつもご利用いただきありがとうございます。", 8)


def _layout_d(pen: _Pen, doc: _Doc) -> None:
    """Era dates, full-width digits, ㈱ abbreviations, お振込期限, 摘要 column, mincho throughout."""
    iss = doc.issuer
    pen.text(105, 22, "請　求　書", 18, align="center", mincho=True)
    pen.text(195, 32, f"発行日　{_zen(_wareki(doc.issue))}", 9, align="right", mincho=True)
    pen.text(195, 37, f"請求書番号　{doc.number}", 9, align="right", mincho=True)
    pen.text(15, 44, f"{doc.recipient[1]}　御中", 13, mincho=True)
    pen.hline(15, 95, 46)
    pen.text(125, 50, iss.printed, 12, mincho=True)
    pen.text(125, 55.5, f"{iss.postal}　{iss.address}", 7.5, mincho=True)
    pen.text(125, 60, iss.tel, 7.5, mincho=True)
    pen.text(125, 64.5, f"登録番号：{_zen(_REGISTRATION[iss.key])}", 8, mincho=True)
    pen.text(15, 56, "毎度格別のお引立てを賜り誠にありがとうございます。", 8.5, mincho=True)
    pen.text(15, 61, "下記の通りご請求申し上げます。", 8.5, mincho=True)
    pen.text(15, 70, "今回ご請求額", 11, mincho=True)
    pen.text(85, 70, f"{_zen(f'{doc.total:,}')}円", 14, align="right", mincho=True)
    pen.hline(15, 85, 72, 1.0)
    pen.text(15, 78, f"お振込期限　{_zen(_wareki(doc.due))}", 9, mincho=True)
    rows = []
    for ln in doc.lines:
        mark = "※" if ln.rate == 8 else ""
        rows.append(
            [
                ln.description + mark,
                _zen(_num(ln.quantity)),
                ln.unit,
                f"{ln.unit_price:,}" if ln.unit_price is not None else "",
                f"{ln.amount:,}",
            ]
        )
    cols = [
        ("摘要", 90, "left"),
        ("数量", 18, "right"),
        ("単位", 14, "center"),
        ("単価", 28, "right"),
        ("金額", 30, "right"),
    ]
    y = pen.table(15, 84, cols, rows, ruled=True, min_rows=6)
    y += 7
    pen.text(130, y, "税抜金額", 9, mincho=True)
    pen.text(195, y, f"{_zen(f'{doc.subtotal:,}')}円", 9, align="right", mincho=True)
    pen.text(130, y + 5.5, "消費税等", 9, mincho=True)
    pen.text(195, y + 5.5, f"{_zen(f'{doc.tax:,}')}円", 9, align="right", mincho=True)
    pen.text(130, y + 11, "合計金額", 10, mincho=True)
    pen.text(195, y + 11, f"{_zen(f'{doc.total:,}')}円", 10, align="right", mincho=True)
    by = y
    for b in doc.buckets:
        pen.text(15, by, f"(税率{b.rate}%対象　{b.net:,}円　消費税　{b.tax:,}円)", 8, mincho=True)
        by += 5
    if doc.reduced:
        pen.text(15, by + 1, "※印は軽減税率対象商品", 8, mincho=True)
    pen.text(15, 248, "お振込先：" + iss.bank, 8.5, mincho=True)
    pen.text(15, 253, "口座名義：" + iss.holder, 8.5, mincho=True)
    pen.text(15, 260, "誠に恐れ入りますが、振込手数料は貴社ご負担にてお願い致します。", 7.5, mincho=True)


def _layout_e(pen: _Pen, doc: _Doc) -> None:
    """適格請求書: No. and delivery-date columns, 軽 marks, a discount, values under labels, issuer at the
    bottom."""
    iss = doc.issuer
    pen.text(15, 22, "適格請求書", 20, mincho=True)
    pen.text(15, 28, "INVOICE", 9, color=Color(0.4, 0.4, 0.4))
    pen.hline(15, 195, 31, 2)
    pen.text(140, 40, "請求書No.", 8.5)
    pen.text(195, 40, doc.number, 8.5, align="right")
    pen.text(140, 45, "請求日", 8.5)
    pen.text(195, 45, f"{doc.issue:%Y.%m.%d}", 8.5, align="right")
    pen.text(140, 50, "お支払期日", 8.5)
    pen.text(195, 50, f"{doc.due:%Y.%m.%d}", 8.5, align="right")
    pen.text(15, 42, f"{doc.recipient[0]} 御中", 12, mincho=True)
    pen.hline(15, 100, 44)
    pen.box(15, 52, 70, 20, width=1)
    pen.text(50, 58, "ご請求金額", 9, align="center")
    pen.text(50, 68, f"{_yen(doc.total)} (税込)", 16, align="center")
    pen.text(92, 68, "下記のとおりご請求申し上げます。", 8.5)
    rows = []
    first = doc.issue.replace(day=1)
    for n, ln in enumerate(doc.lines, start=1):
        delivered = first + dt.timedelta(days=min(n * 3, 27))
        amount = f"△{-ln.amount:,}" if ln.amount < 0 else f"{ln.amount:,}"
        rate = f"{ln.rate}%軽" if ln.rate == 8 else f"{ln.rate}%"
        rows.append(
            [
                str(n),
                f"{delivered.month}/{delivered.day}",
                ln.description,
                _num(ln.quantity),
                f"{ln.unit_price:,}" if ln.unit_price is not None else "",
                amount,
                rate,
            ]
        )
    cols = [
        ("No.", 10, "center"),
        ("納品日", 16, "center"),
        ("品番・品名", 76, "left"),
        ("数量", 16, "right"),
        ("単価", 24, "right"),
        ("金額", 24, "right"),
        ("税率", 14, "center"),
    ]
    y = pen.table(15, 80, cols, rows, ruled=True, row_h=7, header_fill=Color(0.85, 0.9, 0.97))
    y += 6
    rate_rows = [[f"{b.rate}%対象", f"{b.net:,}", f"{b.tax:,}", f"{b.net + b.tax:,}"] for b in doc.buckets]
    rate_rows.append(["合計", f"{doc.subtotal:,}", f"{doc.tax:,}", f"{doc.total:,}"])
    y = pen.table(
        95,
        y,
        [
            ("区分", 25, "left"),
            ("税抜金額", 25, "right"),
            ("消費税額", 25, "right"),
            ("税込金額", 25, "right"),
        ],
        rate_rows,
        ruled=True,
        size=8.5,
        row_h=6.5,
    )
    if doc.reduced:
        pen.text(15, y + 6, "「軽」は軽減税率(8%)対象であることを示します。", 8)
    pen.hline(15, 195, 228, 0.8)
    pen.text(15, 236, iss.name, 11, mincho=True)
    pen.text(15, 241.5, f"登録番号：{_REGISTRATION[iss.key]}", 8.5)
    pen.text(15, 246.5, f"{iss.postal} {iss.address}", 7.5)
    pen.text(15, 251, iss.tel + (f"  {iss.contact}" if iss.contact else ""), 7.5)
    pen.stamp(82, 232)
    pen.text(120, 236, "お振込先", 8.5)
    pen.text(120, 241.5, iss.bank, 8.5)
    pen.text(120, 246.5, f"口座名義 {iss.holder}", 8.5)


_DRAW: dict[str, Callable[[_Pen, _Doc], None]] = {
    "A": _layout_a,
    "B": _layout_b,
    "C": _layout_c,
    "D": _layout_d,
    "E": _layout_e,
}
_UNSAFE = re.compile(r'[/\\:*?"<>|\s]+')


def _file_name(doc: _Doc) -> str:
    return _UNSAFE.sub("_", f"請求書_{doc.issuer.key}_{_nfkc(doc.number)}") + ".pdf"


def _canvas(path: Path, *, created: dt.date, title: str, author: str, **kw: Any) -> Canvas:
    c = Canvas(str(path), pagesize=A4, invariant=1, **kw)
    stamp = f"D:{created:%Y%m%d}090000+09'00'"
    c.setDateFormatter(lambda *_: stamp)
    c.setTitle(title)
    c.setAuthor(author)
    c.setCreator("Kuroko sample generator")
    return c


def _render(doc: _Doc, path: Path) -> None:
    c = _canvas(path, created=doc.issue, title=f"請求書 {doc.number}", author=doc.issuer.name)
    _DRAW[doc.issuer.layout](_Pen(c, doc.issuer.font), doc)
    c.showPage()
    c.save()


def generate_invoices(
    out_dir: Path, *, count: int = 6, seed: int = 0, layouts: Sequence[str] | None = None
) -> list[Sample]:
    """Write ``count`` invoice PDFs into ``out_dir`` and return them with their expected fields.

    Layouts cycle through ``layouts`` (default: all of :data:`LAYOUTS`, in a seed-dependent order), so
    any ``count >= len(layouts)`` covers every layout. The same ``seed`` gives byte-identical files.
    """
    chosen = list(LAYOUTS if layouts is None else layouts)
    unknown = sorted(set(chosen) - set(LAYOUTS))
    if not chosen or unknown:
        raise ValueError(f"layouts must be taken from {', '.join(LAYOUTS)}; got {unknown or 'none'}")
    rng = random.Random(seed)
    rng.shuffle(chosen)
    out_dir.mkdir(parents=True, exist_ok=True)
    samples: list[Sample] = []
    used: set[str] = set()
    seqs = {i.key: rng.randint(1, 400) for i in _ISSUERS}
    for n in range(count):
        layout = chosen[n % len(chosen)]
        issuer = rng.choice([i for i in _ISSUERS if i.layout == layout])
        while True:
            seqs[issuer.key] += rng.randint(1, 9)
            doc = _make_doc(rng, issuer, seqs[issuer.key])
            name = _file_name(doc)
            if name not in used:
                break
        used.add(name)
        path = out_dir / name
        _render(doc, path)
        samples.append(Sample(path=path, expected=_expected(doc), layout=layout))
    return samples


# -- broken files for error tests ---------------------------------------------------------------------
def write_broken_pdfs(out_dir: Path) -> dict[str, Path]:
    """Files a reader must refuse cleanly: ``empty``, ``truncated``, ``not_a_pdf``, ``encrypted`` and
    ``no_text`` (a drawing with no text layer, as a scan would be)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}

    empty = out_dir / "empty.pdf"
    empty.write_bytes(b"")
    paths["empty"] = empty

    whole = generate_invoices(out_dir / ".whole", count=1, seed=4242)[0].path
    data = whole.read_bytes()
    truncated = out_dir / "truncated.pdf"
    truncated.write_bytes(data[: len(data) // 2])
    whole.unlink()
    whole.parent.rmdir()
    paths["truncated"] = truncated

    not_pdf = out_dir / "not_a_pdf.pdf"
    not_pdf.write_text(
        "請求書\n株式会社サンプル商事\n合計 11,000円\n(これはPDFではなくテキストファイルです)\n",
        encoding="utf-8",
    )
    paths["not_a_pdf"] = not_pdf

    encrypted = out_dir / "encrypted.pdf"
    c = _canvas(
        encrypted,
        created=dt.date(2024, 4, 30),
        title="請求書",
        author="株式会社サンプル商事",
        encrypt="kuroko-user-password",
    )
    pen = _Pen(c, "cid")
    pen.text(105, 22, "請求書", 20, align="center")
    pen.text(15, 45, "株式会社黒子商店 御中", 13)
    pen.text(15, 60, "合計 ¥11,000", 12)
    c.showPage()
    c.save()
    paths["encrypted"] = encrypted

    no_text = out_dir / "no_text.pdf"
    c = _canvas(no_text, created=dt.date(2024, 4, 30), title="scan", author="scanner")
    pen = _Pen(c, "cid")
    pen.box(15, 15, 180, 260, fill=Color(0.97, 0.97, 0.95))
    for i in range(12):  # grey bars where a scanner's text would be
        pen.box(20, 30 + i * 12, 60 + (i * 37) % 110, 4, fill=Color(0.6, 0.6, 0.6), stroke=white)
    pen.stamp(170, 30)
    c.showPage()
    c.save()
    paths["no_text"] = no_text
    return paths
