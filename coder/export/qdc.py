"""Codebook exchange: REFI-QDA ``.qdc`` files, and the code tree inside a ``.qdpx``.

Export (``qcoder codebook export``, and the CodeBook of every .qdpx): each dimension is a top-level
``Code`` that cannot be coded (``isCodable="false"``); its codes nest under it and under their parent
codes, with their colour and a ``Description`` that starts with the definition and then lists the rest
of the codebook entry on labelled lines::

    干部按单位职能和岗位特点分类……

    【编号 id】structure.tiering
    【英文名 name_en】Classification and tiering
    【关键词 keywords】分类分层、方阵

Other tools show that text as the code's description; qcoder reads it back, so codebook.yaml → .qdc →
codebook.yaml keeps ids, names, definitions, usage notes, examples and terms. A code that came from
another tool is written with that tool's GUID (``guid`` in codebook.yaml), every other one with qcoder's.

Import (``qcoder codebook import``) writes YAML that ``qcoder codebook check`` accepts, from qcoder's
own .qdc or another tool's (or from the codebook inside a .qdpx). Another tool's tree is fitted to
qcoder's rules:

- a top-level code with children, or one marked not codable, is a dimension; top-level codes without
  children go under one dimension ``uncategorised`` (未分类), since every qcoder code has a dimension;
- ids come from a 【编号 id】 line, else from the name in pinyin (分类分层 → ``fen_lei_fen_ceng``),
  made unique with ``_2``, ``_3``;
- a code without keywords gets the words of its name as keywords (the tagger needs at least one):
  edit them before tagging;
- colours written ``#abc`` become ``#AABBCC``; a colour that is not RGB is left out.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from lxml import etree
from sqlmodel import Session, select

from coder import codebook, invivo
from coder.controls import CONTROL
from coder.db.models import Code
from coder.errors import QcoderError
from coder.export.refi import CODEBOOK_NS, ORIGIN, guid, local_name, open_qdpx, parse_xml, serialise
from coder.export.text import clean
from coder.limits import read_xml_file

# Codebook fields written after the definition, each on a line of its own: (field, Chinese label).
LABELLED = (
    ("id", "编号"), ("name_en", "英文名"), ("brief", "简述"), ("when_to_use", "何时使用"),
    ("when_not_to_use", "何时不用"), ("example", "示例"), ("keywords", "关键词"), ("exclude", "排除词"),
)  # fmt: skip
LISTS = {"keywords", "exclude"}
TERM_SEPARATOR = "、"
_LABEL = re.compile(r"^【\S+ (" + "|".join(field for field, _ in LABELLED) + r")】", re.MULTILINE)
UNCATEGORISED = {"id": "uncategorised", "name": "未分类", "name_en": "Uncategorised"}


def describe(code: Code) -> str:
    """A code's Description: its definition, then the other fields on labelled lines."""
    lines = []
    for field, label in LABELLED:
        value = getattr(code, field)
        if field in LISTS:
            value = TERM_SEPARATOR.join(value)
        if value:
            lines.append(f"【{label} {field}】{value}")
    blocks = [code.definition.strip()] if code.definition else []
    return "\n\n".join([*blocks, "\n".join(lines)] if lines else blocks)


def read_description(text: str | None) -> dict[str, Any]:
    """The fields of a Description :func:`describe` wrote; another tool's text is all definition."""
    text = text or ""
    labels = list(_LABEL.finditer(text))
    definition = text[: labels[0].start()] if labels else text
    fields: dict[str, Any] = {"definition": definition.strip() or None}
    for n, label in enumerate(labels):
        value = text[label.end() : labels[n + 1].start() if n + 1 < len(labels) else len(text)].strip()
        field = label[1]
        fields[field] = [t.strip() for t in value.split(TERM_SEPARATOR) if t.strip()] if field in LISTS else value
    return fields


def code_guid(code: Code) -> str:
    """The GUID a code is exported with: the other tool's it came from, else qcoder's own stable one."""
    return code.guid or guid("code", code.id)


