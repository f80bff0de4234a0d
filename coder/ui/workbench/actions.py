"""What the workbench's browser side asks for, carried out through the project — and what it is sent.

Plain functions without Streamlit, so tests can drive them against a real database. The browser is the
person's own, but what it sends is still checked here: each action's fields have the types they must,
and the project's rules (roles, blind rounds, versions) decide the rest, as for any other write.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from coder.access import ALLOWED
from coder.errors import QcoderError
from coder.project import Project
from coder.ui.history_words import sentence
from coder.ui.i18n import STRINGS
from coder.ui.text import code_names

# Each kind: the fields it needs and their types. Memos are optional on codings.
FIELDS: dict[str, dict[str, type]] = {
    "accept": {"id": int, "version": int},
    "reject": {"id": int, "version": int},
    "recode": {"id": int, "version": int, "code": str},
    "accept_all": {"code": str},
    "reject_all": {"code": str},
    "code": {"code": str, "start": int, "end": int},
    "new_code": {"dimension": str, "name": str, "start": int, "end": int},
    "delete": {"id": int, "version": int},
    "move": {"id": int, "version": int, "start": int, "end": int},
    "undo": {},  # the person's last change in the source when the undo is carried out
    "source_memo": {"text": str},
}
MAX_BATCH = 100  # actions one answer takes; more would be a browser gone wrong
KEPT = 500  # answers remembered: an action resent after its answer was forgotten would run twice
log = logging.getLogger(__name__)


DECISIONS = ("accept", "reject", "recode", "accept_all", "reject_all")  # their words say what is left to review


def perform(project: Project, coder: str, source: str, action: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Carry out one action on ``source``; the key of the words that say it was done (``wb_done_<kind>``)
    and what they name: ``code`` (an id, or the new code's name), ``n`` (how many were decided),
    ``undone`` (the event an undo took back). A new code goes into the app's codebook file (see
    coder.codebook.app_path)."""
    kind = _checked(action)
    values: dict[str, Any] = {"code": action.get("code")}
    if kind in ("accept", "reject"):
        values["code"] = project.decide(action["id"], kind, coder, action["version"])
    elif kind == "recode":
        project.decide(action["id"], "accept", coder, action["version"], new_code=action["code"])
    elif kind in ("accept_all", "reject_all"):
        values["n"] = project.decide_all(source, action["code"], kind.split("_")[0], coder)
    elif kind == "code":
        project.add_coding(source, action["start"], action["end"], action["code"], coder, _memo(action))
    elif kind == "new_code":
        code = project.create_code(action["dimension"], action["name"], coder)
        project.add_coding(source, action["start"], action["end"], code, coder, _memo(action))
        values["code"] = action["name"]
    elif kind == "delete":
        project.delete_coding(action["id"], coder, action["version"])
    elif kind == "move":
        project.adjust_coding(action["id"], action["start"], action["end"], coder, action["version"])
    elif kind == "undo":
        last = project.last_undoable(coder, source)
        if last is None:
            raise QcoderError(f"来源 {source} 中没有可撤销的更改", f"nothing to undo in source {source}")
        project.undo(last["id"], coder)
        values["undone"] = last
    elif kind == "source_memo":
        project.add_memo(action["text"], coder, source=source)
    return f"wb_done_{kind}", values


def words(key: str, values: dict[str, Any], say: Callable[[str], str], names: dict[str, str], lang: str) -> str:
    """The message for a done action in the interface language: what was done, to which code, and how many
    suggestions are left — "已接受：能上能下 · 还有 12 条待审" / "Accepted: … · 12 left to review"."""
    code = values.get("code") if isinstance(values.get("code"), str) else None  # from the browser: any JSON
    line = say(key).format(code=names.get(code, code) if code else "", n=values.get("n", 0))
    if values.get("undone"):
        line += say("colon") + sentence(values["undone"], lang)
    if "left" in values:
        line += say("wb_left").format(n=values["left"]) if values["left"] else say("wb_left_none")
    return line


