"""The source list for commands that answer at once (coder.sources.listing): the same answers as the
project facade, by the standard library where it can and by SQLAlchemy wherever it cannot be sure."""

import shutil
import subprocess

import pytest

from coder.errors import QcoderError
from coder.project import Project
from coder.sources import listing
from tests.helpers import INTERVIEW, Cli, write


def test_the_ids_are_the_projects_own(cli, tmp_path):
    write(tmp_path / "in" / "interviews" / "20240115MJQ.txt", INTERVIEW)
    assert cli("import", str(tmp_path / "in")).exit_code == 0
    assert listing.record_ids(cli.url) == Project.open(cli.url).source_ids() == {"20240115MJQ"}
    assert [row["id"] for row in listing.sources(cli.url)] == ["20240115MJQ"]


def test_a_missing_or_uninitialised_database_is_not_a_project(tmp_path):
    with pytest.raises(QcoderError, match="qcoder init"):
        listing.record_ids(f"sqlite:///{tmp_path / 'none.sqlite'}")
    (tmp_path / "empty.sqlite").write_bytes(b"")
    with pytest.raises(QcoderError, match="qcoder init"):
        listing.record_ids(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    assert not (tmp_path / "none.sqlite").exists()  # looking never creates the file


def test_a_name_the_standard_library_would_misread_goes_through_sqlalchemy(tmp_path, project_folder):
    """urllib splits ``a#b.sqlite`` at the ``#``; SQLAlchemy keeps it in the name."""
    url = f"sqlite:///{tmp_path / 'a#b.sqlite'}"
    assert listing._plain_sqlite_file(url) is None
    run = Cli(url, project_folder)
    assert run("init").exit_code == 0
    assert listing.record_ids(url) == set()


def test_a_project_in_a_folder_that_cannot_be_written_still_answers(tmp_path, project_folder):
    """SQLite refuses ``mode=ro`` on a WAL database whose folder takes no ``-shm`` file; SQLAlchemy's path opens
    it as every command does (immutable), so the collision check is never silently skipped."""
    if shutil.which("chattr") is None:
        pytest.skip("needs chattr to make a folder that not even root can write")
    folder = tmp_path / "shared"
    folder.mkdir()
    url = f"sqlite:///{folder / 'project.sqlite'}"
    run = Cli(url, project_folder)
    write(tmp_path / "in" / "interviews" / "20240115MJQ.txt", INTERVIEW)
    assert run("init").exit_code == 0 and run("import", str(tmp_path / "in")).exit_code == 0
    if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
        pytest.skip("this file system cannot make a folder immutable")
    try:
        assert listing.record_ids(url) == {"20240115MJQ"}
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)