def code_elements(
    parent: etree._Element, codes: Iterable[Code], ns: str, notes: dict[str, list[str]] | None = None
) -> None:
    """Append the code tree under ``parent`` in namespace ``ns``; ``notes`` maps a code id to the
    GUIDs of its memos (a project file only: a .qdc has no notes)."""
    children: dict[str | None, list[Code]] = {}
    for code in sorted(codes, key=lambda c: c.position):
        children.setdefault(code.parent_id, []).append(code)

    def add(into: etree._Element, code: Code) -> None:
        element = etree.SubElement(
            into, f"{{{ns}}}Code", guid=code_guid(code), name=code.name,
            isCodable="false" if code.parent_id is None else "true", color=code.color,
        )  # fmt: skip
        description = describe(code)
        if description:
            etree.SubElement(element, f"{{{ns}}}Description").text = clean(description)
        for note in (notes or {}).get(code.id, []):
            etree.SubElement(element, f"{{{ns}}}NoteRef", targetGUID=note)
        for child in children.get(code.id, []):
            add(element, child)

    for dimension in children.get(None, []):
        add(parent, dimension)


def synced_codes(session: Session) -> list[Code]:
    """The project's codes as synced from codebook.yaml, for a codebook export: none is an error saying how
    to get them."""
    codes = list(session.exec(select(Code)).all())
    if not codes:
        raise QcoderError(
            "项目中还没有代码：请先运行 qcoder init 或 qcoder codebook sync",
            "the project has no codes yet: run qcoder init or qcoder codebook sync first",
        )
    return codes


def export_codebook(session: Session) -> bytes:
    """The project's codes (as synced from codebook.yaml) as a REFI-QDA .qdc file."""
    codes = synced_codes(session)
    root = etree.Element(f"{{{CODEBOOK_NS}}}CodeBook", nsmap={None: CODEBOOK_NS}, origin=ORIGIN)
    code_elements(etree.SubElement(root, f"{{{CODEBOOK_NS}}}Codes"), codes, CODEBOOK_NS)
    return serialise(root)


def codebook_yaml(path: Path) -> str:
    """The codebook of a .qdc (or of a .qdpx project) as codebook YAML that passes validation."""
    top = [
        (e, e.find("{*}Code") is not None or e.get("isCodable", "true").strip() == "false") for e in _top_codes(path)
    ]
    return book_yaml(
        path,
        top,
        f"由 qcoder codebook import 从 {path.name} 转换；没有关键词的代码以名称中的词为关键词，请在标注前修改。",
        f"Converted from {path.name} by qcoder codebook import; codes without keywords got the words of "
        "their names as keywords: edit them before tagging.",
    )


def book_yaml(path: Path, top: Iterable[tuple[etree._Element, bool]], note_zh: str, note_en: str) -> str:
    """Codebook YAML from the top-level REFI ``Code`` elements of ``path``, each paired with whether it is a
    dimension (the others become codes under ``uncategorised``), headed by the comment ``note_zh`` /
    ``note_en``; checked as ``qcoder codebook check`` checks it, since what the import writes must pass."""
    taken: set[str] = set()
    dimensions: list[dict[str, Any]] = []
    codes: list[dict[str, Any]] = []
    loose = []
    for element, is_dimension in top:
        if not is_dimension:
            loose.append(element)
            continue
        entry = entry_of(element, identifier_for(element, "", taken), dimension=True)
        dimensions.append(entry)
        for child in element.iterfind("{*}Code"):
            add_code(child, entry["id"], entry["id"], taken, codes)
    if loose:
        dimension = {**UNCATEGORISED, "id": unique_id(UNCATEGORISED["id"], taken)}
        dimensions.append(dimension)
        for element in loose:
            add_code(element, dimension["id"], dimension["id"], taken, codes)
    if not codes:
        raise QcoderError(
            f"{path}：编码簿只有维度、没有可用的代码", f"{path}: the codebook has dimensions but no codes"
        )
    book = {"name": path.stem, "version": 1, "dimensions": dimensions, "codes": codes}
    text = f"# {note_zh}\n# {note_en}\n" + yaml.safe_dump(book, allow_unicode=True, sort_keys=False, width=1000)
    codebook.parse(text, str(path))
    return text


