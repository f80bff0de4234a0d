"""A memo as the pages show it: what it is on, who wrote it and when, and its text exactly as written."""

from __future__ import annotations

from typing import Any

import streamlit as st

from coder.history import local_time
from coder.ui.i18n import t
from coder.ui.text import plain


def on_what(memo: dict[str, Any], names: dict[str, str]) -> str:
    """What the memo is on, in the interface language: a source, a code (by name), a coding or the project."""
    code = names.get(memo["code"], memo["code"] or "")
    if memo["target"] == "coding":
        return t("memo_on_coding").format(coding=memo["coding"], source=memo["source"], code=code)
    if memo["target"] == "source":
        return t("memo_on_source").format(source=memo["source"])
    if memo["target"] == "code":
        return t("memo_on_code").format(code=code)
    return t("memo_on_project")


def show(memo: dict[str, Any], names: dict[str, str], with_target: bool = True) -> None:
    """One memo: a caption (escaped: names and IDs may hold Markdown) and the text with ``st.text``, which
    never reads Markdown or HTML."""
    about = [on_what(memo, names)] if with_target else []
    st.caption(plain(" · ".join([*about, memo["coder"], local_time(memo["created_at"])])))
    st.text(memo["text"])
