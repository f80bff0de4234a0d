"""The four analysis displays on a project of 200 sources and 50,000 codings (target: each under 2 s).

Each is reported against a baseline run side by side on the same data:

* co-occurrence, framework matrix, timeline — a plain pandas ``groupby`` counting the same codings
  (source × code), read from the database with the same columns: the least any count of codings costs;
* word frequencies of one code's passages — ``jieba.lcut`` over the same passages (a private tokenizer).

Codings: every sentence of the synthetic corpus (bench.synthetic) gets one to three codes, so sentences
hold several codes and co-occurrence has real pairs to count; a tenth of the codings are suggestions,
which the displays leave out. Median of 3 runs after one warm-up (the tagger's dictionary load).

A harder framework case (``analysis_framework_dense``): one interview whose every span of one code is
coded by three coders, overlapping its neighbours — one cell holding thousands of codings, where choosing
the strongest quote by comparing every coding with every other would grow with their square. It is
measured at ``DENSE`` spans and at twice as many: growth near 2 × is linear.
"""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

import jieba
import pandas as pd
from sqlmodel import Session, select

from bench.bench_triangulation import median_seconds
from bench.synthetic import write_corpus
from coder import codebook, codebook_sync
from coder.analysis.loading import selection
from coder.db import migrate
from coder.db.engine import make_engine, transaction
from coder.db.models import Code, Coder, Coding, Segment, Source
from coder.project import Project
from coder.sources.corpus import import_paths

CODINGS = 50_000
TARGET = 2.0  # seconds
DENSE = 2_000  # spans of one code in one interview, each coded by DENSE_CODERS coders; then twice as many
DENSE_CODERS = 3


def build(folder: Path) -> str:
    """200 sources of about 5,000 characters and 50,000 codings on their sentences."""
    rng = random.Random(9)
    write_corpus(folder / "corpus", documents=200, characters=5_000, seed=13)
    url = f"sqlite:///{folder / 'analysis.sqlite'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    with transaction(engine) as session:
        codebook_sync.sync(session, codebook.load(codebook.PACKAGED_PATH))
    import_paths(engine, sorted((folder / "corpus").rglob("*.txt")))
    with transaction(engine) as session:
        person, tagger = Coder(name="bench"), Coder(name="tagger", role="system")
        session.add_all([person, tagger])
        session.flush()
        codes = session.exec(select(Code.id).where(Code.parent_id.is_not(None))).all()
        sentences = session.exec(select(Segment).where(Segment.kind == "sentence")).all()
        rows: dict[tuple, dict] = {}  # one coding per coder, span and code (the table's unique key)
        while len(rows) < CODINGS:
            s = rng.choice(sentences)
            for code in rng.sample(codes, rng.randint(1, 3)):
                suggested = rng.random() < 0.1
                coder = tagger.id if suggested else person.id
                rows[(s.source_id, code, s.start, s.end, coder)] = {
                    "source_id": s.source_id, "code_id": code, "start": s.start, "end": s.end, "coder_id": coder,
                    "status": "suggested" if suggested else "manual", "origin": "tagger" if suggested else "manual",
                }  # fmt: skip
        session.add_all(Coding(**row) for row in list(rows.values())[:CODINGS])
    return url


def baseline_counts(project: Project) -> pd.DataFrame:
    """A plain pandas count of the same evidence codings by source and code."""
    with Session(project.engine) as session:
        rows = session.exec(
            select(Coding.source_id, Coding.code_id, Coding.start, Coding.end, Source.kind, Source.date)
            .join(Source, Source.id == Coding.source_id)
            .where(Coding.status.in_(("accepted", "manual")))
        ).all()
    frame = pd.DataFrame(rows, columns=["source_id", "code_id", "start", "end", "kind", "date"])
    return frame.groupby(["source_id", "code_id"]).size()


