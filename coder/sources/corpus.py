"""Import source files into a project: metadata, record IDs, participants and segments.

Reading a file (:func:`read_source`) is pure and raises :class:`FileProblem` for anything wrong with
it; storing it (:func:`store`) runs in one transaction per file, so a failed file leaves no rows and a
batch with bad files still imports the good ones. A file without a record ID gets one from its date,
kind and interviewee (:mod:`coder.sources.assign`), drawn when it is stored and said in the result.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from coder import limits
from coder.audit import coder_named, record
from coder.db.engine import retrying
from coder.db.models import SOURCE_KINDS, Participant, Segment, Source
from coder.db.redact import describe
from coder.errors import Bilingual, QcoderError, both
from coder.limits import NoAliasLoader
from coder.sources import assign, ids, segments
from coder.sources.catalogue import ids_to_number_from
from coder.sources.textfile import SUPPORTED_SUFFIXES, FileProblem, read_document

# Folder names that say what kind of source a file is (corpus/interviews, corpus/policy, …).
KIND_FOLDERS = {
    "interview": "interview", "interviews": "interview", "访谈": "interview",
    "policy": "policy", "policies": "policy", "政策": "policy",
    "media": "media", "news": "media", "媒体": "media", "报道": "media",
}  # fmt: skip
# Front-matter keys that describe the person, not the document: they go to Participant.
PERSON_KEYS = {"interviewee", "name", "participant", "受访者", "姓名"}
KNOWN_KEYS = {
    "role", "organization", "interviewer", "place", "issuer", "doc_number", "outlet", "author", "url",
    "derived_from", "synthetic", "length", "duration", "notes",
}  # fmt: skip
IGNORED_NAMES = {"readme.md", "readme.txt", "readme"}


# A line that is ``---`` give or take white space (what ``line.strip() == "---"`` accepts).
_FENCE = re.compile(r"^[^\S\n]*---[^\S\n]*$", re.MULTILINE)


class _FrontMatterLoader(NoAliasLoader):
    """Safe YAML that leaves dates as text, so 2024-02-30 gets our message, not a ValueError."""


_FrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))


@dataclass
class ParsedSource:
    """Everything an import will write for one file, before it touches the database."""

    id: str
    kind: str
    text: str
    path: Path
    date: dt.date | None
    title: str | None
    meta: dict[str, Any]
    sha256: str = ""  # of the file's bytes: any edit, front matter included, makes it a different file
    person_name: str | None = None
    person_key: str | None = None
    initials: str | None = None
    warnings: list[str] = field(default_factory=list)
    plan: assign.IdPlan | None = None  # the file carries no ID: one is drawn from this when stored
    assigned: str | None = None  # how the ID was assigned (zh / en), once it was
    name_with_id: bool = False  # an assigned ID goes to the front of the file's name (an upload, kept later)


@dataclass
class FileResult:
    path: str
    status: str  # imported | unchanged | failed
    id: str | None = None
    kind: str | None = None
    message: str | None = None
    warnings: list[str] = field(default_factory=list)
    assigned: str | None = None  # the file carried no ID: which one qcoder gave it, and from what


def read_source(
    path: Path,
    kind: str | None = None,
    today: dt.date | None = None,
    root: Path | None = None,
    raw: bytes | None = None,
) -> ParsedSource:
    """Read, decode and validate one file (or its ``raw`` bytes, named ``path``); nothing is written.

    The kind may come from a folder name between ``root`` (the folder the user named) and the file,
    never from folders above it.
    """
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise FileProblem(
            f"{path}：不支持的文件类型 {path.suffix or '（无扩展名）'}，支持 .txt .md .docx .pdf .html .htm",
            f"{path}: unsupported file type {path.suffix or '(none)'}; use .txt, .md, .docx, .pdf, .html or .htm",
        )
    if raw is None:
        limits.check_source_file(path)  # before a byte is read: a 20 GB file or a pipe is refused on sight
        raw = path.read_bytes()
    else:
        limits.check_upload(path, raw)
    document = read_document(path, raw)
    if path.suffix.lower() in assign.FRONT_MATTER_SUFFIXES:
        front, body = split_front_matter(path, document.text)
    else:  # a PDF or a web page holds no front matter: a leading --- line in it is text
        front, body = {}, document.text.strip("\n")
    # Stored as normalised (full-width ２０２４… typed with an IME is the same record as 2024…).
    record_id = assign.declared_id(path, front)
    front.pop("id", None)
    source_kind = _kind(path, front.pop("kind", None), kind, root or path.parent, required=record_id is not None)
    plan = None
    if record_id is None:
        stated = document.facts.get("date")
        where = document.date_from or ("文件属性", "the file's properties")
        file_date = assign.Found(stated, *where) if stated else None
        plan = assign.plan(path, source_kind, front, body, file_date, today)
        source_kind, id_date, initials = plan.kind, plan.date, plan.initials
    else:
        try:
            parsed_id = ids.parse(record_id, today=today)
        except ids.IdError as exc:
            raise FileProblem(f"{path}：{exc.zh}", f"{path}: {exc.en}") from None
        if source_kind != parsed_id.kind:
            raise FileProblem(
                f"{path}：类型为 {source_kind}，但编号 {record_id} 属于 {parsed_id.kind} 的编号规则",
                f"{path}: kind is {source_kind} but ID {record_id} follows the {parsed_id.kind} convention",
            )
        id_date, initials = parsed_id.date, parsed_id.initials if isinstance(parsed_id, ids.InterviewId) else None
    source = ParsedSource(
        id=record_id or "",
        kind=source_kind,
        text=body,
        path=path,
        date=_date(path, front.pop("date", None)) or id_date,
        # An interview's file properties often hold the interviewee's name (单晓明访谈记录): never its title.
        title=_optional_str(front.pop("title", None))
        or (None if source_kind == "interview" else _optional_str(document.facts.get("title"))),
        meta={},
        sha256=hashlib.sha256(raw).hexdigest(),
        plan=plan,
    )
    if plan is not None:
        source.warnings.extend(plan.warnings)
    if initials is not None:
        _person(source, initials, front)
    # The page's outlet, url …; an interview's author in its properties is a person, so none for interviews.
    stated_meta = {k: v for k, v in document.facts.items() if k in KNOWN_KEYS and source_kind != "interview"}
    source.meta = stated_meta | {k: _plain(path, k, v) for k, v in front.items() if k not in PERSON_KEYS}
    unknown = sorted(set(source.meta) - KNOWN_KEYS)
    if unknown:
        source.warnings.append(
            Bilingual(
                f"未知的元数据字段 {'、'.join(unknown)}，已作为元数据保存（会显示在导出中）",
                f"unknown front-matter keys {', '.join(unknown)} are kept as metadata (and shown in outputs)",
            )
        )
    if source.date != id_date:
        source.warnings.append(
            Bilingual(
                f"编号日期 {id_date} 与元数据日期 {source.date} 不一致",
                f"ID date {id_date} differs from metadata date {source.date}",
            )
        )
    return source


def split_front_matter(path: Path, text: str) -> tuple[dict[str, Any], str]:
    """YAML between ``---`` lines at the top; the body is the rest without surrounding blank lines."""
    stripped = text.lstrip("\n \t")  # blank lines before --- must not hide the front matter
    skipped = text[: len(text) - len(stripped)].count("\n")
    # The fences are found in place: splitting a long body into lines would cost a string per line.
    opening = _FENCE.match(stripped)
    if not opening:
        return {}, text.strip("\n")
    closing = _FENCE.search(stripped, opening.end() + 1)
    if not closing:
        raise FileProblem(
            f"{path} 第 {skipped + 1} 行：元数据块缺少结束行 ---",
            f"{path} line {skipped + 1}: front matter is not closed by ---",
        )
    block = stripped[opening.end() + 1 : closing.start() - 1]
    limits.check_front_matter(str(path), block)
    try:
        front = yaml.load(block, Loader=_FrontMatterLoader) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = skipped + (mark.line + 2 if mark else 1)
        raise FileProblem(
            f"{path} 第 {line} 行：元数据 YAML 有误（{getattr(exc, 'problem', exc)}）",
            f"{path} line {line}: front matter is not valid YAML ({getattr(exc, 'problem', exc)})",
        ) from None
    if not isinstance(front, dict):
        raise FileProblem(
            f"{path} 第 {skipped + 2} 行：元数据应为“键: 值”形式",
            f"{path} line {skipped + 2}: front matter must be key: value lines",
        )
    body = stripped[closing.end() + 1 :].strip("\n")
    if not body.strip():
        raise FileProblem(f"{path}：只有元数据，正文为空", f"{path}: front matter only, the body is empty")
    front = {str(k).strip().lower(): v for k, v in front.items()}
    for key, value in front.items():
        _storable(path, key, key)
        _storable(path, key, value)
    return front, body


def _storable(path: Path, key: str, value: Any) -> None:
    """Refuse text no database keeps as written: NUL (PostgreSQL rejects it, SQLite would store it) and
    lone surrogates (``"\\ud800"`` in YAML, which cannot be encoded), naming the key."""
    if isinstance(value, dict):
        for k, v in value.items():
            _storable(path, key, k)
            _storable(path, key, v)
    elif isinstance(value, list):
        for item in value:
            _storable(path, key, item)
    elif isinstance(value, str) and ("\x00" in value or any("\ud800" <= ch <= "\udfff" for ch in value)):
        nul = "\x00" in value
        what_zh = "NUL 字符（U+0000）" if nul else "孤立的代理码位（U+D800–U+DFFF）"
        what_en = "a NUL character (U+0000)" if nul else "a lone surrogate (U+D800–U+DFFF)"
        raise FileProblem(
            f"{path}：元数据 {key} 的值含{what_zh}，无法保存；请删去",
            f"{path}: front-matter key {key} holds {what_en}, which cannot be stored; remove it",
        )


def _kind(path: Path, declared: Any, option: str | None, root: Path, required: bool = True) -> str | None:
    """The kind from front matter, ``--kind`` or a folder name; missing is an error only when ``required``
    (a file without an ID names every missing field at once, kind among them)."""
    folders = path.parent.relative_to(root.parent).parts if path.is_relative_to(root.parent) else ()
    from_folder = next((KIND_FOLDERS[p.lower()] for p in reversed(folders) if p.lower() in KIND_FOLDERS), None)
    kind = declared or option or from_folder
    if not kind and not required:
        return None
    if not kind:
        raise FileProblem(
            f"{path}：缺少类型：请在元数据写 kind，或放入 interviews/policy/media 文件夹，或用 --kind",
            f"{path}: missing kind: set kind in the front matter, use an interviews/policy/media folder, or --kind",
        )
    kind = str(kind).strip().lower()
    if kind not in SOURCE_KINDS:
        raise FileProblem(
            f"{path}：类型 {kind!r} 无效，应为 interview、policy 或 media",
            f"{path}: kind {kind!r} is not one of interview, policy, media",
        )
    return kind


def _date(path: Path, value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    try:
        return ids.calendar_date(value, str(path))
    except ids.IdError as exc:
        raise FileProblem(exc.zh, exc.en) from None


def _person(source: ParsedSource, initials: str, front: dict[str, Any]) -> None:
    """Fill in who was interviewed; the real name stays in Participant and out of Source.meta."""
    name = _optional_str(front.get("interviewee") or front.get("name") or front.get("受访者") or front.get("姓名"))
    declared = _optional_str(front.pop("initials", None))
    source.initials = initials
    source.person_name = name
    if declared and declared.upper() != initials:
        source.warnings.append(
            Bilingual(
                f"元数据首字母 {declared} 与编号首字母 {initials} 不一致",
                f"initials {declared} differ from the ID's {initials}",
            )
        )
    if name:
        try:
            derived = ids.initials_of(name).initials
        except ids.IdError:
            derived = None
        if derived and derived != initials:
            source.warnings.append(
                Bilingual(
                    f"受访者姓名的拼音首字母为 {derived}，编号中为 {initials}",
                    f"the interviewee's initials are {derived}, the ID says {initials}",
                )
            )
    # The key recognises a person across interviews without storing the name in it.
    explicit = _optional_str(front.get("participant"))
    if explicit:
        source.person_key = f"id:{explicit}"
    elif name:
        # Same name in the same organisation is taken as the same person (two 张伟 elsewhere are not).
        organization = _optional_str(front.get("organization")) or ""
        source.person_key = "name:" + hashlib.sha256(f"{name}|{organization}".encode()).hexdigest()[:16]
    else:
        source.person_key = f"record:{source.id}" if source.id else None  # an assigned ID: set when it is drawn


def _optional_str(value: Any) -> str | None:
    return str(value).strip() or None if value is not None else None


def _plain(path: Path, key: str, value: Any) -> Any:
    """A front-matter value as JSON data; anything else (binary, sets …) is refused, naming the key."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, dict):
        return {str(k): _plain(path, key, v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(path, key, v) for v in value]
    raise FileProblem(
        f"{path}：元数据 {key} 的值类型 {type(value).__name__} 不受支持，请写成文字",
        f"{path}: front-matter key {key} has an unsupported value of type {type(value).__name__}; write it as text",
    )


def store(session: Session, parsed: ParsedSource, coder: str | None = None) -> str:
    """Write one parsed file; ``imported`` or ``unchanged``; refuse an ID or content clash."""
    # A freshly drawn ID is free or was just taken by a concurrent import, whose insert then fails ours;
    # _assign has looked for the same bytes already.
    status = _assign(session, parsed) if parsed.plan is not None else _clash(session, parsed)
    if status == "unchanged":
        return status
    sha = parsed.sha256
    participant_id = _participant(session, parsed) if parsed.kind == "interview" else None
    session.add(
        Source(
            id=parsed.id,
            kind=parsed.kind,
            date=parsed.date,
            title=parsed.title,
            text=parsed.text,
            sha256=sha,
            filename=str(parsed.path),
            meta=parsed.meta,
            participant_id=participant_id,
        )
    )
    session.flush()
    after = {"filename": str(parsed.path), "sha256": sha, "kind": parsed.kind, "characters": len(parsed.text)}
    if parsed.assigned:
        after["assigned_id"] = parsed.assigned
    record(session, coder_named(session, coder), "import", "source", parsed.id, after=after)
    _store_segments(session, parsed)
    return "imported"


def _clash(session: Session, parsed: ParsedSource) -> str | None:
    """``unchanged`` when a file with its own ID is in already; refused when the ID or the content is
    another source's."""
    existing = session.get(Source, parsed.id)
    if existing is not None:
        if existing.sha256 == parsed.sha256:
            return "unchanged"
        raise FileProblem(
            f"{parsed.path}：编号 {parsed.id} 已由 {existing.filename} 导入，内容不同；不会覆盖。"
            "如是另一位同日同首字母的受访者，请改用带后缀的编号（如 -2）",
            f"{parsed.path}: ID {parsed.id} was already imported from {existing.filename} with different content; "
            "nothing is overwritten. If this is another interviewee with the same initials, use a suffix such as -2",
        )
    twin = session.exec(select(Source).where(Source.sha256 == parsed.sha256)).first()
    if twin is not None:
        raise FileProblem(
            f"{parsed.path}：内容与已导入的 {twin.id}（{twin.filename}）相同",
            f"{parsed.path}: same content as {twin.id} already imported from {twin.filename}",
        )
    return None


def _assign(session: Session, parsed: ParsedSource) -> str | None:
    """Draw the ID of a file that carries none; ``unchanged`` when this very file is in already.

    The same bytes are the same file whatever ID they were given; the same path with other bytes is an
    edited file, refused as an edited file with an ID is.
    """
    existing = ids_to_number_from(session)  # first: a concurrent import of this very file has committed by now
    twin = session.exec(select(Source).where(Source.sha256 == parsed.sha256)).first()
    if twin is not None:
        parsed.id = twin.id
        return "unchanged"
    earlier = session.exec(select(Source).where(Source.filename == str(parsed.path))).first()
    if earlier is not None:
        raise FileProblem(
            f"{parsed.path}：此文件已作为 {earlier.id} 导入，内容已改变；不会覆盖，也不会另立编号",
            f"{parsed.path}: this file was imported as {earlier.id} and has changed since; nothing is "
            "overwritten and no second ID is made",
        )
    assert parsed.plan is not None
    made = parsed.plan.make(existing)
    parsed.id = made.id
    if parsed.name_with_id:  # an upload is kept under a name that starts with the ID it was given
        parsed.path = parsed.path.with_name(f"{made.id}_{parsed.path.name}")
    parsed.person_key = parsed.person_key or f"record:{made.id}"
    parsed.warnings.extend(made.warnings)
    parsed.assigned = Bilingual(*parsed.plan.explain(made.id), " / ")
    return None


SEGMENT_BATCH = 5_000  # rows per executemany on SQLite: memory stays flat however long the source
_SEGMENT_COLUMNS = f'{Segment.__tablename__} (source_id, kind, start, "end", speaker)'


def _store_segments(session: Session, parsed: ParsedSource) -> None:
    """The segments as plain rows, streamed on the file's own connection and transaction (a failed file
    still leaves none).

    An ORM object per segment cost a 5 M-character transcript minutes and gigabytes. Rows go to the
    driver as tuples: SQLAlchemy's per-row parameter handling was a quarter of an import of a million short
    lines on SQLite, and PostgreSQL takes COPY about 3 x faster than batched INSERTs
    (bench/bench_large_import.py).
    """
    spans = segments.iter_segments(parsed.text, parsed.kind)
    rows = ((parsed.id, s.kind, s.start, s.end, s.speaker) for s in spans)
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        cursor = connection.connection.driver_connection.cursor()
        with cursor, cursor.copy(f"COPY {_SEGMENT_COLUMNS} FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    statement = f"INSERT INTO {_SEGMENT_COLUMNS} VALUES (?, ?, ?, ?, ?)"
    while batch := list(itertools.islice(rows, SEGMENT_BATCH)):
        connection.exec_driver_sql(statement, batch)


def _participant(session: Session, parsed: ParsedSource) -> int:
    """The interviewee's Participant row, created on first sight; a changed role is worth a warning."""
    role = _optional_str(parsed.meta.get("role"))
    person = session.exec(select(Participant).where(Participant.key == parsed.person_key)).first()
    if person is None:
        person = Participant(
            key=parsed.person_key,
            initials=parsed.initials or "",
            name=parsed.person_name,
            role=role,
            organization=_optional_str(parsed.meta.get("organization")),
        )
        session.add(person)
        session.flush()
    elif role and person.role and role != person.role:
        parsed.warnings.append(
            Bilingual(
                f"同一受访者此前的身份为 {person.role}，本次为 {role}；若不是同一人，请在元数据中写 participant: 区分",
                f"this interviewee's role was {person.role} before and is {role} now; "
                "if these are different people, tell them apart with participant:",
            )
        )
    return person.id


def collect(paths: Iterable[Path]) -> list[tuple[Path, Path]]:
    """(file, root) pairs to import: folders recursively and sorted, each file with the folder named.

    Hidden files, Word lock files (~$…), README files and YAML/JSON side files (gold codings) are left
    out; any other file is returned, so an unsupported one (.xlsx) is reported, not silently skipped.
    """
    found: list[tuple[Path, Path]] = []
    for path in paths:
        if not path.is_dir():
            found.append((path, path.parent))
            continue
        for child in sorted(p for p in path.rglob("*") if p.is_file()):
            hidden = any(part.startswith((".", "~$")) for part in child.relative_to(path).parts)
            side_file = child.suffix.lower() in {".yaml", ".yml", ".json"}
            if not (hidden or side_file or child.name.lower() in IGNORED_NAMES):
                found.append((child, path))
    return found


def import_paths(
    engine: Engine,
    paths: Iterable[Path],
    kind: str | None = None,
    progress: Callable[[Path], None] | None = None,
) -> list[FileResult]:
    """Import files and folders, one transaction per file; bad files are reported, good ones land."""
    return import_files(engine, collect(paths), kind, progress)


def import_files(
    engine: Engine,
    files: list[tuple[Path, Path]],
    kind: str | None = None,
    progress: Callable[[Path], None] | None = None,
) -> list[FileResult]:
    """Import (file, root) pairs as :func:`collect` gives them, one transaction each, telling ``progress``."""
    results = []
    for path, root in files:
        results.append(import_file(engine, path, kind, root))
        if progress:
            progress(path)
    return results


def import_file(
    engine: Engine, path: Path, kind: str | None = None, root: Path | None = None, coder: str | None = None
) -> FileResult:
    """Import one file in its own transaction; any failure is reported as this file's, never raised."""

    def read() -> ParsedSource:
        if not path.exists():
            raise FileProblem(f"{path}：文件不存在", f"{path}: no such file")
        return read_source(path, kind, root=root)

    return import_read(engine, path, read, coder)


def import_read(
    engine: Engine, path: Path | str, read: Callable[[], ParsedSource], coder: str | None = None
) -> FileResult:
    """Store what ``read`` gives for the file ``path`` in its own transaction; any failure, reading
    included, is reported as this file's, never raised (an upload reads bytes no file holds yet)."""
    parsed = None
    try:
        parsed = read()
        path = parsed.path
        status = _stored(engine, parsed, coder)
        path = parsed.path  # an upload named by the ID it was just given
        return FileResult(str(path), status, parsed.id, parsed.kind, warnings=parsed.warnings, assigned=parsed.assigned)
    except FileProblem as problem:
        return FileResult(str(path), "failed", message=both(problem))
    except QcoderError as busy:  # the database stayed busy past every retry (or an ID rule refused a value)
        record_id = parsed.id if parsed else None
        return FileResult(
            str(path), "failed", record_id, message=Bilingual(f"{path}：{busy.zh}", f"{path}: {busy.en}", " / ")
        )
    except IntegrityError:
        # Another process stored the same ID between our check and our insert; nothing of ours was kept.
        message = QcoderError(
            f"{path}：编号 {parsed.id} 刚被另一进程导入，本文件未写入，请重试",
            f"{path}: ID {parsed.id} was just imported by another process; nothing was written, try again",
        )
        return FileResult(str(path), "failed", parsed.id, message=both(message))
    except Exception as exc:  # described, never str(exc): a database's would quote the row (names, text)
        detail = describe(exc, engine.url)
        message = QcoderError(
            f"{path}：导入失败，未写入任何内容（{detail}）", f"{path}: import failed, nothing was written ({detail})"
        )
        return FileResult(str(path), "failed", parsed.id if parsed else None, message=both(message))


ASSIGN_ATTEMPTS = 5  # concurrent imports drawing the same number: each retry draws the next free one


def _stored(engine: Engine, parsed: ParsedSource, coder: str | None) -> str:
    """Store in one (retried) transaction; an assigned ID another import just took is drawn again."""
    start = (list(parsed.warnings), parsed.id, parsed.assigned, parsed.person_key, parsed.path)

    def attempt(session: Session) -> str:
        warnings, parsed.id, parsed.assigned, parsed.person_key, parsed.path = start  # a retry starts afresh
        parsed.warnings = list(warnings)
        return store(session, parsed, coder)

    for attempt_number in itertools.count(1):
        try:
            return retrying(engine, attempt)
        except IntegrityError:
            if parsed.plan is None or attempt_number == ASSIGN_ATTEMPTS:
                raise
