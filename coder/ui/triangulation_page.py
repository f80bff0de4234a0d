"""三角验证 Triangulation: is each code, dimension and claim corroborated across interviews, policy texts
and media reports? A heatmap of evidence per code and kind (click a cell for its quotes), the status of
every code, facts stated with different values, claims, the fieldwork window, warnings and the report.

Everything comes from ``Project.triangulate`` (see :mod:`coder.evidence.triangulation`), computed once per run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from coder.errors import QcoderError
from coder.evidence.triangulation import STATUSES
from coder.retrieval import Query
from coder.ui import pages
from coder.ui.feedback import act, show_db_error, show_outcome
from coder.ui.i18n import STRINGS, language, t
from coder.ui.state import cached, coder_name, project
from coder.ui.text import blockquote, code_label, code_names, plain

KINDS = ("interview", "policy", "media")
STATUS_COLORS = {
    "corroborated": "#59A14F",
    "partial": "#B5BD4C",
    "single-source": "#F28E2B",
    "contested": "#E15759",
    "no-evidence": "#BAB0AC",
}
STATUS_MARKS = {"corroborated": "●", "partial": "◕", "single-source": "◐", "contested": "▲", "no-evidence": "○"}
REPORTS = {
    "md": "text/markdown",
    "html": "text/html",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "json": "application/json",
}
MAX_QUOTES = 100  # quotes listed for one cell; the rest are counted
EMPTY = "#F2F2F2"  # the colour of a cell without evidence
CHART = "tri_heatmap"  # the heatmap's key, with a number that changes whenever a selectbox picks the cell


def status_legend(min_kinds: int) -> str:
    """Every status the check can give at this setting, with its mark and what it means, in one line
    (partial corroboration needs three kinds asked for: below that, two kinds already corroborate; with
    one asked for, one kind corroborates and nothing is single-source) — as the report's methods paragraph."""
    possible = {"partial": min_kinds > 2, "single-source": min_kinds > 1}
    shown = [s for s in STATUSES if possible.get(s, True)]
    return " · ".join(
        f"{STATUS_MARKS[s]} {_status_label(s)}{t('colon')}{t(f'tri_meaning_{s}').format(n=min_kinds)}" for s in shown
    )


def render() -> None:
    st.title(t("triangulation"))
    show_outcome("tri")
    controls = st.columns([1.4, 2, 2])
    min_kinds = controls[0].number_input(
        t("tri_min_kinds"), min_value=1, max_value=3, value=2, step=1, key="tri_min_kinds", help=t("tri_min_kinds_help")
    )
    try:
        result = cached("triangulate", int(min_kinds))
        names = code_names(cached("codes")["codes"])
    except QcoderError as exc:
        show_db_error(exc)
        return
    st.caption(t("tri_rule").format(n=int(min_kinds)))
    st.caption(status_legend(int(min_kinds)))
    rows = _filtered(result["codes"], names, controls[1], controls[2])
    st.subheader(t("tri_heatmap"))
    if rows:
        _heatmap(rows, names)
        _cell_quotes(rows, names)
    else:
        st.info(t("tri_no_rows"))
    st.subheader(t("tri_status_table"))
    _status_table(rows, names)
    _facts(result["facts"], names)
    _claims(result["claims"], names)
    _fieldwork(result["rules"]["fieldwork"])
    _warnings(result["warnings"])
    _downloads(result)


def _filtered(rows: list[dict[str, Any]], names: dict[str, str], left, right) -> list[dict[str, Any]]:
    """The rows the dimension and status filters (in columns ``left`` and ``right``) keep; nothing chosen
    keeps everything."""
    dimensions = list(dict.fromkeys(r["dimension"] for r in rows))
    chosen_dimensions = left.multiselect(
        t("dimension"), dimensions, format_func=lambda d: names.get(d, d), key="tri_dimensions",
        placeholder=t("tri_all"),
    )  # fmt: skip
    chosen_statuses = right.multiselect(
        t("status"), STATUSES, format_func=_status_label, key="tri_statuses", placeholder=t("tri_all")
    )
    return [
        r for r in rows
        if (not chosen_dimensions or r["dimension"] in chosen_dimensions)
        and (not chosen_statuses or r["status"] in chosen_statuses)
    ]  # fmt: skip


