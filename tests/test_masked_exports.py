"""Every quote export hides every confirmed name (issue 19): scanned in each format's own reader, on each
database; the stored text and its offsets are untouched; names come back only when asked (--no-mask)."""

import io
import json

import docx
import openpyxl
import pytest

from tests.helpers import write

INTERVIEW = """---
id: 20240118CJG
kind: interview
date: 2024-01-18
interviewee: 陈建国
role: 镇党委副书记
organization: 石桥镇人民政府
synthetic: true
---
访谈者：您怎么看排名公示？
CJG：我们石桥镇的马书记一开始不赞成，后来王主任请刘老师来黄石滩村讲了一次课，大家马上就明白了。陈建国我本人也去听了。
"""
NAMES = ("陈建国", "马书记", "王主任", "刘老师", "黄石滩村", "石桥镇")


@pytest.fixture
def coded(cli, tmp_path):
    write(tmp_path / "in" / "interviews" / "20240118CJG.txt", INTERVIEW)
    assert cli("import", str(tmp_path / "in")).exit_code == 0
    text = json.loads(cli("sources", "show", "20240118CJG", "--json").stdout)["text"]
    start = text.index("建国我本人")  # the quote begins inside the interviewee's name
    whole = text.index("我们石桥镇")
    for begin, end in ((whole, text.index("明白了") + 4), (start, len(text.rstrip()))):
        added = cli("code", "add", "--source", "20240118CJG", "--start", str(begin), "--end", str(end),
                    "--code", "structure.tiering", "--coder", "研究者A")  # fmt: skip
        assert added.exit_code == 0, added.output
    confirmed = (
        ("马书记", "person"),
        ("王主任", "person"),
        ("刘老师", "person"),
        ("黄石滩村", "place"),
        ("石桥镇", "place"),
    )
    for mention, kind in confirmed:
        assert cli("mask", "add", mention, "--kind", kind).exit_code == 0
    return cli, text


def exported_text(cli, fmt: str, tmp_path, *extra: str) -> str:
    out = tmp_path / f"quotes.{fmt}"
    result = cli("export", "quotes", "--format", fmt, "-o", str(out), *extra)
    assert result.exit_code == 0, result.output
    return read_back(out, fmt)


def read_back(out, fmt: str) -> str:
    """Every text a file holds, read by its format's own reader."""
    if fmt == "docx":
        document = docx.Document(str(out))
        cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    if fmt == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(out.read_bytes()))
        return "\n".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row if v)
    return out.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("fmt", ["md", "docx", "xlsx", "csv"])
def test_no_confirmed_name_is_left_in_any_quote_export(coded, fmt, tmp_path):
    cli, _ = coded
    shown = exported_text(cli, fmt, tmp_path)
    assert [name for name in NAMES if name in shown] == []
    for replacement in ("CJG", "M书记", "W主任", "L老师", "H村", "S镇"):
        assert replacement in shown
    assert "马上" in shown  # a false friend stays as it is


@pytest.mark.parametrize("fmt", ["md", "docx"])
def test_a_masked_export_says_so_and_how(coded, fmt, tmp_path):
    cli, _ = coded
    shown = exported_text(cli, fmt, tmp_path)
    assert "已按项目屏蔽列表" in shown and "受访者以姓名首字母代替" in shown
    english = exported_text(cli, fmt, tmp_path, "--lang", "en")
    assert "masked by the project's mask list" in english


def test_names_come_back_only_when_asked_and_the_stored_text_never_changes(coded, tmp_path):
    cli, text = coded
    assert "王主任" in exported_text(cli, "md", tmp_path, "--no-mask")
    assert json.loads(cli("sources", "show", "20240118CJG", "--json").stdout)["text"] == text
    quotes = json.loads(cli("code", "list", "--json").stdout)
    assert all(text[q["start"] : q["end"]] == q["quote"] for q in quotes)  # offsets are the stored text's


