"""The tagger against a project database: write suggestions, evaluate against gold codings.

``tag`` keeps one row per (source, code) in ``TagState`` with the fingerprint of the code's terms
that produced its suggestions there. A run re-tags exactly the pairs whose fingerprint is missing or
different — new sources, new or edited codes, term weights moved by decisions (coder.priors), a new
model for the combined suggester — so re-running is a no-op and a change re-tags only what it affects.
Only the tagger's own *suggested* rows are ever touched: one made again keeps its row and id with the
new score, one no longer made is removed; accepted, rejected and manual codings stay, and no suggestion is made again for a span and code that already has a
coding of any status (so a rejected suggestion never comes back).

In a source of an open agreement round each coder decides every suggestion on their own, and a decision
there is a coding of the reviewer's that leaves the suggestion to the others (see coder.review): people's
codings block nothing there, or one coder's decision would take the suggestion from the rest and tell
them what was decided. Each coder's own decisions keep it out of their view (see coder.rounds), and
closing the round settles it.

A source open in a browser (see coder.open_marks) is not re-tagged, ``force`` or not: its suggestions
stay as the reader sees them and it is reported as *deferred*. Its stale pairs stay stale, so the next
run does them; under ``force`` its fingerprints are dropped too, so the next run of any kind re-tags it
as the forced one would have. Only ``include_open`` (``qcoder tag --include-open``) re-tags open sources,
and the report names them. Every run that re-tagged or deferred something stores its report — per
source, what was added, re-scored and withdrawn — as an audit event (see coder.retag_report), which is
how the app tells a reader what a background re-tag did.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from sqlalchemy import bindparam, delete, insert, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from coder import evaluation, learned, open_marks, priors, retag_report, rounds, training
from coder.audit import TAGGER, coder_named, record
from coder.db.engine import retrying
from coder.db.models import Code, Coding, Segment, Setting, Source, TagState, utcnow
from coder.errors import QcoderError
from coder.sources.catalogue import sentences_of
from coder.sources.segments import Span
from coder.tagger import Suggestion, Tagger, is_evidence

_TAGGERS: dict[str, Tagger] = {}


Suggest = Callable[[str, list[Span]], list[Suggestion]]


def tagger_for(session: Session) -> Tagger:
    """The tagger of the database's codebook version, built once per process and version, with the
    codebook's own weights: for its words (see :func:`learning_tagger` for suggesting)."""
    version = session.get(Setting, "codebook_version")
    key = version.value if version else ""
    if key not in _TAGGERS:
        codes = session.exec(select(Code).where(Code.parent_id.is_not(None))).all()
        if len(_TAGGERS) >= 4:  # each tagger holds a jieba dictionary (~70 MB): keep a few
            _TAGGERS.pop(next(iter(_TAGGERS)))
        _TAGGERS[key] = Tagger(codes, version=key)
    return _TAGGERS[key]


def learning_tagger(session: Session, leave_out: Collection[str] = ()) -> Tagger:
    """The tagger that suggests: its term weights moved by the coders' decisions (see coder.priors),
    except decisions on the sources in ``leave_out`` (held-out gold must not teach its own test)."""
    return tagger_for(session).with_priors(priors.histories(session, leave_out))


def term_histories(session: Session) -> list[dict]:
    """Per code and term of the codebook with decisions on its suggestions: the history and the weight
    before (the codebook's) and after (the tagger's now); most decided first."""
    tagger = learning_tagger(session)
    return sorted(
        (
            {
                "code": code,
                "term": term,
                "accepted": history.accepted,
                "rejected": history.rejected,
                "base": round(tagger.base_weight(term), 4),
                "weight": round(tagger.weight(code, term), 4),
            }
            for (code, term), history in tagger.priors.items()
            if code in tagger.include.get(term, ())
        ),
        key=lambda row: (-row["accepted"] - row["rejected"], row["code"], row["term"]),
    )


