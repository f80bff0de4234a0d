"""The agreement table of :func:`coder.reliability.agreement` as a file: Markdown and Word for the paper,
XLSX for checking — one row per code and the pooled row, the methods sentence, the sources compared.

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
from coder.reliability import method_sentence, notes

FORMATS = ("md", "xlsx", "docx")
LABELS = {
    "zh": {
        "title": "编码者间一致性", "code": "代码", "name": "名称", "units": "单位数", "characters": "字符数",
        "agreement": "一致率", "kappa": "Cohen's κ", "alpha": "Krippendorff's α", "coded_by": "{coder} 使用",
        "pooled": "合计（全部代码合并）", "method": "方法说明", "sources": "比较的来源", "notes": "注",
        "undefined": "—", "legend": "“—”表示无法计算（只出现一种取值，或编码者多于两位时的 κ）。",
    },
    "en": {
        "title": "Inter-coder agreement", "code": "Code", "name": "Name", "units": "Units", "characters": "Characters",
        "agreement": "Agreement", "kappa": "Cohen's κ", "alpha": "Krippendorff's α", "coded_by": "Applied by {coder}",
        "pooled": "Pooled (all codes)", "method": "Method", "sources": "Sources compared", "notes": "Notes",
        "undefined": "—", "legend": "“—”: undefined (only one value occurs, or κ with more than two coders).",
    },
}  # fmt: skip


def render_agreement(result: dict[str, Any], fmt: str, lang: str = "zh") -> bytes:
    labels = labels_for(fmt, FORMATS, lang, LABELS)
    result = clean(result)
    header, rows = table(result, lang)
    method = method_sentence(result, lang)
    extra = [*notes(result, lang), labels["legend"]]
    sources = ("、" if lang == "zh" else ", ").join(result["sources"])
    if fmt == "md":
        lines = [f"# {labels['title']}", "", *md_table(header, rows, [False] * (len(rows) - 1) + [True])]
        lines += [f"**{labels['method']}**：{md(method)}" if lang == "zh" else f"**{labels['method']}**: {md(method)}"]
        lines += ["", f"{labels['sources']}：{md(sources)}" if lang == "zh" else f"{labels['sources']}: {md(sources)}"]
        lines += ["", *(f"- {md(note)}" for note in extra)]
        return ("\n".join(lines).rstrip() + "\n").encode()
    if fmt == "docx":
        doc = word.document(landscape=len(header) > 7)
        word.heading(doc, labels["title"], 0)
        word.table(doc, header, [["" if c is None else str(c) for c in row] for row in rows],
                   [False] * (len(rows) - 1) + [True])  # fmt: skip
        paragraph = doc.add_paragraph()
        word.write(paragraph, f"{labels['method']}：" if lang == "zh" else f"{labels['method']}: ", bold=True)
        word.write(paragraph, method)
        word.write(
            doc.add_paragraph(),
            f"{labels['sources']}：{sources}" if lang == "zh" else f"{labels['sources']}: {sources}",
        )
        for note in extra:
            word.write(doc.add_paragraph(), note)
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
        (labels["method"], method),
        (labels["sources"], sources),
        *((labels["notes"], n) for n in extra),
    ):
        sheet.append([spreadsheet_cell(label), spreadsheet_cell(text)])
    sheet.freeze_panes = "A2"
    for n in range(1, len(header) + 1):
        sheet.column_dimensions[get_column_letter(n)].width = 28 if n in (1, 2) else 14
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def table(result: dict[str, Any], lang: str = "zh") -> tuple[list[str], list[list[Any]]]:
    """The header and the rows (one per code, then the pooled row) of the agreement table, numbers as text
    the way a paper prints them: agreement as a percentage, κ and α to three decimals, “—” when undefined."""
    labels = LABELS[lang]
    units = labels["characters"] if result["unit"] == "character" else labels["units"]
    header = [labels["code"], labels["name"], units, labels["agreement"], labels["kappa"], labels["alpha"]]
    header += [labels["coded_by"].format(coder=coder) for coder in result["coders"]]
    rows = []
    for row in [*result["codes"], {**result["pooled"], "code": labels["pooled"], "name": "", "name_en": ""}]:
        name = (row.get("name_en") or row["name"]) if lang == "en" else row["name"]
        rows.append(
            [row["code"], name, row["units"], _percent(row["agreement"], labels), _decimal(row["kappa"], labels),
             _decimal(row["alpha"], labels), *(row["n_coded_by"][coder] for coder in result["coders"])]
        )  # fmt: skip
    return header, rows


def _percent(value: float | None, labels: dict[str, str]) -> str:
    return labels["undefined"] if value is None else f"{value * 100:.1f}%"


def _decimal(value: float | None, labels: dict[str, str]) -> str:
    return labels["undefined"] if value is None else f"{value:.3f}"