def _status_label(status: str) -> str:
    return t(f"tri_status_{status}")


def _row_label(row: dict[str, Any], names: dict[str, str]) -> str:
    """A dimension row reads 【name】, a code row is indented under it."""
    name = names.get(row["code"], row["name"])
    return t("tri_dimension_row").format(name=name) if row["level"] == "dimension" else f"\u2003{name}"


# The heatmap ---------------------------------------------------------------------------------------


def _heatmap(rows: list[dict[str, Any]], names: dict[str, str]) -> None:
    """Codes × kinds, coloured and labelled by the number of evidence codings; a status column on the left.

    Clicking a cell selects its (code, kind); the callback copies it into the selectboxes below, which
    are the one place the chosen cell lives (and the way to choose one without a mouse). Choosing in a
    selectbox gives the chart a new key, which clears its highlight: the chart never shows another cell
    than the one listed, and a click on the cell it last highlighted still counts as a change.
    """
    labels = {r["code"]: _row_label(r, names) for r in rows}
    repeated = {label for label in labels.values() if list(labels.values()).count(label) > 1}
    labels = {
        code: f"{label}{t('paren').format(code)}" if label in repeated else label for code, label in labels.items()
    }  # rows by label
    order = [labels[r["code"]] for r in rows]
    kind_order = [t(f"kind_{k}") for k in KINDS]
    cells = pd.DataFrame(
        [
            {
                "code": r["code"],
                "label": labels[r["code"]],
                "kind": kind,
                "kind_label": t(f"kind_{kind}"),
                "count": r["counts"][kind],
                "independent": r["independent"][kind],
                "status": _status_label(r["status"]),
            }
            for r in rows
            for kind in KINDS
        ]
    )
    statuses = pd.DataFrame(
        [
            {"code": r["code"], "label": labels[r["code"]], "column": t("status"),
             "status": _status_label(r["status"]), "mark": STATUS_MARKS[r["status"]]}
            for r in rows
        ]
    )  # fmt: skip
    height = max(22 * len(rows), 40)
    y = alt.Y("label:N", sort=order, title=None)
    cell = alt.selection_point(name="cell", fields=["code", "kind"], on="click", clear="dblclick")
    tooltip = [
        alt.Tooltip("code:N", title=t("col_code")),
        alt.Tooltip("kind_label:N", title=t("kind")),
        alt.Tooltip("count:Q", title=t("tri_evidence_count")),
        alt.Tooltip("independent:Q", title=t("tri_independent")),
        alt.Tooltip("status:N", title=t("status")),
    ]
    base = alt.Chart(cells).encode(
        x=alt.X("kind_label:N", sort=kind_order, title=None, axis=alt.Axis(orient="top", labelAngle=0)),
        y=y.axis(None),
        tooltip=tooltip,
    )
    top = max(int(cells["count"].max()), 1)
    rects = base.mark_rect(stroke="white", cursor="pointer").encode(
        color=alt.condition(
            alt.datum.count == 0,
            alt.value(EMPTY),  # no evidence: a blank cell, not the palest blue
            alt.Color(
                "count:Q", title=t("tri_evidence_count"), scale=alt.Scale(scheme="blues", domain=[0, top]),
                legend=alt.Legend(format="d", tickMinStep=1),
            ),
        ),
        opacity=alt.condition(cell, alt.value(1.0), alt.value(0.45)),
    ).add_params(cell)  # fmt: skip
    text = base.mark_text(fontSize=12, cursor="pointer").encode(
        text="count:Q",
        color=alt.condition(alt.datum.count > top / 2, alt.value("white"), alt.value("#222222")),
    )
    heat = alt.layer(rects, text).properties(width=90 * len(KINDS), height=height)
    status_column = (
        alt.Chart(statuses)
        .mark_text(fontSize=15)
        .encode(
            x=alt.X("column:N", title=None, axis=alt.Axis(orient="top", labelAngle=0)),
            y=y.axis(alt.Axis(labelLimit=320, labelFontSize=12)),
            text="mark:N",
            color=alt.Color(
                "status:N", title=t("status"),
                scale=alt.Scale(domain=[_status_label(s) for s in STATUSES], range=[STATUS_COLORS[s] for s in STATUSES]),
                legend=alt.Legend(orient="bottom", direction="vertical"),
            ),
            tooltip=[alt.Tooltip("code:N", title=t("col_code")), alt.Tooltip("status:N", title=t("status"))],
        )
        .properties(width=50, height=height)
    )  # fmt: skip
    chart = alt.hconcat(status_column, heat, spacing=4).resolve_scale(color="independent")
    key = f"{CHART}-{st.session_state.get('tri_chart_round', 0)}"
    st.altair_chart(chart, on_select=partial(_picked, key), selection_mode="cell", key=key, width="content")


