"""A project's mask list: what is masked in everything that leaves qcoder, and by what.

Entries are confirmed by a person (``qcoder mask add``, or a candidate confirmed on the page) or dismissed
(a candidate that is no name: never proposed again). The interviewees need no entry: their stored names
are masked by their initials, and so are their surname with any post or form of address (马继强 → MJQ,
马书记 → M书记, 老马 → 老M) — derived when a masker is built, so the list never repeats a real name the
participant table already keeps. Every change is audited; a mention's text is private in the log.
"""

from __future__ import annotations

import unicodedata
from typing import Any, Protocol

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from coder.audit import coder_named, record, snapshot
from coder.db.models import MaskEntry, Participant, Source
from coder.errors import QcoderError
from coder.masking.apply import Entry, Masker
from coder.masking.rules import KINDS, PREFIXES, TITLES, default_replacement
from coder.sources.ids import split_name

MAX_MENTION = 40  # characters: a name, a place or a body's name, never a passage


def participant_entries(session: Session) -> list[Entry]:
    """Every interviewee's entries (see :func:`participant_entries_of`)."""
    return [entry for person in _named(session) for entry in participant_entries_of(person)]


def _named(session: Session) -> list[Participant]:
    return list(session.exec(select(Participant).where(Participant.name.is_not(None))).all())


class Named(Protocol):
    """What a participant's entries are derived from (a Participant row, or an evaluation's interviewee)."""

    name: str | None
    initials: str | None


def participant_entries_of(person: Named) -> list[Entry]:
    """An interviewee's name (masked wherever it stands) and the surname forms that point at them: the
    surname with a post of two or more characters (马书记, 马主任), after 老/小 (老马), or alone when it is a
    compound one (欧阳) — never a form that is a word first (小区 for 区, 老师 for 师, 小时 for 时, see
    :func:`coder.masking.candidates.is_common_word`), and never a one-character title (施 + 工 is 施工)."""
    from coder.masking.candidates import is_common_word

    name = (person.name or "").strip()
    if len(name) < 2 or not person.initials:
        return []
    surname, _ = split_name(name)
    letter = person.initials[: len(surname)]  # 欧阳明 (OYM): 欧阳书记 → OY书记
    forms = [(surname + title, letter + title) for title in TITLES if len(title) > 1]
    forms += [(prefix + surname, prefix + letter) for prefix in PREFIXES]
    if len(surname) > 1:  # a compound surname alone names its bearer: 大家都叫他欧阳
        forms.append((surname, letter))
    strict = [Entry(form, shown, "person", strict=True) for form, shown in forms if not is_common_word(form)]
    return [Entry(name, person.initials, "person", anywhere=True), *strict]


def masker(session: Session) -> Masker:
    """Everything confirmed, participants first: where a stored entry and a derived one share a text, the
    person's own entry wins."""
    return masking(session)[0]


def masking(session: Session) -> tuple[Masker, int]:
    """What a masked output needs: the masker, and how many entries its methods sentence names (see
    :func:`size`), from one read of the list and the participants."""
    rows, people = session.exec(select(MaskEntry)).all(), _named(session)
    dismissed = {row.mention for row in rows if row.status == "dismissed"}
    derived = {e.text: e for p in people for e in participant_entries_of(p) if e.anywhere or e.text not in dismissed}
    own = {r.mention: Entry(r.mention, r.replacement, r.kind) for r in rows if r.status == "confirmed"}
    return Masker({**derived, **own}.values()), _counted(rows, people)


def size(session: Session) -> int:
    """How many people, places and bodies the list masks: its confirmed entries and the named interviewees
    (each interviewee's surname forms are part of their one entry)."""
    return _counted(session.exec(select(MaskEntry).where(MaskEntry.status == "confirmed")).all(), _named(session))


def _counted(rows: list[MaskEntry], people: list[Participant]) -> int:
    return sum(row.status == "confirmed" for row in rows) + sum(len((p.name or "").strip()) >= 2 for p in people)


def listed(session: Session, with_names: bool = False) -> list[dict[str, Any]]:
    """The list as a person reviews it; the interviewees' names only ``with_names``."""
    rows = [
        {"mention": r.mention, "replacement": r.replacement, "kind": r.kind, "status": r.status, "origin": r.origin}
        for r in session.exec(select(MaskEntry).order_by(MaskEntry.kind, MaskEntry.mention)).all()
    ]
    for person in _named(session):
        shown = person.name if with_names else f"（受访者 / interviewee {person.initials}）"
        rows.append({"mention": shown, "replacement": person.initials, "kind": "person", "status": "confirmed",
                     "origin": "participant"})  # fmt: skip
    return rows


def add(
    session: Session, mention: str, kind: str, coder: str | None, replacement: str | None = None, replace: bool = False
) -> MaskEntry:
    """Confirm ``mention`` (its default replacement unless one is given). An entry already there keeps what
    it has unless ``replace``: a replacement is never changed in silence (one person, one replacement)."""
    mention = _checked(mention, kind)
    _not_an_interviewee(session, mention)
    replacement = (replacement or "").strip() or default_replacement(kind, mention)
    if mention in replacement:
        raise QcoderError(
            f"“{mention}”的替代词“{replacement}”仍含有它本身",
            f"the replacement {replacement!r} still contains {mention!r}",
        )
    row = session.exec(select(MaskEntry).where(MaskEntry.mention == mention)).first()
    before = snapshot(row)
    if row is not None and row.status == "confirmed" and row.replacement != replacement and not replace:
        raise QcoderError(
            f"“{mention}”已在屏蔽列表中，替代为“{row.replacement}”；要改为“{replacement}”请加 --replace",
            f"{mention!r} is on the mask list already, replaced by {row.replacement!r}; add --replace to use "
            f"{replacement!r} instead",
        )
    row = row or MaskEntry(mention=mention, replacement=replacement, kind=kind, origin="manual")
    row.replacement, row.kind, row.status = replacement, kind, "confirmed"
    _flushed(session, row)
    record(
        session, coder_named(session, coder), "update" if before else "create", "mask", row.id, before, snapshot(row)
    )
    return row


