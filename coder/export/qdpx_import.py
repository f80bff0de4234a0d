"""Import a REFI-QDA project (``.qdpx``) written by qcoder or by another QDA tool, whole.

One transaction per file: what can be imported is, what cannot is listed with its reason, and a
failure of the database leaves nothing behind (codebook.yaml included). Importing the same file again
changes nothing. Reading the package is :mod:`coder.export.qdpx_read`; the record ID a new source gets,
:mod:`coder.export.qdpx_ids`; ``--plan`` and ``--map``, :mod:`coder.export.qdpx_plan`.

**Which source.** A source is the project's source whose other-tool GUID it carries (kept from an
earlier import), or whose qcoder GUID it carries (a qcoder export); else, without a ``--map`` ID, the
source its ``name`` is the record ID of, or the project's source with the same text. Such a source is
unchanged (its new codings and memos still come in); a record ID that exists with other text is
refused, as ``qcoder import`` refuses a changed file. Every other source gets a record ID
(:mod:`coder.export.qdpx_ids`), given in the report (``renamed``), printed per source, and in the
source's import audit event (``assigned_id``: the ID and what it was made from). IDs are drawn inside
the transaction, after other imports drawing numbers have committed
(:func:`coder.sources.catalogue.ids_to_number_from`); when another import took one meanwhile all the
same, the insert fails and the whole file is tried again with IDs drawn afresh.

**Positions.** A selection outside the raw text, or one that maps to nothing once the text is
normalised (:func:`coder.export.qdpx_read.normalised_with_positions`), is refused by its GUID while the
rest imports.

**Codes come over whole.** A code of the file is the project code it matches (its kept GUID, a qcoder
GUID, its 【编号 id】 line or its name: :mod:`coder.export.foreign_codes`). Every other code — a parent
with children included — is added to the codebook file the project uses (``--codebook``, else
``QCODER_CODEBOOK`` or ``codebook.yaml``: :func:`coder.codebook.app_path`) as in :mod:`coder.invivo`,
the file's comments kept, and synced in the same transaction (the file is put back if the transaction
fails). Adding codes takes the ``codebook`` role (:mod:`coder.access`); a file that adds none takes only
``write``. The codebook file must be the one the database was last synced from: else the import is
refused (sync it first). ``new_codes=False`` (``--no-new-codes``) adds none: codings of such codes are
skipped and listed with a hint, and a code named like a dimension is that dimension, which cannot be
coded.

**GUIDs kept.** The other tool's GUIDs of new codes (``guid`` in codebook.yaml), sources, codings and
selections are stored (qcoder's own are never stored: they are recomputed), and
:mod:`coder.export.qdpx` writes them back, so the other tool recognises its own things in an export.

**Codings and memos.** A coding keeps its coder (the ``creatingUser``; without one, the person
importing) and date. Its status comes back from the GUID a qcoder export gives it (see
:mod:`coder.export.qdpx`); any other coding is ``manual``. A coding directly on a source covers the
whole text. Notes become memos on the coding, source or code that refers to them; a note on a
selection goes to the selection's first coding; a note nothing refers to (or the project refers to)
is a project memo.

**Sets.** A set's sources get its name in a ``sets`` metadata list (shown with the other metadata in
``qcoder sources show``, exports and the .qdpx qcoder writes); sets of codes or notes, links and graphs
have no place in qcoder and are named in a warning: not imported.

**People.** Interviews in a ``Case`` share one participant, recognised again by the case GUID (which an
export writes back). A real name — an ``interviewee`` (or ``name``, 受访者, 姓名) variable, or a Case
named by it — is stored only with ``with_names``; it never becomes metadata, and without
``with_names`` it is replaced by the initials wherever the source's name is stored or shown
(:func:`coder.export.qdpx_ids.shown_name`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import Session, select

from coder import access, codebook, codebook_sync, invivo
from coder.audit import coder_named, record, snapshot
from coder.db.engine import retrying
from coder.db.models import Code, Coder, Coding, Memo, Setting, Source
from coder.db.redact import describe
from coder.errors import QcoderError
from coder.export import foreign_codes, qdpx_ids, qdpx_read
from coder.export.qdpx import SOURCE_FIELDS, STATUSES, coding_guid
from coder.export.qdpx_plan import MapRow, read_map
from coder.export.qdpx_read import Skip, normalised_with_positions
from coder.export.refi import Package, guid, guid_key, is_guid, local_name, open_qdpx, parse_timestamp
from coder.files import undone_on_failure
from coder.sources import ids
from coder.sources.catalogue import ids_to_number_from
from coder.sources.corpus import ParsedSource, store

__all__ = ["QdpxReport", "Skip", "import_qdpx", "normalised_with_positions", "plan_qdpx"]

ID_ATTEMPTS = 5  # a concurrent import that took an ID (or added the same codes): the file is tried again
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_ALREADY = "已在项目中 / already in the project"


@dataclass
class QdpxReport:
    """What one .qdpx import did: counts, renamed sources, and everything skipped with its reason."""

    path: str
    status: str = "imported"  # imported | unchanged | failed
    message: str | None = None
    sources_added: list[str] = field(default_factory=list)
    sources_unchanged: list[str] = field(default_factory=list)
    renamed: dict[str, str] = field(default_factory=dict)  # name in the file → record ID given here
    codings_added: int = 0
    codings_unchanged: int = 0
    memos_added: int = 0
    memos_unchanged: int = 0
    codes_added: list[str] = field(default_factory=list)  # ids of the codes added to the codebook file
    codebook: str | None = None  # the codebook file they were added to
    # One row per source of the file: name, id, kind, date, title, guid, note (what --plan writes).
    sources: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class _CodebookMoved(QcoderError):
    """The codebook file is not the one the database was synced from (perhaps another import just changed
    both): read it again and retry, or give up with this message."""


@dataclass(frozen=True)
class _Options:
    kind: str | None = None
    with_names: bool = False
    rows: dict[str, MapRow] | None = None  # a --map's decisions by source GUID
    map_path: str | None = None
    new_codes: bool = True
    planning: bool = False  # only say which ID each source would get; write nothing
    actor: str | None = None  # the person logged in (None: the command line, which administers)


def import_qdpx(
    engine: Engine,
    path: Path,
    kind: str | None = None,
    with_names: bool = False,
    id_map: Path | None = None,
    new_codes: bool = True,
    codebook_path: Path | None = None,
    actor: str | None = None,
) -> QdpxReport:
    """Import one .qdpx in one transaction; a failure is reported as the file's, never raised. ``actor``
    is the person logged in, who needs the ``codebook`` role if the file adds codes."""
    book = (codebook_path or codebook.app_path()) if new_codes else None
    try:
        with open_qdpx(path) as package:
            rows = _map(package, id_map)
            options = _Options(kind, with_names, rows, str(id_map) if id_map else None, new_codes, actor=actor)
            report = _import(engine, package, options, book)
    except QcoderError as exc:
        return QdpxReport(str(path), "failed", message=str(exc))
    except SQLAlchemyError as exc:
        detail = describe(exc, engine.url)
        message = QcoderError(
            f"{path}：数据库未能完成导入，未写入任何内容（{detail}）",
            f"{path}: the database refused the import; nothing was written ({detail})",
        )
        return QdpxReport(str(path), "failed", message=str(message))
    if not (report.sources_added or report.codings_added or report.memos_added or report.codes_added):
        report.status = "unchanged"
    return report


def plan_qdpx(engine: Engine, path: Path, kind: str | None = None, id_map: Path | None = None) -> QdpxReport:
    """Which record ID each source of ``path`` would get (``report.sources``); nothing is written."""
    with open_qdpx(path) as package:
        options = _Options(kind, rows=_map(package, id_map), map_path=str(id_map) if id_map else None,
                           new_codes=False, planning=True)  # fmt: skip
        report = QdpxReport(str(path), "planned")
        with Session(engine) as session:
            _Importer(session, package, report, options).run()
            session.rollback()  # it wrote nothing; this only ends the read
    return report


def _map(package: Package, id_map: Path | None) -> dict[str, MapRow] | None:
    if id_map is None:
        return None
    named = [(guid_key(e.get("guid")), (e.get("name") or "").strip()) for e in package.root.iterfind("{*}Sources/*")]
    return read_map(id_map, named)


def _stored_version(engine: Engine) -> str | None:
    with Session(engine) as session:
        setting = session.get(Setting, "codebook_version")
        return setting.value if setting else None


def _import(engine: Engine, package: Package, options: _Options, book: Path | None) -> QdpxReport:
    """The import, tried again from the start (the codebook file read afresh) when another import took an
    ID it drew, or changed the codebook, meanwhile."""
    for attempt in range(1, ID_ATTEMPTS + 1):
        try:
            with undone_on_failure(book) if book else contextlib.nullcontext(None) as write:
                origin = codebook.starting_point(book, _stored_version(engine)) if book else None
                base = invivo.read(origin) if origin and origin.exists() else ""
                return retrying(engine, functools.partial(_attempt, package=package, options=options, book=book,
                                                          base=base, write=write))  # fmt: skip
        except (IntegrityError, _CodebookMoved):
            if attempt == ID_ATTEMPTS:
                raise
    raise AssertionError("unreachable: the last attempt returns or raises")


def _attempt(
    session: Session,
    package: Package,
    options: _Options,
    book: Path | None,
    base: str,
    write: Callable[[bytes], None] | None,
) -> QdpxReport:
    """One try of the whole file in one transaction; the codebook file is written last, once the rest is in."""
    report = QdpxReport(str(package.path))  # a retried attempt reports afresh
    importer = _Importer(session, package, report, options)
    text = importer.add_codes(book, base) if book else None
    importer.run()
    if text is not None and write is not None:
        session.flush()  # the database refuses what it will refuse before the file changes
        write(text.encode("utf-8"))
        report.codebook = str(book)
    return report


class _Importer:
    def __init__(self, session: Session, package: Package, report: QdpxReport, options: _Options) -> None:
        self.session = session
        self.package = package
        self.report = report
        self.options = options
        self.where = str(package.path)
        self.root = package.root
        self.users = {
            guid_key(u.get("guid")): (u.get("name") or u.get("id") or "").strip() or guid_key(u.get("guid"))
            for u in self.root.iterfind("{*}Users/{*}User")
        }
        self.coders: dict[str | None, Coder] = {}
        setting = session.get(Setting, "codebook_version")
        self.version = setting.value if setting else None
        self.notes = {guid_key(n.get("guid")): n for n in self.root.iterfind("{*}Notes/{*}Note")}
        self.referenced: set[str] = set()
        self.unknown_codes: Counter[str] = Counter()
        self.memos_left_out = 0
        self._match_codes()
        self.variables = qdpx_read.variables(self.root)
        self.cases = qdpx_read.cases(self.root, self.variables, self._warn)
        self.sets = qdpx_read.sets(self.root, self._warn)
        # Read after other imports drawing numbers are done: two must never give one number (see ids_to_number_from).
        in_project = ids_to_number_from(session)
        # IDs a new source must not be given: the project's, a map's, and those other sources of the file are named by.
        self.existing = in_project | {row.id for row in (options.rows or {}).values() if row.id}
        self.existing |= {
            i for e in self.root.iterfind("{*}Sources/*") if (i := qdpx_ids.record_id(e.get("name") or ""))
        }
        # The sources a file's GUID names: qcoder's own GUIDs (an export) and those kept from other tools.
        self.known = {guid("source", i): i for i in in_project}
        self.known |= dict(session.exec(select(Source.guid, Source.id).where(Source.guid.is_not(None))).all())
        self.names_withheld = 0

    def run(self) -> None:
        for ignored in qdpx_read.IGNORED:
            if self.root.find(f"{{*}}{ignored}") is not None:
                self._warn(
                    f"{ignored} 未导入（qcoder 没有对应内容）", f"{ignored} are not imported (qcoder has no such thing)"
                )
        for element in self.root.iterfind("{*}Sources/*"):
            entry = {"name": (element.get("name") or "").strip(), "guid": element.get("guid") or ""}
            self.report.sources.append(entry)
            try:
                self._source(element, entry)
            except Skip as problem:
                entry |= {"id": "", "note": str(problem)}
                self.report.skipped.append(str(problem))
                for ref in element.iter("{*}NoteRef"):
                    self._memo(ref, None)  # notes on a source that stays out stay out with it
        if self.options.planning:
            return
        for element in self.root.iter("{*}Code"):
            code = self.codes.get(guid_key(element.get("guid")))
            for ref in element.iterfind("{*}NoteRef"):
                self._memo(ref, {"code_id": code} if code else None)
        for ref in self.root.iterfind("{*}NoteRef"):
            self._memo(ref, {})
        for note_guid in self.notes:
            if note_guid not in self.referenced:
                self._memo(note_guid, {})
        self._report_unknown_codes()
        if self.memos_left_out:
            self._skip(
                f"{self.memos_left_out} 条备忘所属的内容未导入，备忘也未导入",
                f"{self.memos_left_out} memos belong to things that were not imported and were left out too",
            )
        if self.names_withheld:
            self._warn(
                f"文件中有 {self.names_withheld} 个真实姓名，未保存（需要时加 --with-names）",
                f"{self.names_withheld} real names in the file were not stored (use --with-names to keep them)",
            )

    # -- the file's vocabulary: codes, variables, cases, sets --------------------------------------

    def _match_codes(self) -> None:
        """Which project code each file code is (see coder.export.foreign_codes); codes read afresh."""
        self.rows = self.session.exec(select(Code).execution_options(populate_existing=True)).all()
        self.matching = foreign_codes.match(self.root, self.rows, self.options.new_codes)
        dimensions = {c.id for c in self.rows if c.parent_id is None}
        # File code GUID → the project's code id; None: a dimension or no match (reported on use).
        self.codes: dict[str, str | None] = {
            key: None if node in dimensions else node for key, node in self.matching.nodes.items()
        }

    def add_codes(self, path: Path, base: str) -> str | None:
        """Add the file's codes the codebook lacks to ``base`` (the text of the codebook file ``path``) and
        sync them; the new text, for the caller to write once the rest is in, or None when none are new."""
        if not foreign_codes.additions(self.root, self.matching, self.rows).codes:
            return None
        if self.options.actor is not None:  # adding codes changes the project's design: the codebook role
            access.require(self.session, self.options.actor, "codebook")
        # Codebook changes take turns (other qdpx imports take turns already, see ids_to_number_from): a
        # codebook saved in the app meanwhile would be overwritten in the file by text read before it.
        self.session.exec(
            select(Setting)
            .where(Setting.key == "codebook_version")
            .with_for_update()
            .execution_options(populate_existing=True)
        ).first()
        self._match_codes()  # what the other import added is found now, not added twice
        additions = foreign_codes.additions(self.root, self.matching, self.rows)
        if not additions.codes:
            return None
        setting = self.session.get(Setting, "codebook_version")
        synced = setting.value if setting else None
        current = codebook.parse(base, str(path)).version if base.strip() else None
        if current != synced:
            raise _CodebookMoved(
                f"{path}（版本 {current or '无'}）不是项目数据库上次同步的编码簿（版本 {synced or '无'}），"
                f"文件中的代码无法加入：请先运行 qcoder codebook sync {path}，或用 --codebook 指定项目所用的编码簿，"
                "或加 --no-new-codes 不加入新代码",
                f"{path} (version {current or 'none'}) is not the codebook the project database was last synced from "
                f"(version {synced or 'none'}), so the file's codes cannot be added: run qcoder codebook sync {path} "
                "first, name the project's codebook with --codebook, or add --no-new-codes",
            )
        text = invivo.with_entries_in(base, additions.dimensions, additions.codes)
        book = codebook.parse(text, str(path))
        codebook_sync.sync(self.session, book, self._coder(None))
        self.version = book.version
        self.codes |= additions.ids
        self.report.codes_added = [entry["id"] for entry in additions.codes]
        return text

    # -- sources and what is coded in them ---------------------------------------------------------

    def _source(self, element: etree._Element, entry: dict[str, Any]) -> None:
        name = entry["name"] or guid_key(element.get("guid"))
        where = f"{self.where}: {local_name(element)} {name}"
        if local_name(element) in qdpx_read.NOT_TEXT:
            raise Skip(f"{where}：只导入文本来源", f"{where}: only text sources are imported")
        if local_name(element) != "TextSource":
            return
        raw = qdpx_read.source_text(self.package, element, where)
        try:
            stored, positions = normalised_with_positions(raw)
        except QcoderError as exc:
            raise Skip(f"{where}：{exc.zh}", f"{where}: {exc.en}") from None
        if not stored.strip():
            raise Skip(f"{where}：正文为空", f"{where}: the text is empty")
        source_guid = guid_key(element.get("guid"))
        values = qdpx_read.values(element, where, self.variables, self._warn)
        if sets := self.sets.get(source_guid):
            listed = values.get("sets")
            values["sets"] = list(dict.fromkeys([*(listed if isinstance(listed, list) else []), *sets]))
        source_id = self._place(element, name, where, stored, values, entry)
        if self.options.planning:
            return
        known = {
            (code, start, end, coder): coding_id
            for coding_id, code, start, end, coder in self.session.exec(
                select(Coding.id, Coding.code_id, Coding.start, Coding.end, Coding.coder_id).where(
                    Coding.source_id == source_id
                )
            ).all()
        }
        context = _SourceContext(source_id, positions, known, where)
        for selection in element.iterfind("{*}PlainTextSelection"):
            try:
                start, end = self._span(selection, context)
            except Skip as problem:
                self.report.skipped.append(str(problem))
                for ref in selection.iter("{*}NoteRef"):
                    self._memo(ref, None)
                continue
            kept = _foreign(selection.get("guid"), guid("selection", source_id, start, end))
            first = None
            for coding in selection.iterfind("{*}Coding"):
                made = self._coding(coding, context, start, end, kept)
                first = first or made
            for ref in selection.iterfind("{*}NoteRef"):
                self._memo(ref, first or {"source_id": source_id})
        for coding in element.iterfind("{*}Coding"):
            self._coding(coding, context, 0, len(stored), None)
        for ref in element.iterfind("{*}NoteRef"):
            self._memo(ref, {"source_id": source_id})

    def _place(
        self, element: etree._Element, name: str, where: str, stored: str, values: dict[str, Any], entry: dict[str, Any]
    ) -> str:
        """The record ID the source is stored under, storing it first when it is new (see the module doc);
        ``entry`` is filled in with what the plan shows of it."""
        source_guid = guid_key(element.get("guid"))
        wanted = {*SOURCE_FIELDS, *qdpx_ids.NAME_KEYS, "initials"}
        declared = {k.lower(): values.pop(k) for k in list(values) if k.lower() in wanted}
        case_guid, case_name, case_values = self.cases.get(source_guid, (None, "", {}))
        row = qdpx_ids.map_row(self.options.rows, self.options.map_path, source_guid, where)
        facts = qdpx_ids.Facts(name, where, declared, case_name, case_values, row,
                               qdpx_read.created(element.get("creationDateTime")))  # fmt: skip
        file_sha = str(declared.get("file_sha256") or "")
        sha = file_sha if _SHA256.match(file_sha) else hashlib.sha256(stored.encode("utf-8")).hexdigest()
        title = _optional(declared.get("title"))
        known = self.known.get(source_guid)
        if known is None and not (row and row.id) and qdpx_ids.record_id(name) is None:
            twin = self.session.exec(select(Source).where(Source.sha256 == sha)).first()
            known = twin.id if twin is not None and twin.text == stored else None
        if known is not None:
            self._kept(self.session.get(Source, known), facts, stored, title, values, entry)
            return known
        assigned = qdpx_ids.assign_id(facts, title, self.options.kind, self.existing, self.options.with_names)
        self.report.warnings.extend(assigned.warnings)
        record_id = assigned.id
        if declared.get("initials") and assigned.kind != "interview":
            values["initials"] = declared["initials"]  # only an interview's go to its participant
        entry["name"] = assigned.shown
        if record_id != name:
            self.report.renamed[assigned.shown] = record_id
        existing = self.session.get(Source, record_id)
        if existing is not None:
            self._unchanged(existing, where, stored, {"title": assigned.title, "date": assigned.date}, values)
            self._planned(entry, existing.id, existing.kind, existing.date, existing.title, _ALREADY)
            return record_id
        self._planned(entry, record_id, assigned.kind, assigned.date, assigned.title, assigned.how)
        self.existing.add(record_id)
        if self.options.planning:
            return record_id
        person = assigned.person
        if person and not self.options.with_names:
            self.names_withheld += 1
        parsed_source = ParsedSource(
            id=record_id, kind=assigned.kind, text=stored, path=Path(self.where) / assigned.shown,
            date=assigned.date, title=assigned.title, meta=values, sha256=sha,
            person_name=person if person and self.options.with_names else None,
            person_key=f"case:{case_guid}" if case_guid else f"record:{record_id}", initials=assigned.initials,
            assigned=None if record_id == name else assigned.how,  # the audit log says where an ID came from
        )  # fmt: skip
        try:
            store(self.session, parsed_source)
        except QcoderError as exc:
            raise Skip(exc.zh, exc.en) from None
        if (kept := _foreign(element.get("guid"), guid("source", record_id))) is not None:
            self.session.get(Source, record_id).guid = kept
        self.report.sources_added.append(record_id)
        return record_id

    def _kept(
        self, existing: Source, facts: qdpx_ids.Facts, stored: str, title: str | None, values: dict[str, Any],
        entry: dict[str, Any],
    ) -> None:  # fmt: skip
        """A source the project has already (by GUID or text): a map's ID for it is not used."""
        row, where, name = facts.row, facts.where, facts.name
        date = row.date if row and row.date else qdpx_ids.date_of(facts.declared.get("date"), where)
        if row and row.id and row.id != existing.id:
            self._warn(
                f"{where}：已作为 {existing.id} 导入，{row.where_zh}的编号 {row.id} 未使用",
                f"{where}: imported as {existing.id} already; the ID {row.id} on {row.where_en} is not used",
            )
        parsed = ids.parse(existing.id)
        initials = parsed.initials if isinstance(parsed, ids.InterviewId) else None
        entry["name"] = shown = qdpx_ids.shown_name(
            name, facts.person_for(existing.kind), initials, self.options.with_names
        )
        if name != existing.id:
            self.report.renamed[shown] = existing.id
        fields = {"title": title or qdpx_ids.title_of(name, existing.id), "date": date}
        self._unchanged(existing, where, stored, fields, values)
        self._planned(entry, existing.id, existing.kind, existing.date, existing.title, _ALREADY)

    @staticmethod
    def _planned(
        entry: dict[str, Any], record_id: str, kind: str, date: dt.date | None, title: str | None, note: str
    ) -> None:
        entry |= {"id": record_id, "kind": kind, "date": date.isoformat() if date else "", "title": title or "",
                  "note": note}  # fmt: skip

    def _unchanged(
        self, existing: Source, where: str, stored: str, fields: dict[str, Any], meta: dict[str, Any]
    ) -> None:
        """A source already in the project: the same text is fine, other text is refused; metadata that
        differs in the file is named, and the project's is kept."""
        if existing.text != stored:
            raise Skip(
                f"{where}：编号 {existing.id} 已存在且正文不同（来自 {existing.filename}）；不会覆盖",
                f"{where}: ID {existing.id} already exists with different text (from {existing.filename}); "
                "nothing is overwritten",
            )
        stale = [k for k, v in fields.items() if v is not None and v != getattr(existing, k)]
        stale += sorted(k for k, v in meta.items() if k not in existing.meta or existing.meta[k] != v)
        if stale:
            self._warn(
                f"{where}：文件中的 {'、'.join(stale)} 与项目中的不同，项目中的保持不变（元数据请在 qcoder 中修改）",
                f"{where}: {', '.join(stale)} in the file differ from the project's, which were kept "
                "(edit metadata in qcoder)",
            )
        self.report.sources_unchanged.append(existing.id)

    def _span(self, selection: etree._Element, context: _SourceContext) -> tuple[int, int]:
        """A selection's raw positions mapped to the stored text, or a Skip naming the selection."""
        zh, en = f"{context.where}：选区 {selection.get('guid')}", f"{context.where}: selection {selection.get('guid')}"
        raw_length = len(context.positions) - 1
        try:
            start, end = int(selection.get("startPosition", "")), int(selection.get("endPosition", ""))
        except ValueError:
            raise Skip(f"{zh} 的位置不是整数", f"{en}: positions are not integers") from None
        if not 0 <= start < end <= raw_length:
            raise Skip(
                f"{zh} 的位置 [{start}, {end}) 超出正文范围（应满足 0 ≤ start < end ≤ {raw_length}），未导入",
                f"{en}: span [{start}, {end}) is out of range (need 0 <= start < end <= {raw_length}); not imported",
            )
        mapped = context.positions[start], context.positions[end]
        if mapped[0] >= mapped[1]:
            raise Skip(
                f"{zh} 的位置 [{start}, {end}) 只含换行符，规范化后为空，未导入",
                f"{en}: span [{start}, {end}) holds only a line break and is empty once normalised; not imported",
            )
        return mapped

    def _coding(
        self, element: etree._Element, context: _SourceContext, start: int, end: int, selection: str | None
    ) -> dict[str, Any] | None:
        """Store one coding unless its code is unknown or the coder already has it; the memo target it is.
        ``selection`` is the other tool's GUID of the selection it sits in, if it has one."""
        ref = element.find("{*}CodeRef")
        code_key = guid_key(None if ref is None else ref.get("targetGUID"))
        notes = list(element.iterfind("{*}NoteRef"))
        code_id = self.codes.get(code_key)
        if code_id is None:
            self.unknown_codes[code_key] += 1
            for note in notes:
                self._memo(note, None)
            return None
        coder = self._coder(element.get("creatingUser"))
        own = guid_key(element.get("guid"))
        ours = next(
            (s for s in STATUSES if coding_guid(context.source_id, code_id, start, end, coder.name, s) == own), None
        )
        status = ours or "manual"
        key = (code_id, start, end, coder.id)
        if key in context.known:
            self.report.codings_unchanged += 1
        else:
            created = self._when(element, context.where)
            coding = Coding(
                source_id=context.source_id, code_id=code_id, start=start, end=end, status=status,
                origin="manual" if status == "manual" else "tagger", coder_id=coder.id,
                codebook_version=self.version, created_at=created, updated_at=created,
                guid=None if ours else _foreign(own, ""), selection_guid=selection,
            )  # fmt: skip
            self.session.add(coding)
            self.session.flush()
            record(self.session, coder, "import", "coding", coding.id, after=snapshot(coding))
            context.known[key] = coding.id
            self.report.codings_added += 1
        target = {"coding_id": context.known[key], "source_id": context.source_id, "code_id": code_id}
        for note in notes:
            self._memo(note, target)
        return target

    def _memo(self, ref: etree._Element | str, target: dict[str, Any] | None) -> None:
        """Store the note a NoteRef (or a bare note GUID) points at as a memo on ``target``.

        ``target`` None means the thing the note belongs to was not imported: the note is left out too.
        """
        note_guid = ref if isinstance(ref, str) else guid_key(ref.get("targetGUID"))
        self.referenced.add(note_guid)
        note = self.notes.get(note_guid)
        if note is None:
            return
        if target is None:
            self.memos_left_out += 1
            return
        where = f"{self.where}: Note {note.get('name') or note_guid}"
        try:
            text = qdpx_read.source_text(self.package, note, where).replace("\r\n", "\n").replace("\r", "\n")
        except Skip as problem:
            self.report.skipped.append(str(problem))
            return
        if not text.strip():
            return
        coder = self._coder(note.get("creatingUser"))
        fields = {"coding_id": None, "source_id": None, "code_id": None, **target}
        same = select(Memo.id).where(Memo.coder_id == coder.id, Memo.text == text)
        for column, value in fields.items():
            attribute = getattr(Memo, column)
            same = same.where(attribute.is_(None) if value is None else attribute == value)
        if self.session.exec(same).first() is not None:
            self.report.memos_unchanged += 1
            return
        memo = Memo(coder_id=coder.id, text=text, created_at=self._when(note, where), **fields)
        self.session.add(memo)
        self.session.flush()
        record(self.session, coder, "import", "memo", memo.id, after=snapshot(memo))
        self.report.memos_added += 1

    def _coder(self, user_guid: str | None) -> Coder:
        """The coder a ``creatingUser`` names; the person importing when the file names no one."""
        name = self.users.get(guid_key(user_guid)) if user_guid else None
        if name not in self.coders:
            self.coders[name] = coder_named(self.session, name)
        return self.coders[name]

    def _when(self, element: etree._Element, where: str) -> dt.datetime:
        written = element.get("creationDateTime")
        when = parse_timestamp(written)
        if written and when is None:
            self._warn(
                f"{where}：creationDateTime {written!r} 不是日期时间，改用导入时间",
                f"{where}: creationDateTime {written!r} is not a date-time; the import time is used",
            )
        return when or dt.datetime.now(dt.UTC)

    def _report_unknown_codes(self) -> None:
        not_in_codebook = ("不在编码簿中", "is not in the codebook")
        for code_key, n in sorted(self.unknown_codes.items(), key=lambda item: self.matching.names.get(item[0], "")):
            name = self.matching.names.get(code_key) or f"? (GUID {code_key})"
            zh, en = self.matching.unmapped.get(code_key, not_in_codebook)
            self._skip(
                f"代码“{name}”{zh}：其 {n} 条编码未导入", f"code “{name}” {en}: its {n} codings were not imported"
            )
        if any(key not in self.matching.unmapped for key in self.unknown_codes):
            self._skip(
                "要导入这些编码：去掉 --no-new-codes 重新导入，文件中的代码会加入编码簿；或用 qcoder codebook import "
                f"{self.where} -o 新编码簿.yaml 取出文件中的代码，加入 codebook.yaml，运行 qcoder codebook sync 后"
                "重新导入（已导入的内容不会重复）",
                "to import these codings: import again without --no-new-codes, which adds the file's codes to the "
                f"codebook; or qcoder codebook import {self.where} -o new.yaml writes them as YAML: add them to "
                "codebook.yaml, run qcoder codebook sync and import again (what is already imported is not duplicated)",
            )

    def _skip(self, zh: str, en: str) -> None:
        self.report.skipped.append(f"{zh} / {en}")

    def _warn(self, zh: str, en: str) -> None:
        self.report.warnings.append(f"{zh} / {en}")


@dataclass
class _SourceContext:
    """What the selections of one source are read against."""

    source_id: str
    positions: list[int]  # raw position → stored position
    known: dict[tuple[str, int, int, int], int]  # (code, start, end, coder id) → coding id
    where: str


def _foreign(value: str | None, ours: str) -> str | None:
    """The other tool's GUID to keep: a valid one that is not qcoder's own (which is recomputed, never kept)."""
    key = guid_key(value)
    return key if is_guid(key) and key != ours else None


def _optional(value: Any) -> str | None:
    return str(value).strip() or None if value is not None else None
