"""The Retrieve page's whole-text search (coder.search) on the demo project and on 200 sources of about
5,000 characters with 50,000 codings (bench.bench_analysis's project). Target: well under a second on the
demo, each query.

Queries: a substring (考核), any of the words (考核排名 → 考核, 排名, as the tagger cuts them), only the uncoded
hits of a substring, and no text at all (the coded passages, or every uncoded sentence). Baseline: a plain
``str.find`` loop over every source's text for the same substring, read from the database — the least a
substring search of the whole text costs. Median of 3 runs after one warm-up (the tagger's dictionary).
The downloads (``export_search``) are timed on the demo too, masked as the page makes them.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from sqlmodel import Session, select

from bench.bench_analysis import build as build_large
from bench.bench_triangulation import median_seconds
from coder import demo
from coder.db.models import Source
from coder.project import Project
from coder.retrieval import Query

TARGET = 1.0  # seconds, on the demo
QUERIES = {
    "substring": Query(text="考核"),
    "any_word": Query(text="考核排名", match="words"),
    "uncoded_substring": Query(text="考核", coded="uncoded"),
    "coded_passages": Query(),
    "uncoded_sentences": Query(coded="uncoded"),
}


def baseline(project: Project, word: str) -> int:
    with Session(project.engine) as session:
        texts = session.exec(select(Source.text)).all()
    found = 0
    for text in texts:
        at = text.find(word)
        while at >= 0:
            found += 1
            at = text.find(word, at + len(word))
    return found


def measure(project: Project, corpus: str) -> list[dict]:
    project.search(QUERIES["any_word"])  # warm: the tagger's tokenizer for this codebook
    base = median_seconds(lambda: baseline(project, "考核"))
    results = []
    for name, query in QUERIES.items():
        seconds = median_seconds(lambda query=query: project.search(query))
        found = project.search(query)
        results.append(
            {
                "name": f"search_{corpus}_{name}",
                "hits": len(found["hits"]),
                "coded": found["coded"],
                "seconds": round(seconds, 3),
                "baseline": "str.find over every source's text (考核)",
                "baseline_seconds": round(base, 4),
                "target_seconds": TARGET,
                "summary": f"{corpus} {name}: {len(found['hits'])} hits ({found['coded']} coded) in {seconds:.3f} s "
                f"(target {TARGET:.0f} s on the demo; str.find alone {base:.3f} s)",
            }
        )
    return results


def run() -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'demo.sqlite'}"
        demo.build_demo(url)
        project = Project.open(url)
        results = measure(project, "demo")
        for fmt in ("md", "xlsx", "docx"):
            project.export_search(QUERIES["substring"], fmt)  # warm: the masker's dictionary
            seconds = median_seconds(lambda fmt=fmt: project.export_search(QUERIES["substring"], fmt))
            results.append(
                {
                    "name": f"search_demo_download_{fmt}",
                    "seconds": round(seconds, 3),
                    "summary": f"demo download of the 考核 hits as {fmt}, masked: {seconds:.2f} s",
                }
            )
        results += measure(Project.open(build_large(Path(tmp) / "large")), "large")
    return results


if __name__ == "__main__":
    for result in run():
        print(result["summary"])
