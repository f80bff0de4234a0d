"""Where a SQLite database file lives: a folder that cannot hold one is named as such, and a file in a
place that cannot be written (a read-only folder, disk or file) is opened read-only.

Read-only is not an error for reading: a project folder on a read-only share, or a copy handed to a
reviewer, still lists, shows and exports. Opened normally there, SQLite would try to create its
write-ahead index beside the file and refuse even to read. A command that writes gets one message naming
the file instead of the driver's "attempt to write a readonly database".
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from sqlalchemy import event
from sqlalchemy.engine import URL, Engine

from coder.errors import QcoderError
from coder.files import cause


def place(url: URL) -> URL:
    """The URL to connect with: ``url`` once the file's folder exists and can take it, or the same
    file opened read-only when it cannot be written. Memory databases and URLs that already say how
    to open the file (``uri=true``) are left as given."""
    file = _file(url)
    if file is None:
        return url
    if not file.exists():
        _make_folder(file)
        return url
    folder_writable = os.access(file.parent, os.W_OK)
    if folder_writable and os.access(file, os.W_OK):
        return url
    query = {"mode": "ro", "uri": "true"}
    if not folder_writable and not file.with_name(f"{file.name}-wal").exists():
        # Nobody can be changing a file whose folder takes no write-ahead log and has none; saying so
        # ("immutable") is what lets SQLite read it without creating its index there.
        query["immutable"] = "1"
    return url.set(database="file:" + quote(str(file.resolve())), query={**url.query, **query})


def name_read_only(engine: Engine, url: URL) -> None:
    """Turn SQLite's refusal to write a read-only database into a message naming the file."""
    file = _file(url)
    if file is None:
        return

    @event.listens_for(engine, "handle_error")
    def read_only(context) -> None:
        if getattr(context.original_exception, "sqlite_errorname", "").startswith("SQLITE_READONLY"):
            raise QcoderError(
                f"数据库文件 {file} 是只读的（该文件、其所在文件夹或磁盘不可写入）：这一操作需要写入，"
                "未作任何更改；请让该文件及其文件夹可写后重试",
                f"the database file {file} is read-only (the file, its folder or its disk cannot be written): "
                "this needs to write, so nothing was changed; make the file and its folder writable and try again",
            )


def database_path(url: URL) -> Path | None:
    """The file a SQLite URL opens, named as a path or as a ``file:`` URI (what :func:`place` makes of a
    read-only one, so whatever lives beside the file is still found there); None for a memory database."""
    database = url.database
    if database in (None, "", ":memory:") or url.query.get("mode") == "memory":
        return None
    if "uri" not in url.query or not database.startswith("file:"):
        return Path(database)
    path = unquote(urlsplit(database).path)
    return Path(path) if path not in ("", ":memory:") else None


def _file(url: URL) -> Path | None:
    return None if "uri" in url.query else database_path(url)


def _make_folder(file: Path) -> None:
    """Create the folder of a new database file and make sure a file can be created in it."""
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        zh, en = cause(Path(exc.filename or file.parent), exc)  # the folder, or one above it, that could not be made
    else:
        try:
            with tempfile.TemporaryFile(dir=file.parent):
                return
        except OSError as exc:
            zh, en = cause(file, exc)
    raise QcoderError(
        f"无法在文件夹 {file.parent} 中建立数据库文件 {file.name}：{zh}",
        f"cannot create the database file {file.name} in folder {file.parent}: {en}",
    )
