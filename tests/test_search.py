"""The whole-text search of the Retrieve page (coder.search): hits in coded and uncoded text, a substring or
any of its words, codings and memos as each person may see them, and the hits as masked, cited quote files —
on SQLite and PostgreSQL."""

import io
import json

import docx
import openpyxl
import pytest

from coder.errors import QcoderError
from coder.project import Project
from coder.retrieval import Query
from tests.helpers import write
from tests.test_access import PASSWORD, add_user

SOURCE = "20240305LHM"
POLICY_ID = "20230601-P01"
INTERVIEW = """---
id: 20240305LHM
kind: interview
date: 2024-03-05
interviewee: 李红梅
role: 街道办副主任
organization: 东湖街道
synthetic: true
---
访谈者：你们的考核排名怎么用？
LHM：考核办法是去年定的。排名靠后的科室要写说明。
LHM：今年还加了群众打分，李红梅自己也被约谈过一次。
LHM：=HYPERLINK("http://example.invalid","点我")是系统里的公式。
"""
POLICY = """---
id: 20230601-P01
kind: policy
date: 2023-06-01
title: 东湖街道绩效考核办法
issuer: 东湖街道办事处
doc_number: 东街发〔2023〕5号
synthetic: true
---
第一条　为规范考核排名，制定本办法。
第二条　排名结果每季度公示。
"""


@pytest.fixture
def project(cli, tmp_path):
    """An interview and a policy text, imported (not tagged: every coding is one a test adds)."""
    write(tmp_path / "in" / "interviews" / f"{SOURCE}.txt", INTERVIEW)
    write(tmp_path / "in" / "policy" / f"{POLICY_ID}.txt", POLICY)
    assert cli("import", str(tmp_path / "in")).exit_code == 0
    return Project.open(cli.url)


def code(cli, phrase: str, code_id: str, coder: str = "甲", memo: str | None = None) -> None:
    text = Project.open(cli.url).source(SOURCE)["text"]
    start = text.index(phrase)
    args = ["--source", SOURCE, "--start", str(start), "--end", str(start + len(phrase)), "--code", code_id]
    result = cli("code", "add", *args, "--coder", coder, *(["--memo", memo] if memo else []))
    assert result.exit_code == 0, result.output


def texts(found: dict) -> list[str]:
    return [hit["text"] for hit in found["hits"]]


def test_a_word_is_found_in_an_uncoded_sentence_with_its_place_and_context(project):
    found = project.search(Query(text="群众打分"))
    [hit] = found["hits"]
    assert hit["text"] == "今年还加了群众打分，李红梅自己也被约谈过一次。"  # the stored sentence, not raw characters
    text = project.source(SOURCE)["text"]
    assert [text[a:b] for a, b in hit["marks"]] == ["群众打分"]
    assert text[hit["start"] : hit["end"]] == hit["text"]
    assert (hit["coded"], hit["codings"], hit["speaker"], hit["question"]) == (False, [], "LHM", False)
    # Context: from a sentence start within 30 characters, to a sentence end within 30 (else cut there).
    assert hit["before"] == "考核办法是去年定的。排名靠后的科室要写说明。\nLHM："
    assert hit["after"] == '\nLHM：=HYPERLINK("http://example.invalid",'[:30]
    assert (found["coded"], found["uncoded"]) == (0, 1)


def test_any_word_finds_whole_words_and_a_substring_finds_it_anywhere(project):
    by_words = texts(project.search(Query(text="考核排名", match="words")))
    assert by_words == [
        "第一条　为规范考核排名，制定本办法。",  # the policy is older: hits go by source date
        "第二条　排名结果每季度公示。",
        "你们的考核排名怎么用？",
        "排名靠后的科室要写说明。",
    ]
    assert "考核办法是去年定的。" not in by_words  # 考核 inside the word 考核办法 is no hit by words
    assert "考核办法是去年定的。" in texts(project.search(Query(text="考核")))  # as a substring it is
    assert texts(project.search(Query(text="考核排名"))) == [
        "第一条　为规范考核排名，制定本办法。",
        "你们的考核排名怎么用？",
    ]
    found = project.search(Query(text="考核排名", match="words"))
    assert found["words"] == ["考核", "排名"]
    assert [len(hit["marks"]) for hit in found["hits"]] == [2, 1, 2, 1]
    assert texts(project.search(Query(text="排名", kinds=["policy"]))) == by_words[:2]


def test_a_search_by_words_of_nothing_but_punctuation_finds_nothing(cli, project):
    code(cli, "排名靠后的科室要写说明", "action.public_results")
    assert project.search(Query(text="，。", match="words"))["hits"] == []
    assert len(project.search(Query(text="  "))["hits"]) == 1  # no text at all: the coded passages


