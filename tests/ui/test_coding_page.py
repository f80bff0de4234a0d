"""The 编码 Coding page in AppTest: review suggestions and code a selection (page logic; the browser
test covers the JavaScript of the reading view)."""

import json

import pytest

from coder.highlight import pieces
from coder.ui.text import plain
from tests.helpers import page_app, write
from tests.test_tagging import TRANSCRIPT

SOURCE = "20240115MJQ"


@pytest.fixture
def at(monkeypatch, sqlite_cli, tmp_path):
    """The coding page on a tagged one-interview project, as coder 研究者A."""
    monkeypatch.setenv("QCODER_DB_URL", sqlite_cli.url)
    monkeypatch.setenv("QCODER_CODER", "研究者A")
    assert sqlite_cli("import", str(write(tmp_path / "in" / "interviews" / "x.txt", TRANSCRIPT))).exit_code == 0
    assert sqlite_cli("tag").exit_code == 0
    return page_app("coding_page").run()


def codings(cli, status=None):
    return json.loads(cli("code", "list", "--json", *(["--status", status] if status else [])).stdout)


def test_pieces_cover_the_text_and_keep_overlaps():
    text = "甲乙𠮷😀<script>"
    found = pieces(
        text, [{"start": 1, "end": 4, "code": "a.x"}, {"start": 3, "end": 6, "code": "a.y"}], {"a.x": "#111111"}
    )
    assert "".join(p["text"] for p in found) == text
    assert [(p["start"], p["text"], p["codes"]) for p in found] == [
        (0, "甲", []),
        (1, "乙𠮷", ["a.x"]),
        (3, "😀", ["a.x", "a.y"]),
        (4, "<s", ["a.y"]),
        (6, "cript>", []),
    ]
    assert found[2]["colors"] == ["#111111", "#DDDDDD"]


def test_the_page_lists_suggestions_by_code_with_their_terms(at, sqlite_cli):
    assert not at.exception
    assert at.selectbox(key="coding_source").value == SOURCE
    labels = [e.label for e in at.expander]
    assert any(plain("structure.tiering") in label for label in labels)
    quotes = [t.value for t in at.text]
    assert "按比例分成三个方阵，第一方阵的同志要帮带第三方阵的同志。" in quotes
    assert not any(q.endswith("？") for q in quotes)  # the interviewer's question has no suggestion


def test_accepting_one_suggestion_records_the_reviewer(at, sqlite_cli):
    first = codings(sqlite_cli, "suggested")[0]
    at.button(key=f"accept-{first['id']}-1").click().run()
    assert not at.exception
    decided = {c["id"]: c for c in codings(sqlite_cli)}[first["id"]]
    assert (decided["status"], decided["coder"]) == ("accepted", "研究者A")


def test_rejecting_all_of_one_code_at_once(at, sqlite_cli):
    at.button(key=f"all-reject-{SOURCE}-structure.tiering").click().run()
    statuses = {c["status"] for c in codings(sqlite_cli) if c["code"] == "structure.tiering"}
    assert statuses == {"rejected"}


def test_a_selection_can_be_coded_with_a_memo(at, sqlite_cli):
    text = json.loads(sqlite_cli("sources", "show", SOURCE, "--json").stdout)["text"]
    start = text.index("人人称职")
    at.session_state[f"reader-{SOURCE}"] = {"selection": {"start": start, "end": start + 4, "text": "人人称职"}}
    at.run()
    assert "人人称职" in [t.value for t in at.text]
    at.selectbox[1].set_value("scenario.backstage")
    at.text_input[0].input("年底考核流于形式")
    at.button[0].click().run()
    manual = codings(sqlite_cli, "manual")
    assert [(c["code"], c["quote"], c["coder"]) for c in manual] == [("scenario.backstage", "人人称职", "研究者A")]


def coded_with_memo(at, sqlite_cli):
    text = json.loads(sqlite_cli("sources", "show", SOURCE, "--json").stdout)["text"]
    start = text.index("人人称职")
    args = ["--start", str(start), "--end", str(start + 4), "--code", "scenario.backstage", "--memo", "<b>注意</b>"]
    assert sqlite_cli("code", "add", "--source", SOURCE, *args).exit_code == 0
    at.run()
    return codings(sqlite_cli, "manual")[0], text


def test_memos_show_as_text_and_a_coding_can_be_deleted(at, sqlite_cli):
    coding, _ = coded_with_memo(at, sqlite_cli)
    assert "✎ <b>注意</b>" in [t.value for t in at.text]
    at.button(key=f"delete-{coding['id']}-1").click().run()
    assert codings(sqlite_cli, "manual") == []


def test_a_coding_moves_to_the_current_selection(at, sqlite_cli):
    coding, text = coded_with_memo(at, sqlite_cli)
    start = text.index("以前考核就是走过场")
    at.session_state[f"reader-{SOURCE}"] = {
        "selection": {"start": start, "end": start + 9, "text": "以前考核就是走过场"}
    }
    at.run()
    at.button(key=f"move-{coding['id']}-1").click().run()
    assert codings(sqlite_cli, "manual")[0]["quote"] == "以前考核就是走过场"


def test_choosing_another_code_accepts_the_suggestion_under_it(at, sqlite_cli):
    first = next(c for c in codings(sqlite_cli, "suggested") if c["code"] == "structure.mentoring")
    at.selectbox(key=f"recode-{first['id']}-1").set_value("structure.resilient").run()
    assert not at.exception
    same_span = {
        (c["code"], c["status"])
        for c in codings(sqlite_cli)
        if (c["start"], c["end"]) == (first["start"], first["end"])
    }
    assert {("structure.mentoring", "rejected"), ("structure.resilient", "accepted")} <= same_span


def test_most_uncertain_suggestions_can_come_first(at, sqlite_cli):
    at.toggle(key="uncertain_first").set_value(True).run()
    assert not at.exception
    scores = {c["id"]: c["score"] for c in codings(sqlite_cli, "suggested")}
    order = [int(b.key.split("-")[1]) for b in at.button if b.key.startswith("accept-")]
    assert sorted(order) == sorted(scores)
    assert [scores[i] for i in order] == sorted(scores.values())  # nearest the keywords' threshold 0.3 first
