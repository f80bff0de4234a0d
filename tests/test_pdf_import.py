"""PDF import: Chinese text as paragraphs without stray spaces, metadata facts, scans and bad files refused by name.

Every PDF is built here with reportlab and its built-in CID font STSong-Light (no font file needed),
the way office software writes one: hard-wrapped lines, page numbers at the foot, metadata set by pypdf.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfWriter
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from sqlmodel import Session, select

from coder import limits
from coder.db.engine import make_engine
from coder.db.models import Segment
from coder.sources import pdf
from coder.sources.textfile import FileProblem, read_document
from tests.helpers import write

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

# Synthetic policy text, hard-wrapped as a word processor would (about 30 hanzi a line at 12 pt).
# Each paragraph is a list of its printed lines; the stored paragraph is the lines joined.
TITLE = ["关于印发干部绩效动态考核办法的通知"]
SALUTATION = ["各村（社区）、镇属各单位："]
INTRO = [
    "为进一步完善干部考核评价机制，推动干部担当作为，镇党委决定推行“",
    "三亮三评一运用”考核方式，即亮身份、亮承诺、亮实绩，群众评、同",
    "事评、组织评，结果运用于干部选拔任用。现将有关事项通知如下。",
]
HEADING = ["一、总体要求"]
ITEM = [
    "（一）坚持实绩导向。以岗位职责和年度目标任务为依据，突出实绩，",
    "注重群众评价，借鉴国际通行的绩效管理办法（performance",
    "review）的做法，做到平时考核与年度考核相结合。",
]
ARTICLE = [
    "第三条 考核结果分为优秀、称职、基本称职和不称职四个等次，优秀",
    "等次比例一般不超过本单位参加考核人数的20%。",
]
LISTED = ["1. 平时考核每季度开展一次，结果在单位内部公示。"]
# Runs from the foot of page 1 onto page 2; 学⽣ is written with the Kangxi radical ⽣ (U+2F63).
ACROSS = [
    "各村（社区）要结合实际制定细则，组织学⽣志愿者和驻村工作队协助",
    "开展群众评议，评议结果由镇考核办统一汇总，并在季度结束后十日内",
    "报镇党委审定。",
]


class Spread(str):
    """A line drawn with wide gaps between its characters, as a signature is set."""


SIGNATURE = "石桥镇人民政府"
DATE_LINE = ["2023年1月10日"]
PAGE_ONE = [TITLE, SALUTATION, INTRO, HEADING, ITEM, ARTICLE, LISTED, ACROSS[:2]]
PAGE_TWO = [ACROSS[2:], [Spread(SIGNATURE)], DATE_LINE]
EXPECTED = "\n".join(
    [
        TITLE[0],
        SALUTATION[0],
        "".join(INTRO),
        HEADING[0],
        ITEM[0] + ITEM[1] + " " + ITEM[2],
        "".join(ARTICLE),
        LISTED[0],
        "".join(ACROSS).replace("⽣", "生"),
        SIGNATURE,
        DATE_LINE[0],
    ]
)


def chinese_pdf(pages: list[list[list[str]]], **metadata: str) -> bytes:
    """A PDF of ``pages`` (blocks of lines, one line per 20 pt), ``— n —`` at each foot, and ``metadata``
    (/Title …) set by pypdf."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=(595, 842))
    for number, blocks in enumerate(pages, 1):
        y = 780
        for line in (line for block in blocks for line in block):
            text = page.beginText()
            text.setFont(FONT, 12)
            for i, character in enumerate(line if isinstance(line, Spread) else [line]):
                text.setTextOrigin(300 + 30 * i if isinstance(line, Spread) else 72, y)
                text.textOut(character)
            page.drawText(text)
            y -= 20
        page.setFont(FONT, 10)
        page.drawCentredString(297, 40, f"— {number} —")
        page.showPage()
    page.save()
    writer = PdfWriter(clone_from=io.BytesIO(buffer.getvalue()))
    writer.add_metadata({f"/{key}": value for key, value in metadata.items()})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def policy_pdf() -> bytes:
    return chinese_pdf(
        [PAGE_ONE, PAGE_TWO],
        Title="Microsoft Word - 关于印发干部绩效动态考核办法的通知.docx",
        CreationDate="D:20230110093000+08'00'",
    )


