"""`qcoder export quotes` and `export respondents`: what a paper takes out of qcoder.

One small corpus — an interview (its interviewee's real name in the front matter), a policy text and a
media report — coded by quote files. Markdown and Word output are compared with golden files in
tests/golden/ (regenerate with QCODER_UPDATE_GOLDEN=1 after an intended change, and read the diff).
"""

import csv
import io
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import jieba
import openpyxl
import pytest
from docx import Document
from docx.oxml.ns import qn
from lxml import etree

from coder.citation import ID_NOTE
from coder.export.quotes import trim
from coder.export.text import spreadsheet_cell
from tests.helpers import code_quotes, write

GOLDEN = Path(__file__).parent / "golden"
TIERING, MENTORING, OPEN_CALL = "structure.tiering", "structure.mentoring", "action.open_call"

INTERVIEW = """---
id: 20240110ZLM
kind: interview
date: 2024-01-10
interviewee: 曾立明
role: 区委组织部干部考核科科长
organization: 青川区委组织部
interviewer: 研究者A
place: 区委组织部小会议室
duration: 95分钟
---
问：方阵是怎么划的？
ZLM：先分类，再分层。按得分排序，分成第一方阵、第二方阵、第三方阵，比例是3.5:5.5:1。第三方阵的干部由第一方阵的老同志结对帮带，一般帮带半年。
问：揭榜挂帅呢？
ZLM：榜单一贴出来就有人揭，很多年轻干部抢着上。=HYPERLINK("http://example.com")这种写法是我们内部表格里的。
"""
POLICY = """---
id: 20230110-P03
kind: policy
date: 2023-01-10
title: 青川区干部分类分层考核与方阵划分细则
issuer: 中共青川区委组织部
doc_number: 青组发〔2023〕3号
---
第十条　干部由高到低划分为第一方阵、第二方阵、第三方阵，比例原则上为3.5:5.5:1。
第十四条　建立结对帮带机制，由第一方阵干部与第三方阵干部结对，帮带期一般为6个月。
"""
MEDIA = """---
id: 20230218-M03
kind: media
date: 2023-02-18
title: “三个方阵”排座次
outlet: 云江新闻网
---
记者了解到，全区干部按得分划入三个方阵，三个方阵的人数比例为3:6:1。@所有人 这是评论区的留言。
"""
QUOTES = {
    "20240110ZLM": [
        (TIERING, "按得分排序，分成第一方阵、第二方阵、第三方阵，比例是3.5:5.5:1。"),
        (MENTORING, "第三方阵的干部由第一方阵的老同志结对帮带，一般帮带半年。"),
        (OPEN_CALL, "榜单一贴出来就有人揭，很多年轻干部抢着上。"),
        (OPEN_CALL, '=HYPERLINK("http://example.com")这种写法是我们内部表格里的。'),
    ],
    "20230110-P03": [
        (TIERING, "第十条　干部由高到低划分为第一方阵、第二方阵、第三方阵，比例原则上为3.5:5.5:1。"),
        (MENTORING, "第十四条　建立结对帮带机制，由第一方阵干部与第三方阵干部结对，帮带期一般为6个月。"),
    ],
    "20230218-M03": [(TIERING, "全区干部按得分划入三个方阵，三个方阵的人数比例为3:6:1。"), (OPEN_CALL, "@所有人 这是评论区的留言。")],
}  # fmt: skip


@pytest.fixture
def coded(cli, tmp_path):
    files = {"interviews/20240110ZLM.txt": INTERVIEW, "policy/20230110-P03.txt": POLICY,
             "media/20230218-M03.txt": MEDIA}  # fmt: skip
    code_quotes(cli, tmp_path, files, QUOTES)
    return cli


def export(cli, *options, fmt="md"):
    result = cli("export", "quotes", "--format", fmt, *options)
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("QCODER_UPDATE_GOLDEN") == "1":
        write(path, actual)
    assert actual == path.read_text(encoding="utf-8")


def test_markdown_groups_by_dimension_and_code_and_cites_each_quote(coded):
    golden("quotes.md", export(coded).decode())


def word_lines(path: Path) -> list[str]:
    """A .docx as lines: each paragraph's style and text, a footnote reference as [^id], then the footnotes."""
    document = Document(str(path))
    lines = []
    for paragraph in document.paragraphs:
        runs = "".join(_run_text(run) for run in paragraph.runs)
        lines.append(f"{paragraph.style.name}: {runs}")
        for run in paragraph.runs:
            assert run._element.rPr.rFonts.get(qn("w:eastAsia")) in ("SimSun", "SimHei")
    return lines + [f"Footnote {number}: {text}" for number, text in footnotes(path).items()]


