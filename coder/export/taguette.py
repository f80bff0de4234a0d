"""Taguette's CSV files: its codebook and its highlights read into qcoder, and a codebook written for it.

Taguette (https://www.taguette.org) exchanges CSV, not REFI-QDA. What its release 1.5 writes and reads:

- codebook export ``tag,description,number of highlights,number of documents``; its codebook import reads
  the tag from the one column named ``tag``, ``name`` or ``path`` and a ``description``, nothing else
  (its development version adds a ``parent`` column, naming the parent tag: read here too);
- highlights export ``id,document,tag,content``: one row per highlight and tag (a highlight without tags has
  an empty ``tag``); ``document`` is the document's name in Taguette (unless typed, its file name, cut at
  50 characters), ``content`` the highlighted text as plain text, the text of its HTML pieces joined by
  one space;
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
(both files are read and written as :mod:`coder.export.csvfile` does: size limits, any encoding a
spreadsheet saves in, lines named as a person sees them).

**Highlights import** (``qcoder code import F.csv --coder NAME``): each row becomes a manual coding, as a
quote file's quote does (:mod:`coder.quote_files`, whose writing step is shared). Its document is the source
whose record ID, else title, else imported file's name (or stem) it names, a name at Taguette's 50-character
limit being a prefix; its tag is the code with that id, else that Taguette path (as the export writes it),
else that Chinese or English name; its text is placed where it occurs exactly, else where the source
differs from it in white space only (Taguette's plain text joins paragraphs with a space). A row whose
document, tag or text is missing or ambiguous is reported with its line and the others are imported: one
transaction per document, so no document is half written, and codings the coder has already are left
alone — importing twice adds nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from lxml import etree
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from coder import codebook
from coder.controls import CONTROL
from coder.db.engine import retrying
from coder.db.models import Code, Source
from coder.errors import QcoderError
from coder.export.csvfile import csv_bytes, read_csv
from coder.export.qdc import UNCATEGORISED, add_code, describe, entry_of, identifier_for, read_description, unique_id
from coder.export.refi import CODEBOOK_NS
from coder.quote_files import code_places
from coder.sources.ids import canonical

TAG_COLUMNS = ("tag", "name", "path")  # Taguette reads the tag from exactly one of these
HIGHLIGHT_COLUMNS = ("document", "tag", "content")
COUNT_COLUMN = "number of highlights"
EXPORT_HEADER = ("tag", "description", "color")
LEVEL = "."
DOT_IN_NAME = "．"  # FULLWIDTH FULL STOP: a "." inside a name, written so that Taguette sees no level in it
MAX_TAG = 200  # characters: Taguette refuses a longer tag path
MAX_DOCUMENT_NAME = 50  # UTF-16 units: Taguette cuts a document's default name (its file name) here
_SUFFIX = re.compile(r"(.+)\.[A-Za-z0-9]{1,5}")


def _is_highlights(header: list[str]) -> bool:
    return "document" in header and "content" in header


# -- the codebook --------------------------------------------------------------------------------------


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
    if _is_highlights(header):
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
    taken: set[str] = set()
    dimensions: list[dict[str, Any]] = []
    codes: list[dict[str, Any]] = []
    loose = []
    for node in _tree(read_codebook(path)):
        if not node.is_dimension():
            loose.append(node)
            continue
        element = node.element()
        entry = entry_of(element, identifier_for(element, "", taken), dimension=True)
        dimensions.append(entry)
        for child in element.iterfind("{*}Code"):
            add_code(child, entry["id"], entry["id"], taken, codes)
    if loose:
        dimension = {**UNCATEGORISED, "id": unique_id(UNCATEGORISED["id"], taken)}
        dimensions.append(dimension)
        for node in loose:
            add_code(node.element(), dimension["id"], dimension["id"], taken, codes)
    if not codes:
        raise QcoderError(f"{path}：只有维度、没有可用的代码", f"{path}: it holds dimensions but no codes")
    book = {"name": path.stem, "version": 1, "dimensions": dimensions, "codes": codes}
    text = (
        f"# 由 qcoder codebook import 从 Taguette 编码簿 {path.name} 转换：有下级、本身没有标注的顶层标签成为维度，"
        "其余顶层标签归入“未分类”；没有关键词的代码以名称中的词为关键词，请在标注前修改。\n"
        f"# Converted from the Taguette codebook {path.name} by qcoder codebook import: top-level tags with "
        "sub-tags and no highlights of their own became dimensions, the other top-level tags went under "
        "Uncategorised; codes without keywords got the words of their names as keywords: edit them before tagging.\n"
    ) + yaml.safe_dump(book, allow_unicode=True, sort_keys=False, width=1000)
    codebook.parse(text, str(path))  # what we write must pass `qcoder codebook check`
    return text


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


def codebook_csv(codes: Iterable[Code]) -> bytes:
    """The codes (as synced from codebook.yaml) as a codebook CSV that Taguette's codebook import reads."""
    codes = list(codes)
    if not codes:
        raise QcoderError(
            "项目中还没有代码：请先运行 qcoder init 或 qcoder codebook sync",
            "the project has no codes yet: run qcoder init or qcoder codebook sync first",
        )
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


