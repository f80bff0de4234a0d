"""Export a project as a REFI-QDA ``.qdpx`` that NVivo, ATLAS.ti, MAXQDA and qcoder itself can open.

What goes in, valid against the standard's Project.xsd:

- **Users**: every coder whose codings or memos are exported.
- **CodeBook**: dimensions and codes with colours and descriptions (see :mod:`coder.export.qdc`).
- **Sources**: every source as ``sources/<guid>.txt`` (UTF-8, the stored text exactly) with
  ``name`` = its record ID; kind, date, title, the SHA-256 of the file it was imported from and every
  metadata key are **Variables** with their values on the source. Metadata values keep their type
  (text, Boolean, integer); a key whose values mix types is a Text variable of JSON values, marked by
  the variable's description, so it comes back exactly.
- **Codings**: accepted and manual codings — the evidence — in ``PlainTextSelection``s, whose
  positions are code points into the text, end exclusive, as qcoder stores them. Suggestions only with
  ``with_suggestions``; rejected suggestions never. Each coding keeps its coder (``creatingUser``) and
  date. REFI-QDA has no place for a review status, so a coding's GUID is the uuid5 of (source, code,
  start, end, coder, status): the importer recovers the status by recomputing it.
- **Notes**: memos, referenced from their coding, source or code (a memo on a coding that is not
  exported is left out with it).
- **Cases**: one per interviewee, named by initials (``MJQ``; ``MJQ-2`` for a second person with the
  same initials), with the interviews as SourceRefs. The real name is the case name, and an
  ``interviewee`` variable, only with ``with_names``; it appears nowhere else.

**Masked** (``qcoder export qdpx --masked``, opt-in: a .qdpx is usually the researcher's own project for
another tool): every source's file is its masked text (:mod:`coder.masking`), each selection's positions
are mapped into it (a selection that begins or ends inside a name covers its whole replacement), and the
code points counted are the masked file's; memos, code names and descriptions, case and user names and the
variables' text values are masked too, and the project's Description says so. A coding's GUID is then made
from its masked positions, so its status still comes back; two codings that differ only inside a name
become one selection.

Characters XML cannot hold (control characters pasted from a PDF) are left out of memos and
metadata values; source texts travel as files and keep them. No export time is written, the zip's
timestamps are fixed, and every GUID is stable (see :mod:`coder.export.refi`): the same project
always exports to the same bytes.

**GUIDs from another tool.** Codes, sources, codings, selections and cases that came from another
tool's project (:mod:`coder.export.qdpx_import`) are written with that tool's GUIDs, kept at import, so
exporting back into it matches what it has instead of duplicating it; everything else gets qcoder's own.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

from lxml import etree
from sqlmodel import Session, select

from coder import rounds
from coder.db.models import EVIDENCE, Code, Coder, Coding, Memo, Participant, Source
from coder.errors import QcoderError
from coder.export.qdc import code_elements, code_guid
from coder.export.refi import ORIGIN, PROJECT_NS, guid, serialise, timestamp
from coder.export.text import clean
from coder.memos import visible as memos_visible

if TYPE_CHECKING:
    from coder.masking.apply import Masker, OffsetMap

STATUSES = (*EVIDENCE, "suggested")  # what an export may hold; the importer tries each
# Variables qcoder writes for every source, before the metadata keys (in this order).
SOURCE_FIELDS = ("kind", "date", "title", "file_sha256")
NAME_VARIABLE = "interviewee"
JSON_VALUES = "qcoder: values are JSON / 值为 JSON"
_TYPES = {bool: "Boolean", int: "Integer", str: "Text"}
_ELEMENT = {"Boolean": "BooleanValue", "Integer": "IntegerValue", "Text": "TextValue", "Date": "DateValue"}


def coding_guid(source: str, code: str, start: int, end: int, coder: str, status: str) -> str:
    return guid("coding", source, code, start, end, coder, status)


def export_project(
    session: Session,
    name: str,
    with_suggestions: bool = False,
    with_names: bool = False,
    viewer: str | None = None,
    masker: Masker | None = None,
    entries: int = 0,
) -> bytes:
    """The whole project as .qdpx bytes; ``name`` is the project name other tools show. The codings are
    those ``viewer`` may see (see coder.rounds); their memos go with them, and memos on sources and codes
    as ``viewer`` may see them (see coder.memos). With ``masker`` everything a reader sees is masked (see
    the module doc) and the project's Description names the mask list's ``entries``."""
    if masker is not None and with_names:
        raise QcoderError(
            "屏蔽姓名与写入受访者真实姓名互相矛盾：二者只能选一",
            "masking names and writing real names contradict: choose one",
        )
    shown = masker.mask if masker else _same
    statuses = STATUSES if with_suggestions else EVIDENCE
    codes = session.exec(select(Code)).all()
    sources = sorted(session.exec(select(Source)).all(), key=lambda s: s.id)
    chosen = select(Coding, Coder.name).join(Coder, Coder.id == Coding.coder_id).where(Coding.status.in_(statuses))
    if (blind := rounds.visible(session, viewer)) is not None:
        chosen = chosen.where(blind)
    codings = sorted(
        ((coding, shown(who)) for coding, who in session.exec(chosen).all()),
        key=lambda row: (row[0].source_id, row[0].start, row[0].end, row[0].code_id, row[1], row[0].status),
    )
    noted = select(Memo, Coder.name).join(Coder, Coder.id == Memo.coder_id)
    noted = noted.outerjoin(Coding, Coding.id == Memo.coding_id)
    if (seen := memos_visible(session, viewer)) is not None:  # colleagues' memos in an open round stay out
        noted = noted.where(seen)
    memos = [(memo, shown(who)) for memo, who in session.exec(noted).all()]
    people = {p.id: p for p in session.exec(select(Participant)).all()}

    maps = {s.id: masker.offsets(s.text) for s in sources} if masker else {}
    spans = {c.id: _span(c, maps.get(c.source_id)) for c, _ in codings}
    guids = _coding_guids(codings, spans)
    targets = {
        **{("source", s.id): source_guid(s) for s in sources},
        **{("code", c.id): code_guid(c) for c in codes},
    }
    notes, refs = _notes(memos, guids, targets, shown)
    users = sorted({who for _, who in codings} | {who for _, _, who, _ in notes})
    cases = _cases(sources, people, with_names, shown)

    p = _Maker(PROJECT_NS)
    root = etree.Element(p("Project"), nsmap={None: PROJECT_NS}, name=shown(name), origin=ORIGIN)
    if users:
        listing = etree.SubElement(root, p("Users"))
        for user in users:
            etree.SubElement(listing, p("User"), guid=guid("user", user), name=user)
    if codes:
        book = etree.SubElement(etree.SubElement(root, p("CodeBook")), p("Codes"))
        code_elements(book, codes, PROJECT_NS, {code.id: refs[code_guid(code)] for code in codes})
        if masker:
            _mask_codes(book, shown)
    values = {source_guid(s): _masked_value(_source_values(s), shown) for s in sources}
    values |= {case["guid"]: case["values"] for case in cases}
    variables = _variables(values)
    if variables:
        listing = etree.SubElement(root, p("Variables"))
        for variable_name, (kind, encoded) in variables.items():
            element = etree.SubElement(
                listing, p("Variable"), guid=guid("variable", variable_name), name=variable_name, typeOfVariable=kind
            )
            if encoded:
                etree.SubElement(element, p("Description")).text = JSON_VALUES
    if cases:
        listing = etree.SubElement(root, p("Cases"))
        for case in cases:
            element = etree.SubElement(listing, p("Case"), guid=case["guid"], name=case["name"])
            _values(p, element, case["values"], variables)
            for source_id in case["sources"]:
                etree.SubElement(element, p("SourceRef"), targetGUID=targets[("source", source_id)])
    by_source: dict[str, list[tuple[Coding, str]]] = defaultdict(list)
    for coding, who in codings:
        by_source[coding.source_id].append((coding, who))
    if sources:
        listing = etree.SubElement(root, p("Sources"))
        for source in sources:
            _source(p, listing, source, by_source[source.id], spans, guids, refs, values, variables, targets)
    if notes:
        listing = etree.SubElement(root, p("Notes"))
        for note, memo, who, text in notes:
            element = etree.SubElement(
                listing, p("Note"), guid=note, name=clean(text.strip().split("\n")[0][:40]),
                creatingUser=guid("user", who), creationDateTime=timestamp(memo.created_at),
            )  # fmt: skip
            etree.SubElement(element, p("PlainTextContent")).text = clean(text)
    if masker and entries:
        from coder.masking.outputs import methods_note

        etree.SubElement(root, p("Description")).text = "\n".join(methods_note(entries, lang) for lang in ("zh", "en"))
    for note in refs["project"]:
        etree.SubElement(root, p("NoteRef"), targetGUID=note)

    members = [("project.qde", serialise(root))]
    texts = {s.id: maps[s.id].masked if masker else s.text for s in sources}
    members += [(f"sources/{source_guid(s)}.txt", texts[s.id].encode("utf-8")) for s in sources]
    return _zip(members)


class _Maker:
    """Qualified tag names in one namespace: ``p("Project")``."""

    def __init__(self, ns: str) -> None:
        self.ns = ns

    def __call__(self, tag: str) -> str:
        return f"{{{self.ns}}}{tag}"


def _same(text: str) -> str:
    return text


def _span(coding: Coding, moved: OffsetMap | None) -> tuple[int, int]:
    """A coding's positions in the exported text: the stored ones, or mapped into the masked text."""
    if moved is None:
        return coding.start, coding.end
    return moved.start(coding.start), moved.end(coding.end)


