"""The Corpus page's upload area: the record-ID convention in two lines, the ID each file will get before
it is imported (editable where qcoder made it), each file kept once, and an ID maker.

Streamlit's uploader keeps its files across runs, so after an import it is replaced by a fresh one: a
later import can never keep (or import) the earlier files again, under whatever kind is chosen then.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from coder.errors import QcoderError
from coder.ui.i18n import message, t
from coder.ui.state import cached, project
from coder.ui.text import plain

KINDS = ("interview", "policy", "media")
SUFFIXES = ["txt", "md", "docx", "pdf", "html", "htm"]
_RESULTS = "upload_results"  # what the last import did, shown after the uploader was replaced
_GENERATION = "upload_generation"


def render(corpus: Path) -> None:
    with st.expander(t("upload"), expanded=bool(st.session_state.get(_RESULTS))):
        st.markdown(t("upload_help"))
        generation = st.session_state.setdefault(_GENERATION, 0)
        files = st.file_uploader(
            t("upload_files"), type=SUFFIXES, accept_multiple_files=True, key=f"uploader-{generation}"
        )
        kind = st.selectbox(t("upload_kind"), KINDS, format_func=lambda k: t(f"kind_{k}"), key="upload_kind")
        if files:
            _plan(files, kind, corpus, generation)
        _show_results()
        _id_maker()


def _plan(files: list[Any], default_kind: str, corpus: Path, generation: int) -> None:
    """The table of files with the kind and ID each will be imported under, and the import button."""
    key = f"upload-plan-{generation}"
    edits = st.session_state.get(key, {}).get("edited_rows", {})
    labels = {t(f"kind_{k}"): k for k in KINDS}
    kinds = [labels.get(edits.get(i, {}).get("kind"), default_kind) for i in range(len(files))]
    plans: list[dict[str, Any]] = []
    for upload, kind in zip(files, kinds, strict=True):  # each file's ID beside those of the files above it
        taken = tuple(sorted(p["id"] for p in plans if p["id"]))
        plans.append(cached("preview_upload", upload.name, upload.getvalue(), kind, taken))
    frame = pd.DataFrame(
        {
            "file": [p["name"] for p in plans],
            "kind": [t(f"kind_{p['kind'] or k}") for p, k in zip(plans, kinds, strict=True)],
            "id": [p["id"] or "" for p in plans],
            "note": [_note(p) for p in plans],
        }
    )
    edited = st.data_editor(
        frame,
        key=key,
        hide_index=True,
        width="stretch",
        disabled=["file", "note"],
        column_config={
            "file": st.column_config.TextColumn(t("upload_col_file")),
            "kind": st.column_config.SelectboxColumn(t("upload_col_kind"), options=list(labels), required=True),
            "id": st.column_config.TextColumn(t("upload_col_id"), help=t("upload_id_help")),
            "note": st.column_config.TextColumn(t("upload_col_note"), width="large"),
        },
    )
    if st.button(t("import"), key="upload_import", type="primary"):
        # Only an ID typed over the one shown goes with the file: qcoder's own is drawn again when the file is
        # stored, in turn with other imports, so two people uploading at once never share a number.
        typed = [cell if cell and cell != plan["id"] else None for cell, plan in zip(edited["id"], plans, strict=True)]
        _import(files, kinds, typed, corpus)


def _note(plan: dict[str, Any]) -> str:
    if plan["status"] == "unchanged":
        return t("upload_already").format(id=plan["id"])
    if plan["status"] == "failed":
        return message(plan["message"]) if plan["message"] else ""
    if plan["declared"]:
        return t("upload_declared")
    return message(plan["assigned"]) if plan["assigned"] else ""


def _import(files: list[Any], kinds: list[str], typed: list[str | None], corpus: Path) -> None:
    bar = st.progress(0.0)
    results = []
    for number, (upload, kind, record_id) in enumerate(zip(files, kinds, typed, strict=True), 1):
        try:
            results.append(project().import_upload(corpus, upload.name, upload.getvalue(), kind, record_id))
        except QcoderError as exc:  # e.g. a viewer's account may not import
            results.append({"path": upload.name, "status": "failed", "message": exc, "warnings": []})
        bar.progress(number / len(files), text=plain(upload.name))  # the text is Markdown
    st.session_state[_RESULTS] = [(upload.name, result) for upload, result in zip(files, results, strict=True)]
    st.session_state[_GENERATION] += 1  # a fresh uploader: these files are never kept or imported again
    st.rerun()


def _show_results() -> None:
    for name, result in st.session_state.get(_RESULTS, []):
        if result["status"] == "failed":
            st.error(plain(message(result["message"]) if result["message"] else name))
            continue
        key = "upload_imported" if result["status"] == "imported" else "upload_unchanged"
        st.success(plain(t(key).format(id=result["id"], name=name)))
        if result.get("assigned"):
            st.caption(plain(message(result["assigned"])))
        for warning in result["warnings"]:  # each in the interface language (coder.errors.Bilingual)
            st.warning(plain(message(warning)))


def _id_maker() -> None:
    """Name + date → the record ID, with the surname and reading warnings ``qcoder id make`` gives."""
    st.markdown(f"**{t('id_maker')}**")
    name_column, date_column, kind_column = st.columns(3)
    name = name_column.text_input(t("id_maker_name"), key="id_maker_name", help=t("id_maker_name_help"))
    day = date_column.date_input(
        t("col_date"), value=None, min_value=dt.date(1900, 1, 1), max_value=dt.date.today(), key="id_maker_date"
    )
    kind = kind_column.selectbox(t("kind"), KINDS, format_func=lambda k: t(f"kind_{k}"), key="id_maker_kind")
    if st.button(t("id_maker_make"), key="id_maker_make"):
        if day is None or (kind == "interview" and not name.strip()):
            st.warning(t("id_maker_needs"))
            return
        try:
            made = project().make_id(day, kind, name.strip() or None)
        except QcoderError as exc:
            st.error(plain(message(exc)))
            return
        st.code(made["id"], language=None)
        for warning in made["warnings"]:
            st.warning(plain(message(warning)))
