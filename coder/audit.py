"""The audit trail: every write to a coding, a code or a memo leaves an AuditEvent.

Callers pass the same session they write with, so the event commits or rolls back with the change.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, select

from coder.db.models import AuditEvent, Coder
from coder.errors import QcoderError

TAGGER = "tagger"


def default_coder_name() -> str:
    """``QCODER_CODER`` or the login name: a single-user project needs no setup to attribute writes."""
    return os.environ.get("QCODER_CODER") or getpass.getuser() or "coder"


def coder_named(session: Session, name: str | None = None) -> Coder:
    """The coder with this name, created on first use."""
    name = (default_coder_name() if name is None else name).strip()
    if not name:
        raise QcoderError("编码者姓名不能为空", "the coder's name must not be empty")
    coder = session.exec(select(Coder).where(Coder.name == name)).first()
    if coder is None:
        coder = Coder(name=name, role="system" if name == TAGGER else "coder")
        try:
            with session.begin_nested():  # two sessions may meet a new name at once: the second uses the first's
                session.add(coder)
        except IntegrityError:
            coder = session.exec(select(Coder).where(Coder.name == name)).one()
    return coder


def snapshot(row: SQLModel | None) -> dict[str, Any] | None:
    """A JSON-safe picture of a row for the before/after columns."""
    if row is None:
        return None
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in row.model_dump().items()}


def record(
    session: Session,
    coder: Coder | None,
    action: str,
    entity: str,
    entity_id: object,
    before: dict | None = None,
    after: dict | None = None,
) -> None:
    session.add(
        AuditEvent(
            coder_id=coder.id if coder else None,
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            before=before,
            after=after,
        )
    )
