"""Streamlit entry point: `streamlit run app.py`. Builds the navigation and nothing else."""

import streamlit as st

from coder.ui.i18n import LANGUAGES, t
from coder.ui.pages import all_pages
from coder.ui.state import coder_name
from coder.ui.text import plain

st.set_page_config(page_title="qcoder", page_icon="📑", layout="wide")
st.sidebar.radio("界面语言 / Language", list(LANGUAGES), format_func=LANGUAGES.get, key="language", horizontal=True)
st.sidebar.markdown(f"**{t('app_title')}**")
st.sidebar.caption(plain(f"{t('coder')}：{coder_name()}"))
st.navigation(all_pages()).run()
