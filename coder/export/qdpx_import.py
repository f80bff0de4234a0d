"""Import a REFI-QDA project (``.qdpx``) written by qcoder or by another QDA tool, whole.

One transaction per file: what can be imported is, what cannot is listed with its reason, and a
failure of the database leaves nothing behind (codebook.yaml included). Importing the same file again
changes nothing.

**The package.** ``project.qde``, or the one ``*.qde`` at the top of the zip (two are refused, named);
source texts in ``sources/`` or ``Sources/`` (any case) or inline as ``PlainTextContent``; UTF-8 with
or without a BOM (UTF-16 and GB18030 are read too). Only text sources come in: PDF, picture, audio and
video sources are listed as skipped.

**Positions.** Selections count code points in the file's text as written — CR LF is two, a BOM is not
text. qcoder stores NFC text with ``\\n`` newlines (:func:`coder.sources.textfile.normalise`), so every
position is mapped from the raw text to the stored one; a selection outside the raw text, or one that
maps to nothing, is refused by its GUID while the rest imports.

**Which source.** A source is the project's source whose other-tool GUID it carries (kept from an
earlier import), or whose qcoder GUID it carries (a qcoder export); else, without a ``--map`` ID, the
source its ``name`` is the record ID of (``20240115MJQ``, ``20230110-P03``, as in a qcoder export), or
the project's source with the same text. Such a source is unchanged (its new codings and memos still
come in); a record ID that exists with other text is refused, as ``qcoder import`` refuses a changed
file.

**Record IDs for the rest** (other tools name sources by their titles). The old name becomes the
title (unless a ``title`` variable gives one). The kind comes from a ``kind`` variable (``访谈``,
``政策``, ``媒体`` are read too), else from ``--kind``; the date from a ``date`` variable, else from
the source's ``creationDateTime`` (the day as written, in the timestamp's own offset). Policy texts and
media reports get the next number of their kind through the project (``20230110-P04``, as
``qcoder id make --kind policy``); interviews the date and the interviewee's initials (``qcoder id
make``: surname readings, warnings kept in the report, ``-2`` for a second person with the same initials
that day), from an ``initials`` variable, else an ``interviewee`` (or ``name``, 受访者, 姓名) variable
of the source or its Case, else the name of its Case when that is a person's name (2–4 hanzi); in
the title the real name is replaced by the initials (马继强访谈 → MJQ访谈) unless ``with_names``. A
source for which no ID can be made is skipped with one message naming everything missing. Each ID
given is in the report (``renamed``), printed per source, and in the source's import audit event
(``assigned_id``: the ID and what it was made from). ``--plan FILE.csv`` lists the ID every source
would get and imports nothing; ``--map FILE.csv`` decides them source by source
(:mod:`coder.export.qdpx_plan`). IDs are drawn inside the transaction, after other imports drawing
numbers have committed (:func:`coder.sources.catalogue.ids_to_number_from`); when another import took
one meanwhile all the same, the insert fails and the whole file is tried again with IDs drawn afresh.

**Codes come over whole.** A code of the file is the project code it matches (its kept GUID, a qcoder
GUID, its 【编号 id】 line or its name: :mod:`coder.export.foreign_codes`). Every other code — a parent
with children included — is added to the codebook file the project uses (``--codebook``, else
``QCODER_CODEBOOK`` or ``codebook.yaml``: :func:`coder.codebook.app_path`) as in :mod:`coder.invivo`,
the file's comments kept, and synced in the same transaction (the file is put back if the transaction
fails). The codebook file must be the one the database was last synced from: else the import is refused
(sync it first). ``new_codes=False`` (``--no-new-codes``) adds none: codings of such codes are skipped
and listed with a hint, and a code named like a dimension is that dimension, which cannot be coded.

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
``qcoder sources show``, exports and the .qdpx qcoder writes); sets of codes or notes have no place in
qcoder and are named in a warning with their member counts, as links and graphs are: not imported.

**People.** Interviews in a ``Case`` share one participant, recognised again by the case GUID (which an
export writes back). A real name — an ``interviewee`` (or ``name``, 受访者, 姓名) variable, or a Case
named by it — is stored only with ``with_names``; it never becomes metadata.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import Session, select

from coder import codebook, invivo, limits
from coder.audit import coder_named, record, snapshot
from coder.db.engine import retrying
from coder.db.models import SOURCE_KINDS, Code, Coder, Coding, Memo, Setting, Source
from coder.db.redact import describe
from coder.errors import QcoderError
from coder.export import foreign_codes
from coder.export.qdpx import JSON_VALUES, SOURCE_FIELDS, STATUSES, coding_guid
from coder.export.qdpx_plan import MapRow, read_map
from coder.export.refi import Package, guid, guid_key, is_guid, local_name, open_qdpx, parse_timestamp
from coder.files import undone_on_failure
from coder.sources import assign, ids
from coder.sources.catalogue import ids_to_number_from
from coder.sources.corpus import KIND_FOLDERS, PERSON_KEYS, ParsedSource, store
from coder.sources.textfile import decode, normalise

NAME_KEYS = PERSON_KEYS - {"participant"}  # variables that hold a person's real name
ID_ATTEMPTS = 5  # a concurrent import that took an ID (or added the same codes): the file is tried again
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_PERSON = re.compile(r"^[\u3400-\u9fff]{2,4}$")  # a Case named like a person: 2–4 hanzi
_NOT_TEXT = {"PDFSource", "PictureSource", "AudioSource", "VideoSource"}
_IGNORED = ("Links", "Graphs")


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


class Skip(QcoderError):
    """One element that cannot be imported; the rest of the file still is."""


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


def import_qdpx(
    engine: Engine,
    path: Path,
    kind: str | None = None,
    with_names: bool = False,
    id_map: Path | None = None,
    new_codes: bool = True,
    codebook_path: Path | None = None,
) -> QdpxReport:
    """Import one .qdpx in one transaction; a failure is reported as the file's, never raised."""
    book = (codebook_path or codebook.app_path()) if new_codes else None
    try:
        with open_qdpx(path) as package:
            options = _Options(kind, with_names, _map(package, id_map), str(id_map) if id_map else None, new_codes)
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


