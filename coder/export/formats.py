"""Quotes and the respondent table as files: Markdown and Word for the paper, XLSX and CSV for checking.

Markdown and Word group quotes under the names of their dimensions and codes, print each in “” with the
quotations inside it nested (:func:`coder.export.quote_marks.quoted`) and cite it; the ID convention is explained
once, in a note at the first interview citation. Notes are Markdown footnotes ([^1]) and real Word footnotes
(:mod:`coder.export.footnotes`). Spreadsheets hold one row per quote, the quote as stored, with all its
metadata, and can never run a formula from a transcript.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from functools import partial
from itertools import groupby
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from coder.citation import ID_NOTE, Style
from coder.export import word
from coder.export.quote_marks import quoted
from coder.export.respondents import COLUMNS as RESPONDENT_COLUMNS
from coder.export.text import clean, labels_for, md, md_table, spreadsheet_cell
from coder.masking.outputs import methods_note

FORMATS = ("md", "docx", "xlsx", "csv")
QUOTE_COLUMNS = (
    "dimension", "dimension_name", "code", "code_name", "source", "kind", "date", "title", "quote", "citation",
    "full_quote", "before", "after", "start", "end", "status", "coder", "memo", "source_memo", "code_memo", "role",
    "organization",
    "interviewer", "place", "issuer", "doc_number", "outlet", "triangulation",
)  # fmt: skip
LABELS = {
    "zh": {
        "quotes": "编码引文", "respondents": "受访者基本情况表",
        "before": "前文", "after": "后文", "none": "（没有符合条件的引文）",
        "dimension": "维度", "dimension_name": "维度名称", "code": "代码", "code_name": "代码名称",
        "source": "编号", "kind": "来源类型", "date": "日期", "title": "标题", "quote": "引文", "citation": "出处",
        "full_quote": "完整引文", "start": "起点", "end": "终点", "status": "编码状态", "coder": "编码者",
        "memo": "备忘", "source_memo": "来源备忘", "code_memo": "代码备忘", "source_memos": "来源备忘",
        "role": "身份", "organization": "单位", "interviewer": "访谈者", "place": "地点",
        "issuer": "发文机关", "doc_number": "文号", "outlet": "媒体", "triangulation": "三角验证",
        "duration": "时长", "characters": "字数",
    },
    "en": {
        "quotes": "Coded quotes", "respondents": "Respondents",
        "before": "Before", "after": "After", "none": "(no quotes match)", "source_memos": "Source memos",
        **{key: key.replace("_", " ") for key in (*QUOTE_COLUMNS, *RESPONDENT_COLUMNS)},
    },
}  # fmt: skip
Title = Callable[[dict[str, Any], str], str]  # a row and "dimension" or "code" → that heading


def render_quotes(
    rows: list[dict[str, Any]],
    fmt: str,
    style: Style | None = None,
    lang: str = "zh",
    with_ids: bool = False,
    masked: int = 0,
    title: str | None = None,
) -> bytes:
    """The quotes of :func:`coder.export.quotes.select_quotes` as a file. Markdown and Word headings name the
    dimensions and codes, with their ids only when ``with_ids`` (a paper prints names, an id is for checking).
    ``masked``: how many mask-list entries the quotes were masked by; Markdown and Word say so at the end.
    ``title``: the file's title and sheet name instead of 编码引文 / Coded quotes (a search's results, say)."""
    labels = _labels(fmt, lang)
    if title:  # it may hold what a person typed (a search): one line, whatever it holds
        labels = {**labels, "quotes": " ".join(title.split())}
    rows = clean(rows)
    title = partial(_title, lang=lang, with_ids=with_ids)
    masked_note = methods_note(masked, lang) if masked else None
    if fmt == "md":
        return _quotes_markdown(rows, style or Style(), labels, title, masked_note)
    if fmt == "docx":
        return _quotes_docx(rows, style or Style(), labels, title, masked_note)
    return _table(rows, QUOTE_COLUMNS, labels, fmt, labels["quotes"])


def render_respondents(rows: list[dict[str, Any]], fmt: str, lang: str = "zh", masked: int = 0) -> bytes:
    """The respondent table of :func:`coder.export.respondents.respondents` as a file; ``masked``: how many
    mask-list entries its cells were masked by (Markdown and Word say so under the table)."""
    labels = _labels(fmt, lang)
    rows = clean(rows)
    header = [labels[c] for c in RESPONDENT_COLUMNS]
    cells = [["" if row[c] is None else str(row[c]) for c in RESPONDENT_COLUMNS] for row in rows]
    note = methods_note(masked, lang) if masked else None
    if fmt == "md":
        lines = [f"# {labels['respondents']}", "", *md_table(header, cells)]
        return "\n".join([*lines, *(["", f"*{md(note)}*"] if note else [])]).encode()
    if fmt == "docx":
        doc = word.document(landscape=True)
        word.heading(doc, labels["respondents"], 0)
        word.table(doc, header, cells)
        if note:
            word.write(doc.add_paragraph(), note).italic = True
        return word.to_bytes(doc)
    return _table(rows, RESPONDENT_COLUMNS, labels, fmt, labels["respondents"])


def _labels(fmt: str, lang: str) -> dict[str, str]:
    return labels_for(fmt, FORMATS, lang, LABELS)


def heading(name: str, code_id: str, lang: str, with_ids: bool) -> str:
    """A dimension's or code's heading: its name, and its id after it only when asked for (a paper prints the
    name; the id is for checking against the codebook)."""
    if not with_ids:
        return name
    return f"{name} ({code_id})" if lang == "en" else f"{name}（{code_id}）"


def _title(row: dict[str, Any], key: str, lang: str, with_ids: bool) -> str:
    """The heading of a row's dimension or code (``key``), named in English in an English file when it has an
    English name, as the Export page and the analysis displays name codes."""
    name = (lang == "en" and row.get(f"{key}_name_en")) or row[f"{key}_name"]
    return heading(name, row[key], lang, with_ids)


class _Citations:
    """Citations in brackets or as numbered notes, with the ID convention explained at the first interview."""

    def __init__(self, style: Style) -> None:
        self.style = style
        self.notes: list[str] = []
        self.explained = False

    def after_quote(self, row: dict[str, Any]) -> tuple[str, str | None]:
        """What follows the closing quotation mark: the bracketed citation, and a note marker if any."""
        explain = row["kind"] == "interview" and not self.explained
        self.explained = self.explained or explain
        if self.style.footnotes:
            self.notes.append(row["citation"] + ("。" + ID_NOTE if explain else ""))
            return "", str(len(self.notes))
        if explain:
            self.notes.append(ID_NOTE)
            return f"（{row['citation']}）", str(len(self.notes))
        return f"（{row['citation']}）", None


def _groups(rows: list[dict[str, Any]]) -> list[tuple[dict, list[tuple[dict, list[dict]]]]]:
    """Rows (already in order) as [(first row of a dimension, [(first row of a code, its rows)])]."""
    grouped = []
    for _, in_dimension in groupby(rows, key=lambda r: r["dimension"]):
        codes = [list(quotes) for _, quotes in groupby(in_dimension, key=lambda r: r["code"])]
        grouped.append((codes[0][0], [(quotes[0], quotes) for quotes in codes]))
    return grouped


def _quotes_markdown(
    rows: list[dict[str, Any]], style: Style, labels: dict[str, str], title: Title, masked_note: str | None = None
) -> bytes:
    """Headings, each quote in “” with its citation, and the notes as Markdown footnotes ([^1]) at the end."""
    cite = _Citations(style)
    out = [f"# {md(labels['quotes'])}", ""]
    for dimension, codes in _groups(rows):
        out += [f"## {md(title(dimension, 'dimension'))}", ""]
        for code, quotes in codes:
            out += [f"### {md(title(code, 'code'))}", ""]
            out += _memo_lines(labels["code_memo"], code.get("code_memo"))
            for row in quotes:
                after, note = cite.after_quote(row)
                out += [f"{md(quoted(row['quote']))}{md(after)}" + (f"[^{note}]" if note else ""), ""]
                out += _context_lines(row, labels)
    if not rows:
        out += [labels["none"], ""]
    if sources := _source_memos(rows):
        out += [f"## {labels['source_memos']}", ""]
        for source, text in sources:
            out += _memo_lines(source, text)
    if masked_note:
        out += [f"*{md(masked_note)}*", ""]
    out += [f"[^{n}]: {md(text)}" for n, text in enumerate(cite.notes, 1)]
    return ("\n".join(out).rstrip() + "\n").encode()


def _source_memos(rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Each quoted source with memos, once, in the order the quotes first cite it, with its memos' text."""
    found = {row["source"]: row["source_memo"] for row in rows if row.get("source_memo")}
    return list(found.items())


