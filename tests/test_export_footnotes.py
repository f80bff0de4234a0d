"""Word footnotes numbered in the order they are added, each reference pointing at its own note."""

import io
import zipfile

from docx.oxml.ns import qn
from lxml import etree

from coder.export import footnotes, word


def test_notes_are_numbered_one_up_after_the_separators_and_match_their_references():
    doc = word.document()
    paragraphs = [doc.add_paragraph(f"第{n}段") for n in range(1, 4)]
    for n, paragraph in enumerate(paragraphs, 1):
        footnotes.add(paragraph, f"注{n}")
    references = [p._p.find(f".//{qn('w:footnoteReference')}").get(qn("w:id")) for p in paragraphs]
    with zipfile.ZipFile(io.BytesIO(word.to_bytes(doc))) as package:
        notes = etree.fromstring(package.read("word/footnotes.xml"))
    texts = {note.get(qn("w:id")): "".join(t.text for t in note.iter(qn("w:t"))) for note in notes}
    assert references == ["1", "2", "3"]
    assert texts == {"-1": "", "0": "", "1": " 注1", "2": " 注2", "3": " 注3"}
