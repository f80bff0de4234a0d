"""The 日志 History page in AppTest: the log with filters, undo from the page, a refusal in the interface
language, and no real names."""

import pytest

from coder.project import Project
from tests.helpers import INTERVIEW, page_app, write

SOURCE = "20240115MJQ"


@pytest.fixture
def project(monkeypatch, sqlite_cli, tmp_path) -> Project:
    """The demo interview imported and tagged, and one coding with a memo by 研究者A."""
    monkeypatch.setenv("QCODER_DB_URL", sqlite_cli.url)
    monkeypatch.setenv("QCODER_CODER", "研究者A")
    write(tmp_path / "in" / "interviews" / f"{SOURCE}.txt", INTERVIEW)
    assert sqlite_cli("import", str(tmp_path / "in")).exit_code == 0
    assert sqlite_cli("tag").exit_code == 0
    opened = Project.open(sqlite_cli.url)
    start = opened.source(SOURCE)["text"].index("以前考核")
    opened.add_coding(SOURCE, start, start + 4, "scenario.backstage", "研究者A", memo="第一印象")
    return opened


def shown(at) -> list[str]:
    """Markdown and captions as a reader sees them (without the escaping of user text)."""
    return [e.value.replace("\\", "") for e in [*at.markdown, *at.caption]]


def event(project: Project, entity: str, action: str) -> dict:
    return next(e for e in project.audit_events(entity=entity) if e["action"] == action)


def test_the_log_lists_changes_newest_first_with_undo_only_where_it_applies(project):
    at = page_app("history_page").run()
    assert not at.exception
    assert at.title[0].value == "日志"
    texts = shown(at)
    assert "研究者A" in texts and "自动标注" in texts  # the tagger by what it is, in the interface language
    assert any(t.startswith("研究者A把") and "前置场景" in t and SOURCE in t for t in texts)  # a sentence
    assert "导入" in texts and "马继强" not in " ".join(texts)
    created = event(project, "coding", "create")
    imported = event(project, "source", "import")
    keys = {b.key for b in at.button}
    assert f"hist-undo-{created['id']}" in keys and f"hist-undo-{imported['id']}" not in keys


def test_undo_from_the_page_and_the_event_then_says_so(project):
    created = event(project, "coding", "create")
    at = page_app("history_page").run()
    at.button(key=f"hist-undo-{created['id']}").click().run()
    assert not at.exception
    assert at.success[0].value == f"已撤销事件 #{created['id']}"
    assert [c for c in project.codings(SOURCE) if c["code"] == "scenario.backstage" and c["coder"] == "研究者A"] == []
    undo = event(project, "coding", "undo")
    assert f"已由 #{undo['id']} 撤销" in shown(at)
    assert f"hist-undo-{created['id']}" not in {b.key for b in at.button}
    assert f"hist-undo-{undo['id']}" in {b.key for b in at.button}  # an undo can be undone in turn


REFUSALS = [("zh", ("不能撤销事件", "请先撤销")), ("en", ("cannot undo event", "undo that change first"))]


@pytest.mark.parametrize(("language", "words"), REFUSALS)
def test_a_refusal_is_shown_in_the_interface_language(project, language, words):
    coding = next(c for c in project.codings(SOURCE) if c["coder"] == "研究者A")
    project.adjust_coding(coding["id"], coding["start"], coding["end"] + 1, "研究者A")
    first = event(project, "coding", "update")
    project.adjust_coding(coding["id"], coding["start"], coding["end"] + 2, "研究者B")
    at = page_app("history_page")
    at.session_state["language"] = language
    at.run()
    at.button(key=f"hist-undo-{first['id']}").click().run()
    assert not at.exception
    [error] = at.error
    assert f"#{first['id']}" in error.value.replace("\\", "")
    for word in words:
        assert word in error.value.replace("\\", "")
    assert next(c for c in project.codings(SOURCE) if c["id"] == coding["id"])["end"] == coding["end"] + 2


def test_the_filters_narrow_the_log(project):
    at = page_app("history_page").run()
    at.selectbox(key="hist_coder").set_value("tagger").run()
    assert "研究者A" not in shown(at) and "自动标注" in shown(at)
    at.selectbox(key="hist_coder").set_value(None)
    at.selectbox(key="hist_entity").set_value("memo").run()
    texts = shown(at)
    assert any("第一印象" in t for t in texts) and "自动标注" not in texts


def test_in_team_mode_a_coder_is_told_the_log_is_the_owner_s(project):
    project.add_user("负责人", "owner", "owner-password")
    project.add_user("编码员", "coder", "coder-password")
    project.set_team_mode(True)
    at = page_app("history_page")
    at.session_state["user"] = "编码员"
    at.run()
    assert not at.exception and "编码员" in at.error[0].value
    at = page_app("history_page")
    at.session_state["user"] = "负责人"
    at.run()
    assert not at.error and f"hist-undo-{event(project, 'coding', 'create')['id']}" in {b.key for b in at.button}
