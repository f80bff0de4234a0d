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

# The tab's icon: Material Symbols' "format_quote" (Apache-2.0) as inline SVG. An emoji is drawn as a box where
# the system has no emoji font, and a ":material/…:" favicon is fetched from fonts.gstatic.com.
FAVICON = (
    "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 24 24'><rect width='24' height='24' rx='5' fill='#31333F'/>"
    "<path fill='#FFFFFF' d='M6 17h3l2-4V7H5v6h3zm8 0h3l2-4V7h-6v6h3z'/></svg>"
)
st.set_page_config(page_title="qcoder", page_icon=FAVICON, layout="wide")
st.sidebar.radio("界面语言 / Language", list(LANGUAGES), format_func=LANGUAGES.get, key="language", horizontal=True)
st.sidebar.markdown(f"**{t('app_title')}**")
st.sidebar.caption(plain(f"{t('coder')}{t('colon')}{coder_name()}"))
if logged_in():
    st.sidebar.button(t("logout"), on_click=log_out, key="logout")
st.navigation(navigation()).run()
