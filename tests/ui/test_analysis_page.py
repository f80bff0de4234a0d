"""The 分析 Analysis page in AppTest: the four displays render, a chosen co-occurrence cell lists its passages
as text, a framework summary is saved and shown again, stop words are saved, KWIC lines are listed (the
browser test clicks the heatmap itself)."""

import pytest

from coder.analysis.loading import selection
from coder.project import Project
from coder.ui.text import blockquote
from tests.helpers import code_quotes, page_app
from tests.test_analysis import BACK, FILES, FRONT, PUBLIC, QUOTES

HOSTILE = "<script>alert(1)</script>"
MEDIA = (
    "---\nid: 20230218-M01\nkind: media\ndate: 2023-02-18\ntitle: 排名公示\noutlet: 云江新闻网\n---\n"
    f"记者看到排名都公示出来了{HOSTILE}。\n"
)


@pytest.fixture
def project(monkeypatch, sqlite_cli, tmp_path) -> Project:
    monkeypatch.setenv("QCODER_DB_URL", sqlite_cli.url)
    monkeypatch.setenv("QCODER_CODER", "研究者A")
    phrase = f"排名都公示出来了{HOSTILE}"
    code_quotes(
        sqlite_cli, tmp_path, {**FILES, "media/20230218-M01.txt": MEDIA},
        {**QUOTES, "20230218-M01": [(PUBLIC, phrase), (FRONT, phrase)]},
    )  # fmt: skip
    return Project.open(sqlite_cli.url)


@pytest.fixture
def at(project):
    at = page_app("analysis_page").run()
    assert not at.exception
    return at


def test_the_four_displays_render_and_state_their_rules(at):
    assert at.radio(key="an_display").options == ["代码共现", "框架矩阵", "时间序列", "词频"]
    assert any(c.value.startswith("共现规则：以句子为单位") for c in at.caption)
    for display, rule in (("timeline", "按来源日期"), ("framework", "每个单元格"), ("words", "统计所选来源的全文")):
        at.radio(key="an_display").set_value(display).run()
        assert not at.exception and not at.error
        assert any(c.value.startswith(rule) for c in at.caption), display


def test_a_chosen_cell_lists_where_both_codes_occur_as_text(at):
    at.selectbox(key="an_co_y").set_value(PUBLIC)
    at.selectbox(key="an_co_x").set_value(FRONT).run()
    shown = [m.value for m in at.markdown]
    assert any("3 处共现" in m for m in shown)
    assert blockquote(f"排名都公示出来了{HOSTILE}") in shown  # escaped, never HTML
    assert not any(HOSTILE in m for m in shown)


def test_a_framework_summary_is_saved_and_shown_again(at, project):
    at.radio(key="an_display").set_value("framework").run()
    at.selectbox(key="an_fw_y").set_value("20240115MJQ")
    at.selectbox(key="an_fw_x").set_value(BACK).run()
    field = f"an_fw_text_participant_20240115MJQ_{BACK}"
    at.text_area(key=field).input("两次访谈都说以前走过场")
    at.button(key="an_fw_save").click().run()
    assert [s.value for s in at.success] == ["已保存"]
    assert at.text_area(key=field).value == "两次访谈都说以前走过场"
    stored = project.framework("participant", selection()).set_index(["row_key", "code"])
    assert stored.at[("20240115MJQ", BACK), "summary_by"] == "研究者A"


def test_stop_words_are_saved_and_kwic_lines_listed(at, project):
    at.radio(key="an_display").set_value("words").run()
    at.text_area(key="an_wd_stop").input("以前\n")
    at.button(key="an_wd_stop_save").click().run()
    assert project.stopwords() == "以前\n"
    at.selectbox(key="an_wd_term").set_value("走过场").run()
    assert "“走过场”作为一个词出现 2 次（与词频相同的分词）" in [c.value for c in at.caption]
    kwic = next(d.value for d in at.dataframe if "左侧上下文" in d.value.columns)
    assert list(kwic["出处"]) == ["访谈记录：20240115MJQ", "访谈记录：20240220MJQ"]
