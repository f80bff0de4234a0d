"""The 三角验证 Triangulation page in AppTest: statuses, conflicting facts side by side, a cell's quotes,
claims and the fieldwork window (the browser test covers the heatmap itself and clicking it)."""

import json

import pytest

from coder.project import Project
from coder.ui import triangulation_page
from coder.ui.text import plain
from tests.helpers import INTERVIEW, page_app, write

HOSTILE = "<script>alert(1)</script>"
POLICY = """---
id: 20230110-P01
kind: policy
date: 2023-01-10
title: 方阵划分细则
issuer: 区委组织部
---
第十条　根据年度考核综合得分，将干部划分为第一方阵、第二方阵、第三方阵，比例为3.5:5.5:1。
"""
MEDIA = f"""---
id: 20230218-M01
kind: media
date: 2023-02-18
title: 三个方阵排座次
outlet: 云江新闻网
---
青川区根据年度考核综合得分把干部划入第一、第二、第三方阵，三个方阵的人数比例为3:6:1。
记者看到排名都公示出来了{HOSTILE}。
"""
CODINGS = [  # (source, phrase, code): manual codings, so all of them are evidence
    ("20240115MJQ", "以前考核就是走过场", "scenario.backstage"),
    ("20240115MJQ", "现在排名都公示出来了", "action.public_results"),
    ("20230110-P01", "将干部划分为第一方阵、第二方阵、第三方阵，比例为3.5:5.5:1", "structure.tiering"),
    ("20230218-M01", "三个方阵的人数比例为3:6:1", "structure.tiering"),
    ("20230218-M01", f"排名都公示出来了{HOSTILE}", "action.public_results"),
]


@pytest.fixture
def project(monkeypatch, sqlite_cli, tmp_path):
    """An interview, a policy text and a media report that disagree on the tier ratio, coded by hand."""
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
    at = page_app("triangulation_page").run()
    assert not at.exception
    return at


def statuses(at) -> dict[str, str]:
    """Code → the status shown in the status table."""
    table = at.dataframe[0].value
    return dict(zip(table["代码"], table["状态"], strict=True))


def markdown(at) -> list[str]:
    return [m.value for m in at.markdown]


def test_a_code_stated_with_two_ratios_is_contested_and_both_values_show(at):
    assert statuses(at)["structure.tiering"] == "▲ 存在矛盾"
    assert "事实矛盾 · 1" in [s.value for s in at.subheader]
    shown = markdown(at)
    assert f"**{plain('3.5:5.5:1')}**" in shown and f"**{plain('3:6:1')}**" in shown
    assert any(m.startswith("> ") and plain("比例为3.5:5.5:1") in m for m in shown)
    assert any(m.startswith("> ") and plain("人数比例为3:6:1") in m for m in shown)
    sources = [c.value for c in at.caption]
    assert plain("20230110-P01 · 政策文本 · 3.5:5.5:1 · 计量：比例（第一方阵、第二方阵、第三方阵）") in sources
    assert plain("20230218-M01 · 媒体报道 · 3:6:1 · 计量：比例（方阵）") in sources  # why the two stand together


def test_a_code_with_interview_evidence_only_is_single_source(at):
    table = at.dataframe[0].value.set_index("代码")
    row = table.loc["scenario.backstage"]
    assert row["状态"] == "◐ 单一来源"
    assert (row["访谈"], row["政策文本"], row["媒体报道"]) == (1, 0, 0)
    assert row["提示"] == "访谈证据仅来自一位受访者"
    assert statuses(at)["action.public_results"] == "● 已佐证"  # an interview and a media report


def test_the_number_of_kinds_needed_changes_the_status(at):
    legend = "● 已佐证：2 类及以上来源 · ◐ 单一来源：只有一类来源 · ▲ 存在矛盾：同一事实数值不一 · ○ 无证据：尚无接受或手工编码"
    assert legend in [c.value for c in at.caption]  # with two kinds asked for, two kinds corroborate
    at.number_input(key="tri_min_kinds").set_value(3).run()
    assert statuses(at)["action.public_results"] == "◕ 部分佐证"  # an interview and a media report: two of three
    assert any(c.value.startswith("● 已佐证：3 类及以上来源 · ◕ 部分佐证：多于一类、少于 3 类 · ◐") for c in at.caption)
    at.number_input(key="tri_min_kinds").set_value(1).run()
    assert statuses(at)["scenario.backstage"] == "● 已佐证"
    assert any(c.value.startswith("● 已佐证：1 类及以上来源 · ▲ 存在矛盾") for c in at.caption)


def test_the_filters_keep_only_the_chosen_dimensions_and_statuses(at):
    at.multiselect(key="tri_statuses").set_value(["contested"]).run()
    assert list(statuses(at)) == ["structure", "structure.tiering"]
    at.multiselect(key="tri_statuses").set_value([]).run()
    at.multiselect(key="tri_dimensions").set_value(["scenario"]).run()
    assert {code.split(".")[0] for code in statuses(at)} == {"scenario"}


