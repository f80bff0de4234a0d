"""A suggester that learns from labelled sentences: spaCy ``textcat_multilabel`` over jieba tokens.

Nothing here touches a database or the network: it turns labelled sentences into a model, a model
into probabilities, and probabilities plus the keyword tagger's scores into suggestions.
:mod:`coder.training` decides what the labels are and where a project's models live.

* **Input.** A sentence's jieba tokens (the tagger's private tokenizer, so codebook terms stay whole)
  plus one token per code the keyword tagger finds evidence for there (``@structure.tiering``): the
  model learns how far each code's keywords are borne out in this project, and which other words go
  with the code.
* **Labels may be partial.** A labelled sentence names only the codes it knows about: a rejected
  suggestion says “not this code” and nothing of the others, and spaCy's multi-label text classifier
  leaves the codes an example does not name out of its loss.
* **Model.** ``spacy.TextCatBOW.v3``: a linear model over unigrams and bigrams of tokens. It trains
  from scratch on a CPU in seconds and, on the demo gold set, the CNN ensemble did no better.
* **Combined score**: the mean of the keyword score and the model's probability, suggested from
  ``COMBINED_MIN``. Both the rule and the threshold were chosen by leave-one-source-out
  cross-validation on the gold set's dev split, never by looking at the test split.
"""

from __future__ import annotations

import fcntl
import json
import random
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import fix_random_seed, minibatch

from coder.sources.segments import Span
from coder.tagger import Suggestion, Tagger, is_evidence

EPOCHS = 12
BATCH = 16
DROPOUT = 0.2
COMBINED_MIN = 0.25
META = "qcoder.json"
PIPE = "textcat_multilabel"
VERSION = re.compile(r"^suggester-(\d{4,})$")
_BOW = {
    "@architectures": "spacy.TextCatBOW.v3",
    "exclusive_classes": False,
    "ngram_size": 2,
    "no_output_layer": False,
    "length": 2**16,
}


@dataclass
class Labelled:
    """One sentence and what is known of it: code → 1.0 (applies) or 0.0 (does not); others unknown."""

    text: str
    cats: dict[str, float]


def features(tagger: Tagger, text: str, evidence: Iterable[str] | None = None) -> list[str]:
    """The tokens the model reads: jieba words, then one ``@code`` per code with keyword evidence in
    ``text`` (found here unless the caller has them already)."""
    if evidence is None:
        evidence = [s.code for s in tagger.suggest(text, [Span("sentence", 0, len(text))], min_score=0.0)]
    return [w for w in tagger.words(text) if w.strip()] + [f"@{code}" for code in evidence] or [text]


def _doc(nlp: Language, tokens: list[str]) -> Doc:
    return Doc(nlp.vocab, words=tokens, spaces=[False] * len(tokens))


def fit(
    tagger: Tagger,
    units: Sequence[Labelled],
    labels: Sequence[str],
    epochs: int = EPOCHS,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> Language:
    """A new model trained from scratch on ``units``; the same units and seed give the same model."""
    fix_random_seed(seed)
    nlp = spacy.blank("zh")
    classifier = nlp.add_pipe(PIPE, config={"model": _BOW})
    for label in labels:
        classifier.add_label(label)
    examples = []
    for unit in units:
        tokens = features(tagger, unit.text)
        example = Example(_doc(nlp, tokens), _doc(nlp, tokens))
        example.reference.cats = {code: value for code, value in unit.cats.items() if code in labels}
        examples.append(example)
    optimizer = nlp.initialize(lambda: examples)
    order = random.Random(seed)
    for epoch in range(epochs):
        order.shuffle(examples)
        for batch in minibatch(examples, size=BATCH):
            nlp.update(batch, sgd=optimizer, drop=DROPOUT)
        if progress:
            progress(epoch + 1, epochs)
    return nlp


def probabilities(nlp: Language, tagger: Tagger, texts: Sequence[str]) -> list[dict[str, float]]:
    """For each text, code → the model's probability that the code applies."""
    return _classify(nlp, (features(tagger, text) for text in texts))


def _classify(nlp: Language, tokens: Iterable[list[str]]) -> list[dict[str, float]]:
    docs = (_doc(nlp, words) for words in tokens)
    return [dict(doc.cats) for doc in nlp.get_pipe(PIPE).pipe(docs, batch_size=256)]


def combine(keyword: float, learned: float) -> float:
    return (keyword + learned) / 2


def suggest(
    nlp: Language,
    tagger: Tagger,
    text: str,
    sentences: Sequence[Span],
    mode: str = "combined",
    version: str | None = None,
) -> list[Suggestion]:
    """Suggestions for every evidence sentence from the model (``learned``) or the model and the
    keywords together (``combined``); keyword terms stay attached so a suggestion still says why. A code
    the model was not trained on (added to the codebook since) keeps its keyword suggestions."""
    keyword = {(s.start, s.code): s for s in tagger.suggest(text, sentences, min_score=0.0)}
    known = set(nlp.get_pipe(PIPE).labels)
    found = [s for s in keyword.values() if s.code not in known and s.score >= tagger.min_score]
    evidence = [s for s in sentences if is_evidence(text, s)]
    codes_at: dict[int, list[str]] = defaultdict(list)  # the keyword evidence is known: not found twice
    for start, code in keyword:
        codes_at[start].append(code)
    tokens = (features(tagger, text[s.start : s.end], codes_at[s.start]) for s in evidence)
    for sentence, probs in zip(evidence, _classify(nlp, tokens), strict=True):
        for code, probability in probs.items():
            matched = keyword.get((sentence.start, code))
            score = combine(matched.score if matched else 0.0, probability) if mode == "combined" else probability
            threshold = COMBINED_MIN if mode == "combined" else 0.5
            if score >= threshold:
                terms = matched.terms if matched else []
                found.append(Suggestion(code, score, sentence.start, sentence.end, terms, version or tagger.version))
    return found


def save_new(nlp: Language, folder: Path, meta: dict) -> str:
    """Write the model and what it was trained on as the next version under ``folder``; its name.

    The number is chosen and its folder claimed under a lock, so two trainings at once (two app servers,
    a server and the command line) get two versions; the folder takes its final name only when whole.
    """
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        taken = [int(m.group(1)) for p in folder.iterdir() if (m := VERSION.match(p.name.removesuffix(".partial")))]
        name = f"suggester-{max(taken, default=0) + 1:04d}"
        draft = folder / f"{name}.partial"
        draft.mkdir()
    nlp.to_disk(draft)
    (draft / META).write_text(json.dumps({**meta, "version": name}, ensure_ascii=False, indent=2), encoding="utf-8")
    draft.rename(folder / name)
    return name


def load(folder: Path) -> tuple[Language, dict]:
    return spacy.load(folder), json.loads((folder / META).read_text(encoding="utf-8"))