def _picked(key: str) -> None:
    """The heatmap's selection changed: show that cell (an empty click keeps the cell shown)."""
    state = st.session_state.get(key) or {}
    points = (state.get("selection") or {}).get("cell") or []
    if points and points[0].get("code") and points[0].get("kind") in KINDS:
        st.session_state["tri_code"] = points[0]["code"]
        st.session_state["tri_kind"] = points[0]["kind"]


def _chosen_by_hand() -> None:
    st.session_state["tri_chart_round"] = st.session_state.get("tri_chart_round", 0) + 1


def _cell_quotes(rows: list[dict[str, Any]], names: dict[str, str]) -> None:
    """The quotes behind one cell: its strongest quote, then every other piece of evidence."""
    by_code = {r["code"]: r for r in rows}
    if st.session_state.get("tri_code") not in by_code:
        st.session_state.pop("tri_code", None)  # filtered away since it was chosen
    left, right = st.columns([3, 1])
    code = left.selectbox(
        t("tri_cell_code"), list(by_code), index=None, format_func=lambda c: _row_label(by_code[c], names).strip(),
        key="tri_code", placeholder=t("tri_pick_cell"), on_change=_chosen_by_hand,
    )  # fmt: skip
    kind = right.selectbox(
        t("kind"), KINDS, format_func=lambda k: t(f"kind_{k}"), key="tri_kind", on_change=_chosen_by_hand
    )
    if code is None:
        st.caption(t("tri_pick_cell"))
        return
    row = by_code[code]
    counted = set(row["sources"][kind])  # a derived source is listed under its origin's kind
    evidence = [e for e in cached("retrieve", Query(codes=[code])) if e["source"] in counted]
    heading = f"{code_label(code, {code: names.get(code, row['name'])})} × {t(f'kind_{kind}')} · {_status_label(row['status'])}"
    st.markdown(f"**{plain(heading)}**")
    st.caption(
        t("tri_cell_counts").format(n=row["counts"][kind], independent=row["independent"][kind], docs=len(counted))
    )
    if not evidence:
        st.info(t("tri_no_evidence_here"))
        return
    strongest = row["strongest"].get(kind)
    if strongest:
        with st.container(border=True):
            st.markdown(f"**{t('tri_strongest')}**")
            st.markdown(blockquote(strongest["text"]))
            st.caption(plain(f"{strongest['citation']} · {names.get(strongest['code'], strongest['code'])}"))
            st.page_link(pages.coding(), label=t("open_in_coding"), query_params={"source": strongest["source"]})
    others = [e for e in evidence if not strongest or e["id"] != strongest["coding"]]
    if others:
        st.markdown(f"**{t('tri_other_evidence')}** · {len(others)}")
    for item in others[:MAX_QUOTES]:
        st.markdown(blockquote(item["quote"]))
        st.caption(plain(f"{item['source']} · {names.get(item['code'], item['code'])} · {item['coder']}"))
    if len(others) > MAX_QUOTES:
        st.caption(t("more_results").format(n=len(others) - MAX_QUOTES))


