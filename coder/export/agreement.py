"""The agreement table of :func:`coder.reliability.agreement` as a file: Markdown and Word for the paper,
XLSX for checking — one row per code and the pooled row, the methods sentence, the sources compared, the
warning about unfinished sources, and how far each coder coded each source (a second table; its own
sheet in XLSX).

Code names and coder names are user text: Markdown escapes them, spreadsheets never run them as formulas,
Word gets its East-Asian fonts (see :mod:`coder.export.text` and :mod:`coder.export.word`).
"""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from coder.export import word
from coder.export.text import clean, labels_for, md, md_table, spreadsheet_cell
from coder.reliability import method_sentence, notes, unfinished_rule, unit_key

FORMATS = ("md", "xlsx", "docx")
LABELS = {
    "zh": {
        "title": "编码者间一致性", "code": "代码", "name": "名称", "units": "单位数", "characters": "字符数",
        "agreement": "一致率", "kappa": "Cohen's κ", "alpha": "Krippendorff's α", "ac1": "Gwet's AC1",
        "coded_by": "{coder} 使用", "pooled": "合计（全部代码合并）", "method": "方法说明", "sources": "比较的来源",
        "notes": "注", "warning": "注意", "undefined": "—",
        "legend": "“—”表示无法计算（κ、α 只出现一种取值时，AC1 此时即一致率；或编码者多于两位时的 κ）。",
        "coverage": "各来源的编码进度", "source": "来源", "coder": "编码者", "decided": "有决定的单位",
        "decided_characters": "有决定的字符", "share": "覆盖率", "reach": "编码至", "pending": "待审建议",
        "pending_share": "待审建议覆盖", "status": "状态", "finished": "完成", "unfinished": "未完成",
        "absent": "未参与（缺失）",
        "coverage_legend": "覆盖率：编码者有决定（已接受、手工编码或拒绝的建议）的单位所占比例；编码至：到其最后一处决定为止的"
        "单位所占比例；待审建议：该来源中尚无人审阅的建议及其覆盖的单位所占比例（建议由大家共用，一人审过即不再待审）。"
        "未完成：{rule}。",
    },
    "en": {
        "title": "Inter-coder agreement", "code": "Code", "name": "Name", "units": "Units", "characters": "Characters",
        "agreement": "Agreement", "kappa": "Cohen's κ", "alpha": "Krippendorff's α", "ac1": "Gwet's AC1",
        "coded_by": "Applied by {coder}", "pooled": "Pooled (all codes)", "method": "Method",
        "sources": "Sources compared", "notes": "Notes", "warning": "Warning", "undefined": "—",
        "legend": "“—”: undefined (κ and α when only one value occurs, where AC1 is the percent agreement; "
        "κ with more than two coders).",
        "coverage": "Coverage per source and coder", "source": "Source", "coder": "Coder", "decided": "Units decided",
        "decided_characters": "Characters decided", "share": "Coverage", "reach": "Coded through",
        "pending": "Suggestions to review", "pending_share": "Covered by suggestions to review", "status": "Status",
        "finished": "finished", "unfinished": "unfinished", "absent": "took no part (missing)",
        "coverage_legend": "Coverage: the share of units with a decision of the coder's (accepted, manual or a "
        "rejected suggestion); coded through: the share of units up to their last decision; suggestions to review: "
        "those in the source nobody has decided yet, and the share of units they code (suggestions are shared: one "
        "decision settles one). Unfinished for a coder when {rule}.",
    },
}  # fmt: skip


