"""Codings written as quotes: ``source`` plus a list of ``{code, quote}`` in YAML.

This is the gold-standard format (``corpus/gold``) and an easy way to bring in codings made outside
qcoder. Each quote becomes a manual coding of the first place its exact text occurs in the source.
One transaction per file: a quote that cannot be placed stops that file (naming the quote) and no
other. Codings the coder already has are left alone, so loading a file twice changes nothing.
Writing the placed quotes (:func:`code_places`) is shared with Taguette's highlights
(:mod:`coder.export.taguette_highlights`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from coder.audit import coder_named
from coder.coding import add_coding
from coder.db.engine import retrying
from coder.db.models import Coding, Source
from coder.errors import QcoderError
from coder.evaluation import GoldFile, gold_paths, read_gold


@dataclass
class LoadReport:
    added: int = 0
    unchanged: int = 0
    files: int = 0
    errors: list[str] = field(default_factory=list)


def load_quote_files(engine: Engine, folder: Path, coder: str) -> LoadReport:
    """Load every ``*.yaml`` under ``folder`` (or one file) as manual codings by ``coder``."""
    report = LoadReport()
    for path in gold_paths(folder):
        try:
            quotes = read_gold(path)
            added, unchanged = retrying(engine, lambda session: _load(session, quotes, coder))  # noqa: B023
        except QcoderError as exc:
            report.errors.append(f"{exc.zh}\n{exc.en}")
            continue
        report.files += 1
        report.added += added
        report.unchanged += unchanged
    return report


def _load(session, quotes: GoldFile, coder_name: str) -> tuple[int, int]:
    source = session.get(Source, quotes.source)
    if source is None:
        raise QcoderError(
            f"{quotes.path}：来源 {quotes.source} 尚未导入", f"{quotes.path}: source {quotes.source} is not imported"
        )
    places = []
    for code, quote in quotes.codings:
        start = source.text.find(quote)
        if start < 0:
            raise QcoderError(
                f"{quotes.path}：来源 {source.id} 中找不到引文“{quote[:30]}”",
                f"{quotes.path}: quote “{quote[:30]}” is not in source {source.id}",
            )
        places.append((code, start, start + len(quote)))
    return code_places(session, source.id, coder_name, places)


def code_places(
    session: Session, source_id: str, coder_name: str, places: Iterable[tuple[str, int, int]]
) -> tuple[int, int]:
    """Manual codings by ``coder_name`` of ``source_id`` at each ``(code, start, end)``, in the caller's
    transaction; the places the coder has coded with that code already are left alone. (added, unchanged)."""
    coder = coder_named(session, coder_name)
    have = set(
        session.exec(
            select(Coding.code_id, Coding.start, Coding.end).where(
                Coding.source_id == source_id, Coding.coder_id == coder.id
            )
        ).all()
    )
    added = unchanged = 0
    for place in places:
        if place in have:
            unchanged += 1
            continue
        code, start, end = place
        add_coding(session, source_id, start, end, code, coder.name)
        have.add(place)
        added += 1
    return added, unchanged
