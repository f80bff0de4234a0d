"""Reviewing the tagger's suggestions: accept, reject or give another code, one by one or in bulk.

A decision turns the suggestion into the reviewer's own coding (``accepted`` or ``rejected``, with
the reviewer as coder and ``origin`` still ``tagger``), so agreement and exports can tell who
decided. A rejected suggestion stays in the database: that is what keeps the tagger from making it
again. Every change is audited, and a caller that read a coding at ``version`` n can ask for the
change to be refused if someone else changed it meanwhile (optimistic concurrency).

In a source of an open agreement round (see coder.rounds) every coder reviews the same suggestions
blind, so a decision must not take the suggestion away from the others: it stays the tagger's, and
the decision becomes a new coding of the reviewer's (``accepted`` or ``rejected``, origin ``tagger``).
The suggestion then no longer shows for that reviewer; the round's close settles it for everyone.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from coder import known, rounds
from coder.audit import coder_named, default_coder_name, record, snapshot
from coder.coding import coding_at_version
from coder.db.models import Coder, Coding, utcnow
from coder.errors import QcoderError

DECISIONS = {"accept": "accepted", "reject": "rejected"}
ACTIONS = {status: decision for decision, status in DECISIONS.items()}


@dataclass
class Selection:
    """Which suggestions a bulk decision applies to; every given field must match."""

    ids: list[int] | None = None
    source: str | None = None
    code: str | None = None
    min_score: float | None = None
    max_score: float | None = None


def suggestions(
    session: Session, selection: Selection, reviewer: str | None = None, viewer: str | None = None
) -> list[Coding]:
    """The suggestions the selection matches that ``viewer`` may see and ``reviewer`` has yet to decide."""
    query = select(Coding).where(Coding.status == "suggested").order_by(Coding.source_id, Coding.start, Coding.id)
    reviewer = reviewer or default_coder_name()
    for condition in (rounds.visible(session, viewer), rounds.undecided(session, reviewer)):
        if condition is not None:
            query = query.where(condition)
    if selection.ids:
        query = query.where(Coding.id.in_(selection.ids))
    if selection.source:
        query = query.where(Coding.source_id == known.check_sources(session, [selection.source])[0])
    if selection.code:
        query = query.where(Coding.code_id == known.code(session, selection.code).id)
    if selection.min_score is not None:
        query = query.where(Coding.score >= selection.min_score)
    if selection.max_score is not None:
        query = query.where(Coding.score < selection.max_score)
    return list(session.exec(query).all())


def decide(
    session: Session,
    coding_id: int,
    decision: str,
    coder_name: str | None = None,
    expected_version: int | None = None,
    new_code: str | None = None,
    viewer: str | None = None,
) -> Coding:
    """Accept or reject one suggestion, or accept it under ``new_code`` (the original code is rejected);
    a suggestion ``viewer`` may not see (see coder.rounds) is refused as if it did not exist."""
    coding = coding_at_version(session, coding_id, expected_version, viewer)
    if coding.status != "suggested":
        raise QcoderError(
            f"编码 #{coding_id} 的状态是 {coding.status}，不是待审的建议",
            f"coding #{coding_id} is {coding.status}, not a suggestion",
        )
    reviewer = coder_named(session, coder_name)
    if new_code is not None and new_code != coding.code_id:
        known.code(session, new_code)
        rejected = _change(session, coding, reviewer, "rejected")
        existing = _same(session, coding, reviewer, new_code)
        if existing is not None:  # the reviewer had already coded this span with the new code
            return existing
        recoded = Coding(
            source_id=coding.source_id, code_id=new_code, start=coding.start, end=coding.end, status="accepted",
            origin="tagger", coder_id=reviewer.id, codebook_version=coding.codebook_version,
        )  # fmt: skip
        session.add(recoded)
        _flush(session, coding, reviewer)
        # Undoing the recode also undoes the rejection it rests on (see coder.history).
        record(session, reviewer, "recode", "coding", recoded.id, before=snapshot(rejected), after=snapshot(recoded))
        return recoded
    if decision not in DECISIONS:
        raise QcoderError(
            f"决定 {decision!r} 无效，应为 accept 或 reject", f"decision {decision!r}: use accept or reject"
        )
    return _change(session, coding, reviewer, DECISIONS[decision])


def decide_many(
    session: Session, selection: Selection, decision: str, coder_name: str | None = None, viewer: str | None = None
) -> list[Coding]:
    """The same decision for every suggestion the selection matches (e.g. all of one code in one source)
    that ``viewer`` may see and the reviewer has not decided yet."""
    found = suggestions(session, selection, coder_name, viewer)
    return [decide(session, coding.id, decision, coder_name, viewer=viewer) for coding in found]


def _same(session: Session, coding: Coding, reviewer: Coder, code_id: str) -> Coding | None:
    """The reviewer's own coding of the same span with ``code_id``, other than ``coding`` itself."""
    return session.exec(
        select(Coding).where(
            Coding.source_id == coding.source_id,
            Coding.code_id == code_id,
            Coding.start == coding.start,
            Coding.end == coding.end,
            Coding.coder_id == reviewer.id,
            Coding.id != coding.id,
        )
    ).first()


