"""Speaker turns and sentences are exact spans: text[start:end] is the segment, labels excluded."""

import itertools

from hypothesis import given
from hypothesis import strategies as st

from coder.sources.segments import SPEAKER_LABEL, segment, sentences, turns

TRANSCRIPT = """2024年1月15日，青川区委组织部。
访谈者A：您好！请问……您负责哪块工作？
MJQ：我在考核办。嗯，“三亮”推开以后，大家压力大了；但也有干劲。
第二段继续说。𠮷😀也算字。
问：方阵怎么划？
答：按3.5:5.5:1划分。"""


def quoted(text, spans):
    return [(s.speaker, text[s.start : s.end]) for s in spans]


def test_turns_are_speech_without_labels_and_may_span_lines():
    assert quoted(TRANSCRIPT, turns(TRANSCRIPT)) == [
        ("访谈者A", "您好！请问……您负责哪块工作？"),
        ("MJQ", "我在考核办。嗯，“三亮”推开以后，大家压力大了；但也有干劲。\n第二段继续说。𠮷😀也算字。"),
        ("问", "方阵怎么划？"),
        ("答", "按3.5:5.5:1划分。"),
    ]


def test_sentences_keep_closing_quotes_and_know_their_speaker():
    found = quoted(TRANSCRIPT, sentences(TRANSCRIPT, turns(TRANSCRIPT)))
    assert found == [
        (None, "2024年1月15日，青川区委组织部。"),
        ("访谈者A", "您好！"),
        ("访谈者A", "请问……"),
        ("访谈者A", "您负责哪块工作？"),
        ("MJQ", "我在考核办。"),
        ("MJQ", "嗯，“三亮”推开以后，大家压力大了；但也有干劲。"),
        ("MJQ", "第二段继续说。"),
        ("MJQ", "𠮷😀也算字。"),
        ("问", "方阵怎么划？"),
        ("答", "按3.5:5.5:1划分。"),
    ]


def test_a_closing_quote_stays_with_its_sentence():
    text = "他说：“先干起来！”然后就走了。"
    assert quoted(text, sentences(text)) == [(None, "他说：“先干起来！”"), (None, "然后就走了。")]


def test_policy_texts_have_no_turns():
    text = "第一条 为了规范考核，制定本办法。\n第二条 本办法适用于机关干部：含公务员。"
    spans = segment(text, "policy")
    assert {s.kind for s in spans} == {"sentence"}
    assert quoted(text, spans)[1] == (None, "第二条 本办法适用于机关干部：含公务员。")


pieces = st.lists(
    st.sampled_from(["问：", "答：", "MJQ：", "考核", "𠮷", "😀", "。", "！", "……", "”", "\n", " ", "，", "a", "；"]),
    max_size=60,
)


@given(pieces.map("".join))
def test_every_segment_is_an_exact_trimmed_span(text):
    for span in segment(text, "interview"):
        piece = text[span.start : span.end]
        assert 0 <= span.start < span.end <= len(text)
        assert piece == piece.strip(" \t\u3000\n")
        line_start = text.rfind("\n", 0, span.start) + 1
        label = SPEAKER_LABEL.match(text[line_start:].split("\n")[0])
        assert label is None or line_start + label.end() <= span.start  # the label is never part of it


@given(pieces.map("".join))
def test_sentences_never_overlap(text):
    spans = sorted(sentences(text, turns(text)), key=lambda s: s.start)
    assert all(a.end <= b.start for a, b in itertools.pairwise(spans))
