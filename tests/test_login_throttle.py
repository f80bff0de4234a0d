"""Login throttling: failed logins lock a name and an address, the lock says how long, an owner lifts it."""

import datetime as dt
import hashlib
import json
import re
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from argon2 import PasswordHasher
from sqlmodel import Session, select

from coder import access
from coder.db.models import AuditEvent, LoginThrottle
from coder.errors import QcoderError
from coder.project import Project
from coder.throttle import FORGET_AFTER, FREE_FAILURES, MAX_LOCK, LoginLocked, lock_for

PASSWORD = "correct horse battery"
WRONG = "Wr0ng-guess-pw"
# Near the real clock: the CLI commands under test read the time themselves, and forget counts a day old.
T0 = dt.datetime.now(dt.UTC).replace(microsecond=0)
CLIENT = "203.0.113.7"


@pytest.fixture
def team(cli):
    """A team project with an owner and two coders."""
    for name, role in (("负责人", "owner"), ("编码员甲", "coder"), ("编码员乙", "coder")):
        added = cli("user", "add", name, "--role", role, "--password-stdin", input=PASSWORD + "\n")
        assert added.exit_code == 0, added.output
    assert cli("team", "on").exit_code == 0
    return Project.open(cli.url)


def fail(project, name, times, now=T0, client=None):
    for _ in range(times):
        with pytest.raises(QcoderError) as refused:
            project.log_in(name, WRONG, client=client, now=now)
        assert not isinstance(refused.value, LoginLocked)


def login_events(project):
    with Session(project.engine) as session:
        return session.exec(select(AuditEvent).where(AuditEvent.entity == "login").order_by(AuditEvent.id)).all()


def test_five_failures_lock_the_name_even_for_the_right_password_and_say_how_long(team):
    fail(team, "编码员甲", FREE_FAILURES - 1)
    with pytest.raises(QcoderError) as fifth:
        team.log_in("编码员甲", WRONG, now=T0)
    assert fifth.value.en == "wrong name or password"  # the 5th is still an answer; it starts the lock
    with pytest.raises(LoginLocked) as right:
        team.log_in("编码员甲", PASSWORD, now=T0 + dt.timedelta(milliseconds=500))
    with pytest.raises(LoginLocked) as wrong:
        team.log_in("编码员甲", WRONG, now=T0 + dt.timedelta(milliseconds=500))
    assert str(right.value) == str(wrong.value)  # no oracle: a lock hides whether the password was right
    assert "try again in 1 s" in right.value.en and "1 秒后再试" in right.value.zh
    assert "qcoder user unlock" in right.value.en
    assert team.log_in("编码员乙", PASSWORD, now=T0).user == "编码员乙"  # another name is not locked


def test_a_name_nobody_has_is_locked_the_same_way(team):
    fail(team, "没有这个人", FREE_FAILURES)
    with pytest.raises(LoginLocked) as unknown:
        team.log_in("没有这个人", PASSWORD, now=T0)
    fail(team, "编码员甲", FREE_FAILURES)
    with pytest.raises(LoginLocked) as known:
        team.log_in("编码员甲", PASSWORD, now=T0)
    assert str(unknown.value) == str(known.value)


def test_each_failure_past_the_free_ones_doubles_the_lock_up_to_the_cap(team):
    fail(team, "编码员甲", FREE_FAILURES)
    now = T0
    for expected in (1, 2, 4, 8):
        with pytest.raises(LoginLocked) as locked:
            team.log_in("编码员甲", PASSWORD, now=now)
        assert locked.value.wait == dt.timedelta(seconds=expected)
        now += dt.timedelta(seconds=expected)  # the lock has just run out: the next guess is answered again
        fail(team, "编码员甲", 1, now=now)
    assert lock_for(FREE_FAILURES - 1) is None and lock_for(FREE_FAILURES) == dt.timedelta(seconds=1)
    assert lock_for(FREE_FAILURES + 100) == MAX_LOCK


def test_the_right_password_after_the_lock_runs_out_logs_in_and_resets_the_count(team):
    fail(team, "编码员甲", FREE_FAILURES)
    later = T0 + dt.timedelta(seconds=1)
    assert team.log_in("编码员甲", PASSWORD, now=later).user == "编码员甲"
    assert team.login_locks(now=later) == []
    fail(team, "编码员甲", FREE_FAILURES - 1, now=later)  # four free failures again, none locks
    assert team.log_in("编码员甲", PASSWORD, now=later).user == "编码员甲"


