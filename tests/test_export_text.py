"""Text helpers every export shares: shortening without breaking words."""

from coder.export.text import clean, shorten


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
