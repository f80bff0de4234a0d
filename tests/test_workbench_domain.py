"""What the Coding workbench asks of the project: in vivo codes written into codebook.yaml through the
validated sync, the codes a person used last, their last change in a source that undo can take back, and
a source's sentences and turns as plain spans."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from coder import codebook, demo, invivo
from coder.errors import QcoderError
from coder.project import Project
from coder.sources import segments
from tests.helpers import write
from tests.test_tagging import TRANSCRIPT

SOURCE = "20240115MJQ"
OTHER_SOURCE = "20240116ZW"
OTHER = """---
id: 20240116ZW
kind: interview
---
访谈者：结果怎么用？
ZW：排名靠后的要约谈，排名公示出来以后大家都很重视。
"""
ME, SOMEONE_ELSE = "研究者A", "研究者B"


@pytest.fixture
def proj(sqlite_cli, tmp_path) -> Project:
    """Two imported interviews on the default codebook, tagged (suggestions to decide)."""
    folder = tmp_path / "in" / "interviews"
    write(folder / "a.txt", TRANSCRIPT)
    write(folder / "b.txt", OTHER)
    assert sqlite_cli("import", str(folder)).exit_code == 0
    assert sqlite_cli("tag").exit_code == 0
    return Project.open(sqlite_cli.url)


@pytest.fixture
def book(sqlite_cli) -> Path:
    return sqlite_cli.folder / "codebook.yaml"


def span(proj: Project, phrase: str, source: str = SOURCE) -> tuple[int, int]:
    start = proj.source(source)["text"].index(phrase)
    return start, start + len(phrase)


def content(nodes: list[codebook.CodeSpec]) -> list[dict]:
    return [{k: v for k, v in vars(n).items() if k not in ("line", "parent_line")} for n in nodes]


def is_subsequence(lines: list[str], of: list[str]) -> bool:
    remaining = iter(of)
    return all(line in remaining for line in lines)


def as_team(proj: Project) -> None:
    proj.add_user("所有者", "owner", "owner-password")
    proj.add_user("编码员", "coder", "coder-password")
    proj.set_team_mode(True)


# In vivo codes ------------------------------------------------------------------------------------


def test_an_in_vivo_code_keeps_the_files_comments_and_layout_and_is_synced(proj, book):
    # A hand-written file: a comment inside the codes list and a top-level key after the list, with its
    # own comment just above it.
    text = book.read_text(encoding="utf-8")
    name_en = re.search(r"^name_en: .*\n", text, re.MULTILINE).group()
    text = text.replace(name_en, "").replace(
        "  - id: structure.rigid", "  # 结构维度：组织形态\n  - id: structure.rigid"
    )
    text += "\n# 英文名放在末尾\n" + name_en
    proj.save_codebook(book, text, ME)
    before = codebook.parse(text)

    code = proj.create_code("structure", "  三亮三评 ", ME, path=book)

    after_text = book.read_text(encoding="utf-8")
    assert code == "structure.san_liang_san_ping"
    assert is_subsequence(text.splitlines(), after_text.splitlines())  # nothing of the file is lost or moved
    assert after_text.endswith("\n# 英文名放在末尾\n" + name_en)  # the comment stays with its key
    after = codebook.parse(after_text)
    assert content([n for n in after.nodes if n.id != code]) == content(before.nodes)
    new = after.by_id()[code]
    assert (new.name, new.parent, new.keywords) == ("三亮三评", "structure", ["三亮三评"])
    assert new.color.upper() not in {n.color.upper() for n in before.nodes}
    stored = {c["id"]: c for c in proj.codes()["codes"]}[code]
    assert (stored["name"], stored["parent"], stored["color"]) == ("三亮三评", "structure", new.color)
    assert [e["action"] for e in proj.audit_events(entity="code", entity_id=code)] == ["create"]
    start, end = span(proj, "人人称职")
    coding = proj.add_coding(SOURCE, start, end, code, ME)
    assert proj.recent_codes(ME)[0] == code and coding > 0


@pytest.mark.parametrize(
    ("dimension", "name", "rule"),
    [
        ("structure", "考" * 41, "1–40"),
        ("structure", " \u3000 ", "1–40"),
        ("structure", "刚性运转", "already has"),  # the name of structure.rigid
        ("process", "三亮三评", "no dimension 'process'"),
        ("structure", "三亮\x1b三评", "control character"),
    ],
)
def test_a_refused_in_vivo_code_leaves_file_and_database_as_they_were(proj, book, dimension, name, rule):
    file_before, codes_before, log_before = book.read_bytes(), proj.codes(True), proj.data_version()
    with pytest.raises(QcoderError) as refused:
        proj.create_code(dimension, name, ME, path=book)
    assert rule in refused.value.en and refused.value.zh
    assert book.read_bytes() == file_before
    assert proj.codes(True) == codes_before
    assert proj.data_version() == log_before  # no audit event either: nothing was written


def test_a_long_selection_is_refused_with_the_rule_in_both_languages(proj, book):
    with pytest.raises(QcoderError) as refused:
        proj.create_code("structure", "考" * 41, ME, path=book)
    assert "40" in refused.value.zh and "41" in refused.value.zh
    assert "40" in refused.value.en and "41" in refused.value.en


def test_a_coder_in_team_mode_is_told_the_role_rule_even_for_a_bad_name(proj, book):
    as_team(proj)
    file_before, version = book.read_bytes(), proj.data_version()
    for name in ("三亮三评", "刚性运转"):  # a fresh name and a taken one: the role is what stops them
        with pytest.raises(QcoderError) as refused:
            proj.for_user("编码员").create_code("structure", name, "编码员", path=book)
        assert "may not change the codebook" in refused.value.en and "编码员" in refused.value.zh
    assert book.read_bytes() == file_before and proj.data_version() == version
    assert proj.for_user("所有者").create_code("structure", "三亮三评", "所有者", path=book)


def test_ids_are_pinyin_slugs_with_a_number_when_taken():
    text = demo.CODEBOOK.read_text(encoding="utf-8")
    first, code = invivo.with_new_code(text, "action", "三亮三评")
    assert code == "action.san_liang_san_ping"
    # 叁 reads san too: another name, the same slug, so the next number
    assert invivo.with_new_code(first, "action", "叁亮三评")[1] == "action.san_liang_san_ping_2"
    assert invivo.slug("Work Hard") == "work_hard"  # a name without hanzi slugs its letters
    assert invivo.slug("KPI考核") == "kpi_kao_he"
    assert invivo.slug("12345热线") == "code_12345_re_xian"  # an id part starts with a letter
    assert invivo.slug("？！") == "code"
    long = invivo.slug("能上能下的干部考核结果运用机制改革探索")
    assert len(long) <= invivo.MAX_SLUG and long.startswith("neng_shang_neng_xia")
    assert long in "_".join(["neng", "shang", "neng", "xia", "de", "gan", "bu", "kao", "he", "jie", "guo"])


def test_a_name_with_spaces_gets_one_keyword_per_word():
    text = demo.CODEBOOK.read_text(encoding="utf-8")
    new, code = invivo.with_new_code(text, "structure", "Work  Hard", name_en="Work hard")
    node = codebook.parse(new).by_id()[code]
    assert (code, node.name, node.name_en, node.keywords) == ("structure.work_hard", "Work Hard", "Work hard",
                                                              ["Work", "Hard"])  # fmt: skip


SMALL = """# 小编码簿
name: 小编码簿
dimensions:
  - id: a
    name: 甲
    color: "#123456"
