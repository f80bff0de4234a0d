"""`qcoder app` underneath: the app served from any folder with the demo project built into an empty
database on the first start (coder.serve), and the demo build itself (coder.demo.build_demo)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from coder import demo
from coder.db import migrate
from coder.db.engine import make_engine
from coder.demo import build_demo
from coder.errors import QcoderError
from coder.project import Project
from coder.serve import check_port, port_free, streamlit_command
from tests.conftest import ROOT

QCODER = Path(sys.executable).with_name("qcoder")  # the console script `pip install .` makes
HEALTH_WAIT_S = 120  # a generous bound on building the demo and starting Streamlit: not a timing check
DEMO_SOURCES = 22  # every file of coder/demo/corpus but its README and the gold codings
GOLD_CODINGS = 461  # the gold files' quotes, as `make run`'s chain of commands loaded them


@pytest.fixture(autouse=True)
def a_folder_without_a_codebook(tmp_path, monkeypatch):
    """Each test starts where a researcher would start qcoder: a folder with no codebook of its own (the
    repository's own folder may hold one after `make run` and a save in the app)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("QCODER_CODEBOOK", raising=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(base: str) -> bool:
    try:
        return urllib.request.urlopen(f"{base}/_stcore/health", timeout=2).read() == b"ok"
    except OSError:
        return False


@pytest.fixture
def served(tmp_path):
    """`qcoder app --port N --db URL` in a process of its own, started in an empty folder against a SQLite
    file that does not exist yet; stopped (and its Streamlit with it) however the test ends."""
    folder = tmp_path / "anywhere"
    folder.mkdir()
    url, port = f"sqlite:///{folder / 'project.sqlite'}", free_port()
    log = (tmp_path / "serve.log").open("wb")
    command = [str(QCODER), "app", "--port", str(port), "--db", url]
    process = subprocess.Popen(command, cwd=folder, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + HEALTH_WAIT_S
    while not answers(base):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            log.close()
            pytest.fail(f"qcoder app did not answer on {base}:\n{(tmp_path / 'serve.log').read_text()[-3000:]}")
        time.sleep(0.5)
    yield process, url, port, folder
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
    log.close()


@pytest.mark.skipif(os.name == "nt", reason="Ctrl-C is a console event on Windows, not a signal to one process")
def test_the_app_serves_the_demo_built_on_first_start_and_ctrl_c_stops_its_server(served):
    process, url, port, folder = served
    project = Project.open(url)
    assert len(project.sources()) == DEMO_SOURCES
    assert len(project.codings(status="manual")) == GOLD_CODINGS
    assert project.fieldwork() == demo.FIELDWORK
    assert not (folder / "codebook.yaml").exists()  # the packaged codebook was read, not copied
    process.send_signal(signal.SIGINT)  # to `qcoder app` alone, as an IDE's stop button sends it
    assert process.wait(timeout=30) == 0
    assert port_free(port)  # no Streamlit left serving without its parent


def test_qcoder_app_help_names_the_port_and_database_options():
    shown = subprocess.run(
        [str(QCODER), "app", "--help"], capture_output=True, text=True, env={**os.environ, "COLUMNS": "200"}
    )
    assert shown.returncode == 0, shown.stderr
    assert "--port" in shown.stdout and "--db" in shown.stdout and "8501" in shown.stdout


def test_the_commands_defaults_are_the_servers():
    from coder import serve
    from coder.cli import server

    assert (server.PORT, server.ADDRESS) == (serve.DEFAULT_PORT, serve.DEFAULT_ADDRESS)


def test_the_command_carries_every_setting_of_the_repositorys_streamlit_config():
    """Streamlit reads .streamlit/config.toml only in the folder it starts in: the command says it all."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    command = streamlit_command(8600)
    settings = {
        f"--{section}.{key}={str(value).lower()}" for section, keys in config.items() for key, value in keys.items()
    }
    assert settings <= set(command)
    assert "--server.port=8600" in command and Path(command[4]).name == "main.py" and Path(command[4]).exists()


def test_a_taken_port_is_refused_naming_it_and_the_option_to_choose_another():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(QcoderError) as refused:
            check_port(port)
    assert str(port) in refused.value.zh and "--port" in refused.value.zh
    assert f"port {port} is already in use" in refused.value.en and "--port" in refused.value.en


def test_the_demo_is_built_into_an_empty_database_once(db_url):
    assert build_demo(db_url)
    project = Project.open(db_url)
    assert len(project.sources()) == DEMO_SOURCES and len(project.codings(status="manual")) == GOLD_CODINGS
    assert project.codings(status="suggested")  # tagged
    before = project.data_version()
    assert not build_demo(db_url)  # a second start builds nothing
    assert project.data_version() == before


def test_an_initialised_project_without_sources_is_left_alone(db_url):
    """A database `qcoder init` made is a researcher's project, even before anything is imported."""
    migrate.upgrade(make_engine(db_url))
    assert not build_demo(db_url)
    project = Project.open(db_url)
    assert project.sources() == [] and project.codings() == []


def test_a_failed_build_leaves_no_database(db_url, tmp_path, monkeypatch):
    """A codebook without the demo's codes fails the gold step, after import and tagging have written."""
    small = tmp_path / "small.yaml"
    small.write_text(
        "name: 小编码簿\nversion: 1\ndimensions:\n  - id: structure\n    name: 结构\n"
        "codes:\n  - id: structure.tiering\n    name: 方阵划分\n    keywords: [方阵]\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("QCODER_CODEBOOK", str(small))
    with pytest.raises(QcoderError) as refused:
        build_demo(db_url)
    assert "qcoder init" in refused.value.zh and "the gold codings did not import" in refused.value.en
    if db_url.startswith("sqlite"):
        file = Path(db_url.removeprefix("sqlite:///"))
        assert not [p for p in file.parent.iterdir() if p.name.startswith(file.name)]  # -wal, -shm too
        assert "was removed" in refused.value.en
    else:
        engine = create_engine(db_url)
        assert inspect(engine).get_table_names() == []
        engine.dispose()
        assert "the database is empty again" in refused.value.en
    monkeypatch.delenv("QCODER_CODEBOOK")
    assert build_demo(db_url)  # the next start builds it from nothing


def test_an_address_this_computer_cannot_listen_on_is_named_as_such_not_as_a_taken_port():
    with pytest.raises(QcoderError) as refused:
        check_port(free_port(), "192.0.2.1")  # TEST-NET-1: never an address of this computer
    assert "--address" in refused.value.zh and "cannot listen on 192.0.2.1" in refused.value.en
    assert "already in use" not in refused.value.en
