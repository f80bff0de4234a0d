"""The codings a display is built from, loaded once as a table, with their sources and people.

Every display reads the same rows: accepted and manual codings — suggestions only when the selection's
statuses include them, and then every output says so — of the chosen codes (with their sub-codes),
dimensions, kinds and participants, and only what the viewer may see (an open agreement round stays
blind, see coder.rounds). The selection is the one quote exports use (:class:`coder.export.quotes.Selection`),
so ``--code``, ``--dimension``, ``--kind`` and ``--participant`` mean the same everywhere. One query and no
text: a display loads text only for the quotes it shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlmodel import Session, select

from coder import known
from coder.citation import cite
from coder.db.models import EVIDENCE, Code, Coding, Participant, Segment, Source
from coder.errors import QcoderError
from coder.export.quotes import Selection, restrict
from coder.retrieval import with_descendants

LEVELS = ("code", "dimension")
FRAME_COLUMNS = ["coding", "source_id", "code_id", "start", "end", "status", "coder_id", "score"]
_SPAN = np.int64(1) << 40  # offsets of different sources never meet: source number × _SPAN + offset


@dataclass
class Codings:
    """The rows of one display: ``frame`` has one row per coding (``FRAME_COLUMNS`` and ``column``, the
    code or dimension it counts for); ``sources`` one row per source that has any, indexed by ID."""

    frame: pd.DataFrame
    sources: pd.DataFrame
    codes: dict[str, Code]
    columns: list[str]  # the codes (or dimensions) the display shows, in codebook order
    level: str
    with_suggestions: bool
    participants: list[str]  # the selection's interview IDs as stored: each stands for its participant


def selection(
    codes: list[str] | None = None,
    dimensions: list[str] | None = None,
    kinds: list[str] | None = None,
    participants: list[str] | None = None,
    with_suggestions: bool = False,
) -> Selection:
    """The selection a display reads: evidence, and the tagger's suggestions only with ``with_suggestions``."""
    statuses = [*EVIDENCE, "suggested"] if with_suggestions else list(EVIDENCE)
    return Selection(
        codes=codes or [], dimensions=dimensions or [], kinds=kinds or [], participants=participants or [],
        statuses=statuses,
    )  # fmt: skip


def load(session: Session, chosen: Selection, level: str = "code", viewer: str | None = None) -> Codings:
    """The codings ``chosen`` selects that ``viewer`` may see; unknown codes, kinds … are refused by name."""
    if level not in LEVELS:
        raise QcoderError(f"层级 {level} 无效，应为 code 或 dimension", f"level {level} is not code or dimension")
    codes = {c.id: c for c in session.exec(select(Code)).all()}
    statement = select(
        Coding.id, Coding.source_id, Coding.code_id, Coding.start, Coding.end, Coding.status, Coding.coder_id,
        Coding.score,
    ).join(Source, Source.id == Coding.source_id)  # fmt: skip
    rows = session.exec(restrict(session, statement, chosen, codes, viewer)).all()
    frame = pd.DataFrame(rows, columns=FRAME_COLUMNS)
    frame["score"] = frame["score"].fillna(0.0).astype(float)
    frame["column"] = frame["code_id"] if level == "code" else frame["code_id"].map(lambda c: codes[c].dimension)
    columns = _columns(session, codes, chosen, level)
    frame = frame[frame["column"].isin(columns)].reset_index(drop=True)  # a dimension's own codings: no column
    participants = known.check_interviews(session, chosen.participants)
    return Codings(frame, source_table(session), codes, columns, level, "suggested" in chosen.statuses, participants)


def _columns(session: Session, codes: dict[str, Code], chosen: Selection, level: str) -> list[str]:
    """The codes (not dimensions) or the dimensions within the selection, in codebook order."""
    wanted = with_descendants(session, chosen.codes) if chosen.codes else set(codes)
    kept = [
        c for c in codes.values()
        if c.id in wanted and (not chosen.dimensions or c.dimension in chosen.dimensions) and c.parent_id is not None
    ]  # fmt: skip
    if level == "dimension":
        kept = [codes[d] for d in dict.fromkeys(c.dimension for c in kept) if d in codes]
    return [c.id for c in sorted(kept, key=lambda c: (c.position, c.id))]


def source_table(session: Session) -> pd.DataFrame:
    """Every source's kind, date and citation fields with its person: initials, role, organisation and the
    record ID that stands for them (their first interview) — never a name."""
    people = {p.id: p for p in session.exec(select(Participant)).all()}
    rows = session.exec(
        select(Source.id, Source.kind, Source.date, Source.title, Source.meta, Source.participant_id)
    ).all()
    records = interviews(session)
    table = []
    for source_id, kind, date, title, meta, person_id in rows:
        person = people.get(person_id) if person_id is not None else None
        table.append(
            {
                "id": source_id,
                "kind": kind,
                "date": date,
                "citation": cite(source_id, kind, title, date, meta),
                "participant": records[person_id][0] if person else None,
                "participant_label": _person_label(person, records[person_id]) if person else None,
                "role": (person.role if person else None) or meta.get("role"),
                "organization": (person.organization if person else None) or meta.get("organization"),
            }
        )
    columns = ["id", "kind", "date", "citation", "participant", "participant_label", "role", "organization"]
    return pd.DataFrame(table, columns=columns).set_index("id")


