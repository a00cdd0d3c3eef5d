"""The visible words of the two UI versions (chaos switch ``ui_version``).

Version 2 renames labels, headings and buttons the way a SaaS redesign does; form field ``name`` attributes,
element ids and ``data-testid`` values never change, so a robot's CSS/test-id fallback still finds them.
The v2 words are chosen so that a v1 label is not a substring of its v2 replacement where a robot would
otherwise still match it by accident (Playwright matches labels by substring unless ``exact``); the one
exception is 管理番号 → 社内管理番号, which only an ``exact`` label locator tells apart. Kept the same on
purpose: the ログアウト button (robots take it as the sign of a session) and the status words.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["STATUS_LABELS", "V1", "V2", "Labels", "labels_for"]

# Status codes (stored and in the API) → what the screens show; the same in both versions.
STATUS_LABELS: dict[str, str] = {
    "draft": "下書き",  # uploaded, not sent yet
    "sent": "送信済み",  # sent to the signers, waiting for their signatures
    "signed": "署名済み",  # every signer has signed
}


@dataclass(frozen=True)
class Labels:
    app_name: str
    login_title: str
    login_email: str
    login_password: str
    login_submit: str
    login_error: str
    documents: str  # list heading and menu item
    new_document: str  # send-flow heading and menu item
    document: str  # document page heading prefix
    step_file: str
    step_signers: str
    step_confirm: str
    document_id: str
    title: str
    ref_number: str
    status: str
    sent_at: str
    file: str
    file_name: str
    file_sha256: str
    signers: str
    signer: str  # "署名者" + n, in error messages
    signer_name: str
    signer_email: str
    signer_order: str
    search: str
    next: str
    add_signer: str
    remove: str
    to_confirm: str
    send: str
    back: str
    download: str
    mark_signed: str
    continue_draft: str
    delete_draft: str


V1 = Labels(
    app_name="サンドボックス電子契約",
    login_title="ログイン",
    login_email="メールアドレス",
    login_password="パスワード",
    login_submit="ログイン",
    login_error="メールアドレスまたはパスワードが正しくありません。",
    documents="文書一覧",
    new_document="新規送信",
    document="文書",
    step_file="契約書と文書情報",
    step_signers="署名者",
    step_confirm="確認",
    document_id="文書ID",
    title="タイトル",
    ref_number="管理番号",
    status="ステータス",
    sent_at="送信日",
    file="契約書PDF",
    file_name="ファイル名",
    file_sha256="SHA-256",
    signers="署名者",
    signer="署名者",
    signer_name="氏名",
    signer_email="メールアドレス",
    signer_order="署名順",
    search="検索",
    next="次へ",
    add_signer="署名者を追加",
    remove="削除",
    to_confirm="確認へ",
    send="送信する",
    back="戻る",
    download="ダウンロード",
    mark_signed="署名済みにする（サンドボックス）",
    continue_draft="続きを編集",
    delete_draft="下書きを削除",
)

V2 = Labels(
    app_name="サンドボックス電子契約",
    login_title="サインイン",
    login_email="ログインID",
    login_password="パスワード",
    login_submit="サインイン",
    login_error="ログインIDまたはパスワードが違います。",
    documents="契約書の管理",
    new_document="署名依頼の作成",
    document="契約書",
    step_file="書類の登録",
    step_signers="宛先の設定",
    step_confirm="内容の確認",
    document_id="ID",
    title="文書名",
    ref_number="社内管理番号",
    status="状態",
    sent_at="依頼日",
    file="契約書ファイル（PDF）",
    file_name="登録ファイル",
    file_sha256="ハッシュ値（SHA-256）",
    signers="宛先",
    signer="署名者",
    signer_name="署名者名",
    signer_email="署名者メール",
    signer_order="順番",
    search="絞り込む",
    next="署名者の設定へ",
    add_signer="宛先を追加",
    remove="取り除く",
    to_confirm="内容を確認する",
    send="署名を依頼する",
    back="前の画面へ",
    download="PDFを保存",
    mark_signed="全員の署名を完了させる（サンドボックス）",
    continue_draft="作成を再開",
    delete_draft="下書きを破棄",
)


def labels_for(ui_version: int) -> Labels:
    """The words of one UI version (1 or 2)."""
    return V2 if ui_version == 2 else V1
