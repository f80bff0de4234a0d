"""Retrieve coded segments by code (with its sub-codes), dimension, kind of source, participant role,
coder, status and words in the quote — the query a researcher runs before writing a section."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, select

from coder import rounds
from coder.db.models import EVIDENCE, Code, Coder, Coding, Participant, Source


@dataclass
class Query:
    codes: list[str] = field(default_factory=list)  # a code stands for itself and everything below it
    dimension: str | None = None
    kinds: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    coders: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=lambda: list(EVIDENCE))
    text: str = ""  # Chinese substring of the quote
    context: int = 30  # characters shown before and after


def retrieve(session: Session, query: Query, viewer: str | None = None) -> list[dict[str, Any]]:
    """Matching codings with their quote and context, by source date and position; what ``viewer`` may
    see (see coder.rounds)."""
    statement = (
        select(Coding, Coder.name, Source.kind, Source.date, Participant.role, Code.name, Code.dimension)
        .join(Coder, Coder.id == Coding.coder_id)
        .join(Source, Source.id == Coding.source_id)
        .join(Code, Code.id == Coding.code_id)
        .outerjoin(Participant, Participant.id == Source.participant_id)
        .order_by(Source.date, Coding.source_id, Coding.start, Coding.id)
    )
    if (blind := rounds.visible(session, viewer)) is not None:
        statement = statement.where(blind)
    if query.codes:
        statement = statement.where(Coding.code_id.in_(with_descendants(session, query.codes)))
    if query.dimension:
        statement = statement.where(Code.dimension == query.dimension)
    if query.kinds:
        statement = statement.where(Source.kind.in_(query.kinds))
    if query.roles:
        statement = statement.where(Participant.role.in_(query.roles))
    if query.coders:
        statement = statement.where(Coder.name.in_(query.coders))
    if query.statuses:
        statement = statement.where(Coding.status.in_(query.statuses))
    rows = session.exec(statement).all()
    wanted = {coding.source_id for coding, *_ in rows}
    texts = dict(session.exec(select(Source.id, Source.text).where(Source.id.in_(wanted))).all()) if wanted else {}
    found = []
    for coding, coder, kind, date, role, code_name, dimension in rows:
        text = texts[coding.source_id]
        quote = text[coding.start : coding.end]
        if query.text and query.text not in quote:
            continue
        found.append(
            {
                "id": coding.id,
                "source": coding.source_id,
                "kind": kind,
                "date": date.isoformat() if date else None,
                "role": role,
                "code": coding.code_id,
                "code_name": code_name,
                "dimension": dimension,
                "status": coding.status,
                "coder": coder,
                "start": coding.start,
                "end": coding.end,
                "quote": quote,
                "before": text[max(0, coding.start - query.context) : coding.start],
                "after": text[coding.end : coding.end + query.context],
            }
        )
    return found


def with_descendants(session: Session, codes: list[str]) -> set[str]:
    """The codes and every code below them in the codebook tree."""
    children: dict[str, list[str]] = {}
    for code_id, parent in session.exec(select(Code.id, Code.parent_id)).all():
        children.setdefault(parent, []).append(code_id)
    found, todo = set(), list(codes)
    while todo:
        code = todo.pop()
        if code not in found:
            found.add(code)
            todo.extend(children.get(code, []))
    return found


def roles(session: Session) -> list[str]:
    return sorted({r for r in session.exec(select(Participant.role)).all() if r})


def coder_names(session: Session) -> list[str]:
    return sorted(session.exec(select(Coder.name)).all())
