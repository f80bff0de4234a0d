"""Shared fixtures: throwaway project databases (SQLite always, PostgreSQL when configured) and the CLI."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from coder import demo
from tests.helpers import Cli

ROOT = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get("QCODER_TEST_PG_URL")


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A PostgreSQL database of our own for this test run, dropped afterwards.

    When QCODER_TEST_PG_URL is set, a server that does not answer is an error, not a skip.
    """
    if not PG_URL:
        pytest.skip("QCODER_TEST_PG_URL is not set: PostgreSQL storage tests skipped")
    name = f"qcoder_pytest_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'project.sqlite'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each storage test runs once on SQLite and once on an empty PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'project.sqlite'}"
    url = request.getfixturevalue("pg_database")
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


@pytest.fixture(autouse=True)
def no_codebook_setting_of_the_developers(monkeypatch):
    """A QCODER_CODEBOOK in the developer's shell must not decide which codebook a test reads."""
    monkeypatch.delenv("QCODER_CODEBOOK", raising=False)


@pytest.fixture
def project_folder(tmp_path: Path) -> Path:
    """A project folder with the default codebook and nothing imported."""
    folder = tmp_path / "project"
    folder.mkdir()
    shutil.copy(demo.CODEBOOK, folder / "codebook.yaml")
    return folder


@pytest.fixture
def cli(db_url: str, project_folder: Path) -> Cli:
    """The CLI on an initialised project (default codebook synced), on each database."""
    run = Cli(db_url, project_folder)
    result = run("init")
    assert result.exit_code == 0, result.output
    return run


@pytest.fixture
def sqlite_cli(sqlite_url: str, project_folder: Path) -> Cli:
    """The CLI on an initialised SQLite project, for tests that do not depend on the database."""
    run = Cli(sqlite_url, project_folder)
    assert run("init").exit_code == 0
    return run
