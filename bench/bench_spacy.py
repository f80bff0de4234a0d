"""Does spaCy earn a place in the tagger's hot path? Its Chinese pipeline against plain jieba.

``spacy.blank("zh")`` with the jieba segmenter and a sentencizer gives Doc/Span objects and sentence
boundaries. The tagger needs neither on every text (it segments only the runs that hold candidate
terms, and sentences come from the import), so the question is what that convenience would cost.
Measured on the same 1,000,000 characters of the synthetic corpus, both warmed up, median of 3.
"""

from __future__ import annotations

import random
import statistics
import time

import jieba
import spacy

from bench.synthetic import document

CHARACTERS = 1_000_000


def run() -> list[dict]:
    rng = random.Random(7)
    texts = [document(rng, 25_000, "interview") for _ in range(CHARACTERS // 25_000)]
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    nlp.add_pipe("sentencizer", config={"punct_chars": ["。", "！", "？", "!", "?", "…", "\n"]})
    jieba.lcut("预热")
    list(nlp.pipe(texts[:1]))

    def seconds(work) -> float:
        started = time.perf_counter()
        work()
        return time.perf_counter() - started

    # Interleaved rounds, so a slow spell of the machine hits both sides alike.
    rounds = [
        (
            seconds(lambda: [jieba.lcut(t) for t in texts]),
            seconds(lambda: [len(list(d.sents)) for d in nlp.pipe(texts)]),
        )
        for _ in range(3)
    ]
    base = statistics.median(r[0] for r in rounds)
    with_spacy = statistics.median(r[1] for r in rounds)
    return [
        {
            "name": "spacy",
            "characters": sum(map(len, texts)),
            "jieba_seconds": base,
            "spacy_seconds": with_spacy,
            "ratio": with_spacy / base,
            "summary": f"spaCy zh (jieba + sentencizer) {with_spacy:.1f} s = {with_spacy / base:.2f} x jieba.lcut "
            f"({base:.1f} s) on 1M chars",
        }
    ]
