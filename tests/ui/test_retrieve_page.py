"""The 检索 Retrieve page: filters narrow the coded segments; quotes come with context."""

import json

import pytest

from tests.helpers import page_app, write
from tests.test_tagging import TRANSCRIPT


@pytest.fixture
def at(monkeypatch, sqlite_cli, tmp_path):
    """Retrieve on a project with two manual codings and the tagger's suggestions."""
    monkeypatch.setenv("QCODER_DB_URL", sqlite_cli.url)
    assert sqlite_cli("import", str(write(tmp_path / "in" / "interviews" / "x.txt", TRANSCRIPT))).exit_code == 0
    assert sqlite_cli("tag").exit_code == 0
    text = json.loads(sqlite_cli("sources", "show", "20240115MJQ", "--json").stdout)["text"]
    for phrase, code, coder in [("人人称职", "scenario.backstage", "甲"), ("晾晒排名", "action.public_results", "乙")]:
        start = text.index(phrase)
        args = ["--start", str(start), "--end", str(start + 4), "--code", code, "--coder", coder]
        assert sqlite_cli("code", "add", "--source", "20240115MJQ", *args).exit_code == 0
    return page_app("retrieve_page").run()


def shown(at):
    return [t.value for t in at.text]


def test_evidence_only_by_default_with_context(at):
    assert not at.exception
    assert len(shown(at)) == 2
    assert any("【人人称职】" in s and "走过场" in s for s in shown(at))


def test_filters_by_code_coder_status_and_text(at):
    at.multiselect(key="r_codes").set_value(["scenario.backstage"]).run()
    assert [s for s in shown(at) if "【" in s] == [s for s in shown(at) if "人人称职" in s]
    at.multiselect(key="r_codes").set_value([]).run()
    at.multiselect(key="r_coders").set_value(["乙"]).run()
    assert len(shown(at)) == 1 and "晾晒排名" in shown(at)[0]
    at.multiselect(key="r_coders").set_value([]).run()
    at.multiselect(key="r_statuses").set_value(["suggested"]).run()
    assert len(shown(at)) > 2
    at.text_input(key="r_text").input("第一方阵").run()
    assert shown(at) and all("第一方阵" in s.split("【")[1].split("】")[0] for s in shown(at))


def test_a_dimension_includes_all_its_codes(at):
    at.selectbox(key="r_dimension").set_value("action").run()
    assert len(shown(at)) == 1 and "晾晒排名" in shown(at)[0]


def test_memos_on_what_the_filters_select_are_listed_and_searched_with_the_same_text(at, sqlite_cli):
    for target, text in [("--source", "来源备忘：**走过场** <b>不加粗</b>"), ("--code", "代码备忘：幕后")]:
        value = "20240115MJQ" if target == "--source" else "scenario.backstage"
        assert sqlite_cli("memo", "add", target, value, "--coder", "甲", text).exit_code == 0
    at.run()
    memos = [t.value for t in at.text if "备忘" in t.value]
    assert memos == ["来源备忘：**走过场** <b>不加粗</b>", "代码备忘：幕后"]  # as written, never read as markup
    assert any("来源 20240115MJQ" in c.value for c in at.caption)
    at.text_input(key="r_text").input("幕后").run()
    assert [t.value for t in at.text if "备忘" in t.value] == ["代码备忘：幕后"]
    at.text_input(key="r_text").input("").run()
    at.multiselect(key="r_codes").set_value(["action.public_results"]).run()
    assert [t.value for t in at.text if "备忘" in t.value] == []
    assert any(c.value == "没有相符的备忘" for c in at.caption)


def captions(at):
    return [c.value for c in at.caption]


def hit_captions(at):
    return [c for c in captions(at) if c.startswith("20240115MJQ")]


def test_the_whole_text_is_searched_and_each_hit_says_whether_it_is_coded(at):
    at.text_input(key="r_text").input("称职").run()
    [hit] = shown(at)
    assert "\nMJQ：以前考核就是走过场，人人【称职】。\nMJQ：现在每个季度" in hit  # the sentence, with its context
    [about] = hit_captions(at)
    assert "已编码" in about and "甲" in about and "手工" in about  # which code, by whom, in which status
    at.text_input(key="r_text").input("帮带").run()  # a sentence only the tagger suggested for: not coded
    assert len(shown(at)) == 1 and "【帮带】" in shown(at)[0]
    assert hit_captions(at)[0].endswith("未编码")
    assert "共 1 条（已编码 0，未编码 1）" in captions(at)


