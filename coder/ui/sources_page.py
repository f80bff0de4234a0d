"""语料 Corpus: upload sources, see the corpus with its coding progress, edit metadata (never text)."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import streamlit as st

from coder.errors import QcoderError
from coder.ui import upload
from coder.ui.feedback import show_db_error
from coder.ui.i18n import message, t
from coder.ui.state import cached, coder_name, project
from coder.ui.text import plain

COLUMNS = ["id", "kind", "date", "who", "title", "characters", "suggested", "reviewed", "manual"]
KINDS = ("interview", "policy", "media")
META_BY_KIND = {
    "interview": ("role", "organization", "interviewer", "place"),
    "policy": ("issuer", "doc_number"),
    "media": ("outlet", "author", "url", "derived_from"),
}


def corpus_folder() -> Path:
    return Path(os.environ.get("QCODER_CORPUS", "corpus"))


def render() -> None:
    st.title(t("sources"))
    st.caption(plain(f"{t('sources_caption')}  ·  {t('coder')}{t('colon')}{coder_name()}"))
    try:
        rows = cached("sources")
    except QcoderError as exc:
        show_db_error(exc)
        return
    _upload()
    if not rows:
        st.info(t("no_sources"))
        return
    frame = pd.DataFrame(rows)
    frame["kind"] = frame["kind"].map(lambda kind: t(f"kind_{kind}"))
    frame[["date", "who", "title"]] = frame[["date", "who", "title"]].fillna("")  # a missing value shows as empty
    # st.dataframe renders values as text, never as HTML, so transcript content cannot inject markup.
    st.dataframe(frame[COLUMNS].rename(columns={c: t(f"col_{c}") for c in COLUMNS}), hide_index=True, width="stretch")
    _edit([r["id"] for r in rows])


def _upload() -> None:
    if project().role() != "viewer":  # a viewer may read the corpus, not add to it (coder.access)
        upload.render(corpus_folder())
    if st.button(t("tag"), key="tag_sources"):
        _tag()


def _tag() -> None:
    """Suggest codes for new sources (and for codes whose keywords changed), with a progress bar."""
    total = max(1, len(cached("sources")))
    bar = st.progress(0.0, text=t("tag"))
    done = []

    def step(source_id: str) -> None:
        done.append(source_id)
        bar.progress(min(1.0, len(done) / total), text=source_id)

    try:
        result = project().tag(progress=step)
    except QcoderError as exc:
        st.error(plain(message(exc)))
        return
    st.success(t("tagged").format(**result))


def _edit(source_ids: list[str]) -> None:
    st.subheader(t("edit_metadata"))
    source_id = st.selectbox(t("source"), source_ids, key="edit_source")
    owner = project().role() == "owner"  # only an owner may see real names (coder.access)
    detail = project().source(source_id, with_names=owner and st.session_state.get("show_names", False))
    if "participant" in detail:
        person = detail["participant"]
        st.caption(plain(" · ".join(v for v in (person["initials"], person["role"], person["organization"]) if v)))
        if owner and st.checkbox(t("show_names"), key="show_names") and person.get("name"):
            st.caption(plain(person["name"]))
    with st.form(key=f"meta-{source_id}"):
        title = st.text_input(t("meta_title"), detail["title"] or "")
        date = st.text_input(t("meta_date"), detail["date"] or "")
        fields = {
            key: st.text_input(t(f"meta_{key}"), _shown(detail["meta"].get(key)), help=_help(key))
            for key in META_BY_KIND[detail["kind"]]
        }
        if st.form_submit_button(t("save")):
            try:
                project().update_metadata(source_id, {"title": title, "date": date, **fields}, coder_name())
            except QcoderError as exc:
                st.error(plain(message(exc)))
            else:
                st.toast(t("saved"))


def _shown(value: object) -> str:
    """A metadata value as its input starts: empty for a missing one, so saving keeps it missing (never the
    word "None")."""
    return "" if value is None else str(value)


def _help(key: str) -> str | None:
    return t(f"meta_{key}_help") if key == "derived_from" else None