def dismiss(session: Session, mention: str, kind: str, coder: str | None) -> MaskEntry:
    """Mark a candidate as no name: it is never proposed again, and nothing is masked by it."""
    mention = _checked(mention, kind)
    _not_an_interviewee(session, mention)
    row = session.exec(select(MaskEntry).where(MaskEntry.mention == mention)).first()
    if row is not None and row.status == "confirmed":
        raise QcoderError(
            f"“{mention}”已确认屏蔽（替代为“{row.replacement}”）：不再屏蔽请用 qcoder mask remove",
            f"{mention!r} is confirmed (replaced by {row.replacement!r}): to stop masking it use qcoder mask remove",
        )
    before = snapshot(row)
    row = row or MaskEntry(mention=mention, replacement="", kind=kind, origin="suggested")
    row.status = "dismissed"
    _flushed(session, row)
    record(
        session, coder_named(session, coder), "update" if before else "create", "mask", row.id, before, snapshot(row)
    )
    return row


def remove(session: Session, mention: str, coder: str | None) -> None:
    mention = _normal(mention)
    row = session.exec(select(MaskEntry).where(MaskEntry.mention == mention)).first()
    if row is None:
        derived = _derived_from(session, mention)
        if derived:
            raise QcoderError(
                f"“{mention}”不在列表中：它由受访者 {derived} 的姓名而来；不再屏蔽请用 qcoder mask dismiss",
                f"{mention!r} is not listed: it comes from interviewee {derived}'s name; to stop masking it use "
                "qcoder mask dismiss",
            )
        raise QcoderError(f"屏蔽列表中没有“{mention}”", f"{mention!r} is not on the mask list")
    record(session, coder_named(session, coder), "delete", "mask", row.id, before=snapshot(row))
    session.delete(row)


def suggestions(session: Session) -> list[dict[str, Any]]:
    """Candidates from every source's text, with counts and contexts, leaving out whatever is decided."""
    from coder.masking.candidates import candidates

    rows = session.exec(select(MaskEntry)).all()
    names = [e for e in participant_entries(session) if e.anywhere]  # a surname form may still be proposed
    decided = {row.mention for row in rows} | {e.text for e in names}
    # Contexts are shown and printed: the names already decided are masked in them, the candidate is not.
    context = Masker([*names, *(Entry(r.mention, r.replacement, r.kind) for r in rows if r.status == "confirmed")])
    texts = [(s.id, s.text) for s in session.exec(select(Source).order_by(Source.id)).all()]
    return [
        {"mention": c.text, "kind": c.kind, "replacement": c.replacement, "count": c.count,
         "sources": sorted(c.sources), "contexts": c.contexts}
        for c in candidates(texts, decided, context.mask_span)
        if not any(name.text in c.text for name in names)  # 陈建国村: masked as CJG村 already, and it shows a name
    ]  # fmt: skip


def _not_an_interviewee(session: Session, mention: str) -> None:
    """An interviewee's name is masked already, by their initials: a second entry would print a real name in
    the list and could give them a second replacement."""
    if person := session.exec(select(Participant).where(Participant.name == mention)).first():
        raise QcoderError(
            f"这是受访者 {person.initials} 的姓名，已以 {person.initials} 屏蔽",
            f"this is interviewee {person.initials}'s name, masked as {person.initials} already",
        )


def _derived_from(session: Session, mention: str) -> str | None:
    """The initials of the interviewee whose surname form ``mention`` is, if it is one."""
    for person in _named(session):
        if any(e.text == mention for e in participant_entries_of(person)):
            return person.initials
    return None


def _flushed(session: Session, row: MaskEntry) -> None:
    """Write ``row`` now: another session adding the same mention at this moment is a message, not a crash
    (the mention is unique), and nothing is written."""
    session.add(row)
    try:
        session.flush()
    except IntegrityError:
        raise QcoderError(
            f"“{row.mention}”刚被另一会话加入屏蔽列表，本次未作更改：请刷新后再试",
            f"{row.mention!r} was just added to the mask list by another session; nothing changed: reload and "
            "try again",
        ) from None


def _normal(mention: str) -> str:
    """One form per mention, the one qcoder stores texts in (Unicode NFC, coder.sources.textfile): a name
    typed or pasted in decomposed form would otherwise never match the text it names."""
    return unicodedata.normalize("NFC", mention).strip()


def _checked(mention: str, kind: str) -> str:
    mention = _normal(mention)
    if kind not in KINDS:
        raise QcoderError(f"类型 {kind} 无效，应为 {'、'.join(KINDS)}", f"kind {kind} is not one of {', '.join(KINDS)}")
    if not 2 <= len(mention) <= MAX_MENTION:
        raise QcoderError(
            f"屏蔽对象“{mention}”应为 2–{MAX_MENTION} 个字符",
            f"a mention must be 2–{MAX_MENTION} characters: {mention!r}",
        )
    return mention
