"""Taguette's highlights CSV read into qcoder as manual codings (``qcoder code import F.csv --coder NAME``).

Taguette (https://www.taguette.org) 1.5 exports highlights as ``id,document,tag,content``: one row per
highlight and tag (a highlight without tags has an empty ``tag``); ``document`` is the document's name in
Taguette (unless typed, its file name, cut at 50 characters), ``content`` the highlighted text as plain text,
the text of its HTML pieces joined by one space; UTF-8 without BOM, CRLF line ends, quoted where needed
(read as :mod:`coder.export.csvfile` does). Its codebook CSV is :mod:`coder.export.taguette_codebook`'.

Each row becomes a manual coding, as a quote file's quote does (:mod:`coder.quote_files`, whose writing step
is shared). Its document is the source whose record ID, else title, else imported file's name (or stem) it
names — the file name also without the leading ``{record ID}_`` qcoder's upload puts before the original
name — a name at Taguette's 50-character limit being a prefix; its tag is the code with that id, else that
Taguette path (as the codebook export writes it), else that Chinese or English name; its text is placed where
it occurs exactly, else where the source differs from it in white space only (Taguette's plain text joins
paragraphs with a space). A row whose document, tag or text is missing or ambiguous is reported with its line
and the others are imported: one transaction per document, so no document is half written, and codings the
coder has already are left alone — importing twice adds nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from coder.db.engine import retrying
from coder.db.models import Code, Source
from coder.errors import QcoderError
from coder.export.csvfile import read_csv
from coder.export.taguette_codebook import LEVEL, TAG_COLUMNS, is_highlights, levels, tag_paths
from coder.quote_files import code_places
from coder.sources.ids import canonical

HIGHLIGHT_COLUMNS = ("document", "tag", "content")
MAX_DOCUMENT_NAME = 50  # UTF-16 units: Taguette cuts a document's default name (its file name) here
_SUFFIX = re.compile(r"(.+)\.[A-Za-z0-9]{1,5}")


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
        if any(c in header for c in TAG_COLUMNS) and not is_highlights(header):
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
                sid
                for sid, title, filename in self.sources
                if matches(sid, (title or "").strip(), _names(filename, sid))
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


def _names(filename: str, source_id: str) -> set[str]:
    """The names a source's file goes by in Taguette: its file name and stem, and both without the leading
    ``{record ID}_`` that qcoder's upload puts before the original name (``corpus/<kind>/{ID}_{name}``), since
    Taguette names a document by the file uploaded to it, which is the original."""
    name = unicodedata.normalize("NFC", Path(filename).name)
    names = {name}
    if name.startswith(f"{source_id}_") and len(name) > len(source_id) + 1:
        names.add(name[len(source_id) + 1 :])
    return names | {_stem(n) for n in names}


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
