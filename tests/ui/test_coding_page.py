"""The 编码 Coding page: what it sends the workbench, and how the workbench's actions are carried out
(AppTest runs no JavaScript; tests/browser/test_workbench_browser.py drives the component itself)."""

import json

import pytest

from coder.project import Project
from coder.ui.workbench.actions import answer, payload
from tests.helpers import page_app, write
from tests.test_tagging import TRANSCRIPT

SOURCE = "20240115MJQ"
CODER = "研究者A"


@pytest.fixture
def tagged(monkeypatch, sqlite_cli, tmp_path):
    """A tagged one-interview project, worked on as 研究者A: the CLI bound to it."""
    monkeypatch.setenv("QCODER_DB_URL", sqlite_cli.url)
    monkeypatch.setenv("QCODER_CODER", CODER)
    assert sqlite_cli("import", str(write(tmp_path / "in" / "interviews" / "x.txt", TRANSCRIPT))).exit_code == 0
    assert sqlite_cli("tag").exit_code == 0
    return sqlite_cli


def codings(cli, status=None):
    return json.loads(cli("code", "list", "--json", *(["--status", status] if status else [])).stdout)


def run(cli, *actions, done=None):
    """The workbench's batch answered as 研究者A: ``done`` (nonce → outcome) afterwards."""
    done = {} if done is None else done
    batch = (
        [{"nonce": f"n{i}", **a} for i, a in enumerate(actions)]
        if actions and "nonce" not in actions[0]
        else list(actions)
    )
    answer(Project.open(cli.url), CODER, SOURCE, batch, done, lambda key: key, lambda exc: exc.en)
    return done


def test_the_page_sends_the_workbench_the_text_codes_and_pending_suggestions(tagged):
    at = page_app("coding_page").run()
    assert not at.exception
    assert at.selectbox(key="coding_source").value == SOURCE
    element = next(e for e in at.main if getattr(e, "proto", None) is not None and "qcoder_workbench" in str(e.proto))
    data = json.loads(element.proto.json)
    assert data["source"] == SOURCE
    assert {c["id"] for c in data["codes"]} >= {"structure.tiering", "scenario.backstage"}
    suggested = [c for c in data["codings"] if c[4] == "suggested"]
    assert len(suggested) == len(codings(tagged, "suggested")) > 0
    assert data["labels"]["accept"] == "接受"  # the interface language's words
    assert data["units"]["sentences"] and data["units"]["turns"]
    assert not data["readonly"]


def test_the_payload_never_carries_rejected_suggestions(tagged):
    first = codings(tagged, "suggested")[0]
    run(tagged, {"kind": "reject", "id": first["id"], "version": first["version"]})
    project = Project.open(tagged.url)
    data = payload(project, project.source(SOURCE), CODER, project.codes(), 0.3)
    assert first["id"] not in {c[0] for c in data["codings"]}


def test_accept_reject_and_recode_record_the_reviewer(tagged):
    one, two, three = codings(tagged, "suggested")[:3]
    done = run(
        tagged,
        {"kind": "accept", "id": one["id"], "version": one["version"]},
        {"kind": "reject", "id": two["id"], "version": two["version"]},
        {"kind": "recode", "id": three["id"], "version": three["version"], "code": "structure.resilient"},
    )
    assert [d["ok"] for d in done.values()] == [True, True, True]
    after = {c["id"]: c for c in codings(tagged)}
    assert (after[one["id"]]["status"], after[one["id"]]["coder"]) == ("accepted", CODER)
    assert after[two["id"]]["status"] == "rejected"
    same_span = {
        (c["code"], c["status"]) for c in after.values() if (c["start"], c["end"]) == (three["start"], three["end"])
    }
    assert ("structure.resilient", "accepted") in same_span


def test_each_action_is_carried_out_once_however_often_the_browser_sends_it(tagged):
    text = json.loads(tagged("sources", "show", SOURCE, "--json").stdout)["text"]
    start = text.index("人人称职")
    action = {"nonce": "once", "kind": "code", "code": "scenario.backstage", "start": start, "end": start + 4}
    done = run(tagged, action)
    run(tagged, action, done=done)  # the same batch again, as after a lost answer
    assert [(c["quote"], c["coder"]) for c in codings(tagged, "manual")] == [("人人称职", CODER)]


