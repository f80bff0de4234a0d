"""What an audit event did, as data a page turns into a sentence in its own language.

:func:`facts` reads one event's action, entity, before and after (already without real names, see
coder.history) and returns a plain dict: ``say``, the kind of sentence (``accepted``, ``coded``,
``undid``, ``metadata`` …), and the values it needs — ids, the code and its names, the source, what
changed. Codes come with their Chinese and English names (``codes``: id → {name, name_en}), read from
the codebook or, for a code removed since, from the event itself, so the interface can name a code in
its language. No words of any language are made here: that is the interface's part (coder/ui).
"""

from __future__ import annotations

from typing import Any

MEMO_TEXT = 40  # characters of a memo, claim or summary quoted in a sentence
CODE_FIELDS = ("name", "name_en", "keywords", "exclude", "definition", "brief", "when_to_use", "when_not_to_use",
               "example", "color", "parent_id", "position")  # fmt: skip


def facts(
    entity: str,
    action: str,
    entity_id: str,
    before: Any,
    after: Any,
    names: dict[int, str],
    codes: dict[str, dict[str, str | None]],
) -> dict[str, Any]:
    """The event as data for a sentence (see the module); ``names`` maps coder ids to names and ``codes``
    code ids to {name, name_en}."""
    before = before if isinstance(before, dict) else None
    after = after if isinstance(after, dict) else None
    found = _facts(entity, action, entity_id, before, after, names)
    found.setdefault("id", entity_id)
    found["entity"], found["action"] = entity, action
    found["codes"] = _code_names(found, codes, before, after, entity)
    return found


def _facts(
    entity: str, action: str, entity_id: str, before: dict | None, after: dict | None, names: dict[int, str]
) -> dict[str, Any]:
    if action == "undo" and after is not None:
        changes = [
            {"entity": c.get("entity"), "id": str(c.get("id")), "restored": c.get("state") is not None}
            for c in after.get("changes", [])
        ]
        return {"say": "undid", "undoes": after.get("undoes"), "changes": changes}
    handler = _BY_ENTITY.get(entity)
    found = handler(action, entity_id, before, after, names) if handler else None
    return found or {"say": "other"}


def _coding(action: str, entity_id: str, before: dict | None, after: dict | None, names: dict[int, str]) -> dict:
    coding = after if after and "source_id" in after else before or {}
    where = {"code": coding.get("code_id"), "source": coding.get("source_id"),
             "span": [coding.get("start"), coding.get("end")]}  # fmt: skip
    if action in ("accept", "reject"):
        merged = (after or {}).get("merged_into")
        return {"say": "accepted" if action == "accept" else "rejected", **where,
                **({"merged_into": merged} if merged else {})}  # fmt: skip
    if action == "recode" and before and after:
        return {"say": "recoded", "id": str(before.get("id") or entity_id), "code_before": before.get("code_id"),
                "code": after.get("code_id"), "source": after.get("source_id"), "new_id": after.get("id")}  # fmt: skip
    if action == "create":
        return {"say": "coded", **where, "consensus": coding.get("origin") == "consensus"}
    if action == "delete":
        return {"say": "deleted_coding", **where}
    if action == "update" and before and after:
        changed = {}
        if (before.get("start"), before.get("end")) != (after.get("start"), after.get("end")):
            changed["span"] = [[before.get("start"), before.get("end")], [after.get("start"), after.get("end")]]
        for key in ("code_id", "status"):
            if before.get(key) != after.get(key):
                changed[key.removesuffix("_id")] = [before.get(key), after.get(key)]
        if before.get("coder_id") != after.get("coder_id"):
            changed["coder"] = [names.get(before.get("coder_id")), names.get(after.get("coder_id"))]
        return {"say": "coding_changed", **where, "changed": changed}
    return None


def _code(action: str, entity_id: str, before: dict | None, after: dict | None, names: dict[int, str]) -> dict:
    if action == "rename":
        return {"say": "code_renamed", "code_before": entity_id, "code": (after or {}).get("id"),
                "moved": (after or {}).get("codings_moved", 0)}  # fmt: skip
    if action == "create":
        return {"say": "code_added", "code": entity_id}
    if action == "delete":
        return {"say": "code_removed", "code": entity_id}
    if action == "update":
        fields = [k for k in CODE_FIELDS if (before or {}).get(k) != (after or {}).get(k)]
        return {"say": "code_changed", "code": entity_id, "fields": fields}
    return None


def _memo(action: str, entity_id: str, before: dict | None, after: dict | None, names: dict[int, str]) -> dict:
    memo = after or before or {}
    say = {"create": "memo_written", "update": "memo_edited", "delete": "memo_deleted"}.get(action)
    if say is None:
        return None
    if memo.get("coding_id"):
        on = {"on": "coding", "target": memo["coding_id"]}
    elif memo.get("source_id"):
        on = {"on": "source", "target": memo["source_id"]}
    elif memo.get("code_id"):
        on = {"on": "code", "target": memo["code_id"], "code": memo["code_id"]}
    else:
        on = {"on": "project"}
    return {"say": say, "text": short(memo.get("text", "")), **on}


def _claim(action: str, entity_id: str, before: dict | None, after: dict | None, names: dict[int, str]) -> dict:
    claim = after or before or {}
    say = {"create": "claim_made", "delete": "claim_deleted"}.get(action)
    if say is None:
        return None
    return {"say": say, "text": short(claim.get("text", "")), "code_list": list(claim.get("codes") or []),
            "codings": list(claim.get("codings") or [])}  # fmt: skip


