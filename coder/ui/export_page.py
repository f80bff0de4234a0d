"""导出 Export: coded quotes for the paper (grouped by dimension → code, cited the way Chinese papers cite
them) and the 受访者基本情况表, previewed here and downloaded as Markdown, Word, Excel or CSV.

Everything comes from ``Project.quotes`` / ``export_quotes`` and ``Project.respondents`` /
``export_respondents`` (see :mod:`coder.export`); files are rendered only when their button is clicked.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from itertools import groupby
from typing import Any

import pandas as pd
import streamlit as st

from coder.citation import DEFAULT_TEMPLATES, Style
from coder.errors import QcoderError
from coder.export.formats import heading
from coder.export.quote_marks import quoted
from coder.export.quotes import EVIDENCE, MAX_CHARS, Selection
from coder.ui import mask_review
from coder.ui.feedback import show_db_error
from coder.ui.files import download_buttons
from coder.ui.i18n import language, message, t
from coder.ui.state import cached, interview_ids, project
from coder.ui.text import blockquote, code_label, code_names, plain

KINDS = ("interview", "policy", "media")
STATUSES = ("accepted", "manual", "suggested", "rejected")
FORMS = ("brackets", "footnotes")
FILES = ("md", "docx", "xlsx", "csv")
RESPONDENT_COLUMNS = {  # respondents() key → interface string
    "source": "col_id",
    "role": "exp_col_role",
    "organization": "exp_col_organization",
    "date": "exp_col_date",
    "place": "exp_col_place",
    "interviewer": "exp_col_interviewer",
    "duration": "exp_col_duration",
    "characters": "col_characters",
}
PREVIEW = 50  # quotes shown on the page; the files hold them all


def render() -> None:
    st.title(t("export"))
    try:
        codes = cached("codes")["codes"]
        interviews = interview_ids()
    except QcoderError as exc:
        show_db_error(exc)
        return
    _quotes(codes, interviews)
    _respondents()
    _exchange()
    mask_review.render()  # the names these files hide, reviewed where they are exported


# Quotes ---------------------------------------------------------------------------------------------


def _quotes(codes: list[dict[str, Any]], interviews: list[str]) -> None:
    st.header(t("exp_quotes"))
    names = code_names(codes)
    selection, style, with_ids = _choices(codes, names, interviews)
    if style is None:
        return
    try:
        rows = project().quotes(selection, style)  # depends on the selection: not cached
    except QcoderError as exc:
        st.error(plain(message(exc)))
        return
    st.markdown(f"**{t('exp_count').format(n=len(rows))}**")
    _preview(rows, names, style, with_ids)
    st.caption(t("exp_id_note"))
    download_buttons("exp_quotes", "quotes", FILES, partial(_quotes_file, selection, style, language(), with_ids))


def _choices(
    codes: list[dict[str, Any]], names: dict[str, str], interviews: list[str]
) -> tuple[Selection, Style | None, bool]:
    """The filters and options, and whether headings show code ids; the style is None (and the error shown)
    when a template is wrong."""
    labels = {c["id"]: ("\u2003" * (c["id"].count(".") - 1)) + code_label(c["id"], names) for c in codes}
    dimensions = [c["id"] for c in codes if not c["parent"]]
    left, middle, right = st.columns(3)
    chosen_codes = left.multiselect(
        t("code"), [c["id"] for c in codes if c["parent"]], format_func=labels.get, key="exp_codes",
        placeholder=t("tri_all"),
    )  # fmt: skip
    subcodes = left.toggle(t("exp_subcodes"), value=True, key="exp_subcodes")
    chosen_dimensions = left.multiselect(
        t("dimension"), dimensions, format_func=labels.get, key="exp_dimensions", placeholder=t("tri_all")
    )
    statuses = middle.multiselect(
        t("status"), STATUSES, default=list(EVIDENCE), format_func=_labels("status", STATUSES).get, key="exp_statuses",
        placeholder=t("tri_all"),
    )  # fmt: skip
    kinds = middle.multiselect(
        t("kind"), KINDS, format_func=_labels("kind", KINDS).get, key="exp_kinds", placeholder=t("tri_all")
    )
    participants = middle.multiselect(
        t("exp_participants"), interviews, key="exp_participants", placeholder=t("tri_all"),
        help=t("exp_participants_help"),
    )  # fmt: skip
    max_chars = right.number_input(
        t("exp_max_chars"), min_value=0, max_value=10_000, value=MAX_CHARS, step=50, key="exp_max_chars",
        help=t("exp_max_chars_help"),
    )  # fmt: skip
    context = right.number_input(
        t("exp_context"), min_value=0, max_value=3, value=0, step=1, key="exp_context", help=t("exp_context_help")
    )
    form = right.radio(
        t("exp_form"), FORMS, format_func=_labels("exp_form", FORMS).get, key="exp_form", horizontal=True
    )
    with_ids = right.checkbox(t("exp_with_ids"), key="exp_with_ids", help=t("exp_with_ids_help"))
    with st.expander(t("exp_templates")):
        st.caption(plain(t("exp_templates_help")))
        templates = {
            kind: st.text_input(t(f"kind_{kind}"), value=DEFAULT_TEMPLATES[kind], key=f"exp_template_{kind}")
            for kind in KINDS
        }
    selection = Selection(
        codes=chosen_codes, subcodes=subcodes, dimensions=chosen_dimensions, statuses=statuses or list(STATUSES),
        kinds=kinds, participants=participants, max_chars=int(max_chars), context=int(context),
    )  # fmt: skip
    try:
        style = Style(templates=templates, footnotes=form == "footnotes")
    except QcoderError as exc:
        st.error(plain(message(exc)))
        return selection, None, with_ids
    return selection, style, with_ids


def _labels(prefix: str, values: tuple[str, ...]) -> dict[str, str]:
    """Each value's label, looked up now: a format function may be called where the language is not known."""
    return {value: t(f"{prefix}_{value}") for value in values}


