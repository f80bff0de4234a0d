"""The tagger: words not substrings, explainable scores, its own jieba dictionary."""

import json
from types import SimpleNamespace

import jieba
import pytest

from coder.tagger import Tagger, term_weight


def code(code_id, keywords, exclude=()):
    return SimpleNamespace(id=code_id, keywords=list(keywords), exclude=list(exclude))


@pytest.fixture(scope="module")
def tagger():
    return Tagger(
        [
            code("structure.tiering", ["方阵", "第一方阵", "第三方阵"], ["地方阵地"]),
            code("structure.mentoring", ["帮带", "结对"]),
            code("action.public_results", ["排名", "公示", "亮晒评用"], ["任前公示"]),
            code("action.up_down", ["提拔", "排名"]),
            code("scenario.uniform_to_tailored", ["一刀切"]),
        ],
        version="test-1",
    )


def by_code(suggestions):
    return {s.code: s for s in suggestions}


def test_a_term_counts_only_as_a_whole_word(tagger):
    assert tagger.suggest("要加强地方阵地建设。") == []
    found = by_code(tagger.suggest("他去年进了第一方阵。"))
    assert [m.term for m in found["structure.tiering"].terms] == ["第一方阵"]


def test_codebook_terms_live_in_a_private_dictionary(tagger):
    assert "亮晒评用" in tagger.words("推行亮晒评用机制")
    assert "亮晒评用" not in jieba.dt.FREQ  # the process-global tokenizer is untouched
    assert "亮晒评用" not in jieba.lcut("推行亮晒评用机制")


def test_every_suggestion_explains_itself(tagger):
    text = "访谈者：排名呢？\nMJQ：每季度排名都公示，第一方阵的同志跟第三方阵的同志结对帮带。"
    for s in tagger.suggest(text):
        assert 0 <= s.score <= 1
        assert s.codebook_version == "test-1"
        assert text[s.start : s.end].startswith("每季度")
        for match in s.terms:
            assert text[match.start : match.end] == match.term


def test_more_evidence_scores_higher(tagger):
    one = by_code(tagger.suggest("他进了第一方阵。"))["structure.tiering"].score
    two = by_code(tagger.suggest("他从第三方阵进了第一方阵。"))["structure.tiering"].score
    assert one == pytest.approx(term_weight("第一方阵"))
    assert two == pytest.approx(1 - (1 - term_weight("第一方阵")) * (1 - term_weight("第三方阵")))


def test_a_term_shared_by_two_codes_weighs_half_for_each():
    tagger = Tagger([code("a.x", ["排名"]), code("a.y", ["排名", "提拔"])], min_score=0.0)
    found = by_code(tagger.suggest("排名靠后的同志压力很大。"))
    assert found["a.x"].score == found["a.y"].score == pytest.approx(term_weight("排名") / 2)
    assert by_code(tagger.suggest("提拔了三个人。"))["a.y"].score == pytest.approx(term_weight("提拔"))


def test_an_exclusion_term_vetoes_its_code_in_that_clause_only(tagger):
    text = "任前公示期间，成绩照常公示。"
    found = by_code(tagger.suggest(text))
    assert [m.term for m in found["action.public_results"].terms] == ["公示"]
    assert found["action.public_results"].terms[0].start == text.rindex("公示")
    assert tagger.suggest("任前公示结束了。") == []


def test_words_that_merely_start_with_a_negator_are_not_negation():
    tagger = Tagger([code("a.x", ["积极", "请缨"])], min_score=0.0)
    assert not any(m.negated for s in tagger.suggest("大家非常积极。不少干部请缨。") for m in s.terms)
    assert all(m.negated for s in tagger.suggest("他们不积极。") for m in s.terms)


def test_near_negation_lowers_the_score_but_keeps_the_suggestion(tagger):
    plain = by_code(tagger.suggest("这就是一刀切。"))["scenario.uniform_to_tailored"]
    negated = by_code(tagger.suggest("我们并没有搞一刀切。"))["scenario.uniform_to_tailored"]
    assert negated.terms[0].negated and not plain.terms[0].negated
    assert 0 < negated.score < plain.score


def test_interviewer_questions_and_headings_are_not_evidence(tagger):
    text = "访谈者：帮带有用吗？\n问：方阵怎么划？\n答：按比例划方阵。\n（二）结对帮带。"
    suggestions = tagger.suggest(text)
    assert [text[s.start : s.end] for s in suggestions] == ["按比例划方阵。"]


def test_a_run_in_heading_is_not_evidence_but_its_provision_is(tagger):
    text = "（二）结对帮带。第一方阵干部与第三方阵干部结对帮带。"
    assert [text[s.start : s.end] for s in tagger.suggest(text)] == ["第一方阵干部与第三方阵干部结对帮带。"] * 2


def test_fingerprints_change_only_for_the_code_whose_terms_change():
    before = Tagger([code("a.x", ["方阵"]), code("a.y", ["帮带"])]).fingerprints()
    after = Tagger([code("a.x", ["方阵", "分层"]), code("a.y", ["帮带"])]).fingerprints()
    assert before["a.y"] == after["a.y"] and before["a.x"] != after["a.x"]


def test_a_new_term_of_another_code_that_can_change_word_boundaries_changes_the_fingerprint():
    before = Tagger([code("a.x", ["方阵"]), code("a.y", ["帮带"])])
    after = Tagger([code("a.x", ["方阵"]), code("a.y", ["帮带", "第一方阵"])])
    assert [s.code for s in before.suggest("他进了第一方阵。")] == ["a.x"]
    assert [s.code for s in after.suggest("他进了第一方阵。")] == ["a.y"]  # 方阵 is no longer a word here
    assert before.fingerprints()["a.x"] != after.fingerprints()["a.x"]


def test_qcoder_suggest_reads_stdin(sqlite_cli):
    result = sqlite_cli(
        "suggest", "--json", input="访谈者：怎么分？\nZW：按3.5:5.5:1分成三个方阵，第一方阵的帮带第三方阵。"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    codes = {s["code"] for s in data["suggestions"]}
    assert {"structure.tiering", "structure.mentoring"} <= codes
    assert data["codebook_version"].startswith("1-")
