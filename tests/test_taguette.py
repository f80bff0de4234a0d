"""Taguette exchange: `qcoder codebook import F.csv`, `qcoder code import F.csv`, `codebook export --format taguette`.

The Taguette files are written here the way Taguette 1.5 writes them (Python's csv writer, Excel dialect:
CRLF, quotes only where needed; UTF-8 without BOM; its headers), with synthetic Chinese tags and highlights.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import yaml

from coder import codebook
from coder.errors import QcoderError
from coder.export.qdc import read_description
from coder.export.taguette_codebook import read_codebook
from tests.helpers import Cli, write

CODEBOOK_HEADER = ["tag", "description", "number of highlights", "number of documents"]
HIGHLIGHTS_HEADER = ["id", "document", "tag", "content"]
TAGS = [
    ["场景", "考核发生的情境与氛围", 0, 0],  # sub-tags, no highlights of its own: a dimension
    ["场景.台前空间", '工作表现摆上台面，"人人看得见"，\n同事和群众都能监督。', 2, 1],
    ["场景.台前空间.排名公示", "", 1, 1],
    ["结构", "组织安排与制度设计", 1, 1],  # sub-tags and highlights of its own: a code
    ["结构.分类分层", "按单位和岗位分类考核", 2, 2],
    ["减负", "为基层减负", 0, 0],
    ["=SUM(1+1)", "-看似公式的标签", 0, 0],
]
INTERVIEW = (
    "访谈者：请您谈谈考核改革。\n"
    "MJQ：以前考核就是走过场。现在排名都公示出来了！\n"
    "访谈者：分类考核怎么做？\n"
    "MJQ：按岗位分类考核，基层减负也落实了。\n"
)
POLICY = """---
id: 20230110-P03
kind: policy
date: 2023-01-10
title: 石桥镇干部考核办法
---
第一条 为推进干部考核改革，制定本办法。
第二条 考核结果向全镇公示。
第三条 考核结果向全镇公示。
"""
# (document, tag, content, the source and exact text the coding must get)
GOOD = [
    ("20240115MJQ.txt", "场景.台前空间", "现在排名都公示出来了！", "20240115MJQ", "现在排名都公示出来了！"),
    ("20240115MJQ.txt", "场景.台前空间.排名公示", "现在排名都公示出来了！", "20240115MJQ", "现在排名都公示出来了！"),
    # Taguette's plain text joins the paragraphs of a highlight with one space
    ("20240115MJQ", "结构.分类分层", "分类考核怎么做？ MJQ：按岗位分类考核", "20240115MJQ",
     "分类考核怎么做？\nMJQ：按岗位分类考核"),
    ("石桥镇干部考核办法", "结构", "为推进干部考核改革，制定本办法。", "20230110-P03", "为推进干部考核改革，制定本办法。"),
    ("20230110-P03_考核办法.txt", "分类分层", "第一条", "20230110-P03", "第一条"),  # a tag by its Chinese name
]  # fmt: skip


def taguette_csv(header: list[str], rows: list[list]) -> bytes:
    """A CSV file as Taguette's exports write it."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def highlights(rows: list[tuple[str, str, str]]) -> bytes:
    return taguette_csv(HIGHLIGHTS_HEADER, [[n, *row] for n, row in enumerate(rows, 1)])


@pytest.fixture
def tagged(db_url: str, tmp_path: Path) -> Cli:
    """A project on Taguette's codebook (converted by `codebook import`) with an interview and a policy text."""
    folder = tmp_path / "taguette"
    write(folder / "codebook.csv", taguette_csv(CODEBOOK_HEADER, TAGS))
    run = Cli(db_url, folder)
    result = run("codebook", "import", "codebook.csv", "-o", "codebook.yaml")
    assert result.exit_code == 0, result.output
    assert run("init").exit_code == 0
    write(folder / "corpus" / "20240115MJQ.txt", INTERVIEW)
    write(folder / "corpus" / "20230110-P03_考核办法.txt", POLICY)
    result = run("import", "corpus/20240115MJQ.txt", "--kind", "interview")
    assert result.exit_code == 0, result.output
    assert run("import", "corpus/20230110-P03_考核办法.txt").exit_code == 0
    return run


def codings(cli: Cli) -> list[tuple[str, str, str]]:
    """Every coding as (source, code, the source's text at its offsets)."""
    texts = {}
    found = []
    for row in json.loads(cli("code", "list", "--json").stdout):
        if row["source"] not in texts:
            texts[row["source"]] = json.loads(cli("sources", "show", row["source"], "--json").stdout)["text"]
        found.append((row["source"], row["code"], texts[row["source"]][row["start"] : row["end"]]))
    return sorted(found)


def nodes(path: Path) -> list[dict]:
    """A codebook's nodes as compared across a round trip (where in the file they stand aside)."""
    return [{k: v for k, v in vars(n).items() if k not in ("line", "parent_line")} for n in codebook.load(path).nodes]


# -- codebook ---------------------------------------------------------------------------------------


