"""A re-tag says what it did, per source, where a person will look, and leaves the sources open in a
browser alone (coder.retag_report, coder.open_marks); automatic retraining can be switched off."""

import datetime as dt
import json
import time

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlmodel import Session, select

from coder import background, learned, open_marks, training
from coder.db import migrate
from coder.db.engine import make_engine
from coder.db.models import AuditEvent, OpenMark, utcnow
from coder.errors import QcoderError
from coder.history import events
from coder.project import Project
from coder.retag_report import describe
from tests.helpers import write
from tests.test_learning import NOTICES, PUBLISHED, interview

TAUGHT, LOSING, OPEN = "20240129WJG", "20240130WJG", "20240131WJG"
BROWSER = "browser-session-1"


def pending(cli, source: str) -> list[dict]:
    return json.loads(cli("code", "list", "--source", source, "--status", "suggested", "--json").stdout)


def retag_events(url: str) -> list[AuditEvent]:
    with Session(make_engine(url)) as session:
        return session.exec(select(AuditEvent).where(AuditEvent.action == "retag").order_by(AuditEvent.id)).all()


@pytest.fixture
def three(cli, tmp_path):
    """Three interviews whose every answer holds 公示, tagged: four suggestions of PUBLISHED in each."""
    for record_id in (TAUGHT, LOSING, OPEN):
        write(tmp_path / "corpus" / f"{record_id}.txt", interview(record_id, NOTICES))
    assert cli("import", str(tmp_path / "corpus")).exit_code == 0
    assert cli("tag").exit_code == 0
    assert all(len(pending(cli, s)) == 4 for s in (TAUGHT, LOSING, OPEN))
    return cli


def reject_the_notices(cli) -> None:
    """Four rejections of 公示 in one source: its weight drops below the tagger's threshold everywhere."""
    result = cli("review", "reject", "--source", TAUGHT, "--code", PUBLISHED, "--coder", "研究者A")
    assert result.exit_code == 0, result.output


def test_a_retag_reports_per_source_what_it_added_rescored_and_withdrew(three):
    reject_the_notices(three)
    result = json.loads(three("tag", "--json").stdout)
    assert result["by_source"] == {
        LOSING: {"added": 0, "rescored": 0, "withdrawn": 4},
        OPEN: {"added": 0, "rescored": 0, "withdrawn": 4},
    }
    assert (result["removed"], result["deferred"]) == (8, [])
    event = retag_events(three.url)[-1]  # the first tagging has its own
    assert event.id == result["event"] and event.entity == "suggestions" and event.entity_id == "keywords"
    assert event.after["withdrawn"] == 8 and event.after["by_source"][LOSING]["withdrawn"] == 4
    report = Project.open(three.url).retag_reports()[0]
    assert (report["id"], report["added"], report["rescored"], report["withdrawn"]) == (event.id, 0, 0, 8)
    assert report["by_source"] == result["by_source"] and report["deferred"] == []
    assert Project.open(three.url).retag_reports(since_event=event.id) == []


def test_the_first_tagging_is_reported_too_and_a_run_with_nothing_to_do_stores_nothing(three):
    [first] = Project.open(three.url).retag_reports()
    assert first["added"] == 12 and set(first["by_source"]) == {TAUGHT, LOSING, OPEN}
    again = json.loads(three("tag", "--json").stdout)
    assert again["pairs"] == 0 and again["event"] is None
    assert len(retag_events(three.url)) == 1  # a no-op stays a no-op: no event, no new data version


def test_an_open_source_is_left_untouched_and_done_by_the_next_retag(three):
    project = Project.open(three.url)
    project.mark_open(OPEN, BROWSER)
    before = pending(three, OPEN)
    reject_the_notices(three)
    result = json.loads(three("tag", "--json").stdout)
    assert result["deferred"] == [OPEN] and set(result["by_source"]) == {LOSING}
    assert pending(three, OPEN) == before  # same rows, ids, scores and terms
    assert pending(three, LOSING) == []
    report = project.retag_reports()[0]
    assert report["deferred"] == [OPEN]
    zh, en = describe(report, OPEN)
    assert f"当前打开的 {OPEN} 未改动，留待下次" in zh and f"{OPEN}, open here, was left unchanged" in en
    still = json.loads(three("tag", "--json").stdout)
    assert still["deferred"] == [OPEN] and pending(three, OPEN) == before  # open still: still left

    project.mark_closed(BROWSER)
    done = json.loads(three("tag", "--json").stdout)
    assert done["deferred"] == [] and done["by_source"] == {OPEN: {"added": 0, "rescored": 0, "withdrawn": 4}}
    assert pending(three, OPEN) == []
    assert json.loads(three("tag", "--json").stdout)["pairs"] == 0  # and tagging is a no-op again


