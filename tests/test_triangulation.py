"""`qcoder triangulate`: each status, the independence rules, fact conflicts, record-ID checks and claims.

Every test builds a tiny corpus on disk and codes it with quote files (code + exact quote), the way a
researcher's accepted work looks to the check.
"""

import json
from collections import namedtuple

import pytest
from docx import Document

from coder.errors import QcoderError
from coder.evidence.triangulation import Evidence, count_agreement
from tests.helpers import code_quotes as build
from tests.helpers import write

TIERING, MENTORING, OPEN_CALL = "structure.tiering", "structure.mentoring", "action.open_call"
RESPONSIVENESS = "action.responsiveness"


def interview(record_id, name, body, organization="河西镇人民政府", date=None):
    day = date or f"{record_id[:4]}-{record_id[4:6]}-{record_id[6:8]}"
    return f"""---
id: {record_id}
kind: interview
date: {day}
interviewee: {name}
role: 副镇长
organization: {organization}
---
问：请谈谈考核。
答：{body}
"""


def document(record_id, kind, body, **meta):
    extra = "".join(f"{k}: {v}\n" for k, v in meta.items())
    return f"---\nid: {record_id}\nkind: {kind}\ntitle: 关于{record_id}的文本\n{extra}---\n{body}\n"


POLICY = document("20230110-P03", "policy", "第十条　干部划分为第一方阵、第二方阵、第三方阵，比例为3.5:5.5:1。",
                  issuer="中共青川区委组织部", doc_number="青组发〔2023〕3号")  # fmt: skip
MEDIA = document(
    "20230218-M03",
    "media",
    "记者了解到，全区干部按得分划入第一、第二、第三方阵，三个方阵的人数比例为3:6:1。",
    outlet="云江新闻网",
)
ZLM = interview("20240110ZLM", "曾立明", "我们把干部分成第一方阵、第二方阵、第三方阵，比例是3.5:5.5:1。")


def check(cli, *options):
    result = cli("triangulate", "--format", "json", *options)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def row(report, code):
    return next(r for r in report["codes"] if r["code"] == code)


def test_evidence_from_an_interview_and_a_policy_text_corroborates_a_code(cli, tmp_path):
    build(cli, tmp_path, {"20240110ZLM.txt": interview("20240110ZLM", "曾立明", "帮带的老同志每周带着年轻人下社区。"),
                          "20230110-P03.txt": POLICY.replace("比例为3.5:5.5:1", "第一方阵干部帮带第三方阵干部")},
          {"20240110ZLM": [(MENTORING, "帮带的老同志每周带着年轻人下社区。")],
           "20230110-P03": [(MENTORING, "第一方阵干部帮带第三方阵干部")]})  # fmt: skip
    mentoring = row(check(cli), MENTORING)
    assert mentoring["status"] == "corroborated"
    assert mentoring["kinds"] == ["interview", "policy"]
    assert mentoring["counts"] == {"interview": 1, "policy": 1, "media": 0}
    assert mentoring["strongest"]["interview"]["citation"] == "访谈记录：20240110ZLM"
    assert mentoring["strongest"]["policy"]["citation"].startswith("中共青川区委组织部《关于20230110-P03的文本》")
    structure = row(check(cli), "structure")
    assert (structure["level"], structure["status"]) == ("dimension", "corroborated")
    for fmt in ("md", "html", "json"):
        assert "曾立明" not in cli("triangulate", "--format", fmt).stdout  # the name stays in the database


def test_two_interviews_with_one_person_are_one_informant(cli, tmp_path):
    first = interview("20240110ZLM", "曾立明", "揭榜挂帅让能人冒出来了。")
    second = interview("20240301ZLM", "曾立明", "揭榜的项目越来越难了。")
    build(cli, tmp_path, {"20240110ZLM.txt": first, "20240301ZLM.txt": second},
          {"20240110ZLM": [(OPEN_CALL, "揭榜挂帅让能人冒出来了。")],
           "20240301ZLM": [(OPEN_CALL, "揭榜的项目越来越难了。")]})  # fmt: skip
    open_call = row(check(cli), OPEN_CALL)
    assert (open_call["status"], open_call["flags"]) == ("single-source", ["single_informant"])
    assert (open_call["counts"]["interview"], open_call["independent"]["interview"]) == (2, 1)
    assert open_call["interviewees"] == 1
    assert row(check(cli, "--min-kinds", "1"), OPEN_CALL)["status"] == "corroborated"


