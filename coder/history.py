"""The audit log read back — who changed what, when — and undo.

:func:`events` lists AuditEvents newest first as plain dicts with a one-line summary of before → after
(identifiers and values, for the command line) and the same as data (``facts``, see coder.history_facts)
that the app says as a sentence in its language; a participant's real name never appears (it is taken out of every before/after shown).

:func:`undo` reverts one change: it puts every row the change touched back into the state it had
before, in one transaction, and records that as an AuditEvent of its own (action ``undo``, ``after =
{"undoes": event_id, "changes": [...]}``, ``before`` the states it replaced), so an undo can itself be
undone by the same rules. It refuses, naming the event and the reason, when

- a row changed after the event (its current state is not the event's *after*, or a later event
  touched it): undo the later change first;
- the event was undone already;
- the change is of a kind undo does not cover: imports, tagging and re-tag reports (coder.retag_report),
  codebook syncs (edit codebook.yaml and sync again), people, team mode and agreement rounds
  (``qcoder user|team|round``);
- the person is not the project's owner (in team mode; see :func:`may_undo`).

What can be undone: a coding's creation (it is deleted, with its memos and consensus links), update,
acceptance, rejection, recoding (the recoded coding goes, the suggestion comes back) and deletion (it
comes back with its id if that is free, and with the memos deleted with it); a memo's creation, edit and
deletion (a memo on a source comes back only while its source exists); a claim's creation and deletion;
a source's metadata update; the fieldwork window.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, delete, select

from coder import access, retag_report
from coder.audit import coder_named, default_coder_name, snapshot
from coder.db.models import (
    EVIDENCE,
    AuditEvent,
    Claim,
    ClaimLink,
    Code,
    Coder,
    Coding,
    ConsensusLink,
    Memo,
    Setting,
    Source,
    as_utc,
    utcnow,
)
from coder.errors import QcoderError
from coder.history_facts import facts, short
from coder.sources.record_checks import FIELDWORK, fieldwork

ENTITIES = ("coding", "memo", "claim", "source", "code", "setting")  # what the log is usually filtered by
KNOWN_ENTITIES = (
    *ENTITIES,
    "suggestions",
    "consensus_link",
    "user",
    "round",
    "framework_summary",
    "model",
    "login",
    "mask",
)
PRIVATE = {"name", "interviewee", "person_name", "受访者", "姓名", "mention"}  # keys that may hold a real name
PUBLIC_NAMES = {"code", "round", "user"}  # entities whose "name" is a code's, a round's or a coder's
UNDOABLE = {
    "coding": {"create", "update", "accept", "reject", "recode", "delete"},
    "memo": {"create", "update", "delete"},
    "claim": {"create", "delete"},
    "source": {"update"},
    "setting": {"update"},  # the fieldwork window only
}


# Reading the log ------------------------------------------------------------------------------------


def events(
    session: Session,
    coder: str | None = None,
    entity: str | None = None,
    entity_id: str | None = None,
    since: dt.datetime | None = None,
    limit: int = 200,
) -> list[dict[str, Any]]:
    """AuditEvents newest first, as plain dicts: who, when (ISO, UTC), what, a summary, and whether undo
    applies (``undoable``: the kind of change allows it and it is not undone yet)."""
    query = select(AuditEvent, Coder.name).outerjoin(Coder, Coder.id == AuditEvent.coder_id)
    if coder:
        query = query.where(Coder.name == coder)
    if entity:
        query = query.where(AuditEvent.entity == entity)
    if entity_id is not None:
        query = query.where(AuditEvent.entity_id == str(entity_id))
    if since is not None:
        query = query.where(AuditEvent.at >= as_utc(since))
    rows = session.exec(query.order_by(AuditEvent.id.desc()).limit(max(limit, 0))).all()
    names = dict(session.exec(select(Coder.id, Coder.name)).all())
    codes = code_names(session)
    undone = undone_map(session, min((event.id for event, _ in rows), default=0))
    listed = []
    for event, name in rows:
        before, after = redacted(event.entity, event.before), redacted(event.entity, event.after)
        listed.append(
            {
                "id": event.id,
                "at": as_utc(event.at).isoformat(timespec="seconds"),
                "coder": name,
                "action": event.action,
                "entity": event.entity,
                "entity_id": event.entity_id,
                "summary": summary(event.entity, event.action, before, after, names),
                # The same as data, for the interface to say in its language (coder.history_facts).
                "facts": facts(event.entity, event.action, event.entity_id, before, after, names, codes),
                "before": before,
                "after": after,
                "undone_by": undone.get(event.id),
                "undoable": kind_undoable(event) and event.id not in undone,
                # Why undo does not apply to this kind of change, {"zh", "en"}; None where it does.
                "why_not": None if kind_undoable(event) else dict(zip(("zh", "en"), _why_not(event), strict=True)),
                # A sentence in each language where identifiers would not tell a person what happened.
                "words": _words(event.action, event.entity, after),
            }
        )
    return listed


def code_names(session: Session) -> dict[str, dict[str, str | None]]:
    """Every code's names, for the facts of events (coder.history_facts)."""
    return {c: {"name": n, "name_en": e} for c, n, e in session.exec(select(Code.id, Code.name, Code.name_en))}


