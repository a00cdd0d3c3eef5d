"""The contract list reader (robots.contracts): the header found by its labels wherever it is, one request per
good row, one line per problem of a bad row (naming the row and the column), and the good rows read whatever
the bad ones hold. Real workbooks (openpyxl) and real PDFs (reportlab) throughout."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from openpyxl import Workbook
from reportlab.pdfgen.canvas import Canvas

from robots.contracts import ContractRequest, RowError, Signer, read_contract_list
from robots.errors import BusinessError
from sandbox.samples.contracts import generate_contract_batch, plan_contract_batch

HEADER = [
    "ファイル",
    "タイトル",
    "管理番号",
    "署名者1 氏名",
    "署名者1 メールアドレス",
    "署名者2 氏名",
    "署名者2 メールアドレス",
]
GOOD = ["a.pdf", "業務委託契約書", "CT-1", "山田 太郎", "taro@example.jp", None, None]
TARO = Signer(name="山田 太郎", email="taro@example.jp", order=1)


@pytest.fixture(scope="module")
def pdf_bytes() -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1)
    canvas.drawString(72, 720, "Contract")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


@pytest.fixture
def folder(tmp_path: Path, pdf_bytes: bytes) -> Path:
    """A list's folder: a.pdf and b.pdf (real PDFs), memo.pdf (text), empty.pdf, a sub-folder."""
    (tmp_path / "a.pdf").write_bytes(pdf_bytes)
    (tmp_path / "b.pdf").write_bytes(pdf_bytes)
    (tmp_path / "memo.pdf").write_text("契約書の下書き\n", encoding="utf-8")
    (tmp_path / "empty.pdf").write_bytes(b"")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.pdf").write_bytes(pdf_bytes)
    return tmp_path


MakeList = Callable[..., Path]


@pytest.fixture
def make_list(folder: Path) -> MakeList:
    """``make_list(rows, header=HEADER, header_row=3)``: a title in row 1, the header, then ``rows``."""

    def make(
        rows: Sequence[Sequence[object]],
        *,
        header: Sequence[object] = HEADER,
        header_row: int = 3,
        first_col: int = 1,
        name: str = "list.xlsx",
        before: Sequence[Sequence[object]] = (),
    ) -> Path:
        wb = Workbook()
        ws = wb.active
        ws.title = "送付リスト"
        ws.cell(1, 1, "契約書送付リスト")
        for r, values in enumerate([*before, header, *rows], start=header_row - len(before)):
            for c, value in enumerate(values, start=first_col):
                if value is not None:
                    ws.cell(r, c, value)
        path = folder / name
        wb.save(path)
        return path

    return make


def test_a_good_list_reads_into_requests(make_list: MakeList, folder: Path) -> None:
    second = [
        "sub/c.pdf",
        "秘密保持契約書",
        None,
        "佐藤 花子",
        "hanako@example.co.jp",
        "黒田 誠",
        "m.kuroda@example.jp",
    ]
    result = read_contract_list(make_list([GOOD, second]))
    assert result.errors == []
    assert result.requests == [
        ContractRequest(
            row=4, file=folder / "a.pdf", title="業務委託契約書", reference="CT-1", signers=[TARO]
        ),
        ContractRequest(
            row=5,
            file=folder / "sub" / "c.pdf",
            title="秘密保持契約書",
            reference=None,
            signers=[
                Signer(name="佐藤 花子", email="hanako@example.co.jp", order=1),
                Signer(name="黒田 誠", email="m.kuroda@example.jp", order=2),
            ],
        ),
    ]
    assert all(r.file.is_absolute() for r in result.requests)


def _with(**cells: object) -> list[object]:
    columns = {"file": 0, "title": 1, "ref": 2, "name1": 3, "email1": 4, "name2": 5, "email2": 6}
    row = list(GOOD)
    row[2] = None  # no 管理番号 unless given: references are unique within a list
    for key, value in cells.items():
        row[columns[key]] = value
    return row