# The status table and the facts --------------------------------------------------------------------


def _status_table(rows: list[dict[str, Any]], names: dict[str, str]) -> None:
    if not rows:
        st.caption(t("tri_no_rows"))
        return
    table = pd.DataFrame(
        [
            {
                t("col_code"): r["code"],
                t("tri_col_name"): names.get(r["code"], r["name"]),
                t("status"): f"{STATUS_MARKS[r['status']]} {_status_label(r['status'])}",
                **{t(f"kind_{kind}"): r["counts"][kind] for kind in KINDS},
                t("tri_col_interviewees"): r["interviewees"],
                t("tri_col_documents"): r["documents"],
                t("tri_col_flags"): t("clause_sep").join(t(f"tri_flag_{f}") for f in r["flags"]),
            }
            for r in rows
        ]
    )
    height = min(35 * (len(rows) + 1) + 3, 740)  # every row of a typical codebook without scrolling
    st.dataframe(table, hide_index=True, width="stretch", height=height, key="tri_table")


def _measure(measure: str) -> str:
    if measure.startswith("count:"):
        return t("tri_measure_count").format(unit=measure.split(":", 1)[1])
    if measure.startswith("ratio"):
        return t("tri_measure_ratio")
    return t(f"tri_measure_{measure}") if f"tri_measure_{measure}" in STRINGS else measure


def _facts(facts: list[dict[str, Any]], names: dict[str, str]) -> None:
    """Facts stated with different values side by side, one column per value; consistent ones folded away."""
    conflicts = [f for f in facts if f["status"] == "conflict"]
    st.subheader(f"{t('tri_conflicts')} · {len(conflicts)}")
    if not conflicts:
        st.caption(t("tri_no_conflicts"))
    for fact in conflicts:
        with st.container(border=True):
            _fact(fact, names)
    consistent = [f for f in facts if f["status"] == "consistent"]
    with st.expander(f"{t('tri_consistent')} · {len(consistent)}"):
        for fact in consistent:
            _fact(fact, names)


def _fact(fact: dict[str, Any], names: dict[str, str]) -> None:
    codes = sorted({c for s in fact["statements"] for c in s["codes"]})
    about = t("list_sep").join(names.get(c, c) for c in codes)
    st.markdown(f"**{t('tri_fact')} {fact['id']}** · {plain(_measure(fact['measure']))} · {plain(about)}")
    for column, value in zip(st.columns(len(fact["values"])), fact["values"], strict=True):
        with column:
            st.markdown(f"**{plain(value)}**")
            for statement in (s for s in fact["statements"] if s["value"] == value):
                st.markdown(blockquote(statement["quote"]))
                kind = t(f"kind_{statement['kind']}")
                st.caption(plain(" · ".join([statement["source"], kind, statement["figure"], *_measured(statement)])))


def _measured(statement: dict[str, Any]) -> list[str]:
    """What the figure was read to measure, and on what: why it stands with the others."""
    quantity, subject = statement.get("quantity"), t("list_sep").join(statement.get("subject", []))
    if not quantity:
        return []
    return [t("tri_measured_of" if subject else "tri_measured").format(quantity=quantity, subject=subject)]


# Claims, fieldwork, warnings, report ---------------------------------------------------------------