def suggester_for(engine: Engine, session: Session, tagger: Tagger) -> tuple[Suggest, str]:
    """What ``qcoder tag`` suggests with — the keyword tagger, or it and the trained model together
    when the project chose ``combined`` and has trained one — and a name for it that goes into the
    fingerprints, so a new model re-tags. A model the project names but this machine cannot find is
    refused, not replaced by the keywords: that would re-tag the whole corpus back and forth."""
    model = training.active_model(engine, session) if training.mode(session) == "combined" else None
    if model is None:
        return tagger.suggest, "keywords"
    nlp, meta = model
    return partial(learned.suggest, nlp, tagger, version=tagger.version), meta["version"]


def _turns(session: Session, source: Source) -> list[tuple[int, int]]:
    """Speaker turns of an interview; paragraphs of any other source."""
    if source.kind != "interview":
        return evaluation.paragraphs(source.text)
    rows = session.exec(
        select(Segment.start, Segment.end)
        .where(Segment.source_id == source.id, Segment.kind == "turn")
        .order_by(Segment.start)
    ).all()
    return [tuple(row) for row in rows]


@dataclass
class TagReport:
    sources: int = 0
    pairs: int = 0
    added: int = 0
    removed: int = 0
    rescored: int = 0  # made again: same row, new score
    by_code: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    by_source: dict[str, dict[str, int]] = field(default_factory=dict)  # {"added", "rescored", "withdrawn"}
    deferred: list[str] = field(default_factory=list)  # stale but open in a browser: left for the next run
    changed_open: list[str] = field(default_factory=list)  # open in a browser and re-tagged (include_open)
    suggester: str = "keywords"  # what suggested: "keywords" or the model's version
    event: int | None = None  # the audit event that keeps this report (None when nothing was to do)


def tag(
    engine: Engine,
    force: bool = False,
    progress: Callable[[str], None] | None = None,
    include_open: bool = False,
) -> TagReport:
    """Write suggestions for every (source, code) pair that is not up to date; one transaction per source.
    Sources open in a browser are left alone unless ``include_open`` (see the module's docstring)."""
    with Session(engine) as session:
        tagger = learning_tagger(session)
        suggest, suggester = suggester_for(engine, session, tagger)
        prints = {code: f"{fingerprint}:{suggester}" for code, fingerprint in tagger.fingerprints().items()}
        source_ids = session.exec(select(Source.id).order_by(Source.id)).all()
        done = defaultdict(dict)
        for state in session.exec(select(TagState)).all():
            done[state.source_id][state.code_id] = state.fingerprint
    report = TagReport(suggester=suggester)
    for source_id in source_ids:
        stale = [c for c, p in prints.items() if force or done[source_id].get(c) != p]
        if stale:
            # Each attempt counts into a report of its own: only the one that commits is added up.
            part = retrying(
                engine,
                partial(
                    _tag_source,
                    suggest=suggest,
                    version=tagger.version,
                    source_id=source_id,
                    codes=stale,
                    prints=prints,
                    include_open=include_open,
                    forget=force,
                ),
            )
            if part is None:
                report.deferred.append(source_id)
                if progress:
                    progress(source_id)
                continue
            report.changed_open += part.changed_open
            if part.added or part.removed or part.rescored:
                report.by_source[source_id] = {
                    "added": part.added, "rescored": part.rescored, "withdrawn": part.removed
                }  # fmt: skip
            report.added += part.added
            report.removed += part.removed
            report.rescored += part.rescored
            for code, n in part.by_code.items():
                report.by_code[code] += n
            report.sources += 1
            report.pairs += len(stale)
        if progress:
            progress(source_id)
    if report.sources or report.deferred:
        report.event = retrying(engine, partial(retag_report.store, report=report, forced=force))
    return report