ROW_ERRORS = [
    ("no file", _with(file=None), ["行 5: ファイル is empty (no PDF given)"]),
    ("missing file", _with(file="nai.pdf"), ["行 5: ファイル 'nai.pdf' not found (looked in {folder})"]),
    (
        "not a pdf",
        _with(file="memo.pdf"),
        ["行 5: ファイル 'memo.pdf' is not a PDF (it does not start with %PDF-)"],
    ),
    ("empty pdf", _with(file="empty.pdf"), ["行 5: ファイル 'empty.pdf' is empty (0 bytes)"]),
    ("a folder", _with(file="sub"), ["行 5: ファイル 'sub' is a folder, not a PDF"]),
    ("no title", _with(title="  "), ["行 5: タイトル is empty"]),
    ("formula error", _with(title="#REF!"), ["行 5: タイトル holds the Excel error #REF!"]),
    ("nothing after @", _with(email1="foo@"), ["行 5: 署名者1 メールアドレス 'foo@' is not a valid email"]),
    (
        "no dot in domain",
        _with(email1="taro@example"),
        ["行 5: 署名者1 メールアドレス 'taro@example' is not a valid email"],
    ),
    (
        "no @",
        _with(email1="taro.example.jp"),
        ["行 5: 署名者1 メールアドレス 'taro.example.jp' is not a valid email"],
    ),
    (
        "two @",
        _with(email1="taro@@example.jp"),
        ["行 5: 署名者1 メールアドレス 'taro@@example.jp' is not a valid email"],
    ),
    (
        "space inside",
        _with(email1="ta ro@example.jp"),
        ["行 5: 署名者1 メールアドレス 'ta ro@example.jp' is not a valid email"],
    ),
    (
        "comma",
        _with(email1="taro@example,jp"),
        ["行 5: 署名者1 メールアドレス 'taro@example,jp' is not a valid email"],
    ),
    (
        "double dot",
        _with(email1="taro@example..jp"),
        ["行 5: 署名者1 メールアドレス 'taro@example..jp' is not a valid email"],
    ),
    (
        "kana local part",
        _with(email1="たろう@example.jp"),
        ["行 5: 署名者1 メールアドレス 'たろう@example.jp' is not a valid email"],
    ),
    ("a number", _with(email1=12345), ["行 5: 署名者1 メールアドレス '12345' is not a valid email"]),
    (
        "same email twice",
        _with(name2="山田 次郎", email2="TARO@example.jp"),
        ["行 5: 署名者2 メールアドレス 'TARO@example.jp' is the same as 署名者1's"],
    ),
    (
        "email without a name",
        _with(email2="hanako@example.jp"),
        ["行 5: 署名者2 氏名 is empty (署名者2 has the email 'hanako@example.jp' but no name)"],
    ),
    (
        "name without an email",
        _with(name2="佐藤 花子"),
        ["行 5: 署名者2 メールアドレス is empty (署名者2 '佐藤 花子' has no email)"],
    ),
    (
        "no signer",
        _with(name1=None, email1=None),
        ["行 5: 署名者 no signer given (fill in at least one signer's 氏名 and メールアドレス)"],
    ),
    (
        "reference used twice",
        _with(file="b.pdf", ref="CT-1"),
        ["行 5: 管理番号 'CT-1' is already used on 行 4"],
    ),
    (
        "every problem of a row",
        _with(file="nai.pdf", title=None, email1="foo@"),
        [
            "行 5: ファイル 'nai.pdf' not found (looked in {folder})",
            "行 5: タイトル is empty",
            "行 5: 署名者1 メールアドレス 'foo@' is not a valid email",
        ],
    ),
]


@pytest.mark.parametrize(("bad", "messages"), [c[1:] for c in ROW_ERRORS], ids=[c[0] for c in ROW_ERRORS])
def test_a_bad_row_is_reported_and_the_good_rows_still_read(
    make_list: MakeList, folder: Path, bad: list[object], messages: list[str]
) -> None:
    good_after = _with(file="b.pdf", ref="CT-2")
    result = read_contract_list(make_list([GOOD, bad, good_after]))
    assert result.errors == [RowError(row=5, message=m.format(folder=folder)) for m in messages]
    assert [r.row for r in result.requests] == [4, 6]
    assert all("\n" not in e.message for e in result.errors)


@pytest.mark.parametrize(
    "header",
    [
        ["契約書ファイル", "件名", "管理番号", "署名者名1", "メール1", "署名者名2", "メール2"],
        [
            "ファイル名",
            "契約書名",
            "管理番号",
            "署名者1（氏名）",
            "署名者1（メールアドレス）※必須",
            "署名者2 名前",
            "署名者2 E-mail",
        ],
        [
            "ＰＤＦファイル",
            "タイトル",
            "管理番号",
            "第1署名者 氏名",
            "第1署名者 メール",
            "第2署名者 氏名",
            "第2署名者 メール",
        ],
        [
            "【ファイル】",
            "タイトル(必須)",
            "管理番号",
            "氏名1",
            "メールアドレス1",
            "氏名2",
            "メールアドレス2",
        ],
        [
            "ファイル",
            "タイトル",
            "管理番号",
            "署名者①氏名",
            "署名者①メールアドレス",
            "署名者②氏名",
            "署名者②メールアドレス",
        ],
    ],
)
def test_header_wordings(make_list: MakeList, header: list[str]) -> None:
    result = read_contract_list(make_list([GOOD], header=header))
    assert result.errors == []
    assert [r.signers for r in result.requests] == [[TARO]]


