"""Running a write from a page: its refusal shown in the interface language, or a rerun that shows the new
state with a message that survives it (a toast would be lost with the rerun)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from coder.errors import QcoderError
from coder.ui.i18n import message, t
from coder.ui.text import plain


def act(page: str, action: Callable[[], Any], done: str | Callable[[Any], str], forget: tuple[str, ...] = ()) -> None:
    """Run ``action``; on success rerun, with ``done`` to show (or ``done(result)``, when the message names
    what the action made) and the inputs in ``forget`` reset to their stored or empty values; on refusal
    show why (inputs keep what was typed)."""
    try:
        result = action()
    except QcoderError as exc:
        st.error(plain(message(exc)))
        return
    st.session_state[f"{page}_flash"] = done(result) if callable(done) else done
    st.session_state[f"{page}_forget"] = forget
    st.rerun()


def show_outcome(page: str) -> None:
    """At the top of a page: the message of the write that caused this run, and inputs to reset."""
    if flash := st.session_state.pop(f"{page}_flash", None):
        st.success(flash)
    for key in st.session_state.pop(f"{page}_forget", ()):
        st.session_state.pop(key, None)


def show_db_error(problem: Exception) -> None:
    """What a page shows in place of its content when the project cannot be read: why, in the interface
    language, escaped (a message may quote a file name or a value)."""
    st.error(f"{t('db_error')}{t('colon')}{plain(message(problem))}")
