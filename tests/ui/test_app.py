"""The app, run in-process with Streamlit's AppTest (page logic; the browser test covers rendering)."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.helpers import INTERVIEW, write

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def app_on(monkeypatch, sqlite_cli):
    """An AppTest of app.py against an initialised project database."""
    monkeypatch.setenv("QCODER_DB_URL", sqlite_cli.url)
    return lambda: AppTest.from_file(APP, default_timeout=30).run()


def test_the_sources_page_lists_imported_sources(app_on, sqlite_cli, tmp_path):
    write(tmp_path / "in" / "interviews" / "20240115MJQ.txt", INTERVIEW)
    write(tmp_path / "in" / "policy" / "20230110-P03.txt", "第一条 方阵比例为3.5:5.5:1。")
    assert sqlite_cli("import", str(tmp_path / "in")).exit_code == 0
    at = app_on()
    assert not at.exception
    frame = at.dataframe[0].value
    assert list(frame["编号"]) == ["20230110-P03", "20240115MJQ"]
    assert [m.value for m in at.metric] == ["1", "1", "0"]
    assert "马继强" not in frame.to_string()


def test_an_empty_project_says_how_to_import(app_on):
    at = app_on()
    assert not at.exception
    assert "qcoder import" in at.info[0].value


def test_english_is_one_switch_away(app_on):
    at = app_on()
    at.sidebar.radio[0].set_value("en").run()
    assert at.title[0].value == "Sources"


def test_an_uninitialised_database_is_an_error_message_not_a_traceback(monkeypatch, tmp_path):
    monkeypatch.setenv("QCODER_DB_URL", f"sqlite:///{tmp_path / 'empty.sqlite'}")
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert "qcoder init" in at.error[0].value
