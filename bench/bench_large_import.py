"""Importing one huge transcript: memory and time proportional to its length (issue 21).

Three synthetic interviews (bench/synthetic.py sentences in 问/答 turns), each with front matter:

* ``1m_chars``: about 1,000,000 characters of realistic turns;
* ``5m_chars``: just under the 5,000,000-character source limit (coder.limits), the same kind of turns;
* ``1m_lines``: 1,000,000 short lines (嗯。/ 问：然后呢？ …), the most segments per character.

Each measurement runs in a fresh process (its peak memory is its own) on a file written beforehand:

* ``baseline``: ``read_text`` + ``segments.segment`` on the file — the least an import must do;
* ``sqlite``: ``corpus.import_file`` into a fresh, migrated SQLite project;
* ``postgresql``: the same into a fresh database, when ``QCODER_BENCH_PG_URL`` names a server
  (an admin URL such as ``postgresql+psycopg://postgres@127.0.0.1:5432/test``; a database is created and
  dropped for every run).

Reported per case: peak RSS (MB and × the file's bytes), wall and CPU seconds (CPU is what a busy
machine does not blur), seconds per million characters, and import / baseline. Median of the runs.
"""

from __future__ import annotations

import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bench.processes import in_child, peak_mb, rss_mb
from bench.synthetic import sentence

RUNS = 3
FRONT = "---\nid: 20240115MJQ\nkind: interview\ndate: 2024-01-15\nsynthetic: true\n---\n"
LIMIT = 5_000_000  # coder.limits.MAX_SOURCE_CHARS counts the whole file, front matter included
SHORT = ["问：嗯。", "答：对。", "嗯。", "对对。", "答：好。", "问：为什么？", "是的。", "好。"]  # 4.5 M chars


def turns(characters: int, seed: int) -> str:
    """A question of one sentence, an answer of one to four, until the text is ``characters`` long."""
    rng = random.Random(seed)
    lines, size = [], 0
    while size < characters:
        asking = len(lines) % 2 == 0
        line = ("问：" if asking else "答：") + "".join(
            sentence(rng) for _ in range(1 if asking else rng.randint(1, 4))
        )
        lines.append(line)
        size += len(line) + 1
    return "\n".join(lines)[:characters].rstrip("\n")


def short_lines(count: int, seed: int) -> str:
    rng = random.Random(seed)
    return "\n".join(rng.choice(SHORT) for _ in range(count))


CASES = {
    "1m_chars": lambda: turns(1_000_000, 1),
    "5m_chars": lambda: turns(LIMIT - len(FRONT) - 1, 5),
    "1m_lines": lambda: short_lines(1_000_000, 7),
}


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def child(what: str, folder: Path, url: str | None) -> None:
    """One measurement; modules are imported before the clock starts, as they cost the same for any file."""
    from coder.db.engine import make_engine
    from coder.sources.corpus import import_file
    from coder.sources.segments import segment
    from coder.sources.textfile import read_text

    path = folder / "20240115MJQ.txt"
    engine = make_engine(url) if url else None
    startup = rss_mb()
    cpu, started = _cpu_seconds(), time.perf_counter()
    if engine is None:
        count = len(segment(read_text(path), "interview"))
    else:
        result = import_file(engine, path, "interview")
        if result.status != "imported":
            raise SystemExit(f"{path}: {result.status}: {result.message}")
        count = None
    print(
        json.dumps(
            {
                "seconds": time.perf_counter() - started,
                "cpu_seconds": _cpu_seconds() - cpu,
                "peak_mb": peak_mb(),
                "startup_mb": startup,
                "segments": count,
            }
        )
    )


def _fresh_sqlite(folder: Path) -> str:
    from coder.db import migrate
    from coder.db.engine import make_engine

    (folder / "bench.sqlite").unlink(missing_ok=True)
    url = f"sqlite:///{folder / 'bench.sqlite'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    return url


def _in_fresh_postgresql(admin_url: str, folder: Path) -> dict:
    from sqlalchemy import create_engine, make_url, text

    from coder.db import migrate
    from coder.db.engine import make_engine

    name = f"qcoder_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        engine = make_engine(url)
        migrate.upgrade(engine)
        engine.dispose()
        return in_child("bench.bench_large_import", "import", folder, url)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _figures(runs: list[dict], characters: int, size: int) -> dict:
    seconds = statistics.median(r["seconds"] for r in runs)
    cpu = statistics.median(r["cpu_seconds"] for r in runs)
    peak = max(r["peak_mb"] for r in runs)
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "seconds_per_m_chars": seconds / characters * 1e6,
        "cpu_seconds_per_m_chars": cpu / characters * 1e6,
        "peak_mb": peak,
        "peak_x_file": peak * 2**20 / size,
        # Above the process's memory once its modules are loaded (~110 MB, the same for any file).
        "growth_x_file": max((r["peak_mb"] - r["startup_mb"]) * 2**20 for r in runs) / size,
        "startup_mb": max(r["startup_mb"] for r in runs),
    }


def measure(case: str, text: str, folder: Path) -> dict:
    path = folder / "20240115MJQ.txt"
    path.write_text(FRONT + text + "\n", encoding="utf-8")
    size, characters = path.stat().st_size, len(text)
    pg_url = os.environ.get("QCODER_BENCH_PG_URL")
    runs: dict[str, list[dict]] = {"baseline": [], "sqlite": []} | ({"postgresql": []} if pg_url else {})
    for _ in range(RUNS):  # interleaved, so a slow spell of the machine hits every side alike
        runs["baseline"].append(in_child("bench.bench_large_import", "baseline", folder))
        runs["sqlite"].append(in_child("bench.bench_large_import", "import", folder, _fresh_sqlite(folder)))
        if pg_url:
            runs["postgresql"].append(_in_fresh_postgresql(pg_url, folder))
    figures = {what: _figures(r, characters, size) for what, r in runs.items()}
    base = figures["baseline"]
    for what in runs.keys() - {"baseline"}:
        figures[what]["ratio"] = figures[what]["seconds"] / base["seconds"]
        figures[what]["cpu_ratio"] = figures[what]["cpu_seconds"] / base["cpu_seconds"]
    lite = figures["sqlite"]
    return {
        "name": f"large_import_{case}",
        "characters": characters,
        "bytes": size,
        "lines": text.count("\n") + 1,
        "segments": runs["baseline"][0]["segments"],
        "runs": RUNS,
        "baseline": "read_text + segments.segment of the same file, in a fresh process",
        **figures,
        "summary": (
            f"{case} ({characters:,} chars, {size / 2**20:.1f} MB): SQLite import {lite['seconds']:.1f} s "
            f"({lite['seconds_per_m_chars']:.1f} s/M chars, CPU {lite['cpu_seconds']:.1f} s) "
            f"= {lite['ratio']:.1f} x read+segment ({base['seconds']:.1f} s), peak {lite['peak_mb']:.0f} MB "
            f"= {lite['peak_x_file']:.1f} x the file, {lite['growth_x_file']:.1f} x above startup "
            f"(baseline {base['peak_mb']:.0f} MB)"
            + (
                f"; PostgreSQL {figures['postgresql']['seconds']:.1f} s = {figures['postgresql']['ratio']:.1f} x, "
                f"peak {figures['postgresql']['peak_mb']:.0f} MB"
                if pg_url
                else ""
            )
        ),
    }


def run() -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        return [measure(case, make(), Path(tmp)) for case, make in CASES.items()]


if __name__ == "__main__":
    child(sys.argv[1], Path(sys.argv[2]), sys.argv[3] if len(sys.argv) > 3 else None)