def test_a_media_report_derived_from_a_policy_text_is_not_a_second_kind(cli, tmp_path):
    retold = document("20230605-M04", "media", "报道称，区里推行揭榜挂帅攻坚机制。", outlet="云江日报",
                      derived_from="20230420-P04")  # fmt: skip
    policy = document("20230420-P04", "policy", "第二条　推行揭榜挂帅攻坚机制。", issuer="青川区委办公室")
    build(cli, tmp_path, {"20230605-M04.txt": retold, "20230420-P04.txt": policy},
          {"20230605-M04": [(OPEN_CALL, "区里推行揭榜挂帅攻坚机制。")],
           "20230420-P04": [(OPEN_CALL, "推行揭榜挂帅攻坚机制。")]})  # fmt: skip
    open_call = row(check(cli), OPEN_CALL)
    assert open_call["status"] == "single-source"
    assert open_call["kinds"] == ["policy"]
    assert open_call["independent"]["policy"] == 1  # the report and its origin are one document
    assert "derived_counted_with_origin" in open_call["flags"]


def test_a_derived_report_whose_origin_is_not_imported_counts_as_the_origins_kind(cli, tmp_path):
    retold = document("20230605-M04", "media", "区里推行揭榜挂帅攻坚机制。", derived_from="20230420-P04")
    build(cli, tmp_path, {"20230605-M04.txt": retold}, {"20230605-M04": [(OPEN_CALL, "区里推行揭榜挂帅攻坚机制。")]})
    report = check(cli)
    assert row(report, OPEN_CALL)["kinds"] == ["policy"]
    assert [w["rule"] for w in report["warnings"]] == ["derived-unknown"]


def test_suggestions_are_not_evidence(cli, tmp_path):
    build(cli, tmp_path, {"20240110ZLM.txt": ZLM}, {})
    assert cli("tag").exit_code == 0
    assert {r["status"] for r in check(cli)["codes"]} == {"no-evidence"}


def test_the_same_ratio_stated_differently_makes_the_code_contested(cli, tmp_path):
    build(cli, tmp_path, {"20230110-P03.txt": POLICY, "20230218-M03.txt": MEDIA, "20240110ZLM.txt": ZLM},
          {"20230110-P03": [(TIERING, "干部划分为第一方阵、第二方阵、第三方阵，比例为3.5:5.5:1。")],
           "20230218-M03": [(TIERING, "三个方阵的人数比例为3:6:1。")],
           "20240110ZLM": [(TIERING, "比例是3.5:5.5:1。")]})  # fmt: skip
    report = check(cli)
    tiering = row(report, TIERING)
    assert tiering["status"] == "contested"
    [fact] = [f for f in report["facts"] if f["status"] == "conflict"]
    assert tiering["conflicts"] == [fact["id"]]
    assert fact["values"] == ["3.5:5.5:1", "3:6:1"]
    sides = {(s["source"], s["value"]) for s in fact["statements"]}
    assert sides == {("20230110-P03", "3.5:5.5:1"), ("20240110ZLM", "3.5:5.5:1"), ("20230218-M03", "3:6:1")}
    media = next(s for s in fact["statements"] if s["source"] == "20230218-M03")
    assert "3:6:1" in media["quote"]
    assert {"人数", "比例"} <= set(media["terms"])
    assert (media["quantity"], media["subject"]) == ("比例", ["方阵"])  # the tiers' ratio


