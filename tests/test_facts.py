"""Figures in evidence and the facts they state: what is read, what is the same fact, what conflicts."""

import datetime as dt

import pytest

from coder.evidence import facts, quantities
from coder.evidence.figures import figures


def read(text):
    return [(f.measure, f.value) for f in figures(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("比例为3.5:5.5:1。", [("ratio3", "3.5:5.5:1")]),
        ("人数比例为３∶６∶１", [("ratio3", "3:6:1")]),  # full-width digits and the ratio colon
        ("满意度96.37%", [("percent", "96.37")]),
        ("满意度百分之九十六点三七", [("percent", "96.37")]),
        ("提拔重用了六十七人", [("count:人", "67")]),
        ("共1,286名干部", [("count:人", "1286")]),  # 名 and 人 are one unit
        ("奖励150万元", [("amount", "1500000")]),
        ("2022年3月试行", [("date", "2022-03")]),
        ("帮带期一般为6个月", [("count:个月", "6")]),
        ("比例为2:1", [("ratio2", "2:1")]),
        ("满意度96．37％", [("percent", "96.37")]),  # a full-width dot is a decimal point
        ("增速为-5%", [("percent", "-5")]),
        ("覆盖1.2万名干部", [("count:人", "12000")]),
        ("提高5个百分点", [("count:百分点", "5")]),
        ("会议开了30分钟", [("count:分钟", "30")]),  # minutes are not points (分)
    ],
)
def test_figures_are_read_with_a_normalised_value(text, expected):
    assert read(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "第十条　方阵划分", "第二十条　本办法自印发之日起施行",  # article numbers
        "青组发〔2023〕3号",  # a document number
        "2023年以来",  # a year on its own
        "三个方阵", "一把尺子量到底",  # small Chinese numerals are wording
        "下午14:30开会",  # a time is not a ratio
        "比赛比去年提前，14:30开始",  # nor after 比 that is not 比例
        "3月15日召开", "排名进入前10名",  # a day without a year, a rank
        "2024年2月30日",  # not a day of the calendar
        "编号1:2:3:4:5:6:7",  # too many parts to be a ratio anyone states
    ],
)  # fmt: skip
def test_wording_that_only_looks_like_a_figure_is_not_a_fact(text):
    assert read(text) == []


def statement(source, text, kind="policy", date=None):
    """The one figure of ``text`` as ``source`` states it."""
    found = facts.statements_in(text, (0, len(text)), source, kind, date)
    assert len(found) == 1, found
    return found[0]


def test_the_same_ratio_with_different_values_in_two_sources_is_a_conflict():
    policy = statement("20230110-P03", "干部由高到低划分为第一方阵、第二方阵、第三方阵，比例为3.5:5.5:1。")
    media = statement("20230218-M03", "干部划入第一、第二、第三方阵，三个方阵的人数比例为3:6:1。", "media")
    [fact] = facts.group([policy, media])
    assert fact.status == "conflict"
    assert fact.values == ["3.5:5.5:1", "3:6:1"]


def test_the_same_figure_in_two_sources_is_consistent():
    one = statement("20240110ZLM", "去年全区的群众满意度是96.37%。", "interview")
    two = statement("20231208-M05", "全区机关服务群众满意度达到96.37%。", "media")
    [fact] = facts.group([one, two])
    assert fact.status == "consistent"


def test_counts_about_different_things_are_different_facts():
    assessed = statement("20240110ZLM", "参与考核的机关干部是1286名。", "interview")
    volunteers = statement("20231208-M05", "全区共发布揭榜项目，210名干部组队参与揭榜。", "media")
    assert sorted(f.status for f in facts.group([assessed, volunteers])) == ["single", "single"]


def test_two_values_from_one_source_are_never_one_fact():
    """“分别给予1分、0.5分”: the policy and the report retelling it agree on both figures."""
    policy = facts.statements_in("验收合格的，分别给予挂帅干部1分、团队成员0.5分。", (0, 27), "P04", "policy")
    media = facts.statements_in("验收合格的，分别给予挂帅干部1分、团队成员0.5分。", (0, 27), "M04", "media")
    grouped = facts.group(policy + media)
    assert sorted((f.status, tuple(f.values)) for f in grouped) == [("consistent", ("0.5",)), ("consistent", ("1",))]


