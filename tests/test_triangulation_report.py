"""Triangulation reports: the same findings as Markdown, HTML and Word, with user text kept inert."""

import io
import re

import lxml.html
import pytest
from docx import Document
from docx.oxml.ns import qn
from markdown_it import MarkdownIt

from coder.errors import QcoderError
from coder.evidence.report import methods, render

SCRIPT = "<script>alert(1)</script>"


def quote(source, kind, text, citation):
    return {"coding": 1, "code": "x", "source": source, "kind": kind, "start": 0, "end": len(text), "text": text,
            "citation": citation}  # fmt: skip


def row(code, name, level, status, counts, independent, strongest, flags=(), conflicts=()):
    return {
        "code": code, "name": name, "level": level, "dimension": code.split(".")[0], "status": status,
        "flags": list(flags), "counts": counts, "independent": independent,
        "kinds": [k for k, n in counts.items() if n], "interviewees": independent["interview"],
        "organizations": 1, "roles": 1, "documents": sum(independent.values()),
        "sources": {k: [] for k in counts}, "conflicts": list(conflicts), "strongest": strongest,
    }  # fmt: skip


def result():
    """Two dimensions with one code each: one contested over a ratio, one resting on a single interviewee."""
    policy = quote("20230105-P01", "policy", "第五条　考核结果分为甲、乙、丙三档，比例原则上为3.5:5.5:1。",
                   "某区委组织部《某区干部考核分档办法》（某组发〔2023〕1号，2023年1月5日）")  # fmt: skip
    media = quote("20230210-M01", "media", "记者了解到，三个档次的人数比例为3:6:1。",
                  "某地新闻网《考核分档见实效》，2023年2月10日")  # fmt: skip
    talk = quote("20240305LXY", "interview", f"他说{SCRIPT}这个榜|那个榜都贴在墙上。", "访谈记录：20240305LXY")
    contested = {"counts": {"interview": 0, "policy": 2, "media": 1}, "independent": {"interview": 0, "policy": 1, "media": 1},
                 "strongest": {"policy": policy, "media": media}, "conflicts": [2]}  # fmt: skip
    single = {"counts": {"interview": 3, "policy": 0, "media": 0}, "independent": {"interview": 1, "policy": 0, "media": 0},
              "strongest": {"interview": talk}, "flags": ["single_informant"]}  # fmt: skip
    statements = [
        {"source": "20230105-P01", "kind": "policy", "value": "3.5:5.5:1", "figure": "3.5:5.5:1", "start": 20,
         "end": 29, "quote": policy["text"], "codes": ["grading.tiers"], "codings": [11]},
        {"source": "20230210-M01", "kind": "media", "value": "3:6:1", "figure": "3:6:1", "start": 15, "end": 20,
         "quote": media["text"], "codes": ["grading.tiers"], "codings": [12]},
    ]  # fmt: skip
    return {
        "rules": {"min_kinds": 2, "evidence_statuses": ["accepted", "manual"], "same_fact": 0.5, "same_quantity": 0.2,
                  "fieldwork": {"start": "2024-03-01", "end": "2024-03-31"}},
        "codes": [
            row("grading", "考核分档", "dimension", "contested", **contested),
            row("grading.tiers", "分档比例", "code", "contested", **contested),
            row("posting", "任务公示", "dimension", "single-source", **single),
            row("posting.board", "公示榜单", "code", "single-source", **single),
        ],
        "claims": [{"id": 1, "text": "分档让考核更有区分度，但比例口径不一。", "author": "编码员甲", "codes": ["grading"],
                    "codings": [], **row("grading", "", "code", "contested", **contested)}],
        "facts": [
            {"id": 1, "measure": "count:人", "status": "consistent", "values": ["40"], "statements": [
                {**statements[0], "value": "40", "source": "20230105-P01"},
                {**statements[1], "value": "40", "source": "20230210-M01"}]},
            {"id": 2, "measure": "ratio3", "status": "conflict", "values": ["3.5:5.5:1", "3:6:1"],
             "statements": statements},
        ],
        "warnings": [{"rule": "fieldwork", "source": "20240415WQ",
                      "zh": "访谈 20240415WQ 的日期 2024-04-15 不在田野调查期 2024-03-01 至 2024-03-31 之内",
                      "en": "interview 20240415WQ dated 2024-04-15 falls outside the fieldwork window"}],
    }  # fmt: skip


def markdown(lang="zh"):
    return render(result(), "md", lang).decode()


def cells(line):
    """The cells of a Markdown table row, split only at unescaped pipes."""
    return [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]


def test_markdown_sets_the_conflicting_values_side_by_side_with_their_sources():
    conflicts = markdown().split("## 事实矛盾")[1].split("## 一致的事实")[0]
    assert "### 事实 2（比例）：3.5:5.5:1 ≠ 3:6:1" in conflicts
    rows = [cells(line) for line in conflicts.splitlines() if line.startswith("| 3")]
    assert [r[:3] for r in rows] == [["3.5:5.5:1", "20230105-P01", "政策文本"], ["3:6:1", "20230210-M01", "媒体报道"]]
    assert "比例原则上为3.5:5.5:1" in rows[0][3]


