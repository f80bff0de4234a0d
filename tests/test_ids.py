"""Record IDs: 20240115MJQ = 15 Jan 2024 + the interviewee's pinyin initials."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypinyin.pinyin_dict import pinyin_dict

from coder.sources import ids

TODAY = dt.date(2026, 11, 26)


def test_parse_returns_date_and_initials():
    parsed = ids.parse("20240115MJQ", today=TODAY)
    assert parsed == ids.InterviewId(dt.date(2024, 1, 15), "MJQ")


def test_parse_keeps_a_collision_suffix_visible():
    parsed = ids.parse("20240115ZW-2", today=TODAY)
    assert (parsed.initials, parsed.suffix, str(parsed)) == ("ZW", 2, "20240115ZW-2")


@pytest.mark.parametrize(
    ("record_id", "rule"),
    [
        ("20240230MJQ", "not a real calendar date"),  # 30 February
        ("20230229MJQ", "not a real calendar date"),  # 29 February of a non-leap year
        ("20241301MJQ", "not a real calendar date"),  # month 13
        ("20240115", "initials (2–6 capital letters) are missing"),
        ("20240115mjq", "2–6 capital pinyin initials"),
        ("20240115M", "2–6 capital pinyin initials"),
        ("20240115ABCDEFG", "2–6 capital pinyin initials"),
        ("2024015MJQ", "must start with an 8-digit date"),
        ("MJQ20240115", "must start with an 8-digit date"),
        ("20240115-X01", "DATE-P01 (policy) or DATE-M01 (media)"),
        ("20270101MJQ", "is in the future"),
    ],
)
def test_parse_refuses_with_the_rule_broken(record_id, rule):
    with pytest.raises(ids.IdError) as caught:
        ids.parse(record_id, today=TODAY)
    assert rule in caught.value.en
    assert record_id in caught.value.zh  # the Chinese message names the ID too


def test_29_february_of_a_leap_year_is_fine():
    assert ids.parse("20240229LXF", today=TODAY).date == dt.date(2024, 2, 29)


@pytest.mark.parametrize(
    ("name", "initials"),
    [
        ("马继强", "MJQ"),
        ("单海林", "SHL"),  # 单 Shan, not dan
        ("曾丽敏", "ZLM"),  # 曾 Zeng, not ceng
        ("解瑞阳", "XRY"),  # 解 Xie, not jie
        ("仇晓东", "QXD"),  # 仇 Qiu, not chou
        ("朴正民", "PZM"),  # 朴 Piao, not pu
        ("区志刚", "OZG"),  # 区 Ou, not qu
        ("查文清", "ZWQ"),  # 查 Zha, not cha
        ("乐小燕", "YXY"),  # 乐 Yue, not le
        ("覃思敏", "QSM"),  # 覃 Qin, not tan
        ("翟红英", "ZHY"),  # 翟 Zhai, not di
        ("秘书华", "BSH"),  # 秘 Bi, not mi
        ("召明", "SM"),  # 召 Shao, not zhao
        ("种师道", "CSD"),  # 种 Chong, not zhong
        ("欧阳辉", "OYH"),
        ("司马光远", "SMGY"),
        ("诸葛亮", "ZGL"),
        ("上官婉儿", "SGWE"),
        ("尉迟恭", "YCG"),
        ("长孙无忌", "ZSWJ"),
        ("万俟卨", "MQX"),
        ("司徒雷", "STL"),
        ("慕容复", "MRF"),
    ],
)
def test_make_uses_surname_readings(name, initials):
    made = ids.make(dt.date(2024, 1, 15), name=name, today=TODAY)
    assert made.id == f"20240115{initials}"


def test_explicit_initials_override_the_name():
    made = ids.make(dt.date(2024, 1, 15), name="单海林", initials="dhl", today=TODAY)
    assert made.id == "20240115DHL"


def test_an_ambiguous_given_name_character_is_flagged():
    made = ids.make(dt.date(2024, 1, 15), name="王长乐", today=TODAY)
    assert made.id == "20240115WCL"
    assert any("长" in w for w in made.warnings)
    assert any("乐" in w for w in made.warnings)


def test_an_unambiguous_name_has_no_warning():
    assert ids.make(dt.date(2024, 1, 15), name="李晓芳", today=TODAY).warnings == []


def test_a_collision_is_refused_unless_a_suffix_is_asked_for():
    existing = {"20240115ZW"}
    with pytest.raises(ids.IdError, match="already exists"):
        ids.make(dt.date(2024, 1, 15), name="赵文", existing=existing, today=TODAY)
    made = ids.make(dt.date(2024, 1, 15), name="赵文", existing=existing, allow_suffix=True, today=TODAY)
    assert made.id == "20240115ZW-2"
    again = ids.make(dt.date(2024, 1, 15), name="周婉", existing={*existing, made.id}, allow_suffix=True, today=TODAY)
    assert again.id == "20240115ZW-3"


@pytest.mark.parametrize("name", ["Li Ming", "马", "马1强", ""])
def test_a_name_that_is_not_chinese_is_refused(name):
    with pytest.raises(ids.IdError):
        ids.make(dt.date(2024, 1, 15), name=name, today=TODAY)


def test_document_ids_tell_their_kind():
    policy = ids.make_document(dt.date(2023, 1, 10), "policy", 3)
    media = ids.make_document(dt.date(2023, 2, 18), "media", 3)
    assert (policy, media) == ("20230110-P03", "20230218-M03")
    assert ids.parse(policy).kind == "policy"
    assert ids.parse(media).kind == "media"
    assert ids.parse("20240115MJQ").kind == "interview"


dates = st.dates(min_value=dt.date(1949, 10, 1), max_value=TODAY)
# Characters pypinyin has a reading for (a few rare ones have none, and make() rightly refuses them).
hanzi = st.sampled_from(sorted(chr(cp) for cp in pinyin_dict if 0x4E00 <= cp <= 0x9FA5))


@given(day=dates, name=st.lists(hanzi, min_size=2, max_size=4).map("".join))
def test_make_then_parse_round_trips(day, name):
    made = ids.make(day, name=name, today=TODAY)
    parsed = ids.parse(made.id, today=TODAY)
    assert (parsed.date, parsed.initials) == (day, made.initials)


@given(digits=st.from_regex(r"\A\d{8}\Z"), initials=st.from_regex(r"\A[A-Z]{2,6}\Z"))
def test_every_accepted_id_is_a_real_date(digits, initials):
    try:
        parsed = ids.parse(digits + initials, today=TODAY)
    except ids.IdError:
        return
    assert parsed.date.strftime("%Y%m%d") == digits
    assert parsed.date <= TODAY


@pytest.mark.parametrize(("name", "initials"), [("單海林", "SHL"), ("樂小燕", "YXY"), ("歐陽輝", "OYH")])
def test_traditional_characters_use_surname_readings_too(name, initials):
    assert ids.initials_of(name).initials == initials


def test_a_compound_surname_that_could_be_a_single_one_is_flagged():
    made = ids.initials_of("单于洋")
    assert made.initials == "CYY"
    assert any("SYY" in w for w in made.warnings)
    assert not ids.initials_of("欧阳辉").warnings  # 欧阳 or 欧 + 阳…: the initials agree, nothing to check


def test_full_width_ids_typed_with_a_chinese_ime_are_understood():
    assert ids.parse("２０２４０１１５ＭＪＱ", today=TODAY) == ids.InterviewId(dt.date(2024, 1, 15), "MJQ")


def test_an_implausibly_early_date_is_refused():
    with pytest.raises(ids.IdError, match="before 1900-01-01"):
        ids.parse("00010101AB", today=TODAY)