def test_test_lines_are_wrapped_where_no_sentence_ends():
    """The builder's own check: the expected paragraphs follow from the documented rule, not by luck."""
    widest = max(pdf._width(line) for block in PAGE_ONE + PAGE_TWO for line in block)
    for block in [INTRO, ITEM, ARTICLE, ACROSS]:
        for line in block[:-1]:
            assert not pdf._ENDS_SENTENCE.search(line), line
            assert pdf._width(line) >= pdf.FULL_LINE * widest, line
        for line in block[1:]:
            assert not pdf._OPENS_ITEM.match(line), line


def test_chinese_text_comes_out_as_paragraphs_without_spaces_and_with_its_metadata(tmp_path):
    path = write(tmp_path / "通知.pdf", policy_pdf())
    document = read_document(path)
    assert document.text == EXPECTED
    assert document.facts == {"title": "关于印发干部绩效动态考核办法的通知", "date": dt.date(2023, 1, 10)}
    assert document.date_from == pdf.DATE_FROM


def test_page_numbers_are_dropped_but_a_number_in_the_text_stays(tmp_path):
    path = write(tmp_path / "a.pdf", chinese_pdf([[["考核得分如下。"], ["92"]], [["第二页。"]]]))
    assert read_document(path).text == "考核得分如下。\n92\n第二页。"  # 92 is far from page 1


