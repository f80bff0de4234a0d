"""Which sources are open in a browser right now, so that a re-tag never changes one under a reader.

The Coding page marks the source it shows on every render (:func:`mark_open`, keyed by a random string
the page makes once per browser session); a re-tag (coder.tagging) asks :func:`open_sources` just
before it writes a source's suggestions and leaves the open ones for the next run. The marks live in
the database (table ``openmark``) because the re-tag that matters runs in another process: the
background ``qcoder train --retag`` (coder.background), or the command line.

A mark is not an audit event: nothing a person made changes, and an event per render would move the
app's data version (coder.project.Project.data_version) and empty every page's cache on each click.
One row per browser session, overwritten; marks older than :data:`OPEN_FOR` mean nothing and are
deleted whenever a mark is written.

The page should mark a source before it reads the source's suggestions: a re-tag that committed
before the mark is then already on screen, and one that starts after it sees the mark.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlmodel import Session, delete, select

from coder.db.models import OpenMark, Source, as_utc
from coder.errors import QcoderError

OPEN_FOR = dt.timedelta(minutes=10)
"""How long a mark keeps a source open. Every click on the Coding page renders it again, so someone
reading or deciding renews the mark all the time; a tab closed without :func:`mark_closed` (the browser
does not say it closed) stops holding its source back after this long, and the next re-tag does it."""

REFRESH_AFTER = dt.timedelta(minutes=1)
"""A mark younger than this is not written again for the same source: most renders then cost one read,
and a write per click would compete with the coders' own writes for the database."""


def session_hash(session_key: str) -> str:
    """What is stored of the page's session key: fixed length, whatever the page sends."""
    if not session_key:
        raise QcoderError("浏览器会话标识不能为空", "the browser session key must not be empty")
    return hashlib.sha256(session_key.encode("utf-8")).hexdigest()[:32]


def fresh(session: Session, source_id: str, session_key: str, now: dt.datetime) -> bool:
    """True when ``session_key``'s mark names ``source_id`` and is younger than :data:`REFRESH_AFTER`."""
    row = session.get(OpenMark, session_hash(session_key))
    return row is not None and row.source_id == source_id and now - as_utc(row.seen_at) < REFRESH_AFTER


def mark_open(session: Session, source_id: str, session_key: str, now: dt.datetime) -> bool:
    """Record that ``session_key``'s browser shows ``source_id`` at ``now``; False when the mark was
    fresh already and nothing was written."""
    if fresh(session, source_id, session_key, now):
        return False
    key = session_hash(session_key)
    row = session.get(OpenMark, key)
    if session.get(Source, source_id) is None:
        raise QcoderError(f"没有编号为 {source_id} 的来源", f"no source with ID {source_id}")
    row = row or OpenMark(session=key, source_id=source_id, seen_at=now)
    row.source_id, row.seen_at = source_id, now
    session.add(row)
    stale = [m.session for m in session.exec(select(OpenMark)).all() if now - as_utc(m.seen_at) >= OPEN_FOR]
    if stale:
        session.exec(delete(OpenMark).where(OpenMark.session.in_(stale)))
    return True


def mark_closed(session: Session, session_key: str) -> None:
    """The browser session shows no source any more (a page that knows it left the source says so)."""
    session.exec(delete(OpenMark).where(OpenMark.session == session_hash(session_key)))


def open_sources(session: Session, now: dt.datetime) -> set[str]:
    """The sources some browser marked within :data:`OPEN_FOR` of ``now``."""
    rows = session.exec(select(OpenMark.source_id, OpenMark.seen_at)).all()
    return {source_id for source_id, seen_at in rows if now - as_utc(seen_at) < OPEN_FOR}
