"""Disagreement review and consensus codings (coder.consensus, qcoder icr disagreements, qcoder consensus add):
disagreements are listed per segment with the codings behind them; a consensus is a new coding, linked to
its originals, which stay untouched and keep agreement as it was; every write is audited."""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session, select

from coder.db.engine import make_engine
from coder.db.models import AuditEvent, Coder, ConsensusLink
from coder.project import Project
from tests.helpers import write
from tests.test_reliability import POLICY, S1, S2, S3, P, T, code_as

SOURCE = "20230110-P01"


@pytest.fixture
def corpus(cli, tmp_path):
    """The two-coder corpus of tests/test_reliability.py: A and B differ on 干部分成三个方阵。 (A: tiering,
    B: public_results) and agree elsewhere (both: tiering on 末位方阵要约谈。, public_results on 考核结果公开。)."""
    write(tmp_path / "in" / "policy" / f"{SOURCE}.txt", POLICY)
    assert cli("import", str(tmp_path / "in")).exit_code == 0
    code_as(cli, tmp_path / "q", "研究者A", {SOURCE: [(T, S2), (T, S3), (P, S1[:7])]})
    code_as(cli, tmp_path / "q", "研究者B", {SOURCE: [(T, S3), (P, S1[:7]), (P, S2)]})
    return cli


