"""The project the app works on, opened once per server process."""

from __future__ import annotations

import streamlit as st

from coder.audit import default_coder_name
from coder.db.engine import database_url
from coder.project import Project


def project() -> Project:
    """The project at ``QCODER_DB_URL`` or the default SQLite file."""
    return _open(database_url())


@st.cache_resource
def _open(url: str) -> Project:
    # A refusal (uninitialised database) raises and is not cached, so fixing it needs no restart.
    return Project.open(url)


def coder_name() -> str:
    return default_coder_name()