def _tag_source(
    session: Session,
    suggest: Suggest,
    version: str | None,
    source_id: str,
    codes: list[str],
    prints: dict[str, str],
    include_open: bool = False,
    forget: bool = False,
) -> TagReport | None:
    """Re-tag ``codes`` in one source; None when the source is open in a browser and left alone (its
    fingerprints for ``codes`` forgotten with ``forget``, so the next run of any kind does them)."""
    report = TagReport()
    # Asked in the source's own transaction, just before writing: a page that opened it a moment ago counts.
    is_open = source_id in open_marks.open_sources(session, utcnow())
    if is_open and not include_open:
        if forget:
            session.exec(delete(TagState).where(TagState.source_id == source_id, TagState.code_id.in_(codes)))
        return None
    text = session.exec(select(Source.text).where(Source.id == source_id)).one()
    bot = coder_named(session, TAGGER)
    # One read through the per-source index; filtering by code in SQL lets SQLite pick the
    # (code, status) index instead, which grows with the whole project and made tagging quadratic.
    existing = session.exec(
        select(Coding.id, Coding.code_id, Coding.start, Coding.end, Coding.status, Coding.coder_id).where(
            Coding.source_id == source_id
        )
    ).all()
    wanted = set(codes)
    mine = [row for row in existing if row.code_id in wanted]
    previous = {
        (row.code_id, row.start, row.end): row.id
        for row in mine
        if row.status == "suggested" and row.coder_id == bot.id
    }
    blind = source_id in rounds.blind_sources(session)
    taken = {
        (row.code_id, row.start, row.end)
        for row in mine
        if not blind and not (row.status == "suggested" and row.coder_id == bot.id)
    }
    made = [s for s in suggest(text, sentences_of(session, source_id)) if s.code in wanted and _key(s) not in taken]
    # A suggestion made again keeps its row — and its id, which a reviewer may have on screen — with the
    # new score; only the suggestions no longer made are removed.
    again = {_key(s) for s in made if _key(s) in previous}
    _rescore(session, [(previous.pop(_key(s)), s) for s in made if _key(s) in again], version, bot.id)
    gone = list(previous.values())
    for chunk in range(0, len(gone), 500):
        # Still the tagger's suggestion: a reviewer may have decided it since it was read (PostgreSQL).
        session.exec(delete(Coding).where(Coding.id.in_(gone[chunk : chunk + 500]), *_undecided(bot.id)))
    now = utcnow()
    rows = [
        {
            "source_id": source_id,
            "code_id": s.code,
            "start": s.start,
            "end": s.end,
            "status": "suggested",
            "origin": "tagger",
            "coder_id": bot.id,
            "score": round(s.score, 4),
            "terms": [m.as_dict() for m in s.terms],
            "codebook_version": version,
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }
        for s in made
        if _key(s) not in again
    ]
    if rows:
        # One Core executemany: the ORM's bulk path costs more than the insert itself here.
        session.connection().execute(insert(Coding.__table__), rows)
    session.exec(delete(TagState).where(TagState.source_id == source_id, TagState.code_id.in_(codes)))
    session.add_all(TagState(source_id=source_id, code_id=c, fingerprint=prints[c]) for c in codes)
    counts = {"added": len(rows), "removed": len(gone), "rescored": len(again), "codes": codes}
    record(session, bot, "tag", "source", source_id, after=counts)
    report.added, report.removed, report.rescored = len(rows), len(gone), len(again)
    if is_open and (rows or gone or again):
        report.changed_open.append(source_id)
    for suggestion in made:  # written or rescored: what the tagger now suggests, per code
        report.by_code[suggestion.code] += 1
    return report


def _key(suggestion: Suggestion) -> tuple[str, int, int]:
    return suggestion.code, suggestion.start, suggestion.end


def _undecided(bot_id: int) -> tuple:
    return Coding.status == "suggested", Coding.coder_id == bot_id


def _rescore(session: Session, pairs: list[tuple[int, Suggestion]], version: str | None, bot_id: int) -> None:
    """New scores and terms for suggestion rows made again, unless decided meanwhile; the row's version
    stays: nobody edited it."""
    if not pairs:
        return
    table = Coding.__table__
    statement = (
        update(table)
        .where(table.c.id == bindparam("row_id"), table.c.status == "suggested", table.c.coder_id == bot_id)
        .values(score=bindparam("new_score"), terms=bindparam("new_terms"), codebook_version=bindparam("new_version"))
    )
    session.connection().execute(
        statement,
        [
            {"row_id": row_id, "new_score": round(s.score, 4), "new_terms": [m.as_dict() for m in s.terms],
             "new_version": version}
            for row_id, s in pairs
        ],
    )  # fmt: skip


