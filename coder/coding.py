"""Codings made by people: add one to a span, list them back with their quotes.

Every write records an AuditEvent in the same transaction, so the log and the data never disagree.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from coder import known, rounds
from coder.audit import TAGGER, coder_named, record, snapshot
from coder.db.models import (
    CODING_STATUSES,
    ClaimLink,
    Coder,
    Coding,
    ConsensusLink,
    Memo,
    Setting,
    Source,
    utcnow,
)
from coder.errors import QcoderError
from coder.sources import catalogue


def add_coding(
    session: Session,
    source_id: str,
    start: int,
    end: int,
    code_id: str,
    coder_name: str | None = None,
    memo: str | None = None,
) -> Coding:
    """Code ``text[start:end]`` of a source by hand (status ``manual``)."""
    source = known.source(session, source_id)
    source_id = source.id
    known.code(session, code_id)
    _check_span(source, start, end)
    coder = coder_named(session, coder_name)
    duplicate = session.exec(
        select(Coding).where(
            Coding.source_id == source_id,
            Coding.code_id == code_id,
            Coding.start == start,
            Coding.end == end,
            Coding.coder_id == coder.id,
        )
    ).first()
    if duplicate is not None:
        raise QcoderError(
            f"来源 {source_id} [{start}, {end}) 已被 {coder.name} 编码为 {code_id}（编码 #{duplicate.id}）",
            f"source {source_id} [{start}, {end}) is already coded {code_id} by {coder.name} (coding #{duplicate.id})",
        )
    coding = insert_manual(session, source_id, code_id, start, end, coder, "manual")
    record(session, coder, "create", "coding", coding.id, after=snapshot(coding))
    if memo:
        note = Memo(coder_id=coder.id, coding_id=coding.id, source_id=source_id, code_id=code_id, text=memo)
        session.add(note)
        session.flush()
        record(session, coder, "create", "memo", note.id, after=snapshot(note))
    return coding


def insert_manual(session: Session, source_id: str, code_id: str, start: int, end: int, coder: Coder,
                  origin: str) -> Coding:  # fmt: skip
    """A new manual coding under the codebook version in use; another session that inserted the same
    coding between a caller's check and this insert is a message, not a crash."""
    version = session.get(Setting, "codebook_version")
    coding = Coding(
        source_id=source_id, code_id=code_id, start=start, end=end, status="manual", origin=origin,
        coder_id=coder.id, codebook_version=version.value if version else None,
    )  # fmt: skip
    session.add(coding)
    try:
        session.flush()
    except IntegrityError:
        raise QcoderError(
            f"来源 {source_id} [{start}, {end}) 的 {code_id} 编码刚被另一会话写入",
            f"source {source_id} [{start}, {end}) {code_id} was just written by another session",
        ) from None
    return coding


def _check_span(source: Source, start: int, end: int) -> None:
    if not 0 <= start < end <= len(source.text):
        raise QcoderError(
            f"来源 {source.id}：位置 [{start}, {end}) 无效，应满足 0 ≤ start < end ≤ {len(source.text)}",
            f"source {source.id}: span [{start}, {end}) is invalid; need 0 <= start < end <= {len(source.text)}",
        )


def coding_at_version(
    session: Session, coding_id: int, expected_version: int | None, viewer: str | None = None
) -> Coding:
    """The coding, refusing if someone changed it since the caller read ``expected_version``.

    The row is locked until the transaction ends (``FOR UPDATE`` on PostgreSQL; a SQLite write transaction
    holds the whole database): of two sessions that read the same version, the second waits for the first,
    then sees its new version and is refused — never a silent overwrite.

    A coding ``viewer`` may not see (another coder's, in an open round: see coder.rounds) is refused with
    the very message of a missing one, so trying ids tells nobody what the others coded.
    """
    coding = session.get(Coding, coding_id, with_for_update=True, populate_existing=True)
    if coding is None or not sees(session, viewer, coding_id):
        raise QcoderError(f"没有编号为 #{coding_id} 的编码", f"no coding #{coding_id}")
    if expected_version is not None and coding.version != expected_version:
        raise QcoderError(
            f"编码 #{coding_id} 已被他人修改（版本 {coding.version}，你看到的是 {expected_version}）；请刷新后再操作",
            f"coding #{coding_id} was changed by someone else (version {coding.version}, you saw {expected_version}); "
            "reload and try again",
        )
    return coding


def sees(session: Session, viewer: str | None, coding_id: int) -> bool:
    """May ``viewer`` see this coding (see coder.rounds)? Everyone may where no round hides anything."""
    condition = rounds.visible(session, viewer)
    return (
        condition is None
        or session.exec(select(Coding.id).where(Coding.id == coding_id, condition)).first() is not None
    )


def _check_changeable(session: Session, coding: Coding, verb_zh: str, verb_en: str) -> None:
    """Refuse to move or delete a coding a consensus coding resolves — the link to it would silently go,
    and with it the record of what was agreed — or one of the tagger's suggestions in an open round,
    which every coder of the round reviews (accept or reject it instead)."""
    resolved = sorted(
        session.exec(select(ConsensusLink.consensus_id).where(ConsensusLink.original_id == coding.id)).all()
    )
    if resolved:
        listed = ", ".join(f"#{c}" for c in resolved)
        raise QcoderError(
            f"编码 #{coding.id} 已由共识编码 {listed} 处理，不能{verb_zh}（如需更改，请先撤销或删除该共识编码）",
            f"coding #{coding.id} is resolved by consensus coding {listed} and cannot be {verb_en} "
            "(undo or delete the consensus coding first)",
        )
    held = rounds.open_round_of(session, coding.source_id)
    if held is not None and coding.status == "suggested" and _is_taggers(session, coding):
        raise QcoderError(
            f"编码 #{coding.id} 是一致性轮次“{held.name}”中所有编码者共同审阅的建议，不能{verb_zh}：请接受或拒绝它",
            f"coding #{coding.id} is a suggestion every coder of agreement round “{held.name}” reviews and cannot be "
            f"{verb_en}: accept or reject it",
        )


