"""Opaque row tokens in place of identity hashes in every export and API answer.

A staff member's identity number is kept only as a keyed hash (``id_hash``). Exports used to carry
that hash so a re-import could match the person; but a hash of a number from a small space is a
dictionary away from the number for anyone who holds the key. An export now carries a *row token*:
the hash put through a keyed permutation (a four-round Feistel network over HMAC-SHA256, under a
key derived from the identity-hash key). It is deterministic — the same row exports the same
token, so a re-exported file is byte-identical — and only this server can turn it back into the
hash, so a re-import of the same file, into the same registry or an empty one, matches the staff.

Tokens are written ``t:`` followed by 64 hexadecimal digits; a bare 64-digit hash (an export from
before tokens) is still accepted on import.
"""

from __future__ import annotations

import hashlib
import hmac
import re

PREFIX = "t:"
TOKEN = re.compile(r"^t:[0-9a-f]{64}$")
HEX64 = re.compile(r"^[0-9a-f]{64}$")
ROUNDS = 4


def _key() -> bytes:
    from django.conf import settings

    return hmac.new(str(settings.ID_HASH_KEY).encode(), b"eduplan row token v1", hashlib.sha256).digest()


def _round(key: bytes, i: int, half: bytes) -> bytes:
    return hmac.new(key, bytes([i]) + half, hashlib.sha256).digest()[:16]


def _xor(a: bytes, b: bytes) -> bytes:
    return bytes(x ^ y for x, y in zip(a, b, strict=True))


def row_token(id_hash: str) -> str:
    """The export's token for ``id_hash`` (64 hex digits)."""
    data = bytes.fromhex(id_hash)
    left, right = data[:16], data[16:]
    key = _key()
    for i in range(ROUNDS):
        left, right = right, _xor(left, _round(key, i, right))
    return PREFIX + (left + right).hex()


def hash_of(token: str) -> str | None:
    """The identity hash a token stands for; None for anything that is not a token."""
    text = token.strip().lower()
    if not TOKEN.match(text):
        return None
    data = bytes.fromhex(text[len(PREFIX) :])
    left, right = data[:16], data[16:]
    key = _key()
    for i in reversed(range(ROUNDS)):
        left, right = _xor(right, _round(key, i, left)), left
    return (left + right).hex()
