"""Passages with their names marked by hand: a confirmed name never survives masking, false friends do, and
the automatic candidates' scores are pinned so that a change shows.

Development set (masking_passages.yaml, 61 passages, 96 names; the filters were tuned on it): candidates of
coder/masking/candidates.py as of 2026-12-03 11:13 UTC, before tuning, as TP/FP/FN: person 40/4/15, place
9/5/23, org 4/0/5 (precision 0.855, recall 0.552, F1 0.671); after (13:52 UTC): person 55/3/0, place 29/0/3,
org 9/0/0 (0.969 / 0.969).

Held-out set (masking_heldout.yaml, 58 passages, 102 names, written after the filters were fixed and never
used to tune them), measured 2026-12-03 13:55 UTC with the filters of 13:52 UTC: person 40/7/14 (0.851 /
0.741), place 20/9/13 (0.690 / 0.606), org 2/1/13 (0.667 / 0.133), all 62/17/40 (precision 0.785, recall
0.608, F1 0.685). Eight of the false positives and eight of the false negatives are one cut: jieba reads
栖凤县 as 栖 + 凤县 (a real county's name). One project-wide masker changes 早高峰 (h37) and 黎明 (h39), the
words of two people's given names elsewhere; the interviewees' derived forms alone missed 小金 and 老高, and 老高
is derived since 14:00 UTC (forms of address in jieba's dictionary are no longer taken for words; prompted by
this set, so that one score is no longer held out).
"""

from collections import Counter
from pathlib import Path

import pytest
import yaml

from coder.errors import QcoderError
from coder.masking import evaluate

DATA = Path(__file__).with_name("data") / "masking_passages.yaml"
HELDOUT = Path(__file__).with_name("data") / "masking_heldout.yaml"

# The false friends a careful researcher leaves alone; each must be kept by some passage of the set.
FALSE_FRIENDS = set(
    "马上 高度 石桥 小区 老师 书记 同志 张力 扩张力度 方向 江山 白干 谢谢 民政局 组织部 城中村".split()  # noqa: SIM905
)


@pytest.fixture(scope="module")
def passages():
    return evaluate.load(DATA)


@pytest.fixture(scope="module")
def result(passages):
    return evaluate.score(passages)


def test_the_set_is_synthetic_and_covers_every_kind_of_mention_and_false_friend(passages):
    assert yaml.safe_load(DATA.read_text(encoding="utf-8"))["synthetic"] is True
    assert len(passages) >= 48
    for passage in passages:
        assert all(name.text in passage.text for name in passage.names), passage.id
        assert all(word in passage.text for word in passage.keep), passage.id
    names = {(n.text, n.kind) for p in passages for n in p.names}
    assert {kind for _, kind in names} == {"person", "place", "org"}
    assert {("欧阳明", "person"), ("欧阳", "person"), ("石桥镇人民政府", "org"), ("黄石滩村村委会", "org")} <= names

    def suffix(place):  # 社区 before 区: 桂花社区 is a community, not a district
        return next(s for s in ("社区", "街道", "镇", "乡", "村", "县", "区") if place.endswith(s))

    places = Counter(suffix(text) for text, kind in names if kind == "place")
    assert min(places.values()) >= 2 and len(places) == 7, places
    kept = {word for p in passages for word in p.keep}
    assert kept >= FALSE_FRIENDS
    assert len([p for p in passages if p.quote]) >= 4


def test_a_confirmed_name_is_never_visible_in_an_output_and_false_friends_come_out_unchanged(result):
    confirmed = result["confirmed"]
    assert confirmed["mentions"] > result["names"]  # names recur, and quotes are outputs of their own
    assert confirmed["missed"] == []
    assert confirmed["recall"] == 1.0
    assert confirmed["changed"] == []


def test_one_masker_for_the_whole_project_changes_a_word_that_is_a_name_elsewhere(result):
    """A project has one list: 张力 the person (p19) masks 张力 the word (p18), twice, and nothing else."""
    project = result["project"]
    assert project["missed"] == [] and project["mentions"] == result["confirmed"]["mentions"]
    assert [(c["passage"], c["keep"], c["shown"]) for c in project["changed"]] == [("p18", "张力", "ZL")] * 2
    assert project["conflicts"] == []
    assert project["quotes"] == result["confirmed"]["quotes"]


def test_the_interviewees_derived_forms_alone(result):
    """马继强's name, 马书记 and 老马 need no entry, nor does 欧阳 alone for 欧阳明 (a compound surname)."""
    derived = result["derived"]
    assert (derived["passages"], derived["mentions"]) == (3, 8)
    assert derived["missed"] == []
    assert derived["changed"] == []
    assert derived["quotes"] == {"q1": "MJQ牵的头，他跟镇里跑了好几趟。"}


