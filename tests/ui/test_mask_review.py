"""屏蔽名单 Names in exports (coder.ui.mask_review, at the end of the Export page) in AppTest: candidates
with their contexts, highlighted and escaped; confirming (with an edited replacement) and dismissing them;
the list with its remove buttons; adding by hand; read-only for anyone but the owner; English labels."""

import re

import pytest

from coder.export.quotes import Selection
from coder.project import Project
from coder.ui import mask_review
from coder.ui.text import plain
from tests.helpers import page_app, write

HOSTILE = "<script>alert(1)</script>"
INTERVIEW = """---
id: 20240320LJG
kind: interview
date: 2024-03-20
interviewee: 刘建国
role: 村委会主任
---
访谈者：石桥镇这两年变化大吗？
LJG：变化很大。陈老师以前在石桥镇中心小学教书，后来去了黄石滩村驻村。
LJG：黄石滩村的路是周主任跑下来的，陈老师也帮了不少忙，石桥镇的干部都认识她。
"""
MEDIA = f"""---
id: 20230301-M01
kind: media
date: 2023-03-01
title: 山村通了水泥路
outlet: 云江新闻网
---
记者在黄石滩村{HOSTILE}看到新修的水泥路，村民说多亏了周主任。
"""
CODED = "陈老师也帮了不少忙"


@pytest.fixture
def project(monkeypatch, sqlite_cli, tmp_path):
    """An interview (its interviewee named in the front matter) and a media report holding a teacher, a
    township, a village and an official, one passage naming the teacher coded by hand."""
    monkeypatch.setenv("QCODER_DB_URL", sqlite_cli.url)
    monkeypatch.setenv("QCODER_CODER", "研究者A")
    write(tmp_path / "in" / "interviews" / "20240320LJG.txt", INTERVIEW)
    write(tmp_path / "in" / "media" / "20230301-M01.txt", MEDIA)
    assert sqlite_cli("import", str(tmp_path / "in")).exit_code == 0
    opened = Project.open(sqlite_cli.url)
    start = opened.source("20240320LJG")["text"].index(CODED)
    opened.add_coding("20240320LJG", start, start + len(CODED), "action.public_results", "研究者A")
    return opened


def opened(language: str = "zh", user: str | None = None):
    """The section with its candidates' expander open."""
    at = page_app("mask_review")
    at.session_state["mask_open"] = True
    at.session_state["language"] = language
    if user:
        at.session_state["user"] = user
    at.run()
    assert not at.exception
    return at


def markdown(at) -> list[str]:
    return [m.value for m in at.markdown]


def candidates(at) -> list[str]:
    """The mentions of the candidates shown, in order (each card starts with the mention in bold)."""
    return [m.value[2:].split("**")[0].replace("\\", "") for m in at.markdown if re.match(r"\*\*[^*]+\*\* · ", m.value)]


def listed(project) -> dict[str, str]:
    return {e["mention"]: e["replacement"] for e in project.masks() if e["status"] == "confirmed"}


def test_candidates_are_computed_only_when_the_section_is_opened(project, monkeypatch):
    calls = []
    original = Project.mask_suggestions
    monkeypatch.setattr(Project, "mask_suggestions", lambda self: calls.append(1) or original(self))
    at = page_app("mask_review").run()
    assert not at.exception
    assert at.header[0].value == "屏蔽名单"
    assert at.expander[0].label == "待审候选：来源中可能的人名地名"
    assert calls == [] and not candidates(at)
    at.session_state["mask_open"] = True
    at.run()
    assert calls == [1]
    assert candidates(at)[:2] == ["黄石滩村", "周主任"]  # most frequent first