# -- highlights -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Highlight:
    """One row of a Taguette highlights CSV."""

    line: int
    id: str
    document: str
    tag: str
    content: str


def read_highlights(path: Path) -> tuple[list[Highlight], list[str]]:
    """The rows of a Taguette highlights CSV, and the rows too short to read (as messages naming the line)."""
    header, rows = read_csv(path)
    if missing := [c for c in HIGHLIGHT_COLUMNS if c not in header]:
        hint_zh, hint_en = "", ""
        if any(c in header for c in TAG_COLUMNS) and not _is_highlights(header):
            hint_zh = f"；这像是编码簿，请用 qcoder codebook import {path}"
            hint_en = f"; this looks like a codebook: convert it with qcoder codebook import {path}"
        raise QcoderError(
            f"{path}：缺少列 {'、'.join(missing)}（Taguette 标注导出的列为 id,document,tag,content）{hint_zh}",
            f"{path}: the column(s) {', '.join(missing)} are missing (a Taguette highlights export has "
            f"id,document,tag,content){hint_en}",
        )
    column = {name: header.index(name) for name in ("id", *HIGHLIGHT_COLUMNS) if name in header}
    needed = max(column[c] for c in HIGHLIGHT_COLUMNS) + 1
    highlights, problems = [], []
    for line, cells in rows:
        if not any(cells):
            continue
        if len(cells) < needed:
            problems.append(
                f"{path} 第 {line} 行：只有 {len(cells)} 列，应有 {needed} 列\n"
                f"{path} line {line}: {len(cells)} cells where {needed} are needed"
            )
            continue
        cell = {name: cells[n] if n < len(cells) else "" for name, n in column.items()}
        highlights.append(Highlight(line, cell.get("id", ""), cell["document"], cell["tag"], cell["content"]))
    return highlights, problems


@dataclass
class HighlightReport:
    added: int = 0
    unchanged: int = 0
    documents: int = 0  # sources that got (or already had) at least one of the codings
    untagged: int = 0  # highlights without a tag: nothing to code
    errors: list[str] = field(default_factory=list)


class _Documents:
    """The sources a Taguette document name can mean: by record ID, else title, else imported file name."""

    def __init__(self, sources: list[tuple[str, str | None, str]]) -> None:
        self.sources = sources

    def find(self, name: str) -> str:
        forms = {name, _stem(name)}
        ids = {canonical(form) for form in forms}
        cut = len(name.encode("utf-16-le")) // 2 == MAX_DOCUMENT_NAME
        for matches in (
            lambda sid, title, files: sid in ids,
            lambda sid, title, files: title in forms,
            lambda sid, title, files: bool(files & forms),
            lambda sid, title, files: cut and any(text.startswith(name) for text in (title or "", *files)),
        ):
            found = [
                sid for sid, title, filename in self.sources if matches(sid, (title or "").strip(), _names(filename))
            ]
            if len(found) == 1:
                return found[0]
            if found:
                raise QcoderError(
                    f"文档“{name}”可指多个来源（{'、'.join(found)}）：请在 Taguette 中把文档改名为其记录编号",
                    f"document “{name}” could be any of the sources {', '.join(found)}: rename it in Taguette "
                    "to its record ID",
                )
        raise QcoderError(
            f"文档“{name}”不是任何已导入来源的记录编号、标题或文件名：请先导入它（qcoder import），"
            "或在 Taguette 中把文档改名为其记录编号",
            f"document “{name}” is no imported source's record ID, title or file name: import it first "
            "(qcoder import), or rename the document in Taguette to its record ID",
        )


def _stem(name: str) -> str:
    found = _SUFFIX.fullmatch(name)
    return found[1] if found else name


def _names(filename: str) -> set[str]:
    name = unicodedata.normalize("NFC", Path(filename).name)
    return {name, _stem(name)}


