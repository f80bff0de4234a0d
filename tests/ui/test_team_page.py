"""Team mode in the app: the login page first, then pages by role; the Team page for owners."""

import pytest
from streamlit.testing.v1 import AppTest

from coder.serve import MAIN
from tests.helpers import INTERVIEW, page_app, write

APP = str(MAIN)
PASSWORD = "correct horse battery"


@pytest.fixture
def team(monkeypatch, sqlite_cli, tmp_path):
    """A team project on SQLite: an owner and a coder, one interview; the app points at it."""
    monkeypatch.setenv("QCODER_DB_URL", sqlite_cli.url)
    assert sqlite_cli("import", str(write(tmp_path / "interviews" / "20240115MJQ.txt", INTERVIEW))).exit_code == 0
    for name, role in (("负责人", "owner"), ("编码员甲", "coder")):
        added = sqlite_cli("user", "add", name, "--role", role, "--password-stdin", input=PASSWORD + "\n")
        assert added.exit_code == 0, added.output
    assert sqlite_cli("team", "on").exit_code == 0
    return sqlite_cli


def log_in(at, name, password=PASSWORD):
    at.text_input(key="login_name").input(name)
    at.text_input(key="login_password").input(password)
    return at.button[0].click().run()


def test_a_team_project_shows_only_the_login_page_until_someone_logs_in(team):
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert [t.value for t in at.title] == ["登录"]
    log_in(at, "编码员甲", "wrong password!")
    assert at.error[0].value == "用户名或密码不正确"
    log_in(at, "编码员甲")
    assert not at.exception
    assert at.title[0].value == "概览"
    assert "编码员甲" in at.sidebar.caption[0].value
    assert at.session_state["user"] == "编码员甲"


def test_a_coder_can_neither_edit_the_codebook_nor_see_names(team):
    at = page_app("codebook_page")
    at.session_state["user"] = "编码员甲"
    at.run()
    assert "只能由项目所有者修改" in at.caption[-1].value
    corpus = page_app("sources_page")
    corpus.session_state["user"] = "编码员甲"
    corpus.run()
    assert not [c for c in corpus.checkbox if c.key == "show_names"]


def test_the_owner_adds_a_person_and_opens_a_round(team):
    at = page_app("team_page")
    at.session_state["user"] = "负责人"
    at.run()
    at.text_input(key="team_new_name").input("编码员乙")
    at.text_input(key="team_new_password").input(PASSWORD)
    at.button(key="FormSubmitter:team_add-添加成员").click().run()
    assert not at.exception
    assert "编码员乙" in list(at.dataframe[0].value["用户名"])
    at.text_input(key="team_round_name").input("第一轮")
    at.multiselect(key="team_round_sources").select("20240115MJQ")
    at.button(key="FormSubmitter:team_round-开启轮次").click().run()
    assert at.success[0].value == "轮次已开启"
    assert any("第一轮" in m.value and "进行中" in m.value for m in at.markdown)


def test_a_coder_is_refused_on_the_team_page(team):
    at = page_app("team_page")
    at.session_state["user"] = "编码员甲"
    at.run()
    at.text_input(key="team_new_name").input("编码员乙")
    at.text_input(key="team_new_password").input(PASSWORD)
    at.button(key="FormSubmitter:team_add-添加成员").click().run()
    assert "may not" not in at.error[0].value and "无权" in at.error[0].value


def test_disabling_a_person_logs_their_browser_out(team):
    at = AppTest.from_file(APP, default_timeout=30).run()
    log_in(at, "编码员甲")
    assert at.title[0].value == "概览"
    assert team("user", "set", "编码员甲", "--disable").exit_code == 0
    at.run()
    assert [t.value for t in at.title] == ["登录"]


def test_repeated_failed_logins_lock_the_login_page_and_the_owner_unlocks_on_the_team_page(team):
    at = AppTest.from_file(APP, default_timeout=30).run()
    for _ in range(5):
        log_in(at, "编码员甲", "wrong password!")
    log_in(at, "编码员甲")
    assert "登录失败次数过多" in at.error[0].value and "qcoder user unlock" in at.error[0].value
    assert "user" not in at.session_state
    log_in(at, "MyS3cret-pass", "wrong password!")  # a password typed into the name box
    owner = page_app("team_page")
    owner.session_state["user"] = "负责人"
    owner.run()
    shown = list(owner.dataframe[1].value[""])
    assert "用户名 编码员甲" in shown
    assert any(label.startswith("用户名 （未知用户名） ?") for label in shown)
    assert not any("MyS3cret" in label for label in shown)
    owner.selectbox(key="team_unlock_who").select(("account", "编码员甲"))
    owner.button(key="FormSubmitter:team_unlock-解除").click().run()
    assert owner.success[0].value == "已解除 编码员甲"
    log_in(at, "编码员甲")
    assert at.title[0].value == "概览"
