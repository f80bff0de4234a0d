"""Disagreement review and consensus codings.

:func:`disagreements` lists, per source and segment (sentence or turn), where the compared coders differ:
the segment's text, the codes each coder applied there, the codes they differ on, and the codings behind
them (coders, sources and the rule for applying a code to a segment are those of :mod:`coder.reliability`).

:func:`resolve` records what the coders agreed on after discussing a disagreement: a new coding with status
``manual`` and origin ``consensus``, linked (``ConsensusLink``) to each original coding it resolves. The
originals are never changed, so agreement can always be computed again from the independent work, and
consensus codings never count in it.

Consensus codings belong to a coder of their own, ``consensus`` (role ``system``, never logs in); the
person who resolved is recorded in the audit log. One coder per consensus keeps the resolver's own
codings apart from the consensus: a coder resolving in favour of their own coding would otherwise need a
second coding of the same span, code and coder, which the database rightly refuses. It also makes the
consensus version of a project one coder to filter by (Retrieve, exports, REFI-QDA).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlmodel import Session, select

from coder import known, reliability, rounds
from coder.audit import coder_named, record, snapshot
from coder.coding import insert_manual, sees
from coder.db.models import Coder, Coding, ConsensusLink
from coder.errors import QcoderError
from coder.sources import catalogue

CONSENSUS = reliability.CONSENSUS  # the origin of a consensus coding and the name of the coder it belongs to


def consensus_coder(session: Session) -> Coder:
    """The coder consensus codings belong to, created on first use."""
    found = session.exec(select(Coder).where(Coder.name == CONSENSUS)).first()
    if found is None:
        found = Coder(name=CONSENSUS, role="system")
        session.add(found)
        session.flush()
    return found


def resolve(
    session: Session,
    source_id: str,
    start: int,
    end: int,
    code_id: str,
    resolver: str | None = None,
    originals: Sequence[int] = (),
    viewer: str | None = None,
) -> Coding:
    """Record a consensus coding of ``text[start:end]`` with ``code_id``, resolving the ``originals``
    (coding ids of the same source, none of them a consensus or an unreviewed suggestion).

    Not in a source of an open agreement round: what the coders agree on comes after comparing, and the
    round is blind until it is closed. An original ``viewer`` may not see is refused as a missing one."""
    source = known.source(session, source_id)
    source_id = source.id
    held = rounds.open_round_of(session, source_id)
    if held is not None:
        raise QcoderError(
            f"来源 {source_id} 在尚未结束的一致性轮次“{held.name}”中：结束轮次后才能记录共识编码",
            f"source {source_id} is in the open agreement round “{held.name}”: close it before recording a consensus",
        )
    known.code(session, code_id)
    if not 0 <= start < end <= len(source.text):
        raise QcoderError(
            f"来源 {source_id}：位置 [{start}, {end}) 无效，应满足 0 ≤ start < end ≤ {len(source.text)}",
            f"source {source_id}: span [{start}, {end}) is invalid; need 0 <= start < end <= {len(source.text)}",
        )
    wanted = list(dict.fromkeys(originals))
    if not wanted:
        raise QcoderError(
            "共识编码需要至少一个原始编码（--from 编码编号）",
            "a consensus coding needs at least one original coding (--from CODING_ID)",
        )
    found = {c.id: c for c in session.exec(select(Coding).where(Coding.id.in_(wanted))).all()}
    for coding_id in wanted:
        original = found.get(coding_id)
        if original is None or not sees(session, viewer, coding_id):
            raise QcoderError(f"没有编号为 #{coding_id} 的编码", f"no coding #{coding_id}")
        if original.source_id != source_id:
            raise QcoderError(
                f"编码 #{coding_id} 属于来源 {original.source_id}，不是 {source_id}",
                f"coding #{coding_id} belongs to source {original.source_id}, not {source_id}",
            )
        if original.origin == CONSENSUS:
            raise QcoderError(
                f"编码 #{coding_id} 本身是共识编码，不能作为原始编码",
                f"coding #{coding_id} is a consensus coding itself, not an original",
            )
        if original.status == "suggested":
            raise QcoderError(
                f"编码 #{coding_id} 是尚未审阅的建议，不是编码者的决定",
                f"coding #{coding_id} is an unreviewed suggestion, not a coder's decision",
            )
    person = coder_named(session, resolver)
    owner = consensus_coder(session)
    same = (Coding.source_id == source_id, Coding.code_id == code_id, Coding.start == start, Coding.end == end)
    existing = session.exec(select(Coding.id).where(*same, Coding.coder_id == owner.id)).first()
    if existing is not None:
        raise QcoderError(
            f"来源 {source_id} [{start}, {end}) 已有 {code_id} 的共识编码（编码 #{existing}）",
            f"source {source_id} [{start}, {end}) already has a consensus coding {code_id} (coding #{existing})",
        )
    coding = insert_manual(session, source_id, code_id, start, end, owner, CONSENSUS)
    record(session, person, "create", "coding", coding.id, after=snapshot(coding))
    for original_id in wanted:
        link = ConsensusLink(consensus_id=coding.id, original_id=original_id)
        session.add(link)
        record(session, person, "create", "consensus_link", f"{coding.id}:{original_id}", after=snapshot(link))
    session.flush()
    return coding


def originals_of(session: Session, consensus_id: int) -> list[int]:
    """The original codings a consensus coding resolves."""
    return sorted(
        session.exec(select(ConsensusLink.original_id).where(ConsensusLink.consensus_id == consensus_id)).all()
    )


def disagreements(
    session: Session,
    coders: Sequence[str] | None = None,
    segment: str = "sentence",
    sources: Sequence[str] | None = None,
    round_id: int | None = None,
) -> dict[str, Any]:
    """Every segment where the coders differ on some code, source by source (see the module docstring).

    Each unit: ``source``, ``start``, ``end``, ``text``, ``codes`` (coder → the codes they applied there),
    ``missing`` (coders who took no part in that source), ``differ`` (the codes not every coder applied),
    ``codings`` (the coders' codings behind them: id, coder, code, start, end) and ``consensus``
    (code → the consensus coding already recorded there).
    """
    mat = reliability.material(session, coders, sources, round_id)
    found = reliability.decisions(session, mat, "segment", segment)
    values = found.values
    differ = (values == 1).any(axis=0) & (values == 0).any(axis=0)  # (K, U): someone applied, someone did not
    units = np.flatnonzero(differ.any(axis=0))
    span, where = found.hits
    behind: dict[int, list[int]] = defaultdict(list)
    for index, unit in zip(span.tolist(), where.tolist(), strict=True):
        behind[unit].append(index)
    wanted = sorted({mat.sources[s] for s in found.unit_source[units].tolist()})
    texts = catalogue.texts(session, wanted)
    settled = _consensus(session, mat, found, wanted)
    rows = []
    for unit in units.tolist():
        s = int(found.unit_source[unit])
        source, offset = mat.sources[s], int(mat.offsets[s])
        start, end = int(found.unit_start[unit]) - offset, int(found.unit_end[unit]) - offset
        rows.append(
            {
                "source": source,
                "start": start,
                "end": end,
                "text": texts[source][start:end],
                "codes": {
                    name: [mat.codes[k] for k in np.flatnonzero(values[c, :, unit] == 1).tolist()]
                    for c, name in enumerate(mat.coders)
                    if values[c, 0, unit] >= 0
                },
                "missing": [name for c, name in enumerate(mat.coders) if values[c, 0, unit] < 0],
                "differ": [mat.codes[k] for k in np.flatnonzero(differ[:, unit]).tolist()],
                "codings": [
                    {
                        "id": int(mat.coding_id[i]),
                        "coder": mat.coders[int(mat.coder[i])],
                        "code": mat.codes[int(mat.code[i])],
                        "start": int(mat.start[i]) - offset,
                        "end": int(mat.end[i]) - offset,
                    }
                    for i in sorted(
                        behind[unit], key=lambda i: (int(mat.coder[i]), int(mat.code[i]), int(mat.start[i]))
                    )
                ],
                "consensus": settled.get(unit, {}),
            }
        )
    return {"coders": mat.coders, "segment": segment, "sources": mat.sources, "units": rows}


def _consensus(
    session: Session, mat: reliability.Material, found: reliability.Decisions, sources: list[str]
) -> dict[int, dict[str, int]]:
    """Unit → {code: consensus coding id} for the consensus codings already recorded in ``sources``."""
    if not sources:
        return {}
    rows = session.exec(
        select(Coding.id, Coding.source_id, Coding.code_id, Coding.start, Coding.end).where(
            Coding.source_id.in_(sources), Coding.origin == CONSENSUS
        )
    ).all()
    if not rows:
        return {}
    index = {s: i for i, s in enumerate(mat.sources)}
    offset = np.array([mat.offsets[index[row[1]]] for row in rows], np.int64)
    start = offset + np.array([row[3] for row in rows], np.int64)
    end = offset + np.array([row[4] for row in rows], np.int64)
    span, where = reliability.assign(found.unit_start, found.unit_end, start, end)
    settled: dict[int, dict[str, int]] = defaultdict(dict)
    for i, unit in zip(span.tolist(), where.tolist(), strict=True):
        settled[unit].setdefault(rows[i][2], rows[i][0])
    return settled
