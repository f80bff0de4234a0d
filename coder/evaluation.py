"""Measure suggestions against gold codings: precision, recall and F1 per code and per dimension.

The unit is the sentence, as for the tagger. A gold coding is a code and an exact quote; it labels
every sentence that lies mostly inside the quote (or holds most of it), so a gold quote of one
sentence and a quote without its closing quotation mark label the same sentence. A (sentence, code)
pair is a true positive when the gold and the suggestions both have it; dimensions are compared the
same way with each code replaced by its dimension.

With ``unit="turn"`` the same pairs are read one level up — the speaker turn of an interview, the
paragraph (line) of a policy text or report — which is how a researcher skimming a transcript meets
the suggestions: “this answer is about 揭榜挂帅”.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from coder import limits
from coder.errors import QcoderError
from coder.sources.ids import canonical
from coder.sources.segments import Span

NONE = "(none)"


@dataclass
class GoldFile:
    path: Path
    source: str
    codings: list[tuple[str, str]]  # (code id, exact quote)


def gold_paths(path: Path) -> list[Path]:
    """One ``*.yaml`` file, or every one under a folder (sub-folders such as dev/ and test/ included)."""
    path = Path(path)
    files = [path] if path.is_file() else sorted(path.rglob("*.yaml"))
    if not files:
        raise QcoderError(f"{path} 下没有金标准文件（*.yaml）", f"no gold files (*.yaml) under {path}")
    return files


def read_gold(path: Path) -> GoldFile:
    """One file of codings written as quotes; a malformed one is named with what it needs."""
    try:
        data = yaml.load(limits.read_yaml_file(path), Loader=limits.NoAliasLoader)
        codings = [(str(item["code"]), str(item["quote"])) for item in data["codings"]]
        return GoldFile(path, canonical(str(data["source"])), codings)
    except (yaml.YAMLError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise QcoderError(
            f"金标准文件 {path} 格式有误（需要 source 和 codings: [code, quote]）：{exc}",
            f"gold file {path} is malformed (needs source and codings: [code, quote]): {exc}",
        ) from None


def load_gold(path: Path) -> list[GoldFile]:
    return [read_gold(file) for file in gold_paths(path)]


def gold_units(gold: GoldFile, text: str, sentences: list[Span]) -> set[tuple[int, str]]:
    """The (sentence index, code) pairs a gold file labels."""
    pairs = set()
    for code, quote in gold.codings:
        start = text.find(quote)
        if start < 0:
            raise QcoderError(
                f"金标准 {gold.path}：来源 {gold.source} 中找不到引文“{quote[:30]}”",
                f"gold {gold.path}: quote “{quote[:30]}” is not in source {gold.source}",
            )
        pairs.update((index, code) for index in covered(sentences, start, start + len(quote)))
    return pairs


def covered(sentences: list[Span], start: int, end: int) -> list[int]:
    """The sentences a span labels: those mostly inside it, or holding most of it."""
    first = max(bisect.bisect_right([s.end for s in sentences], start), 0)
    found = []
    for index in range(first, len(sentences)):
        sentence = sentences[index]
        if sentence.start >= end:
            break
        overlap = min(end, sentence.end) - max(start, sentence.start)
        if overlap > 0 and (overlap * 2 > sentence.end - sentence.start or overlap * 2 > end - start):
            found.append(index)
    return found


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, gold: set, predicted: set) -> None:
        self.tp += len(gold & predicted)
        self.fp += len(predicted - gold)
        self.fn += len(gold - predicted)

    def scores(self) -> dict[str, float | int]:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": precision, "recall": recall, "f1": f1}


UNITS = ("sentence", "turn")
SUMMARIES = ("code_micro", "code_macro", "dimension_micro", "dimension_macro")


def enclosing(sentences: list[Span], containers: list[tuple[int, int]]) -> list[int]:
    """For each sentence, the index of the container (turn or paragraph) it starts in."""
    starts = [start for start, _ in containers]
    return [max(bisect.bisect_right(starts, s.start) - 1, 0) for s in sentences]


def paragraphs(text: str) -> list[tuple[int, int]]:
    """The non-blank lines of a text as (start, end)."""
    found, offset = [], 0
    for line in text.split("\n"):
        if line.strip():
            found.append((offset, offset + len(line)))
        offset += len(line) + 1
    return found


def report(
    units: Iterable[tuple[str, set[tuple[int, str]], set[tuple[int, str]]]],
    dimension_of: dict[str, str],
    unit: str = "sentence",
) -> dict:
    """Scores from (source, gold pairs, predicted pairs) per source; codes map to dimensions."""
    per_code: dict[str, Counts] = {code: Counts() for code in dimension_of if "." in code}
    per_dimension: dict[str, Counts] = {dim: Counts() for dim in set(dimension_of.values())}
    confusion: Counter[tuple[str, str]] = Counter()
    sources = []
    for source, gold, predicted in units:
        sources.append(source)
        for code, counts in per_code.items():
            counts.add({u for u in gold if u[1] == code}, {u for u in predicted if u[1] == code})
        gold_dims = {(i, dimension_of[c]) for i, c in gold}
        predicted_dims = {(i, dimension_of[c]) for i, c in predicted}
        for dim, counts in per_dimension.items():
            counts.add({u for u in gold_dims if u[1] == dim}, {u for u in predicted_dims if u[1] == dim})
        confusion.update(_confusion(gold_dims, predicted_dims))
    return {
        "unit": unit,
        "sources": sources,
        "codes": {code: c.scores() for code, c in sorted(per_code.items())},
        "dimensions": {dim: c.scores() for dim, c in sorted(per_dimension.items())},
        "code_micro": _micro(per_code.values()),
        "code_macro": _macro(per_code.values()),
        "dimension_micro": _micro(per_dimension.values()),
        "dimension_macro": _macro(per_dimension.values()),
        "dimension_confusion": [{"gold": g, "predicted": p, "count": n} for (g, p), n in sorted(confusion.items())],
    }


def _confusion(gold: set[tuple[int, str]], predicted: set[tuple[int, str]]) -> Counter[tuple[str, str]]:
    """Per sentence: hits on the diagonal; a missed gold dimension against each wrongly predicted one."""
    counts: Counter[tuple[str, str]] = Counter()
    for index in {i for i, _ in gold | predicted}:
        g = {d for i, d in gold if i == index}
        p = {d for i, d in predicted if i == index}
        for dim in g & p:
            counts[(dim, dim)] += 1
        missed, extra = g - p, p - g
        for dim in missed:
            for other in extra or {NONE}:
                counts[(dim, other)] += 1
        if not missed:
            for other in extra:
                counts[(NONE, other)] += 1
    return counts


def _micro(counts: Iterable[Counts]) -> dict[str, float | int]:
    total = Counts()
    for c in counts:
        total.tp, total.fp, total.fn = total.tp + c.tp, total.fp + c.fp, total.fn + c.fn
    return total.scores()


def _macro(counts: Iterable[Counts]) -> dict[str, float]:
    scored = [c.scores() for c in counts if c.tp + c.fn > 0]  # codes with gold evidence
    if not scored:
        return {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    return {k: sum(s[k] for s in scored) / len(scored) for k in ("precision", "recall", "f1")}
