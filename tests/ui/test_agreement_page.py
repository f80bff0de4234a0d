"""The 一致性 Agreement page in AppTest: the table per code with the pooled row and the methods sentence, the
unit and coded-only switches, the warning about an unfinished source and the switch that leaves it out, the
disagreements side by side, the consensus button, and unit text with markup shown as text."""

from __future__ import annotations

import pytest

from coder.project import Project
from coder.ui.text import plain
from tests.helpers import page_app, write
from tests.test_reliability import ALIKE, P01, P02, POLICY, S1, S2, S3, P, T, code_as, policy_copies

HOSTILE = "<script>alert(1)</script>"
MEDIA = f"""---
id: 20230218-M01
kind: media
date: 2023-02-18
title: 三个方阵排座次
outlet: 云江新闻网
---
记者看到排名都公示出来了{HOSTILE}。全区干部分成三个方阵。
"""


@pytest.fixture
def project(monkeypatch, sqlite_cli, tmp_path):
    """The two-coder corpus of tests/test_reliability.py, plus a report of two sentences whose disagreeing
    first sentence holds a <script> tag; A coded only that one, so A coded through half of the report."""
    monkeypatch.setenv("QCODER_DB_URL", sqlite_cli.url)
    monkeypatch.setenv("QCODER_CODER", "研究者C")
    write(tmp_path / "in" / "policy" / "20230110-P01.txt", POLICY)
    write(tmp_path / "in" / "media" / "20230218-M01.txt", MEDIA)
    assert sqlite_cli("import", str(tmp_path / "in")).exit_code == 0
    hostile = f"记者看到排名都公示出来了{HOSTILE}。"
    code_as(sqlite_cli, tmp_path / "q", "研究者A", {"20230110-P01": [(T, S2), (T, S3), (P, S1[:7])],
                                                 "20230218-M01": [(P, hostile)]})  # fmt: skip
    code_as(sqlite_cli, tmp_path / "q", "研究者B", {"20230110-P01": [(T, S3), (P, S1[:7]), (P, S2)],
                                                 "20230218-M01": [(T, "全区干部分成三个方阵。")]})  # fmt: skip
    return Project.open(sqlite_cli.url)


@pytest.fixture
def at(project):
    at = page_app("agreement_page").run()
    assert not at.exception
    return at


def test_the_table_has_a_row_per_code_and_the_pooled_row_and_the_methods_sentence(at):
    table = at.dataframe[0].value
    assert list(table["代码"]) == [T, P, "合计（全部代码合并）"]
    assert list(table.columns[-2:]) == ["研究者A 使用", "研究者B 使用"]
    assert table["单位数"].iloc[-1] == 7  # five sentences and two
    method = at.info[0].value
    assert method.startswith(plain("以句子为分析单位")) and plain("未编码的文本也计入") in method
    assert "20230218\\-M01" in at.caption[0].value


def test_the_table_shows_gwet_ac1_beside_kappa_and_alpha(at):
    table = at.dataframe[0].value
    assert list(table.columns[3:7]) == ["一致率", "Cohen's κ", "Krippendorff's α", "Gwet's AC1"]
    assert table["Gwet's AC1"].notna().all()
    assert not any("流行率悖论" in c.value for c in at.caption)  # no code agrees highly with a low κ here


def test_an_unfinished_source_is_named_and_the_switch_leaves_it_out(at):
    [warning] = at.warning
    assert plain("20230218-M01 — 研究者A（编码至 50%，最靠后者 100%）") in warning.value
    assert "打开上方的“不计未完成的来源”" in warning.value
    assert "不到各编码者中最靠后一处的 80%（按句子计）" in at.toggle(key="icr_skip_unfinished").help
    progress = at.dataframe[1].value
    row = progress[(progress["来源"] == "20230218-M01") & (progress["编码者"] == "研究者A")].iloc[0]
    assert (row["单位数"], row["有决定的单位"], row["编码至"], row["状态"]) == (2, 1, 50.0, "未完成")
    assert any(plain("未完成：编码者在来源中最后一处决定的位置不到各编码者中最靠后一处的 80%") in c.value
               for c in at.caption)  # fmt: skip
    at.toggle(key="icr_skip_unfinished").set_value(True).run()
    assert not at.exception and not at.warning
    assert at.info[0].value == plain("已不计尚未编码完成的来源（1 个）：20230218-M01")
    assert "M01" not in at.caption[0].value
    assert at.dataframe[0].value["单位数"].iloc[-1] == 5  # the policy text's five sentences only
    assert any(plain("未计入尚未编码完成的来源（1 个）") in c.value for c in at.caption)


