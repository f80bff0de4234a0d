"""The app's pages, in navigation order; links between pages use these same definitions."""

from __future__ import annotations

import streamlit as st

from coder.errors import QcoderError
from coder.ui.feedback import show_db_error
from coder.ui.i18n import t
from coder.ui.state import logged_in, project

# Streamlit's bundled Material Symbols font, not emoji: a system without an emoji font (Debian's Chromium)
# draws emoji as empty boxes. Names: https://fonts.google.com/icons (checked by tests/ui/test_icons_and_charts.py).
ICONS = {
    "overview": ":material/dashboard:",
    "sources": ":material/library_books:",
    "coding": ":material/ink_highlighter:",
    "retrieve": ":material/manage_search:",
    "triangulation": ":material/change_history:",
    "analysis": ":material/analytics:",
    "agreement": ":material/handshake:",
    "export": ":material/file_export:",
    "codebook": ":material/menu_book:",
    "history": ":material/history:",
    "team": ":material/group:",
    "login": ":material/login:",
    "unavailable": ":material/error:",
}


def coding() -> st.Page:
    from coder.ui import coding_page

    return st.Page(coding_page.render, title=t("coding"), icon=ICONS["coding"], url_path="coding")


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
        st.Page(overview_page.render, title=t("overview"), icon=ICONS["overview"], url_path="overview", default=True),
        st.Page(sources_page.render, title=t("sources"), icon=ICONS["sources"], url_path="sources"),
        coding(),
        st.Page(retrieve_page.render, title=t("retrieve"), icon=ICONS["retrieve"], url_path="retrieve"),
        st.Page(
            triangulation_page.render, title=t("triangulation"), icon=ICONS["triangulation"], url_path="triangulation"
        ),
        st.Page(analysis_page.render, title=t("an_title"), icon=ICONS["analysis"], url_path="analysis"),
        st.Page(agreement_page.render, title=t("icr_title"), icon=ICONS["agreement"], url_path="agreement"),
        st.Page(export_page.render, title=t("export"), icon=ICONS["export"], url_path="export"),
        st.Page(codebook_page.render, title=t("codebook"), icon=ICONS["codebook"], url_path="codebook"),
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
        return [st.Page(login_page.render, title=t("login"), icon=ICONS["login"], url_path="login", default=True)]
    pages = all_pages()
    if role == "owner":
        pages.append(st.Page(history_page.render, title=t("hist_title"), icon=ICONS["history"], url_path="history"))
        pages.append(st.Page(team_page.render, title=t("team"), icon=ICONS["team"], url_path="team"))
    return pages


def _unavailable(problem: QcoderError) -> st.Page:
    def render() -> None:
        st.title(t("app_title"))
        show_db_error(problem)

    return st.Page(render, title=t("db_error"), icon=ICONS["unavailable"], url_path="unavailable", default=True)