def coders_in_log(session: Session) -> list[str]:
    """Everyone who appears in the log, for a filter."""
    found = select(Coder.name).where(Coder.id.in_(select(AuditEvent.coder_id).distinct()))
    return sorted(session.exec(found).all())


def local_time(at: str) -> str:
    """An event's ISO UTC time as this computer's local time, to the second."""
    return dt.datetime.fromisoformat(at).astimezone().strftime("%Y-%m-%d %H:%M:%S")


def redacted(entity: str, value: Any) -> Any:
    """``value`` without any key that may hold a participant's real name (at any depth)."""
    if entity in PUBLIC_NAMES:
        return value
    if isinstance(value, dict):
        return {k: redacted(entity, v) for k, v in value.items() if k not in PRIVATE}
    if isinstance(value, list):
        return [redacted(entity, v) for v in value]
    return value


def undone_map(session: Session, first: int) -> dict[int, int]:
    """Event id → the id of the undo event that undid it, for events from ``first`` on."""
    rows = session.exec(select(AuditEvent.id, AuditEvent.after).where(AuditEvent.action == "undo")).all()
    return {after["undoes"]: event_id for event_id, after in rows if after and after.get("undoes", -1) >= first}


def _words(action: str, entity: str, after: Any) -> dict[str, str] | None:
    if action == retag_report.ACTION and entity == retag_report.ENTITY and isinstance(after, dict):
        return dict(zip(("zh", "en"), retag_report.describe(after), strict=True))
    return None


def kind_undoable(event: AuditEvent) -> bool:
    if event.action == "undo":
        return True
    if event.entity == "setting" and event.entity_id != "fieldwork":
        return False
    return event.action in UNDOABLE.get(event.entity, ())


# Summaries ------------------------------------------------------------------------------------------


def summary(entity: str, action: str, before: Any, after: Any, names: dict[int, str] | None = None) -> str:
    """One line on what a change did, in identifiers and values (no language of its own)."""
    names = names or {}
    if action == "undo" and isinstance(after, dict):
        changes = [f"{c['entity']} #{c['id']} {'→ —' if c['state'] is None else '↺'}" for c in after.get("changes", [])]
        return f"↶ #{after.get('undoes')}: " + ", ".join(changes)
    if action == retag_report.ACTION and entity == retag_report.ENTITY and isinstance(after, dict):
        return _retag_summary(after)
    if entity == "coding":
        return _coding_summary(action, before, after, names)
    if entity == "memo":
        memo = after or before or {}
        text = short(memo.get("text", ""))
        if memo.get("coding_id"):
            return f"#{memo['coding_id']} “{text}”"
        on = memo.get("source_id") or memo.get("code_id")
        return f"{on} “{text}”" if on else f"“{text}”"
    if entity == "claim":
        claim = after or before or {}
        links = [*(claim.get("codes") or []), *(f"#{c}" for c in claim.get("codings") or [])]
        return f"“{short(claim.get('text', ''))}” ← {', '.join(links)}"
    if entity == "setting" and isinstance(before, dict) and "window" in before:
        return f"{_window(before['window'])} → {_window((after or {}).get('window'))}"
    if isinstance(before, dict) and isinstance(after, dict):
        return _diff(before, after)
    return _fields(after if after is not None else before)


