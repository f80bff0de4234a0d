"""Which database a command uses. Kept free of SQLAlchemy so that commands that never connect, or read a
SQLite file with the standard library, can ask without importing it."""

from __future__ import annotations

import os

DEFAULT_URL = "sqlite:///db/qcoder.sqlite"


def database_url(url: str | None = None) -> str:
    """``--db`` wins, then ``QCODER_DB_URL``, then the project's SQLite file."""
    return url or os.environ.get("QCODER_DB_URL") or DEFAULT_URL
