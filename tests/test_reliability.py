"""Inter-coder agreement (coder.reliability, qcoder icr): the statistics against published worked examples
and the `krippendorff` and irrCAC packages, then a tiny two-coder corpus whose agreement can be worked out by
hand, at the segment and the character unit, with and without uncoded text; three coders (α and AC1, no κ;
missing data); how far each coder coded each source, the warning about unfinished sources and leaving them
out; the errors; the exports."""

from __future__ import annotations

import io
import json
from pathlib import Path

import krippendorff
import numpy as np
import pytest
import yaml
from docx import Document
from openpyxl import load_workbook

from coder.reliability import (
    assign,
    cohen_kappa,
    gwet_ac1,
    krippendorff_alpha,
    pairwise_agreement,
    value_counts,
)
from tests.helpers import write

X = None  # a missing value
FOUR_OBSERVERS = [  # Krippendorff (2011), section C; Gwet's irrCAC ships it as raw_4raters (units × raters)
    [1, 2, 3, 3, 2, 1, 4, 1, 2, X, X, X],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, X, 3],
    [X, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, X],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, X],
]


def irrcac_ac1(data: np.ndarray | list, categories: list[float]) -> float:
    """irrCAC's AC1 of reliability data (one row per coder, NaN or None missing). The categories are given:
    irrCAC 0.4.4 finds them with ``DataFrame.stack()``, which keeps NaN under pandas 3, so NaN would count as
    one more category (AC1 0.7855 instead of 0.7754 on Krippendorff's data)."""
    import pandas as pd

    try:
        from irrCAC.raw import CAC
    except ImportError:  # not a dev extra (its pins exclude pandas 3): `make test` installs it
        pytest.fail("irrCAC is missing: run `make test`, which installs it (pip install --no-deps irrcac==0.4.4)")

    ratings = pd.DataFrame(np.array(data, dtype=float).T)
    return float(CAC(ratings, categories=categories, digits=15).gwet()["est"]["coefficient_value"])


# Published worked examples ---------------------------------------------------------------------------


def test_krippendorff_binary_two_observers():
    """Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg School for
    Communication, University of Pennsylvania, section A "Binary or dichotomous data, two observers, no
    missing data": ten units, α = 1 − (n − 1)·o₀₁ / (n₀·n₁) = 1 − 19·4 / (14·6) = 0.095."""
    counts, _ = value_counts([[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]])
    assert krippendorff_alpha(counts) == pytest.approx(1 - 19 * 4 / (14 * 6))
    assert round(krippendorff_alpha(counts), 3) == 0.095


def test_krippendorff_nominal_two_observers():
    """Krippendorff (2011), section B "Nominal data, two observers, no missing data": twelve units, five
    values a–e, α = 0.692."""
    counts, _ = value_counts([list("aabbdcccedda"), list("babbbcccedd" + "d")])
    assert round(krippendorff_alpha(counts), 3) == 0.692


def test_krippendorff_nominal_many_observers_missing_data():
    """Krippendorff (2011), section C "Nominal data, any number of observers, missing data": four
    observers, twelve units, values missing throughout (unit 12 has a single value and is unpairable),
    α = 0.743."""
    counts, _ = value_counts(FOUR_OBSERVERS)
    assert round(krippendorff_alpha(counts), 3) == 0.743


def test_gwet_ac1_many_raters_missing_ratings():
    """Krippendorff's data again, the worked example of AC1 with missing ratings in irrCAC's documentation
    (the package follows Gwet 2014, Handbook of Inter-Rater Reliability, 4th ed.; it prints AC1 = 0.77544,
    p_a = 0.81818, p_e = 0.19032). By hand: p_a over the 11 units with two ratings or more = 9/11 (units 2 and 8 agree in
    3 of 6 pairs, unit 6 in none, the others in all); π = (3, 3.25, 3.5, 1.25, 1) / 12 over the 12 rated
    units, so p_e = (1 − Σπ²) / (q − 1) = (1 − 34.375/144) / 4; AC1 = (p_a − p_e) / (1 − p_e)."""
    counts, _ = value_counts(FOUR_OBSERVERS)
    chance = (1 - 34.375 / 144) / 4
    assert round(chance, 5) == 0.19032
    assert gwet_ac1(counts) == pytest.approx((9 / 11 - chance) / (1 - chance))
    assert round(gwet_ac1(counts), 5) == 0.77544
    assert gwet_ac1(counts) == pytest.approx(irrcac_ac1(FOUR_OBSERVERS, [1.0, 2.0, 3.0, 4.0, 5.0]), abs=1e-12)


def test_a_rare_code_keeps_ac1_high_where_kappa_and_alpha_fall():
    """The prevalence paradox: of 100 units both coders apply the code to 1, each alone to 4, neither to 91.
    Agreement 0.92; κ: p_e = 0.05² + 0.95² = 0.905, κ = 0.015 / 0.095 = 3/19; AC1: π = 0.05, p_e = 2 · 0.05 ·
    0.95 = 0.095, AC1 = 0.825 / 0.905 = 165/181."""
    first = [1] + [1] * 4 + [0] * 4 + [0] * 91
    second = [1] + [0] * 4 + [1] * 4 + [0] * 91
    counts, _ = value_counts([first, second])
    assert pairwise_agreement(counts) == pytest.approx(0.92)
    assert cohen_kappa([[91, 4], [4, 1]]) == pytest.approx(3 / 19)
    assert krippendorff_alpha(counts) < 0.2
    assert gwet_ac1(counts) == pytest.approx(165 / 181)


def test_cohen_kappa_worked_examples():
    """Wikipedia, "Cohen's kappa", section "Examples": the simple example (50 grant proposals read by two
    readers: 20 yes/yes, 5 A-yes/B-no, 10 A-no/B-yes, 15 no/no; p_o = 0.7, p_e = 0.5, κ = 0.4) and "Same
    percentages but different numbers" (45/15/25/15 → κ = 0.1304; 25/35/5/35 → κ = 0.2593)."""
    assert cohen_kappa([[20, 5], [10, 15]]) == pytest.approx(0.4)
    assert round(cohen_kappa([[45, 15], [25, 15]]), 4) == 0.1304
    assert round(cohen_kappa([[25, 35], [5, 35]]), 4) == 0.2593