def _coding_summary(action: str, before: dict | None, after: dict | None, names: dict[int, str]) -> str:
    def where(c: dict) -> str:
        return f"{c.get('source_id')} [{c.get('start')}, {c.get('end')}) {c.get('code_id')}"

    if before and after and "merged_into" in after:
        return f"{where(before)}: {before.get('status')} → #{after['merged_into']}"
    if action == "recode" and before and after:
        return f"{where(before)} → {after.get('code_id')} (#{after.get('id')})"
    if before and after and "source_id" in after:
        changed = []
        if (before.get("start"), before.get("end")) != (after.get("start"), after.get("end")):
            changed.append(f"[{before.get('start')}, {before.get('end')}) → [{after.get('start')}, {after.get('end')})")
        for key in ("code_id", "status"):
            if before.get(key) != after.get(key):
                changed.append(f"{before.get(key)} → {after.get(key)}")
        if before.get("coder_id") != after.get("coder_id"):
            changed.append(f"{_who(before, names)} → {_who(after, names)}")
        return f"{where(before)}: {'; '.join(changed) or '='}"
    coding = after if after and "source_id" in after else before
    if not coding or "source_id" not in coding:
        return _fields(after or before)
    return f"{where(coding)} · {coding.get('status')} · {_who(coding, names)}"


def _retag_summary(after: dict) -> str:
    """+added ~rescored −withdrawn, the sources that lost suggestions, and the ones left for next time."""
    line = f"+{after.get('added', 0)} ~{after.get('rescored', 0)} −{after.get('withdrawn', 0)}"
    losing = [f"{s} −{c['withdrawn']}" for s, c in (after.get("by_source") or {}).items() if c.get("withdrawn")]
    if losing:
        line += " · " + ", ".join(losing)
    if after.get("deferred"):
        line += " · ⏸ " + ", ".join(after["deferred"])
    return short(line, 200)


def _who(coding: dict, names: dict[int, str]) -> str:
    return names.get(coding.get("coder_id"), f"#{coding.get('coder_id')}")


def _window(window: Any) -> str:
    return f"{window[0]} — {window[1]}" if window and all(window) else "—"


def _diff(before: dict, after: dict) -> str:
    """``key: old → new`` for every key that differs, nested dicts (a source's metadata) flattened."""
    flat_before, flat_after = _flatten(before), _flatten(after)
    keys = [k for k in dict.fromkeys([*flat_before, *flat_after]) if flat_before.get(k) != flat_after.get(k)]
    return "; ".join(f"{k}: {_value(flat_before.get(k))} → {_value(flat_after.get(k))}" for k in keys) or "="