def test_a_substring_across_a_sentence_end_is_one_hit_of_both_sentences(project):
    [hit] = project.search(Query(text="定的。排名"))["hits"]
    assert hit["text"] == "考核办法是去年定的。排名靠后的科室要写说明。"


def test_coded_hits_carry_their_codings_and_memos_and_the_coded_filter_keeps_either(cli, project):
    code(cli, "排名靠后的科室要写说明", "action.public_results", "甲", memo="编码备忘：靠后要说明")
    code(cli, "科室要写说明", "scenario.backstage", "乙")
    found = project.search(Query(text="排名", match="words"))
    hit = next(h for h in found["hits"] if h["text"] == "排名靠后的科室要写说明。")
    # 乙's coding lies in the sentence but not on the word found: it does not make this hit coded.
    assert [(c["code"], c["coder"], c["status"]) for c in hit["codings"]] == [("action.public_results", "甲", "manual")]
    assert [m["text"] for m in hit["memos"]] == ["编码备忘：靠后要说明"]
    assert (found["coded"], found["uncoded"]) == (1, 3)
    assert texts(project.search(Query(text="排名", match="words", coded="coded"))) == ["排名靠后的科室要写说明。"]
    assert "排名靠后的科室要写说明。" not in texts(project.search(Query(text="排名", match="words", coded="uncoded")))
    # Codings count as the filters say: with another code chosen, the same hit is uncoded.
    other = project.search(Query(text="排名", codes=["scenario.backstage"], coded="uncoded"))
    assert "排名靠后的科室要写说明。" in texts(other)
    assert texts(project.search(Query(text="排名", statuses=["suggested"], coded="coded"))) == []


def test_without_text_the_coded_passages_or_the_uncoded_sentences_are_listed(cli, project):
    code(cli, "排名靠后的科室要写说明", "action.public_results", "甲")
    code(cli, "排名靠后的科室要写说明", "scenario.backstage", "乙")
    [hit] = project.search(Query())["hits"]  # one passage, coded twice
    assert (hit["text"], hit["marks"]) == ("排名靠后的科室要写说明", [])
    assert {c["coder"] for c in hit["codings"]} == {"甲", "乙"}
    uncoded = texts(project.search(Query(coded="uncoded", kinds=["interview"])))
    assert uncoded == ["你们的考核排名怎么用？", "考核办法是去年定的。", "今年还加了群众打分，李红梅自己也被约谈过一次。",
                       '=HYPERLINK("http://example.invalid","点我")是系统里的公式。']  # fmt: skip


def test_interviewer_questions_are_searched_and_marked(project):
    hits = project.search(Query(text="考核排名", kinds=["interview"]))["hits"]
    assert [(h["speaker"], h["question"]) for h in hits] == [("访谈者", True)]
    assert project.search(Query(text="考核排名", kinds=["interview"], questions=False))["hits"] == []
    assert project.search(Query(text="LHM"))["hits"] == []  # speaker labels are no text of a sentence


def test_memos_are_found_by_the_same_match(cli, project):
    for target, value, text in [
        ("--source", SOURCE, "本季度排名靠后的原因待查"),
        ("--code", "scenario.backstage", "考核办法待修订"),
    ]:
        assert cli("memo", "add", target, value, "--coder", "甲", text).exit_code == 0
    by_words = [m["text"] for m in project.retrieve_memos(Query(text="考核排名", match="words"))]
    assert by_words == ["本季度排名靠后的原因待查"]  # 考核 inside 考核办法 is no word of its own
    assert [m["text"] for m in project.retrieve_memos(Query(text="考核"))] == ["考核办法待修订"]
    assert project.retrieve_memos(Query(text="考核排名")) == []


def test_a_blind_round_hides_a_colleagues_codings_and_memos_in_the_hits(cli, project):
    add_user(cli, "负责人", "owner")
    for name in ("编码员甲", "编码员乙"):
        add_user(cli, name)
    assert cli("team", "on").exit_code == 0
    owner, first, second = (project.log_in(name, PASSWORD) for name in ("负责人", "编码员甲", "编码员乙"))
    owner.open_round("第一轮", [SOURCE])
    text = project.source(SOURCE)["text"]
    start = text.index("群众打分")
    coding = first.add_coding(SOURCE, start, start + 4, "action.public_results", "编码员甲", memo="甲的想法")

    def seen(person: Project) -> tuple:
        [hit] = person.search(Query(text="群众打分"))["hits"]
        return hit["coded"], [c["id"] for c in hit["codings"]], [m["text"] for m in hit["memos"]]

    assert seen(first) == (True, [coding], ["甲的想法"])
    assert seen(second) == (False, [], [])  # the text is everyone's; 甲's coding and memo are not, yet
    assert seen(project) == (True, [coding], ["甲的想法"])  # the command line administers
    assert second.search(Query(text="群众打分", coded="coded"))["hits"] == []
    assert second.export_search(Query(text="群众打分"), "json").decode().count("甲的想法") == 0


