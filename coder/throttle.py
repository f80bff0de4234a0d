"""Login throttling: guessing passwords gets slower the more guesses fail.

After ``FREE_FAILURES`` failed logins in a row for one account name — or from one client address,
whatever names it tries — each further failure locks that name (or address) for 1 s, then 2, 4 … up to
``MAX_LOCK``. While locked, every attempt is refused before any password is looked at: the refusal is
the same whether the password was right, and costs the server no Argon2 work. A name nobody has is
counted like any other, so a lock never tells whether the name exists.

The counts live in the database (table ``loginthrottle``): every app process and the command line see
the same locks. A successful login clears its name's and its address's counts; an owner may clear
either (``qcoder user unlock``, the Team page). Failures, locks and unlocks are audit events of entity
``login`` whose ID is the throttle key (``account:NAME``, ``client:ADDRESS``); never the password.
"""

from __future__ import annotations

import datetime as dt
import math

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from coder.audit import coder_named, record
from coder.db.models import LoginThrottle, as_utc
from coder.errors import QcoderError

FREE_FAILURES = 5
FIRST_LOCK = dt.timedelta(seconds=1)
MAX_LOCK_MINUTES = 15
MAX_LOCK = dt.timedelta(minutes=MAX_LOCK_MINUTES)
KEY_CHARS = 200  # of a typed name or an address: keys stay indexable however long the input


class LoginLocked(QcoderError):
    """Too many failed logins for a name or from an address; ``wait`` is how long until the next try."""

    def __init__(self, wait: dt.timedelta) -> None:
        self.wait = wait
        seconds = max(1, math.ceil(wait.total_seconds()))  # never "wait 0 s" while still locked
        minutes = math.ceil(seconds / 60)
        zh_wait, en_wait = (f"{seconds} 秒", f"{seconds} s") if seconds < 120 else (f"{minutes} 分钟", f"{minutes} min")
        super().__init__(
            f"此用户名或此地址的登录失败次数过多，请 {zh_wait}后再试（连续失败 {FREE_FAILURES} 次后锁定，每次失败"
            f"锁定时间加倍，最长 {MAX_LOCK_MINUTES} 分钟）；项目所有者可在“团队”页或用 qcoder user unlock 解除",
            f"too many failed logins for this name or from this address: try again in {en_wait} (after "
            f"{FREE_FAILURES} failures in a row each failure locks for twice as long, up to {MAX_LOCK_MINUTES} min); "
            "a project owner can lift the lock on the Team page or with qcoder user unlock",
        )


def keys(name: str, client: str | None) -> list[str]:
    """The throttle keys one attempt counts against: its name's, and its address's when known."""
    return [_key("account", name)] + ([_key("client", client)] if client else [])


def check(session: Session, name: str, client: str | None, now: dt.datetime) -> None:
    """Refuse, saying how long to wait, while the name or the address is locked."""
    _refuse_if_locked([session.get(LoginThrottle, key) for key in keys(name, client)], now)


def failed(session: Session, name: str, client: str | None, now: dt.datetime) -> None:
    """Count a failed login against the name and the address, lock those past the free failures, audit it."""
    counts, locks, tried = {}, {}, keys(name, client)
    for key in tried:
        row = _locked_row(session, key)
        row.failures += 1
        row.last_failure = now
        if lock := lock_for(row.failures):
            row.locked_until = now + lock
            locks[key] = int(lock.total_seconds())
        session.add(row)
        counts[key] = row.failures
    after = {"client": client, "failures": counts, "locked_s": locks}
    record(session, None, "lock" if locks else "fail", "login", tried[0], after=after)


def succeeded(session: Session, name: str, client: str | None, now: dt.datetime) -> None:
    """Clear the name's and the address's counts — unless failures elsewhere locked them meanwhile, when
    this login is refused like any other during a lock."""
    rows = [session.exec(select(LoginThrottle).where(LoginThrottle.key == key).with_for_update()).first()
            for key in keys(name, client)]  # fmt: skip
    _refuse_if_locked(rows, now)
    for row in rows:
        if row is not None:
            session.delete(row)


def lock_for(failures: int) -> dt.timedelta | None:
    """How long the ``failures``-th failure in a row locks: none before the free ones run out, then
    doubling from ``FIRST_LOCK`` up to ``MAX_LOCK``."""
    if failures < FREE_FAILURES:
        return None
    doublings = min(failures - FREE_FAILURES, 30)  # 2**30 s is far past the cap already
    return min(MAX_LOCK, FIRST_LOCK * 2**doublings)


def locks(session: Session, now: dt.datetime) -> list[dict]:
    """Every name and address with failed logins counted, and whether it is locked now."""
    rows = session.exec(select(LoginThrottle).order_by(LoginThrottle.key)).all()
    found = []
    for row in rows:
        kind, _, who = row.key.partition(":")
        until = as_utc(row.locked_until) if row.locked_until else None
        found.append({
            "kind": kind, "who": who, "failures": row.failures,
            "locked_until": until.isoformat(timespec="seconds") if until and until > now else None,
        })  # fmt: skip
    return found


def unlock(session: Session, name: str | None, client: str | None, actor: str | None = None) -> None:
    """Clear one name's or one address's failures and lock (an owner's decision, audited)."""
    if (name is None) == (client is None):
        raise QcoderError("请给出一个用户名或一个 --client 地址", "give either a name or --client ADDRESS")
    key = _key("account", name) if name is not None else _key("client", client)
    row = session.get(LoginThrottle, key)
    if row is None:
        raise QcoderError(
            f"{key} 没有失败的登录记录，无需解除", f"{key} has no failed logins recorded: nothing to unlock"
        )
    until = as_utc(row.locked_until).isoformat(timespec="seconds") if row.locked_until else None
    record(session, coder_named(session, actor), "unlock", "login", key,
           before={"failures": row.failures, "locked_until": until})  # fmt: skip
    session.delete(row)


def _key(kind: str, value: str) -> str:
    return f"{kind}:{value.strip()[:KEY_CHARS]}"


def _refuse_if_locked(rows: list[LoginThrottle | None], now: dt.datetime) -> None:
    until = max((as_utc(row.locked_until) for row in rows if row is not None and row.locked_until), default=None)
    if until is not None and until > now:
        raise LoginLocked(until - now)


def _locked_row(session: Session, key: str) -> LoginThrottle:
    """The key's row, locked for this transaction (made on its first failure): concurrent failures from
    several app processes each count."""
    query = select(LoginThrottle).where(LoginThrottle.key == key).with_for_update()
    row = session.exec(query).first()
    if row is None:
        try:
            with session.begin_nested():  # another process may make the same key's row at the same moment
                row = LoginThrottle(key=key)
                session.add(row)
        except IntegrityError:
            row = session.exec(query).one()
    return row
