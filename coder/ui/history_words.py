"""Audit events said as sentences in the interface language: "马老师接受了建议 #376（能上能下）" /
"马老师 accepted suggestion #376 (Promotion and demotion …)".

The domain gives each event as data (``facts``, see coder.history_facts); here it becomes words. Every
function takes the language, so the Coding workbench's payload (built outside a page run's language
switch) says its undo the same way the History page does.
"""

from __future__ import annotations

from typing import Any

from coder.audit import TAGGER
from coder.ui.i18n import STRINGS
from coder.ui.text import code_name


def say(key: str, lang: str, **values: Any) -> str:
    """The string ``key`` in ``lang`` with ``values``; a value an event lacks (None) is said as nothing."""
    return STRINGS[key][lang].format(**{name: "" if value is None else value for name, value in values.items()})


def coder_label(name: str | None, lang: str) -> str:
    """A coder's name as the interface shows it: the tagger by what it is, nobody as empty."""
    if name == TAGGER:
        return say("coder_tagger", lang)
    return name or ""


def sentence(event: dict[str, Any], lang: str) -> str:
    """What the event did, as one sentence in ``lang``; a re-tag's report as coder.retag_report words it."""
    if event.get("words"):
        return event["words"][lang]
    facts = event.get("facts") or {"say": "other", "id": event.get("entity_id")}
    kind = facts.get("say", "other")
    who = coder_label(event.get("coder"), lang)
    values = {**facts, "who": who}
    speak = _SPECIAL.get(kind)
    if speak is not None:
        return speak(values, lang)
    key = f"hw_{kind}"
    if kind == "other" or key not in STRINGS:
        return _other(values, event, lang)
    if kind in _BARE and values.get(_BARE[kind]) in (None, ""):
        key += "_bare"  # the sentence without the clause the event has nothing for
    return say(key, lang, **_named(values, lang))


def what(event: dict[str, Any], lang: str) -> str:
    """The History table's "what" column: the kind of thing and which one, in ``lang``."""
    entity, entity_id = event["entity"], str(event["entity_id"])
    label = entity_label(entity, lang)
    if entity == "setting":
        key = f"hw_setting_name_{entity_id}"
        return f"{label} · {say(key, lang)}" if key in STRINGS else label
    if entity == "login":
        return f"{label} {entity_id.partition(':')[2] or entity_id}"
    if entity == "framework_summary":
        return label
    if entity == "suggestions" and entity_id == "keywords":  # a re-tag's suggester
        return f"{label} · {say('mode_keywords', lang)}"
    return f"{label} {'#' if entity_id.isdigit() else ''}{entity_id}"


def entity_label(entity: str, lang: str) -> str:
    key = f"hist_entity_{entity}"
    return say(key, lang) if key in STRINGS else entity


def action_label(action: str, lang: str) -> str:
    key = f"hist_action_{action}"
    return say(key, lang) if key in STRINGS else action


# Pieces -----------------------------------------------------------------------------------------------


def _code(facts: dict[str, Any], code_id: str | None, lang: str) -> str:
    if not code_id:
        return ""
    names = (facts.get("codes") or {}).get(code_id) or {}
    return code_name({"id": code_id, "name": names.get("name") or code_id, "name_en": names.get("name_en")}, lang)


def _named(values: dict[str, Any], lang: str) -> dict[str, Any]:
    """The facts with codes by name, the code's id beside it, kinds and statuses in words."""
    named = dict(values)
    named["code_id"] = values.get("code") or ""
    named["code"] = _code(values, values.get("code"), lang)
    named["code_before"] = _code(values, values.get("code_before"), lang) or values.get("code_before") or ""
    if values.get("kind") in ("interview", "policy", "media"):
        named["kind"] = say(f"kind_{values['kind']}", lang)
    elif values.get("kind") in ("person", "place", "org"):
        named["kind"] = say(f"hw_mask_kind_{values['kind']}", lang)
    if values.get("role"):
        named["role"] = say(f"role_{values['role']}", lang) if f"role_{values['role']}" in STRINGS else values["role"]
    if values.get("rows"):  # a framework cell: its row (a record ID, an organisation, a role or a kind)
        row = values.get("row") or ""
        named["row"] = say(f"kind_{row}", lang) if values["rows"] == "kind" and f"kind_{row}" in STRINGS else row
    return named


def _coded(values: dict[str, Any], lang: str) -> str:
    key = "hw_coded_consensus" if values.get("consensus") else "hw_coded"
    return say(key, lang, **_named(values, lang))


def _accepted(values: dict[str, Any], lang: str) -> str:
    named = _named(values, lang)
    if values.get("merged_into"):
        return say("hw_accepted_merged", lang, **named)
    return say("hw_accepted", lang, **named)


def _coding_changed(values: dict[str, Any], lang: str) -> str:
    changed, parts = values.get("changed") or {}, []
    if "span" in changed:
        (a, b), (c, d) = changed["span"]
        parts.append(say("hw_change_span", lang, a=a, b=b, c=c, d=d))
    if "code" in changed:
        before, after = (_code(values, code, lang) for code in changed["code"])
        parts.append(say("hw_change_code", lang, before=before, after=after))
    if "status" in changed:
        before, after = (_status(s, lang) for s in changed["status"])
        parts.append(say("hw_change_status", lang, before=before, after=after))
    if "coder" in changed:
        before, after = (coder_label(n, lang) for n in changed["coder"])
        parts.append(say("hw_change_coder", lang, before=before, after=after))
    named = _named(values, lang)
    return say("hw_coding_changed", lang, **{**named, "changes": say("clause_sep", lang).join(parts)})