def _run_text(run) -> str:
    reference = run._r.find(qn("w:footnoteReference"))
    return f"[^{reference.get(qn('w:id'))}]" if reference is not None else run.text


def footnotes(path: Path) -> dict[str, str]:
    """The footnotes of a .docx read from its package (python-docx has no footnote API): id → text."""
    with zipfile.ZipFile(path) as package:
        if "word/footnotes.xml" not in package.namelist():
            return {}
        root = etree.fromstring(package.read("word/footnotes.xml"))
    return {
        note.get(qn("w:id")): "".join(note.itertext()).strip()
        for note in root.iter(qn("w:footnote"))
        if note.get(qn("w:type")) is None
    }


def test_word_has_headings_per_dimension_and_code_chinese_quotes_and_east_asian_fonts(coded, tmp_path):
    target = tmp_path / "quotes.docx"
    assert coded("export", "quotes", "--format", "docx", "-o", str(target)).exit_code == 0
    golden("quotes.docx.txt", "\n".join(word_lines(target)) + "\n")


def test_headings_name_the_codes_and_show_their_ids_only_when_asked(coded, tmp_path):
    plain, with_ids = export(coded).decode(), export(coded, "--with-ids").decode()
    assert "## 结构\n" in plain and "### 分类分层与方阵划分\n" in plain and "structure.tiering" not in plain
    assert "## 结构（structure）\n" in with_ids and "### 分类分层与方阵划分（structure.tiering）\n" in with_ids
    english = export(coded, "--with-ids", "--lang", "en").decode()
    assert "## Structure (structure)\n" in english and "### Mentoring mechanism (structure.mentoring)\n" in english
    target = tmp_path / "ids.docx"
    assert coded("export", "quotes", "--format", "docx", "--with-ids", "-o", str(target)).exit_code == 0
    assert "Heading 2: 帮带机制（structure.mentoring）" in word_lines(target)


NESTED = """---
id: 20240112WHY
kind: interview
date: 2024-01-12
interviewee: 吴海燕
---
问：排名出来以后，大家怎么说？
WHY：有人私下讲：“排在第三方阵也没关系，‘不求有功、但求无过’嘛。”我不赞成。也有人说"排名就是'指挥棒'"。
"""
INNER = "有人私下讲：“排在第三方阵也没关系，‘不求有功、但求无过’嘛。”"
STRAIGHT = "也有人说\"排名就是'指挥棒'\"。"


@pytest.fixture
def nested(cli, tmp_path):
    code_quotes(
        cli, tmp_path, {"interviews/20240112WHY.txt": NESTED}, {"20240112WHY": [(TIERING, INNER), (TIERING, STRAIGHT)]}
    )
    return cli


def test_quotes_inside_a_quote_take_single_marks_then_double_again_in_markdown_and_word(nested, tmp_path):
    nested_inner = "“有人私下讲：‘排在第三方阵也没关系，“不求有功、但求无过”嘛。’”（访谈记录：20240112WHY）"
    nested_straight = "“也有人说‘排名就是“指挥棒”’。”（访谈记录：20240112WHY）"
    markdown = export(nested).decode()
    assert nested_inner + "[^1]" in markdown and nested_straight in markdown
    target = tmp_path / "nested.docx"
    assert nested("export", "quotes", "--format", "docx", "-o", str(target)).exit_code == 0
    lines = word_lines(target)
    assert f"Normal: {nested_inner}[^1]" in lines and f"Normal: {nested_straight}" in lines
    # Spreadsheets hold the quote as stored, without outer marks, and the stored text never changes.
    rows = list(csv.DictReader(io.StringIO(export(nested, fmt="csv").decode("utf-8-sig"))))
    assert [row["引文"] for row in rows] == [INNER, STRAIGHT]
    assert INNER in nested("sources", "show", "20240112WHY").stdout


