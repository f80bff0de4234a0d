"""Putting user text into Streamlit elements that read Markdown, without it being read as Markdown."""

from __future__ import annotations

import re

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def plain(text: str) -> str:
    """Escape every character Markdown (or Streamlit's HTML-in-markdown) could act on."""
    return _MARKDOWN.sub(r"\\\1", str(text))
