"""编码 Coding: read one source with its codings, review the tagger's suggestions, code any span."""

from __future__ import annotations

from typing import Any

import streamlit as st

from coder.errors import QcoderError
from coder.highlight import pieces
from coder.review import most_uncertain_first
from coder.ui.feedback import act, show_outcome
from coder.ui.i18n import message, t
from coder.ui.reader import reader
from coder.ui.state import cached, coder_name, project
from coder.ui.text import plain


def render() -> None:
    st.title(t("coding"))
    show_outcome("coding")
    if problem := st.session_state.pop("coding_flash_error", None):
        st.error(plain(problem))
    if st.session_state.pop("coding_training", False):
        st.info(t("training_started"))
    try:
        sources = [s["id"] for s in cached("sources")]
        codes = [c for c in cached("codes")["codes"] if c["parent"]]
    except QcoderError as exc:
        st.error(f"{t('db_error')}：{plain(exc)}")
        return
    if not sources:
        st.info(t("no_sources"))
        return
    asked = st.query_params.get("source")  # a link from Retrieve opens its source
    if asked in sources and "coding_source" not in st.session_state:
        st.session_state["coding_source"] = asked
    source_id = st.selectbox(t("source"), sources, key="coding_source")
    detail = project().source(source_id)
    codings = project().codings(source=source_id)
    names = {c["id"]: f"{c['name']}（{c['id']}）" for c in codes}
    colors = {c["id"]: c["color"] for c in codes}
    st.caption(
        plain(f"{detail['title'] or ''}  ·  {detail['characters']} 字 / characters  ·  {t('coder')}：{coder_name()}")
    )
    reading, side = st.columns([3, 2], gap="large")
    with reading:
        shown = [c for c in codings if c["status"] != "rejected"]
        selection = reader(pieces(detail["text"], shown, colors), key=f"reader-{source_id}")
    with side:
        _code_selection(source_id, detail["text"], selection, names)
        _codings([c for c in codings if c["status"] in ("accepted", "manual")], selection, names)
        _review(source_id, [c for c in codings if c["status"] == "suggested"], names)


def _code_selection(source_id: str, text: str, selection: dict[str, Any] | None, names: dict[str, str]) -> None:
    if not selection:
        st.caption(t("select_hint"))
        return
    start, end = int(selection["start"]), int(selection["end"])
    st.markdown(f"**{t('selected')}** [{start}, {end})")
    st.text(text[start:end])  # st.text shows text as it is: no markdown, no HTML
    with st.form(key=f"code-{source_id}-{start}-{end}", clear_on_submit=True):
        code = st.selectbox(t("code"), list(names), format_func=names.get)
        memo = st.text_input(t("memo"))
        if st.form_submit_button(t("code_it")):
            _act(lambda: project().add_coding(source_id, start, end, code, coder_name(), memo or None), t("coded"))


def _codings(evidence: list[dict[str, Any]], selection: dict[str, Any] | None, names: dict[str, str]) -> None:
    """The source's accepted and manual codings: delete one, or move it to the current selection."""
    with st.expander(f"{t('source_codings')} · {len(evidence)}"):
        for coding in evidence:
            st.caption(plain(f"#{coding['id']} {names.get(coding['code'], coding['code'])} · {coding['coder']}"))
            st.text(coding["quote"])
            for memo in coding["memos"]:
                st.text(f"✎ {memo}")  # memos are user text too: shown as text, never markup
            key = f"{coding['id']}-{coding['version']}"
            delete, move = st.columns(2)
            if delete.button(t("delete"), key=f"delete-{key}"):
                _act(lambda c=coding: project().delete_coding(c["id"], coder_name(), c["version"]), t("decided"))
            if selection and move.button(t("move_here"), key=f"move-{key}"):
                start, end = int(selection["start"]), int(selection["end"])
                _act(
                    lambda c=coding, s=start, e=end: project().adjust_coding(c["id"], s, e, coder_name(), c["version"]),
                    t("decided"),
                )


def _review(source_id: str, suggested: list[dict[str, Any]], names: dict[str, str]) -> None:
    st.subheader(t("suggestions"))
    if not suggested:
        st.caption(t("no_suggestions"))
        return
    if st.toggle(t("uncertain_first"), key="uncertain_first", help=t("uncertain_first_help")):
        for coding in most_uncertain_first(suggested, project().suggester()["threshold"]):
            st.markdown(f"**{plain(names.get(coding['code'], coding['code']))}**")
            _suggestion(coding, names)
        return
    by_code: dict[str, list[dict[str, Any]]] = {}
    for coding in suggested:
        by_code.setdefault(coding["code"], []).append(coding)
    for code, group in by_code.items():
        with st.expander(plain(f"{names.get(code, code)} · {len(group)}")):
            left, right = st.columns(2)
            if left.button(t("accept_all"), key=f"all-accept-{source_id}-{code}"):
                _act(lambda code=code: project().decide_all(source_id, code, "accept", coder_name()), t("decided"))
            if right.button(t("reject_all"), key=f"all-reject-{source_id}-{code}"):
                _act(lambda code=code: project().decide_all(source_id, code, "reject", coder_name()), t("decided"))
            for coding in group:
                _suggestion(coding, names)


def _suggestion(coding: dict[str, Any], names: dict[str, str]) -> None:
    st.text(coding["quote"])
    st.caption(plain(f"{t('matched')}：{'、'.join(coding['terms'])} · {t('score')} {coding['score']:.2f}"))
    accept, reject, other = st.columns([1, 1, 2])
    key = f"{coding['id']}-{coding['version']}"
    if accept.button(t("accept"), key=f"accept-{key}"):
        _act(lambda: project().decide(coding["id"], "accept", coder_name(), coding["version"]), t("decided"))
    if reject.button(t("reject"), key=f"reject-{key}"):
        _act(lambda: project().decide(coding["id"], "reject", coder_name(), coding["version"]), t("decided"))
    others = [c for c in names if c != coding["code"]]
    other.selectbox(
        t("recode"), [None, *others], format_func=lambda c: "—" if c is None else names[c], key=f"recode-{key}",
        label_visibility="collapsed", on_change=_recode, args=(coding, f"recode-{key}"),
    )  # fmt: skip


def _recode(coding: dict[str, Any], key: str) -> None:
    """Runs once when a new code is picked (a callback, so a failure is not retried on every rerun)."""
    choice = st.session_state.get(key)
    if not choice:
        return
    try:
        project().decide(coding["id"], "accept", coder_name(), coding["version"], new_code=choice)
    except QcoderError as exc:
        st.session_state["coding_flash_error"] = message(exc)
    else:
        st.session_state["coding_flash"] = t("decided")
        _learn()


def _act(action, done: str) -> None:
    """Run a decision, then let the suggester learn from it: retraining starts in the background once
    enough decisions were made since the last model (never waited for; see coder.background)."""

    def decide_and_learn() -> None:
        action()
        _learn()

    act("coding", decide_and_learn, done)


def _learn() -> None:
    try:
        if project().retrain_in_background():
            st.session_state["coding_training"] = True
    except (QcoderError, OSError):
        pass  # learning is a bonus: a decision never fails because training could not start
