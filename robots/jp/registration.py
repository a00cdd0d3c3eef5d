"""Qualified-invoice registration numbers (登録番号, domain-ja.md §1): ``T`` + 13 digits.

For corporations the 13 digits are the corporate number (法人番号), whose first digit is a check digit;
``stdnum.jp.cn`` checks it. Individual registrants' numbers have no published check rule, so a bad
format is an error but a check-digit mismatch only a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from stdnum.jp import cn

from robots.jp.text import normalize_text

if TYPE_CHECKING:
    from robots.documents.model import Finding

__all__ = [
    "REGISTRATION_RE",
    "RegistrationCheck",
    "RegistrationNumberError",
    "check_registration_number",
    "normalize_registration_number",
]

_SEPARATORS = "\\s\\-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc"  # spaces, hyphens, dashes, ー

REGISTRATION_RE: re.Pattern[str] = re.compile(
    rf"(?<![A-Za-z0-9])[Tt][{_SEPARATORS}]*(?P<digits>\d(?:[{_SEPARATORS}]*\d){{12}})(?![{_SEPARATORS}]*\d)"
)
"""A registration number inside text that went through :func:`robots.jp.text.normalize_text`; the
``digits`` group still holds any separators."""

_STRIP = re.compile(rf"[{_SEPARATORS}]+")
_FORMAT = re.compile(r"T\d{13}")


class RegistrationNumberError(ValueError):
    """Not ``T`` followed by 13 digits (登録番号の形式が不正です)."""

    def __init__(self, text: str) -> None:
        super().__init__(f"a registration number is T followed by 13 digits, got {text!r}")
        self.text = text


@dataclass(frozen=True)
class RegistrationCheck:
    """Result of :func:`check_registration_number`; ``check_digit_ok`` is None when the format is bad."""

    normalized: str | None
    format_ok: bool
    check_digit_ok: bool | None
    findings: list[Finding] = field(default_factory=list)


def normalize_registration_number(text: str) -> str:
    """``Ｔ７０００－０１２０５－０００２`` or ``t7000012050002`` → ``T7000012050002``.

    Full-width characters, case, spaces, hyphens and dashes are normalized away. Raises
    :class:`RegistrationNumberError` unless what remains is ``T`` and 13 digits.
    """
    s = _STRIP.sub("", normalize_text(text)).upper()
    if not _FORMAT.fullmatch(s):
        raise RegistrationNumberError(text)
    return s


def check_registration_number(text: str) -> RegistrationCheck:
    """Normalize and check a registration number, reporting problems as findings.

    Format error → ``registration_number.format`` (error); check-digit mismatch →
    ``registration_number.check_digit`` (warning: numbers of individuals follow no published rule).
    """
    # Imported here, not at the top: the document readers import robots.jp, so robots.jp must not run
    # the robots.documents package while it is itself being imported.
    from robots.documents.model import Finding, Severity

    try:
        normalized = normalize_registration_number(text)
    except RegistrationNumberError as exc:
        finding = Finding(
            code="registration_number.format",
            severity=Severity.ERROR,
            message=f"登録番号の形式が不正です: {exc}",
            field="registration_number",
        )
        return RegistrationCheck(normalized=None, format_ok=False, check_digit_ok=None, findings=[finding])
    if cn.is_valid(normalized[1:]):
        return RegistrationCheck(normalized=normalized, format_ok=True, check_digit_ok=True, findings=[])
    finding = Finding(
        code="registration_number.check_digit",
        severity=Severity.WARNING,
        message=(
            f"登録番号 {normalized}: the check digit does not match a corporate number "
            "(fine for an individual registrant; verify with the tax agency's publication site)"
        ),
        field="registration_number",
    )
    return RegistrationCheck(normalized=normalized, format_ok=True, check_digit_ok=False, findings=[finding])