def test_taguettes_codebook_becomes_yaml_that_passes_the_check(tmp_path):
    source = write(tmp_path / "codebook.csv", taguette_csv(CODEBOOK_HEADER, TAGS))
    run = Cli(f"sqlite:///{tmp_path / 'p.sqlite'}", tmp_path)
    assert run("codebook", "import", "codebook.csv", "-o", "book.yaml").exit_code == 0
    assert run("codebook", "check", "book.yaml").exit_code == 0
    book = yaml.safe_load((tmp_path / "book.yaml").read_text(encoding="utf-8"))
    assert [(d["id"], d["name"]) for d in book["dimensions"]] == [("chang_jing", "场景"), ("uncategorised", "未分类")]
    assert [(c["id"], c["name"], c["parent"]) for c in book["codes"]] == [
        ("chang_jing.tai_qian_kong_jian", "台前空间", "chang_jing"),
        ("chang_jing.pai_ming_gong_shi", "排名公示", "chang_jing.tai_qian_kong_jian"),
        ("uncategorised.jie_gou", "结构", "uncategorised"),
        ("uncategorised.fen_lei_fen_ceng", "分类分层", "uncategorised.jie_gou"),
        ("uncategorised.jian_fu", "减负", "uncategorised"),
        ("uncategorised.sum_1_1", "=SUM(1+1)", "uncategorised"),
    ]
    assert book["dimensions"][0]["definition"] == "考核发生的情境与氛围"
    assert book["codes"][0]["definition"] == TAGS[1][1]  # quotes, comma and line break kept
    assert book["codes"][0]["keywords"] == ["台前空间"]
    assert source.read_bytes().count(b"\r\n") == len(TAGS) + 1  # written as Taguette writes: CRLF