def test_footnotes_in_word_are_real_word_footnotes(coded, tmp_path):
    target = tmp_path / "notes.docx"
    template = "访谈<{id}>&"  # a note's text is escaped in the part's XML, whatever it holds
    result = coded("export", "quotes", "--format", "docx", "--footnotes", "--interview-template", template,
                   "-o", str(target))  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = word_lines(target)  # python-docx reopens the package
    assert not any(line.startswith("Heading 1: 注释") for line in lines)
    references = [line for line in lines if "[^" in line]
    assert len(references) == 8 and all(line.endswith(f"”[^{n}]") for n, line in enumerate(references, 1))
    notes = footnotes(target)
    assert list(notes) == [str(n) for n in range(1, 9)]
    assert notes["3"] == "访谈<20240110ZLM>&。" + ID_NOTE and notes["5"] == "访谈<20240110ZLM>&"
    assert notes["1"].startswith("中共青川区委组织部《青川区干部分类分层考核与方阵划分细则》")
    with zipfile.ZipFile(target) as package:
        root = etree.fromstring(package.read("word/footnotes.xml"))
        types = etree.fromstring(package.read("[Content_Types].xml"))
        rels = etree.fromstring(package.read("word/_rels/document.xml.rels"))
        settings = etree.fromstring(package.read("word/settings.xml"))
    special = [(n.get(qn("w:id")), n.get(qn("w:type"))) for n in root.iter(qn("w:footnote")) if n.get(qn("w:type"))]
    assert special == [("-1", "separator"), ("0", "continuationSeparator")]
    assert {(o.get("PartName"), o.get("ContentType")) for o in types} >= {
        ("/word/footnotes.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml")
    }
    footnote_rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
    assert [r.get("Target") for r in rels if r.get("Type") == footnote_rel] == ["footnotes.xml"]
    assert [n.get(qn("w:id")) for n in settings.iter(qn("w:footnote"))] == ["-1", "0"]


def test_brackets_in_word_keep_the_id_convention_as_one_footnote_and_markdown_keeps_numbered_notes(coded, tmp_path):
    target = tmp_path / "brackets.docx"
    assert coded("export", "quotes", "--format", "docx", "-o", str(target)).exit_code == 0
    assert list(footnotes(target).values()) == [ID_NOTE]
    markdown = export(coded, "--footnotes").decode()
    assert markdown.count("[^1]") == 2 and "[^8]: 访谈记录：20240110ZLM" in markdown
    assert "”（" not in markdown.split("[^1]:")[0]  # every citation is a note, none in brackets


