"""Masking names in what leaves qcoder (coder.masking): replacements as papers print them, longer names
first, words not substrings, and a mention cut by a quote's edge hidden whole."""

import pytest

from coder.masking.apply import Entry, Masker
from coder.masking.rules import default_replacement


@pytest.mark.parametrize(
    ("kind", "mention", "initials", "replacement"),
    [
        ("person", "马继强", "MJQ", "MJQ"),  # a participant: their record ID's initials
        ("person", "马书记", "MJQ", "M书记"),
        ("person", "老马", "MJQ", "老M"),
        ("person", "陈老师", None, "C老师"),  # anyone else: the surname's letter and the post
        ("person", "单主任", None, "S主任"),  # by the surname reading record IDs use (单 Shan)
        ("person", "欧阳明", None, "OYM"),
        ("person", "马继强书记", "MJQ", "MJQ书记"),
        ("person", "小陈老师", None, "小C老师"),  # a form of address and a post together
        ("person", "王明书记", None, "WM书记"),  # a full name with a post, not a compound surname
        ("person", "欧阳书记", None, "OY书记"),  # a compound surname keeps both letters
        ("person", "老欧阳", None, "老OY"),
        ("person", "马副书记", None, "M副书记"),
        ("person", "阿依古丽·买买提", None, "A·M"),  # a transliterated name: the letters of its parts
        ("place", "石桥镇", None, "S镇"),
        ("place", "黄石滩村", None, "H村"),
        ("place", "河湾街道", None, "H街道"),
        ("org", "石桥镇人民政府", None, "S镇人民政府"),
        ("org", "城关中学", None, "C中学"),
    ],
)
def test_default_replacements_are_what_a_paper_prints(kind, mention, initials, replacement):
    assert default_replacement(kind, mention, initials) == replacement


def masker(*pairs: tuple[str, str]) -> Masker:
    return Masker(Entry(text, replacement) for text, replacement in pairs)


def test_the_longer_name_wins():
    names = masker(("欧阳", "OY"), ("欧阳明", "OYM"))
    assert names.mask("欧阳明说，欧阳也来了。") == "OYM说，OY也来了。"


def test_a_name_inside_a_longer_word_is_left_alone_where_jieba_says_it_is_no_name():
    names = masker(("张力", "ZL"))
    assert names.mask("扩张力度很大。张力也来了。") == "扩张力度很大。ZL也来了。"


def test_words_around_a_name_do_not_hide_it():
    names = masker(("马书记", "M书记"), ("石桥镇", "S镇"))
    assert names.mask("马书记说，马上去石桥镇，村口的石桥不算。") == "M书记说，马上去S镇，村口的石桥不算。"


def test_a_mention_cut_by_a_quotes_edge_is_masked_whole():
    text = "访谈者：谁负责？马继强：是我，马继强负责。"
    names = masker(("马继强", "MJQ"))
    cut = text.index("继强负责")  # the quote starts inside the name
    assert names.mask_span(text, cut, len(text)) == "MJQ负责。"
    assert names.mask_span(text, 0, text.index("继强：")) == "访谈者：谁负责？MJQ"


def test_offsets_move_with_the_replacements_and_never_cut_one():
    text = "马继强说，欧阳明也说。"
    names = masker(("马继强", "MJQ"), ("欧阳明", "欧阳某某"))
    moved = names.offsets(text)
    assert moved.masked == "MJQ说，欧阳某某也说。"
    said = text.index("也说")
    assert moved.masked[moved.start(said) : moved.end(said + 2)] == "也说"
    inside = text.index("阳明")  # a span starting inside a name starts at its replacement
    assert moved.masked[moved.start(inside) : moved.end(inside + 1)] == "欧阳某某"


def test_an_empty_list_masks_nothing():
    assert not masker()
    assert masker().mask("马继强说。") == "马继强说。"


def test_an_interviewees_name_is_masked_even_where_jieba_cuts_across_it():
    names = Masker([Entry("王刚", "WG", anywhere=True), Entry("张力", "ZL")])
    assert names.mask("王刚才来过，扩张力度大。") == "WG才来过，扩张力度大。"


def test_a_long_unpunctuated_transcript_masks_every_quote_as_its_whole_text_does():
    # speech-to-text output may come without punctuation: one run jieba cuts once, whatever the quotes
    text = "我们马书记当时就说要改" * 400 + "黄石滩村的人" + "后来陈老师也来讲课" * 300
    names = masker(("马书记", "M书记"), ("黄石滩村", "H村"), ("陈老师", "C老师"))
    whole = names.mask(text)
    assert "马书记" not in whole and "陈老师" not in whole and whole.count("H村") == 1
    spans = [(0, 10), (4000, 4500), (text.index("滩村"), text.index("滩村") + 30), (len(text) - 7, len(text))]
    moved = names.offsets(text)
    for start, end in spans:
        assert names.mask_span(text, start, end) == whole[moved.start(start) : moved.end(end)]


def test_an_interviewees_form_of_address_is_found_where_jieba_joins_it_to_the_next_word():
    # jieba's own dictionary reads 老陈说 as 老 | 陈说; 老区书记 as 老区 | 书记 (no 区书记 there)
    names = Masker([Entry("老陈", "老C", strict=True), Entry("区书记", "O书记", strict=True)])
    assert names.mask("老陈说过，老区书记也来了。") == "老C说过，老区书记也来了。"


def test_an_empty_span_is_empty_even_inside_a_name():
    assert masker(("陈建国", "CJG")).mask_span("陈建国说", 1, 1) == ""