def test_candidates_show_kind_counts_replacement_and_highlighted_contexts(project):
    at = opened()
    assert {"黄石滩村", "周主任", "石桥镇", "陈老师"} <= set(candidates(at))
    shown = markdown(at)
    assert "**黄石滩村** · 地点 · 出现 3 次 · 2 个来源" in shown
    assert "**陈老师** · 人物 · 出现 2 次 · 1 个来源" in shown
    assert at.text_input(key=f"mask_as_{mask_review.key('陈老师')}").value == "C老师"
    assert at.text_input(key=f"mask_as_{mask_review.key('石桥镇')}").value == "S镇"
    marked = ":orange-background[**陈老师**]"
    assert any(m.startswith("> ") and marked in m for m in shown)
    teacher = [m for m in shown if m.startswith("> ") and marked in m]
    assert len(teacher) == 2  # two contexts at most
    assert "刘建国" not in "\n".join(shown)  # the interviewee appears by initials only


def test_a_context_with_markup_is_shown_escaped(project):
    shown = markdown(opened())
    village = next(m for m in shown if m.startswith("> ") and "黄石滩村" in m and "script" in m)
    assert plain("<script>") in village
    assert not any("<script>" in m for m in shown)
    assert village.startswith("> " + plain("记者在") + ":orange-background[**黄石滩村**]")


def test_confirming_with_an_edited_replacement_lists_it_and_the_quotes_no_longer_hold_the_name(project):
    assert CODED in project.quotes(Selection())[0]["quote"]
    at = opened()
    before = len(candidates(at))
    at.text_input(key=f"mask_as_{mask_review.key('陈老师')}").input("某老师").run()
    at.button(key=f"mask_yes_{mask_review.key('陈老师')}").click().run()
    assert not at.exception and not at.error
    assert at.success[0].value == plain(f"已屏蔽：陈老师 → 某老师 · 还有 {before - 1} 个待审")
    assert "陈老师" not in candidates(at) and len(candidates(at)) == before - 1
    assert listed(project)["陈老师"] == "某老师"
    assert "陈老师" in markdown(at) and "某老师" in markdown(at)  # on the list below
    quote = project.quotes(Selection())[0]["quote"]
    assert "陈老师" not in quote and "某老师也帮了不少忙" in quote
    exported = project.export_quotes(Selection(), "md").decode()
    assert "陈老师" not in exported and "某老师" in exported


def test_dismissing_removes_a_candidate_for_good(project):
    at = opened()
    at.button(key=f"mask_no_{mask_review.key('周主任')}").click().run()
    assert not at.exception
    assert at.success[0].value.startswith(plain("已排除：周主任"))
    assert "周主任" not in candidates(at)
    assert "周主任" not in listed(project)
    assert "周主任" not in candidates(opened())  # a new session: it does not come back
    assert "周主任" not in {c["mention"] for c in project.mask_suggestions()}
    assert at.expander[1].label == "已排除的候选（1 个）"


def test_a_confirmed_entry_is_removed_but_an_interviewee_has_no_remove_button(project):
    project.add_mask("石桥镇", "place", "研究者A")
    at = opened()
    assert "石桥镇" not in candidates(at)
    shown = markdown(at)
    assert "受访者 LJG（姓名不显示）" in shown and "受访者（取自访谈记录）" in shown
    buttons = {b.key for b in at.button}
    assert f"mask_remove_{mask_review.key('石桥镇')}" in buttons
    assert not any(k.startswith("mask_remove_") and k != f"mask_remove_{mask_review.key('石桥镇')}" for k in buttons)
    at.button(key=f"mask_remove_{mask_review.key('石桥镇')}").click().run()
    assert not at.exception
    assert at.success[0].value == plain("已移出屏蔽名单：石桥镇（导出中不再隐去）")
    assert "石桥镇" not in listed(project)
    assert "石桥镇" in candidates(at)  # proposed again