class _Tags:
    """The code a Taguette tag means: by id, else Taguette path (:func:`tag_paths`), else Chinese or English name."""

    def __init__(self, codes: list[Code]) -> None:
        self.codes = {code.id: code for code in codes}
        self.by_path: dict[str, list[str]] = defaultdict(list)
        self.by_name: dict[str, list[str]] = defaultdict(list)
        self.by_name_en: dict[str, list[str]] = defaultdict(list)
        for code_id, path in tag_paths(codes).items():
            self.by_path[path].append(code_id)
        for code in codes:
            self.by_name[code.name.strip()].append(code.id)
            if code.name_en:
                self.by_name_en[code.name_en.strip().casefold()].append(code.id)

    def find(self, tag: str) -> str:
        found = [tag] if tag in self.codes else []
        for index, key in ((self.by_path, LEVEL.join(levels(tag))), (self.by_name, tag),
                           (self.by_name_en, tag.casefold())):  # fmt: skip
            found = found or index.get(key, [])
        if len(found) > 1:
            raise QcoderError(
                f"标签“{tag}”可指多个代码（{'、'.join(found)}）：请在 Taguette 中改用完整的层级名称",
                f"tag “{tag}” could be any of the codes {', '.join(found)}: use its full path in Taguette",
            )
        if not found:
            raise QcoderError(
                f"标签“{tag}”不是编码簿中任何代码的编号或名称：可先用 qcoder codebook import 转换 Taguette 的编码簿并同步",
                f"tag “{tag}” is no code's id or name in the codebook: convert Taguette's codebook with "
                "qcoder codebook import and sync it first",
            )
        if self.codes[found[0]].parent_id is None:
            raise QcoderError(
                f"标签“{tag}”对应维度 {found[0]}，维度不能直接编码：请在编码簿中把它改为代码，或在 Taguette 中改用其下级标签",
                f"tag “{tag}” is the dimension {found[0]}, which cannot be coded: make it a code in the codebook, "
                "or use one of its sub-tags in Taguette",
            )
        return found[0]


class _Text:
    """Where a highlight is in a source's text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._squeezed: tuple[str, list[int]] | None = None

    def places(self, quote: str) -> list[tuple[int, int]]:
        """Up to two places: the exact occurrences; when there are none, the stretches that differ from
        ``quote`` in white space only, from the first to the last character that is not white space."""
        found = _occurrences(self.text, quote)
        if found:
            return [(start, start + len(quote)) for start in found]
        if self._squeezed is None:  # built once per source, and only when a highlight needs it
            at = [n for n, ch in enumerate(self.text) if not ch.isspace()]
            self._squeezed = ("".join(self.text[n] for n in at), at)
        squeezed, at = self._squeezed
        bare = "".join(quote.split())
        return [(at[start], at[start + len(bare) - 1] + 1) for start in _occurrences(squeezed, bare)]


def _occurrences(text: str, quote: str) -> list[int]:
    """The first two starts of ``quote`` in ``text``; two are enough to know it is ambiguous."""
    first = text.find(quote) if quote else -1
    if first < 0:
        return []
    second = text.find(quote, first + 1)
    return [first] if second < 0 else [first, second]


def load_highlights(engine: Engine, path: Path, coder: str) -> HighlightReport:
    """Import a Taguette highlights CSV as manual codings by ``coder`` (see the module's docstring)."""
    rows, problems = read_highlights(path)
    report = HighlightReport(errors=problems)
    with Session(engine) as session:
        tags = _Tags(list(session.exec(select(Code)).all()))
        documents = _Documents(list(session.exec(select(Source.id, Source.title, Source.filename)).all()))
    wanted: dict[str, list[tuple[Highlight, str]]] = defaultdict(list)
    for row in rows:
        if not row.tag:
            report.untagged += 1
            continue
        try:
            if not row.document:
                raise QcoderError("文档名称为空", "the document name is empty")
            if not row.content:
                raise QcoderError("所标注的文字为空", "the highlighted text is empty")
            wanted[documents.find(row.document)].append((row, tags.find(row.tag)))
        except QcoderError as exc:
            report.errors.append(_at(path, row, exc.zh, exc.en))
    for source_id, items in wanted.items():
        with Session(engine) as session:
            text = _Text(session.get(Source, source_id).text)
        places = []
        for row, code_id in items:
            found = text.places(row.content)
            if len(found) == 1:
                places.append((code_id, *found[0]))
                continue
            quote = row.content[:30]
            report.errors.append(
                _at(path, row, f"来源 {source_id} 中找不到所标注的文字“{quote}”",
                    f"the highlighted text “{quote}” is not in source {source_id}")
                if not found
                else _at(path, row, f"所标注的文字“{quote}”在来源 {source_id} 中出现不止一处，无法确定是哪一处：请用 qcoder code add 手工编码",
                         f"the highlighted text “{quote}” occurs more than once in source {source_id}, so which one is "
                         "meant is unclear: code it by hand with qcoder code add")
            )  # fmt: skip
        if not places:
            continue
        try:
            added, unchanged = retrying(engine, lambda session: code_places(session, source_id, coder, places))  # noqa: B023
        except QcoderError as exc:
            report.errors.append(f"{path}：来源 {source_id} 的编码未写入：{exc.zh}\n"
                                 f"{path}: the codings of source {source_id} were not written: {exc.en}")  # fmt: skip
            continue
        report.documents += 1
        report.added += added
        report.unchanged += unchanged
    return report


def _at(path: Path, row: Highlight, zh: str, en: str) -> str:
    """A row's problem, named by line and document, Chinese then English on the next line."""
    return f"{path} 第 {row.line} 行（文档“{row.document}”）：{zh}\n{path} line {row.line} (document “{row.document}”): {en}"
