"""Who may do what: team mode, logins and roles.

A project on one laptop needs no accounts: whoever runs it is its owner (``QCODER_CODER`` or the login
name). **Team mode** is on for every PostgreSQL project — a shared server — and on SQLite when switched
on (``qcoder team on``). In team mode every person logs in, and their role decides what they may do:

=========  =======================================================================
owner      everything: code, review, edit the codebook, see real names, manage
           people and agreement rounds, undo changes
coder      code, review, write claims and memos, edit source metadata
viewer     read only
=========  =======================================================================

Passwords are hashed with Argon2id (argon2-cffi); only the hash is stored. A failed login says the
same thing whether the name or the password was wrong.
"""

from __future__ import annotations

import hashlib

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, select

from coder.audit import TAGGER, coder_named, default_coder_name, record
from coder.db.models import ROLES, Coder, Setting
from coder.errors import QcoderError

ALLOWED = {
    "write": {"owner", "coder"},  # codings, reviews, memos, claims, metadata, imports, tagging
    "codebook": {"owner"},  # the codebook and the fieldwork window: the project's design
    "names": {"owner"},  # participants' real names
    "manage": {"owner"},  # people, agreement rounds, undo
    "login": {"owner", "coder", "viewer"},  # being logged in at all: one's own password
}
MIN_PASSWORD = 8
SYSTEM_NAMES = (TAGGER, "consensus")  # coders that are the system's, never a person's
_HASHER = PasswordHasher()


def team_mode(session: Session) -> bool:
    """On for PostgreSQL (a shared server) and where an owner switched it on."""
    if session.get_bind().dialect.name != "sqlite":
        return True
    setting = session.get(Setting, "team_mode")
    return setting is not None and setting.value == "on"


def set_team_mode(session: Session, on: bool, actor: str | None = None) -> None:
    """Switch team mode on SQLite; an owner with a password must exist first, or nobody could log in."""
    if on and not session.exec(select(Coder).where(Coder.role == "owner", Coder.password_hash.is_not(None))).first():
        raise QcoderError(
            "请先用 qcoder user add NAME --role owner 建立一位有密码的项目所有者",
            "first add an owner with a password: qcoder user add NAME --role owner",
        )
    row = session.get(Setting, "team_mode") or Setting(key="team_mode", value="off")
    before = row.value
    row.value = "on" if on else "off"
    session.add(row)
    record(
        session, coder_named(session, actor), "update", "setting", "team_mode", {"value": before}, {"value": row.value}
    )


def require(session: Session, name: str | None, action: str) -> Coder | None:
    """The acting coder, if their role allows ``action``; in local mode anyone may do anything."""
    if not team_mode(session):
        return None  # nobody logs in: the local user may do anything (and no row is made to say so)
    coder = session.exec(select(Coder).where(Coder.name == (name or default_coder_name()))).first()
    if coder is None or not coder.active or coder.password_hash is None:
        raise QcoderError(
            f"团队模式下需要登录：{name or default_coder_name()} 不是本项目的有效用户",
            f"team mode needs a login: {name or default_coder_name()} is not an active user of this project",
        )
    if coder.role not in ALLOWED[action]:
        raise QcoderError(
            f"{coder.name} 的角色为 {coder.role}，无权执行此操作（{_ACTION_ZH[action]}）",
            f"{coder.name} is a {coder.role} and may not {_ACTION_EN[action]}",
        )
    return coder


_ACTION_ZH = {
    "write": "编码与修改",
    "codebook": "修改编码簿或项目设置",
    "names": "查看真实姓名",
    "manage": "管理成员与轮次",
}
_ACTION_EN = {"write": "code or change data", "codebook": "change the codebook or project settings",
              "names": "see real names", "manage": "manage people and rounds", "login": "log in"}  # fmt: skip


def allowed(session: Session, name: str | None, action: str) -> bool:
    try:
        require(session, name, action)
    except QcoderError:
        return False
    return True