def test_undefined_statistics_are_none():
    """Only one value (nobody ever applied the code): chance agreement is already perfect."""
    assert cohen_kappa([[0, 0], [0, 10]]) is None
    assert cohen_kappa([[0, 0], [0, 0]]) is None
    counts, _ = value_counts([[0, 0, 0], [0, 0, 0]])
    assert krippendorff_alpha(counts) is None
    assert pairwise_agreement(counts) == 1.0
    assert gwet_ac1(counts) is None  # a scale of one value
    assert gwet_ac1(counts, categories=2) == 1.0  # applied / not: chance agreement 0, AC1 = p_a
    assert gwet_ac1(np.zeros((3, 2))) is None  # no unit anyone decided


@pytest.mark.parametrize("seed", range(12))
def test_alpha_matches_the_krippendorff_package(seed):
    """Random nominal data with missing values, two to five coders: the same α as the `krippendorff`
    package; a unit of weight w counts as w identical units (how character runs are weighted)."""
    rng = np.random.default_rng(seed)
    coders, units, values = rng.integers(2, 6), rng.integers(5, 80), rng.integers(2, 5)
    data = rng.integers(0, values, (coders, units)).astype(float)
    data[rng.random(data.shape) < 0.3] = np.nan
    data[:2, 0] = [0, 1]  # at least one pairable unit and two values
    counts, _ = value_counts(data.tolist())
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert krippendorff_alpha(counts) == pytest.approx(expected, abs=1e-12)
    weights = rng.integers(1, 6, units)
    assert krippendorff_alpha(counts, weights) == pytest.approx(
        krippendorff_alpha(np.repeat(counts, weights, axis=0)), abs=1e-12
    )


@pytest.mark.parametrize("seed", range(12))
def test_ac1_matches_irrcac(seed):
    """Random nominal data with missing values (some units with one value or none), two to six coders,
    categories some of which may never occur: the same AC1 as irrCAC; weighted units as repeated ones."""
    rng = np.random.default_rng(seed)
    coders, units, values = rng.integers(2, 7), rng.integers(5, 80), rng.integers(2, 5)
    data = rng.integers(0, values, (coders, units)).astype(float)
    data[rng.random(data.shape) < 0.4] = np.nan
    data[:2, 0] = [0, 1]
    counts, found = value_counts(data.tolist())
    full = np.zeros((units, values))  # a column for every category of the scale, used or not
    full[:, [int(v) for v in found]] = counts
    expected = irrcac_ac1(data, [float(v) for v in range(values)])
    assert gwet_ac1(full) == pytest.approx(expected, abs=1e-12)
    assert gwet_ac1(counts, categories=values) == pytest.approx(expected, abs=1e-12)
    weights = rng.integers(1, 6, units)
    assert gwet_ac1(full, weights) == pytest.approx(gwet_ac1(np.repeat(full, weights, axis=0)), abs=1e-12)


def test_a_coding_applies_to_the_segments_it_mostly_covers_or_mostly_lies_in():
    sentences = (np.array([0, 10, 20]), np.array([10, 20, 40]))
    spans = {
        "one sentence and a character of the next": (0, 11),
        "a short phrase in a long sentence": (25, 28),
        "evenly split between two sentences": (8, 12),
        "most of a sentence": (10, 16),
    }
    start, end = (np.array([s[i] for s in spans.values()]) for i in (0, 1))
    span, unit = assign(*sentences, start, end)
    coded = {name: sorted(unit[span == i].tolist()) for i, name in enumerate(spans)}
    assert coded == {
        "one sentence and a character of the next": [0],
        "a short phrase in a long sentence": [2],
        "evenly split between two sentences": [0, 1],
        "most of a sentence": [1],
    }


# A tiny corpus coded by two people -------------------------------------------------------------------

S1, S2, S3, S4 = "考核结果公开。排名张榜公布。", "干部分成三个方阵。", "末位方阵要约谈。", "会议到此结束。"
POLICY = f"""---
id: 20230110-P01
kind: policy
date: 2023-01-10
title: 考核办法
issuer: 区委组织部
---
{S1}{S2}{S3}{S4}"""
T, P = "structure.tiering", "action.public_results"
P01, P02 = "20230110-P01", "20230111-P02"


def policy_copies(cli, folder: Path, *sources: str) -> None:
    """Import copies of the policy text (five sentences U1–U5, see ``corpus``) under the record IDs
    ``sources`` (policy IDs, date first)."""
    for source in sources:
        day = f"{source[:4]}-{source[4:6]}-{source[6:8]}"
        write(folder / "policy" / f"{source}.txt", POLICY.replace(P01, source).replace("2023-01-10", day))
    assert cli("import", str(folder)).exit_code == 0


def code_as(cli, folder: Path, coder: str, quotes: dict[str, list[tuple[str, str]]]) -> None:
    """Code ``quotes`` ({source: [(code, quote)]}) as ``coder``'s manual codings."""
    for source, pairs in quotes.items():
        body = {"source": source, "codings": [{"code": c, "quote": q} for c, q in pairs]}
        write(folder / coder / f"{source}.yaml", yaml.safe_dump(body, allow_unicode=True))
    result = cli("code", "import", str(folder / coder), "--coder", coder)
    assert result.exit_code == 0, result.output


@pytest.fixture
def corpus(cli, tmp_path):
    """One policy text of four sentences (the first is two sentences by punctuation; see below), coded by
    研究者A and 研究者B.

    Units (sentences): U1 考核结果公开。 U2 排名张榜公布。 U3 干部分成三个方阵。 U4 末位方阵要约谈。
    U5 会议到此结束。 Codings (whole sentences): A: tiering U3, U4; public_results U1. B: tiering U4;
    public_results U1, U3. U2 and U5 nobody coded.
    """
    write(tmp_path / "in" / "policy" / "20230110-P01.txt", POLICY)
    assert cli("import", str(tmp_path / "in")).exit_code == 0
    first, second = S1[:7], S1[7:]
    assert (first, second) == ("考核结果公开。", "排名张榜公布。")
    code_as(cli, tmp_path / "q", "研究者A", {"20230110-P01": [(T, S2), (T, S3), (P, first)]})
    code_as(cli, tmp_path / "q", "研究者B", {"20230110-P01": [(T, S3), (P, first), (P, S2)]})
    return cli


