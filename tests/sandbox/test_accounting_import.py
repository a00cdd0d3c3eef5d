"""The bulk import of サンドボックス会計 (freee 取引インポート CSV) through Flask's test client, on a real
SQLite file: grouping rows into deals, the form's validation per deal, duplicates, encodings, limits, the
result page and API, 1,000 deals at once, and the deal API's look-up by many 管理番号."""

from __future__ import annotations

import csv
import io
import re
import time
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from sandbox.accounting import IMPORT_HEADER

# Short names for the columns the tests fill in.
_COLUMNS = {
    "kind": "収支区分",
    "ref": "管理番号",
    "issue": "発生日",
    "due": "決済期日",
    "partner": "取引先",
    "account": "勘定科目",
    "tax": "税区分",
    "amount": "金額",
    "method": "税計算区分",
    "tax_amount": "税額",
    "memo": "備考",
}
_DEFAULTS = {
    "kind": "支出",
    "ref": "KRK-1",
    "issue": "2024/04/01",
    "due": "2024/04/30",
    "partner": "株式会社サンプル商事",
    "account": "消耗品費",
    "tax": "課対仕入10%",
    "amount": "11000",
    "method": "内税",
    "memo": "コピー用紙",
}
_DEAL_KEYS = ("kind", "ref", "issue", "due", "partner")


def row(**values: str) -> list[str]:
    """A full row (every deal column filled), defaults overridden by short column names."""
    cells = {_COLUMNS[k]: v for k, v in {**_DEFAULTS, **values}.items()}
    return [cells.get(name, "") for name in IMPORT_HEADER]


def more(**values: str) -> list[str]:
    """A further line of the deal above, freee style: the deal columns left blank."""
    return row(**{k: "" for k in _DEAL_KEYS}, **values)


def make_csv(*rows: list[str], encoding: str = "utf-8", header: tuple[str, ...] = IMPORT_HEADER) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def _batch_id(response: Any) -> str:
    assert response.status_code == 303, response.text
    match = re.fullmatch(r"/deals/import/([0-9a-f]{16})", response.headers["Location"])
    assert match, response.headers["Location"]
    return match.group(1)


@pytest.fixture
def imported(upload_csv: Callable[..., Any], user: FlaskClient) -> Callable[..., dict[str, Any]]:
    """Upload a CSV and return the import's result from the JSON API."""

    def run(data: bytes, **kw: str) -> dict[str, Any]:
        batch = _batch_id(upload_csv(data, **kw))
        return user.get(f"/api/imports/{batch}").json

    return run


def _form_error(response: Any) -> str:
    match = re.search(r'<div role="alert" data-testid="import-error"[^>]*>([^<]*)</div>', response.text)
    assert match, response.text
    return match.group(1)


# -- the page ----------------------------------------------------------------------------------------
def test_the_import_page_has_labelled_fields_and_is_in_the_menu(user: FlaskClient) -> None:
    html = user.get("/deals/import").text
    for fragment in (
        "<h1>取引インポート</h1>",
        '<label for="import-file">CSVファイル</label>',
        '<input type="file" id="import-file" name="file" accept=".csv,text/csv" required>',
        '<label for="import-encoding">文字コード</label>',
        '<option value="utf-8" selected>UTF-8</option>',
        '<option value="shift_jis">Shift_JIS</option>',
        '<button type="submit" class="button button-primary">取り込む</button>',
        '<a href="/deals/import" aria-current="page">取引インポート</a>',
    ):
        assert fragment in html, fragment
    assert '<a href="/deals/import">取引インポート</a>' in user.get("/deals").text