def disagreements(cli, *args: str) -> dict:
    result = cli("icr", "disagreements", "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def codings(cli) -> list[dict]:
    return json.loads(cli("code", "list", "--source", SOURCE, "--json").stdout)


def test_disagreements_are_listed_per_segment_with_their_codings(corpus):
    found = disagreements(corpus)
    assert found["coders"] == ["研究者A", "研究者B"] and found["sources"] == [SOURCE]
    [unit] = found["units"]
    assert unit["source"] == SOURCE and unit["text"] == S2
    assert unit["codes"] == {"研究者A": [T], "研究者B": [P]}
    assert unit["differ"] == [T, P] and unit["missing"] == [] and unit["consensus"] == {}
    ids = {c["id"]: c for c in codings(corpus)}
    assert [(c["coder"], c["code"]) for c in unit["codings"]] == [("研究者A", T), ("研究者B", P)]
    for coding in unit["codings"]:
        assert ids[coding["id"]]["quote"] == S2
    text = corpus("icr", "disagreements")
    assert text.exit_code == 0 and S2 in text.stdout and f"≠ {T}, {P}" in text.stdout


def test_a_consensus_keeps_both_originals_and_is_audited(corpus):
    [unit] = disagreements(corpus)["units"]
    before = codings(corpus)
    agreement = json.loads(corpus("icr", "--json").stdout)
    originals = [str(c["id"]) for c in unit["codings"]]
    added = corpus(
        "consensus", "add", "--source", SOURCE, "--start", str(unit["start"]), "--end", str(unit["end"]),
        "--code", T, "--from", originals[0], "--from", originals[1], "--coder", "研究者C", "--json",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    row = json.loads(added.stdout)
    assert (row["status"], row["origin"], row["coder"], row["code"]) == ("manual", "consensus", "consensus", T)
    assert row["quote"] == S2 and row["originals"] == sorted(map(int, originals))
    after = codings(corpus)
    assert [c for c in after if c["id"] != row["id"]] == before  # the originals are untouched
    assert any(c["origin"] == "consensus" for c in after)
    # Consensus codings are not anyone's independent work: agreement is what it was.
    assert json.loads(corpus("icr", "--json").stdout) == agreement
    engine = make_engine(corpus.url)
    with Session(engine) as session:
        links = session.exec(select(ConsensusLink.original_id).where(ConsensusLink.consensus_id == row["id"])).all()
        assert sorted(links) == sorted(map(int, originals))
        resolver = session.exec(select(Coder).where(Coder.name == "研究者C")).one()
        events = session.exec(select(AuditEvent).where(AuditEvent.coder_id == resolver.id)).all()
        assert {(e.entity, e.action) for e in events} == {("coding", "create"), ("consensus_link", "create")}
        created = next(e for e in events if e.entity == "coding")
        assert created.entity_id == str(row["id"]) and created.after["origin"] == "consensus"
        assert len([e for e in events if e.entity == "consensus_link"]) == 2
    engine.dispose()
    [unit] = disagreements(corpus)["units"]
    assert unit["consensus"] == {T: row["id"]}  # still a disagreement between A and B, now resolved


def test_the_resolver_may_be_one_of_the_coders_and_a_consensus_is_recorded_once(corpus):
    """A coder accepting their own coding as consensus: the consensus is a coding of its own."""
    [unit] = disagreements(corpus)["units"]
    mine = next(c for c in unit["codings"] if c["coder"] == "研究者A")
    args = ("consensus", "add", "--source", SOURCE, "--start", str(mine["start"]), "--end", str(mine["end"]),
            "--code", T, "--from", str(mine["id"]), "--coder", "研究者A")  # fmt: skip
    assert corpus(*args).exit_code == 0
    again = corpus(*args)
    assert again.exit_code == 1 and "already has a consensus coding" in again.stderr
    coders = json.loads(corpus("icr", "--json").stdout)["coders"]
    assert coders == ["研究者A", "研究者B"]  # the consensus coder is never compared


def test_a_consensus_needs_originals_of_the_same_source_that_are_decisions(corpus, tmp_path):
    [unit] = disagreements(corpus)["units"]
    span = ("--source", SOURCE, "--start", str(unit["start"]), "--end", str(unit["end"]), "--code", T)
    missing = corpus("consensus", "add", *span, "--from", "99999")
    assert missing.exit_code == 1 and "no coding #99999" in missing.stderr
    second = POLICY.replace(SOURCE, "20230111-P02").replace("2023-01-10", "2023-01-11")
    write(tmp_path / "in2" / "policy" / "20230111-P02.txt", second)
    assert corpus("import", str(tmp_path / "in2")).exit_code == 0
    code_as(corpus, tmp_path / "q2", "研究者A", {"20230111-P02": [(T, S2)]})
    elsewhere = json.loads(corpus("code", "list", "--source", "20230111-P02", "--json").stdout)[0]["id"]
    wrong = corpus("consensus", "add", *span, "--from", str(elsewhere))
    assert wrong.exit_code == 1 and "belongs to source 20230111-P02" in wrong.stderr
    dimension = corpus("consensus", "add", *span[:-1], "structure", "--from", str(unit["codings"][0]["id"]))
    assert dimension.exit_code == 1 and "dimensions cannot be coded" in dimension.stderr
    first = corpus("consensus", "add", *span, "--from", str(unit["codings"][0]["id"]), "--json")
    consensus_id = json.loads(first.stdout)["id"]
    chained = corpus("consensus", "add", *span[:-1], P, "--from", str(consensus_id))
    assert chained.exit_code == 1 and "consensus coding itself" in chained.stderr
    bad_span = corpus("consensus", "add", "--source", SOURCE, "--start", "5", "--end", "500", "--code", T,
                      "--from", str(unit["codings"][0]["id"]))  # fmt: skip
    assert bad_span.exit_code == 1 and "[5, 500) is invalid" in bad_span.stderr


def test_a_viewer_may_not_record_a_consensus(corpus):
    """In team mode the resolver's role decides (coder.access): a viewer reads, never writes."""
    assert (
        corpus("user", "add", "主持人", "--role", "owner", "--password-stdin", input="secret-pass-1\n").exit_code == 0
    )
    assert (
        corpus("user", "add", "旁观者", "--role", "viewer", "--password-stdin", input="secret-pass-2\n").exit_code == 0
    )
    if not Project.open(corpus.url).team_mode():
        assert corpus("team", "on").exit_code == 0
    [unit] = disagreements(corpus)["units"]
    viewer = Project.open(corpus.url).log_in("旁观者", "secret-pass-2")
    with pytest.raises(Exception, match="viewer"):
        viewer.resolve_consensus(SOURCE, unit["start"], unit["end"], T, [unit["codings"][0]["id"]])
    owner = Project.open(corpus.url).log_in("主持人", "secret-pass-1")
    coding = owner.resolve_consensus(SOURCE, unit["start"], unit["end"], T, [unit["codings"][0]["id"]])
    engine = make_engine(corpus.url)
    with Session(engine) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.entity_id == str(coding))).one()
        assert session.get(Coder, event.coder_id).name == "主持人"
    engine.dispose()
