"""受访者基本情况表: one row per interview, the table a case-study paper prints in its methods section.

Never with names: the record ID is the respondent's label (it already carries the date and initials).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from coder.db.models import Participant, Source

COLUMNS = ("source", "role", "organization", "date", "place", "interviewer", "duration", "characters")


def respondents(session: Session) -> list[dict[str, Any]]:
    """Interviews by date: role, organisation, date, place, interviewer, duration (from metadata, as the
    researcher wrote it) and the transcript's length in characters."""
    rows = session.exec(
        select(
            Source.id, Source.date, Source.meta, func.length(Source.text), Participant.role, Participant.organization
        )
        .outerjoin(Participant, Participant.id == Source.participant_id)
        .where(Source.kind == "interview")
        .order_by(Source.date, Source.id)
    ).all()
    return [
        {
            "source": source_id,
            "role": role or meta.get("role"),
            "organization": organization or meta.get("organization"),
            "date": date.isoformat() if date else None,
            "place": meta.get("place"),
            "interviewer": meta.get("interviewer"),
            "duration": meta.get("duration") or meta.get("length"),
            "characters": characters,
        }
        for source_id, date, meta, characters, role, organization in rows
    ]
