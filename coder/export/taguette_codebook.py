"""Taguette's codebook CSV: read into codebook YAML, and written from the project's codes.

Taguette (https://www.taguette.org) exchanges CSV, not REFI-QDA. What its release 1.5 writes and reads
(its highlights CSV is :mod:`coder.export.taguette_highlights`'):

- codebook export ``tag,description,number of highlights,number of documents``; its codebook import reads
  the tag from the one column named ``tag``, ``name`` or ``path`` and a ``description``, nothing else
  (its development version adds a ``parent`` column, naming the parent tag: read here too);
- UTF-8 without BOM, CRLF line ends, quoted where needed (Python's csv module, Excel dialect).

Tags are hierarchical by name: ``场景.政策压力`` is 政策压力 under 场景, as Taguette lists it (the highlights
of 场景 include those of 场景.政策压力).

**Codebook import** (``qcoder codebook import F.csv``) writes YAML that ``qcoder codebook check`` accepts,
fitted to qcoder's rules by the REFI codebook import's own steps (:mod:`coder.export.qdc`: ids from a
【编号 id】 line or the pinyin of the name, keywords from the name's words, colours), so both importers give
one tag the same id:

- a top-level tag is a dimension when it has sub-tags and no highlights of its own (Taguette's count; a
  file without the count has none), or when its 【编号 id】 names a dimension; every other tag is a code,
  and a top-level code goes under the dimension ``uncategorised`` (未分类). A level named only inside its
  sub-tags' names (``甲.乙`` and no ``甲``) becomes a node of its own;
- the last level of the tag is the code's Chinese ``name``, the description its definition (the labelled
  lines qcoder's export adds give back id, English name, keywords and the rest).

**Codebook export** (``qcoder codebook export --format taguette``): a row per dimension and code, parents
first: ``tag`` the names from the dimension down joined by ``.`` (a ``.`` inside a name is written ``．`` so
that it makes no level; the codes of ``uncategorised`` stand at the top, where top-level tags came from),
``description`` as in a .qdc (:func:`coder.export.qdc.describe`), and ``color``, which Taguette ignores and
qcoder reads back. UTF-8 with a BOM, which Taguette's encoding detection takes for certain and Excel needs
for Chinese. A cell a spreadsheet would run as a formula gets a leading ``'``, which reading takes away again
(the file is read and written as :mod:`coder.export.csvfile` does: size limits, any encoding a spreadsheet
saves in, lines named as a person sees them).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree
from sqlmodel import Session

from coder.controls import CONTROL
from coder.db.models import Code
from coder.errors import QcoderError
from coder.export.csvfile import csv_bytes, read_csv
from coder.export.qdc import UNCATEGORISED, book_yaml, describe, read_description, synced_codes
from coder.export.refi import CODEBOOK_NS

TAG_COLUMNS = ("tag", "name", "path")  # Taguette reads the tag from exactly one of these
COUNT_COLUMN = "number of highlights"
EXPORT_HEADER = ("tag", "description", "color")
LEVEL = "."
DOT_IN_NAME = "．"  # FULLWIDTH FULL STOP: a "." inside a name, written so that Taguette sees no level in it
MAX_TAG = 200  # characters: Taguette refuses a longer tag path


def is_highlights(header: list[str]) -> bool:
    """Whether a CSV header is a Taguette highlights export's (told apart so each command names the other)."""
    return "document" in header and "content" in header


@dataclass(frozen=True)
class Tag:
    """One row of a Taguette codebook CSV."""

    line: int
    levels: tuple[str, ...]  # the tag's path, split into its levels
    description: str = ""
    highlights: int | None = None  # Taguette's count of the tag's own highlights, when the file has it
    color: str | None = None


