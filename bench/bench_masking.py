"""Masking every quote of a corpus with a project's mask list (issue 19), against jieba cutting the same texts.

Corpus: 100 synthetic sources of about 5,000 characters (bench/synthetic.py) with names from a 60-entry list
planted in one sentence in five, plus one transcript of 8,000 characters without a single punctuation mark
(speech-to-text output often comes so: a single run jieba must cut whole). Quotes: 40 spans per source, each
60–300 characters, as a quote export masks them (``Masker.mask_span`` read in the whole text).

Baseline, run side by side: ``jieba.lcut`` of every source's whole text once, with a private tokenizer — the
least a masker that checks word boundaries must do. A masker is built fresh for each run (as every output
builds one), so the ratio includes finding the mentions, not only replacing them. Median of 3 runs after one
warm-up (jieba's dictionary load, once per process).
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from pathlib import Path

import jieba

from bench.synthetic import write_corpus
from coder.masking.apply import Entry, Masker
from coder.masking.rules import default_replacement

SURNAMES = "马陈王李张刘黄周吴郑孙赵钱何高林罗梁宋谢"
PLACES = ["石桥镇", "黄石滩村", "河湾街道", "青山乡", "柳树沟村", "东关镇", "南河村", "西岭乡", "北塘镇", "白沙村"]
QUOTES_PER_SOURCE = 40


def mask_list() -> list[Entry]:
    people = [(s + "书记", "person") for s in SURNAMES] + [(s + "主任", "person") for s in SURNAMES[:10]]
    people += [("老" + s, "person") for s in SURNAMES[:10]] + [(s + "明华", "person") for s in SURNAMES[:10]]
    listed = people + [(p, "place") for p in PLACES]
    return [Entry(text, default_replacement(kind, text), kind) for text, kind in listed]


def corpus(folder: Path, entries: list[Entry]) -> list[str]:
    rng = random.Random(19)
    write_corpus(folder, documents=100, characters=5_000, seed=19)
    texts = []
    for path in sorted(folder.rglob("*.txt")):
        lines = path.read_text(encoding="utf-8").split("\n")
        for i in range(0, len(lines), 5):
            lines[i] = f"{rng.choice(entries).text}说{lines[i]}"
        texts.append("\n".join(lines))
    run_on = "".join(ch for ch in "\n".join(texts[:3]) if "\u4e00" <= ch <= "\u9fff")
    texts.append(run_on[:8_000])  # one unpunctuated transcript
    return texts


def quotes(texts: list[str]) -> list[tuple[str, int, int]]:
    rng = random.Random(5)
    spans = []
    for text in texts:
        for _ in range(QUOTES_PER_SOURCE):
            start = rng.randrange(0, max(1, len(text) - 300))
            spans.append((text, start, start + rng.randint(60, 300)))
    return spans


def median_seconds(work, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        work()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def run() -> list[dict]:
    entries = mask_list()
    with tempfile.TemporaryDirectory() as tmp:
        texts = corpus(Path(tmp), entries)
    spans = quotes(texts)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()

    def mask_all() -> None:
        masker = Masker(entries)
        for text, start, end in spans:
            masker.mask_span(text, start, end)

    mask_all()  # warm: jieba's dictionary, once per process
    baseline = median_seconds(lambda: [tokenizer.lcut(text) for text in texts])
    masking = median_seconds(mask_all)
    characters = sum(len(text) for text in texts)
    summary = (
        f"{len(spans)} quotes of {len(texts)} sources ({characters:,} characters, {len(entries)} entries): "
        f"masked in {masking:.2f} s = {masking / baseline:.2f} × jieba over the texts ({baseline:.2f} s)"
    )
    return [
        {
            "name": "masking",
            "quotes": len(spans),
            "sources": len(texts),
            "characters": characters,
            "entries": len(entries),
            "masking_seconds": round(masking, 3),
            "baseline_jieba_seconds": round(baseline, 3),
            "ratio": round(masking / baseline, 2),
            "summary": summary,
        }
    ]


if __name__ == "__main__":
    print(run()[0]["summary"])