def _memo_lines(label: str, text: str | None) -> list[str]:
    """A memo as a Markdown quote: the label, then each of its lines as a paragraph of its own."""
    if not text:
        return []
    lines = [line for line in text.split("\n") if line.strip()]
    quoted = [f"> **{md(label)}**　{md(lines[0])}"] + [part for line in lines[1:] for part in (">", f"> {md(line)}")]
    return [*quoted, ""]


def _context_lines(row: dict[str, Any], labels: dict[str, str]) -> list[str]:
    parts = [f"{labels[side]}：{md(row[side])}" for side in ("before", "after") if row.get(side)]
    return [f"〔{'　'.join(parts)}〕", ""] if parts else []


def _quotes_docx(
    rows: list[dict[str, Any]], style: Style, labels: dict[str, str], title: Title, masked_note: str | None = None
) -> bytes:
    """Headings, each quote in “” with its citation, and every note a Word footnote at the foot of its page."""
    from coder.export import footnotes

    cite = _Citations(style)
    doc = word.document()
    word.heading(doc, labels["quotes"], 0)
    for dimension, codes in _groups(rows):
        word.heading(doc, title(dimension, "dimension"), 1)
        for code, quotes in codes:
            word.heading(doc, title(code, "code"), 2)
            if code.get("code_memo"):
                paragraph = doc.add_paragraph()
                word.write(paragraph, f"{labels['code_memo']}：", bold=True)
                word.write(paragraph, code["code_memo"])
            for row in quotes:
                after, note = cite.after_quote(row)
                paragraph = doc.add_paragraph()
                word.write(paragraph, quoted(row["quote"]) + after)
                if note:
                    footnotes.add(paragraph, cite.notes[-1])
                parts = [f"{labels[side]}：{row[side]}" for side in ("before", "after") if row.get(side)]
                if parts:
                    word.write(doc.add_paragraph(), f"〔{'　'.join(parts)}〕")
    if not rows:
        word.write(doc.add_paragraph(), labels["none"])
    if sources := _source_memos(rows):
        word.heading(doc, labels["source_memos"], 1)
        for source, text in sources:
            paragraph = doc.add_paragraph()
            word.write(paragraph, f"{source}：", bold=True)
            word.write(paragraph, text)
    if masked_note:
        word.write(doc.add_paragraph(), masked_note).italic = True
    return word.to_bytes(doc)


def _table(rows: list[dict[str, Any]], columns: tuple[str, ...], labels: dict[str, str], fmt: str, sheet: str) -> bytes:
    """One row per item, every text cell neutralised against formula injection."""
    header = [labels[c] for c in columns]
    cells = [[spreadsheet_cell(row.get(c)) for c in columns] for row in rows]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerows([header, *cells])
        return out.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8 Chinese correctly
    # Write-only mode streams rows: about four times faster than pandas' openpyxl writer on 20,000 quotes.
    book = Workbook(write_only=True)
    grid = book.create_sheet(sheet[:31])
    grid.freeze_panes = "A2"
    for n, column in enumerate(zip(header, *cells[:200], strict=True), 1):
        longest = max((len(str(value)) for value in column if value is not None), default=4)
        grid.column_dimensions[get_column_letter(n)].width = min(max(longest, 6) * 1.6, 60)
    for row in [header, *cells]:
        grid.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
