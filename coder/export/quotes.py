"""Coded quotes for a paper: selected, grouped by dimension → code, ordered by source date and position,
shortened where long, and cited the way the field cites them: “……”（访谈记录：20240115MJQ）.

Only evidence by default (accepted and manual codings). Participants are chosen by the record ID of any of
their interviews, so a selection never needs a name; names never appear in a row.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, select
from sqlmodel.sql.expression import Select

from coder import known, memos, rounds
from coder.citation import Style, cite
from coder.db.models import (
    CODING_STATUSES,
    EVIDENCE,
    SOURCE_KINDS,
    Code,
    Coder,
    Coding,
    Memo,
    Participant,
    Segment,
    Source,
)
from coder.defaults import MAX_CHARS
from coder.errors import QcoderError
from coder.masking.apply import Masker
from coder.retrieval import with_descendants

SENTENCE_ENDS = "。！？!?…；;"
CLAUSE_ENDS = "，,、：:"


@dataclass
class Selection:
    codes: list[str] = field(default_factory=list)
    subcodes: bool = True  # a code stands for itself and every code below it
    dimensions: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=lambda: list(EVIDENCE))
    kinds: list[str] = field(default_factory=list)
    participants: list[str] = field(default_factory=list)  # record IDs of interviews with these people
    max_chars: int = MAX_CHARS
    context: int = 0  # whole sentences shown before and after each quote


def select_quotes(
    session: Session,
    selection: Selection,
    words: Callable[[str], list[str]],
    style: Style | None = None,
    triangulation: dict[str, str] | None = None,
    viewer: str | None = None,
    masker: Masker | None = None,
) -> list[dict[str, Any]]:
    """One row per coding: its code and dimension, its source's metadata (no names), the quote shortened
    by ``words``' boundaries, its citation, and the triangulation status of its code when given. Only
    what ``viewer`` may see (see coder.rounds). With a ``masker``, every text a reader sees is masked (the
    quote read in its source, so a name its edge cuts is hidden whole); offsets stay the stored text's."""
    hide = masker.mask if masker else same
    codes = {c.id: c for c in session.exec(select(Code)).all()}
    statement = (
        select(Coding, Coder.name, Source, Participant)
        .join(Coder, Coder.id == Coding.coder_id)
        .join(Source, Source.id == Coding.source_id)
        .outerjoin(Participant, Participant.id == Source.participant_id)
    )
    statement = restrict(session, statement, selection, codes, viewer)
    rows = session.exec(statement).all()
    on_codings = _memos(session, [coding.id for coding, *_ in rows], viewer)
    # The researcher's notes on the quoted sources and codes travel with the quotes (as ``viewer`` sees them).
    notes = memos.memo_texts(session, {c.source_id for c, *_ in rows}, {c.code_id for c, *_ in rows}, viewer)
    sentences = _sentences(session, {source.id for _, _, source, _ in rows}) if selection.context else {}
    found = []
    for coding, coder, source, person in rows:
        code = codes[coding.code_id]
        quote = (
            masker.mask_span(source.text, coding.start, coding.end)
            if masker
            else source.text[coding.start : coding.end]
        )
        before, after = map(
            hide, _context(source.text, sentences.get(source.id, []), coding.start, coding.end, selection.context)
        )
        found.append(
            {
                **code_fields(codes, code, hide),
                **source_fields(source, person, hide, style),
                "quote": trim(quote, selection.max_chars, words),
                "full_quote": quote,
                "before": before,
                "after": after,
                "start": coding.start,
                "end": coding.end,
                "status": coding.status,
                "coder": coder,
                "memo": hide("\n".join(on_codings.get(coding.id, []))),
                "source_memo": hide("\n".join(notes["source"].get(source.id, []))),
                "code_memo": hide("\n".join(notes["code"].get(code.id, []))),
                "triangulation": (triangulation or {}).get(code.id),
                "_order": (position(codes, code.dimension), position(codes, code.id), source.date is None,
                           source.date, source.id, coding.start, coding.end),
            }
        )  # fmt: skip
    found.sort(key=lambda row: row.pop("_order"))
    return found


def code_fields(codes: dict[str, Code], code: Code, hide: Callable[[str], str]) -> dict[str, Any]:
    """A quote row's code and dimension, named as a reader sees them: an in-vivo code is named by what was
    said (马书记说了算), so its names are masked as quotes are."""
    dimension = codes.get(code.dimension)
    return {
        "dimension": code.dimension,
        "dimension_name": hide(dimension.name) if dimension else code.dimension,
        "code": code.id,
        "code_name": hide(code.name),
        "dimension_name_en": _hidden(hide, dimension.name_en) if dimension else None,
        "code_name_en": _hidden(hide, code.name_en),
    }


def source_fields(
    source: Source, person: Participant | None, hide: Callable[[str], str], style: Style | None
) -> dict[str, Any]:
    """A quote row's source: its ID, kind, date, title and citation, and the metadata a paper's table of
    sources prints (never a name), masked as quotes are."""
    return {
        "source": source.id,
        "kind": source.kind,
        "date": source.date.isoformat() if source.date else None,
        "title": hide(source.title) if source.title else source.title,
        "citation": hide(cite(source.id, source.kind, source.title, source.date, source.meta, style)),
        "role": _hidden(hide, (person.role if person else None) or source.meta.get("role")),
        "organization": _hidden(hide, (person.organization if person else None) or source.meta.get("organization")),
        **{key: _hidden(hide, source.meta.get(key)) for key in SOURCE_META},
    }


