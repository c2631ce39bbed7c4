"""Password hashes for desk accounts: scrypt (standard library) with a random salt, kept in a
self-describing string `scrypt$n$r$p$salt$hash` (salt and hash in URL-safe base64)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

N, R, P = 2**15, 8, 1  # about 32 MiB and 0.1 s per check
SALT_BYTES, HASH_BYTES = 16, 32
MAX_COST = 2**20  # a hash asking for more memory than this is not one of ours


def hash_password(password: str, *, n: int = N, r: int = R, p: int = P) -> str:
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(password, salt, n, r, p)
    return f"scrypt${n}${r}${p}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """True when `password` matches `stored`; compared in constant time."""
    parsed = _parse(stored)
    if parsed is None:
        return False
    n, r, p, salt, digest = parsed
    return hmac.compare_digest(_scrypt(password, salt, n, r, p, len(digest)), digest)


def is_password_hash(stored: str) -> bool:
    return _parse(stored) is not None


DUMMY = "scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"


def waste_time(password: str) -> None:
    """As long as a real check: an unknown login is not told apart by the time it takes."""
    verify_password(password, DUMMY)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, length: int = HASH_BYTES
            ) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p,
                          maxmem=256 * r * n + 1024 * 1024, dklen=length)


def _parse(stored: str) -> tuple[int, int, int, bytes, bytes] | None:
    parts = stored.strip().split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        return None
    try:
        n, r, p = (int(x) for x in parts[1:4])
        salt, digest = _unb64(parts[4]), _unb64(parts[5])
    except ValueError:
        return None
    if (n < 2 or n & (n - 1) or n > MAX_COST or not 1 <= r <= 32 or not 1 <= p <= 16
            or len(salt) < 8 or len(digest) < 16):
        return None
    return n, r, p, salt, digest


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    if not text or not text.isascii():
        raise ValueError(text)
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError):
        raise ValueError(text) from None
