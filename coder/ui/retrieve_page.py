"""检索 Retrieve: coded segments by code, dimension, kind, role, coder and status, with text search."""

from __future__ import annotations

import streamlit as st

from coder.errors import QcoderError
from coder.retrieval import EVIDENCE, Query
from coder.ui import memos, pages
from coder.ui.i18n import t
from coder.ui.state import cached
from coder.ui.text import plain

KINDS = ("interview", "policy", "media")
STATUSES = ("accepted", "manual", "suggested", "rejected")
MAX_MEMOS = 100  # memos listed; the rest are counted


def render() -> None:
    st.title(t("retrieve"))
    try:
        codes = cached("codes")["codes"]
        values = cached("filter_values")
    except QcoderError as exc:
        st.error(f"{t('db_error')}：{plain(exc)}")
        return
    names = {c["id"]: ("　" * c["id"].count(".")) + f"{c['name']}（{c['id']}）" for c in codes}
    dimensions = [c["id"] for c in codes if not c["parent"]]
    left, middle, right = st.columns(3)
    query = Query(
        codes=left.multiselect(t("code"), list(names), format_func=names.get, key="r_codes"),
        dimension=left.selectbox(
            t("dimension"), [None, *dimensions], format_func=lambda d: names.get(d, "—"), key="r_dimension"
        ),
        kinds=middle.multiselect(t("kind"), KINDS, format_func=lambda k: t(f"kind_{k}"), key="r_kinds"),
        roles=middle.multiselect(t("role"), values["roles"], key="r_roles"),
        coders=right.multiselect(t("coders"), values["coders"], key="r_coders"),
        statuses=right.multiselect(
            t("status"), STATUSES, default=list(EVIDENCE), format_func=lambda s: t(f"status_{s}"), key="r_statuses"
        ),
        text=st.text_input(t("search"), key="r_text").strip(),
    )
    results = cached("retrieve", query)
    st.caption(t("results").format(n=len(results)))
    for row in results[:200]:
        with st.container(border=True):
            st.caption(
                f"{row['source']} · {names.get(row['code'], row['code']).strip()} · {row['status']} · {row['coder']}"
            )
            # st.text never interprets markdown or HTML: the quote shows exactly as stored.
            st.text(f"…{row['before']}【{row['quote']}】{row['after']}…")
            st.page_link(pages.coding(), label=t("open_in_coding"), query_params={"source": row["source"]})
    if len(results) > 200:
        st.caption(t("more_results").format(n=len(results) - 200))
    _memos(query, {code: name.strip() for code, name in names.items()})


def _memos(query: Query, names: dict[str, str]) -> None:
    """The memos on what the filters select, found by the same search text (see coder.memos.matching)."""
    st.subheader(t("memos_heading"))
    st.caption(t("memos_caption"))
    found = cached("retrieve_memos", query)
    if not found:
        st.caption(t("memo_none"))  # a caption, not st.text: the page's texts are quotes and memos only
        return
    st.caption(t("memo_count").format(n=len(found)))
    for memo in found[:MAX_MEMOS]:
        with st.container(border=True):
            memos.show(memo, names)
    if len(found) > MAX_MEMOS:
        st.caption(t("memo_more").format(n=len(found) - MAX_MEMOS))
