"""Memos on sources and codes (coder.memos): written, edited, deleted and undone with the audit log;
found by source, code and words; hidden from colleagues in an open round; sent along with exported quotes
and in a .qdpx as Notes on the Source and the Code, which come back on import."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
import zipfile
from pathlib import Path

import pytest
from docx import Document
from lxml import etree

from coder.errors import QcoderError
from coder.export.quotes import Selection
from coder.export.refi import guid
from coder.memos import MAX_MEMO_CHARS
from coder.project import Project
from coder.retrieval import Query
from tests.helpers import INTERVIEW, Cli, write

SOURCE = "20240115MJQ"
CODE = "structure.tiering"
OWNER, A, B, VIEWER = "负责人", "研究者A", "研究者B", "旁观者"
PASSWORD = "memo-password"
NS = {"q": "urn:QDA-XML:project:1.0"}


@pytest.fixture
def proj(cli: Cli, tmp_path: Path) -> Project:
    """The demo interview imported, opened as the command line opens it (it administers), and an owner who
    may undo (team mode is always on for PostgreSQL)."""
    assert cli("import", str(write(tmp_path / "in" / "interviews" / f"{SOURCE}.txt", INTERVIEW))).exit_code == 0
    opened = Project.open(cli.url)
    opened.add_user(OWNER, "owner", PASSWORD)
    return opened


@pytest.fixture
def team(proj: Project) -> Project:
    """The same project in team mode with its owner, two coders and a viewer."""
    for name, role in ((A, "coder"), (B, "coder"), (VIEWER, "viewer")):
        proj.add_user(name, role, PASSWORD)
    proj.set_team_mode(True)
    return proj


def span(proj: Project, phrase: str) -> tuple[int, int]:
    start = proj.source(SOURCE)["text"].index(phrase)
    return start, start + len(phrase)


def events(proj: Project, action: str) -> list[dict]:
    return [e for e in proj.audit_events(entity="memo") if e["action"] == action]


def refused(call, *words: str) -> QcoderError:
    with pytest.raises(QcoderError) as caught:
        call()
    for word in words:
        assert word in caught.value.zh + caught.value.en, (caught.value.zh, caught.value.en)
    return caught.value


# Writing and finding --------------------------------------------------------------------------------


def test_a_memo_on_a_source_and_one_on_a_code_are_listed_by_target_and_logged(proj):
    on_source = proj.add_memo("  受访者说的“走过场”\r\n值得追问  ", A, source=SOURCE)
    on_code = proj.add_memo("分层与方阵是一回事吗？", B, code=CODE)
    [memo] = proj.memos(source=SOURCE)
    assert (memo["id"], memo["target"], memo["source"], memo["code"], memo["coding"], memo["coder"]) == (
        on_source, "source", SOURCE, None, None, A
    )  # fmt: skip
    assert memo["text"] == "受访者说的“走过场”\n值得追问"  # trimmed, line breaks as stored text has them
    assert [m["id"] for m in proj.memos(code=CODE)] == [on_code]
    assert [m["id"] for m in proj.memos()] == [on_source, on_code]
    created = {e["entity_id"]: e for e in events(proj, "create")}
    assert created[str(on_source)]["coder"] == A and created[str(on_code)]["coder"] == B
    assert created[str(on_source)]["after"]["text"] == memo["text"] and created[str(on_source)]["undoable"]
    assert f"{SOURCE} “" in created[str(on_source)]["summary"]


def test_a_memo_on_a_dimension_is_a_memo_on_a_code(proj):
    memo = proj.add_memo("结构维度的总体想法", A, code="structure")
    assert [m["id"] for m in proj.memos(code="structure")] == [memo]


def test_search_finds_words_in_any_case_and_composition_and_lists_coding_memos_only_when_asked(proj):
    start, end = span(proj, "以前考核")
    coding = proj.add_coding(SOURCE, start, end, "scenario.backstage", A, memo="考核 Backstage 场景")
    proj.add_memo("Window dressing：考核流于形式", A, source=SOURCE)
    proj.add_memo("Café 式的闲谈", A, code=CODE)
    assert [m["text"] for m in proj.memos(query="window DRESSING")] == ["Window dressing：考核流于形式"]
    assert [m["text"] for m in proj.memos(query=unicodedata.normalize("NFD", "café"))] == ["Café 式的闲谈"]
    assert [m["target"] for m in proj.memos(query="考核")] == ["source"]
    with_codings = proj.memos(query="考核", codings=True)
    assert [(m["target"], m["coding"]) for m in with_codings] == [("coding", coding), ("source", None)]
    assert with_codings[0]["source"] == SOURCE and with_codings[0]["code"] == "scenario.backstage"
    assert [m["target"] for m in proj.memos(source=SOURCE, codings=True)] == ["coding", "source"]
    assert proj.memos(query="没有这句话") == []


@pytest.mark.parametrize(
    ("target", "words"),
    [
        ({}, ("exactly one source or one code",)),
        ({"source": SOURCE, "code": CODE}, ("exactly one source or one code",)),
        ({"source": "20990101XYZ"}, ("20990101XYZ", "qcoder sources list")),
        ({"code": "structure.tierring"}, ("structure.tierring", "not in the codebook")),
    ],
)
def test_a_memo_needs_exactly_one_known_target(proj, target, words):
    refused(lambda: proj.add_memo("一条备忘", A, **target), *words)
    assert proj.memos(codings=True) == [] and events(proj, "create") == []


def test_empty_and_overlong_text_is_refused_by_rule(proj):
    refused(lambda: proj.add_memo(" \n\t ", A, source=SOURCE), "备忘内容不能为空", "a memo needs its text")
    refused(lambda: proj.add_memo("字" * (MAX_MEMO_CHARS + 1), A, source=SOURCE), str(MAX_MEMO_CHARS))
    assert proj.add_memo("字" * MAX_MEMO_CHARS, A, source=SOURCE)


def test_unknown_filters_are_named_not_answered_with_nothing(proj):
    refused(lambda: proj.memos(source="20990101XYZ"), "20990101XYZ")
    refused(lambda: proj.memos(code="structure.tierring"), "structure.tierring")


def test_control_characters_no_export_could_carry_are_left_out(proj):
    memo = proj.add_memo("粘贴自\x0cPDF\x00的文字", A, source=SOURCE)
    assert next(m for m in proj.memos() if m["id"] == memo)["text"] == "粘贴自PDF的文字"


# Editing, deleting, undo ----------------------------------------------------------------------------


def test_an_edit_is_logged_and_undone_and_a_stale_edit_is_refused(proj):
    memo = proj.add_memo("初稿", A, source=SOURCE)
    proj.edit_memo(memo, "二稿", B, expected="初稿")
    [edited] = proj.memos(source=SOURCE)
    assert edited["text"] == "二稿" and edited["coder"] == A  # the author stays; the log names the editor
    [update] = events(proj, "update")
    assert update["coder"] == B and update["before"]["text"] == "初稿" and update["after"]["text"] == "二稿"
    refused(lambda: proj.edit_memo(memo, "三稿", B, expected="初稿"), f"memo #{memo} was changed", "reload")
    assert proj.memos(source=SOURCE)[0]["text"] == "二稿"
    proj.undo(update["id"], OWNER)
    assert proj.memos(source=SOURCE)[0]["text"] == "初稿"


def test_undoing_a_creation_is_refused_after_an_edit_until_the_edit_is_undone(proj):
    memo = proj.add_memo("初稿", A, code=CODE)
    proj.edit_memo(memo, "二稿", A)
    created = events(proj, "create")[0]
    refused(lambda: proj.undo(created["id"], OWNER), "undo that change first")
    proj.undo(events(proj, "update")[0]["id"], OWNER)
    proj.undo(created["id"], OWNER)
    assert proj.memos() == []


def test_a_deleted_memo_comes_back_with_undo_and_a_gone_one_cannot_be_edited_or_deleted(proj):
    memo = proj.add_memo("要删的备忘", A, source=SOURCE)
    proj.delete_memo(memo, B)
    assert proj.memos() == []
    [deleted] = events(proj, "delete")
    assert deleted["coder"] == B and deleted["before"]["text"] == "要删的备忘"
    refused(lambda: proj.edit_memo(memo, "改", A), f"no memo #{memo}")
    refused(lambda: proj.delete_memo(memo, A), f"no memo #{memo}")
    proj.undo(deleted["id"], OWNER)
    [back] = proj.memos(source=SOURCE)
    assert (back["id"], back["text"], back["coder"]) == (memo, "要删的备忘", A)


def test_a_coding_memo_deleted_on_its_own_stays_deleted_when_its_coding_s_deletion_is_undone(proj):
    start, end = span(proj, "以前考核")
    coding = proj.add_coding(SOURCE, start, end, "scenario.backstage", A, memo="先删的备忘")
    [memo] = proj.memos(codings=True)
    proj.delete_memo(memo["id"], A)
    proj.delete_coding(coding, A)
    coding_deleted = next(e for e in proj.audit_events(entity="coding") if e["action"] == "delete")
    proj.undo(coding_deleted["id"], OWNER)
    assert next(c for c in proj.codings(SOURCE) if c["id"] == coding)["memos"] == []


# Roles and rounds -----------------------------------------------------------------------------------


def test_writing_needs_the_write_role_and_changing_needs_the_author_or_the_owner(team):
    refused(lambda: team.for_user(VIEWER).add_memo("旁观", VIEWER, source=SOURCE), "may not")
    memo = team.for_user(A).add_memo("A 的想法", "别人的名字", source=SOURCE)
    assert team.memos()[0]["coder"] == A  # a logged-in person writes as themselves
    refused(lambda: team.for_user(B).edit_memo(memo, "B 改的", B), f"memo #{memo} is {A}'s", "author")
    refused(lambda: team.for_user(B).delete_memo(memo, B), "author")
    team.for_user(A).edit_memo(memo, "A 改的", A)
    team.for_user(OWNER).delete_memo(memo, OWNER)
    assert team.memos() == []


def test_in_an_open_round_a_colleague_s_memos_on_its_sources_are_hidden_everywhere(team, tmp_path):
    start, end = span(team, "以前考核")
    team.for_user(A).add_coding(SOURCE, start, end, "scenario.backstage", A, memo="A 的编码备忘")
    source_memo = team.for_user(A).add_memo("A：这段像是走过场", A, source=SOURCE)
    team.for_user(A).add_memo("A：代码定义要再看", A, code="scenario.backstage")
    team.for_user(B).add_memo("B 自己的来源备忘", B, source=SOURCE)
    team.for_user(OWNER).open_round("第一轮", [SOURCE])
    b = team.for_user(B)

    assert [m["text"] for m in b.memos(codings=True)] == ["A：代码定义要再看", "B 自己的来源备忘"]
    assert [m["text"] for m in b.retrieve_memos(Query())] == ["A：代码定义要再看", "B 自己的来源备忘"]
    refused(lambda: b.edit_memo(source_memo, "B 改的", B), f"no memo #{source_memo}")
    start, end = span(team, "现在排名")
    b.add_coding(SOURCE, start, end, "action.public_results", B)
    [quote] = b.quotes(Selection(statuses=["manual"]))  # A's coding is hidden, and its memo with it
    assert (quote["memo"], quote["source_memo"]) == ("", "B 自己的来源备忘")
    notes = _notes(b.export_qdpx("round"))
    assert notes == {"A：代码定义要再看", "B 自己的来源备忘"}

    rounds = team.rounds()
    team.for_user(OWNER).close_round(rounds[0]["id"])
    assert len(b.memos(codings=True)) == 4
    assert len(_notes(b.export_qdpx("after"))) == 4


def _notes(package: bytes) -> set[str]:
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        root = etree.fromstring(archive.read("project.qde"))
    return {n.findtext("q:PlainTextContent", namespaces=NS) for n in root.iterfind("q:Notes/q:Note", NS)}


# Retrieve ------------------------------------------------------------------------------------------


def test_retrieve_lists_the_memos_on_what_its_filters_select(proj):
    start, end = span(proj, "以前考核")
    proj.add_coding(SOURCE, start, end, "scenario.backstage", A, memo="编码：幕后")
    proj.add_memo("来源：整体印象", A, source=SOURCE)
    proj.add_memo("代码：幕后场景的定义", B, code="scenario.backstage")
    proj.add_memo("代码：分层", B, code=CODE)

    def texts(**query) -> list[str]:
        return [m["text"] for m in proj.retrieve_memos(Query(**query))]

    assert texts() == ["编码：幕后", "来源：整体印象", "代码：幕后场景的定义", "代码：分层"]
    assert texts(codes=["scenario"]) == ["编码：幕后", "代码：幕后场景的定义"]  # a code with its sub-codes
    assert texts(dimension="structure") == ["代码：分层"]
    assert texts(kinds=["interview"]) == ["编码：幕后", "来源：整体印象"]
    assert texts(kinds=["policy"]) == []
    assert texts(coders=[B]) == ["代码：幕后场景的定义", "代码：分层"]
    assert texts(statuses=["accepted"]) == ["来源：整体印象", "代码：幕后场景的定义", "代码：分层"]
    assert texts(text="幕后") == ["编码：幕后", "代码：幕后场景的定义"]


# Command line ----------------------------------------------------------------------------------------


def test_the_command_line_adds_lists_edits_and_deletes_memos(proj, cli):
    added = cli("memo", "add", "--source", SOURCE, "--coder", A, "访谈中的停顿很长")
    assert added.exit_code == 0, added.output
    memo_id = int(added.stdout.strip())
    assert cli("memo", "add", "--code", CODE, "分层的备忘").exit_code == 0
    listed = json.loads(cli("memo", "list", "--source", SOURCE, "--json").stdout)
    assert [(m["id"], m["text"], m["coder"]) for m in listed] == [(memo_id, "访谈中的停顿很长", A)]
    assert len(json.loads(cli("memo", "list", "--json").stdout)) == 2
    assert [m["text"] for m in json.loads(cli("memo", "list", "--query", "分层", "--json").stdout)] == ["分层的备忘"]
    table = cli("memo", "list", "--code", CODE).stdout
    assert "分层的备忘" in table and "访谈中的停顿很长" not in table
    assert cli("memo", "edit", str(memo_id), "停顿很长，语气犹豫").exit_code == 0
    deleted = cli("memo", "delete", str(memo_id))
    assert deleted.exit_code == 0 and f"deleted memo #{memo_id}" in deleted.stderr
    assert [e["action"] for e in json.loads(cli("audit", "list", "--entity", "memo", "--json").stdout)] == [
        "delete", "update", "create", "create"
    ]  # fmt: skip


def test_command_line_refusals_are_two_language_messages(proj, cli):
    both = cli("memo", "add", "--source", SOURCE, "--code", CODE, "两个目标")
    assert both.exit_code == 1 and "只能属于一个来源或一个代码" in both.stderr and "exactly one" in both.stderr
    unknown = cli("memo", "list", "--code", "structure.tierring")
    assert unknown.exit_code == 1 and "不在编码簿中" in unknown.stderr and "not in the codebook" in unknown.stderr
    gone = cli("memo", "delete", "999")
    assert gone.exit_code == 1 and "没有编号为 #999 的备忘" in gone.stderr and "no memo #999" in gone.stderr


# REFI-QDA --------------------------------------------------------------------------------------------


def test_source_and_code_memos_travel_as_notes_on_the_source_and_the_code_and_come_back(proj, cli, tmp_path):
    assert cli("memo", "add", "--source", SOURCE, "--coder", A, "来源上的备忘\n第二行").exit_code == 0
    assert cli("memo", "add", "--code", CODE, "--coder", B, "代码上的备忘").exit_code == 0
    package = tmp_path / "out" / "memos.qdpx"
    package.parent.mkdir()
    assert cli("export", "qdpx", "-o", str(package)).exit_code == 0
    with zipfile.ZipFile(package) as archive:
        root = etree.fromstring(archive.read("project.qde"))
    notes = {n.get("guid"): n.findtext("q:PlainTextContent", namespaces=NS) for n in root.iterfind(".//q:Note", NS)}
    users = {u.get("guid"): u.get("name") for u in root.iterfind("q:Users/q:User", NS)}
    source = root.find(f"q:Sources/q:TextSource[@name='{SOURCE}']", NS)
    code = next(c for c in root.iterfind(".//q:Code", NS) if c.get("guid") == guid("code", CODE))
    assert [notes[r.get("targetGUID")] for r in source.iterfind("q:NoteRef", NS)] == ["来源上的备忘\n第二行"]
    assert [notes[r.get("targetGUID")] for r in code.iterfind("q:NoteRef", NS)] == ["代码上的备忘"]
    by = {n.findtext("q:PlainTextContent", namespaces=NS): users[n.get("creatingUser")] for n in root.iterfind(
        "q:Notes/q:Note", NS)}  # fmt: skip
    assert by == {"来源上的备忘\n第二行": A, "代码上的备忘": B}

    fresh = Cli(f"sqlite:///{tmp_path / 'fresh.sqlite'}", cli.folder)
    assert fresh("init").exit_code == 0
    result = fresh("import", str(package), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["qdpx"][0]["memos_added"] == 2
    back = json.loads(fresh("memo", "list", "--json").stdout)
    assert [(m["target"], m["source"], m["code"], m["coder"], m["text"]) for m in back] == [
        ("source", SOURCE, None, A, "来源上的备忘\n第二行"), ("code", None, CODE, B, "代码上的备忘")
    ]  # fmt: skip


# Quotes --------------------------------------------------------------------------------------------------


@pytest.fixture
def quoted(proj) -> Project:
    start, end = span(proj, "以前考核就是走过场")
    proj.add_coding(SOURCE, start, end, CODE, A, memo="编码备忘")
    proj.add_memo('=HYPERLINK("http://example.com") 访谈时受访者很谨慎', A, source=SOURCE)
    proj.add_memo("分层：方阵\n第二段", B, code=CODE)
    proj.add_memo("别的代码的备忘", B, code="action.open_call")
    return proj


def test_spreadsheets_carry_the_source_and_code_memos_without_running_a_formula(quoted):
    rows = list(csv.reader(io.StringIO(quoted.export_quotes(Selection(), "csv").decode("utf-8-sig"))))
    header, [row] = rows[0], rows[1:]
    assert row[header.index("备忘")] == "编码备忘"
    assert row[header.index("来源备忘")] == '\'=HYPERLINK("http://example.com") 访谈时受访者很谨慎'
    assert row[header.index("代码备忘")] == "分层：方阵\n第二段"
    english = next(csv.reader(io.StringIO(quoted.export_quotes(Selection(), "csv", lang="en").decode("utf-8-sig"))))
    assert "source memo" in english and "code memo" in english


def test_markdown_and_word_put_the_code_s_memo_under_its_heading_and_the_sources_memos_in_a_section(quoted):
    markdown = quoted.export_quotes(Selection(), "md").decode()
    heading = markdown.index("### ")
    assert markdown.index("> **代码备忘**　分层：方阵\n>\n> 第二段") > heading
    assert markdown.index("## 来源备忘") > markdown.index("以前考核就是走过场")
    assert f'> **{SOURCE}**　=HYPERLINK("http://example.com") 访谈时受访者很谨慎' in markdown
    assert "别的代码的备忘" not in markdown  # only the memos of the quoted codes
    paragraphs = [p.text for p in Document(io.BytesIO(quoted.export_quotes(Selection(), "docx"))).paragraphs]
    assert "代码备忘：分层：方阵\n第二段" in paragraphs and "来源备忘" in paragraphs
    assert paragraphs.index("来源备忘") < paragraphs.index(
        f'{SOURCE}：=HYPERLINK("http://example.com") 访谈时受访者很谨慎'
    )