def _claims(claims: list[dict[str, Any]], names: dict[str, str]) -> None:
    st.subheader(f"{t('tri_claims')} · {len(claims)}")
    if not claims:
        st.caption(t("tri_no_claims"))
    for claim in claims:
        with st.container(border=True):
            text, button = st.columns([5, 1])
            status = claim["status"]
            text.markdown(f"**#{claim['id']}** {STATUS_MARKS[status]} {_status_label(status)}")
            text.markdown(plain(claim["text"]))
            links = [names.get(c, c) for c in claim["codes"]] + [f"#{c}" for c in claim["codings"]]
            counts = " · ".join(f"{t(f'kind_{k}')} {claim['counts'][k]}" for k in KINDS)
            text.caption(plain(f"{t('list_sep').join(links)} · {counts} · {claim['author']}"))
            if button.button(t("delete"), key=f"tri-delete-claim-{claim['id']}"):
                act("tri", lambda c=claim["id"]: project().delete_claim(c, coder_name()), t("tri_claim_deleted"))
    with st.form("tri_claim_form"):
        st.markdown(f"**{t('tri_add_claim')}**")
        text = st.text_area(t("tri_claim_text"), key="tri_claim_text")
        codes = st.multiselect(
            t("code"),
            list(names),
            format_func=lambda c: code_label(c, names),
            key="tri_claim_codes",
            placeholder=t("tri_choose_codes"),
        )
        codings = st.text_input(t("tri_claim_codings"), key="tri_claim_codings")
        if st.form_submit_button(t("tri_add_claim")):
            try:
                numbers = _coding_ids(codings)
            except ValueError:
                st.error(t("tri_bad_codings"))
            else:
                act("tri",
                    lambda: project().add_claim(text, codes, numbers, coder_name()), t("tri_claim_added"),
                    forget=("tri_claim_text", "tri_claim_codes", "tri_claim_codings"),
                )  # fmt: skip


def _coding_ids(text: str) -> list[int]:
    """'12, 15，20' → [12, 15, 20]; raises ValueError on anything that is not a whole number."""
    parts = [p.strip() for p in text.replace("，", ",").replace("、", ",").split(",")]
    return [int(p) for p in parts if p]


def _fieldwork(window: dict[str, str] | None) -> None:
    start, end = (dt.date.fromisoformat(window[k]) for k in ("start", "end")) if window else (None, None)
    label = f"{t('tri_fieldwork')} · {f'{start.isoformat()} — {end.isoformat()}' if window else t('tri_not_set')}"
    with st.expander(label):
        st.caption(t("tri_fieldwork_help"))
        left, right = st.columns(2)
        bounds = {"min_value": dt.date(1949, 1, 1), "max_value": dt.date(2100, 12, 31)}
        new_start = left.date_input(t("tri_start"), value=start, key="tri_fw_start", **bounds)
        new_end = right.date_input(t("tri_end"), value=end, key="tri_fw_end", **bounds)
        save, clear = st.columns(2)
        dates = ("tri_fw_start", "tri_fw_end")  # after a write, the inputs show what is stored
        if save.button(t("save"), key="tri_fw_save"):
            act("tri", lambda: project().set_fieldwork(new_start, new_end, coder_name()), t("saved"), forget=dates)
        if clear.button(t("tri_clear"), key="tri_fw_clear", disabled=window is None):
            act("tri", lambda: project().set_fieldwork(None, None, coder_name()), t("tri_cleared"), forget=dates)


def _warnings(warnings: list[dict[str, str]]) -> None:
    st.subheader(f"{t('tri_warnings')} · {len(warnings)}")
    if not warnings:
        st.caption(t("tri_no_warnings"))
        return
    field = "en" if language() == "en" else "zh"
    st.markdown("\n".join(f"- {plain(w['source'])}{t('colon')}{plain(w[field])}" for w in warnings))


def _downloads(result: dict[str, Any]) -> None:
    """The report in each format, rendered only when its button is clicked."""
    st.subheader(t("tri_report"))
    lang = language()
    for column, (fmt, mime) in zip(st.columns(len(REPORTS)), REPORTS.items(), strict=True):
        column.download_button(
            fmt.upper() if fmt != "md" else "Markdown", data=_report(result, fmt, lang),
            file_name=f"triangulation.{fmt}", mime=mime, key=f"tri_download_{fmt}", on_click="ignore",
            icon=":material/download:",
        )  # fmt: skip


def _report(result: dict[str, Any], fmt: str, lang: str) -> Callable[[], bytes]:
    # Runs on another thread when clicked, so it takes everything it needs as arguments.
    project_now = project()
    return lambda: project_now.triangulation_report(result, fmt, lang)
