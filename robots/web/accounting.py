"""The browser robot for freee-style accounting tools: log in, find a deal by reference, enter a deal,
read it back. What it looks for on the screen comes from the target's locators in `config/targets/`."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, Response
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from robots.bookkeeping import Deal, DealLine
from robots.errors import ApplicationError, BusinessError, KurokoError
from robots.web.locators import Resolved, build_locator, resolve
from robots.web.target import Target

__all__ = ["AccountingRobot", "DealRecord", "EntryOutcome", "compare_deal"]

log = logging.getLogger(__name__)

_KIND_LABELS = {"expense": "支出", "income": "収入"}


@dataclass(frozen=True)
class DealRecord:
    """A deal as the target shows it after saving."""

    id: str
    kind: str
    issue_date: str
    due_date: str | None
    partner: str
    reference: str | None
    amount: int
    lines: list[DealLine]
    attachment_sha256: str | None


@dataclass
class EntryOutcome:
    record_id: str
    created: bool  # False: the record already existed on the target and nothing was entered
    record: DealRecord | None = None
    fallbacks: list[str] = field(default_factory=list)
    screenshot: Path | None = None


def _yen(text: str) -> int:
    digits = re.sub(r"[^\d-]", "", text)
    if not digits:
        raise BusinessError("target.readback_unparsable", f"amount {text!r} on the target is not a number")
    return int(digits)


def compare_deal(expected: Deal, record: DealRecord, *, check_sha256: bool) -> list[str]:
    """Every difference between what was typed and what the target saved, in words; empty when equal."""
    diffs: list[str] = []

    def check(what: str, want: Any, got: Any) -> None:
        if want != got:
            diffs.append(f"{what}: typed {want!r}, saved {got!r}")

    check("収支区分", _KIND_LABELS[expected.kind], record.kind)
    check("発生日", expected.issue_date.isoformat(), record.issue_date)
    check("支払期日", expected.due_date.isoformat() if expected.due_date else None, record.due_date)
    check("取引先", expected.partner, record.partner)
    check("管理番号", expected.reference, record.reference)
    check("金額", expected.total, record.amount)
    check("明細の行数", len(expected.lines), len(record.lines))
    for n, (want, got) in enumerate(zip(expected.lines, record.lines, strict=False), start=1):
        check(f"明細{n} 勘定科目", want.account, got.account)
        check(f"明細{n} 税区分", want.tax_category, got.tax_category)
        check(f"明細{n} 金額", want.amount, got.amount)
        check(f"明細{n} 備考", want.memo or None, got.memo or None)
    if check_sha256 and expected.attachment_sha256:
        check("証憑 SHA-256", expected.attachment_sha256, record.attachment_sha256)
    return diffs


class AccountingRobot:
    """Drives one accounting tenant in a Playwright page the caller owns."""

    def __init__(self, page: Page, target: Target, *, timeout_ms: float = 15_000) -> None:
        self.page = page
        self.target = target
        self.timeout_ms = timeout_ms
        self.fallbacks: list[str] = []

    # -- plumbing ------------------------------------------------------------------------------------
    def _find(self, key: str, **params: object) -> Locator:
        found: Resolved = resolve(
            self.page, key, self.target.locator_specs(key), timeout_ms=self.timeout_ms, **params
        )
        if found.used_fallback and key not in self.fallbacks:
            self.fallbacks.append(key)
        return found.locator

    def _optional(self, key: str, **params: object) -> Locator:
        """A locator for all strategies of a key, without waiting (for 'is it there?' questions)."""
        specs = self.target.locator_specs(key)
        loc = build_locator(self.page, specs[0], **params)
        for spec in specs[1:]:
            loc = loc.or_(build_locator(self.page, spec, **params))
        return loc

    def _goto(self, page: str, **params: object) -> None:
        url = self.target.url(page, **params)
        response = self.page.goto(url, wait_until="domcontentloaded")
        self._check_response(response, url)

    @staticmethod
    def _check_response(response: Response | None, what: str) -> None:
        if response is not None and response.status >= 500:
            raise ApplicationError("target.server_error", f"{what} answered HTTP {response.status}")

    def _on_login_page(self) -> bool:
        login_path = urlparse(self.target.url("login")).path
        return urlparse(self.page.url).path == login_path

    # -- operations ----------------------------------------------------------------------------------
    def login(self, username: str, password: str) -> None:
        """Log in through the login page; BusinessError ``target.login_failed`` when refused."""
        if not self._on_login_page():
            self._goto("login")
        self._find("login.email").fill(username)
        self._find("login.password").fill(password)
        with self.page.expect_response(
            lambda r: r.request.method == "POST" and r.request.resource_type == "document"
        ) as posted:
            self._find("login.submit").click()
        self._check_response(posted.value, "login")
        marker = self._optional("session.marker").or_(self._optional("login.error"))
        marker.first.wait_for(timeout=self.timeout_ms)
        if self._optional("login.error").count() and self._on_login_page():
            raise BusinessError(
                "target.login_failed",
                f"{self.target.name}: login refused "
                f"({self._optional('login.error').first.inner_text().strip()})",
            )

    def ensure_session(self, credentials: tuple[str, str]) -> None:
        """Open the deal list, logging in first when the session is missing or expired."""
        self._goto("deals")
        if self._on_login_page():
            self.login(*credentials)
            if self._on_login_page():
                raise BusinessError("target.login_failed", f"{self.target.name}: still on the login page")

    def find_deals_by_reference(self, reference: str) -> list[str]:
        """Search the deal list by 管理番号 (exact) through the search form; the ids found."""
        self._goto("deals")
        box = self._find("search.ref_number")
        box.fill(reference)
        with self.page.expect_navigation(wait_until="domcontentloaded"):
            self._find("search.submit").click()
        rows = self._optional("search.row")
        rows.or_(self._optional("search.empty")).first.wait_for(timeout=self.timeout_ms)
        ids = []
        for row in rows.all():
            deal_id = row.get_attribute("data-deal-id") or row.locator("a").first.inner_text()
            ids.append(deal_id.strip())
        return ids

    def create_deal(self, deal: Deal) -> str:
        """Fill and submit the new-deal form; the new deal's id. BusinessError with the target's own
        messages when its validation refuses the deal."""
        self._goto("new_deal")
        self._find("deal.type").select_option(label=_KIND_LABELS[deal.kind])
        self._find("deal.issue_date").fill(deal.issue_date.isoformat())
        if deal.due_date:
            self._find("deal.due_date").fill(deal.due_date.isoformat())
        self._choose_partner(deal.partner)
        self._find("deal.ref_number").fill(deal.reference)
        for n, line in enumerate(deal.lines, start=1):
            if n > 1:
                self._find("deal.add_line").click()
            self._find("line.account", n=n).select_option(label=line.account)
            self._find("line.tax", n=n).select_option(label=line.tax_category)
            self._find("line.amount", n=n).fill(str(line.amount))
            if line.memo:
                self._find("line.memo", n=n).fill(line.memo)
        if deal.attachment:
            self._find("deal.receipt").set_input_files(deal.attachment)
        with self.page.expect_response(
            lambda r: r.request.method == "POST" and r.request.resource_type == "document",
            timeout=self.timeout_ms * 2,
        ) as posted:
            self._find("deal.submit").click()
        self._check_response(posted.value, "saving the deal")
        done = self._optional("detail.id").or_(self._optional("deal.errors"))
        done.first.wait_for(timeout=self.timeout_ms)
        if self._optional("detail.id").count() == 0:
            messages = self._optional("deal.errors").first.inner_text().strip()
            raise BusinessError("target.rejected", f"{self.target.name} refused the deal: {messages}")
        return self._find("detail.id").inner_text().strip()

    def _choose_partner(self, name: str) -> None:
        box = self._find("deal.partner")
        box.fill(name)
        exact = self._optional("deal.partner_option", name=name)
        new = self._optional("deal.partner_new_option")
        exact.or_(new).first.wait_for(timeout=self.timeout_ms)
        if exact.count():
            exact.first.click()
        else:
            new.first.click()
        # The choice is made when the box shows the name and the list has closed.
        self.page.get_by_role("listbox").wait_for(state="hidden", timeout=self.timeout_ms)
        if box.input_value() != name:
            raise ApplicationError(
                "target.partner_not_chosen", f"取引先 shows {box.input_value()!r}, not {name!r}"
            )

    def read_deal(self, deal_id: str) -> DealRecord:
        """Open a deal's page and read back everything the robot types."""
        self._goto("deal", id=deal_id)
        text = {
            key: self._find(f"detail.{key}").inner_text().strip()
            for key in ("id", "type", "issue_date", "due_date", "partner", "ref_number", "amount")
        }
        lines = []
        for row in self._optional("detail.line").all():
            cell = {
                key: resolve(
                    row, key, self.target.locator_specs(f"detail.line_{key}"), timeout_ms=self.timeout_ms
                )
                .locator.inner_text()
                .strip()
                for key in ("account", "tax", "amount", "memo")
            }
            lines.append(
                DealLine(
                    account=cell["account"],
                    tax_category=cell["tax"],
                    amount=_yen(cell["amount"]),
                    memo=cell["memo"] or None,
                )
            )
        sha = self._optional("detail.receipt_sha256")
        return DealRecord(
            id=text["id"],
            kind=text["type"],
            issue_date=text["issue_date"],
            due_date=text["due_date"] or None,
            partner=text["partner"],
            reference=text["ref_number"] or None,
            amount=_yen(text["amount"]),
            lines=lines,
            attachment_sha256=sha.first.inner_text().strip() if sha.count() else None,
        )

    def screenshot(self, path: Path) -> Path:
        """Evidence of the page as it is now; password inputs masked."""
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=path, full_page=True, mask=[self.page.locator("input[type=password]")])
        return path

    def enter_deal(
        self, deal: Deal, credentials: tuple[str, str], *, evidence: Path | None = None
    ) -> EntryOutcome:
        """Enter a deal once: search the target by reference first, create only when absent, then read the
        deal back and compare every value typed. A mismatch is a BusinessError carrying the differences."""
        with translated_errors(self.target.name):
            self.ensure_session(credentials)
            existing = self.find_deals_by_reference(deal.reference)
            if existing:
                log.info(
                    "deal %s already on %s as #%s: nothing entered",
                    deal.reference,
                    self.target.name,
                    existing[0],
                )
                return EntryOutcome(record_id=existing[0], created=False, fallbacks=list(self.fallbacks))
            deal_id = self.create_deal(deal)
            record = self.read_deal(deal_id)
            shot = self.screenshot(evidence) if evidence else None
            diffs = compare_deal(
                deal, record, check_sha256=bool(self.target.options.get("verify_attachment_sha256", False))
            )
            if diffs:
                raise BusinessError(
                    "target.readback_mismatch",
                    f"deal #{deal_id} on {self.target.name} differs from what was typed: " + "; ".join(diffs),
                    record_id=deal_id,
                    differences=diffs,
                )
            return EntryOutcome(
                record_id=deal_id,
                created=True,
                record=record,
                fallbacks=list(self.fallbacks),
                screenshot=shot,
            )


@contextmanager
def translated_errors(target: str) -> Iterator[None]:
    """Playwright's exceptions become ApplicationErrors (retryable) at the robot's edge."""
    try:
        yield
    except KurokoError:
        raise
    except PlaywrightTimeoutError as exc:
        raise ApplicationError("target.timeout", f"{target}: {exc.message.splitlines()[0]}") from exc
    except PlaywrightError as exc:
        raise ApplicationError("target.browser_error", f"{target}: {exc.message.splitlines()[0]}") from exc
