"""Light commands load only what their work needs (issue 18): naming an interview must not wait for spaCy.

Each command runs in a fresh process through the installed ``qcoder`` script; the modules loaded by the
time that process exits are written out by an exit handler registered before anything else (so it runs
last, after typer's SystemExit and every other handler), and checked against the heavy libraries.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import Cli, write

ROOT = Path(__file__).resolve().parents[1]
QCODER = Path(sys.executable).with_name("qcoder")

# No light command needs any of these; together they are most of the seconds `import coder.cli` used to take.
HEAVY = ("spacy", "pandas", "altair", "wordcloud", "docx", "openpyxl", "lxml", "coder.learned", "coder.analysis")

# Runs the console script as `qcoder` would; argv: modules file, script, the command's arguments.
PROBE = """\
import atexit, json, runpy, sys
modules_file = sys.argv[1]
atexit.register(lambda: open(modules_file, "w").write(json.dumps(sorted(sys.modules))))
sys.argv = sys.argv[2:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""

INTERVIEW = """---
id: 20240302TXY
kind: interview
date: 2024-03-02
interviewee: 唐晓雨
role: 街道办事处科员
organization: 河湾街道
synthetic: true
---
访谈者：季度考核结果出来以后，科室里有什么变化？
TXY：排名贴出来那天大家都去看了，后来分管领导找我们逐项核对了扣分项。
"""

POLICY = """---
id: 20230410-P01
kind: policy
date: 2023-04-10
title: 河湾街道干部季度考核办法（试行）
synthetic: true
---
第一条　为推进干部考核精细化，结合本街道实际，制定本办法。
第二条　考核结果按季度公示，并作为评优和帮带结对的依据。
"""


@dataclass(frozen=True)
class Command:
    name: str
    args: tuple[str, ...]  # "{db}" and "{codebook}" are filled in per run
    expect: tuple[str, ...]  # what stdout must hold: the command did its work
    also_not: tuple[str, ...] = ()  # beyond HEAVY


COMMANDS = [
    Command("help", ("--help",), ("Usage",), also_not=("sqlalchemy", "pypinyin", "yaml")),
    Command("id_check", ("id", "check", "20240115MJQ"), ("20240115MJQ: 有效 / valid",), also_not=("sqlalchemy", "pypinyin")),
    Command("id_make", ("--db", "{db}", "id", "make", "--date", "2024-01-15", "--name", "马继强"), ("20240115MJQ",)),
    Command("codebook_check", ("codebook", "check", "{codebook}"), ("有效 / valid",)),
    Command("sources_list", ("--db", "{db}", "sources", "list"), ("20240302TXY", "20230410-P01")),
    # Commands that go through coder.project load its families only when they use them.
    Command("code_list", ("--db", "{db}", "code", "list"), ("status",)),
    Command("memo_list", ("--db", "{db}", "memo", "list"), ("target",)),
]  # fmt: skip


def demo_codebook() -> Path:
    """The demo codebook, in the package since issue 18 (at the top of the repository before)."""
    return next(p for p in (ROOT / "coder" / "demo" / "codebook.yaml", ROOT / "codebook.yaml") if p.exists())


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> str:
    """An initialised SQLite project with the demo codebook and one interview and one policy text."""
    folder = tmp_path_factory.mktemp("light_commands")
    url = f"sqlite:///{folder / 'project.sqlite'}"
    write(folder / "in" / "interviews" / "20240302TXY.txt", INTERVIEW)
    write(folder / "in" / "policy" / "20230410-P01.txt", POLICY)
    cli = Cli(url, folder)
    for args in (("init", "--codebook", str(demo_codebook())), ("import", str(folder / "in"))):
        result = cli(*args)
        assert result.exit_code == 0, result.output
    return url


def loaded_by(args: list[str], folder: Path) -> tuple[subprocess.CompletedProcess, list[str]]:
    """Run ``qcoder <args>`` in a fresh process from ``folder``; its result and the modules it had loaded."""
    assert QCODER.exists(), f"no qcoder console script next to {sys.executable}: install the project first"
    modules_file = folder / "modules.json"
    # This tree's coder package, whatever is installed; no project or codebook of the user's.
    env = {k: v for k, v in os.environ.items() if not k.startswith("QCODER_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(modules_file), str(QCODER), *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
    )
    assert modules_file.exists(), f"qcoder {' '.join(args)} left no module list: {done.stderr}"
    return done, json.loads(modules_file.read_text())


def offending(modules: list[str], banned: tuple[str, ...]) -> dict[str, int]:
    """Each banned package that was loaded, with how many of its modules were."""
    counts = {name: sum(m == name or m.startswith(name + ".") for m in modules) for name in banned}
    return {name: count for name, count in counts.items() if count}


@pytest.mark.parametrize("command", COMMANDS, ids=[c.name for c in COMMANDS])
def test_light_command_does_its_work_without_heavy_imports(command: Command, project: str, tmp_path: Path) -> None:
    args = [a.format(db=project, codebook=demo_codebook()) for a in command.args]
    done, modules = loaded_by(args, tmp_path)
    assert done.returncode == 0, done.stderr
    for expected in command.expect:
        assert expected in done.stdout, done.stdout
    loaded = offending(modules, HEAVY + command.also_not)
    assert not loaded, f"qcoder {' '.join(args)} imported {loaded} (package: modules loaded)"


def test_id_make_refuses_an_id_the_project_has_without_loading_the_database_libraries(project: str, tmp_path: Path):
    """The collision check reads the SQLite file with the standard library; it must still see every ID."""
    done, modules = loaded_by(["--db", project, "id", "make", "--date", "2024-03-02", "--name", "唐晓雨"], tmp_path)
    assert done.returncode == 1 and "20240302TXY" in done.stderr and "already exists" in done.stderr, done.stderr
    assert not offending(modules, ("sqlalchemy", "sqlmodel", *HEAVY))


def test_id_make_on_a_database_it_cannot_reach_is_an_error_not_a_skipped_check(tmp_path: Path):
    done, _ = loaded_by(["--db", "postgresql+psycopg://nobody@127.0.0.1:1/none", "id", "make", "--date",
                         "2024-03-02", "--name", "唐晓雨"], tmp_path)  # fmt: skip
    assert done.returncode == 1 and "cannot use database" in done.stderr, done.stderr
    assert "20240302TXY" not in done.stdout


def test_lines_on_stdout_and_stderr_keep_their_order_in_one_log(tmp_path: Path):
    """Output into a file or a pipe is block-buffered: each line is flushed as it is written, as rich did."""
    write(tmp_path / "in" / "interviews" / "20240302TXY.txt", INTERVIEW)
    (tmp_path / "in" / "interviews" / "broken.docx").write_bytes(b"not a Word file")
    write(tmp_path / "in" / "policy" / "20230410-P01.txt", POLICY)
    url = f"sqlite:///{tmp_path / 'p.sqlite'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("QCODER_") and k != "PYTHONUNBUFFERED"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    subprocess.run([str(QCODER), "--db", url, "init"], cwd=tmp_path, env=env, capture_output=True, check=True)
    log = subprocess.run([str(QCODER), "--db", url, "import", "in"], cwd=tmp_path, env=env, text=True,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT).stdout  # fmt: skip
    lines = log.splitlines()
    at = {name: next(i for i, line in enumerate(lines) if name in line) for name in ("20240302TXY", "broken.docx",
                                                                                      "20230410-P01", "失败 1")}  # fmt: skip
    assert at["20240302TXY"] < at["broken.docx"] < at["20230410-P01"] < at["失败 1"], (
        log
    )  # stdout, stderr, stdout, stderr
