"""概览 Overview: sources by kind, coding progress per source, code frequencies by dimension."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from coder.errors import QcoderError
from coder.ui.charts import BAR_ROWS, readable, unique_labels
from coder.ui.feedback import show_db_error
from coder.ui.i18n import t
from coder.ui.state import cached, coder_name
from coder.ui.text import code_names, plain


def render() -> None:
    st.title(t("overview"))
    st.caption(plain(f"{t('coder')}{t('colon')}{coder_name()}"))
    with_suggestions = st.toggle(t("with_suggestions"), key="overview_suggestions")
    try:
        data = cached("overview", with_suggestions)
        codebook = cached("codes")["codes"]
    except QcoderError as exc:
        show_db_error(exc)
        return
    for column, kind in zip(st.columns(3), ("interview", "policy", "media"), strict=True):
        column.metric(t(f"kind_{kind}"), data["kinds"].get(kind, 0))
    st.caption(f"{t('codebook_version')}{t('colon')}{data['codebook_version'] or '—'}")
    st.subheader(t("frequencies"))
    if data["codes"]:
        st.altair_chart(_frequency_chart(data["codes"], codebook), width="stretch", key="overview_chart")
    st.subheader(t("progress"))
    progress = pd.DataFrame(data["progress"])
    if not progress.empty:
        progress["kind"] = progress["kind"].map(lambda kind: t(f"kind_{kind}"))
        columns = ["source", "kind", "suggested", "reviewed", "manual"]
        st.dataframe(
            progress[columns].rename(columns={c: t(f"col_{c}") for c in columns}), hide_index=True, width="stretch"
        )


def _frequency_chart(frequencies: list[dict], codebook: list[dict]) -> alt.Chart:
    """One bar per code, in codebook order, coloured by dimension: code and dimension names in the interface
    language (never their ids), every name whole."""
    names = code_names(codebook)
    dimensions = [c for c in codebook if c["parent"] is None]
    order = [names[d["id"]] for d in dimensions]
    codes = pd.DataFrame(frequencies)
    codes["dimension_name"] = codes["dimension"].map(lambda d: names.get(d, d))
    codes["label"] = unique_labels([names.get(c, n) for c, n in zip(codes["code"], codes["name"], strict=True)],
                                   list(codes["dimension_name"]))  # fmt: skip
    colors = [d["color"] for d in dimensions]
    scale = alt.Scale(domain=order, range=colors) if all(colors) else alt.Scale(domain=order)
    chart = (
        alt.Chart(codes)
        .mark_bar()
        .encode(
            x=alt.X("count:Q", title=t("col_count"), axis=alt.Axis(format="d", tickMinStep=1)),
            y=alt.Y("label:N", sort=None, title=None),
            color=alt.Color("dimension_name:N", title=t("dimension"), scale=scale, sort=order),
            tooltip=[alt.Tooltip("label:N", title=t("code")), alt.Tooltip("dimension_name:N", title=t("dimension")),
                     alt.Tooltip("count:Q", title=t("col_count"))],
        )
        .properties(height=BAR_ROWS)
    )  # fmt: skip
    return readable(chart)
