"""Streamlit entry point: `streamlit run app.py`. Builds the navigation and nothing else."""

import streamlit as st

from coder.ui import coding_page, sources_page
from coder.ui.i18n import LANGUAGES, t

st.set_page_config(page_title="qcoder", page_icon="📑", layout="wide")
st.sidebar.radio("界面语言 / Language", list(LANGUAGES), format_func=LANGUAGES.get, key="language", horizontal=True)
st.sidebar.markdown(f"**{t('app_title')}**")
st.navigation(
    [
        st.Page(sources_page.render, title=t("sources"), icon="📚", url_path="sources", default=True),
        st.Page(coding_page.render, title=t("coding"), icon="🖍️", url_path="coding"),
    ]
).run()
