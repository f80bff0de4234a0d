"""How long a light ``qcoder`` command keeps a researcher waiting, against the least Python must do (issue 18).

Each command runs as a whole process (interpreter start, imports, work, exit), as a researcher runs it:
``qcoder --help``, ``qcoder id make --date 2024-01-15 --name 马继强``, ``qcoder id check 20240115MJQ``,
``qcoder codebook check <demo codebook>`` and ``qcoder sources list`` on a small temporary SQLite project
(three synthetic sources from bench/synthetic.py, made once with ``qcoder init`` and ``qcoder import``).

The baseline of each is the same command line given to a minimal Typer app of qcoder's shape, written to a
temporary script, whose command bodies import only what that work truly needs and do the same kind of work:

* ``--help``: the minimal app's help (typer, and rich for the rendering, as qcoder's);
* ``id make``: typer + pypinyin turning 马继强 into initials (lazy_pinyin, plus the heteronym look-up qcoder
  warns from);
* ``id check``: typer and a regular expression with a calendar check;
* ``codebook check``: typer + ``yaml.safe_load`` of the same file;
* ``sources list``: typer + SQLModel selecting the source table through SQLite and printing the rows.

Why SQLModel for ``sources list`` and not bare SQLAlchemy: qcoder's storage *is* SQLModel models
(coder/db/models.py), and the listing applies their rules (coding counts, what a viewer may see), so the ORM
is a library that command truly needs; a baseline without it would ask qcoder to bypass its own models.
The bare-SQLAlchemy variant (``text("SELECT …")``) is measured and reported beside it, so the price of the
ORM itself is visible too.

Runs are interleaved — command, baseline, command, baseline … with the order alternating each round — so
whatever else the machine does falls on both alike. Reported: median and fastest wall seconds, median CPU
seconds (user + system of the child; a busy machine blurs it less), and command / baseline on the medians,
against the target of 1.5 ×.

Children get ``PYTHONPATH`` = the tree measured (this repository unless ``--tree DIR``, e.g. a
``git archive HEAD`` export to measure the code before a change beside the code after it), baselines too.

``python -m bench.bench_cli_startup`` runs it alone (``--runs N``, ``--tree DIR``); ``--importtime "id check
20240115MJQ"`` instead lists the biggest cumulative imports (``python -X importtime``) of one command, under coder.* and
third-party packages, for whoever is moving imports into command bodies.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.synthetic import write_corpus

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).with_name("results")
QCODER = Path(sys.executable).with_name("qcoder")
RUNS = 5
TARGET = 1.5

BASELINE_APP = '''\
"""A minimal Typer CLI of qcoder's shape; each command imports only what its own work needs."""
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

app = typer.Typer(help="baseline", no_args_is_help=True)
id_app = typer.Typer(help="record IDs", no_args_is_help=True)
codebook_app = typer.Typer(help="codebook", no_args_is_help=True)
sources_app = typer.Typer(help="sources", no_args_is_help=True)
app.add_typer(id_app, name="id")
app.add_typer(codebook_app, name="codebook")
app.add_typer(sources_app, name="sources")
state = {"db": None}


@app.callback()
def main(db: Annotated[Optional[str], typer.Option("--db", help="database URL")] = None) -> None:
    state["db"] = db


@id_app.command("make")
def id_make(date: Annotated[str, typer.Option()], name: Annotated[str, typer.Option()]) -> None:
    """make a record ID"""
    import datetime

    from pypinyin import Style, lazy_pinyin, pinyin

    day = datetime.date.fromisoformat(date)
    letters = "".join(s[0] for s in lazy_pinyin(name, style=Style.NORMAL)).upper()
    for char in name[1:]:
        readings = pinyin(char, style=Style.NORMAL, heteronym=True)[0]
        if len({r[0] for r in readings}) > 1:
            print(f"warning: {char} reads {'/'.join(readings)}", file=sys.stderr)
    print(f"{day:%Y%m%d}{letters}")


@id_app.command("check")
def id_check(record_id: Annotated[str, typer.Argument(metavar="ID")]) -> None:
    """check a record ID"""
    import datetime
    import re

    match = re.fullmatch(r"(\\d{8})([A-Z]{2,6})(?:-(\\d+))?", record_id)
    if match is None:
        raise typer.Exit(1)
    day = datetime.datetime.strptime(match[1], "%Y%m%d").date()
    print(f"{record_id}: valid (interview, {day})")