def _change(session: Session, coding: Coding, reviewer: Coder, status: str) -> Coding:
    """Make the suggestion the reviewer's decision; if the reviewer already coded that span with that
    code, the suggestion is redundant: it is removed (audited) and their coding stands. In an open
    round the suggestion is shared and stays (see :func:`_decide_blind`)."""
    if rounds.open_round_of(session, coding.source_id) is not None:
        return _decide_blind(session, coding, reviewer, status)
    before = snapshot(coding)
    existing = _same(session, coding, reviewer, coding.code_id)
    if existing is not None:
        session.delete(coding)
        session.flush()
        record(session, reviewer, ACTIONS[status], "coding", before["id"], before, {"merged_into": existing.id})
        return existing
    coding.status = status
    coding.coder_id = reviewer.id
    coding.version += 1
    coding.updated_at = utcnow()
    session.add(coding)
    _flush(session, coding, reviewer)
    record(session, reviewer, ACTIONS[status], "coding", coding.id, before, snapshot(coding))
    return coding


def _decide_blind(session: Session, coding: Coding, reviewer: Coder, status: str) -> Coding:
    """The reviewer's decision on a suggestion in an open round, as a new coding of their own; the
    suggestion is left unchanged for the other coders of the round. A reviewer who already has a coding
    of that span and code decided it before: refused, since a second decision would have nowhere to go."""
    existing = _same(session, coding, reviewer, coding.code_id)
    if existing is not None:
        where = f"{coding.source_id} [{coding.start}, {coding.end}) {coding.code_id}"
        raise QcoderError(
            f"{reviewer.name} 已对 {where} 做过决定（编码 #{existing.id}，{existing.status}）",
            f"{reviewer.name} has decided {where} already (coding #{existing.id}, {existing.status})",
        )
    decided = Coding(
        source_id=coding.source_id, code_id=coding.code_id, start=coding.start, end=coding.end, status=status,
        origin="tagger", coder_id=reviewer.id, score=coding.score, terms=coding.terms,
        codebook_version=coding.codebook_version,
    )  # fmt: skip
    session.add(decided)
    _flush(session, coding, reviewer)
    record(session, reviewer, ACTIONS[status], "coding", decided.id, None, snapshot(decided))
    return decided


def _flush(session: Session, coding: Coding, reviewer: Coder) -> None:
    # Read what the message needs first: after a failed flush the session can no longer load it.
    who, where = reviewer.name, f"{coding.source_id} [{coding.start}, {coding.end})"
    try:
        session.flush()
    except IntegrityError:
        raise QcoderError(
            f"{who} 对来源 {where} 的同一编码刚被另一会话写入；请刷新后再审",
            f"{who}'s same coding of {where} was just written by another session; reload and review again",
        ) from None
