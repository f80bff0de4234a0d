"""The app's pages, in navigation order; links between pages use these same definitions."""

from __future__ import annotations

import streamlit as st

from coder.errors import QcoderError
from coder.ui.i18n import t
from coder.ui.state import logged_in, project


def coding() -> st.Page:
    from coder.ui import coding_page

    return st.Page(coding_page.render, title=t("coding"), icon="🖍️", url_path="coding")


def all_pages() -> list[st.Page]:
    from coder.ui import (
        agreement_page,
        analysis_page,
        codebook_page,
        export_page,
        overview_page,
        retrieve_page,
        sources_page,
        triangulation_page,
    )

    return [
        st.Page(overview_page.render, title=t("overview"), icon="📊", url_path="overview", default=True),
        st.Page(sources_page.render, title=t("sources"), icon="📚", url_path="sources"),
        coding(),
        st.Page(retrieve_page.render, title=t("retrieve"), icon="🔎", url_path="retrieve"),
        st.Page(triangulation_page.render, title=t("triangulation"), icon="🔺", url_path="triangulation"),
        st.Page(analysis_page.render, title=t("an_title"), icon="🧮", url_path="analysis"),
        st.Page(agreement_page.render, title=t("icr_title"), icon="🤝", url_path="agreement"),
        st.Page(export_page.render, title=t("export"), icon="📤", url_path="export"),
        st.Page(codebook_page.render, title=t("codebook"), icon="🗂️", url_path="codebook"),
    ]


def navigation() -> list[st.Page]:
    """What this browser session may open: in a team project, only the login page until someone logs in;
    the History (undo) and Team pages for owners — everyone, where nobody logs in."""
    from coder.ui import history_page, login_page, team_page

    try:
        current = project()
        team, role = current.team_mode(), current.role()
        if team and logged_in() and current.session_stamp() != st.session_state.get("user_stamp"):
            login_page.log_out()  # disabled, or the password changed since this browser logged in
    except QcoderError as exc:
        return [_unavailable(exc)]  # nothing of the project is shown while it cannot be checked
    if team and logged_in() is None:
        return [st.Page(login_page.render, title=t("login"), icon="🔑", url_path="login", default=True)]
    pages = all_pages()
    if role == "owner":
        pages.append(st.Page(history_page.render, title=t("hist_title"), icon="🕘", url_path="history"))
        pages.append(st.Page(team_page.render, title=t("team"), icon="👥", url_path="team"))
    return pages


def _unavailable(problem: QcoderError) -> st.Page:
    def render() -> None:
        st.title(t("app_title"))
        st.error(f"{t('db_error')}：{problem.zh}\n\n{problem.en}")

    return st.Page(render, title=t("db_error"), icon="⚠️", url_path="unavailable", default=True)
