"""Labelled figure pairs: how well triangulation tells one fact from two, pinned so that a change shows.

The rule before quantities and subjects (wording alone, commit 0638160) scored, as TP/FP/FN:
fact_pairs.yaml same fact 43/7/19, conflict 17/7/7; fact_pairs_heldout.yaml same fact 17/6/4, conflict 8/4/1.
"""

from pathlib import Path

import pytest

from coder.errors import QcoderError
from coder.evidence import fact_eval

DATA = Path(__file__).with_name("data")


def counts(result):
    return {name: (result[name]["tp"], result[name]["fp"], result[name]["fn"]) for name in ("same_fact", "conflict")}


@pytest.mark.parametrize(
    ("name", "pairs", "expected"),
    [
        ("fact_pairs.yaml", 106, {"same_fact": (57, 3, 5), "conflict": (21, 3, 3)}),
        ("fact_pairs_heldout.yaml", 35, {"same_fact": (17, 0, 4), "conflict": (7, 0, 2)}),
    ],
)
def test_the_scores_on_the_labelled_pairs_are_pinned(name, pairs, expected):
    """A better rule changes these numbers on purpose (update them and the README); a worse one by accident."""
    result = fact_eval.score(fact_eval.load(DATA / name))
    assert result["pairs"] == pairs
    assert counts(result) == expected


def test_the_set_holds_every_kind_of_near_miss_the_rule_must_tell_apart():
    pairs = fact_eval.load(DATA / "fact_pairs.yaml")
    labels = [p.label for p in pairs]
    assert len(pairs) >= 80 and min(labels.count(label) for label in fact_eval.LABELS) >= 20
    texts = {p.a.text + "｜" + p.b.text: p.label for p in pairs}
    assert texts["满意度权重占百分之三十。｜满意度权重占百分之三十五。"] == "conflict"
    assert texts["参加考核的干部1286名。｜报名揭榜的干部210名。"] == "different"
    assert texts["机关干部满意度为92%。｜群众满意度为92%。"] == "different"


def write(tmp_path, body):
    path = tmp_path / "pairs.yaml"
    path.write_text("pairs:\n" + body, encoding="utf-8")
    return path


def test_a_pair_scores_as_one_fact_a_conflict_or_two_facts(tmp_path):
    path = write(
        tmp_path,
        "  - {a: 满意度权重占百分之三十。, b: 满意度权重占百分之三十五。, label: conflict}\n"
        "  - {a: 满意度权重占百分之三十。, b: 群众满意度是96.37%。, label: different}\n"
        "  - {a: 全区群众满意度为96.37%。, b: 群众满意度是96.37%。, label: different}\n",  # wrongly, on purpose
    )
    result = fact_eval.score(fact_eval.load(path))
    assert counts(result) == {"same_fact": (1, 1, 0), "conflict": (1, 0, 0)}
    assert [(w["pair"], w["predicted"]) for w in result["wrong"]] == [(3, "same")]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "  - {a: 群众满意度是96.37%。, b: 全区群众满意度为96.37%。, label: conflict}\n",
            "pair 1 is labelled conflict",
        ),
        ("  - {a: 群众满意度由89%提升到96.37%。, b: 群众满意度是89%。, label: same}\n", "exactly one figure"),
        ("  - {a: 群众满意度是96.37%。, b: 满意度96.37%。, label: equal}\n", "must be one of"),
    ],
)
def test_a_mistake_in_the_pairs_is_refused_not_scored(tmp_path, body, message):
    with pytest.raises(QcoderError, match=message):
        fact_eval.score(fact_eval.load(write(tmp_path, body)))
