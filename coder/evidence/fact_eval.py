"""How well :func:`coder.evidence.facts.group` tells one fact from two, on labelled pairs of figures.

A pair is two sentences from two sources, each stating one figure (or naming the one it means), labelled
``same`` (one fact, one value), ``conflict`` (one fact, different values) or ``different`` (two facts).
Each pair is grouped on its own, as triangulation would group those two statements, and scored twice:

* **same fact** — predicted one fact ↔ labelled ``same`` or ``conflict``;
* **conflict** — predicted one fact with disagreeing values ↔ labelled ``conflict``.

Run it with ``python -m coder.evidence.fact_eval tests/data/fact_pairs*.yaml`` (``--json`` for the counts
and every pair scored wrong). The pairs live with the tests, not here: this module only reads and scores.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from coder.errors import QcoderError
from coder.evidence import facts
from coder.evidence.figures import agree

LABELS = ("same", "conflict", "different")


@dataclass(frozen=True)
class Side:
    """One source's sentence, the figure meant (as written, when it holds several) and its date."""

    text: str
    figure: str | None = None
    date: dt.date | None = None


@dataclass(frozen=True)
class Pair:
    number: int  # 1-based, in file order: how a person finds it
    a: Side
    b: Side
    label: str
    note: str = ""


def load(path: Path) -> list[Pair]:
    """The labelled pairs of a YAML file (see tests/data/fact_pairs.yaml for the layout)."""
    entries = yaml.safe_load(Path(path).read_text(encoding="utf-8"))["pairs"]
    pairs = []
    for number, entry in enumerate(entries, 1):
        if entry.get("label") not in LABELS:
            raise QcoderError(
                f"{path} 第 {number} 对：标签“{entry.get('label')}”应为 {'、'.join(LABELS)} 之一",
                f"{path} pair {number}: label '{entry.get('label')}' must be one of {', '.join(LABELS)}",
            )
        pairs.append(Pair(number, _side(entry["a"]), _side(entry["b"]), entry["label"], entry.get("note", "")))
    return pairs


def _side(entry: str | dict[str, Any]) -> Side:
    if isinstance(entry, str):
        return Side(entry)
    return Side(entry["text"], entry.get("figure"), entry.get("date"))


def predict(pair: Pair) -> tuple[str, list[facts.Statement]]:
    """What grouping the pair's two statements says: ``same``, ``conflict`` or ``different``."""
    first, second = _statement(pair, pair.a, "A"), _statement(pair, pair.b, "B")
    grouped = facts.group([first, second])
    if len(grouped) != 1:
        return "different", [first, second]
    return ("conflict" if grouped[0].status == "conflict" else "same"), [first, second]


def _statement(pair: Pair, side: Side, source: str) -> facts.Statement:
    """The side's figure as a statement; a pair whose figure is not read (or not the one meant) is a
    mistake in the pairs, not a prediction."""
    found = facts.statements_in(side.text, (0, len(side.text)), source, "media", side.date)
    chosen = [s for s in found if side.figure is None or s.figure.text == side.figure]
    if len(chosen) != 1:
        raise QcoderError(
            f"第 {pair.number} 对：“{side.text}”应恰好读出一个数字（读出 {[s.figure.text for s in found]}）",
            f"pair {pair.number}: '{side.text}' must state exactly one figure (read {[s.figure.text for s in found]})",
        )
    return chosen[0]


def score(pairs: list[Pair]) -> dict[str, Any]:
    """Counts, precision and recall of "same fact" and of "conflict", and the pairs scored wrong."""
    counts = {"same_fact": {"tp": 0, "fp": 0, "fn": 0}, "conflict": {"tp": 0, "fp": 0, "fn": 0}}
    wrong = []
    for pair in pairs:
        predicted, statements = predict(pair)
        _check_label(pair, statements)
        for name, holds in (("same_fact", lambda label: label != "different"), ("conflict", "conflict".__eq__)):
            truth, guess = holds(pair.label), holds(predicted)
            if truth or guess:
                counts[name]["tp" if truth and guess else "fp" if guess else "fn"] += 1
        if predicted != pair.label:
            wrong.append({"pair": pair.number, "label": pair.label, "predicted": predicted, "note": pair.note})
    for c in counts.values():
        c["precision"] = round(c["tp"] / (c["tp"] + c["fp"]), 3) if c["tp"] + c["fp"] else None
        c["recall"] = round(c["tp"] / (c["tp"] + c["fn"]), 3) if c["tp"] + c["fn"] else None
    return {"pairs": len(pairs), **counts, "wrong": wrong}


def _check_label(pair: Pair, statements: list[facts.Statement]) -> None:
    """``conflict`` needs values that disagree and ``same`` values that agree: otherwise the label is wrong."""
    first, second = (s.figure for s in statements)
    if pair.label == "different" or first.measure != second.measure:
        return
    if (pair.label == "conflict") == agree(first.measure, first.value, second.value):
        raise QcoderError(
            f"第 {pair.number} 对标为 {pair.label}，但读出的数值是 {first.value} 和 {second.value}",
            f"pair {pair.number} is labelled {pair.label} but its values read {first.value} and {second.value}",
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pairs", type=Path, nargs="+", help="YAML files of labelled pairs")
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args(argv)
    results = {str(path): score(load(path)) for path in options.pairs}
    if options.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
        return
    for path, result in results.items():
        print(f"{path}: {result['pairs']} pairs")
        for name in ("same_fact", "conflict"):
            c = result[name]
            print(
                f"  {name}: precision {c['precision']} recall {c['recall']} (TP {c['tp']}, FP {c['fp']}, FN {c['fn']})"
            )
        for item in result["wrong"]:
            print(f"    pair {item['pair']}: labelled {item['label']}, predicted {item['predicted']} — {item['note']}")


if __name__ == "__main__":
    main()
