"""The app's pages, in navigation order; links between pages use these same definitions."""

from __future__ import annotations

import streamlit as st

from coder.ui.i18n import t


def coding() -> st.Page:
    from coder.ui import coding_page

    return st.Page(coding_page.render, title=t("coding"), icon="🖍️", url_path="coding")


def all_pages() -> list[st.Page]:
    from coder.ui import codebook_page, export_page, overview_page, retrieve_page, sources_page, triangulation_page

    return [
        st.Page(overview_page.render, title=t("overview"), icon="📊", url_path="overview", default=True),
        st.Page(sources_page.render, title=t("sources"), icon="📚", url_path="sources"),
        coding(),
        st.Page(retrieve_page.render, title=t("retrieve"), icon="🔎", url_path="retrieve"),
        st.Page(triangulation_page.render, title=t("triangulation"), icon="🔺", url_path="triangulation"),
        st.Page(export_page.render, title=t("export"), icon="📤", url_path="export"),
        st.Page(codebook_page.render, title=t("codebook"), icon="🗂️", url_path="codebook"),
    ]
