"""Login throttling: guessing passwords gets slower the more guesses fail.

After ``FREE_FAILURES`` failed logins for one account name — or from one client address, whatever names
it tries — each further failure locks that name (or address) for 1 s, then 2, 4 … up to ``MAX_LOCK``.
While locked, every attempt is refused before any password is looked at: the refusal is the same whether
the password was right, and costs the server no Argon2 work. A name nobody has is counted like any
other, so a lock never tells whether the name exists.

An attempt is counted before its password is checked (:func:`reserve`: one write transaction that locks
the name's and the address's rows, refuses while either is locked, and adds the attempt): attempts in
flight at once see each other, so twelve simultaneous guesses get no more answers than twelve in a row.
A login that succeeds then clears its name's count and takes its own attempt back from its address,
leaving the address's other failures: someone with a valid account cannot reset their address's count
between guesses at other people's names. A count is forgotten ``FORGET_AFTER`` its last failure, so
the odd typo over months never adds up to a lock. Behind a reverse proxy every browser has the proxy's
address and the address count would lock the whole team: ``QCODER_LOGIN_THROTTLE_CLIENT=off`` keeps
only the names' counts.

The counts live in the database (table ``loginthrottle``): every app process and the command line see
the same locks; an owner may clear one (``qcoder user unlock``, the Team page). Failures, locks and
unlocks are audit events of entity ``login`` whose ID is the throttle key: ``account:NAME`` for a name
someone logs in with, ``client:ADDRESS``. A name nobody has — perhaps a password typed into the name
box — is never stored: its key is ``account:?`` and a keyed hash of it (the key is random, made once per
project and kept in the database, so nobody reading the audit log can test guesses against the hash),
shown as "(unknown name)".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
import os
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from coder.audit import coder_named, record
from coder.db.models import Coder, LoginThrottle, Setting, as_utc
from coder.errors import QcoderError

FREE_FAILURES = 5
FIRST_LOCK = dt.timedelta(seconds=1)
MAX_LOCK_MINUTES = 15
MAX_LOCK = dt.timedelta(minutes=MAX_LOCK_MINUTES)
FORGET_AFTER = dt.timedelta(days=1)  # far past MAX_LOCK: only a count whose last lock is long over starts again
KEY_CHARS = 200  # of a name or an address: keys stay indexable however long the input
HASH_CHARS = 16  # hex digits of an unknown name's hash: 64 bits, so two names never share a count by chance
CLIENT_SWITCH = "QCODER_LOGIN_THROTTLE_CLIENT"
NAME_KEY_SETTING = "login_name_key"  # the Setting holding the random key of unknown names' hashes
UNKNOWN_NAME = re.compile(rf"\?[0-9a-f]{{{HASH_CHARS}}}")

T = TypeVar("T")


class LoginLocked(QcoderError):
    """Too many failed logins for a name or from an address; ``wait`` is how long until the next try."""

    def __init__(self, wait: dt.timedelta) -> None:
        self.wait = wait
        seconds = max(1, math.ceil(wait.total_seconds()))  # never "wait 0 s" while still locked
        minutes = math.ceil(seconds / 60)
        zh_wait, en_wait = (f"{seconds} 秒", f"{seconds} s") if seconds < 120 else (f"{minutes} 分钟", f"{minutes} min")
        super().__init__(
            f"此用户名或此地址的登录失败次数过多，请 {zh_wait}后再试（失败 {FREE_FAILURES} 次后锁定，每次失败"
            f"锁定时间加倍，最长 {MAX_LOCK_MINUTES} 分钟）；项目所有者可在“团队”页或用 qcoder user unlock 解除",
            f"too many failed logins for this name or from this address: try again in {en_wait} (after "
            f"{FREE_FAILURES} failures each failure locks for twice as long, up to {MAX_LOCK_MINUTES} min); "
            "a project owner can lift the lock on the Team page or with qcoder user unlock",
        )


@dataclass(frozen=True)
class Attempt:
    """A login attempt counted ahead of its password check (see :func:`reserve`)."""

    keys: list[str]  # the name's key, then the address's when it is counted
    client: str | None
    failures: dict[str, int]  # each key's count with this attempt in it
    locked_s: dict[str, int]  # the locks this attempt set, should it fail
    address_before: tuple[int, dt.datetime | None, dt.datetime] | None  # to take the attempt back


def client_throttled() -> bool:
    """Whether failures are counted per client address too (``QCODER_LOGIN_THROTTLE_CLIENT``, on by default)."""
    raw = os.environ.get(CLIENT_SWITCH, "").strip().lower() or "on"
    if raw not in ("on", "off"):
        raise QcoderError(
            f"环境变量 {CLIENT_SWITCH}={raw!r} 无效：应为 on（默认，按地址限制登录失败）或 off（仅按用户名，用于反向代理之后）",
            f"environment variable {CLIENT_SWITCH}={raw!r} is not valid: use on (the default: failed logins are "
            "also limited per address) or off (per name only, for a server behind a reverse proxy)",
        )
    return raw == "on"


def reserve(session: Session, name: str, client: str | None, now: dt.datetime) -> Attempt:
    """Lock the name's and the address's rows, refuse while either is locked, and count this attempt as a
    failure now — :func:`succeeded` takes it back — so attempts in flight at once see each other."""
    keys = [account_key(session, name)] + ([_key("client", client)] if client and client_throttled() else [])
    rows = [_locked_row(session, key, now) for key in keys]
    _refuse_if_locked(rows, now)
    address = rows[1] if len(rows) > 1 else None
    before = (address.failures, address.locked_until, address.last_failure) if address else None
    failures, locked_s = {}, {}
    for row in rows:
        if _forgotten(row, now):
            row.failures = 0
        row.failures += 1
        row.last_failure = now
        if lock := lock_for(row.failures):
            row.locked_until = now + lock
            locked_s[row.key] = int(lock.total_seconds())
        session.add(row)
        failures[row.key] = row.failures
    return Attempt(keys, client, failures, locked_s, before)


def failed(session: Session, attempt: Attempt) -> None:
    """Audit a failed login (it was counted when reserved): its counts and the locks it set, never the password."""
    after = {"client": attempt.client, "failures": attempt.failures, "locked_s": attempt.locked_s}
    record(session, None, "lock" if attempt.locked_s else "fail", "login", attempt.keys[0], after=after)


def succeeded(session: Session, attempt: Attempt) -> None:
    """Clear the name's count, and take this attempt back from the address's count without clearing it."""
    if (account := session.get(LoginThrottle, attempt.keys[0])) is not None:
        session.delete(account)
    if attempt.address_before is None:
        return
    key = attempt.keys[1]
    row = session.exec(_row_query(key)).first()
    if row is None:  # an owner unlocked the address meanwhile
        return
    if row.failures == attempt.failures[key]:  # nothing counted since: as it was before, locks included
        row.failures, row.locked_until, row.last_failure = attempt.address_before
    else:  # later failures set their own locks; only this attempt's count goes
        row.failures -= 1
    if row.failures <= 0:
        session.delete(row)
    else:
        session.add(row)


def account_key(session: Session, name: str) -> str:
    """``account:NAME`` for a name someone logs in with; ``account:?HASH`` for any other typed text."""
    typed = name.strip()
    known = select(Coder.id).where(Coder.name == typed, Coder.password_hash.is_not(None))
    if session.exec(known).first() is not None:
        return _key("account", typed)
    secret = _made(session, lambda: session.get(Setting, NAME_KEY_SETTING),
                   lambda: Setting(key=NAME_KEY_SETTING, value=secrets.token_hex(32))).value  # fmt: skip
    digest = hmac.new(secret.encode(), typed.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()
    return f"account:?{digest[:HASH_CHARS]}"


def lock_for(failures: int) -> dt.timedelta | None:
    """How long the ``failures``-th failure locks: none before the free ones run out, then doubling from
    ``FIRST_LOCK`` up to ``MAX_LOCK``."""
    if failures < FREE_FAILURES:
        return None
    doublings = min(failures - FREE_FAILURES, 30)  # 2**30 s is far past the cap already
    return min(MAX_LOCK, FIRST_LOCK * 2**doublings)


def locks(session: Session, now: dt.datetime) -> list[dict]:
    """Every name and address with failed logins counted, and whether it is locked now. An unknown name's
    ``who`` is its ``?HASH``, which :func:`unlock` takes as a name."""
    rows = session.exec(select(LoginThrottle).order_by(LoginThrottle.key)).all()
    found = []
    for row in rows:
        if _forgotten(row, now):
            continue
        kind, _, who = row.key.partition(":")
        until = as_utc(row.locked_until) if row.locked_until else None
        found.append({
            "kind": kind, "who": who, "unknown_name": kind == "account" and bool(UNKNOWN_NAME.fullmatch(who)),
            "failures": row.failures,
            "locked_until": until.isoformat(timespec="seconds") if until and until > now else None,
        })  # fmt: skip
    return found


def unlock(session: Session, name: str | None, client: str | None, actor: str | None = None) -> None:
    """Clear one name's (or unknown name's ``?HASH``) or one address's failures and lock (an owner's
    decision, audited)."""
    if (name is None) == (client is None):
        raise QcoderError("请给出一个用户名或一个 --client 地址", "give either a name or --client ADDRESS")
    if client is not None:
        key = _key("client", client)
    else:
        key = f"account:{name.strip()}" if UNKNOWN_NAME.fullmatch(name.strip()) else account_key(session, name)
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


def _forgotten(row: LoginThrottle, now: dt.datetime) -> bool:
    return now - as_utc(row.last_failure) >= FORGET_AFTER


def _refuse_if_locked(rows: list[LoginThrottle], now: dt.datetime) -> None:
    until = max((as_utc(row.locked_until) for row in rows if row.locked_until), default=None)
    if until is not None and until > now:
        raise LoginLocked(until - now)


def _row_query(key: str):
    return select(LoginThrottle).where(LoginThrottle.key == key).with_for_update()


def _locked_row(session: Session, key: str, now: dt.datetime) -> LoginThrottle:
    """The key's row, locked for this transaction (PostgreSQL: FOR UPDATE; SQLite: the write transaction
    holds the database's write lock), made with no failures on its first attempt."""
    return _made(session, lambda: session.exec(_row_query(key)).first(),
                 lambda: LoginThrottle(key=key, last_failure=now))  # fmt: skip


def _made(session: Session, find: Callable[[], T | None], make: Callable[[], T]) -> T:
    """What ``find`` finds, else a new ``make()`` — or, when another process adds the same row at the same
    moment, what ``find`` finds once it has."""
    found = find()
    if found is None:
        try:
            with session.begin_nested():
                found = make()
                session.add(found)
        except IntegrityError:
            found = find()
    return found
