"""Password hashing: one slow salted hash per password, and bulk hashing of one-time passwords in a process pool.

The pool belongs to the app (app.resources): made on the first bulk hashing, shut down with the app.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

from werkzeug.security import check_password_hash, generate_password_hash

from .. import resources

# One-time passwords of bulk-created accounts are hashed with scrypt N=2**14 (16 MiB, ~35 ms here)
# instead of werkzeug's default N=2**15 (~75 ms): they are random (10 characters of 32, 50 bits),
# must be changed at first login, and are then re-hashed with the default.
BULK_HASH_METHOD = "scrypt:16384:8:1"
_POOL_THRESHOLD = 64  # below this many hashes a process pool costs more than it saves


def hash_password(password: str) -> str:
    """A slow salted hash (scrypt) of `password`."""
    return generate_password_hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether `password` matches `password_hash` (constant-time comparison)."""
    return check_password_hash(password_hash, password)


def _hash_one_time(password: str) -> str:
    """Hash a one-time password with BULK_HASH_METHOD (module level so pool workers can import it)."""
    return generate_password_hash(password, method=BULK_HASH_METHOD)


def _pool(workers: int) -> ProcessPoolExecutor:
    """The app's process pool of `workers` processes for bulk hashing (made on first use)."""

    def make(_app) -> ProcessPoolExecutor:
        # spawn, not fork: the parent holds database connections and server threads
        return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))

    return resources.get(f"password_pool_{workers}", make)


def hash_many(passwords: list[str], workers: int | None = None) -> tuple[list[str], int]:
    """Hash passwords, in a pool of `workers` processes (default: CPU count) when there are many.

    scrypt holds the GIL-free C code only briefly, so processes, not threads, use the other cores.
    Returns the hashes and the number of processes used.
    """
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(passwords) < _POOL_THRESHOLD:
        return [_hash_one_time(p) for p in passwords], 1
    chunk = max(1, len(passwords) // (workers * 8))
    return list(_pool(workers).map(_hash_one_time, passwords, chunksize=chunk)), workers