def _coding_guids(codings: list[tuple[Coding, str]], spans: dict[int, tuple[int, int]]) -> dict[int, str]:
    """Each coding's GUID: the other tool's, else made from the positions it is exported at (so the importer
    finds its status); a masked coding that lands on another's GUID keeps the one of its stored positions."""
    guids: dict[int, str] = {}
    taken: set[str] = set()
    for c, who in codings:
        made = c.guid or coding_guid(c.source_id, c.code_id, *spans[c.id], who, c.status)
        if made in taken and not c.guid and spans[c.id] != (c.start, c.end):
            made = coding_guid(c.source_id, c.code_id, c.start, c.end, who, c.status)
        taken.add(made)
        guids[c.id] = made
    return guids


def _masked_value(value: Any, shown: Any) -> Any:
    """A variable's value with its text masked, inside lists and mappings too; other types as they are."""
    if isinstance(value, str):
        return shown(value)
    if isinstance(value, list):
        return [_masked_value(v, shown) for v in value]
    if isinstance(value, dict):
        return {shown(k): _masked_value(v, shown) for k, v in value.items()}
    return value


def _mask_codes(book: etree._Element, shown: Any) -> None:
    """The code tree's names and descriptions masked (a code's example may quote a source)."""
    for element in book.iter(f"{{{PROJECT_NS}}}Code"):
        element.set("name", shown(element.get("name") or ""))
        description = element.find(f"{{{PROJECT_NS}}}Description")
        if description is not None and description.text:
            description.text = shown(description.text)


