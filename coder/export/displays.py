"""The analysis displays (:mod:`coder.analysis`) as files: Markdown and Word for the paper, XLSX for
checking, CSV and JSON for other tools — one renderer for all four displays.

Each display is first laid out as a title, the notes that state its rules (the co-occurrence rule, rows
left out, undated sources, whether unreviewed suggestions were counted) and its tables; the writers
below know nothing of which display it was. Source text and code names are user text: Markdown escapes
them, spreadsheets never run them as formulas, Word gets its East-Asian fonts (see
:mod:`coder.export.text` and :mod:`coder.export.word`). Participants appear by initials and record IDs,
never by name (see :mod:`coder.analysis.framework`).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from coder.errors import QcoderError
from coder.export import word
from coder.export.text import clean, labels_for, md, md_table, spreadsheet_cell

FORMATS = ("md", "xlsx", "docx", "csv", "json")
LABELS = {
    "zh": {
        "cooccurrence": "代码共现", "notes": "说明", "framework": "框架矩阵", "timeline": "时间序列", "words": "词频",
        "matrix": "矩阵", "codes": "代码编号", "cells": "各单元格的引文与摘要", "terms": "高频词", "kwic": "关键词上下文",
        "number": "编号", "code": "代码", "name": "名称", "count": "次数", "quote": "最有力的引文", "citation": "出处",
        "summary": "研究者摘要", "by": "撰写者", "kind": "来源类型", "total": "合计", "rank": "排名", "term": "词",
        "sources": "来源数", "share": "占比", "left": "左侧上下文", "right": "右侧上下文", "source": "来源",
        "participant": "受访者", "organization": "单位", "role": "身份",
        "interview": "访谈", "policy": "政策文本", "media": "媒体报道", "suggested": "〔建议〕",
        "suggestions": "注意：本表计入了尚未审阅的编码建议（suggested），建议不是证据。",
        "evidence": "只计入已接受和手工编码（accepted、manual），不含编码建议。",
        "value_c": "单元格为 c 系数（对角线为“—”）。", "value_count": "单元格为共现句子数；对角线为出现该代码的句子数。",
        "units": "共有 {n} 个句子带有所选代码。",
        "unassigned": "{n} 条编码的来源没有“{rows}”信息（如政策文本没有受访者），未计入。",
        "framework_count": "次数为编码片段数（两位编码者对同一段文字的编码只计一次）；引文按编码者一致数、分数和长度选出。",
        "timeline_rule": "按来源日期（访谈日期、发文日期、报道日期）归入{by}；计数为编码片段数。只列出有编码的行。",
        "month": "月份", "quarter": "季度",
        "undated": "没有日期、无法归入时间的来源：{list}。", "no_undated": "所有编码的来源都有日期。",
        "read_coded": "统计所选代码的编码片段（重叠编码合并）", "read_text": "统计所选来源的全文（不含访谈者的提问）",
        "words_rule": "{read}：{characters} 字，计入 {tokens} 个词（jieba 分词，编码簿术语保持完整；至少两个字；"
        "已去除 {stopwords} 个停用词）。",
        "selection": "选择：{what}。", "all": "全部", "sel_codes": "代码", "sel_dimensions": "维度",
        "sel_kinds": "来源类型", "sel_participants": "受访者", "kwic_of": "“{term}”的上下文（{n} 处，按与词频相同的分词匹配）",
    },
    "en": {
        "cooccurrence": "Code co-occurrence", "notes": "Notes", "framework": "Framework matrix", "timeline": "Timeline",
        "words": "Word frequencies", "matrix": "Matrix", "codes": "Code numbers", "cells": "Quotes and summaries",
        "terms": "Top terms", "kwic": "Keyword in context", "number": "No.", "code": "Code", "name": "Name",
        "count": "Count", "quote": "Strongest quote", "citation": "Citation", "summary": "Researcher's summary",
        "by": "Written by", "kind": "Kind", "total": "Total", "rank": "Rank", "term": "Term", "sources": "Sources",
        "share": "Share", "left": "Left context", "right": "Right context", "source": "Source",
        "participant": "Participant", "organization": "Organisation", "role": "Role",
        "interview": "Interview", "policy": "Policy text", "media": "Media report", "suggested": "[suggestion] ",
        "suggestions": "Note: this table counts unreviewed suggestions (status suggested), which are not evidence.",
        "evidence": "Only accepted and manual codings count; suggestions do not.",
        "value_c": "Cells are c-coefficients (“—” on the diagonal).",
        "value_count": "Cells count the sentences with both codes; the diagonal counts sentences with the code.",
        "units": "{n} sentences carry a selected code.",
        "unassigned": "{n} codings come from sources without a {rows} (a policy text has no participant) and are "
        "left out.",
        "framework_count": "Counts are coded passages (one span coded by two coders counts once); the quote is "
        "chosen by agreeing coders, score and length.",
        "timeline_rule": "Placed by {by} of the source's date (interview date, issue date, report date); counts are "
        "coded passages. Only rows with codings are listed.",
        "month": "month", "quarter": "quarter",
        "undated": "Sources without a date, not placed in time: {list}.",
        "no_undated": "Every coded source has a date.",
        "read_coded": "Coded passages of the selected codes (overlapping codings joined)",
        "read_text": "The whole text of the selected sources (without the interviewer's questions)",
        "words_rule": "{read}: {characters} characters, {tokens} words counted (jieba, codebook terms kept whole; "
        "at least two characters; {stopwords} stop words removed).",
        "selection": "Selection: {what}.", "all": "everything", "sel_codes": "codes",
        "sel_dimensions": "dimensions", "sel_kinds": "kinds", "sel_participants": "participants", "kwic_of": "“{term}” in context ({n}, matched as words, the tokens counted above)",
    },
}  # fmt: skip


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list[Any]]


@dataclass
class Layout:
    title: str
    notes: list[str]
    tables: list[Table]
    notes_title: str = ""


def render_display(frame: pd.DataFrame, fmt: str, lang: str = "zh", kwic: pd.DataFrame | None = None) -> bytes:
    """A display's DataFrame (and, for word frequencies, its KWIC lines) as a file in ``fmt``."""
    labels = labels_for(fmt, FORMATS, lang, LABELS)
    if fmt == "json":
        document = {**frame.attrs, "rows": frame.to_dict("records")}
        if kwic is not None:
            document["kwic"] = kwic.to_dict("records")
        return (json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n").encode()
    if fmt == "csv":
        if kwic is not None:  # a second table would have to be dropped or glued on as rows of the first
            raise QcoderError(
                f"CSV 文件只能容纳一张表，“{kwic.attrs.get('term', '')}”的上下文无法一并写入：请用 md、xlsx、docx 或 json 格式，"
                "或去掉 --kwic",
                f"a CSV file holds one table, so the keyword-in-context lines of '{kwic.attrs.get('term', '')}' cannot "
                "go with the terms: use md, xlsx, docx or json, or leave out --kwic",
            )
        out = io.StringIO()
        csv.writer(out).writerows([list(frame.columns), *([spreadsheet_cell(v) for v in row] for row in _rows(frame))])
        return out.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8 Chinese correctly
    layout = LAYOUTS[frame.attrs["display"]](frame, labels, lang, kwic)
    tables = [Table(*clean([t.title, t.header, t.rows])) for t in layout.tables]
    layout = Layout(clean(layout.title), clean(layout.notes), tables, labels["notes"])
    return {"md": _markdown, "docx": _docx, "xlsx": _xlsx}[fmt](layout)


def _rows(frame: pd.DataFrame) -> list[list[Any]]:
    return [[_plain(v) for v in row] for row in frame.itertuples(index=False)]


def _plain(value: Any) -> Any:
    """A cell value as a file holds it: lists joined, missing values empty."""
    if isinstance(value, list | tuple | set):
        return "、".join(map(str, value))
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else value


def _name(row: Any, lang: str, suffix: str = "") -> str:
    return row[f"name_en{suffix}"] if lang == "en" else row[f"name{suffix}"]


def _common(frame: pd.DataFrame, labels: dict[str, str]) -> list[str]:
    return [labels["suggestions"] if frame.attrs.get("with_suggestions") else labels["evidence"], *_masked(frame)]


def _masked(frame: pd.DataFrame) -> list[str]:
    """The masking sentence, when the display's names were masked (see coder.masking.outputs.frame)."""
    return [frame.attrs["masked_note"]] if frame.attrs.get("masked_note") else []


def _legend(codes: list[tuple[str, str]], labels: dict[str, str]) -> Table:
    return Table(labels["codes"], [labels["number"], labels["code"], labels["name"]],
                 [[n, code, name] for n, (code, name) in enumerate(codes, 1)])  # fmt: skip


# The four layouts -----------------------------------------------------------------------------------


def _cooccurrence(frame: pd.DataFrame, labels: dict[str, str], lang: str, _kwic: Any) -> Layout:
    codes = list(dict.fromkeys(frame["a"]))
    named = {row["a"]: _name(row, lang, "_a") for _, row in frame.drop_duplicates("a").iterrows()}
    as_c = frame.attrs.get("value") == "c"
    cells = {(row.a, row.b): row for row in frame.itertuples(index=False)}

    def value(a: str, b: str) -> Any:
        cell = cells[(a, b)]
        if as_c:
            return "—" if a == b else f"{cell.c:.2f}"
        return int(cell.n_ab)

    header = [labels["code"], *map(str, range(1, len(codes) + 1))]
    rows = [[f"{n} {named[a]}（{a}）", *(value(a, b) for b in codes)] for n, a in enumerate(codes, 1)]
    notes = [frame.attrs["rule"][lang], labels["value_c" if as_c else "value_count"],
             labels["units"].format(n=frame.attrs.get("units", 0)), *_common(frame, labels)]  # fmt: skip
    return Layout(labels["cooccurrence"], notes, [Table(labels["matrix"], header, rows)])


def _framework(frame: pd.DataFrame, labels: dict[str, str], lang: str, _kwic: Any) -> Layout:
    rows_of = frame.attrs["rows"]
    codes = list(dict.fromkeys(frame["code"]))
    named = {row["code"]: _name(row, lang) for _, row in frame.drop_duplicates("code").iterrows()}
    keys = list(dict.fromkeys(frame["row_key"]))
    label = {row.row_key: _row_label(row.row_label, rows_of, labels) for row in frame.itertuples(index=False)}
    counts = {(row.row_key, row.code): int(row.count) for row in frame.itertuples(index=False)}
    matrix = Table(
        labels["matrix"],
        [labels[rows_of], *map(str, range(1, len(codes) + 1))],
        [[label[key], *(counts[(key, code)] for code in codes)] for key in keys],
    )
    detail = Table(
        labels["cells"],
        [labels[rows_of], labels["code"], labels["count"], labels["quote"], labels["citation"], labels["summary"],
         labels["by"]],
        [
            [label[r.row_key], f"{named[r.code]}（{r.code}）", int(r.count),
             (labels["suggested"] if r.quote_status == "suggested" else "") + r.quote if r.quote else "",
             r.citation, r.summary, r.summary_by]
            for r in frame.itertuples(index=False)
            if r.count or r.summary
        ],
    )  # fmt: skip
    notes = [labels["framework_count"], *_common(frame, labels)]
    if frame.attrs.get("unassigned"):
        notes.append(labels["unassigned"].format(n=frame.attrs["unassigned"], rows=labels[rows_of]))
    legend = _legend([(c, named[c]) for c in codes], labels)
    return Layout(f"{labels['framework']}：{labels[rows_of]} × {labels['code']}", notes, [matrix, legend, detail])


def _row_label(value: str, rows_of: str, labels: dict[str, str]) -> str:
    return labels.get(value, value) if rows_of == "kind" else value


def _timeline(frame: pd.DataFrame, labels: dict[str, str], lang: str, _kwic: Any) -> Layout:
    periods = frame.attrs["periods"]
    grid = frame.pivot_table(index=["code", "kind"], columns="period", values="count", aggfunc="sum", sort=False)
    named = {row["code"]: _name(row, lang) for _, row in frame.drop_duplicates("code").iterrows()}
    rows = []
    for (code, kind), counts in grid.reindex(columns=periods, fill_value=0).iterrows():
        if counts.sum():
            rows.append([f"{named[code]}（{code}）", labels[kind], *map(int, counts), int(counts.sum())])
    header = [labels["code"], labels["kind"], *periods, labels["total"]]
    undated = frame.attrs.get("undated") or {}
    listed = "、".join(f"{source}（{n}）" for source, n in undated.items())
    notes = [labels["timeline_rule"].format(by=labels[frame.attrs["by"]]), *_common(frame, labels),
             labels["undated"].format(list=listed) if undated else labels["no_undated"]]  # fmt: skip
    return Layout(labels["timeline"], notes, [Table(labels["matrix"], header, rows)])


def _words(frame: pd.DataFrame, labels: dict[str, str], lang: str, kwic: pd.DataFrame | None) -> Layout:
    attrs = frame.attrs
    chosen = attrs.get("selection") or {}
    what = (
        "；".join(f"{labels['sel_' + key]} {'、'.join(values)}" for key, values in chosen.items() if values)
        or labels["all"]
    )
    notes = [
        labels["words_rule"].format(read=labels[f"read_{attrs['read']}"], characters=attrs["characters"],
                                    tokens=attrs["tokens"], stopwords=attrs["stopwords"]),
        labels["selection"].format(what=what),
        *(_common(frame, labels) if attrs["read"] == "coded" else _masked(frame)),  # whole texts: codings play no part
    ]  # fmt: skip
    terms = Table(
        labels["terms"],
        [labels["rank"], labels["term"], labels["count"], labels["sources"], labels["share"]],
        [[r.rank, r.term, r.count, r.sources, f"{r.share * 100:.1f}%"] for r in frame.itertuples(index=False)],
    )
    tables = [terms]
    if kwic is not None:
        tables.append(
            Table(
                labels["kwic_of"].format(term=kwic.attrs.get("term", ""), n=len(kwic)),
                [labels["source"], labels["left"], labels["term"], labels["right"], labels["citation"]],
                [[r.source, r.left, r.term, r.right, r.citation] for r in kwic.itertuples(index=False)],
            )
        )
    return Layout(labels["words"], notes, tables)


LAYOUTS: dict[str, Callable[..., Layout]] = {
    "cooccurrence": _cooccurrence, "framework": _framework, "timeline": _timeline, "words": _words,
}  # fmt: skip


# The writers ----------------------------------------------------------------------------------------


def _markdown(layout: Layout) -> bytes:
    lines = [f"# {md(layout.title)}", "", *(f"- {md(note)}" for note in layout.notes), ""]
    for table in layout.tables:
        lines += [f"## {md(table.title)}", "", *md_table(table.header, table.rows)]
    return ("\n".join(lines).rstrip() + "\n").encode()


def _docx(layout: Layout) -> bytes:
    doc = word.document(landscape=any(len(t.header) > 7 for t in layout.tables))
    word.heading(doc, layout.title, 0)
    for note in layout.notes:
        word.write(doc.add_paragraph(), note)
    for table in layout.tables:
        word.heading(doc, table.title, 1)
        word.table(doc, table.header, [["" if c is None else str(c) for c in row] for row in table.rows])
    return word.to_bytes(doc)


def _xlsx(layout: Layout) -> bytes:
    """One sheet per table, then the notes; every text cell neutralised against formula injection."""
    book = Workbook()
    book.remove(book.active)
    for n, table in enumerate(layout.tables, 1):
        sheet = book.create_sheet(_sheet_title(f"{n} {table.title}"))
        sheet.append([spreadsheet_cell(v) for v in table.header])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([spreadsheet_cell(v) for v in row])
        sheet.freeze_panes = "B2"
        for k, column in enumerate(zip(table.header, *table.rows[:200], strict=True), 1):
            longest = max((len(str(v)) for v in column if v is not None), default=4)
            sheet.column_dimensions[get_column_letter(k)].width = min(max(longest, 4) * 1.6, 60)
    notes = book.create_sheet(_sheet_title(f"{len(layout.tables) + 1} {layout.notes_title}"))
    for note in [layout.title, *layout.notes]:
        notes.append([spreadsheet_cell(note)])
    notes.column_dimensions["A"].width = 120
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_title(text: str) -> str:
    """A worksheet name Excel accepts: at most 31 characters, none of : \\ / ? * [ ]."""
    return re.sub(r"[:\\/?*\[\]]", " ", text)[:31]
