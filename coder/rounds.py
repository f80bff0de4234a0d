"""Agreement rounds: blind double-coding of a set of sources.

An owner opens a round on some sources; while it is open, everyone who codes there sees only their own
codings and the tagger's suggestions there — nobody is swayed by a colleague's choices — on every page
and in every export. The owner closes the round to compare (``qcoder icr``) and resolve disagreements.
A source is in at most one open round.

Inside a round a decision on a suggestion is a coding of the reviewer's own and the suggestion stays for
the others (see coder.review); it stops showing for whoever decided it, and closing the round removes
the suggestions somebody decided, as a decision does outside rounds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, exists, not_, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from coder import known
from coder.audit import TAGGER, coder_named, record
from coder.db.models import Coder, Coding, Round, RoundSource, utcnow
from coder.errors import QcoderError


def open_round(session: Session, name: str, sources: list[str], owner: str | None = None) -> int:
    if not name.strip():
        raise QcoderError("轮次需要一个名称", "a round needs a name")
    if not sources:
        raise QcoderError("轮次至少要包含一个来源", "a round needs at least one source")
    sources = known.check_sources(session, sources)
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
    settled = _settle(session, round_id)
    record(
        session, coder_named(session, owner), "close", "round", round_id, before={"open": True},
        after={"open": False, "settled_suggestions": settled},
    )  # fmt: skip


def _settle(session: Session, round_id: int) -> list[int]:
    """Remove the tagger's suggestions in the round's sources that someone decided during the round.

    Inside a round a decision leaves the suggestion in place for the others (see coder.review); once
    the round is closed a suggestion somebody decided is no longer to review, as outside rounds — where
    the tagger never suggests a span and code that has a coding of any status. Their ids are kept in the
    close event."""
    members = select(RoundSource.source_id).where(RoundSource.round_id == round_id)
    tagger = select(Coder.id).where(Coder.name == TAGGER).scalar_subquery()
    decided = _coded_alike(lambda coder: coder != tagger)
    settled = sorted(
        session.exec(
            select(Coding.id).where(
                Coding.source_id.in_(members), Coding.coder_id == tagger, Coding.status == "suggested", decided
            )
        ).all()
    )
    for chunk in range(0, len(settled), 500):
        session.exec(delete(Coding).where(Coding.id.in_(settled[chunk : chunk + 500])))
    return settled


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


def open_round_of(session: Session, source_id: str) -> Round | None:
    """The open round ``source_id`` is in, if any."""
    return session.exec(
        select(Round)
        .join(RoundSource, RoundSource.round_id == Round.id)
        .where(Round.closed_at.is_(None), RoundSource.source_id == source_id)
    ).first()


def visible(session: Session, viewer: str | None) -> ColumnElement[bool] | None:
    """A condition on Coding that keeps what ``viewer`` may see: everything outside open rounds, and
    inside them only their own codings and the tagger's suggestions they have not decided yet (a decision
    there is a coding of their own and leaves the suggestion to the others, see coder.review). None when
    no round is open or nobody in particular is looking (the command line, which administers the project)."""
    if viewer is None:
        return None
    hidden = blind_sources(session)
    if not hidden:
        return None
    ids = dict(session.exec(select(Coder.name, Coder.id).where(Coder.name.in_([viewer, TAGGER]))).all())
    keep = or_(not_(Coding.source_id.in_(hidden)), Coding.coder_id.in_(list(ids.values())))
    if viewer in ids:
        keep = and_(keep, not_(_decided(hidden, ids[viewer])))
    return keep


def undecided(session: Session, person: str | None) -> ColumnElement[bool] | None:
    """A condition on Coding that drops the suggestions in open rounds ``person`` has decided already:
    what is left for them to review. None when no round is open."""
    hidden = blind_sources(session)
    found = session.exec(select(Coder.id).where(Coder.name == person)).first() if person else None
    if not hidden or found is None:
        return None
    return not_(_decided(hidden, found))


def _decided(hidden: set[str], person_id: int) -> ColumnElement[bool]:
    """Coding is a suggestion in an open round that ``person_id`` has a coding of (same span and code)."""
    return and_(
        Coding.source_id.in_(hidden), Coding.status == "suggested", _coded_alike(lambda coder: coder == person_id)
    )


def _coded_alike(coder: Callable[[Any], ColumnElement[bool]]) -> ColumnElement[bool]:
    """Another coding of the same source, span and code exists whose coder id passes ``coder``."""
    other = aliased(Coding)
    return exists().where(
        other.id != Coding.id,
        other.source_id == Coding.source_id,
        other.code_id == Coding.code_id,
        other.start == Coding.start,
        other.end == Coding.end,
        coder(other.coder_id),
    )
