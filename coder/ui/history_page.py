"""日志 History: who changed what and when, newest first, with an undo button for every change undo
covers (see :mod:`coder.history` for what can be undone and when it is refused).

Everything comes from ``Project.audit_events`` and ``Project.undo``; a refusal is shown in the
interface language next to the event.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from coder.errors import QcoderError
from coder.history import ENTITIES, local_time
from coder.ui.feedback import act, show_outcome
from coder.ui.history_words import action_label, coder_label, entity_label, sentence, what
from coder.ui.i18n import language, message, t
from coder.ui.state import cached, coder_name, project
from coder.ui.text import plain

WIDTHS = [1.5, 1.1, 0.9, 1.3, 4.2, 1.0]  # time, who, action, what, summary, undo


def render() -> None:
    st.title(t("hist_title"))
    st.caption(t("hist_caption"))
    show_outcome("hist")
    try:
        coders = cached("audit_coders")
    except QcoderError as exc:
        st.error(plain(message(exc)))
        return
    left, middle, right = st.columns([2, 2, 1])
    coder = left.selectbox(
        t("hist_coder"),
        [None, *coders],
        format_func=lambda c: t("hist_all") if c is None else coder_label(c, language()),
        key="hist_coder",
    )
    entity = middle.selectbox(
        t("hist_entity"), [None, *ENTITIES], format_func=lambda e: t("hist_all") if e is None else _entity(e),
        key="hist_entity",
    )  # fmt: skip
    limit = right.number_input(t("hist_limit"), min_value=10, max_value=2000, value=50, step=10, key="hist_limit")
    try:
        events = cached("audit_events", coder, entity, None, int(limit))
    except QcoderError as exc:  # in team mode the log is the owner's
        st.error(plain(message(exc)))
        return
    if not events:
        st.info(t("hist_empty"))
        return
    _table(events)


def _table(events: list[dict[str, Any]]) -> None:
    header = st.columns(WIDTHS)
    for column, key in zip(header, ("time", "who", "action", "what", "summary", "undo"), strict=True):
        column.markdown(f"**{t(f'hist_col_{key}')}**")
    lang = language()
    for event in events:
        with st.container(border=True):
            time, who, action, thing, summary, undo = st.columns(WIDTHS, vertical_alignment="center")
            time.caption(local_time(event["at"]))
            who.markdown(plain(coder_label(event["coder"], lang) or "—"))
            action.markdown(plain(action_label(event["action"], lang)))
            thing.markdown(plain(what(event, lang)))
            summary.markdown(plain(sentence(event, lang)))  # the event's facts as a sentence (history_words)
            if event["undone_by"]:
                undo.caption(t("hist_undone_by").format(id=event["undone_by"]))
            elif event["undoable"]:
                if undo.button(t("hist_undo"), key=f"hist-undo-{event['id']}", help=f"#{event['id']}"):
                    act(
                        "hist",
                        lambda e=event["id"]: project().undo(e, coder_name()),
                        t("hist_done").format(id=event["id"]),
                    )
            else:
                why_not = event.get("why_not")
                if why_not:  # the reason on hover: the column is narrow
                    undo.caption(t("hist_not_undoable"), help=plain(why_not[lang]))
                else:
                    undo.caption("—")


def _entity(entity: str) -> str:
    return entity_label(entity, language())
