"""`qcoder review`: suggestions become the reviewer's decisions, audited, and rejections stick."""

import json

from sqlmodel import Session, select

from coder import review
from coder.db.engine import make_engine, transaction
from coder.db.models import AuditEvent
from coder.errors import QcoderError
from tests.test_tagging import suggestions, tagged


def all_codings(cli):
    return json.loads(cli("code", "list", "--json").stdout)


def test_accepting_a_suggestion_makes_it_the_reviewers_coding(cli, tmp_path):
    tagged(cli, tmp_path)
    first = suggestions(cli)[0]
    result = cli("review", "accept", "--id", str(first["id"]), "--coder", "研究者A", "--json")
    assert result.exit_code == 0, result.output
    decided = {c["id"]: c for c in all_codings(cli)}[first["id"]]
    assert (decided["status"], decided["coder"], decided["origin"]) == ("accepted", "研究者A", "tagger")
    with Session(make_engine(cli.url)) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "accept")).one()
    assert (event.before["status"], event.after["status"]) == ("suggested", "accepted")


def test_bulk_rejection_per_code_sticks_through_retagging(cli, tmp_path):
    tagged(cli, tmp_path)
    tiering = [s for s in suggestions(cli) if s["code"] == "structure.tiering"]
    result = cli("review", "reject", "--code", "structure.tiering", "--coder", "研究者A", "--json")
    assert len(json.loads(result.stdout)["decided"]) == len(tiering) > 0
    assert cli("tag", "--force").exit_code == 0
    assert not [s for s in suggestions(cli) if s["code"] == "structure.tiering"]
    rejected = [c for c in all_codings(cli) if c["status"] == "rejected"]
    assert {(c["start"], c["end"]) for c in rejected} == {(s["start"], s["end"]) for s in tiering}


def test_recoding_accepts_under_the_new_code_and_rejects_the_old(cli, tmp_path):
    tagged(cli, tmp_path)
    first = next(s for s in suggestions(cli) if s["code"] == "structure.mentoring")
    result = cli("review", "recode", "--id", str(first["id"]), "--code", "structure.resilient", "--json")
    assert result.exit_code == 0, result.output
    spans = {
        (c["code"], c["status"]) for c in all_codings(cli) if (c["start"], c["end"]) == (first["start"], first["end"])
    }
    assert {("structure.mentoring", "rejected"), ("structure.resilient", "accepted")} <= spans


def test_a_stale_decision_is_refused_not_silently_applied(sqlite_cli, tmp_path):
    tagged(sqlite_cli, tmp_path)
    first = suggestions(sqlite_cli)[0]
    engine = make_engine(sqlite_cli.url)
    with transaction(engine) as session:
        review.decide(session, first["id"], "accept", "甲", expected_version=1)
    try:
        with transaction(engine) as session:
            review.decide(session, first["id"], "reject", "乙", expected_version=1)
        raise AssertionError("the second decision should have been refused")
    except QcoderError as exc:
        assert "changed by someone else" in exc.en
    assert {c["id"]: c for c in all_codings(sqlite_cli)}[first["id"]]["status"] == "accepted"


def test_review_needs_a_selection_and_names_bad_codes(sqlite_cli, tmp_path):
    tagged(sqlite_cli, tmp_path)
    assert "say which suggestions" in sqlite_cli("review", "accept").stderr
    first = suggestions(sqlite_cli)[0]
    bad = sqlite_cli("review", "recode", "--id", str(first["id"]), "--code", "structure")
    assert bad.exit_code == 1 and "dimensions cannot be coded" in bad.stderr
    assert suggestions(sqlite_cli)[0]["id"] == first["id"]  # nothing changed


def test_a_suggestion_the_reviewer_already_coded_merges_into_their_coding(cli, tmp_path):
    tagged(cli, tmp_path)
    first = suggestions(cli)[0]
    span = ["--start", str(first["start"]), "--end", str(first["end"]), "--coder", "研究者A"]
    assert cli("code", "add", "--source", first["source"], *span, "--code", first["code"]).exit_code == 0
    result = cli("review", "accept", "--source", first["source"], "--code", first["code"], "--coder", "研究者A")
    assert result.exit_code == 0, result.stderr
    same_span = [
        c
        for c in all_codings(cli)
        if (c["code"], c["start"], c["end"]) == (first["code"], first["start"], first["end"])
    ]
    assert [(c["status"], c["coder"]) for c in same_span] == [("manual", "研究者A")]
