"""Which words dominate a selection: jieba word frequencies and keyword-in-context (KWIC) lines.

**What is read.** With codes or dimensions chosen: the coded passages (overlapping codings joined, so a
sentence coded twice, or by two coders, counts once). Otherwise the whole text of the chosen sources
(by kind and participant) without the interviewer's own turns — the questions are not the informant's
words. Either way only the sentence parts of the text are read (see :mod:`coder.sources.segments`), so speaker
labels (``问：`` ``MJQ：``) never count.

**Tokens.** The project's tagger tokenizer: a private ``jieba.Tokenizer`` with every codebook term
registered (never the process-global jieba), so 揭榜挂帅 or 第一方阵 stay one word. A token counts when
it has at least ``MIN_CHARS`` characters, holds a Han character or a Latin letter (punctuation and bare
numbers do not), and is not a stop word. The default stop words (``coder/data/stopwords.txt``: speaker
labels, interview fillers such as 嗯 就是 那个 然后, pronouns and function words) can be edited and
stored per project. KWIC lines are found among the same tokens, never as substrings, so a term's lines
are as many as its count (考核 inside 考核办法, a codebook term, is neither).

**Names.** Participants' stored real names are blanked out of the text before it is read (same length,
so offsets hold): a name never surfaces as a top term, in a KWIC line or its context, or in the cloud.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path

import pandas as pd
from sqlmodel import Session, select

from coder.analysis.loading import Codings, chosen_sources, load, merge_spans, meta, units
from coder.audit import coder_named, record
from coder.db.models import Participant, Segment, Setting
from coder.export.quotes import Selection
from coder.sources.catalogue import texts
from coder.sources.segments import SPEAKER_LABEL
from coder.tagger import INTERVIEWER
from coder.tagging import tagger_for

STOPWORDS = Path(__file__).resolve().parents[1] / "data" / "stopwords.txt"
SETTING = "stopwords"
MIN_CHARS = 2
CONTEXT = 20  # characters of context on each side of a KWIC line
NAME_MASK = "＊"  # stands for each character of a participant's name: never a word, offsets unchanged
_WORDY = re.compile(r"[\u3400-\u9fff\U00020000-\U0003134fA-Za-z]")
TERM_COLUMNS = ["rank", "term", "count", "sources", "share"]
KWIC_COLUMNS = ["source", "kind", "start", "end", "left", "term", "right", "citation"]


def default_stopwords() -> str:
    """The shipped stop-word list, as text (one word a line, ``#`` comments)."""
    return STOPWORDS.read_text(encoding="utf-8")


def stored_stopwords(session: Session) -> str:
    """The project's stop-word list as edited and saved, or the shipped one."""
    row = session.get(Setting, SETTING)
    return row.value if row else default_stopwords()


def set_stopwords(session: Session, text: str, coder: str | None) -> None:
    """Save the project's stop-word list (audited with the words added and removed); the shipped list
    again when ``text`` is empty."""
    row = session.get(Setting, SETTING)
    before = parse_stopwords(row.value if row else default_stopwords())
    after = parse_stopwords(text or default_stopwords())
    if row is None and not text.strip():
        return
    if not text.strip():
        session.delete(row)
    else:
        row = row or Setting(key=SETTING, value="")
        row.value = text
        session.add(row)
    record(session, coder_named(session, coder), "update", "setting", SETTING, {"count": len(before)},
           {"count": len(after), "added": sorted(after - before), "removed": sorted(before - after)})  # fmt: skip


def parse_stopwords(text: str) -> set[str]:
    """The words of a stop-word list: one a line, blank lines and ``#`` comments ignored."""
    return {line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")}


def words(
    session: Session, chosen: Selection, stopwords: set[str], top: int = 50, viewer: str | None = None
) -> pd.DataFrame:
    """The ``top`` terms of the selection: ``rank``, ``term``, ``count``, ``sources`` (how many sources use
    it) and ``share`` (of all counted tokens)."""
    data, pieces = _pieces(session, chosen, viewer)
    text = _readable(session, pieces)
    tokenize = tagger_for(session).words
    counts: Counter[str] = Counter()
    used_in: dict[str, set[str]] = defaultdict(set)
    for source, start, end in pieces:
        for token in tokenize(text[source][start:end]):
            if len(token) >= MIN_CHARS and token not in stopwords and _WORDY.search(token):
                counts[token] += 1
                used_in[token].add(source)
    total = sum(counts.values())
    ranked = sorted(counts.items(), key=lambda item: (-item[1], -len(used_in[item[0]]), item[0]))[: max(top, 0)]
    result = pd.DataFrame(
        [
            {"rank": n, "term": term, "count": count, "sources": len(used_in[term]), "share": round(count / total, 4)}
            for n, (term, count) in enumerate(ranked, 1)
        ],
        columns=TERM_COLUMNS,
    )
    result.attrs = meta(
        data, "words", read="coded" if _coded(chosen) else "text", characters=sum(e - s for _, s, e in pieces),
        tokens=total, stopwords=len(stopwords), selection=_described(data, chosen),
    )  # fmt: skip
    return result


def kwic(session: Session, chosen: Selection, term: str, viewer: str | None = None) -> pd.DataFrame:
    """Every place where ``term`` is one token of what the selection reads — the tokens :func:`words`
    counts, so a term's lines are as many as its count — with ``CONTEXT`` characters on each side (within
    its line, after its speaker label) and the source's citation, by source and position."""
    data, pieces = _pieces(session, chosen, viewer)
    text = _readable(session, pieces)
    tokenize = tagger_for(session).words
    lines = []
    for source, start, end in pieces if term else []:
        body = text[source]
        if term not in body[start:end]:
            continue  # cheap: most pieces never hold the term, and need no tokenizing
        at = start
        for token in tokenize(body[start:end]):
            stop = at + len(token)
            if token == term:
                lines.append(
                    {
                        "source": source,
                        "kind": data.sources.at[source, "kind"],
                        "start": at,
                        "end": stop,
                        "left": body[max(_line_start(body, at), at - CONTEXT) : at],
                        "term": term,
                        "right": body[stop : stop + CONTEXT].split("\n", 1)[0],
                        "citation": data.sources.at[source, "citation"],
                    }
                )
            at = stop
    result = pd.DataFrame(lines, columns=KWIC_COLUMNS)
    result.attrs = meta(data, "kwic", term=term, selection=_described(data, chosen))
    return result


def _readable(session: Session, pieces: list[tuple[str, int, int]]) -> dict[str, str]:
    """The text of the pieces' sources with every participant's stored name blanked out, ``NAME_MASK`` for
    each character: names never leave the database unasked (see ARCHITECTURE, "Names are private")."""
    text = texts(session, {source for source, _, _ in pieces})
    stored = {name.strip() for name in session.exec(select(Participant.name)).all() if name and len(name.strip()) > 1}
    if not stored:
        return text
    named = re.compile("|".join(map(re.escape, sorted(stored, key=len, reverse=True))))
    return {source: named.sub(lambda m: NAME_MASK * len(m.group()), body) for source, body in text.items()}


def _line_start(text: str, at: int) -> int:
    """Where the line holding ``at`` starts, after its speaker label (``MJQ：``) if it has one."""
    start = text.rfind("\n", 0, at) + 1
    label = SPEAKER_LABEL.match(text[start:at])
    return start + (label.end() if label else 0)


def _coded(chosen: Selection) -> bool:
    return bool(chosen.codes or chosen.dimensions)


def _described(data: Codings, chosen: Selection) -> dict[str, list[str]]:
    return {"codes": chosen.codes, "dimensions": chosen.dimensions, "kinds": chosen.kinds,
            "participants": data.participants}  # fmt: skip


def _pieces(session: Session, chosen: Selection, viewer: str | None) -> tuple[Codings, list[tuple[str, int, int]]]:
    """The stretches of text the selection reads, as (source, start, end), by source and position."""
    data = load(session, chosen, "code", viewer)
    if _coded(chosen):
        merged = merge_spans((r.source_id, r.start, r.end, set()) for r in data.frame.itertuples(index=False))
        spans = pd.DataFrame([m[:3] for m in merged], columns=["source_id", "start", "end"])
        inside = units(session, spans)
        starts = spans["start"].to_numpy()[inside["row"].to_numpy()]
        ends = spans["end"].to_numpy()[inside["row"].to_numpy()]
        sources = spans["source_id"].to_numpy()[inside["row"].to_numpy()]
        clipped = zip(
            sources, inside["unit_start"].clip(lower=starts), inside["unit_end"].clip(upper=ends), strict=True
        )
        return data, sorted((str(s), int(a), int(b)) for s, a, b in clipped if b > a)
    wanted = chosen_sources(data, chosen)
    if wanted.empty:
        return data, []
    rows = session.exec(
        select(Segment.source_id, Segment.start, Segment.end, Segment.speaker).where(
            Segment.kind == "sentence", Segment.source_id.in_(list(wanted.index))
        )
    ).all()
    return data, sorted(
        (source, start, end) for source, start, end, speaker in rows if not (speaker and INTERVIEWER.match(speaker))
    )
