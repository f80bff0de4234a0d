"""Outputs are written whole or not at all, and a place that cannot be written is named as such.

Faults here are real: a file-size limit (``RLIMIT_FSIZE``, what ``ulimit -f`` sets), ``/dev/full``, a
folder that does not exist, ``kill -9`` and Ctrl-C sent to a process that is writing, and read-only
places. The tests run as root here, which permissions do not stop, so a read-only place is made with
``chattr +i`` (which stops root too) and with ``chmod`` for anyone else.
"""

from __future__ import annotations

import contextlib
import os
import random
import resource
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url
from sqlmodel import Session

from coder import training
from coder.db.engine import make_engine
from coder.errors import QcoderError
from coder.files import undone_on_failure, write_atomically
from coder.project import Project
from tests.helpers import INTERVIEW, Cli, code_quotes, write

QCODER = Path(sys.executable).with_name("qcoder")
WRITER = "import sys; from pathlib import Path; from coder.files import write_atomically; "
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def read_only():
    """Make a file or folder read-only for this process, root included; undone after the test."""
    made: list[Path] = []
    root = os.geteuid() == 0

    def make(path: Path) -> Path:
        if root:
            done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
            if done.returncode != 0:
                pytest.skip(f"chattr +i is not possible here, so no place is read-only for root: {done.stderr}")
        else:
            path.chmod(stat.S_IMODE(path.stat().st_mode) & ~0o222)
        made.append(path)
        return path

    yield make
    for path in reversed(made):
        if root:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        else:
            path.chmod(stat.S_IMODE(path.stat().st_mode) | 0o200)


def temporary_files(folder: Path) -> list[str]:
    return sorted(name for name in os.listdir(folder) if name.endswith(".tmp"))


# The writer itself


def test_a_new_file_is_written_and_an_old_one_replaced_keeping_its_permissions(tmp_path):
    target = tmp_path / "quotes.csv"
    assert write_atomically(target, b"first") is False
    target.chmod(0o640)
    assert write_atomically(target, b"second") is True
    assert target.read_bytes() == b"second"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert temporary_files(tmp_path) == []


def test_a_symbolic_link_still_points_at_the_file_it_names_after_a_replace(tmp_path):
    (tmp_path / "real.md").write_bytes(b"old")
    (tmp_path / "link.md").symlink_to("real.md")
    assert write_atomically(tmp_path / "link.md", b"new") is True
    assert (tmp_path / "link.md").is_symlink()
    assert (tmp_path / "real.md").read_bytes() == b"new"


def test_a_file_size_limit_keeps_the_previous_file_and_says_what_the_limit_is(tmp_path):
    target = write(tmp_path / "export.qdpx", b"the previous good export")
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (8192, hard))  # Python ignores SIGXFSZ: the write fails
    try:
        with pytest.raises(QcoderError) as refused:
            write_atomically(target, b"x" * 100_000)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    assert target.read_bytes() == b"the previous good export"
    assert temporary_files(tmp_path) == []
    assert str(target) in refused.value.en and "8192 bytes" in refused.value.en and "ulimit -f" in refused.value.en
    assert "ulimit -f" in refused.value.zh


def test_a_missing_folder_is_named(tmp_path):
    with pytest.raises(QcoderError) as refused:
        write_atomically(tmp_path / "nowhere" / "d" / "x.csv", b"data")
    assert f"folder {tmp_path / 'nowhere' / 'd'} does not exist" in refused.value.en
    assert f"文件夹 {tmp_path / 'nowhere' / 'd'} 不存在" in refused.value.zh


def test_a_file_standing_where_a_folder_should_be_is_named(tmp_path):
    write(tmp_path / "notes", "a file, not a folder")
    with pytest.raises(QcoderError) as refused:
        write_atomically(tmp_path / "notes" / "x.csv", b"data")
    assert f"{tmp_path / 'notes'} is a file, not a folder" in refused.value.en


def test_a_folder_given_as_the_file_is_refused(tmp_path):
    with pytest.raises(QcoderError) as refused:
        write_atomically(tmp_path, b"data")
    assert "is a folder" in refused.value.en and "是文件夹" in refused.value.zh


def test_a_full_device_is_reported_as_a_full_disk_and_an_empty_one_is_written(tmp_path):
    with pytest.raises(QcoderError) as refused:
        write_atomically(Path("/dev/full"), b"data")
    assert "cannot write /dev/full: the disk is full" in refused.value.en and "磁盘已满" in refused.value.zh
    assert write_atomically(Path("/dev/null"), b"data") is False  # a device is never "replaced"