def source_guid(source: Source) -> str:
    """The GUID a source is exported with: the other tool's it came from, else qcoder's own stable one."""
    return source.guid or guid("source", source.id)


def _notes(
    memos: list[tuple[Memo, str]], codings: dict[int, str], targets: dict[tuple[str, str], str], shown: Any = _same
) -> tuple[list, defaultdict[str, list[str]]]:
    """Each exported memo with its note GUID and its text as ``shown``, and the note GUIDs by target (a GUID,
    or "project").

    A note's GUID is its target, coder and text (numbered when one coder wrote the same text twice
    on one target), and notes are ordered by what they hold, never by database ids: a project that came
    back through a .qdpx exports to the same file.
    """
    rows = []
    for memo, who in memos:
        if memo.coding_id is not None:
            target = codings.get(memo.coding_id)
            if target is None:
                continue  # its coding (a suggestion or a rejected one) is not exported
        elif memo.source_id is not None:
            target = targets[("source", memo.source_id)]
        elif memo.code_id is not None:
            target = targets[("code", memo.code_id)]
        else:
            target = "project"
        rows.append((timestamp(memo.created_at), target, who, shown(memo.text), memo))
    notes = []
    refs: defaultdict[str, list[str]] = defaultdict(list)
    seen: Counter[tuple] = Counter()
    for _when, target, who, text, memo in sorted(rows, key=lambda row: row[:4]):
        seen[(target, who, text)] += 1
        note = guid("memo", target, who, text, seen[(target, who, text)])
        refs[target].append(note)
        notes.append((note, memo, who, text))
    return notes, refs