codes:
  - id: a.x
    name: 子
    parent: a
    color: "{color}"
    keywords: [子]
"""


def test_the_colour_is_one_nobody_has_until_the_palette_runs_out():
    new, code = invivo.with_new_code(SMALL.format(color=invivo.PALETTE[0]), "a", "新词")
    assert codebook.parse(new).by_id()[code].color == invivo.PALETTE[1]
    crowded = SMALL.format(color=invivo.PALETTE[0])
    for i, colour in enumerate(invivo.PALETTE[1:]):
        crowded += f'  - id: a.c{i}\n    name: 词{i}\n    parent: a\n    color: "{colour}"\n    keywords: [词{i}]\n'
    new, code = invivo.with_new_code(crowded, "a", "新词")
    assert codebook.parse(new).by_id()[code].color == "#123456"  # the dimension's own


def test_a_list_written_at_the_margin_gets_its_new_item_at_the_margin():
    text = "name: x\ndimensions:\n- id: a\n  name: 甲\ncodes:\n- id: a.x\n  name: 子\n  parent: a\n  keywords: [子]\n"
    new, code = invivo.with_new_code(text, "a", "新词")
    assert new.startswith(text) and "\n- id: a.xin_ci\n" in new
    assert codebook.parse(new).by_id()[code].name == "新词"


def test_a_flow_style_codes_list_is_written_out_again_whole():
    text = "name: x\ndimensions: [{id: a, name: 甲}]\ncodes: [{id: a.x, name: 子, parent: a, keywords: [子]}]\n"
    new, code = invivo.with_new_code(text, "a", "新词")
    book = codebook.parse(new)
    assert [n.id for n in book.nodes] == ["a", "a.x", code]
    assert book.by_id()["a.x"].keywords == ["子"]


def test_a_file_with_windows_line_ends_keeps_them(proj, book):
    text = book.read_text(encoding="utf-8")
    book.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    proj.save_codebook(book, book.read_bytes().decode("utf-8"), ME)
    proj.create_code("structure", "三亮三评", ME, path=book)
    raw = book.read_bytes().decode("utf-8")
    assert "三亮三评" in raw and raw.count("\n") == raw.count("\r\n")


def test_the_default_file_is_the_one_the_app_edits(proj, book, monkeypatch):
    monkeypatch.setenv("QCODER_CODEBOOK", str(book))
    assert codebook.app_path() == book
    code = proj.create_code("structure", "三亮三评", ME)
    assert code in book.read_text(encoding="utf-8")


def test_a_project_without_its_own_codebook_gets_one_from_the_packaged_default(proj, tmp_path, monkeypatch):
    own = tmp_path / "fresh" / "codebook.yaml"  # a folder `qcoder app` was started in: no codebook yet
    own.parent.mkdir()
    packaged = demo.CODEBOOK.read_text(encoding="utf-8")
    monkeypatch.setenv("QCODER_CODEBOOK", str(own))
    code = proj.create_code("structure", "三亮三评", ME)
    written = own.read_text(encoding="utf-8")
    assert code in written and is_subsequence(packaged.splitlines(), written.splitlines())
    assert demo.CODEBOOK.read_text(encoding="utf-8") == packaged  # the installed package is never written


def test_a_missing_codebook_file_is_a_message_not_a_crash(proj, tmp_path):
    with pytest.raises(QcoderError) as refused:
        proj.create_code("structure", "三亮三评", ME, path=tmp_path / "nowhere.yaml")
    assert "nowhere.yaml" in refused.value.zh and "cannot read codebook" in refused.value.en


# Recent codes -------------------------------------------------------------------------------------


def test_recent_codes_are_a_persons_codings_and_acceptances_newest_first(proj):
    for phrase, code in (("走过场", "scenario.backstage"), ("方阵", "structure.tiering")):
        proj.add_coding(SOURCE, *span(proj, phrase), code, ME)
    suggestion = next(
        c
        for c in proj.codings(source=OTHER_SOURCE, status="suggested")
        if c["code"] not in ("scenario.backstage", "structure.tiering", "structure.mentoring")
    )
    proj.decide(suggestion["id"], "accept", ME, suggestion["version"])
    proj.add_coding(SOURCE, *span(proj, "人人称职"), "scenario.backstage", ME)  # used again: comes first, once
    proj.add_coding(SOURCE, *span(proj, "晾晒排名"), "structure.mentoring", SOMEONE_ELSE)  # not mine

    assert proj.recent_codes(ME) == ["scenario.backstage", suggestion["code"], "structure.tiering"]
    assert proj.recent_codes(ME, limit=1) == ["scenario.backstage"]
    assert proj.recent_codes(SOMEONE_ELSE) == ["structure.mentoring"]
    assert proj.recent_codes("从未编码的人") == []


# The last change undo can take back ----------------------------------------------------------------


def test_the_last_undoable_change_steps_back_through_a_persons_work_in_one_source(proj):
    assert proj.last_undoable(ME, SOURCE) is None
    manual = proj.add_coding(SOURCE, *span(proj, "走过场"), "scenario.backstage", ME)
    first = proj.last_undoable(ME, SOURCE)
    start, end = span(proj, "走过场")
    assert first is not None and (first["action"], first["entity"], first["coder"]) == ("create", "coding", ME)
    assert (first["facts"]["source"], first["facts"]["span"], first["facts"]["code"]) == (
        SOURCE, [start, end], "scenario.backstage")  # fmt: skip
    suggestion = proj.codings(source=SOURCE, status="suggested")[0]
    proj.decide(suggestion["id"], "accept", ME, suggestion["version"])
    proj.add_coding(OTHER_SOURCE, *span(proj, "约谈", OTHER_SOURCE), "action.public_results", ME)  # elsewhere
    proj.add_coding(SOURCE, *span(proj, "人人称职"), "scenario.backstage", SOMEONE_ELSE)  # someone else's

    decision = proj.last_undoable(ME, SOURCE)
    assert decision["id"] > first["id"] and decision["action"] == "accept"
    proj.undo(decision["id"], ME)
    assert {c["id"]: c for c in proj.codings(source=SOURCE)}[suggestion["id"]]["status"] == "suggested"
    assert proj.last_undoable(ME, SOURCE)["id"] == first["id"]  # the undo itself is not offered back
    proj.undo(first["id"], ME)
    assert proj.last_undoable(ME, SOURCE) is None
    assert manual not in {c["id"] for c in proj.codings(source=SOURCE)}


def test_a_deleted_coding_is_found_by_the_source_its_event_names(proj):
    coding = proj.add_coding(SOURCE, *span(proj, "走过场"), "scenario.backstage", ME)
    version = {c["id"]: c for c in proj.codings(source=SOURCE)}[coding]["version"]
    proj.delete_coding(coding, ME, version)
    last = proj.last_undoable(ME, SOURCE)
    assert last is not None and last["action"] == "delete"
    proj.undo(last["id"], ME)
    assert coding in {c["id"] for c in proj.codings(source=SOURCE)}


def test_a_coder_in_team_mode_sees_their_last_change_but_may_not_undo_it(proj):
    assert proj.may_undo()  # nobody logs in: the local user owns the project
    as_team(proj)
    coder, owner = proj.for_user("编码员"), proj.for_user("所有者")
    coder.add_coding(SOURCE, *span(proj, "走过场"), "scenario.backstage", "编码员")
    with pytest.raises(QcoderError):
        coder.audit_events()  # reading the whole log is the owner's
    last = coder.last_undoable("编码员", SOURCE)
    assert last is not None and last["action"] == "create"
    assert not coder.may_undo() and owner.may_undo()
    with pytest.raises(QcoderError) as refused:
        coder.undo(last["id"], "编码员")
    assert "owner" in refused.value.en
    assert owner.last_undoable("所有者", SOURCE) is None  # the owner's own work, not the coder's


# Sentences and turns --------------------------------------------------------------------------------


def test_units_are_the_sources_sentences_and_turns_covering_its_text(proj):
    text = proj.source(SOURCE)["text"]
    units = proj.units(SOURCE)
    turns = segments.turns(text)
    assert units["turns"] == [[t.start, t.end] for t in turns]
    assert units["sentences"] == [[s.start, s.end] for s in segments.sentences(text, turns)]
    assert json.loads(json.dumps(units)) == units  # plain lists of numbers for the browser
    inside = {i for s, e in units["sentences"] for i in range(s, e)}
    for start, end in units["turns"]:  # every word of every turn lies in one of its sentences
        assert all(i in inside for i in range(start, end) if text[i].isalnum())
        assert all(start <= s and e <= end for s, e in units["sentences"] if start <= s < end)
    flat = [i for pair in units["sentences"] for i in pair]
    assert flat == sorted(flat)  # in text order, none overlapping


def test_a_policy_text_has_sentences_and_no_turns(sqlite_cli, tmp_path):
    body = "---\nid: 20230110-P03\nkind: policy\ndate: 2023-01-10\n---\n第一条 为推进考核改革，制定本办法。\n第二条 本办法适用于全区。\n"
    assert sqlite_cli("import", str(write(tmp_path / "policy" / "p.txt", body))).exit_code == 0
    proj = Project.open(sqlite_cli.url)
    source = proj.sources()[0]["id"]
    units = proj.units(source)
    text = proj.source(source)["text"]
    assert units["turns"] == [] and [text[s:e] for s, e in units["sentences"]][-1] == "第二条 本办法适用于全区。"
