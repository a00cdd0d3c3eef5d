"""What the screens say, per UI version.

Version 2 (the chaos switch ``ui_version=2``) renames labels, headings and buttons and moves things around,
the way a SaaS redesign does; form field ``name`` attributes, the ids the script uses and ``data-testid``
values never change between versions, so a robot whose first-choice locator is a version-1 label still finds
the element through a CSS or test-id fallback. Validation messages name the fields as the screen does.

Kept the same on purpose: the ログアウト button (robots take it as the sign of a session), the option texts
of the lists (支出/収入, 勘定科目, 税区分: robots choose by them), and the 取引先 suggestions.
"""

from __future__ import annotations

from sandbox.accounting.validation import Wording

__all__ = ["LABELS", "labels_for", "wording_for"]

_V1: dict[str, str] = {
    # login
    "login_title": "ログイン",
    "login_email": "メールアドレス",
    "login_password": "パスワード",
    "login_submit": "ログイン",
    "login_error": "メールアドレスまたはパスワードが正しくありません。",
    # navigation
    "nav_deals": "取引一覧",
    "nav_new": "新規取引",
    "nav_import": "取引インポート",
    # deal fields (also the words of the validation messages)
    "type": "収支区分",
    "issue_date": "発生日",
    "due_date": "支払期日",
    "partner": "取引先",
    "ref_number": "管理番号",
    "total": "金額",
    "lines": "明細",
    "account": "勘定科目",
    "tax": "税区分",
    "amount": "金額",
    "memo": "備考",
    "receipt": "証憑",
    # deal list
    "title_deals": "取引一覧",
    "search_partner": "取引先",
    "btn_search": "検索",
    "no_deals": "該当する取引はありません",
    "receipt_yes": "あり",
    "receipt_no": "なし",
    "prev": "前へ",
    "next": "次へ",
    # new deal
    "title_new": "新規取引",
    "errors_intro": "入力内容を確認してください",
    "partner_options": "候補一覧",
    "choose": "選択してください",
    "actions": "操作",
    "btn_add_line": "行を追加",
    "btn_remove_line": "削除",
    "receipt_hint": "PDF・PNG・JPEG、10MBまで",
    "receipt_again": "ファイルをもう一度選択してください。",
    "btn_submit": "登録する",
    "cancel": "キャンセル",
    # one deal
    "title_deal": "取引",
    "created": "取引を登録しました",
    "section_basic": "基本情報",
    "created_at": "登録日時",
    "no_receipt": "証憑なし",
    # import
    "title_import": "取引インポート",
    "import_file": "CSVファイル",
    "import_encoding": "文字コード",
    "btn_import": "取り込む",
    "title_import_result": "インポート結果",
    "import_rows": "読み込んだ行",
    "import_accepted": "登録した取引",
    "import_rejected": "取り込めなかった取引",
    "row_number": "行番号",
    "reason": "理由",
    "deal_id": "取引ID",
    "import_again": "別のファイルを取り込む",
}

_V2_CHANGES: dict[str, str] = {
    "login_title": "サインイン",
    "login_email": "ログインID",
    "login_submit": "サインイン",
    "login_error": "ログインIDまたはパスワードが違います。",
    "nav_deals": "取引の一覧",
    "nav_new": "取引を作成",
    "nav_import": "一括登録",
    "type": "収支",
    "issue_date": "取引日",
    "due_date": "決済期日",
    "partner": "相手先",
    "ref_number": "伝票番号",
    "total": "合計金額",
    "lines": "内訳",
    "account": "科目",
    "tax": "税率",
    "amount": "金額（税込）",
    "memo": "摘要",
    "receipt": "添付ファイル",
    "title_deals": "取引の一覧",
    "search_partner": "相手先",
    "btn_search": "絞り込む",
    "no_deals": "条件に合う取引がありません",
    "receipt_yes": "添付あり",
    "receipt_no": "—",
    "prev": "前のページ",
    "next": "次のページ",
    "title_new": "取引を作成",
    "errors_intro": "保存できませんでした",
    "partner_options": "相手先の候補",
    "btn_add_line": "明細を追加",
    "btn_remove_line": "この行を削除",
    "receipt_hint": "PDF・PNG・JPEG（10MBまで）",
    "btn_submit": "保存",
    "cancel": "一覧に戻る",
    "title_deal": "取引の詳細",
    "created": "保存しました",
    "section_basic": "取引の内容",
    "created_at": "作成日時",
    "no_receipt": "添付ファイルはありません",
    "title_import": "取引の一括登録",
    "import_file": "取り込むファイル",
    "import_encoding": "ファイルの文字コード",
    "btn_import": "アップロードして登録",
    "title_import_result": "一括登録の結果",
    "import_rows": "データ行",
    "import_accepted": "登録済み",
    "import_rejected": "エラー",
    "row_number": "行",
    "reason": "エラー内容",
    "import_again": "続けて登録する",
}

LABELS: dict[int, dict[str, str]] = {1: _V1, 2: {**_V1, **_V2_CHANGES}}

_WORDINGS: dict[int, Wording] = {
    version: Wording(
        type=labels["type"],
        issue_date=labels["issue_date"],
        due_date=labels["due_date"],
        partner=labels["partner"],
        ref_number=labels["ref_number"],
        lines=labels["lines"],
        account=labels["account"],
        tax=labels["tax"],
        amount=labels["amount"],
        memo=labels["memo"],
        receipt=labels["receipt"],
    )
    for version, labels in LABELS.items()
}


def labels_for(ui_version: int) -> dict[str, str]:
    """The label table of a UI version (1 or 2)."""
    return LABELS[ui_version]


def wording_for(ui_version: int) -> Wording:
    """How the new-deal form's messages name the fields in a UI version."""
    return _WORDINGS[ui_version]
