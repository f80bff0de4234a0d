"""来源 Sources: the imported corpus at a glance (placeholder until the workbench lands)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from coder.errors import QcoderError
from coder.ui.i18n import t
from coder.ui.state import coder_name, project

COLUMNS = ["id", "kind", "date", "who", "title", "characters", "codings"]


def render() -> None:
    st.title(t("sources"))
    st.caption(f"{t('sources_caption')}  ·  {t('coder')}：{coder_name()}")
    try:
        rows = project().sources()
        version = project().codes()["version"]
    except QcoderError as exc:
        st.error(f"{t('db_error')}：{exc}")
        return
    if not rows:
        st.info(t("no_sources"))
        return
    frame = pd.DataFrame(rows)
    counts = frame["kind"].value_counts()
    for column, kind in zip(st.columns(3), ("interview", "policy", "media"), strict=True):
        column.metric(t(f"kind_{kind}"), int(counts.get(kind, 0)))
    st.caption(f"{t('codebook_version')}：{version or '—'}")
    frame["kind"] = frame["kind"].map(lambda kind: t(f"kind_{kind}"))
    # st.dataframe renders values as text, never as HTML, so transcript content cannot inject markup.
    st.dataframe(
        frame[COLUMNS].rename(columns={c: t(f"col_{c}") for c in COLUMNS}),
        hide_index=True,
        width="stretch",
    )
