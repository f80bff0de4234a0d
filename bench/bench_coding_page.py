"""The Coding page on a 50,000-character transcript with 500 codings: server-side time to render.

Target: under 1.5 s. Measured with Streamlit's AppTest (the whole script run: queries, pieces for
the reading view, widgets), median of 3 warm runs, against a baseline of only fetching the same data
(the source and its codings) from the project.
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from bench.synthetic import document
from coder import codebook, codebook_sync
from coder.coding import add_coding
from coder.db import migrate
from coder.db.engine import make_engine, transaction
from coder.project import Project
from coder.sources.corpus import import_paths
from coder.sources.segments import segment

SOURCE = "20240301BCH"


def coding_page() -> None:
    from coder.ui import coding_page

    coding_page.render()


def build(folder: Path) -> str:
    url = f"sqlite:///{folder / 'page.sqlite'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    with transaction(engine) as session:
        codebook_sync.sync(session, codebook.load(codebook.PACKAGED_PATH))
    text = document(random.Random(3), 50_000, "interview")[:50_000]
    path = folder / "interviews" / f"{SOURCE}.txt"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    import_paths(engine, [path])
    codes = [c.id for c in codebook.load(codebook.PACKAGED_PATH).codes]
    sentences = [s for s in segment(text, "interview") if s.kind == "sentence"][:500]
    with transaction(engine) as session:
        for number, s in enumerate(sentences):
            add_coding(session, SOURCE, s.start, s.end, codes[number % len(codes)], "bench")
    return url


def run() -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        url = build(Path(tmp))
        os.environ["QCODER_DB_URL"] = url
        project = Project.open(url)
        page, fetch = [], []
        AppTest.from_function(coding_page, default_timeout=60).run()  # warm: imports, caches
        for _ in range(3):
            started = time.perf_counter()
            project.source(SOURCE)
            project.codings(source=SOURCE)
            fetch.append(time.perf_counter() - started)
            started = time.perf_counter()
            at = AppTest.from_function(coding_page, default_timeout=60).run()
            page.append(time.perf_counter() - started)
            assert not at.exception
        codings = len(project.codings(source=SOURCE))
        characters = len(project.source(SOURCE)["text"])
    seconds, base = statistics.median(page), statistics.median(fetch)
    return [
        {
            "name": "coding_page",
            "characters": characters,
            "codings": codings,
            "seconds": seconds,
            "baseline": "fetching the source and its codings",
            "baseline_seconds": base,
            "ratio": seconds / base,
            "target_seconds": 1.5,
            "summary": f"Coding page, {characters} chars / {codings} codings: {seconds:.2f} s "
            f"(target 1.5 s) = {seconds / base:.1f} x fetching its data ({base * 1000:.0f} ms)",
        }
    ]