def _flatten(value: dict, prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, item in value.items():
        if isinstance(item, dict) and key == "meta":
            flat.update(_flatten(item))
        else:
            flat[prefix + key] = item
    return flat


def _fields(value: Any) -> str:
    if not isinstance(value, dict):
        return "" if value is None else short(str(value), 80)
    shown = [f"{k}={_value(v)}" for k, v in value.items() if k not in ("sha256", "terms") and v not in (None, "", [])]
    return short(" ".join(shown), 120)


def _value(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return short(str(value))


# Undo -----------------------------------------------------------------------------------------------


def may_undo(coder: Coder | None, team: bool) -> bool:
    """Only the project's owner may undo. Without team mode nobody logs in: the local user is the owner.

    (Listing the log is for the owner too, in team mode: it shows codings a blind round hides.)
    """
    return not team or (coder is not None and coder.active and coder.role in access.ALLOWED["manage"])


def undo(session: Session, event_id: int, actor: str | None = None) -> dict[str, Any]:
    """Undo the change of AuditEvent ``event_id`` as ``actor`` (see the module's rules); the new event."""
    # Locked: two people undoing the same event at once are served one after the other (PostgreSQL).
    event = session.get(AuditEvent, event_id, with_for_update=True)
    if event is None:
        raise QcoderError(f"审计日志中没有事件 #{event_id}", f"there is no event #{event_id} in the audit log")
    person = _undoer(session, actor)
    undone_by = undone_map(session, event.id).get(event.id)
    if undone_by is not None:
        raise _refusal(event, f"它已被事件 #{undone_by} 撤销", f"it was undone already by event #{undone_by}")
    changes = _plan(session, event)
    _check_later_events(session, event, changes)
    done = _apply(session, event, changes)
    row = AuditEvent(
        coder_id=person.id,
        action="undo",
        entity=event.entity,
        entity_id=event.entity_id,
        before={"changes": [{"entity": c.entity, "id": c.id, "state": c.expect} for c in done]},
        after={"undoes": event.id, "changes": [{"entity": c.entity, "id": c.id, "state": c.target} for c in done]},
    )
    session.add(row)
    session.flush()
    return {"id": row.id, "undoes": event.id, "changes": [{"entity": c.entity, "id": c.id} for c in done]}


def _undoer(session: Session, actor: str | None) -> Coder:
    team = access.team_mode(session)
    if team:
        name = (actor or "").strip() or default_coder_name()
        person = session.exec(select(Coder).where(Coder.name == name)).first()
    else:
        person = coder_named(session, actor)
    if not may_undo(person, team):
        who = person.name if person else actor
        role = person.role if person else "—"
        raise QcoderError(
            f"只有项目所有者可以撤销更改（{who} 的角色为 {role}）",
            f"only the project's owner may undo changes ({who} is {role})",
        )
    return person


def _refusal(event: AuditEvent, zh: str, en: str) -> QcoderError:
    what = f"#{event.id}（{event.action} {event.entity} {event.entity_id}）"
    what_en = f"#{event.id} ({event.action} {event.entity} {event.entity_id})"
    return QcoderError(f"不能撤销事件 {what}：{zh}", f"cannot undo event {what_en}: {en}")


@dataclass
class Change:
    """One row put back: it must be in state ``expect`` now (None: absent) and is put in ``target``."""

    entity: str
    id: str
    expect: dict | None
    target: dict | None
    primary: bool = True  # a later event on this row refuses the undo (memos and links ride along)


def _plan(session: Session, event: AuditEvent) -> list[Change]:
    """The rows an undo of ``event`` puts back, or a refusal saying why this kind of change cannot be."""
    entity, action, before, after = event.entity, event.action, event.before, event.after
    if action == "undo":
        states = zip((after or {}).get("changes", []), (before or {}).get("changes", []), strict=True)
        return [Change(a["entity"], str(a["id"]), a["state"], b["state"]) for a, b in states]
    if not kind_undoable(event):
        raise _refusal(event, *_why_not(event))
    if entity == "coding":
        return _plan_coding(session, event)
    if entity == "claim" and action == "delete":
        return [Change("claim", event.entity_id, None, {**before, "coder_id": _claim_author(session, event)})]
    if action == "create":
        return [Change(entity, event.entity_id, after, None)]
    if action == "delete":
        return [Change(entity, event.entity_id, None, before)]
    return [Change(entity, event.entity_id, after, before)]  # source metadata, the fieldwork window


def _why_not(event: AuditEvent) -> tuple[str, str]:
    if event.action == "import":
        return "导入不能撤销", "imports cannot be undone"
    if event.action == "tag":
        return "编码建议的生成不能撤销（可逐条拒绝建议）", "tagging cannot be undone (reject the suggestions instead)"
    if event.action == retag_report.ACTION:
        return (
            "重新标注不能撤销：它只改动了标注器自己的待审建议（可逐条拒绝建议）",
            "a re-tag cannot be undone: it changed only the tagger's own pending suggestions (reject them instead)",
        )
    if event.action == "train":
        return (
            "训练不能撤销：可选择仅用关键词（qcoder suggester keywords）或再次训练",
            "training cannot be undone: use keywords only (qcoder suggester keywords) or train again",
        )
    if event.entity in ("code", "suggestions"):
        return (
            "编码簿同步不能撤销：请修改 codebook.yaml 后再同步",
            "codebook syncs cannot be undone: edit codebook.yaml and sync it again",
        )
    if event.entity in ("user", "login", "round") or event.entity_id == "team_mode":
        return (
            "成员、团队模式和轮次请用 qcoder user / team / round 修改",
            "people, team mode and rounds are changed with qcoder user / team / round",
        )
    if event.entity == "consensus_link":
        return (
            "它是共识编码的一部分：请撤销该共识编码的创建",
            "it is part of a consensus coding: undo that coding's creation",
        )
    if event.entity == "mask":
        return (
            "屏蔽名单的更改请在屏蔽名单中修改（导出页，或 qcoder mask）",
            "the mask list is changed on the mask list itself (the Export page, or qcoder mask)",
        )
    if event.entity == "framework_summary":
        return "框架摘要请在分析页的框架矩阵中修改", "framework summaries are changed in the Analysis page's matrix"
    what = _ENTITY_ZH.get(event.entity, event.entity)
    return (
        f"这类更改（{what}）不支持撤销",
        f"undo does not cover this kind of change ({event.action} of a {event.entity})",
    )


def _plan_coding(session: Session, event: AuditEvent) -> list[Change]:
    coding_id, action, before, after = event.entity_id, event.action, event.before, event.after
    if action == "create":  # its memos and consensus links go with it
        memos = session.exec(select(Memo).where(Memo.coding_id == int(coding_id)).order_by(Memo.id)).all()
        links = session.exec(select(ConsensusLink).where(ConsensusLink.consensus_id == int(coding_id))).all()
        return [
            Change("coding", coding_id, after, None),
            *(Change("memo", str(m.id), snapshot(m), None, primary=False) for m in memos),
            *(Change("consensus_link", _link_id(k), snapshot(k), None, primary=False) for k in links),
        ]
    if action == "delete":  # the memos deleted in the same change come back with it
        return [Change("coding", coding_id, None, before), *_memos_deleted_with(session, event)]
    if action == "recode":  # the new coding goes, and the suggestion it replaced is a suggestion again
        changes = [Change("coding", coding_id, after, None)]
        rejected = _previous_event(session, "coding", str(before["id"]), event.id)
        if rejected is not None and rejected.action == "reject" and _same("coding", rejected.after, before):
            changes.append(Change("coding", str(before["id"]), before, rejected.before))
        return changes
    merged = after is not None and "merged_into" in after  # a redundant suggestion was removed
    return [Change("coding", coding_id, None if merged else after, before)]


def _memos_deleted_with(session: Session, event: AuditEvent) -> list[Change]:
    """Memo deletions recorded with a coding's deletion: after the coding's previous event, by the same
    person, of memos on that coding (a memo is only ever deleted with its coding)."""
    previous = _previous_event(session, "coding", event.entity_id, event.id)
    rows = session.exec(
        select(AuditEvent).where(
            AuditEvent.entity == "memo",
            AuditEvent.action == "delete",
            AuditEvent.id < event.id,
            AuditEvent.id > (previous.id if previous else 0),
            AuditEvent.coder_id == event.coder_id,
        )
    ).all()
    return [
        Change("memo", m.entity_id, None, m.before, primary=False)
        for m in rows
        if m.before and str(m.before.get("coding_id")) == event.entity_id and not m.before.get("alone")
    ]


def _previous_event(session: Session, entity: str, entity_id: str, before_id: int) -> AuditEvent | None:
    return session.exec(
        select(AuditEvent)
        .where(AuditEvent.entity == entity, AuditEvent.entity_id == entity_id, AuditEvent.id < before_id)
        .order_by(AuditEvent.id.desc())
    ).first()


def _claim_author(session: Session, event: AuditEvent) -> int | None:
    created = session.exec(
        select(AuditEvent.coder_id).where(
            AuditEvent.entity == "claim", AuditEvent.entity_id == event.entity_id, AuditEvent.action == "create"
        )
    ).first()
    return created or event.coder_id


def _check_later_events(session: Session, event: AuditEvent, changes: list[Change]) -> None:
    """A row the undo would put back was changed by a later event: that one has to be undone first.

    A later change that was undone, and the undo that undid it, cancel out: undoing the newest change,
    then the one before, steps back through a row's history.
    """
    undone = undone_map(session, event.id)
    for change in changes:
        if not change.primary or change.expect is None:  # a deleted row cannot change; its id may be reused
            continue
        later = [
            (row, name)
            for row, name in session.exec(
                select(AuditEvent, Coder.name)
                .outerjoin(Coder, Coder.id == AuditEvent.coder_id)
                .where(AuditEvent.entity == change.entity, AuditEvent.entity_id == change.id, AuditEvent.id > event.id)
                .order_by(AuditEvent.id)
            ).all()
            if row.id not in undone and not (row.action == "undo" and (row.after or {}).get("undoes", 0) > event.id)
        ]
        if later:
            row, name = later[0]
            raise _refusal(
                event,
                f"{_label_zh(change)}之后又被事件 #{row.id}（{row.action}，{name or '—'}）更改；请先撤销那次更改",
                f"{_label_en(change)} was changed afterwards by event #{row.id} ({row.action}, {name or '—'}); "
                "undo that change first",
            )


def _label_zh(change: Change) -> str:
    return f"{_ENTITY_ZH.get(change.entity, change.entity)} {_numbered(change.id)} "


def _label_en(change: Change) -> str:
    return f"{change.entity} {_numbered(change.id)}"


def _numbered(entity_id: str) -> str:
    return f"#{entity_id}" if entity_id.isdigit() else entity_id


_ENTITY_ZH = {
    "coding": "编码",
    "memo": "备忘",
    "claim": "论断",
    "source": "来源",
    "setting": "设置",
    "consensus_link": "共识关联",
}


def _apply(session: Session, event: AuditEvent, changes: list[Change]) -> list[Change]:
    """Check every row is as the event left it, then put them back: rows that come back or change first
    (a coding before its memos), rows that go last and in reverse (memos before their coding).
    Returns the changes as done, with the states read back and any new id."""
    ids: dict[tuple[str, str], str] = {}
    for change in changes:
        current = ENTITY[change.entity].read(session, change.id)
        if change.expect is None and current is not None:
            if change.entity in ("coding", "memo", "claim"):
                ids[(change.entity, change.id)] = ""  # the id is taken by another row now: a new id
                continue
            raise _refusal(event, f"{_label_zh(change)}已经存在", f"{_label_en(change)} exists already")
        if not _same(change.entity, current, change.expect):
            raise _refusal(
                event,
                f"{_label_zh(change)}在此之后已被更改（现在：{_state_text(change.entity, current)}）",
                f"{_label_en(change)} has changed since (now: {_state_text(change.entity, current)})",
            )
    done: list[Change] = []
    try:
        for change in (c for c in changes if c.target is not None):
            target = _with_new_ids(change, ids)
            new_id = ENTITY[change.entity].write(session, event, change.id, target, (change.entity, change.id) in ids)
            ids[(change.entity, change.id)] = new_id
            done.append(Change(change.entity, new_id, change.expect, ENTITY[change.entity].read(session, new_id)))
        for change in reversed([c for c in changes if c.target is None]):
            ENTITY[change.entity].write(session, event, change.id, None, False)
            done.append(Change(change.entity, change.id, change.expect, None))
        session.flush()
    except IntegrityError:
        raise _refusal(
            event,
            "另一会话刚刚写入了相同的编码或编号；请刷新后再试",
            "another session has just written the same coding or id; reload and try again",
        ) from None
    order = {(c.entity, c.id): i for i, c in enumerate(changes)}
    return sorted(done, key=lambda c: order.get((c.entity, c.id), len(order)))


def _with_new_ids(change: Change, ids: dict[tuple[str, str], str]) -> dict:
    """A memo or consensus link coming back follows its coding to the coding's new id."""
    target = dict(change.target)
    for key in ("coding_id", "consensus_id", "original_id"):
        new = ids.get(("coding", str(target.get(key))))
        if target.get(key) is not None and new:
            target[key] = int(new)
    return target


def _same(entity: str, current: dict | None, expected: dict | None) -> bool:
    if current is None or expected is None:
        return current is None and expected is None
    keys = ENTITY[entity].keys
    if entity == "claim":
        return current["text"] == expected.get("text") and all(
            sorted(current[k] or []) == sorted(expected.get(k) or []) for k in ("codes", "codings")
        )
    return all(current.get(k) == expected.get(k) for k in keys)


def _state_text(entity: str, state: dict | None) -> str:
    if state is None:
        return "已删除 / deleted"
    return summary(entity, "create", None, redacted(entity, state))


# Reading and writing each kind of row ----------------------------------------------------------------


def _read_coding(session: Session, coding_id: str) -> dict | None:
    return snapshot(session.get(Coding, int(coding_id), with_for_update=True, populate_existing=True))


def _write_coding(session: Session, event: AuditEvent, coding_id: str, state: dict | None, new_id: bool) -> str:
    row = None if new_id else session.get(Coding, int(coding_id))
    if state is None:
        _refuse_if_evidence(session, event, int(coding_id))
        _refuse_if_resolved(session, event, int(coding_id))
        session.delete(row)
        session.flush()
        return coding_id
    code = session.get(Code, state["code_id"])
    if code is None or code.parent_id is None:
        raise _refusal(
            event,
            f"代码 {state['code_id']} 已不在编码簿中",
            f"code {state['code_id']} is no longer in the codebook",
        )
    if session.get(Source, state["source_id"]) is None:
        raise _refusal(event, f"来源 {state['source_id']} 已不存在", f"source {state['source_id']} no longer exists")
    fields = {k: state[k] for k in ("source_id", "code_id", "start", "end", "status", "origin", "coder_id")}
    fields |= {"score": state.get("score"), "terms": state.get("terms") or [], "updated_at": utcnow()}
    fields["codebook_version"] = state.get("codebook_version")
    if row is not None and state["status"] not in EVIDENCE:
        _refuse_if_evidence(session, event, row.id)
    if row is None:  # back from deletion, under its own id when that is free
        row = Coding(
            **({} if new_id else {"id": int(coding_id)}),
            **fields,
            version=(state.get("version") or 0) + 1,
            created_at=_when(state.get("created_at")),
        )
    else:
        for key, value in fields.items():
            setattr(row, key, value)
        row.version += 1
    session.add(row)
    session.flush()
    return str(row.id)


def _refuse_if_evidence(session: Session, event: AuditEvent, coding_id: int) -> None:
    """A claim resting on the coding would lose its evidence without anyone noticing."""
    claims = sorted(set(session.exec(select(ClaimLink.claim_id).where(ClaimLink.coding_id == coding_id)).all()))
    if claims:
        listed = ", ".join(map(str, claims))
        raise _refusal(
            event,
            f"编码 #{coding_id} 是论断 {listed} 的证据，请先从论断中移除",
            f"coding #{coding_id} is evidence for claim {listed}; remove it from the claim first",
        )


def _refuse_if_resolved(session: Session, event: AuditEvent, coding_id: int) -> None:
    resolved = session.exec(select(ConsensusLink.consensus_id).where(ConsensusLink.original_id == coding_id)).first()
    if resolved is not None:
        raise _refusal(
            event,
            f"编码 #{coding_id} 已由共识编码 #{resolved} 处理",
            f"coding #{coding_id} is resolved by consensus coding #{resolved}",
        )


def _when(value: str | None) -> dt.datetime:
    return as_utc(dt.datetime.fromisoformat(value)) if value else utcnow()


def _read_memo(session: Session, memo_id: str) -> dict | None:
    return snapshot(session.get(Memo, int(memo_id), with_for_update=True, populate_existing=True))


def _write_memo(session: Session, event: AuditEvent, memo_id: str, state: dict | None, new_id: bool) -> str:
    row = None if new_id else session.get(Memo, int(memo_id))
    if state is None:
        session.delete(row)
        session.flush()
        return memo_id
    if row is not None:  # an edit undone: the text goes back, the memo stays where it is
        row.text = state["text"]
        session.add(row)
        session.flush()
        return memo_id
    if state.get("source_id") is not None and session.get(Source, state["source_id"]) is None:
        source = state["source_id"]
        raise _refusal(event, f"备忘所属的来源 {source} 已不存在", f"the memo's source {source} no longer exists")
    if state.get("coding_id") is not None and session.get(Coding, state["coding_id"]) is None:
        raise _refusal(
            event,
            f"备忘所属的编码 #{state['coding_id']} 已不存在；撤销该编码的删除会一并恢复它的备忘",
            f"the memo's coding #{state['coding_id']} no longer exists; undoing that coding's deletion brings "
            "its memos back too",
        )
    fields = {k: state.get(k) for k in ("coder_id", "coding_id", "source_id", "code_id", "text")}
    if fields["code_id"] is not None and session.get(Code, fields["code_id"]) is None:
        fields["code_id"] = None  # the code left the codebook (a sync clears memos' codes the same way)
    memo = Memo(**({} if new_id else {"id": int(memo_id)}), **fields, created_at=_when(state.get("created_at")))
    session.add(memo)
    session.flush()
    return str(memo.id)


def _read_claim(session: Session, claim_id: str) -> dict | None:
    claim = session.get(Claim, int(claim_id), with_for_update=True, populate_existing=True)
    if claim is None:
        return None
    links = session.exec(select(ClaimLink).where(ClaimLink.claim_id == claim.id).order_by(ClaimLink.id)).all()
    return {
        "id": claim.id,
        "text": claim.text,
        "codes": [link.code_id for link in links if link.code_id],
        "codings": [link.coding_id for link in links if link.coding_id],
        "coder_id": claim.coder_id,
    }


def _write_claim(session: Session, event: AuditEvent, claim_id: str, state: dict | None, new_id: bool) -> str:
    if state is None:
        session.exec(delete(ClaimLink).where(ClaimLink.claim_id == int(claim_id)))
        session.delete(session.get(Claim, int(claim_id)))
        session.flush()
        return claim_id
    codes, codings = list(dict.fromkeys(state.get("codes") or [])), list(dict.fromkeys(state.get("codings") or []))
    known = set(session.exec(select(Code.id).where(Code.id.in_(codes))).all()) if codes else set()
    evidence = session.exec(select(Coding.id).where(Coding.id.in_(codings), Coding.status.in_(EVIDENCE))).all()
    missing = [c for c in codes if c not in known] + [f"#{c}" for c in codings if c not in set(evidence)]
    if missing:
        listed = ", ".join(missing)
        raise _refusal(
            event,
            f"论断的证据 {listed} 已不存在或不再是证据",
            f"the claim's evidence {listed} no longer exists or is no longer evidence",
        )
    claim = Claim(**({} if new_id else {"id": int(claim_id)}), text=state["text"], coder_id=state.get("coder_id"))
    session.add(claim)
    session.flush()
    session.add_all(ClaimLink(claim_id=claim.id, code_id=code) for code in codes)
    session.add_all(ClaimLink(claim_id=claim.id, coding_id=coding) for coding in codings)
    session.flush()
    return str(claim.id)


def _read_source(session: Session, source_id: str) -> dict | None:
    source = session.get(Source, source_id, with_for_update=True, populate_existing=True)
    if source is None:
        return None
    return {"title": source.title, "date": source.date.isoformat() if source.date else None, "meta": dict(source.meta)}


def _write_source(session: Session, event: AuditEvent, source_id: str, state: dict | None, _new_id: bool) -> str:
    source = session.get(Source, source_id)
    source.title = state.get("title")
    source.date = dt.date.fromisoformat(state["date"]) if state.get("date") else None
    source.meta = dict(state.get("meta") or {})
    session.add(source)
    session.flush()
    return source_id


def _read_setting(session: Session, key: str) -> dict | None:
    return {"window": [v.isoformat() if v else None for v in fieldwork(session)]}


def _write_setting(session: Session, event: AuditEvent, key: str, state: dict | None, _new_id: bool) -> str:
    for name, value in zip(FIELDWORK, (state or {}).get("window") or [None, None], strict=True):
        row = session.get(Setting, name)
        if value is None and row is not None:
            session.delete(row)
        elif value is not None:
            row = row or Setting(key=name, value=value)
            row.value = value
            session.add(row)
    session.flush()
    return key


def _link_id(link: ConsensusLink) -> str:
    return f"{link.consensus_id}:{link.original_id}"


def _read_link(session: Session, link_id: str) -> dict | None:
    consensus_id, original_id = map(int, link_id.split(":"))
    return snapshot(session.get(ConsensusLink, (consensus_id, original_id)))


def _write_link(session: Session, event: AuditEvent, link_id: str, state: dict | None, _new_id: bool) -> str:
    if state is None:
        session.delete(session.get(ConsensusLink, tuple(map(int, link_id.split(":")))))
        session.flush()
        return link_id
    if session.get(Coding, state["original_id"]) is None:
        raise _refusal(
            event, f"原始编码 #{state['original_id']} 已不存在", f"original coding #{state['original_id']} is gone"
        )
    link = ConsensusLink(consensus_id=state["consensus_id"], original_id=state["original_id"])
    session.add(link)
    session.flush()
    return _link_id(link)


@dataclass(frozen=True)
class _Kind:
    read: Callable[[Session, str], dict | None]
    write: Callable[[Session, AuditEvent, str, dict | None, bool], str]
    keys: tuple[str, ...]  # what must be equal for a row to be "as the event left it" (its content, not a
    # coding's version: an undo moves the version on, and a row is back as it was when its content is)


ENTITY = {
    "coding": _Kind(
        _read_coding, _write_coding, ("source_id", "code_id", "start", "end", "status", "origin", "coder_id")
    ),
    "memo": _Kind(_read_memo, _write_memo, ("coder_id", "coding_id", "source_id", "code_id", "text")),
    "claim": _Kind(_read_claim, _write_claim, ("text", "codes", "codings")),
    "source": _Kind(_read_source, _write_source, ("title", "date", "meta")),
    "setting": _Kind(_read_setting, _write_setting, ("window",)),
    "consensus_link": _Kind(_read_link, _write_link, ("consensus_id", "original_id")),
}