def _undid(values: dict[str, Any], lang: str) -> str:
    parts = [
        say("hw_undo_restored" if c["restored"] else "hw_undo_removed", lang,
            entity=entity_label(c["entity"], lang).lower() if lang == "en" else entity_label(c["entity"], lang),
            id=c["id"])
        for c in values.get("changes") or []
    ]  # fmt: skip
    key = "hw_undid" if values.get("undoes") is not None else "hw_undid_bare"
    return say(key, lang, who=values["who"], undoes=values.get("undoes"), changes=say("clause_sep", lang).join(parts))


def _code_changed(values: dict[str, Any], lang: str) -> str:
    fields = [say(f"hw_field_{f}", lang) for f in values.get("fields") or [] if f"hw_field_{f}" in STRINGS]
    named = _named(values, lang)
    return say(
        "hw_code_changed", lang, **{**named, "fields": say("list_sep", lang).join(fields) or say("hw_field_some", lang)}
    )


def _memo(values: dict[str, Any], lang: str) -> str:
    on = values.get("on", "project")
    target = _code(values, values.get("target"), lang) if on == "code" else values.get("target")
    named = _named(values, lang)
    return say(f"hw_{values['say']}", lang, **{**named, "on": say(f"hw_on_{on}", lang, target=target)})


def _claim(values: dict[str, Any], lang: str) -> str:
    links = [_code(values, c, lang) for c in values.get("code_list") or []]
    links += [f"#{c}" for c in values.get("codings") or []]
    named = _named(values, lang)
    return say(f"hw_{values['say']}", lang, **{**named, "links": say("list_sep", lang).join(links)})


def _tagged(values: dict[str, Any], lang: str) -> str:
    line = say("hw_tagged", lang, **values)
    if values.get("removed") or values.get("rescored"):
        line += say("hw_tagged_more", lang, **values)
    return line


def _metadata(values: dict[str, Any], lang: str) -> str:
    parts = []
    for change in values.get("changes") or []:
        key = f"meta_{change['field']}"
        field = say(key, lang) if key in STRINGS else change["field"]
        if not change["before"]:
            parts.append(say("hw_meta_set", lang, field=field, after=change["after"]))
        elif not change["after"]:
            parts.append(say("hw_meta_cleared", lang, field=field, before=change["before"]))
        else:
            parts.append(say("hw_meta_changed", lang, field=field, before=change["before"], after=change["after"]))
    return say("hw_metadata", lang, who=values["who"], id=values["id"], changes=say("clause_sep", lang).join(parts))


def _fieldwork(values: dict[str, Any], lang: str) -> str:
    window = values.get("window")
    if not window:
        return say("hw_fieldwork_cleared", lang, who=values["who"])
    return say("hw_fieldwork", lang, who=values["who"], start=window[0], end=window[1])


def _switch(name: str) -> Any:
    def speak(values: dict[str, Any], lang: str) -> str:
        on = values.get("value") in ("on", "true", True)
        return say(f"hw_{name}_{'on' if on else 'off'}", lang, who=values["who"])

    return speak


def _suggester(values: dict[str, Any], lang: str) -> str:
    key = f"mode_{values.get('value')}"
    mode = say(key, lang) if key in STRINGS else str(values.get("value") or "")
    return say("hw_setting_suggester", lang, who=values["who"], value=mode)


def _login(values: dict[str, Any], lang: str) -> str:
    name = str(values.get("id") or "").partition(":")[2] or str(values.get("id") or "")
    return say(f"hw_{values['say']}", lang, who=values["who"], name=name)


def _other(values: dict[str, Any], event: dict[str, Any], lang: str) -> str:
    return say("hw_other", lang, who=values["who"], action=action_label(event["action"], lang),
               what=what(event, lang))  # fmt: skip


def _status(status: str | None, lang: str) -> str:
    key = f"status_{status}"
    return say(key, lang) if key in STRINGS else str(status or "")


# Sentences with a clause an event may have nothing for (an old event, written before the field was kept):
# the kind of sentence → the field; without it the sentence is said without the clause (``hw_…_bare``).
_BARE = {"user_added": "role", "user_changed": "role", "round_opened": "name", "imported": "kind",
         "stopwords": "count"}  # fmt: skip

_SPECIAL = {
    "coded": _coded,
    "accepted": _accepted,
    "coding_changed": _coding_changed,
    "undid": _undid,
    "code_changed": _code_changed,
    "memo_written": _memo,
    "memo_edited": _memo,
    "memo_deleted": _memo,
    "claim_made": _claim,
    "claim_deleted": _claim,
    "tagged": _tagged,
    "metadata": _metadata,
    "fieldwork": _fieldwork,
    "setting_suggester": _suggester,
    "setting_suggester_auto": _switch("auto_retrain"),
    "setting_team_mode": _switch("team_mode"),
    "login_failed": _login,
    "login_locked": _login,
    "login_unlocked": _login,
}
