"""Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP, HMAC-SHA1), as authenticator apps make them.

The seed is the base32 text an authenticator app is given (spaces and lower case allowed, padding optional).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import struct
import time

__all__ = ["STEP_SECONDS", "hotp", "totp", "verify_totp"]

STEP_SECONDS = 30


def _key(seed: str) -> bytes:
    text = seed.replace(" ", "").upper()
    text += "=" * (-len(text) % 8)
    try:
        key = base64.b32decode(text, casefold=False)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("the TOTP seed is not base32 text") from exc
    if not key:
        raise ValueError("the TOTP seed is empty")
    return key


def hotp(key: bytes, counter: int, digits: int = 6) -> str:
    """RFC 4226: the code for one counter value (dynamic truncation of HMAC-SHA1)."""
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    number = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def totp(seed: str, at: float | None = None, digits: int = 6) -> str:
    """The code of `seed` at time `at` (seconds since the epoch; now when None)."""
    moment = time.time() if at is None else at
    return hotp(_key(seed), int(moment // STEP_SECONDS), digits)


def verify_totp(seed: str, code: str, at: float | None = None, window: int = 1) -> bool:
    """Whether `code` is the code of `seed` at `at`, or up to `window` steps before or after (clock drift)."""
    code = code.strip()
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        return False
    moment = time.time() if at is None else at
    key = _key(seed)
    counter = int(moment // STEP_SECONDS)
    return any(hmac.compare_digest(hotp(key, counter + delta), code) for delta in range(-window, window + 1))
