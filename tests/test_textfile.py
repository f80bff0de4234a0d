"""Decoding: every encoding fieldwork files arrive in becomes the same normalised text."""

import datetime as dt
import io
import unicodedata
from pathlib import Path

import docx
import pytest

from coder import demo
from coder.sources.textfile import DOCX_DATE_FROM, FileProblem, read_document, read_text
from tests.helpers import docx_with_body, make_docx

TEXT = "访谈者：您好！\r\nMJQ：“三亮三评一运用”推行以后，考核精细多了。\r\n"
EXPECTED = "访谈者：您好！\nMJQ：“三亮三评一运用”推行以后，考核精细多了。\n"


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "gbk", "gb18030"], ids=str
)
def test_each_supported_encoding_decodes_to_the_same_text(tmp_path, encoding):
    path = tmp_path / "a.txt"
    path.write_bytes(TEXT.encode(encoding))
    assert read_text(path) == EXPECTED


def test_real_gbk_bytes_are_not_mistaken_for_utf8(tmp_path):
    raw = "干部绩效考核".encode("gbk")
    assert raw == b"\xb8\xc9\xb2\xbf\xbc\xa8\xd0\xa7\xbf\xbc\xba\xcb"  # the real GBK bytes
    path = tmp_path / "gbk.txt"
    path.write_bytes(raw)
    assert read_text(path) == "干部绩效考核"


def test_gb18030_only_characters_survive(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes("𠮷野家和€".encode("gb18030"))  # four-byte GB18030 sequences
    assert read_text(path) == "𠮷野家和€"


def test_text_is_nfc_normalised(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Cafe\u0301 访谈", encoding="utf-8")
    assert read_text(path) == unicodedata.normalize("NFC", "Café 访谈")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"  \n\r\n ", "empty"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3", "binary file (PDF)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file (PNG)"),
        (b"abc\x00\x01\x02\x03def\x00", "NUL bytes"),
        ("第一行\n".encode() + b"\xff\xfe\xfd\xff", "cannot decode"),
    ],
)
def test_bad_files_are_refused_naming_file_and_reason(tmp_path, content, reason):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(FileProblem) as caught:
        read_text(path)
    assert reason in caught.value.en
    assert str(path) in caught.value.zh and str(path) in caught.value.en


def test_docx_paragraphs_and_tables_come_out_in_document_order(tmp_path):
    path = tmp_path / "a.docx"
    path.write_bytes(make_docx(["问：得分怎么构成？", "答：看这个表。"], [["季度", "总分"], ["一季度", "92"]]))
    assert read_text(path) == "问：得分怎么构成？\n答：看这个表。\n季度\t总分\n一季度\t92\n表后一段。"


def test_a_broken_docx_is_refused(tmp_path):
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(FileProblem, match=r"not a valid \.docx"):
        read_text(path)


def test_demo_gbk_file_is_really_gbk():
    raw = (demo.CORPUS / "interviews" / "20240129WJG.txt").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert read_text(Path("20240129WJG.txt"), raw).startswith("---\nid: 20240129WJG")


def test_big5_bytes_are_refused_not_turned_into_rare_characters(tmp_path):
    path = tmp_path / "big5.txt"
    path.write_bytes(
        "受訪者說，考核辦法改了以後，大家的壓力都比較大，但是幹部的積極性也提高了不少。".encode("big5") * 3
    )
    with pytest.raises(FileProblem, match="Big5"):
        read_text(path)


def test_a_nul_anywhere_is_refused_with_its_line(tmp_path):
    path = tmp_path / "late-nul.txt"
    path.write_bytes(("第一行。\n" * 3000 + "坏\x00行").encode("utf-8"))
    with pytest.raises(FileProblem, match="line 3001: contains a NUL"):
        read_text(path)


def test_docx_keeps_tracked_insertions_and_drops_tracked_deletions(tmp_path):
    body = (
        '<w:p><w:r><w:t>考核</w:t></w:r><w:ins w:id="1" w:author="A"><w:r><w:t>办法</w:t></w:r></w:ins>'
        '<w:del w:id="2" w:author="A"><w:r><w:delText>草案</w:delText></w:r></w:del><w:r><w:tab/><w:t>完</w:t></w:r></w:p>'
    )
    path = tmp_path / "tracked.docx"
    path.write_bytes(docx_with_body(body))
    assert read_text(path) == "考核办法\t完"


def test_docx_nested_tables_count_and_vertical_merges_count_once(tmp_path):
    cell = "<w:tc><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:tc>"
    merged_start = '<w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>合并</w:t></w:r></w:p></w:tc>'
    merged_more = "<w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>"
    nested = f"<w:tc><w:tbl><w:tr>{cell.format('内')}{cell.format('表')}</w:tr></w:tbl><w:p/></w:tc>"
    body = (
        f"<w:tbl><w:tr>{merged_start}{cell.format('一')}</w:tr>"
        f"<w:tr>{merged_more}{cell.format('二')}</w:tr><w:tr>{nested}{cell.format('三')}</w:tr></w:tbl>"
    )
    path = tmp_path / "tables.docx"
    path.write_bytes(docx_with_body(body))
    assert read_text(path) == "合并\t一\n\t二\n内\t表\t三"


def test_a_truncated_docx_is_refused(tmp_path):
    path = tmp_path / "cut.docx"
    path.write_bytes(docx_with_body("<w:p><w:r><w:t>半截"))
    with pytest.raises(FileProblem, match=r"not a valid \.docx"):
        read_text(path)


def test_docx_core_properties_give_its_title_and_the_day_it_was_created_in_china(tmp_path):
    document = docx.Document()
    document.add_paragraph("为进一步完善干部考核评价机制，现将有关事项通知如下。")
    document.core_properties.title = "关于印发干部绩效动态考核办法的通知"
    document.core_properties.created = dt.datetime(2023, 1, 9, 17, 30, tzinfo=dt.UTC)  # 01:30 on 10 January in China
    buffer = io.BytesIO()
    document.save(buffer)
    path = tmp_path / "通知.docx"
    path.write_bytes(buffer.getvalue())
    read = read_document(path)
    assert read.text == "为进一步完善干部考核评价机制，现将有关事项通知如下。"
    assert read.facts == {"title": "关于印发干部绩效动态考核办法的通知", "date": dt.date(2023, 1, 10)}
    assert read.date_from == DOCX_DATE_FROM


def test_python_docx_template_properties_are_no_facts(tmp_path):
    path = tmp_path / "a.docx"
    path.write_bytes(make_docx(["问：好。"]))
    assert docx.Document(path).core_properties.created == dt.datetime(2013, 12, 23, 23, 15, tzinfo=dt.UTC)
    read = read_document(path)
    assert read.facts == {} and read.date_from is None