def _is_taggers(session: Session, coding: Coding) -> bool:
    return session.get(Coder, coding.coder_id).name == TAGGER


def adjust_coding(
    session: Session,
    coding_id: int,
    start: int,
    end: int,
    coder_name: str | None = None,
    version: int | None = None,
    viewer: str | None = None,
) -> Coding:
    """Move a coding to another span of its source (audited; a stale ``version`` is refused)."""
    coding = coding_at_version(session, coding_id, version, viewer)
    _check_changeable(session, coding, "移动", "moved")
    _check_span(session.get(Source, coding.source_id), start, end)
    coder = coder_named(session, coder_name)
    before = snapshot(coding)
    code_id = coding.code_id  # read now: after a failed flush the session cannot load it
    coding.start, coding.end = start, end
    coding.version += 1
    coding.updated_at = utcnow()
    session.add(coding)
    try:
        session.flush()
    except IntegrityError:
        raise QcoderError(
            f"[{start}, {end}) 已有同一编码者的同一编码 {code_id}",
            f"[{start}, {end}) already has this coder's {code_id}",
        ) from None
    record(session, coder, "update", "coding", coding.id, before=before, after=snapshot(coding))
    return coding


def delete_coding(
    session: Session,
    coding_id: int,
    coder_name: str | None = None,
    version: int | None = None,
    viewer: str | None = None,
) -> None:
    """Delete a coding and its memos; the audit log keeps what they were. A coding a claim rests on is
    refused: the claim would lose its evidence without anyone noticing (and see :func:`_check_changeable`)."""
    coding = coding_at_version(session, coding_id, version, viewer)
    _check_changeable(session, coding, "删除", "deleted")
    claims = sorted(set(session.exec(select(ClaimLink.claim_id).where(ClaimLink.coding_id == coding_id)).all()))
    if claims:
        listed = ", ".join(map(str, claims))
        raise QcoderError(
            f"编码 #{coding_id} 是论断 {listed} 的证据，请先从论断中移除（qcoder claim remove）再删除",
            f"coding #{coding_id} is evidence for claim {listed}; remove it from the claim first (qcoder claim remove)",
        )
    coder = coder_named(session, coder_name)
    for memo in session.exec(select(Memo).where(Memo.coding_id == coding_id)).all():
        record(session, coder, "delete", "memo", memo.id, before=snapshot(memo))
        session.delete(memo)
    session.flush()
    record(session, coder, "delete", "coding", coding_id, before=snapshot(coding))
    session.delete(coding)
    session.flush()


def list_codings(
    session: Session,
    source_id: str | None = None,
    code_id: str | None = None,
    status: str | None = None,
    viewer: str | None = None,
) -> list[dict[str, Any]]:
    """Codings with their quotes, ordered by source and position; what ``viewer`` may see (see coder.rounds)."""
    if status and status not in CODING_STATUSES:
        raise QcoderError(
            f"状态 {status!r} 无效，应为 {'、'.join(CODING_STATUSES)}",
            f"status {status!r} is not one of {', '.join(CODING_STATUSES)}",
        )
    # A filter naming what does not exist, or a dimension (nothing is coded with one), is a mistake to
    # point out, not a question whose answer is "no codings".
    if source_id:
        source_id = known.check_sources(session, [source_id])[0]
    if code_id:
        known.code(session, code_id)
    query = (
        select(Coding, Coder.name)
        .join(Coder, Coder.id == Coding.coder_id)
        .order_by(Coding.source_id, Coding.start, Coding.end, Coding.id)
    )
    if source_id:
        query = query.where(Coding.source_id == source_id)
    if code_id:
        query = query.where(Coding.code_id == code_id)
    if status:
        query = query.where(Coding.status == status)
    if (blind := rounds.visible(session, viewer)) is not None:
        query = query.where(blind)
    rows = session.exec(query).all()
    memos: dict[int, list[str]] = {}
    if source_id:
        for coding_id, text in session.exec(
            select(Memo.coding_id, Memo.text).where(Memo.source_id == source_id, Memo.coding_id.is_not(None))
        ).all():
            memos.setdefault(coding_id, []).append(text)
    # Each source's text is read once, however many codings it has.
    texts = catalogue.texts(session, {coding.source_id for coding, _ in rows})
    return [
        {
            "id": coding.id,
            "source": coding.source_id,
            "code": coding.code_id,
            "start": coding.start,
            "end": coding.end,
            "status": coding.status,
            "origin": coding.origin,
            "coder": coder_name,
            "score": coding.score,
            "terms": [m["term"] for m in coding.terms],
            "version": coding.version,
            "memos": memos.get(coding.id, []),
            "quote": texts[coding.source_id][coding.start : coding.end],
        }
        for coding, coder_name in rows
    ]
