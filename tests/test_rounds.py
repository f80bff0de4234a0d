"""Blind agreement rounds: inside an open round each coder sees, counts, exports and touches only their own
codings and the tagger's suggestions; closing the round shows everything (see coder.rounds)."""

import io
import zipfile
from types import SimpleNamespace

import pytest

from coder.errors import QcoderError
from coder.project import Project
from tests.helpers import INTERVIEW, write
from tests.test_access import PASSWORD, add_user

BLIND = "20240115MJQ"  # in the round
OPEN = "20240116ZW"  # outside it
SECOND = INTERVIEW.replace("20240115MJQ", OPEN).replace("2024-01-15", "2024-01-16").replace("MJQ：", "ZW：")


@pytest.fixture
def team(cli, tmp_path):
    """A tagged team project with two interviews, an owner and two coders; the first interview is in an
    open round. Each person's project, the command line's, and the tagger's suggestions by code."""
    for source_id, text in ((BLIND, INTERVIEW), (OPEN, SECOND)):
        assert cli("import", str(write(tmp_path / "interviews" / f"{source_id}.txt", text))).exit_code == 0
    assert cli("tag").exit_code == 0
    add_user(cli, "负责人", "owner")
    for name in ("编码员甲", "编码员乙"):
        add_user(cli, name)
    assert cli("team", "on").exit_code == 0
    admin = Project.open(cli.url)
    owner, first, second = (admin.log_in(name, PASSWORD) for name in ("负责人", "编码员甲", "编码员乙"))
    round_id = owner.open_round("第一轮", [BLIND])
    suggested = {c["code"]: c for c in admin.codings(BLIND, status="suggested")}
    assert set(suggested) == {"scenario.backstage", "action.public_results"}
    return SimpleNamespace(
        cli=cli, admin=admin, owner=owner, first=first, second=second, round_id=round_id, suggested=suggested
    )


def refusal(action) -> str:
    with pytest.raises(QcoderError) as refused:
        action()
    return refused.value.en


def mine(project: Project, source: str = BLIND, status: str | None = None) -> set[tuple[str, str, str]]:
    return {(c["coder"], c["code"], c["status"]) for c in project.codings(source, status=status)}


def test_a_decision_in_a_round_leaves_the_suggestion_to_the_others(team):
    backstage = team.suggested["scenario.backstage"]
    team.first.decide(backstage["id"], "accept", "编码员甲", backstage["version"])
    # 甲's decision is a coding of their own; the suggestion is unchanged for 乙 and gone from 甲's review.
    assert ("编码员甲", "scenario.backstage", "accepted") in mine(team.first)
    assert backstage["id"] not in {c["id"] for c in team.first.codings(BLIND, status="suggested")}
    seen = {c["id"]: c for c in team.second.codings(BLIND)}
    assert seen[backstage["id"]]["coder"] == "tagger" and seen[backstage["id"]]["version"] == backstage["version"]
    assert {c["coder"] for c in seen.values()} == {"tagger"}
    # 乙 decides the same suggestion at the version they read; 甲's view does not change.
    team.second.decide(backstage["id"], "reject", "编码员乙", backstage["version"])
    assert mine(team.second, status="rejected") == {("编码员乙", "scenario.backstage", "rejected")}
    assert ("编码员乙", "scenario.backstage", "rejected") not in mine(team.first)
    # Deciding it again is refused as for a coding that does not exist.
    assert refusal(lambda: team.first.decide(backstage["id"], "reject", "编码员甲")) == f"no coding #{backstage['id']}"
    decided = [e for e in team.owner.audit_events(entity="coding") if e["action"] in ("accept", "reject")]
    assert {(e["coder"], e["action"]) for e in decided} == {("编码员甲", "accept"), ("编码员乙", "reject")}


def test_re_tagging_in_a_round_keeps_each_decision_and_the_suggestion_for_the_undecided(team):
    backstage = team.suggested["scenario.backstage"]
    team.first.decide(backstage["id"], "reject", "编码员甲")
    assert team.cli("tag", "--force").exit_code == 0
    rejected = ("编码员甲", "scenario.backstage", "rejected")
    assert mine(team.first) == {rejected, ("tagger", "action.public_results", "suggested")}
    assert ("tagger", "scenario.backstage", "suggested") in mine(team.second)
    assert [c["status"] for c in team.admin.codings(BLIND) if c["coder"] == "编码员甲"] == ["rejected"]
    assert team.first.decide_all(BLIND, "scenario.backstage", "accept", "编码员甲") == 0  # nothing left for 甲
    assert team.second.decide_all(BLIND, "scenario.backstage", "accept", "编码员乙") == 1


def test_a_recode_in_a_round_is_two_codings_of_the_reviewers_and_undoes_as_one(team):
    backstage = team.suggested["scenario.backstage"]
    team.first.decide(backstage["id"], "accept", "编码员甲", new_code="structure.rigid")
    assert mine(team.first) >= {
        ("编码员甲", "scenario.backstage", "rejected"),
        ("编码员甲", "structure.rigid", "accepted"),
    }
    assert ("tagger", "scenario.backstage", "suggested") in mine(team.second)
    recode = next(e for e in team.owner.audit_events(entity="coding") if e["action"] == "recode")
    team.owner.undo(recode["id"])
    assert {c["coder"] for c in team.admin.codings(BLIND)} == {"tagger"}