def run() -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        url = build(Path(tmp))
        project = Project.open(url)
        with Session(project.engine) as session:
            codings = session.exec(select(Coding.id)).all()
            busiest = pd.Series(session.exec(select(Coding.code_id)).all()).value_counts().index[0]
        everything, one_code = selection(), selection(codes=[busiest])
        project.words(one_code)  # warm: the tagger's tokenizer for this codebook
        passages = _passages(project, busiest)
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        counts = median_seconds(lambda: baseline_counts(project))
        words_baseline = median_seconds(lambda: [tokenizer.lcut(p) for p in passages])
        times = {
            "cooccurrence": median_seconds(lambda: project.cooccurrence(everything)),
            "framework": median_seconds(lambda: project.framework("participant", everything)),
            "timeline": median_seconds(lambda: project.timeline(everything, "month")),
            "words": median_seconds(lambda: project.words(one_code, 50)),
        }
        frame = project.cooccurrence(everything)
        evidence = frame.attrs["codings"]
        dense = {spans: _dense_seconds(Path(tmp) / f"dense-{spans}", spans) for spans in (DENSE, 2 * DENSE)}
    baselines = {"cooccurrence": counts, "framework": counts, "timeline": counts, "words": words_baseline}
    results = []
    for name, seconds in times.items():
        base = baselines[name]
        what = "jieba.lcut over the same passages" if name == "words" else "pandas groupby of the same codings"
        results.append(
            {
                "name": f"analysis_{name}",
                "codings": len(codings),
                "evidence_codings": evidence,
                "seconds": round(seconds, 3),
                "baseline": what,
                "baseline_seconds": round(base, 3),
                "ratio": round(seconds / base, 2),
                "target_seconds": TARGET,
                "summary": f"{name} on {len(codings)} codings ({evidence} evidence): {seconds:.2f} s "
                f"(target {TARGET:.0f} s) = {seconds / base:.2f} × {what} ({base:.2f} s)",
            }
        )
    small, large = dense[DENSE], dense[2 * DENSE]
    results.append(
        {
            "name": "analysis_framework_dense",
            "codings": 2 * DENSE * DENSE_CODERS,
            "seconds": round(large, 3),
            "baseline": f"the same display on half as many codings ({DENSE * DENSE_CODERS})",
            "baseline_seconds": round(small, 3),
            "ratio": round(large / small, 2),
            "summary": f"framework, one cell of {2 * DENSE * DENSE_CODERS} overlapping codings by {DENSE_CODERS} "
            f"coders: {large:.2f} s = {large / small:.2f} × the same on {DENSE * DENSE_CODERS} codings "
            f"({small:.2f} s); 2 × is linear, 4 × quadratic",
        }
    )
    return results


def _dense_seconds(folder: Path, spans: int) -> float:
    """The framework matrix on one interview with ``spans`` overlapping spans of one code, each coded by
    every one of ``DENSE_CODERS`` coders."""
    folder.mkdir()
    (folder / "20240115MJQ.txt").write_text(
        "---\nkind: interview\ninterviewee: 马继强\n---\nMJQ：" + "以前考核就是走过场。" * (spans // 2 + 2) + "\n",
        encoding="utf-8",
    )
    url = f"sqlite:///{folder / 'dense.sqlite'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    with transaction(engine) as session:
        codebook_sync.sync(session, codebook.load(codebook.PACKAGED_PATH))
    import_paths(engine, [folder / "20240115MJQ.txt"])
    with transaction(engine) as session:
        coders = [Coder(name=f"coder{n}") for n in range(DENSE_CODERS)]
        session.add_all(coders)
        session.flush()
        start = len("MJQ：")
        session.add_all(
            Coding(source_id="20240115MJQ", code_id="scenario.backstage", start=start + 5 * n, end=start + 5 * n + 12,
                   coder_id=coder.id, status="manual", origin="manual")
            for n in range(spans) for coder in coders
        )  # fmt: skip
    project = Project.open(url)
    return median_seconds(lambda: project.framework("participant", selection()))


def _passages(project: Project, code: str) -> list[str]:
    """The text of one code's evidence codings, overlapping ones joined as the words display joins them."""
    with Session(project.engine) as session:
        rows = session.exec(
            select(Coding.source_id, Coding.start, Coding.end)
            .where(Coding.code_id == code, Coding.status.in_(("accepted", "manual")))
            .distinct()
        ).all()
        texts = dict(session.exec(select(Source.id, Source.text)).all())
    return [texts[source][start:end] for source, start, end in sorted(rows)]


if __name__ == "__main__":
    for result in run():
        print(result["summary"])
