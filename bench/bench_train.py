"""Training the learned suggester on 2,000 labelled segments (issue: suggestions that learn).

Target: under a minute on 2 cores. Each measurement runs in a fresh process and is repeated; the
median is reported, side by side with a baseline on the same segments:

* ``jieba``: ``jieba.lcut`` over the 2,000 segments (dictionary load included) — what reading them costs;
* ``train``: building the tagger, the features and training the model from scratch (``learned.fit``);
* ``suggest``: combined suggestions for the same segments with the trained model, against
  ``keywords``: the keyword tagger alone on them.

Segments are synthetic sentences (bench/synthetic.py); every code is labelled on every segment (positive
where the codebook's keywords suggest it), the most a project can give.
"""

from __future__ import annotations

import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench.processes import in_child, peak_mb, summarise

RUNS = 3
SEGMENTS = 2_000


def segments() -> list[str]:
    from bench.synthetic import sentence

    rng = random.Random(2026)
    return ["".join(sentence(rng) for _ in range(rng.randint(1, 3))) for _ in range(SEGMENTS)]


def child(what: str, folder: Path) -> None:
    texts = segments()
    started = time.perf_counter()
    if what == "jieba":
        import jieba

        for text in texts:
            jieba.lcut(text)
    else:
        from coder import codebook, learned
        from coder.sources.segments import Span
        from coder.tagger import Tagger

        book = codebook.load(codebook.PACKAGED_PATH)
        tagger = Tagger(book.codes, book.version)
        codes = [c.id for c in book.codes]
        spans = [[Span("sentence", 0, len(text))] for text in texts]
        if what == "keywords":
            started = time.perf_counter()  # the tagger is built in every mode: time the suggestions only
            for text, span in zip(texts, spans, strict=True):
                tagger.suggest(text, span)
        elif what == "train":
            units = []
            for text, span in zip(texts, spans, strict=True):
                found = {s.code for s in tagger.suggest(text, span)}
                units.append(learned.Labelled(text, {code: float(code in found) for code in codes}))
            learned.save_new(learned.fit(tagger, units, codes), folder / "models", {"units": len(units)})
        elif what == "suggest":
            nlp, _ = learned.load(folder / "models" / "suggester-0001")
            started = time.perf_counter()
            for text, span in zip(texts, spans, strict=True):
                learned.suggest(nlp, tagger, text, span)
    print(json.dumps({"seconds": time.perf_counter() - started, "peak_mb": peak_mb()}))


def run() -> list[dict]:
    characters = sum(map(len, segments()))
    results: dict[str, list[dict]] = {"jieba": [], "train": [], "keywords": [], "suggest": []}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(RUNS):
            for what in results:
                if what == "train":
                    shutil.rmtree(Path(tmp, "models"), ignore_errors=True)
                results[what].append(in_child("bench.bench_train", what, Path(tmp)))
    median, peak = summarise(results)
    return [
        {
            "name": "train",
            "segments": SEGMENTS,
            "characters": characters,
            "runs": RUNS,
            "median_seconds": median,
            "peak_mb": peak,
            "ratio_train_to_jieba": median["train"] / median["jieba"],
            "ratio_combined_to_keywords": median["suggest"] / median["keywords"],
            "summary": (
                f"{SEGMENTS} segments ({characters:,} chars): train {median['train']:.1f} s (target < 60 s) "
                f"= {median['train'] / median['jieba']:.1f} x jieba.lcut ({median['jieba']:.1f} s); "
                f"combined suggestions {median['suggest']:.2f} s = "
                f"{median['suggest'] / median['keywords']:.1f} x keywords alone ({median['keywords']:.2f} s); "
                f"peak {max(peak.values()):.0f} MB"
            ),
        }
    ]


if __name__ == "__main__":
    child(sys.argv[1], Path(sys.argv[2]))
