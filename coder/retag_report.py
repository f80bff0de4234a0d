"""What a re-tag did, kept where a person will look: an audit event per run, and a sentence about it.

A re-tag often runs where nobody watches it — the background ``qcoder train --retag`` the Coding page
starts, or the command line — and withdraws or re-scores suggestions in sources nobody has open. Each
run of coder.tagging.tag that re-tagged or deferred a source stores its report as an AuditEvent
(action ``retag``, entity ``suggestions``, entity ID the suggester: ``keywords`` or the model's
version) whose ``after`` is::

    {"added": 12, "rescored": 30, "withdrawn": 5,
     "by_source": {"20240115MJQ": {"added": 0, "rescored": 4, "withdrawn": 3}, ...},
     "deferred": ["20240301BCH"], "changed_open": [], "model": "suggester-0003",
     "forced": false, "sources": 9, "pairs": 120}

``by_source`` holds only the sources where something changed. The app reads the reports back
(:func:`reports`) and says them in words (:func:`describe`); the History page lists them with the rest
of the log. They cannot be undone: the suggestions they changed are the tagger's, and rejecting one is
how a person disagrees with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlmodel import Session, select

from coder.audit import TAGGER, coder_named
from coder.db.models import AuditEvent, as_utc

if TYPE_CHECKING:
    from coder.tagging import TagReport

ACTION = "retag"
ENTITY = "suggestions"
LISTED = 5  # sources named in a sentence; the rest are counted


def store(session: Session, report: TagReport, forced: bool = False) -> int:
    """Keep ``report`` as an audit event of the tagger's; its id."""
    event = AuditEvent(
        coder_id=coder_named(session, TAGGER).id,
        action=ACTION,
        entity=ENTITY,
        entity_id=report.suggester,
        after={
            "added": report.added,
            "rescored": report.rescored,
            "withdrawn": report.removed,
            "by_source": {source: dict(counts) for source, counts in sorted(report.by_source.items())},
            "deferred": list(report.deferred),
            "changed_open": list(report.changed_open),
            "model": report.suggester,
            "forced": forced,
            "sources": report.sources,
            "pairs": report.pairs,
        },
    )
    session.add(event)
    session.flush()
    return event.id


def reports(session: Session, since_event: int | None = None, limit: int = 20) -> list[dict[str, Any]]:
    """The stored re-tag reports newest first, only those after event ``since_event`` when given."""
    query = select(AuditEvent).where(AuditEvent.entity == ENTITY, AuditEvent.action == ACTION)
    if since_event is not None:
        query = query.where(AuditEvent.id > since_event)
    rows = session.exec(query.order_by(AuditEvent.id.desc()).limit(max(limit, 0))).all()
    return [as_report(row.id, as_utc(row.at).isoformat(timespec="seconds"), row.after) for row in rows]


def as_report(event_id: int, at: str, after: dict | None) -> dict[str, Any]:
    """One stored report as plain data, every key present (older or partial events included)."""
    after = after or {}
    return {
        "id": event_id,
        "at": at,
        "added": int(after.get("added", 0)),
        "rescored": int(after.get("rescored", 0)),
        "withdrawn": int(after.get("withdrawn", 0)),
        "by_source": dict(after.get("by_source") or {}),
        "deferred": list(after.get("deferred") or []),
        "changed_open": list(after.get("changed_open") or []),
        "model": after.get("model") or "keywords",
    }


def describe(report: dict[str, Any], open_source: str | None = None) -> tuple[str, str]:
    """``report`` (from :func:`reports`, or an event's ``after``) as one sentence in Chinese and English.

    ``open_source`` is the source open where the sentence is shown: if the re-tag left it alone it is
    named as "open here", the other deferred ones as open elsewhere."""
    added, rescored, withdrawn = (int(report.get(k, 0)) for k in ("added", "rescored", "withdrawn"))
    model = report.get("model") or "keywords"
    zh = "重新标注完成" + ("" if model == "keywords" else f"（模型 {model}）") + "："
    en = "Re-tagging done" + ("" if model == "keywords" else f" (model {model})") + ": "
    if not (added or rescored or withdrawn):
        zh, en = zh + "建议没有变动", en + "no suggestion changed"
    else:
        zh += f"新增 {added} 条建议，重新评分 {rescored} 条，撤回 {withdrawn} 条"
        en += f"{_n(added, 'suggestion')} added, {rescored} re-scored, {withdrawn} withdrawn"
        by_source = report.get("by_source") or {}
        losing = sorted(
            ((s, int(c.get("withdrawn", 0))) for s, c in by_source.items() if c.get("withdrawn")),
            key=lambda pair: (-pair[1], pair[0]),
        )
        if losing:
            shown, more = losing[:LISTED], len(losing) - LISTED
            rest_zh = f" 等 {len(losing)} 个来源" if more > 0 else ""
            rest_en = f" and {_n(more, 'more source')}" if more > 0 else ""
            zh += "（" + "、".join(f"{s} 撤回 {n}" for s, n in shown) + rest_zh + "）"
            en += " (" + ", ".join(f"{n} in {s}" for s, n in shown) + rest_en + ")"
    deferred = list(report.get("deferred") or [])
    here = open_source is not None and open_source in deferred
    others = [s for s in deferred if s != open_source]
    if here and others:
        zh += f"；当前打开的 {open_source} 及其他浏览器中打开的 {_list_zh(others)}未改动，留待下次"
        en += f"; {open_source}, open here, and {_list_en(others)}, open in other browsers, were left unchanged"
        en += " for next time"
    elif here:
        zh += f"；当前打开的 {open_source} 未改动，留待下次"
        en += f"; {open_source}, open here, was left unchanged for next time"
    elif others:
        where_zh, where_en = ("其他浏览器中", "another browser") if open_source else ("浏览器中", "a browser")
        zh += f"；{where_zh}打开的 {_list_zh(others)}未改动，留待下次"
        en += f"; {_list_en(others)}, open in {where_en}, {_was(others)} left unchanged for next time"
    changed_open = list(report.get("changed_open") or [])
    if changed_open:
        zh += f"；{_list_zh(changed_open)}虽在浏览器中打开，也已重新标注"
        en += f"; {_list_en(changed_open)} {_was(changed_open)} re-tagged although open in a browser"
    return zh, en


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _was(items: list[str]) -> str:
    return "was" if len(items) == 1 else "were"


def _list_zh(items: list[str]) -> str:
    listed = "、".join(items[:LISTED])
    return f"{listed} 等 {len(items)} 个来源" if len(items) > LISTED else f"{listed} "


def _list_en(items: list[str]) -> str:
    listed = ", ".join(items[:LISTED])
    return f"{listed} and {_n(len(items) - LISTED, 'more source')}" if len(items) > LISTED else listed
