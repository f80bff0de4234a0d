"""The app shell and the 概览 Overview and 来源 Sources pages, run in-process with Streamlit's AppTest."""

import pytest
from streamlit.testing.v1 import AppTest

from coder.serve import MAIN
from tests.helpers import INTERVIEW, page_app, write

APP = str(MAIN)


@pytest.fixture
def project(monkeypatch, sqlite_cli, tmp_path):
    """An initialised project with one interview and one policy text; the app points at it."""
    monkeypatch.setenv("QCODER_DB_URL", sqlite_cli.url)
    write(tmp_path / "in" / "interviews" / "20240115MJQ.txt", INTERVIEW)
    write(tmp_path / "in" / "policy" / "20230110-P03.txt", "第一条 方阵比例为3.5:5.5:1。")
    assert sqlite_cli("import", str(tmp_path / "in")).exit_code == 0
    assert sqlite_cli("tag").exit_code == 0
    return sqlite_cli


def test_the_app_opens_on_the_overview(project):
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert at.title[0].value == "概览"
    assert [m.value for m in at.metric] == ["1", "1", "0"]
    progress = at.dataframe[0].value
    assert list(progress["来源"]) == ["20230110-P03", "20240115MJQ"]
    assert progress["待审建议"].sum() > 0 and progress["手工编码"].sum() == 0


def test_english_is_one_switch_away(project):
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.sidebar.radio[0].set_value("en").run()
    assert at.title[0].value == "Overview"


def test_the_sources_page_lists_imported_sources_without_names(project):
    at = page_app("sources_page").run()
    assert not at.exception
    frame = at.dataframe[0].value
    assert list(frame["编号"]) == ["20230110-P03", "20240115MJQ"]
    assert "马继强" not in frame.to_string()


def test_an_empty_project_says_how_to_import(monkeypatch, sqlite_cli):
    monkeypatch.setenv("QCODER_DB_URL", sqlite_cli.url)
    at = page_app("sources_page").run()
    assert "qcoder import" in at.info[0].value


def test_an_uninitialised_database_is_an_error_message_not_a_traceback(monkeypatch, tmp_path):
    monkeypatch.setenv("QCODER_DB_URL", f"sqlite:///{tmp_path / 'empty.sqlite'}")
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert "qcoder init" in at.error[0].value