def test_the_weight_of_satisfaction_and_the_satisfaction_rate_are_different_facts(cli, tmp_path):
    """30% against 35% for 满意度权重 is a conflict of its own; the rate 96.37% is not grouped with it (the
    wording-only rule made one fact of all four: 30 ≠ 35 ≠ 96.37)."""
    policy = document("20230110-P05", "policy", "第八条　年度考核中，满意度权重占百分之三十。", issuer="青川区委组织部")
    weight = document("20230220-M06", "media", "记者了解到，满意度权重占百分之三十五。")
    rate = document("20231208-M05", "media", "第三方测评显示，全区满意度达到96.37%。")
    talk = interview("20240110ZLM", "曾立明", "去年全区满意度是96.37%。")
    files = {"20230110-P05.txt": policy, "20230220-M06.txt": weight, "20231208-M05.txt": rate, "20240110ZLM.txt": talk}
    build(cli, tmp_path, files,
          {"20230110-P05": [(RESPONSIVENESS, "年度考核中，满意度权重占百分之三十。")],
           "20230220-M06": [(RESPONSIVENESS, "满意度权重占百分之三十五。")],
           "20231208-M05": [(RESPONSIVENESS, "全区满意度达到96.37%。")],
           "20240110ZLM": [(RESPONSIVENESS, "去年全区满意度是96.37%。")]})  # fmt: skip
    report = check(cli)
    by_values = {tuple(f["values"]): f for f in report["facts"]}
    assert set(by_values) == {("30", "35"), ("96.37",)}
    weights, rates = by_values[("30", "35")], by_values[("96.37",)]
    assert (weights["status"], rates["status"]) == ("conflict", "consistent")
    assert {(s["source"], s["quantity"], tuple(s["subject"])) for s in weights["statements"]} == {
        ("20230110-P05", "权重", ("满意度",)),
        ("20230220-M06", "权重", ("满意度",)),
    }  # the JSON says why they were grouped
    assert {(s["source"], s["quantity"]) for s in rates["statements"]} == {
        ("20231208-M05", "满意度"),
        ("20240110ZLM", "满意度"),
    }
    assert row(report, RESPONSIVENESS)["conflicts"] == [weights["id"]]


def test_a_code_quoting_one_side_of_a_conflict_is_flagged_not_contested(cli, tmp_path):
    build(cli, tmp_path, {"20230110-P03.txt": POLICY, "20230218-M03.txt": MEDIA},
          {"20230110-P03": [(TIERING, "比例为3.5:5.5:1。")], "20230218-M03": [(MENTORING, "人数比例为3:6:1。")]})  # fmt: skip
    report = check(cli)
    assert row(report, TIERING)["status"] == "single-source"
    assert "fact_disputed_elsewhere" in row(report, TIERING)["flags"]
    assert row(report, "structure")["status"] == "contested"  # the dimension holds both sides


def test_percentages_dates_and_amounts_conflict_like_ratios_while_equal_counts_agree(cli, tmp_path):
    media = document(
        "20231208-M05",
        "media",
        "群众满意度达到95.1%。全区提拔重用干部67名。方案于2022年4月试行。揭榜项目奖励资金共150万元。",
    )
    talk = interview(
        "20240110ZLM",
        "曾立明",
        "群众满意度是96.37%。提拔重用了六十七人。方案2022年3月就试行了。揭榜项目的奖励资金一共120万元。",
    )
    build(cli, tmp_path, {"20231208-M05.txt": media, "20240110ZLM.txt": talk},
          {"20231208-M05": [(OPEN_CALL, "群众满意度达到95.1%。全区提拔重用干部67名。方案于2022年4月试行。揭榜项目奖励资金共150万元。")],
           "20240110ZLM": [(OPEN_CALL, "群众满意度是96.37%。提拔重用了六十七人。方案2022年3月就试行了。揭榜项目的奖励资金一共120万元。")]})  # fmt: skip
    by_measure = {f["measure"]: f for f in check(cli)["facts"]}
    assert by_measure["percent"]["status"] == "conflict"
    assert by_measure["date"]["values"] == ["2022-03", "2022-04"]
    assert by_measure["amount"]["values"] == ["1200000", "1500000"]
    assert by_measure["count:人"]["status"] == "consistent"  # 67名 and 六十七人 agree


def test_record_ids_are_checked_against_dates_names_and_the_fieldwork_window(cli, tmp_path):
    wrong_date = interview("20240110ZLM", "曾立明", "方阵划分。", date="2024-01-11")
    wrong_name = interview("20240115MJQ", "王建国", "方阵划分。")
    build(cli, tmp_path, {"20240110ZLM.txt": wrong_date, "20240115MJQ.txt": wrong_name}, {})
    assert cli("fieldwork", "2024-01-12", "2024-03-31").exit_code == 0
    warnings = check(cli)["warnings"]
    assert {(w["rule"], w["source"]) for w in warnings} == {
        ("id-date", "20240110ZLM"),
        ("fieldwork", "20240110ZLM"),  # dated 2024-01-11, before the window opens
        ("id-initials", "20240115MJQ"),
    }
    assert all("王建国" not in w["zh"] + w["en"] for w in warnings)  # names stay in the database
    assert check(cli)["rules"]["fieldwork"] == {"start": "2024-01-12", "end": "2024-03-31"}


