"""The project the app works on, opened once per server process, and who is using it.

In team mode (see coder.access) a person logs in; the project then acts as them — their role decides
what they may change, agreement rounds decide what they may see — and cached reads are kept per person.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from coder.audit import default_coder_name
from coder.db.engine import database_url
from coder.project import Project


def project() -> Project:
    """The project at ``QCODER_DB_URL`` or the default SQLite file, as the logged-in person sees it."""
    return _open(database_url()).for_user(coder_name())  # never a user-less (administrator's) Project


def logged_in() -> str | None:
    return st.session_state.get("user")


@st.cache_resource
def _open(url: str) -> Project:
    # A refusal (uninitialised database) raises and is not cached, so fixing it needs no restart.
    return Project.open(url)


def coder_name() -> str:
    """Who the app's writes are attributed to: the logged-in person, or the local user."""
    return logged_in() or default_coder_name()


def version() -> int:
    """The project's data version, read once per script run (one cheap query)."""
    return project().data_version()


@st.cache_data(max_entries=64, show_spinner=False)
def _cached(url: str, user: str, data_version: int, method: str, *args: Any) -> Any:
    return getattr(_open(url).for_user(user), method)(*args)


def interview_ids() -> list[str]:
    """The record IDs of the imported interviews: how pages offer participants (never by name)."""
    return [s["id"] for s in cached("sources") if s["kind"] == "interview"]


def cached(method: str, *args: Any) -> Any:
    """``project().<method>(*args)``, recomputed only when the data changed since the last call.

    Pages call this for corpus-wide reads (source lists, code tables, counts), so a click that
    changes nothing does not query the whole corpus again.
    """
    return _cached(database_url(), coder_name(), version(), method, *args)