def evaluate_gold(session: Session, folder: Path, unit: str = "sentence", train: Path | None = None) -> dict:
    """Score the suggestions against the gold codings under ``folder`` (sources must be imported), per
    sentence or per turn (see coder.evaluation).

    With ``train``, a model is first trained on the gold codings there (each of those sources coded
    through) and the keyword, learned and combined suggesters are each scored on ``folder``, which
    must not share a source with it. The top-level figures are always the keyword tagger's.
    """
    if unit not in evaluation.UNITS:
        raise QcoderError(f"评估单位 {unit!r} 无效，应为 sentence 或 turn", f"unit {unit!r} is not sentence or turn")
    dimension_of = {code.id: code.dimension for code in session.exec(select(Code)).all()}
    held_out = _gold_sources(session, folder, dimension_of)
    tagger = learning_tagger(session, leave_out={gold.source for gold, *_ in held_out})
    suggesters: dict[str, Suggest] = {"keywords": tagger.suggest}
    trained = None
    if train is not None:
        lessons = _gold_sources(session, train, dimension_of)
        shared = {g.source for g, *_ in lessons} & {g.source for g, *_ in held_out}
        if shared:
            raise QcoderError(
                f"训练集与评估集不能有相同的来源：{'、'.join(sorted(shared))}",
                f"the training and evaluation gold share sources: {', '.join(sorted(shared))}",
            )
        codes = training.labels(session)
        units = [
            learned.Labelled(text[s.start : s.end], {code: float((i, code) in labelled) for code in codes})
            for _, text, sentences, labelled in lessons
            for i, s in enumerate(sentences)
            if is_evidence(text, s)
        ]
        nlp = learned.fit(tagger, units, codes)
        suggesters["learned"] = partial(learned.suggest, nlp, tagger, mode="learned")
        suggesters["combined"] = partial(learned.suggest, nlp, tagger)
        trained = {"sources": [g.source for g, *_ in lessons], "units": len(units)}
    reports = {name: _score(session, held_out, suggest, unit, dimension_of) for name, suggest in suggesters.items()}
    result = reports["keywords"]
    result["codebook_version"] = tagger.version
    result["min_score"] = tagger.min_score
    if trained:
        result["training"] = trained
        result["compare"] = {
            name: {level: report[level] for level in evaluation.SUMMARIES} for name, report in reports.items()
        }
    return result


def _gold_sources(
    session: Session, folder: Path, dimension_of: dict[str, str]
) -> list[tuple[evaluation.GoldFile, str, list[Span], set[tuple[int, str]]]]:
    """Each gold file under ``folder`` with its source's text, sentences and labelled (sentence, code)
    pairs; a gold file naming an unknown source or code is refused."""
    found = []
    for gold in evaluation.load_gold(folder):
        source = session.get(Source, gold.source)
        if source is None:
            raise QcoderError(
                f"金标准 {gold.path} 指向未导入的来源 {gold.source}",
                f"gold {gold.path} refers to source {gold.source}, which is not imported",
            )
        for code, _ in gold.codings:
            if code not in dimension_of:
                raise QcoderError(
                    f"金标准 {gold.path} 使用了编码簿中没有的编码 {code}",
                    f"gold {gold.path} uses code {code}, which is not in the codebook",
                )
        sentences = sentences_of(session, gold.source)
        found.append((gold, source.text, sentences, evaluation.gold_units(gold, source.text, sentences)))
    return found


def _score(session: Session, gold: list, suggest: Suggest, unit: str, dimension_of: dict[str, str]) -> dict:
    units = []
    for file, text, sentences, labelled in gold:
        index = {(s.start, s.end): i for i, s in enumerate(sentences)}
        predicted = {(index[(s.start, s.end)], s.code) for s in suggest(text, sentences)}
        if unit == "turn":
            owner = evaluation.enclosing(sentences, _turns(session, session.get(Source, file.source)))
            labelled, predicted = ({(owner[i], code) for i, code in pairs} for pairs in (labelled, predicted))
        units.append((file.source, labelled, predicted))
    return evaluation.report(units, dimension_of, unit)
