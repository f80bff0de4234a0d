"""A project database as the CLI and the app see it: plain data in, plain data out.

Nothing outside ``coder/`` needs a session or a query; the Streamlit pages call these methods.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, func, select

from coder import (
    claims,
    codebook,
    overview,
    record_checks,
    retrieval,
    review,
    tagging,
    triangulation,
    triangulation_report,
)
from coder.audit import coder_named
from coder.citation import Style
from coder.coding import add_coding, adjust_coding, delete_coding, list_codings
from coder.corpus import import_upload
from coder.db import migrate
from coder.db.engine import database_url, make_engine, transaction
from coder.db.models import EVIDENCE, AuditEvent
from coder.errors import QcoderError
from coder.export import qdc, qdpx, qdpx_import
from coder.export.formats import render_quotes, render_respondents
from coder.export.quotes import Selection, select_quotes
from coder.export.respondents import respondents
from coder.keywords import propose as propose_keywords
from coder.sources import list_sources, show_source, source_ids, update_metadata


class Project:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str | None = None) -> Project:
        """Open a database that ``qcoder init`` has brought to the latest schema; refuse any other.

        A missing SQLite file is refused before connecting, which would create it empty.
        """
        try:
            ready = _sqlite_file_exists(url) and migrate.is_current(engine := make_engine(url))
        except (SQLAlchemyError, ImportError) as exc:
            where = display_url(url)
            raise QcoderError(f"无法使用数据库 {where}：{exc}", f"cannot use database {where}: {exc}") from None
        if not ready:
            where = display_url(url)
            raise QcoderError(
                f"数据库 {where} 尚未初始化或结构不是最新：请先运行 qcoder init",
                f"database {where} is not initialised or not at the latest schema: run qcoder init first",
            )
        return cls(engine)

    @contextmanager
    def _writing(self) -> Iterator[Session]:
        """One transaction; a database failure (locked, a concurrent duplicate) becomes a message."""
        try:
            with transaction(self.engine) as session:
                yield session
        except SQLAlchemyError as exc:
            detail = getattr(exc, "orig", None) or exc
            raise QcoderError(
                f"数据库未能完成这次写入，未作任何更改：{detail}",
                f"the database refused this write; nothing changed: {detail}",
            ) from None

    def data_version(self) -> int:
        """Changes whenever anything is written (every write leaves an AuditEvent): the app's cache key."""
        with Session(self.engine) as session:
            return session.exec(select(func.max(AuditEvent.id))).one() or 0

    def tag(self, progress: Callable[[str], None] | None = None, force: bool = False) -> dict:
        """Suggest codes for what is not tagged yet, or for everything with ``force`` (see coder.tagging)."""
        try:
            report = tagging.tag(self.engine, force=force, progress=progress)
        except SQLAlchemyError as exc:
            detail = getattr(exc, "orig", None) or exc
            raise QcoderError(f"标注未完成：{detail}", f"tagging stopped: {detail}") from None
        return {
            "sources": report.sources, "pairs": report.pairs, "added": report.added, "removed": report.removed,
            "by_code": dict(sorted(report.by_code.items())),
        }  # fmt: skip

    def sources(self) -> list[dict[str, Any]]:
        with Session(self.engine) as session:
            return list_sources(session)

    def source(self, source_id: str, with_names: bool = False) -> dict[str, Any]:
        with Session(self.engine) as session:
            return show_source(session, source_id, with_names=with_names)

    def update_metadata(self, source_id: str, changes: dict, coder: str) -> None:
        with self._writing() as session:
            update_metadata(session, source_id, changes, coder_named(session, coder))

    def import_upload(self, corpus: Path, name: str, data: bytes, kind: str) -> dict:
        """Import one uploaded file (kept under ``corpus``) with the same rules as ``qcoder import``."""
        return vars(import_upload(self.engine, corpus, name, data, kind))

    def source_ids(self) -> set[str]:
        with Session(self.engine) as session:
            return source_ids(session)

    def codes(self, full: bool = False) -> dict[str, Any]:
        with Session(self.engine) as session:
            return codebook.stored(session, full)

    def codings(self, source: str | None = None, code: str | None = None, status: str | None = None) -> list[dict]:
        with Session(self.engine) as session:
            return list_codings(session, source, code, status)

    def overview(self, with_suggestions: bool = False) -> dict:
        """Counts for the Overview page (suggestions count as evidence only when asked)."""
        statuses = (*EVIDENCE, "suggested") if with_suggestions else EVIDENCE
        with Session(self.engine) as session:
            return {
                **overview.summary(session),
                "progress": overview.progress(session),
                "codes": overview.code_frequencies(session, statuses),
            }

    def evaluate(self, gold: Path, unit: str = "sentence") -> dict:
        """Precision, recall and F1 of the suggestions against the gold codings under ``gold``."""
        with Session(self.engine) as session:
            return tagging.evaluate_gold(session, gold, unit)

    def propose_keywords(self, code: str, top: int = 20) -> list[dict]:
        with Session(self.engine) as session:
            return propose_keywords(session, code, top)

    def save_codebook(self, path: Path, text: str, coder: str, force: bool = False) -> codebook.SyncReport:
        """Validate the YAML, sync it into the database, and only then write it to ``path``.

        A refused sync (say, a removed code still has codings) leaves both the file and the database as
        they were.
        """
        book = codebook.parse(text, str(path))
        with self._writing() as session:
            report = codebook.sync(session, book, coder_named(session, coder), force=force)
        draft = path.with_suffix(".yaml.saving")
        draft.write_text(text, encoding="utf-8")
        draft.replace(path)
        return report

    def retrieve(self, query: retrieval.Query) -> list[dict]:
        with Session(self.engine) as session:
            return retrieval.retrieve(session, query)

    def filter_values(self) -> dict[str, list[str]]:
        """What the Retrieve filters can offer: participant roles and coder names."""
        with Session(self.engine) as session:
            return {"roles": retrieval.roles(session), "coders": retrieval.coder_names(session)}

    def add_coding(self, source: str, start: int, end: int, code: str, coder: str, memo: str | None = None) -> int:
        with self._writing() as session:
            return add_coding(session, source, start, end, code, coder, memo).id

    def adjust_coding(self, coding_id: int, start: int, end: int, coder: str, version: int | None = None) -> None:
        with self._writing() as session:
            adjust_coding(session, coding_id, start, end, coder, version)

    def delete_coding(self, coding_id: int, coder: str, version: int | None = None) -> None:
        with self._writing() as session:
            delete_coding(session, coding_id, coder, version)

    def decide(
        self, coding_id: int, decision: str, coder: str, version: int | None = None, new_code: str | None = None
    ) -> None:
        """Accept or reject one suggestion (or accept it under ``new_code``); see coder.review."""
        with self._writing() as session:
            review.decide(session, coding_id, decision, coder, expected_version=version, new_code=new_code)

    def decide_all(self, source: str, code: str, decision: str, coder: str) -> int:
        """The same decision for every suggestion of ``code`` in ``source``; how many were decided."""
        with self._writing() as session:
            return len(review.decide_many(session, review.Selection(source=source, code=code), decision, coder))

    # REFI-QDA exchange
    def export_qdpx(self, name: str, with_suggestions: bool = False, with_names: bool = False) -> bytes:
        """The project as a REFI-QDA .qdpx for NVivo, ATLAS.ti, MAXQDA … (see coder.export.qdpx)."""
        with Session(self.engine) as session:
            return qdpx.export_project(session, name, with_suggestions, with_names)

    def import_qdpx(self, path: Path, kind: str | None = None, with_names: bool = False) -> dict:
        """Import a .qdpx in one transaction; what was added and what was skipped, with the reasons."""
        return vars(qdpx_import.import_qdpx(self.engine, path, kind, with_names))

    def export_qdc(self) -> bytes:
        """The codebook as a REFI-QDA .qdc (see coder.export.qdc)."""
        with Session(self.engine) as session:
            return qdc.export_codebook(session)

    def triangulate(self, min_kinds: int = 2) -> dict:
        """The corroboration check of every code, dimension and claim (see coder.triangulation)."""
        with Session(self.engine) as session:
            return triangulation.check(session, min_kinds)

    def triangulation_report(self, result: dict, fmt: str, lang: str = "zh") -> bytes:
        """``result`` of :meth:`triangulate` rendered as md, html, docx or json."""
        return triangulation_report.render(result, fmt, lang)

    def claims(self) -> list[dict]:
        with Session(self.engine) as session:
            return claims.list_claims(session)

    def add_claim(self, text: str, codes: list[str], codings: list[int], coder: str | None) -> int:
        with self._writing() as session:
            return claims.add_claim(session, text, codes, codings, coder)

    def delete_claim(self, claim_id: int, coder: str | None) -> None:
        with self._writing() as session:
            claims.delete_claim(session, claim_id, coder)

    def fieldwork(self) -> tuple[dt.date | None, dt.date | None]:
        """The fieldwork window interviews should fall in: (start, end) dates or (None, None)."""
        with Session(self.engine) as session:
            return record_checks.fieldwork(session)

    def set_fieldwork(self, start: dt.date | None, end: dt.date | None, coder: str | None) -> None:
        """Set both ends of the fieldwork window, or clear it with (None, None)."""
        with self._writing() as session:
            record_checks.set_fieldwork(session, start, end, coder_named(session, coder))

    def quotes(self, selection: Selection, style: Style | None = None) -> list[dict]:
        """Coded quotes for a paper, each with its code's triangulation status (see coder.export.quotes)."""
        with Session(self.engine) as session:
            statuses = {row["code"]: row["status"] for row in triangulation.check(session)["codes"]}
            return select_quotes(session, selection, tagging.tagger_for(session).words, style, statuses)

    def export_quotes(self, selection: Selection, fmt: str, style: Style | None = None, lang: str = "zh") -> bytes:
        return render_quotes(self.quotes(selection, style), fmt, style, lang)

    def respondents(self) -> list[dict]:
        with Session(self.engine) as session:
            return respondents(session)

    def export_respondents(self, fmt: str, lang: str = "zh") -> bytes:
        return render_respondents(self.respondents(), fmt, lang)


def _sqlite_file_exists(url: str | None) -> bool:
    parsed = make_url(database_url(url))
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return True
    return Path(parsed.database).exists()


def display_url(url: str | None = None) -> str:
    """The database URL with any password hidden, for messages."""
    try:
        return make_url(database_url(url)).render_as_string(hide_password=True)
    except SQLAlchemyError:
        return repr(database_url(url))
