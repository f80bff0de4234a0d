"""The whole-text search of the Retrieve page: hits in the sources' text, each coded or uncoded.

**What a hit is.** With a search text: a stored sentence (Segment, kind ``sentence``) holding one or more
places where the text is found (see coder.search.matching) — a substring crossing a sentence end makes
one hit of the sentences it spans; a place outside every sentence (a speaker label such as ``MJQ：``) is
no hit. Without a search text nothing is found: the hits are the coded passages the filters keep (one per
coded span, with all its codings), or, asked for uncoded hits, the sentences no such coding touches.

**Coded or uncoded.** The query's filters on codings (codes with their sub-codes, dimension, coders,
statuses — evidence by default) decide which codings count; a hit is coded when a counted coding overlaps
one of its places (without a search text: its passage), and lists those codings with the memos on them.
``coded`` keeps both, only the coded or only the uncoded. Filters on sources (kinds, roles) narrow where
is searched. Codings and memos are the ones ``viewer`` may see (coder.rounds, coder.memos); the sources'
text is everyone's to read.

**Interviewer lines.** Sentences of an interviewer's turn (``访谈者：`` ``问：`` …, the speakers the tagger
never suggests for, coder.tagger.INTERVIEWER) are searched and marked ``question``; ``questions=False``
leaves them out.

**Context.** Up to ``query.context`` characters on each side, from the start of a whole sentence before
and to the end of one after where one starts (ends) that close, else cut there.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, select

from coder import known, memos
from coder.db.models import CODING_STATUSES, SOURCE_KINDS, Participant, Segment, Source
from coder.errors import QcoderError
from coder.retrieval import Query, coding_rows
from coder.search.matching import MATCHES, Matcher
from coder.tagger import INTERVIEWER

CODED = ("both", "coded", "uncoded")


@dataclass
class _Sentences:
    """One source's sentences, in text order (they never overlap)."""

    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    speakers: list[str | None] = field(default_factory=list)

    def covering(self, start: int, end: int) -> tuple[int, int] | None:
        """Indexes [lo, hi) of the sentences overlapping ``[start, end)``, or None."""
        lo, hi = bisect.bisect_right(self.ends, start), bisect.bisect_left(self.starts, max(end, start + 1))
        return (lo, hi) if lo < hi else None

    def at(self, offset: int) -> int | None:
        i = bisect.bisect_right(self.starts, offset) - 1
        return i if i >= 0 and offset < self.ends[i] else None


def search(session: Session, query: Query, viewer: str | None = None) -> dict[str, Any]:
    """``{"hits": [...], "coded": n, "uncoded": n, "words": [...], "match": ...}``: every hit by source date,
    source and position. A hit: source, kind, date, role, speaker, question, start, end (its passage),
    text, marks ([[start, end]] where the text was found), before, after, context ([start, end] of passage
    and context), coded, codings ([{id, code, code_name, dimension, status, coder, start, end}]) and memos
    (on those codings, as coder.memos lists them)."""
    _check(session, query)
    matcher = Matcher(query.text, query.match, _tokenizer(session, query))
    if query.text.strip() and not matcher:  # only punctuation or spaces: no word to look for
        return {"hits": [], "coded": 0, "uncoded": 0, "words": [], "match": query.match}
    sources = _sources(session, query)
    if matcher:
        wanted = {sid for sid, source in sources.items() if matcher.may_contain(source.text)}
        rows = coding_rows(session, query, viewer, wanted) if wanted else []
    else:
        rows = coding_rows(session, query, viewer)
        wanted = set(sources) if query.coded == "uncoded" else {row.source_id for row in rows} & set(sources)
    counted: dict[str, _Codings] = defaultdict(_Codings)
    for row in rows:
        if row.source_id in wanted:
            counted[row.source_id].add({
                "id": row.id, "code": row.code_id, "code_name": row.code_name, "dimension": row.dimension,
                "status": row.status, "coder": row.coder, "start": row.start, "end": row.end,
            })  # fmt: skip
    sentences = _sentences(session, wanted)
    hits = []
    for source_id in sorted(wanted, key=lambda s: (sources[s].date is None, sources[s].date, s)):
        source, lines, codings = sources[source_id], sentences.get(source_id, _Sentences()), counted[source_id]
        codings.ready()
        if matcher:
            found = _found(source.text, lines, matcher)
        elif query.coded == "uncoded":
            found = [((s, e), []) for s, e in zip(lines.starts, lines.ends, strict=True)]
        else:
            found = [(span, []) for span in dict.fromkeys((c["start"], c["end"]) for c in codings.all)]
        for (start, end), marks in found:
            touching = codings.touching(marks or [[start, end]])
            if (query.coded == "coded" and not touching) or (query.coded == "uncoded" and touching):
                continue
            hit = _hit(source_id, source, lines, start, end, marks, touching, query.context)
            if query.questions or not hit["question"]:
                hits.append(hit)
    _add_memos(session, hits, viewer)
    coded = sum(hit["coded"] for hit in hits)
    return {"hits": hits, "coded": coded, "uncoded": len(hits) - coded, "words": matcher.words, "match": query.match}


