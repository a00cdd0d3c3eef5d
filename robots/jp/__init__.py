"""Japanese back-office primitives: pure functions, no I/O (domain-ja.md §1-§3, §6).

Text normalization, dates and eras, yen amounts, party names, registration numbers, consumption tax,
bank business days and personal numbers.
"""

from robots.jp.amounts import Amount, AmountParseError, find_amounts, parse_amount
from robots.jp.calendar import adjust_to_business_day, is_bank_business_day
from robots.jp.dates import (
    DATE_RE,
    ERAS,
    DateParseError,
    Era,
    TimeParseError,
    date_from_excel_serial,
    find_date,
    fiscal_year,
    parse_date,
    parse_date_detailed,
    parse_period,
    parse_time,
)
from robots.jp.mynumber import REDACTED, is_valid_my_number, mask_my_number, redact_my_numbers
from robots.jp.names import (
    LEGAL_FORMS,
    VARIANT_KANJI,
    PartyName,
    PartyNameError,
    normalize_party,
    party_match_key,
)
from robots.jp.registration import (
    REGISTRATION_RE,
    RegistrationCheck,
    RegistrationNumberError,
    check_registration_number,
    normalize_registration_number,
)
from robots.jp.tax import Rounding, matching_roundings, tax_for
from robots.jp.text import RADICALS_SUPPLEMENT, collapse_spaces, normalize_text

__all__ = [
    "DATE_RE",
    "ERAS",
    "LEGAL_FORMS",
    "RADICALS_SUPPLEMENT",
    "REDACTED",
    "REGISTRATION_RE",
    "VARIANT_KANJI",
    "Amount",
    "AmountParseError",
    "DateParseError",
    "Era",
    "PartyName",
    "PartyNameError",
    "RegistrationCheck",
    "RegistrationNumberError",
    "Rounding",
    "TimeParseError",
    "adjust_to_business_day",
    "check_registration_number",
    "collapse_spaces",
    "date_from_excel_serial",
    "find_amounts",
    "find_date",
    "fiscal_year",
    "is_bank_business_day",
    "is_valid_my_number",
    "mask_my_number",
    "matching_roundings",
    "normalize_party",
    "party_match_key",
    "normalize_registration_number",
    "normalize_text",
    "parse_amount",
    "parse_date",
    "parse_date_detailed",
    "parse_period",
    "parse_time",
    "redact_my_numbers",
    "tax_for",
]