def _preview(rows: list[dict[str, Any]], names: dict[str, str], style: Style, with_ids: bool) -> None:
    """The first quotes as the paper would group them: dimension, then code (ids only ``with_ids``), each quote
    in “” with the marks inside it nested as in the files, then its citation."""
    if not rows:
        st.info(t("exp_no_quotes"))
        return
    st.subheader(t("exp_preview"))
    note = 0
    shown = rows[:PREVIEW]
    for dimension, in_dimension in groupby(shown, key=lambda r: r["dimension"]):
        in_dimension = list(in_dimension)
        name = names.get(dimension, in_dimension[0]["dimension_name"])
        st.markdown(f"#### {_heading(name, dimension, with_ids)}")
        for code, quotes in groupby(in_dimension, key=lambda r: r["code"]):
            quotes = list(quotes)
            st.markdown(f"##### {_heading(names.get(code, quotes[0]['code_name']), code, with_ids)}")
            for row in quotes:
                st.markdown(blockquote(quoted(row["quote"])))
                if style.footnotes:
                    note += 1
                    st.caption(plain(f"{t('exp_note')} {note}{t('colon')}{row['citation']}"))
                else:
                    st.caption(plain(f"（{row['citation']}）"))
                context = [
                    f"{t(f'exp_{side}')}{t('colon')}{row[side]}" for side in ("before", "after") if row.get(side)
                ]
                if context:
                    st.caption(plain(t("exp_context_shown").format(t("exp_context_sep").join(context))))
    if len(rows) > PREVIEW:
        st.caption(t("exp_more").format(n=len(rows) - PREVIEW))


def _heading(name: str, code_id: str, with_ids: bool) -> str:
    return plain(heading(name, code_id, language(), with_ids))


# Respondents ----------------------------------------------------------------------------------------


def _respondents() -> None:
    st.header(t("exp_respondents"))
    st.caption(t("exp_respondents_caption"))
    try:
        rows = cached("respondents")
    except QcoderError as exc:
        st.error(plain(message(exc)))
        return
    if rows:
        table = pd.DataFrame(
            [
                {t(label): "" if row.get(key) is None else row[key] for key, label in RESPONDENT_COLUMNS.items()}
                for row in rows
            ],
            columns=[t(label) for label in RESPONDENT_COLUMNS.values()],
        )
        st.dataframe(table, hide_index=True, width="stretch", key="exp_respondent_table")
    else:
        st.info(t("exp_no_respondents"))
    download_buttons("exp_respondents", "respondents", FILES, partial(_respondents_file, language()))


def _exchange() -> None:
    """The project and the codebook for NVivo, ATLAS.ti, MAXQDA … (REFI-QDA), evidence only, no names."""
    st.header(t("exp_exchange"))
    st.caption(t("exp_exchange_caption"))
    suggestions = st.toggle(t("exp_with_suggestions"), key="exp_qdpx_suggestions")
    masked = st.toggle(t("exp_qdpx_masked"), key="exp_qdpx_masked", help=t("exp_qdpx_masked_help"))
    project_now = project()
    left, right, _ = st.columns([1, 1, 2])
    left.download_button(
        "QDPX", data=lambda: project_now.export_qdpx("qcoder", suggestions, masked=masked), file_name="qcoder.qdpx",
        mime="application/zip", key="exp_qdpx", on_click="ignore", icon=":material/download:",
    )  # fmt: skip
    right.download_button(
        "QDC", data=project_now.export_qdc, file_name="codebook.qdc", mime="application/xml", key="exp_qdc",
        on_click="ignore", icon=":material/download:",
    )  # fmt: skip


# These run on another thread when a button is clicked, so they take everything they need as arguments.


def _quotes_file(selection: Selection, style: Style, lang: str, with_ids: bool, fmt: str) -> Callable[[], bytes]:
    project_now = project()
    return lambda: project_now.export_quotes(selection, fmt, style, lang, with_ids)


def _respondents_file(lang: str, fmt: str) -> Callable[[], bytes]:
    project_now = project()
    return lambda: project_now.export_respondents(fmt, lang)
