"""Uploaded import files kept on the server between the dry run and the real run, named by their SHA-256."""

from __future__ import annotations

import os
import re
import tempfile
import time
from pathlib import Path

from flask import current_app

from .imports import Upload, is_xlsx

MAX_AGE_SECONDS = 24 * 3600
_SHA_RE = re.compile(r"^[0-9a-f]{64}$")


def staging_dir() -> Path:
    """The directory of staged uploads (IMPORT_STAGING_DIR, default a folder in the system temp dir)."""
    configured = current_app.config.get("IMPORT_STAGING_DIR")
    path = Path(configured) if configured else Path(tempfile.gettempdir()) / "lao-revenue-imports"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def stage(upload: Upload) -> str:
    """Keep `upload` until it is applied (or a day passes); returns its SHA-256."""
    folder = staging_dir()
    now = time.time()
    for old in folder.iterdir():  # uploads nobody applied
        if old.is_file() and now - old.stat().st_mtime > MAX_AGE_SECONDS:
            old.unlink(missing_ok=True)
    sha = upload.sha256
    target = folder / f"{sha}.{'xlsx' if is_xlsx(upload) else 'csv'}"
    if not target.exists():
        fd, tmp = tempfile.mkstemp(dir=folder)
        with os.fdopen(fd, "wb") as fh:
            fh.write(upload.data)
        os.replace(tmp, target)
    return sha


def load(sha: str, filename: str) -> Upload | None:
    """The staged file with this SHA-256 (checked against its bytes), or None when it is gone."""
    if not _SHA_RE.match(sha or ""):
        return None
    for ext in ("csv", "xlsx"):
        path = staging_dir() / f"{sha}.{ext}"
        if path.exists():
            upload = Upload(f"{Path(filename).stem or 'upload'}.{ext}", path.read_bytes())
            return upload if upload.sha256 == sha else None
    return None


def discard(sha: str) -> None:
    """Remove a staged file once applied."""
    if _SHA_RE.match(sha or ""):
        for ext in ("csv", "xlsx"):
            (staging_dir() / f"{sha}.{ext}").unlink(missing_ok=True)
