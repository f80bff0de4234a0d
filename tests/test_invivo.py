"""In vivo codes written into codebook.yaml, and what a person did last (recent codes, the undoable change)."""

import json

import pytest

from coder import invivo
from coder.errors import QcoderError
from coder.project import Project
from tests.helpers import write
from tests.test_tagging import TRANSCRIPT

SOURCE = "20240115MJQ"


@pytest.fixture
def project(sqlite_cli, tmp_path):
    """An imported interview on the default codebook, copied into the project folder: (Project, codebook path)."""
    assert sqlite_cli("import", str(write(tmp_path / "in" / "interviews" / "x.txt", TRANSCRIPT))).exit_code == 0
    return Project.open(sqlite_cli.url), sqlite_cli.folder / "codebook.yaml"


def test_a_new_code_keeps_every_comment_and_byte_of_the_file_before_it(project):
    current, path = project
    before = path.read_text(encoding="utf-8")
    code = current.create_code("structure", "三亮三评", "研究者A", path=path)
    after = path.read_text(encoding="utf-8")
    assert code == "structure.san_liang_san_ping"
    assert after.startswith(before.rstrip("\n"))  # appended: the hand-written file is untouched above it
    assert "# qcoder default codebook" in after
    stored = {c["id"]: c for c in current.codes()["codes"]}[code]
    assert (stored["name"], stored["parent"]) == ("三亮三评", "structure")
    text = current.source(SOURCE)["text"]
    start = text.index("人人称职")
    assert current.add_coding(SOURCE, start, start + 4, code, "研究者A") > 0


def test_the_same_words_under_another_dimension_get_their_own_id(project):
    current, path = project
    assert current.create_code("structure", "三亮三评", "研究者A", path=path) == "structure.san_liang_san_ping"
    assert current.create_code("action", "三亮三评", "研究者A", path=path) == "action.san_liang_san_ping"


@pytest.mark.parametrize(
    ("dimension", "name", "why"),
    [
        ("structure", "长" * 41, "1–40"),
        ("nowhere", "三亮三评", "nowhere"),
        ("scenario", "前置场景·求稳求安的幕后空间", "already has"),
        ("structure", "   ", "1–40"),
    ],
)
def test_a_refused_code_changes_neither_the_file_nor_the_database(project, dimension, name, why):
    current, path = project
    before, codes = path.read_bytes(), current.codes()
    with pytest.raises(QcoderError) as refused:
        current.create_code(dimension, name, "研究者A", path=path)
    assert why in refused.value.zh + refused.value.en
    assert path.read_bytes() == before
    assert current.codes() == codes


def test_a_code_is_added_before_a_key_that_follows_the_codes_list():
    text = (
        "name: 小编码簿\nversion: 1\ndimensions:\n  - id: a\n    name: 甲\n    color: '#111111'\n"
        "codes:\n  - id: a.x\n    name: 子\n    parent: a\n    keywords: [子]\n# 之后的说明\nname_en: Small\n"
    )
    new, code = invivo.with_new_code(text, "a", "新词")
    assert code == "a.xin_ci"
    assert new.endswith("# 之后的说明\nname_en: Small\n")


def test_a_coder_in_a_team_may_not_add_codes(sqlite_cli, project):
    current, path = project
    assert sqlite_cli("user", "add", "owner1", "--role", "owner", input="secret-pass\nsecret-pass\n").exit_code == 0
    assert sqlite_cli("user", "add", "coder1", "--role", "coder", input="secret-pass\nsecret-pass\n").exit_code == 0
    assert sqlite_cli("team", "on").exit_code == 0
    before = path.read_bytes()
    with pytest.raises(QcoderError):
        current.for_user("coder1").create_code("structure", "新编码", "coder1", path=path)
    assert path.read_bytes() == before


def test_recent_codes_are_the_ones_used_last_newest_first(sqlite_cli, project):
    current, _ = project
    text = current.source(SOURCE)["text"]
    for phrase, code in (
        ("人人称职", "scenario.backstage"),
        ("走过场", "structure.tiering"),
        ("称职", "scenario.backstage"),
    ):
        start = text.index(phrase)
        current.add_coding(SOURCE, start, start + len(phrase), code, "研究者A")
    assert current.recent_codes("研究者A") == ["scenario.backstage", "structure.tiering"]
    assert current.recent_codes("nobody") == []


def test_the_last_undoable_change_is_found_and_gone_once_undone(sqlite_cli, project):
    current, _ = project
    assert current.last_undoable("研究者A", SOURCE) is None
    assert sqlite_cli("tag").exit_code == 0
    suggestion = current.codings(source=SOURCE, status="suggested")[0]
    current.decide(suggestion["id"], "accept", "研究者A", suggestion["version"])
    last = current.last_undoable("研究者A", SOURCE)
    assert last is not None and "accept" in last["summary_en"]
    current.undo(last["id"], "研究者A")
    assert current.last_undoable("研究者A", SOURCE) is None
    assert {c["id"]: c for c in current.codings(source=SOURCE)}[suggestion["id"]]["status"] == "suggested"


def test_units_are_the_stored_sentences_and_turns(project):
    current, _ = project
    text = current.source(SOURCE)["text"]
    units = current.units(SOURCE)
    assert units["sentences"] and units["turns"]
    assert all(0 <= s < e <= len(text) and text[s:e].strip() == text[s:e] for s, e in units["sentences"])
    assert units["sentences"] == sorted(units["sentences"])
    assert json.dumps(units)  # plain data for the browser