def render_agreement(result: dict[str, Any], fmt: str, lang: str = "zh") -> bytes:
    labels = labels_for(fmt, FORMATS, lang, LABELS)
    result = clean(result)
    header, rows = table(result, lang)
    coverage_header, coverage_rows = coverage_table(result, lang)
    legend = coverage_legend(result, lang)
    method = method_sentence(result, lang)
    warned = [warning[lang] for warning in result["warnings"]]
    extra = [*notes(result, lang), labels["legend"]]
    sources = ("、" if lang == "zh" else ", ").join(result["sources"])
    colon = "：" if lang == "zh" else ": "
    if fmt == "md":
        lines = [f"# {labels['title']}", "", *(f"> **{labels['warning']}**{colon}{md(w)}\n" for w in warned)]
        lines += md_table(header, rows, [False] * (len(rows) - 1) + [True])
        lines += [f"**{labels['method']}**{colon}{md(method)}", "", f"{labels['sources']}{colon}{md(sources)}"]
        lines += ["", *(f"- {md(note)}" for note in extra), "", f"## {labels['coverage']}", ""]
        lines += [*md_table(coverage_header, coverage_rows), md(legend)]
        return ("\n".join(lines).rstrip() + "\n").encode()
    if fmt == "docx":
        doc = word.document(landscape=len(header) > 7)
        word.heading(doc, labels["title"], 0)
        for warning in warned:
            paragraph = doc.add_paragraph()
            word.write(paragraph, f"{labels['warning']}{colon}", bold=True)
            word.write(paragraph, warning)
        word.table(doc, header, [["" if c is None else str(c) for c in row] for row in rows],
                   [False] * (len(rows) - 1) + [True])  # fmt: skip
        paragraph = doc.add_paragraph()
        word.write(paragraph, f"{labels['method']}{colon}", bold=True)
        word.write(paragraph, method)
        word.write(doc.add_paragraph(), f"{labels['sources']}{colon}{sources}")
        for note in extra:
            word.write(doc.add_paragraph(), note)
        word.heading(doc, labels["coverage"], 1)
        word.table(doc, coverage_header, [[str(c) for c in row] for row in coverage_rows])
        word.write(doc.add_paragraph(), legend)
        return word.to_bytes(doc)
    book = Workbook()
    sheet = book.active
    sheet.title = labels["title"][:31]
    sheet.append([spreadsheet_cell(value) for value in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([spreadsheet_cell(value) for value in row])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.append([])
    for label, text in (
        *((labels["warning"], w) for w in warned),
        (labels["method"], method),
        (labels["sources"], sources),
        *((labels["notes"], n) for n in extra),
    ):
        sheet.append([spreadsheet_cell(label), spreadsheet_cell(text)])
    sheet.freeze_panes = "A2"
    for n in range(1, len(header) + 1):
        sheet.column_dimensions[get_column_letter(n)].width = 28 if n in (1, 2) else 14
    progress = book.create_sheet(labels["coverage"][:31])
    for row in (coverage_header, *coverage_rows):
        progress.append([spreadsheet_cell(value) for value in row])
    progress.append([])
    progress.append([spreadsheet_cell(legend)])
    for cell in progress[1]:
        cell.font = Font(bold=True)
    progress.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def table(result: dict[str, Any], lang: str = "zh") -> tuple[list[str], list[list[Any]]]:
    """The header and the rows (one per code, then the pooled row) of the agreement table, numbers as text
    the way a paper prints them: agreement as a percentage, κ and α to three decimals, “—” when undefined."""
    labels = LABELS[lang]
    units = labels["characters"] if result["unit"] == "character" else labels["units"]
    header = [labels["code"], labels["name"], units, labels["agreement"], labels["kappa"], labels["alpha"],
              labels["ac1"], *(labels["coded_by"].format(coder=coder) for coder in result["coders"])]  # fmt: skip
    rows = []
    for row in [*result["codes"], {**result["pooled"], "code": labels["pooled"], "name": "", "name_en": ""}]:
        name = (row.get("name_en") or row["name"]) if lang == "en" else row["name"]
        rows.append(
            [row["code"], name, row["units"], _percent(row["agreement"], labels), _decimal(row["kappa"], labels),
             _decimal(row["alpha"], labels), _decimal(row["ac1"], labels),
             *(row["n_coded_by"][coder] for coder in result["coders"])]
        )  # fmt: skip
    return header, rows


def coverage_table(result: dict[str, Any], lang: str = "zh", as_text: bool = True) -> tuple[list[str], list[list[Any]]]:
    """The header and the rows (one per source and coder) of how far each coder coded each source, every
    source first chosen included (those left out as unfinished too), with each row's status. Shares as
    percentages: text (“40.0%”, “—” when undefined) for a file, or numbers (40.0, None) with ``as_text``
    off, for a table that formats them itself."""
    labels = LABELS[lang]
    by_character = result["unit"] == "character"
    header = [labels["source"], labels["coder"], labels["characters"] if by_character else labels["units"],
              labels["decided_characters"] if by_character else labels["decided"], labels["share"],
              labels["reach"], labels["pending"], labels["pending_share"], labels["status"]]  # fmt: skip

    def share(value: float | None) -> str | float | None:
        if as_text:
            return _percent(value, labels)
        return None if value is None else value * 100

    rows = []
    for row in result["coverage"]:
        status = "unfinished" if row["unfinished"] else "finished" if row["took_part"] else "absent"
        rows.append(
            [row["source"], row["coder"], row["units"], row["decided"], share(row["coverage"]), share(row["reach"]),
             row["pending"], share(row["pending_share"]), labels[status]]
        )  # fmt: skip
    return header, rows


def coverage_legend(result: dict[str, Any], lang: str = "zh") -> str:
    """What the coverage table's columns mean, and the rule that makes a source unfinished."""
    rule = unfinished_rule(result["min_reach"], result["max_pending"], unit_key(result))[lang]
    return LABELS[lang]["coverage_legend"].format(rule=rule)


def _percent(value: float | None, labels: dict[str, str]) -> str:
    return labels["undefined"] if value is None else f"{value * 100:.1f}%"


def _decimal(value: float | None, labels: dict[str, str]) -> str:
    return labels["undefined"] if value is None else f"{value:.3f}"
