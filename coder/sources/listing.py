"""The project's sources for commands that only read the list (``qcoder sources list``, ``qcoder id make``).

They open the database without :class:`coder.project.Project`, which imports the tagger, pandas and every
export: a researcher naming twenty interviews should not wait for those twenty times.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from coder.db.migrate import HEAD
from coder.db.url import database_url
from coder.errors import NotInitialised


def sources(url: str | None = None) -> list[dict[str, Any]]:
    """Every source with its coding counts, as the command line (no logged-in person) sees them."""
    from sqlmodel import Session

    from coder.db.engine import current_engine
    from coder.sources.catalogue import list_sources

    with Session(current_engine(url)) as session:
        return list_sources(session)


def record_ids(url: str | None = None) -> set[str]:
    """The record IDs in the project; QcoderError when there is no initialised project.

    A plain SQLite file at the latest schema is read with the standard library (SQLAlchemy's import alone
    would double the time ``qcoder id make`` takes). Whatever that read cannot answer for sure — another
    database, a URL with options, a file it may not open as given (a read-only folder, a share), a busy
    or older database — goes through SQLAlchemy, which opens it as every command does or says why not."""
    file = _plain_sqlite_file(database_url(url))
    if file is not None and not file.exists():  # as current_engine says it, without connecting (which creates it)
        where = database_url(url)  # a plain SQLite URL holds no password to hide
        raise NotInitialised(
            f"数据库 {where} 尚未初始化或结构不是最新：请先运行 qcoder init",
            f"database {where} is not initialised or not at the latest schema: run qcoder init first",
        )
    if file is not None and file.is_file():
        try:
            with contextlib.closing(
                sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True, timeout=0.1)
            ) as connection:
                if connection.execute("SELECT version_num FROM alembic_version").fetchall() == [(HEAD,)]:
                    return {row[0] for row in connection.execute("SELECT id FROM source")}
        except sqlite3.Error:
            pass  # busy, read-only folder, not a database …: SQLAlchemy opens it as every command does, or says why
    from sqlmodel import Session

    from coder.db.engine import current_engine
    from coder.sources.catalogue import source_ids

    with Session(current_engine(url)) as session:
        return source_ids(session)


def _plain_sqlite_file(url: str) -> Path | None:
    """The file of ``sqlite:///PATH`` (as SQLAlchemy reads it: one slash after ``//``, then the path);
    None for anything else — another database, a memory database, a URL with options (or a ``#``, which
    SQLAlchemy reads as part of the name)."""
    parts = urlsplit(url)
    plain = parts.scheme in ("sqlite", "sqlite+pysqlite") and not (parts.netloc or parts.query or parts.fragment)
    if not plain or "#" in url or not parts.path[1:]:
        return None
    path = unquote(parts.path[1:])
    return None if path == ":memory:" else Path(path)