def add_user(session: Session, name: str, role: str, password: str, actor: str | None = None) -> Coder:
    """A new person with a role and a password (an existing coder without a password gets one: their
    codings from single-user days stay theirs)."""
    name = name.strip()
    _check_role(role)
    _check_password(password)
    coder = session.exec(select(Coder).where(Coder.name == name)).first()
    if name in SYSTEM_NAMES or (coder is not None and coder.role == "system"):
        raise QcoderError(f"{name} 是系统保留名，不能登录", f"{name} is reserved for the system and cannot log in")
    if coder is not None and coder.password_hash is not None:
        raise QcoderError(f"用户 {name} 已存在", f"user {name} already exists")
    coder = coder or coder_named(session, name)
    coder.role, coder.password_hash, coder.active = role, _HASHER.hash(password), True
    session.add(coder)
    record(session, _actor(session, actor, coder), "create", "user", name, after={"role": role})
    return coder


def change_user(
    session: Session, name: str, role: str | None = None, password: str | None = None, active: bool | None = None,
    actor: str | None = None,
) -> None:  # fmt: skip
    """Change a person's role, password or whether they may log in; the last active owner stays."""
    coder = session.exec(select(Coder).where(Coder.name == name, Coder.password_hash.is_not(None))).first()
    if coder is None:
        raise QcoderError(f"没有用户 {name}", f"no user {name}")
    before = {"role": coder.role, "active": coder.active}
    if role is not None:
        _check_role(role)
        coder.role = role
    if password is not None:
        _check_password(password)
        coder.password_hash = _HASHER.hash(password)
    if active is not None:
        coder.active = active
    if before["role"] == "owner" and (coder.role != "owner" or not coder.active):
        others = session.exec(
            select(Coder).where(
                Coder.role == "owner", Coder.active, Coder.id != coder.id, Coder.password_hash.is_not(None)
            )
        ).first()
        if others is None:
            raise QcoderError("项目至少要有一位有效的所有者", "a project keeps at least one active owner")
    session.add(coder)
    after = {"role": coder.role, "active": coder.active, **({"password": "changed"} if password else {})}
    record(session, _actor(session, actor, coder), "update", "user", name, before, after)


def authenticate(session: Session, name: str, password: str) -> Coder:
    """The active user with this name and password; one message for every failure."""
    coder = session.exec(select(Coder).where(Coder.name == name.strip())).first()
    try:
        if coder is None or coder.password_hash is None or not coder.active:
            _HASHER.verify(_DUMMY, password)  # the same work as a real check: failures take equally long
            raise VerificationError
        _HASHER.verify(coder.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise QcoderError("用户名或密码不正确", "wrong name or password") from None
    return coder


def stamp(session: Session, name: str) -> str | None:
    """A fingerprint of a person's current credentials: it changes with their password, and is None once
    they are disabled — a browser session holding an older one is logged out."""
    coder = session.exec(select(Coder).where(Coder.name == name)).first()
    if coder is None or not coder.active or coder.password_hash is None:
        return None
    return hashlib.sha256(coder.password_hash.encode()).hexdigest()[:16]


def users(session: Session) -> list[dict]:
    """People who can log in (never their password hash)."""
    rows = session.exec(select(Coder).where(Coder.password_hash.is_not(None)).order_by(Coder.name)).all()
    return [{"name": c.name, "role": c.role, "active": c.active} for c in rows]


def _actor(session: Session, actor: str | None, _changed: Coder) -> Coder:
    """Who made a change to people: the logged-in owner, or the person at the command line — never the
    person created or changed."""
    return coder_named(session, actor)


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise QcoderError(f"角色 {role} 无效，应为 {'、'.join(ROLES)}", f"role {role} is not one of {', '.join(ROLES)}")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise QcoderError(f"密码至少 {MIN_PASSWORD} 个字符", f"a password needs at least {MIN_PASSWORD} characters")


# A hash of no one's password, checked when a name is unknown so that a failure takes as long as a real one.
# Written out rather than hashed at import, which cost every start 0.16 s; a test holds it to _HASHER's settings.
_DUMMY = "$argon2id$v=19$m=65536,t=3,p=4$OnydbPJKiQUoGWmEC1zXbw$NC4CA13Gq/j0+bPQW+k8fJ5G5fuHHVILJkTwoDLpc6s"
