"""The 编码簿 Codebook page: the tree, validated editing of codebook.yaml, keyword proposals."""

import json

import pytest

from coder import demo
from coder.ui.text import plain
from tests.helpers import page_app, write
from tests.test_tagging import TRANSCRIPT


@pytest.fixture
def at(monkeypatch, sqlite_cli):
    monkeypatch.setenv("QCODER_DB_URL", sqlite_cli.url)
    monkeypatch.setenv("QCODER_CODEBOOK", str(sqlite_cli.folder / "codebook.yaml"))
    return page_app("codebook_page").run()


def test_the_tree_shows_every_code_with_its_definition(at):
    assert not at.exception
    assert [s.value for s in at.subheader] == [
        "场景",
        "结构",
        "行动",
        "代码备忘",
        "会学习的建议",
    ]
    assert len([e for e in at.expander if "（" in e.label]) == 15
    assert any(e.label == plain("揭榜挂帅（action.open_call）") for e in at.expander)


def test_an_invalid_edit_names_the_line_and_changes_nothing(at, sqlite_cli):
    before = (sqlite_cli.folder / "codebook.yaml").read_text(encoding="utf-8")
    at.text_area(key="codebook_yaml").input(before.replace('color: "#C5B0D5"', 'color: "purple"', 1))
    at.button(key="codebook_save").click().run()
    assert "颜色 'purple' 无效" in at.error[0].value and "第 " in at.error[0].value
    assert (sqlite_cli.folder / "codebook.yaml").read_text(encoding="utf-8") == before


def test_a_valid_edit_is_saved_and_synced(at, sqlite_cli):
    before = (sqlite_cli.folder / "codebook.yaml").read_text(encoding="utf-8")
    at.text_area(key="codebook_yaml").input(before.replace("name: 揭榜挂帅", "name: 揭榜挂帅机制", 1))
    at.button(key="codebook_save").click().run()
    assert not at.error
    assert "name: 揭榜挂帅机制" in (sqlite_cli.folder / "codebook.yaml").read_text(encoding="utf-8")
    names = {c["id"]: c["name"] for c in json.loads(sqlite_cli("codes", "list", "--json").stdout)["codes"]}
    assert names["action.open_call"] == "揭榜挂帅机制"


def test_keyword_proposals_explain_when_there_is_nothing_to_learn_from(at):
    at.button(key="propose-action.open_call").click().run()
    assert "还没有已接受或手工的编码" in at.info[0].value


def test_a_term_rejected_for_a_code_shows_its_history_and_new_weight(monkeypatch, sqlite_cli, tmp_path):
    write(tmp_path / "in" / "interviews" / "x.txt", TRANSCRIPT)
    assert sqlite_cli("import", str(tmp_path / "in")).exit_code == 0
    assert sqlite_cli("tag").exit_code == 0
    reject = ("review", "reject", "--source", "20240115MJQ", "--code", "action.public_results", "--coder", "研究者A")
    assert sqlite_cli(*reject).exit_code == 0
    monkeypatch.setenv("QCODER_DB_URL", sqlite_cli.url)
    monkeypatch.setenv("QCODER_CODEBOOK", str(sqlite_cli.folder / "codebook.yaml"))
    at = page_app("codebook_page").run()
    assert not at.exception
    lines = [c.value for c in at.caption if "公示" in c.value]
    assert plain("“公示”在此代码下的建议：拒绝 1 条（权重 0.45 → 0.36）") in lines  # no "accepted 0"


def test_only_the_owner_chooses_the_suggester_and_a_model_is_described(at, sqlite_cli):
    assert "还没有训练过模型" in at.text[0].value
    at.radio(key="suggester_mode").set_value("combined").run()
    assert not at.exception
    assert sqlite_cli("suggester").stdout.startswith("combined")


def test_a_code_s_memos_are_read_written_and_deleted_here(at, sqlite_cli):
    assert sqlite_cli("memo", "add", "--code", "structure.tiering", "--coder", "甲", "别的代码的备忘").exit_code == 0
    at.selectbox(key="cb_memo_code").set_value("action.open_call").run()
    assert any(c.value == "此代码还没有备忘" for c in at.caption)
    at.text_area(key="cb_memo_text").input("揭榜挂帅：*谁* 来揭榜？\n第二行").run()
    at.button(key="cb_memo_add").click().run()
    assert not at.exception and not at.error
    assert "备忘已保存" in at.success[0].value
    assert [t.value for t in at.text if "揭榜" in t.value] == ["揭榜挂帅：*谁* 来揭榜？\n第二行"]
    assert at.text_area(key="cb_memo_text").value == ""  # the box is empty for the next memo
    [memo] = json.loads(sqlite_cli("memo", "list", "--code", "action.open_call", "--json").stdout)
    assert memo["text"] == "揭榜挂帅：*谁* 来揭榜？\n第二行"
    at.button(key=f"cb_memo_delete_{memo['id']}").click().run()
    assert "备忘已删除" in at.success[0].value
    assert json.loads(sqlite_cli("memo", "list", "--code", "action.open_call", "--json").stdout) == []
    assert [m["text"] for m in json.loads(sqlite_cli("memo", "list", "--json").stdout)] == ["别的代码的备忘"]


def test_an_empty_memo_is_refused_with_its_reason(at):
    at.selectbox(key="cb_memo_code").set_value("action.open_call").run()
    at.button(key="cb_memo_add").click().run()
    assert "备忘内容不能为空" in at.error[0].value


def test_without_its_own_codebook_the_page_edits_the_packaged_one_and_saves_it_in_the_project(
    monkeypatch, sqlite_cli, tmp_path
):
    own = tmp_path / "fresh" / "codebook.yaml"  # a folder `qcoder app` was started in: no codebook yet
    own.parent.mkdir()
    packaged = demo.CODEBOOK.read_text(encoding="utf-8")
    monkeypatch.setenv("QCODER_DB_URL", sqlite_cli.url)
    monkeypatch.setenv("QCODER_CODEBOOK", str(own))
    at = page_app("codebook_page").run()
    assert at.text_area(key="codebook_yaml").value == packaged
    assert any("随 qcoder 附带的默认编码簿" in c.value for c in at.caption)
    at.text_area(key="codebook_yaml").input(packaged.replace("name: 揭榜挂帅", "name: 揭榜挂帅机制", 1))
    at.button(key="codebook_save").click().run()
    assert not at.error
    assert "name: 揭榜挂帅机制" in own.read_text(encoding="utf-8")
    assert demo.CODEBOOK.read_text(encoding="utf-8") == packaged  # the installed package is never written