def test_codebook_csv_to_yaml_to_csv_keeps_the_tags_and_neutralises_formulas(tagged):
    assert tagged("codebook", "export", "--format", "taguette", "-o", "out.csv").exit_code == 0
    raw = (tagged.folder / "out.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Taguette's encoding detection takes a BOM for certain
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["tag", "description", "color"]  # one column Taguette takes the tag from: "tag"
    exported = {tag: description for tag, description, _ in rows[1:]}
    assert list(exported) == ["场景", *[t[0] for t in TAGS[1:6]], "'=SUM(1+1)"]  # no 未分类 level
    assert exported["'=SUM(1+1)"].startswith("'-看似公式的标签")  # a spreadsheet shows it, never runs it
    for tag, description, *_ in TAGS[:6]:
        assert read_description(exported[tag])["definition"] == (description or None)
    # … and reading it back gives the codebook it came from
    assert tagged("codebook", "import", "out.csv", "-o", "back.yaml").exit_code == 0
    assert nodes(tagged.folder / "back.yaml") == nodes(tagged.folder / "codebook.yaml")


def test_qcoders_own_codebook_goes_to_taguette_and_back_unchanged(sqlite_cli):
    """`-o F.csv` alone picks the Taguette format; the .qdc stays the default for every other name."""
    assert sqlite_cli("codebook", "export", "-o", "codes.csv").exit_code == 0
    assert sqlite_cli("codebook", "export", "-o", "codes.qdc").exit_code == 0
    assert (sqlite_cli.folder / "codes.qdc").read_bytes().startswith(b"<?xml")
    assert sqlite_cli("codebook", "import", "codes.csv", "-o", "back.yaml").exit_code == 0
    assert nodes(sqlite_cli.folder / "back.yaml") == nodes(sqlite_cli.folder / "codebook.yaml")


def test_codebook_rows_taguette_would_not_take_are_named_by_line(tmp_path):
    bad = write(
        tmp_path / "bad.csv",
        taguette_csv(
            CODEBOOK_HEADER, [["场景", "", 0, 0], ["", "无名", 0, 0], ["场景", "又一次", 0, 0], ["甲..乙", "", 0, 0]]
        ),
    )
    with pytest.raises(QcoderError) as refused:
        read_codebook(bad)
    message = str(refused.value)
    assert "line 3: the tag name is empty" in message
    assert "line 4: tag 场景 appears twice (first on line 2)" in message
    assert "line 5: tag 甲..乙 has an empty level" in message


def test_a_parent_named_only_in_its_sub_tags_and_a_parent_column_make_the_tree(tmp_path):
    """``行动.主动作为`` without ``行动`` makes 行动; the development version's ``parent`` column is read too."""
    write(
        tmp_path / "tags.csv",
        taguette_csv(["tag", "parent", "description"], [["行动.主动作为", "", "干部主动担当"], ["台前", "场景", ""],
                                                        ["场景", "", "情境"]]),
    )  # fmt: skip
    run = Cli(f"sqlite:///{tmp_path / 'p.sqlite'}", tmp_path)
    assert run("codebook", "import", "tags.csv", "-o", "book.yaml").exit_code == 0
    book = yaml.safe_load((tmp_path / "book.yaml").read_text(encoding="utf-8"))
    assert [d["id"] for d in book["dimensions"]] == ["xing_dong", "chang_jing"]
    assert [(c["id"], c["parent"]) for c in book["codes"]] == [
        ("xing_dong.zhu_dong_zuo_wei", "xing_dong"),
        ("chang_jing.tai_qian", "chang_jing"),
    ]


def test_each_file_goes_to_the_command_that_reads_it(tagged):
    write(tagged.folder / "hl.csv", highlights([GOOD[0][:3]]))
    wrong = tagged("codebook", "import", "hl.csv", "-o", "x.yaml")
    assert wrong.exit_code == 1 and "qcoder code import hl.csv" in wrong.stderr
    wrong = tagged("code", "import", "codebook.csv", "--coder", "研究者A")
    assert wrong.exit_code == 1 and "qcoder codebook import codebook.csv" in wrong.stderr


# -- highlights -------------------------------------------------------------------------------------


def test_highlights_become_codings_at_their_exact_offsets_and_twice_adds_nothing(tagged):
    rows = [row[:3] for row in GOOD] + [("20240115MJQ.txt", "", "以前考核就是走过场。")]  # a highlight without a tag
    write(tagged.folder / "all_tags.csv", highlights(rows))
    result = tagged("code", "import", "all_tags.csv", "--coder", "研究者A", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"added": 5, "unchanged": 0, "documents": 2, "untagged": 1, "errors": []}
    ids = {"场景.台前空间": "chang_jing.tai_qian_kong_jian", "场景.台前空间.排名公示": "chang_jing.pai_ming_gong_shi",
           "结构.分类分层": "uncategorised.fen_lei_fen_ceng", "结构": "uncategorised.jie_gou",
           "分类分层": "uncategorised.fen_lei_fen_ceng"}  # fmt: skip
    assert codings(tagged) == sorted((source, ids[tag], text) for _, tag, _, source, text in GOOD)
    again = tagged("code", "import", "all_tags.csv", "--coder", "研究者A")
    assert again.exit_code == 0
    assert "0 codings added, 5 already there" in again.stderr
    assert len(codings(tagged)) == 5


def test_a_document_named_by_the_original_file_name_finds_the_uploaded_source(tagged):
    # qcoder's upload keeps a file as {ID}_{original name}; Taguette was given the original file
    rows = [("考核办法.txt", "减负", "第一条"), ("考核办法", "结构", "第二条"), ("P03_考核办法", "结构", "第一条")]
    write(tagged.folder / "original_names.csv", highlights(rows))
    result = tagged("code", "import", "original_names.csv", "--coder", "研究者A")
    assert result.exit_code == 1
    assert "line 4 (document “P03_考核办法”): document “P03_考核办法” is no imported source" in " ".join(
        result.stderr.split()
    )  # only the source's own ID comes off the front, not any prefix
    assert codings(tagged) == [
        ("20230110-P03", "uncategorised.jian_fu", "第一条"),
        ("20230110-P03", "uncategorised.jie_gou", "第二条"),
    ]


def test_bad_rows_are_named_by_line_and_document_and_the_good_ones_land(tagged):
    rows = [
        GOOD[0][:3],
        ("不存在的文档.docx", "减负", "基层减负"),
        ("20230110-P03", "减负", "考核结果向全镇公示。"),  # twice in the policy text
        ("20240115MJQ", "减负", "这句话不在文中"),
        ("20240115MJQ", "不存在的标签", "以前考核"),
        ("20240115MJQ", "场景", "以前考核"),  # a dimension
        GOOD[3][:3],
    ]
    write(tagged.folder / "mixed.csv", highlights(rows))
    result = tagged("code", "import", "mixed.csv", "--coder", "研究者A")
    assert result.exit_code == 1
    errors = " ".join(result.stderr.split())  # the console wraps long lines
    assert (
        "mixed.csv line 3 (document “不存在的文档.docx”): document “不存在的文档.docx” is no imported source" in errors
    )
    assert (
        "line 4 (document “20230110-P03”): the highlighted text “考核结果向全镇公示。” occurs more than once" in errors
    )
    assert (
        "line 5 (document “20240115MJQ”): the highlighted text “这句话不在文中” is not in source 20240115MJQ" in errors
    )
    assert "line 6 (document “20240115MJQ”): tag “不存在的标签” is no code's id or name" in errors
    assert "line 7 (document “20240115MJQ”): tag “场景” is the dimension chang_jing" in errors
    assert "第 4 行" in errors  # Chinese first
    assert "2 codings added" in errors
    assert [(s, c) for s, c, _ in codings(tagged)] == [
        ("20230110-P03", "uncategorised.jie_gou"),
        ("20240115MJQ", "chang_jing.tai_qian_kong_jian"),
    ]


def test_a_file_without_highlight_columns_is_refused_whole(tagged):
    write(tagged.folder / "other.csv", taguette_csv(["document", "text"], [["20240115MJQ", "以前"]]))
    result = tagged("code", "import", "other.csv", "--coder", "研究者A")
    assert result.exit_code == 1 and "the column(s) tag, content are missing" in " ".join(result.stderr.split())
    assert codings(tagged) == []
