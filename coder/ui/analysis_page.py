"""分析 Analysis: the displays a case-study argument is built from (Miles, Huberman & Saldaña) — which codes
occur together, what each participant (organisation, role, kind of source) says about each code, when
themes appear, which words dominate a code — each as a chart, its details and downloads.

Everything comes from ``Project`` methods (see :mod:`coder.analysis`) read through ``cached``; source text
is shown escaped (``blockquote``, ``plain``) or in data frames, never as HTML.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from coder.analysis.framework import ROWS
from coder.analysis.loading import LEVELS, selection
from coder.db.models import SOURCE_KINDS
from coder.errors import QcoderError
from coder.ui.charts import BAR_ROWS, readable
from coder.ui.feedback import act, show_db_error, show_outcome
from coder.ui.files import download_buttons
from coder.ui.i18n import language, message, t
from coder.ui.state import cached, coder_name, interview_ids, project
from coder.ui.text import blockquote, code_label, code_names, plain

DISPLAYS = ("cooccurrence", "framework", "timeline", "words")
FORMATS = ("xlsx", "md", "docx")
EMPTY = "#F2F2F2"  # a cell with nothing in it
MAX_QUOTES = 50  # passages listed for one co-occurrence cell; the rest are counted


def render() -> None:
    st.title(t("an_title"))
    show_outcome("an")
    try:
        codes = cached("codes")["codes"]
        interviews = interview_ids()
    except QcoderError as exc:
        show_db_error(exc)
        return
    names = code_names(codes)
    dimensions = [c["id"] for c in codes if c["parent"] is None]
    leaves = [c["id"] for c in codes if c["parent"] is not None]
    display = st.radio(
        t("an_display"), DISPLAYS, format_func=lambda d: t(f"an_tab_{d}"), key="an_display", horizontal=True
    )  # one display at a time: only the one shown is computed
    shows = {
        "cooccurrence": lambda: _cooccurrence(names, dimensions),
        "framework": lambda: _framework(names, dimensions),
        "timeline": lambda: _timeline(names, dimensions),
        "words": lambda: _words(names, leaves, interviews),
    }
    _safely(shows[display])


def _safely(show: Callable[[], None]) -> None:
    """A display, or why it cannot be shown (an unknown code, a missing font …) in the interface language."""
    try:
        show()
    except QcoderError as exc:
        st.error(plain(message(exc)))


def _scope(prefix: str, names: dict[str, str], dimensions: list[str]) -> tuple[list[str], str, bool]:
    """The controls every matrix shares: dimensions, codes or dimensions as columns, suggestions or not."""
    left, middle, right = st.columns([2, 1.3, 1.4])
    chosen = left.multiselect(
        t("dimension"), dimensions, format_func=lambda d: names.get(d, d), key=f"{prefix}_dimensions",
        placeholder=t("an_all"),
    )  # fmt: skip
    level = middle.radio(
        t("an_level"), LEVELS, format_func=lambda v: t(f"an_level_{v}"), key=f"{prefix}_level", horizontal=True
    )
    suggestions = right.toggle(
        t("an_with_suggestions"), key=f"{prefix}_suggestions", help=t("an_with_suggestions_help")
    )
    return chosen, level, suggestions


def _marked(frame: pd.DataFrame) -> None:
    if frame.attrs.get("with_suggestions"):
        st.warning(t("an_suggestions_marked"))


def _downloads(key: str, name: str, frame: pd.DataFrame, kwic: pd.DataFrame | None = None) -> None:
    st.markdown(f"**{t('an_downloads')}**")
    project_now, lang = project(), language()  # the files render on another thread: no session there
    download_buttons(key, name, FORMATS, lambda fmt: partial(project_now.display_report, frame, fmt, lang, kwic))


# A heatmap whose cells can be clicked ---------------------------------------------------------------


def _heatmap(prefix: str, cells: pd.DataFrame, legend: str, tooltip: list[alt.Tooltip]) -> None:
    """``cells`` (``x``, ``y``, ``x_label``, ``y_label``, ``value``, ``text``, ``blank``) as a heatmap.

    Clicking a cell copies its (x, y) into the selectboxes ``<prefix>_x`` and ``<prefix>_y`` below it, the one
    place the chosen cell lives (and the way to choose without a mouse); choosing there gives the chart a new
    key, which clears its highlight, as on the triangulation page."""
    x_order = list(dict.fromkeys(cells["x_label"]))
    y_order = list(dict.fromkeys(cells["y_label"]))
    pick = alt.selection_point(name="cell", fields=["x", "y"], on="click", clear="dblclick")
    filled = cells.loc[~cells["blank"], "value"]
    top = float(filled.max()) if len(filled) else 1.0
    base = alt.Chart(cells).encode(
        x=alt.X(
            "x_label:N",
            sort=x_order,
            title=None,
            axis=alt.Axis(orient="top", labelAngle=-90, labelLimit=200, labelOverlap=False),
        ),
        y=alt.Y("y_label:N", sort=y_order, title=None, axis=alt.Axis(labelLimit=320)),
        tooltip=tooltip,
    )
    rects = base.mark_rect(stroke="white", cursor="pointer").encode(
        color=alt.condition(
            "datum.blank", alt.value(EMPTY),
            alt.Color("value:Q", title=legend, scale=alt.Scale(scheme="blues", domain=[0, top])),
        ),
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.45)),
    ).add_params(pick)  # fmt: skip
    text = base.mark_text(fontSize=11, cursor="pointer").encode(
        text="text:N",
        color=alt.condition(f"!datum.blank && datum.value > {top / 2}", alt.value("white"), alt.value("#222222")),
    )
    # Width and height include the names beside and above the cells: Streamlit fits the whole chart into them.
    chart = alt.layer(rects, text).properties(width=40 * len(x_order) + 300, height=26 * len(y_order) + 210)
    key = f"{prefix}_chart-{st.session_state.get(f'{prefix}_round', 0)}"
    st.altair_chart(
        readable(chart), on_select=partial(_picked, prefix, key), selection_mode="cell", key=key, width="content"
    )


def _picked(prefix: str, key: str) -> None:
    """The heatmap's selection changed: show that cell (an empty click keeps the cell shown)."""
    points = ((st.session_state.get(key) or {}).get("selection") or {}).get("cell") or []
    if points and points[0].get("x") is not None and points[0].get("y") is not None:
        st.session_state[f"{prefix}_x"] = points[0]["x"]
        st.session_state[f"{prefix}_y"] = points[0]["y"]


