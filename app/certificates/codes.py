"""Verification codes of printed papers: the canonical encoding, the keyed digest and the human-typable code.

Pure (no Flask, no database): the code is the first 60 bits of HMAC-SHA256(key, canonical payload) written
as 12 Crockford base32 characters in groups of four (``7K3M-Q9TD-2XWA``). Typed codes are read leniently:
case, dashes and spaces do not matter, O reads as 0 and I/L as 1 (Crockford's rule).
"""

import hashlib
import hmac
import json
from decimal import Decimal
from typing import Any

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
LENGTH = 12  # characters: 60 bits, about 10^18 codes
GROUP = 4
_READ_AS = {"O": "0", "I": "1", "L": "1"}
_IGNORED = set("- \t\u00a0\u2010\u2011\u2012\u2013\u2014\u2212.")  # dashes, spaces, dots people type or paste
MAX_TYPED = 64  # anything longer is not a code


def canonical(obj: Any) -> bytes:
    """The canonical encoding the digest covers: JSON with sorted keys, no spaces, UTF-8 (plain values only)."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")


def digest(key: str, data: bytes) -> bytes:
    """HMAC-SHA256 of `data` under `key`."""
    return hmac.new(key.encode("utf-8"), data, hashlib.sha256).digest()


def content_key(key: str, content: dict) -> str:
    """Hex HMAC of a payload without its moment: the same content printed again finds its certificate."""
    return digest(key, canonical(content)).hex()


def code_of(key: str, payload: bytes) -> str:
    """The 12-character code of a canonical payload (no dashes): the first 60 bits of its HMAC."""
    bits = int.from_bytes(digest(key, payload)[:8], "big") >> (64 - 5 * LENGTH)
    chars = []
    for _ in range(LENGTH):
        chars.append(ALPHABET[bits & 31])
        bits >>= 5
    return "".join(reversed(chars))


def matches(key: str, payload: bytes, code: str) -> bool:
    """Whether `code` is the code of `payload` under `key` (constant-time comparison)."""
    return hmac.compare_digest(code_of(key, payload), code)


def normalize(typed: str | None) -> str | None:
    """The code a person typed or scanned, as stored (12 characters, upper case, no dashes); None when it cannot
    be a code (wrong length, a character outside the alphabet, too long to bother)."""
    if not typed or len(typed) > MAX_TYPED:
        return None
    chars = []
    for ch in typed.upper():
        if ch in _IGNORED:
            continue
        ch = _READ_AS.get(ch, ch)
        if ch not in ALPHABET:
            return None
        chars.append(ch)
    return "".join(chars) if len(chars) == LENGTH else None


def display(code: str) -> str:
    """The code grouped for reading and typing: ``7K3M-Q9TD-2XWA``."""
    return "-".join(code[i:i + GROUP] for i in range(0, len(code), GROUP))


def satang(amount: Decimal | None) -> int | None:
    """Baht (at most 2 places) as integer satang for the payload; None stays None."""
    if amount is None:
        return None
    return int((amount * 100).to_integral_exact())


def pct_text(pct: Decimal | None) -> str | None:
    """A percent as the paper shows it (2 places) for the payload; None stays None."""
    return None if pct is None else f"{pct:.2f}"