def test_a_selection_is_coded_with_its_memo_and_can_be_moved_and_deleted(tagged):
    text = json.loads(tagged("sources", "show", SOURCE, "--json").stdout)["text"]
    start = text.index("人人称职")
    run(tagged, {"kind": "code", "code": "scenario.backstage", "start": start, "end": start + 4, "memo": "年底考核"})
    coding = Project.open(tagged.url).codings(source=SOURCE, status="manual")[0]
    assert coding["memos"] == ["年底考核"]
    moved = text.index("以前考核就是走过场")
    run(
        tagged,
        {
            "nonce": "m",
            "kind": "move",
            "id": coding["id"],
            "version": coding["version"],
            "start": moved,
            "end": moved + 9,
        },
    )
    coding = codings(tagged, "manual")[0]
    assert coding["quote"] == "以前考核就是走过场"
    run(tagged, {"nonce": "d", "kind": "delete", "id": coding["id"], "version": coding["version"]})
    assert codings(tagged, "manual") == []


def test_rejecting_all_of_one_code_at_once(tagged):
    run(tagged, {"kind": "reject_all", "code": "structure.tiering"})
    assert {c["status"] for c in codings(tagged) if c["code"] == "structure.tiering"} == {"rejected"}


def test_a_stale_version_is_refused_with_its_reason_and_the_rest_still_goes_through(tagged):
    one, two = codings(tagged, "suggested")[:2]
    done = run(
        tagged,
        {"kind": "accept", "id": one["id"], "version": one["version"] + 5},
        {"kind": "accept", "id": two["id"], "version": two["version"]},
    )
    assert done["n0"]["ok"] is False and "version" in done["n0"]["message"]
    assert done["n1"]["ok"] is True and done["n1"]["message"].startswith("wb_done_accept")
    after = {c["id"]: c["status"] for c in codings(tagged)}
    assert (after[one["id"]], after[two["id"]]) == ("suggested", "accepted")


@pytest.mark.parametrize(
    "action",
    [
        {"kind": "drop_table"},
        {"kind": "accept", "id": "1", "version": 1},
        {"kind": "code", "code": "scenario.backstage", "start": True, "end": 3},
        "not even a mapping",
    ],
)
def test_a_malformed_action_is_refused_by_name_and_changes_nothing(tagged, action):
    before = codings(tagged)
    done = {}
    answer(Project.open(tagged.url), CODER, SOURCE, [{"nonce": "x", **action}] if isinstance(action, dict) else [action],
           done, lambda key: key, lambda exc: exc.en)  # fmt: skip
    if isinstance(action, dict):
        assert done["x"]["ok"] is False and "workbench" in done["x"]["message"]
    assert codings(tagged) == before


def test_undo_from_the_workbench_removes_the_last_coding(tagged):
    text = json.loads(tagged("sources", "show", SOURCE, "--json").stdout)["text"]
    start = text.index("人人称职")
    run(tagged, {"kind": "code", "code": "scenario.backstage", "start": start, "end": start + 4})
    run(tagged, {"nonce": "u", "kind": "undo"})
    assert codings(tagged, "manual") == []
    done = run(tagged, {"nonce": "again", "kind": "undo"})
    assert done["again"]["ok"] is False and "nothing to undo" in done["again"]["message"]


def test_a_source_memo_is_stored_on_the_source(tagged):
    run(tagged, {"kind": "source_memo", "text": "<b>受访者</b>对分层考核有保留"})
    project = Project.open(tagged.url)
    data = payload(project, project.source(SOURCE), CODER, project.codes(), 0.3)
    assert [m["text"] for m in data["memos"]] == ["<b>受访者</b>对分层考核有保留"]


def test_every_action_of_a_batch_is_answered_even_when_one_carries_junk_the_words_cannot_name(tagged):
    text = json.loads(tagged("sources", "show", SOURCE, "--json").stdout)["text"]
    start = text.index("人人称职")
    run(tagged, {"kind": "code", "code": "scenario.backstage", "start": start, "end": start + 4})
    [manual] = codings(tagged, "manual")
    first = codings(tagged, "suggested")[0]
    done = run(
        tagged,
        {"nonce": "a", "kind": "accept", "id": first["id"], "version": first["version"]},
        {"nonce": "d", "kind": "delete", "id": manual["id"], "version": manual["version"], "code": [1]},  # junk
    )
    assert [outcome["ok"] for outcome in done.values()] == [True, True]
    assert all(outcome["message"] for outcome in done.values())  # said, not left empty
    assert codings(tagged, "manual") == []