def _source(action: str, entity_id: str, before: dict | None, after: dict | None, names: dict[int, str]) -> dict:
    if action == "import":
        return {
            "say": "imported",
            "kind": (after or {}).get("kind"),
            "assigned": bool((after or {}).get("assigned_id")),
        }
    if action == "tag":
        counts = after or {}
        return {"say": "tagged", **{k: counts.get(k, 0) for k in ("added", "removed", "rescored")}}
    if action == "update":
        flat_before, flat_after = _flatten(before or {}), _flatten(after or {})
        keys = [k for k in dict.fromkeys([*flat_before, *flat_after]) if flat_before.get(k) != flat_after.get(k)]
        changes = [{"field": k, "before": _value(flat_before.get(k)), "after": _value(flat_after.get(k))} for k in keys]
        return {"say": "metadata", "changes": changes}
    return None


def _setting(action: str, entity_id: str, before: dict | None, after: dict | None, names: dict[int, str]) -> dict:
    if entity_id == "fieldwork":
        return {"say": "fieldwork", "window": _window((after or {}).get("window"))}
    if entity_id == "stopwords":
        return {"say": "stopwords", "count": (after or {}).get("count")}
    if entity_id in ("suggester", "suggester_auto", "team_mode"):
        return {"say": f"setting_{entity_id}", "value": (after or {}).get("value")}
    return {"say": "setting"}


def _mask(action: str, entity_id: str, before: dict | None, after: dict | None, names: dict[int, str]) -> dict:
    entry = after or before or {}
    if action == "delete":
        say = "mask_removed"
    elif entry.get("status") == "dismissed":
        say = "mask_dismissed"
    else:
        say = "mask_confirmed"
    return {"say": say, "kind": entry.get("kind"), "replacement": entry.get("replacement") or ""}


def _suggestions(action: str, entity_id: str, before: dict | None, after: dict | None, names: dict[int, str]) -> dict:
    if action == "delete":
        return {"say": "suggestions_dropped", "code": entity_id, "count": (before or {}).get("count", 0)}
    return None


def _consensus_link(action: str, entity_id: str, before: dict | None, after: dict | None, names: dict) -> dict:
    link = after or before or {}
    return {"say": "consensus_link", "consensus": link.get("consensus_id"), "original": link.get("original_id")}


def _user(action: str, entity_id: str, before: dict | None, after: dict | None, names: dict[int, str]) -> dict:
    state = after or {}
    if action == "create":
        return {"say": "user_added", "role": state.get("role")}
    if action == "update":
        return {"say": "user_changed", "role": state.get("role"), "active": state.get("active", True),
                "password": state.get("password") == "changed"}  # fmt: skip
    return None


def _round(action: str, entity_id: str, before: dict | None, after: dict | None, names: dict[int, str]) -> dict:
    if action == "open":
        return {
            "say": "round_opened",
            "name": (after or {}).get("name"),
            "sources": len((after or {}).get("sources", [])),
        }
    if action == "close":
        return {"say": "round_closed", "settled": (after or {}).get("settled_suggestions", 0)}
    return None


def _framework_summary(action: str, entity_id: str, before: dict | None, after: dict | None, names: dict) -> dict:
    row_kind, _, rest = entity_id.partition(":")
    row_key, _, code = rest.rpartition(":")
    text = (after or before or {}).get("text", "")
    say = "summary_deleted" if action == "delete" else "summary_written"
    return {"say": say, "rows": row_kind, "row": row_key, "code": code, "text": short(text)}


def _model(action: str, entity_id: str, before: dict | None, after: dict | None, names: dict[int, str]) -> dict:
    return {"say": "trained"} if action == "train" else None


def _login(action: str, entity_id: str, before: dict | None, after: dict | None, names: dict[int, str]) -> dict:
    say = {"fail": "login_failed", "lock": "login_locked", "unlock": "login_unlocked"}.get(action)
    return {"say": say} if say else None


_BY_ENTITY = {
    "coding": _coding,
    "code": _code,
    "memo": _memo,
    "claim": _claim,
    "source": _source,
    "setting": _setting,
    "mask": _mask,
    "suggestions": _suggestions,
    "consensus_link": _consensus_link,
    "user": _user,
    "round": _round,
    "framework_summary": _framework_summary,
    "model": _model,
    "login": _login,
}


def _code_names(
    found: dict[str, Any], codes: dict[str, dict[str, str | None]], before: dict | None, after: dict | None, entity: str
) -> dict[str, dict[str, str | None]]:
    """Every code the facts name, with its names: from the codebook, or from the event for a code removed."""
    wanted = [found.get(k) for k in ("code", "code_before")] + list(found.get("code_list", []))
    changed = (found.get("changed") or {}).get("code") or []
    named: dict[str, dict[str, str | None]] = {}
    for code in [*wanted, *changed]:
        if not code or code in named:
            continue
        known = codes.get(code)
        if known is None and entity == "code":
            state = before or after or {}
            known = {"name": state.get("name"), "name_en": state.get("name_en")}
        named[code] = {"name": (known or {}).get("name") or None, "name_en": (known or {}).get("name_en") or None}
    return named


def _flatten(value: dict) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, item in value.items():
        if isinstance(item, dict) and key == "meta":
            flat.update(item)
        else:
            flat[key] = item
    return flat


def _value(value: Any) -> str:
    """A value as a sentence quotes it: empty for nothing (never "None")."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return short(str(value))


def _window(window: Any) -> list[str] | None:
    return [str(window[0]), str(window[1])] if window and all(window) else None


def short(text: str, limit: int = MEMO_TEXT) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
