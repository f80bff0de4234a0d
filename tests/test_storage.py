"""Storage: the same schema, migrations and writes on SQLite and PostgreSQL."""

import json

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect, text
from sqlmodel import Session, SQLModel, select

from coder.db.engine import make_engine
from coder.db.models import AuditEvent, Coding, Memo
from coder.errors import QcoderError
from tests.helpers import INTERVIEW, write


def imported(cli, tmp_path):
    assert cli("import", str(write(tmp_path / "interviews" / "20240115MJQ.txt", INTERVIEW))).exit_code == 0
    return json.loads(cli("sources", "show", "20240115MJQ", "--json").stdout)["text"]


def count(url, model):
    with Session(make_engine(url)) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def test_migrations_build_exactly_the_models(cli):
    engine = make_engine(cli.url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert differences == []


def test_init_twice_is_harmless(cli):
    again = cli("init")
    assert again.exit_code == 0, again.output
    assert json.loads(cli("codes", "list", "--json").stdout)["version"].startswith("1-")


def test_queries_have_their_indexes(cli):
    indexes = {ix["name"]: ix["column_names"] for ix in inspect(make_engine(cli.url)).get_indexes("coding")}
    assert indexes["ix_coding_source"] == ["source_id", "start"]
    assert indexes["ix_coding_code_status"] == ["code_id", "status"]
    assert indexes["ix_coding_status"] == ["status"]


def test_sqlite_runs_in_wal_mode_with_foreign_keys(sqlite_cli):
    with make_engine(sqlite_cli.url).connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_an_import_is_audited_without_the_interviewees_name(cli, tmp_path):
    imported(cli, tmp_path)
    with Session(make_engine(cli.url)) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.entity == "source")).one()
    assert (event.action, event.entity_id, event.after["kind"]) == ("import", "20240115MJQ", "interview")
    assert "马继强" not in json.dumps(event.after, ensure_ascii=False)


