"""Many coders at once, on a SQLite file (WAL) and on PostgreSQL: nothing lost, nothing twice, duplicates
refused with a message, no "database is locked" reaching anyone, and two sessions editing the same
coding never overwrite each other silently.

Writers are separate processes (multiprocessing, spawn), as a team's app sessions and command lines are.
On SQLite the workers run with a 5 ms busy timeout (``QCODER_BUSY_TIMEOUT_MS``) so that waiting for
the write lock runs out all the time and the retry path (coder.db.engine.retrying) does the work.
"""

from __future__ import annotations

import logging
import multiprocessing
import sqlite3
import threading
import time
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError

from coder.db import engine as engine_mod
from coder.db.engine import make_engine, retrying, transient
from coder.errors import QcoderError
from coder.project import Project
from tests import concurrency_worker
from tests.helpers import write

SOURCE = "20230110-P01"
POLICY = "---\nid: 20230110-P01\nkind: policy\ndate: 2023-01-10\ntitle: 考核办法\nissuer: 区委组织部\n---\n" + "".join(
    f"第{i}条　考核结果向全体干部公开，接受群众监督。\n" for i in range(1, 40)
)
WORKERS = 6
DISTINCT = 25  # codings only one worker writes
SHARED = 6  # codings every worker tries to write: each must land once
SHARED_CODER = "共同编码员"
BUSY_WORDS = ("locked", "busy", "正忙", "锁")


def worker_env(url: str) -> dict[str, str]:
    env = {"QCODER_WRITE_ATTEMPTS": "80"}
    if url.startswith("sqlite"):
        env["QCODER_BUSY_TIMEOUT_MS"] = "5"
    return env


@pytest.fixture
def project(cli, tmp_path) -> Project:
    write(tmp_path / "in" / "policy" / f"{SOURCE}.txt", POLICY)
    assert cli("import", str(tmp_path / "in")).exit_code == 0
    return Project.open(cli.url)