def test_markdown_states_the_rules_and_lists_claims_and_warnings():
    text = markdown()
    assert "至少 2 类来源" in text and "≥ 0.5" in text and "≥ 0.2" in text
    assert "满意度的权重不是满意度" in text  # the rule of one fact names what is measured, not only the wording
    assert "田野调查期为 2024-03-01 至 2024-03-31" in text
    assert "| 存在矛盾 | 1 | 1 | 1 |" in text  # one dimension, one code, one claim
    assert "- 论断 1：分档让考核更有区分度，但比例口径不一。——存在矛盾；事实 2" in text
    assert "- 20240415WQ（fieldwork）：访谈 20240415WQ 的日期 2024-04-15 不在田野调查期" in text


def test_markdown_keeps_a_transcripts_html_and_pipes_inert():
    text = markdown()
    assert "<script" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    board = next(line for line in text.splitlines() if "posting.board" in line)
    assert len(cells(board)) == 5
    assert cells(board)[1] == "单一来源；访谈证据仅来自一位受访者"
    assert "这个榜\\|那个榜" in cells(board)[2]
    assert cells(board)[2].endswith("（访谈记录：20240305LXY）")


def test_a_markdown_renderer_shows_the_transcripts_html_as_text():
    page = lxml.html.fromstring(MarkdownIt("commonmark").enable("table").render(markdown()))
    assert not page.xpath("//script")
    board = page.xpath("//tr[td[contains(., 'posting.board')]]")[0]
    assert len(board.xpath("./td")) == 5
    assert "他说<script>alert(1)</script>这个榜|那个榜" in board.text_content()


def test_markdown_marks_dimensions_bold():
    lines = markdown().splitlines()
    assert any(line.startswith("| **考核分档（grading）** | 存在矛盾；事实 2 |") for line in lines)
    assert any(line.startswith("| 分档比例（grading.tiers） |") for line in lines)


def test_html_is_a_standalone_page_with_a_coloured_labelled_matrix():
    page = render(result(), "html").decode()
    assert '<meta charset="utf-8">' in page
    tree = lxml.html.fromstring(page)
    assert tree.get("lang") == "zh-CN"
    assert not tree.xpath("//script") and "<script" not in page
    assert not tree.xpath("//*[@src or @href]")  # nothing fetched from elsewhere
    matrix = tree.xpath("//table[@class='matrix']")[0]
    assert [th.text_content() for th in matrix.xpath(".//th")] == ["编码", "状态", "访谈", "政策文本", "媒体报道"]
    rows = matrix.xpath("./tbody/tr")
    assert len(rows) == 4
    assert rows[0].get("class") == "dimension"
    status = rows[3].xpath("./td")[1]
    assert status.get("class") == "status-single-source"
    assert status.text_content() == "单一来源；访谈证据仅来自一位受访者"
    assert SCRIPT in rows[3].text_content()  # shown as text, as the transcript has it


def test_docx_has_the_matrix_as_a_word_table_in_an_east_asian_font():
    doc = Document(io.BytesIO(render(result(), "docx")))
    matrix = next(t for t in doc.tables if t.rows[0].cells[0].text == "编码")
    assert [c.text for c in matrix.rows[0].cells] == ["编码", "状态", "访谈", "政策文本", "媒体报道"]
    assert [r.cells[0].text for r in matrix.rows[1:]] == [
        "考核分档（grading）", "分档比例（grading.tiers）", "任务公示（posting）", "公示榜单（posting.board）"]  # fmt: skip
    assert "“他说" in matrix.rows[4].cells[2].text
    fonts = doc.styles["Normal"].element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "SimSun"
    runs = [r for p in doc.paragraphs for r in p.runs] + [
        r for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs
    ]
    assert runs and all(r._element.rPr.rFonts.get(qn("w:eastAsia")) for r in runs)
    conflict = next(t for t in doc.tables if t.rows[0].cells[0].text == "数值")
    assert [(r.cells[0].text, r.cells[1].text) for r in conflict.rows[1:]] == [
        ("3.5:5.5:1", "20230105-P01"), ("3:6:1", "20230210-M01")]  # fmt: skip


def test_english_reports_have_english_headings_and_labels():
    text = markdown("en")
    assert text.startswith("# Triangulation report")
    assert "## Evidence matrix" in text and "## Conflicting facts" in text
    assert "| Code | Status | Interview | Policy text | Media report |" in text
    assert "single source; all interview evidence from one person" in text
    assert "interview 20240415WQ dated 2024-04-15 falls outside" in text
    assert lxml.html.fromstring(render(result(), "html", "en")).get("lang") == "en"


def test_an_unknown_format_names_the_valid_ones():
    with pytest.raises(QcoderError, match="pdf") as raised:
        render(result(), "pdf")
    assert "json, md, html, docx" in raised.value.en


def test_json_is_the_result_itself():
    assert render(result(), "json").decode().startswith("{")
    assert "<script>" in render(result(), "json").decode()  # data, not a page: escaping is the reader's job


@pytest.mark.parametrize(
    ("kinds", "zh", "en"),
    [
        (1, [], []),  # one kind corroborates: neither grade can be given
        (2, ["只有一类为“单一来源”"], ["single source with one kind only"]),
        (3, ["多于一类、但少于 3 类为“部分佐证”", "只有一类为“单一来源”"], ["fewer than 3", "single source"]),
    ],
)
def test_the_methods_paragraph_names_only_the_grades_its_setting_can_give(kinds, zh, en):
    chinese, english = methods({"min_kinds": kinds}, "zh"), methods({"min_kinds": kinds}, "en")
    assert all(part in chinese for part in zh) and all(part in english for part in en)
    assert ("部分佐证" in chinese) == (kinds > 2) and ("单一来源" in chinese) == (kinds > 1)
    assert ("partly" in english) == (kinds > 2)