def answer(
    project: Project,
    coder: str,
    source: str,
    batch: Any,
    done: dict[str, dict[str, Any]],
    say: Callable[[str], str],
    explain: Callable[[Exception], str],
    names: dict[str, str] | None = None,
    lang: str = "zh",
) -> int:
    """Carry out the actions of ``batch`` not answered yet, each on its own, recording in ``done`` (nonce →
    ``{"ok", "message"}``) what became of it, in the words ``say`` gives (``t``) with codes by ``names``;
    how many were new. One refused action never stops the next."""
    if not isinstance(batch, list):
        return 0
    new, performed = 0, {}
    for action in batch[:MAX_BATCH]:
        nonce = str(action.get("nonce", "")) if isinstance(action, dict) else ""
        if not nonce or nonce in done:
            continue
        new += 1
        try:
            performed[nonce] = perform(project, coder, source, action)
            done[nonce] = {"ok": True, "message": ""}
        except QcoderError as exc:
            done[nonce] = {"ok": False, "message": explain(exc)}
        except Exception as exc:  # an answer in any case: unanswered, the browser would wait and resend for ever
            log.exception("workbench action %s failed", action.get("kind"))
            failed = QcoderError(
                f"操作未完成（{type(exc).__name__}），未作更改",
                f"the action failed ({type(exc).__name__}); nothing changed",
            )
            done[nonce] = {"ok": False, "message": explain(failed)}
    # What is left to review is counted once a batch, after all of it: a count per decision was a query each.
    decided = any(key.removeprefix("wb_done_") in DECISIONS for key, _ in performed.values())
    left = _left(project, source, coder) if decided else None
    for nonce, (key, values) in performed.items():
        if left is not None and key.removeprefix("wb_done_") in DECISIONS:
            values["left"] = left
        try:
            done[nonce]["message"] = words(key, values, say, names or {}, lang)
        except Exception:  # the action was carried out: say so, plainly, whatever its words could not hold
            log.exception("workbench message for %s failed", key)
            done[nonce]["message"] = say("saved")
    for old in list(done)[: max(0, len(done) - KEPT)]:
        del done[old]  # the browser has its answers: keep only the latest
    return new


def _left(project: Project, source: str, coder: str) -> int | None:
    """How many suggestions are left to review; None when that cannot be counted (the decisions stand)."""
    try:
        return project.pending(source, coder)
    except Exception:  # a database gone away meanwhile: the decisions are made, only the count is missing
        log.exception("counting what is left to review in %s failed", source)
        return None


def _checked(action: Any) -> str:
    kind = action.get("kind") if isinstance(action, dict) else None
    if kind not in FIELDS:
        raise QcoderError(f"工作台发来未知的操作：{kind!r}", f"the workbench sent an unknown action: {kind!r}")
    for field, wanted in FIELDS[kind].items():
        value = action.get(field)
        if not isinstance(value, wanted) or isinstance(value, bool):
            raise QcoderError(
                f"工作台的操作 {kind} 缺少或写错了字段 {field}（应为 {wanted.__name__}）",
                f"the workbench's {kind} action lacks field {field} or has the wrong type (expected {wanted.__name__})",
            )
    return kind


def _memo(action: dict[str, Any]) -> str | None:
    memo = action.get("memo")
    return memo.strip() or None if isinstance(memo, str) else None


def payload(
    project: Project, detail: dict[str, Any], coder: str, codes: dict[str, Any], threshold: float, lang: str = "zh"
) -> dict[str, Any]:
    """The data the workbench draws for the source ``detail`` (``Project.source``) as ``coder`` sees it;
    its labels and the answers to earlier actions are the page's to add."""
    source = detail["id"]
    names = code_names(codes["codes"], lang)  # in the interface language, as every page names codes
    dims = [{"id": c["id"], "name": names[c["id"]]} for c in codes["codes"] if not c["parent"]]
    leaves = [
        {
            "id": c["id"], "name": names[c["id"]], "color": c["color"], "dim": c["parent"],
            "dim_name": names.get(c["parent"], c["parent"]),
        }
        for c in codes["codes"] if c["parent"]
    ]  # fmt: skip
    codings = [
        [c["id"], c["start"], c["end"], c["code"], c["status"], c["version"], c.get("score") or 0.0,
         STRINGS["list_sep"][lang].join(c.get("terms") or []), c["coder"]]
        for c in project.codings(source=source) if c["status"] != "rejected"
    ]  # fmt: skip
    role = project.role()
    return {
        "source": source,
        "text": detail["text"],
        "codes": leaves,
        "dims": dims,
        "codings": codings,
        "units": project.units(source),
        "recent": project.recent_codes(coder),
        "undo": _undo(project, coder, source, lang),
        "may_undo": role in ALLOWED["manage"],  # the rule of Project.may_undo, without asking for the role again
        "may_edit_codebook": role in ALLOWED["codebook"],
        "readonly": role not in ALLOWED["write"],
        "memos": [
            {"id": m["id"], "text": m["text"], "coder": m["coder"]}
            for m in project.memos(source=source)
            if m["coding"] is None and m["code"] is None
        ],
        "threshold": threshold,
    }


def _undo(project: Project, coder: str, source: str, lang: str) -> dict[str, Any] | None:
    last = project.last_undoable(coder, source)
    if last is None:
        return None
    return {"id": last["id"], "summary": STRINGS["wb_undo_what"][lang].format(id=last["id"], what=sentence(last, lang))}