def test_failures_from_one_address_lock_it_across_names_but_not_other_addresses(team):
    for name in ("甲", "乙", "丙", "丁", "戊"):  # one guess each: no name reaches its own limit
        fail(team, name, 1, client=CLIENT)
    with pytest.raises(LoginLocked):
        team.log_in("编码员甲", PASSWORD, client=CLIENT, now=T0)
    assert team.log_in("编码员甲", PASSWORD, client="198.51.100.2", now=T0).user == "编码员甲"
    assert {(lock["kind"], lock["who"]) for lock in team.login_locks(now=T0) if lock["locked_until"]} == {
        ("client", CLIENT)
    }


@pytest.fixture
def hashed(monkeypatch):
    """One entry per password Argon2 checks from now on (list.append is atomic across threads)."""
    checks = []

    class CountingHasher(PasswordHasher):
        def verify(self, hash, password):  # argon2 names its parameter hash
            checks.append(password)
            return super().verify(hash, password)

    monkeypatch.setattr(access, "_HASHER", CountingHasher())
    return checks


def test_a_lock_refuses_before_any_password_is_hashed(team, hashed):
    fail(team, "编码员甲", FREE_FAILURES)
    assert len(hashed) == FREE_FAILURES
    for password in (PASSWORD, WRONG):
        with pytest.raises(LoginLocked):
            team.log_in("编码员甲", password, now=T0)
    assert len(hashed) == FREE_FAILURES


def test_guesses_sent_at_once_get_no_more_answers_than_guesses_in_a_row(team, hashed):
    guesses = 12
    start = threading.Barrier(guesses)

    def guess(_):
        start.wait()
        try:
            team.log_in("编码员甲", WRONG, client=CLIENT, now=T0)
        except LoginLocked:
            return "locked"
        except QcoderError as refused:
            return refused.en

    with ThreadPoolExecutor(guesses) as pool:
        answers = Counter(pool.map(guess, range(guesses)))
    assert len(hashed) == FREE_FAILURES  # each is counted before Argon2 runs: the sixth finds the lock
    assert answers == {"wrong name or password": FREE_FAILURES, "locked": guesses - FREE_FAILURES}
    audited = Counter(e.action for e in login_events(team))  # in the order the hashes finished
    assert audited == {"fail": FREE_FAILURES - 1, "lock": 1}
    assert {(lock["kind"], lock["failures"]) for lock in team.login_locks(now=T0)} == {
        ("account", FREE_FAILURES), ("client", FREE_FAILURES)
    }  # fmt: skip


def test_a_login_neither_clears_nor_counts_against_its_address(team):
    for name in ("甲", "乙", "丙", "丁"):  # someone with an account guessing at other names from one address
        fail(team, name, 1, client=CLIENT)
    for _ in range(FREE_FAILURES):  # their own logins in between: not failures, and no reset either
        assert team.log_in("编码员乙", PASSWORD, client=CLIENT, now=T0).user == "编码员乙"
    address = [(lock["failures"], lock["locked_until"]) for lock in team.login_locks(now=T0) if lock["who"] == CLIENT]
    assert address == [(FREE_FAILURES - 1, None)]
    fail(team, "戊", 1, client=CLIENT)
    with pytest.raises(LoginLocked):
        team.log_in("编码员乙", PASSWORD, client=CLIENT, now=T0)
    assert team.log_in("编码员乙", PASSWORD, client="198.51.100.2", now=T0).user == "编码员乙"


def test_behind_a_reverse_proxy_the_address_count_can_be_switched_off(team, monkeypatch):
    monkeypatch.setenv("QCODER_LOGIN_THROTTLE_CLIENT", "off")
    for name in ("甲", "乙", "丙", "丁", "戊", "己"):  # the whole team at the proxy's address, a typo each
        fail(team, name, 1, client=CLIENT)
    assert team.log_in("编码员甲", PASSWORD, client=CLIENT, now=T0).user == "编码员甲"
    assert {lock["kind"] for lock in team.login_locks(now=T0)} == {"account"}
    monkeypatch.setenv("QCODER_LOGIN_THROTTLE_CLIENT", "maybe")
    with pytest.raises(QcoderError) as unclear:
        team.log_in("编码员甲", PASSWORD, client=CLIENT, now=T0)
    assert "QCODER_LOGIN_THROTTLE_CLIENT='maybe' is not valid: use on" in unclear.value.en
    assert "QCODER_LOGIN_THROTTLE_CLIENT" in unclear.value.zh


