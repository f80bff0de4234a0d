"""Text helpers every export shares: shortening without breaking words, quotation marks nested by depth."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coder.export.quote_marks import quoted
from coder.export.text import clean, shorten

MARKS = "“”‘’\"'"


def test_shorten_cuts_at_the_last_clause_boundary_before_the_limit():
    text = "第一句话说完了，第二句还在继续；第三句很长很长很长很长很长很长很长很长很长很长"
    assert shorten(text, 20) == "第一句话说完了，第二句还在继续……"
    assert shorten("很短的一句。", 20) == "很短的一句。"


def test_shorten_without_a_boundary_never_cuts_a_word_or_a_character():
    assert shorten("panel " * 20, 40) == "panel panel panel panel panel panel……"
    accented = "中" * 59 + "e\u0301" + "中" * 10  # é as e + combining accent, across the limit
    assert shorten(accented, 60) == "中" * 59 + "……"


def test_characters_word_and_xml_refuse_are_dropped():
    assert clean({"quote": ["正文\x00\x0b\ufffe\uffff结束"]}) == {"quote": ["正文结束"]}


def test_a_quotation_inside_a_quote_takes_single_marks():
    assert quoted("他说：“不求有功、但求无过”。") == "“他说：‘不求有功、但求无过’。”"
    assert quoted("没有引号的一句。") == "“没有引号的一句。”"


def test_marks_alternate_by_depth_whatever_the_transcriber_typed():
    assert quoted("他说：“要做到‘不求有功’”") == "“他说：‘要做到“不求有功”’”"  # depth 2
    assert quoted("甲说：“乙讲‘丙问“为何”’”") == "“甲说：‘乙讲“丙问‘为何’”’”"  # depth 3
    assert quoted("所谓‘一刀切’和“一刀切”") == "“所谓‘一刀切’和‘一刀切’”"  # already right, or not


def test_straight_quotes_that_pair_up_around_or_beside_chinese_are_nested():
    assert quoted('他讲"不求有功"、"但求无过"') == "“他讲‘不求有功’、‘但求无过’”"
    assert quoted('说了句"OK"就走了') == "“说了句‘OK’就走了”"
    assert quoted("他说\"要'稳'\"。") == "“他说‘要“稳”’。”"


def test_code_urls_english_apostrophes_and_corner_brackets_stay_as_written():
    for text in (
        '=HYPERLINK("http://example.com")这种写法',
        'he said "fine" 然后',
        "don’t 和 O'Brien",
        "「不求有功」『但求无过』",
    ):
        assert quoted(text) == f"“{text}”"
    assert quoted("「他说“稳”」") == "“「他说‘稳’」”"  # corner brackets are not counted as a level


@pytest.mark.parametrize("text", ["不求有功”，他说", "他说“不求有功", "他说“不求有功’", '他说"一半', "”反了“"])
def test_marks_that_do_not_pair_up_are_left_alone(text):
    assert quoted(text) == f"“{text}”"


def only_marks_changed(text: str) -> bool:
    """Is ``quoted(text)`` the text in “”, with as many characters and only quotation marks changed?"""
    shown = quoted(text)
    if not (shown[0] == "“" and shown[-1] == "”" and len(shown) == len(text) + 2):
        return False
    return all(a == b or (a in MARKS and b in MARKS) for a, b in zip(text, shown[1:-1], strict=True))


@pytest.mark.parametrize(
    "text",
    ["“甲‘乙” 丙", "”‘反了“’", '甲"乙“丙"丁”', "他说：“要做到‘不求有功’”", '5\'10"高的人说"是"', "“第一段\n“第二段”"],
)
def test_only_the_marks_ever_change_never_the_text(text):
    assert only_marks_changed(text)


pieces = st.lists(st.sampled_from(["甲", "说", "。", "A", "z", "5", "0", " ", "\n", "\r\n", *MARKS, "「", "」"]))


@given(pieces.map("".join))
def test_any_mix_of_han_latin_digits_lines_and_marks_keeps_its_length_and_text(text):
    assert only_marks_changed(text)


def test_a_closing_mark_closes_its_own_kind_and_leaves_what_opened_inside_it_unpaired():
    assert quoted("“甲‘乙” 丙") == "“‘甲‘乙’ 丙”"


def test_a_stray_straight_quote_leaves_its_line_s_straight_quotes_as_typed():
    assert quoted('5\'10"高的人说"是"') == '“5\'10"高的人说"是"”'  # three " in the line: none pairs
    assert quoted("他身高5'10\"。") == "“他身高5'10\"。”"  # feet and inches, not quotation marks
    assert quoted("他说'好'，又说'行") == "“他说'好'，又说'行”"  # three ' in the line
    assert quoted('他说"好"\n她说"行') == '“他说‘好’\n她说"行”'  # each line counts its own


def test_straight_quotes_never_pair_across_a_line_break():
    assert quoted('他说"甲\n乙"') == '“他说"甲\n乙"”'
    assert quoted('"第一段\n"第二段\n"第三段"') == '“"第一段\n"第二段\n‘第三段’”'


def test_a_quotation_of_several_paragraphs_opens_each_and_closes_the_last_at_one_depth():
    text = "他说：“第一段。\n“第二段。\n“第三段。”"
    assert quoted(text) == "“他说：‘第一段。\n‘第二段。\n‘第三段。’”"
    assert quoted("“甲说：‘第一段\n‘第二段’”") == "“‘甲说：“第一段\n“第二段”’”"  # one level in, too


def test_a_mark_opening_a_line_nests_when_the_rest_of_the_text_closes_it():
    assert quoted("“甲\n“乙”丙”") == "“‘甲\n“乙”丙’”"


def test_a_closing_mark_between_letters_closes_an_open_quotation():
    assert quoted("“A‘B“C”B’A”") == "“‘A“B‘C’B”A’”"
    assert quoted("‘甲‘A’B’") == "“‘甲“A”B’”"


def test_an_apostrophe_inside_a_quotation_closed_later_stays_an_apostrophe():
    assert quoted("他说‘I don’t know’") == "“他说‘I don’t know’”"
    assert quoted("他说“I don’t know”") == "“他说‘I don’t know’”"