@pytest.mark.parametrize("path", ["/deals/import", "/deals/import/0123456789abcdef"])
def test_import_pages_need_a_login(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")


def test_the_import_api_needs_the_token_or_a_session(client: FlaskClient, creds: Any) -> None:
    assert client.get("/api/imports/0123456789abcdef").status_code == 401
    missing = client.get("/api/imports/0123456789abcdef", headers=creds.bearer)
    assert (missing.status_code, missing.json) == (404, {"error": "not_found"})


def test_an_unknown_batch_is_404_in_japanese(user: FlaskClient) -> None:
    for batch in ("0123456789abcdef", "not-a-batch"):
        page = user.get(f"/deals/import/{batch}")
        assert page.status_code == 404 and f"インポート結果が見つかりません（ID: {batch}）" in page.text


def test_posting_without_csrf_is_refused(user: FlaskClient) -> None:
    data = {"encoding": "utf-8", "file": (io.BytesIO(make_csv(row())), "a.csv")}
    assert user.post("/deals/import", data=data, content_type="multipart/form-data").status_code == 400
    assert user.get("/api/deals").json["total"] == 0


# -- rows into deals ---------------------------------------------------------------------------------
def test_rows_become_deals_whether_or_not_further_lines_repeat_the_deal_columns(
    upload_csv: Callable[..., Any], user: FlaskClient
) -> None:
    memo = 'A社, "特急" 便\n2行目'
    data = make_csv(
        row(ref="KRK-A", account="消耗品費", tax="課対仕入10%", amount="11000", memo="INV-1 コピー用紙"),
        row(ref="KRK-A", account="会議費", tax="課対仕入8%（軽）", amount="1080", memo="INV-1 弁当"),
        row(
            ref="KRK-B",
            kind="収入",
            due="",
            partner="株式会社インポート新規",
            account="売上高",
            tax="課税売上10%",
        ),
        more(account="売上高", tax="課税売上8%（軽）", amount="540", memo=""),
        row(ref="KRK-C", issue="2024/4/5", due="2024/5/31", method="", memo=memo),
        row(ref="", partner="合同会社デモ", amount="1,100", tax_amount="100"),
        more(account="雑費", tax="対象外", amount="300", method="税込"),
    )
    response = upload_csv(data, filename="4月分.csv")
    batch = _batch_id(response)
    result = user.get(f"/api/imports/{batch}").json
    assert (result["filename"], result["encoding"], result["row_count"]) == ("4月分.csv", "utf-8", 7)
    assert (result["accepted_count"], result["rejected_count"], result["rejected"]) == (4, 0, [])
    assert [(a["ref_number"], a["row_numbers"], a["amount"]) for a in result["accepted"]] == [
        ("KRK-A", [2, 3], 12_080),
        ("KRK-B", [4, 5], 11_540),
        ("KRK-C", [6], 11_000),
        (None, [7, 8], 1_400),
    ]

    deals = {
        d["ref_number"]: d
        for d in user.get("/api/deals?ref_numbers=KRK-A,KRK-B,KRK-C&partner=").json["deals"]
    }
    a, b, c = deals["KRK-A"], deals["KRK-B"], deals["KRK-C"]
    assert (a["type"], a["issue_date"], a["due_date"], a["partner_name"]) == (
        "expense",
        "2024-04-01",
        "2024-04-30",
        "株式会社サンプル商事",
    )
    assert [(x["account_item"], x["tax_code"], x["amount"], x["description"]) for x in a["details"]] == [
        ("消耗品費", "課対仕入10%", 11_000, "INV-1 コピー用紙"),
        ("会議費", "課対仕入8%（軽）", 1_080, "INV-1 弁当"),
    ]
    assert (b["type"], b["due_date"], b["partner_name"]) == ("income", None, "株式会社インポート新規")
    assert [x["description"] for x in b["details"]] == ["コピー用紙", None]
    assert (c["issue_date"], c["due_date"], c["details"][0]["description"]) == (
        "2024-04-05",
        "2024-05-31",
        memo,
    )
    by_id = {a["deal_id"]: a for a in result["accepted"]}
    assert {d["id"] for d in deals.values()} <= set(by_id)
    partners = user.get("/api/partners?q=インポート新規").json["partners"]
    assert [p["name"] for p in partners] == ["株式会社インポート新規"]

    page = user.get(f"/deals/import/{batch}").text
    assert '<dd data-testid="import-accepted-count">4</dd>' in page
    assert '<dd data-testid="import-rejected-count">0</dd>' in page
    accepted = re.search(r'<table class="data-table" data-testid="import-accepted">.*?</table>', page, re.S)
    assert accepted
    assert re.findall(
        r'<tr data-row-number="(\d+)" data-ref-number="([^"]*)" data-deal-id="(\d+)">', accepted[0]
    ) == [(str(x["row_number"]), x["ref_number"] or "", str(x["deal_id"])) for x in result["accepted"]]
    assert '<td data-testid="import-row-number">2〜3</td>' in accepted[0]


def _bad(n: int) -> str:
    return f"{n}行目: "


# Each case: the rows of one deal (from row 2), then a good deal follows; the refusal's rows and reasons.
REJECTIONS: list[tuple[str, list[list[str]], list[int], list[str]]] = [
    ("kind unknown", [row(kind="振替")], [2], ["収支区分は「支出」か「収入」で入力してください"]),
    ("kind blank", [row(kind="")], [2], ["収支区分を入力してください"]),
    ("issue blank", [row(issue="")], [2], ["発生日を入力してください"]),
    ("issue ISO", [row(issue="2024-04-01")], [2], ["発生日は正しい日付（YYYY/MM/DD）で入力してください"]),
    ("issue no date", [row(issue="2024/02/30")], [2], ["発生日は正しい日付（YYYY/MM/DD）で入力してください"]),
    (
        "issue out of range",
        [row(issue="1989/12/31", due="")],
        [2],
        ["発生日は1990/01/01から2099/12/31までの日付で入力してください"],
    ),
    ("due bad", [row(due="2024/04/31")], [2], ["決済期日は正しい日付（YYYY/MM/DD）で入力してください"]),
    ("due early", [row(due="2024/03/31")], [2], ["決済期日は発生日以降の日付にしてください"]),
    ("partner blank", [row(partner="")], [2], ["取引先を入力してください"]),
    ("partner long", [row(partner="社" * 256)], [2], ["取引先は255文字以内で入力してください"]),
    ("ref long", [row(ref="X" * 256)], [2], ["管理番号は255文字以内で入力してください"]),
    ("account unknown", [row(account="給料手当")], [2], [_bad(2) + "勘定科目「給料手当」は使用できません"]),
    ("account blank", [row(account="")], [2], [_bad(2) + "勘定科目を入力してください"]),
    ("tax unknown", [row(tax="課税仕入10%")], [2], [_bad(2) + "税区分「課税仕入10%」は使用できません"]),
    ("amount text", [row(amount="11000円")], [2], [_bad(2) + "金額は半角数字で入力してください"]),
    ("amount zero", [row(amount="0")], [2], [_bad(2) + "金額は1以上999,999,999以下で入力してください"]),
    ("amount blank", [row(amount="")], [2], [_bad(2) + "金額を入力してください"]),
    ("memo long", [row(memo="あ" * 256)], [2], [_bad(2) + "備考は255文字以内で入力してください"]),
    (
        "tax exclusive",
        [row(method="外税")],
        [2],
        [_bad(2) + "税計算区分は「内税」で入力してください（金額は税込です）"],
    ),
    ("tax amount text", [row(tax_amount="千円")], [2], [_bad(2) + "税額は半角数字で入力してください"]),
    ("columns missing", [row()[:20]], [2], [_bad(2) + "列の数が21ではありません（20列）"]),
    ("columns extra", [[*row(), "x"]], [2], [_bad(2) + "列の数が21ではありません（22列）"]),
    (
        "a bad further line refuses the whole deal",
        [row(), more(amount="abc"), more(account="")],
        [2, 3, 4],
        [_bad(3) + "金額は半角数字で入力してください", _bad(4) + "勘定科目を入力してください"],
    ),
    (
        "a further line repeating the ref with another due date",
        [row(), row(due="2024/05/31", account="会議費")],
        [2, 3],
        [_bad(3) + "決済期日が2行目と異なります"],
    ),
    (
        "several deal errors at once",
        [row(kind="", issue="", partner="")],
        [2],
        ["収支区分を入力してください", "発生日を入力してください", "取引先を入力してください"],
    ),
    (
        "more than 100 lines",
        [row(), *[more() for _ in range(100)]],
        list(range(2, 103)),
        ["明細は100行以内で入力してください"],
    ),
]


@pytest.mark.parametrize(
    ("rows", "row_numbers", "reasons"), [c[1:] for c in REJECTIONS], ids=[c[0] for c in REJECTIONS]
)
def test_an_invalid_deal_is_refused_with_its_rows_and_reasons_and_the_rest_is_stored(
    imported: Callable[..., dict[str, Any]],
    user: FlaskClient,
    rows: list[list[str]],
    row_numbers: list[int],
    reasons: list[str],
) -> None:
    result = imported(make_csv(*rows, row(ref="OK-1", kind="収入", tax="課税売上10%", account="売上高")))
    [rejected] = result["rejected"]
    assert rejected["row_numbers"] == row_numbers and rejected["row_number"] == row_numbers[0]
    assert rejected["reasons"] == reasons and rejected["reason"] == " / ".join(reasons)
    assert [a["ref_number"] for a in result["accepted"]] == ["OK-1"]
    assert [d["ref_number"] for d in user.get("/api/deals").json["deals"]] == ["OK-1"]


def test_refused_deals_are_listed_on_the_result_page(
    upload_csv: Callable[..., Any], user: FlaskClient
) -> None:
    batch = _batch_id(upload_csv(make_csv(row(ref="BAD-1"), more(amount="x"), row(ref="OK-1"))))
    page = user.get(f"/deals/import/{batch}").text
    rejected = re.search(r'<table class="data-table" data-testid="import-rejected">.*?</table>', page, re.S)
    assert rejected
    assert '<tr data-row-number="2" data-ref-number="BAD-1">' in rejected[0]
    assert '<td data-testid="import-row-number">2〜3</td>' in rejected[0]
    assert '<td data-testid="import-reason">3行目: 金額は半角数字で入力してください</td>' in rejected[0]
    assert '<dd data-testid="import-rejected-count">1</dd>' in page


def test_a_ref_number_already_stored_or_earlier_in_the_file_is_refused_as_a_duplicate(
    imported: Callable[..., dict[str, Any]], post_deal: Callable[..., Any], user: FlaskClient
) -> None:
    assert post_deal(ref_number="KRK-0001").status_code == 303  # entered through the form
    data = make_csv(
        row(ref="KRK-0001"),
        row(ref="NEW-1"),
        more(account="会議費"),
        row(ref="NEW-2"),
        row(ref="NEW-1"),  # not next to its first rows: another deal with a taken number
        row(ref="NEW-2", issue="2024/04/02"),  # next to NEW-2 but another date: another deal
    )
    result = imported(data)
    assert [(a["ref_number"], a["row_numbers"]) for a in result["accepted"]] == [
        ("NEW-1", [3, 4]),
        ("NEW-2", [5]),
    ]
    assert [(r["ref_number"], r["row_numbers"], r["reason"]) for r in result["rejected"]] == [
        ("KRK-0001", [2], "管理番号 KRK-0001 は登録済みです"),
        ("NEW-1", [6], "管理番号 NEW-1 は登録済みです（このファイルの3行目）"),
        ("NEW-2", [7], "管理番号 NEW-2 は登録済みです（このファイルの5行目）"),
    ]
    again = imported(data)  # the same file twice: nothing new
    assert again["accepted"] == [] and again["rejected_count"] == 5
    assert user.get("/api/deals").json["total"] == 3


def test_blank_rows_are_skipped(imported: Callable[..., dict[str, Any]]) -> None:
    data = make_csv(row(ref="A"), [""] * 21, more(account="会議費"), [""] * 21, [])
    result = imported(data)
    assert result["row_count"] == 2
    assert [(a["ref_number"], a["row_numbers"]) for a in result["accepted"]] == [("A", [2, 4])]


# -- encodings -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("codec", "choice"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8"), ("cp932", "shift_jis"), ("shift_jis", "shift_jis")],
)
def test_utf8_with_or_without_bom_and_shift_jis_are_read(
    imported: Callable[..., dict[str, Any]], user: FlaskClient, codec: str, choice: str
) -> None:
    memo = "～①髙 弁当" if codec in ("cp932", "utf-8") else "高橋様 弁当"  # ～ ① 髙: not in plain Shift_JIS
    result = imported(make_csv(row(ref="ENC-1", memo=memo), encoding=codec), encoding=choice)
    assert result["accepted_count"] == 1 and result["encoding"] == choice
    assert user.get("/api/deals?ref_number=ENC-1").json["deals"][0]["details"][0]["description"] == memo