def test_a_mark_older_than_open_for_no_longer_holds_its_source(three):
    with Session(make_engine(three.url)) as session:
        open_marks.mark_open(session, OPEN, BROWSER, utcnow() - open_marks.OPEN_FOR - dt.timedelta(seconds=1))
        session.commit()
    assert Project.open(three.url).open_sources() == set()
    reject_the_notices(three)
    assert json.loads(three("tag", "--json").stdout)["deferred"] == []
    assert pending(three, OPEN) == []


def test_marks_are_one_row_per_browser_session_and_stale_ones_are_pruned(three):
    project = Project.open(three.url)
    with Session(project.engine) as session:
        open_marks.mark_open(session, LOSING, "old-tab", utcnow() - dt.timedelta(hours=2))
        session.commit()
    for source in (TAUGHT, LOSING, OPEN, OPEN):
        project.mark_open(source, BROWSER)
    with Session(project.engine) as session:
        rows = session.exec(select(OpenMark)).all()
    assert [row.source_id for row in rows] == [OPEN]  # upserted; the two-hour-old mark is gone
    assert BROWSER not in rows[0].session  # a hash of the key is kept, not the key
    assert project.open_sources() == {OPEN}
    with pytest.raises(QcoderError, match="no source with ID 20990101XX"):
        project.mark_open("20990101XX", BROWSER)


def test_marking_a_source_open_leaves_the_data_version_alone(three):
    project = Project.open(three.url)
    version = project.data_version()
    project.mark_open(OPEN, BROWSER)
    project.mark_open(LOSING, BROWSER)
    assert project.data_version() == version  # the app's caches survive every render


def test_forced_retag_skips_open_sources_and_the_next_run_does_them(three):
    project = Project.open(three.url)
    project.mark_open(OPEN, BROWSER)
    before = pending(three, OPEN)
    forced = json.loads(three("tag", "--force", "--json").stdout)
    assert forced["deferred"] == [OPEN] and OPEN not in forced["by_source"]
    assert pending(three, OPEN) == before
    project.mark_closed(BROWSER)
    after = json.loads(three("tag", "--json").stdout)  # not forced: the open source's forced run is owed
    assert after["sources"] == 1 and after["by_source"] == {OPEN: {"added": 0, "rescored": 4, "withdrawn": 0}}


def test_include_open_re_tags_open_sources_and_names_them(three):
    Project.open(three.url).mark_open(OPEN, BROWSER)
    reject_the_notices(three)
    result = three("tag", "--include-open")
    assert result.exit_code == 0, result.output
    assert pending(three, OPEN) == []
    assert f"{OPEN} was re-tagged although open in a browser" in result.stderr
    assert retag_events(three.url)[-1].after["changed_open"] == [OPEN]


def test_the_cli_says_which_sources_it_left_for_next_time(three):
    Project.open(three.url).mark_open(OPEN, BROWSER)
    reject_the_notices(three)
    result = three("tag")
    assert result.exit_code == 0, result.output
    assert f"浏览器中打开的 {OPEN} 未改动" in result.stderr and f"{OPEN}, open in a browser, was left" in result.stderr


def test_the_report_event_reads_as_words_in_the_log_and_cannot_be_undone(three):
    reject_the_notices(three)
    assert three("tag").exit_code == 0
    with Session(make_engine(three.url)) as session:
        [event] = [e for e in events(session, entity="suggestions") if e["action"] == "retag"][:1]
    assert event["words"]["zh"].startswith("重新标注完成：新增 0 条建议，重新评分 0 条，撤回 8 条（")
    assert f"{LOSING} 撤回 4" in event["words"]["zh"] and f"4 in {OPEN}" in event["words"]["en"]
    assert event["summary"] == f"+0 ~0 −8 · {LOSING} −4, {OPEN} −4"
    assert not event["undoable"] and "re-tag cannot be undone" in event["why_not"]["en"]
    assert three("user", "add", "负责人", "--role", "owner", "--password-stdin", input="长长的口令123\n").exit_code == 0
    undo = three("audit", "undo", str(event["id"]), "--coder", "负责人")
    assert undo.exit_code == 1 and "re-tag cannot be undone" in undo.output


