"""屏蔽名单 Names in exports: the mask list reviewed where researchers export (see coder.masking).

Candidates found in the sources (``Project.mask_suggestions``, a pass over every text) are computed only
while their expander is open, through the same per-data-version cache as every page's corpus-wide reads:
a decision writes an audit event, which changes the version, so the next run recomputes them. The list
itself (``Project.masks``) is shown with a remove button per entry (not for the interviewees: they come
from the participant table) and a small form to add a name by hand. In a team project only the owner may
change it (``Project.add_mask`` and the others refuse anyone else, see coder.access ``codebook``); others
see it read-only. Every source text is escaped: transcripts may hold markup.
"""

from __future__ import annotations

import hashlib
import math
from typing import Any

import streamlit as st

from coder.errors import QcoderError
from coder.ui.feedback import act, show_outcome
from coder.ui.i18n import STRINGS, message, t
from coder.ui.state import cached, coder_name, project
from coder.ui.text import plain

PAGE = 20  # candidates shown at a time
CONTEXTS = 2  # contexts shown per candidate
KINDS = ("person", "place", "org")
FEEDBACK = "mask"  # the key of this section's messages (coder.ui.feedback)


def render() -> None:
    st.header(t("mask_heading"))
    st.caption(t("mask_caption"))
    show_outcome(FEEDBACK)
    try:
        entries = cached("masks")
        owner = project().role() == "owner"
    except QcoderError as exc:
        st.error(plain(message(exc)))
        return
    if not owner:
        st.caption(t("mask_owner_only"))
    with st.expander(t("mask_candidates"), key="mask_open", on_change="rerun") as section:
        if section.open:  # the pass over every source runs only when someone looks
            _candidates(owner)
    _listed([e for e in entries if e["status"] == "confirmed"], owner)
    _dismissed([e for e in entries if e["status"] == "dismissed"], owner)
    if owner:
        _add()


def key(mention: str) -> str:
    """A widget key for a mention: stable across reruns, whatever characters the mention holds."""
    return hashlib.sha1(mention.encode("utf-8")).hexdigest()[:12]


def highlighted(context: str, mention: str) -> str:
    """A context as Markdown: its text escaped, the mention in it marked."""
    mark = f":orange-background[**{plain(mention)}**]"
    return "> " + mark.join(plain(piece) for piece in context.replace("\n", " ").split(mention))


def _kind(kind: str) -> str:
    return t(f"mask_kind_{kind}") if f"mask_kind_{kind}" in STRINGS else kind


def _origin(origin: str) -> str:
    return t(f"mask_origin_{origin}") if f"mask_origin_{origin}" in STRINGS else origin


# Candidates -----------------------------------------------------------------------------------------


def _candidates(owner: bool) -> None:
    st.caption(t("mask_candidates_caption"))
    try:
        with st.spinner(t("mask_finding")):
            found = cached("mask_suggestions")
    except QcoderError as exc:
        st.error(plain(message(exc)))
        return
    if not found:
        st.info(t("mask_no_candidates"))
        return
    st.markdown(f"**{t('mask_candidate_count').format(n=len(found))}**")
    pages = math.ceil(len(found) / PAGE)
    if pages > 1:  # where the list shrank past the page shown, the last page (Streamlit resets to the default)
        page = st.pagination(
            pages, key="mask_page", default=pages if st.session_state.get("mask_page", 1) > pages else 1
        )
    else:
        page = 1
    first = (page - 1) * PAGE
    shown = found[first : first + PAGE]
    if pages > 1:
        st.caption(t("mask_shown").format(first=first + 1, last=first + len(shown), n=len(found)))
    for candidate in shown:
        _candidate(candidate, len(found) - 1, owner)


