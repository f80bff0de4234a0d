"""The 导出 Export page in AppTest: quotes previewed by dimension → code with their citations, filters,
citation templates, the respondent table without names, and the download buttons (the files themselves
are tested in the export tests; here only that the buttons render them)."""

import io

import openpyxl
import pytest

from coder.project import Project
from coder.ui import export_page
from coder.ui.text import plain
from tests.helpers import INTERVIEW, page_app, write

HOSTILE = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://x")'
REAL_NAME = "马继强"  # the interviewee in INTERVIEW's front matter
POLICY = """---
id: 20230110-P01
kind: policy
date: 2023-01-10
title: 方阵划分细则
issuer: 区委组织部
doc_number: 青组发〔2023〕1号
---
第十条　根据年度考核综合得分，将干部划分为第一方阵、第二方阵、第三方阵。
"""
MEDIA = f"""---
id: 20230218-M01
kind: media
date: 2023-02-18
title: 三个方阵排座次
outlet: 云江新闻网
---
记者看到排名都公示出来了{HOSTILE}。
{FORMULA}点击查看排名。
"""
NESTED = """---
id: 20230301-M02
kind: media
date: 2023-03-01
title: 考核见闻
outlet: 云江新闻网
---
干部说：“考核就要做到‘不求有功、但求无过’”。
"""
CODINGS = [  # (source, phrase, code): manual codings in two dimensions
    ("20240115MJQ", "以前考核就是走过场", "scenario.backstage"),
    ("20240115MJQ", "现在排名都公示出来了", "action.public_results"),
    ("20230110-P01", "将干部划分为第一方阵、第二方阵、第三方阵", "action.public_results"),
    ("20230218-M01", f"排名都公示出来了{HOSTILE}", "action.public_results"),
    ("20230218-M01", f"{FORMULA}点击查看排名", "action.public_results"),
]


@pytest.fixture
def project(monkeypatch, sqlite_cli, tmp_path):
    """An interview (with a real name in its front matter), a policy text and a media report, coded by hand."""
    monkeypatch.setenv("QCODER_DB_URL", sqlite_cli.url)
    monkeypatch.setenv("QCODER_CODER", "研究者A")
    write(tmp_path / "in" / "interviews" / "20240115MJQ.txt", INTERVIEW)
    write(tmp_path / "in" / "policy" / "20230110-P01.txt", POLICY)
    write(tmp_path / "in" / "media" / "20230218-M01.txt", MEDIA)
    assert sqlite_cli("import", str(tmp_path / "in")).exit_code == 0
    opened = Project.open(sqlite_cli.url)
    for source, phrase, code in CODINGS:
        start = opened.source(source)["text"].index(phrase)
        opened.add_coding(source, start, start + len(phrase), code, "研究者A")
    return opened


@pytest.fixture
def at(project):
    at = page_app("export_page").run()
    assert not at.exception
    return at


def markdown(at) -> list[str]:
    return [m.value for m in at.markdown]


def count(at) -> str:
    return next(m for m in markdown(at) if m.startswith("**") and ("条" in m or "match" in m))


def headings(at) -> list[str]:
    return [m for m in markdown(at) if m.startswith("#")]


def everything(at) -> str:
    """Every text the page shows, the dataframes' cells included."""

    def walk(node):
        yield str(getattr(node, "proto", ""))
        for child in getattr(node, "children", {}).values():
            yield from walk(child)

    return "\n".join([*walk(at._tree), *(frame.value.to_string() for frame in at.dataframe)])