def test_another_coders_hidden_coding_is_refused_as_if_it_did_not_exist(team):
    text = team.admin.source(BLIND)["text"]
    start = text.index("走过场")
    hidden = team.second.add_coding(BLIND, start, start + 3, "structure.rigid", "编码员乙")
    missing = hidden + 1000

    def same_refusal(action) -> None:
        assert refusal(lambda: action(hidden)) == refusal(lambda: action(missing)).replace(str(missing), str(hidden))

    same_refusal(lambda i: team.first.adjust_coding(i, start, start + 2, "编码员甲"))
    same_refusal(lambda i: team.first.delete_coding(i, "编码员甲"))
    same_refusal(lambda i: team.first.decide(i, "accept", "编码员甲"))
    same_refusal(lambda i: team.first.add_claim("论断", [], [i], "编码员甲"))
    same_refusal(lambda i: team.first.resolve_consensus(OPEN, 18, 28, "structure.rigid", [i], "编码员甲"))
    assert "open agreement round “第一轮”" in refusal(
        lambda: team.owner.resolve_consensus(BLIND, start, start + 3, "structure.rigid", [hidden])
    )
    assert mine(team.second) >= {("编码员乙", "structure.rigid", "manual")}  # untouched


def test_the_taggers_suggestions_in_a_round_are_decided_not_moved_or_deleted(team):
    backstage = team.suggested["scenario.backstage"]
    assert "accept or reject it" in refusal(lambda: team.first.delete_coding(backstage["id"], "编码员甲"))
    assert "accept or reject it" in refusal(lambda: team.first.adjust_coding(backstage["id"], 0, 5, "编码员甲"))


def test_counts_proposals_exports_and_coders_show_only_ones_own_work_in_a_round(team):
    text = team.admin.source(BLIND)["text"]
    start = text.index("走过场")
    team.second.add_coding(BLIND, start, start + 3, "structure.rigid", "编码员乙")
    results = team.suggested["action.public_results"]
    team.second.decide(results["id"], "accept", "编码员乙")

    def counts(project: Project) -> tuple:
        view = project.overview()
        codes = {row["code"]: row["count"] for row in view["codes"]}
        progress = next(row for row in view["progress"] if row["source"] == BLIND)
        listed = next(row for row in project.sources() if row["id"] == BLIND)
        return codes["structure.rigid"], codes["action.public_results"], progress, listed["codings"]

    assert counts(team.first)[:2] == (0, 0)
    assert counts(team.first)[2] == {"source": BLIND, "kind": "interview", "suggested": 2, "reviewed": 0, "manual": 0}
    assert counts(team.first)[3] == 2  # the two suggestions
    assert counts(team.second)[2] == {"source": BLIND, "kind": "interview", "suggested": 1, "reviewed": 1, "manual": 1}
    with pytest.raises(QcoderError, match="no accepted or manual codings"):
        team.first.propose_keywords("structure.rigid")
    team.second.propose_keywords("structure.rigid")  # not refused: 乙 learns from their own quote
    assert users_in(team.first.export_qdpx("p", with_suggestions=True)) == {"tagger"}
    assert users_in(team.second.export_qdpx("p")) == {"编码员乙"}
    assert "编码员乙" not in team.first.icr_coders()

    team.owner.close_round(team.round_id)
    assert counts(team.first)[:2] == (1, 1)
    assert counts(team.first)[2] == {"source": BLIND, "kind": "interview", "suggested": 1, "reviewed": 1, "manual": 1}
    team.first.propose_keywords("structure.rigid")  # not refused any more
    assert users_in(team.first.export_qdpx("p")) == {"编码员乙"}
    assert team.first.icr_coders() == ["编码员乙"]
    assert {c["coder"] for c in team.first.codings(BLIND)} == {"tagger", "编码员乙"}


def users_in(qdpx: bytes) -> set[str]:
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(qdpx)) as archive:
        root = etree.fromstring(archive.read("project.qde"))
    return {user.get("name") for user in root.iter("{*}User")}


def test_closing_the_round_settles_the_suggestions_decided_in_it(team):
    backstage, results = team.suggested["scenario.backstage"], team.suggested["action.public_results"]
    team.first.decide(backstage["id"], "accept", "编码员甲")
    team.second.decide(backstage["id"], "reject", "编码员乙")
    team.owner.close_round(team.round_id)
    left = {c["id"] for c in team.admin.codings(BLIND, status="suggested")}
    assert left == {results["id"]}  # nobody decided this one: still to review
    assert mine(team.owner) == {
        ("编码员甲", "scenario.backstage", "accepted"),
        ("编码员乙", "scenario.backstage", "rejected"),
        ("tagger", "action.public_results", "suggested"),
    }
    assert team.owner.icr_coders() == ["编码员乙", "编码员甲"]


def test_a_coding_a_consensus_resolves_cannot_be_deleted_or_moved(team):
    backstage = team.suggested["scenario.backstage"]
    team.first.decide(backstage["id"], "accept", "编码员甲")
    team.owner.close_round(team.round_id)
    accepted = next(c for c in team.first.codings(BLIND) if c["coder"] == "编码员甲")

    def resolve() -> int:
        return team.owner.resolve_consensus(
            BLIND, accepted["start"], accepted["end"], "scenario.backstage", [accepted["id"]]
        )

    second_round = team.owner.open_round("第二轮", [BLIND])
    assert "open agreement round “第二轮”" in refusal(resolve)
    assert "is in an open agreement round" in refusal(lambda: team.owner.agreement(round_id=team.round_id))
    team.owner.close_round(second_round)
    agreed = resolve()
    for action in (
        lambda: team.first.delete_coding(accepted["id"], "编码员甲"),
        lambda: team.first.adjust_coding(accepted["id"], 0, 5, "编码员甲"),
        lambda: team.admin.delete_coding(accepted["id"], "负责人"),
    ):
        assert f"resolved by consensus coding #{agreed}" in refusal(action)
    assert accepted["id"] in {c["id"] for c in team.admin.codings(BLIND)}