def triangulation_text(cli, fmt: str, tmp_path, *extra: str) -> str:
    out = tmp_path / f"triangulation.{fmt}"
    result = cli("triangulate", "--format", fmt, "-o", str(out), *extra)
    assert result.exit_code == 0, result.output
    if fmt == "docx":
        document = docx.Document(str(out))
        cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    return out.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["md", "html", "docx", "json"])
def test_no_confirmed_name_is_left_in_any_triangulation_report(coded, fmt, tmp_path):
    cli, _ = coded
    assert cli("claim", "add", "王主任推动了石桥镇的排名公示", "--code", "structure.tiering").exit_code == 0
    shown = triangulation_text(cli, fmt, tmp_path)
    assert [name for name in NAMES if name in shown] == []
    assert "W主任" in shown and "S镇" in shown
    assert ("已按项目屏蔽列表" in shown) if fmt != "json" else ('"masked": 6' in shown)
    assert "王主任" in triangulation_text(cli, fmt, tmp_path, "--no-mask")


@pytest.mark.parametrize(
    "command",
    [
        ("matrix", "framework", "--rows", "organization"),  # its rows are organisations, its cells quotes
        ("matrix", "words", "--kwic", "书记"),  # its terms may be names, its KWIC lines hold them
    ],
)
@pytest.mark.parametrize("fmt", ["md", "json", "xlsx", "docx", "csv"])
def test_no_confirmed_name_is_left_in_the_analysis_displays(coded, command, fmt, tmp_path):
    cli, _ = coded
    if fmt == "csv" and "--kwic" in command:
        pytest.skip("a CSV file holds one table: the KWIC lines are refused there (tested in test_analysis)")
    out = tmp_path / f"display.{fmt}"
    result = cli(*command, "--format", fmt, "-o", str(out))
    assert result.exit_code == 0, result.output
    shown = read_back(out, fmt)
    assert [name for name in NAMES if name in shown] == []
    assert "已按项目屏蔽列表" in shown or fmt in ("csv", "json")  # a CSV is the table alone; json says "masked_note"
    kept = cli(*command, "--format", fmt, "-o", str(out), "--no-mask")
    assert kept.exit_code == 0 and "石桥镇" in read_back(out, fmt)


def test_the_masked_json_keeps_its_fields_without_pieces_of_names():
    from coder.masking import outputs
    from coder.masking.apply import Entry, Masker

    result = {"facts": [{"statements": [{"quote": "黄石滩村的群众满意度达到85%", "terms": ["石滩村", "群众", "满意度"],
                                         "subject": ["石滩村", "群众"]}]}]}  # fmt: skip
    shown = outputs.triangulation(result, Masker([Entry("黄石滩村", "H村", "place")]), {}, 1)
    statement = shown["facts"][0]["statements"][0]
    assert statement == {"quote": "H村的群众满意度达到85%", "terms": ["群众", "满意度"], "subject": ["群众"]}
    assert result["facts"][0]["statements"][0]["terms"][0] == "石滩村"  # the result itself is left as it was


SOURCE = "那天后来马书记说了算，黄石滩村的人都来了。"
LIST = [("马书记", "M书记", "person"), ("黄石滩村", "H村", "place")]


def shown_frame(rows: list[dict], attrs: dict, extra: list[tuple[str, str, str]] = ()):
    import pandas as pd

    from coder.masking import outputs
    from coder.masking.apply import Entry, Masker

    table = pd.DataFrame(rows)
    table.attrs = attrs
    return outputs.frame(table, Masker(Entry(*entry) for entry in [*LIST, *extra]), "note", {"S1": SOURCE})