def _import(engine: Engine, package: Package, options: _Options, book: Path | None) -> QdpxReport:
    """The import, tried again from the start (the codebook file read afresh) when another import took an
    ID it drew, or changed the codebook, meanwhile."""
    attempt = 0
    while True:
        attempt += 1
        try:
            with undone_on_failure(book) if book else contextlib.nullcontext(None) as write:
                base = invivo.read(book) if book and book.exists() else ""
                return retrying(engine, functools.partial(_attempt, package=package, options=options, book=book,
                                                          base=base, write=write))  # fmt: skip
        except (IntegrityError, _CodebookMoved):
            if attempt == ID_ATTEMPTS:
                raise


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


def normalised_with_positions(raw: str) -> tuple[str, list[int]]:
    """The text qcoder stores for ``raw`` and, for each raw position, the stored position it lands on.

    ``positions[len(raw)] == len(stored)``. CR LF becomes one ``\\n`` and a character with its combining
    marks is normalised as one piece, so a position inside either maps to the start of the piece.
    """
    pieces: list[str] = []
    positions: list[int] = []
    length = i = 0
    while i < len(raw):
        end = i + 1
        if raw[i] == "\r":
            end += raw.startswith("\n", end)
            piece = "\n"
        else:
            while end < len(raw) and unicodedata.combining(raw[end]):
                end += 1
            piece = normalise(raw[i:end])
        positions.extend([length] * (end - i))
        pieces.append(piece)
        length += len(piece)
        i = end
    positions.append(length)
    stored = "".join(pieces)
    if stored != normalise(raw):  # composition across pieces (rare scripts): positions would be wrong
        raise QcoderError(
            "正文的规范化跨越了字符边界，无法换算位置",
            "the text normalises across characters: positions cannot be mapped",
        )
    return stored, positions


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
        self.variables = self._variables()
        self.cases = self._cases()
        self.sets = self._sets()
        # Read after other imports drawing numbers are done: two must never give one number (see ids_to_number_from).
        in_project = ids_to_number_from(session)
        # IDs a new source must not be given: the project's, a map's, and those other sources of the file are named by.
        self.existing = in_project | {row.id for row in (options.rows or {}).values() if row.id}
        self.existing |= {i for e in self.root.iterfind("{*}Sources/*") if (i := _record_id(e.get("name") or ""))}
        # The sources a file's GUID names: qcoder's own GUIDs (an export) and those kept from other tools.
        self.known = {guid("source", i): i for i in in_project}
        self.known |= dict(session.exec(select(Source.guid, Source.id).where(Source.guid.is_not(None))).all())
        self.names_withheld = 0

    def run(self) -> None:
        for ignored in _IGNORED:
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
        codebook.sync(self.session, book, self._coder(None))
        self.version = book.version
        self.codes |= additions.ids
        self.report.codes_added = [entry["id"] for entry in additions.codes]
        return text

    def _variables(self) -> dict[str, tuple[str, bool]]:
        """Variable GUID → (name, values are JSON)."""
        return {
            guid_key(v.get("guid")): (
                (v.get("name") or "").strip(),
                _text_of(v.find("{*}Description")).strip() == JSON_VALUES,
            )
            for v in self.root.iterfind("{*}Variables/{*}Variable")
        }

    def _cases(self) -> dict[str, tuple[str, str, dict[str, Any]]]:
        """Source GUID → (its case's GUID, name and variable values); a source's first case wins."""
        cases: dict[str, tuple[str, str, dict[str, Any]]] = {}
        for case in self.root.iterfind("{*}Cases/{*}Case"):
            name = (case.get("name") or "").strip()
            values = self._values(case, name)
            for ref in case.iterfind("{*}SourceRef"):
                cases.setdefault(guid_key(ref.get("targetGUID")), (guid_key(case.get("guid")), name, values))
        return cases

    def _sets(self) -> dict[str, list[str]]:
        """Source GUID → the names of the sets it is in; sets of codes or notes are listed as skipped."""
        member_of: dict[str, list[str]] = defaultdict(list)
        for element in self.root.iterfind("{*}Sets/{*}Set"):
            name = (element.get("name") or "").strip() or guid_key(element.get("guid"))
            for ref in element.iterfind("{*}MemberSource"):
                member_of[guid_key(ref.get("targetGUID"))].append(name)
            codes, notes = len(element.findall("{*}MemberCode")), len(element.findall("{*}MemberNote"))
            if codes or notes:
                self._warn(
                    f"集合“{name}”中的 {codes} 个代码、{notes} 条备忘未导入（qcoder 没有代码集和备忘集）",
                    f"set “{name}”: its {codes} codes and {notes} notes are not imported (qcoder has no sets of "
                    "codes or notes)",
                )
        return member_of

    def _values(self, element: etree._Element, where: str) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for holder in element.iterfind("{*}VariableValue"):
            ref = holder.find("{*}VariableRef")
            name, encoded = self.variables.get(guid_key(None if ref is None else ref.get("targetGUID")), ("", False))
            if not name:
                self._warn(
                    f"{where}：变量值指向不存在的变量，已忽略",
                    f"{where}: a variable value refers to no variable; ignored",
                )
                continue
            values[name] = _value(holder, encoded)
        return values

    # -- sources and what is coded in them ---------------------------------------------------------

    def _source(self, element: etree._Element, entry: dict[str, Any]) -> None:
        name = entry["name"] or guid_key(element.get("guid"))
        where = f"{self.where}: {local_name(element)} {name}"
        if local_name(element) in _NOT_TEXT:
            raise Skip(f"{where}：只导入文本来源", f"{where}: only text sources are imported")
        if local_name(element) != "TextSource":
            return
        raw = self._text(element, where)
        try:
            stored, positions = normalised_with_positions(raw)
        except QcoderError as exc:
            raise Skip(f"{where}：{exc.zh}", f"{where}: {exc.en}") from None
        if not stored.strip():
            raise Skip(f"{where}：正文为空", f"{where}: the text is empty")
        source_guid = guid_key(element.get("guid"))
        values = self._values(element, where)
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

    def _text(self, element: etree._Element, where: str) -> str:
        """The raw text of a source or note: inline, or the file its ``plainTextPath`` names."""
        inline = element.find("{*}PlainTextContent")
        if inline is not None:
            return self._bounded(where, inline.text or "")
        path = (element.get("plainTextPath") or "").strip()
        if not path:
            raise Skip(
                f"{where}：既无 PlainTextContent 也无 plainTextPath（只有富文本的来源不受支持）",
                f"{where}: neither PlainTextContent nor plainTextPath (rich-text-only sources are not supported)",
            )
        if not path.lower().startswith("internal://"):
            raise Skip(f"{where}：正文在 .qdpx 之外（{path}）", f"{where}: the text is outside the .qdpx ({path})")
        name = path[len("internal://") :]
        try:  # a member over the limits skips this source; the others still come in
            data = self.package.source_file(name)
            text = None if data is None else decode(Path(f"{self.where}: sources/{name}"), data)
        except QcoderError as exc:
            raise Skip(exc.zh, exc.en) from None
        if text is None:
            raise Skip(f"{where}：zip 中缺少 sources/{name}", f"{where}: sources/{name} is missing from the zip")
        return self._bounded(where, text)

    @staticmethod
    def _bounded(where: str, text: str) -> str:
        try:
            limits.check_source_text(where, text)
        except QcoderError as exc:
            raise Skip(exc.zh, exc.en) from None
        return text

    def _place(
        self, element: etree._Element, name: str, where: str, stored: str, values: dict[str, Any], entry: dict[str, Any]
    ) -> str:
        """The record ID the source is stored under, storing it first when it is new (see the module doc);
        ``entry`` is filled in with what the plan shows of it."""
        source_guid = guid_key(element.get("guid"))
        wanted = {*SOURCE_FIELDS, *NAME_KEYS, "initials"}
        declared = {k.lower(): values.pop(k) for k in list(values) if k.lower() in wanted}
        case_guid, case_name, case_values = self.cases.get(source_guid, (None, "", {}))
        person = next((declared[k] for k in NAME_KEYS if declared.get(k)), None)
        person = person or next(
            (case_values[k] for k in case_values if k.lower() in NAME_KEYS and case_values[k]), None
        )
        file_sha = str(declared.get("file_sha256") or "")
        sha = file_sha if _SHA256.match(file_sha) else hashlib.sha256(stored.encode("utf-8")).hexdigest()
        title = _optional(declared.get("title"))
        row = self._row(source_guid, where)
        date = row.date if row and row.date else self._date(declared.get("date"), where)
        known = self.known.get(source_guid)
        if known is None and not (row and row.id) and _record_id(name) is None:
            twin = self.session.exec(select(Source).where(Source.sha256 == sha)).first()
            known = twin.id if twin is not None and twin.text == stored else None
        if known is not None:
            existing = self.session.get(Source, known)
            if row and row.id and row.id != known:
                self._warn(
                    f"{where}：已作为 {known} 导入，{row.where_zh}的编号 {row.id} 未使用",
                    f"{where}: imported as {known} already; the ID {row.id} on {row.where_en} is not used",
                )
            if name != known:
                self.report.renamed[name] = known
            self._unchanged(existing, where, stored, {"title": title or _title(name, known), "date": date}, values)
            self._planned(entry, name, existing.id, existing.kind, existing.date, existing.title,
                          "已在项目中 / already in the project")  # fmt: skip
            return existing.id
        kind = _kind(row.kind if row and row.kind else declared.get("kind"))
        record_id = (row.id if row and row.id else None) or _record_id(name)
        initials = None
        if record_id is None:
            kind = kind or _kind(self.options.kind)
        else:
            parsed = ids.parse(record_id)
            if not (row and row.id) and kind and kind != parsed.kind:
                raise Skip(
                    f"{where}：类型为 {kind}，但编号 {name} 属于 {parsed.kind} 的编号规则",
                    f"{where}: kind is {kind} but ID {name} follows the {parsed.kind} convention",
                )
            kind, date = parsed.kind, date or parsed.date
            initials = parsed.initials if isinstance(parsed, ids.InterviewId) else None
            how = (
                f"{row.where_zh}给出 / given on {row.where_en}" if row and row.id else "名称即编号 / the name is its ID"
            )
        if kind == "interview" and not person and _PERSON.match(case_name):
            person = case_name  # a Case named after the interviewee, as researchers name them (kept as any name)
        if declared.get("initials") and kind != "interview":
            values["initials"] = declared["initials"]  # only an interview's go to its participant
        if record_id is None:
            made, date, initials = self._made_id(element, where, kind, date, declared, case_values, person, row)
            record_id, how = made.id, " / ".join(made.explained)
        title = title or _title(name, record_id)
        if title and person and initials and not self.options.with_names:
            title = title.replace(str(person), initials)  # 马继强访谈 → MJQ访谈: a title is printed and exported
        if record_id != name:
            self.report.renamed[name] = record_id
        existing = self.session.get(Source, record_id)
        if existing is not None:
            self._unchanged(existing, where, stored, {"title": title, "date": date}, values)
            self._planned(entry, name, record_id, existing.kind, existing.date, existing.title,
                          "已在项目中 / already in the project")  # fmt: skip
            return record_id
        self._planned(entry, name, record_id, kind, date, title, how)
        self.existing.add(record_id)
        if self.options.planning:
            return record_id
        if person and not self.options.with_names:
            self.names_withheld += 1
        parsed_source = ParsedSource(
            id=record_id, kind=kind, text=stored, path=Path(self.where) / name, date=date, title=title,
            meta=values, sha256=sha, person_name=str(person) if person and self.options.with_names else None,
            person_key=f"case:{case_guid}" if case_guid else f"record:{record_id}", initials=initials,
            assigned=None if record_id == name else how,  # the audit log says where an ID came from
        )  # fmt: skip
        try:
            store(self.session, parsed_source)
        except QcoderError as exc:
            raise Skip(exc.zh, exc.en) from None
        if (kept := _foreign(element.get("guid"), guid("source", record_id))) is not None:
            self.session.get(Source, record_id).guid = kept
        self.report.sources_added.append(record_id)
        return record_id

    def _row(self, source_guid: str, where: str) -> MapRow | None:
        """The map's row for a source (None without a map); a source the map leaves out is skipped."""
        if self.options.rows is None:
            return None
        row = self.options.rows.get(source_guid)
        if row is None:
            raise Skip(
                f"{where}：不在编号表 {self.options.map_path} 中，未导入",
                f"{where}: not in the map {self.options.map_path}; not imported",
            )
        return row

    def _made_id(
        self,
        element: etree._Element,
        where: str,
        kind: str | None,
        date: dt.date | None,
        declared: dict[str, Any],
        case_values: dict[str, Any],
        person: Any,
        row: MapRow | None,
    ) -> tuple[_Made, dt.date, str | None]:
        """A new record ID for a source not named by one; a Skip naming everything missing when none can be made."""
        if row and row.date:
            found = (row.date, row.where_zh, row.where_en)
        elif date:
            found = (date, "date 变量", "the date variable")
        elif (created := _created(element.get("creationDateTime"))) is not None:
            found = (created, "creationDateTime", "its creationDateTime")
        else:
            found = None
        missing: list[tuple[str, str]] = []
        if kind not in SOURCE_KINDS:
            missing.append(("kind（kind 变量或 --kind：interview、policy、media）", "kind (a kind variable or --kind)"))
        if found is None:
            missing.append(
                (
                    "date（date 变量 YYYY-MM-DD，或来源的 creationDateTime）",
                    "date (a date variable or creationDateTime)",
                )
            )
        initials = warnings = None
        if kind == "interview":
            written = str(declared.get("initials") or "").strip()
            written = written or next(
                (str(v).strip() for k, v in case_values.items() if k.lower() == "initials" and v), ""
            )
            try:
                made = ids.MadeId("", written.upper()) if written else ids.initials_of(str(person)) if person else None
            except ids.IdError as exc:
                missing.append((f"initials 变量（{exc.zh}）", f"an initials variable ({exc.en})"))
                made = None
            if made is None and not written and not person:
                missing.append((
                    "initials 或 interviewee 变量（或以受访者姓名命名的 Case）",
                    "an initials or interviewee variable (or a Case named after the interviewee)",
                ))  # fmt: skip
            initials, warnings = (made.initials, made.warnings) if made else (None, None)
        if missing:
            zh, en = "、".join(zh for zh, _ in missing), "; ".join(en for _, en in missing)
            plan = "qcoder import 文件.qdpx --plan 编号表.csv"
            raise Skip(
                f"{where}：名称不是记录编号，也无法生成编号：缺少 {zh}。请在原软件中补上这些变量，或用 {plan} "
                "列出每个来源将得到的编号，填写后以 --map 编号表.csv 导入",
                f"{where}: the name is not a record ID and none can be made: missing {en}. Add these variables in "
                "the other tool, or list the ID each source would get with qcoder import FILE.qdpx --plan plan.csv, "
                "fill it in and import with --map plan.csv",
            )
        day, where_zh, where_en = found
        plan = assign.IdPlan(kind, day, initials, where_zh, where_en, warnings or [])
        try:
            made = plan.make(self.existing)
            ids.parse(made.id)  # a document's date after today
        except ids.IdError as exc:
            raise Skip(f"{where}：{exc.zh}", f"{where}: {exc.en}") from None
        for warning in [*plan.warnings, *made.warnings]:  # each in both languages already
            self.report.warnings.append(f"{where}: {warning}")
        return _Made(made.id, plan.explain(made.id)), day, initials

    def _planned(
        self, entry: dict[str, Any], name: str, record_id: str, kind: str, date: dt.date | None, title: str | None,
        note: str,
    ) -> None:  # fmt: skip
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

    def _date(self, value: Any, where: str) -> dt.date | None:
        if value in (None, ""):
            return None
        try:
            return ids.calendar_date(value, where)
        except ids.IdError as exc:
            raise Skip(exc.zh, exc.en) from None

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
            text = self._text(note, where).replace("\r\n", "\n").replace("\r", "\n")
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


