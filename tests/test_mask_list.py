"""The mask list (qcoder mask …): confirmed by a person, seeded from the interviewees, audited, never a
silent change of a replacement; candidates proposed from the texts, never applied unconfirmed."""

import json

from tests.helpers import INTERVIEW, write

OTHER = """---
id: 20240118CJG
kind: interview
date: 2024-01-18
interviewee: 陈建国
role: 镇党委副书记
organization: 石桥镇人民政府
synthetic: true
---
访谈者：您怎么看排名公示？
CJG：我们石桥镇的马书记一开始不赞成，后来王主任请刘老师来讲了一次课，大家马上就明白了。陈老师我自己也听了。
"""


def imported(cli, tmp_path):
    write(tmp_path / "in" / "interviews" / "20240115MJQ.txt", INTERVIEW)
    write(tmp_path / "in" / "interviews" / "20240118CJG.txt", OTHER)
    assert cli("import", str(tmp_path / "in")).exit_code == 0


def test_the_interviewees_are_on_the_list_without_their_names_unless_asked(cli, tmp_path):
    imported(cli, tmp_path)
    listed = cli("mask", "list", "--json")
    assert listed.exit_code == 0
    assert "马继强" not in listed.stdout and "陈建国" not in listed.stdout
    rows = json.loads(listed.stdout)
    assert {r["replacement"] for r in rows if r["origin"] == "participant"} == {"MJQ", "CJG"}
    assert "马继强" in cli("mask", "list", "--with-names").stdout


def test_a_confirmed_entry_gets_the_default_replacement_and_a_change_must_be_asked_for(cli):
    assert cli("mask", "add", "陈老师").exit_code == 0
    assert cli("mask", "add", "石桥镇", "--kind", "place").exit_code == 0
    rows = {r["mention"]: r for r in json.loads(cli("mask", "list", "--json").stdout)}
    assert rows["陈老师"]["replacement"] == "C老师" and rows["石桥镇"]["replacement"] == "S镇"
    refused = cli("mask", "add", "陈老师", "--as", "某老师")
    assert refused.exit_code == 1 and "--replace" in refused.stderr and "C老师" in refused.stderr
    assert cli("mask", "add", "陈老师", "--as", "某老师", "--replace").exit_code == 0
    assert {r["mention"]: r for r in json.loads(cli("mask", "list", "--json").stdout)}["陈老师"][
        "replacement"
    ] == "某老师"


def test_a_replacement_that_still_shows_the_name_or_a_wrong_kind_is_refused(cli):
    shows = cli("mask", "add", "陈老师", "--as", "陈老师（化名）")
    assert shows.exit_code == 1 and "陈老师" in shows.stderr
    wrong = cli("mask", "add", "石桥镇", "--kind", "village")
    assert wrong.exit_code == 1 and "person" in wrong.stderr


def test_candidates_are_proposed_from_the_texts_and_a_dismissed_one_never_again(cli, tmp_path):
    imported(cli, tmp_path)
    found = {r["mention"]: r for r in json.loads(cli("mask", "suggest", "--json").stdout)}
    assert {"王主任", "刘老师", "石桥镇"} <= set(found)
    assert "马上" not in found  # no false friend
    assert "马继强" not in found and "陈建国" not in found  # the interviewees are on the list already
    assert found["石桥镇"]["kind"] == "place" and found["石桥镇"]["sources"] == ["20240118CJG"]
    assert cli("mask", "dismiss", "刘老师").exit_code == 0
    assert cli("mask", "add", "石桥镇", "--kind", "place").exit_code == 0
    again = {r["mention"] for r in json.loads(cli("mask", "suggest", "--json").stdout)}
    assert "刘老师" not in again and "石桥镇" not in again and "王主任" in again


def test_changes_to_the_list_are_audited_without_the_names(cli):
    assert cli("mask", "add", "陈老师").exit_code == 0
    assert cli("mask", "remove", "陈老师").exit_code == 0
    log = cli("audit", "list", "--entity", "mask", "--json")
    assert log.exit_code == 0
    events = json.loads(log.stdout)
    assert [e["action"] for e in events] == ["delete", "create"]
    assert "陈老师" not in log.stdout
    missing = cli("mask", "remove", "陈老师")
    assert missing.exit_code == 1 and "陈老师" in missing.stderr


def test_an_interviewees_surname_forms_never_rewrite_common_words(cli, tmp_path):
    """An interviewee surnamed 区 or 师 must not turn 小区 into 小O or 老师 into 老S."""
    person = OTHER.replace("interviewee: 陈建国", "interviewee: 区志明").replace("20240118CJG", "20240118QZM")
    write(tmp_path / "in" / "interviews" / "20240118QZM.txt", person.replace("CJG：", "QZM：").replace(
        "大家马上就明白了。", "小区的老师也来了，老区书记讲了话。"))  # fmt: skip
    assert cli("import", str(tmp_path / "in")).exit_code == 0
    out = tmp_path / "q.md"
    text = json.loads(cli("sources", "show", "20240118QZM", "--json").stdout)["text"]
    assert cli("code", "add", "--source", "20240118QZM", "--start", "0", "--end", str(len(text.rstrip())), "--code",
               "structure.tiering").exit_code == 0  # fmt: skip
    assert cli("export", "quotes", "-o", str(out)).exit_code == 0
    shown = out.read_text(encoding="utf-8")
    assert "小区的老师也来了，老区书记讲了话" in shown


