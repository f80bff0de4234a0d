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