def _chosen_by_hand(prefix: str) -> None:
    st.session_state[f"{prefix}_round"] = st.session_state.get(f"{prefix}_round", 0) + 1


def _cell_choice(prefix: str, ys: dict[str, str], xs: dict[str, str], y_title: str, x_title: str) -> tuple:
    """The chosen cell as (y, x), from two selectboxes the heatmap's clicks also fill; None until both are set."""
    for axis, options in (("y", ys), ("x", xs)):
        if st.session_state.get(f"{prefix}_{axis}") not in options:
            st.session_state.pop(f"{prefix}_{axis}", None)  # filtered away since it was chosen
    left, right = st.columns(2)
    y = left.selectbox(
        y_title, list(ys), index=None, format_func=ys.get, key=f"{prefix}_y", on_change=_chosen_by_hand,
        args=(prefix,), placeholder=t("an_pick"),
    )  # fmt: skip
    x = right.selectbox(
        x_title, list(xs), index=None, format_func=xs.get, key=f"{prefix}_x", on_change=_chosen_by_hand,
        args=(prefix,), placeholder=t("an_pick"),
    )  # fmt: skip
    return y, x


# Co-occurrence ---------------------------------------------------------------------------------------


def _cooccurrence(names: dict[str, str], dimensions: list[str]) -> None:
    chosen_dimensions, level, suggestions = _scope("an_co", names, dimensions)
    as_c = st.toggle(t("an_c"), key="an_co_c", help=t("an_c_help"))
    chosen = selection(dimensions=chosen_dimensions, with_suggestions=suggestions)
    with st.spinner(t("an_computing")):
        frame = cached("cooccurrence", chosen, level, as_c)
    st.caption(frame.attrs["rule"][language()])
    _marked(frame)
    if frame.empty or not frame.attrs["codings"]:
        st.info(t("an_nothing"))
        return
    label = {code: names.get(code, code) for code in frame["a"].unique()}
    value = frame["c"] if as_c else frame["n_ab"]
    cells = frame.assign(
        x=frame["b"], y=frame["a"], x_label=frame["b"].map(label), y_label=frame["a"].map(label), value=value,
        blank=(frame["a"] == frame["b"]) | (value == 0),
        text=[_co_text(row, as_c) for row in frame.itertuples(index=False)],
    )  # fmt: skip
    legend = t("an_c") if as_c else t("an_co_value")
    _heatmap("an_co", cells, legend, [
        alt.Tooltip("y_label:N", title=t("an_co_first")), alt.Tooltip("x_label:N", title=t("an_co_second")),
        alt.Tooltip("n_ab:Q", title=t("an_co_value")), alt.Tooltip("c:Q", title=t("an_c"), format=".2f"),
    ])  # fmt: skip
    a, b = _cell_choice("an_co", label, label, t("an_co_first"), t("an_co_second"))
    if a is None or b is None:
        st.caption(t("an_co_pick"))
    else:
        _co_quotes(a, b, chosen, level, label)
    _downloads("an_co_download", "cooccurrence", frame)