def _top_codes(path: Path) -> list[etree._Element]:
    if not path.exists():
        raise QcoderError(f"找不到 {path}", f"{path} does not exist")
    if zipfile.is_zipfile(path):
        with open_qdpx(path) as package:
            root = package.root.find("{*}CodeBook")
            where = f"{path}: {package.qde}"
    else:
        root = parse_xml(read_xml_file(path), str(path))
        where = str(path)
        if local_name(root) != "CodeBook":
            raise QcoderError(
                f"{where}：根元素是 {local_name(root)}，应为 CodeBook（.qdc）",
                f"{where}: the root element is {local_name(root)}, not CodeBook (.qdc)",
            )
    top = [] if root is None else root.findall("{*}Codes/{*}Code")
    if not top:
        raise QcoderError(f"{where}：没有任何代码（Codes/Code）", f"{where}: no codes (Codes/Code) in it")
    return top


def add_code(element: etree._Element, dimension: str, parent: str, taken: set[str], out: list[dict]) -> None:
    """Append the entry of a REFI ``Code`` and, below it, its children's to ``out`` (ids kept unique in ``taken``)."""
    entry = code_entry(element, identifier_for(element, f"{dimension}.", taken), parent)
    out.append(entry)
    for child in element.iterfind("{*}Code"):
        add_code(child, dimension, entry["id"], taken, out)


def code_entry(element: etree._Element, identifier: str, parent: str) -> dict[str, Any]:
    """The codebook entry of a REFI ``Code`` under ``parent``: names, then ``parent`` where a person writing
    the YAML would put it, then the fields its Description holds, its keywords and colour."""
    entry = entry_of(element, identifier, dimension=False)
    head = {k: entry[k] for k in ("id", "name", "name_en") if k in entry}
    return {**head, "parent": parent, **{k: v for k, v in entry.items() if k not in head}}


def identifier_for(element: etree._Element, prefix: str, taken: set[str]) -> str:
    """The id a 【编号 id】 line gives if it fits under ``prefix``, else one made from the name.

    An id from a line is checked with the rest of the codebook when the YAML is validated."""
    own = read_description(description_of(element)).get("id") or ""
    if own and own.startswith(prefix) and own not in taken and ("." in own) == bool(prefix):
        taken.add(own)
        return own
    return unique_id(prefix + invivo.slug(element.get("name", "")), taken)


def unique_id(wanted: str, taken: set[str]) -> str:
    """``wanted``, numbered when ``taken`` has it; the id given is added to ``taken``."""
    candidate = invivo.numbered(wanted, taken)
    taken.add(candidate)
    return candidate


def entry_of(element: etree._Element, identifier: str, dimension: bool) -> dict[str, Any]:
    """A REFI ``Code`` as codebook YAML fields (a dimension's or a code's), empty fields left out."""
    # Control characters (a CR of Windows line ends, text pasted from a PDF) would fail the codebook check.
    fields = {k: _plain(v) for k, v in read_description(_plain(description_of(element))).items()}
    name = " ".join(_plain(element.get("name")).split()) or identifier
    entry: dict[str, Any] = {"id": identifier, "name": name, "name_en": fields.get("name_en")}
    color = _color(element.get("color"))
    if dimension:
        entry |= {"color": color, "definition": fields.get("definition")}
    else:
        entry |= {
            **{k: fields.get(k) for k in ("brief", "definition", "when_to_use", "when_not_to_use", "example")},
            "keywords": fields.get("keywords") or _name_words(name),
            "exclude": fields.get("exclude"),
            "color": color,
        }
    return {k: v for k, v in entry.items() if v}


def _plain(value: Any) -> Any:
    """Text without control characters (line ends as ``\n``); lists item by item; anything else as it is."""
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if value is None or isinstance(value, str):
        return CONTROL.sub("", (value or "").replace("\r\n", "\n"))
    return value


def description_of(element: etree._Element) -> str | None:
    """The text of a Code's Description, None without one."""
    found = element.find("{*}Description")
    return None if found is None else found.text


def _color(value: str | None) -> str | None:
    value = (value or "").strip().upper()
    if re.fullmatch(r"#[0-9A-F]{3}", value):
        return "#" + "".join(ch * 2 for ch in value[1:])
    return value if re.fullmatch(r"#[0-9A-F]{6}", value) else None


def _name_words(name: str) -> list[str]:
    """Keywords for a code that has none: the words of its name (never empty, never with spaces)."""
    words = [w for w in re.split(r"[\W_]+", name) if w]
    return list(dict.fromkeys(words)) or [re.sub(r"\s+", "", name) or "code"]