@codebook_app.command("check")
def codebook_check(path: Annotated[Path, typer.Argument()]) -> None:
    """validate a codebook file"""
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    print(f"{path}: valid - {len(data['dimensions'])} dimensions, {len(data['codes'])} codes")


@sources_app.command("list")
def sources_list(orm: Annotated[str, typer.Option(help="sqlmodel | sqlalchemy")] = "sqlmodel") -> None:
    """list sources"""
    if orm == "sqlalchemy":
        from sqlalchemy import create_engine, text

        with create_engine(state["db"]).connect() as connection:
            rows = connection.execute(text("SELECT id, kind, date, title FROM source ORDER BY id")).all()
    else:
        import datetime

        from sqlmodel import Field, Session, SQLModel, create_engine, select

        class Source(SQLModel, table=True):
            id: str = Field(primary_key=True)
            kind: str
            date: Optional[datetime.date] = None
            title: Optional[str] = None

        with Session(create_engine(state["db"])) as session:
            rows = [(s.id, s.kind, s.date, s.title) for s in session.exec(select(Source).order_by(Source.id))]
    print("id\\tkind\\tdate\\ttitle")
    for row in rows:
        print("\\t".join("" if value is None else str(value) for value in row))


if __name__ == "__main__":
    app()
'''


def demo_codebook(tree: Path = ROOT) -> Path:
    """The demo codebook, wherever it lives in ``tree`` (it moved into the package in issue 18)."""
    for path in (tree / "coder" / "demo" / "codebook.yaml", tree / "codebook.yaml"):
        if path.exists():
            return path
    raise FileNotFoundError("no demo codebook at coder/demo/codebook.yaml or codebook.yaml")


@dataclass
class Case:
    """One command, its baseline(s), and what its output must hold for a run to count."""

    name: str
    args: list[str]
    baselines: dict[str, list[str]]  # label -> arguments for the baseline app; the first is the reference
    expect: str
    described: dict[str, str] = field(default_factory=dict)
    shown: str = ""  # the command as reported, with the temporary paths named, not spelled out
    runners: dict[str, list[str]] = field(default_factory=dict)  # label -> whole command line; "qcoder" first
    seconds: dict[str, list[float]] = field(default_factory=dict)
    cpu: dict[str, list[float]] = field(default_factory=dict)


def cases(codebook: Path, db: str, tree: Path = ROOT) -> list[Case]:
    made = [
        Case("help", ["--help"], {"typer": ["--help"]}, "Usage", {"typer": "a minimal Typer app's --help"}),
        Case(
            "id_make",
            ["id", "make", "--date", "2024-01-15", "--name", "马继强"],
            {"pypinyin": ["id", "make", "--date", "2024-01-15", "--name", "马继强"]},
            "20240115MJQ",
            {"pypinyin": "typer + pypinyin making the initials of 马继强"},
        ),
        Case(
            "id_check",
            ["id", "check", "20240115MJQ"],
            {"typer": ["id", "check", "20240115MJQ"]},
            "valid",
            {"typer": "typer + a regular expression and a calendar check"},
        ),
        Case(
            "codebook_check",
            ["codebook", "check", str(codebook)],
            {"yaml": ["codebook", "check", str(codebook)]},
            "valid",
            {"yaml": "typer + yaml.safe_load of the same codebook"},
        ),
        Case(
            "sources_list",
            ["--db", db, "sources", "list"],
            {
                "sqlmodel": ["--db", db, "sources", "list", "--orm", "sqlmodel"],
                "sqlalchemy": ["--db", db, "sources", "list", "--orm", "sqlalchemy"],
            },
            "-M00",  # write_corpus's policy and media IDs end -P00n / -M00n
            {
                "sqlmodel": "typer + SQLModel selecting the source table (SQLite) and printing the rows",
                "sqlalchemy": "typer + SQLAlchemy text SELECT of the source table (SQLite) and printing the rows",
            },
        ),
    ]
    shown_codebook = str(codebook.relative_to(tree)) if codebook.is_relative_to(tree) else str(codebook)
    for case in made:
        case.shown = "qcoder " + shlex.join(
            {db: "sqlite:///<tmp>/project.sqlite", str(codebook): shown_codebook}.get(a, a) for a in case.args
        )
    return made


def child_env(tree: Path = ROOT) -> dict[str, str]:
    """The environment without QCODER_* settings, so no command reaches a database or codebook of the user's,
    and with ``tree`` first on the path, so the coder package measured is the one in ``tree``."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("QCODER_")}
    return env | {"PYTHONPATH": str(tree)}


def timed(command: list[str], cwd: Path, expect: str, env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one whole process; a run that fails or says something else does not count."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0 or expect not in done.stdout:
        raise RuntimeError(f"{shlex.join(command)} → exit {done.returncode}\n{done.stdout}\n{done.stderr}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def make_project(folder: Path, tree: Path = ROOT) -> str:
    """A migrated SQLite project with the codebook and three small synthetic sources, made by qcoder itself."""
    db = f"sqlite:///{folder / 'project.sqlite'}"
    write_corpus(folder / "corpus", documents=3, characters=400)
    for args in (["init", "--codebook", str(demo_codebook(tree))], ["import", str(folder / "corpus")]):
        done = subprocess.run([str(QCODER), "--db", db, *args], cwd=folder, env=child_env(tree), capture_output=True)
        if done.returncode:
            raise RuntimeError(f"qcoder {shlex.join(args)} → exit {done.returncode}\n{done.stderr.decode()}")
    return db


def measure(runs: int = RUNS, tree: Path = ROOT) -> list[Case]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        work = folder / "work"  # an empty working folder: no db/qcoder.sqlite, no codebook.yaml of the repo's
        work.mkdir()
        script = folder / "baseline_app.py"
        script.write_text(BASELINE_APP, encoding="utf-8")
        env = child_env(tree)
        measured = cases(demo_codebook(tree), make_project(folder, tree), tree)
        for case in measured:
            runners = {"qcoder": [str(QCODER), *case.args]} | {
                label: [sys.executable, str(script), *args] for label, args in case.baselines.items()
            }
            for command in runners.values():  # warm the file cache; not counted
                timed(command, work, case.expect, env)
            case.runners = runners
            case.seconds = {label: [] for label in runners}
            case.cpu = {label: [] for label in runners}
        for round_ in range(runs):
            for case in measured:
                labels = list(case.runners)
                shift = round_ % len(labels)  # who goes first turns round, so neither always runs warmer
                for label in labels[shift:] + labels[:shift]:
                    wall, cpu = timed(case.runners[label], work, case.expect, env)
                    case.seconds[label].append(wall)
                    case.cpu[label].append(cpu)
        return measured


def result(case: Case) -> dict:
    median = statistics.median
    own = case.seconds["qcoder"]
    reference = next(iter(case.baselines))
    entry = {
        "name": f"cli_startup_{case.name}",
        "command": case.shown,
        "runs": len(own),
        "seconds": median(own),
        "min_seconds": min(own),
        "cpu_seconds": median(case.cpu["qcoder"]),
        "all_seconds": own,
        "baseline": case.described[reference],
        "target_ratio": TARGET,
    }
    for label in case.baselines:
        prefix = "baseline" if label == reference else f"baseline_{label}"
        base = case.seconds[label]
        entry |= {
            f"{prefix}_seconds": median(base),
            f"{prefix}_min_seconds": min(base),
            f"{prefix}_cpu_seconds": median(case.cpu[label]),
            f"{prefix}_all_seconds": base,
            f"{'ratio' if label == reference else f'ratio_{label}'}": median(own) / median(base),
        }
        if label != reference:
            entry[f"{prefix}"] = case.described[label]
    entry["within_target"] = entry["ratio"] <= TARGET
    others = "".join(
        f"; {entry[f'ratio_{label}']:.2f} x {label} ({entry[f'baseline_{label}_seconds']:.2f} s)"
        for label in case.baselines
        if label != reference
    )
    entry["summary"] = (
        f"{entry['command']}: median {entry['seconds']:.2f} s (min {entry['min_seconds']:.2f}) = "
        f"{entry['ratio']:.2f} x {reference} baseline ({entry['baseline_seconds']:.2f} s){others}; "
        f"target <= {TARGET} x: {'met' if entry['within_target'] else 'NOT met'}"
    )
    return entry


def run(runs: int = RUNS, tree: Path = ROOT) -> list[dict]:
    results = [result(case) for case in measure(runs, tree)]
    if tree != ROOT:  # a before/after comparison: say which code the figures are of
        for entry in results:
            entry["tree"] = str(tree)
    return results


# ``import time: self [us] | cumulative | imported package``; the name's indentation is its nesting.
IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)")


def importtime(command: str, top: int = 15, tree: Path = ROOT) -> str:
    """The biggest cumulative imports of one qcoder command, under coder.* and by third-party package."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        args = shlex.split(command)
        if args[:1] == ["qcoder"]:
            args = args[1:]
        # The child runs in an empty folder: files named relative to here are passed on by their full path.
        args = [str(Path(a).resolve()) if not a.startswith("-") and Path(a).exists() else a for a in args]
        if "--db" not in args and args[:1] in (["sources"], ["code"], ["codes"]):  # needs a project to get far
            args = ["--db", make_project(folder, tree), *args]
        done = subprocess.run(
            [sys.executable, "-X", "importtime", str(QCODER), *args],
            cwd=folder,
            env=child_env(tree),
            capture_output=True,
            text=True,
        )
    rows = [(m[4], int(m[1]), int(m[2]), len(m[3])) for m in map(IMPORT_LINE.match, done.stderr.splitlines()) if m]
    ours = sorted((r for r in rows if r[0] == "coder" or r[0].startswith("coder.")), key=lambda r: -r[2])[:top]
    theirs = sorted(
        (r for r in rows if "." not in r[0] and r[0] != "coder" and not r[0].startswith("_")), key=lambda r: -r[2]
    )[:top]

    def table(title: str, picked: list[tuple[str, int, int, int]]) -> list[str]:
        return [title, f"{'cumulative ms':>14} {'self ms':>8}  module"] + [
            f"{cumulative / 1000:14.1f} {own / 1000:8.1f}  {name}" for name, own, cumulative, _ in picked
        ]

    lines = [
        f"python -X importtime qcoder {shlex.join(args)}  (exit {done.returncode})",
        *table(f"top {top} cumulative imports under coder.*:", ours),
        "",
        *table(f"top {top} third-party / standard top-level packages by cumulative import:", theirs),
    ]
    return "\n".join(lines)


def write(results: list[dict]) -> None:
    """As `make bench` does (bench/__main__.py), so a run of this module alone leaves the same files."""
    RESULTS.mkdir(exist_ok=True)
    for entry in results:
        entry["machine"] = {"python": sys.version.split()[0], "platform": platform.platform()}
        (RESULTS / f"{entry['name']}.json").write_text(json.dumps(entry, ensure_ascii=False, indent=2))


def table(results: list[dict]) -> str:
    head = f"{'command':62} {'median s':>9} {'min s':>6} {'baseline s':>11} {'ratio':>6}  target {TARGET} x"
    lines = [head]
    for entry in results:
        lines.append(
            f"{entry['command'][:62]:62} {entry['seconds']:9.2f} {entry['min_seconds']:6.2f} "
            f"{entry['baseline_seconds']:11.2f} {entry['ratio']:6.2f}  {'met' if entry['within_target'] else 'NOT met'}"
        )
        if "baseline_sqlalchemy_seconds" in entry:
            lines.append(
                f"{'  (against the bare SQLAlchemy baseline)':62} {'':9} {'':6} {entry['baseline_sqlalchemy_seconds']:11.2f} "
                f"{entry['ratio_sqlalchemy']:6.2f}"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_cli_startup", description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=RUNS, help=f"rounds of interleaved runs (default {RUNS})")
    parser.add_argument("--importtime", metavar="COMMAND", help='e.g. "id check 20240115MJQ": show its imports')
    parser.add_argument("--top", type=int, default=15, help="how many imports --importtime lists")
    parser.add_argument("--tree", type=Path, default=ROOT, help="the source tree whose coder package is measured")
    options = parser.parse_args(argv)
    if options.importtime:
        print(importtime(options.importtime, options.top, options.tree.resolve()))
        return
    results = run(options.runs, options.tree.resolve())
    write(results)
    print(table(results))


if __name__ == "__main__":
    main()