def _co_text(cell: Any, as_c: bool) -> str:
    """What a cell reads: the count (on the diagonal, the code's own), or c (“—” on the diagonal); empty at 0."""
    if not cell.n_ab:
        return ""
    if cell.a == cell.b:
        return "—" if as_c else str(cell.n_ab)
    return f"{cell.c:.2f}" if as_c else str(cell.n_ab)


def _co_quotes(a: str, b: str, chosen: Any, level: str, label: dict[str, str]) -> None:
    found = cached("cooccurrence_quotes", a, b, chosen, level)
    st.markdown(f"**{plain(label[a])} × {plain(label[b])}** · {t('an_co_found').format(n=len(found))}")
    for row in found.head(MAX_QUOTES).itertuples(index=False):
        st.markdown(blockquote(row.text))
        marks = f" · {t('an_suggestion')}" if "suggested" in row.statuses else ""
        st.caption(plain(f"{row.citation}{marks}"))
    if len(found) > MAX_QUOTES:
        st.caption(t("more_results").format(n=len(found) - MAX_QUOTES))


# Framework matrix ------------------------------------------------------------------------------------


def _framework(names: dict[str, str], dimensions: list[str]) -> None:
    rows = st.selectbox(t("an_rows"), ROWS, format_func=lambda r: t(f"an_rows_{r}"), key="an_fw_rows")
    chosen_dimensions, level, suggestions = _scope("an_fw", names, dimensions)
    with st.spinner(t("an_computing")):
        frame = cached("framework", rows, selection(dimensions=chosen_dimensions, with_suggestions=suggestions), level)
    st.caption(t("an_fw_caption"))
    _marked(frame)
    if frame.attrs.get("unassigned"):
        st.caption(t("an_fw_unassigned").format(n=frame.attrs["unassigned"]))
    if frame.empty:
        st.info(t("an_nothing"))
        return
    row_label = {
        key: t(f"kind_{label}") if rows == "kind" else label
        for key, label in zip(frame["row_key"], frame["row_label"], strict=True)
    }
    label = {code: names.get(code, code) for code in frame["code"].unique()}
    cells = frame.assign(
        x=frame["code"], y=frame["row_key"], x_label=frame["code"].map(label), y_label=frame["row_key"].map(row_label),
        value=frame["count"], blank=frame["count"] == 0,
        text=[f"{n}{'✎' if s else ''}" if n or s else "" for n, s in zip(frame["count"], frame["summary"], strict=True)],
    )  # fmt: skip
    _heatmap("an_fw", cells, t("an_fw_count"), [
        alt.Tooltip("y_label:N", title=t(f"an_rows_{rows}")), alt.Tooltip("x_label:N", title=t("code")),
        alt.Tooltip("count:Q", title=t("an_fw_count")),
    ])  # fmt: skip
    key, code = _cell_choice("an_fw", row_label, label, t(f"an_rows_{rows}"), t("code"))
    if key is None or code is None:
        st.caption(t("an_fw_pick"))
    else:
        cell = frame[(frame["row_key"] == key) & (frame["code"] == code)].iloc[0]
        _fw_cell(rows, cell, f"{row_label[key]} × {label[code]}")
    _fw_table(frame, row_label, label)
    _downloads("an_fw_download", "framework", frame)


def _fw_cell(rows: str, cell: pd.Series, heading: str) -> None:
    """One cell: its count, strongest quote with citation, and the summary to write and save."""
    with st.container(border=True):
        st.markdown(f"**{plain(heading)}** · {t('an_fw_count')} {int(cell['count'])}")
        if cell["quote"]:
            st.markdown(f"**{t('an_fw_strongest')}**")
            st.markdown(blockquote(cell["quote"]))
            marks = f" · {t('an_suggestion')}" if cell["quote_status"] == "suggested" else ""
            st.caption(plain(f"{cell['citation']}{marks}"))
        else:
            st.caption(t("an_fw_no_quote"))
        field = f"an_fw_text_{rows}_{cell['row_key']}_{cell['code']}"
        text = st.text_area(t("an_fw_summary"), value=cell["summary"], key=field, help=t("an_fw_summary_help"))
        if cell["summary_by"]:
            st.caption(plain(t("an_fw_summary_by").format(coder=cell["summary_by"], at=cell["summary_at"])))
        if st.button(t("an_fw_save"), key="an_fw_save"):
            act(
                "an", lambda: project().set_framework_summary(rows, cell["row_key"], cell["code"], text, coder_name()),
                t("saved"), forget=(field,),
            )  # fmt: skip


