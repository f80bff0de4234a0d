"""Memos on a source or a code: the researcher's notes beside the codings, found again when writing.

A memo belongs to exactly one thing: a coding (written with it, see :func:`coder.coding.add_coding`), a
source or a code (written here). Its text is the researcher's own words, stored as typed (line breaks
``\\n``, NFC) and bounded by :data:`MAX_MEMO_CHARS`. Every write leaves an AuditEvent in the same
transaction, so the History page shows it and undo can take it back (see coder.history).

**Who sees what.** While an agreement round is open (see coder.rounds) each coder sees only their own
codings of its sources — and, the same way, only their own memos on those sources and on codings there:
a colleague's "this reads like window dressing" on a round's transcript would sway the coding the round
is meant to keep independent. Memos on codes are about the codebook, not about one source, and stay
visible to everyone. The command line (no viewer) administers the project and sees everything.

**Who changes what.** Editing or deleting a memo needs the ``write`` permission (coder.access); in team
mode only the memo's author or the project's owner may change it — a memo is a person's note. A memo the
person may not see is refused with the very message of a missing one, so ids tell nobody anything.
An edit names the text it replaces (``expected``): if someone changed the memo since it was read, the
edit is refused rather than silently overwriting their words.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, not_, or_
from sqlmodel import Session, select

from coder import access, known, rounds
from coder.audit import coder_named, record, snapshot
from coder.db.models import Code, Coder, Coding, Memo, Participant, Source, as_utc
from coder.errors import QcoderError
from coder.export.text import clean
from coder.retrieval import Query, with_descendants

MAX_MEMO_CHARS = 20_000  # about ten printed pages: a memo, not a second transcript


@dataclass(frozen=True)
class _Row:
    """A memo as listed, with what it is attached to resolved (a coding memo's source and code are its
    coding's: a recode or a codebook change keeps them current)."""

    memo: Memo
    coder: str
    source: str | None
    code: str | None
    status: str | None  # the coding's, for coding memos


def add_memo(
    session: Session,
    text: str,
    coder_name: str | None = None,
    source_id: str | None = None,
    code_id: str | None = None,
) -> Memo:
    """A memo on one source or one code (a dimension is a code too); both, neither, an unknown one or
    empty text are refused."""
    if (source_id is None) == (code_id is None):
        raise QcoderError(
            "备忘须且只能属于一个来源或一个代码（--source 或 --code）",
            "a memo belongs to exactly one source or one code (--source or --code)",
        )
    text = _checked_text(text)
    if source_id is not None:
        source_id = known.source(session, source_id).id
    if code_id is not None:
        known.code(session, code_id, codable=False)
    author = coder_named(session, coder_name)
    memo = Memo(coder_id=author.id, source_id=source_id, code_id=code_id, text=text)
    session.add(memo)
    session.flush()
    record(session, author, "create", "memo", memo.id, after=snapshot(memo))
    return memo


def edit_memo(
    session: Session,
    memo_id: int,
    text: str,
    coder_name: str | None = None,
    expected: str | None = None,
    viewer: str | None = None,
) -> Memo:
    """Replace a memo's text (its author stays its author; the log names who edited). With ``expected``,
    the text the editor read, an edit of a memo someone changed since is refused."""
    text = _checked_text(text)
    memo = _changeable(session, memo_id, viewer)
    if expected is not None and memo.text != _normalised(expected).strip():
        raise QcoderError(
            f"备忘 #{memo_id} 在你读取之后已被他人修改；请刷新后再编辑",
            f"memo #{memo_id} was changed by someone else since you read it; reload and edit again",
        )
    if memo.text == text:
        return memo
    before = snapshot(memo)
    memo.text = text
    session.add(memo)
    session.flush()
    record(session, coder_named(session, coder_name), "update", "memo", memo.id, before, snapshot(memo))
    return memo


def delete_memo(session: Session, memo_id: int, coder_name: str | None = None, viewer: str | None = None) -> None:
    """Delete one memo; the log keeps what it said, and undo brings it back.

    A memo on a coding deleted on its own is marked ``alone`` in the log: undoing a later deletion of
    its coding must not bring back a memo someone had already deleted (see coder.history)."""
    memo = _changeable(session, memo_id, viewer)
    before = snapshot(memo)
    if memo.coding_id is not None:
        before["alone"] = True
    record(session, coder_named(session, coder_name), "delete", "memo", memo.id, before=before)
    session.delete(memo)
    session.flush()


def list_memos(
    session: Session,
    source_id: str | None = None,
    code_id: str | None = None,
    query: str | None = None,
    codings: bool = False,
    viewer: str | None = None,
) -> list[dict[str, Any]]:
    """Memos on ``source_id``, on ``code_id``, or all, whose text contains ``query`` (ignoring case),
    oldest first, as ``viewer`` may see them (see the module's rules).

    Only memos on sources and codes, unless ``codings``: then memos on codings too — on that source's
    codings, or that code's."""
    if source_id is not None:
        source_id = known.check_sources(session, [source_id])[0]
    if code_id is not None:
        known.code(session, code_id, codable=False)
    rows = [
        row
        for row in _visible_rows(session, viewer)
        if (codings or row.memo.coding_id is None)
        and (source_id is None or row.source == source_id)
        and (code_id is None or row.code == code_id)
    ]
    return [_as_dict(row) for row in _containing(rows, query)]


def matching(session: Session, query: Query, viewer: str | None = None) -> list[dict[str, Any]]:
    """The memos on what a Retrieve ``query`` selects, whose text holds ``query.text`` as the search of
    the sources finds it: a substring (ignoring case), or with ``query.match == "words"`` any of its words
    as whole words of the memo (see coder.search.matching).

    Each filter that is set must hold for the memo: code filters (codes with their sub-codes, a
    dimension) keep memos on those codes and on codings of them; source filters (kinds, roles) keep
    memos on such sources and on codings there; statuses narrow coding memos to their coding's status;
    coders narrow memos to their authors. With no filter set every memo is listed."""
    codes = with_descendants(session, query.codes) if query.codes else None
    if query.dimension:
        in_dimension = set(session.exec(select(Code.id).where(Code.dimension == query.dimension)).all())
        codes = in_dimension if codes is None else codes & in_dimension
    sources = None
    if query.kinds or query.roles:
        statement = select(Source.id).outerjoin(Participant, Participant.id == Source.participant_id)
        if query.kinds:
            statement = statement.where(Source.kind.in_(query.kinds))
        if query.roles:
            statement = statement.where(Participant.role.in_(query.roles))
        sources = set(session.exec(statement).all())
    rows = [
        row
        for row in _visible_rows(session, viewer)
        if (codes is None or row.code in codes)
        and (sources is None or row.source in sources)
        and (row.status is None or not query.statuses or row.status in query.statuses)
        and (not query.coders or row.coder in query.coders)
    ]
    if query.match == "words" and query.text.strip():
        from coder.search.matching import Matcher
        from coder.tagging import tagger_for  # jieba: loaded only for a search by words

        matcher = Matcher(_normalised(query.text), "words", tagger_for(session).words)
        return [_as_dict(row) for row in rows if matcher.matches(row.memo.text)]
    return [_as_dict(row) for row in _containing(rows, query.text)]


def on_codings(session: Session, coding_ids: set[int], viewer: str | None = None) -> dict[int, list[dict[str, Any]]]:
    """Coding id → the memos on it that ``viewer`` may see, oldest first (as :func:`list_memos` lists them)."""
    found: dict[int, list[dict[str, Any]]] = {}
    for row in _visible_rows(session, viewer):
        if row.memo.coding_id in coding_ids:
            found.setdefault(row.memo.coding_id, []).append(_as_dict(row))
    return found


def memo_texts(session: Session, source_ids: set[str], code_ids: set[str], viewer: str | None = None) -> dict:
    """``{"source": {id: [text, …]}, "code": {id: [text, …]}}``: the memos on these sources and codes,
    oldest first, as ``viewer`` may see them — what goes with exported quotes."""
    found: dict[str, dict[str, list[str]]] = {"source": {}, "code": {}}
    for row in _visible_rows(session, viewer):
        memo = row.memo
        if memo.coding_id is not None:
            continue
        if memo.source_id in source_ids:
            found["source"].setdefault(memo.source_id, []).append(memo.text)
        if memo.code_id in code_ids:
            found["code"].setdefault(memo.code_id, []).append(memo.text)
    return found


def visible(session: Session, viewer: str | None) -> ColumnElement[bool] | None:
    """A condition on Memo (outer-joined with its Coding) that keeps what ``viewer`` may see; None when
    nothing is hidden (no open round, or nobody in particular looking)."""
    if viewer is None:
        return None
    hidden = rounds.blind_sources(session)
    if not hidden:
        return None
    codings = rounds.visible(session, viewer)
    me = session.exec(select(Coder.id).where(Coder.name == viewer)).first()
    own = Memo.coder_id == me if me is not None else false()
    # A memo on a coding is hidden with its coding (showing it would tell of the coding), and a colleague's
    # memo on a round's source or on a coding there (the tagger's suggestion everyone reviews) is hidden too.
    on = func.coalesce(Coding.source_id, Memo.source_id)
    in_view = or_(Memo.coding_id.is_(None), and_(Memo.coding_id.is_not(None), codings))
    return and_(in_view, or_(on.is_(None), not_(on.in_(hidden)), own))


def _visible_rows(session: Session, viewer: str | None) -> list[_Row]:
    statement = (
        select(Memo, Coder.name, Coding.source_id, Coding.code_id, Coding.status)
        .join(Coder, Coder.id == Memo.coder_id)
        .outerjoin(Coding, Coding.id == Memo.coding_id)
        .order_by(Memo.created_at, Memo.id)
    )
    if (condition := visible(session, viewer)) is not None:
        statement = statement.where(condition)
    return [
        _Row(memo, name, coding_source or memo.source_id, coding_code or memo.code_id, status)
        for memo, name, coding_source, coding_code, status in session.exec(statement).all()
    ]


def _containing(rows: list[_Row], query: str | None) -> list[_Row]:
    """Rows whose text holds ``query``: NFC and case-folded on both sides, so a query typed with another
    composition of the same characters, or in other case, still finds the memo."""
    wanted = _normalised(query or "").strip().casefold()
    return [row for row in rows if wanted in row.memo.text.casefold()] if wanted else rows


def _as_dict(row: _Row) -> dict[str, Any]:
    memo = row.memo
    target = (
        "coding" if memo.coding_id is not None else "source" if memo.source_id else "code" if memo.code_id else None
    )
    return {
        "id": memo.id,
        "target": target or "project",
        "source": row.source,
        "code": row.code,
        "coding": memo.coding_id,
        "text": memo.text,
        "coder": row.coder,
        "created_at": as_utc(memo.created_at).isoformat(timespec="seconds"),
    }


def _changeable(session: Session, memo_id: int, viewer: str | None) -> Memo:
    """The memo, locked for this transaction, if ``viewer`` may see it and change it."""
    memo = session.get(Memo, memo_id, with_for_update=True, populate_existing=True)
    seen = memo is not None
    if seen and (condition := visible(session, viewer)) is not None:
        statement = select(Memo.id).outerjoin(Coding, Coding.id == Memo.coding_id).where(Memo.id == memo_id, condition)
        seen = session.exec(statement).first() is not None
    if not seen:
        raise QcoderError(f"没有编号为 #{memo_id} 的备忘", f"no memo #{memo_id}")
    if viewer is not None and access.team_mode(session):
        person = session.exec(select(Coder).where(Coder.name == viewer)).first()
        if person is None or (person.id != memo.coder_id and person.role != "owner"):
            author = session.get(Coder, memo.coder_id)
            raise QcoderError(
                f"备忘 #{memo_id} 是 {author.name} 写的：只有作者或项目所有者可以修改或删除它",
                f"memo #{memo_id} is {author.name}'s: only its author or the project's owner may change or delete it",
            )
    return memo


def _normalised(text: str) -> str:
    text = text.replace("\ufeff", "").replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", clean(text))


def _checked_text(text: str) -> str:
    """The text as stored: normalised (see :func:`_normalised`, which also drops control characters no
    export could carry), trimmed, neither empty nor longer than :data:`MAX_MEMO_CHARS`."""
    text = _normalised(text or "").strip()
    if not text:
        raise QcoderError("备忘内容不能为空", "a memo needs its text")
    if len(text) > MAX_MEMO_CHARS:
        raise QcoderError(
            f"备忘最长 {MAX_MEMO_CHARS} 个字符（现为 {len(text)} 个）",
            f"a memo has at most {MAX_MEMO_CHARS} characters (this one has {len(text)})",
        )
    return text