def _candidate(candidate: dict[str, Any], left: int, owner: bool) -> None:
    """One candidate: what it is, where it stands, and (for the owner) its replacement and the two decisions;
    ``left`` is how many stay to review once it is decided."""
    mention, kind = candidate["mention"], candidate["kind"]
    with st.container(border=True):
        seen = t("mask_seen").format(count=candidate["count"], sources=len(candidate["sources"]))
        st.markdown(f"**{plain(mention)}** · {plain(_kind(kind))} · {plain(seen)}")
        for context in candidate["contexts"][:CONTEXTS]:
            st.markdown(highlighted(context, mention))
        if not owner:
            st.caption(plain(t("mask_proposed").format(replacement=candidate["replacement"])))
            return
        field, confirm, dismiss = st.columns([3, 1, 1], vertical_alignment="bottom")
        replacement = field.text_input(
            t("mask_replacement"), value=candidate["replacement"], key=f"mask_as_{key(mention)}"
        )
        if confirm.button(t("mask_confirm"), key=f"mask_yes_{key(mention)}", type="primary"):
            act(
                FEEDBACK,
                lambda: project().add_mask(mention, kind, coder_name(), replacement),
                lambda row: plain(
                    t("mask_confirmed").format(mention=row["mention"], replacement=row["replacement"], n=left)
                ),
            )
        if dismiss.button(t("mask_dismiss"), key=f"mask_no_{key(mention)}"):
            act(
                FEEDBACK,
                lambda: project().dismiss_mask(mention, kind, coder_name()),
                plain(t("mask_dismissed_one").format(mention=mention, n=left)),
            )


# The list -------------------------------------------------------------------------------------------

WIDTHS = [3, 3, 2, 3, 1]


def _listed(entries: list[dict[str, Any]], owner: bool) -> None:
    st.subheader(t("mask_list"))
    if not entries:
        st.info(t("mask_list_empty"))
        return
    for column, label in zip(
        st.columns(WIDTHS),
        ("mask_col_mention", "mask_col_replacement", "mask_col_kind", "mask_col_origin"),
        strict=False,
    ):
        column.markdown(f"**{t(label)}**")
    for entry in entries:
        mention, origin = entry["mention"], entry["origin"]
        interviewee = origin == "participant"
        name, replacement, kind, shown_origin, button = st.columns(WIDTHS, vertical_alignment="center")
        # an interviewee is shown by the initials, in the interface language (their name is never on the page)
        name.markdown(plain(t("mask_interviewee").format(initials=entry["replacement"]) if interviewee else mention))
        replacement.markdown(plain(entry["replacement"]))
        kind.markdown(plain(_kind(entry["kind"])))
        shown_origin.markdown(plain(_origin(origin)))
        if owner and not interviewee and button.button(t("mask_remove"), key=f"mask_remove_{key(mention)}"):
            act(
                FEEDBACK,
                lambda mention=mention: project().remove_mask(mention, coder_name()),
                plain(t("mask_removed").format(mention=mention)),
            )


def _dismissed(entries: list[dict[str, Any]], owner: bool) -> None:
    """What was dismissed as no name: never proposed again, unless the owner asks for it back."""
    if not entries:
        return
    with st.expander(t("mask_dismissed").format(n=len(entries))):
        for entry in entries:
            mention = entry["mention"]
            name, kind, button = st.columns([3, 2, 2], vertical_alignment="center")
            name.markdown(plain(mention))
            kind.markdown(plain(_kind(entry["kind"])))
            if owner and button.button(t("mask_restore"), key=f"mask_restore_{key(mention)}"):
                act(
                    FEEDBACK,
                    lambda mention=mention: project().remove_mask(mention, coder_name()),
                    plain(t("mask_restored").format(mention=mention)),
                )


def _add() -> None:
    st.markdown(f"**{t('mask_add')}**")
    mention_column, kind_column, replacement_column = st.columns([3, 2, 3])
    mention = mention_column.text_input(t("mask_add_mention"), key="mask_add_mention", help=t("mask_add_mention_help"))
    labels = {kind: _kind(kind) for kind in KINDS}  # looked up now, in this run's language
    kind = kind_column.selectbox(t("mask_col_kind"), KINDS, format_func=labels.get, key="mask_add_kind")
    replacement = replacement_column.text_input(t("mask_add_replacement"), key="mask_add_replacement")
    replace = st.checkbox(t("mask_add_replace"), key="mask_add_replace")
    if st.button(t("mask_add_button"), key="mask_add_button"):
        act(
            FEEDBACK,
            lambda: project().add_mask(mention, kind, coder_name(), replacement or None, replace),
            lambda row: plain(t("mask_added").format(mention=row["mention"], replacement=row["replacement"])),
            forget=("mask_add_mention", "mask_add_replacement", "mask_add_replace"),
        )
