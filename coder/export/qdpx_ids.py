"""The record ID a source of another tool's project (``.qdpx``) gets, and the title and name it shows.

**Which source.** :mod:`coder.export.qdpx_import` first looks for the project's source the file's source
already is (its kept GUID, a qcoder GUID, else its name as a record ID, else the same text). What is
left gets an ID here.

**The ID.** A ``--map`` row's ``id`` (:mod:`coder.export.qdpx_plan`), else the source's name when it is
a record ID (``20240115MJQ``, ``20230110-P03``, as in a qcoder export), else one made as ``qcoder id
make`` makes it (:class:`coder.sources.assign.IdPlan`). The kind comes from the row, a ``kind``
variable (``访谈``, ``政策``, ``媒体`` are read too), else ``--kind``; the date from the row, a ``date``
variable, else the source's ``creationDateTime`` (the day as written, in its own offset). Policy texts
and media reports get the next number of their kind through the project (``20230110-P04``);
interviews the date and the interviewee's initials (surname readings, warnings kept in the report,
``-2`` for a second person with the same initials that day), from an ``initials`` variable of the
source or its Case, else a name (:data:`coder.sources.assign.NAME_KEYS`: ``interviewee``, ``name``,
受访者, 姓名) of the source or its Case, else the name of its Case when that is a person's name (2–4
hanzi). A source for which no ID can be made is skipped with one message naming everything missing.

**Titles and names.** The old name becomes the title (unless a ``title`` variable gives one). Without
``with_names`` the interviewee's real name — the one the initials were made from — is replaced by the
initials in the title, and in the name qcoder shows and stores for the source (its ``filename``, the
audit log, the printed ``name → ID`` line, the ``--plan`` CSV): 马继强访谈 → MJQ访谈.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from coder.db.models import SOURCE_KINDS
from coder.export.qdpx_plan import MapRow
from coder.export.qdpx_read import Skip, kind_of
from coder.sources import assign, ids

NAME_KEYS = assign.NAME_KEYS  # variables that hold a person's real name
_PERSON = re.compile(r"^[\u3400-\u9fff]{2,4}$")  # a Case named like a person: 2–4 hanzi


@dataclass(frozen=True)
class Facts:
    """What one source of the file says about its record ID."""

    name: str  # its name in the other tool
    where: str  # the file and the source, for messages
    declared: dict[str, Any]  # its variables qcoder reads itself (kind, date, title, initials, names …), lower-cased
    case_name: str
    case_values: dict[str, Any]
    row: MapRow | None  # the --map row deciding it, if any
    created: dt.date | None  # the day of its creationDateTime

    @property
    def person(self) -> str | None:
        """The interviewee's real name a variable of the source or its Case gives."""
        found = next((self.declared[k] for k in NAME_KEYS if self.declared.get(k)), None)
        found = found or next((v for k, v in self.case_values.items() if k.lower() in NAME_KEYS and v), None)
        return str(found).strip() or None if found is not None else None

    def person_for(self, kind: str | None) -> str | None:
        """The real name of the interviewee a source of ``kind`` is of: a variable's, else its Case's name
        when that is a person's name (as researchers name cases)."""
        if self.person or kind != "interview":
            return self.person
        return self.case_name if _PERSON.match(self.case_name) else None

    @property
    def written_initials(self) -> str:
        """Initials an ``initials`` variable of the source, else of its Case, gives."""
        written = str(self.declared.get("initials") or "").strip()
        return written or next(
            (str(v).strip() for k, v in self.case_values.items() if k.lower() == "initials" and v), ""
        )


@dataclass(frozen=True)
class Assigned:
    """The record ID a source gets, with what it is stored and shown with."""

    id: str
    kind: str
    date: dt.date | None
    initials: str | None
    how: str  # where the ID came from, in both languages (the plan's note, the audit's assigned_id)
    title: str | None
    person: str | None  # the real name, stored only with_names
    shown: str  # the source's name as qcoder stores and prints it (see the module docstring)
    warnings: tuple[str, ...] = ()


def record_id(name: str) -> str | None:
    """``name`` as a record ID, when it is one."""
    try:
        ids.parse(name)
    except ids.IdError:
        return None
    return ids.canonical(name)


def title_of(name: str, record_id: str) -> str | None:
    """The title a source named otherwise than by its record ID keeps: its old name."""
    return name if name and name != record_id else None


def date_of(value: Any, where: str) -> dt.date | None:
    """A ``date`` variable as a date (None when empty), or a Skip naming ``where``."""
    if value in (None, ""):
        return None
    try:
        return ids.calendar_date(value, where)
    except ids.IdError as exc:
        raise Skip(exc.zh, exc.en) from None