def test_with_every_source_unfinished_the_coverage_shows_before_the_error(monkeypatch, sqlite_cli, tmp_path):
    """B stopped after the first sentence of the only source: nothing is left to compare, and the coverage
    table says why."""
    monkeypatch.setenv("QCODER_DB_URL", sqlite_cli.url)
    policy_copies(sqlite_cli, tmp_path / "in", P01)
    code_as(sqlite_cli, tmp_path / "q", "研究者A", {P01: ALIKE})
    code_as(sqlite_cli, tmp_path / "q", "研究者B", {P01: [(P, S1[:7])]})
    at = page_app("agreement_page").run()
    at.toggle(key="icr_skip_unfinished").set_value(True).run()
    assert not at.exception
    [error] = at.error
    assert plain("比较的 1 个来源都尚未编码完成") in error.value
    progress = at.dataframe[0].value
    assert list(progress["状态"]) == ["完成", "未完成"] and list(progress["编码至"]) == [80.0, 20.0]
    assert at.expander[0].proto.expanded


def test_the_switch_drops_a_coder_left_with_nothing(monkeypatch, sqlite_cli, tmp_path):
    """Everyone chosen (the default) names nobody: 研究者C, who coded a fifth of the one source left out,
    is not compared once it is."""
    monkeypatch.setenv("QCODER_DB_URL", sqlite_cli.url)
    policy_copies(sqlite_cli, tmp_path / "in", P01, P02)
    for coder in ("研究者A", "研究者B"):
        code_as(sqlite_cli, tmp_path / "q", coder, {P01: ALIKE, P02: ALIKE})
    code_as(sqlite_cli, tmp_path / "q", "研究者C", {P02: [(P, S1[:7])]})
    at = page_app("agreement_page").run()
    assert list(at.dataframe[0].value.columns[-3:]) == ["研究者A 使用", "研究者B 使用", "研究者C 使用"]
    at.toggle(key="icr_skip_unfinished").set_value(True).run()
    assert not at.exception and not at.error
    table = at.dataframe[0].value
    assert list(table.columns[-2:]) == ["研究者A 使用", "研究者B 使用"] and table["Cohen's κ"].iloc[-1] == 1.0
    assert any(plain("未计入编码者 研究者C") in c.value for c in at.caption)
    at.multiselect(key="icr_coders").set_value(["研究者A", "研究者C"]).run()  # they share only P02
    assert plain(f"比较的 1 个来源都尚未编码完成（{P02} — 研究者C") in at.error[0].value
    assert list(at.dataframe[0].value["编码者"]) == ["研究者A", "研究者C"]


def test_the_unit_and_coded_only_switches(at):
    at.radio(key="icr_unit").set_value("character").run()
    assert not at.exception
    assert "字符数" in at.dataframe[0].value.columns
    assert plain("以字符为分析单位") in at.info[0].value
    at.toggle(key="icr_coded_only").set_value(True).run()
    assert plain("只计入至少一位编码者编码过的字符") in at.info[0].value


def test_disagreements_side_by_side_with_markup_shown_as_text(at):
    assert [s.value for s in at.header] == ["分歧审阅"]
    at.selectbox(key="icr_source").set_value("20230218-M01").run()
    shown = [m.value for m in at.markdown]
    assert f"> {plain('记者看到排名都公示出来了' + HOSTILE + '。')}" in shown
    assert not any(HOSTILE in value for value in shown)  # never raw
    assert "**研究者A**" in shown and "**研究者B**" in shown
    labels = [b.label for b in at.button]
    assert "采纳为共识：结果运用公开化（action.public_results）" in labels


def test_the_consensus_button_records_a_consensus_and_keeps_the_originals(at, project):
    before = project.codings("20230110-P01")
    button = next(b for b in at.button if b.label.endswith(f"（{T}）"))
    button.click().run()
    assert not at.exception
    assert at.success[0].value.startswith("已记录共识编码 #")
    after = project.codings("20230110-P01")
    [made] = [c for c in after if c["origin"] == "consensus"]
    assert (made["code"], made["quote"], made["coder"]) == (T, S2, "consensus")
    assert [c for c in after if c["id"] != made["id"]] == before
    assert any(c.value.startswith("✓ 已有共识") for c in at.caption)
    assert list(at.dataframe[0].value["代码"])[:2] == [T, P]  # agreement is unchanged by consensus


def test_fewer_than_two_coders(monkeypatch, sqlite_cli, tmp_path):
    monkeypatch.setenv("QCODER_DB_URL", sqlite_cli.url)
    write(tmp_path / "in" / "policy" / "20230110-P01.txt", POLICY)
    assert sqlite_cli("import", str(tmp_path / "in")).exit_code == 0
    code_as(sqlite_cli, tmp_path / "q", "研究者A", {"20230110-P01": [(T, S2)]})
    at = page_app("agreement_page").run()
    assert not at.exception
    assert "至少需要两位" in at.info[0].value


def test_english(at):
    at.session_state["language"] = "en"
    at.run()
    assert at.title[0].value == "Agreement"
    assert list(at.dataframe[0].value["Code"])[-1] == "Pooled (all codes)"
    assert at.info[0].value.startswith("Agreement was assessed with the sentence as the unit of analysis")
    assert plain("20230218-M01 — 研究者A (coded through 50%; the furthest coder 100%)") in at.warning[0].value