def _cases(
    sources: list[Source], people: dict[int, Participant], with_names: bool, shown: Any = _same
) -> list[dict[str, Any]]:
    """One case per interviewee; its GUID is the other tool's case it came from, else made from the first
    interview's ID, never from the name."""
    interviews: dict[int, list[str]] = defaultdict(list)
    for source in sources:
        if source.participant_id is not None:
            interviews[source.participant_id].append(source.id)
    cases, labels = [], Counter()
    for person_id, source_ids in sorted(interviews.items(), key=lambda item: item[1][0]):
        person = people[person_id]
        base = person.initials or "participant"
        labels[base] += 1
        label = base if labels[base] == 1 else f"{base}-{labels[base]}"
        named = with_names and person.name
        kept = person.key.removeprefix("case:") if person.key.startswith("case:") else None
        cases.append(
            {
                "guid": kept or guid("case", source_ids[0]),
                "name": person.name if named else shown(label),
                "values": {NAME_VARIABLE: person.name} if named else {},
                "sources": source_ids,
            }
        )
    return cases


def _source_values(source: Source) -> dict[str, Any]:
    fields = {"kind": source.kind, "date": source.date, "title": source.title, "file_sha256": source.sha256}
    return {**{k: v for k, v in fields.items() if v is not None}, **source.meta}


def _variables(values: dict[str, dict[str, Any]]) -> dict[str, tuple[str, bool]]:
    """Each variable's REFI type and whether its values are written as JSON (mixed or nested types)."""
    seen: dict[str, list[Any]] = defaultdict(list)
    for owner in values.values():
        for key, value in owner.items():
            seen[key].append(value)
    order = [k for k in SOURCE_FIELDS if k in seen] + sorted(k for k in seen if k not in SOURCE_FIELDS)
    typed = {}
    for key in order:
        kinds = {type(v) for v in seen[key] if v is not None}
        if len(kinds) == 1 and (only := next(iter(kinds))) in _TYPES:
            typed[key] = (_TYPES[only], False)
        elif key == "date":
            typed[key] = ("Date", False)
        else:
            typed[key] = ("Text", bool(kinds))
    return typed


def _values(p: _Maker, element: etree._Element, values: dict[str, Any], variables: dict[str, tuple[str, bool]]) -> None:
    """VariableValues in the variables' order; a None value is a VariableValue without a value."""
    for key, (kind, encoded) in variables.items():
        if key not in values:
            continue
        holder = etree.SubElement(element, p("VariableValue"))
        etree.SubElement(holder, p("VariableRef"), targetGUID=guid("variable", key))
        value = values[key]
        if value is None:
            continue
        if encoded:
            text = json.dumps(value, ensure_ascii=False)
        elif kind == "Boolean":
            text = "true" if value else "false"
        elif kind == "Date":
            text = value.isoformat()
        else:
            text = str(value)
        etree.SubElement(holder, p(_ELEMENT[kind])).text = clean(text)


def _source(
    p: _Maker,
    listing: etree._Element,
    source: Source,
    codings: list[tuple[Coding, str]],
    spans: dict[int, tuple[int, int]],
    guids: dict[int, str],
    refs: dict[str, list[str]],
    values: dict[str, dict[str, Any]],
    variables: dict[str, tuple[str, bool]],
    targets: dict[tuple[str, str], str],
) -> None:
    """A TextSource with one selection per coded span (as ``spans`` gives it) and every coding of that span
    inside it."""
    own = targets[("source", source.id)]
    element = etree.SubElement(
        listing, p("TextSource"), guid=own, name=source.id, plainTextPath=f"internal://{own}.txt"
    )
    grouped: dict[tuple[int, int], list[tuple[Coding, str]]] = defaultdict(list)
    for coding, who in codings:
        grouped[spans[coding.id]].append((coding, who))
    for (start, end), group in grouped.items():
        first, first_coder = min(group, key=lambda row: (timestamp(row[0].created_at), row[1]))
        kept = next((coding.selection_guid for coding, _ in group if coding.selection_guid), None)
        selection = etree.SubElement(
            element, p("PlainTextSelection"), guid=kept or guid("selection", source.id, start, end),
            startPosition=str(start), endPosition=str(end),
            creatingUser=guid("user", first_coder), creationDateTime=timestamp(first.created_at),
        )  # fmt: skip
        for coding, who in group:
            tag = etree.SubElement(
                selection, p("Coding"), guid=guids[coding.id], creatingUser=guid("user", who),
                creationDateTime=timestamp(coding.created_at),
            )  # fmt: skip
            etree.SubElement(tag, p("CodeRef"), targetGUID=targets[("code", coding.code_id)])
            for note in refs[guids[coding.id]]:
                etree.SubElement(tag, p("NoteRef"), targetGUID=note)
    for note in refs[own]:
        etree.SubElement(element, p("NoteRef"), targetGUID=note)
    _values(p, element, values[own], variables)


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    """A zip whose bytes depend on the members only (fixed timestamps and permissions)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()
