"""Contract batches for the contract_dispatch flow: small contract PDFs and the Excel list (契約送付リスト)
that names them, one row per contract with 1-3 signers, plus rows with the mistakes people make.

:func:`generate_contract_batch` writes ``out_dir/contracts/*.pdf`` and ``out_dir/契約送付リスト.xlsx``;
:func:`plan_contract_batch` gives, for the same arguments, what a perfect reader finds in that list (row
numbers, files, titles, references, signers) and, for each broken row, its mistake and the column at fault.
The same arguments give byte-identical files. ``sandbox`` never imports ``robots``: every expected value is
written here, independently of the reader.

The list's layout depends on the seed (``seed % 3``), the way companies' own lists differ:

- ``A``: a title and a 作成日 row above the header ファイル | タイトル | 管理番号 | 署名者1 氏名 |
  署名者1 メールアドレス | … | 備考; paths with ``/``; emails typed with spaces around them; some rows
  without a 管理番号.
- ``B``: No. | 契約書ファイル | 件名 | 管理番号 (Excel numbers) | 送付予定日 (Excel dates) | 署名者名1 |
  メール1 | …; paths typed with Windows separators (``contracts\\…``); an email typed in full-width letters;
  numbered template rows left empty below the data.
- ``C``: a two-row header (``署名者1`` merged over 氏名 | メールアドレス), 契約書名 first, names with
  full-width spaces, a blank row inside the data and a ``※`` note below it.

Mistakes (:data:`MISTAKES`), one per broken row, in turn: ``missing_file`` (the list names
``…_最終版.pdf``, the folder holds the PDF under its first name), ``bad_email`` (a typo in one signer's
address), ``no_signer`` (signers left blank), ``not_pdf`` (the Word draft listed instead of the PDF),
``missing_name`` (an address without the signer's name). Broken rows have their own file too (a PDF, or the
.docx), so the folder holds ``count`` PDFs plus one per broken row other than ``not_pdf``.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

__all__ = [
    "CONTRACT_LAYOUTS",
    "LIST_NAME",
    "MISTAKES",
    "ContractBatch",
    "ContractRow",
    "ContractSigner",
    "generate_contract_batch",
    "plan_contract_batch",
]

CONTRACT_LAYOUTS: tuple[str, ...] = ("A", "B", "C")
MISTAKES: tuple[str, ...] = ("missing_file", "bad_email", "no_signer", "not_pdf", "missing_name")
LIST_NAME = "契約送付リスト.xlsx"
PDF_DIR = "contracts"

_IPAEX_GOTHIC = Path("/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf")
_FIXED_TIME = (2024, 6, 3, 9, 0, 0)
_MM = 72 / 25.4
_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="E2EFDA")
_CENTER = Alignment(horizontal="center", vertical="center")


@dataclass(frozen=True)
class ContractSigner:
    """A signer as a perfect reader returns it (NFKC, spaces collapsed)."""

    name: str
    email: str
    order: int


@dataclass(frozen=True)
class ContractRow:
    """One row of the list: what a reader returns for a good row; for a broken row (``mistake`` set) the
    column at fault, as the header prints it (``署名者2 メールアドレス``, ``メール2``; ``署名者`` for no
    signer)."""

    row: int  # as Excel numbers it
    file: str  # relative to the list's folder, with "/"
    title: str
    reference: str | None
    signers: tuple[ContractSigner, ...]
    mistake: str | None = None
    column: str | None = None


@dataclass(frozen=True)
class ContractBatch:
    layout: str
    rows: tuple[ContractRow, ...]

    @property
    def good(self) -> tuple[ContractRow, ...]:
        return tuple(r for r in self.rows if r.mistake is None)

    @property
    def broken(self) -> tuple[ContractRow, ...]:
        return tuple(r for r in self.rows if r.mistake is not None)


# -- the fictitious world ------------------------------------------------------------------------
@dataclass(frozen=True)
class _Person:
    last: str
    first: str
    local: str  # the email's local part


@dataclass(frozen=True)
class _Party:
    name: str
    domain: str
    people: tuple[_Person, ...]


_US = _Party(
    "株式会社黒子商事",
    "kuroko-shoji.example.jp",
    (_Person("黒田", "誠", "m.kuroda"), _Person("白石", "舞", "mai.shiraishi")),
)
_PARTIES: tuple[_Party, ...] = (
    _Party(
        "株式会社サンプル商事",
        "sample-shoji.example.jp",
        (_Person("山田", "太郎", "taro.yamada"), _Person("佐藤", "花子", "hanako.sato")),
    ),
    _Party(
        "ミドリ物産株式会社",
        "midori-bussan.example.co.jp",
        (_Person("鈴木", "一郎", "suzuki.ichiro"), _Person("高橋", "美咲", "takahashi.misaki")),
    ),
    _Party(
        "合同会社アオバ設計",
        "aoba-sekkei.example.com",
        (_Person("田中", "健太", "k-tanaka"), _Person("伊藤", "直樹", "n-ito")),
    ),
    _Party(
        "株式会社ミナト製作所",
        "minato-ss.example.co.jp",
        (_Person("渡辺", "由美", "yumi_watanabe"), _Person("中村", "翔", "sho_nakamura")),
    ),
    _Party(
        "東京ロジ有限会社",
        "tokyo-logi.example.jp",
        (_Person("小林", "恵", "kobayashi"), _Person("加藤", "大輔", "d.kato")),
    ),
)
_KINDS = (
    "業務委託契約書",
    "秘密保持契約書",
    "売買基本契約書",
    "業務委託個別契約書",
    "建物賃貸借契約書",
    "ソフトウェア利用許諾契約書",
    "保守サービス契約書",
)
_ARTICLES = (
    ("第1条（目的）", "本契約は、甲乙間の取引に関する基本的な事項を定めることを目的とする。"),
    ("第2条（有効期間）", "本契約の有効期間は、締結日から1年間とし、期間満了の1か月前までに"),
    ("", "いずれからも申出がないときは、同一条件でさらに1年間更新されるものとする。"),
    ("第3条（秘密保持）", "甲及び乙は、本契約に関して知り得た相手方の秘密情報を第三者に開示しない。"),
    ("第4条（協議）", "本契約に定めのない事項は、甲乙誠意をもって協議のうえ解決する。"),
)


@dataclass(frozen=True)
class _Contract:
    kind: str
    party: _Party
    signers: tuple[_Person, ...]  # in signing order; the party's people, then possibly ours
    reference: str | None
    file: str  # as the list names it, relative to the list's folder
    saved: str  # the file written into the folder (another name for a missing_file mistake)
    send_on: dt.date
    mistake: str | None = None
    broken_signer: int = 0  # 0-based index of the signer the mistake is about (bad_email, missing_name)


def _email(person: _Person) -> str:
    domain = _US.domain if person in _US.people else next(p.domain for p in _PARTIES if person in p.people)
    return f"{person.local}@{domain}"


def _bad_email(email: str, rng: random.Random) -> str:
    """A typo as people make them; never valid after NFKC and stripping."""
    local, domain = email.split("@")
    return rng.choice(
        (
            f"{local}@{domain.split('.')[0]}",  # the domain cut short
            f"{local}@{domain.replace('.', ',', 1)}",  # a comma for a dot
            f"{local}.{domain}",  # no @
            f"{local}@",  # nothing after the @
            f"{local}@@{domain}",
            f"{local[:2]} {local[2:]}@{domain}",  # a space inside
        )
    )


# -- the plan ------------------------------------------------------------------------------------
def _contracts(count: int, seed: int, broken_rows: int) -> tuple[str, list[_Contract], random.Random]:
    layout = CONTRACT_LAYOUTS[seed % len(CONTRACT_LAYOUTS)]
    rng = random.Random(f"kuroko-contracts-{seed}")
    total = count + broken_rows
    broken_at = set(rng.sample(range(total), broken_rows))
    reference_no = rng.randrange(1, 900)
    contracts: list[_Contract] = []
    mistakes = iter(MISTAKES[(i + seed) % len(MISTAKES)] for i in range(broken_rows))
    for i in range(total):
        party = rng.choice(_PARTIES)
        kind = rng.choice(_KINDS)
        theirs = rng.sample(party.people, k=rng.choice((1, 1, 2)))
        signers = (*theirs, rng.choice(_US.people)) if rng.random() < 0.5 else tuple(theirs)
        reference_no += rng.randrange(1, 4)
        if layout == "B":
            reference: str | None = str(240000 + reference_no)
        elif rng.random() < 0.25:
            reference = None
        else:
            reference = f"CT-2024-{reference_no:04d}"
        mistake = next(mistakes) if i in broken_at else None
        saved = f"{PDF_DIR}/{i + 1:02d}_{kind}_{party.name}" + (".docx" if mistake == "not_pdf" else ".pdf")
        file = saved.replace(".pdf", "_最終版.pdf") if mistake == "missing_file" else saved
        contracts.append(
            _Contract(
                kind=kind,
                party=party,
                signers=signers,
                reference=reference,
                file=file,
                saved=saved,
                send_on=dt.date(2024, 6, 3) + dt.timedelta(days=rng.randrange(0, 10)),
                mistake=mistake,
                broken_signer=rng.randrange(len(signers)),
            )
        )
    return layout, contracts, rng


_FIRST_DATA_ROW = {"A": 5, "B": 4, "C": 6}


def _row_numbers(layout: str, total: int) -> list[int]:
    first = _FIRST_DATA_ROW[layout]
    if layout != "C":
        return [first + i for i in range(total)]
    return [first + i + (1 if i >= 2 else 0) for i in range(total)]  # a blank row after the second


def _headers(layout: str) -> tuple[str, str, str, str]:
    """(file, title, reference) column labels and the name/email label formats, as printed."""
    return {
        "A": ("ファイル", "タイトル", "管理番号", "署名者{n} 氏名|署名者{n} メールアドレス"),
        "B": ("契約書ファイル", "件名", "管理番号", "署名者名{n}|メール{n}"),
        "C": ("ファイル名", "契約書名", "管理番号", "署名者{n} 氏名|署名者{n} メールアドレス"),
    }[layout]


def plan_contract_batch(*, count: int = 5, seed: int = 0, broken_rows: int = 0) -> ContractBatch:
    """What :func:`generate_contract_batch` with the same arguments writes, as a perfect reader reads it."""
    _check(count, broken_rows)
    layout, contracts, _rng = _contracts(count, seed, broken_rows)
    file_label, title_label, _ref, signer_labels = _headers(layout)
    name_label, email_label = signer_labels.split("|")
    rows = []
    for number, c in zip(_row_numbers(layout, len(contracts)), contracts, strict=True):
        signers = tuple(
            ContractSigner(f"{p.last} {p.first}", _email(p), n) for n, p in enumerate(c.signers, start=1)
        )
        column = {
            None: None,
            "missing_file": file_label,
            "not_pdf": file_label,
            "no_signer": "署名者",
            "bad_email": email_label.format(n=c.broken_signer + 1),
            "missing_name": name_label.format(n=c.broken_signer + 1),
        }[c.mistake]
        rows.append(
            ContractRow(
                row=number,
                file=c.file,
                title=_title(c),
                reference=c.reference,
                signers=() if c.mistake == "no_signer" else signers,
                mistake=c.mistake,
                column=column,
            )
        )
    return ContractBatch(layout, tuple(rows))


def _title(c: _Contract) -> str:
    return f"{c.kind}({c.party.name})"  # typed with full-width parentheses, read after NFKC


def _check(count: int, broken_rows: int) -> None:
    if count < 0 or broken_rows < 0:
        raise ValueError(f"count and broken_rows must be >= 0, got {count} and {broken_rows}")


# -- the PDFs ------------------------------------------------------------------------------------
@cache
def _font() -> str:
    """IPAex Gothic, embedded, when installed; else the built-in (not embedded) Heisei Kaku Gothic."""
    if _IPAEX_GOTHIC.exists():
        try:
            pdfmetrics.registerFont(TTFont("IPAexGothic", str(_IPAEX_GOTHIC)))
            return "IPAexGothic"
        except Exception:  # a damaged font file: the built-in font still draws Japanese
            pass
    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiKakuGo-W5"))
    return "HeiseiKakuGo-W5"


def _write_pdf(path: Path, c: _Contract) -> None:
    font = _font()
    canvas = Canvas(str(path), pagesize=A4, invariant=1)
    canvas.setTitle(c.kind)
    canvas.setAuthor(_US.name)
    canvas.setCreator("Kuroko sample generator")
    height = A4[1]

    def text(x: float, y: float, s: str, size: float = 10.5, *, center: bool = False) -> None:
        canvas.setFont(font, size)
        if center:
            canvas.drawCentredString(x * _MM, height - y * _MM, s)
        else:
            canvas.drawString(x * _MM, height - y * _MM, s)

    if c.reference:
        text(150, 15, f"管理番号 {c.reference}", 9)
    text(105, 32, c.kind, 20, center=True)
    text(20, 50, f"{_US.name}（以下「甲」という。）と{c.party.name}（以下「乙」という。）は、")
    text(20, 57, f"次のとおり{c.kind.removesuffix('書')}を締結する。")
    y = 72.0
    for heading, body in _ARTICLES:
        if heading:
            text(20, y, heading)
            y += 7
        text(25, y, body, 10)
        y += 9
    text(20, y + 6, f"令和{c.send_on.year - 2018}年{c.send_on.month}月{c.send_on.day}日")
    y += 22
    for label, party in (("甲", _US), ("乙", c.party)):
        names = [f"{p.last} {p.first}" for p in c.signers if p in party.people]
        text(20, y, f"{label}　{party.name}")
        for name in names or ["（署名者）"]:
            y += 7
            text(30, y, f"{name}　　　　　　　　印")
        y += 14
    canvas.showPage()
    canvas.save()


def _docx_bytes(title: str) -> bytes:
    """A minimal Word package (a ZIP), as a draft saved from Word would be: not a PDF."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in (
            ("[Content_Types].xml", '<?xml version="1.0"?><Types/>'),
            ("word/document.xml", f'<?xml version="1.0"?><document><body>{title}</body></document>'),
        ):
            archive.writestr(zipfile.ZipInfo(name, date_time=_FIXED_TIME), data)
    return buffer.getvalue()