def test_a_figure_is_described_by_its_clause_and_the_clause_before():
    text = "按得分排序，分成第一方阵、第二方阵、第三方阵，比例是3.5:5.5:1。下一句。"
    [figure] = figures(text)
    left, right, before = facts.clauses(text, figure)
    assert (left, right) == ("比例是", "")
    assert before == "分成第一方阵、第二方阵、第三方阵，"


def test_only_figures_inside_the_evidence_count_but_their_words_come_from_around_it():
    text = "2023年度参与考核的干部是1286名，提拔重用了67人，降职的有12人。"
    start = text.index("提拔")
    [promoted] = facts.statements_in(text, (start, text.index("，降职")), "ZLM", "interview")
    assert (promoted.figure.value, promoted.quote) == ("67", "提拔重用了67人")
    assert promoted.year == 2023  # the clause before says which year


def test_figures_about_different_years_are_different_facts():
    before = statement("M01", "2022年全区提拔重用干部67名。", "media")
    after = statement("M05", "2023年全区提拔重用干部80名。", "media")
    assert sorted(f.status for f in facts.group([before, after])) == ["single", "single"]


def test_last_year_is_counted_from_the_sources_own_date():
    text = "去年全区提拔重用干部67名。"
    [said] = facts.statements_in(text, (0, len(text)), "ZLM", "interview", dt.date(2024, 1, 10))
    assert said.year == 2023


def test_a_month_agrees_with_any_day_in_it():
    month = statement("M01", "方案于2023年3月印发。", "media")
    day = statement("P01", "方案于2023年3月15日印发。")
    other = statement("M02", "方案于2023年4月印发。", "media")
    [fact] = facts.group([month, day, other])
    assert fact.status == "conflict"
    assert facts.Fact("date", [month, day]).status == "consistent"


def test_a_bare_ratio_is_of_what_the_clause_before_names():
    """比例原则上为3.5:5.5:1 says the tiers' ratio only through the clause before: it borrows that subject,
    so the tier ratio told in other words is one fact, and the weights' ratio (ten shares too) another."""
    policy = statement("P03", "干部由高到低划分为第一方阵、第二方阵、第三方阵，比例原则上为3.5:5.5:1。")
    media = statement("M03", "全区干部按得分划入三个方阵，三个方阵的人数比例为3:6:1。", "media")
    weights = statement("P02", "领导评鉴、群众评议、同事互评的权重之比为4:3:3。")
    assert policy.measured == quantities.Measured("比例", ("第一方阵", "第二方阵", "第三方阵"), borrowed=True)
    assert [f.values for f in facts.group([policy, media, weights]) if f.status == "conflict"] == [
        ["3.5:5.5:1", "3:6:1"]
    ]


@pytest.mark.parametrize(
    ("text", "quantity", "subject"),
    [
        ("满意度权重占百分之三十。", "权重", ("满意度",)),  # the weight of satisfaction
        ("去年全区的群众满意度是96.37%。", "满意度", ("群众",)),  # the satisfaction of the public
        ("群众满意度较改革前提高了5个百分点。", "满意度", ("群众",)),  # 较改革前 is an adjunct
        ("除了领导评鉴和同事互评，群众评议占到了35%的权重。", "权重", ("群众", "评议")),  # the head after the figure
        ("三个方阵的人数比例为3:6:1。", "比例", ("方阵",)),
        ("第一方阵干部占35%。", "比例", ("第一方阵",)),  # a share of the first tier, not of the third
        ("共性指标占总分的40%。", "比例", ("共性", "指标", "总分")),
        ("参与考核的机关干部是1286名。", "人数", ("考核", "机关干部")),  # which people: a relative clause
        ("有210名干部报名揭榜。", "人数", ("报名", "揭榜")),  # … or the predicate after
        ("根据考核结果提拔重用了67人。", "人数", ("提拔", "重用")),  # 根据考核结果 is an adjunct
        ("揭榜挂帅那块，38个项目。", "项目", ()),
        ("基础分满分为100分。", "基础分", ()),  # 满分 is the bound of 基础分
        ("帮带期一般为6个月。", "期", ("帮带",)),  # 一般为 links the head to the figure
        ("《方阵划分细则》于2023年1月印发。", None, ()),  # a date is an event
    ],
)  # fmt: skip
def test_a_figure_carries_the_quantity_it_measures_and_its_subject(text, quantity, subject):
    assert statement("A", text).measured == quantities.Measured(quantity, subject)