def test_code_add_writes_the_coding_and_its_audit_event_together(cli, tmp_path):
    source_text = imported(cli, tmp_path)
    start = source_text.index("现在排名都公示出来了！")
    result = cli("code", "add", "--source", "20240115MJQ", "--start", str(start), "--end", str(start + 11),
                 "--code", "action.public_results", "--coder", "研究者A", "--memo", "公开排名", "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    coding = json.loads(result.stdout)
    assert coding["quote"] == "现在排名都公示出来了！"
    assert (coding["status"], coding["origin"], coding["coder"]) == ("manual", "manual", "研究者A")
    with Session(make_engine(cli.url)) as session:
        events = session.exec(
            select(AuditEvent).where(AuditEvent.entity.in_(["coding", "memo"])).order_by(AuditEvent.id)
        ).all()
        assert [(e.action, e.entity) for e in events] == [("create", "coding"), ("create", "memo")]
        assert events[0].after["code_id"] == "action.public_results"
        assert session.exec(select(Memo)).one().text == "公开排名"


def test_a_refused_coding_leaves_no_rows_and_no_audit(cli, tmp_path):
    imported(cli, tmp_path)
    codings, events = count(cli.url, Coding), count(cli.url, AuditEvent)
    cases = [
        (["--start", "5", "--end", "999"], "span [5, 999) is invalid"),
        (["--start", "5", "--end", "5"], "span [5, 5) is invalid"),
        (["--start", "-1", "--end", "3"], "span [-1, 3) is invalid"),
        (["--start", "0", "--end", "3", "--code", "action.nope"], "code action.nope is not in the codebook"),
        (["--start", "0", "--end", "3", "--source", "20990101XX"], "no source with ID 20990101XX"),
    ]
    for extra, message in cases:
        args = {"--source": "20240115MJQ", "--code": "action.proactive"}
        args.update(dict(zip(extra[::2], extra[1::2], strict=True)))
        result = cli("code", "add", *[x for pair in args.items() for x in pair])
        assert result.exit_code == 1 and message in result.stderr, (extra, result.stderr)
    assert (count(cli.url, Coding), count(cli.url, AuditEvent)) == (codings, events)


def test_the_same_coding_twice_by_one_coder_is_refused(cli, tmp_path):
    imported(cli, tmp_path)
    args = ["code", "add", "--source", "20240115MJQ", "--start", "0", "--end", "5", "--code", "action.proactive"]
    assert cli(*args, "--coder", "甲").exit_code == 0
    again = cli(*args, "--coder", "甲")
    assert again.exit_code == 1 and "already coded action.proactive by 甲" in again.stderr
    assert cli(*args, "--coder", "乙").exit_code == 0  # a second coder may code the same span
    assert count(cli.url, Coding) == 2


def test_code_list_filters_by_source_code_and_status(cli, tmp_path):
    imported(cli, tmp_path)
    for start, code in [(0, "action.proactive"), (5, "structure.tiering"), (9, "action.proactive")]:
        add = ["code", "add", "--source", "20240115MJQ", "--start", str(start), "--end", str(start + 3)]
        assert cli(*add, "--code", code).exit_code == 0
    by_code = json.loads(cli("code", "list", "--code", "action.proactive", "--json").stdout)
    assert [c["start"] for c in by_code] == [0, 9]
    assert len(json.loads(cli("code", "list", "--status", "manual", "--json").stdout)) == 3
    assert json.loads(cli("code", "list", "--status", "suggested", "--json").stdout) == []
    unknown = cli("code", "list", "--source", "20990101XX", "--json")  # a typo, not a source with no codings
    assert unknown.exit_code == 1 and "no source with ID 20990101XX" in unknown.stderr and unknown.stdout == ""
    bad = cli("code", "list", "--status", "done")
    assert bad.exit_code == 1 and "status 'done'" in bad.stderr


def test_a_dimension_or_a_blank_coder_cannot_code(cli, tmp_path):
    imported(cli, tmp_path)
    span = ["code", "add", "--source", "20240115MJQ", "--start", "0", "--end", "3"]
    dimension = cli(*span, "--code", "structure")
    assert dimension.exit_code == 1 and "is a dimension" in dimension.stderr
    blank = cli(*span, "--code", "structure.tiering", "--coder", "  ")
    assert blank.exit_code == 1 and "must not be empty" in blank.stderr
    assert count(cli.url, Coding) == 0


def test_an_unusable_database_url_is_a_message_not_a_traceback(tmp_path):
    from tests.helpers import Cli

    (tmp_path / "notes.txt").write_text("not a database", encoding="utf-8")
    for url in ["nonsense", f"sqlite:///{tmp_path / 'notes.txt'}", "mysql://user@127.0.0.1/x"]:
        result = Cli(url, tmp_path)("init")
        assert result.exit_code == 1, url
        assert "cannot use database" in result.stderr, url


def test_init_refuses_a_named_codebook_that_does_not_exist(sqlite_url, tmp_path):
    from tests.helpers import Cli

    result = Cli(sqlite_url, tmp_path)("init", "--codebook", "nope.yaml")
    assert result.exit_code == 1 and "nope.yaml does not exist" in result.stderr


def test_adjusting_and_deleting_a_coding_are_audited_and_version_checked(cli, tmp_path):
    from coder.project import Project

    imported(cli, tmp_path)
    project = Project.open(cli.url)
    coding_id = project.add_coding("20240115MJQ", 0, 5, "action.proactive", "甲", memo="备忘")
    project.adjust_coding(coding_id, 2, 6, "甲", version=1)
    try:
        project.adjust_coding(coding_id, 3, 7, "乙", version=1)
        raise AssertionError("a stale version must be refused")
    except QcoderError as exc:
        assert "changed by someone else" in exc.en
    project.delete_coding(coding_id, "甲", version=2)
    assert count(cli.url, Coding) == 0 and count(cli.url, Memo) == 0
    with Session(make_engine(cli.url)) as session:
        events = session.exec(select(AuditEvent).order_by(AuditEvent.id)).all()
        actions = [(e.action, e.entity) for e in events if e.entity != "source"]
    assert actions[-3:] == [("update", "coding"), ("delete", "memo"), ("delete", "coding")]


def test_the_written_head_is_alembics_newest_migration(db_url):
    """migrate.HEAD spares every command Alembic's import; a new migration must raise it."""
    from alembic.script import ScriptDirectory

    from coder.db import migrate

    engine = make_engine(db_url)
    assert ScriptDirectory.from_config(migrate.alembic_config(engine)).get_current_head() == migrate.HEAD


def test_a_database_behind_the_head_is_not_current(db_url):
    from alembic import command

    from coder.db import migrate

    engine = make_engine(db_url)
    assert not migrate.is_current(engine)  # no alembic_version table yet
    command.upgrade(migrate.alembic_config(engine), "0008")
    assert not migrate.is_current(engine)
    migrate.upgrade(engine)
    assert migrate.is_current(engine)


def test_upgrading_a_project_with_codings_keeps_them_and_its_foreign_keys(db_url, tmp_path):
    """Migration 0004 rebuilds the coder table on SQLite; codings refer to it and must survive."""
    from alembic import command

    from coder.db import migrate

    engine = make_engine(db_url)
    command.upgrade(migrate.alembic_config(engine), "0003")
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO coder (id, name, role, created_at) VALUES (7, '研究者A', 'coder', :t)"),
                           {"t": "2024-01-15T00:00:00+00:00"})  # fmt: skip
        connection.execute(text("INSERT INTO source (id, kind, text, sha256, filename, meta, imported_at) "
                                "VALUES ('20240115MJQ', 'interview', '正文。', 'x', 'x.txt', '{}', :t)"),
                           {"t": "2024-01-15T00:00:00+00:00"})  # fmt: skip
        connection.execute(text("INSERT INTO code (id, name, dimension, keywords, exclude, color, position) "
                                "VALUES ('scenario', '场景', 'scenario', '[]', '[]', '#DDDDDD', 0)"))  # fmt: skip
        connection.execute(text("INSERT INTO coding (source_id, code_id, start, \"end\", status, origin, coder_id, "
                                "terms, version, created_at, updated_at) VALUES ('20240115MJQ', 'scenario', 0, 2, "
                                "'manual', 'manual', 7, '[]', 1, :t, :t)"), {"t": "2024-01-15T00:00:00+00:00"})  # fmt: skip
    migrate.upgrade(engine)
    assert migrate.is_current(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT name, active FROM coder")).all() == [("研究者A", True)]
        assert connection.execute(text("SELECT coder_id FROM coding")).scalar_one() == 7
        if engine.dialect.name == "sqlite":
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1


def test_upgrading_removes_the_word_none_the_old_metadata_form_saved(db_url):
    """Migration 0011: the Sources page once saved an empty field back as "None"; no citation may print it."""
    from alembic import command

    from coder.db import migrate

    engine = make_engine(db_url)
    command.upgrade(migrate.alembic_config(engine), "0010")
    with engine.begin() as connection:
        for source_id, title, meta in (
            ("20240301-M01", "None", {"outlet": "None", "author": "记者甲", "url": None}),
            ("20240302-M02", "县里的报道", {"outlet": "云江日报"}),
        ):
            connection.execute(text("INSERT INTO source (id, kind, title, text, sha256, filename, meta, imported_at) "
                                    "VALUES (:id, 'media', :title, '正文。', :id, 'x.txt', :meta, :t)"),
                               {"id": source_id, "title": title, "meta": json.dumps(meta, ensure_ascii=False),
                                "t": "2024-03-01T00:00:00+00:00"})  # fmt: skip
    migrate.upgrade(engine)
    with engine.connect() as connection:
        rows = dict(connection.execute(text("SELECT id, title FROM source ORDER BY id")).all())
        metas = [json.loads(m) if isinstance(m, str) else m for m in
                 connection.execute(text("SELECT meta FROM source ORDER BY id")).scalars()]  # fmt: skip
    assert rows == {"20240301-M01": "None", "20240302-M02": "县里的报道"}  # a title the form never wrote
    assert metas == [{"author": "记者甲", "url": None}, {"outlet": "云江日报"}]
    engine.dispose()