def test_a_confirmed_entry_is_not_dismissed_in_silence_and_an_interviewee_needs_no_entry(cli, tmp_path):
    imported(cli, tmp_path)
    assert cli("mask", "add", "王主任").exit_code == 0
    refused = cli("mask", "dismiss", "王主任")
    assert refused.exit_code == 1 and "mask remove" in refused.stderr
    twice = cli("mask", "add", "陈建国")
    assert twice.exit_code == 1 and "CJG" in twice.stderr and "陈建国" not in cli("mask", "list").stdout


def test_candidates_contexts_show_the_interviewees_by_their_initials(cli, tmp_path):
    imported(cli, tmp_path)
    write(tmp_path / "in" / "media" / "2024-02-01-report.txt", "---\nkind: media\ndate: 2024-02-01\n"
          "title: 合成报道\nsynthetic: true\n---\n记者了解到，陈建国和赵科长一起去了青山乡。\n")  # fmt: skip
    assert cli("import", str(tmp_path / "in")).exit_code == 0
    found = {r["mention"]: r for r in json.loads(cli("mask", "suggest", "--json").stdout)}
    assert "赵科长" in found  # the candidate itself is shown, to be judged
    contexts = " ".join(c for r in found.values() for c in r["contexts"])
    assert "陈建国" not in contexts and "马继强" not in contexts and "CJG和赵科长" in contexts


def test_an_interviewees_surname_form_is_turned_off_by_dismiss_and_remove_says_so(cli, tmp_path):
    imported(cli, tmp_path)
    removed = cli("mask", "remove", "陈老师")  # derived from 陈建国, never listed
    assert removed.exit_code == 1 and "CJG" in removed.stderr and "mask dismiss" in removed.stderr
    assert "陈建国" not in removed.stderr
    assert cli("mask", "dismiss", "陈老师").exit_code == 0


def test_a_mention_typed_in_decomposed_form_masks_the_text_it_names(cli):
    assert cli("mask", "add", "Jose\u0301 Li", "--as", "JL").exit_code == 0  # José, e + combining accent
    assert [r["mention"] for r in json.loads(cli("mask", "list", "--json").stdout)] == ["Jos\u00e9 Li"]


def test_two_sessions_adding_one_mention_end_in_a_message_not_a_crash(db_url, cli):
    import pytest
    from sqlmodel import Session

    from coder.db.engine import make_engine
    from coder.db.models import MaskEntry
    from coder.errors import QcoderError
    from coder.masking import store

    assert cli("mask", "add", "王主任").exit_code == 0  # the other session's add, committed first
    engine = make_engine(db_url)
    with Session(engine) as session, pytest.raises(QcoderError) as refused:
        store._flushed(session, MaskEntry(mention="王主任", replacement="W主任", kind="person", origin="manual"))
    assert "another session" in str(refused.value) and "另一会话" in str(refused.value)
    engine.dispose()


def test_an_interviewees_forms_of_address_are_masked_but_everyday_words_stay(cli, tmp_path):
    """老康 and 欧阳 point at their interviewees; 小康社会 and 老师 are words (issue 19's held-out set found 老高 kept)."""
    person = OTHER.replace("interviewee: 陈建国", "interviewee: 康立新").replace("20240118CJG", "20240118KLX")
    write(tmp_path / "in" / "interviews" / "20240118KLX.txt", person.replace("CJG：", "KLX：").replace(
        "大家马上就明白了。", "老康说全面小康社会要靠大家，老师们也来了。"))  # fmt: skip
    other = OTHER.replace("interviewee: 陈建国", "interviewee: 欧阳明").replace("20240118CJG", "20240119OYM")
    write(tmp_path / "in" / "interviews" / "20240119OYM.txt", other.replace("CJG：", "OYM：").replace(
        "大家马上就明白了。", "大家都叫他欧阳。"))  # fmt: skip
    assert cli("import", str(tmp_path / "in")).exit_code == 0
    out = tmp_path / "q.md"
    for source in ("20240118KLX", "20240119OYM"):
        text = json.loads(cli("sources", "show", source, "--json").stdout)["text"]
        assert cli("code", "add", "--source", source, "--start", "0", "--end", str(len(text.rstrip())), "--code",
                   "structure.tiering").exit_code == 0  # fmt: skip
    assert cli("export", "quotes", "-o", str(out)).exit_code == 0
    shown = out.read_text(encoding="utf-8")
    assert "老K说全面小康社会要靠大家，老师们也来了" in shown
    assert "大家都叫他OY。" in shown
