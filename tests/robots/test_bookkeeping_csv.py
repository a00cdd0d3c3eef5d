"""Deals written as freee 取引インポート CSV, read back by the real sandbox import (Flask test client, real
SQLite): columns, quoting, encodings, and the split into files under the 5 MB limit."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from robots.bookkeeping import Deal, DealLine
from robots.bookkeeping_csv import FREEE_IMPORT_HEADER, MAX_IMPORT_BYTES, write_import_csv
from robots.errors import BusinessError
from sandbox.accounting import IMPORT_HEADER, create_app

USER, PASSWORD, TOKEN = "csv@example.jp", "csv-Pass-1", "csv-token"
TRICKY_MEMO = 'INV-9 "至急", 梱包材\n2行目の備考'


def _deal(
    reference: str, *, kind: str = "expense", memo: str | None = "INV-1 コピー用紙", lines: int = 0
) -> Deal:
    base = [
        DealLine(account="消耗品費", tax_category="課対仕入10%", amount=11_000, memo=memo),
        DealLine(account="会議費", tax_category="課対仕入8%（軽）", amount=1_080, memo="INV-1 弁当"),
    ]
    extra = [
        DealLine(account="雑費", tax_category="対象外", amount=100 + n, memo=f"{n:03d} " + "長い備考" * 25)
        for n in range(lines)
    ]
    return Deal(
        kind=kind,  # type: ignore[arg-type]
        issue_date=dt.date(2024, 4, 1),
        due_date=dt.date(2024, 4, 30),
        partner="株式会社サンプル商事",
        reference=reference,
        lines=base + extra,
    )


@pytest.fixture
def sandbox(tmp_path: Path) -> FlaskClient:
    """The sandbox accounting app on a real SQLite file, logged in."""
    client = create_app(
        tmp_path / "sandbox.sqlite3", username=USER, password=PASSWORD, api_token=TOKEN
    ).test_client()
    token = _csrf(client.get("/login").text)
    assert (
        client.post("/login", data={"email": USER, "password": PASSWORD, "csrf_token": token}).status_code
        == 302
    )
    return client


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match
    return match.group(1)


def _import(client: FlaskClient, path: Path, encoding: str) -> dict[str, Any]:
    token = _csrf(client.get("/deals/import").text)
    form = {"csrf_token": token, "encoding": encoding, "file": (io.BytesIO(path.read_bytes()), path.name)}
    response = client.post("/deals/import", data=form, content_type="multipart/form-data")
    assert response.status_code == 303, response.text
    return client.get("/api/imports/" + response.headers["Location"].rsplit("/", 1)[1]).json


def _api_deals(client: FlaskClient, refs: list[str]) -> dict[str, dict[str, Any]]:
    answer = client.get("/api/deals?ref_numbers=" + ",".join(refs)).json
    return {d["ref_number"]: d for d in answer["deals"]}


def test_the_header_is_freees_and_the_sandboxs() -> None:
    assert FREEE_IMPORT_HEADER == IMPORT_HEADER and len(FREEE_IMPORT_HEADER) == 21


def test_one_row_per_line_with_the_deal_columns_on_every_row(tmp_path: Path) -> None:
    deal = _deal("KRK-1")
    [path] = write_import_csv([deal, _deal("KRK-2", kind="income", memo=None)], tmp_path / "deals.csv")
    raw = path.read_bytes()
    assert raw.startswith("収支区分,管理番号,発生日".encode()) and raw.count(b"\r\n") == 5
    rows = list(csv.reader(io.StringIO(raw.decode(), newline="")))
    assert rows[0] == list(FREEE_IMPORT_HEADER)
    assert rows[1] == [
        "支出",
        "KRK-1",
        "2024/04/01",
        "2024/04/30",
        "",
        "株式会社サンプル商事",
        "消耗品費",
        "課対仕入10%",
        "11000",
        "内税",
        "",
        "INV-1 コピー用紙",
        *[""] * 9,
    ]
    assert rows[2][:9] == [*rows[1][:6], "会議費", "課対仕入8%（軽）", "1080"]
    assert [r[0] for r in rows[3:]] == ["収入", "収入"] and rows[3][11] == ""


@pytest.mark.parametrize(
    ("encoding", "choice"), [("utf-8", "utf-8"), ("utf-8-sig", "utf-8"), ("shift_jis", "shift_jis")]
)
def test_deals_round_trip_through_the_sandbox_import(
    sandbox: FlaskClient, tmp_path: Path, encoding: str, choice: str
) -> None:
    deals = [
        _deal("RT-1"),
        _deal("RT-2", memo=TRICKY_MEMO),
        Deal(
            kind="income",
            issue_date=dt.date(2024, 12, 31),
            partner='株式会社 新規, "引用" 商店',
            reference="RT-3",
            lines=[DealLine(account="売上高", tax_category="課税売上10%", amount=999_999_999)],
        ),
    ]
    [path] = write_import_csv(deals, tmp_path / "deals.csv", encoding=encoding)
    assert path.read_bytes().startswith(codecs.BOM_UTF8) == (encoding == "utf-8-sig")
    result = _import(sandbox, path, choice)
    assert (result["accepted_count"], result["rejected"]) == (3, [])
    stored = _api_deals(sandbox, ["RT-1", "RT-2", "RT-3"])
    for deal in deals:
        got = stored[deal.reference]
        assert got["type"] == deal.kind and got["partner_name"] == deal.partner
        assert got["issue_date"] == deal.issue_date.isoformat()
        assert got["due_date"] == (deal.due_date.isoformat() if deal.due_date else None)
        assert got["amount"] == deal.total
        assert [
            DealLine(
                account=x["account_item"],
                tax_category=x["tax_code"],
                amount=x["amount"],
                memo=x["description"],
            )
            for x in got["details"]
        ] == deal.lines


def test_more_than_5_mb_goes_to_several_files_each_accepted_by_the_sandbox(
    sandbox: FlaskClient, tmp_path: Path
) -> None:
    deals = [_deal(f"BIG-{n:04d}", lines=20) for n in range(700)]  # about 7 MB as UTF-8
    paths = write_import_csv(deals, tmp_path / "big.csv")
    assert paths == [tmp_path / "big_001.csv", tmp_path / "big_002.csv"]
    assert not (tmp_path / "big.csv").exists()
    assert all(p.stat().st_size <= MAX_IMPORT_BYTES for p in paths)
    assert sum(p.stat().st_size for p in paths) > MAX_IMPORT_BYTES
    accepted: list[str] = []
    for path in paths:
        result = _import(sandbox, path, "utf-8")
        assert result["rejected"] == []
        accepted += [a["ref_number"] for a in result["accepted"]]
    assert accepted == [d.reference for d in deals]  # in order, no deal split between files
    assert sandbox.get("/api/deals?ref_number=BIG-0699").json["deals"][0]["amount"] == deals[-1].total


def test_a_split_never_cuts_a_deal_and_every_part_has_the_header(tmp_path: Path) -> None:
    deals = [_deal(f"S-{n}", lines=n % 4) for n in range(30)]
    one = write_import_csv(deals, tmp_path / "one.csv")[0].read_bytes()
    limit = len(one) // 4
    paths = write_import_csv(deals, tmp_path / "parts.csv", max_bytes=limit)
    assert len(paths) >= 4
    refs: list[str] = []
    for path in paths:
        raw = path.read_bytes()
        assert len(raw) <= limit
        rows = list(csv.reader(io.StringIO(raw.decode(), newline="")))
        assert rows[0] == list(FREEE_IMPORT_HEADER)
        refs += list(dict.fromkeys(r[1] for r in rows[1:]))
    assert refs == [d.reference for d in deals]


def test_an_unencodable_character_names_the_deal(tmp_path: Path) -> None:
    with pytest.raises(BusinessError) as err:
        write_import_csv(
            [_deal("SJ-1"), _deal("SJ-2", memo="寿司🍣")], tmp_path / "d.csv", encoding="shift_jis"
        )
    assert (
        err.value.code == "import_csv.unencodable"
        and "SJ-2" in err.value.message
        and "🍣" in err.value.message
    )


def test_shift_jis_means_windows_cp932(tmp_path: Path) -> None:
    [path] = write_import_csv([_deal("CP-1", memo="①髙～")], tmp_path / "d.csv", encoding="Shift_JIS")
    assert "①髙～".encode("cp932") in path.read_bytes()


def test_a_deal_larger_than_the_limit_alone_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BusinessError) as err:
        write_import_csv([_deal("HUGE-1", lines=50)], tmp_path / "d.csv", max_bytes=10_000)
    assert err.value.code == "import_csv.deal_too_large" and "HUGE-1" in err.value.message