def test_any_word_and_the_coded_filter(at):
    at.text_input(key="r_text").input("考核排名").run()
    assert shown(at) == []  # not one substring anywhere
    at.radio(key="r_match").set_value("words").run()
    assert [s for s in shown(at) if "【考核】" in s or "【排名】" in s] == shown(at) and len(shown(at)) == 2
    assert "按词查找：考核、排名" in captions(at)
    at.radio(key="r_coded").set_value("coded").run()
    assert len(shown(at)) == 1 and "晾晒【排名】" in shown(at)[0]  # 乙 coded 晾晒排名
    at.radio(key="r_coded").set_value("uncoded").run()
    assert len(shown(at)) == 1 and "【考核】" in shown(at)[0]  # 人人称职 is coded, not the word 考核


def test_an_interviewers_question_is_found_and_marked(at):
    at.text_input(key="r_text").input("方阵").run()
    assert any("访谈者（访谈者提问）" in c for c in hit_captions(at))
    at.checkbox(key="r_questions").uncheck().run()
    assert not any("访谈者提问" in c for c in hit_captions(at)) and len(shown(at)) == 1


def test_each_hit_links_to_its_passage_on_the_coding_page(at, sqlite_cli):
    at.text_input(key="r_text").input("晾晒").run()
    text = json.loads(sqlite_cli("sources", "show", "20240115MJQ", "--json").stdout)["text"]
    start = text.index("现在每个季度")
    end = start + len("现在每个季度晾晒排名，结果公示出来。")
    [link] = at.get("page_link")
    assert link.proto.query_string == f"source=20240115MJQ&start={start}&end={end}"


def test_memos_on_a_hits_codings_show_under_it(at, sqlite_cli):
    text = json.loads(sqlite_cli("sources", "show", "20240115MJQ", "--json").stdout)["text"]
    start = text.index("结果公示")
    args = ["--start", str(start), "--end", str(start + 4), "--code", "action.public_results", "--coder", "丙"]
    assert sqlite_cli("code", "add", "--source", "20240115MJQ", *args, "--memo", "编码备忘：<b>公示</b>").exit_code == 0
    at.text_input(key="r_text").input("公示").run()
    hit, memo, listed = [t.value for t in at.text]  # the hit, its coding's memo, and the memo the search found
    assert hit.endswith("MJQ：现在每个季度晾晒排名，结果【公示】出来。…")
    assert memo == listed == "编码备忘：<b>公示</b>"  # as written, never read as markup


def test_hits_are_paged_with_a_count_and_downloadable(at, sqlite_cli, tmp_path):
    lines = "\n".join(f"ABC：第{n}回说到晾晒的事。" for n in range(1, 121))
    many = f"---\nid: 20240201ABC\nkind: interview\n---\n{lines}\n"
    assert sqlite_cli("import", str(write(tmp_path / "more" / "interviews" / "20240201ABC.txt", many))).exit_code == 0
    at.text_input(key="r_text").input("晾晒").run()
    assert "共 121 条（已编码 1，未编码 120）" in captions(at)
    assert len(shown(at)) == 50 and at.number_input(key="r_page").label == "页码（共 3 页）"
    at.number_input(key="r_page").set_value(3).run()
    assert len(shown(at)) == 21 and "第120回" in shown(at)[-1]
    assert not at.exception and not at.warning
    assert [b.key for b in at.get("download_button")] == ["r_files_md", "r_files_docx", "r_files_xlsx"]
    at.text_input(key="r_text").input("的事").run()  # another search starts at its first page
    assert at.number_input(key="r_page").value == 1 and "第1回" in shown(at)[0]


def test_the_search_speaks_english(at):
    at.session_state["language"] = "en"
    at.text_input(key="r_text").input("帮带").run()
    assert "1 hit (0 coded, 1 uncoded)" in captions(at) and hit_captions(at)[0].endswith("uncoded")
    assert at.radio(key="r_match").options == ["Exact substring", "Any of the words"]


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_hits_codings_are_said_by_code_name_status_and_coder(at, language):
    """Code names without their ids (the filters show those), statuses and the tagger in the interface's words."""
    app = page_app("retrieve_page")
    app.session_state["language"] = language
    app.session_state["r_text"] = "人人称职"
    app.session_state["r_statuses"] = ["accepted", "manual", "suggested", "rejected"]
    said = {
        "zh": "20240115MJQ · MJQ · 已编码：前置场景·求稳求安的幕后空间（待审建议，自动标注）；"
        "前置场景·求稳求安的幕后空间（手工，甲）",
        "en": "20240115MJQ · MJQ · coded: Stability-seeking backstage (suggested, The tagger); "
        "Stability-seeking backstage (manual, 甲)",
    }
    assert [c.replace("\\", "") for c in hit_captions(app.run())] == [said[language]]
