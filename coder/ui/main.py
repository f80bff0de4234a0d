"""Streamlit entry point: `qcoder app`, or `streamlit run coder/ui/main.py`. Builds the navigation and nothing else.

It lives in the package so an installed qcoder can serve it from any folder (see coder.serve).
"""

import sys
from pathlib import Path

import streamlit as st

from coder.ui.i18n import LANGUAGES, t
from coder.ui.login_page import log_out
from coder.ui.pages import navigation
from coder.ui.state import coder_name, logged_in
from coder.ui.text import plain

# Streamlit puts this script's folder first on sys.path, where coder/ui's modules (files, state, text …)
# would shadow any installed module of the same name imported later; the app imports them as coder.ui.*.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if not p or Path(p).resolve() != _HERE]

st.set_page_config(page_title="qcoder", page_icon="📑", layout="wide")
st.sidebar.radio("界面语言 / Language", list(LANGUAGES), format_func=LANGUAGES.get, key="language", horizontal=True)
st.sidebar.markdown(f"**{t('app_title')}**")
st.sidebar.caption(plain(f"{t('coder')}：{coder_name()}"))
if logged_in():
    st.sidebar.button(t("logout"), on_click=log_out, key="logout")
st.navigation(navigation()).run()
