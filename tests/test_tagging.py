"""`qcoder tag`, `eval` and `keywords` against a project database."""

import json

import pytest
from sqlmodel import Session, select

from coder.db.engine import make_engine
from coder.db.models import AuditEvent, Coding
from tests.helpers import write

TRANSCRIPT = """---
id: 20240115MJQ
kind: interview
---
访谈者：方阵怎么划？
MJQ：按比例分成三个方阵，第一方阵的同志要帮带第三方阵的同志。
MJQ：以前考核就是走过场，人人称职。
MJQ：现在每个季度晾晒排名，结果公示出来。
"""


def tagged(cli, tmp_path):
    assert cli("import", str(write(tmp_path / "interviews" / "x.txt", TRANSCRIPT))).exit_code == 0
    result = cli("tag", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def suggestions(cli):
    return json.loads(cli("code", "list", "--status", "suggested", "--json").stdout)


def set_status(url, code_id, status):
    with Session(make_engine(url)) as session:
        row = session.exec(select(Coding).where(Coding.code_id == code_id, Coding.status == "suggested")).first()
        row.status = status
        session.add(row)
        session.commit()
        return row.start, row.end


def test_tag_writes_explained_suggestions_and_audits_each_source(cli, tmp_path):
    summary = tagged(cli, tmp_path)
    rows = suggestions(cli)
    assert summary["added"] == len(rows) > 0
    codes = {r["code"] for r in rows}
    assert {"structure.tiering", "structure.mentoring", "scenario.backstage", "action.public_results"} <= codes
    assert all(r["origin"] == "tagger" and r["coder"] == "tagger" for r in rows)
    assert not any(r["quote"].endswith("？") for r in rows)  # the interviewer's question is not evidence
    with Session(make_engine(cli.url)) as session:
        coding = session.exec(select(Coding)).first()
        assert 0 < coding.score <= 1 and coding.terms and coding.codebook_version
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "tag")).one()
        assert event.after["added"] == summary["added"]


def test_tagging_again_changes_nothing(cli, tmp_path):
    tagged(cli, tmp_path)
    before = suggestions(cli)
    again = json.loads(cli("tag", "--json").stdout)
    assert (again["sources"], again["added"], again["removed"]) == (0, 0, 0)
    assert suggestions(cli) == before


def test_decisions_survive_and_a_rejected_suggestion_never_returns(cli, tmp_path):
    tagged(cli, tmp_path)
    rejected = set_status(cli.url, "structure.tiering", "rejected")
    accepted = set_status(cli.url, "scenario.backstage", "accepted")
    forced = json.loads(cli("tag", "--force", "--json").stdout)
    assert forced["removed"] == forced["added"]  # only the untouched suggestions were replaced
    spans = {(r["code"], r["start"], r["end"]) for r in suggestions(cli)}
    assert ("structure.tiering", *rejected) not in spans
    assert ("scenario.backstage", *accepted) not in spans
    kept = json.loads(cli("code", "list", "--json").stdout)
    assert {r["status"] for r in kept} == {"suggested", "rejected", "accepted"}


def retag_after_adding(cli, tmp_path, term: str) -> dict:
    """Tag, add ``term`` to structure.mentoring's keywords, sync, and tag again: the second run's summary."""
    tagged(cli, tmp_path)
    book = (cli.folder / "codebook.yaml").read_text(encoding="utf-8")
    write(cli.folder / "codebook.yaml", book.replace("keywords: [帮带,", f"keywords: [{term}, 帮带,", 1))
    assert cli("codebook", "sync").exit_code == 0
    return json.loads(cli("tag", "--json").stdout)


def test_a_codebook_edit_retags_only_the_code_it_changes(cli, tmp_path):
    # 师傅 shares no character with another code's terms, so no other code's word boundaries can move.
    result = retag_after_adding(cli, tmp_path, "师傅")
    assert (result["sources"], result["pairs"]) == (1, 1)
    assert set(result["by_code"]) == {"structure.mentoring"}