def read_codebook(path: Path) -> list[Tag]:
    """The tags of a Taguette codebook CSV (its export, or the import format); every problem of the file at
    once, each with its line, refuses it whole, since a codebook is converted as one."""
    header, rows = read_csv(path)
    if is_highlights(header):
        raise QcoderError(
            f"{path} 是 Taguette 的标注（highlights）导出，不是编码簿：请用 qcoder code import {path} --coder 姓名 导入",
            f"{path} is a Taguette highlights export, not a codebook: import it with "
            f"qcoder code import {path} --coder NAME",
        )
    named = [c for c in TAG_COLUMNS if c in header]
    if len(named) != 1:
        raise QcoderError(
            f"{path}：标签须在 tag、name、path 中恰好一列（现有 {'、'.join(named) or '无'}）",
            f"{path}: the tag must be in exactly one column named tag, name or path (found {', '.join(named) or 'none'})",
        )
    column = {name: header.index(name) for name in (named[0], "description", "parent", COUNT_COLUMN, "color")
              if name in header}  # fmt: skip
    problems: list[tuple[int, str, str]] = []
    found: list[tuple[int, str, str, dict[str, Any]]] = []  # line, tag, parent, the rest
    for line, cells in rows:
        if not any(cells):
            continue

        def get(name: str, cells: list[str] = cells) -> str:
            return cells[column[name]] if name in column and column[name] < len(cells) else ""

        if not get(named[0]):
            problems.append((line, "标签名称为空", "the tag name is empty"))
            continue
        if control := next(filter(None, (CONTROL.search(get(name)) for name in (named[0], "description"))), None):
            char = f"U+{ord(control.group()):04X}"
            problems.append(
                (line, f"含不可见的控制字符 {char}，请删除", f"holds the invisible control character {char}")
            )
            continue
        count = get(COUNT_COLUMN)
        rest = {"description": get("description"), "highlights": int(count) if count.isdigit() else None,
                "color": get("color") or None}  # fmt: skip
        found.append((line, get(named[0]), get("parent"), rest))
    tags = _with_levels(found, problems)
    seen: dict[tuple[str, ...], int] = {}
    for tag in tags:
        if tag.levels in seen:
            problems.append((tag.line, f"标签 {LEVEL.join(tag.levels)} 重复（第 {seen[tag.levels]} 行已有）",
                             f"tag {LEVEL.join(tag.levels)} appears twice (first on line {seen[tag.levels]})"))  # fmt: skip
        seen.setdefault(tag.levels, tag.line)
    if problems:
        raise QcoderError(
            f"{path} 有 {len(problems)} 处问题，未转换：\n"
            + "\n".join(f"  第 {n} 行：{zh}" for n, zh, _ in sorted(problems)),
            f"{path} has {len(problems)} problem(s) and was not converted:\n"
            + "\n".join(f"  line {n}: {en}" for n, _, en in sorted(problems)),
        )
    if not tags:
        raise QcoderError(f"{path}：没有任何标签", f"{path}: it holds no tags")
    return tags


def levels(path: str) -> tuple[str, ...]:
    """A Taguette tag path split into its levels, each trimmed: ``场景 . 政策压力`` → (场景, 政策压力)."""
    return tuple(part.strip() for part in path.split(LEVEL))


def _with_levels(found: list[tuple[int, str, str, dict[str, Any]]], problems: list[tuple[int, str, str]]) -> list[Tag]:
    """Each row's full path: its own, or under its ``parent`` column's tag (Taguette's development version
    names the parent there and may give the tag its own name only)."""
    by_tag = {tag: (line, parent) for line, tag, parent, _ in found}
    tags = []
    for line, tag, parent, rest in found:
        chain, current = [tag], parent
        while current and current not in chain:
            if current not in by_tag:
                problems.append(
                    (line, f"上级标签 {current} 不在本文件中", f"the parent tag {current} is not in this file")
                )
                break
            chain.append(current)
            current = by_tag[current][1]
        else:
            if current:
                problems.append((line, f"标签 {tag} 的上级关系成环", f"the parents of tag {tag} form a cycle"))
            else:
                full: tuple[str, ...] = ()
                for name in reversed(chain):  # from the top down; a name that spells its parent's path out is kept
                    own = levels(name)
                    full = own if own[: len(full)] == full and len(own) > len(full) else full + own
                if "" in full:
                    problems.append((line, f"标签 {tag} 含空的层级（“..”或首尾的“.”）",
                                     f"tag {tag} has an empty level (“..”, or “.” at an end)"))  # fmt: skip
                else:
                    tags.append(Tag(line, full, **rest))
    return tags


