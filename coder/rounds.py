"""Agreement rounds: blind double-coding of a set of sources.

An owner opens a round on some sources; while it is open, everyone who codes there sees only their own
codings and the tagger's suggestions there — nobody is swayed by a colleague's choices — on every page
and in every export. The owner closes the round to compare (``qcoder icr``) and resolve disagreements.
A source is in at most one open round.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, not_, or_
from sqlmodel import Session, select

from coder.audit import TAGGER, coder_named, record
from coder.db.models import Coder, Coding, Round, RoundSource, Source, utcnow
from coder.errors import QcoderError


def open_round(session: Session, name: str, sources: list[str], owner: str | None = None) -> int:
    if not name.strip():
        raise QcoderError("轮次需要一个名称", "a round needs a name")
    if not sources:
        raise QcoderError("轮次至少要包含一个来源", "a round needs at least one source")
    known = set(session.exec(select(Source.id).where(Source.id.in_(sources))).all())
    if missing := [s for s in sources if s not in known]:
        raise QcoderError(f"没有来源 {'、'.join(missing)}", f"no source {', '.join(missing)}")
    busy = session.exec(
        select(RoundSource.source_id, Round.name)
        .join(Round, Round.id == RoundSource.round_id)
        .where(Round.closed_at.is_(None), RoundSource.source_id.in_(sources))
    ).all()
    if busy:
        listed = "、".join(f"{s}（{r}）" for s, r in busy)
        raise QcoderError(
            f"这些来源已在进行中的轮次里：{listed}", f"these sources are in an open round already: {listed}"
        )
    opener = coder_named(session, owner)
    row = Round(name=name.strip(), opened_by=opener.id)
    session.add(row)
    session.flush()
    session.add_all(RoundSource(round_id=row.id, source_id=s) for s in dict.fromkeys(sources))
    record(session, opener, "open", "round", row.id, after={"name": row.name, "sources": sorted(set(sources))})
    return row.id


def close_round(session: Session, round_id: int, owner: str | None = None) -> None:
    row = session.get(Round, round_id)
    if row is None:
        raise QcoderError(f"没有轮次 {round_id}", f"no round {round_id}")
    if row.closed_at is not None:
        raise QcoderError(f"轮次 {round_id} 已经结束", f"round {round_id} is closed already")
    row.closed_at = utcnow()
    session.add(row)
    record(
        session, coder_named(session, owner), "close", "round", round_id, before={"open": True}, after={"open": False}
    )


def list_rounds(session: Session) -> list[dict[str, Any]]:
    rows = session.exec(select(Round, Coder.name).join(Coder, Coder.id == Round.opened_by).order_by(Round.id)).all()
    members: dict[int, list[str]] = {}
    for round_id, source_id in session.exec(select(RoundSource.round_id, RoundSource.source_id)).all():
        members.setdefault(round_id, []).append(source_id)
    return [
        {
            "id": r.id,
            "name": r.name,
            "opened_by": opener,
            "opened_at": r.opened_at.isoformat(timespec="minutes"),
            "closed_at": r.closed_at.isoformat(timespec="minutes") if r.closed_at else None,
            "open": r.closed_at is None,
            "sources": sorted(members.get(r.id, [])),
        }
        for r, opener in rows
    ]


def blind_sources(session: Session) -> set[str]:
    """Sources in an open round."""
    return set(
        session.exec(
            select(RoundSource.source_id).join(Round, Round.id == RoundSource.round_id).where(Round.closed_at.is_(None))
        ).all()
    )


def visible(session: Session, viewer: str | None) -> ColumnElement[bool] | None:
    """A condition on Coding that keeps what ``viewer`` may see: everything outside open rounds, and
    inside them only their own codings and the tagger's. None when no round is open or nobody in
    particular is looking (the command line, which administers the project)."""
    if viewer is None:
        return None
    hidden = blind_sources(session)
    if not hidden:
        return None
    own = session.exec(select(Coder.id).where(Coder.name.in_([viewer, TAGGER]))).all()
    return or_(not_(Coding.source_id.in_(hidden)), and_(Coding.source_id.in_(hidden), Coding.coder_id.in_(own)))
