"""What a person just did, read from the audit log: the codes they used last, and their last change in a
source that undo can take back. The Coding workbench offers both; nobody else's log is read, so neither
needs the owner's right to list the log."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from coder import history
from coder.db.models import AuditEvent, Coder
from coder.history_facts import facts

CODING_ACTIONS = ("create", "accept", "recode", "update")  # the ones that leave a code applied by the person
SCANNED = 500  # newest events of the person looked at: recent work is recent


def recent_codes(session: Session, coder: str, limit: int = 5) -> list[str]:
    """The codes ``coder`` applied, accepted or recoded to most recently, newest first, each once."""
    person = _person(session, coder)
    if person is None:
        return []
    rows = session.exec(
        select(AuditEvent.after)
        .where(AuditEvent.coder_id == person.id, AuditEvent.entity == "coding")
        .where(AuditEvent.action.in_(CODING_ACTIONS))
        .order_by(AuditEvent.id.desc())
        .limit(SCANNED)
    ).all()
    found: list[str] = []
    for after in rows:
        code = after.get("code_id") if isinstance(after, dict) else None
        if code and code not in found:
            found.append(code)
            if len(found) == limit:
                break
    return found


def last_undoable(session: Session, coder: str, source: str) -> dict[str, Any] | None:
    """``coder``'s newest change to a coding of ``source`` that is not undone yet: its id and the event as
    coder.history lists it (coder, action, entity, entity_id, facts)."""
    person = _person(session, coder)
    if person is None:
        return None
    events = session.exec(
        select(AuditEvent)
        .where(AuditEvent.coder_id == person.id, AuditEvent.entity == "coding")
        .order_by(AuditEvent.id.desc())
        .limit(SCANNED)
    ).all()
    mine = [e for e in events if _source_of(e) == source and history.kind_undoable(e)]
    if not mine:
        return None
    undone = history.undone_map(session, mine[-1].id)
    for event in mine:
        if event.action != "undo" and event.id not in undone:
            names = {person.id: person.name}
            before, after = history.redacted(event.entity, event.before), history.redacted(event.entity, event.after)
            # The change as data, for the app to say in its language (coder.history_facts).
            return {
                "id": event.id, "coder": person.name, "action": event.action, "entity": event.entity,
                "entity_id": event.entity_id,
                "facts": facts(event.entity, event.action, event.entity_id, before, after, names,
                               history.code_names(session)),
            }  # fmt: skip
    return None


def _source_of(event: AuditEvent) -> str | None:
    # A deleted coding is gone from its table; its event still says where it was.
    for state in (event.after, event.before):
        if isinstance(state, dict) and state.get("source_id"):
            return state["source_id"]
    return None


def _person(session: Session, name: str) -> Coder | None:
    return session.exec(select(Coder).where(Coder.name == name)).first()