def test_a_kwic_line_shows_the_name_its_term_is_part_of_whole_and_the_name_its_window_cuts():
    at = SOURCE.index("书记")  # jieba may read 马 | 书记: the line's term is then a piece of 马书记
    line = {"source": "S1", "start": at, "end": at + 2, "left": SOURCE[at - 4 : at], "term": "书记",
            "right": SOURCE[at + 2 : at + 8], "citation": "（访谈记录：S1）"}  # fmt: skip
    shown = shown_frame([line], {"display": "kwic", "term": "马书记"})
    assert shown.iloc[0][["left", "term", "right"]].tolist() == ["天后来", "M书记", "说了算，H村"]
    assert shown.attrs["term"] == "M书记"  # the heading names the searched word masked too
    assert shown.attrs["masked_note"] == "note"


def test_a_framework_quote_starting_inside_a_name_shows_the_whole_replacement():
    at = SOURCE.index("滩村")
    cell = {"row_label": "镇政府", "quote": SOURCE[at:], "quote_source": "S1", "quote_start": at,
            "quote_end": len(SOURCE), "citation": "（访谈记录：S1）"}  # fmt: skip
    empty = {"row_label": "县委", "quote": "", "quote_source": "", "quote_start": None, "quote_end": None,
             "citation": ""}  # fmt: skip
    shown = shown_frame([cell, empty], {"display": "framework"})
    assert shown["quote"].tolist() == ["H村的人都来了。", ""]


def test_a_cooccurrence_quote_is_read_in_its_source():
    at = SOURCE.index("书记说")
    quote = {"source": "S1", "start": at, "end": at + 5, "text": SOURCE[at : at + 5], "citation": "c"}
    assert shown_frame([quote], {"display": "cooccurrence_quotes"})["text"].tolist() == ["M书记说了算"]


def test_terms_that_are_only_a_piece_of_a_name_are_left_out_of_the_word_list():
    terms = [{"rank": 1, "term": "石滩", "count": 3}, {"rank": 2, "term": "马书记", "count": 2},
             {"rank": 3, "term": "书记", "count": 2}, {"rank": 4, "term": "群众", "count": 2}]  # fmt: skip
    # 书记 is the part of 马书记 its replacement M书记 keeps: a word like any other
    assert shown_frame(terms, {"display": "words"})["term"].tolist() == ["M书记", "书记", "群众"]


@pytest.mark.parametrize("fmt", ["md", "docx", "xlsx", "csv"])
def test_the_respondent_table_hides_the_places_and_bodies_on_the_list(coded, fmt, tmp_path):
    cli, _ = coded
    out = tmp_path / f"respondents.{fmt}"
    assert cli("export", "respondents", "--format", fmt, "-o", str(out)).exit_code == 0
    shown = read_back(out, fmt)
    assert "石桥镇" not in shown and "S镇人民政府" in shown  # the organisation of a paper's table 1
    assert ("已按项目屏蔽列表" in shown) == (fmt in ("md", "docx"))
    assert cli("export", "respondents", "--format", fmt, "-o", str(out), "--no-mask").exit_code == 0
    assert "石桥镇人民政府" in read_back(out, fmt)


def test_a_code_named_by_what_was_said_is_masked_in_the_triangulation_result():
    from coder.masking import outputs
    from coder.masking.apply import Entry, Masker

    result = {"codes": [{"code": "action.invivo", "name": "马书记说了算", "strongest": {}}], "claims": []}
    shown = outputs.triangulation(result, Masker([Entry("马书记", "M书记")]), {}, 1)
    assert shown["codes"][0]["name"] == "M书记说了算"


def test_a_searched_piece_of_a_name_heads_its_lines_as_the_names_replacement():
    rows = [{"rank": 1, "term": "石桥镇", "count": 2}, {"rank": 2, "term": "桥镇", "count": 1}]
    shown = shown_frame(
        rows, {"display": "words"}, extra=[("石桥镇人民政府", "S镇人民政府", "org"), ("石桥镇", "S镇", "place")]
    )
    assert shown["term"].tolist() == ["S镇"]  # an entry of its own inside a longer one is masked, not left out
    heading = shown_frame([], {"display": "kwic", "term": "石滩"})
    assert heading.attrs["term"] == "H村"
