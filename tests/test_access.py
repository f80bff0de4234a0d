"""Team mode: logins with hashed passwords, roles, and blind agreement rounds."""

import pytest

from coder.errors import QcoderError
from coder.project import Project
from tests.helpers import INTERVIEW, write

PASSWORD = "correct horse battery"


def add_user(cli, name, role="coder"):
    result = cli("user", "add", name, "--role", role, "--password-stdin", input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output


@pytest.fixture
def team(cli, tmp_path):
    """A project with an owner, two coders and a viewer, in team mode, with one interview imported."""
    assert cli("import", str(write(tmp_path / "interviews" / "20240115MJQ.txt", INTERVIEW))).exit_code == 0
    add_user(cli, "负责人", "owner")
    for name in ("编码员甲", "编码员乙"):
        add_user(cli, name)
    add_user(cli, "旁观者", "viewer")
    assert cli("team", "on").exit_code == 0
    return Project.open(cli.url)


def test_a_local_project_needs_no_login_and_its_user_is_the_owner(cli):
    project = Project.open(cli.url)
    assert not project.team_mode() or project.engine.dialect.name != "sqlite"
    if project.engine.dialect.name == "sqlite":
        assert project.for_user("随便谁").role() == "owner"


def test_team_mode_needs_an_owner_with_a_password_first(sqlite_cli):
    refused = sqlite_cli("team", "on")
    assert refused.exit_code == 1 and "qcoder user add NAME --role owner" in refused.output


def test_passwords_are_stored_hashed_and_a_failed_login_never_says_which_part_was_wrong(team):
    from sqlmodel import Session, select

    from coder.db.models import Coder

    with Session(team.engine) as session:
        stored = session.exec(select(Coder.password_hash).where(Coder.name == "编码员甲")).one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert team.log_in("编码员甲", PASSWORD).user == "编码员甲"
    for name, password in (("编码员甲", "wrong password"), ("没有这个人", PASSWORD)):
        with pytest.raises(QcoderError) as refused:
            team.log_in(name, password)
        assert refused.value.en == "wrong name or password"


def test_a_disabled_person_cannot_log_in_and_the_last_owner_stays(cli, team):
    assert cli("user", "set", "编码员乙", "--disable").exit_code == 0
    with pytest.raises(QcoderError, match="用户名或密码不正确"):
        team.log_in("编码员乙", PASSWORD)
    refused = cli("user", "set", "负责人", "--role", "coder")
    assert refused.exit_code == 1 and "at least one active owner" in refused.output


def test_roles_decide_who_may_manage(team):
    owner, coder, viewer = (team.log_in(n, PASSWORD) for n in ("负责人", "编码员甲", "旁观者"))
    assert (owner.role(), coder.role(), viewer.role()) == ("owner", "coder", "viewer")
    with pytest.raises(QcoderError, match="may not manage people and rounds"):
        coder.open_round("第一轮", ["20240115MJQ"])
    with pytest.raises(QcoderError, match="may not see real names"):
        coder.source("20240115MJQ", with_names=True)
    assert "name" in owner.source("20240115MJQ", with_names=True)["participant"]
    coder.change_user("编码员甲", password="another good one")  # one's own password, yes
    with pytest.raises(QcoderError, match="may not manage"):
        coder.change_user("编码员乙", password="another good one")


def test_in_an_open_round_each_coder_sees_only_their_own_codings_there(team):
    owner, first, second = (team.log_in(n, PASSWORD) for n in ("负责人", "编码员甲", "编码员乙"))
    round_id = owner.open_round("第一轮", ["20240115MJQ"])
    text = team.source("20240115MJQ")["text"]
    start = text.index("走过场")
    first.add_coding("20240115MJQ", start, start + 3, "scenario.backstage", "编码员甲")
    second.add_coding("20240115MJQ", start, start + 3, "structure.rigid", "编码员乙")
    assert {c["coder"] for c in first.codings("20240115MJQ")} == {"编码员甲"}
    assert {c["coder"] for c in second.codings("20240115MJQ")} == {"编码员乙"}
    assert {c["code"] for c in first.triangulate()["codes"] if c["status"] != "no-evidence"} == {
        "scenario", "scenario.backstage"
    }  # fmt: skip
    assert {c["coder"] for c in team.codings("20240115MJQ")} == {"编码员甲", "编码员乙"}  # the command line
    owner.close_round(round_id)
    assert {c["coder"] for c in first.codings("20240115MJQ")} == {"编码员甲", "编码员乙"}
    assert owner.rounds()[0]["open"] is False


def test_a_source_is_in_one_open_round_at_a_time(team):
    owner = team.log_in("负责人", PASSWORD)
    owner.open_round("第一轮", ["20240115MJQ"])
    with pytest.raises(QcoderError, match="in an open round already"):
        owner.open_round("第二轮", ["20240115MJQ"])


def test_a_viewer_may_read_but_not_write_and_writes_are_the_logged_in_persons(team):
    viewer, coder = team.log_in("旁观者", PASSWORD), team.log_in("编码员甲", PASSWORD)
    text = team.source("20240115MJQ")["text"]
    start = text.index("走过场")
    assert viewer.codings("20240115MJQ") == []
    with pytest.raises(QcoderError, match="may not code or change data"):
        viewer.add_coding("20240115MJQ", start, start + 3, "scenario.backstage", "旁观者")
    with pytest.raises(QcoderError, match="may not code or change data"):
        viewer.add_claim("论断", ["scenario.backstage"], [], "旁观者")
    coding = coder.add_coding("20240115MJQ", start, start + 3, "scenario.backstage", "别人的名字")
    assert {c["coder"] for c in coder.codings("20240115MJQ") if c["id"] == coding} == {"编码员甲"}
    with pytest.raises(QcoderError, match="may not change the codebook"):
        coder.set_fieldwork(None, None, "编码员甲")


def test_system_names_cannot_become_logins(cli, team):
    for name in ("tagger", "consensus"):
        refused = cli("user", "add", name, "--password-stdin", input=PASSWORD + "\n")
        assert refused.exit_code == 1 and "reserved for the system" in refused.output


def test_changes_to_people_and_uploads_are_credited_to_who_made_them(team, tmp_path):
    from sqlmodel import Session, select

    from coder.db.models import AuditEvent, Coder

    owner = team.log_in("负责人", PASSWORD)
    owner.add_user("编码员丙", "coder", PASSWORD)
    coder = team.log_in("编码员甲", PASSWORD)
    coder.import_upload(tmp_path / "corpus", "20240116WJ.txt", "受访者：以前考核就是走过场。".encode(), "interview")
    with Session(team.engine) as session:
        made = dict(
            session.exec(
                select(AuditEvent.entity_id, Coder.name)
                .join(Coder, Coder.id == AuditEvent.coder_id)
                .where(AuditEvent.entity_id.in_(["编码员丙", "20240116WJ"]))
            ).all()
        )
    assert made == {"编码员丙": "负责人", "20240116WJ": "编码员甲"}


def test_a_disabled_persons_session_ends_and_they_cannot_change_their_password(cli, team):
    coder = team.log_in("编码员甲", PASSWORD)
    stamp = coder.session_stamp()
    assert stamp is not None
    coder.change_user("编码员甲", password="a new good password")
    assert coder.session_stamp() != stamp  # other browsers holding the old stamp are logged out
    assert cli("user", "set", "编码员甲", "--disable").exit_code == 0
    assert coder.session_stamp() is None
    with pytest.raises(QcoderError, match="not an active user"):
        coder.change_user("编码员甲", password="yet another password")


def test_the_unknown_name_check_hashes_as_a_real_password_check_does():
    """The dummy hash is written out, not made at import: it must carry the hasher's own settings, or an
    unknown name would be answered faster (or slower) than a wrong password."""
    from argon2.exceptions import VerifyMismatchError

    from coder import access

    assert not access._HASHER.check_needs_rehash(access._DUMMY)
    with pytest.raises(VerifyMismatchError):
        access._HASHER.verify(access._DUMMY, "a guess")