def icr(cli, *args: str) -> dict:
    result = cli("icr", "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def by_code(result: dict) -> dict[str, dict]:
    return {row["code"]: row for row in result["codes"]}


def test_segment_unit_with_uncoded_text(corpus):
    """Five sentences. tiering: A = 0 0 1 1 0, B = 0 0 0 1 0 → agreement 4/5; table both 1, A only 1,
    neither 3 → p_o = 0.8, p_e = 0.4·0.2 + 0.6·0.8 = 0.56, κ = 0.24 / 0.44 = 6/11; α: o₁₁ = 2, o₀₁ = 1,
    o₀₀ = 6, n₁ = 3, n₀ = 7, n = 10 → α = 1 − 9·1 / 21 = 4/7. public_results: A = 1 0 0 0 0,
    B = 1 0 1 0 0 → the same by symmetry. Pooled over 10 decisions: both 2, A only 1, B only 1,
    neither 6 → p_o = 0.8; each coder applied 3 of 10 → p_e = 0.3² + 0.7² = 0.58, κ = 0.22 / 0.42 = 11/21;
    α: o₁₁ = 4, o₀₁ = 2, o₀₀ = 12, n₁ = 6, n₀ = 14, n = 20 → α = 1 − 19·2 / 84 = 23/42."""
    result = icr(corpus, "--coders", "研究者A,研究者B")
    assert result["unit"] == "segment" and result["segment"] == "sentence" and not result["coded_only"]
    assert result["coders"] == ["研究者A", "研究者B"] and result["sources"] == ["20230110-P01"]
    rows = by_code(result)
    assert list(rows) == [T, P]  # codebook order
    for code in (T, P):
        assert rows[code]["units"] == 5
        assert rows[code]["agreement"] == pytest.approx(4 / 5)
        assert rows[code]["kappa"] == pytest.approx(6 / 11)
        assert rows[code]["alpha"] == pytest.approx(4 / 7)
        assert rows[code]["ac1"] == pytest.approx(19 / 29)  # π = 1.5 / 5 = 0.3, p_e = 0.42, (0.8 − 0.42) / 0.58
    assert rows[T]["n_coded_by"] == {"研究者A": 2, "研究者B": 1}
    assert rows[P]["n_coded_by"] == {"研究者A": 1, "研究者B": 2}
    pooled = result["pooled"]
    assert (pooled["codes"], pooled["units"], pooled["decisions"]) == (2, 5, 10)
    assert pooled["agreement"] == pytest.approx(0.8)
    assert pooled["kappa"] == pytest.approx(11 / 21)
    assert pooled["alpha"] == pytest.approx(23 / 42)
    assert pooled["ac1"] == pytest.approx(19 / 29)  # 6 of 20 values applied: π = 0.3 again
    assert "以句子为分析单位" in result["method"] and "未编码的文本也计入" in result["method"]
    assert "Gwet's AC1 = 0.655" in result["method"]
    assert "平均一致率为 80.0%" in result["method"] and "Cohen's κ = 0.524" in result["method"]
    assert "Krippendorff's α = 0.548" in result["method"]


def test_segment_unit_coded_text_only(corpus):
    """Only U1, U3, U4 (someone coded them). tiering: A = 0 1 1, B = 0 0 1 → agreement 2/3; κ: p_o = 2/3,
    p_e = (2/3)(1/3) + (1/3)(2/3) = 4/9, κ = (2/9) / (5/9) = 0.4; α: o₁₁ = 2, o₀₁ = 1, o₀₀ = 2, n₁ = n₀ = 3 →
    α = 1 − 5/9 = 4/9. Pooled (6 decisions): p_o = 2/3, p_e = 1/2, κ = 1/3; α = 1 − 11·2 / 36 = 7/18."""
    result = icr(corpus, "--coded-only")
    assert result["coded_only"]
    for row in result["codes"]:
        assert row["units"] == 3
        assert row["agreement"] == pytest.approx(2 / 3)
        assert row["kappa"] == pytest.approx(0.4)
        assert row["alpha"] == pytest.approx(4 / 9)
    assert result["pooled"]["kappa"] == pytest.approx(1 / 3)
    assert result["pooled"]["alpha"] == pytest.approx(7 / 18)
    assert "只计入至少一位编码者编码过的句子（共 3 个句子）" in result["method"]


def test_character_unit(corpus):
    """Characters: U1 7, U2 7, U3 9, U4 8, U5 7 = 38. tiering: both 8 (U4), A only 9 (U3), neither 21 →
    agreement 29/38, κ from that table; α with n = 76: o₁₁ = 16, o₀₁ = 9, n₁ = 25, n₀ = 51 →
    α = 1 − 75·9 / (51·25). public_results: both 7 (U1), B only 9 (U3) — the same figures as tiering but
    both 7. Coded text only: U1, U3, U4 (24 characters)."""
    text = json.loads(corpus("sources", "show", "20230110-P01", "--json").stdout)["text"]
    assert len(text) == 38
    result = icr(corpus, "--unit", "character")
    rows = by_code(result)
    assert rows[T]["units"] == 38 and rows[T]["n_coded_by"] == {"研究者A": 17, "研究者B": 8}
    assert rows[T]["agreement"] == pytest.approx(29 / 38)
    assert rows[T]["kappa"] == pytest.approx(cohen_kappa([[21, 0], [9, 8]]))
    assert rows[T]["alpha"] == pytest.approx(1 - 75 * 9 / (51 * 25))
    assert rows[P]["kappa"] == pytest.approx(cohen_kappa([[22, 9], [0, 7]]))
    assert rows[P]["alpha"] == pytest.approx(1 - 75 * 9 / (53 * 23))
    assert "以字符为分析单位" in result["method"] and "共 38 个字符" in result["method"]
    coded = by_code(icr(corpus, "--unit", "character", "--coded-only"))
    assert coded[T]["units"] == 24
    assert coded[T]["agreement"] == pytest.approx(15 / 24)
    assert coded[T]["kappa"] == pytest.approx(cohen_kappa([[7, 0], [9, 8]]))


def test_half_a_sentence_agrees_by_sentence_but_not_by_character(cli, tmp_path):
    """B codes the first half of the sentence A coded whole: the same sentence, 3 characters apart."""
    write(tmp_path / "in" / "policy" / "20230110-P01.txt", POLICY)
    assert cli("import", str(tmp_path / "in")).exit_code == 0
    code_as(cli, tmp_path / "q", "研究者A", {"20230110-P01": [(T, S2)]})
    code_as(cli, tmp_path / "q", "研究者B", {"20230110-P01": [(T, S2[:5])]})
    assert by_code(icr(cli))[T]["agreement"] == 1.0
    characters = by_code(icr(cli, "--unit", "character"))[T]
    assert characters["n_coded_by"] == {"研究者A": 9, "研究者B": 5}
    assert characters["agreement"] == pytest.approx(34 / 38)


def test_turns_of_an_interview_and_paragraphs_of_other_texts(cli, tmp_path):
    """--segment turn: an interview's speaker turns; a policy text without turns by its paragraphs."""
    from tests.helpers import INTERVIEW

    write(tmp_path / "in" / "interviews" / "20240115MJQ.txt", INTERVIEW)
    write(tmp_path / "in" / "policy" / "20230110-P01.txt", POLICY.replace("。干部", "。\n干部"))
    assert cli("import", str(tmp_path / "in")).exit_code == 0
    both = {"20240115MJQ": [(P, "现在排名都公示出来了")], "20230110-P01": [(T, S2)]}
    code_as(cli, tmp_path / "q", "研究者A", both)
    code_as(cli, tmp_path / "q", "研究者B", {**both, "20240115MJQ": [(T, "以前考核就是走过场")]})
    result = icr(cli, "--segment", "turn")
    assert result["pooled"]["units"] == 2 + 2  # two turns, two paragraphs
    assert by_code(result)[P]["n_coded_by"] == {"研究者A": 1, "研究者B": 0}
    assert "以话轮为分析单位" in result["method"] and "没有话轮的文本以段落为单位" in result["method"]


def test_three_coders_give_alpha_but_no_kappa_and_a_coder_who_skipped_a_source_is_missing(corpus, tmp_path):
    """研究者C codes like A in the first source; a second source is coded by A and C only, so B's values
    there are missing. α per code equals the `krippendorff` package on the same reliability data."""
    policy_copies(corpus, tmp_path / "in2", P02)
    code_as(corpus, tmp_path / "q3", "研究者C", {"20230110-P01": [(T, S2), (T, S3), (P, S1[:7])],
                                             "20230111-P02": [(T, S4)]})  # fmt: skip
    code_as(corpus, tmp_path / "q4", "研究者A", {"20230111-P02": [(T, S4), (P, S2)]})
    result = icr(corpus)
    assert result["coders"] == ["研究者A", "研究者B", "研究者C"]
    assert result["sources"] == ["20230110-P01", "20230111-P02"] and result["missing"]
    rows = by_code(result)
    assert all(row["kappa"] is None for row in rows.values()) and result["pooled"]["kappa"] is None
    nan = np.nan
    expected = {  # coders × (U1..U5 of P01, U1..U5 of P02)
        T: [[0, 0, 1, 1, 0, 0, 0, 0, 0, 1], [0, 0, 0, 1, 0] + [nan] * 5, [0, 0, 1, 1, 0, 0, 0, 0, 0, 1]],
        P: [[1, 0, 0, 0, 0, 0, 0, 1, 0, 0], [1, 0, 1, 0, 0] + [nan] * 5, [1, 0, 0, 0, 0, 0, 0, 0, 0, 0]],
    }
    for code, data in expected.items():
        reference = krippendorff.alpha(reliability_data=np.array(data, float), level_of_measurement="nominal")
        assert rows[code]["alpha"] == pytest.approx(reference)
        assert rows[code]["ac1"] == pytest.approx(irrcac_ac1(data, [0.0, 1.0]))
    pooled = np.concatenate([np.array(expected[T], float), np.array(expected[P], float)], axis=1)
    assert result["pooled"]["alpha"] == pytest.approx(
        krippendorff.alpha(reliability_data=pooled, level_of_measurement="nominal")
    )
    assert result["pooled"]["ac1"] == pytest.approx(irrcac_ac1(pooled, [0.0, 1.0]))
    absent = next(r for r in result["coverage"] if (r["source"], r["coder"]) == ("20230111-P02", "研究者B"))
    assert not absent["took_part"] and not absent["unfinished"]  # missing there, not unfinished
    assert result["warnings"] == []  # everyone's last decision is in the fourth of five sentences: 80%
    assert "三位编码者" in result["method"] and "两两一致率" in result["method"]
    assert "Cohen's κ 不适用" in result["method"] and "缺失值" in result["method"]
    assert any("κ" in note for note in result["notes"])
    two = icr(corpus, "--coders", "研究者A,研究者B")
    assert two["sources"] == ["20230110-P01"]  # B never coded P02


def test_suggestions_never_count_and_a_rejected_one_means_the_coder_took_part(corpus, tmp_path):
    """The tagger's suggestions are nobody's decision. B rejecting the suggestions of a second source is B
    reading it and finding nothing: that source becomes shared, with B's zeros against A's coding."""
    policy_copies(corpus, tmp_path / "in2", P02)
    assert corpus("tag").exit_code == 0
    code_as(corpus, tmp_path / "q2", "研究者A", {"20230111-P02": [(T, S2)]})
    before = icr(corpus)
    assert before["coders"] == ["研究者A", "研究者B"] and before["sources"] == ["20230110-P01"]
    assert by_code(before)[T]["agreement"] == pytest.approx(4 / 5)
    rejected = corpus("review", "reject", "--source", "20230111-P02", "--coder", "研究者B")
    assert rejected.exit_code == 0, rejected.output
    after = icr(corpus)
    assert after["sources"] == ["20230110-P01", "20230111-P02"] and not after["missing"]
    assert by_code(after)[T]["units"] == 10 and by_code(after)[T]["n_coded_by"] == {"研究者A": 3, "研究者B": 1}
    assert by_code(after)[T]["agreement"] == pytest.approx(8 / 10)


def test_the_table_as_files(corpus, tmp_path):
    md = corpus("icr", "--format", "md", "--coded-only")
    assert md.exit_code == 0, md.output
    assert (
        "| **合计（全部代码合并）** |" in md.stdout
        and "**方法说明**" in md.stdout
        and "只计入至少一位编码者" in md.stdout
    )
    english = corpus("icr", "--format", "md", "--lang", "en").stdout
    assert "Agreement was assessed with the sentence as the unit of analysis" in english
    assert "uncoded text is included" in english and "Cohen's κ = 0.524" in english
    path = tmp_path / "agreement.xlsx"
    assert corpus("icr", "-o", str(path)).exit_code == 0
    sheet = load_workbook(io.BytesIO(path.read_bytes())).active
    cells = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    assert cells[0][:7] == ["代码", "名称", "单位数", "一致率", "Cohen's κ", "Krippendorff's α", "Gwet's AC1"]
    assert cells[3][0] == "合计（全部代码合并）" and cells[3][3] == "80.0%"
    assert any(row[0] == "方法说明" and "以句子为分析单位" in row[1] for row in cells if row[1])
    assert corpus("icr", "--format", "docx", "-o", str(tmp_path / "agreement.docx")).exit_code == 0


def test_a_coder_named_like_a_formula_stays_text_in_the_spreadsheet(corpus, tmp_path):
    code_as(corpus, tmp_path / "q5", "=HYPERLINK(1)", {"20230110-P01": [(T, S2)]})
    path = tmp_path / "agreement.xlsx"
    assert corpus("icr", "--coders", "研究者A,=HYPERLINK(1)", "-o", str(path)).exit_code == 0
    header = next(load_workbook(path).active.iter_rows(values_only=True))
    assert header[-1] == "'=HYPERLINK(1) 使用"


def test_the_terminal_table_and_the_methods_sentence(corpus):
    result = corpus("icr")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split("\t")[:3] == ["代码", "名称", "单位数"]
    assert lines[-1].startswith("合计（全部代码合并）")
    assert "以句子为分析单位" in result.stderr


# How far each coder coded each source ---------------------------------------------------------------

U1, U2 = S1[:7], S1[7:]
ALIKE = [(P, U1), (T, S2), (T, S3)]  # U1, U3, U4: the last decision in the fourth of five sentences


@pytest.fixture
def half_coded(cli, tmp_path):
    """In P02 研究者A and 研究者B code alike (``ALIKE``): both coded through 4 of 5 sentences (80%), as far as
    anyone — finished. In P01 A codes the same, but B stopped after the second sentence: public_results U1
    and U2 (40%, half of A's 80%: unfinished)."""
    policy_copies(cli, tmp_path / "in", P01, P02)
    code_as(cli, tmp_path / "q", "研究者A", {P01: ALIKE, P02: ALIKE})
    code_as(cli, tmp_path / "q", "研究者B", {P01: [(P, U1), (P, U2)], P02: ALIKE})
    return cli


def coverage_of(result: dict) -> dict[tuple[str, str], tuple]:
    """(source, coder) → (units, decided, coverage, reach, pending, unfinished)."""
    keys = ("units", "decided", "coverage", "reach", "pending", "unfinished")
    return {(r["source"], r["coder"]): tuple(r[k] for k in keys) for r in result["coverage"]}


def test_coverage_per_source_and_coder_by_sentence_and_by_character(half_coded):
    """Sentences: A decided U1, U3, U4 (3 of 5, last U4); B in P01 U1 and U2. Characters (U1 7, U2 7, U3 9,
    U4 8, U5 7 = 38): A covers 7 + 9 + 8 = 24 and ends at 31; B in P01 covers and reaches 14."""
    by_sentence = icr(half_coded)
    assert coverage_of(by_sentence) == {
        (P01, "研究者A"): (5, 3, 0.6, 0.8, 0, False),
        (P01, "研究者B"): (5, 2, 0.4, 0.4, 0, True),
        (P02, "研究者A"): (5, 3, 0.6, 0.8, 0, False),
        (P02, "研究者B"): (5, 3, 0.6, 0.8, 0, False),
    }
    assert {row["furthest"] for row in by_sentence["coverage"]} == {0.8}
    by_character = coverage_of(icr(half_coded, "--unit", "character"))
    assert by_character[(P01, "研究者A")] == (38, 24, 24 / 38, 31 / 38, 0, False)
    assert by_character[(P01, "研究者B")] == (38, 14, 14 / 38, 14 / 38, 0, True)


def test_a_half_coded_source_is_named_with_its_coder_in_both_languages(half_coded):
    result = icr(half_coded)
    assert result["unfinished"] == [
        {"source": P01, "coders": ["研究者B"], "reach": {"研究者B": 0.4}, "furthest": 0.8, "pending": 0,
         "pending_share": 0.0, "many_pending": False}
    ]  # fmt: skip
    [warning] = result["warnings"]
    assert f"比较中包含尚未编码完成的来源：{P01} — 研究者B（编码至 40%，最靠后者 80%）。" in warning["zh"]
    assert (
        "规则：编码者在来源中最后一处决定的位置不到各编码者中最靠后一处的 80%（按句子计），即视为未完成。"
        in warning["zh"]
    )
    assert f"unfinished sources: {P01} — 研究者B (coded through 40%; the furthest coder 80%)." in warning["en"]
    assert "before 80% of the way to the furthest coder's (counted in sentences)." in warning["en"]
    assert "待审" not in warning["zh"]  # pending suggestions are not part of the rule unless asked for
    text = half_coded("icr")
    assert text.exit_code == 0
    assert f"注意 / warning: 比较中包含尚未编码完成的来源：{P01} — 研究者B" in text.stderr
    assert f"This comparison includes unfinished sources: {P01}" in text.stderr
    assert "--skip-unfinished" in text.stderr
    assert text.stdout.splitlines()[-1].startswith("合计（全部代码合并）")  # stdout stays the table


def test_coders_who_stop_at_the_same_place_have_finished(cli, tmp_path):
    """Nothing to code in the last two of five sentences: A and B both code U1–U3 alike, reaching 60% of
    the text — as far as anyone, so finished, and leaving out unfinished sources leaves this one in."""
    write(tmp_path / "in" / "policy" / f"{P01}.txt", POLICY)
    assert cli("import", str(tmp_path / "in")).exit_code == 0
    same = [(P, U1), (P, U2), (T, S2)]
    code_as(cli, tmp_path / "q", "研究者A", {P01: same})
    code_as(cli, tmp_path / "q", "研究者B", {P01: same})
    for unit in ("segment", "character"):
        result = icr(cli, "--unit", unit, "--skip-unfinished")
        assert result["unfinished"] == [] and result["warnings"] == [] and result["skipped_sources"] == []
        assert {row["reach"] for row in result["coverage"]} == {0.6 if unit == "segment" else 23 / 38}
        assert result["sources"] == [P01] and result["pooled"]["kappa"] == 1.0


def test_skip_unfinished_leaves_the_source_out_and_says_which_and_by_what_rule(half_coded):
    """Without P01 only P02 is left, where A and B agree on everything."""
    result = icr(half_coded, "--skip-unfinished")
    assert result["sources"] == [P02] and result["skipped_sources"] == [P01] and result["dropped_coders"] == []
    assert result["warnings"] == []
    assert len(result["coverage"]) == 4  # the coverage table still shows what was left out
    pooled = result["pooled"]
    assert pooled["units"] == 5
    assert (pooled["agreement"], pooled["kappa"], pooled["alpha"], pooled["ac1"]) == (1.0, 1.0, 1.0, 1.0)
    assert any(
        f"未计入尚未编码完成的来源（1 个）：{P01} — 研究者B（编码至 40%，最靠后者 80%）" in n for n in result["notes"]
    )
    assert (
        f"尚未编码完成的材料未计入（1 份：{P01}）：编码者在来源中最后一处决定的位置不到各编码者中最靠后一处的 80%"
        "（按句子计），即视为未完成。" in result["method"]
    )
    english = icr(half_coded, "--skip-unfinished", "--lang", "en")
    assert any(f"Unfinished sources left out (1): {P01} — 研究者B" in n for n in english["notes"])
    assert (
        f"Sources whose coding was not finished were left out (1: {P01}); a source counted as unfinished for a "
        "coder when their last decision there comes before 80% of the way to the furthest coder's (counted in "
        "sentences)." in english["method"]
    )
    text = half_coded("icr", "--skip-unfinished")
    assert f"未计入尚未编码完成的来源（1 个）：{P01}" in text.stderr and "注意 / warning" not in text.stderr


@pytest.fixture
def one_barely_started(cli, tmp_path):
    """A and B code P01 and P02 alike; 研究者C codes the first of P02's five sentences (20%: unfinished)."""
    policy_copies(cli, tmp_path / "in", P01, P02)
    code_as(cli, tmp_path / "q", "研究者A", {P01: ALIKE, P02: ALIKE})
    code_as(cli, tmp_path / "q", "研究者B", {P01: ALIKE, P02: ALIKE})
    code_as(cli, tmp_path / "q", "研究者C", {P02: [(P, U1)]})
    return cli


def test_leaving_out_unfinished_sources_drops_a_coder_left_with_nothing(one_barely_started):
    """Without P02, C has no decision left: A and B are compared, and their κ is 1."""
    kept = icr(one_barely_started)
    assert kept["coders"] == ["研究者A", "研究者B", "研究者C"] and kept["pooled"]["kappa"] is None
    assert kept["unfinished"][0]["coders"] == ["研究者C"]
    result = icr(one_barely_started, "--skip-unfinished")
    assert result["sources"] == [P01] and result["skipped_sources"] == [P02]
    assert result["coders"] == ["研究者A", "研究者B"] and result["dropped_coders"] == ["研究者C"]
    assert result["pooled"]["kappa"] == 1.0 and not result["missing"]
    assert "两位编码者" in result["method"] and "三位" not in result["method"]
    assert "研究者C 在比较的材料中没有任何编码决定，未计入。" in result["method"]
    assert "未计入编码者 研究者C：在比较的来源中没有其任何决定。" in result["notes"]
    assert [(r["source"], r["coder"]) for r in result["coverage"]][-1] == (P02, "研究者C")  # still listed
    english = icr(one_barely_started, "--skip-unfinished", "--lang", "en")
    assert "研究者C made no decisions in these sources and was not compared." in english["method"]


def test_a_named_coder_left_with_nothing_is_an_error(one_barely_started):
    refused = one_barely_started("icr", "--coders", "研究者A,研究者B,研究者C", "--skip-unfinished")
    assert refused.exit_code == 1
    assert "研究者C 在比较的来源中没有任何决定（不计未完成的来源后）" in refused.stderr
    assert (
        "研究者C made no decisions in the sources compared once the unfinished sources are left out" in refused.stderr
    )


def test_a_named_source_nobody_started_is_unfinished_for_everyone(half_coded, tmp_path):
    """P03, named, has no decision of anyone's: compared, its every sentence would be an agreed absence."""
    policy_copies(half_coded, tmp_path / "in3", "20230112-P03")
    result = half_coded("icr", "--source", P01, "--source", "20230112-P03", "--json")
    unfinished = {entry["source"]: entry["coders"] for entry in json.loads(result.stdout)["unfinished"]}
    assert unfinished["20230112-P03"] == ["研究者A", "研究者B"]
    refused = half_coded("icr", "--source", P01, "--source", "20230112-P03", "--skip-unfinished")
    assert refused.exit_code == 1  # both sources unfinished: nothing left to compare
    assert "20230112-P03" in refused.stderr


def test_a_coder_who_coded_only_alone_is_not_compared(corpus, tmp_path):
    """研究者C coded only a source nobody else did: nothing to compare C with."""
    policy_copies(corpus, tmp_path / "in2", P02)
    code_as(corpus, tmp_path / "q3", "研究者C", {P02: [(T, S2)]})
    result = icr(corpus)
    assert result["coders"] == ["研究者A", "研究者B"] and result["dropped_coders"] == ["研究者C"]
    assert by_code(result)[T]["kappa"] == pytest.approx(6 / 11)  # as without C
    named = corpus("icr", "--coders", "研究者A,研究者B,研究者C")
    assert named.exit_code == 1 and "研究者C 在比较的来源中没有任何决定" in named.stderr


def test_the_threshold_is_an_option(half_coded):
    """B reached 40% where A reached 80%: half of the furthest coder's reach."""
    assert icr(half_coded, "--min-reach", "0.5")["warnings"] == []  # half is enough then
    assert [e["source"] for e in icr(half_coded, "--min-reach", "0.51")["unfinished"]] == [P01]
    strict = icr(half_coded, "--min-reach", "1")
    assert [entry["source"] for entry in strict["unfinished"]] == [P01]  # nobody coded U5 of P02: finished
    assert "不到各编码者中最靠后一处的 100%" in strict["warnings"][0]["zh"]
    bad = half_coded("icr", "--min-reach", "1.5")
    assert bad.exit_code == 1 and "应在 0 到 1 之间" in bad.stderr and "not between 0 and 1" in bad.stderr
    pending = half_coded("icr", "--max-pending", "-0.1")
    assert pending.exit_code == 1 and "max_pending -0.1 is not between 0 and 1" in pending.stderr


def test_pending_suggestions_are_reported_and_count_only_when_asked(half_coded):
    """Suggestions are shared: outside a round one coder's decision settles a suggestion for everyone.
    They are nobody's progress, so by default they are counted but do not make a source unfinished."""
    assert half_coded("tag").exit_code == 0
    listed = json.loads(half_coded("code", "list", "--source", P02, "--status", "suggested", "--json").stdout)
    assert listed, "the tagger suggests something in the policy text"
    result = icr(half_coded)
    [row] = [r for r in result["coverage"] if (r["source"], r["coder"]) == (P02, "研究者A")]
    assert row["pending"] == len(listed) and 0 < row["pending_share"] <= 1 and not row["unfinished"]
    assert [e["source"] for e in result["unfinished"]] == [P01]
    share = row["pending_share"]
    assert [e["source"] for e in icr(half_coded, "--max-pending", repr(share))["unfinished"]] == [P01]
    strict = icr(half_coded, "--max-pending", "0")
    entry = next(e for e in strict["unfinished"] if e["source"] == P02)
    assert entry["coders"] == ["研究者A", "研究者B"] and entry["reach"] == {} and entry["many_pending"]
    assert f"{P02} — 研究者A、研究者B，{len(listed)} 条建议待审（覆盖 {share:.0%}）" in strict["warnings"][0]["zh"]
    assert "或其中仍有待审的建议" in strict["warnings"][0]["zh"]
    assert "or any suggestion there is still to review" in strict["warnings"][0]["en"]
    some = icr(half_coded, "--max-pending", "0.1", "--lang", "en")
    assert "or suggestions nobody has reviewed cover more than 10% of its sentences" in some["warnings"][0]["en"]
    refused = half_coded("icr", "--skip-unfinished", "--max-pending", "0")  # P01 and P02 both unfinished now
    assert refused.exit_code == 1
    assert "比较的 2 个来源都尚未编码完成" in refused.stderr and "leaves nothing to compare" in refused.stderr
    assert f"{P01} — 研究者B" in refused.stderr and f"{P02} — 研究者A、研究者B" in refused.stderr
    assert half_coded("review", "reject", "--source", P02, "--coder", "研究者A").exit_code == 0
    after = coverage_of(icr(half_coded, "--max-pending", "0"))
    assert after[(P02, "研究者B")][4:] == (0, False)  # A's decisions settled them for B too
    assert icr(half_coded, "--skip-unfinished", "--max-pending", "0")["sources"] == [P02]


def test_the_prevalence_paradox_note_only_where_it_shows(cli, tmp_path):
    """Twenty sentences. tiering: both code U1 — agreement 1, κ 1. public_results: A codes U2, B U3 —
    agreement 18/20 = 0.9, κ: p_o = 0.9, p_e = 0.05² + 0.95² = 0.905, κ = −0.005 / 0.095 < 0.4: the
    paradox, for that code only (pooled: 38/40 agree, κ = 0.045 / 0.095 ≈ 0.47)."""
    text = "".join(f"第{n}项工作按期推进。" for n in range(1, 21))
    write(tmp_path / "in" / "policy" / f"{P01}.txt", POLICY.rsplit("---\n", 1)[0] + "---\n" + text)
    assert cli("import", str(tmp_path / "in")).exit_code == 0
    code_as(cli, tmp_path / "q", "研究者A", {P01: [(T, "第1项工作按期推进。"), (P, "第2项工作按期推进。")]})
    code_as(cli, tmp_path / "q", "研究者B", {P01: [(T, "第1项工作按期推进。"), (P, "第3项工作按期推进。")]})
    result = icr(cli)
    assert by_code(result)[P]["agreement"] == pytest.approx(0.9) and by_code(result)[P]["kappa"] < 0.4
    assert result["pooled"]["kappa"] == pytest.approx(0.045 / 0.095)
    [note] = [n for n in result["notes"] if "流行率悖论" in n]
    assert note.startswith(f"{P} 的一致率不低于 80%，κ 或 α 却低于 0.4") and T not in note
    english = icr(cli, "--lang", "en")
    assert any(n.startswith(f"{P}: percent agreement of 80% or more") for n in english["notes"])


def test_no_prevalence_paradox_note_where_kappa_is_not_far_below_agreement(corpus):
    """The corpus: agreement 0.8 and κ 0.545 for both codes."""
    assert not any("流行率悖论" in n for n in icr(corpus)["notes"])


def test_the_files_carry_the_warning_and_the_coverage_table(half_coded, tmp_path):
    md = half_coded("icr", "--format", "md").stdout
    assert f"> **注意**：比较中包含尚未编码完成的来源：{P01} — 研究者B（编码至 40%，最靠后者 80%）" in md
    assert "## 各来源的编码进度" in md
    assert f"| {P01} | 研究者B | 5 | 2 | 40.0% | 40.0% | 0 | 0.0% | 未完成 |" in md
    assert "| Gwet's AC1 |" in md
    assert "未完成：编码者在来源中最后一处决定的位置不到各编码者中最靠后一处的 80%（按句子计）。" in md
    english = half_coded("icr", "--format", "md", "--lang", "en").stdout
    assert "## Coverage per source and coder" in english and "coded through 40%" in english
    assert f"| {P01} | 研究者B | 5 | 2 | 40.0% | 40.0% | 0 | 0.0% | unfinished |" in english
    assert "Unfinished for a coder when their last decision there comes before 80% of the way" in english
    path = tmp_path / "agreement.xlsx"
    assert half_coded("icr", "-o", str(path)).exit_code == 0
    book = load_workbook(path)
    assert book.sheetnames == ["编码者间一致性", "各来源的编码进度"]
    first = [row for row in book.worksheets[0].iter_rows(values_only=True) if row and row[0] == "注意"]
    assert first and f"{P01} — 研究者B（编码至 40%，最靠后者 80%）" in first[0][1]
    progress = list(book.worksheets[1].iter_rows(values_only=True))
    assert progress[0][:4] == ("来源", "编码者", "单位数", "有决定的单位")
    assert progress[2][:9] == (P01, "研究者B", 5, 2, "40.0%", "40.0%", 0, "0.0%", "未完成")
    docx_path = tmp_path / "agreement.docx"
    assert half_coded("icr", "--skip-unfinished", "-o", str(docx_path)).exit_code == 0
    document = Document(str(docx_path))
    assert any("未计入尚未编码完成的来源（1 个）" in p.text for p in document.paragraphs)
    assert document.tables[0].rows[0].cells[6].text == "Gwet's AC1"
    assert len(document.tables) == 2 and document.tables[1].rows[2].cells[8].text == "未完成"


# Errors ----------------------------------------------------------------------------------------------


def test_an_unknown_coder_is_named(corpus):
    result = corpus("icr", "--coders", "研究者A,研究者X")
    assert result.exit_code == 1
    assert "没有名为 研究者X 的编码者" in result.stderr and "no coder named 研究者X" in result.stderr
    assert "研究者A、研究者B" in result.stderr  # who could be compared


def test_fewer_than_two_coders_with_codings(cli, tmp_path):
    write(tmp_path / "in" / "policy" / "20230110-P01.txt", POLICY)
    assert cli("import", str(tmp_path / "in")).exit_code == 0
    code_as(cli, tmp_path / "q", "研究者A", {"20230110-P01": [(T, S2)]})
    result = cli("icr")
    assert result.exit_code == 1
    assert "至少需要两位有编码的编码者" in result.stderr and "at least two coders with codings" in result.stderr
    one = cli("icr", "--coders", "研究者A,研究者A")
    assert one.exit_code == 1 and "at least two coders" in one.stderr


def test_no_shared_sources(cli, tmp_path):
    policy_copies(cli, tmp_path / "in", P01, P02)
    code_as(cli, tmp_path / "q", "研究者A", {"20230110-P01": [(T, S2)]})
    code_as(cli, tmp_path / "q", "研究者B", {"20230111-P02": [(T, S2)]})
    result = cli("icr")
    assert result.exit_code == 1
    assert "没有共同编码过的来源" in result.stderr and "have no sources in common" in result.stderr
    # Naming the sources says both coders decided there: B coded nothing in P01, so nothing applies.
    named = icr(cli, "--source", "20230110-P01", "--source", "20230111-P02")
    assert named["source_rule"] == "given" and by_code(named)[T]["agreement"] == pytest.approx(8 / 10)
    assert "指定的 2 份材料" in named["method"]


def test_bad_options_and_sources(corpus):
    unit = corpus("icr", "--unit", "word")
    assert unit.exit_code == 1 and "segment 或 character" in unit.stderr
    segment = corpus("icr", "--segment", "clause")
    assert segment.exit_code == 1 and "sentence or turn" in segment.stderr
    missing = corpus("icr", "--source", "20990101-P09")
    assert missing.exit_code == 1 and "20990101-P09" in missing.stderr
    fmt = corpus("icr", "--format", "pdf", "-o", "x.pdf")
    assert fmt.exit_code == 1 and "md、xlsx、docx" in fmt.stderr
    lost = corpus("icr", "--round", "99")
    assert lost.exit_code == 1 and "no agreement round 99" in lost.stderr


def test_an_open_round_is_not_compared_until_it_is_closed(corpus):
    opened = corpus("round", "open", "盲编第一轮", "--source", "20230110-P01")
    assert opened.exit_code == 0, opened.output
    round_id = opened.stdout.strip().split()[-1]
    refused = corpus("icr", "--round", round_id)
    assert refused.exit_code == 1 and "still open" in refused.stderr
    hidden = corpus("icr")
    assert hidden.exit_code == 1 and "open agreement round" in hidden.stderr
    assert corpus("round", "close", round_id).exit_code == 0
    result = icr(corpus, "--round", round_id)
    assert result["source_rule"] == "round" and "一致性轮次“盲编第一轮”" in result["method"]
    assert by_code(result)[T]["kappa"] == pytest.approx(6 / 11)
