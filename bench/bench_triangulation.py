"""Triangulation and quote export on a project of 200 sources and 20,000 evidence codings.

Reported against a baseline run side by side: segmenting every evidence quote with ``jieba.lcut`` (the
least any check that reads the evidence's words must do). Figures are planted in one sentence in ten, so
the fact cross-check has real work. Median of 3 runs after one warm-up (the tagger's dictionary load).
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from pathlib import Path

import jieba
from sqlmodel import Session, select

from bench.synthetic import write_corpus
from coder import codebook, codebook_sync
from coder.db import migrate
from coder.db.engine import make_engine, transaction
from coder.db.models import Code, Coder, Coding, Segment
from coder.evidence import triangulation
from coder.export.quotes import Selection
from coder.project import Project
from coder.sources.corpus import import_paths

CODINGS = 20_000
FIGURES = ["全区提拔重用干部{n}名。", "群众满意度达到{p}%。", "三个方阵的比例为{a}:{b}:1。", "共发布揭榜项目{n}个。"]


def build(folder: Path) -> str:
    rng = random.Random(5)
    corpus = folder / "corpus"
    write_corpus(corpus, documents=200, characters=5_000, seed=11)
    for path in sorted(corpus.rglob("*.txt")):  # plant figures: one sentence in ten states one
        lines = path.read_text(encoding="utf-8").split("\n")
        for i in range(0, len(lines), 10):
            lines[i] += rng.choice(FIGURES).format(n=rng.randint(10, 300), p=rng.choice([95.1, 96.37]),
                                                   a=rng.choice([3, 3.5]), b=rng.choice([6, 5.5]))  # fmt: skip
        path.write_text("\n".join(lines), encoding="utf-8")
    url = f"sqlite:///{folder / 'tri.sqlite'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    with transaction(engine) as session:
        codebook_sync.sync(session, codebook.load(codebook.PACKAGED_PATH))
    import_paths(engine, sorted(corpus.rglob("*.txt")))
    with transaction(engine) as session:
        coder = Coder(name="bench")
        session.add(coder)
        session.flush()
        codes = session.exec(select(Code.id).where(Code.parent_id.is_not(None))).all()
        sentences = session.exec(select(Segment).where(Segment.kind == "sentence")).all()
        picked = rng.sample(sentences, min(CODINGS, len(sentences)))
        session.add_all(
            Coding(source_id=s.source_id, code_id=rng.choice(codes), start=s.start, end=s.end, status="manual",
                   origin="manual", coder_id=coder.id)
            for s in picked
        )  # fmt: skip
    return url


def median_seconds(work, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run() -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        url = build(Path(tmp))
        project = Project.open(url)
        project.triangulate()  # warm: the tagger's tokenizer for this codebook
        quotes = [row["full_quote"] for row in project.quotes(Selection(max_chars=0))]
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        baseline = median_seconds(lambda: [tokenizer.lcut(q) for q in quotes])
        check = median_seconds(project.triangulate)
        markdown = median_seconds(lambda: project.export_quotes(Selection(), "md"))
        excel = median_seconds(lambda: project.export_quotes(Selection(), "xlsx"))
        with Session(project.engine) as session:
            result = triangulation.check(session)
    summary = (
        f"{len(quotes)} evidence codings: triangulate {check:.2f} s = {check / baseline:.2f} × jieba over the quotes "
        f"({baseline:.2f} s); export quotes md {markdown:.2f} s, xlsx {excel:.2f} s; "
        f"{len(result['facts'])} facts compared across sources"
    )
    return [
        {
            "name": "triangulation",
            "codings": len(quotes),
            "triangulate_seconds": round(check, 3),
            "baseline_jieba_seconds": round(baseline, 3),
            "ratio": round(check / baseline, 2),
            "export_md_seconds": round(markdown, 3),
            "export_xlsx_seconds": round(excel, 3),
            "facts": len(result["facts"]),
            "summary": summary,
        }
    ]


if __name__ == "__main__":
    print(run()[0]["summary"])