def test_a_count_is_forgotten_a_day_after_its_last_failure(team):
    fail(team, "编码员甲", FREE_FAILURES - 1)
    a_day_later = T0 + FORGET_AFTER
    fail(team, "编码员甲", FREE_FAILURES - 1, now=a_day_later)  # counted from one again: none of these locks
    assert [lock["failures"] for lock in team.login_locks(now=a_day_later)] == [FREE_FAILURES - 1]
    assert team.login_locks(now=a_day_later + FORGET_AFTER) == []


def test_a_name_nobody_has_is_kept_only_as_a_keyed_hash_and_shown_as_unknown(cli, team):
    typed = "MyS3cret-pass"  # a password typed into the name box
    fail(team, typed, FREE_FAILURES, client=CLIENT)
    with pytest.raises(LoginLocked):
        team.log_in(f"  {typed} ", WRONG, now=T0)  # the same name again, however spaced: the same count
    fail(team, "另一个不存在的名字", 1)
    keys = [e.entity_id for e in login_events(team)]
    unknown = keys[0]
    assert keys == [unknown] * FREE_FAILURES + [keys[-1]] and keys[-1] != unknown
    assert re.fullmatch(r"account:\?[0-9a-f]{16}", unknown)
    assert hashlib.sha256(typed.encode()).hexdigest()[:16] not in unknown  # keyed: no guess can be tested
    with Session(team.engine) as session:
        stored = json.dumps([[e.entity_id, e.after] for e in login_events(team)]
                            + [row.key for row in session.exec(select(LoginThrottle)).all()])  # fmt: skip
    assert typed not in stored
    listed = cli("user", "locks", "--json")
    rows = {row["who"]: row for row in json.loads(listed.stdout)}
    who = unknown.removeprefix("account:")
    assert rows[who]["unknown_name"] is True and rows[who]["failures"] == FREE_FAILURES
    assert rows[CLIENT]["unknown_name"] is False and typed not in listed.stdout
    table = cli("user", "locks")
    assert f"{who} （未知用户名 / unknown name）" in table.stdout and typed not in table.stdout
    assert cli("user", "unlock", who).exit_code == 0
    assert cli("user", "unlock", "--client", CLIENT).exit_code == 0
    fail(team, typed, 1)  # answered again, not locked


def test_failures_and_locks_are_audited_without_the_password(team):
    fail(team, "编码员甲", FREE_FAILURES, client=CLIENT)
    with pytest.raises(LoginLocked):
        team.log_in("编码员甲", PASSWORD, client=CLIENT, now=T0)  # refused unread: not an attempt to log
    events = login_events(team)
    assert [e.action for e in events] == ["fail"] * (FREE_FAILURES - 1) + ["lock"]
    assert {e.entity_id for e in events} == {"account:编码员甲"}
    assert events[-1].after == {
        "client": CLIENT,
        "failures": {"account:编码员甲": FREE_FAILURES, f"client:{CLIENT}": FREE_FAILURES},
        "locked_s": {"account:编码员甲": 1, f"client:{CLIENT}": 1},
    }
    stored = json.dumps([[e.entity_id, e.before, e.after] for e in events], ensure_ascii=False)
    assert WRONG not in stored and PASSWORD not in stored


def test_the_owner_unlocks_a_name_and_an_address_and_it_is_audited(cli, team):
    fail(team, "编码员甲", FREE_FAILURES, client=CLIENT)
    listed = cli("user", "locks", "--json")
    assert listed.exit_code == 0, listed.output
    assert {(row["kind"], row["who"], row["failures"]) for row in json.loads(listed.stdout)} == {
        ("account", "编码员甲", FREE_FAILURES), ("client", CLIENT, FREE_FAILURES)
    }  # fmt: skip
    owner, coder = team.log_in("负责人", PASSWORD), team.log_in("编码员乙", PASSWORD)
    with pytest.raises(QcoderError, match="may not manage"):
        coder.unlock("编码员甲")
    owner.unlock("编码员甲")
    assert cli("user", "unlock", "--client", CLIENT).exit_code == 0
    assert team.log_in("编码员甲", PASSWORD, client=CLIENT, now=T0).user == "编码员甲"
    unlocks = [e for e in login_events(team) if e.action == "unlock"]
    assert [(e.entity_id, e.before["failures"]) for e in unlocks] == [
        ("account:编码员甲", FREE_FAILURES), (f"client:{CLIENT}", FREE_FAILURES)
    ]  # fmt: skip
    assert unlocks[0].coder_id is not None and unlocks[0].before["locked_until"] is not None
    nothing = cli("user", "unlock", "编码员甲")
    assert nothing.exit_code == 1 and "account:编码员甲 has no failed logins recorded" in nothing.output
    neither = cli("user", "unlock")
    assert neither.exit_code == 1 and "give either a name or --client ADDRESS" in neither.output
