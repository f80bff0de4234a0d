"""Streamlit entry point: `streamlit run app.py`. Builds the navigation and nothing else."""

import streamlit as st

from coder.ui.i18n import LANGUAGES, t
from coder.ui.login_page import log_out
from coder.ui.pages import navigation
from coder.ui.state import coder_name, logged_in
from coder.ui.text import plain

st.set_page_config(page_title="qcoder", page_icon="📑", layout="wide")
st.sidebar.radio("界面语言 / Language", list(LANGUAGES), format_func=LANGUAGES.get, key="language", horizontal=True)
st.sidebar.markdown(f"**{t('app_title')}**")
st.sidebar.caption(plain(f"{t('coder')}：{coder_name()}"))
if logged_in():
    st.sidebar.button(t("logout"), on_click=log_out, key="logout")
st.navigation(navigation()).run()