@pytest.mark.parametrize(
    ("data", "choice", "message"),
    [
        (
            make_csv(row(), encoding="cp932"),
            "utf-8",
            "ファイルをUTF-8として読めません（1行目）。文字コードの選択を確認してください",
        ),
        (
            make_csv(row(), encoding="utf-8"),
            "shift_jis",
            "ファイルをShift_JISとして読めません（1行目）。文字コードの選択を確認してください",
        ),
        (
            make_csv(header=IMPORT_HEADER[:-1]),
            "utf-8",
            "1行目の見出しがfreee取引インポートの形式ではありません（足りない列: 決済金額）。"
            "文字コードの選択も確認してください",
        ),
        (
            make_csv(header=(*IMPORT_HEADER, "摘要")),
            "utf-8",
            "1行目の見出しがfreee取引インポートの形式ではありません（余分な列: 摘要）。"
            "文字コードの選択も確認してください",
        ),
        (
            make_csv(header=(IMPORT_HEADER[1], IMPORT_HEADER[0], *IMPORT_HEADER[2:])),
            "utf-8",
            "1行目の見出しがfreee取引インポートの形式ではありません（列の順番が違います）。"
            "文字コードの選択も確認してください",
        ),
        (b"", "utf-8", "ファイルが空です"),
        (make_csv(), "utf-8", "取り込む行がありません（見出しの行だけです）"),
        (make_csv([""] * 21, [""] * 21), "utf-8", "取り込む行がありません（見出しの行だけです）"),
        (make_csv(row()), "euc-jp", "文字コードを選択してください"),
        (
            make_csv(row()) + b"x" * (5 * 1024 * 1024),
            "utf-8",
            "CSVファイルは5MB以下にしてください（大きいファイルは分けて取り込んでください）",
        ),
    ],
    ids=[
        "sjis as utf-8",
        "utf-8 as sjis",
        "column missing",
        "column extra",
        "columns swapped",
        "empty",
        "header only",
        "blank rows only",
        "unknown encoding",
        "over 5 MB",
    ],
)
def test_an_unusable_file_is_refused_with_one_clear_message_and_nothing_stored(
    upload_csv: Callable[..., Any], user: FlaskClient, data: bytes, choice: str, message: str
) -> None:
    response = upload_csv(data, encoding=choice)
    assert response.status_code == 422
    assert _form_error(response) == message
    assert user.get("/api/deals").json["total"] == 0


