"""团队 Team: people and their roles, and agreement rounds — for the project's owner."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from coder import throttle
from coder.db.models import ROLES
from coder.errors import QcoderError
from coder.ui.feedback import act, show_outcome
from coder.ui.i18n import message, t
from coder.ui.state import cached, project
from coder.ui.text import plain


def render() -> None:
    st.title(t("team"))
    show_outcome("team")
    try:
        team_mode, people, rounds = project().team_mode(), project().users(), project().rounds()
        locks = project().login_locks() if project().role() == "owner" else []
        sources = [s["id"] for s in cached("sources")]
    except QcoderError as exc:
        st.error(plain(message(exc)))
        return
    st.caption(t("team_on") if team_mode else t("team_off"))
    _people(people)
    _locks(locks)
    _rounds(rounds, sources)


def _people(people: list[dict[str, Any]]) -> None:
    st.header(t("team_people"))
    roles = {role: t(f"role_{role}") for role in ROLES}
    if people:
        table = pd.DataFrame([{t("login_name"): p["name"], t("team_role"): roles.get(p["role"], p["role"]),
                               t("team_active"): "✓" if p["active"] else "—"} for p in people])  # fmt: skip
        st.dataframe(table, hide_index=True, width="stretch")
    with st.form("team_add", clear_on_submit=True):
        st.markdown(f"**{t('team_add')}**")
        left, middle, right = st.columns(3)
        name = left.text_input(t("login_name"), key="team_new_name")
        role = middle.selectbox(t("team_role"), ROLES, index=1, format_func=roles.get, key="team_new_role")
        password = right.text_input(t("login_password"), type="password", key="team_new_password")
        if st.form_submit_button(t("team_add")):
            act("team", lambda: project().add_user(name, role, password), t("team_added").format(name=name))
    if people:
        with st.form("team_change"):
            st.markdown(f"**{t('team_change')}**")
            left, middle, right = st.columns(3)
            who = left.selectbox(t("login_name"), [p["name"] for p in people], key="team_who")
            role = middle.selectbox(t("team_role"), ROLES, format_func=roles.get, key="team_role_new")
            active = right.toggle(t("team_active"), value=True, key="team_active_new")
            if st.form_submit_button(t("save")):
                act("team", lambda: project().change_user(who, role=role, active=active), t("saved"))


def _locks(locks: list[dict[str, Any]]) -> None:
    """Names and addresses with failed logins, and a button to clear one (see coder.throttle)."""
    st.header(t("team_locks"))
    st.caption(t("team_locks_caption").format(free=throttle.FREE_FAILURES, limit=throttle.MAX_LOCK_MINUTES))
    if not locks:
        return
    labels = {(item["kind"], item["who"]): _lock_label(item) for item in locks}
    table = pd.DataFrame([{"": labels[(item["kind"], item["who"])], t("team_lock_failures"): item["failures"],
                           t("team_locked_until"): item["locked_until"] or "—"} for item in locks])  # fmt: skip
    st.dataframe(table, hide_index=True, width="stretch")
    with st.form("team_unlock"):
        chosen = st.selectbox(t("team_unlock"), list(labels), format_func=labels.get, key="team_unlock_who")
        if st.form_submit_button(t("team_unlock")):
            kind, who = chosen
            target = {"name": who} if kind == "account" else {"client": who}
            act("team", lambda: project().unlock(**target), t("team_unlocked").format(who=who))


def _lock_label(item: dict[str, Any]) -> str:
    """The lock's label: "name 编码员甲", "address 203.0.113.7", or for a name nobody has
    "name (unknown name) ?3f…" — the typed text is never kept, it may have been a password."""
    unknown = f" {t('team_lock_unknown')}" if item["unknown_name"] else ""
    return f"{t('team_lock_' + item['kind'])}{unknown} {item['who']}"


def _rounds(rounds: list[dict[str, Any]], sources: list[str]) -> None:
    st.header(t("team_rounds"))
    st.caption(t("team_rounds_caption"))
    for item in rounds:
        with st.container(border=True):
            state = t("team_round_open") if item["open"] else t("team_round_closed")
            st.markdown(plain(f"#{item['id']} {item['name']} · {state} · {item['opened_by']}"))
            st.caption(plain(t("list_sep").join(item["sources"])))
            if item["open"] and st.button(t("team_close_round"), key=f"team_close_{item['id']}"):
                act("team", lambda r=item["id"]: project().close_round(r), t("team_round_closed"))
    with st.form("team_round", clear_on_submit=True):
        st.markdown(f"**{t('team_open_round')}**")
        name = st.text_input(t("team_round_name"), key="team_round_name")
        chosen = st.multiselect(t("sources"), sources, key="team_round_sources")
        if st.form_submit_button(t("team_open_round")):
            act("team", lambda: project().open_round(name, chosen), t("team_round_opened"))
