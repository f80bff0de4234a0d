"""Database URL, engine and sessions; the same code runs on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import logging
import os
import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import event, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError
from sqlmodel import Session, create_engine

from coder.db import sqlite_file
from coder.db.redact import describe, display_url
from coder.db.url import database_url
from coder.errors import NotInitialised, QcoderError

BUSY_TIMEOUT_MS = 30_000  # how long SQLite waits for another writer's lock; QCODER_BUSY_TIMEOUT_MS overrides
WRITE_ATTEMPTS = 6  # tries of one write transaction before giving up; QCODER_WRITE_ATTEMPTS overrides
BACKOFF_FIRST, BACKOFF_MAX = 0.05, 2.0  # seconds: the wait doubles from the first to the largest, with jitter
# PostgreSQL: serialization_failure, deadlock_detected. SQLite: another connection holds the write lock.
TRANSIENT_SQLSTATES = {"40001", "40P01"}
TRANSIENT_SQLITE = ("database is locked", "database is busy", "database table is locked")

log = logging.getLogger("qcoder.db")
T = TypeVar("T")


def parsed_url(url: str | None = None) -> URL:
    """The database URL in use, parsed; one that cannot be is refused without echoing its password."""
    url = database_url(url)
    try:
        return make_url(url)
    except (ArgumentError, ValueError):
        raise QcoderError(
            f"无法使用数据库 {display_url(url)}：这个 URL（--db 或 QCODER_DB_URL）无法解析，"
            "应写成 sqlite:///路径 或 postgresql+psycopg://用户@主机:端口/数据库",
            f"cannot use database {display_url(url)}: the URL (--db or QCODER_DB_URL) cannot be parsed; "
            "write sqlite:///PATH or postgresql+psycopg://USER@HOST:PORT/DATABASE",
        ) from None


def make_engine(url: str | None = None) -> Engine:
    """An engine whose errors never carry their statement's parameters (names, transcript text)."""
    url = database_url(url)
    given = parsed_url(url)
    if given.get_backend_name() == "sqlite":
        engine = create_engine(
            sqlite_file.place(given), connect_args={"timeout": busy_timeout_ms() / 1000}, hide_parameters=True
        )
        sqlite_file.name_read_only(engine, given)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)


def current_engine(url: str | None = None) -> Engine:
    """An engine on a database that ``qcoder init`` has brought to the latest schema; any other is refused.

    A missing SQLite file is refused before connecting, which would create it empty.
    """
    from coder.db import migrate

    try:
        ready = _file_exists(url) and migrate.is_current(engine := make_engine(url))
    except (SQLAlchemyError, ImportError) as exc:
        where, detail = display_url(database_url(url)), describe(exc, database_url(url))
        raise QcoderError(f"无法使用数据库 {where}：{detail}", f"cannot use database {where}: {detail}") from None
    if not ready:
        where = display_url(database_url(url))
        raise NotInitialised(
            f"数据库 {where} 尚未初始化或结构不是最新：请先运行 qcoder init",
            f"database {where} is not initialised or not at the latest schema: run qcoder init first",
        )
    return engine


def _file_exists(url: str | None) -> bool:
    parsed = parsed_url(url)
    file = sqlite_file.database_path(parsed) if parsed.get_backend_name() == "sqlite" else None
    return file is None or file.exists()


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets readers (the app) work while a writer (an import) runs; foreign keys are off by default.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms()}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    # Python's sqlite3 begins transactions only before INSERT/UPDATE/DELETE, so DDL (a migration) would
    # commit statement by statement and a failure would leave half a schema. qcoder begins them itself.
    dbapi_connection.isolation_level = None


def _sqlite_begin(connection) -> None:
    # A write transaction takes the write lock up front (waiting up to the busy timeout for it): begun
    # as a reader, it would fail at its first write whenever another writer committed after its first read.
    connection.exec_driver_sql("BEGIN IMMEDIATE" if connection.get_execution_options().get("qcoder_write") else "BEGIN")


def busy_timeout_ms() -> int:
    """SQLite's wait for a lock, in milliseconds (``QCODER_BUSY_TIMEOUT_MS``; tests set it short)."""
    return int(os.environ.get("QCODER_BUSY_TIMEOUT_MS") or BUSY_TIMEOUT_MS)


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back everything on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def retrying(engine: Engine, work: Callable[[Session], T], attempts: int | None = None) -> T:
    """``work(session)`` in one write transaction, run again from the start while the database is busy.

    Busy means SQLite's write lock stayed taken past the busy timeout, or PostgreSQL aborted the
    transaction as a serialization failure or a deadlock: nothing was written, so the whole of ``work``
    runs again in a fresh session after an exponential backoff with jitter. ``work`` must therefore be
    a function of its session alone. Anything else — a unique-constraint violation (a real duplicate),
    a version conflict, any QcoderError — is raised at once. After ``attempts`` tries (default
    ``QCODER_WRITE_ATTEMPTS`` or 6) the caller gets a QcoderError saying nothing was changed.
    """
    attempts = attempts or int(os.environ.get("QCODER_WRITE_ATTEMPTS") or WRITE_ATTEMPTS)
    writer = engine.execution_options(qcoder_write=True)
    for attempt in range(1, attempts + 1):
        try:
            with transaction(writer) as session:
                return work(session)
        except DBAPIError as exc:
            if not transient(exc):
                raise
            if attempt == attempts:
                log.info("write gave up after %d attempts: %s", attempts, describe(exc))  # INFO: never on a terminal
                break
            wait = min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** (attempt - 1))
            wait = wait / 2 + random.uniform(0, wait / 2)
            log.info("write attempt %d of %d: %s; again in %.3f s", attempt, attempts, describe(exc), wait)
            time.sleep(wait)
    raise QcoderError(
        f"数据库正忙（其他人正在写入），已尝试 {attempts} 次仍未完成；未作任何更改，请稍后再试",
        f"the database stayed busy (others are writing); gave up after {attempts} attempts. "
        "Nothing was changed: try again in a moment",
    )


def take_turns(session: Session, name: str) -> None:
    """Make the transactions that call this with the same ``name`` run one after another from here to
    their commit: drawing the next record number, say, where a unique key cannot tell (``20230301-P05``
    and ``20230306-P05`` are different keys but one number). PostgreSQL: a transaction-level advisory
    lock. SQLite: nothing to do, its write transactions take turns already (``BEGIN IMMEDIATE``)."""
    if session.get_bind().dialect.name == "postgresql":
        key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
        session.connection().execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def transient(exc: DBAPIError) -> bool:
    """A failure that says "try again", never one that says "this is wrong" (a duplicate, a constraint)."""
    orig = exc.orig
    if getattr(orig, "sqlstate", None) in TRANSIENT_SQLSTATES:  # psycopg
        return True
    return isinstance(orig, sqlite3.OperationalError) and any(m in str(orig).lower() for m in TRANSIENT_SQLITE)