# -- the list ------------------------------------------------------------------------------------
def _full_width(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


def _put(ws: Worksheet, ref: str, value: object, *, head: bool = False, fmt: str | None = None) -> None:
    cell = ws[ref]
    cell.value = value
    cell.border = _BOX
    if head:
        cell.fill = _HEAD_FILL
        cell.font = Font(bold=True)
        cell.alignment = _CENTER
    if fmt:
        cell.number_format = fmt


def _cells(layout: str, c: _Contract, rng: random.Random, index: int) -> dict[str, object]:
    """The values typed in one row, by header label."""
    file = c.file.replace("/", "\\") if layout == "B" else c.file
    typed: dict[str, object] = {
        "file": file,
        "title": f"{c.kind}（{c.party.name}）",
        "reference": c.reference,
    }
    if layout == "B" and c.reference is not None:
        typed["reference"] = int(c.reference)  # typed as a number
    for n, person in enumerate(c.signers, start=1):
        if c.mistake == "no_signer":
            break
        name: str = f"{person.last}\u3000{person.first}" if layout == "C" else f"{person.last} {person.first}"
        email = _email(person)
        if layout == "A":
            email = f" {email} " if rng.random() < 0.4 else email
        if layout == "B" and index == 0:
            email = _full_width(email)  # typed with the IME in full-width mode
        if c.mistake == "bad_email" and n - 1 == c.broken_signer:
            email = _bad_email(_email(person), rng)
        if c.mistake == "missing_name" and n - 1 == c.broken_signer:
            name = ""
        typed[f"name{n}"] = name or None
        typed[f"email{n}"] = email
    return typed


def _write_list(path: Path, layout: str, contracts: list[_Contract], rng: random.Random) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "送付リスト"
    file_label, title_label, ref_label, signer_labels = _headers(layout)
    name_label, email_label = signer_labels.split("|")
    rows = _row_numbers(layout, len(contracts))
    if layout == "A":
        columns = [
            "file",
            "title",
            "reference",
            "name1",
            "email1",
            "name2",
            "email2",
            "name3",
            "email3",
            "note",
        ]
        labels = [file_label, title_label, ref_label]
        labels += [f.format(n=n) for n in (1, 2, 3) for f in (name_label, email_label)] + ["備考"]
        ws["A1"] = "契約書送付リスト"
        ws["A1"].font = Font(size=14, bold=True)
        ws["A2"] = "作成日: 2024年6月3日　作成者: 総務部 白石"
        for i, label in enumerate(labels):
            _put(ws, f"{'ABCDEFGHIJ'[i]}4", label, head=True)
        widths = [44, 36, 14, 12, 30, 12, 30, 12, 30, 16]
    elif layout == "B":
        columns = ["no", "file", "title", "reference", "send_on"]
        columns += [f"{what}{n}" for n in (1, 2, 3) for what in ("name", "email")]
        labels = ["No.", file_label, title_label, ref_label, "送付予定日"]
        labels += [f.format(n=n) for n in (1, 2, 3) for f in (name_label, email_label)]
        ws["A1"] = "電子契約 送付依頼一覧"
        ws["A1"].font = Font(size=14, bold=True)
        ws.merge_cells("A1:K1")
        for i, label in enumerate(labels):
            _put(ws, f"{'ABCDEFGHIJK'[i]}3", label, head=True)
        for n in range(1, max(len(contracts), 15) + 1):  # a template numbered in advance
            _put(ws, f"A{3 + n}", n)
        widths = [5, 44, 36, 10, 12, 12, 30, 12, 30, 12, 30]
    else:
        columns = ["title", "file", "name1", "email1", "name2", "email2", "name3", "email3", "reference"]
        ws["A1"] = "契約書送付リスト（電子契約）"
        ws["A1"].font = Font(size=14, bold=True)
        ws["A2"] = "※署名者は署名の順に左から入力してください。"
        for ref, end, label in (("A4", "A5", title_label), ("B4", "B5", file_label), ("I4", "I5", ref_label)):
            _put(ws, ref, label, head=True)
            ws.merge_cells(f"{ref}:{end}")
        for n, (left, right) in enumerate((("C", "D"), ("E", "F"), ("G", "H")), start=1):
            _put(ws, f"{left}4", f"署名者{n}", head=True)
            ws.merge_cells(f"{left}4:{right}4")
            _put(ws, f"{left}5", "氏名", head=True)
            _put(ws, f"{right}5", "メールアドレス", head=True)
        widths = [36, 44, 12, 30, 12, 30, 12, 30, 14]
    for i, width in enumerate(widths):
        ws.column_dimensions["ABCDEFGHIJK"[i]].width = width
    for index, (number, c) in enumerate(zip(rows, contracts, strict=True)):
        typed = _cells(layout, c, rng, index)
        typed["send_on"] = c.send_on
        for i, key in enumerate(columns):
            if key in ("no", "note"):
                continue
            fmt = "yyyy/m/d" if key == "send_on" else None
            _put(ws, f"{'ABCDEFGHIJK'[i]}{number}", typed.get(key), fmt=fmt)
    if layout == "C":
        ws[f"A{(rows[-1] if rows else 5) + 2}"] = (
            "※ファイルは、このリストと同じフォルダの contracts に置くこと。"
        )
    wb.properties.creator = "Kuroko sandbox"
    wb.properties.created = dt.datetime(*_FIXED_TIME)
    _save(wb, path)


def _save(wb: Workbook, path: Path) -> None:
    """Save with fixed timestamps (ZIP entries and document properties): the same input, the same bytes."""
    buffer = io.BytesIO()
    wb.save(buffer)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = re.sub(
                    r"(<dcterms:modified[^>]*>)[^<]*(<)", r"\g<1>2024-06-03T09:00:00Z\2", data.decode("utf-8")
                )
                data = text.encode("utf-8")
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, data)
    path.write_bytes(out.getvalue())


def generate_contract_batch(out_dir: Path, *, count: int = 5, seed: int = 0, broken_rows: int = 0) -> Path:
    """Write ``count`` contract PDFs into ``out_dir/contracts/`` and the list naming them,
    ``out_dir/契約送付リスト.xlsx`` (a title row, the header, one row per contract with 1-3 signers), plus
    ``broken_rows`` rows with one realistic mistake each. Returns the list's path; :func:`plan_contract_batch`
    with the same arguments says what it holds. Deterministic: the same seed gives the same bytes."""
    _check(count, broken_rows)
    out_dir = Path(out_dir)
    pdf_dir = out_dir / PDF_DIR
    pdf_dir.mkdir(parents=True, exist_ok=True)
    layout, contracts, rng = _contracts(count, seed, broken_rows)
    for c in contracts:
        if c.mistake == "not_pdf":
            (out_dir / c.saved).write_bytes(_docx_bytes(c.kind))
        else:  # for missing_file too: the PDF is there, under another name than the list's
            _write_pdf(out_dir / c.saved, c)
    path = out_dir / LIST_NAME
    _write_list(path, layout, contracts, rng)
    return path