def test_a_quote_cut_through_a_name_shows_the_whole_replacement(result):
    assert result["confirmed"]["quotes"] == {
        "q1": "MJQ牵的头，他跟镇里跑了好几趟。",
        "q2": "会议由OYM",
        "q3": "H村驻村三年，村里每一户的情况她都熟。",
        "q4": "这份考核办法是S镇人民政府",
        "q5": "S主任说，网格员的补贴去年涨了一点，但活也多了。",
    }


def counts(scores):
    return {kind: (scores[kind]["tp"], scores[kind]["fp"], scores[kind]["fn"]) for kind in ("person", "place", "org")}


def test_the_candidate_scores_are_pinned(result):
    """A better finder changes these numbers on purpose (update them and the README); a worse one by accident.
    The finder's filters were tuned on this set (0.855 / 0.552 before), so it is no held-out measure."""
    scores = result["candidates"]
    assert (result["passages"], result["names"]) == (61, 96)
    assert counts(scores) == {"person": (55, 3, 0), "place": (29, 0, 3), "org": (9, 0, 0)}
    assert (scores["all"]["precision"], scores["all"]["recall"]) == (0.969, 0.969)
    wrong = {(i["passage"], i["text"]) for i in scores["false_positives"]}
    assert ("p18", "张力") in wrong  # 张力 the word, told from 张力 the name (p19) only in context
    # the false friends that still fool the finder: 白干 (tagged nr) and 张力; none of the others
    assert {text for _, text in wrong} & FALSE_FRIENDS == {"白干", "张力"}


# The false friends the held-out set must keep somewhere.
HELDOUT_FALSE_FRIENDS = set(
    "马上 高度 石桥 小区 老师 江山 方向 白干 黄金 金额 张开 周到 高兴 方便 常委会 老区 小时 社区书记".split()  # noqa: SIM905
)


@pytest.fixture(scope="module")
def heldout():
    return evaluate.load(HELDOUT)


@pytest.fixture(scope="module")
def heldout_result(heldout):
    return evaluate.score(heldout)


def test_the_heldout_set_is_synthetic_new_and_covers_what_the_development_set_does(passages, heldout):
    data = yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))
    assert data["synthetic"] is True and "HELD-OUT" in HELDOUT.read_text(encoding="utf-8").splitlines()[0]
    assert len(heldout) >= 35
    assert not {p.id for p in heldout} & {p.id for p in passages}
    assert not {n.text for p in heldout for n in p.names} & {n.text for p in passages for n in p.names}
    assert not {p.text for p in heldout} & {p.text for p in passages}
    names = {(n.text, n.kind) for p in heldout for n in p.names}
    assert {kind for _, kind in names} == {"person", "place", "org"}
    assert {text[:2] for text, kind in names if kind == "person"} >= {"欧阳", "司马", "诸葛", "上官"}
    places = Counter(next(s for s in ("社区", "街道", "镇", "乡", "村", "县", "区") if t.endswith(s))
                     for t, kind in names if kind == "place")  # fmt: skip
    assert min(places.values()) >= 2 and len(places) == 7, places
    assert {w for p in heldout for w in p.keep} >= HELDOUT_FALSE_FRIENDS
    assert len([p for p in heldout if p.quote]) >= 5
    assert len({p.interviewee for p in heldout if p.interviewee}) >= 5


def test_heldout_confirmed_entries_leave_no_name_and_one_project_masker_two_words(heldout_result):
    confirmed, project = heldout_result["confirmed"], heldout_result["project"]
    assert confirmed["missed"] == [] and confirmed["changed"] == [] and confirmed["mentions"] == 115
    assert project["missed"] == [] and project["conflicts"] == []
    # 高峰 (h36) and 黎明 (h38) are people; 早高峰 (h37) and 黎明 (h39) the words, changed by one list
    assert [(c["passage"], c["keep"], c["shown"]) for c in project["changed"]] == [
        ("h37", "早高峰", "早GF"),
        ("h39", "黎明", "LM"),
    ]
    assert (
        confirmed["quotes"]
        == project["quotes"]
        == {
            "hq1": "Q站长先提的，后来镇里才采纳。",
            "hq2": "ZGWJ去跑的，跑了不下十趟。",
            "hq3": "这份通知是H镇人民政府",
            "hq4": "L村村委会干了五年文书，村里的档案都是她整理的。",
            "hq5": "SMZD说，乡镇干部最缺的不是钱，是时间。",
            "hq6": "F街道去年换了三任主任。",
            "hq7": "老J天天泡在工地上，家里的事全靠他爱人。",
            "hq8": "访谈者：您和OYH",
        }
    )


