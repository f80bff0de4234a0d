"""Inter-coder agreement (coder.reliability, qcoder icr): the statistics against published worked examples,
then a tiny two-coder corpus whose agreement can be worked out by hand, at the segment and the character
unit, with and without uncoded text; three coders (α, no κ; missing data); the errors; the exports."""

from __future__ import annotations

import io
import json
from pathlib import Path

import krippendorff
import numpy as np
import pytest
import yaml
from openpyxl import load_workbook

from coder.reliability import (
    assign,
    cohen_kappa,
    krippendorff_alpha,
    pairwise_agreement,
    value_counts,
)
from tests.helpers import write

X = None  # a missing value


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
    data = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, X, X, X],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, X, 3],
        [X, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, X],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, X],
    ]
    counts, _ = value_counts(data)
    assert round(krippendorff_alpha(counts), 3) == 0.743


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
    assert rows[T]["n_coded_by"] == {"研究者A": 2, "研究者B": 1}
    assert rows[P]["n_coded_by"] == {"研究者A": 1, "研究者B": 2}
    pooled = result["pooled"]
    assert (pooled["codes"], pooled["units"], pooled["decisions"]) == (2, 5, 10)
    assert pooled["agreement"] == pytest.approx(0.8)
    assert pooled["kappa"] == pytest.approx(11 / 21)
    assert pooled["alpha"] == pytest.approx(23 / 42)
    assert "以句子为分析单位" in result["method"] and "未编码的文本也计入" in result["method"]
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
    second = POLICY.replace("20230110-P01", "20230111-P02").replace("2023-01-10", "2023-01-11")
    write(tmp_path / "in2" / "policy" / "20230111-P02.txt", second)
    assert corpus("import", str(tmp_path / "in2")).exit_code == 0
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
    pooled = np.concatenate([np.array(expected[T], float), np.array(expected[P], float)], axis=1)
    assert result["pooled"]["alpha"] == pytest.approx(
        krippendorff.alpha(reliability_data=pooled, level_of_measurement="nominal")
    )
    assert "三位编码者" in result["method"] and "两两一致率" in result["method"]
    assert "Cohen's κ 不适用" in result["method"] and "缺失值" in result["method"]
    assert any("κ" in note for note in result["notes"])
    two = icr(corpus, "--coders", "研究者A,研究者B")
    assert two["sources"] == ["20230110-P01"]  # B never coded P02


def test_suggestions_never_count_and_a_rejected_one_means_the_coder_took_part(corpus, tmp_path):
    """The tagger's suggestions are nobody's decision. B rejecting the suggestions of a second source is B
    reading it and finding nothing: that source becomes shared, with B's zeros against A's coding."""
    second = POLICY.replace("20230110-P01", "20230111-P02").replace("2023-01-10", "2023-01-11")
    write(tmp_path / "in2" / "policy" / "20230111-P02.txt", second)
    assert corpus("import", str(tmp_path / "in2")).exit_code == 0
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
    assert cells[0][:6] == ["代码", "名称", "单位数", "一致率", "Cohen's κ", "Krippendorff's α"]
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
    second = POLICY.replace("20230110-P01", "20230111-P02").replace("2023-01-10", "2023-01-11")
    write(tmp_path / "in" / "policy" / "20230110-P01.txt", POLICY)
    write(tmp_path / "in" / "policy" / "20230111-P02.txt", second)
    assert cli("import", str(tmp_path / "in")).exit_code == 0
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