def chosen_sources(data: Codings, chosen: Selection) -> pd.DataFrame:
    """The rows of ``data.sources`` that the selection's kinds and participants admit (a participant chosen
    by any of their record IDs brings all their interviews): what a display reads beyond codings."""
    wanted = data.sources
    if chosen.kinds:
        wanted = wanted[wanted["kind"].isin(chosen.kinds)]
    if data.participants:
        people = set(data.sources.loc[data.sources.index.isin(data.participants), "participant"].dropna())
        wanted = wanted[wanted["participant"].isin(people)]
    return wanted


def interviews(session: Session) -> dict[int, list[str]]:
    """Participant → the record IDs of their interviews, first interview first (undated ones last)."""
    found: dict[int, list[tuple[bool, Any, str]]] = {}
    rows = session.exec(select(Source.id, Source.date, Source.participant_id).where(Source.participant_id.is_not(None)))
    for source_id, date, person in rows.all():
        found.setdefault(person, []).append((date is None, date or dt.date.min, source_id))
    return {person: [s for *_, s in sorted(items)] for person, items in found.items()}


def _person_label(person: Participant, records: list[str]) -> str:
    return f"{person.initials} · {'、'.join(records)}"


def units(session: Session, frame: pd.DataFrame) -> pd.DataFrame:
    """Each coding's sentences: one row per (``row`` of ``frame``, ``unit``) for every sentence the coding
    shares at least one character with, with the sentence's ``unit_start`` and ``unit_end``. A coding that
    touches no sentence (white space between them) is a unit of its own. Sorted offsets and a binary
    search: the cost grows with codings and sentences, never with pairs of codings."""
    ids = sorted(frame["source_id"].unique())
    if not ids:
        return pd.DataFrame({key: np.array([], dtype=np.int64) for key in ("row", "unit", "unit_start", "unit_end")})
    number = {source_id: n for n, source_id in enumerate(ids)}
    found = session.exec(
        select(Segment.source_id, Segment.start, Segment.end).where(
            Segment.kind == "sentence", Segment.source_id.in_(ids)
        )
    ).all()
    sentences = pd.DataFrame(found, columns=["source_id", "start", "end"])
    base = sentences["source_id"].map(number).to_numpy(np.int64) * _SPAN
    order = np.argsort(base + sentences["start"].to_numpy(np.int64), kind="stable")
    starts = (base + sentences["start"].to_numpy(np.int64))[order]
    ends = (base + sentences["end"].to_numpy(np.int64))[order]
    at = frame["source_id"].map(number).to_numpy(np.int64) * _SPAN
    first = np.searchsorted(ends, at + frame["start"].to_numpy(np.int64), side="right")
    last = np.searchsorted(starts, at + frame["end"].to_numpy(np.int64), side="left") - 1
    count = np.maximum(last - first + 1, 0)
    rows = np.repeat(np.arange(len(frame)), count)
    unit = np.repeat(first, count) + np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    alone = np.flatnonzero(count == 0)
    return pd.DataFrame(
        {
            "row": np.concatenate([rows, alone]),
            "unit": np.concatenate([unit, len(starts) + alone]),
            "unit_start": np.concatenate([starts[unit] - at[rows], frame["start"].to_numpy(np.int64)[alone]]),
            "unit_end": np.concatenate([ends[unit] - at[rows], frame["end"].to_numpy(np.int64)[alone]]),
        }
    )


def merge_spans(spans: Iterable[tuple[str, int, int, set]]) -> list[tuple[str, int, int, set]]:
    """(source, start, end, tags) spans with overlapping or touching ones of one source joined (their tags
    united), by source and start."""
    out: list[tuple[str, int, int, set]] = []
    for source, start, end, tags in sorted(spans, key=lambda s: (s[0], s[1])):
        if out and out[-1][0] == source and start <= out[-1][2]:
            last = out[-1]
            out[-1] = (source, last[1], max(last[2], end), last[3] | tags)
        else:
            out.append((source, start, end, set(tags)))
    return out


def names(codes: dict[str, Code], ids: list[str]) -> pd.DataFrame:
    """Code (or dimension) ID → its Chinese and English names, for a display's rows or columns."""
    return pd.DataFrame(
        {"name": [codes[c].name for c in ids], "name_en": [codes[c].name_en or codes[c].name for c in ids]},
        index=pd.Index(ids, name="code"),
    )


def passages(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per distinct (source, start, end): a span coded by two coders counts once."""
    return frame.drop_duplicates(["source_id", "start", "end", "column"])


def meta(data: Codings, display: str, **extra: Any) -> dict[str, Any]:
    """What every display's ``attrs`` say: which display, at which level, and whether suggestions count."""
    return {"display": display, "level": data.level, "with_suggestions": data.with_suggestions,
            "codings": len(data.frame), **extra}  # fmt: skip
