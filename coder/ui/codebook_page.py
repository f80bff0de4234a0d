"""编码簿 Codebook: the code tree with definitions and keywords; edit codebook.yaml with validation;
keyword proposals from accepted codings one click away; what the suggesters learned from decisions."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from coder import codebook
from coder.errors import QcoderError
from coder.ui import memos
from coder.ui.feedback import act, show_db_error, show_outcome
from coder.ui.i18n import language, message, t
from coder.ui.state import cached, coder_name, project
from coder.ui.text import code_label, code_name, code_names, plain

TERM_COLUMNS = ("term", "accepted", "rejected", "base", "weight")
PROPOSAL_COLUMNS = ("term", "score", "in_code", "sentences_in_corpus")


def render() -> None:
    st.title(t("codebook"))
    show_outcome("codebook")
    try:
        book = cached("codes", True)
    except QcoderError as exc:
        show_db_error(exc)
        return
    st.caption(f"{t('codebook_version')}{t('colon')}{book['version'] or '—'}")
    names = code_names(book["codes"])
    histories: dict[str, list[dict]] = {}
    for row in cached("term_histories"):
        histories.setdefault(row["code"], []).append(row)
    for dimension in [c for c in book["codes"] if not c["parent"]]:
        st.subheader(plain(code_name(dimension)))
        for code in [c for c in book["codes"] if c["dimension"] == dimension["id"] and c["parent"]]:
            _code(code, histories.get(code["id"], []), names)
    _code_memos(book["codes"])
    _learning()
    _editor()


def _code(code: dict, histories: list[dict], names: dict[str, str]) -> None:
    gap = t("field_gap")
    with st.expander(plain(code_label(code["id"], names))):
        st.markdown(
            f"<span style='background:{code['color']};padding:0 1em'>&nbsp;</span> {plain(code['brief'] or '')}",
            unsafe_allow_html=True,
        )  # fmt: skip  (the colour is validated #RRGGBB; the text is escaped)
        for field in ("definition", "when_to_use", "when_not_to_use", "example"):
            if code[field]:
                st.markdown(f"**{t(field)}**{gap}{plain(code[field])}")
        st.markdown(f"**{t('keywords')}**{gap}{plain(t('list_sep').join(code['keywords']))}")
        if code["exclude"]:
            st.markdown(f"**{t('exclude')}**{gap}{plain(t('list_sep').join(code['exclude']))}")
        if histories:
            _term_histories(histories)
        if st.button(t("propose"), key=f"propose-{code['id']}"):
            try:
                proposals = project().propose_keywords(code["id"])
            except QcoderError as exc:
                st.info(plain(message(exc)))
            else:
                st.dataframe(_headed(pd.DataFrame(proposals, columns=PROPOSAL_COLUMNS)), hide_index=True)


def _term_histories(histories: list[dict]) -> None:
    """How each term's suggestions for this code were decided, and the weight that follows (coder.priors)."""
    st.markdown(f"**{t('learned_weights')}**")
    for row in histories[:3]:  # most decided first; "rejected 0 times" is not said
        key = (
            "term_history_accepted"
            if not row["rejected"]
            else "term_history"
            if row["accepted"]
            else "term_history_rejected"
        )
        st.caption(plain(t(key).format(**row)))
    st.dataframe(_headed(pd.DataFrame(histories)[list(TERM_COLUMNS)]), hide_index=True, width="stretch")


def _headed(table: pd.DataFrame) -> pd.DataFrame:
    """A table of the codebook page with its headers in the interface language."""
    return table.rename(columns={c: t(f"cb_col_{c}") for c in table.columns})


def _code_memos(codes: list[dict]) -> None:
    """Read and write the memos of one code (or dimension) at a time (see coder.memos)."""
    st.subheader(t("code_memos"))
    st.caption(t("code_memos_caption"))
    names = {c["id"]: code_label(c["id"], code_names(codes)) for c in codes}
    chosen = st.selectbox(t("code"), list(names), format_func=names.get, key="cb_memo_code")
    if chosen is None:
        return
    writer = project().role() in ("owner", "coder")
    listed = cached("memos", None, chosen)
    if not listed:
        st.caption(t("memo_code_none"))
    for memo in listed:
        with st.container(border=True):
            memos.show(memo, names, with_target=False)
            if writer and st.button(t("delete"), key=f"cb_memo_delete_{memo['id']}"):
                act("codebook", lambda memo_id=memo["id"]: project().delete_memo(memo_id, coder_name()),
                    t("memo_deleted"))  # fmt: skip
    if writer:
        text = st.text_area(t("memo_new"), key="cb_memo_text")
        if st.button(t("memo_add"), key="cb_memo_add"):
            act("codebook", lambda: project().add_memo(text, coder_name(), code=chosen), t("memo_added"),
                forget=("cb_memo_text",))  # fmt: skip


def _learning() -> None:
    """The learned suggester: which suggester tagging uses, the model in use, training on demand."""
    st.subheader(t("learning"))
    st.caption(t("learning_caption"))
    state = project().suggester()
    model = state["model"]
    st.text(t("model_state").format(**model) if model else t("model_none"))
    if failure := state["failure"]:
        st.warning(plain(t("training_failed").format(reason=failure["en" if language() == "en" else "zh"])))
    if project().training_running():
        st.info(t("training_running"))
    elif project().role() in ("owner", "coder") and st.button(t("train_now"), key="train_now"):
        project().retrain_in_background(only_if_due=False)
        st.rerun()
    modes = {"keywords": t("mode_keywords"), "combined": t("mode_combined")}
    if project().role() == "owner":
        chosen = st.radio(
            t("suggester_mode"), list(modes), index=list(modes).index(state["mode"]), format_func=modes.get,
            horizontal=True, key="suggester_mode",
        )  # fmt: skip
        if chosen != state["mode"]:
            act("codebook", lambda: project().set_suggester(chosen, coder_name()), t("saved"))
        auto = st.toggle(
            t("auto_retrain"), value=state["auto_retrain"], help=t("auto_retrain_help"), key="auto_retrain"
        )
        if auto != state["auto_retrain"]:
            act("codebook", lambda: project().set_auto_retrain(auto, coder_name()), t("saved"))
    else:
        st.text(f"{t('suggester_mode')}{t('colon')}{modes[state['mode']]}")
        st.text(f"{t('auto_retrain')}{t('colon')}{'✓' if state['auto_retrain'] else '✗'}")


def _editor() -> None:
    path = codebook.app_path()
    if project().role() != "owner":  # the codebook is the project's design: its owner edits it (coder.access)
        st.caption(t("codebook_owner_only"))
        return
    with st.expander(t("edit_codebook")):
        origin = codebook.starting_point(path, project().codes()["version"])  # the demo's, until saved here
        current = origin.read_text(encoding="utf-8") if origin.exists() else ""
        if origin != path:
            st.caption(plain(t("codebook_packaged").format(path=path)))
        text = st.text_area(str(path), current, height=480, key="codebook_yaml")
        if st.button(t("save_codebook"), key="codebook_save"):
            try:
                report = project().save_codebook(path, text, coder_name())
            except QcoderError as exc:
                st.error(plain(message(exc)))
            else:
                st.success(
                    plain(
                        f"{t('codebook_saved')}: +{len(report.created)} ~{len(report.updated)} -{len(report.removed)}"
                    )
                )
