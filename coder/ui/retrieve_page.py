"""检索 Retrieve: the whole text of the sources searched — a substring, or any of its words as the project's
tagger cuts them — each hit a sentence with its context, coded (by which codes, whom, status, with the memos
on those codings) or uncoded; filters by code, dimension, kind, role, coder and status; paged, downloadable
as cited quotes (masked), and the memos the same search finds. A hit opens the Coding page at its passage.

Everything comes from ``Project.search`` / ``export_search`` / ``retrieve_memos`` (coder.search, coder.memos).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial
from typing import Any

import streamlit as st

from coder.db.models import CODING_STATUSES, EVIDENCE, SOURCE_KINDS
from coder.errors import QcoderError
from coder.retrieval import Query
from coder.search import CODED, MATCHES
from coder.ui import memos, pages
from coder.ui.feedback import show_db_error
from coder.ui.files import download_buttons
from coder.ui.history_words import coder_label
from coder.ui.i18n import language, message, t
from coder.ui.state import cached, project
from coder.ui.text import code_names, plain

STATUSES = (*EVIDENCE, *(s for s in CODING_STATUSES if s not in EVIDENCE))  # what counts as evidence first
FILES = ("md", "docx", "xlsx")
INDENT = "\u2003"  # an em space a level: codes indented under their dimension, in either language
PAGE = 50  # hits on one page
MAX_MEMOS = 100  # memos listed; the rest are counted


def render() -> None:
    st.title(t("retrieve"))
    try:
        codes = cached("codes")["codes"]
        values = cached("filter_values")
    except QcoderError as exc:
        show_db_error(exc)
        return
    named = code_names(codes)  # in the interface language where the codebook has an English name
    label = t("r_code_label")
    names = {c["id"]: INDENT * c["id"].count(".") + label.format(name=named[c["id"]], id=c["id"]) for c in codes}
    query = _query(names, [c["id"] for c in codes if not c["parent"]], values)
    try:
        found = cached("search", query)
    except QcoderError as exc:
        st.error(plain(message(exc)))
        return
    _hits(found, query, named)  # by name alone: the filters above show each code's id
    _memos(query, named)


def _query(names: dict[str, str], dimensions: list[str], values: dict[str, list[str]]) -> Query:
    left, middle, right = st.columns(3)
    filters = {
        "codes": left.multiselect(t("code"), list(names), format_func=names.get, key="r_codes"),
        "dimension": left.selectbox(
            t("dimension"), [None, *dimensions], format_func=lambda d: names.get(d, "—"), key="r_dimension"
        ),
        "kinds": middle.multiselect(t("kind"), SOURCE_KINDS, format_func=lambda k: t(f"kind_{k}"), key="r_kinds"),
        "roles": middle.multiselect(t("role"), values["roles"], key="r_roles"),
        "coders": right.multiselect(t("coders"), values["coders"], format_func=_coder, key="r_coders"),
        "statuses": right.multiselect(
            t("status"), STATUSES, default=list(EVIDENCE), format_func=lambda s: t(f"status_{s}"), key="r_statuses"
        ),
    }
    text = st.text_input(t("search"), key="r_text").strip()
    left, middle, right = st.columns([2, 2, 1])
    match = left.radio(
        t("r_match"), MATCHES, format_func=lambda m: t(f"r_match_{m}"), horizontal=True, key="r_match",
        help=t("r_match_help"),
    )  # fmt: skip
    coded = middle.radio(
        t("r_coded"), CODED, format_func=lambda c: t(f"r_coded_{c}"), horizontal=True, key="r_coded",
        help=t("r_coded_help"),
    )  # fmt: skip
    questions = right.checkbox(t("r_questions"), value=True, key="r_questions", help=t("r_questions_help"))
    return Query(**filters, text=text, match=match, coded=coded, questions=questions)


def _hits(found: dict[str, Any], query: Query, names: dict[str, str]) -> None:
    hits = found["hits"]
    count = "r_count_one" if len(hits) == 1 else "r_count"
    st.caption(t(count).format(n=len(hits), coded=found["coded"], uncoded=found["uncoded"]))
    if not query.text:
        st.caption(t("r_no_text"))
    elif query.match == "words":
        st.caption(plain(t("r_words").format(words=t("r_words_joined").join(found["words"]) or "—")))
    if not hits:
        return
    pages_count = math.ceil(len(hits) / PAGE)
    page = _page(query, pages_count)
    for hit in hits[(page - 1) * PAGE : page * PAGE]:
        _hit(hit, names)
    download_buttons("r_files", "search", FILES, partial(_file, query, language()))
    st.caption(t("r_downloads"))


def _page(query: Query, pages_count: int) -> int:
    """The page of hits to show: the first again whenever the query changes."""
    if st.session_state.get("r_page_query") != repr(query):
        st.session_state["r_page_query"] = repr(query)
        st.session_state["r_page"] = 1
    st.session_state["r_page"] = min(max(1, st.session_state.get("r_page", 1)), pages_count)
    if pages_count == 1:
        return 1
    return int(st.number_input(t("r_page").format(pages=pages_count), 1, pages_count, step=1, key="r_page"))


def _hit(hit: dict[str, Any], names: dict[str, str]) -> None:
    with st.container(border=True):
        about = [hit["source"]]
        if hit["speaker"]:
            about.append(t("r_question").format(speaker=hit["speaker"]) if hit["question"] else hit["speaker"])
        if hit["coded"]:
            shown = t("r_codings_joined").join(_coding(c, names) for c in hit["codings"])
            about.append(t("r_coded_as").format(codings=shown))
        else:
            about.append(t("r_uncoded"))
        st.caption(plain(" · ".join(about)))
        # st.text never interprets markdown or HTML: the passage shows exactly as stored.
        st.text(f"…{hit['before']}{_marked(hit)}{hit['after']}…")
        for memo in hit["memos"]:
            memos.show(memo, names, with_target=False)
        link = {"source": hit["source"], "start": str(hit["start"]), "end": str(hit["end"])}
        st.page_link(pages.coding(), label=t("open_in_coding"), query_params=link)


def _coding(coding: dict[str, Any], names: dict[str, str]) -> str:
    code, status = names.get(coding["code"], coding["code"]), t(f"status_{coding['status']}")
    return t("r_coding").format(code=code, status=status, coder=_coder(coding["coder"]))


def _coder(name: str) -> str:
    return coder_label(name, language())


def _marked(hit: dict[str, Any]) -> str:
    """The passage with each place the search found in 【】 — the whole passage when nothing was looked for."""
    text, start, left, right = hit["text"], hit["start"], t("r_mark_open"), t("r_mark_close")
    if not hit["marks"]:
        return f"{left}{text}{right}"
    out, at = [], 0
    for a, b in hit["marks"]:
        out += [text[at : a - start], left, text[a - start : b - start], right]
        at = b - start
    return "".join([*out, text[at:]])


def _file(query: Query, lang: str, fmt: str) -> Callable[[], bytes]:
    project_now = project()
    return lambda: project_now.export_search(query, fmt, lang)


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
