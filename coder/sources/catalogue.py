"""Read-only views of the imported sources, safe to print: real names appear only when asked for."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from coder import known, rounds
from coder.audit import record
from coder.db.engine import take_turns
from coder.db.models import Coder, Coding, Participant, Segment, Source
from coder.errors import QcoderError
from coder.sources.ids import calendar_date
from coder.sources.segments import Span

ORG_KEYS = {"interview": ("role", "organization"), "policy": ("issuer", "doc_number"), "media": ("outlet", "author")}


def list_sources(session: Session, viewer: str | None = None) -> list[dict[str, Any]]:
    """One row per source, in date order, with what a researcher scans a corpus by and how far its
    coding has come (suggestions to review, reviewed ones, manual codings). Texts are not loaded.
    The counts are of the codings ``viewer`` may see: in an open round, their own (see coder.rounds)."""
    statuses: dict[str, dict[str, int]] = {}
    counts = select(Coding.source_id, Coding.status, func.count()).group_by(Coding.source_id, Coding.status)
    if (blind := rounds.visible(session, viewer)) is not None:
        counts = counts.where(blind)
    for source_id, status, n in session.exec(counts).all():
        statuses.setdefault(source_id, {})[status] = n
    segments: dict[tuple[str, str], int] = {
        (source_id, kind): n
        for source_id, kind, n in session.exec(
            select(Segment.source_id, Segment.kind, func.count()).group_by(Segment.source_id, Segment.kind)
        ).all()
    }
    columns = select(Source.id, Source.kind, Source.date, Source.title, Source.meta, func.length(Source.text))
    rows = []
    for source_id, kind, date, title, meta, length in session.exec(columns.order_by(Source.date, Source.id)).all():
        first, second = ORG_KEYS[kind]
        counts = statuses.get(source_id, {})
        rows.append(
            {
                "id": source_id,
                "kind": kind,
                "date": date.isoformat() if date else None,
                "title": title,
                "who": meta.get(first) or meta.get(second),
                "characters": length,
                "turns": segments.get((source_id, "turn"), 0),
                "sentences": segments.get((source_id, "sentence"), 0),
                "codings": sum(counts.values()),
                "suggested": counts.get("suggested", 0),
                "reviewed": counts.get("accepted", 0) + counts.get("rejected", 0),
                "manual": counts.get("manual", 0),
            }
        )
    return rows


def show_source(session: Session, source_id: str, with_names: bool = False) -> dict[str, Any]:
    """Text and metadata of one source; the interviewee's real name only with ``with_names``."""
    source = known.source(session, source_id)
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


def ids_to_number_from(session: Session) -> set[str]:
    """The project's record IDs for drawing the next number from, read once every other transaction that
    draws numbers has committed (:func:`coder.db.engine.take_turns`): the primary key alone would let two
    imports give ``20230301-P05`` and ``20230306-P05`` at once."""
    take_turns(session, "record numbers")
    return source_ids(session)


EDITABLE_META = (
    "role", "organization", "interviewer", "place", "issuer", "doc_number", "outlet", "author", "url", "derived_from",
)  # fmt: skip


def update_metadata(session: Session, source_id: str, changes: dict[str, Any], coder: Coder) -> None:
    """Change a source's title, date or metadata — never its text — and audit the change.

    An empty value removes the key. Unknown keys are refused so a typo cannot create a new field.
    """
    source = known.source(session, source_id)
    unknown = set(changes) - {"title", "date", *EDITABLE_META}
    if unknown:
        raise QcoderError(
            f"来源 {source_id}：不能修改 {'、'.join(sorted(unknown))}（正文和编号在导入后不可更改）",
            f"source {source_id}: cannot change {', '.join(sorted(unknown))} (text and ID are fixed at import)",
        )
    before = {
        "title": source.title,
        "date": source.date.isoformat() if source.date else None,
        "meta": dict(source.meta),
    }
    meta = dict(source.meta)
    for key, value in changes.items():
        value = value.strip() if isinstance(value, str) else value
        if key == "title":
            source.title = value or None
        elif key == "date":
            source.date = calendar_date(value, source_id) if value else None
        elif value:
            meta[key] = value
        else:
            meta.pop(key, None)
    source.meta = meta
    session.add(source)
    after = {"title": source.title, "date": source.date.isoformat() if source.date else None, "meta": meta}
    if after != before:
        record(session, coder, "update", "source", source_id, before=before, after=after)


def sentences_of(session: Session, source_id: str) -> list[Span]:
    """A source's stored sentences, in order (see coder.sources.segments)."""
    rows = session.exec(
        select(Segment.start, Segment.end, Segment.speaker)
        .where(Segment.source_id == source_id, Segment.kind == "sentence")
        .order_by(Segment.start)
    ).all()
    return [Span("sentence", start, end, speaker) for start, end, speaker in rows]


def texts(session: Session, source_ids: Iterable[str]) -> dict[str, str]:
    """The stored text of just these sources, each read once however many quotes come from it."""
    wanted = sorted(set(source_ids))
    if not wanted:
        return {}
    return dict(session.exec(select(Source.id, Source.text).where(Source.id.in_(wanted))).all())
