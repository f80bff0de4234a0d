"""The reading view: a source's text with its codings highlighted, where a mouse selection comes
back to Python as code-point offsets into the stored text.

The text is put into the page with ``textContent`` piece by piece, never as HTML, so a transcript
that contains ``<script>`` shows those characters. Browsers count offsets in UTF-16 units; the script
converts them to code points (𠮷 and emoji are one code point, two UTF-16 units) before sending.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

CSS = """
.qc-reader { white-space: pre-wrap; line-height: 2; font-size: 1.05rem; max-height: 70vh; overflow-y: auto;
             padding: 0.5rem 1rem; border: 1px solid rgba(128,128,128,0.3); border-radius: 0.5rem; }
.qc-reader span.qc-coded { border-radius: 2px; }
"""

JS = """
export default function (component) {
  const { data, parentElement, setStateValue } = component;
  let box = parentElement.querySelector(".qc-reader");
  if (!box) {
    box = document.createElement("div");
    box.className = "qc-reader";
    box.setAttribute("data-testid", "qc-reader");
    parentElement.appendChild(box);
  }
  box.replaceChildren();
  for (const piece of data.pieces) {
    const span = document.createElement("span");
    span.textContent = piece.text;                     // text, never markup
    span.dataset.start = piece.start;
    if (piece.colors.length) {
      span.className = "qc-coded";
      span.style.background = piece.colors[0];
      // Every further overlapping code adds an underline of its own colour.
      span.style.boxShadow = piece.colors.slice(1).map((c, i) => `inset 0 -${3 * (i + 1)}px 0 ${c}`).join(",");
      span.title = piece.codes.join(" · ");
    }
    box.appendChild(span);
  }
  const codePoints = (s) => Array.from(s).length;
  const offsetOf = (node, offset) => {
    const range = document.createRange();
    range.setStart(box, 0);
    range.setEnd(node, offset);
    return codePoints(range.toString());
  };
  // The script runs again on every data change without cleanup: replace our listener, never add.
  if (parentElement.__qcoderUp) document.removeEventListener("mouseup", parentElement.__qcoderUp);
  parentElement.__qcoderUp = () => {
    const selection = document.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return;
    const range = selection.getRangeAt(0);
    if (!box.contains(range.startContainer) || !box.contains(range.endContainer)) return;
    const start = offsetOf(range.startContainer, range.startOffset);
    const end = offsetOf(range.endContainer, range.endOffset);
    if (end > start) setStateValue("selection", { start, end, text: range.toString() });
  };
  document.addEventListener("mouseup", parentElement.__qcoderUp);
}
"""

_component = st.components.v2.component("qcoder_reader", css=CSS, js=JS, isolate_styles=False)


def reader(pieces: list[dict[str, Any]], key: str) -> dict[str, Any] | None:
    """Show the pieces; return the latest selection ``{"start", "end", "text"}`` (code points) or None."""
    result = _component(data={"pieces": pieces}, key=key, on_selection_change=lambda: None)
    return getattr(result, "selection", None)