def test_a_read_only_file_is_not_replaced(tmp_path, read_only):
    target = read_only(write(tmp_path / "final.docx", b"keep me"))
    with pytest.raises(QcoderError) as refused:
        write_atomically(target, b"new")
    assert target.read_bytes() == b"keep me"
    assert f"no permission to create or write {target}" in refused.value.en


def test_a_folder_that_cannot_be_written_is_named(tmp_path, read_only):
    folder = tmp_path / "shared"
    folder.mkdir()
    read_only(folder)
    with pytest.raises(QcoderError) as refused:
        write_atomically(folder / "x.csv", b"data")
    assert f"no permission to write in folder {folder}" in refused.value.en


def start_writer(target: Path, size: int) -> subprocess.Popen:
    """Another process writing ``size`` bytes to ``target`` atomically; returns once its temporary file
    holds some of them, so that a signal sent now arrives in the middle of the write."""
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER + f"write_atomically(Path(sys.argv[1]), b'n' * {size})", str(target)],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and writer.poll() is None:
        for name in temporary_files(target.parent):
            with contextlib.suppress(FileNotFoundError):
                if (target.parent / name).stat().st_size > 0:
                    return writer
        time.sleep(0.005)  # the writer needs the CPU this loop would take on a machine with few cores
    raise AssertionError(f"no temporary file appeared while writing {target}: {writer.communicate()}")


@pytest.mark.parametrize("sent", [signal.SIGKILL, signal.SIGINT], ids=["kill -9", "Ctrl-C"])
def test_a_process_stopped_while_writing_leaves_the_previous_file_whole(tmp_path, sent):
    target = write(tmp_path / "export.qdpx", b"the previous good export")
    writer = start_writer(target, 100_000_000)
    (temporary,) = temporary_files(tmp_path)
    assert temporary.startswith(".export.qdpx.")  # hidden, and named after the file it was to become
    writer.send_signal(sent)
    _, stderr = writer.communicate(timeout=60)
    assert writer.returncode != 0
    assert target.read_bytes() == b"the previous good export"
    if sent == signal.SIGINT:
        assert "KeyboardInterrupt" in stderr
        assert temporary_files(tmp_path) == []  # only kill -9 leaves no chance to clean up


# The command line


def test_o_into_a_missing_folder_or_onto_a_full_device_is_one_message(sqlite_cli):
    result = sqlite_cli("export", "respondents", "--format", "csv", "-o", "/nonexistent/d/x.csv")
    assert result.exit_code == 1
    assert "folder /nonexistent/d does not exist" in result.stderr and "文件夹 /nonexistent/d 不存在" in result.stderr
    result = sqlite_cli("export", "respondents", "--format", "csv", "-o", "/dev/full")
    assert result.exit_code == 1
    assert "cannot write /dev/full: the disk is full" in result.stderr


def test_an_export_says_whether_it_wrote_a_new_file_or_replaced_one(sqlite_cli, project_folder):
    first = sqlite_cli("export", "respondents", "--format", "csv", "-o", "r.csv")
    again = sqlite_cli("export", "respondents", "--format", "csv", "-o", "r.csv")
    assert "已写入 r.csv / wrote r.csv" in first.stderr
    assert "已覆盖 r.csv / replaced r.csv" in again.stderr
    assert temporary_files(project_folder) == []


def test_codebook_import_names_a_folder_that_does_not_exist(sqlite_cli, project_folder):
    assert sqlite_cli("codebook", "export", "-o", "book.qdc").exit_code == 0
    result = sqlite_cli("codebook", "import", "book.qdc", "-o", "drafts/book.yaml")
    assert result.exit_code == 1 and "folder drafts does not exist" in result.stderr


def test_a_file_written_in_a_block_that_then_fails_is_put_back_or_removed(tmp_path):
    kept, new = write(tmp_path / "kept.yaml", b"before"), tmp_path / "new.yaml"
    for path in (kept, new):
        with pytest.raises(RuntimeError, match="commit failed"), undone_on_failure(path) as write_it:
            write_it(b"first try")
            write_it(b"the retry")  # a retried transaction writes again; what was there first comes back
            raise RuntimeError("the commit failed")
    assert kept.read_bytes() == b"before" and not new.exists()
    assert sorted(os.listdir(tmp_path)) == ["kept.yaml"]


def with_a_new_code(codebook: str) -> str:
    """``codebook`` with one more, valid, code and the next version."""
    new = "codes:\n  - id: action.new_code\n    name: 新代码\n    parent: action\n    keywords: [新词]\n"
    added = codebook.replace("version: 1\n", "version: 2\n", 1).replace("codes:\n", new, 1)
    assert added.count("action.new_code") == 1 and "version: 2" in added
    return added