def test_a_name_added_by_hand_and_the_project_s_refusals(project):
    at = opened()
    at.text_input(key="mask_add_mention").input("云江县").run()
    at.selectbox(key="mask_add_kind").set_value("place").run()
    at.button(key="mask_add_button").click().run()
    assert not at.exception
    assert at.success[0].value == plain("已加入屏蔽名单：云江县 → Y县")
    assert listed(project)["云江县"] == "Y县"
    assert at.text_input(key="mask_add_mention").value == ""  # the form is reset
    at.text_input(key="mask_add_mention").input("刘建国").run()  # the interviewee: masked already
    at.button(key="mask_add_button").click().run()
    assert not at.exception
    assert at.error[0].value == plain("这是受访者 LJG 的姓名，已以 LJG 屏蔽")
    assert at.text_input(key="mask_add_mention").value == "刘建国"  # kept after a refusal
    at.text_input(key="mask_add_mention").input("云江县")
    at.text_input(key="mask_add_replacement").input("某县").run()
    at.button(key="mask_add_button").click().run()  # a listed name's replacement changes only when asked
    assert "云江县" in at.error[0].value and listed(project)["云江县"] == "Y县"
    at.checkbox(key="mask_add_replace").check().run()
    at.button(key="mask_add_button").click().run()
    assert not at.error and listed(project)["云江县"] == "某县"


def test_in_a_team_project_a_coder_sees_the_list_read_only(project):
    project.add_user("负责人", "owner", "owner-password")
    project.add_user("编码员", "coder", "coder-password")
    project.add_mask("石桥镇", "place", "负责人")
    project.set_team_mode(True)
    at = opened(user="编码员")
    assert "只有项目所有者可以修改屏蔽名单，这里仅供查看。" in [c.value for c in at.caption]
    assert "陈老师" in candidates(at) and "石桥镇" in markdown(at)
    assert not [b.key for b in at.button] and not at.text_input
    assert plain("建议替代为：C老师") in [c.value for c in at.caption]
    at = opened(user="负责人")
    assert f"mask_yes_{mask_review.key('陈老师')}" in {b.key for b in at.button}


def test_english_labels_hold_no_chinese(project):
    project.add_mask("石桥镇", "place", "研究者A")
    project.dismiss_mask("周主任", "person", "研究者A")
    at = opened("en")
    assert at.header[0].value == "Names in exports"
    assert "**陈老师** · Person · 2 times · 1 sources" in markdown(at)
    found = [*project.mask_suggestions(), *project.masks()]
    data = sorted({e["mention"] for e in found} | {e["replacement"] for e in found}, key=len, reverse=True)
    contexts = {m for m in markdown(at) if m.startswith("> ")}
    labels = [
        *(m for m in markdown(at) if m not in contexts),
        *(c.value for c in at.caption),
        *(h.value for h in [*at.header, *at.subheader]),
        *(e.label for e in at.expander),
        *(b.label for b in at.button),
        *(w.label for w in [*at.text_input, *at.selectbox, *at.checkbox]),
        *(o for o in at.selectbox(key="mask_add_kind").options),
    ]
    for label in labels:
        for text in data:  # the names and their replacements are data, not labels
            label = label.replace(plain(text), "").replace(text, "")
        assert not re.search(r"[\u4e00-\u9fff]", label), label
    assert plain("Interviewee LJG (name not shown)") in markdown(at)


def test_the_export_page_ends_with_the_section(project):
    at = page_app("export_page").run()
    assert not at.exception
    assert [h.value for h in at.header][-1] == "屏蔽名单"


def test_many_candidates_are_paged(project, monkeypatch):
    monkeypatch.setattr(mask_review, "PAGE", 2)
    at = opened()
    everyone = [c["mention"] for c in project.mask_suggestions()]
    assert len(everyone) == 5 and candidates(at) == everyone[:2]
    assert "第 1–2 个，共 5 个" in [c.value for c in at.caption]
    at.pagination(key="mask_page").set_value(3).run()
    assert candidates(at) == everyone[4:]
    at.button(key=f"mask_yes_{mask_review.key(everyone[4])}").click().run()  # its page is gone: the last one shows
    assert not at.exception
    assert candidates(at) == everyone[2:4]