def test_the_fieldwork_window_is_refused_backwards_and_can_be_cleared(cli):
    refused = cli("fieldwork", "2024-03-31", "2024-01-12")
    assert refused.exit_code == 1
    assert "晚于" in refused.output and "after it ends" in refused.output
    assert cli("fieldwork", "2024-01-12", "2024-03-31").stdout.strip() == "2024-01-12 2024-03-31"
    assert cli("fieldwork", "--clear").stdout.strip() == "—"


def test_a_claim_gets_the_same_check_as_the_codes_it_rests_on(cli, tmp_path):
    build(cli, tmp_path, {"20230110-P03.txt": POLICY, "20230218-M03.txt": MEDIA},
          {"20230110-P03": [(TIERING, "比例为3.5:5.5:1。")], "20230218-M03": [(TIERING, "人数比例为3:6:1。")]})  # fmt: skip
    added = cli("claim", "add", "方阵比例的公开口径并不一致。", "--code", TIERING, "--coder", "研究者A")
    assert added.exit_code == 0, added.output
    [claim] = check(cli)["claims"]
    assert (claim["text"], claim["codes"], claim["status"]) == ("方阵比例的公开口径并不一致。", [TIERING], "contested")
    assert claim["author"] == "研究者A"


def test_a_claim_linked_to_single_codings_counts_only_those(cli, tmp_path):
    build(cli, tmp_path, {"20230110-P03.txt": POLICY, "20230218-M03.txt": MEDIA},
          {"20230110-P03": [(TIERING, "比例为3.5:5.5:1。")], "20230218-M03": [(TIERING, "人数比例为3:6:1。")]})  # fmt: skip
    codings = json.loads(cli("code", "list", "--source", "20230110-P03", "--json").stdout)
    assert cli("claim", "add", "细则规定了方阵比例。", "--coding", str(codings[0]["id"])).exit_code == 0
    [claim] = check(cli)["claims"]
    assert (claim["status"], claim["kinds"], claim["codings"]) == ("single-source", ["policy"], [codings[0]["id"]])
    assert cli("claim", "remove", str(claim["id"])).exit_code == 0
    assert check(cli)["claims"] == []


def test_a_claim_refuses_unknown_codes_and_suggestions_as_evidence(cli, tmp_path):
    build(cli, tmp_path, {"20240110ZLM.txt": ZLM}, {})
    unknown = cli("claim", "add", "一个论断。", "--code", "structure.nothing")
    assert unknown.exit_code == 1 and "structure.nothing" in unknown.output
    assert cli("tag").exit_code == 0
    suggestion = json.loads(cli("code", "list", "--status", "suggested", "--json").stdout)[0]
    refused = cli("claim", "add", "一个论断。", "--coding", str(suggestion["id"]))
    assert refused.exit_code == 1 and "only accepted or manual codings are evidence" in refused.output
    assert check(cli)["claims"] == []


def test_a_count_stated_differently_for_the_same_year_conflicts(cli, tmp_path):
    media = document("20231208-M05", "media", "2023年全区提拔重用干部80名。")
    talk = interview("20240110ZLM", "曾立明", "2023年提拔重用了六十七人。")
    build(cli, tmp_path, {"20231208-M05.txt": media, "20240110ZLM.txt": talk},
          {"20231208-M05": [(OPEN_CALL, "2023年全区提拔重用干部80名。")],
           "20240110ZLM": [(OPEN_CALL, "2023年提拔重用了六十七人。")]})  # fmt: skip
    [fact] = check(cli)["facts"]
    assert (fact["measure"], fact["status"], fact["values"]) == ("count:人", "conflict", ["67", "80"])