def test_errors_name_the_column_as_the_header_prints_it(make_list: MakeList) -> None:
    header = ["契約書ファイル", "件名", "管理番号", "署名者名1", "メール1", "署名者名2", "メール2"]
    result = read_contract_list(make_list([_with(email1="foo@")], header=header))
    assert [e.message for e in result.errors] == ["行 4: メール1 'foo@' is not a valid email"]


def test_header_below_a_title_and_notes_and_not_in_column_a(make_list: MakeList) -> None:
    before = [["作成日", dt.datetime(2024, 6, 3)], [], ["※署名者は署名の順に入力してください"], []]
    path = make_list([GOOD], header_row=9, first_col=2, before=before)
    result = read_contract_list(path)
    assert result.errors == []
    assert [(r.row, r.title) for r in result.requests] == [(10, "業務委託契約書")]


def test_a_two_row_header_with_merged_signer_groups(folder: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws["A1"] = "契約書送付リスト"
    for ref, text in {
        "A3": "契約書名",
        "B3": "ファイル",
        "C3": "署名者1",
        "E3": "署名者2",
        "G3": "管理番号",
    }.items():
        ws[ref] = text
    for ref, text in {"C4": "氏名", "D4": "メールアドレス", "E4": "氏名", "F4": "メールアドレス"}.items():
        ws[ref] = text
    for rng in ("A3:A4", "B3:B4", "C3:D3", "E3:F3", "G3:G4"):
        ws.merge_cells(rng)
    ws.append(["業務委託契約書", "a.pdf", "山田 太郎", "taro@example.jp", "佐藤 花子", "hanako", "CT-9"])
    ws.append(["秘密保持契約書", "b.pdf", None, None, "佐藤 花子", "hanako@example.jp", None])
    path = folder / "two_rows.xlsx"
    wb.save(path)
    result = read_contract_list(path)
    assert [e.message for e in result.errors] == [
        "行 5: 署名者2 メールアドレス 'hanako' is not a valid email"
    ]
    (request,) = result.requests
    assert request.row == 6 and request.signers == [
        Signer(name="佐藤 花子", email="hanako@example.jp", order=2)
    ]


def test_numbers_and_dates_as_cells(make_list: MakeList) -> None:
    header = [*HEADER, "送付日"]
    rows = [
        [*_with(ref=1001), dt.datetime(2024, 6, 3)],
        [*_with(file="b.pdf", ref=1002.0, title=dt.datetime(2024, 4, 1)), dt.date(2024, 6, 4)],
        _with(file="sub/c.pdf", ref=12.5, title=2024),
    ]
    result = read_contract_list(make_list(rows, header=header))
    assert result.errors == []
    assert [(r.reference, r.title) for r in result.requests] == [
        ("1001", "業務委託契約書"),
        ("1002", "2024-04-01"),
        ("12.5", "2024"),
    ]


@pytest.mark.parametrize(
    ("typed", "saved"),
    [
        ("sub\\c.pdf", "sub/c.pdf"),  # typed on Windows
        ('"a.pdf"', "a.pdf"),  # "Copy as path" adds quotes
        ("./sub/../a.pdf", "a.pdf"),
        ("契約書（Ａ社）.pdf", "契約書(A社).pdf"),  # full-width in the list, half-width on disk
        ("契約書（Ａ社）.pdf", "契約書（Ａ社）.pdf"),  # full-width on disk: found as typed
    ],
)
def test_file_paths_as_people_type_them(
    make_list: MakeList, folder: Path, pdf_bytes: bytes, typed: str, saved: str
) -> None:
    target = folder / saved
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(pdf_bytes)
    result = read_contract_list(make_list([_with(file=typed)]))
    assert result.errors == []
    assert result.requests[0].file == target.resolve()


def test_an_absolute_path_and_a_relative_list_path(
    make_list: MakeList,
    folder: Path,
    tmp_path_factory: pytest.TempPathFactory,
    pdf_bytes: bytes,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "z.pdf"
    elsewhere.write_bytes(pdf_bytes)
    path = make_list([_with(file=str(elsewhere)), _with(file="b.pdf", ref="CT-2")])
    monkeypatch.chdir(folder.parent)
    result = read_contract_list(Path(folder.name) / path.name)
    assert [r.file for r in result.requests] == [elsewhere.resolve(), (folder / "b.pdf").resolve()]
    missing = read_contract_list(make_list([_with(file=str(folder / "gone.pdf"))], name="m.xlsx"))
    assert [e.message for e in missing.errors] == [f"行 4: ファイル '{folder / 'gone.pdf'}' not found"]


def test_blank_rows_numbered_template_rows_and_notes_are_skipped(make_list: MakeList) -> None:
    header = ["No.", *HEADER, "備考"]
    rows = [
        [1, *GOOD, None],
        [2, *([None] * 7), "保留"],  # a number and a remark only: nothing to send
        [],
        [3, *_with(file="b.pdf", ref="CT-2"), None],
        [4],
        ["※", "※ファイルはこのリストと同じフォルダに置くこと"],
    ]
    result = read_contract_list(make_list(rows, header=header))
    assert result.errors == []
    assert [r.row for r in result.requests] == [4, 7]


def test_signers_keep_their_group_number_as_order(make_list: MakeList) -> None:
    result = read_contract_list(
        make_list([_with(name1=None, email1=None, name2="佐藤 花子", email2="h@example.jp")])
    )
    assert result.requests[0].signers == [Signer(name="佐藤 花子", email="h@example.jp", order=2)]


@pytest.mark.parametrize(
    ("typed", "email", "name"),
    [
        ("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", "taro@example.jp", "山田 太郎"),  # typed in full-width mode
        ("  taro@example.jp ", "taro@example.jp", "山田 太郎"),
        ("mailto:taro@example.jp", "taro@example.jp", "山田 太郎"),
    ],
)
def test_emails_and_names_are_normalized(make_list: MakeList, typed: str, email: str, name: str) -> None:
    result = read_contract_list(make_list([_with(email1=typed, name1="山田\u3000\u3000太郎 ")]))
    assert result.requests[0].signers == [Signer(name=name, email=email, order=1)]


def test_the_first_visible_sheet_with_a_header_is_read(folder: Path) -> None:
    wb = Workbook()
    hidden = wb.active
    hidden.title = "マスタ"
    hidden.append(HEADER)
    hidden.append(["b.pdf", "古い行", None, "x", "x@example.jp"])
    hidden.sheet_state = "hidden"
    notes = wb.create_sheet("説明")
    notes["A1"] = "このブックの使い方"
    sheet = wb.create_sheet("リスト")
    sheet.append(HEADER)
    sheet.append(GOOD)
    path = folder / "sheets.xlsx"
    wb.save(path)
    result = read_contract_list(path)
    assert [(r.row, r.title) for r in result.requests] == [(2, "業務委託契約書")]


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda folder, make_list: folder / "none.xlsx", "contracts.list_not_found"),
        (lambda folder, make_list: folder, "contracts.list_unreadable"),
        (lambda folder, make_list: _text_file(folder / "list.xlsx"), "contracts.list_unreadable"),
        (
            lambda folder, make_list: shutil.copy(folder / "a.pdf", folder / "x.xlsx"),
            "contracts.list_unreadable",
        ),
        (
            lambda folder, make_list: make_list([GOOD], header=["ファイル", "氏名", "メール"]),
            "contracts.no_header",
        ),
        (lambda folder, make_list: make_list([GOOD], header=HEADER[:3]), "contracts.no_signer_columns"),
    ],
    ids=["missing", "folder", "text", "pdf", "no header", "no signer columns"],
)
def test_a_list_that_cannot_be_read_is_a_business_error(
    folder: Path, make_list: MakeList, make: Callable[..., Path], code: str
) -> None:
    path = Path(make(folder, make_list))
    with pytest.raises(BusinessError) as caught:
        read_contract_list(path)
    assert caught.value.code == code and not caught.value.retryable
    assert path.name in caught.value.message and "\n" not in caught.value.message


def _text_file(path: Path) -> Path:
    path.write_text("ファイル,タイトル\na.pdf,契約書\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("seed", "broken"), [(0, 5), (1, 5), (2, 5), (3, 2), (4, 0), (5, 7)])
def test_round_trip_from_the_sample_generator(tmp_path: Path, seed: int, broken: int) -> None:
    path = generate_contract_batch(tmp_path, count=4, seed=seed, broken_rows=broken)
    plan = plan_contract_batch(count=4, seed=seed, broken_rows=broken)
    result = read_contract_list(path)
    assert result.requests == [
        ContractRequest(
            row=r.row,
            file=(tmp_path / r.file).resolve(),
            title=r.title,
            reference=r.reference,
            signers=[Signer(name=s.name, email=s.email, order=s.order) for s in r.signers],
        )
        for r in plan.good
    ]
    assert [e.row for e in result.errors] == [r.row for r in plan.broken]
    for error, row in zip(result.errors, plan.broken, strict=True):
        assert error.message.startswith(f"行 {row.row}: {row.column} "), (row.mistake, error.message)
    if broken >= 5:
        assert {r.mistake for r in plan.broken} == {
            "missing_file",
            "bad_email",
            "no_signer",
            "not_pdf",
            "missing_name",
        }
