"""Telling the person at the Coding page what a re-tag did while they worked.

A background re-tag (coder.background) may withdraw or re-score suggestions in many sources; its
report is kept as an audit event (coder.retag_report). :func:`show_retag_notice` shows, in the
interface language, every report this browser session has not yet been told of, and keeps showing them
until the person clicks "Got it": a notice that vanished at the next click (every decision reruns the
page) would be as good as none. A session that starts fresh is told only of the re-tags of the last
:data:`RECENT`; older ones are in the History page.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from coder.errors import QcoderError
from coder.retag_report import describe
from coder.ui.i18n import language, t
from coder.ui.state import cached
from coder.ui.text import plain

SEEN = "retag_notice_seen"  # session state: the newest report id this session was told of and dismissed
RECENT = dt.timedelta(hours=1)
SHOWN = 3  # reports shown at once, newest first; more than that since the last look is rare


def show_retag_notice(open_source: str | None) -> None:
    """Show the re-tag reports newer than what this browser session has seen; ``open_source`` is the
    source on screen, named as "open here" where a re-tag left it alone."""
    try:
        if SEEN not in st.session_state:
            st.session_state[SEEN] = _passed_over_on_arrival()
        reports = cached("retag_reports", st.session_state[SEEN])
    except QcoderError:  # the page shows the database's refusal itself; a notice is no place for it
        return
    if not reports:
        return
    for report in reports[:SHOWN]:
        zh, en = describe(report, open_source)
        st.info(plain(en if language() == "en" else zh), icon=":material/sync:")
    if st.button(t("retag_notice_ok"), key="retag_notice_ok"):
        st.session_state[SEEN] = reports[0]["id"]
        st.rerun()


def _passed_over_on_arrival() -> int:
    """The newest report older than RECENT (0 if none): what a new session is not told of again."""
    since = dt.datetime.now(dt.UTC) - RECENT
    older = [r["id"] for r in cached("retag_reports", None) if dt.datetime.fromisoformat(r["at"]) < since]
    return max(older, default=0)
