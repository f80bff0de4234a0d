"""一致性 Agreement: how far coders agree, code by code (percent agreement, Cohen's κ, Krippendorff's α,
Gwet's AC1) at the unit the user picks, with the methods sentence for the paper and the table as a file;
how far each coder coded each source, with a warning naming the unfinished ones and a switch that leaves
them out; then the disagreements side by side, each resolvable into a consensus coding (the originals stay
as they were).

Everything comes from ``Project.agreement`` / ``disagreements`` / ``resolve_consensus`` (see
:mod:`coder.reliability` and :mod:`coder.consensus`); reads are cached until the data changes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from contextlib import suppress
from typing import Any

import pandas as pd
import streamlit as st

from coder.errors import QcoderError
from coder.export.agreement import LABELS, coverage_legend, coverage_table
from coder.reliability import MIN_REACH, unfinished_rule
from coder.ui.feedback import act, show_db_error, show_outcome
from coder.ui.files import download_buttons
from coder.ui.i18n import language, message, t
from coder.ui.state import cached, coder_name, project
from coder.ui.text import blockquote, code_label, code_names, plain

UNITS = ("sentence", "turn", "character")  # the choice on the page → (unit, segment) of Project.agreement
FILES = ("md", "xlsx", "docx")
SHOWN = 50  # disagreeing units shown for one source; the rest are counted


def render() -> None:
    st.title(t("icr_title"))
    show_outcome("icr")
    try:
        coders = cached("icr_coders")
        names = code_names(cached("codes")["codes"])
    except QcoderError as exc:
        show_db_error(exc)
        return
    if len(coders) < 2:
        st.info(t("icr_need_two").format(coders=t("list_sep").join(coders) or "—"))
        return
    left, middle, right = st.columns([2, 1.4, 1.2])
    chosen = left.multiselect(t("icr_coders"), coders, default=coders, key="icr_coders")
    choice = middle.radio(
        t("icr_unit"), UNITS, format_func=_labels("icr_unit", UNITS).get, key="icr_unit", horizontal=True
    )
    coded_only = right.toggle(t("icr_coded_only"), key="icr_coded_only", help=t("icr_coded_only_help"))
    rule = unfinished_rule(MIN_REACH, None, choice)[language()]
    skip = right.toggle(
        t("icr_skip_unfinished"), key="icr_skip_unfinished", help=t("icr_skip_unfinished_help").format(rule=rule)
    )
    if len(chosen) < 2:
        st.info(t("icr_pick_two"))
        return
    unit, segment = ("character", "sentence") if choice == "character" else ("segment", choice)
    # Everyone (the default) is not naming anyone: coders with nothing left in the sources compared drop out.
    named = None if set(chosen) == set(coders) else tuple(chosen)
    asked = (named, unit, segment, coded_only, None, None, language())  # Project.agreement's arguments
    try:
        result = cached("agreement", *asked, skip)
    except QcoderError as exc:
        _refused(exc, asked, skip)
        return
    st.caption(plain(t("icr_sources").format(n=len(result["sources"]), sources=t("list_sep").join(result["sources"]))))
    _unfinished(result)
    _table(result, names)
    st.markdown(f"**{t('icr_method')}**")
    st.info(plain(result["method"]))
    for note in result["notes"]:
        st.caption(plain(note))
    _coverage(result)
    _downloads(result)
    _review(result["coders"], segment, choice == "character", names)  # without coders who dropped out


def _refused(exc: QcoderError, asked: tuple[Any, ...], skip: bool) -> None:
    """The error; first the coverage table when leaving out unfinished sources is what failed (every source
    unfinished, say), so the user sees why."""
    if skip:
        with suppress(QcoderError):  # an error without the switch too: its message says all there is
            _coverage(cached("agreement", *asked, False))
    st.error(plain(message(exc)))


def _labels(prefix: str, values: tuple[str, ...]) -> dict[str, str]:
    """Each value's label, looked up now: a format function may be called where the language is not known."""
    return {value: t(f"{prefix}_{value}") for value in values}


# The table -----------------------------------------------------------------------------------------


def _table(result: dict[str, Any], names: dict[str, str]) -> None:
    """One row per code and the pooled row; agreement in percent, κ and α to three decimals, blank when
    undefined."""
    st.subheader(t("icr_table"))
    units = t("icr_col_characters") if result["unit"] == "character" else t("icr_col_units")
    columns = {
        "code": t("icr_col_code"), "name": t("icr_col_name"), "units": units, "agreement": t("icr_col_agreement"),
        "kappa": "Cohen's κ", "alpha": "Krippendorff's α", "ac1": "Gwet's AC1",
    }  # fmt: skip
    by = {coder: t("icr_col_coded_by").format(coder=coder) for coder in result["coders"]}
    rows = []
    pooled = {**result["pooled"], "code": t("icr_pooled"), "name": ""}
    for row in [*result["codes"], pooled]:
        rows.append(
            {
                columns["code"]: row["code"],
                columns["name"]: names.get(row["code"], row["name"]),
                columns["units"]: row["units"],
                columns["agreement"]: None if row["agreement"] is None else row["agreement"] * 100,
                columns["kappa"]: row["kappa"],
                columns["alpha"]: row["alpha"],
                columns["ac1"]: row["ac1"],
                **{by[coder]: row["n_coded_by"][coder] for coder in result["coders"]},
            }
        )
    st.dataframe(
        pd.DataFrame(rows, columns=[*columns.values(), *by.values()]),
        hide_index=True,
        width="stretch",
        height=min(35 * (len(rows) + 1) + 3, 800),  # every code and the pooled row without scrolling
        key="icr_table",
        column_config={
            columns["agreement"]: st.column_config.NumberColumn(format="%.1f%%"),
            columns["kappa"]: st.column_config.NumberColumn(format="%.3f"),
            columns["alpha"]: st.column_config.NumberColumn(format="%.3f"),
            columns["ac1"]: st.column_config.NumberColumn(format="%.3f"),
        },
    )
    st.caption(t("icr_blank"))


