"""登录 Log in: the only page a team project shows before someone has logged in."""

from __future__ import annotations

import streamlit as st

from coder.errors import QcoderError
from coder.ui.i18n import language, t
from coder.ui.state import project


def render() -> None:
    st.title(t("login"))
    st.caption(t("login_caption"))
    with st.form("login_form"):
        name = st.text_input(t("login_name"), key="login_name")
        password = st.text_input(t("login_password"), type="password", key="login_password")
        if st.form_submit_button(t("login")):
            try:
                person = project().log_in(name, password, client=_client())
                st.session_state["user"], st.session_state["user_stamp"] = person.user, person.session_stamp()
            except QcoderError as exc:
                st.error(exc.en if language() == "en" else exc.zh)
            else:
                st.session_state.pop("login_password", None)
                st.rerun()


def _client() -> str | None:
    """The browser's address, which failed logins are also throttled by across names (see coder.throttle);
    None when Streamlit does not know it (and under AppTest, which stands a mock in for it)."""
    address = st.context.ip_address
    return address if isinstance(address, str) else None


def log_out() -> None:
    """Forget who is logged in on this browser session (every cached read is per person)."""
    for key in list(st.session_state):
        if key != "language":
            del st.session_state[key]