def test_the_preview_groups_quotes_by_dimension_then_code_and_cites_them(at):
    assert at.title[0].value == "导出"
    assert [h.value for h in at.header] == [
        "编码引文",
        "受访者基本情况表",
        "与其他质性分析软件交换（REFI-QDA）",
        "屏蔽名单",
    ]
    assert count(at) == "**符合条件的引文共 5 条**"
    assert headings(at) == ["#### 场景", "##### 前置场景·求稳求安的幕后空间", "#### 行动", "##### 结果运用公开化"]
    shown = markdown(at)
    first = shown.index(f"> {plain('“以前考核就是走过场”')}")
    assert shown.index(headings(at)[0]) < first < shown.index(headings(at)[2])
    assert "（访谈记录：20240115MJQ）" in [c.value for c in at.caption]
    assert plain("（区委组织部《方阵划分细则》，青组发〔2023〕1号，2023年1月10日）") in [c.value for c in at.caption]
    assert any("编号规则的说明只在导出文件中出现一次" in c.value for c in at.caption)


def test_quotes_are_escaped_and_never_markup(at):
    shown = markdown(at)
    assert f"> {plain('“排名都公示出来了' + HOSTILE + '”')}" in shown
    assert f"> {plain('“' + FORMULA + '点击查看排名”')}" in shown
    assert not any("<script>" in m for m in shown)


def test_the_filters_change_what_is_selected(at):
    at.multiselect(key="exp_kinds").set_value(["interview"]).run()
    assert count(at) == "**符合条件的引文共 2 条**"
    at.multiselect(key="exp_kinds").set_value([]).run()
    at.multiselect(key="exp_dimensions").set_value(["scenario"]).run()
    assert count(at) == "**符合条件的引文共 1 条**"
    assert [h for h in headings(at) if h.startswith("#### ")] == ["#### 场景"]
    at.multiselect(key="exp_dimensions").set_value([]).run()
    at.multiselect(key="exp_codes").set_value(["action.public_results"]).run()
    assert count(at) == "**符合条件的引文共 4 条**"
    at.toggle(key="exp_subcodes").set_value(False).run()  # a two-level codebook: a code has no sub-codes
    assert count(at) == "**符合条件的引文共 4 条**"
    at.multiselect(key="exp_participants").set_value(["20240115MJQ"]).run()
    assert count(at) == "**符合条件的引文共 1 条**"
    at.multiselect(key="exp_participants").set_value([]).run()
    at.multiselect(key="exp_statuses").set_value(["suggested"]).run()
    assert count(at) == "**符合条件的引文共 0 条**"
    assert at.info[0].value == "没有符合条件的引文。"


def test_headings_name_the_codes_and_show_their_ids_when_asked_in_the_preview_and_the_files(at):
    from coder.export.quotes import Selection

    at.checkbox(key="exp_with_ids").check().run()
    assert headings(at)[:2] == [f"#### 场景（{plain('scenario')}）",
                                f"##### 前置场景·求稳求安的幕后空间（{plain('scenario.backstage')}）"]  # fmt: skip
    for with_ids in (False, True):
        file = export_page._quotes_file(Selection(), None, "zh", with_ids, "md")().decode()
        assert ("### 前置场景·求稳求安的幕后空间（scenario.backstage）" in file) is with_ids
        assert "### 前置场景·求稳求安的幕后空间" in file


def test_the_preview_nests_the_quotation_marks_inside_a_quote(project, sqlite_cli, tmp_path):
    write(tmp_path / "more" / "media" / "20230301-M02.txt", NESTED)
    assert sqlite_cli("import", str(tmp_path / "more")).exit_code == 0
    text = project.source("20230301-M02")["text"]
    start = text.index("干部说")
    project.add_coding("20230301-M02", start, text.index("。", start) + 1, "scenario.backstage", "研究者A")
    at = page_app("export_page").run()
    assert f"> {plain('“干部说：‘考核就要做到“不求有功、但求无过”’。”')}" in markdown(at)
    assert project.source("20230301-M02")["text"] == text  # display only


