"""Import a REFI-QDA project (``.qdpx``) written by qcoder or by another QDA tool.

One transaction per file: what can be imported is, what cannot is listed with its reason, and a
failure of the database leaves nothing behind. Importing the same file again changes nothing.

**The package.** ``project.qde``, or the one ``*.qde`` at the top of the zip (two are refused, named);
source texts in ``sources/`` or ``Sources/`` (any case) or inline as ``PlainTextContent``; UTF-8 with
or without a BOM (UTF-16 and GB18030 are read too). Only text sources come in: PDF, picture, audio and
video sources are listed as skipped.

**Positions.** Selections count code points in the file's text as written — CR LF is two, a BOM is not
text. qcoder stores NFC text with ``\\n`` newlines (:func:`coder.sources.textfile.normalise`), so every
position is mapped from the raw text to the stored one; a selection outside the raw text, or one that
maps to nothing, is refused by its GUID while the rest imports.

**Record IDs.** A source's ``name`` is its record ID when it is one (``20240115MJQ``,
``20230110-P03``), as in a qcoder export. Otherwise the kind comes from a ``kind`` variable, else from
``--kind``, and then: a policy text or media report with a ``date`` variable gets the next document
ID of that day (``20230110-P04``, as ``qcoder id make --kind policy`` would give) and keeps its old name
as title when it has none; an interview is refused, because its ID holds the interviewee's initials,
which only the researcher knows — rename it in the other tool to its record ID (``qcoder id make``)
and export again. A source whose ID exists with the same text is unchanged (its new codings and memos
still come in); with other text it is refused, as ``qcoder import`` refuses a changed file.

**Codes.** codebook.yaml stays the source of truth: no code is created here. A code in the file is
the project's code whose stable GUID it carries (a qcoder export), else the one its 【编号 id】
description line names, else the one with the same name (Chinese or English; two matches are
ambiguous). Codings of any other code are skipped and listed with a hint: ``qcoder codebook import
FILE`` turns the file's codebook into YAML to copy codes from; sync, and import again.

**Codings and memos.** A coding keeps its coder (the ``creatingUser``; without one, the person
importing) and date. Its status comes back from the GUID a qcoder export gives it (see
:mod:`coder.export.qdpx`); any other coding is ``manual``. A coding directly on a source covers the
whole text. Notes become memos on the coding, source or code that refers to them; a note on a
selection goes to the selection's first coding; a note nothing refers to (or the project refers to)
is a project memo.

**People.** Interviews in a ``Case`` share one participant, recognised again by the case GUID. A real
name — an ``interviewee`` (or ``name``, 受访者, 姓名) variable — is stored only with
``with_names``; it never becomes metadata.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, select

from coder import limits
from coder.audit import coder_named, record, snapshot
from coder.db.engine import retrying
from coder.db.models import SOURCE_KINDS, Code, Coder, Coding, Memo, Setting, Source
from coder.db.redact import describe
from coder.errors import QcoderError
from coder.export.qdc import read_description
from coder.export.qdpx import JSON_VALUES, SOURCE_FIELDS, STATUSES, coding_guid
from coder.export.refi import Package, guid, guid_key, local_name, open_qdpx, parse_timestamp
from coder.sources import ids
from coder.sources.catalogue import source_ids
from coder.sources.corpus import PERSON_KEYS, ParsedSource, store
from coder.sources.textfile import decode, normalise

NAME_KEYS = PERSON_KEYS - {"participant"}  # variables that hold a person's real name
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_NOT_TEXT = {"PDFSource", "PictureSource", "AudioSource", "VideoSource"}
_IGNORED = ("Links", "Sets", "Graphs")


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
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class Skip(QcoderError):
    """One element that cannot be imported; the rest of the file still is."""


def import_qdpx(engine: Engine, path: Path, kind: str | None = None, with_names: bool = False) -> QdpxReport:
    """Import one .qdpx in one transaction; a failure is reported as the file's, never raised."""

    def attempt(session: Session, package: Package) -> QdpxReport:
        report = QdpxReport(str(path))  # a retried attempt reports afresh
        _Importer(session, package, report, kind, with_names).run()
        return report

    try:
        with open_qdpx(path) as package:
            report = retrying(engine, lambda session: attempt(session, package))
    except QcoderError as exc:
        return QdpxReport(str(path), "failed", message=str(exc))
    except SQLAlchemyError as exc:
        detail = describe(exc, engine.url)
        message = QcoderError(
            f"{path}：数据库未能完成导入，未写入任何内容（{detail}）",
            f"{path}: the database refused the import; nothing was written ({detail})",
        )
        return QdpxReport(str(path), "failed", message=str(message))
    if not (report.sources_added or report.codings_added or report.memos_added):
        report.status = "unchanged"
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
    def __init__(
        self, session: Session, package: Package, report: QdpxReport, kind: str | None, with_names: bool
    ) -> None:
        self.session = session
        self.package = package
        self.report = report
        self.kind = kind
        self.with_names = with_names
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
        self.code_names: dict[str, str] = {}
        self.unmapped: dict[str, tuple[str, str]] = {}  # code GUID → why it has no code here (zh, en)
        self.memos_left_out = 0
        self.codes = self._codes()
        self.variables = self._variables()
        self.cases = self._cases()
        self.existing = source_ids(session)
        self.names_withheld = 0

    def run(self) -> None:
        for ignored in _IGNORED:
            if self.root.find(f"{{*}}{ignored}") is not None:
                self._warn(
                    f"{ignored} 未导入（qcoder 没有对应内容）", f"{ignored} are not imported (qcoder has no such thing)"
                )
        for element in self.root.iterfind("{*}Sources/*"):
            try:
                self._source(element)
            except Skip as problem:
                self.report.skipped.append(str(problem))
                for ref in element.iter("{*}NoteRef"):
                    self._memo(ref, None)  # notes on a source that stays out stay out with it
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

    # -- the file's vocabulary: codes, variables, cases -------------------------------------------

    def _codes(self) -> dict[str, str | None]:
        """File code GUID → the project's code id (None: a dimension or no match, reported on use)."""
        rows = self.session.exec(select(Code)).all()
        by_guid = {guid("code", c.id): c for c in rows}
        by_id = {c.id: c for c in rows}
        by_name: dict[str, list[Code]] = defaultdict(list)
        for c in rows:
            for name in {c.name, c.name_en} - {None}:
                by_name[name.strip()].append(c)
        found: dict[str, str | None] = {}
        for element in self.root.iterfind("{*}CodeBook//{*}Code"):
            key, name = guid_key(element.get("guid")), (element.get("name") or "").strip()
            own = read_description(_text_of(element.find("{*}Description"))).get("id")
            matches = [by_guid[key]] if key in by_guid else [by_id[own]] if own in by_id else by_name.get(name, [])
            self.code_names[key] = name
            found[key] = matches[0].id if len(matches) == 1 and matches[0].parent_id is not None else None
            if len(matches) > 1:
                listing = ", ".join(sorted(c.id for c in matches))
                self.unmapped[key] = (
                    f"同时对应编码簿中的 {listing}",
                    f"matches several codes of the codebook ({listing})",
                )
            elif matches and found[key] is None:
                self.unmapped[key] = (
                    f"是编码簿中的维度 {matches[0].id}，维度不能编码",
                    f"is the dimension {matches[0].id}, which cannot be coded",
                )
        return found

    def _variables(self) -> dict[str, tuple[str, bool]]:
        """Variable GUID → (name, values are JSON)."""
        return {
            guid_key(v.get("guid")): (
                (v.get("name") or "").strip(),
                _text_of(v.find("{*}Description")).strip() == JSON_VALUES,
            )
            for v in self.root.iterfind("{*}Variables/{*}Variable")
        }

    def _cases(self) -> dict[str, tuple[str, dict[str, Any]]]:
        """Source GUID → (its case's GUID, the case's variable values); a source's first case wins."""
        cases: dict[str, tuple[str, dict[str, Any]]] = {}
        for case in self.root.iterfind("{*}Cases/{*}Case"):
            values = self._values(case, case.get("name") or "")
            for ref in case.iterfind("{*}SourceRef"):
                cases.setdefault(guid_key(ref.get("targetGUID")), (guid_key(case.get("guid")), values))
        return cases

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

    def _source(self, element: etree._Element) -> None:
        name = (element.get("name") or "").strip() or guid_key(element.get("guid"))
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
        source_id = self._place(name, where, stored, values, source_guid)
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
            first = None
            for coding in selection.iterfind("{*}Coding"):
                made = self._coding(coding, context, start, end)
                first = first or made
            for ref in selection.iterfind("{*}NoteRef"):
                self._memo(ref, first or {"source_id": source_id})
        for coding in element.iterfind("{*}Coding"):
            self._coding(coding, context, 0, len(stored))
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

    def _place(self, name: str, where: str, stored: str, values: dict[str, Any], source_guid: str) -> str:
        """The record ID the source is stored under, storing it first when it is new."""
        declared = {k.lower(): values.pop(k) for k in list(values) if k.lower() in {*SOURCE_FIELDS, *NAME_KEYS}}
        person = next((declared[k] for k in NAME_KEYS if declared.get(k)), None)
        case_guid, case_values = self.cases.get(source_guid, (None, {}))
        person = person or next((case_values[k] for k in case_values if k.lower() in NAME_KEYS), None)
        file_sha = str(declared.get("file_sha256") or "")
        sha = file_sha if _SHA256.match(file_sha) else hashlib.sha256(stored.encode("utf-8")).hexdigest()
        kind = str(declared.get("kind") or "").strip().lower() or None
        date = self._date(declared.get("date"), where)
        try:
            parsed = ids.parse(name)
        except ids.IdError:
            parsed = None
        if parsed is None:
            twin = self.session.exec(select(Source).where(Source.sha256 == sha)).first()
            if twin is not None and twin.text == stored:
                self.report.renamed[name] = twin.id
                self.report.sources_unchanged.append(twin.id)
                return twin.id
            kind = kind or self.kind
            record_id = self._document_id(name, kind, date, where)
            self.report.renamed[name] = record_id
            declared["title"] = declared.get("title") or name
        else:
            record_id = ids.canonical(name)
            if kind and kind != parsed.kind:
                raise Skip(
                    f"{where}：类型为 {kind}，但编号 {name} 属于 {parsed.kind} 的编号规则",
                    f"{where}: kind is {kind} but ID {name} follows the {parsed.kind} convention",
                )
            kind = parsed.kind
        title = _optional(declared.get("title"))
        existing = self.session.get(Source, record_id)
        if existing is not None:
            self._unchanged(existing, where, stored, {"title": title, "date": date}, values)
            return record_id
        if person and not self.with_names:
            self.names_withheld += 1
        parsed_source = ParsedSource(
            id=record_id, kind=kind, text=stored, path=Path(self.where) / name,
            date=date or (parsed.date if parsed else None), title=title, meta=values, sha256=sha,
            person_name=str(person) if person and self.with_names else None,
            person_key=f"case:{case_guid}" if case_guid else f"record:{record_id}",
            initials=parsed.initials if isinstance(parsed, ids.InterviewId) else None,
        )  # fmt: skip
        try:
            store(self.session, parsed_source)
        except QcoderError as exc:
            raise Skip(exc.zh, exc.en) from None
        self.existing.add(record_id)
        self.report.sources_added.append(record_id)
        return record_id

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

    def _document_id(self, name: str, kind: str | None, date: dt.date | None, where: str) -> str:
        """A new policy or media ID for a source whose name is not a record ID (see the module doc)."""
        if kind not in SOURCE_KINDS:
            raise Skip(
                f"{where}：名称不是记录编号，且没有有效的类型：请加 kind 变量（interview/policy/media）或用 --kind",
                f"{where}: the name is not a record ID and there is no valid kind: add a kind variable "
                "(interview/policy/media) or use --kind",
            )
        if kind == "interview":
            raise Skip(
                f"{where}：访谈的名称应为记录编号（日期+受访者拼音首字母，如 20240115MJQ，可用 qcoder id make 生成）；"
                "请在原软件中把来源改名为记录编号后重新导出",
                f"{where}: an interview's name must be its record ID (date + the interviewee's pinyin initials, "
                "e.g. 20240115MJQ; qcoder id make gives it): rename the source in the other tool and export again",
            )
        if date is None:
            raise Skip(
                f"{where}：名称不是记录编号；请加 date 变量（YYYY-MM-DD）以生成编号，或改名为如 20230110-P03 的编号",
                f"{where}: the name is not a record ID; add a date variable (YYYY-MM-DD) to give it one, "
                "or rename it to an ID such as 20230110-P03",
            )
        record_id = ids.make_document(date, kind, existing=self.existing)
        try:
            ids.parse(record_id)
        except ids.IdError as exc:
            raise Skip(f"{where}：{exc.zh}", f"{where}: {exc.en}") from None
        return record_id

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

    def _coding(self, element: etree._Element, context: _SourceContext, start: int, end: int) -> dict[str, Any] | None:
        """Store one coding unless its code is unknown or the coder already has it; the memo target it is."""
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
        status = next(
            (
                s
                for s in STATUSES
                if coding_guid(context.source_id, code_id, start, end, coder.name, s) == guid_key(element.get("guid"))
            ),
            "manual",
        )
        key = (code_id, start, end, coder.id)
        if key in context.known:
            self.report.codings_unchanged += 1
        else:
            created = self._when(element, context.where)
            coding = Coding(
                source_id=context.source_id, code_id=code_id, start=start, end=end, status=status,
                origin="manual" if status == "manual" else "tagger", coder_id=coder.id,
                codebook_version=self.version, created_at=created, updated_at=created,
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
        for code_key, n in sorted(self.unknown_codes.items(), key=lambda item: self.code_names.get(item[0], "")):
            name = self.code_names.get(code_key) or f"? (GUID {code_key})"
            zh, en = self.unmapped.get(code_key, not_in_codebook)
            self._skip(
                f"代码“{name}”{zh}：其 {n} 条编码未导入", f"code “{name}” {en}: its {n} codings were not imported"
            )
        if any(key not in self.unmapped for key in self.unknown_codes):
            self._skip(
                f"要导入这些编码：用 qcoder codebook import {self.where} -o 新编码簿.yaml 取出文件中的代码，"
                "加入 codebook.yaml，运行 qcoder codebook sync 后重新导入（已导入的内容不会重复）",
                f"to import these codings: qcoder codebook import {self.where} -o new.yaml writes the file's codes "
                "as YAML; add them to codebook.yaml, run qcoder codebook sync and import again "
                "(what is already imported is not duplicated)",
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
