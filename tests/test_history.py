"""The audit log read back and undo: every kind of change undo covers comes back as it was and the undo
is itself logged (and undoable); refusals name the event and the reason; real names never show."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlmodel import Session

from coder import history
from coder.db.models import AuditEvent
from coder.errors import QcoderError
from coder.project import Project
from tests.helpers import INTERVIEW, write

OWNER = "负责人"
SOURCE = "20240115MJQ"


@pytest.fixture
def proj(cli, tmp_path) -> Project:
    """The demo interview imported and tagged (two suggestions), and an owner who may undo (team mode is
    always on for PostgreSQL)."""
    write(tmp_path / "in" / "interviews" / f"{SOURCE}.txt", INTERVIEW)
    assert cli("import", str(tmp_path / "in")).exit_code == 0
    assert cli("tag").exit_code == 0
    opened = Project.open(cli.url)
    opened.add_user(OWNER, "owner", "owner-password")
    return opened


def span(proj: Project, phrase: str) -> tuple[int, int]:
    start = proj.source(SOURCE)["text"].index(phrase)
    return start, start + len(phrase)


def coding(proj: Project, coding_id: int) -> dict | None:
    return next((c for c in proj.codings(SOURCE) if c["id"] == coding_id), None)


def suggestion(proj: Project, code: str) -> dict:
    return next(c for c in proj.codings(SOURCE, status="suggested") if c["code"] == code)


def last(proj: Project, entity: str | None = None, action: str | None = None) -> dict:
    return next(e for e in proj.audit_events(entity=entity) if action is None or e["action"] == action)


def undo(proj: Project, event_id: int) -> dict:
    done = proj.undo(event_id, OWNER)
    logged = last(proj)
    assert logged["id"] == done["id"] and logged["action"] == "undo" and logged["coder"] == OWNER
    assert logged["after"]["undoes"] == event_id
    assert next(e for e in proj.audit_events(limit=500) if e["id"] == event_id)["undone_by"] == done["id"]
    return done


def refused(proj: Project, event_id: int, *words: str) -> QcoderError:
    with pytest.raises(QcoderError) as caught:
        proj.undo(event_id, OWNER)
    message = str(caught.value)
    assert f"#{event_id}" in caught.value.zh and f"#{event_id}" in caught.value.en
    for word in words:
        assert word in message, message
    return caught.value


# Codings ------------------------------------------------------------------------------------------


def test_undoing_a_coding_s_creation_deletes_it_with_its_memo_and_undoing_that_brings_both_back(proj):
    start, end = span(proj, "以前考核")
    new = proj.add_coding(SOURCE, start, end, "scenario.backstage", "研究者A", memo="第一印象")
    created = last(proj, "coding", "create")
    assert created["entity_id"] == str(new) and created["coder"] == "研究者A" and created["undoable"]
    assert f"{SOURCE} [{start}, {end}) scenario.backstage" in created["summary"]
    done = undo(proj, created["id"])
    assert coding(proj, new) is None
    assert {(c["entity"], c["id"]) for c in done["changes"]} >= {("coding", str(new))}
    assert any(c["entity"] == "memo" for c in done["changes"])
    undo(proj, done["id"])  # the undo undone: the coding is back under its id, memo and all
    back = coding(proj, new)
    assert (back["start"], back["end"], back["code"], back["coder"], back["memos"]) == (
        start, end, "scenario.backstage", "研究者A", ["第一印象"]
    )  # fmt: skip


def test_undoing_an_adjustment_restores_the_span_with_a_newer_version(proj):
    start, end = span(proj, "以前考核")
    new = proj.add_coding(SOURCE, start, end, "scenario.backstage", "研究者A")
    proj.adjust_coding(new, start, end + 2, "研究者A", version=1)
    undo(proj, last(proj, "coding", "update")["id"])
    back = coding(proj, new)
    assert (back["start"], back["end"], back["version"]) == (start, end, 3)
    with pytest.raises(QcoderError, match="版本"):  # a page that read version 2 is refused, never overwrites
        proj.adjust_coding(new, start, end + 5, "研究者B", version=2)


@pytest.mark.parametrize("decision", ["accept", "reject"])
def test_undoing_a_review_decision_makes_it_a_suggestion_again(proj, decision):
    before = suggestion(proj, "scenario.backstage")
    proj.decide(before["id"], decision, "研究者A", version=before["version"])
    event = last(proj, "coding", decision)
    assert "suggested →" in event["summary"]
    undo(proj, event["id"])
    back = coding(proj, before["id"])
    assert (back["status"], back["coder"], back["code"]) == ("suggested", "tagger", "scenario.backstage")


def test_undoing_a_recode_removes_the_new_coding_and_the_suggestion_comes_back(proj):
    original = suggestion(proj, "action.public_results")
    proj.decide(original["id"], "accept", "研究者A", new_code="scenario.frontstage")
    recode = last(proj, "coding", "recode")
    undo(proj, recode["id"])
    assert coding(proj, int(recode["entity_id"])) is None
    assert coding(proj, original["id"])["status"] == "suggested"
    assert not [c for c in proj.codings(SOURCE) if c["code"] == "scenario.frontstage"]


def test_undoing_a_deletion_brings_the_coding_back_under_its_id_with_the_memos_deleted_with_it(proj):
    start, end = span(proj, "排名都公示")
    new = proj.add_coding(SOURCE, start, end, "action.public_results", "研究者A", memo="公开")
    proj.delete_coding(new, "研究者B", version=1)
    deleted = last(proj, "coding", "delete")
    assert deleted["coder"] == "研究者B"
    done = undo(proj, deleted["id"])
    back = coding(proj, new)
    assert (back["start"], back["end"], back["coder"], back["memos"]) == (start, end, "研究者A", ["公开"])
    assert [c["entity"] for c in done["changes"]] == ["coding", "memo"]


def test_a_deleted_coding_whose_id_was_taken_comes_back_under_a_new_one(proj, cli):
    start, end = span(proj, "排名都公示")
    new = proj.add_coding(SOURCE, start, end, "action.public_results", "研究者A")
    proj.delete_coding(new, "研究者A")
    deleted = last(proj, "coding", "delete")
    # Tagging again writes suggestions without an event per coding; on SQLite they may reuse the freed id.
    taken = proj.add_coding(SOURCE, start, end, "scenario.frontstage", "研究者C")
    done = undo(proj, deleted["id"])
    restored = int(done["changes"][0]["id"])
    assert coding(proj, restored)["code"] == "action.public_results"
    assert coding(proj, taken)["code"] == "scenario.frontstage"


def test_undoing_a_consensus_coding_removes_its_links_and_keeps_the_originals(proj):
    start, end = span(proj, "以前考核")
    a = proj.add_coding(SOURCE, start, end, "scenario.backstage", "研究者A")
    b = proj.add_coding(SOURCE, start, end + 1, "scenario.backstage", "研究者B")
    consensus = proj.resolve_consensus(SOURCE, start, end, "scenario.backstage", [a, b], OWNER)
    created = next(e for e in proj.audit_events() if e["entity_id"] == str(consensus) and e["action"] == "create")
    link = last(proj, "consensus_link")
    assert not link["undoable"]
    refused(proj, link["id"], "consensus")
    with pytest.raises(QcoderError, match="consensus"):  # an original resolved by a consensus stays
        proj.undo(_create_event(proj, a), OWNER)
    done = undo(proj, created["id"])
    assert sorted(c["entity"] for c in done["changes"]) == ["coding", "consensus_link", "consensus_link"]
    assert coding(proj, consensus) is None and coding(proj, a) and coding(proj, b)
    undo(proj, done["id"])
    assert coding(proj, consensus)["code"] == "scenario.backstage"


def _create_event(proj: Project, coding_id: int) -> int:
    return next(
        e["id"] for e in proj.audit_events(entity="coding", entity_id=str(coding_id)) if e["action"] == "create"
    )


# Memos, claims, metadata, fieldwork ---------------------------------------------------------------


def test_undoing_a_memo_s_creation_keeps_its_coding(proj):
    start, end = span(proj, "以前考核")
    new = proj.add_coding(SOURCE, start, end, "scenario.backstage", "研究者A", memo="待核实")
    undo(proj, last(proj, "memo", "create")["id"])
    assert coding(proj, new)["memos"] == []


def test_a_memo_deleted_with_its_coding_comes_back_only_with_the_coding(proj):
    start, end = span(proj, "以前考核")
    new = proj.add_coding(SOURCE, start, end, "scenario.backstage", "研究者A", memo="待核实")
    proj.delete_coding(new, "研究者A")
    memo_deleted = last(proj, "memo", "delete")
    error = refused(proj, memo_deleted["id"], f"#{new}")
    assert "已不存在" in error.zh and "no longer exists" in error.en
    undo(proj, last(proj, "coding", "delete")["id"])
    assert coding(proj, new)["memos"] == ["待核实"]


def test_claims_come_back_and_go_again(proj):
    start, end = span(proj, "以前考核")
    new = proj.add_coding(SOURCE, start, end, "scenario.backstage", "研究者A")
    claim = proj.add_claim("考核曾经流于形式", ["structure.tiering"], [new], "研究者A")
    proj.delete_claim(claim, "研究者B")
    undo(proj, last(proj, "claim", "delete")["id"])
    [back] = proj.claims()
    assert (back["id"], back["text"], back["codes"], back["codings"], back["author"]) == (
        claim, "考核曾经流于形式", ["structure.tiering"], [new], "研究者A"
    )  # fmt: skip
    undo(proj, last(proj, "claim", "undo")["id"])  # deleted again
    assert proj.claims() == []
    other = proj.add_claim("结果公开", ["action.public_results"], [], "研究者A")
    undo(proj, last(proj, "claim", "create")["id"])
    assert proj.claims() == [] and other


def test_undoing_a_metadata_edit_restores_title_date_and_fields(proj):
    before = proj.source(SOURCE)
    proj.update_metadata(SOURCE, {"title": "新标题", "role": "", "place": "会议室"}, "研究者A")
    event = last(proj, "source", "update")
    assert "title: — → 新标题" in event["summary"] and "role: 社区党委书记 → —" in event["summary"]
    undo(proj, event["id"])
    after = proj.source(SOURCE)
    assert (after["title"], after["date"], after["meta"]) == (before["title"], before["date"], before["meta"])


def test_undoing_a_fieldwork_setting_restores_the_window(proj):
    proj.set_fieldwork(dt.date(2024, 1, 1), dt.date(2024, 3, 31), "研究者A")
    proj.set_fieldwork(None, None, "研究者A")
    undo(proj, last(proj, "setting")["id"])
    assert proj.fieldwork() == (dt.date(2024, 1, 1), dt.date(2024, 3, 31))


# Refusals ----------------------------------------------------------------------------------------


def test_a_change_that_was_changed_again_is_refused_naming_the_later_event(proj):
    start, end = span(proj, "以前考核")
    new = proj.add_coding(SOURCE, start, end, "scenario.backstage", "研究者A")
    proj.adjust_coding(new, start, end + 1, "研究者A")
    first = last(proj, "coding", "update")
    proj.adjust_coding(new, start, end + 2, "研究者B")
    second = last(proj, "coding", "update")
    error = refused(proj, first["id"], f"#{second['id']}", "研究者B")
    assert "请先撤销" in error.zh and "undo that change first" in error.en
    assert coding(proj, new)["end"] == end + 2  # nothing changed
    undo(proj, second["id"])
    undo(proj, first["id"])  # now in order
    assert coding(proj, new)["end"] == end


def test_a_row_changed_without_an_event_of_its_own_is_refused_by_its_state(proj, cli, tmp_path):
    before = suggestion(proj, "scenario.backstage")
    proj.decide(before["id"], "reject", "研究者A")
    rejected = last(proj, "coding", "reject")
    # A codebook sync that renames a code moves its codings in bulk, with one event for the code.
    book = (cli.folder / "codebook.yaml").read_text(encoding="utf-8")
    renamed = book.replace(
        "  - id: scenario.backstage\n", "  - id: scenario.behind\n    renamed_from: [scenario.backstage]\n"
    )
    assert renamed != book
    (cli.folder / "codebook.yaml").write_text(renamed, encoding="utf-8")
    assert cli("codebook", "sync").exit_code == 0
    error = refused(proj, rejected["id"], "scenario.behind")
    assert "已被更改" in error.zh and "has changed since" in error.en


def test_an_event_undone_already_is_refused(proj):
    start, end = span(proj, "以前考核")
    proj.add_coding(SOURCE, start, end, "scenario.backstage", "研究者A")
    created = last(proj, "coding", "create")
    done = undo(proj, created["id"])
    error = refused(proj, created["id"], f"#{done['id']}")
    assert "已被事件" in error.zh and "undone already" in error.en


@pytest.mark.parametrize(
    ("entity", "action", "zh", "en"),
    [
        ("source", "import", "导入不能撤销", "imports cannot be undone"),
        ("source", "tag", "生成不能撤销", "tagging cannot be undone"),
        ("code", "create", "codebook.yaml", "codebook syncs cannot be undone"),
        ("user", "create", "qcoder user", "people, team mode and rounds"),
    ],
)
def test_what_undo_does_not_cover_is_refused_saying_so(proj, entity, action, zh, en):
    event = last(proj, entity, action)
    assert not event["undoable"]
    error = refused(proj, event["id"])
    assert zh in error.zh and en in error.en


def test_an_unknown_event_is_refused(proj):
    with pytest.raises(QcoderError, match="#999999"):
        proj.undo(999999, OWNER)


def test_in_team_mode_only_the_owner_may_undo(proj):
    proj.add_user("编码员", "coder", "coder-password")
    if not proj.team_mode():
        proj.set_team_mode(True)
    start, end = span(proj, "以前考核")
    proj.add_coding(SOURCE, start, end, "scenario.backstage", "编码员")
    created = last(proj, "coding", "create")
    with pytest.raises(QcoderError, match="所有者") as caught:
        proj.undo(created["id"], "编码员")
    assert "owner" in caught.value.en and "编码员" in caught.value.zh
    assert not history.may_undo(None, True) and history.may_undo(None, False)
    with pytest.raises(QcoderError, match="编码员"):  # a logged-in coder in the app cannot read the log
        proj.for_user("编码员").audit_events()
    proj.for_user(OWNER).undo(created["id"])


# Reading the log ---------------------------------------------------------------------------------


def test_real_names_never_appear_in_the_log(proj, cli):
    with Session(proj.engine) as session:  # an event about a person, as a future change might record it
        session.add(
            AuditEvent(action="update", entity="participant", entity_id="1",
                       before={"name": "马继强", "role": "书记"}, after={"name": "马继强", "role": "主任",
                       "meta": {"interviewee": "马继强"}})
        )  # fmt: skip
        session.commit()
    shown = json.dumps(proj.audit_events(limit=1000), ensure_ascii=False)
    assert "马继强" not in shown and "role: 书记 → 主任" in shown
    listed = cli("audit", "list", "--json", "--limit", "1000")
    assert listed.exit_code == 0 and "马继强" not in listed.output
    table = cli("audit", "list")
    assert table.exit_code == 0 and "马继强" not in table.output


def test_the_log_filters_by_coder_entity_and_id(proj, cli):
    start, end = span(proj, "以前考核")
    new = proj.add_coding(SOURCE, start, end, "scenario.backstage", "研究者A", memo="备忘")
    by_a = proj.audit_events(coder="研究者A")
    assert {e["entity"] for e in by_a} == {"coding", "memo"} and all(e["coder"] == "研究者A" for e in by_a)
    assert [e["entity_id"] for e in proj.audit_events(entity="coding", entity_id=str(new))] == [str(new)]
    assert len(proj.audit_events(limit=3)) == 3
    with Session(proj.engine) as session:
        now = dt.datetime.now(dt.UTC)
        assert history.events(session, since=now + dt.timedelta(minutes=5)) == []
        assert len(history.events(session, since=now - dt.timedelta(hours=1), limit=1000)) == len(
            proj.audit_events(limit=1000)
        )
    assert "研究者A" in proj.audit_coders()
    result = cli("audit", "list", "--coder", "研究者A", "--entity", "memo", "--json")
    assert result.exit_code == 0
    [memo] = json.loads(result.stdout)
    assert memo["action"] == "create" and memo["summary"] == f"#{new} “备忘”"
    assert cli("audit", "list", "--entity", "codings").exit_code == 1


def test_undo_from_the_command_line(proj, cli):
    start, end = span(proj, "以前考核")
    new = proj.add_coding(SOURCE, start, end, "scenario.backstage", "研究者A")
    event = last(proj, "coding", "create")["id"]
    result = cli("audit", "undo", str(event), "--coder", OWNER)
    assert result.exit_code == 0, result.output
    assert f"#{event}" in result.output and coding(proj, new) is None
    again = cli("audit", "undo", str(event), "--coder", OWNER)
    assert again.exit_code == 1 and "undone already" in again.output


def test_a_recode_event_without_the_suggestions_id_is_named_by_its_own_entity():
    from coder.history_facts import facts

    found = facts("coding", "recode", "42", {"code_id": "a"}, {"code_id": "b", "source_id": "S", "id": 43}, {}, {})
    assert (found["say"], found["id"], found["new_id"]) == ("recoded", "42", 43)