@dataclass
class _Node:
    levels: tuple[str, ...]
    tag: Tag | None  # None: a level only named inside its sub-tags' paths
    children: list[_Node] = field(default_factory=list)

    def element(self) -> etree._Element:
        """The tag as a REFI-QDA ``Code`` element with its sub-tags, for :mod:`coder.export.qdc`'s fitting."""
        element = etree.Element(f"{{{CODEBOOK_NS}}}Code", name=self.levels[-1], isCodable="true")
        if self.tag and self.tag.color:
            element.set("color", self.tag.color)
        if self.tag and self.tag.description:
            etree.SubElement(element, f"{{{CODEBOOK_NS}}}Description").text = self.tag.description
        element.extend(child.element() for child in self.children)
        return element

    def is_dimension(self) -> bool:
        own = read_description(self.tag.description if self.tag else "").get("id")
        if own:
            return LEVEL not in own
        return bool(self.children) and not (self.tag and self.tag.highlights)


def _tree(tags: list[Tag]) -> list[_Node]:
    nodes: dict[tuple[str, ...], _Node] = {}
    top: list[_Node] = []

    def node(path: tuple[str, ...]) -> _Node:
        if path not in nodes:
            nodes[path] = _Node(path, None)
            (node(path[:-1]).children if len(path) > 1 else top).append(nodes[path])
        return nodes[path]

    for tag in tags:
        node(tag.levels).tag = tag
    return top


def codebook_yaml(path: Path) -> str:
    """A Taguette codebook CSV as codebook YAML that passes validation."""
    return book_yaml(
        path,
        [(node.element(), node.is_dimension()) for node in _tree(read_codebook(path))],
        f"由 qcoder codebook import 从 Taguette 编码簿 {path.name} 转换：有下级、本身没有标注的顶层标签成为维度，"
        "其余顶层标签归入“未分类”；没有关键词的代码以名称中的词为关键词，请在标注前修改。",
        f"Converted from the Taguette codebook {path.name} by qcoder codebook import: top-level tags with "
        "sub-tags and no highlights of their own became dimensions, the other top-level tags went under "
        "Uncategorised; codes without keywords got the words of their names as keywords: edit them before tagging.",
    )


def tag_paths(codes: Iterable[Code]) -> dict[str, str]:
    """Each code's (and dimension's) Taguette tag: the names from the dimension down, joined by ``.``; the
    codes of ``uncategorised`` start at the top and that dimension has none."""
    by_id = {code.id: code for code in codes}
    paths: dict[str, str] = {}
    for code in by_id.values():
        names, current = [], code
        while current is not None:
            if not (current.parent_id is None and current.id == UNCATEGORISED["id"]):
                names.append(current.name.strip().replace(LEVEL, DOT_IN_NAME))
            current = by_id.get(current.parent_id) if current.parent_id else None
        if names:
            paths[code.id] = LEVEL.join(reversed(names))
    return paths


def codebook_csv(session: Session) -> bytes:
    """The project's codes (as synced from codebook.yaml) as a codebook CSV that Taguette's codebook import reads."""
    codes = synced_codes(session)
    paths = tag_paths(codes)
    children: dict[str | None, list[Code]] = defaultdict(list)
    for code in sorted(codes, key=lambda c: c.position):
        children[code.parent_id].append(code)
    ordered: list[Code] = []

    def add(code: Code) -> None:
        ordered.append(code)
        for child in children[code.id]:
            add(child)

    for dimension in children[None]:
        add(dimension)
    owners: dict[str, str] = {}
    for code in ordered:
        tag = paths.get(code.id)
        if tag is None:
            continue
        if tag in owners:
            raise QcoderError(
                f"{owners[tag]} 和 {code.id} 在 Taguette 中是同一个标签 {tag}：请改名其一",
                f"{owners[tag]} and {code.id} would both be the Taguette tag {tag}: rename one",
            )
        if len(tag) > MAX_TAG:
            raise QcoderError(
                f"{code.id} 的 Taguette 标签超过 {MAX_TAG} 个字符（Taguette 的上限）：请缩短名称",
                f"{code.id}: its Taguette tag is over {MAX_TAG} characters (Taguette's limit): shorten the names",
            )
        owners[tag] = code.id
    return csv_bytes(list(EXPORT_HEADER), [[paths[c.id], describe(c), c.color] for c in ordered if c.id in paths])