def test_quote_length_context_and_footnotes(at):
    at.number_input(key="exp_max_chars").set_value(6).run()
    assert f"> {plain('“以前考核就是……”')}" in markdown(at)
    at.number_input(key="exp_max_chars").set_value(0)
    at.number_input(key="exp_context").set_value(1).run()
    assert plain("〔前文：请您谈谈考核改革。　后文：现在排名都公示出来了！〕") in [c.value for c in at.caption]
    at.radio(key="exp_form").set_value("footnotes").run()
    captions = [c.value for c in at.caption]
    assert "注 1：访谈记录：20240115MJQ" in captions
    assert plain("注 2：区委组织部《方阵划分细则》，青组发〔2023〕1号，2023年1月10日") in captions
    assert "（访谈记录：20240115MJQ）" not in captions


def test_a_template_changes_the_citation(at):
    at.text_input(key="exp_template_interview").input("访谈编号：{id}").run()
    assert "（访谈编号：20240115MJQ）" in [c.value for c in at.caption]


def test_a_bad_template_is_an_error_in_the_interface_language(at, project):
    at.text_input(key="exp_template_interview").input("访谈：{name}").run()
    assert not at.exception
    assert at.error[0].value == plain(
        "interview 的引用模板含未知字段 name；可用字段：id、title、date、issuer、doc_number、outlet、author"
    )
    assert [b.label for b in at.get("download_button")] == ["Markdown", "Word", "Excel", "CSV", "QDPX", "QDC"]
    english = page_app("export_page")
    english.session_state["language"] = "en"
    english.run()
    english.text_input(key="exp_template_interview").input("{name}").run()
    assert english.error[0].value == plain(
        "the interview citation template uses unknown fields name; use id, title, date, issuer, doc_number, "
        "outlet, author"
    )
    english.text_input(key="exp_template_interview").input("Interview {id").run()  # Python cannot format it
    assert not english.exception
    assert english.error[0].value.startswith(plain("the interview citation template 'Interview {id' is malformed"))


def test_the_respondent_table_has_no_names(at):
    table = at.dataframe[0].value
    assert list(table.columns) == ["编号", "身份", "单位", "访谈日期", "访谈地点", "访谈者", "时长", "字数"]
    assert list(table["编号"]) == ["20240115MJQ"]
    assert table.loc[0, "身份"] == "社区党委书记"
    page = everything(at)
    assert "访谈记录：20240115MJQ" in page and "社区党委书记" in page  # the walk does see the page's text
    assert REAL_NAME not in page


def test_four_and_four_download_buttons_render_their_files(at, project):
    buttons = at.get("download_button")
    assert [b.label for b in buttons] == ["Markdown", "Word", "Excel", "CSV"] * 2 + ["QDPX", "QDC"]
    from coder.export.quotes import Selection

    workbook = openpyxl.load_workbook(io.BytesIO(export_page._quotes_file(Selection(), None, "zh", False, "xlsx")()))
    cells = [c.value for row in workbook.active.iter_rows() for c in row]
    assert "'" + FORMULA + "点击查看排名" in cells
    csv = export_page._respondents_file("zh", "csv")().decode("utf-8-sig")
    assert "20240115MJQ" in csv and REAL_NAME not in csv


def test_english_labels(project):
    at = page_app("export_page")
    at.session_state["language"] = "en"
    at.run()
    assert not at.exception
    assert at.title[0].value == "Export"
    assert [h.value for h in at.header] == [
        "Quotes",
        "Respondents",
        "Exchange with other QDA tools (REFI-QDA)",
        "Names in exports",
    ]
    assert count(at) == "**5 quotes match**"
    assert at.multiselect(key="exp_statuses").value == ["accepted", "manual"]
    assert headings(at)[0] == "#### Scenario"
    at.checkbox(key="exp_with_ids").check().run()
    assert headings(at)[0] == f"#### Scenario {plain('(scenario)')}"
    assert list(at.dataframe[0].value.columns)[:3] == ["ID", "Role", "Organisation"]


def test_the_project_and_the_codebook_download_for_other_qda_tools(at):
    labels = [b.label for b in at.get("download_button")]
    assert labels[-2:] == ["QDPX", "QDC"]