# How far each coder coded each source ------------------------------------------------------------


def _unfinished(result: dict[str, Any]) -> None:
    """The warning naming the unfinished sources and their coders, with the switch that leaves them out; or
    which sources that switch left out."""
    lang = language()
    for warning in result["warnings"]:
        st.warning(f"{plain(warning[lang])}\n\n{t('icr_unfinished_hint')}")
    if result["skipped_sources"]:
        st.info(plain(t("icr_skipped").format(n=len(result["skipped_sources"]),
                                              sources=t("list_sep").join(result["skipped_sources"]))))  # fmt: skip


def _coverage(result: dict[str, Any]) -> None:
    """Per source and coder: units, those decided, coverage, how far they coded, suggestions to review and
    whether the source is unfinished for them (the table the files carry); open by itself when some source is."""
    lang = language()
    with st.expander(t("icr_coverage"), expanded=bool(result["unfinished"])):
        header, rows = coverage_table(result, lang, as_text=False)
        percent = st.column_config.NumberColumn(format="%.0f%%")
        shares = {LABELS[lang][column]: percent for column in ("share", "reach", "pending_share")}
        st.dataframe(
            pd.DataFrame(rows, columns=header),
            hide_index=True,
            width="stretch",
            key="icr_coverage_table",
            column_config=shares,
        )
        st.caption(plain(coverage_legend(result, lang)))


def _downloads(result: dict[str, Any]) -> None:
    """The agreement table with the methods sentence, rendered only when a button is clicked."""
    lang = language()
    download_buttons("icr_download", "agreement", FILES, lambda fmt: _file(result, fmt, lang), slots=len(FILES) + 2)


def _file(result: dict[str, Any], fmt: str, lang: str) -> Callable[[], bytes]:
    # Runs on another thread when clicked, so it takes everything it needs as arguments.
    project_now = project()
    return lambda: project_now.agreement_report(result, fmt, lang)


# Disagreements -------------------------------------------------------------------------------------


def _review(coders: list[str], segment: str, by_character: bool, names: dict[str, str]) -> None:
    st.header(t("icr_review"))
    st.caption(t("icr_review_caption"))
    if by_character:
        st.caption(t("icr_review_sentences"))
    try:
        found = cached("disagreements", tuple(coders), segment, None, None)
        writable = project().role() in ("owner", "coder")
    except QcoderError as exc:
        st.error(plain(message(exc)))
        return
    counts = Counter(unit["source"] for unit in found["units"])
    if not counts:
        st.success(t("icr_no_disagreements"))
        return
    source = st.selectbox(
        t("source"), list(counts), format_func=lambda s: t("icr_source_option").format(source=s, n=counts[s]),
        key="icr_source",
    )  # fmt: skip
    if not writable:
        st.caption(t("icr_read_only"))
    units = [unit for unit in found["units"] if unit["source"] == source]
    for unit in units[:SHOWN]:
        with st.container(border=True):
            _unit(unit, coders, names, writable)
    if len(units) > SHOWN:
        st.caption(t("icr_more").format(n=len(units) - SHOWN))


def _unit(unit: dict[str, Any], coders: list[str], names: dict[str, str], writable: bool) -> None:
    """The unit's text, each coder's codes in a column of their own (differing ones in bold), and a button
    per differing code to record it as consensus."""
    st.markdown(blockquote(unit["text"]))
    st.caption(plain(f"{unit['source']} [{unit['start']}, {unit['end']})"))
    for column, coder in zip(st.columns(len(coders)), coders, strict=True):
        column.markdown(f"**{plain(coder)}**")
        if coder in unit["missing"]:
            column.caption(t("icr_missing"))
            continue
        codes = unit["codes"].get(coder, [])
        if not codes:
            column.caption(t("icr_none"))
        lines = []
        for code in codes:
            label = plain(code_label(code, names))
            lines.append(f"- **{label}**" if code in unit["differ"] else f"- {label}")
        if lines:
            column.markdown("\n".join(lines))
    for code in unit["differ"]:
        label = code_label(code, names)
        if code in unit["consensus"]:
            st.caption(plain(t("icr_settled").format(code=label, id=unit["consensus"][code])))
        elif writable and st.button(
            t("icr_accept").format(code=label), key=f"icr_accept_{unit['source']}_{unit['start']}_{unit['end']}_{code}"
        ):
            _resolve(unit, code)


def _resolve(unit: dict[str, Any], code: str) -> None:
    """Record ``code`` as the consensus for the unit: the span of the codings that applied it, resolving
    every coding of the codes the coders differ on in this unit."""
    applied = [c for c in unit["codings"] if c["code"] == code]
    originals = [c["id"] for c in unit["codings"] if c["code"] in unit["differ"]]
    start, end = min(c["start"] for c in applied), max(c["end"] for c in applied)
    act(
        "icr",
        lambda: project().resolve_consensus(unit["source"], start, end, code, originals, coder_name()),
        lambda coding: t("icr_resolved").format(id=coding),
    )