def test_a_codebook_that_cannot_be_saved_is_not_synced_either(cli, project_folder, read_only):
    path = project_folder / "codebook.yaml"
    text = path.read_text(encoding="utf-8")
    added = with_a_new_code(text)
    read_only(path)
    with pytest.raises(QcoderError, match=r"cannot write \S*codebook\.yaml"):
        Project.open(cli.url).save_codebook(path, added, "研究者A")
    assert "action.new_code" not in cli("codes", "list").stdout
    assert path.read_text(encoding="utf-8") == text


# The last change the sync makes is the codebook version setting: SQLite refuses it when it is flushed,
# PostgreSQL only when the transaction commits (a deferred constraint trigger).
REFUSE_THE_VERSION = {
    "sqlite": [
        "CREATE TRIGGER refuse_version BEFORE UPDATE ON setting WHEN NEW.key = 'codebook_version' "
        "BEGIN SELECT RAISE(ABORT, 'version refused'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION refuse_version() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'version refused'; END $$",
        "CREATE CONSTRAINT TRIGGER refuse_version AFTER UPDATE ON setting DEFERRABLE INITIALLY DEFERRED "
        "FOR EACH ROW WHEN (NEW.key = 'codebook_version') EXECUTE FUNCTION refuse_version()",
    ],
}


def test_a_codebook_the_database_refuses_at_commit_is_not_saved_either(cli, project_folder):
    path = project_folder / "codebook.yaml"
    text = path.read_text(encoding="utf-8")
    added = with_a_new_code(text)
    engine = create_engine(cli.url)
    with engine.begin() as connection:
        for statement in REFUSE_THE_VERSION[engine.dialect.name]:
            connection.exec_driver_sql(statement)
    engine.dispose()
    with pytest.raises(QcoderError, match="version refused"):
        Project.open(cli.url).save_codebook(path, added, "研究者A")
    assert path.read_text(encoding="utf-8") == text
    assert "action.new_code" not in cli("codes", "list").stdout
    assert temporary_files(project_folder) == []


