"""The project the app works on, opened once per server process."""

from __future__ import annotations

import streamlit as st

from coder.audit import default_coder_name
from coder.project import Project


@st.cache_resource
def project() -> Project:
    """``QCODER_DB_URL`` or the default SQLite file; Project.open refuses an uninitialised database."""
    return Project.open()


def coder_name() -> str:
    return default_coder_name()
