"""The framework matrix: participants (or organisations, roles, kinds of source) × codes.

Each cell holds how many passages of that row were coded with that code, the strongest of them — chosen
the way triangulation chooses (:func:`coder.evidence.triangulation.strength`: most coders agreeing, then score,
then a readable length) — with its citation, and the researcher's own summary of the cell, which is
stored (:class:`coder.db.models.FrameworkSummary`), audited, and exported with the matrix.

Rows: ``participant`` — an interviewee, named by initials and the record IDs of their interviews (their
first interview's ID is the row's key; never a name); ``organization`` and ``role`` — the interviewee's,
or a source's own metadata; ``kind`` — interview, policy or media. Codings whose source has no value for
the row (a policy text has no participant) are left out and counted in ``attrs["unassigned"]``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlmodel import Session, select

from coder import known
from coder.analysis.loading import (
    Codings,
    chosen_sources,
    interviews,
    load,
    meta,
    names,
    passages,
    source_table,
)
from coder.audit import coder_named, record
from coder.db.models import (
    SOURCE_KINDS,
    Coder,
    FrameworkSummary,
    Participant,
    Source,
    summary_cell,
    utcnow,
)
from coder.errors import QcoderError
from coder.evidence.triangulation import Evidence, count_agreement, strength
from coder.export.quotes import Selection
from coder.rounds import blind_sources
from coder.sources.catalogue import texts

ROWS = ("participant", "organization", "role", "kind")
COLUMNS = [
    "row_key", "row_label", "code", "name", "name_en", "count", "quote", "citation", "quote_source",
    "quote_start", "quote_end", "quote_status", "summary", "summary_by", "summary_at",
]  # fmt: skip


def framework(
    session: Session, rows: str, chosen: Selection, level: str = "code", viewer: str | None = None
) -> pd.DataFrame:
    """One row per cell (every row × every selected code or dimension, empty cells included), with
    ``count``, the strongest ``quote`` with its ``citation`` and the stored ``summary``. The rows are those
    with codings the viewer sees and those with a summary the viewer sees (count 0, no quote): a summary
    written about a row is never left out of the matrix just because its codings are not selected."""
    _check_rows(rows)
    data = load(session, chosen, level, viewer)
    frame = data.frame.assign(row_key=data.frame["source_id"].map(_row_keys(data.sources, rows)))
    unassigned = int(frame["row_key"].isna().sum())
    frame = frame.dropna(subset=["row_key"])
    stored = summaries(session, rows, viewer)
    admitted = set(_row_keys(chosen_sources(data, chosen), rows).dropna())
    if rows == "kind":  # a kind is a row before any source of it is imported (see _known_key)
        admitted |= set(chosen.kinds or SOURCE_KINDS)
    summarised = {key for key, column in stored if column in data.columns and key in admitted}
    labels = _row_labels(data, rows, {*frame["row_key"], *summarised})
    counts = passages(frame).groupby(["row_key", "column"]).size()
    best = _strongest(frame)
    status = dict(zip(frame["coding"], frame["status"], strict=True))
    text = texts(session, {coding.source for coding in best.values()})
    code_names = names(data.codes, data.columns)
    cells = []
    for key, label in labels.items():
        for column in data.columns:
            quote = best.get((key, column))
            note = stored.get((key, column), {})
            source = quote.source if quote else None
            cells.append(
                {
                    "row_key": key,
                    "row_label": label,
                    "code": column,
                    "name": code_names.at[column, "name"],
                    "name_en": code_names.at[column, "name_en"],
                    "count": int(counts.get((key, column), 0)),
                    "quote": text[source][quote.start : quote.end] if quote else "",
                    "citation": data.sources.at[source, "citation"] if quote else "",
                    "quote_source": source or "",
                    "quote_start": quote.start if quote else None,
                    "quote_end": quote.end if quote else None,
                    "quote_status": status[quote.coding] if quote else "",
                    "summary": note.get("text", ""),
                    "summary_by": note.get("coder", ""),
                    "summary_at": note.get("at", ""),
                }
            )
    result = pd.DataFrame(cells, columns=COLUMNS)
    result.attrs = meta(data, "framework", rows=rows, unassigned=unassigned)
    return result


def _check_rows(rows: str) -> None:
    if rows not in ROWS:
        raise QcoderError(f"行 {rows} 无效，应为 {' | '.join(ROWS)}", f"rows {rows} is not one of {' | '.join(ROWS)}")


def _row_keys(sources: pd.DataFrame, rows: str) -> pd.Series:
    """Source ID → the key of its row (None when the source has no value for it), from
    :func:`coder.analysis.loading.source_table`."""
    values = sources[rows]
    return values.where(values.notna() & (values.astype(str).str.strip() != ""), None)


def _row_labels(data: Codings, rows: str, used: set[str]) -> dict[str, str]:
    """Row key → its label, rows in order: participants by their first interview, kinds as listed, the
    rest alphabetically."""
    if rows == "participant":
        people = data.sources.dropna(subset=["participant"]).drop_duplicates("participant")
        return {k: people.set_index("participant").at[k, "participant_label"] for k in sorted(used)}
    if rows == "kind":
        return {k: k for k in SOURCE_KINDS if k in used}
    return {k: k for k in sorted(used)}


def _strongest(frame: pd.DataFrame) -> dict[tuple[str, str], Evidence]:
    """(row key, column) → its strongest coding."""
    found: dict[tuple[str, str], Evidence] = {}
    items = [
        Evidence(coding=r.coding, code=r.code_id, source=r.source_id, kind="", line="", start=r.start,
                 end=r.end, score=r.score)
        for r in frame.itertuples(index=False)
    ]  # fmt: skip
    count_agreement(items, frame.itertuples(index=False))
    for item, key, column in zip(items, frame["row_key"], frame["column"], strict=True):
        kept = found.get((key, column))
        if kept is None or strength(item) > strength(kept):
            found[(key, column)] = item
    return found


# Summaries -----------------------------------------------------------------------------------------


def summaries(session: Session, rows: str, viewer: str | None = None) -> dict[tuple[str, str], dict[str, Any]]:
    """(row key, code) → the stored summary with who wrote it and when. A participant's summary stored
    under any of their interview IDs is found under their row's key. While an agreement round is open on a
    row's sources, ``viewer`` sees only their own summaries of that row: a colleague's summary would sway
    them as much as a colleague's codings (see coder.rounds)."""
    found = session.exec(
        select(FrameworkSummary, Coder.name)
        .join(Coder, Coder.id == FrameworkSummary.coder_id)
        .where(FrameworkSummary.row_kind == rows)
        .order_by(FrameworkSummary.updated_at)
    ).all()
    keys = _participant_keys(session) if rows == "participant" else {}
    blind = _blind_rows(session, rows, viewer)
    return {
        (keys.get(row.row_key, row.row_key), row.code_id): {
            "text": row.text, "coder": coder, "at": row.updated_at.strftime("%Y-%m-%d %H:%M")
        }
        for row, coder in found
        if coder == viewer or keys.get(row.row_key, row.row_key) not in blind
    }  # fmt: skip