def test_quotation_marks_drawn_ahead_of_their_line_are_put_back(tmp_path):
    """LibreOffice draws “ ” in a Latin font before the line they stand in, leaving gaps in it."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    text = page.beginText()
    before, inside = "镇党委决定推行", "三亮三评一运用"
    text.setFont("Helvetica", 12)
    for mark, prefix in (("\u201c", before), ("\u201d", before + "“" + inside)):
        text.setTextOrigin(72 + pdfmetrics.stringWidth(prefix, FONT, 12), 700)
        text.textOut(mark)
    text.setFont(FONT, 12)
    text.setTextOrigin(72, 700)
    text.textOut(f"{before} {inside} 考核方式。")
    page.drawText(text)
    page.showPage()
    page.save()
    path = write(tmp_path / "a.pdf", buffer.getvalue())
    assert read_document(path).text == "镇党委决定推行“三亮三评一运用”考核方式。"


def test_generic_or_missing_metadata_gives_no_facts(tmp_path):
    path = write(tmp_path / "a.pdf", chinese_pdf([[["正文一行。"]]], Title="untitled", CreationDate="D:19700101"))
    document = read_document(path)
    assert document.facts == {} and document.date_from is None


def test_a_scanned_pdf_without_text_is_refused_by_name(tmp_path):
    scan = Image.new("RGB", (400, 200), "white")
    ImageDraw.Draw(scan).rectangle((40, 40, 360, 160), outline="black", width=4)
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawImage(ImageReader(scan), 72, 500, width=400, height=200)
    page.showPage()
    page.save()
    path = write(tmp_path / "扫描件.pdf", buffer.getvalue())
    with pytest.raises(FileProblem) as caught:
        read_document(path)
    assert "没有可提取的文字层" in caught.value.zh and "OCR" in caught.value.zh
    assert "has no text layer (a scan?): run OCR first" in caught.value.en
    assert str(path) in caught.value.zh and str(path) in caught.value.en


def test_a_pdf_locked_for_editing_only_is_read_and_one_that_needs_a_password_is_refused(tmp_path):
    for user_password, name in (("", "locked-for-editing.pdf"), ("secret", "needs-password.pdf")):
        writer = PdfWriter(clone_from=io.BytesIO(policy_pdf()))
        writer.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-128")
        out = io.BytesIO()
        writer.write(out)
        write(tmp_path / name, out.getvalue())
    assert read_document(tmp_path / "locked-for-editing.pdf").text == EXPECTED
    with pytest.raises(FileProblem, match="needs a password") as caught:
        read_document(tmp_path / "needs-password.pdf")
    assert "needs-password.pdf" in caught.value.zh


@pytest.mark.parametrize("content", [b"%PDF-1.7", b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <<>>\n%%EOF"])
def test_a_broken_pdf_is_refused_by_name(tmp_path, content):
    path = write(tmp_path / "坏.pdf", content)
    with pytest.raises(FileProblem, match="not a valid PDF file, or damaged") as caught:
        read_document(path)
    assert str(path) in caught.value.en


def test_too_many_pages_are_refused_before_any_page_is_read(tmp_path, monkeypatch):
    monkeypatch.setenv("QCODER_MAX_PDF_PAGES", "1")
    path = write(tmp_path / "a.pdf", policy_pdf())
    with pytest.raises(limits.LimitError, match="QCODER_MAX_PDF_PAGES") as caught:
        read_document(path)
    assert "the page count is 2" in caught.value.en and str(path) in caught.value.en


def test_a_stream_that_inflates_past_the_limit_is_refused(tmp_path, monkeypatch):
    writer = PdfWriter(clone_from=io.BytesIO(chinese_pdf([[["正文一行。"]]])))
    page = writer.pages[0]
    content = page.get_contents()
    content.set_data(content.get_data() + b"\n" + b" " * 3_000_000)  # 3 MB of blanks compress to 3 KB
    page.replace_contents(content)
    page.compress_content_streams()
    out = io.BytesIO()
    writer.write(out)
    path = write(tmp_path / "bomb.pdf", out.getvalue())
    assert path.stat().st_size < 20_000
    assert read_document(path).text == "正文一行。"  # within the default limit it reads
    monkeypatch.setenv("QCODER_MAX_PDF_STREAM_MB", "1")
    with pytest.raises(limits.LimitError, match="QCODER_MAX_PDF_STREAM_MB") as caught:
        read_document(path)
    assert str(path) in caught.value.zh


def test_a_pdf_has_a_size_limit_of_its_own(monkeypatch):
    size = 25 * 1024 * 1024  # over what a text file may be, within what a PDF with images may
    limits.check_source_file(Path("图片多.pdf"), size)
    with pytest.raises(limits.LimitError):
        limits.check_source_file(Path("长.txt"), size)
    monkeypatch.setenv("QCODER_MAX_PDF_MB", "20")
    with pytest.raises(limits.LimitError, match="QCODER_MAX_PDF_MB"):
        limits.check_upload(Path("图片多.pdf"), b"%" * size)


def test_a_pdf_imports_through_qcoder_import_with_its_text_stored_exactly(cli, tmp_path):
    path = write(tmp_path / "policy" / "20230110-P07_通知.pdf", policy_pdf())
    result = cli("import", str(tmp_path / "policy"), "--json")
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.stdout)["results"]
    assert (row["status"], row["id"]) == ("imported", "20230110-P07")
    shown = json.loads(cli("sources", "show", "20230110-P07", "--json").stdout)
    extracted = read_document(path).text
    assert shown["text"] == extracted == EXPECTED
    assert shown["title"] == "关于印发干部绩效动态考核办法的通知"
    with Session(make_engine(cli.url)) as session:
        spans = session.exec(select(Segment).where(Segment.source_id == "20230110-P07")).all()
    assert spans
    for span in spans:
        piece = shown["text"][span.start : span.end]
        assert piece == extracted[span.start : span.end] and piece == piece.strip() and piece
    again = cli("import", str(path), "--json")
    assert json.loads(again.stdout)["results"][0]["status"] == "unchanged"