def test_heldout_derived_forms_hide_the_interviewees_but_小金(heldout_result):
    """小金 is on the list of prefix false friends (小金库), so it is not derived. 小区, 老区, 老师, 小时, 社区书记 and
    老时间 stay, beside interviewees surnamed 区, 师 and 时. (老高 was missed too, until the derived forms stopped
    taking a form of address in jieba's dictionary for a word: a fix this set prompted, so this score is no
    longer held out; the candidates' scores still are.)"""
    derived = heldout_result["derived"]
    assert (derived["passages"], derived["mentions"]) == (14, 23)
    assert [(m["passage"], m["name"]) for m in derived["missed"]] == [("h07", "小金")]
    assert derived["changed"] == []


def test_the_heldout_candidate_scores_are_pinned(heldout_result):
    """Measured, not tuned for: a change to the finder moves these (update them, the module docstring and
    the README, and say so); never change the finder to move them."""
    scores = heldout_result["candidates"]
    assert (heldout_result["passages"], heldout_result["names"]) == (58, 102)
    assert counts(scores) == {"person": (40, 7, 14), "place": (20, 9, 13), "org": (2, 1, 13)}
    assert (scores["all"]["precision"], scores["all"]["recall"]) == (0.785, 0.608)
    wrong = [i["text"] for i in scores["false_positives"]]
    assert wrong.count("凤县") == 7 and "凤县人民政府" in wrong  # 栖 + 凤县: jieba knows a real 凤县


def write(tmp_path, body):
    path = tmp_path / "passages.yaml"
    path.write_text("synthetic: true\npassages:\n" + body, encoding="utf-8")
    return path


def test_the_scorer_reports_a_name_left_visible_and_a_false_friend_changed(tmp_path):
    # Listed wrongly on purpose: 石桥 as a place masks the bridge and stays readable inside 石桥镇, one word.
    path = write(
        tmp_path,
        "  - id: a\n    text: 村口那座石桥旧了，石桥镇出钱修的。\n"
        "    names: [{text: 石桥, kind: place}]\n    keep: [那座石桥]\n",
    )
    confirmed = evaluate.confirmed(evaluate.load(path))
    assert [(m["passage"], m["name"]) for m in confirmed["missed"]] == [("a", "石桥")]
    assert [(c["passage"], c["keep"]) for c in confirmed["changed"]] == [("a", "那座石桥")]
    assert confirmed["recall"] < 1


def test_a_candidate_is_scored_against_its_own_passage(tmp_path):
    path = write(
        tmp_path,
        "  - {id: a, text: 马书记说，马上去石桥镇。, names: [{text: 马书记, kind: person}, {text: 石桥镇, kind: place}]}\n"
        "  - {id: b, text: 马书记说了算。, names: []}\n",  # the same words, left unlisted on purpose
    )
    scores = evaluate.candidate_scores(evaluate.load(path))
    assert ("b", "马书记") in {(i["passage"], i["text"]) for i in scores["false_positives"]}
    assert ("a", "马书记") not in {(i["passage"], i["text"]) for i in scores["false_negatives"]}


def test_one_project_masker_reaches_across_passages_and_derived_forms_are_scored(tmp_path):
    path = write(
        tmp_path,
        "  - {id: a, text: 张力说了算。, names: [{text: 张力, kind: person}]}\n"
        "  - {id: b, text: 两者之间有张力。, names: [], keep: [张力]}\n"
        "  - id: c\n    text: 马书记说，小区的事马上办，马主任也在。\n"
        "    interviewee: {name: 马继强, initials: MJQ}\n"
        "    names: [{text: 马书记, kind: person}, {text: 马主任, kind: person}]\n    keep: [小区, 马上]\n",
    )
    passages = evaluate.load(path)
    assert evaluate.confirmed(passages)["changed"] == []
    assert [(c["passage"], c["shown"]) for c in evaluate.confirmed(passages, project=True)["changed"]] == [("b", "ZL")]
    derived = evaluate.derived(passages)
    assert (derived["passages"], derived["mentions"], derived["missed"], derived["changed"]) == (1, 2, [], [])
    assert evaluate.interviewee_forms(passages[2]) == passages[2].names


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("  - {id: a, text: 马书记说。, names: [{text: 马继强, kind: person}]}\n", "'马继强' is not in the text"),
        ("  - {id: a, text: 马书记说。, names: [{text: 马书记, kind: people}]}\n", "must be one of"),
        ("  - {id: a, text: 马书记说。, names: [], keep: [马上]}\n", "'马上' is not in the text"),
        ("  - {id: a, text: 马书记说。, names: [{text: 马书记, kind: person}], quote: [3, 5]}\n", "cut through"),
        ("  - {id: a, text: 马书记说。, names: []}\n  - {id: a, text: 说。, names: []}\n", "used twice"),
        ("  - {id: a, text: 马书记说。, names: [], interviewee: 马继强}\n", "an interviewee is written"),
    ],
)
def test_a_mistake_in_the_set_is_refused_not_scored(tmp_path, body, message):
    with pytest.raises(QcoderError, match=message):
        evaluate.load(write(tmp_path, body))