def _blind_rows(session: Session, rows: str, viewer: str | None) -> set[str]:
    """The row keys with a source in an open round: blind for ``viewer`` (for nobody on the command line,
    which administers the project, as :func:`coder.rounds.visible`)."""
    hidden = blind_sources(session) if viewer is not None else set()
    if not hidden:
        return set()
    keys = _row_keys(source_table(session), rows)
    return set(keys[keys.index.isin(hidden)].dropna())


def _participant_keys(session: Session) -> dict[str, str]:
    """Any interview record ID → the ID of the same person's first interview (their row's key)."""
    return {record: found[0] for found in interviews(session).values() for record in found}


def set_summary(
    session: Session, rows: str, key: str, code: str, text: str, coder: str | None, viewer: str | None = None
) -> None:
    """Store (or, with empty ``text``, remove) the summary of one cell, audited as ``framework_summary``.

    ``key`` is checked against the project: a participant by any of their interview IDs, an
    organisation or role as it appears in the metadata, a kind of source. While a round is open on the
    row's sources ``viewer`` may not replace a colleague's summary they cannot see."""
    _check_rows(rows)
    known.code(session, code, codable=False)
    key = _known_key(session, rows, key.strip())
    row = session.exec(
        select(FrameworkSummary).where(
            FrameworkSummary.row_kind == rows, FrameworkSummary.row_key == key, FrameworkSummary.code_id == code
        )
    ).first()
    author = coder_named(session, coder)
    where = summary_cell(rows, key, code)
    if row is not None and row.coder_id != author.id and key in _blind_rows(session, rows, viewer):
        raise QcoderError(
            f"{where} 在进行中的轮次里已有另一位编码者的摘要；轮次结束后再写",
            f"{where} already has another coder's summary in an open round; write it after the round is closed",
        )
    before = {"text": row.text} if row else None
    text = text.strip()
    if not text:
        if row is not None:
            session.delete(row)
            record(session, author, "delete", "framework_summary", where, before=before)
        return
    if row is not None and row.text == text:
        return
    row = row or FrameworkSummary(row_kind=rows, row_key=key, code_id=code, text=text, coder_id=author.id)
    row.text, row.coder_id, row.updated_at = text, author.id, utcnow()
    session.add(row)
    record(session, author, "update" if before else "create", "framework_summary", where, before, {"text": text})


def _known_key(session: Session, rows: str, key: str) -> str:
    """The row key as stored: a participant's first interview ID; refused, by name, when unknown."""
    if rows == "participant":
        found = _participant_keys(session).get(key)
    elif rows == "kind":
        found = key if key in SOURCE_KINDS else None
    else:
        people = session.exec(select(getattr(Participant, rows))).all()
        metadata = [meta.get(rows) for meta in session.exec(select(Source.meta)).all()]
        found = key if key in {str(v).strip() for v in [*people, *metadata] if v} else None
    if found is None:
        what = {"participant": ("访谈编号", "interview record ID"), "organization": ("单位", "organisation"),
                "role": ("身份", "role"), "kind": ("来源类型", "kind of source")}[rows]  # fmt: skip
        raise QcoderError(f"本项目中没有{what[0]}“{key}”", f"no {what[1]} '{key}' in this project")
    return found
