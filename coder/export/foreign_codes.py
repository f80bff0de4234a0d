"""Another tool's codes in qcoder's codebook: which project code each one is, and entries for the rest.

**Matching** (:func:`match`). A code of a .qdpx is the project's code (or dimension) whose GUID it
carries — the other tool's GUID a code kept when it came in (``guid`` in codebook.yaml), or qcoder's own
stable GUID (a qcoder export) — else the one its 【编号 id】 description line names, else the code with
the same name (Chinese or English) — by name only when no other code of the file has that name, or
when the project code's parent is the node the file code's parent matched: two codes 其他 under
different parents are never merged into one. With new codes allowed a name never matches a dimension and two
codes of that name match neither: the file's code then comes in as a code of its own.

**New entries** (:func:`additions`), for every code of the file that matched nothing, parents first:

- under the node its parent in the file is (a project code or dimension, or the parent's own new
  entry), so the file's hierarchy stays: a parent with children is a code with its children under it;
- a top-level code, or one whose parent matched nothing, under the dimension for that tool's codes:
  ``imported_maxqda`` named 导入的代码（MAXQDA） for a project whose ``origin`` is "MAXQDA 24" (the tool's
  name without its version), ``imported`` / 导入的代码 when the file names no origin;
- the id is ``dimension.`` + the pinyin of the name (:func:`coder.invivo.slug`), numbered when taken; the
  name, the description (definition, and the labelled lines qcoder writes), the colour and the tool's
  GUID are kept; keywords are the words of the name, as ``qcoder codebook import`` gives them (edit them
  before tagging).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from coder import invivo
from coder.db.models import Code
from coder.export.qdc import code_entry, description_of, read_description
from coder.export.refi import guid, guid_key, is_guid, local_name

FOREIGN_DIMENSION = "imported"


@dataclass
class Matching:
    """The file's codes (by GUID, as :func:`coder.export.refi.guid_key` gives it) against the project's."""

    nodes: dict[str, str] = field(default_factory=dict)  # → the project's code or dimension id
    names: dict[str, str] = field(default_factory=dict)  # → the name in the file
    unmapped: dict[str, tuple[str, str]] = field(default_factory=dict)  # → why it cannot be coded (zh, en)


@dataclass
class Additions:
    """New codebook entries for a file's unmatched codes, parents first, and the ids they get."""

    dimensions: list[dict[str, Any]] = field(default_factory=list)
    codes: list[dict[str, Any]] = field(default_factory=list)
    ids: dict[str, str] = field(default_factory=dict)  # file code GUID → new code id


def match(root: etree._Element, rows: list[Code], new_codes: bool) -> Matching:
    """Which project node each code of the project file ``root`` is (see the module docstring)."""
    by_guid = {guid("code", c.id): c for c in rows} | {c.guid: c for c in rows if c.guid}
    by_id = {c.id: c for c in rows}
    by_name: dict[str, list[Code]] = defaultdict(list)
    for c in rows:
        if new_codes and c.parent_id is None:
            continue  # a code named like a dimension comes in as a code, not as that dimension
        for name in {c.name, c.name_en} - {None}:
            by_name[name.strip()].append(c)
    found = Matching()
    elements = list(root.iterfind("{*}CodeBook//{*}Code"))
    in_file = Counter((e.get("name") or "").strip() for e in elements)
    for element in elements:  # document order: a parent is matched before its children
        key, name = guid_key(element.get("guid")), (element.get("name") or "").strip()
        own = read_description(description_of(element)).get("id")
        named = by_name.get(name, [])
        if in_file[name] > 1:  # two codes of the file share the name: only the parent can tell them apart
            parent = element.getparent()
            under = found.nodes.get(guid_key(parent.get("guid"))) if local_name(parent) == "Code" else None
            named = [c for c in named if under is not None and c.parent_id == under]
        matches = [by_guid[key]] if key in by_guid else [by_id[own]] if own in by_id else named
        found.names[key] = name
        if len(matches) == 1:
            found.nodes[key] = matches[0].id
            if matches[0].parent_id is None:
                found.unmapped[key] = (
                    f"是编码簿中的维度 {matches[0].id}，维度不能编码",
                    f"is the dimension {matches[0].id}, which cannot be coded",
                )
        elif len(matches) > 1 and not new_codes:
            listing = ", ".join(sorted(c.id for c in matches))
            found.unmapped[key] = (
                f"同时对应编码簿中的 {listing}",
                f"matches several codes of the codebook ({listing})",
            )
    return found


def additions(root: etree._Element, matching: Matching, rows: list[Code]) -> Additions:
    """Codebook entries for the codes of ``root`` that ``matching`` found no project node for."""
    dimension_of = {c.id: c.dimension for c in rows}  # a dimension's own dimension is itself
    taken = set(dimension_of)
    foreign = foreign_dimension(root.get("origin"))
    out = Additions()

    def visit(element: etree._Element, parent: str | None) -> None:
        key = guid_key(element.get("guid"))
        own = matching.nodes.get(key) or out.ids.get(key)
        if own is None:
            under = parent or foreign["id"]
            dimension = dimension_of.get(under, under)
            own = invivo.free_id(dimension, (element.get("name") or "").strip() or "code", taken)
            taken.add(own)
            entry = code_entry(element, own, under)
            if is_guid(key):
                entry["guid"] = key
                out.ids[key] = own
            out.codes.append(entry)
            dimension_of[own] = dimension
        for child in element.iterfind("{*}Code"):
            visit(child, own)

    for top in root.iterfind("{*}CodeBook/{*}Codes/{*}Code"):
        visit(top, None)
    if foreign["id"] not in {c.id for c in rows} and any(e["parent"] == foreign["id"] for e in out.codes):
        out.dimensions.append(foreign)
    return out


def foreign_dimension(origin: str | None) -> dict[str, Any]:
    """The dimension entry for the codes of the tool ``origin`` names ("MAXQDA 24" → MAXQDA)."""
    words = []
    for word in (origin or "").split():
        if re.match(r"[\d(（\[]", word):  # the version, a release note: not the tool's name
            break
        words.append(word)
    tool = " ".join(words)
    if not tool:
        return {"id": FOREIGN_DIMENSION, "name": "导入的代码", "name_en": "Imported codes"}
    return {
        "id": f"{FOREIGN_DIMENSION}_{invivo.slug(tool)}",
        "name": f"导入的代码（{tool}）",
        "name_en": f"Imported codes ({tool})",
        "definition": f"从 {tool} 项目导入、编码簿中原来没有的代码 / codes that came from {tool} and were not in the codebook",
    }