def _check(session: Session, query: Query) -> None:
    """Unknown codes, dimensions, statuses, kinds and options are refused by name, never silently ignored."""
    known.codes(session, query.codes, [query.dimension] if query.dimension else [])
    chosen = [("匹配方式 / match", [query.match], MATCHES), ("编码情况 / coded", [query.coded], CODED),
              ("状态 / status", query.statuses, CODING_STATUSES), ("来源类型 / kind", query.kinds, SOURCE_KINDS)]  # fmt: skip
    for what, values, allowed in chosen:
        if unknown := [value for value in values if value not in allowed]:
            zh, en = what.split(" / ")
            raise QcoderError(
                f"未知的{zh}：{'、'.join(unknown)}（可用：{'、'.join(allowed)}）",
                f"unknown {en}: {', '.join(unknown)} (use {', '.join(allowed)})",
            )


def _tokenizer(session: Session, query: Query) -> Any:
    if query.match != "words" or not query.text.strip():
        return None
    from coder.tagging import tagger_for  # jieba: loaded only for a search by words

    return tagger_for(session).words


@dataclass(frozen=True)
class _Source:
    kind: str
    date: Any
    role: str | None
    text: str


def _sources(session: Session, query: Query) -> dict[str, _Source]:
    """The sources the query's kinds and roles keep, with their text."""
    statement = select(Source.id, Source.kind, Source.date, Participant.role, Source.text).outerjoin(
        Participant, Participant.id == Source.participant_id
    )
    if query.kinds:
        statement = statement.where(Source.kind.in_(query.kinds))
    if query.roles:
        statement = statement.where(Participant.role.in_(query.roles))
    return {sid: _Source(kind, date, role, text) for sid, kind, date, role, text in session.exec(statement).all()}


def _sentences(session: Session, source_ids: set[str]) -> dict[str, _Sentences]:
    found: dict[str, _Sentences] = defaultdict(_Sentences)
    if not source_ids:
        return found
    rows = session.exec(
        select(Segment.source_id, Segment.start, Segment.end, Segment.speaker)
        .where(Segment.kind == "sentence", Segment.source_id.in_(source_ids))
        .order_by(Segment.source_id, Segment.start)
    ).all()
    for source_id, start, end, speaker in rows:
        lines = found[source_id]
        lines.starts.append(start)
        lines.ends.append(end)
        lines.speakers.append(speaker)
    return found


Found = list[tuple[tuple[int, int], list[list[int]]]]  # [((passage start, end), [[mark start, end], ...])]


