"""概览 Overview: sources by kind, coding progress per source, code frequencies by dimension."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from coder.errors import QcoderError
from coder.ui.i18n import t
from coder.ui.state import cached, coder_name
from coder.ui.text import plain


def render() -> None:
    st.title(t("overview"))
    st.caption(plain(f"{t('coder')}：{coder_name()}"))
    with_suggestions = st.toggle(t("with_suggestions"), key="overview_suggestions")
    try:
        data = cached("overview", with_suggestions)
    except QcoderError as exc:
        st.error(f"{t('db_error')}：{plain(exc)}")
        return
    for column, kind in zip(st.columns(3), ("interview", "policy", "media"), strict=True):
        column.metric(t(f"kind_{kind}"), data["kinds"].get(kind, 0))
    st.caption(f"{t('codebook_version')}：{data['codebook_version'] or '—'}")
    st.subheader(t("frequencies"))
    codes = pd.DataFrame(data["codes"])
    if not codes.empty:
        chart = (
            alt.Chart(codes)
            .mark_bar()
            .encode(
                x=alt.X("count:Q", title=t("col_count"), axis=alt.Axis(format="d", tickMinStep=1)),
                y=alt.Y("name:N", sort=None, title=None),
                color=alt.Color("dimension:N", title=t("dimension")),
                tooltip=["code", "name", "count"],
            )
        )
        st.altair_chart(chart, width="stretch")
    st.subheader(t("progress"))
    progress = pd.DataFrame(data["progress"])
    if not progress.empty:
        progress["kind"] = progress["kind"].map(lambda kind: t(f"kind_{kind}"))
        columns = ["source", "kind", "suggested", "reviewed", "manual"]
        st.dataframe(
            progress[columns].rename(columns={c: t(f"col_{c}") for c in columns}), hide_index=True, width="stretch"
        )
