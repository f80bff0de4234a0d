"""Project figures for the 概览 Overview page: what is imported, how far coding has come, which codes
carry the evidence."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from coder import rounds
from coder.db.models import EVIDENCE, Code, Coding, Setting, Source
from coder.sources.catalogue import list_sources


def progress(session: Session, viewer: str | None = None) -> list[dict[str, Any]]:
    """Per source: suggestions still to review, reviewed ones (accepted or rejected) and manual codings,
    of what ``viewer`` may see (see coder.rounds)."""
    return [
        {
            "source": r["id"],
            "kind": r["kind"],
            "suggested": r["suggested"],
            "reviewed": r["reviewed"],
            "manual": r["manual"],
        }
        for r in list_sources(session, viewer)
    ]


def code_frequencies(
    session: Session, statuses: tuple[str, ...] = EVIDENCE, viewer: str | None = None
) -> list[dict[str, Any]]:
    """How often each code is used, with its dimension; codes never used are listed with 0. Only the
    codings ``viewer`` may see count: an open round's counts would tell what the others coded there."""
    counts = select(Coding.code_id, func.count()).where(Coding.status.in_(statuses)).group_by(Coding.code_id)
    if (blind := rounds.visible(session, viewer)) is not None:
        counts = counts.where(blind)
    used = dict(session.exec(counts).all())
    codes = session.exec(select(Code).where(Code.parent_id.is_not(None)).order_by(Code.position)).all()
    return [{"code": c.id, "name": c.name, "dimension": c.dimension, "count": used.get(c.id, 0)} for c in codes]


def summary(session: Session) -> dict[str, Any]:
    kinds = dict(session.exec(select(Source.kind, func.count()).group_by(Source.kind)).all())
    version = session.get(Setting, "codebook_version")
    return {"kinds": kinds, "codebook_version": version.value if version else None}
