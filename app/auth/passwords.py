"""Password hashing (argon2id) and strength: one slow salted hash per password, older werkzeug hashes still
verified and re-hashed at the next login, bulk hashing of one-time passwords in a process pool, and the
offline strength estimate (zxcvbn) that refuses common and guessable passwords.

The pool belongs to the app (app.resources): made on the first bulk hashing, shut down with the app.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from werkzeug.security import check_password_hash
from zxcvbn import zxcvbn

from .. import resources
from ..domain.limits import MAX_PASSWORD

if TYPE_CHECKING:
    from ..models import User

# argon2id at OWASP's Password Storage Cheat Sheet parameters: m=19 MiB, t=2, p=1.
_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# One-time passwords of bulk-created accounts: argon2id at m=8 MiB, t=1 (about 15 times cheaper,
# so a national run of ~8,000 accounts takes seconds, not minutes). They are random (10 characters of 32,
# 50 bits), must be changed at first login, and the new password is then hashed with _HASHER.
_BULK_HASHER = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
_POOL_THRESHOLD = 64  # below this many hashes a process pool costs more than it saves
MIN_STRENGTH = 3  # zxcvbn score (0-4) a chosen password needs: 3 is "safely unguessable" (~10^8 guesses)
# zxcvbn keeps the user inputs of the current call in a module-level dictionary: one estimate at a time
_ESTIMATE_LOCK = threading.Lock()


def hash_password(password: str) -> str:
    """A slow salted argon2id hash of `password`."""
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether `password` matches `password_hash` (argon2id, or an older werkzeug scrypt/pbkdf2 hash)."""
    if password_hash.startswith("$argon2"):
        try:
            return _HASHER.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
    return check_password_hash(password_hash, password)


def needs_rehash(password_hash: str) -> bool:
    """Whether a stored hash is older or weaker than hash_password's (werkzeug scrypt/pbkdf2, other argon2)."""
    if not password_hash.startswith("$argon2"):
        return True
    try:
        return _HASHER.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


def rehash_if_needed(user: User, password: str) -> None:
    """After a successful login, store `password` again with hash_password when the stored hash is older.

    A one-time password is left as it is: the user must replace it now, and that hashes the new one.
    """
    if not user.must_change_password and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)


def strength(password: str, context: list[str]) -> tuple[int, str]:
    """zxcvbn's score (0-4) of `password` and its English warning; `context` are words guessable for this user.

    Works offline: the frequency lists (common passwords, names, words) ship inside the package.
    """
    with _ESTIMATE_LOCK:
        result = zxcvbn(password[:MAX_PASSWORD], user_inputs=context, max_length=MAX_PASSWORD)
    return int(result["score"]), str(result["feedback"]["warning"] or "")


def _hash_one_time(password: str) -> str:
    """Hash a one-time password with _BULK_HASHER (module level so pool workers can import it)."""
    return _BULK_HASHER.hash(password)


def _pool(workers: int) -> ProcessPoolExecutor:
    """The app's process pool of `workers` processes for bulk hashing (made on first use)."""

    def make(_app) -> ProcessPoolExecutor:
        # spawn, not fork: the parent holds database connections and server threads
        return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))

    return resources.get(f"password_pool_{workers}", make)


def hash_many(passwords: list[str], workers: int | None = None) -> tuple[list[str], int]:
    """Hash one-time passwords, in a pool of `workers` processes (default: CPU count) when there are many.

    Hashing is CPU-bound C code, so processes, not threads, use the other cores.
    Returns the hashes and the number of processes used.
    """
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(passwords) < _POOL_THRESHOLD:
        return [_hash_one_time(p) for p in passwords], 1
    chunk = max(1, len(passwords) // (workers * 8))
    return list(_pool(workers).map(_hash_one_time, passwords, chunksize=chunk)), workers
