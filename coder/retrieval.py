"""Retrieve coded segments by code (with its sub-codes), dimension, kind of source, participant role,
coder, status and words in the quote — the query a researcher runs before writing a section.

The same :class:`Query` drives the whole-text search of the Retrieve page (coder.search) and the memos it
lists (coder.memos.matching): ``match`` says how its text is found, ``coded`` which hits are kept."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, select

from coder import rounds
from coder.db.models import EVIDENCE, Code, Coder, Coding, Participant, Source
from coder.sources import catalogue


@dataclass
class Query:
    codes: list[str] = field(default_factory=list)  # a code stands for itself and everything below it
    dimension: str | None = None
    kinds: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    coders: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=lambda: list(EVIDENCE))
    text: str = ""  # what is looked for: a substring, or (match "words") any of its words
    context: int = 30  # characters shown before and after
    match: str = "substring"  # "substring" | "words": the text's words as the project's tagger cuts them
    coded: str = "both"  # whole-text search: "both" | "coded" | "uncoded" (by the codings the filters keep)
    questions: bool = True  # whole-text search: the interviewer's own lines too (marked as such)


def retrieve(session: Session, query: Query, viewer: str | None = None) -> list[dict[str, Any]]:
    """Matching codings with their quote and context, by source date and position; what ``viewer`` may
    see (see coder.rounds)."""
    rows = coding_rows(session, query, viewer)
    texts = catalogue.texts(session, {row.source_id for row in rows})
    found = []
    for row in rows:
        text = texts[row.source_id]
        quote = text[row.start : row.end]
        if query.text and query.text not in quote:
            continue
        found.append(
            {
                "id": row.id,
                "source": row.source_id,
                "kind": row.kind,
                "date": row.date.isoformat() if row.date else None,
                "role": row.role,
                "code": row.code_id,
                "code_name": row.code_name,
                "dimension": row.dimension,
                "status": row.status,
                "coder": row.coder,
                "start": row.start,
                "end": row.end,
                "quote": quote,
                "before": text[max(0, row.start - query.context) : row.start],
                "after": text[row.end : row.end + query.context],
            }
        )
    return found


def coding_rows(
    session: Session, query: Query, viewer: str | None = None, sources: set[str] | None = None
) -> list[Any]:
    """The codings the query's filters keep (codes, dimension, kinds, roles, coders, statuses) as ``viewer``
    may see them, in ``sources`` when given, by source date and position: rows with ``id source_id code_id
    status start end coder kind date role code_name dimension`` (columns, not Coding objects: 50,000 of
    those cost seconds to build)."""
    statement = (
        select(
            Coding.id, Coding.source_id, Coding.code_id, Coding.status, Coding.start, Coding.end,
            Coder.name.label("coder"), Source.kind, Source.date, Participant.role, Code.name.label("code_name"),
            Code.dimension,
        )
        .join(Coder, Coder.id == Coding.coder_id)
        .join(Source, Source.id == Coding.source_id)
        .join(Code, Code.id == Coding.code_id)
        .outerjoin(Participant, Participant.id == Source.participant_id)
        .order_by(Source.date, Coding.source_id, Coding.start, Coding.id)
    )  # fmt: skip
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
    if sources is not None:
        statement = statement.where(Coding.source_id.in_(sources))
    return list(session.exec(statement).all())


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