def test_the_sentence_names_the_sources_that_lost_most_and_what_was_left():
    report = {
        "added": 12, "rescored": 30, "withdrawn": 5, "model": "keywords",
        "by_source": {"20240110ZLM": {"added": 0, "rescored": 1, "withdrawn": 2},
                      "20240115MJQ": {"added": 12, "rescored": 0, "withdrawn": 3}},
        "deferred": ["20240301BCH"],
    }  # fmt: skip
    zh, en = describe(report, "20240301BCH")
    assert zh == (
        "重新标注完成：新增 12 条建议，重新评分 30 条，撤回 5 条（20240115MJQ 撤回 3、20240110ZLM 撤回 2）；"
        "当前打开的 20240301BCH 未改动，留待下次"
    )
    assert en == (
        "Re-tagging done: 12 suggestions added, 30 re-scored, 5 withdrawn (3 in 20240115MJQ, 2 in 20240110ZLM); "
        "20240301BCH, open here, was left unchanged for next time"
    )
    many = {f"2024010{i}AB": {"withdrawn": 1} for i in range(1, 8)}
    zh, en = describe({"withdrawn": 7, "by_source": many, "model": "suggester-0003"}, None)
    assert zh.startswith("重新标注完成（模型 suggester-0003）：") and "等 7 个来源）" in zh
    assert "and 2 more sources)" in en
    assert describe({"deferred": ["20240301BCH"]}, None)[1] == (
        "Re-tagging done: no suggestion changed; 20240301BCH, open in a browser, was left unchanged for next time"
    )


def test_auto_retrain_off_stops_background_retraining(sqlite_cli, monkeypatch):
    project = Project.open(sqlite_cli.url)
    monkeypatch.setattr(training, "RETRAIN_AFTER", 0)
    assert training.retrain_due(project.engine) and project.suggester()["auto_retrain"] is True
    project.set_auto_retrain(False, "研究者A")
    assert project.suggester()["auto_retrain"] is False
    assert not project.retrain_in_background()
    assert not background.training(project.engine)
    with Session(project.engine) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.entity_id == training.AUTO_SETTING)).one()
    assert (event.before, event.after) == ({"value": "on"}, {"value": "off"})
    assert project.retrain_in_background(only_if_due=False)  # someone asked for it: it trains
    deadline = time.monotonic() + 120
    while background.training(project.engine) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "nothing to learn from" in project.suggester()["failure"]["en"]  # it ran (with nothing to learn)


def test_the_cli_switches_automatic_retraining(sqlite_cli):
    assert sqlite_cli("suggester").stdout.strip() == "keywords (model —) auto-retrain on"
    off = sqlite_cli("suggester", "--auto", "off", "--coder", "研究者A")
    assert off.exit_code == 0 and off.stdout.strip().endswith("auto-retrain off")
    assert Project.open(sqlite_cli.url).suggester()["auto_retrain"] is False
    assert sqlite_cli("suggester", "combined", "--auto", "on").stdout.strip().endswith("auto-retrain on")
    assert Project.open(sqlite_cli.url).suggester() | {"model": None} == {
        "mode": "combined", "threshold": learned.COMBINED_MIN, "model": None, "failure": None,
        "auto_retrain": True,
    }  # fmt: skip
    bad = sqlite_cli("suggester", "--auto", "maybe")
    assert bad.exit_code == 1 and "use on or off" in bad.stderr


def test_migration_0007_adds_the_open_marks_table_and_goes_back(db_url):
    engine = make_engine(db_url)
    command.upgrade(migrate.alembic_config(engine), "0006")
    assert "openmark" not in inspect(engine).get_table_names()
    migrate.upgrade(engine)
    assert migrate.is_current(engine) and "openmark" in inspect(engine).get_table_names()
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO source (id, kind, text, sha256, filename, meta, imported_at) "
                                "VALUES ('20240115MJQ', 'interview', '正文。', 'x', 'x.txt', '{}', :t)"),
                           {"t": "2024-01-15T00:00:00+00:00"})  # fmt: skip
        connection.execute(text("INSERT INTO openmark (session, source_id, seen_at) VALUES ('k', '20240115MJQ', :t)"),
                           {"t": "2024-01-15T00:00:00+00:00"})  # fmt: skip
        connection.execute(text("DELETE FROM source"))
        assert connection.execute(text("SELECT count(*) FROM openmark")).scalar_one() == 0  # goes with its source
    command.downgrade(migrate.alembic_config(engine), "0006")
    assert "openmark" not in inspect(engine).get_table_names()
