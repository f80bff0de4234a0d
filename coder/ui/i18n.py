"""Interface strings: Chinese first, English as a switch.

The strings themselves live in coder/ui/strings/, one module a page family (history.py holds the
History page's and its sentences', retrieve.py Retrieve's …); they are merged here into ``STRINGS``, which
every page reads through :func:`t`.
"""

from __future__ import annotations

import streamlit as st

from coder.ui.strings import merged

LANGUAGES = {"zh": "中文", "en": "English"}

STRINGS: dict[str, dict[str, str]] = merged()


def language() -> str:
    return st.session_state.get("language", "zh")


def t(key: str) -> str:
    return STRINGS[key][language()]


def message(error: Exception) -> str:
    """A QcoderError (or a coder.errors.Bilingual message) in the interface language (it carries both);
    anything else as it is."""
    zh, en = getattr(error, "zh", None), getattr(error, "en", None)
    return (en if language() == "en" else zh) or str(error)
