"""编码 Coding: read one source with its codings, review the tagger's suggestions, code any span.

The page is a source picker and the workbench (coder/ui/workbench). The workbench sits in a fragment:
a decision reruns only the fragment, once, and the browser has drawn it before Python hears of it.
"""

from __future__ import annotations

import secrets

import streamlit as st

from coder.errors import QcoderError
from coder.ui.feedback import show_db_error
from coder.ui.i18n import language, message, t
from coder.ui.retag_notice import show_retag_notice
from coder.ui.state import cached, coder_name, project
from coder.ui.text import code_names, plain
from coder.ui.workbench import workbench
from coder.ui.workbench.actions import answer, payload

WHOLE_RUN = "coding_whole_run"  # set by the page's own run, absent when only the fragment reruns
# The workbench's words: its name for each → the interface string it shows.
LABELS = {
    "evidence": "wb_evidence", "pending": "wb_pending", "status_suggested": "status_suggested",
    "status_accepted": "status_accepted", "status_manual": "status_manual", "undo": "wb_undo",
    "nothing_to_undo": "wb_nothing_to_undo", "undo_owner_only": "wb_undo_owner_only",
    "source_memos": "wb_source_memos", "source_codings": "source_codings", "legend_key": "wb_legend_key",
    "read_only": "wb_read_only", "keys": "wb_keys", "filter_by_code": "wb_filter_by_code",
    "suggestions": "suggestions", "uncertain_first": "uncertain_first", "uncertain_first_help": "uncertain_first_help",
    "in_text_order": "wb_in_text_order", "accept_all": "accept_all", "reject_all": "reject_all",
    "no_suggestions": "no_suggestions", "matched": "matched", "score": "score", "accept": "accept",
    "reject": "reject", "recode": "recode", "saving": "wb_saving", "delete": "delete", "move_here": "move_here",
    "source_memo_hint": "wb_source_memo_hint", "save_memo": "wb_save_memo", "no_unit_here": "wb_no_unit_here",
    "scope_selection": "wb_scope_selection", "scope_sentence": "wb_scope_sentence", "scope_turn": "wb_scope_turn",
    "search_codes": "wb_search_codes", "memo_optional": "memo", "new_code_name": "wb_new_code_name",
    "invivo": "wb_invivo", "invivo_help": "wb_invivo_help", "codebook_owner_only": "wb_codebook_owner_only",
    "code_it": "code_it",
}  # fmt: skip


def render() -> None:
    st.title(t("coding"))
    try:
        sources = [s["id"] for s in cached("sources")]
    except QcoderError as exc:
        show_db_error(exc)
        return
    if not sources:
        st.info(t("no_sources"))
        return
    asked = st.query_params.get("source")  # a link from Retrieve opens its source, at its passage
    link = (asked, st.query_params.get("start"), st.query_params.get("end"))
    if asked in sources and ("coding_source" not in st.session_state or st.session_state.get("coding_link") != link):
        st.session_state["coding_source"] = asked
        st.session_state["coding_link"] = link  # a new link chooses again; a source picked since stays
    source_id = st.selectbox(t("source"), sources, key="coding_source")
    st.session_state[WHOLE_RUN] = True
    _workbench(source_id, _focus(source_id))


def _focus(source_id: str) -> list[int] | None:
    """The passage a link asked for in this source, as [start, end] code points (the workbench checks it
    against the text), or None."""
    if st.query_params.get("source") != source_id:
        return None
    try:
        start, end = int(st.query_params.get("start", "")), int(st.query_params.get("end", ""))
    except ValueError:
        return None
    return [start, end] if 0 <= start < end else None


@st.fragment
def _workbench(source_id: str, focus: list[int] | None = None) -> None:
    key = f"workbench-{source_id}"
    current = project()
    try:
        current.mark_open(source_id, _browser())  # a background re-tag leaves this source alone meanwhile
        detail = cached("source", source_id)
        data = payload(current, detail, coder_name(), cached("codes"), cached("suggester")["threshold"], language())
    except QcoderError as exc:
        show_db_error(exc)
        return
    about = (
        detail["title"],
        t("characters_count").format(n=detail["characters"]),
        f"{t('coder')}{t('colon')}{coder_name()}",
    )
    st.caption(plain("  ·  ".join(part for part in about if part)))
    if st.session_state.pop("coding_training", False):
        st.info(t("training_started"))
    show_retag_notice(source_id)
    if not st.session_state.pop(WHOLE_RUN, False):
        # A rerun of the fragment alone comes from the workbench on screen, which has the text and its
        # sentences already: without them the answer to a decision is a third of the size.
        del data["text"], data["units"]
    data["done"] = st.session_state.get("workbench_done", {})
    data["labels"] = {name: t(string) for name, string in LABELS.items()}
    data["focus"] = focus
    workbench(data, key, on_action=lambda: _answer(key, source_id))


def _answer(key: str, source_id: str) -> None:
    """Runs before the fragment's body when the browser sent actions: store them, then maybe retrain."""
    value = st.session_state.get(key) or {}
    sent = value.get("action") if hasattr(value, "get") else getattr(value, "action", None)
    done = st.session_state.setdefault("workbench_done", {})
    batch = sent.get("batch") if isinstance(sent, dict) else None
    if isinstance(sent, dict) and sent.get("need_text"):
        st.session_state[WHOLE_RUN] = True
    names = code_names(cached("codes")["codes"])  # the messages name codes as the page does
    if answer(project(), coder_name(), source_id, batch, done, t, message, names, language()):
        _learn()


def _browser() -> str:
    """A name for this browser session, so the open-source marks of two tabs are told apart."""
    return st.session_state.setdefault("browser_session", secrets.token_hex(8))


def _learn() -> None:
    """Let the suggester learn: retraining starts in the background once enough decisions were made
    since the last model (never waited for; see coder.background)."""
    try:
        if project().retrain_in_background():
            st.session_state["coding_training"] = True
    except (QcoderError, OSError):
        pass  # learning is a bonus: a decision never fails because training could not start
