"""Import cost against the work no importer can avoid.

* ``segment``: turns + sentences of a 50,000-character synthetic transcript, against one
  ``jieba.lcut`` pass over the same text (the cheapest thing the tagger will later do with it).
* ``import``: the whole demo corpus into a fresh SQLite project (decode, validate, segment, store),
  against only reading and decoding the same files.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable

import jieba

from coder.db import migrate
from coder.db.engine import make_engine
from coder.demo import CORPUS
from coder.sources import segments
from coder.sources.corpus import collect, import_paths
from coder.sources.textfile import read_text


def best_of(repeats: int, work: Callable[[], object]) -> float:
    """The fastest of several runs: the least disturbed by whatever else the machine does."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def synthetic_transcript(characters: int = 50_000) -> str:
    """Demo interview turns repeated to the wanted length (synthetic text, as the corpus is)."""
    body = read_text(CORPUS / "interviews" / "20240110ZLM.txt").split("---", 2)[2]
    return (body * (characters // len(body) + 1))[:characters]


def run() -> list[dict]:
    text = synthetic_transcript()
    jieba.lcut("预热")  # load the dictionary outside the timing
    seg = best_of(5, lambda: segments.segment(text, "interview"))
    base = best_of(3, lambda: jieba.lcut(text))
    files = [path for path, _ in collect([CORPUS])]
    decode = best_of(3, lambda: [read_text(p) for p in files])

    def fresh_import() -> None:
        with tempfile.TemporaryDirectory() as folder:
            engine = make_engine(f"sqlite:///{folder}/bench.sqlite")
            migrate.upgrade(engine)
            started = time.perf_counter()
            import_paths(engine, [CORPUS])
            timings.append(time.perf_counter() - started)
            engine.dispose()

    timings: list[float] = []
    for _ in range(3):
        fresh_import()
    full = min(timings)
    characters = sum(len(read_text(p)) for p in files)
    return [
        {
            "name": "segment",
            "characters": len(text),
            "seconds": seg,
            "baseline": "jieba.lcut on the same text",
            "baseline_seconds": base,
            "ratio": seg / base,
            "summary": f"segment 50k chars {seg * 1000:.1f} ms = {seg / base:.3f} x jieba.lcut ({base * 1000:.0f} ms)",
        },
        {
            "name": "import",
            "files": len(files),
            "characters": characters,
            "seconds": full,
            "baseline": "read + decode the same files",
            "baseline_seconds": decode,
            "ratio": full / decode,
            "summary": f"import {len(files)} files / {characters} chars {full:.2f} s = {full / decode:.1f} x read+decode "
            f"({decode * 1000:.0f} ms)",
        },
    ]