def test_the_weight_of_satisfaction_is_not_the_satisfaction_rate():
    """The user's case: 30% and 35% weights are one fact in conflict and 96.37% the rate, another fact —
    not one fact “30 ≠ 35 ≠ 96.37”, as the wording alone made of these four."""
    policy = statement("P05", "第八条　年度考核中，满意度权重占百分之三十。")
    media = statement("M06", "记者了解到，满意度权重占百分之三十五。", "media")
    survey = statement("M05", "第三方测评显示，全区满意度达到96.37%。", "media")
    talk = statement("ZLM", "去年全区满意度是96.37%。", "interview", dt.date(2024, 1, 10))
    grouped = facts.group([policy, media, survey, talk])
    assert sorted((f.status, f.values) for f in grouped) == [("conflict", ["30", "35"]), ("consistent", ["96.37"])]


def test_the_same_quantity_of_different_subjects_is_two_facts():
    cadres = statement("M01", "机关干部满意度为92%。", "media")
    public = statement("M05", "群众满意度为92%。", "media")
    assert sorted(f.status for f in facts.group([cadres, public])) == ["single", "single"]


def test_a_source_that_leaves_out_the_subject_still_states_the_fact():
    district = statement("M05", "全区群众满意度达到96.37%。", "media")
    unnamed = statement("QSM", "满意度是95%。", "interview")
    [fact] = facts.group([district, unnamed])
    assert fact.status == "conflict"


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (("群众",), ("机关", "服务", "群众"), True),  # one says more precisely what the other says
        (("个性", "指标"), ("共性", "指标"), False),  # each names what the other does not
        (("考核",), ("考核办法",), True),  # a word containing another counts as it
        ((), ("群众",), True),  # a subject left out
    ],
)
def test_subjects_agree_when_one_names_nothing_the_other_does_not(a, b, same):
    assert quantities.same_subject(quantities.Measured("满意度", a), quantities.Measured("满意度", b)) is same


@pytest.mark.parametrize(
    ("texts", "apart"),
    [
        (
            ["满意度权重占百分之三十。", "全区满意度达到96.37%。", "满意度占到百分之三十五。"],
            [{"30", "96.37"}, {"35", "96.37"}],
        ),
        (["机关干部满意度为92%。", "群众满意度为96%。", "满意度是95%。"], [{"92", "96"}]),
    ],
)
def test_a_statement_that_names_less_never_chains_two_different_facts_into_one(texts, apart):
    """The third statement is alike to each of the first two, which are not alike to each other: it may join
    one of them, never both (the issue's 30 ≠ 35 ≠ 96.37)."""
    kinds = ("policy", "interview", "media")
    # The third says 占: a share (satisfaction's weight), so it never joins the rate either.
    found = [statement(f"S{n}", text, kind) for n, (text, kind) in enumerate(zip(texts, kinds, strict=True))]
    assert all(not values <= set(fact.values) for fact in facts.group(found) for values in apart)


def test_a_new_value_of_a_quantity_measures_what_the_old_one_did():
    text = "服务对象满意度测评的权重由25%提高到30%。"
    old, new = facts.statements_in(text, (0, len(text)), "P01", "policy")
    assert (old.measured.quantity, new.measured) == ("权重", old.measured)


def test_a_quote_that_ends_inside_a_figure_states_the_whole_figure():
    text = "干部划分为三个方阵，比例为3.5:5.5:1。满意度权重占百分之三十五。"
    [ratio] = facts.statements_in(text, (0, text.index(":1")), "P01", "policy")
    [weight] = facts.statements_in(text, (0, text.index("五。")), "P01", "policy")[1:]
    assert (ratio.figure.value, weight.figure.value) == ("3.5:5.5:1", "35")


def test_figures_listed_side_by_side_do_not_pass_on_their_quantity():
    text = "安排项目资金500万元、到位300万元。"
    funded, paid = facts.statements_in(text, (0, len(text)), "P01", "policy")
    assert funded.measured.quantity == "资金" and paid.measured != funded.measured