def _found(text: str, lines: _Sentences, matcher: Matcher) -> Found:
    """The sentences (or runs of sentences) holding the search text, with where it is in them."""
    if matcher.match == "words":
        places = [
            (start + a, start + b)
            for start, end in zip(lines.starts, lines.ends, strict=True)
            if matcher.may_contain(piece := text[start:end])
            for a, b in matcher.find(piece)
        ]
    else:
        places = matcher.find(text)
    found: Found = []
    for start, end in places:
        span = lines.covering(start, end)
        if span is None:
            continue  # in a speaker label or between sentences
        unit = (lines.starts[span[0]], lines.ends[span[1] - 1])
        if found and found[-1][0][1] > unit[0]:  # the same sentence as the place before (or overlapping it)
            (first, last), marks = found[-1]
            found[-1] = ((first, max(last, unit[1])), [*marks, [start, end]])
        else:
            found.append((unit, [[start, end]]))
    return found


@dataclass
class _Codings:
    """One source's counted codings, sorted by span once they are all in (:meth:`ready`)."""

    all: list[dict[str, Any]] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    longest: int = 0

    def add(self, coding: dict[str, Any]) -> None:
        self.all.append(coding)

    def ready(self) -> None:
        self.all.sort(key=lambda c: (c["start"], c["end"], c["id"]))
        self.starts = [c["start"] for c in self.all]
        self.longest = max((c["end"] - c["start"] for c in self.all), default=0)

    def touching(self, marks: list[list[int]]) -> list[dict[str, Any]]:
        """The codings that overlap one of ``marks``, in order, each once (only those starting less than the
        longest coding's length before a mark can reach it)."""
        found: dict[int, dict[str, Any]] = {}
        for start, end in marks:
            first = bisect.bisect_right(self.starts, start - self.longest)
            for coding in self.all[first : bisect.bisect_left(self.starts, max(end, start + 1))]:
                if coding["end"] > start:
                    found.setdefault(coding["id"], coding)
        return sorted(found.values(), key=lambda c: (c["start"], c["end"], c["id"]))


def _hit(source_id: str, source: _Source, lines: _Sentences, start: int, end: int, marks: list[list[int]],
         codings: list[dict[str, Any]], context: int) -> dict[str, Any]:  # fmt: skip
    text = source.text
    first = lines.at(start)
    speaker = lines.speakers[first] if first is not None else None
    before, after = _context_start(lines, start, context), _context_end(lines, end, len(text), context)
    return {
        "source": source_id, "kind": source.kind, "date": source.date.isoformat() if source.date else None,
        "role": source.role, "speaker": speaker, "question": bool(speaker and INTERVIEWER.match(speaker)),
        "start": start, "end": end, "text": text[start:end], "marks": marks,
        "before": text[before:start], "after": text[end:after], "context": [before, after],
        "coded": bool(codings), "codings": codings, "memos": [],
    }  # fmt: skip


def _context_start(lines: _Sentences, start: int, limit: int) -> int:
    """Where the context before ``start`` begins: the first sentence start within ``limit`` characters."""
    i = bisect.bisect_left(lines.starts, start - limit)
    return lines.starts[i] if i < len(lines.starts) and lines.starts[i] < start else max(0, start - limit)


def _context_end(lines: _Sentences, end: int, length: int, limit: int) -> int:
    """Where the context after ``end`` stops: the last sentence end within ``limit`` characters."""
    i = bisect.bisect_right(lines.ends, end + limit) - 1
    return lines.ends[i] if i >= 0 and lines.ends[i] > end else min(length, end + limit)


def _add_memos(session: Session, hits: list[dict[str, Any]], viewer: str | None) -> None:
    """The memos on each hit's codings, oldest first, as ``viewer`` may see them."""
    wanted = {c["id"] for hit in hits for c in hit["codings"]}
    if not wanted:
        return
    on = memos.on_codings(session, wanted, viewer)
    for hit in hits:
        hit["memos"] = [memo for c in hit["codings"] for memo in on.get(c["id"], [])]
