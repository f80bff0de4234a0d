"""Putting user text into Streamlit elements that read Markdown, without it being read as Markdown, and
code names in the interface language."""

from __future__ import annotations

import re
from typing import Any

from coder.ui.i18n import language

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def plain(text: str) -> str:
    """Escape every character Markdown (or Streamlit's HTML-in-markdown) could act on."""
    return _MARKDOWN.sub(r"\\\1", str(text))


def blockquote(text: str) -> str:
    """Source text as a Markdown quote: every line escaped, so it shows exactly as written."""
    return "\n".join(f"> {plain(line)}" for line in (str(text).splitlines() or [""]))


def code_names(codes: list[dict[str, Any]]) -> dict[str, str]:
    """Code ID → its name in the interface language (the Chinese name when there is no English one)."""
    english = language() == "en"
    return {c["id"]: (c.get("name_en") if english and c.get("name_en") else c["name"]) for c in codes}