SOURCE_META = ("interviewer", "place", "issuer", "doc_number", "outlet")  # metadata a quote row carries


def same(text: str) -> str:
    """No masking: what ``hide`` is when an output keeps the names."""
    return text


def _hidden(hide: Callable[[str], str], value: Any) -> Any:
    """A metadata value masked when it is text (a front matter value may be a number or a list)."""
    return hide(value) if isinstance(value, str) else value


def restrict(session: Session, statement: Select, selection: Selection, codes: dict[str, Code],
             viewer: str | None = None) -> Select:  # fmt: skip
    """``statement`` (codings joined with their sources) kept to ``selection`` and to what ``viewer`` may see
    (see coder.rounds). Unknown codes, dimensions, statuses, kinds or interview IDs are refused by name."""
    participants = _check(session, selection, codes)
    statement = statement.where(Coding.status.in_(selection.statuses))
    if (blind := rounds.visible(session, viewer)) is not None:
        statement = statement.where(blind)
    if selection.codes:
        wanted = with_descendants(session, selection.codes) if selection.subcodes else set(selection.codes)
        statement = statement.where(Coding.code_id.in_(wanted))
    if selection.dimensions:
        statement = statement.where(
            Coding.code_id.in_([c for c, code in codes.items() if code.dimension in selection.dimensions])
        )
    if selection.kinds:
        statement = statement.where(Source.kind.in_(selection.kinds))
    if participants:
        people = session.exec(select(Source.participant_id).where(Source.id.in_(participants))).all()
        statement = statement.where(Source.participant_id.in_(people))
    return statement


def _check(session: Session, selection: Selection, codes: dict[str, Code]) -> list[str]:
    """Unknown codes, dimensions, statuses, kinds or interview IDs are named, never silently ignored; the
    participants' interview IDs come back as stored (full-width ones typed with an IME are found)."""
    known.check_codes(codes, selection.codes, selection.dimensions)
    problems = [
        ("状态 / status", [s for s in selection.statuses if s not in CODING_STATUSES]),
        ("来源类型 / kind", [k for k in selection.kinds if k not in SOURCE_KINDS]),
    ]
    for what, unknown in problems:
        if unknown:
            zh, en = what.split(" / ")
            raise QcoderError(f"未知的{zh}：{'、'.join(unknown)}", f"unknown {en}: {', '.join(unknown)}")
    return known.check_interviews(session, selection.participants)


def position(codes: dict[str, Code], code_id: str) -> tuple[int, str]:
    """Where a code (or dimension) stands in the codebook: what quote files are ordered by."""
    code = codes.get(code_id)
    return (code.position if code else 0, code_id)


def _memos(session: Session, coding_ids: list[int], viewer: str | None = None) -> dict[int, list[str]]:
    """The memos on these codings that ``viewer`` may see (see coder.memos)."""
    found: dict[int, list[str]] = defaultdict(list)
    if coding_ids:
        statement = (
            select(Memo.coding_id, Memo.text)
            .outerjoin(Coding, Coding.id == Memo.coding_id)
            .where(Memo.coding_id.in_(coding_ids))
            .order_by(Memo.id)
        )
        if (condition := memos.visible(session, viewer)) is not None:
            statement = statement.where(condition)
        for coding_id, text in session.exec(statement).all():
            found[coding_id].append(text)
    return found


def _sentences(session: Session, source_ids: set[str]) -> dict[str, list[tuple[int, int]]]:
    found: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for source_id, start, end in session.exec(
        select(Segment.source_id, Segment.start, Segment.end)
        .where(Segment.source_id.in_(source_ids), Segment.kind == "sentence")
        .order_by(Segment.source_id, Segment.start)
    ).all():
        found[source_id].append((start, end))
    return found


def _context(text: str, sentences: list[tuple[int, int]], start: int, end: int, n: int) -> tuple[str, str]:
    """Up to ``n`` whole sentences before and after a quote (not the sentences it cuts into)."""
    if not n or not sentences:
        return "", ""
    starts = [s for s, _ in sentences]
    before = [s for s in sentences[: bisect.bisect_right(starts, start)] if s[1] <= start][-n:]
    after = sentences[bisect.bisect_left(starts, end) :][:n]
    return "".join(text[s:e] for s, e in before), "".join(text[s:e] for s, e in after)


def trim(quote: str, limit: int, words: Callable[[str], list[str]]) -> str:
    """A quote of at most ``limit`` characters (0: any length) ending at a sentence boundary and marked “……”;
    a first sentence longer than that ends at a clause boundary, else between two words — never mid-word."""
    quote = quote.strip()
    if not limit or len(quote) <= limit:
        return quote
    for ends in (SENTENCE_ENDS, CLAUSE_ENDS):
        cut = max(quote.rfind(mark, 0, limit) for mark in ends)
        if cut > 0:
            return quote[: cut + (1 if ends == SENTENCE_ENDS else 0)].rstrip() + "……"
    boundary = 0
    for word in words(quote[: limit + 20]):
        if boundary + len(word) > limit:
            break
        boundary += len(word)
    return quote[: boundary or limit].rstrip() + "……"