def test_no_file_chosen_is_refused(user: FlaskClient, csrf: Callable[[str], str]) -> None:
    token = csrf(user.get("/deals/import").text)
    response = user.post("/deals/import", data={"csrf_token": token, "encoding": "utf-8"})
    assert response.status_code == 422 and _form_error(response) == "CSVファイルを選択してください"


def test_a_request_far_over_the_limit_is_413_naming_the_csv_limit(upload_csv: Callable[..., Any]) -> None:
    response = upload_csv(b"x" * (12 * 1024 * 1024))
    assert response.status_code == 413 and "CSVファイルは5MBまでです" in response.text


# -- many deals ----------------------------------------------------------------------------------------
def test_a_thousand_deals_are_imported_at_once_and_verified_in_a_few_requests(
    upload_csv: Callable[..., Any], user: FlaskClient, creds: Any
) -> None:
    rows = []
    for i in range(1000):
        rows.append(row(ref=f"BULK-{i:04d}", partner=f"株式会社一括{i % 37}", amount=str(1000 + i)))
        rows.append(more(account="会議費", tax="課対仕入8%（軽）", amount="1080", memo=f"弁当 {i}"))
    data = make_csv(*rows)
    started = time.perf_counter()
    response = upload_csv(data)
    elapsed = time.perf_counter() - started
    assert elapsed < 10, f"importing 1,000 deals took {elapsed:.1f} s"
    result = user.get(f"/api/imports/{_batch_id(response)}", headers=creds.bearer).json
    assert (result["row_count"], result["accepted_count"], result["rejected_count"]) == (2000, 1000, 0)

    refs = [f"BULK-{i:04d}" for i in range(1000)]
    by_refs: dict[str, dict[str, Any]] = {}
    for start in range(0, 1000, 250):  # four requests
        chunk = refs[start : start + 250]
        answer = user.get("/api/deals?ref_numbers=" + ",".join(chunk), headers=creds.bearer).json
        assert answer["total"] == len(answer["deals"]) == 250
        by_refs.update((d["ref_number"], d) for d in answer["deals"])
    assert sorted(by_refs) == refs
    for i, ref in enumerate(refs):
        deal = by_refs[ref]
        assert deal["amount"] == 1000 + i + 1080 and deal["partner_name"] == f"株式会社一括{i % 37}"
        assert [x["description"] for x in deal["details"]] == ["コピー用紙", f"弁当 {i}"]
    paged = user.get("/api/deals?limit=1000&offset=0", headers=creds.bearer).json
    assert paged["total"] == 1000 and {d["ref_number"] for d in paged["deals"]} == set(refs)
    assert {a["deal_id"] for a in result["accepted"]} == {d["id"] for d in paged["deals"]}


# -- the deal API's look-up by 管理番号 ------------------------------------------------------------------
def test_the_deal_api_finds_deals_by_many_ref_numbers(
    imported: Callable[..., dict[str, Any]], user: FlaskClient
) -> None:
    imported(make_csv(*(row(ref=f"R-{n}") for n in range(60)), row(ref="R,comma")))
    found = user.get("/api/deals?ref_numbers=R-1, R-10 ,R-1,R-59,R-99").json
    assert sorted(d["ref_number"] for d in found["deals"]) == ["R-1", "R-10", "R-59"]
    assert found["total"] == 3
    many = user.get("/api/deals?ref_numbers=" + ",".join(f"R-{n}" for n in range(60))).json
    assert len(many["deals"]) == many["total"] == 60  # the default limit follows the number asked for
    assert user.get("/api/deals?ref_number=R,comma").json["total"] == 1  # a comma: ask one by one
    assert user.get("/api/deals?ref_numbers=R-1&limit=0").status_code == 400
    too_many = user.get("/api/deals?ref_numbers=" + ",".join(f"X{n}" for n in range(1001)))
    assert too_many.status_code == 400 and "1000件以内" in too_many.json["message"]