def test_a_derived_from_loop_is_warned_and_each_source_counts_as_itself(cli, tmp_path):
    policy = document("20230420-P04", "policy", "推行揭榜挂帅攻坚机制。", derived_from="20230605-M04")
    media = document("20230605-M04", "media", "区里推行揭榜挂帅攻坚机制。", derived_from="20230420-P04")
    build(cli, tmp_path, {"20230420-P04.txt": policy, "20230605-M04.txt": media},
          {"20230420-P04": [(OPEN_CALL, "推行揭榜挂帅攻坚机制。")],
           "20230605-M04": [(OPEN_CALL, "区里推行揭榜挂帅攻坚机制。")]})  # fmt: skip
    report = check(cli)
    assert row(report, OPEN_CALL)["sources"] == {"interview": [], "policy": ["20230420-P04"], "media": ["20230605-M04"]}
    assert {w["rule"] for w in report["warnings"]} == {"derived-cycle"}


def test_two_coders_on_one_passage_count_once_and_people_organisations_and_roles_are_counted(cli, tmp_path):
    other = interview("20240112OYH", "欧阳红", "揭榜的项目越来越难了。", organization="青川区发展和改革局")
    build(cli, tmp_path, {"20240110ZLM.txt": ZLM, "20240112OYH.txt": other},
          {"20240110ZLM": [(TIERING, "比例是3.5:5.5:1。")], "20240112OYH": [(TIERING, "揭榜的项目越来越难了。")]})  # fmt: skip
    write(
        tmp_path / "second" / "20240110ZLM.yaml",
        "source: 20240110ZLM\ncodings:\n  - {code: structure.tiering, quote: 比例是3.5:5.5:1。}\n",
    )
    assert cli("code", "import", str(tmp_path / "second"), "--coder", "研究者B").exit_code == 0
    tiering = row(check(cli), TIERING)
    assert tiering["counts"]["interview"] == 2  # three codings, two passages
    assert (tiering["interviewees"], tiering["organizations"], tiering["roles"]) == (2, 2, 1)
    three = row(check(cli, "--min-kinds", "3"), "structure")
    assert three["flags"] == [] and three["status"] == "single-source"


def test_two_kinds_of_three_asked_for_is_partial_corroboration_not_single_source(cli, tmp_path):
    """Many interview passages and a media report: two of the three kinds asked for."""
    talks = ["帮带的老同志每周带着年轻人下社区。", "结对以后第三方阵的小伙子进步很快。", "帮带期满还要写总结。"]
    build(cli, tmp_path, {"20240110ZLM.txt": interview("20240110ZLM", "曾立明", "".join(talks)), "20230218-M03.txt": MEDIA},
          {"20240110ZLM": [(MENTORING, talk) for talk in talks], "20230218-M03": [(MENTORING, "记者了解到")]})  # fmt: skip
    mentoring = row(check(cli, "--min-kinds", "3"), MENTORING)
    assert (mentoring["status"], mentoring["kinds"]) == ("partial", ["interview", "media"])
    assert mentoring["counts"] == {"interview": 3, "policy": 0, "media": 1}
    assert row(check(cli, "--min-kinds", "2"), MENTORING)["status"] == "corroborated"
    assert row(check(cli, "--min-kinds", "3"), OPEN_CALL)["status"] == "no-evidence"
    report = cli("triangulate", "--min-kinds", "3").stdout
    assert "部分佐证" in report and "多于一类、但少于 3 类为“部分佐证”；只有一类为“单一来源”" in report
    assert "partly corroborated" in cli("triangulate", "--min-kinds", "3", "--lang", "en").stdout
    assert "partial 1" in cli("triangulate", "--min-kinds", "3").stderr


def test_a_coding_a_claim_rests_on_cannot_be_deleted_silently(cli, tmp_path):
    build(cli, tmp_path, {"20230110-P03.txt": POLICY}, {"20230110-P03": [(TIERING, "比例为3.5:5.5:1。")]})
    coding = json.loads(cli("code", "list", "--json").stdout)[0]["id"]
    assert cli("claim", "add", "细则规定了方阵比例。", "--coding", str(coding)).exit_code == 0
    from coder.project import Project

    with pytest.raises(QcoderError, match="evidence for claim 1"):
        Project.open(cli.url).delete_coding(coding, "研究者A")
    assert check(cli)["claims"][0]["codings"] == [coding]


def test_an_empty_project_has_nothing_but_no_evidence(cli):
    report = check(cli)
    assert {r["status"] for r in report["codes"]} == {"no-evidence"}
    assert (report["facts"], report["claims"], report["warnings"]) == ([], [], [])
    assert cli("triangulate", "--format", "html").exit_code == 0