def test_a_cell_lists_its_quotes_with_markup_escaped(at):
    assert at.selectbox(key="tri_code").value is None
    at.selectbox(key="tri_code").set_value("action.public_results")
    at.selectbox(key="tri_kind").set_value("media").run()
    assert not at.exception
    shown = markdown(at)
    assert f"> {plain('排名都公示出来了' + HOSTILE)}" in shown
    assert not any("<script>" in m for m in shown)
    at.selectbox(key="tri_kind").set_value("interview").run()
    assert f"> {plain('现在排名都公示出来了')}" in markdown(at)


def test_a_chosen_cell_that_the_filters_hide_is_forgotten(at):
    at.selectbox(key="tri_code").set_value("scenario.backstage").run()
    at.multiselect(key="tri_statuses").set_value(["contested"]).run()
    assert not at.exception
    assert at.selectbox(key="tri_code").value is None
    assert at.selectbox(key="tri_code").options == ["【结构】", "分类分层与方阵划分"]


def test_a_cell_without_evidence_says_so(at):
    at.selectbox(key="tri_code").set_value("scenario.backstage")
    at.selectbox(key="tri_kind").set_value("policy").run()
    assert at.info[0].value == "这类来源中还没有这个代码的证据。"


def test_a_claim_added_through_the_form_is_listed_with_its_status_and_can_be_deleted(at, project):
    at.text_area(key="tri_claim_text").input("方阵比例的公开口径并不一致")
    at.multiselect(key="tri_claim_codes").set_value(["structure.tiering"])
    at.button(key="FormSubmitter:tri_claim_form-添加论断").click().run()
    assert not at.exception
    [claim] = project.claims()
    assert (claim["text"], claim["codes"], claim["author"]) == (
        "方阵比例的公开口径并不一致",
        ["structure.tiering"],
        "研究者A",
    )
    assert "论断 · 1" in [s.value for s in at.subheader]
    assert f"**#{claim['id']}** ▲ 存在矛盾" in markdown(at)
    assert plain("方阵比例的公开口径并不一致") in markdown(at)
    assert at.text_area(key="tri_claim_text").value == ""  # the form is ready for the next claim
    at.button(key=f"tri-delete-claim-{claim['id']}").click().run()
    assert project.claims() == []


def test_a_claim_that_cannot_be_stored_is_an_error_in_the_page(at, project):
    at.text_area(key="tri_claim_text").input("没有证据的论断")
    at.button(key="FormSubmitter:tri_claim_form-添加论断").click().run()
    assert not at.exception
    assert at.error[0].value == plain("论断至少要关联一个编码或一条编码记录")
    assert at.text_area(key="tri_claim_text").value == "没有证据的论断"  # nothing typed is lost
    at.text_input(key="tri_claim_codings").input("3, x")
    at.button(key="FormSubmitter:tri_claim_form-添加论断").click().run()
    assert "逗号分隔的整数" in at.error[0].value
    assert project.claims() == []


def test_a_fieldwork_window_warns_about_interviews_outside_it(at, project):
    import datetime as dt

    at.date_input(key="tri_fw_start").set_value(dt.date(2024, 2, 1))
    at.date_input(key="tri_fw_end").set_value(dt.date(2024, 3, 1))
    at.button(key="tri_fw_save").click().run()
    assert project.fieldwork() == (dt.date(2024, 2, 1), dt.date(2024, 3, 1))
    assert "警告 · 1" in [s.value for s in at.subheader]
    assert any(plain("20240115MJQ") in m and plain("不在田野调查期") in m for m in markdown(at))
    at.button(key="tri_fw_clear").click().run()
    assert project.fieldwork() == (None, None)
    assert "警告 · 0" in [s.value for s in at.subheader]


def test_a_window_that_ends_before_it_starts_is_refused_in_the_interface_language(at, project):
    import datetime as dt

    at.session_state["language"] = "en"
    at.date_input(key="tri_fw_start").set_value(dt.date(2024, 3, 1))
    at.date_input(key="tri_fw_end").set_value(dt.date(2024, 2, 1))
    at.button(key="tri_fw_save").click().run()
    assert at.error[0].value == plain("the fieldwork window starts (2024-03-01) after it ends (2024-02-01)")
    assert project.fieldwork() == (None, None)


def test_english_labels_statuses_and_code_names(project):
    at = page_app("triangulation_page")
    at.session_state["language"] = "en"
    at.run()
    assert at.title[0].value == "Triangulation"
    table = at.dataframe[0].value.set_index("Code")
    assert table.loc["structure.tiering", "Status"] == "▲ contested"
    assert table.loc["scenario.backstage", "Flags"] == "all interview evidence from one person"
    assert table.loc["structure.tiering", "Name"] != "分类分层与方阵划分"  # the codebook's English name


def test_every_report_format_has_a_download_button_with_its_file_name(at, project):
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Markdown", "HTML", "DOCX", "JSON"]
    result = project.triangulate(2)
    report = json.loads(triangulation_page._report(result, "json", "zh")())
    assert [f["values"] for f in report["facts"] if f["status"] == "conflict"] == [["3.5:5.5:1", "3:6:1"]]
