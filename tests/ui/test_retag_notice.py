"""What a re-tag did, where a person looks: the Coding page's notice (coder.ui.retag_notice), the History
page's row for it, and the Codebook page's switch for automatic retraining."""

import datetime as dt

import pytest
from sqlalchemy import update
from sqlmodel import Session

from coder.db.engine import make_engine
from coder.db.models import AuditEvent
from coder.project import Project
from tests.helpers import page_app, write
from tests.test_learning import NOTICES, PUBLISHED, interview
from tests.test_retag_report import BROWSER, LOSING, OPEN, TAUGHT

NOTICE = "from coder.ui.retag_notice import show_retag_notice\nshow_retag_notice({open!r})\n"


@pytest.fixture
def tagged(monkeypatch, sqlite_cli, tmp_path):
    """Three interviews whose every answer holds 公示, tagged, the app pointed at them."""
    monkeypatch.setenv("QCODER_DB_URL", sqlite_cli.url)
    monkeypatch.setenv("QCODER_CODEBOOK", str(sqlite_cli.folder / "codebook.yaml"))
    for record_id in (TAUGHT, LOSING, OPEN):
        write(tmp_path / "corpus" / f"{record_id}.txt", interview(record_id, NOTICES))
    assert sqlite_cli("import", str(tmp_path / "corpus")).exit_code == 0
    assert sqlite_cli("tag").exit_code == 0
    return sqlite_cli


def retag_with_open(cli) -> None:
    """Reject 公示 in one source and re-tag while OPEN is open in a browser."""
    Project.open(cli.url).mark_open(OPEN, BROWSER)
    assert cli("review", "reject", "--source", TAUGHT, "--code", PUBLISHED, "--coder", "研究者A").exit_code == 0
    assert cli("tag").exit_code == 0


def notice_app(open_source: str | None, language: str = "zh"):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string(NOTICE.format(open=open_source), default_timeout=30)
    at.session_state["language"] = language
    return at


def unescaped(element) -> str:
    return element.value.replace("\\", "")


def test_a_new_report_is_shown_until_dismissed_and_then_only_newer_ones(tagged):
    at = notice_app(OPEN).run()
    assert not at.exception
    [first] = at.info  # the first tagging, a moment ago
    assert unescaped(first).startswith("重新标注完成：新增 12 条建议")
    at.run()
    assert len(at.info) == 1  # a rerun (any click) does not take it away
    at.button(key="retag_notice_ok").click().run()
    assert not at.info and not at.button
    retag_with_open(tagged)
    at.run()
    [notice] = at.info
    assert f"撤回 4 条（{LOSING} 撤回 4）" in unescaped(notice)
    assert f"当前打开的 {OPEN} 未改动，留待下次" in unescaped(notice)


def test_the_notice_speaks_the_interface_language_and_names_the_source_open_elsewhere(tagged):
    retag_with_open(tagged)
    at = notice_app(LOSING, "en").run()
    texts = [unescaped(i) for i in at.info]
    assert texts[0].startswith("Re-tagging done: 0 suggestions added, 0 re-scored, 4 withdrawn")
    assert f"{OPEN}, open in another browser, was left unchanged for next time" in texts[0]
    assert at.button(key="retag_notice_ok").label == "Got it"


def test_a_new_browser_session_is_not_told_of_old_re_tags(tagged):
    with Session(make_engine(tagged.url)) as session:
        session.exec(update(AuditEvent).values(at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)))
        session.commit()
    at = notice_app(None).run()
    assert not at.exception and not at.info


def test_the_history_page_shows_a_re_tag_in_words_and_why_it_cannot_be_undone(tagged):
    retag_with_open(tagged)
    project = Project.open(tagged.url)
    event = next(e for e in project.audit_events(entity="suggestions") if e["action"] == "retag")
    at = page_app("history_page").run()
    assert not at.exception
    texts = [unescaped(m) for m in at.markdown]
    assert any(
        t.startswith("重新标注完成：") and f"{LOSING} 撤回 4" in t and f"打开的 {OPEN} 未改动" in t for t in texts
    )
    assert "重新标注" in texts  # the action column
    assert f"hist-undo-{event['id']}" not in {b.key for b in at.button}
    marked = [c for c in at.caption if c.value == "不可撤销"]
    assert any("重新标注不能撤销" in c.proto.help.replace("\\", "") for c in marked)
    at.session_state["language"] = "en"
    at.run()
    assert any(unescaped(m).startswith("Re-tagging done: ") for m in at.markdown)


def test_the_owner_switches_automatic_retraining_on_the_codebook_page(tagged):
    at = page_app("codebook_page").run()
    assert not at.exception
    toggle = at.toggle(key="auto_retrain")
    assert toggle.value is True and toggle.label == "积累足够的新决定后自动在后台重新训练并重新标注"
    toggle.set_value(False).run()
    assert not at.exception
    assert Project.open(tagged.url).suggester()["auto_retrain"] is False
    assert tagged("suggester").stdout.strip().endswith("auto-retrain off")
    assert at.toggle(key="auto_retrain").value is False