def big_project(tmp_path: Path, project_folder: Path) -> Cli:
    """A project whose REFI-QDA export is about 300 KB: one long interview that compresses poorly."""
    run = Cli(f"sqlite:///{tmp_path / 'project.sqlite'}", project_folder)
    assert run("init").exit_code == 0
    rng = random.Random(21)
    turns = ("MJQ：" + "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(60)) + "。" for _ in range(2500))
    header = INTERVIEW.split("访谈者：")[0]
    assert run("import", str(write(tmp_path / "20240115MJQ.txt", header + "\n".join(turns) + "\n"))).exit_code == 0
    return run


def qcoder(run: Cli, command: str) -> subprocess.CompletedProcess:
    """``qcoder`` as its own process, by way of bash, so ``command`` may set limits first."""
    return subprocess.run(
        ["bash", "-c", command.replace("qcoder", f"{QCODER} --db {run.url}")],
        cwd=run.folder,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_full_disk_keeps_the_good_export_and_says_so_in_one_message(tmp_path, project_folder):
    run = big_project(tmp_path, project_folder)
    good = write(project_folder / "out.qdpx", b"the previous good export")
    done = qcoder(run, "ulimit -f 64; qcoder export qdpx -o out.qdpx")
    assert done.returncode == 1
    assert good.read_bytes() == b"the previous good export"
    assert temporary_files(project_folder) == []
    lines = done.stderr.splitlines()
    assert len(lines) == 2 and "Traceback" not in done.stderr, done.stderr
    assert "65536 bytes (ulimit -f 64)" in lines[1] and "ulimit -f" in lines[0]


def test_kill_9_during_an_export_leaves_the_old_file_or_the_whole_new_one(tmp_path, project_folder):
    run = big_project(tmp_path, project_folder)
    good = write(project_folder / "out.qdpx", b"the previous good export")
    exporter = subprocess.Popen(
        [str(QCODER), "--db", run.url, "export", "qdpx", "-o", "out.qdpx"], cwd=project_folder, stderr=subprocess.PIPE
    )
    seen: list[str] = []
    while exporter.poll() is None and not seen:
        seen = temporary_files(project_folder)
    exporter.kill()  # as soon as the new export starts to be written
    exporter.communicate(timeout=60)
    assert seen, "the export never wrote beside its target first"  # it exists from open to fsync'd rename
    if good.read_bytes() != b"the previous good export":  # the rename came between the look and the kill
        with zipfile.ZipFile(good) as package:
            assert package.testzip() is None and "project.qde" in package.namelist()


# The database's place


def test_init_names_a_database_folder_that_cannot_be_made_or_written(tmp_path, read_only):
    write(tmp_path / "notes", "a file, not a folder")
    result = Cli(f"sqlite:///{tmp_path / 'notes' / 'x.sqlite'}", tmp_path)("init")
    assert result.exit_code == 1
    assert f"folder {tmp_path / 'notes'}: {tmp_path / 'notes'} is a file, not a folder" in result.stderr
    result = Cli("sqlite:////proc/qcoder/x.sqlite", tmp_path)("init")
    assert result.exit_code == 1 and "files cannot be created in folder /proc" in result.stderr
    locked = tmp_path / "locked"
    locked.mkdir()
    read_only(locked)
    result = Cli(f"sqlite:///{locked / 'x.sqlite'}", tmp_path)("init")
    assert result.exit_code == 1
    assert f"cannot create the database file x.sqlite in folder {locked}: no permission to write" in result.stderr
    assert os.listdir(locked) == []


def clean_copy(url: str, folder: Path) -> Path:
    """The project's database copied alone into ``folder``, closed cleanly, as someone would hand it on."""
    folder.mkdir()
    copy = folder / "project.sqlite"
    with (
        contextlib.closing(sqlite3.connect(make_url(url).database)) as source,
        contextlib.closing(sqlite3.connect(copy)) as target,
    ):
        source.backup(target)
        target.execute("PRAGMA journal_mode=WAL")
    assert os.listdir(folder) == ["project.sqlite"]
    return copy


@pytest.fixture(params=["folder", "file"])
def read_only_project(request, sqlite_cli, tmp_path, read_only) -> Cli:
    """A coded project whose database file, or the folder it is in, cannot be written."""
    assert sqlite_cli("import", str(write(tmp_path / "20240115MJQ.txt", INTERVIEW))).exit_code == 0
    coded = sqlite_cli("code", "add", "--source", "20240115MJQ", "--start", "0", "--end", "5", "--code",
                       "scenario.backstage", "--coder", "研究者A")  # fmt: skip
    assert coded.exit_code == 0, coded.output
    copy = clean_copy(sqlite_cli.url, tmp_path / "handed_on")
    read_only(copy.parent if request.param == "folder" else copy)
    return Cli(f"sqlite:///{copy}", sqlite_cli.folder)


@pytest.mark.parametrize(
    "command",
    [["sources", "list"], ["sources", "show", "20240115MJQ"], ["codes", "list"], ["code", "list"],
     ["export", "quotes"], ["export", "respondents"], ["triangulate"]],
    ids=" ".join,
)  # fmt: skip
def test_reading_commands_work_on_a_database_that_cannot_be_written(read_only_project, command):
    result = read_only_project(*command)
    assert result.exit_code == 0, result.output
    if command[:2] in (["code", "list"], ["export", "quotes"]):
        assert "20240115MJQ" in result.stdout


def test_writing_commands_name_the_read_only_database_file(read_only_project):
    file = make_url(read_only_project.url).database
    result = read_only_project("code", "add", "--source", "20240115MJQ", "--start", "5", "--end", "9", "--code",
                               "scenario.backstage", "--coder", "研究者B")  # fmt: skip
    assert result.exit_code == 1
    assert f"the database file {file} is read-only" in result.stderr and f"数据库文件 {file} 是只读的" in result.stderr
    assert "attempt to write" not in result.stderr
    assert "研究者B" not in read_only_project("code", "list").stdout


@pytest.mark.parametrize("locked", ["folder", "file"])
def test_a_read_only_copy_still_uses_the_model_trained_beside_its_file(sqlite_cli, tmp_path, read_only, locked):
    quotes = {"20240115MJQ": [("action.public_results", "排名都公示出来了")]}
    code_quotes(sqlite_cli, tmp_path, {"20240115MJQ.txt": INTERVIEW}, quotes)
    assert sqlite_cli("train").exit_code == 0
    assert sqlite_cli("suggester", "combined", "--coder", "研究者A").exit_code == 0
    copy = clean_copy(sqlite_cli.url, tmp_path / "handed_on")
    shutil.copytree(training.models_dir(make_engine(sqlite_cli.url)), copy.parent / "models" / copy.stem)
    read_only(copy.parent if locked == "folder" else copy)
    handed_on = Cli(f"sqlite:///{copy}", sqlite_cli.folder)
    assert handed_on("suggester").stdout.startswith("combined (model suggester-0001)")
    engine = make_engine(handed_on.url)
    assert training.models_dir(engine) == copy.parent / "models" / "project"
    with Session(engine) as session:
        _, meta = training.active_model(engine, session)
    assert meta["version"] == "suggester-0001"