def test_a_new_term_sharing_characters_retags_the_codes_it_could_affect(cli, tmp_path):
    result = retag_after_adding(cli, tmp_path, "第一方阵同志")
    assert result["pairs"] > 1  # structure.tiering's 第一方阵 may no longer be a word: it is re-tagged too


def test_a_removed_code_with_only_suggestions_can_go(cli, tmp_path):
    tagged(cli, tmp_path)
    book = (cli.folder / "codebook.yaml").read_text(encoding="utf-8")
    start = book.index("  - id: structure.mentoring")
    write(cli.folder / "codebook.yaml", book[:start] + book[book.index("  - id: action.public_results") :])
    assert cli("codebook", "sync").exit_code == 0
    assert "structure.mentoring" not in {r["code"] for r in suggestions(cli)}


def test_eval_scores_suggestions_against_gold(cli, tmp_path):
    tagged(cli, tmp_path)
    write(
        tmp_path / "gold" / "x.yaml",
        "source: 20240115MJQ\ncodings:\n"
        "  - {code: structure.tiering, quote: 按比例分成三个方阵，第一方阵的同志要帮带第三方阵的同志。}\n"
        "  - {code: scenario.backstage, quote: 以前考核就是走过场，人人称职}\n"
        "  - {code: structure.rigid, quote: 现在每个季度晾晒排名，结果公示出来。}\n",
    )
    result = cli("eval", "--gold", str(tmp_path / "gold"), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["unit"] == "sentence"
    assert report["codes"]["structure.tiering"]["tp"] == 1
    assert report["codes"]["structure.rigid"]["fn"] == 1
    assert report["codes"]["action.public_results"]["fp"] == 1
    assert report["codes"]["structure.mentoring"]["fp"] == 1
    micro = report["code_micro"]
    assert (micro["tp"], micro["fp"], micro["fn"]) == (2, 2, 1)
    assert micro["f1"] == pytest.approx(2 * 2 / (2 * 2 + 2 + 1))
    assert {"gold": "structure", "predicted": "action", "count": 1} in report["dimension_confusion"]


def test_eval_per_turn_counts_a_code_once_per_speaker_turn(cli, tmp_path):
    tagged(cli, tmp_path)
    write(
        tmp_path / "gold" / "x.yaml",
        "source: 20240115MJQ\ncodings:\n"
        "  - {code: structure.mentoring, quote: 按比例分成三个方阵，第一方阵的同志要帮带第三方阵的同志。}\n"
        "  - {code: action.public_results, quote: 结果公示出来。}\n",
    )
    report = json.loads(cli("eval", "--gold", str(tmp_path / "gold"), "--unit", "turn", "--json").stdout)
    assert report["unit"] == "turn"
    assert report["codes"]["structure.mentoring"]["tp"] == 1
    assert report["codes"]["action.public_results"]["tp"] == 1
    assert cli("eval", "--gold", str(tmp_path / "gold"), "--unit", "page").exit_code == 1


def test_eval_names_a_gold_quote_that_is_not_in_the_source(cli, tmp_path):
    tagged(cli, tmp_path)
    write(
        tmp_path / "gold" / "bad.yaml",
        "source: 20240115MJQ\ncodings:\n  - {code: structure.tiering, quote: 不存在的话}\n",
    )
    result = cli("eval", "--gold", str(tmp_path / "gold"))
    assert result.exit_code == 1
    assert "bad.yaml" in result.stderr and "不存在的话" in result.stderr


def test_keywords_are_proposed_from_accepted_codings(cli, tmp_path):
    tagged(cli, tmp_path)
    set_status(cli.url, "structure.tiering", "accepted")
    result = cli("keywords", "--code", "structure.tiering", "--json")
    assert result.exit_code == 0, result.output
    terms = [p["term"] for p in json.loads(result.stdout)["proposals"]]
    assert "比例" not in terms  # already a keyword of a code
    assert "同志" in terms
    assert not set(terms) & {"方阵", "第一方阵", "第三方阵"}
    none = cli("keywords", "--code", "action.open_call")
    assert none.exit_code == 1 and "no accepted or manual codings" in none.stderr