def _fw_table(frame: pd.DataFrame, row_label: dict[str, str], label: dict[str, str]) -> None:
    kept = frame[(frame["count"] > 0) | (frame["summary"] != "")]
    st.markdown(f"**{t('an_fw_cells')}**")
    table = pd.DataFrame(
        {
            t("an_fw_row"): kept["row_key"].map(row_label),
            t("code"): kept["code"].map(label),
            t("an_fw_count"): kept["count"],
            t("an_fw_strongest"): kept["quote"],
            t("an_wd_citation"): kept["citation"],
            t("an_fw_summary"): kept["summary"],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch", key="an_fw_table")


# Timeline --------------------------------------------------------------------------------------------


def _timeline(names: dict[str, str], dimensions: list[str]) -> None:
    left, right = st.columns([1, 2])
    by = left.radio(
        t("an_tl_by"), ("month", "quarter"), format_func=lambda b: t(f"an_tl_by_{b}"), key="an_tl_by", horizontal=True
    )
    kinds = right.multiselect(
        t("kind"), SOURCE_KINDS, format_func=lambda k: t(f"kind_{k}"), key="an_tl_kinds", placeholder=t("an_all")
    )
    chosen_dimensions, level, suggestions = _scope("an_tl", names, dimensions)
    chosen = selection(dimensions=chosen_dimensions, kinds=kinds, with_suggestions=suggestions)
    with st.spinner(t("an_computing")):
        frame = cached("timeline", chosen, by, level)
    st.caption(t("an_tl_caption"))
    _marked(frame)
    if undated := frame.attrs.get("undated"):
        listed = t("list_sep").join(t("an_tl_undated_one").format(source=s, n=n) for s, n in undated.items())
        st.warning(plain(t("an_tl_undated").format(list=listed)))
    if frame.empty or not frame["count"].any():
        st.info(t("an_nothing"))
        return
    label = {code: names.get(code, code) for code in frame["code"].unique()}
    totals = frame.groupby(["code", "period"], sort=False, as_index=False)["count"].sum()
    totals["label"] = totals["code"].map(label)
    heat = (
        alt.Chart(totals)
        .mark_rect(stroke="white")
        .encode(
            x=alt.X("period:O", title=None, axis=alt.Axis(labelAngle=-45)),
            y=alt.Y("label:N", sort=list(label.values()), title=None, axis=alt.Axis(labelLimit=320)),
            color=alt.condition(
                "datum.count == 0", alt.value(EMPTY), alt.Color("count:Q", title=t("an_fw_count"), scale=alt.Scale(scheme="blues"))
            ),
            tooltip=[alt.Tooltip("label:N", title=t("code")), alt.Tooltip("period:O", title=t("an_tl_period")),
                     alt.Tooltip("count:Q", title=t("an_fw_count"))],
        )
        .properties(height=BAR_ROWS)  # a row per code, each with its own label
    )  # fmt: skip
    st.altair_chart(readable(heat), width="stretch", key="an_tl_heatmap")
    code = st.selectbox(
        t("an_tl_code"),
        list(label),
        index=None,
        format_func=label.get,
        key="an_tl_code",
        placeholder=t("an_tl_all_codes"),
    )
    shown = frame if code is None else frame[frame["code"] == code]
    by_kind = shown.groupby(["period", "kind"], as_index=False)["count"].sum()
    by_kind["kind_label"] = by_kind["kind"].map(lambda k: t(f"kind_{k}"))
    bars = (
        alt.Chart(by_kind)
        .mark_bar()
        .encode(
            x=alt.X("period:O", title=None, axis=alt.Axis(labelAngle=-45)),
            y=alt.Y("count:Q", title=t("an_fw_count"), stack=True),
            color=alt.Color("kind_label:N", title=t("kind"), sort=[t(f"kind_{k}") for k in SOURCE_KINDS]),
            tooltip=[alt.Tooltip("period:O", title=t("an_tl_period")), alt.Tooltip("kind_label:N", title=t("kind")),
                     alt.Tooltip("count:Q", title=t("an_fw_count"))],
        )
        .properties(height=260)
    )  # fmt: skip
    st.altair_chart(readable(bars), width="stretch", key="an_tl_bars")
    _downloads("an_tl_download", "timeline", frame)


# Word frequencies ------------------------------------------------------------------------------------


def _words(names: dict[str, str], leaves: list[str], interviews: list[str]) -> None:
    first, second, third = st.columns(3)
    code = first.selectbox(
        t("an_wd_code"), leaves, index=None, format_func=lambda c: code_label(c, names), key="an_wd_code",
        placeholder=t("an_wd_whole_text"),
    )  # fmt: skip
    kinds = second.multiselect(
        t("kind"), SOURCE_KINDS, format_func=lambda k: t(f"kind_{k}"), key="an_wd_kinds", placeholder=t("an_all")
    )
    person = third.selectbox(
        t("an_wd_participant"), interviews, index=None, key="an_wd_participant", placeholder=t("an_all")
    )
    left, middle, right = st.columns(3)
    top = left.number_input(t("an_wd_top"), min_value=5, max_value=300, value=30, step=5, key="an_wd_top")
    suggestions = middle.toggle(t("an_with_suggestions"), key="an_wd_suggestions", help=t("an_with_suggestions_help"))
    cloud = right.toggle(t("an_wd_cloud"), key="an_wd_cloud")
    chosen = selection(
        codes=[code] if code else [], kinds=kinds, participants=[person] if person else [], with_suggestions=suggestions
    )
    with st.spinner(t("an_computing")):
        terms = cached("words", chosen, int(top), None)
    read = terms.attrs
    st.caption(t(f"an_wd_read_{read['read']}").format(characters=read["characters"], tokens=read["tokens"]))
    if read["read"] == "coded":  # whole texts: suggestions play no part
        _marked(terms)
    if terms.empty:
        st.info(t("an_wd_no_terms"))
    else:
        _word_chart(terms)
        if cloud:
            _safely(lambda: st.image(cached("word_cloud", terms), width="stretch"))
    kwic = _kwic(chosen, terms)
    _stopwords()
    _downloads("an_wd_download", "words", terms, kwic)


def _word_chart(terms: pd.DataFrame) -> None:
    bars = (
        alt.Chart(terms)
        .mark_bar()
        .encode(
            x=alt.X("count:Q", title=t("an_wd_count"), axis=alt.Axis(format="d", tickMinStep=1)),
            y=alt.Y("term:N", sort="-x", title=None),
            tooltip=[alt.Tooltip("term:N", title=t("an_wd_term")), alt.Tooltip("count:Q", title=t("an_wd_count")),
                     alt.Tooltip("sources:Q", title=t("an_wd_sources"))],
        )
        .properties(height=BAR_ROWS)  # one row per word, each with its own label
    )  # fmt: skip
    st.altair_chart(readable(bars), width="stretch", key="an_wd_chart")


def _kwic(chosen: Any, terms: pd.DataFrame) -> pd.DataFrame | None:
    """Keyword-in-context lines for a term picked from the top terms or typed in; None until one is."""
    st.subheader(t("an_wd_kwic"))
    term = st.selectbox(
        t("an_wd_kwic_term"), terms["term"].tolist(), index=None, accept_new_options=True, key="an_wd_term",
        placeholder=t("an_wd_kwic_term"),
    )  # fmt: skip
    if not term:
        return None
    lines = cached("kwic", chosen, term)
    st.caption(t("an_wd_kwic_found").format(term=plain(term), n=len(lines)))
    table = pd.DataFrame(
        {
            t("an_wd_left"): lines["left"],
            t("an_wd_term"): lines["term"],
            t("an_wd_right"): lines["right"],
            t("an_wd_citation"): lines["citation"],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch", key="an_wd_kwic_table")
    return lines


def _stopwords() -> None:
    """The project's stop-word list, edited here and saved for every word count."""
    with st.expander(t("an_wd_stopwords")):
        text = st.text_area(
            t("an_wd_stopwords"),
            value=cached("stopwords"),
            height=240,
            key="an_wd_stop",
            help=t("an_wd_stopwords_help"),
        )
        save, reset = st.columns(2)
        if save.button(t("an_wd_stop_save"), key="an_wd_stop_save"):
            act(
                "an", lambda: project().set_stopwords(text, coder_name()), t("an_wd_stop_saved"), forget=("an_wd_stop",)
            )
        if reset.button(t("an_wd_stop_default"), key="an_wd_stop_reset"):
            act("an", lambda: project().set_stopwords("", coder_name()), t("an_wd_stop_saved"), forget=("an_wd_stop",))