def shown_name(name: str, person: str | None, initials: str | None, with_names: bool) -> str:
    """``name`` with the real name it holds replaced by the initials, unless ``with_names``."""
    if person and initials and not with_names:
        return name.replace(person, initials)
    return name


def map_row(rows: dict[str, MapRow] | None, map_path: str | None, source_guid: str, where: str) -> MapRow | None:
    """The map's row for a source (None without a map); a source the map leaves out is a Skip."""
    if rows is None:
        return None
    row = rows.get(source_guid)
    if row is None:
        raise Skip(
            f"{where}：不在编号表 {map_path} 中，未导入",
            f"{where}: not in the map {map_path}; not imported",
        )
    return row


def assign_id(
    facts: Facts, title: str | None, default_kind: str | None, existing: set[str], with_names: bool
) -> Assigned:
    """The record ID for a source the project does not have yet (see the module docstring); a Skip when
    none can be given. ``existing`` are the IDs it must not be given."""
    row, where, name = facts.row, facts.where, facts.name
    date = row.date if row and row.date else date_of(facts.declared.get("date"), where)
    kind = kind_of(row.kind if row and row.kind else facts.declared.get("kind"))
    given = (row.id if row and row.id else None) or record_id(name)
    initials: str | None = None
    warnings: tuple[str, ...] = ()
    if given is None:
        kind = kind or kind_of(default_kind)
    else:
        parsed = ids.parse(given)
        if not (row and row.id) and kind and kind != parsed.kind:
            raise Skip(
                f"{where}：类型为 {kind}，但编号 {name} 属于 {parsed.kind} 的编号规则",
                f"{where}: kind is {kind} but ID {name} follows the {parsed.kind} convention",
            )
        kind, date = parsed.kind, date or parsed.date
        initials = parsed.initials if isinstance(parsed, ids.InterviewId) else None
        how = f"{row.where_zh}给出 / given on {row.where_en}" if row and row.id else "名称即编号 / the name is its ID"
    person = facts.person_for(kind)
    if given is None:
        given, how, date, initials, warnings = _made(facts, kind, date, person, existing)
    title = title or title_of(name, given)
    if title:
        title = shown_name(title, person, initials, with_names)  # a title is printed and exported
    return Assigned(given, kind, date, initials, how, title, person, shown_name(name, person, initials, with_names),
                    warnings)  # fmt: skip


def _made(
    facts: Facts, kind: str | None, date: dt.date | None, person: str | None, existing: set[str]
) -> tuple[str, str, dt.date, str | None, tuple[str, ...]]:
    """A new record ID, how it was made, its date, initials and warnings; a Skip naming everything missing."""
    where, row = facts.where, facts.row
    if row and row.date:
        found = assign.Found(row.date, row.where_zh, row.where_en)
    elif date:
        found = assign.Found(date, "date 变量", "the date variable")
    elif facts.created is not None:
        found = assign.Found(facts.created, "creationDateTime", "its creationDateTime")
    else:
        found = None
    missing: list[tuple[str, str]] = []
    if kind not in SOURCE_KINDS:
        missing.append(("kind（kind 变量或 --kind：interview、policy、media）", "kind (a kind variable or --kind)"))
    if found is None:
        missing.append(
            ("date（date 变量 YYYY-MM-DD，或来源的 creationDateTime）", "date (a date variable or creationDateTime)")
        )
    made = None
    if kind == "interview":
        made, problem = _initials({"initials": facts.written_initials, "interviewee": person or ""})
        if problem:
            missing.append(problem)
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
    assert found is not None and kind is not None
    plan = assign.IdPlan(kind, found.date, made.initials if made else None, found.where_zh, found.where_en,
                         list(made.warnings) if made else [])  # fmt: skip
    try:
        given = plan.make(existing)
        ids.parse(given.id)  # a document's date after today
    except ids.IdError as exc:
        raise Skip(f"{where}：{exc.zh}", f"{where}: {exc.en}") from None
    warnings = tuple(f"{where}: {w}" for w in [*plan.warnings, *given.warnings])  # each in both languages already
    return given.id, " / ".join(plan.explain(given.id)), found.date, plan.initials, warnings


def _initials(front: dict[str, Any]) -> tuple[ids.MadeId | None, tuple[str, str] | None]:
    """The interviewee's initials as front matter gives them (:func:`coder.sources.assign.interviewee_initials`),
    or the missing field to name — here, the variables and Case that give it."""
    try:
        made = assign.interviewee_initials(front)
    except ids.IdError as exc:
        return None, (f"initials 变量（{exc.zh}）", f"an initials variable ({exc.en})")
    if made is None:
        return None, (
            "initials 或 interviewee 变量（或以受访者姓名命名的 Case）",
            "an initials or interviewee variable (or a Case named after the interviewee)",
        )
    return made, None