def test_record_ids_from_other_tools_are_checked_for_shape_kind_and_case(cli):
    """Imports enforce the convention; sources that reach the database another way are checked here."""
    from sqlmodel import Session

    from coder.db.engine import make_engine
    from coder.db.models import Source

    with Session(make_engine(cli.url)) as session:
        for record_id, kind in (("20240115MJQ", "interview"), ("20240115mjq", "interview"),
                                ("访谈一", "interview"), ("20230110-P03", "media")):  # fmt: skip
            session.add(Source(id=record_id, kind=kind, text="正文。", sha256=record_id, filename=f"{record_id}.txt"))
        session.commit()
    rules = {(w["rule"], w["source"]) for w in check(cli)["warnings"]}
    assert {("id-unique", "20240115mjq"), ("id-format", "访谈一"), ("id-kind", "20230110-P03")} <= rules


def test_no_report_format_prints_the_interviewees_name(cli, tmp_path):
    build(cli, tmp_path, {"20240110ZLM.txt": ZLM}, {"20240110ZLM": [(TIERING, "比例是3.5:5.5:1。")]})
    target = tmp_path / "report.docx"
    assert cli("triangulate", "--format", "docx", "-o", str(target)).exit_code == 0
    text = "\n".join(p.text for p in Document(str(target)).paragraphs)
    text += "\n".join(c.text for t in Document(str(target)).tables for r in t.rows for c in r.cells)
    assert "20240110ZLM" in text and "曾立明" not in text


def test_quote_files_load_one_file_and_a_bad_file_stops_only_itself(cli, tmp_path):
    build(cli, tmp_path, {"20240110ZLM.txt": ZLM}, {})
    good = write(
        tmp_path / "q" / "good.yaml",
        "source: 20240110ZLM\ncodings:\n  - {code: structure.tiering, quote: 比例是3.5:5.5:1。}\n",
    )
    write(tmp_path / "q" / "bad.yaml", "source: 20240110ZLM\ncodings: [unclosed\n")
    result = cli("code", "import", str(tmp_path / "q"), "--coder", "研究者A")
    assert result.exit_code == 1 and "bad.yaml" in result.output
    assert "1 codings added" in result.output
    assert cli("code", "import", str(good), "--coder", "研究者A").exit_code == 0  # a single file


def test_agreement_counts_the_coders_whose_spans_of_the_same_code_overlap():
    """Pinned by hand: overlapping means sharing a character (touching spans do not), per source and code,
    each coder once however many of their spans overlap."""
    Coded = namedtuple("Coded", "source_id code_id coder_id start end")
    codings = [
        Coded("S1", "c", 1, 0, 10), Coded("S1", "c", 1, 5, 15),  # one coder twice: counts once
        Coded("S1", "c", 2, 8, 12),
        Coded("S1", "c", 3, 10, 20),  # touches 0–10, overlaps 5–15 and 8–12
        Coded("S1", "c", 4, 30, 40), Coded("S1", "d", 4, 0, 40),  # another code: never counted for c
        Coded("S2", "c", 5, 0, 40),  # another source
        Coded("S1", "c", 2, 0, 100),  # a long span of coder 2's reaching every other
    ]  # fmt: skip
    evidence = [Evidence(coding=n, code=c.code_id, source=c.source_id, kind="", line="", start=c.start, end=c.end,
                         score=0.0) for n, c in enumerate(codings)]  # fmt: skip
    count_agreement(evidence, codings)
    assert [e.agreeing for e in evidence] == [2, 3, 3, 3, 2, 1, 1, 4]


def test_a_conflict_outranks_partial_corroboration(cli, tmp_path):
    build(cli, tmp_path, {"20240110ZLM.txt": ZLM, "20230218-M03.txt": MEDIA},
          {"20240110ZLM": [(TIERING, "比例是3.5:5.5:1。")], "20230218-M03": [(TIERING, "三个方阵的人数比例为3:6:1。")]})  # fmt: skip
    tiering = row(check(cli, "--min-kinds", "3"), TIERING)
    assert (tiering["status"], tiering["kinds"]) == ("contested", ["interview", "media"])
