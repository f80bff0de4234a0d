"""Real Word footnotes for documents made by :func:`coder.export.word.document`: a reference mark in the text
(``w:footnoteReference``) and the note at the foot of the page, numbered by Word, in a ``footnotes.xml`` part.

python-docx (1.2) has no footnote API, and what adds one does not fit: bayoo-docx and python-docx-ng are forks
that install in python-docx's place (the same ``docx`` package every export here uses; bayoo-docx was last
released in 2023 on a python-docx 0.8 base, python-docx-ng re-implemented its footnotes only in 2026), and
the published recipes post-process a saved file made from a template saved by Word. A footnotes part is
small, so it is built here with python-docx's own OPC API: an ``XmlPart`` related to the document part (which
gives the package its content type and relationship), the separator and continuation-separator notes Word
requires (ids -1 and 0, also named in the settings), and Word's built-in "footnote text" and "footnote
reference" styles. Elements are built with lxml, never by
formatting strings, so a note's text is escaped whatever it holds.
"""

from __future__ import annotations

from typing import Any

from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph

from coder.export import word

TEXT_STYLE, REFERENCE_STYLE = "FootnoteText", "FootnoteReference"
SEPARATORS = (("-1", "separator"), ("0", "continuationSeparator"))
# What may follow w:footnotePr in w:settings (ECMA-376 Part 1, CT_Settings): it goes before the first of these.
_AFTER_FOOTNOTE_PR = (
    "w:endnotePr", "w:compat", "w:docVars", "w:rsids", "m:mathPr", "w:attachedSchema", "w:themeFontLang",
    "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures", "w:forceUpgrade",
    "w:captions", "w:readModeInkLockDown", "w:smartTagType", "sl:schemaLibrary", "w:shapeDefaults",
    "w:doNotEmbedSmartTags", "w:decimalSymbol", "w:listSeparator",
)  # fmt: skip


def add(paragraph: Paragraph, text: str) -> None:
    """A footnote reference at the end of ``paragraph`` and its note, ``text``, at the foot of the page."""
    notes = _footnotes(paragraph.part)
    number = str(max(int(note.get(qn("w:id"))) for note in notes.iterchildren(qn("w:footnote"))) + 1)
    _reference(word.write(paragraph, ""), OxmlElement("w:footnoteReference", {qn("w:id"): number}))
    note = OxmlElement("w:footnote", {qn("w:id"): number})
    body = Paragraph(OxmlElement("w:p"), paragraph.part)
    note.append(body._p)
    body._p.get_or_add_pPr().style = TEXT_STYLE
    _reference(word.write(body, ""), OxmlElement("w:footnoteRef"))
    word.write(body, f" {text}")
    notes.append(note)


def _reference(run: Any, mark: Any) -> None:
    """``run`` made a footnote mark: the reference style (superscript) and the mark element after its rPr."""
    run._r.get_or_add_rPr().style = REFERENCE_STYLE
    run._r.append(mark)


def _footnotes(document_part: Any) -> Any:
    """The ``w:footnotes`` element of the document's footnotes part, made with the part on first use."""
    try:
        return document_part.part_related_by(RT.FOOTNOTES).element
    except KeyError:
        pass
    notes = OxmlElement("w:footnotes")
    for number, kind in SEPARATORS:
        note = OxmlElement("w:footnote", {qn("w:type"): kind, qn("w:id"): number})
        paragraph = OxmlElement("w:p")
        run = OxmlElement("w:r")
        run.append(OxmlElement(f"w:{kind}"))
        paragraph.append(run)
        note.append(paragraph)
        notes.append(note)
    part = XmlPart(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, notes, document_part.package)
    document_part.relate_to(part, RT.FOOTNOTES)
    _settings(document_part)
    _styles(document_part)
    return notes


def _settings(document_part: Any) -> None:
    """The separators named in the settings, as Word writes them."""
    properties = OxmlElement("w:footnotePr")
    for number, _ in SEPARATORS:
        properties.append(OxmlElement("w:footnote", {qn("w:id"): number}))
    document_part.settings.element.insert_element_before(properties, *_AFTER_FOOTNOTE_PR)


def _styles(document_part: Any) -> None:
    """Word's built-in footnote styles: the note in a smaller size, the mark superscript."""
    styles = document_part.styles
    text = styles.add_style("footnote text", WD_STYLE_TYPE.PARAGRAPH, builtin=True)
    text.style_id = TEXT_STYLE
    text.base_style = styles["Normal"]
    text.font.size = Pt(9)
    text.paragraph_format.space_after = Pt(0)
    reference = styles.add_style("footnote reference", WD_STYLE_TYPE.CHARACTER, builtin=True)
    reference.style_id = REFERENCE_STYLE
    reference.font.superscript = True
