"""Is each finding corroborated across interviews, policy texts and media reports?

Evidence is what a person accepted or coded: suggestions are not evidence. For every code, every
dimension and every claim the check counts evidence by kind of source and decides a status:

``corroborated``  independent evidence from at least ``min_kinds`` kinds (default 2) and no conflict;
``partial``       corroborated in part: more than one kind, but fewer than ``min_kinds`` (27 interview
                  passages and 3 media reports, with all three kinds asked for);
``single-source`` one kind of source only (flag ``single_informant`` when every interview quote comes
                  from one person);
``contested``     its evidence states one fact with different values in different sources
                  (see :mod:`coder.evidence.facts`);
``no-evidence``   nothing accepted or coded yet.

Independence: interviews count once per person (two talks with 张伟 are one informant), and a source
whose metadata says ``derived_from: <ID>`` (a press report retelling a policy text) counts as part of
that source — its kind and its document — not as a kind of its own.

Counts are passages (one span coded by two coders counts once); the warnings add the record-ID checks
of :mod:`coder.sources.record_checks`. The result is plain data (see :func:`check`);
:mod:`coder.evidence.report` renders it.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

from sqlalchemy import true
from sqlmodel import Session, select

from coder import rounds
from coder.citation import cite
from coder.db.models import EVIDENCE, SOURCE_KINDS, Code, Coder, Coding, Participant, Source
from coder.evidence import claims as claim_store
from coder.evidence import facts
from coder.sources import ids
from coder.sources.record_checks import fieldwork, record_id_warnings, warning

STATUSES = ("corroborated", "partial", "single-source", "contested", "no-evidence")
READABLE = (15, 150)  # quote lengths (characters) that read well in a table cell


@dataclass
class Evidence:
    """One accepted or manual coding, placed in its line of evidence."""

    coding: int
    code: str
    source: str
    kind: str  # the kind it counts as (a derived source counts as its origin's kind)
    line: str  # what counts once: a person for interviews, a document (its origin, if derived) otherwise
    start: int
    end: int
    score: float
    person: int | None = None
    organization: str | None = None
    role: str | None = None
    derived_from: str | None = None
    agreeing: int = 1  # coders who coded this code on an overlapping span


@dataclass
class Corpus:
    """Everything the check reads, loaded once."""

    evidence: list[Evidence]
    sources: dict[str, Source]
    codes: dict[str, Code]
    children: dict[str, list[str]]
    facts: list[facts.Fact]
    warnings: list[dict[str, str]] = field(default_factory=list)


def check(session: Session, min_kinds: int = 2, viewer: str | None = None) -> dict[str, Any]:
    """The whole check as JSON-ready data: ``{"rules", "codes", "claims", "facts", "warnings"}``, on the
    evidence ``viewer`` may see (see coder.rounds)."""
    corpus = load(session, viewer)
    by_code = defaultdict(list)
    for item in corpus.evidence:
        by_code[item.code].append(item)
    rows = []
    for code in sorted(corpus.codes.values(), key=lambda c: (c.dimension, c.parent_id is not None, c.position)):
        members = [e for c in _subtree(corpus.children, code.id) for e in by_code.get(c, [])]
        level = "dimension" if code.parent_id is None else "code"
        rows.append({"code": code.id, "name": code.name, "level": level, "dimension": code.dimension,
                     **assess(corpus, members, min_kinds)})  # fmt: skip
    claim_rows = []
    for claim in claim_store.list_claims(session):
        coded = {c for code in claim["codes"] for c in _subtree(corpus.children, code)}
        linked = set(claim["codings"])
        members = [e for e in corpus.evidence if e.code in coded or e.coding in linked]
        claim_rows.append({**claim, **assess(corpus, _unique(members), min_kinds)})
        if not claim["codes"] and not claim["codings"]:
            corpus.warnings.append(warning("claim-unlinked", f"claim:{claim['id']}",
                f"论断 {claim['id']} 关联的编码已从编码簿中删除，现在没有任何证据链接",
                f"claim {claim['id']} lost its links when its codes were removed from the codebook"))  # fmt: skip
    return {
        "rules": rules(session, min_kinds),
        "codes": rows,
        "claims": claim_rows,
        "facts": [_fact_json(n, fact) for n, fact in enumerate(corpus.facts, 1)],
        "warnings": corpus.warnings + record_id_warnings(session, fieldwork(session)),
    }


def rules(session: Session, min_kinds: int) -> dict[str, Any]:
    """The rules a report states in its methods paragraph."""
    start, end = fieldwork(session)
    return {
        "min_kinds": min_kinds,
        "statuses": list(STATUSES),
        "evidence_statuses": list(EVIDENCE),
        "same_fact": facts.SAME_FACT,
        "same_quantity": facts.SAME_QUANTITY,
        "fieldwork": {"start": start.isoformat(), "end": end.isoformat()} if start and end else None,
    }


def load(session: Session, viewer: str | None = None) -> Corpus:
    """Evidence codings with their sources and people, and the facts stated in them."""
    codes = {c.id: c for c in session.exec(select(Code)).all()}
    children: dict[str, list[str]] = defaultdict(list)
    for code in codes.values():
        if code.parent_id:
            children[code.parent_id].append(code.id)
    rows = session.exec(
        select(Coding, Coder.name)
        .join(Coder, Coder.id == Coding.coder_id)
        .where(Coding.status.in_(EVIDENCE), _or_everything(rounds.visible(session, viewer)))
        .order_by(Coding.source_id, Coding.start, Coding.id)
    ).all()
    wanted = {coding.source_id for coding, _ in rows}
    sources = {s.id: s for s in session.exec(select(Source).where(Source.id.in_(wanted))).all()} if wanted else {}
    people = {p.id: p for p in session.exec(select(Participant)).all()}
    warnings: list[dict[str, str]] = []
    origins = _origins(session, sources, warnings)
    evidence = []
    for coding, _coder in rows:
        source = sources[coding.source_id]
        origin_kind, origin = origins.get(source.id, (source.kind, source.id))
        person = people.get(source.participant_id) if source.participant_id else None
        evidence.append(
            Evidence(
                coding=coding.id,
                code=coding.code_id,
                source=source.id,
                kind=origin_kind,
                line=f"person:{person.id}" if person else f"document:{origin}",
                start=coding.start,
                end=coding.end,
                score=coding.score or 0.0,
                person=person.id if person else None,
                organization=(person.organization if person else None) or source.meta.get("organization"),
                role=(person.role if person else None) or source.meta.get("role"),
                derived_from=origin if origin != source.id else None,
            )
        )
    count_agreement(evidence, [coding for coding, _ in rows])
    return Corpus(evidence, sources, codes, children, _facts(evidence, sources), warnings)


def _or_everything(condition):
    return true() if condition is None else condition


def _origins(session: Session, sources: dict[str, Source], warnings: list[dict[str, str]]) -> dict[str, tuple]:
    """For each derived source: the (kind, ID) of the source it ultimately retells."""
    meta = dict(session.exec(select(Source.id, Source.meta)).all())
    kinds = dict(session.exec(select(Source.id, Source.kind)).all())
    origins = {}
    for source_id in sources:
        seen, current = [source_id], source_id
        while (parent := str(meta.get(current, {}).get("derived_from") or "").strip()) and parent in kinds:
            if parent in seen:  # A retells B retells A: no origin to count with; each counts as itself
                warnings.append(warning("derived-cycle", source_id,
                    f"derived_from 形成循环：{' → '.join([*seen, parent])}；各来源按自身类型计",
                    f"derived_from goes round in a circle: {' → '.join([*seen, parent])}; each counts as itself"))  # fmt: skip
                current = source_id
                break
            seen.append(parent)
            current = parent
        else:
            current = parent or current
        if current == source_id:
            continue
        kind = kinds.get(current) or _kind_from_id(current)
        if current not in kinds:
            warnings.append(warning(
                "derived-unknown", source_id,
                f"{source_id} 的 derived_from 指向未导入的来源 {current}；按 {kind or '原类型'} 计",
                f"{source_id} is derived_from {current}, which is not imported; counted as {kind or 'its own kind'}",
            ))  # fmt: skip
        origins[source_id] = (kind or sources[source_id].kind, current)
    return origins


def _kind_from_id(record_id: str) -> str | None:
    try:
        return ids.parse(record_id).kind
    except ids.IdError:
        return None


def count_agreement(evidence: list[Evidence], codings: Iterable[Coding]) -> None:
    """How many coders coded the same code on an overlapping span: the best-attested quotes come first.

    Each coder's spans of one code in one source are sorted by start, with the running furthest end: the
    spans starting before an item's end are a prefix (one binary search), and the coder agrees when the
    furthest of them reaches past the item's start. The cost grows with codings × coders of one place
    (and a log), never with pairs of codings — one cell can hold thousands of them."""
    spans: dict[tuple[str, str], dict[int, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
    for coding in codings:
        spans[(coding.source_id, coding.code_id)][coding.coder_id].append((coding.start, coding.end))
    reach: dict[tuple[str, str], list[tuple[list[int], list[int]]]] = {}
    for place, by_coder in spans.items():
        reach[place] = []
        for found in by_coder.values():
            found.sort()
            reach[place].append(([start for start, _ in found], list(accumulate((end for _, end in found), max))))
    for item in evidence:
        item.agreeing = sum(
            1
            for starts, ends in reach.get((item.source, item.code), ())
            if (before := bisect_left(starts, item.end)) and ends[before - 1] > item.start
        )


def _facts(evidence: list[Evidence], sources: dict[str, Source]) -> list[facts.Fact]:
    """Figures in the evidence, each place once, with the codes and codings that quote it."""
    if not evidence:
        return []
    by_span: dict[tuple[str, int, int], list[Evidence]] = defaultdict(list)
    for item in evidence:
        by_span[(item.source, item.start, item.end)].append(item)
    found: dict[str, dict[int, facts.Statement]] = defaultdict(dict)  # source → figure start → statement
    for (source_id, start, end), items in by_span.items():
        source, known = sources[source_id], found[source_id]
        for statement in facts.statements_in(source.text, (start, end), source_id, source.kind, source.date, known):
            kept = known.setdefault(statement.figure.start, statement)
            kept.codes.update(item.code for item in items)
            kept.codings.update(item.coding for item in items)
    statements = [statement for known in found.values() for statement in known.values()]
    return [fact for fact in facts.group(statements) if fact.status != "single"]


def assess(corpus: Corpus, evidence: list[Evidence], min_kinds: int) -> dict[str, Any]:
    """Counts, status, flags, conflicts and the strongest quote per kind for one body of evidence."""
    passages: dict[str, set[tuple[str, int, int]]] = {kind: set() for kind in SOURCE_KINDS}
    lines: dict[str, set[str]] = {kind: set() for kind in SOURCE_KINDS}
    documents: dict[str, set[str]] = {kind: set() for kind in SOURCE_KINDS}
    for item in evidence:
        passages[item.kind].add((item.source, item.start, item.end))  # two coders, one passage: counted once
        lines[item.kind].add(item.line)
        documents[item.kind].add(item.source)
    interviews = [e for e in evidence if e.person is not None]
    persons = {e.person for e in interviews}
    kinds = [kind for kind in SOURCE_KINDS if lines[kind]]
    codings = {e.coding for e in evidence}
    conflicts = [n for n, fact in enumerate(corpus.facts, 1) if _conflicting(fact, codings)]
    elsewhere = [
        n for n, fact in enumerate(corpus.facts, 1)
        if n not in conflicts and fact.status == "conflict" and any(s.codings & codings for s in fact.statements)
    ]  # fmt: skip
    originals = {e.source if e.person is not None else e.line for e in evidence}  # a retelling is its origin
    flags = []
    if len(persons) == 1:
        flags.append("single_informant")
    if any(e.derived_from for e in evidence):
        flags.append("derived_counted_with_origin")
    if elsewhere:
        flags.append("fact_disputed_elsewhere")
    if not evidence:
        status = "no-evidence"
    elif conflicts:
        status = "contested"
    elif len(kinds) >= min_kinds:
        status = "corroborated"
    elif len(kinds) > 1:
        status = "partial"
    else:
        status = "single-source"
    return {
        "status": status,
        "flags": flags,
        "counts": {kind: len(passages[kind]) for kind in SOURCE_KINDS},
        "independent": {kind: len(lines[kind]) for kind in SOURCE_KINDS},
        "kinds": kinds,
        "interviewees": len(persons),
        "organizations": len({e.organization for e in interviews if e.organization}),
        "roles": len({e.role for e in interviews if e.role}),
        "documents": len(originals),
        "sources": {kind: sorted(documents[kind]) for kind in SOURCE_KINDS},
        "conflicts": conflicts,
        "strongest": {kind: _quote(corpus, best) for kind in kinds if (best := _strongest(evidence, kind))},
    }


def _conflicting(fact: facts.Fact, codings: set[int]) -> bool:
    """Does this body of evidence itself state the fact with different values in different sources?"""
    inside = [s for s in fact.statements if s.codings & codings]
    values = defaultdict(set)
    for s in inside:
        values[s.figure.value].add(s.source)
    return len(values) > 1 and len(set().union(*values.values())) > 1


def _strongest(evidence: Iterable[Evidence], kind: str) -> Evidence | None:
    """The quote to show for a kind (see :func:`strength`)."""
    return max((e for e in evidence if e.kind == kind), key=strength, default=None)


def strength(e: Evidence) -> tuple:
    """How well a quote shows its evidence: most coders agreeing, then the tagger's score, then readable
    length (the analysis displays pick their strongest quote by it too)."""
    low, high = READABLE
    length = e.end - e.start
    return (e.agreeing, low <= length <= high, e.score, -abs(length - high / 2), -e.coding)


def _quote(corpus: Corpus, item: Evidence) -> dict[str, Any]:
    source = corpus.sources[item.source]
    return {
        "coding": item.coding,
        "code": item.code,
        "source": source.id,
        "kind": source.kind,
        "start": item.start,
        "end": item.end,
        "text": source.text[item.start : item.end],
        "citation": cite(source.id, source.kind, source.title, source.date, source.meta),
    }


def _fact_json(number: int, fact: facts.Fact) -> dict[str, Any]:
    return {
        "id": number,
        "measure": fact.measure,
        "status": fact.status,
        "values": fact.values,
        "statements": [
            {
                "source": s.source,
                "kind": s.kind,
                "value": s.figure.value,
                "figure": s.figure.text,
                "start": s.figure.start,
                "end": s.figure.end,
                "quote": s.quote,
                "terms": list(dict.fromkeys(s.words)),  # what the figure is about, as compared
                "quantity": s.measured.quantity,  # what it measures, and on what (see coder.evidence.quantities)
                "subject": list(s.measured.subject),
                "codes": sorted(s.codes),
                "codings": sorted(s.codings),
            }
            for s in sorted(fact.statements, key=lambda s: (s.figure.value, s.source))
        ],
    }


def _subtree(children: dict[str, list[str]], code: str) -> list[str]:
    found, stack = [], [code]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(children.get(current, []))
    return found


def _unique(evidence: list[Evidence]) -> list[Evidence]:
    return list({e.coding: e for e in evidence}.values())
