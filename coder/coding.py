"""Codings made by people: add one to a span, list them back with their quotes.

Every write records an AuditEvent in the same transaction, so the log and the data never disagree.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from coder import rounds
from coder.audit import coder_named, record, snapshot
from coder.db.models import CODING_STATUSES, ClaimLink, Code, Coder, Coding, Memo, Setting, Source, utcnow
from coder.errors import QcoderError


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
    source = session.get(Source, source_id)
    if source is None:
        raise QcoderError(f"没有编号为 {source_id} 的来源", f"no source with ID {source_id}")
    code = session.get(Code, code_id)
    if code is None:
        raise QcoderError(
            f"编码 {code_id} 不在编码簿中（qcoder codes list 可查看）",
            f"code {code_id} is not in the codebook (see qcoder codes list)",
        )
    if code.parent_id is None:
        raise QcoderError(
            f"{code_id} 是维度，不是代码：请选择它下面的一个代码",
            f"{code_id} is a dimension, not a code: pick one of its codes",
        )
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
    version = session.get(Setting, "codebook_version")
    coding = Coding(
        source_id=source_id, code_id=code_id, start=start, end=end, status="manual", origin="manual",
        coder_id=coder.id, codebook_version=version.value if version else None,
    )  # fmt: skip
    session.add(coding)
    try:
        session.flush()
    except IntegrityError:
        # Another session added the same coding between our check and our insert.
        raise QcoderError(
            f"来源 {source_id} [{start}, {end}) 的 {code_id} 编码刚被另一会话写入",
            f"source {source_id} [{start}, {end}) {code_id} was just written by another session",
        ) from None
    record(session, coder, "create", "coding", coding.id, after=snapshot(coding))
    if memo:
        note = Memo(coder_id=coder.id, coding_id=coding.id, source_id=source_id, code_id=code_id, text=memo)
        session.add(note)
        session.flush()
        record(session, coder, "create", "memo", note.id, after=snapshot(note))
    return coding


def _check_span(source: Source, start: int, end: int) -> None:
    if not 0 <= start < end <= len(source.text):
        raise QcoderError(
            f"来源 {source.id}：位置 [{start}, {end}) 无效，应满足 0 ≤ start < end ≤ {len(source.text)}",
            f"source {source.id}: span [{start}, {end}) is invalid; need 0 <= start < end <= {len(source.text)}",
        )


def coding_at_version(session: Session, coding_id: int, expected_version: int | None) -> Coding:
    """The coding, refusing if someone changed it since the caller read ``expected_version``.

    The row is locked until the transaction ends (``FOR UPDATE`` on PostgreSQL; a SQLite write transaction
    holds the whole database): of two sessions that read the same version, the second waits for the first,
    then sees its new version and is refused — never a silent overwrite.
    """
    coding = session.get(Coding, coding_id, with_for_update=True, populate_existing=True)
    if coding is None:
        raise QcoderError(f"没有编号为 #{coding_id} 的编码", f"no coding #{coding_id}")
    if expected_version is not None and coding.version != expected_version:
        raise QcoderError(
            f"编码 #{coding_id} 已被他人修改（版本 {coding.version}，你看到的是 {expected_version}）；请刷新后再操作",
            f"coding #{coding_id} was changed by someone else (version {coding.version}, you saw {expected_version}); "
            "reload and try again",
        )
    return coding


def adjust_coding(
    session: Session, coding_id: int, start: int, end: int, coder_name: str | None = None, version: int | None = None
) -> Coding:
    """Move a coding to another span of its source (audited; a stale ``version`` is refused)."""
    coding = coding_at_version(session, coding_id, version)
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


def delete_coding(session: Session, coding_id: int, coder_name: str | None = None, version: int | None = None) -> None:
    """Delete a coding and its memos; the audit log keeps what they were. A coding a claim rests on is
    refused: the claim would lose its evidence without anyone noticing."""
    coding = coding_at_version(session, coding_id, version)
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
    wanted = {coding.source_id for coding, _ in rows}
    texts = dict(session.exec(select(Source.id, Source.text).where(Source.id.in_(wanted))).all()) if wanted else {}
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
