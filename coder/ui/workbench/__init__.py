"""The Coding workbench: one components-v2 element that holds the reader, its highlights, the coding
stripes, the legend, the pending suggestions and the code picker (see workbench.js).

Why one component: a Streamlit widget per suggestion made a 1,000-suggestion source cost some 5,000
widgets and 35–54 s to open, and every decision reran the whole page twice. Here the browser redraws a
decision at once and sends it as a trigger value; the page wraps the component in ``st.fragment``, so
only the workbench reruns to store it (see coder/ui/coding_page.py).

Data in (``data``): ``source``, ``text``, ``codes`` [{id, name, color, dim, dim_name}], ``dims``
[{id, name}], ``codings`` [[id, start, end, code, status, version, score, terms, coder]] (accepted,
manual and suggested; never rejected), ``units`` {sentences, turns: [[start, end]]}, ``recent`` [code
ids], ``undo`` {id, summary} | None, ``may_undo``, ``may_edit_codebook``, ``readonly``, ``memos``
[{id, text, coder}], ``threshold``, ``done`` {nonce: {ok, message}}, ``labels``, ``focus`` [start, end] | None
(a passage a link asked for: outlined, and scrolled into view once). Offsets are code points.
``text`` and ``units`` come only with a run of the whole page; the fragment's own reruns leave them out.

Trigger out (``action``): ``{"batch": [action, ...]}``, every unanswered action with its ``nonce``
(see coder/ui/workbench/actions.py for the kinds).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

_HERE = Path(__file__).parent
_component = st.components.v2.component(
    "qcoder_workbench",
    css=(_HERE / "workbench.css").read_text(encoding="utf-8"),
    js=(_HERE / "workbench.js").read_text(encoding="utf-8"),
    isolate_styles=False,  # document.getSelection() inside a shadow root is unreliable outside Chromium
)


def workbench(data: dict[str, Any], key: str, on_action: Callable[[], None]) -> None:
    """Mount (or update) the workbench; ``on_action`` runs when the browser sends actions, before the
    fragment's body, and finds them in ``st.session_state[key]["action"]``."""
    _component(data=data, key=key, on_action_change=on_action)
