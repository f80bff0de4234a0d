"""A project database as the CLI and the app see it: plain data in, plain data out.

Nothing outside ``coder/`` needs a session or a query; the Streamlit pages call these methods.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, func, select

from coder import (
    access,
    codebook,
    codebook_sync,
    consensus,
    history,
    memos,
    open_marks,
    overview,
    recent_work,
    retag_report,
    retrieval,
    review,
    rounds,
    throttle,
)
from coder.audit import coder_named
from coder.citation import Style
from coder.coding import add_coding, adjust_coding, delete_coding, list_codings
from coder.db import redact
from coder.db.engine import current_engine, database_url, retrying
from coder.db.models import EVIDENCE, AuditEvent, Coder, Segment, utcnow
from coder.defaults import MIN_REACH
from coder.errors import QcoderError
from coder.evidence import claims
from coder.export.quotes import Selection, select_quotes
from coder.export.respondents import respondents
from coder.files import undone_on_failure
from coder.masking import store as mask_store
from coder.sources import catalogue, ids, record_checks
from coder.sources.catalogue import list_sources, show_source, source_ids, update_metadata

if TYPE_CHECKING:
    import pandas as pd

T = TypeVar("T")


class Project:
    def __init__(self, engine: Engine, user: str | None = None) -> None:
        self.engine = engine
        self.user = user  # who is logged in to the app; None for the command line, which administers

    def for_user(self, name: str) -> Project:
        """The same project as one logged-in person sees and changes it (see coder.access, coder.rounds)."""
        return Project(self.engine, name)

    # People and rounds
    def team_mode(self) -> bool:
        with Session(self.engine) as session:
            return access.team_mode(session)

    def role(self) -> str:
        """What the person using this project may do: their role, or owner where nobody logs in."""
        with Session(self.engine) as session:
            if self.user is None or not access.team_mode(session):
                return "owner"
            found = session.exec(select(Coder).where(Coder.name == self.user)).first()
            return found.role if found and found.active and found.password_hash else "viewer"

    def log_in(self, name: str, password: str, client: str | None = None, now: dt.datetime | None = None) -> Project:
        """The project as ``name`` sees it, if the password is theirs (see coder.access) — refused before
        the password is checked while the name or the ``client`` address is locked (see coder.throttle)."""
        now = now or utcnow()
        # The attempt is counted and committed first, and Argon2 runs outside any write: attempts in flight
        # at once see each other's counts, and no row stays locked while a password is hashed.
        attempt = self._write(lambda session: throttle.reserve(session, name, client, now))
        try:
            with Session(self.engine) as session:
                person = access.authenticate(session, name, password).name
        except QcoderError:
            self._write(lambda session: throttle.failed(session, attempt))
            raise
        self._write(lambda session: throttle.succeeded(session, attempt))
        return self.for_user(person)

    def login_locks(self, now: dt.datetime | None = None) -> list[dict]:
        """Names and addresses with failed logins counted, and which are locked (the owner's to see)."""
        with Session(self.engine) as session:
            self._allow(session, "manage")
            return throttle.locks(session, now or utcnow())

    def unlock(self, name: str | None = None, client: str | None = None) -> None:
        """Clear a name's or an address's failed logins and lock (see coder.throttle)."""
        self._write(lambda session: throttle.unlock(session, name, client, self.user), action="manage")

    def users(self) -> list[dict]:
        with Session(self.engine) as session:
            return access.users(session)

    def add_user(self, name: str, role: str, password: str) -> None:
        def work(session: Session) -> None:
            self._allow(session, "manage")
            access.add_user(session, name, role, password, self.user)

        self._write(work)

    def change_user(self, name: str, role: str | None = None, password: str | None = None,
                    active: bool | None = None) -> None:  # fmt: skip
        def work(session: Session) -> None:
            if not (password is not None and role is None and active is None and name == self.user):
                self._allow(session, "manage")
            else:
                self._allow(session, "login")  # anyone logged in may change their own password
            access.change_user(session, name, role, password, active, self.user)

        self._write(work)

    def set_team_mode(self, on: bool) -> None:
        def work(session: Session) -> None:
            self._allow(session, "manage")
            access.set_team_mode(session, on, self.user)

        self._write(work)

    def rounds(self) -> list[dict]:
        with Session(self.engine) as session:
            return rounds.list_rounds(session)

    def open_round(self, name: str, sources: list[str], coder: str | None = None) -> int:
        def work(session: Session) -> int:
            self._allow(session, "manage")
            return rounds.open_round(session, name, sources, self.user or coder)

        return self._write(work)

    def close_round(self, round_id: int, coder: str | None = None) -> None:
        def work(session: Session) -> None:
            self._allow(session, "manage")
            rounds.close_round(session, round_id, self.user or coder)

        self._write(work)

    def _allow(self, session: Session, action: str) -> None:
        """Refuse what the logged-in person's role does not allow; the command line administers freely."""
        if self.user is not None:
            access.require(session, self.user, action)

    def _check(self, action: str) -> None:
        """The role check alone, for work that runs its own transactions (imports, tagging)."""
        with Session(self.engine) as session:
            self._allow(session, action)

    def session_stamp(self) -> str | None:
        """The logged-in person's credentials fingerprint (see coder.access.stamp); None once disabled."""
        with Session(self.engine) as session:
            return access.stamp(session, self.user) if self.user else None

    def _by(self, coder: str | None) -> str | None:
        """Whom a write is attributed to: the logged-in person, whatever name a page passed."""
        return self.user or coder

    @classmethod
    def open(cls, url: str | None = None) -> Project:
        """Open a database that ``qcoder init`` has brought to the latest schema; refuse any other."""
        return cls(current_engine(url))

    def _write(self, work: Callable[[Session], T], action: str | None = None) -> T:
        """``work(session)`` in one transaction, run again from the start while the database is busy
        (see :func:`coder.db.engine.retrying`); any other database failure — a concurrent duplicate, say —
        becomes a message. ``work`` must depend on its session only: it may run more than once. With an
        ``action``, the logged-in person's role must allow it (see coder.access)."""

        def allowed_work(session: Session) -> T:
            if action is not None:
                self._allow(session, action)
            return work(session)

        try:
            return retrying(self.engine, allowed_work)
        except SQLAlchemyError as exc:
            detail = redact.describe(exc, self.engine.url)
            raise QcoderError(
                f"数据库未能完成这次写入，未作任何更改：{detail}",
                f"the database refused this write; nothing changed: {detail}",
            ) from None

    def data_version(self) -> int:
        """Changes whenever anything is written (every write leaves an AuditEvent): the app's cache key."""
        with Session(self.engine) as session:
            return session.exec(select(func.max(AuditEvent.id))).one() or 0

    # Audit log
    def audit_events(
        self, coder: str | None = None, entity: str | None = None, entity_id: str | None = None, limit: int = 200
    ) -> list[dict]:
        """Who changed what, newest first (see coder.history); in team mode the owner's to read."""
        with Session(self.engine) as session:
            self._allow(session, "manage")
            return history.events(session, coder, entity, entity_id, limit=limit)

    def audit_coders(self) -> list[str]:
        """Everyone who appears in the audit log."""
        with Session(self.engine) as session:
            return history.coders_in_log(session)

    def undo(self, event_id: int, coder: str | None = None) -> dict:
        """Undo one logged change, if nothing changed it since and the person may (see coder.history)."""
        return self._write(lambda session: history.undo(session, event_id, self.user or coder))

    def tag(
        self, progress: Callable[[str], None] | None = None, force: bool = False, include_open: bool = False
    ) -> dict:
        """Suggest codes for what is not tagged yet, or for everything with ``force``; sources open in a
        browser are left for the next run unless ``include_open`` (see coder.tagging). The report is kept
        as an audit event (``event``; see :meth:`retag_reports`)."""
        from coder import tagging

        self._check("write")
        try:
            report = tagging.tag(self.engine, force=force, progress=progress, include_open=include_open)
        except SQLAlchemyError as exc:
            detail = redact.describe(exc, self.engine.url)
            raise QcoderError(f"标注未完成：{detail}", f"tagging stopped: {detail}") from None
        return {
            "sources": report.sources, "pairs": report.pairs, "added": report.added, "removed": report.removed,
            "rescored": report.rescored,
            "by_code": dict(sorted(report.by_code.items())),
            "by_source": report.by_source, "deferred": report.deferred, "changed_open": report.changed_open,
            "model": report.suggester, "event": report.event,
        }  # fmt: skip

    # What re-tags did, and the sources open in a browser that they leave alone (coder.retag_report,
    # coder.open_marks)
    def retag_reports(self, since_event: int | None = None) -> list[dict]:
        """The stored re-tag reports, newest first (after event ``since_event`` when given): id, at, added,
        rescored, withdrawn, by_source, deferred, changed_open, model."""
        with Session(self.engine) as session:
            return retag_report.reports(session, since_event)

    def mark_open(self, source_id: str, session_key: str) -> bool:
        """The browser session ``session_key`` shows ``source_id`` now: re-tags leave it alone for a while
        (coder.open_marks.OPEN_FOR). Call it on each render, before reading the source's suggestions.

        False when the database would not take the mark (a read-only copy, say): the page goes on, since a
        database that refuses a mark refuses a re-tag too. An unknown source is refused."""
        with Session(self.engine) as session:  # a fresh mark is only read: most renders write nothing
            if open_marks.fresh(session, source_id, session_key, utcnow()):
                return True
        try:
            retrying(self.engine, lambda session: open_marks.mark_open(session, source_id, session_key, utcnow()))
        except SQLAlchemyError:
            return False
        return True

    def mark_closed(self, session_key: str) -> None:
        """The browser session ``session_key`` shows no source any more."""
        self._write(lambda session: open_marks.mark_closed(session, session_key))

    def open_sources(self) -> set[str]:
        """The sources some browser has open now (what a re-tag would defer)."""
        with Session(self.engine) as session:
            return open_marks.open_sources(session, utcnow())

    def sources(self) -> list[dict[str, Any]]:
        """Every source with its coding counts, as this person may see them (see coder.rounds)."""
        with Session(self.engine) as session:
            return list_sources(session, viewer=self.user)

    def source(self, source_id: str, with_names: bool = False) -> dict[str, Any]:
        with Session(self.engine) as session:
            if with_names and self.user is not None:
                access.require(session, self.user, "names")
            return show_source(session, source_id, with_names=with_names)

    def update_metadata(self, source_id: str, changes: dict, coder: str) -> None:
        self._write(
            lambda session: update_metadata(session, source_id, changes, coder_named(session, self._by(coder))), "write"
        )

    def preview_upload(self, name: str, data: bytes, kind: str, taken: tuple[str, ...] = ()) -> dict:
        """The ID an uploaded file would be imported under (beside the IDs ``taken`` by the files uploaded
        with it), and any problem with it; nothing is kept."""
        from coder.sources import uploads

        return vars(uploads.preview(self.engine, name, data, kind, frozenset(taken)))

    def import_upload(self, corpus: Path, name: str, data: bytes, kind: str, record_id: str | None = None) -> dict:
        """Import one uploaded file (kept once under ``corpus``) with the same rules as ``qcoder import``;
        ``record_id`` is the ID confirmed on the page for a file that carries none."""
        from coder.sources import uploads

        self._check("write")  # the import has its own transaction
        return vars(uploads.import_upload(self.engine, corpus, name, data, kind, self.user, record_id))

    def make_id(self, day: dt.date, kind: str = "interview", name: str | None = None) -> dict:
        """The ID ``qcoder id make`` gives: date + initials of ``name`` (with its warnings), or the next
        policy/media number; a second person with the same initials that day gets a visible suffix."""
        made = ids.make_record(day, kind, self.source_ids(), name=name, allow_suffix=True)
        return {"id": made.id, "warnings": made.warnings}

    def source_ids(self) -> set[str]:
        with Session(self.engine) as session:
            return source_ids(session)

    def codes(self, full: bool = False) -> dict[str, Any]:
        with Session(self.engine) as session:
            return codebook_sync.stored(session, full)

    def codings(self, source: str | None = None, code: str | None = None, status: str | None = None) -> list[dict]:
        with Session(self.engine) as session:
            return list_codings(session, source, code, status, viewer=self.user)

    def overview(self, with_suggestions: bool = False) -> dict:
        """Counts for the Overview page (suggestions count as evidence only when asked), of the codings
        this person may see (see coder.rounds)."""
        statuses = (*EVIDENCE, "suggested") if with_suggestions else EVIDENCE
        with Session(self.engine) as session:
            return {
                **overview.summary(session),
                "progress": overview.progress(session, self.user),
                "codes": overview.code_frequencies(session, statuses, self.user),
            }

    def evaluate(self, gold: Path, unit: str = "sentence", train: Path | None = None) -> dict:
        """Precision, recall and F1 of the suggestions against the gold codings under ``gold``; with
        ``train``, keyword-only, learned and combined compared after training on that gold."""
        from coder import tagging

        with Session(self.engine) as session:
            return tagging.evaluate_gold(session, gold, unit, train)

    # Suggestions that learn (see coder.priors, coder.training)
    def train(self, coder: str | None = None, progress: Callable[[int, int], None] | None = None) -> dict:
        """Train a new version of the learned suggester from the decisions so far and use it."""
        from coder import tagging, training

        self._check("write")  # training runs its own transactions
        with Session(self.engine) as session:
            tagger = tagging.learning_tagger(session)
        return training.train(self.engine, tagger, self._by(coder), progress)

    def suggester(self) -> dict:
        """Which suggester tagging uses, from which score it suggests, the model in use (None before the
        first training) and why the last training failed (None unless it did)."""
        from coder import training

        with Session(self.engine) as session:
            return {
                "mode": training.mode(session),
                "threshold": training.threshold(session),
                "model": training.active_meta(self.engine, session),
                "failure": training.last_failure(session),
                "auto_retrain": training.auto_retrain(session),
            }

    def set_suggester(self, mode: str, coder: str | None = None) -> None:
        from coder import training

        self._write(lambda session: training.set_mode(session, mode, self._by(coder)), "codebook")

    def set_auto_retrain(self, on: bool, coder: str | None = None) -> None:
        """Let the app retrain (and re-tag) in the background after enough decisions, or not."""
        from coder import training

        self._write(lambda session: training.set_auto_retrain(session, on, self._by(coder)), "codebook")

    def retrain_in_background(self, only_if_due: bool = True) -> bool:
        """Start training a new model in a child process and return at once: by default only once enough
        new decisions were made since the last model (see coder.training.RETRAIN_AFTER), and never while
        the project has automatic retraining off; ``only_if_due=False`` (someone asked) trains anyway."""
        from coder import background, training

        if self.role() not in access.ALLOWED["write"]:
            return False
        if only_if_due:
            with Session(self.engine) as session:
                if not training.auto_retrain(session):
                    return False
            if not training.retrain_due(self.engine):
                return False
        return background.retrain(self.engine, self.user)

    def training_running(self) -> bool:
        from coder import background

        return background.training(self.engine)

    def term_histories(self) -> list[dict]:
        """Each codebook term's accept/reject history per code and its weight before and after."""
        from coder import tagging

        with Session(self.engine) as session:
            return tagging.term_histories(session)

    def propose_keywords(self, code: str, top: int = 20) -> list[dict]:
        from coder.keywords import propose as propose_keywords

        with Session(self.engine) as session:
            return propose_keywords(session, code, top, viewer=self.user)

    def save_codebook(self, path: Path, text: str, coder: str, force: bool = False) -> codebook_sync.SyncReport:
        """Validate the YAML, sync it into the database, and only then write it to ``path``.

        A refused sync (say, a removed code still has codings), a file that cannot be written (a full
        disk, a read-only folder) or a commit that fails leaves both the file and the database as they were.
        """
        book = codebook.parse(text, str(path))
        with undone_on_failure(path) as write:

            def sync_then_write(session: Session) -> codebook_sync.SyncReport:
                report = codebook_sync.sync(session, book, coder_named(session, self._by(coder)), force=force)
                session.flush()  # the database refuses what it will refuse before the file changes
                write(text.encode("utf-8"))  # last: a failed write undoes the sync, a failed commit the write
                return report

            return self._write(sync_then_write, "codebook")

    def retrieve(self, query: retrieval.Query) -> list[dict]:
        with Session(self.engine) as session:
            return retrieval.retrieve(session, query, viewer=self.user)

    def search(self, query: retrieval.Query) -> dict:
        """The whole text of the sources searched, each hit coded or uncoded, with the codings and memos this
        person may see (see coder.search.hits)."""
        from coder.search import search

        with Session(self.engine) as session:
            return search(session, query, viewer=self.user)

    def export_search(
        self, query: retrieval.Query, fmt: str, lang: str = "zh", masked: bool = True, style: Style | None = None
    ) -> bytes:
        """The hits of :meth:`search` as md, docx, xlsx, csv or json, each cited as the quote export cites it;
        names on the mask list hidden, and the file says so, unless ``masked`` is False (coder.search.files)."""
        from coder import tagging
        from coder.export.text import labels_for
        from coder.search import files, search

        labels_for(fmt, files.FORMATS, lang, files.LABELS)  # an unknown format is refused before any work
        with Session(self.engine) as session:
            found = search(session, query, viewer=self.user)
            masking = mask_store.masking(session) if masked else (None, 0)
            words = tagging.tagger_for(session).words
            return files.render(session, found, query.text, fmt, words, lang, masking, style, self.user)

    def filter_values(self) -> dict[str, list[str]]:
        """What the Retrieve filters can offer: participant roles and coder names."""
        with Session(self.engine) as session:
            return {"roles": retrieval.roles(session), "coders": retrieval.coder_names(session)}

    # The Coding workbench (see coder/ui/workbench)
    def create_code(
        self, dimension: str, name: str, coder: str, name_en: str | None = None, path: Path | None = None
    ) -> str:
        """A new code named ``name`` under ``dimension`` (in vivo: the selected words), added to the codebook
        file at ``path`` (default: the app's, see coder.codebook.app_path) through the validated sync; its id."""
        from coder import invivo

        self._check("codebook")  # a coder is told the rule that stops them, not what is wrong with the name
        path = Path(path) if path is not None else codebook.app_path()
        text, code_id = invivo.with_new_code_in(
            invivo.read(codebook.starting_point(path, self.codes()["version"])), dimension, name, name_en
        )
        self.save_codebook(path, text, coder)
        return code_id

    def recent_codes(self, coder: str, limit: int = 5) -> list[str]:
        """The codes this person used last, newest first (see coder.recent_work)."""
        with Session(self.engine) as session:
            return recent_work.recent_codes(session, self.user or coder, limit)

    def last_undoable(self, coder: str, source: str) -> dict | None:
        """This person's newest change to a coding of ``source`` that undo can take back, or None."""
        with Session(self.engine) as session:
            return recent_work.last_undoable(session, self.user or coder, source)

    def may_undo(self) -> bool:
        """Whether this person may undo changes (the owner; everyone where nobody logs in)."""
        return self.role() in access.ALLOWED["manage"]

    def units(self, source: str) -> dict[str, list[list[int]]]:
        """The stored sentences and speaker turns of ``source`` as [start, end] pairs, in text order."""
        with Session(self.engine) as session:
            rows = session.exec(
                select(Segment.kind, Segment.start, Segment.end)
                .where(Segment.source_id == source, Segment.kind.in_(("sentence", "turn")))
                .order_by(Segment.kind, Segment.start)
            ).all()
        units: dict[str, list[list[int]]] = {"sentences": [], "turns": []}
        for kind, start, end in rows:
            units["sentences" if kind == "sentence" else "turns"].append([start, end])
        return units

    def add_coding(self, source: str, start: int, end: int, code: str, coder: str, memo: str | None = None) -> int:
        return self._write(lambda s: add_coding(s, source, start, end, code, self._by(coder), memo).id, "write")

    def adjust_coding(self, coding_id: int, start: int, end: int, coder: str, version: int | None = None) -> None:
        """Move a coding this person may see (see coder.coding)."""
        by, viewer = self._by(coder), self.user
        self._write(lambda session: adjust_coding(session, coding_id, start, end, by, version, viewer), "write")

    def delete_coding(self, coding_id: int, coder: str, version: int | None = None) -> None:
        """Delete a coding this person may see (see coder.coding)."""
        self._write(lambda session: delete_coding(session, coding_id, self._by(coder), version, self.user), "write")

    def decide(
        self, coding_id: int, decision: str, coder: str, version: int | None = None, new_code: str | None = None
    ) -> str:
        """Accept or reject one suggestion (or accept it under ``new_code``); see coder.review. The code the
        decision is of."""
        by, viewer = self._by(coder), self.user
        return self._write(
            lambda s: review.decide(s, coding_id, decision, by, version, new_code, viewer=viewer).code_id, "write"
        )

    def pending(self, source: str, coder: str) -> int:
        """How many suggestions in ``source`` this person has yet to review (see coder.review.suggestions)."""
        with Session(self.engine) as session:
            return len(review.suggestions(session, review.Selection(source=source), self._by(coder), self.user))

    def decide_all(self, source: str, code: str, decision: str, coder: str) -> int:
        """The same decision for every suggestion of ``code`` in ``source``; how many were decided."""
        selection = review.Selection(source=source, code=code)
        by, viewer = self._by(coder), self.user
        return len(self._write(lambda session: review.decide_many(session, selection, decision, by, viewer), "write"))

    # REFI-QDA exchange
    def export_qdpx(
        self, name: str, with_suggestions: bool = False, with_names: bool = False, masked: bool = False
    ) -> bytes:
        """The project as a REFI-QDA .qdpx for NVivo, ATLAS.ti, MAXQDA … (see coder.export.qdpx), with the
        codings this person may see; ``masked`` (opt-in: the file is usually the researcher's own project for
        another tool) masks the names on the mask list, and the file says so."""
        from coder.export import qdpx

        with Session(self.engine) as session:
            if with_names:
                self._allow(session, "names")
            masker, entries = mask_store.masking(session) if masked else (None, 0)
            return qdpx.export_project(
                session, name, with_suggestions, with_names, viewer=self.user, masker=masker, entries=entries
            )

    def import_qdpx(
        self,
        path: Path,
        kind: str | None = None,
        with_names: bool = False,
        id_map: Path | None = None,
        new_codes: bool = True,
        codebook_path: Path | None = None,
    ) -> dict:
        """Import a .qdpx in one transaction; what was added and what was skipped, with the reasons. Codes
        the codebook lacks are added to ``codebook_path`` (default: coder.codebook.app_path) unless not
        ``new_codes``; ``id_map`` is a --map file (see coder.export.qdpx_import). Adding codes takes the
        codebook role, checked inside the import once it knows whether the file adds any."""
        from coder.export import qdpx_import

        self._check("names" if with_names else "write")
        return vars(
            qdpx_import.import_qdpx(self.engine, path, kind, with_names, id_map, new_codes, codebook_path, self.user)
        )

    def plan_qdpx(self, path: Path, kind: str | None = None, id_map: Path | None = None) -> dict:
        """The record ID each source of a .qdpx would get (``sources``), importing nothing."""
        from coder.export import qdpx_import

        self._check("write")
        return vars(qdpx_import.plan_qdpx(self.engine, path, kind, id_map))

    def export_qdc(self) -> bytes:
        """The codebook as a REFI-QDA .qdc (see coder.export.qdc)."""
        from coder.export import qdc

        with Session(self.engine) as session:
            return qdc.export_codebook(session)

    def export_taguette_codebook(self) -> bytes:
        """The codebook as a CSV that Taguette's codebook import reads (see coder.export.taguette_codebook)."""
        from coder.export import taguette_codebook

        with Session(self.engine) as session:
            return taguette_codebook.codebook_csv(session)

    # Inter-coder agreement
    def icr_coders(self) -> list[str]:
        """Coders with decisions of their own outside open rounds: who can be compared (see coder.reliability)."""
        from coder import reliability

        with Session(self.engine) as session:
            return reliability.coders_with_codings(session)

    def agreement(
        self,
        coders: list[str] | tuple[str, ...] | None = None,
        unit: str = "segment",
        segment: str = "sentence",
        coded_only: bool = False,
        sources: list[str] | tuple[str, ...] | None = None,
        round_id: int | None = None,
        lang: str = "zh",
        skip_unfinished: bool = False,
        min_reach: float = MIN_REACH,
        max_pending: float | None = None,
    ) -> dict:
        """Percent agreement, Cohen's κ, Krippendorff's α and Gwet's AC1 per code and pooled, each coder's
        coverage of each source with warnings about unfinished ones (left out with ``skip_unfinished``), and
        the methods sentence.

        Sources in an open agreement round are never compared: the round is blind until it is closed.
        """
        from coder import reliability

        with Session(self.engine) as session:
            chosen = (coders, unit, segment, coded_only, sources, round_id, lang)
            return reliability.agreement(session, *chosen, skip_unfinished, min_reach, max_pending)

    def agreement_report(self, result: dict, fmt: str, lang: str = "zh") -> bytes:
        """``result`` of :meth:`agreement` as md, xlsx or docx, with the methods sentence in ``lang``."""
        from coder.export.agreement import render_agreement

        return render_agreement(result, fmt, lang)

    def disagreements(
        self,
        coders: list[str] | tuple[str, ...] | None = None,
        segment: str = "sentence",
        sources: list[str] | tuple[str, ...] | None = None,
        round_id: int | None = None,
    ) -> dict:
        """The segments where the coders differ, with the codings behind them (see coder.consensus)."""
        with Session(self.engine) as session:
            return consensus.disagreements(session, coders, segment, sources, round_id)

    def resolve_consensus(
        self, source: str, start: int, end: int, code: str, originals: list[int], coder: str | None = None
    ) -> int:
        """Record a consensus coding resolving ``originals`` (kept unchanged); its id. Needs write access."""

        def work(session: Session) -> int:
            self._allow(session, "write")
            return consensus.resolve(session, source, start, end, code, self.user or coder, originals, self.user).id

        return self._write(work)

    def triangulate(self, min_kinds: int = 2) -> dict:
        """The corroboration check of every code, dimension and claim (see coder.evidence.triangulation)."""
        from coder.evidence import triangulation

        with Session(self.engine) as session:
            return triangulation.check(session, min_kinds, viewer=self.user)

    def triangulation_report(self, result: dict, fmt: str, lang: str = "zh", masked: bool = True) -> bytes:
        """``result`` of :meth:`triangulate` rendered as md, html, docx or json; names on the mask list hidden
        (and the methods paragraph saying so) unless ``masked`` is False."""
        from coder.evidence import report as triangulation_report
        from coder.masking import outputs

        if masked:
            with Session(self.engine) as session:
                masker, entries = mask_store.masking(session)
                quoted = {
                    q["source"]
                    for row in [*result["codes"], *result["claims"]]
                    for q in row.get("strongest", {}).values()
                }
                texts = catalogue.texts(session, quoted)
            if masker:
                result = outputs.triangulation(result, masker, texts, entries)
        return triangulation_report.render(result, fmt, lang)

    def claims(self) -> list[dict]:
        with Session(self.engine) as session:
            return claims.list_claims(session)

    def add_claim(self, text: str, codes: list[str], codings: list[int], coder: str | None) -> int:
        """A claim on codes and on codings this person may see (see coder.evidence.claims)."""
        by, viewer = self._by(coder), self.user
        return self._write(lambda session: claims.add_claim(session, text, codes, codings, by, viewer), "write")

    def delete_claim(self, claim_id: int, coder: str | None) -> None:
        self._write(lambda session: claims.delete_claim(session, claim_id, self._by(coder)), "write")

    # Memos on sources and codes (see coder.memos; memos on codings are written with the coding)
    # The mask list (coder.masking): names hidden in what leaves qcoder; the project's design, so its owner's.

    def masks(self, with_names: bool = False) -> list[dict[str, Any]]:
        """The mask list as a person reviews it; interviewees' names only ``with_names`` (and the right to)."""
        with Session(self.engine) as session:
            if with_names and self.user is not None:
                access.require(session, self.user, "names")
            return mask_store.listed(session, with_names)

    def add_mask(
        self, mention: str, kind: str, coder: str | None, replacement: str | None = None, replace: bool = False
    ) -> dict[str, str]:
        """Confirm a mention to mask (see coder.masking.store.add); what it will be replaced by."""

        def work(session: Session) -> dict[str, str]:
            row = mask_store.add(session, mention, kind, self._by(coder), replacement, replace)
            return {"mention": row.mention, "replacement": row.replacement, "kind": row.kind}

        return self._write(work, "codebook")

    def dismiss_mask(self, mention: str, kind: str, coder: str | None) -> None:
        self._write(lambda session: mask_store.dismiss(session, mention, kind, self._by(coder)) and None, "codebook")

    def remove_mask(self, mention: str, coder: str | None) -> None:
        self._write(lambda session: mask_store.remove(session, mention, self._by(coder)), "codebook")

    def mask_suggestions(self) -> list[dict[str, Any]]:
        """Names the sources may hold that nobody has decided on yet, to confirm or dismiss."""
        with Session(self.engine) as session:
            return mask_store.suggestions(session)

    def add_memo(self, text: str, coder: str | None, source: str | None = None, code: str | None = None) -> int:
        """A memo on one source or one code; its id."""
        return self._write(lambda session: memos.add_memo(session, text, self._by(coder), source, code).id, "write")

    def edit_memo(self, memo_id: int, text: str, coder: str | None, expected: str | None = None) -> None:
        """Replace a memo's text; with ``expected`` (the text as read) refused if someone changed it since."""
        by, viewer = self._by(coder), self.user
        self._write(lambda session: memos.edit_memo(session, memo_id, text, by, expected, viewer), "write")

    def delete_memo(self, memo_id: int, coder: str | None) -> None:
        by, viewer = self._by(coder), self.user
        self._write(lambda session: memos.delete_memo(session, memo_id, by, viewer), "write")

    def memos(
        self, source: str | None = None, code: str | None = None, query: str | None = None, codings: bool = False
    ) -> list[dict]:
        """Memos on ``source``, on ``code`` or all (with memos on codings too when ``codings``), whose text
        holds ``query``, as this person may see them: dicts with id, target, source, code, coding, text,
        coder, created_at."""
        with Session(self.engine) as session:
            return memos.list_memos(session, source, code, query, codings, viewer=self.user)

    def retrieve_memos(self, query: retrieval.Query) -> list[dict]:
        """The memos on what a Retrieve query selects, whose text holds its text (see coder.memos.matching)."""
        with Session(self.engine) as session:
            return memos.matching(session, query, viewer=self.user)

    def fieldwork(self) -> tuple[dt.date | None, dt.date | None]:
        """The fieldwork window interviews should fall in: (start, end) dates or (None, None)."""
        with Session(self.engine) as session:
            return record_checks.fieldwork(session)

    def set_fieldwork(self, start: dt.date | None, end: dt.date | None, coder: str | None) -> None:
        """Set both ends of the fieldwork window, or clear it with (None, None)."""
        self._write(
            lambda session: record_checks.set_fieldwork(session, start, end, coder_named(session, self._by(coder))),
            "codebook",
        )

    def quotes(self, selection: Selection, style: Style | None = None, masked: bool = True) -> list[dict]:
        """Coded quotes for a paper, each with its code's triangulation status (see coder.export.quotes);
        names on the mask list hidden unless ``masked`` is False."""
        from coder import tagging
        from coder.evidence import triangulation

        with Session(self.engine) as session:
            checked = triangulation.check(session, viewer=self.user)
            statuses = {row["code"]: row["status"] for row in checked["codes"]}
            words = tagging.tagger_for(session).words
            masker = mask_store.masker(session) if masked else None
            return select_quotes(session, selection, words, style, statuses, viewer=self.user, masker=masker or None)

    def export_quotes(
        self,
        selection: Selection,
        fmt: str,
        style: Style | None = None,
        lang: str = "zh",
        with_ids: bool = False,
        masked: bool = True,
    ) -> bytes:
        """Coded quotes as a file (see coder.export.formats); code ids in the headings only ``with_ids``; names
        on the mask list hidden, and the file says so, unless ``masked`` is False."""
        from coder.export.formats import render_quotes

        with Session(self.engine) as session:
            entries = mask_store.size(session) if masked else 0
        rows = self.quotes(selection, style, masked)
        return render_quotes(rows, fmt, style, lang, with_ids, masked=entries)

    def respondents(self) -> list[dict]:
        with Session(self.engine) as session:
            return respondents(session)

    def export_respondents(self, fmt: str, lang: str = "zh", masked: bool = True) -> bytes:
        """The respondent table as a file; organisations, places, posts and interviewers on the mask list
        hidden (a paper's table 1 names the township as surely as a quote), and the file says so, unless
        ``masked`` is False."""
        from coder.export.formats import render_respondents

        rows, entries = self.respondents(), 0
        if masked:
            with Session(self.engine) as session:
                masker, entries = mask_store.masking(session)
            if masker:
                rows = [{k: masker.mask(v) if isinstance(v, str) else v for k, v in row.items()} for row in rows]
            else:
                entries = 0
        return render_respondents(rows, fmt, lang, masked=entries)

    # Analysis displays
    def cooccurrence(self, selection: Selection, level: str = "code", c_coefficient: bool = False) -> pd.DataFrame:
        """Codes × codes co-occurring in a sentence (see coder.analysis.cooccurrence for the rule)."""
        from coder.analysis import cooccurrence

        with Session(self.engine) as session:
            return cooccurrence.cooccurrence(session, selection, level, c_coefficient, viewer=self.user)

    def cooccurrence_quotes(self, a: str, b: str, selection: Selection, level: str = "code") -> pd.DataFrame:
        """The passages where ``a`` and ``b`` co-occur: what a click on a co-occurrence cell shows."""
        from coder.analysis import cooccurrence

        with Session(self.engine) as session:
            return cooccurrence.quotes(session, a, b, selection, level, viewer=self.user)

    def framework(self, rows: str, selection: Selection, level: str = "code") -> pd.DataFrame:
        """Participants (organisations, roles, kinds) × codes with counts, quotes and summaries."""
        from coder.analysis import framework

        with Session(self.engine) as session:
            return framework.framework(session, rows, selection, level, viewer=self.user)

    def set_framework_summary(self, rows: str, key: str, code: str, text: str, coder: str | None = None) -> None:
        """Store one framework cell's summary (empty text removes it), audited and attributed; in an open
        round only one's own (see :func:`coder.analysis.framework.set_summary`)."""
        from coder.analysis import framework

        by = self._by(coder)
        self._write(lambda session: framework.set_summary(session, rows, key, code, text, by, self.user), "write")

    def timeline(self, selection: Selection, by: str = "month", level: str = "code") -> pd.DataFrame:
        """Codes × months or quarters of the sources' dates, per kind of source."""
        from coder.analysis import timeline

        with Session(self.engine) as session:
            return timeline.timeline(session, selection, by, level, viewer=self.user)

    def stopwords(self) -> str:
        """The project's stop-word list as text (the shipped one until someone saves another)."""
        from coder.analysis import words

        with Session(self.engine) as session:
            return words.stored_stopwords(session)

    def set_stopwords(self, text: str, coder: str | None = None) -> None:
        """Save the project's stop-word list; empty text brings back the shipped one."""
        from coder.analysis import words

        self._write(lambda session: words.set_stopwords(session, text, self._by(coder)), "write")

    def words(self, selection: Selection, top: int = 50, stopwords: str | None = None) -> pd.DataFrame:
        """The top terms of a selection, without the stop words in ``stopwords`` (text; default the project's)."""
        from coder.analysis import words

        with Session(self.engine) as session:
            listed = words.parse_stopwords(words.stored_stopwords(session) if stopwords is None else stopwords)
            return words.words(session, selection, listed, top, viewer=self.user)

    def kwic(self, selection: Selection, term: str) -> pd.DataFrame:
        """Keyword-in-context lines of ``term`` in what the selection reads."""
        from coder.analysis import words

        with Session(self.engine) as session:
            return words.kwic(session, selection, term, viewer=self.user)

    def word_cloud(self, terms: pd.DataFrame) -> bytes:
        """A PNG word cloud of :meth:`words`' result, drawn with a CJK font (see coder.analysis.cloud)."""
        from coder.analysis.cloud import word_cloud

        return word_cloud(dict(zip(terms["term"], terms["count"], strict=True)))

    def display_report(
        self, frame: pd.DataFrame, fmt: str, lang: str = "zh", kwic: pd.DataFrame | None = None, masked: bool = True
    ) -> bytes:
        """A display (and a words display's KWIC lines) as md, xlsx, docx, csv or json; names on the mask list
        hidden, and the notes saying so, unless ``masked`` is False."""
        from coder.export.displays import render_display
        from coder.masking import outputs

        if masked:
            with Session(self.engine) as session:
                masker, entries = mask_store.masking(session)
                texts = _texts(session, [frame, kwic])
            if masker:
                note = outputs.methods_note(entries, lang)
                frame = outputs.frame(frame, masker, note, texts)
                kwic = outputs.frame(kwic, masker, note, texts) if kwic is not None else None
        return render_display(frame, fmt, lang, kwic)


def _texts(session: Session, frames: list[pd.DataFrame | None]) -> dict[str, str]:
    """The stored texts of the sources a display's quotes or KWIC lines come from."""
    wanted = {
        str(source)
        for table in frames
        if table is not None
        for column in ("quote_source", "source")
        if column in table.columns
        for source in table[column]
        if source
    }
    return catalogue.texts(session, wanted)


def display_url(url: str | None = None) -> str:
    """The database URL in use (``--db``, ``QCODER_DB_URL`` or the default) with any password hidden."""
    return redact.display_url(database_url(url))