@dataclass(frozen=True)
class _Made:
    """A record ID qcoder made, and what it was made from (zh, en)."""

    id: str
    explained: tuple[str, str]


def _record_id(name: str) -> str | None:
    """``name`` as a record ID, when it is one."""
    try:
        ids.parse(name)
    except ids.IdError:
        return None
    return ids.canonical(name)


def _title(name: str, record_id: str) -> str | None:
    """The title a source named otherwise than by its record ID keeps: its old name."""
    return name if name and name != record_id else None


def _kind(value: Any) -> str | None:
    """A kind as written (``Policy``, 政策, 访谈 …) as qcoder's; unknown ones as written, for the message."""
    written = str(value or "").strip().lower()
    return KIND_FOLDERS.get(written, written) or None


def _created(value: str | None) -> dt.date | None:
    """The day of a ``creationDateTime`` in the offset it is written in (a document created at 00:30 in
    Beijing is of that day, though it was the day before in UTC)."""
    try:
        return dt.datetime.fromisoformat((value or "").strip()).date()
    except ValueError:
        return None


def _foreign(value: str | None, ours: str) -> str | None:
    """The other tool's GUID to keep: a valid one that is not qcoder's own (which is recomputed, never kept)."""
    key = guid_key(value)
    return key if is_guid(key) and key != ours else None


def _text_of(element: etree._Element | None) -> str:
    return "" if element is None else element.text or ""


def _optional(value: Any) -> str | None:
    return str(value).strip() or None if value is not None else None


def _value(holder: etree._Element, encoded: bool) -> Any:
    """A VariableValue as JSON-ready data (None when it holds no value)."""
    element = next(
        (child for child in holder if isinstance(child.tag, str) and local_name(child) != "VariableRef"), None
    )
    if element is None:
        return None
    kind, text = local_name(element), element.text or ""
    if kind == "TextValue" and encoded:
        try:
            return json.loads(text)
        except ValueError:
            return text
    if kind == "TextValue":
        return text  # as written: spaces can matter
    text = text.strip()
    if kind == "BooleanValue":
        return text in ("true", "1")
    if kind == "IntegerValue" and re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    if kind == "FloatValue":
        try:
            return float(text)
        except ValueError:
            return text
    return text  # dates and date-times as ISO text