def test_unknown_options_are_refused_by_name(project):
    for query, named in [
        (Query(text="x", match="fuzzy"), "fuzzy"),
        (Query(coded="maybe"), "maybe"),
        (Query(statuses=["approved"]), "approved"),
        (Query(codes=["scenario.nothing"]), "scenario.nothing"),
    ]:
        with pytest.raises(QcoderError) as refused:
            project.search(query)
        assert named in refused.value.zh and named in refused.value.en


def downloaded(cli, tmp_path, fmt: str, *args: str) -> str:
    out = tmp_path / f"search.{fmt}"
    result = cli("search", *args, "--format", fmt, "-o", str(out))
    assert result.exit_code == 0, result.output
    if fmt == "docx":
        return "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(out.read_bytes())).active
        return "\n".join(
            "\t".join("" if v is None else str(v) for v in row) for row in sheet.iter_rows(values_only=True)
        )
    return out.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["md", "docx", "xlsx"])
def test_the_hits_download_masked_and_cited_as_quotes(cli, project, tmp_path, fmt):
    code(cli, "排名靠后的科室要写说明", "action.public_results", "甲", memo="李红梅说的")
    shown = downloaded(cli, tmp_path, fmt, "排名", "--any-word")
    assert "“排名靠后的科室要写说明。”（访谈记录：20240305LHM）" in shown.replace("\t", "") or fmt == "xlsx"
    assert "（东湖街道办事处《东湖街道绩效考核办法》，东街发〔2023〕5号，2023年6月1日）" in shown or fmt == "xlsx"
    assert "访谈记录：20240305LHM" in shown and "结果运用公开化" in shown  # cited; grouped under the code's name
    assert "李红梅" not in shown and ("LHM说的" in shown or fmt != "xlsx")  # the coding's memo is masked too
    assert "未编码" in shown  # the uncoded hits under a heading of their own
    named = downloaded(cli, tmp_path, fmt, "李红梅")
    assert "李红梅" not in named and "LHM自己也被约谈过一次" in named  # the search text in the title is masked too
    if fmt != "xlsx":
        assert "屏蔽列表" in named  # the methods sentence
    kept = downloaded(cli, tmp_path, fmt, "李红梅", "--no-mask")
    assert "李红梅自己也被约谈过一次" in kept


def test_a_spreadsheet_of_hits_never_runs_a_formula_from_a_transcript(cli, project, tmp_path):
    out = tmp_path / "hits.xlsx"
    assert cli("search", "公式", "--format", "xlsx", "-o", str(out)).exit_code == 0
    rows = list(openpyxl.load_workbook(io.BytesIO(out.read_bytes())).active.iter_rows(values_only=True))
    quotes = [cell for row in rows[1:] for cell in row if isinstance(cell, str) and "HYPERLINK" in cell]
    assert quotes and all(cell.startswith("'=") for cell in quotes)


def test_the_json_of_hits_is_the_rows_of_the_files(cli, project):
    result = cli("search", "群众打分", "--format", "json")
    [row] = json.loads(result.stdout)
    assert (row["source"], row["citation"], row["code"]) == (SOURCE, "访谈记录：20240305LHM", "uncoded")
    assert row["quote"] == "今年还加了群众打分，LHM自己也被约谈过一次。"
    assert cli("search", "x", "--coded", "--uncoded").exit_code == 1


def test_a_code_named_by_what_was_said_is_masked_in_the_hits_file_as_in_the_quote_export(cli, project, tmp_path):
    code(cli, "排名靠后的科室要写说明", "action.public_results", "甲")
    assert cli("mask", "add", "结果运用公开化", "--kind", "org", "--as", "某项做法").exit_code == 0
    shown = downloaded(cli, tmp_path, "md", "排名")
    assert "结果运用公开化" not in shown and "### 某项做法" in shown


def test_what_a_person_searched_for_is_one_escaped_line_in_the_files_title(cli, project, tmp_path):
    shown = downloaded(cli, tmp_path, "md", "排名\n# 插入的标题 <script>x</script> **粗**")
    title = shown.splitlines()[0]
    assert title.startswith("# 检索结果：排名 ") and "&lt;script&gt;" in title and "\\*\\*粗\\*\\*" in title
    assert "\n# 插入的标题" not in shown
