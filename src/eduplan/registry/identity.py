"""Resident identity numbers (居民身份证号码, GB 11643-1999): validation and keyed hashing.

The registry never stores an identity number in clear. It keeps an HMAC-SHA256 of the normalised
number under a secret key (``EDUPLAN_ID_HASH_KEY``), so the same person is recognised across
imports without the number being recoverable from the database, plus the last four characters for
display. A hash without a key could be reversed by trying every birth date and sequence number.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re

from django.conf import settings

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_PATTERN = re.compile(r"^\d{17}[\dX]$")


class IdentityNumberError(ValueError):
    """Raised with a message a user can act on (Chinese and English)."""


def normalise(number: str) -> str:
    return number.strip().upper().replace(" ", "")


def check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def validate(number: str) -> str:
    """Return the normalised number, or raise :class:`IdentityNumberError` saying what is wrong."""
    n = normalise(number)
    if not _PATTERN.match(n):
        raise IdentityNumberError(
            f"身份证号码应为18位(末位可为X): {mask(n)} / an identity number has 18 characters, the last may be X"
        )
    try:
        dt.date(int(n[6:10]), int(n[10:12]), int(n[12:14]))
    except ValueError as exc:
        raise IdentityNumberError(
            f"身份证号码中的出生日期无效: {mask(n)} / the birth date inside the identity number is invalid"
        ) from exc
    if check_digit(n[:17]) != n[17]:
        raise IdentityNumberError(
            f"身份证号码校验位错误: {mask(n)} / the identity number's check digit is wrong (GB 11643)"
        )
    return n


def hash_number(number: str) -> str:
    """Keyed hash of a *valid* identity number (64 hex characters)."""
    n = validate(number)
    key = str(getattr(settings, "ID_HASH_KEY", settings.SECRET_KEY)).encode()
    return hmac.new(key, n.encode(), hashlib.sha256).hexdigest()


def last4(number: str) -> str:
    return normalise(number)[-4:]


def mask(number_or_last4: str) -> str:
    """How an identity number is shown anywhere: ``**************123X``."""
    tail = normalise(number_or_last4)[-4:]
    return "*" * 14 + tail


def make_number(region: str, birth: dt.date, sequence: int) -> str:
    """Build a valid number (for synthetic demo staff and tests): region code, birth date, sequence."""
    first17 = f"{region[:6]:0<6}{birth:%Y%m%d}{sequence % 1000:03d}"
    return first17 + check_digit(first17)