@pytest.mark.skipif(
    shutil.which("soffice") is None and os.environ.get("QCODER_REQUIRE_OFFICE") != "1",
    reason="LibreOffice (soffice) is not installed; CI installs it and sets QCODER_REQUIRE_OFFICE=1",
)
def test_libreoffice_reads_the_footnotes_as_footnotes(tmp_path):
    from coder.citation import Style
    from coder.export.formats import render_quotes

    row = {"dimension": "structure", "dimension_name": "结构", "code": TIERING, "code_name": "分类分层与方阵划分",
           "kind": "interview", "citation": "访谈记录：20240110ZLM", "quote": "按得分排序。"}  # fmt: skip
    (tmp_path / "notes.docx").write_bytes(render_quotes([row], "docx", Style(footnotes=True)))
    subprocess.run(
        ["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path / 'profile'}",
         "--convert-to", "odt", "--outdir", str(tmp_path), str(tmp_path / "notes.docx")],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    with zipfile.ZipFile(tmp_path / "notes.odt") as odt:
        content = etree.fromstring(odt.read("content.xml"))
    text = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    notes = list(content.iter(f"{{{text}}}note"))
    assert [n.get(f"{{{text}}}note-class") for n in notes] == ["footnote"]
    body = "".join(notes[0].find(f"{{{text}}}note-body").itertext()).strip()
    assert body == "访谈记录：20240110ZLM。" + ID_NOTE


def test_quotes_follow_the_codebook_then_the_source_dates(coded):
    tiering = export(coded, "--code", TIERING).decode()
    assert tiering.index("方阵划分细则》") < tiering.index("云江新闻网《") < tiering.index("访谈记录：20240110ZLM")


def test_selection_by_dimension_kind_participant_and_sub_codes(coded):
    assert "揭榜" not in export(coded, "--dimension", "structure").decode()
    media = export(coded, "--kind", "media").decode()
    assert "3:6:1" in media and "3.5:5.5:1" not in media
    assert "云江新闻网" not in export(coded, "--participant", "20240110ZLM").decode()
    assert "3:6:1" in export(coded, "--code", "structure").decode()  # a dimension stands for its codes
    assert "3:6:1" not in export(coded, "--code", "structure", "--exact").decode()


def test_suggestions_are_left_out_unless_asked_for(coded):
    assert coded("tag").exit_code == 0
    assert export(coded) == export(coded, "--status", "accepted", "--status", "manual")
    assert len(export(coded, "--status", "suggested")) > len("# 编码引文\n\n（没有符合条件的引文）\n")


def test_unknown_codes_kinds_and_interview_ids_are_named(coded):
    for option, value in (("--code", "structure.none"), ("--kind", "diary"), ("--participant", "20230110-P03")):
        result = coded("export", "quotes", option, value)
        assert result.exit_code == 1 and value in result.output


def test_citation_templates_and_footnotes(coded):
    custom = export(coded, "--interview-template", "访谈编号：{id}", "--code", OPEN_CALL).decode()
    assert "（访谈编号：20240110ZLM）" in custom
    notes = export(coded, "--footnotes", "--code", OPEN_CALL, "--kind", "interview").decode()
    assert "”[^1]" in notes and "[^1]: 访谈记录：20240110ZLM。访谈记录编号由访谈日期" in notes
    assert notes.count("访谈记录编号由") == 1  # the ID convention is explained once
    refused = coded("export", "quotes", "--interview-template", "{name}")
    assert refused.exit_code == 1 and "unknown fields name" in refused.output


def test_context_adds_whole_sentences_around_a_quote(coded):
    with_context = export(coded, "--code", MENTORING, "--kind", "interview", "--context", "1").decode()
    assert "〔前文：按得分排序" in with_context


def test_spreadsheets_never_run_a_formula_from_a_transcript(coded, tmp_path):
    target = tmp_path / "quotes.xlsx"
    assert coded("export", "quotes", "--format", "xlsx", "-o", str(target)).exit_code == 0
    sheet = openpyxl.load_workbook(target).active
    header = [c.value for c in sheet[1]]
    quotes = [row[header.index("引文")] for row in sheet.iter_rows(min_row=2)]
    starts = {cell.value[:2]: cell.data_type for cell in quotes if cell.value[0] in "'=@"}
    assert starts == {"'=": "s", "'@": "s"}
    assert "三角验证" in header and {"contested", "single-source"} & {
        r[header.index("三角验证")].value for r in sheet.iter_rows(min_row=2)
    }
    rows = list(csv.reader(io.StringIO(export(coded, fmt="csv").decode("utf-8-sig"))))
    assert {r[rows[0].index("引文")][:2] for r in rows[1:] if r[rows[0].index("引文")][:2] in ("'=", "'@")} == {
        "'=",
        "'@",
    }


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_neutralised(start):
    assert spreadsheet_cell(f"{start}1+1") == f"'{start}1+1"
    assert spreadsheet_cell("比例为3.5:5.5:1") == "比例为3.5:5.5:1"
    assert spreadsheet_cell(-3) == -3  # numbers stay numbers


WORDS = jieba.Tokenizer().lcut


def test_trimming_ends_at_a_sentence_then_a_clause_then_a_word():
    two = "第一句话很短。第二句话稍微长一点点，还有后半句。"
    assert trim(two, 12, WORDS) == "第一句话很短。……"
    assert trim("前半句话说到这里，后半句话还在继续继续", 12, WORDS) == "前半句话说到这里……"
    unbroken = "我们区里推行干部绩效考核改革以来各个单位的干部积极性都有了明显提高"
    shortened = trim(unbroken, 20, WORDS)
    kept = shortened.removesuffix("……")
    assert len(kept) <= 20 and unbroken.startswith(kept)
    assert len(kept) in {sum(map(len, WORDS(unbroken)[:n])) for n in range(1, 30)}  # ends between two words
    assert trim(two, 0, WORDS) == two


def test_the_respondent_table_never_shows_names(coded, tmp_path):
    table = coded("export", "respondents").stdout
    assert (
        "| 20240110ZLM | 区委组织部干部考核科科长 | 青川区委组织部 | 2024-01-10 | 区委组织部小会议室 | 研究者A | 95分钟 |"
        in table
    )
    assert "20230110-P03" not in table  # interviews only
    for fmt in ("md", "csv"):
        assert "曾立明" not in coded("export", "respondents", "--format", fmt).stdout
    word, excel = tmp_path / "respondents.docx", tmp_path / "respondents.xlsx"
    assert coded("export", "respondents", "--format", "docx", "-o", str(word)).exit_code == 0
    assert coded("export", "respondents", "--format", "xlsx", "-o", str(excel)).exit_code == 0
    cells = [c.text for t in Document(str(word)).tables for row in t.rows for c in row.cells]
    cells += [str(c.value) for row in openpyxl.load_workbook(excel).active.iter_rows() for c in row]
    assert "20240110ZLM" in cells and not any("曾立明" in c for c in cells)
    for fmt in ("md", "csv"):
        assert "曾立明" not in export(coded, fmt=fmt).decode("utf-8-sig")