def run_workers(target, url: str, jobs: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Run ``target`` in one spawned process per job list, all released at once; their reports."""
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(len(jobs)), context.Queue()
    processes = [
        context.Process(target=target, args=(url, n, batch, worker_env(url), barrier, results))
        for n, batch in enumerate(jobs)
    ]
    for process in processes:
        process.start()
    try:
        reports = [results.get(timeout=300) for _ in processes]
    finally:
        for process in processes:
            process.join(timeout=60)
    assert all(process.exitcode == 0 for process in processes)
    return sorted(reports, key=lambda r: r["worker"])


def messages(reports: list[dict[str, Any]]) -> list[str]:
    return [m for r in reports for m in r["errors"]] + [f"{x['zh']} / {x['en']}" for r in reports for x in r["refused"]]


def test_many_coders_at_once_lose_nothing_and_write_nothing_twice(project, db_url):
    length = len(project.source(SOURCE)["text"])
    shared = [
        {"source": SOURCE, "start": 300 + 7 * j, "end": 305 + 7 * j, "code": "action.public_results",
         "coder": SHARED_CODER}
        for j in range(SHARED)
    ]  # fmt: skip
    jobs = []
    for w in range(WORKERS):
        distinct = [
            {
                "source": SOURCE,
                "start": 3 * i,
                "end": 3 * i + 2 + w,
                "code": "scenario.backstage",
                "coder": f"编码员{w}",
            }
            for i in range(DISTINCT)
        ]
        jobs.append(distinct[:10] + shared + distinct[10:])  # the shared ones in the thick of it
    assert max(job["end"] for batch in jobs for job in batch) <= length

    reports = run_workers(concurrency_worker.add_codings, db_url, jobs)

    assert [r["errors"] for r in reports] == [[]] * WORKERS
    assert not [m for m in messages(reports) if any(word in m for word in BUSY_WORDS)]
    assert sum(r["gave_up"] for r in reports) == 0
    stored = project.codings(SOURCE)
    key = ("start", "end", "code", "coder")
    placed = [tuple(c[k] for k in key) for c in stored]
    assert len(placed) == len(set(placed)) == WORKERS * DISTINCT + SHARED
    for w, batch in enumerate(jobs):  # every worker's own codings, each exactly once
        mine = {tuple(job[k] for k in key) for job in batch if job["coder"] != SHARED_CODER}
        assert mine <= set(placed)
        assert {a["id"] for a in reports[w]["added"] if a["coder"] != SHARED_CODER} <= {c["id"] for c in stored}
    # Each shared coding landed once; every other attempt at it got the duplicate message.
    assert sorted(a["start"] for r in reports for a in r["added"] if a["coder"] == SHARED_CODER) == sorted(
        j["start"] for j in shared
    )
    refused = [x for r in reports for x in r["refused"]]
    assert len(refused) == SHARED * (WORKERS - 1)
    for refusal in refused:
        assert refusal["coder"] == SHARED_CODER
        assert "action.public_results" in refusal["zh"] and "action.public_results" in refusal["en"]
        assert "already coded" in refusal["en"] or "just written by another session" in refusal["en"]
    # The audit log has one creation per coding, and none for attempts that were rolled back and retried.
    created = [e for e in project.audit_events(entity="coding", limit=100_000) if e["action"] == "create"]
    assert sorted(int(e["entity_id"]) for e in created) == sorted(c["id"] for c in stored)
    retries = sum(r["retries"] for r in reports)
    print(f"\n{db_url.split(':')[0]}: {len(stored)} codings by {WORKERS} processes, {retries} retried writes")
    if db_url.startswith("sqlite"):
        assert retries > 0  # the lock was really contended, and the retries absorbed it


def test_two_sessions_editing_the_same_coding_one_wins_the_other_is_told(project, db_url):
    ids = [project.add_coding(SOURCE, 10 * i, 10 * i + 4, "scenario.backstage", "研究者A") for i in range(8)]
    jobs = [
        [{"id": coding_id, "start": 10 * i, "end": 10 * i + 5 + w, "coder": f"审阅者{w}", "version": 1}
         for i, coding_id in enumerate(ids)]
        for w in range(2)
    ]  # fmt: skip

    reports = run_workers(concurrency_worker.adjust, db_url, jobs)

    assert [r["errors"] for r in reports] == [[], []]
    assert not [m for m in messages(reports) if any(word in m for word in BUSY_WORDS)]
    stored = {c["id"]: c for c in project.codings(SOURCE)}
    updates = {int(e["entity_id"]): e for e in project.audit_events(entity="coding") if e["action"] == "update"}
    for coding_id in ids:
        winners = [job for r in reports for job in r["won"] if job["id"] == coding_id]
        losers = [job for r in reports for job in r["refused"] if job["id"] == coding_id]
        assert len(winners) == 1 and len(losers) == 1, coding_id
        [winner], [loser] = winners, losers
        assert f"#{coding_id}" in loser["zh"] and f"#{coding_id}" in loser["en"]
        assert "已被他人修改" in loser["zh"] and "changed by someone else" in loser["en"]
        assert (stored[coding_id]["end"], stored[coding_id]["version"]) == (winner["end"], 2)
        assert updates[coding_id]["coder"] == winner["coder"]


def test_a_write_waits_out_a_held_sqlite_lock_by_retrying(project, db_url, monkeypatch, caplog):
    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite's write lock")
    monkeypatch.setenv("QCODER_BUSY_TIMEOUT_MS", "10")
    busy = Project.open(db_url)  # its connections wait 10 ms for a lock
    holder = sqlite3.connect(db_url.split("///", 1)[1], isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock for a while
    threading.Timer(0.4, holder.rollback).start()
    caplog.set_level(logging.INFO, logger="qcoder.db")
    started = time.monotonic()
    new = busy.add_coding(SOURCE, 0, 4, "scenario.backstage", "研究者A")
    assert time.monotonic() - started >= 0.35
    assert new in [c["id"] for c in project.codings(SOURCE)]
    assert [r for r in caplog.records if r.name == "qcoder.db" and r.levelno == logging.INFO]
    holder.close()


def test_a_write_that_stays_locked_gives_up_with_a_message_and_changes_nothing(project, db_url, monkeypatch):
    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite's write lock")
    monkeypatch.setenv("QCODER_BUSY_TIMEOUT_MS", "1")
    monkeypatch.setenv("QCODER_WRITE_ATTEMPTS", "3")
    monkeypatch.setattr(engine_mod.time, "sleep", lambda _s: None)
    busy = Project.open(db_url)
    holder = sqlite3.connect(db_url.split("///", 1)[1], isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(QcoderError) as caught:
            busy.add_coding(SOURCE, 0, 4, "scenario.backstage", "研究者A")
    finally:
        holder.rollback()
        holder.close()
    assert "3" in caught.value.zh and "gave up after 3 attempts" in caught.value.en
    assert "locked" not in str(caught.value)
    assert project.codings(SOURCE) == []


def test_a_postgresql_deadlock_is_retried(project, db_url, caplog):
    if db_url.startswith("sqlite"):
        pytest.skip("PostgreSQL's deadlock detection")
    engine = make_engine(db_url)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO setting (key, value) VALUES ('lock_a', '0'), ('lock_b', '0')"))
    barrier = threading.Barrier(2, timeout=20)
    attempts = {"first": 0, "second": 0}
    failures: list[BaseException] = []

    def locker(name: str, order: tuple[str, str]):
        def work(session) -> None:
            attempts[name] += 1
            session.exec(text(f"UPDATE setting SET value = '{name}' WHERE key = '{order[0]}'"))
            if attempts[name] == 1:
                barrier.wait()  # both hold their first row: each now waits for the other's
            session.exec(text(f"UPDATE setting SET value = '{name}' WHERE key = '{order[1]}'"))

        def run() -> None:
            try:
                retrying(engine, work)
            except BaseException as exc:  # reported below
                failures.append(exc)

        return threading.Thread(target=run)

    caplog.set_level(logging.INFO, logger="qcoder.db")
    threads = [locker("first", ("lock_a", "lock_b")), locker("second", ("lock_b", "lock_a"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert sorted(attempts.values()) == [1, 2]  # PostgreSQL aborted one; it ran again and went through
    assert any("deadlock" in r.getMessage() for r in caplog.records if r.name == "qcoder.db")
    engine.dispose()


def test_only_busy_and_serialization_failures_count_as_transient():
    def wrapped(orig: Exception, kind=OperationalError):
        return kind("UPDATE coding …", {}, orig)

    class PgError(Exception):
        def __init__(self, sqlstate: str) -> None:
            self.sqlstate = sqlstate

    assert transient(wrapped(sqlite3.OperationalError("database is locked")))
    assert transient(wrapped(PgError("40001"))) and transient(wrapped(PgError("40P01")))
    assert not transient(wrapped(sqlite3.OperationalError("no such table: coding")))
    assert not transient(wrapped(sqlite3.IntegrityError("UNIQUE constraint failed"), IntegrityError))
    assert not transient(wrapped(PgError("23505"), IntegrityError))


def test_a_duplicate_or_a_refusal_is_never_retried(project):
    calls = []

    def duplicate(session):
        calls.append(1)
        raise IntegrityError("INSERT …", {}, sqlite3.IntegrityError("UNIQUE constraint failed"))

    with pytest.raises(IntegrityError):
        retrying(project.engine, duplicate)
    assert calls == [1]
    project.add_coding(SOURCE, 0, 4, "scenario.backstage", "研究者A")
    with pytest.raises(QcoderError, match="already coded"):
        project.add_coding(SOURCE, 0, 4, "scenario.backstage", "研究者A")
    with pytest.raises(QcoderError, match="changed by someone else"):
        project.adjust_coding(project.codings(SOURCE)[0]["id"], 0, 5, "研究者B", version=7)
