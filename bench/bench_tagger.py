"""Tagging speed against raw jieba on a 5-million-character synthetic corpus (issue: tagger).

Each measurement runs in a fresh process (so jieba's dictionary load is always included, and peak
memory is that process's own) and is repeated; the median is reported:

* ``jieba``: ``jieba.lcut`` over every text — the baseline;
* ``suggest``: building the tagger and suggesting codes for the same texts in-process;
* ``tag``: ``qcoder tag`` end to end on an imported SQLite project (read, suggest, batched insert).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.processes import in_child, peak_mb, summarise

ROOT = Path(__file__).resolve().parents[1]
RUNS = 3


def child(what: str, folder: Path) -> None:
    texts = [p.read_text(encoding="utf-8").split("---\n", 2)[2] for p in sorted((folder / "corpus").rglob("*.txt"))]
    started = time.perf_counter()
    if what == "jieba":
        import jieba

        for text in texts:
            jieba.lcut(text)
    elif what == "suggest":
        from coder import codebook
        from coder.tagger import Tagger

        book = codebook.load(codebook.PACKAGED_PATH)
        tagger = Tagger(book.codes, book.version)
        count = sum(len(tagger.suggest(text)) for text in texts)
    elif what == "tag":
        from coder.db.engine import make_engine
        from coder.tagging import tag

        count = tag(make_engine(f"sqlite:///{folder / 'run.sqlite'}")).added
    seconds = time.perf_counter() - started
    peak = peak_mb()
    print(json.dumps({"seconds": seconds, "peak_mb": peak, "suggestions": locals().get("count")}))


def run() -> list[dict]:
    from bench.synthetic import write_corpus

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        characters = write_corpus(folder / "corpus")
        subprocess.run([sys.executable, "-m", "coder.cli", "--db", f"sqlite:///{folder / 'base.sqlite'}", "init"],
                       cwd=ROOT, check=True, capture_output=True)  # fmt: skip
        subprocess.run([sys.executable, "-m", "coder.cli", "--db", f"sqlite:///{folder / 'base.sqlite'}", "import",
                        str(folder / "corpus"), "--json"], cwd=ROOT, check=True, capture_output=True)  # fmt: skip
        results: dict[str, list[dict]] = {"jieba": [], "suggest": [], "tag": []}
        for _ in range(RUNS):
            for what in results:
                if what == "tag":
                    shutil.copy(folder / "base.sqlite", folder / "run.sqlite")
                results[what].append(in_child("bench.bench_tagger", what, folder))
    median, peak = summarise(results)
    return [
        {
            "name": "tagger",
            "characters": characters,
            "runs": RUNS,
            "median_seconds": median,
            "peak_mb": peak,
            "suggestions": results["tag"][0]["suggestions"],
            "ratio_suggest_to_jieba": median["suggest"] / median["jieba"],
            "ratio_tag_to_jieba": median["tag"] / median["jieba"],
            "summary": (
                f"{characters:,} chars: jieba.lcut {median['jieba']:.1f} s; suggest {median['suggest']:.1f} s "
                f"= {median['suggest'] / median['jieba']:.2f} x; tag into SQLite {median['tag']:.1f} s "
                f"= {median['tag'] / median['jieba']:.2f} x; peak {max(peak.values()):.0f} MB"
            ),
        }
    ]


if __name__ == "__main__":
    child(sys.argv[1], Path(sys.argv[2]))
