"""Word documents that show Chinese properly: East-Asian fonts on every style and run, tables whose header
repeats on each page. python-docx does the writing; this module only holds what every export repeats."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm

FONTS = {"body": "SimSun", "heading": "SimHei"}  # 宋体 / 黑体: Word falls back to a Latin font without them
_STYLES = (("Normal", "body"), ("Title", "heading"), ("Heading 1", "heading"), ("Heading 2", "heading"),
           ("Heading 3", "heading"))  # fmt: skip


def document(landscape: bool = False) -> DocumentType:
    """A new A4 document whose styles name the East-Asian fonts (themes would override a run's font)."""
    doc = Document()
    page = doc.sections[0]
    page.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    page.page_width, page.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    for style, font in _STYLES:
        fonts = doc.styles[style].element.get_or_add_rPr().get_or_add_rFonts()
        fonts.attrib.pop(qn("w:eastAsiaTheme"), None)
        fonts.set(qn("w:eastAsia"), FONTS[font])
    return doc


def write(paragraph: Any, text: str, bold: bool = False, font: str = "body") -> Any:
    """Add a run with the East-Asian font set on the run itself; returns the run."""
    run = paragraph.add_run(text)
    run.bold = bold or None
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONTS[font])
    return run


def heading(doc: DocumentType, text: str, level: int) -> None:
    write(doc.add_heading("", level), text, font="heading")


def table(
    doc: DocumentType, header: list[str], rows: list[list[str]], bold_first: list[bool] | None = None
) -> list[Any]:
    """A grid with a header row that repeats on every page; returns the body rows' cells for shading."""
    grid = doc.add_table(rows=1, cols=len(header), style="Table Grid")
    grid.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for cell, text in zip(grid.rows[0].cells, header, strict=True):
        write(cell.paragraphs[0], text, bold=True)
    body = []
    for n, row in enumerate(rows):
        cells = grid.add_row().cells
        for k, (cell, text) in enumerate(zip(cells, row, strict=True)):
            write(cell.paragraphs[0], str(text), bold=bool(bold_first and bold_first[n] and k == 0))
        body.append(cells)
    return body


def shade(cell: Any, fill: str) -> None:
    """Fill a table cell with a colour (``RRGGBB``)."""
    element = OxmlElement("w:shd")
    element.set(qn("w:val"), "clear")
    element.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(element)


def to_bytes(doc: DocumentType) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
