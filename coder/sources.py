"""Read-only views of the imported sources, safe to print: real names appear only when asked for."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from coder.db.models import Coding, Participant, Segment, Source
from coder.errors import QcoderError

ORG_KEYS = {"interview": ("role", "organization"), "policy": ("issuer", "doc_number"), "media": ("outlet", "author")}


def list_sources(session: Session) -> list[dict[str, Any]]:
    """One row per source, in date order, with what a researcher scans a corpus by."""
    counts = dict(session.exec(select(Coding.source_id, func.count()).group_by(Coding.source_id)).all())
    turns = dict(
        session.exec(
            select(Segment.source_id, func.count()).where(Segment.kind == "turn").group_by(Segment.source_id)
        ).all()
    )
    sentences = dict(
        session.exec(
            select(Segment.source_id, func.count()).where(Segment.kind == "sentence").group_by(Segment.source_id)
        ).all()
    )
    rows = []
    for source in session.exec(select(Source).order_by(Source.date, Source.id)).all():
        first, second = ORG_KEYS[source.kind]
        rows.append(
            {
                "id": source.id,
                "kind": source.kind,
                "date": source.date.isoformat() if source.date else None,
                "title": source.title,
                "who": source.meta.get(first) or source.meta.get(second),
                "characters": len(source.text),
                "turns": turns.get(source.id, 0),
                "sentences": sentences.get(source.id, 0),
                "codings": counts.get(source.id, 0),
            }
        )
    return rows


def show_source(session: Session, source_id: str, with_names: bool = False) -> dict[str, Any]:
    """Text and metadata of one source; the interviewee's real name only with ``with_names``."""
    source = session.get(Source, source_id)
    if source is None:
        raise QcoderError(f"没有编号为 {source_id} 的来源", f"no source with ID {source_id}")
    detail: dict[str, Any] = {
        "id": source.id,
        "kind": source.kind,
        "date": source.date.isoformat() if source.date else None,
        "title": source.title,
        "filename": source.filename,
        "meta": source.meta,
        "characters": len(source.text),
        "text": source.text,
    }
    if source.participant_id is not None:
        person = session.get(Participant, source.participant_id)
        detail["participant"] = {
            "initials": person.initials,
            "role": person.role,
            "organization": person.organization,
            **({"name": person.name} if with_names else {}),
        }
    return detail


def source_ids(session: Session) -> set[str]:
    return set(session.exec(select(Source.id)).all())
